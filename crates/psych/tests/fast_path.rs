//! The fast path of `Date._parse` (`psych::date_parse::fast`) against the full port
//! (`date_parse_full`), on generated strings on and around the fast path's forms: every
//! field with 0–5 digits, signs, separators, out-of-range values, zones of every kind,
//! trailing and leading garbage, and random character edits of valid forms. No Ruby needed
//! (the full port is checked against Ruby by `time_diff.rs`).
//!
//! `PSYCH_FAST_CASES` (default 200,000) and `PSYCH_SEED` set the run.

mod common;

use common::Rng;
use psych::date_parse::{date_parse, date_parse_full, fast};

fn digits(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| {
            if r.chance(70) {
                char::from(b'0' + r.below(10) as u8)
            } else {
                r.pick(&['0', '1', '2', '3', '5', '9'])
            }
        })
        .collect()
}

fn width(r: &mut Rng, usual: usize) -> usize {
    if r.chance(80) { usual } else { r.below(6) }
}

const SEP_DATE: &[&str] = &[
    "-", "-", "-", "-", "-", "/", ".", "", " ", "--", "\u{2212}", "_",
];
const SEP_TIME: &[&str] = &[
    " ", " ", " ", "T", "T", "t", "  ", "\t", "", "_", "\u{3000}", ",", "T ", " T", "\n",
];
const COLON: &[&str] = &[":", ":", ":", ":", ":", "", ".", "h", " : ", "::", "-"];
const ZONES: &[&str] = &[
    "",
    "",
    " +0800",
    "+0800",
    " -0500",
    " +08:00",
    "+08:00",
    " -00:00",
    " +2400",
    " +9999",
    " +8",
    " +080",
    " +08000",
    " +08:0",
    " +08:00:00",
    " +08:000",
    " Z",
    "Z",
    "z",
    " z",
    " UTC",
    "UTC",
    " utc",
    " UT",
    " GMT",
    " GMT+8",
    " UTC+08:00",
    " EST",
    " CST",
    " JST",
    " Zulu",
    " +0800 ",
    " ",
    " +08:00 (CST)",
    " dst",
    " Eastern Standard Time",
    " +",
    "+-0800",
    " - 0800",
    " +08,00",
    " +08.00",
    " pm",
    "am",
    " p.m.",
    " ZZ",
    " A",
];
const SUFFIX: &[&str] = &[
    "", "", "", "", " ", "x", " 2023", "Z", "\n", ".", ":00", "-01", "st", " bc", " BC", ".5",
    ",123", "+", " +0800",
];
const PREFIX: &[&str] = &[
    "", "", "", "", " ", "Mon ", "x", "'", "T", "-", "+", "1", "\u{feff}",
];
const ALPHABET: &[char] = &[
    '0', '1', '2', '5', '9', '-', ':', '+', ' ', 'T', 'Z', 't', 'z', 'U', 'C', 'a', 'p', 'm', 'h',
    'j', 's', '.', '/', ',', '\'', '\t', '中', '\u{ff10}', 'b', 'w', 'W', '[', ']',
];

/// A string built from date/time/zone pieces, mostly near the fast forms.
fn gen_structured(r: &mut Rng) -> String {
    let mut s = String::new();
    s.push_str(r.pick(PREFIX));
    let yw = width(r, 4);
    s.push_str(&digits(r, yw));
    s.push_str(r.pick(SEP_DATE));
    let mw = width(r, 2);
    s.push_str(&digits(r, mw));
    s.push_str(r.pick(SEP_DATE));
    let dw = width(r, 2);
    s.push_str(&digits(r, dw));
    if r.chance(75) {
        s.push_str(r.pick(SEP_TIME));
        let hw = width(r, 2);
        s.push_str(&digits(r, hw));
        s.push_str(r.pick(COLON));
        let nw = width(r, 2);
        s.push_str(&digits(r, nw));
        if r.chance(70) {
            s.push_str(r.pick(COLON));
            let sw = width(r, 2);
            s.push_str(&digits(r, sw));
        }
        s.push_str(r.pick(ZONES));
    }
    s.push_str(r.pick(SUFFIX));
    s
}

/// A valid fast form, with random field values.
fn gen_valid(r: &mut Rng) -> String {
    let mut s = format!("{}-{}-{}", digits(r, 4), digits(r, 2), digits(r, 2));
    if r.chance(80) {
        s.push_str(if r.chance(70) { " " } else { "T" });
        s.push_str(&format!("{}:{}", digits(r, 2), digits(r, 2)));
        if r.chance(70) {
            s.push(':');
            s.push_str(&digits(r, 2));
        }
        let z = r.pick(&[
            "", " +0800", "+0800", " -0330", " +08:00", "-08:00", " Z", "Z", " UTC",
        ]);
        let z = z.replace("08", &digits(r, 2)).replace("00", &digits(r, 2));
        s.push_str(&z);
    }
    s
}

/// Random edits of a valid form (replace, insert, delete, duplicate).
fn gen_mutated(r: &mut Rng) -> String {
    let mut c: Vec<char> = gen_valid(r).chars().collect();
    for _ in 0..1 + r.below(3) {
        let i = r.below(c.len() + 1);
        match r.below(4) {
            0 if i < c.len() => c[i] = r.pick(ALPHABET),
            1 => c.insert(i, r.pick(ALPHABET)),
            2 if i < c.len() => {
                c.remove(i);
            }
            _ if i < c.len() => {
                let x = c[i];
                c.insert(i, x);
            }
            _ => c.push(r.pick(ALPHABET)),
        }
    }
    c.into_iter().collect()
}

#[test]
fn fast_path_agrees_with_full_port() {
    let seed = std::env::var("PSYCH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_201u64);
    let cases: usize = std::env::var("PSYCH_FAST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let mut r = Rng::new(seed);
    let (mut hits, mut bad) = (0usize, Vec::new());
    for n in 0..cases {
        let s = match n % 3 {
            0 => gen_structured(&mut r),
            1 => gen_valid(&mut r),
            _ => gen_mutated(&mut r),
        };
        if fast(&s).is_some() {
            hits += 1;
        }
        for comp in [true, false] {
            let (a, b) = (date_parse(&s, comp), date_parse_full(&s, comp));
            if a != b && bad.len() < 20 {
                bad.push(format!("{s:?} (comp {comp}):\n  fast {a:?}\n  full {b:?}"));
            }
        }
    }
    eprintln!(
        "fast path: {cases} strings, {hits} on the fast path, {} disagreements",
        bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(
        hits * 5 > cases,
        "the generator should reach the fast path often"
    );
}

/// Every value of every two-digit field, with every zone form of the fast path.
#[test]
fn fast_path_fields_exhaustive() {
    let mut n = 0;
    for v in 0..100 {
        let f = format!("{v:02}");
        for s in [
            format!("20{f}-12-08"),
            format!("2021-{f}-08"),
            format!("2021-12-{f}"),
            format!("2021-12-08 {f}:30:00 +0800"),
            format!("2021-12-08T10:{f}:00Z"),
            format!("2021-12-08 10:30:{f} UTC"),
            format!("2021-12-08 10:30 -{f}00"),
            format!("2021-12-08 10:30:00+08:{f}"),
            format!("{f}21-12-08T10:30"),
        ] {
            assert!(fast(&s).is_some(), "{s:?} should be on the fast path");
            assert_eq!(date_parse(&s, true), date_parse_full(&s, true), "{s:?}");
            n += 1;
        }
    }
    assert_eq!(n, 900);
}
