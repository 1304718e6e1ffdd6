//! Differential test of the YAML side against Ruby's Psych (oracle/psych_oracle.rb):
//! accept/reject, the error's line/column/problem/context, the node tree with marks, and the
//! typed values of `safe_load` with Jekyll's arguments.
//!
//! `PSYCH_CASES` (default 3000) and `PSYCH_SEED` set the generated run; the corpus run reads
//! every file of ../shared/corpus (or `PSYCH_CORPUS`) that starts a front matter, and every
//! `_config.yml`.

mod common;

use std::collections::BTreeMap;

use common::{Rng, rational_of_fraction, run_oracle, seed_and_cases};
use jiff::tz::TimeZone;
use psych::{Document, Loaded, Node, NodeKind, Style, Typed, Value};
use serde_json::{Value as J, json};

const TZ: &str = "Asia/Shanghai";

fn style_num(s: Style) -> u8 {
    match s {
        Style::Plain => 1,
        Style::SingleQuoted => 2,
        Style::DoubleQuoted => 3,
        Style::Literal => 4,
        Style::Folded => 5,
    }
}

fn node_json(root: &Node) -> J {
    // Iterative: build children first with an explicit stack.
    enum T<'a> {
        Visit(&'a Node),
        Close(&'a Node, usize),
    }
    let mut out: Vec<J> = Vec::new();
    let mut tasks = vec![T::Visit(root)];
    while let Some(t) = tasks.pop() {
        match t {
            T::Visit(n) => match &n.kind {
                NodeKind::Seq { items, .. } => {
                    tasks.push(T::Close(n, items.len()));
                    for c in items.iter().rev() {
                        tasks.push(T::Visit(c));
                    }
                }
                NodeKind::Map { entries, .. } => {
                    tasks.push(T::Close(n, entries.len() * 2));
                    for (k, v) in entries.iter().rev() {
                        tasks.push(T::Visit(v));
                        tasks.push(T::Visit(k));
                    }
                }
                _ => out.push(leaf(n, Vec::new())),
            },
            T::Close(n, count) => {
                let children = out.split_off(out.len() - count);
                out.push(leaf(n, children));
            }
        }
    }
    out.pop().unwrap_or(J::Null)
}

fn leaf(n: &Node, children: Vec<J>) -> J {
    let mut h = serde_json::Map::new();
    h.insert("s".into(), json!([n.start.line, n.start.column]));
    h.insert("e".into(), json!([n.end.line, n.end.column]));
    if let Some(t) = &n.tag {
        h.insert("tag".into(), json!(t));
    }
    if let Some(a) = &n.anchor {
        h.insert("anchor".into(), json!(a));
    }
    match &n.kind {
        NodeKind::Scalar { value, style, .. } => {
            h.insert("k".into(), json!("scalar"));
            h.insert("v".into(), json!(value));
            h.insert("style".into(), json!(style_num(*style)));
        }
        NodeKind::Seq { .. } => {
            h.insert("k".into(), json!("seq"));
            h.insert("c".into(), J::Array(children));
        }
        NodeKind::Map { .. } => {
            h.insert("k".into(), json!("map"));
            h.insert("c".into(), J::Array(children));
        }
        NodeKind::Alias { name } => {
            h.insert("k".into(), json!("alias"));
            h.insert("a".into(), json!(name));
        }
    }
    J::Object(h)
}

fn typed_json(t: &Typed) -> J {
    match t {
        Typed::Null => json!({"t": "null"}),
        Typed::Bool(b) => json!({"t": "bool", "v": b}),
        Typed::Int(i) => json!({"t": "int", "v": i.to_string()}),
        Typed::Float(f) => {
            if f.is_nan() {
                json!({"t": "float", "v": "nan"})
            } else {
                json!({"t": "float", "v": f.to_bits().to_string()})
            }
        }
        Typed::Str(s) => json!({"t": "str", "v": s}),
        Typed::Symbol(s) => json!({"t": "sym", "v": s}),
        Typed::Date(d) => json!({"t": "date", "v": d.to_ruby_string()}),
        Typed::Time(t) => json!({
            "t": "time", "v": t.to_ruby_string(), "unix": t.unix_seconds,
            "subsec": rational_of_fraction(&t.fraction), "off": t.utc_offset,
            "utc": t.zone == psych::scalar::TimeZoneKind::Utc,
        }),
        Typed::Other(c) => json!({"t": "other", "v": c}),
        Typed::Error(e) => json!({"t": "error", "class": e.class_name()}),
    }
}

fn loaded_json(l: &Loaded) -> J {
    // Recursion bounded by the generator's depth (tests only).
    fn go(l: &Loaded, id: usize, path: &mut Vec<usize>) -> J {
        if path.contains(&id) {
            return json!({"t": "cycle"});
        }
        match l.values.get(id) {
            Some(Value::Scalar(t)) => typed_json(t),
            Some(Value::Seq(items)) => {
                path.push(id);
                let v: Vec<J> = items.iter().map(|&c| go(l, c, path)).collect();
                path.pop();
                json!({"t": "seq", "v": v})
            }
            Some(Value::Map(pairs)) => {
                path.push(id);
                let v: Vec<J> = pairs
                    .iter()
                    .map(|&(k, x)| json!([go(l, k, path), go(l, x, path)]))
                    .collect();
                path.pop();
                json!({"t": "map", "v": v})
            }
            None => J::Null,
        }
    }
    go(l, l.root, &mut Vec::new())
}

/// Our answer in the oracle's format.
fn mine(yaml: &str, tz: &TimeZone) -> J {
    match psych::parse(yaml, 0) {
        Err(e) => json!({"parse": {"err": {
            "line": e.line, "column": e.column, "offset": e.offset,
            "problem": e.problem, "context": e.context,
        }}}),
        Ok(None) => json!({"parse": {"doc": null}, "load": {"t": "null"}}),
        Ok(Some(doc)) => {
            let load = load_json(&doc, tz);
            json!({"parse": {"doc": node_json(&doc.root)}, "load": load})
        }
    }
}

fn load_json(doc: &Document, tz: &TimeZone) -> J {
    match psych::load(doc, tz) {
        Ok(l) => loaded_json(&l),
        Err(e) => json!({"t": "error", "class": e.kind.class_name()}),
    }
}

/// The first difference between two answers, as a class name for the tally.
fn classify(ours: &J, theirs: &J) -> Option<String> {
    if ours == theirs {
        return None;
    }
    let (op, tp) = (&ours["parse"], &theirs["parse"]);
    Some(match (op.get("err"), tp.get("err")) {
        (Some(_), None) => format!("we reject, Psych accepts: {}", op["err"]["problem"]),
        (None, Some(_)) => format!("we accept, Psych rejects: {}", tp["err"]["problem"]),
        (Some(a), Some(b)) if a != b => {
            if a["problem"] != b["problem"] {
                format!("different error: {} vs {}", a["problem"], b["problem"])
            } else {
                format!("error position differs: {}", a["problem"])
            }
        }
        _ => {
            if op != tp {
                "tree differs".to_string()
            } else if ours["load"]["t"] != theirs["load"]["t"] {
                format!(
                    "load differs: {} vs {}",
                    ours["load"]["t"], theirs["load"]["t"]
                )
            } else {
                "typed value differs".to_string()
            }
        }
    })
}

fn compare(label: &str, inputs: &[String], tz: &TimeZone, strict: bool) -> (usize, usize) {
    let req: Vec<J> = inputs.iter().map(|y| json!({"yaml": y})).collect();
    let Some(answers) = run_oracle("psych_oracle.rb", TZ, &req) else {
        return (0, 0);
    };
    let mut tally: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut agree = 0;
    for (yaml, theirs) in inputs.iter().zip(&answers) {
        let ours = mine(yaml, tz);
        match classify(&ours, theirs) {
            None => agree += 1,
            Some(class) => {
                let e = tally.entry(class).or_insert((0, String::new()));
                e.0 += 1;
                if e.1.is_empty() {
                    e.1 = format!("{yaml:?}\n    ours:   {ours}\n    psych:  {theirs}");
                }
            }
        }
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for a in &answers {
        let k = if let Some(e) = a["parse"].get("err") {
            format!("syntax error: {}", e["problem"])
        } else if a["load"]["t"] == "error" {
            format!("load error: {}", a["load"]["class"])
        } else {
            "loaded".to_string()
        };
        *kinds.entry(k).or_default() += 1;
    }
    eprintln!("{label}: {agree}/{} agree", inputs.len());
    for (k, n) in &kinds {
        eprintln!("  psych: {n:6} {k}");
    }
    for (class, (n, example)) in &tally {
        eprintln!("  {n:5} × {class}\n    e.g. {example}");
    }
    if strict {
        assert_eq!(agree, inputs.len(), "{label}: disagreements (see above)");
    }
    (agree, inputs.len())
}

// ---------------------------------------------------------------------------------------
// The generator.

const PLAIN: &[&str] = &[
    "hello",
    "Hello World",
    "a b c",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "NULL",
    "nUlL",
    "1",
    "-1",
    "+1",
    "0",
    "00",
    "017",
    "08",
    "0x1F",
    "0x_",
    "0b101",
    "0b",
    "0o17",
    "1_000",
    "1,000",
    "1__0",
    "12345678901234567890123456789",
    "1.5",
    "-1.5",
    ".5",
    "1.",
    "1e3",
    "1.0e+3",
    "1.0E-3",
    "1_0.5",
    "1,0.5",
    ".inf",
    "-.inf",
    "+.inf",
    ".NaN",
    ".Inf",
    ".",
    "+.",
    "1:30",
    "1:30:10",
    "-1:30",
    "1:30.5",
    "190:20:30",
    "1:60",
    ":foo",
    ":\"foo\"",
    "::",
    ":",
    "2014-09-08",
    "2014-9-8",
    "2021-02-29",
    "2020-02-29",
    "1500-02-29",
    "1582-10-10",
    "0000-01-01",
    "2014-13-01",
    "2014-00-10",
    "2014-09-08 10:00:00",
    "2014-09-08T10:00:00Z",
    "2014-09-08 10:00:00 +0800",
    "2014-09-08 10:00:00 +08:00",
    "2014-09-08 10:00:00 -00:30",
    "2014-09-08 10:00:00 +800",
    "2014-09-08 10:00:00.5",
    "2014-09-08 10:00:00.123456789 -07:00",
    "2014-09-08 10:00:00.",
    "2014-09-08t10:00:00",
    "2014-09-08  10:00:00 Z",
    "2014-02-31 10:00:00",
    "2014-09-08 24:00:00",
    "2014-09-08 24:30:00",
    "2014-09-08 23:59:60",
    "2014-09-08 25:00:00",
    "-2014-09-08 10:00:00",
    "2014-09-08 10:00:00 +24",
    "2016-03-21 12:00 EDT",
    "September 8, 2014",
    "Fri Dec 26 15:54:29 2014",
    "11-9-2017",
    "2023-01-29 18:30:22 2023 -0800",
    "2014-01-10 0:00:0 UTC",
    "v1.2",
    "a:b",
    "a#b",
    "foo bar # comment",
    "中文",
    "“3·15”消费",
    "Ünïcödé",
    "emoji 🎉",
    "@",
    "`x`",
    "%x",
    "a, b",
    "[x",
    "{x",
    "x]",
    "-",
    "- x",
    "? x",
    "!",
    "&",
    "*",
    "|",
    ">",
    "'",
    "\"",
    "a:",
    "http://example.com/a?b=c#d",
    "C:\\path",
    "100%",
    "$5",
    "<html>",
    "a\tb",
    "x ",
];

const KEYS: &[&str] = &[
    "title",
    "date",
    "tags",
    "categories",
    "layout",
    "key with spaces",
    "中文键",
    "\"quoted\"",
    "'single'",
    "1",
    "true",
    "null",
    "~",
    "<<",
    "? complex",
    "a:b",
    "k#",
    "",
    "date ",
];

fn quoted(r: &mut Rng) -> String {
    let bodies = [
        "plain",
        "with 'single'",
        "with \"double\"",
        "esc \\n \\t \\\\ \\\" \\x41 \\u263A \\U0001F600",
        "bad esc \\q",
        "bad \\u12",
        "surrogate \\uD800",
        "nul \\0",
        "line\\\ncontinued",
        "",
        " lead and trail ",
        "中文 标题",
        "#not comment",
        "a: b",
        "tab\there",
    ];
    let b = r.pick(&bodies).to_string();
    match r.below(3) {
        0 => format!("'{}'", b.replace('\'', "''")),
        1 => format!("\"{}\"", b.replace('"', "\\\"")),
        _ => {
            // multi-line, continuation lines at various columns (0 included)
            let q = if r.chance(50) { '"' } else { '\'' };
            let mut s = format!("{q}first line");
            for _ in 0..=r.below(3) {
                s.push('\n');
                s.push_str(&" ".repeat(r.pick(&[0usize, 0, 1, 2, 4])));
                if r.chance(20) {
                    s.push('\n');
                }
                s.push_str(r.pick(&["more", "中文", "--- x", "... y", "# c", "- z", "k: v"]));
            }
            if r.chance(90) {
                s.push(q);
            }
            s
        }
    }
}

fn scalar(r: &mut Rng) -> String {
    match r.below(10) {
        0..=5 => r.pick(PLAIN).to_string(),
        6 | 7 => quoted(r),
        8 => {
            let tag = r.pick(&[
                "!!str",
                "!!int",
                "!!float",
                "!!bool",
                "!!null",
                "!",
                "!foo",
                "!ruby/sym",
                "!ruby/symbol",
                "!ruby/object:BigDecimal",
                "!ruby/regexp",
                "!ruby/range",
                "!ruby/encoding",
                "!ruby/class",
                "!binary",
                "!!binary",
                "!<tag:x.org,2002:y>",
                "!str",
                "!ruby/string:Foo",
                "!!timestamp",
                "!<%E4%B8%AD>",
                "!%zz",
                "!!set",
            ]);
            let v = if r.chance(50) {
                r.pick(PLAIN).to_string()
            } else {
                quoted(r)
            };
            format!("{tag} {v}")
        }
        _ => format!("&a{} {}", r.below(3), r.pick(PLAIN)),
    }
}

fn block_scalar(r: &mut Rng, indent: usize) -> String {
    let head = r.pick(&["|", ">", "|-", ">+", "|2", ">-1", "|+ # c", "|0", "|10"]);
    let mut s = format!("{head}\n");
    for _ in 0..=r.below(3) {
        let extra = r.pick(&[0usize, 0, 0, 1, 2]);
        if r.chance(10) {
            s.push('\n');
        }
        s.push_str(&" ".repeat(indent + 2 + extra));
        s.push_str(r.pick(&["line", "中文", "  more", "a: b", "# not comment", "\tx"]));
        s.push('\n');
    }
    if r.chance(20) {
        s.push_str(&" ".repeat(indent));
        s.push_str("  # trailing\n");
    }
    s.pop();
    s
}

fn flow(r: &mut Rng, depth: usize) -> String {
    let n = r.below(4);
    let mut items = Vec::new();
    for _ in 0..n {
        items.push(if depth < 2 && r.chance(20) {
            flow(r, depth + 1)
        } else if r.chance(15) {
            format!("{}: {}", r.pick(KEYS), r.pick(PLAIN))
        } else {
            scalar(r).replace('\n', " ")
        });
    }
    let sep = r
        .pick(&[", ", ",", " , ", ",\n  ", ",\n", "\n  ,"])
        .to_string();
    let body = items.join(&sep);
    let close_nl = r.pick(&["", "", "\n", "\n  ", "\n "]);
    if r.chance(60) {
        let trail = if r.chance(10) { "," } else { "" };
        format!("[{body}{trail}{close_nl}]")
    } else {
        format!("{{{body}{close_nl}}}")
    }
}

fn value(r: &mut Rng, indent: usize, depth: usize) -> String {
    let pad = " ".repeat(indent);
    match r.below(14) {
        0..=5 => scalar(r),
        6 => block_scalar(r, indent),
        7 | 8 => flow(r, 0),
        9 if depth < 3 => {
            // block sequence, indented or not
            let ind = if r.chance(50) { indent } else { indent + 2 };
            let p = " ".repeat(ind);
            let mut s = String::new();
            for _ in 0..=r.below(3) {
                s.push('\n');
                s.push_str(&p);
                s.push_str("- ");
                s.push_str(&value(r, ind + 2, depth + 1));
            }
            s
        }
        10 if depth < 3 => {
            let ind = indent + r.pick(&[2usize, 2, 4, 1]);
            let mut s = String::new();
            if r.chance(15) {
                s.push_str(r.pick(&["&m ", "!!map ", "!ruby/object:Hash ", "!!omap ", "!foo "]));
            }
            s.push_str(&mapping(r, ind, depth + 1));
            s
        }
        11 => format!("*a{}", r.below(4)),
        12 => String::new(),
        _ => {
            // a plain multi-line scalar
            format!(
                "{}\n{pad}  {}",
                r.pick(&["word", "two words", "中文"]),
                r.pick(&["continued", "more: x", "# c", "- y"])
            )
        }
    }
}

fn mapping(r: &mut Rng, indent: usize, depth: usize) -> String {
    let pad = " ".repeat(indent);
    let mut s = String::new();
    for _ in 0..=r.below(4) {
        s.push('\n');
        if r.chance(5) {
            s.push_str(&pad);
            s.push_str("# a comment\n");
        }
        if r.chance(3) {
            s.push('\n');
        }
        s.push_str(&pad);
        if r.chance(3) {
            s.push(' ');
        }
        let long;
        let key = if r.chance(1) {
            long = "中".repeat(r.pick(&[300usize, 400, 1023, 1030]));
            long.as_str()
        } else {
            r.pick(KEYS)
        };
        s.push_str(key);
        s.push_str(r.pick(&[": ", ": ", ": ", ":", ":\t", " : ", ":  "]));
        s.push_str(&value(r, indent, depth));
        if r.chance(5) {
            s.push_str(" # trailing");
        }
    }
    s
}

fn document(r: &mut Rng) -> String {
    let mut s = String::new();
    if r.chance(3) {
        s.push('\u{feff}');
    }
    if r.chance(5) {
        s.push_str(r.pick(&[
            "%YAML 1.1\n",
            "%YAML 1.2\n",
            "%TAG !e! tag:e.com,2000:\n",
            "%FOO\n",
        ]));
    }
    // Jekyll passes the opening `---` line with the YAML.
    s.push_str(r.pick(&["---", "---", "---", "--- ", "--- # c", ""]));
    let body = match r.below(20) {
        0 => format!("\n{}", flow(r, 0)),
        1 => format!("\n- {}\n- {}", scalar(r), scalar(r)),
        2 => format!("\n{}", scalar(r)),
        _ => mapping(r, 0, 0),
    };
    s.push_str(&body);
    s.push('\n');
    if r.chance(5) {
        s.push_str(r.pick(&["...\n", "--- second\n", "---\n[bad\n", "# end\n"]));
    }
    // Mutations: invalid or odd constructs.
    if r.chance(15) {
        let muts = [
            "\tkey: tab-indented",
            "key: [unclosed",
            "key: {a: 1",
            "key: 'unclosed",
            "key: \"unclosed",
            "  bad: indent",
            "key: value: more",
            "- mixed",
            "@at: x",
            "`tick: x",
            "key: *undefined",
            "key: &dup a\nk2: &dup b",
            "? complex\n: value",
            "]: x",
            "key: |\n  x\n y",
            "key: >\n\tx",
            "key: \"a\\\n  b\"",
            "k: [a,\n]",
            "k: [a,\nb]",
            "k: {a: [b, {c: d}]}",
            "k:\n- a\n - b",
            "k: !<!> x",
            "k: !!str",
            "k: &a",
            "k: [&x 1, *x]",
            "k: x\u{1}y",
            "k: \"\u{85}\"",
            "k: a\u{2028}b",
            "k: \"\\e\\a\\b\\f\\v\\/\\N\\_\\L\\P\\ \"",
            "k: 'it''s'",
            "k: - a",
            "k:\n  - a\n  b: c",
        ];
        let m = r.pick(&muts);
        if r.chance(50) {
            s.push_str(m);
            s.push('\n');
        } else {
            s = format!("---\n{m}\n{}", &s);
        }
    }
    if r.chance(8) {
        s = s.replace('\n', "\r\n");
    }
    if r.chance(3) {
        s = s.replace("  ", "\t");
    }
    if r.chance(3) {
        s.pop();
    }
    s
}

#[test]
fn generated_front_matters_agree_with_psych() {
    let (seed, cases) = seed_and_cases(3000);
    let mut r = Rng::new(seed);
    let inputs: Vec<String> = (0..cases).map(|_| document(&mut r)).collect();
    let tz = jiff::tz::TimeZone::get(TZ).expect("tzdb");
    let (agree, total) = compare("generated", &inputs, &tz, false);
    if total > 0 {
        let rate = agree as f64 / total as f64;
        assert!(rate >= 0.995, "agreement {rate:.4} below 99.5%");
    }
}

/// Jekyll's split (`YAML_FRONT_MATTER_REGEXP`): the YAML Psych gets, `---` line included.
fn corpus_inputs() -> Vec<(String, String)> {
    let root = std::env::var("PSYCH_CORPUS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into());
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let name = p.display().to_string();
            if p.file_name().is_some_and(|n| n == "_config.yml") {
                out.push((name, text.to_string()));
            } else if let Some(fm) = psych::front_matter(text) {
                out.push((name, text[fm.yaml.clone()].to_string()));
            }
        }
    }
    out
}

#[test]
fn corpus_front_matters_agree_with_psych() {
    let files = corpus_inputs();
    if files.is_empty() {
        eprintln!("skipping: no corpus");
        return;
    }
    let inputs: Vec<String> = files.iter().map(|(_, y)| y.clone()).collect();
    let tz = jiff::tz::TimeZone::get(TZ).expect("tzdb");
    compare("corpus", &inputs, &tz, true);
}

/// Line and column (libyaml's: breaks are LF, CR, CRLF, NEL, LS, PS; columns in characters)
/// of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let (mut line, mut col) = (0, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= offset {
            break;
        }
        match c {
            '\r' => {
                if chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                }
                line += 1;
                col = 0;
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                line += 1;
                col = 0;
            }
            _ => col += 1,
        }
    }
    (line, col)
}

/// Every node's byte span agrees with its libyaml line/column marks (which agree with
/// Psych's), and slices the text on character boundaries.
#[test]
fn byte_spans_match_marks() {
    let (seed, cases) = seed_and_cases(3000);
    let mut r = Rng::new(seed ^ 0x5151);
    let mut checked = 0usize;
    for _ in 0..cases {
        let text = document(&mut r);
        let base = 17;
        let Ok(Some(doc)) = psych::parse(&text, base) else {
            continue;
        };
        let mut stack = vec![&doc.root];
        while let Some(n) = stack.pop() {
            for p in [n.start, n.end] {
                let off = p.offset - base;
                assert!(text.is_char_boundary(off), "{text:?} {p:?}");
                // At the end of input libyaml moves the mark to a new line (fetch_stream_end).
                let (l, c) = line_col(&text, off);
                let at_end = off == text.len() && c != 0 && (p.line, p.column) == (l + 1, 0);
                assert!(
                    at_end || (l, c) == (p.line, p.column),
                    "{text:?} {p:?} vs {l}:{c}"
                );
            }
            assert_eq!(n.span, n.start.offset..n.end.offset);
            if let NodeKind::Scalar { value_span, .. } = &n.kind {
                assert!(value_span.start >= n.span.start && value_span.end <= n.span.end);
                let _ = &text[value_span.start - base..value_span.end - base];
                let cs = n.content_span(&format!("{}{text}", " ".repeat(base)));
                assert!(cs.start >= n.span.start && cs.end <= n.span.end);
            }
            match &n.kind {
                NodeKind::Seq { items, .. } => stack.extend(items.iter()),
                NodeKind::Map { entries, .. } => {
                    for (k, v) in entries {
                        stack.push(k);
                        stack.push(v);
                    }
                }
                _ => {}
            }
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

/// Hand-picked edge cases: chunk boundaries of libyaml's 16 KB reader, BOMs, odd breaks,
/// long keys, deep nesting near the bound, anchors on everything.
#[test]
fn special_cases_agree_with_psych() {
    let mut inputs: Vec<String> = vec![
        format!("---\na: {}\n", "中".repeat(6000)),
        format!("---\na: \"{}\u{1}\"\n", "中".repeat(6000)),
        format!("---\na: {}\nb: \"\u{1}\"\n", "x".repeat(16370)),
        format!("---\na: {}\u{1}\n", "é".repeat(8190)),
        "---\n\u{feff}a: 1\n".into(),
        "\u{feff}---\na: 1\n".into(),
        "---\na: 1\n\u{feff}b: 2\n".into(),
        "---\na: x\u{85}b: y\n".into(),
        "---\na: x\u{2028}b: y\n".into(),
        "---\na: \"x\u{2029}y\"\n".into(),
        "---\r\na: 1\rb: 2\r\n".into(),
        format!("---\n{}: v\n", "中".repeat(1024)),
        format!("---\n{}: v\n", "中".repeat(1023)),
        format!("---\n{}: v\n", "a".repeat(1025)),
        format!("---\n\"{}\": v\n", "中".repeat(1100)),
        format!("---\n{}1{}\n", "[".repeat(100), "]".repeat(100)),
        format!("---\n{}1{}\n", "{a: ".repeat(100), "}".repeat(100)),
        "---\n&a a: &b b\n*a : *b\n".into(),
        "---\n? &k [a, b]\n: v\n".into(),
        "---\n!!map &m {a: 1}\n".into(),
        "---\n- &x\n- *x\n".into(),
        "---\na: &x\nb: *x\n".into(),
        "---\n<<: {a: 1}\n<<: {b: 2}\n".into(),
        "---\na: !!binary |\n  aGVsbG8=\n".into(),
        "---\na: !!timestamp 2014-09-08\n".into(),
        "---\na: !!null ''\nb: !!bool yes\nc: !!int 0x1f\n".into(),
        "---\n%YAML 1.1\n---\na: 1\n".into(),
        "%YAML 1.1\n%YAML 1.1\n---\na: 1\n".into(),
        "%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n".into(),
        "---\na: !e!foo 1\n".into(),
        "---\na: |\n\n\n  x\n\n".into(),
        "---\na: >-\n  x\n\n  y\n".into(),
        "---\na: |-2\n    x\n".into(),
        "---\na: '\n'\n".into(),
        "---\na: \"\\\n\"\n".into(),
        "---\n- - - a\n    - b\n".into(),
        "---\na:\n- b\n-c\n".into(),
        "---\na: b\n  c: d\n".into(),
        "---\na:    \t\n".into(),
        "---\n...\n".into(),
        "---\n--- \n".into(),
        "---\n# only a comment\n".into(),
    ];
    // A character split by the first 16 KB chunk: libyaml carries it to the next chunk,
    // whose end drifts by its first bytes (here to 32767), which decides whether a control
    // character after the first document is ever decoded.
    let head = format!("---\na: {}é\nb: 1\n...\n", "x".repeat(16376));
    for pad in [32756usize, 32757, 32758, 32747] {
        inputs.push(format!(
            "{head}{}\u{1}\n",
            "#".repeat(pad - head.len() + 11)
        ));
    }
    for d in [126usize, 127, 128, 129] {
        inputs.push(format!("---\n{}x{}\n", "[".repeat(d), "]".repeat(d)));
    }
    let tz = jiff::tz::TimeZone::get(TZ).expect("tzdb");
    // Depth beyond 128 is postlint's own bound: compare only up to it.
    let (agree, total) = compare("special", &inputs, &tz, false);
    if total > 0 {
        assert!(agree + 2 >= total, "special cases: {agree}/{total}");
    }
}
