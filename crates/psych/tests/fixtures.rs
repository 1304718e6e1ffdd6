//! Fixed expectations (each checked against Ruby 3.1 / Psych 4.0.3 / Jekyll 4.3.1 when
//! written), robustness on arbitrary input, and time bounds on 100,000-fold repetitions.
//! These tests need no Ruby.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use psych::{JekyllDateError, Typed, Value};

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").expect("tzdb")
}

fn now() -> Timestamp {
    Timestamp::from_second(1_764_547_200).expect("valid")
}

/// `safe_load` of a front matter, as a map of string keys to typed scalars.
fn load(yaml: &str) -> Vec<(String, Typed)> {
    let doc = psych::parse(yaml, 0).expect("parses").expect("a document");
    let l = psych::load(&doc, &shanghai()).expect("loads");
    let Some(Value::Map(pairs)) = l.values.get(l.root) else {
        panic!("not a map")
    };
    pairs
        .iter()
        .map(|&(k, v)| {
            let Some(Value::Scalar(Typed::Str(k))) = l.values.get(k) else {
                panic!("key")
            };
            let v = match l.values.get(v) {
                Some(Value::Scalar(t)) => t.clone(),
                other => Typed::Other(format!("{other:?}")),
            };
            (k.clone(), v)
        })
        .collect()
}

#[test]
fn psych_accepts_what_saphyr_rejected() {
    // A double-quoted scalar whose continuation line starts at column 0.
    assert_eq!(
        load("---\ntitle: \"abc\ndef\"\n"),
        vec![("title".into(), Typed::Str("abc def".into()))]
    );
    // A flow sequence closed by `]` at column 0.
    let doc = psych::parse("---\ntags: [a,\nb\n]\n", 0).unwrap().unwrap();
    let tags = doc.root.get("tags").unwrap().as_seq().unwrap();
    assert_eq!(tags.len(), 2);
    // Single-quoted with a continuation at column 0.
    assert_eq!(
        load("---\na: 'it''s\nfine'\n"),
        vec![("a".into(), Typed::Str("it's fine".into()))]
    );
}

#[test]
fn syntax_errors_carry_psychs_line_and_column() {
    // Psych: "(<unknown>): found unexpected end of stream while scanning a quoted scalar at
    // line 2 column 8" — the context mark (the opening quote), one-based.
    let e = psych::parse("---\ntitle: \"unterminated\ndate: 2014-09-08\n", 0).unwrap_err();
    assert_eq!((e.line, e.column), (2, 8));
    assert_eq!(e.problem, "found unexpected end of stream");
    assert_eq!(e.context, Some("while scanning a quoted scalar"));
    assert_eq!(
        e.psych_message(),
        "(<unknown>): found unexpected end of stream while scanning a quoted scalar at line 2 column 8"
    );
    // No context: the mark of the problem. "a: b: c" → line 1 column 5.
    let e = psych::parse("a: b: c", 0).unwrap_err();
    assert_eq!((e.line, e.column, e.context), (1, 5, None));
    // Reader errors: line 1 column 1, with the byte offset.
    let e = psych::parse("a: 1\nb: \"x\u{1}\"", 0).unwrap_err();
    assert_eq!((e.line, e.column, e.offset), (1, 1, 10));
    assert_eq!(e.problem, "control characters are not allowed");
    // Spans are bytes of the whole file.
    let e = psych::parse("标题: [\n", 100).unwrap_err();
    assert!(e.problem_pos.offset >= 100);
}

#[test]
fn psych_typing() {
    let got = load(concat!(
        "---\n",
        "a: 1:30\n",
        "b: yes\n",
        "c: y\n",
        "d: 017\n",
        "e: 0o17\n",
        "f: 1e3\n",
        "g: 1.0e+3\n",
        "h: 2014-09-08\n",
        "i: 2021-02-29\n",
        "j: ~\n",
        "k: 1_000\n",
        "l: .inf\n",
        "m: \"1\"\n",
        "n: ! 12\n",
    ));
    let v = |k: &str| got.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(v("a"), Typed::Int(psych::Int::Small(5400)));
    assert_eq!(v("b"), Typed::Bool(true));
    assert_eq!(v("c"), Typed::Str("y".into()));
    assert_eq!(v("d"), Typed::Int(psych::Int::Small(15)));
    assert_eq!(v("e"), Typed::Str("0o17".into()));
    assert_eq!(v("f"), Typed::Str("1e3".into()));
    assert_eq!(v("g"), Typed::Float(1000.0));
    assert!(matches!(v("h"), Typed::Date(_)));
    assert_eq!(v("i"), Typed::Str("2021-02-29".into()));
    assert_eq!(v("j"), Typed::Null);
    assert_eq!(v("k"), Typed::Int(psych::Int::Small(1000)));
    assert_eq!(v("l"), Typed::Float(f64::INFINITY));
    assert_eq!(v("m"), Typed::Str("1".into()));
    assert_eq!(v("n"), Typed::Int(psych::Int::Small(12)));
    // A symbol is a DisallowedClass; an unknown alias a BadAlias.
    let doc = psych::parse("x: :foo\n", 0).unwrap().unwrap();
    let e = psych::load(&doc, &shanghai()).unwrap_err();
    assert_eq!(e.kind.class_name(), "Psych::DisallowedClass");
    let doc = psych::parse("x: *b\n", 0).unwrap().unwrap();
    assert_eq!(
        psych::load(&doc, &shanghai())
            .unwrap_err()
            .kind
            .class_name(),
        "Psych::BadAlias"
    );
}

#[test]
fn a_zoneless_yaml_timestamp_is_utc() {
    // `date: 2014-09-08 20:30:00` is a Psych Time read as UTC: 04:30 on the 9th in Shanghai
    // (Jekyll published it under /2014/09/09/). Without seconds it is a String, read in the
    // site zone.
    let got = load("---\ndate: 2014-09-08 20:30:00\nother: 2014-09-08 20:30\n");
    let d = psych::jekyll_date(&got[0].1, now(), &shanghai()).unwrap();
    assert_eq!(d.input, "2014-09-09 04:30:00 +0800");
    assert_eq!(d.civil(), (2014, 9, 9, 4, 30, 0));
    assert!(!d.offset_written);
    let d = psych::jekyll_date(&got[1].1, now(), &shanghai()).unwrap();
    assert_eq!(d.civil(), (2014, 9, 8, 20, 30, 0));
}

#[test]
fn time_parse_forms() {
    let tz = shanghai();
    let cases: &[(&str, Option<i64>)] = &[
        ("September 8, 2014", Some(1_410_105_600)),
        ("2016-03-21 12:00 EDT", Some(1_458_576_000)),
        ("2014-01-10 0:00:0 UTC", Some(1_389_312_000)),
        ("Fri Dec 26 15:54:29 2014", Some(1_419_580_469)),
        ("11-9-2017", Some(1_505_059_200)),
        ("2023-01-29 18:30:22 2023 -0800", Some(1_674_988_222)),
        ("2014-09-08 20:30 CST", Some(1_410_229_800)),
        ("10:00", Some(1_764_554_400)),
        ("36000", None),
        ("2018", None),
        ("", None),
        ("2014-02-30 10:00", Some(1_393_725_600)),
        ("H31.04.30", Some(1_556_553_600)),
        ("8-Sep-2014", Some(1_410_105_600)),
        ("2014-251", Some(1_410_105_600)),
        ("20140908T103000Z", Some(1_410_172_200)),
    ];
    for (s, want) in cases {
        let got = psych::time_parse(s, now(), &tz)
            .ok()
            .map(|t| t.unix_seconds);
        assert_eq!(got, *want, "{s:?}");
    }
}

#[test]
fn jekyll_stops_the_build_on_these() {
    let tz = shanghai();
    for v in [
        Typed::Null,
        Typed::Int(psych::Int::Small(2018)),
        Typed::Int(psych::Int::Small(36000)),
        Typed::Str("2014-09-08 25:00:00".into()),
        Typed::Str("2014-09-08 10:00:00 +24:00".into()),
        Typed::Str("x".repeat(130)),
        Typed::Bool(true),
    ] {
        assert!(
            matches!(
                psych::jekyll_date(&v, now(), &tz),
                Err(JekyllDateError::Invalid { .. })
            ),
            "{v:?}"
        );
    }
}

/// A splitmix-style generator for the robustness test.
fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

#[test]
fn no_panic_on_arbitrary_input() {
    let alphabet = b"-:[]{}?,!&*#|>'\"%@` \t\n\r\\.0123456789aZyn~e+";
    let tz = shanghai();
    let n: u64 = std::env::var("PSYCH_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    for seed in 0..n {
        let raw = bytes(seed, (seed % 400) as usize);
        // Multi-byte characters too: the scanner's runs, NEL/LS/PS breaks, BOMs, controls.
        let wide = [
            'é', '中', '\u{85}', '\u{2028}', '\u{feff}', '\u{1}', ' ', ':', '-', '"', '\'', '\n',
            '\\', 'a', '[', '{', '#', '&', '*', '!', '\t', '\u{fffe}', '\u{9f}',
        ];
        let text: String = match seed % 4 {
            0 => String::from_utf8_lossy(&raw).into_owned(),
            3 => raw.iter().map(|b| wide[*b as usize % wide.len()]).collect(),
            _ => raw
                .iter()
                .map(|b| alphabet[*b as usize % alphabet.len()] as char)
                .collect(),
        };
        if let Ok(Some(doc)) = psych::parse(&text, 7) {
            let _ = psych::load(&doc, &tz);
        }
        let fm = format!("---\n{text}\n---\n");
        if let Some(Ok(keys)) = psych::site_keys(&fm, &tz) {
            let _ = keys.pluralized("tag", "tags");
            let _ = keys.pluralized("category", "categories");
            let _ = keys.to_s("slug");
            let _ = keys.date(now(), &tz);
            let _ = keys.published();
        }
        let _ = psych::front_matter(&text);
        let short: String = text.chars().take(128).collect();
        let _ = psych::time_parse(&short, now(), &tz);
    }
}

fn timed<F: FnOnce()>(what: &str, limit: Duration, f: F) {
    let t = Instant::now();
    f();
    let e = t.elapsed();
    eprintln!("{what}: {e:?}");
    assert!(e < limit, "{what} took {e:?}");
}

#[test]
fn linear_on_100k_repetitions() {
    let tz = shanghai();
    let limit = Duration::from_secs(10);
    let n = 100_000;
    let cases: Vec<(&str, String)> = vec![
        ("mapping entries", "k: v\n".repeat(n)),
        (
            "distinct keys",
            (0..n).map(|i| format!("k{i}: {i}\n")).collect(),
        ),
        ("sequence items", "- x\n".repeat(n)),
        ("flow items", format!("[{}]", "a, ".repeat(n))),
        ("open brackets", "[".repeat(n)),
        ("nested maps", "a:\n ".repeat(n)),
        ("quoted lines", format!("k: \"{}\"", "x\n".repeat(n))),
        ("plain lines", format!("k: {}", "x\n  ".repeat(n))),
        (
            "anchors",
            (0..n)
                .map(|i| format!("k{i}: &a{i} [*a{}]\n", i / 2))
                .collect(),
        ),
        (
            "alias fan-out",
            format!("a: &a [x]\nb: [{}]\n", "*a, ".repeat(n)),
        ),
        (
            "merge keys",
            format!("a: &a {{x: 1}}\n{}", "<<: *a\n".repeat(n)),
        ),
        ("long key", format!("{}: v", "k".repeat(n))),
        ("comments", "# c\n".repeat(n)),
        ("tags", "- !foo x\n".repeat(n)),
    ];
    for (what, text) in cases {
        timed(what, limit, || {
            if let Ok(Some(doc)) = psych::parse(&text, 0) {
                let _ = psych::load(&doc, &tz);
            }
        });
    }
    timed("front matter split", limit, || {
        let t = format!("---\n{}", "a\n".repeat(n));
        let _ = psych::front_matter(&t);
    });
    // Time.parse reads at most 128 bytes; the worst shapes must stay fast.
    let worst = [
        "1:".repeat(64),
        "a ".repeat(64),
        "1 a".repeat(42),
        "1-".repeat(64),
        "'1/".repeat(42),
        "1.".repeat(64),
        "Jan ".repeat(32),
        "10:00 ".repeat(21),
    ];
    timed("time_parse worst shapes ×1000", limit, || {
        for _ in 0..1000 {
            for w in &worst {
                let _ = psych::time_parse(w, now(), &tz);
            }
        }
    });
}

#[test]
fn simple_keys_are_limited_to_1024_characters_not_bytes() {
    // libyaml counts `mark.index` in characters: a 400-character CJK key (1200 bytes) is a key.
    let k = "中".repeat(400);
    let doc = psych::parse(&format!("{k}: v"), 0).unwrap().unwrap();
    assert_eq!(doc.root.as_map().unwrap().len(), 1);
    // Psych: "mapping values are not allowed in this context at line 1 column 1031".
    let e = psych::parse(&format!("{}: v", "中".repeat(1030)), 0).unwrap_err();
    assert_eq!(e.problem, "mapping values are not allowed in this context");
    assert_eq!((e.line, e.column), (1, 1031));
}

#[test]
fn reader_errors_report_the_byte_offset() {
    let y = format!("a: {}\nb: \"\u{1}\"\n", "x".repeat(20000));
    let e = psych::parse(&y, 0).unwrap_err();
    assert_eq!((e.line, e.column, e.offset), (1, 1, 20008));
    let y = format!(
        "a: [{}\nb: \"\u{1}\"\n{}",
        "\n".repeat(10),
        "z".repeat(20000)
    );
    let e = psych::parse(&y, 0).unwrap_err();
    assert_eq!((e.line, e.column, e.offset), (1, 1, 19));
}

#[test]
fn a_list_date_is_inspected_like_ruby() {
    let doc = psych::parse("date: [2014-09-08, 1500-02-29]\n", 0)
        .unwrap()
        .unwrap();
    let l = psych::load(&doc, &shanghai()).unwrap();
    let id = l.get("date").unwrap();
    let (s, class) = psych::jekyll::date_input(&l, id);
    assert_eq!(class, "Array");
    assert_eq!(
        s,
        "[#<Date: 2014-09-08 ((2456909j,0s,0n),+0s,2299161j)>, #<Date: 1500-02-29 ((2268992j,0s,0n),+0s,2299161j)>]"
    );
    // Jekyll then dates the post 2014-09-08 (Time.parse finds the first date).
    let d = psych::jekyll::jekyll_date_of_string(&s, now(), &shanghai()).unwrap();
    assert_eq!(d.civil(), (2014, 9, 8, 0, 0, 0));
}

#[test]
fn filename_dates_as_jekyll_matches_them() {
    use psych::jekyll::filename_date;
    assert_eq!(
        filename_date("_posts/2014-09-08-a.md"),
        Some(("2014-09-08", "a", ".md"))
    );
    assert_eq!(
        filename_date("_posts/sub/14-9-8-a.b.md"),
        Some(("14-9-8", "a.b", ".md"))
    );
    assert_eq!(filename_date("_posts/2014-09-08.md"), None);
    assert_eq!(filename_date("_posts/x-2014-09-08-a.md"), None);
    // Jekyll then reads "2014-2-30" as 2 March.
    let t = psych::time_parse("2014-2-30", now(), &shanghai()).unwrap();
    assert_eq!(t.civil.1, 3);
}

#[test]
fn zones_time_parse_ignores_are_reported() {
    let tz = shanghai();
    let date = |s: &str| psych::jekyll_date(&Typed::Str(s.into()), now(), &tz).unwrap();
    assert_eq!(
        date("2023-01-29 18:30:22 2023 -0800")
            .ignored_zone
            .as_deref(),
        Some("-0800")
    );
    assert_eq!(
        date("2014-09-08 10:00 +8").ignored_zone.as_deref(),
        Some("+8")
    );
    assert_eq!(
        date("2014-09-08 10:00 GMT+8").ignored_zone.as_deref(),
        Some("GMT+8")
    );
    assert_eq!(
        date("2014-09-08 10:00 JST").ignored_zone.as_deref(),
        Some("JST")
    );
    assert_eq!(date("2014-09-08 10:00 +08:00").ignored_zone, None);
    assert_eq!(date("2014-09-08 10:00 UTC").ignored_zone, None);
    assert_eq!(date("2014-09-08").ignored_zone, None);
    assert!(date("2014-09-08 10:00 +08:00").offset_written);
    assert!(!date("2014-09-08 10:00 +8").offset_written);
}
