//! Differential test of `time_parse` (Ruby's `Time.parse(s, now)` over `Date._parse`) and of
//! Jekyll's dating of a front matter `date` against Ruby (oracle/time_oracle.rb), in several
//! zones. `PSYCH_CASES` (default 4000 per zone) and `PSYCH_SEED` set the generated run.

mod common;

use std::collections::BTreeMap;

use common::{Rng, rational_of_fraction, run_oracle, seed_and_cases};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value as J, json};

const ZONES: &[&str] = &[
    "Asia/Shanghai",
    "America/New_York",
    "UTC",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Europe/Berlin",
    "Asia/Tokyo",
];

/// 2025-12-01 00:00:00 UTC, and a few other build moments (DST edges, year ends).
const NOWS: &[i64] = &[
    1_764_547_200,
    1_735_689_599,
    1_710_054_000,
    1_730_613_600,
    946_684_800,
    1_719_792_000,
];

fn ours_time(s: &str, now: i64, tz: &TimeZone) -> J {
    let now = Timestamp::from_second(now).unwrap_or(Timestamp::UNIX_EPOCH);
    match psych::time_parse(s, now, tz) {
        Ok(t) => json!({"ok": {
            "unix": t.unix_seconds, "subsec": rational_of_fraction(&t.fraction),
            "off": t.utc_offset, "utc": t.utc, "v": t.to_ruby_string(),
        }}),
        Err(psych::TimeParseError::YearTooLarge) => json!({"err": "YearTooLarge"}),
        Err(e) => {
            json!({"err": if e.is_argument_error() { "ArgumentError" } else { "RangeError" }})
        }
    }
}

fn ours_fm(yaml: &str, now: i64, tz: &TimeZone) -> J {
    let nowt = Timestamp::from_second(now).unwrap_or(Timestamp::UNIX_EPOCH);
    let doc = match psych::parse(yaml, 0) {
        Ok(Some(d)) => d,
        Ok(None) => return json!({"none": true}),
        Err(_) => return json!({"yaml_err": "Psych::SyntaxError"}),
    };
    let loaded = match psych::load(&doc, tz) {
        Ok(l) => l,
        Err(e) => return json!({"yaml_err": e.kind.class_name()}),
    };
    let Some(psych::Value::Map(pairs)) = loaded.values.get(loaded.root) else {
        return json!({"none": true});
    };
    let date = pairs.iter().find(|(k, _)| {
        matches!(loaded.values.get(*k), Some(psych::Value::Scalar(psych::Typed::Str(s))) if s == "date")
    });
    let Some(&(_, v)) = date else {
        return json!({"none": true});
    };
    let (input, class) = psych::jekyll::date_input(&loaded, v);
    let mut out = json!({"input": input, "class": class});
    match psych::jekyll::jekyll_date_of_string(&input, nowt, tz) {
        Ok(d) => {
            let t = d.time;
            out["ok"] = json!({
                "unix": t.unix_seconds, "subsec": rational_of_fraction(&t.fraction),
                "off": t.utc_offset, "utc": t.utc, "v": t.to_ruby_string(),
            });
        }
        Err(psych::JekyllDateError::Invalid { .. }) => out["err"] = json!("ArgumentError"),
        Err(psych::JekyllDateError::Crash { .. }) => out["err"] = json!("RangeError"),
    }
    out
}

fn compare(label: &str, tz_name: &str, reqs: &[J], strict: bool) -> (usize, usize) {
    let Some(answers) = run_oracle("time_oracle.rb", tz_name, reqs) else {
        return (0, 0);
    };
    let tz = TimeZone::get(tz_name).expect("tzdb");
    let mut agree = 0;
    let mut tally: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (req, theirs) in reqs.iter().zip(&answers) {
        let now = req["now"].as_i64().unwrap_or(0);
        let ours = if let Some(s) = req["s"].as_str() {
            ours_time(s, now, &tz)
        } else {
            ours_fm(req["fm"].as_str().unwrap_or(""), now, &tz)
        };
        if &ours == theirs {
            agree += 1;
            continue;
        }
        let year_gap = ours["err"] == "YearTooLarge"
            || theirs["ok"]["v"].as_str().is_some_and(|v| {
                v.trim_start_matches('-')
                    .split('-')
                    .next()
                    .is_some_and(|y| y.len() > 6)
            });
        let class = match (ours.get("ok"), theirs.get("ok")) {
            _ if year_gap => "known gap: year beyond 6 digits".to_string(),
            (Some(_), None) => "we parse, Ruby raises".to_string(),
            (None, Some(_)) => "we raise, Ruby parses".to_string(),
            (Some(a), Some(b)) if a["unix"] != b["unix"] => "different instant".to_string(),
            (Some(_), Some(_)) => "same instant, different zone/fraction".to_string(),
            _ => "different input or error".to_string(),
        };
        let e = tally.entry(class).or_insert((0, String::new()));
        e.0 += 1;
        if e.1.is_empty() {
            e.1 = format!("{req}\n      ours:  {ours}\n      ruby:  {theirs}");
        }
    }
    let gap = tally
        .get("known gap: year beyond 6 digits")
        .map_or(0, |e| e.0);
    eprintln!(
        "{label} [{tz_name}]: {agree}/{} agree ({gap} more in the known gap)",
        reqs.len()
    );
    for (class, (n, example)) in &tally {
        eprintln!("  {n:5} × {class}\n    e.g. {example}");
    }
    if strict {
        assert_eq!(
            agree,
            reqs.len(),
            "{label} [{tz_name}]: disagreements above"
        );
    }
    (agree, reqs.len() - gap)
}

// ---------------------------------------------------------------------------------------

const DATES: &[&str] = &[
    "2014-09-08",
    "2014-9-8",
    "14-09-08",
    "+2014-09-08",
    "-2014-09-08",
    "'14-09-08",
    "2014-02-30",
    "2014-02-29",
    "2016-02-29",
    "2014-13-01",
    "2014-00-01",
    "2014-01-00",
    "2014-01-32",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "1582-10-10",
    "2014-251",
    "2014-W36-1",
    "2014W361",
    "W36",
    "-251",
    "--09-08",
    "--0908",
    "20140908",
    "140908",
    "2014090810",
    "201409081000",
    "20140908100000",
    "+20140908",
    "0908",
    "2014251",
    "September 8, 2014",
    "8 September 2014",
    "Sept 8 2014",
    "Sept. 8, 2014",
    "sep 8",
    "8 sep",
    "Jan 2014",
    "2014 Jan 8",
    "8th September 2014",
    "September 8th",
    "Dec 26 2014",
    "26 Dec 2014",
    "Fri, 26 Dec 2014",
    "Fri Dec 26 2014",
    "Mon, 2014-09-08",
    "8-Sep-2014",
    "08-SEP-2014",
    "Sep-08-2014",
    "Sep-08",
    "11/9/2017",
    "2017/11/9",
    "11/9",
    "9/11/17",
    "'17/11/09",
    "11-9-2017",
    "8.9.2014",
    "2014.09.08",
    "08.09.14",
    "H31.04.30",
    "R1.05.01",
    "S64.1.7",
    "M45.07.30",
    "T1.1.1",
    "'14",
    "2018",
    "1",
    "99",
    "-1",
    "100 BC",
    "Jan 1 100 B.C.",
    "1 Jan 100 bce",
    "2014-09",
    "2014/09",
    "２０１４-０９-０８",
    "2014年9月8日",
    "today",
    "now",
    "",
    " ",
    "1.5",
    "true",
    "2014-09-08-10",
    "Sat Aug 28",
    "12/31/1999",
    "31/12/1999",
    "1999-12-31",
    "feb 29 2015",
    "feb 30",
    "2014-9-08",
    "Thu Jan 01 1970",
    "Tue, 1 Jul 2003",
    "2003-07-01T10:52:37.123+0200",
];

const TIMES: &[&str] = &[
    "10:00",
    "10:00:00",
    "10:00:00.5",
    "10:00:00,123456789",
    "0:00:0",
    "23:59:60",
    "24:00",
    "24:00:00",
    "24:30",
    "25:00",
    "23:60",
    "10h30m",
    "10h",
    "10h30m15s",
    "10am",
    "10 p.m.",
    "12:00 am",
    "12:00 pm",
    "12am",
    "3:54pm",
    "100000",
    "T100000",
    "T10:00",
    "10:00:00.",
    "1:2:3",
    "99:99",
    "10 : 30",
    "10:30:45.25",
    "12:00 AM",
    "0:0",
];

const ZONE_STRS: &[&str] = &[
    "Z",
    "UTC",
    "GMT",
    "UT",
    "EDT",
    "EST",
    "CST",
    "CDT",
    "PST",
    "PDT",
    "MST",
    "JST",
    "CET",
    "CEST",
    "BST",
    "IST",
    "HKT",
    "A",
    "M",
    "N",
    "Y",
    "J",
    "+08:00",
    "+0800",
    "+08",
    "+8",
    "-05:00",
    "-0500",
    "-5",
    "+05:30",
    "+0530",
    "+5:30",
    "-00:00",
    "-0000",
    "+0000",
    "+00:00",
    "+09:00:00",
    "+090000",
    "GMT+8",
    "UTC-5",
    "GMT+08:00",
    "utc+0530",
    "Eastern Standard Time",
    "Pacific Daylight Time",
    "Central European Summer Time",
    "EST dst",
    "MEZ",
    "[+9]",
    "[-5:EST]",
    "[+9:JST]",
    "+2400",
    "+24:00",
    "-1200",
    "+1400",
    "z",
    "+8.5",
    "+8,5",
    "utc",
    "Utc",
    "LMT",
    "xyz",
    "+12345",
];

fn date_string(r: &mut Rng) -> String {
    let mut s = String::new();
    let shape = r.below(10);
    if shape < 5 {
        s.push_str(r.pick(DATES));
        if r.chance(60) {
            s.push_str(r.pick(&[" ", "T", "t", "  ", " at ", ", ", "\t", "_"]));
            s.push_str(r.pick(TIMES));
        }
    } else if shape < 7 {
        s.push_str(r.pick(TIMES));
        if r.chance(50) {
            s.push(' ');
            s.push_str(r.pick(DATES));
        }
    } else if shape < 9 {
        // a random weave of tokens
        for _ in 0..=r.below(4) {
            if !s.is_empty() {
                s.push_str(r.pick(&[" ", "-", "/", ".", ",", ":", "", "T", "'", "+"]));
            }
            match r.below(4) {
                0 => s.push_str(r.pick(DATES)),
                1 => s.push_str(r.pick(TIMES)),
                2 => s.push_str(r.pick(ZONE_STRS)),
                _ => s.push_str(&r.below(100_000).to_string()),
            }
        }
    } else {
        // garbage and edges
        let g = [
            "x".repeat(129),
            format!("2014-09-08 {}", "0".repeat(120)),
            "2014-09-08 10:00:00 +0800 2014".into(),
            "no date here".into(),
            "2023-01-29 18:30:22 2023 -0800".into(),
            "Fri Dec 26 15:54:29 2014".into(),
            "2016-03-21 12:00 EDT".into(),
            "2014-01-10 0:00:0 UTC".into(),
            "10:00 2014-09-08 +0900".into(),
            "1/2/3/4".into(),
            "----".into(),
            "::".into(),
            "1999999999999999999999-01-01".into(),
            "99999999999 pm".into(),
            "2014-09-08 10:00:00 +0800 Asia/Shanghai".into(),
            "@1400000000".into(),
            "[2014-09-08]".into(),
            "2014-09-08 10:00:00 (CST)".into(),
        ];
        s.push_str(&g[r.below(g.len())]);
    }
    if r.chance(45) {
        s.push_str(r.pick(&[" ", "", "  "]));
        s.push_str(r.pick(ZONE_STRS));
    }
    if r.chance(25) {
        // Mutations of a realistic date: insert, delete or replace a few characters.
        let mut chars: Vec<char> = s.chars().collect();
        for _ in 0..=r.below(3) {
            let alphabet: Vec<char> = "0123456789-/:. +TZapm,'[]hsdtnrAPM\t".chars().collect();
            let c = r.pick(&alphabet);
            let at = r.below(chars.len() + 1);
            match r.below(3) {
                0 => chars.insert(at, c),
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                _ if at < chars.len() => chars[at] = c,
                _ => chars.push(c),
            }
        }
        s = chars.into_iter().collect();
    }
    if r.chance(5) {
        s = s.to_uppercase();
    }
    if r.chance(5) {
        s = format!("{} ", s);
    }
    s
}

#[test]
fn generated_time_parse_agrees_with_ruby() {
    let (seed, cases) = seed_and_cases(4000);
    let mut total = (0, 0);
    for (i, tz) in ZONES.iter().enumerate() {
        let mut r = Rng::new(seed + i as u64);
        let reqs: Vec<J> = (0..cases)
            .map(|_| json!({"s": date_string(&mut r), "now": r.pick(NOWS)}))
            .collect();
        let (a, n) = compare("generated", tz, &reqs, false);
        total.0 += a;
        total.1 += n;
    }
    if total.1 > 0 {
        let rate = total.0 as f64 / total.1 as f64;
        eprintln!(
            "generated total: {}/{} outside the known gap ({rate:.5})",
            total.0, total.1
        );
        assert!(rate >= 0.999, "agreement {rate:.5} below 99.9%");
    }
}

/// Every front matter of the corpus (split as Jekyll splits), dated as Jekyll dates it.
#[test]
fn corpus_dates_agree_with_jekyll() {
    let root = std::env::var("PSYCH_CORPUS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into());
    let mut reqs = Vec::new();
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
            if let Some(fm) = psych::front_matter(&text) {
                reqs.push(json!({"fm": &text[fm.yaml.clone()], "now": NOWS[0]}));
            }
        }
    }
    if reqs.is_empty() {
        eprintln!("skipping: no corpus");
        return;
    }
    for tz in ["Asia/Shanghai", "America/New_York", "UTC"] {
        compare("corpus", tz, &reqs, true);
    }
}

/// Local times in DST gaps and folds, in every zone of the test.
#[test]
fn dst_gaps_and_folds_agree_with_ruby() {
    let strs = [
        "2021-11-07 01:30",
        "2021-11-07 01:00:00",
        "2021-11-07 01:59:59",
        "2021-03-14 02:30",
        "2021-03-14 02:00",
        "2021-10-31 01:30",
        "2021-10-31 01:00",
        "2021-03-28 01:30",
        "2021-04-04 01:45",
        "2021-04-04 01:30",
        "2021-10-03 02:15",
        "2021-10-03 02:00",
        "1941-12-31 23:30",
        "1900-01-01 00:00",
        "1986-05-04 02:30",
        "2038-03-14 02:30",
        "2100-11-07 01:30",
        "9999-11-07 01:30",
        "2021-11-07 01:30 EST",
        "2021-11-07 01:30 EDT",
        "2021-10-31 01:30 BST",
        "2021-10-31 01:30 GMT",
        "2021-04-04 01:45 +11:00",
    ];
    let reqs: Vec<J> = strs
        .iter()
        .flat_map(|s| NOWS.iter().map(move |n| json!({"s": s, "now": n})))
        .collect();
    for tz in ZONES {
        compare("dst", tz, &reqs, true);
    }
}
