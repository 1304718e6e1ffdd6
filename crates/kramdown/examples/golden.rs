//! Self-regression dumps: `golden SET` prints one line per document,
//! `label<TAB>hash` of the full observable result (tree as the differential
//! tests serialise it, HTML, every node's span and attribute spans, footnotes,
//! abbreviations, warnings). `golden SET LABEL` prints that document's dump.
//! Sets: `gen` (docgen seeds 0..20000), `opt` (option variants), `corpus`,
//! `random` (random strings of markup pieces), `patho` (repetitions).
use std::hash::{Hash, Hasher};

#[path = "../tests/common/mod.rs"]
mod common;

fn body(t: &str) -> &str {
    if !t.starts_with("---") {
        return t;
    }
    let mut off = 0;
    for (i, line) in t.split_inclusive('\n').enumerate() {
        if i > 0 && matches!(line.trim_end(), "---" | "...") {
            return &t[off + line.len()..];
        }
        off += line.len();
    }
    t
}

fn dump(text: &str, o: &kramdown::Options) -> String {
    use std::fmt::Write;
    let doc = kramdown::parse(text, o);
    let mut s = String::new();
    let tree = common::ser(&doc, doc.root);
    let _ = writeln!(s, "{tree}");
    let _ = writeln!(s, "{}", kramdown::to_html(&doc));
    let mut roots = vec![doc.root];
    for f in &doc.footnotes {
        let _ = writeln!(s, "fn {:?} {}", f.0, f.2);
        roots.push(f.1);
    }
    for a in &doc.abbrevs {
        let _ = writeln!(s, "abbr {:?} {:?} {:?}", a.0, a.1, a.2);
    }
    for r in roots {
        for id in doc.descendants(r) {
            let n = doc.node(id);
            let _ = writeln!(
                s,
                "{} {:?} {:?} {:?} {:?} {:?} {}",
                n.kind.name(),
                n.span,
                n.value,
                n.raw_text(),
                n.lang(),
                n.category,
                n.children.len()
            );
            for a in &n.attrs {
                let _ = writeln!(
                    s,
                    "  {:?}={:?} {:?} {:?} {:?}",
                    a.name, a.value, a.name_span, a.value_span, a.origin
                );
            }
        }
    }
    if std::env::var_os("GOLDEN_NOWARN").is_none() {
        for w in &doc.warnings {
            let _ = writeln!(s, "w {w}");
        }
    }
    s
}

fn variant(s: u64) -> kramdown::Options {
    let mut o = kramdown::Options::jekyll();
    match s % 7 {
        0 => o.hard_wrap = true,
        1 => o.parse_block_html = true,
        2 => o.parse_span_html = false,
        3 => {
            o.gfm_quirk_paragraph_end = false;
            o.gfm_quirk_no_auto_typographic = true;
        }
        4 => {
            o.auto_ids = false;
            o.math_engine = None;
        }
        5 => o.auto_id_prefix = "p-".into(),
        _ => o.input = kramdown::Input::Kramdown,
    }
    o
}

fn random_doc(state: &mut u64) -> String {
    let alphabet: &[&str] = &[
        "<",
        ">",
        "/",
        "!",
        "-",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        ":",
        "*",
        "_",
        "`",
        "~",
        "$",
        "&",
        "#",
        ";",
        "|",
        "\\",
        "\"",
        "'",
        "=",
        ".",
        "^",
        "+",
        "1",
        "a",
        "Z",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "\u{b}",
        "\u{a0}",
        "é",
        "日",
        "\u{10FFFF}",
        "\0",
        "div",
        "span",
        "script",
        "markdown=\"1\"",
        "{::",
        "{:/}",
        "http://",
        "@",
        "    ",
        "> ",
        "- ",
        "1. ",
        ": ",
        "```",
        "~~~",
        "<!--",
        "-->",
        "&#",
        "x",
        "](",
        "![",
        "<p>",
        "</p>",
        "<a href=\"",
        "[^1]",
        "[^1]: ",
        "*[a]: ",
        "{:.c}",
        "\n> ",
        "\n- ",
        "\n    ",
        "\n\t",
        "|-|",
        "$$",
    ];
    let mut next = || {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    };
    let len = (next() % 300) as usize;
    let mut s = String::new();
    for _ in 0..len {
        s.push_str(alphabet[(next() % alphabet.len() as u64) as usize]);
    }
    s
}

fn patho(n: usize) -> Vec<(String, String)> {
    let v: Vec<(&str, String)> = vec![
        ("nested div", "<div>".repeat(n) + &"</div>".repeat(n)),
        ("nested div md=1", "<div markdown=\"1\">\n".repeat(n)),
        ("nested >", ">".repeat(n) + " x\n"),
        ("nested > spaced", "> ".repeat(n) + "x\n"),
        ("nested list", "- ".repeat(n) + "x\n"),
        ("nested ol", "1. ".repeat(n) + "x\n"),
        ("<a b", "<a b".repeat(n)),
        ("[", "[".repeat(n)),
        ("[ ]", "[".repeat(n) + "]"),
        ("![", "![".repeat(n)),
        ("*", "*".repeat(n)),
        ("_", "_".repeat(n)),
        ("`", "`".repeat(n)),
        ("` `", "` ".repeat(n)),
        ("~~", "~~a ".repeat(n)),
        ("$$ lines", "$$\n".repeat(n)),
        ("$$ inline", "a $$".repeat(n)),
        ("<!--", "<!--".repeat(n)),
        ("{:", "{:".repeat(n)),
        ("{: lines", "{: a\n".repeat(n)),
        ("``` lines", "```x\n".repeat(n)),
        ("[a]: lines", "[a]: ".repeat(n)),
        ("<http", "<http:".repeat(n)),
        ("quotes", "\"'".repeat(n)),
        ("lazy quote", "> ".repeat(50) + "x\n" + &"lazy\n".repeat(n)),
        ("lazy list", "- ".repeat(50) + "x\n" + &"lazy\n".repeat(n)),
        ("table pipes", "|".repeat(n) + "\n"),
        ("table rows", "a|b\n".repeat(n)),
        ("emph nest", "*a **b ".repeat(n / 4)),
        ("emph nest _", "_a __b ".repeat(n / 4)),
        ("links", "[a](b) ".repeat(n / 4)),
        ("html attrs", format!("<div {}>", "a=\"b\" ".repeat(n))),
        ("list items", "- a\n".repeat(n)),
        ("setext", "a\n=\n".repeat(n)),
        ("entities", "&amp;".repeat(n)),
        ("autolink mail", "<a@".repeat(n)),
        ("footnotes", "[^1]".repeat(n) + "\n\n[^1]: x\n"),
        ("abbr", "*[A]: b\n\n".to_string() + &"A ".repeat(n)),
    ];
    v.into_iter().map(|(a, b)| (a.to_string(), b)).collect()
}

fn docs(set: &str) -> Vec<(String, String, kramdown::Options)> {
    let j = kramdown::Options::jekyll;
    match set {
        "gen" => (0..20000u64)
            .map(|s| (format!("gen {s}"), common::docgen::document(s), j()))
            .collect(),
        "opt" => (0..7000u64)
            .map(|s| {
                (
                    format!("opt {s}"),
                    common::docgen::document(200_000 + s),
                    variant(s),
                )
            })
            .collect(),
        "corpus" => {
            let mut files = Vec::new();
            for sub in ["sites", "finews/_posts", "jekyll-test-source"] {
                let mut stack = vec![std::path::Path::new("/work/shared/corpus").join(sub)];
                while let Some(d) = stack.pop() {
                    let Ok(rd) = std::fs::read_dir(&d) else {
                        continue;
                    };
                    for e in rd.flatten() {
                        let p = e.path();
                        if p.is_dir() {
                            stack.push(p);
                        } else if p.extension().is_some_and(|x| x == "md" || x == "markdown") {
                            files.push(p);
                        }
                    }
                }
            }
            files.sort();
            files
                .iter()
                .filter_map(|f| {
                    let t = std::fs::read_to_string(f).ok()?;
                    Some((f.display().to_string(), body(&t).to_string(), j()))
                })
                .collect()
        }
        "random" => {
            let mut st = 0x9E37_79B9_7F4A_7C15u64;
            (0..30000)
                .map(|i| (format!("random {i}"), random_doc(&mut st), j()))
                .collect()
        }
        "patho" => patho(3000)
            .into_iter()
            .chain(patho(200))
            .enumerate()
            .map(|(i, (a, b))| (format!("patho {i} {a}"), b, j()))
            .collect(),
        _ => Vec::new(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let set = args.first().cloned().unwrap_or_default();
    let only = args.get(1);
    for (label, text, o) in docs(&set) {
        if let Some(l) = only {
            if &label == l {
                println!("{text:?}\n{}", dump(&text, &o));
            }
            continue;
        }
        let d = dump(&text, &o);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        d.hash(&mut h);
        println!("{label}\t{:016x}", h.finish());
    }
}
