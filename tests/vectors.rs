//! The security vectors (tests/vectors/vectors.txt): crafted posts whose built page runs script
//! (live) or whose dangerous text kramdown, Liquid or the browser made inert (neutral). Each
//! vector's verdict was decided by Jekyll and html5lib (scripts/vector-oracle.py) and is recorded
//! in tests/vectors/verdicts.json; postlint's security findings (HT007, HT008, LK002) must say
//! the same with both packs: a finding on every live vector, none on a neutral one. With
//! `POSTLINT_ORACLES=1` the oracle itself runs too and must decide as recorded.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `(name, post text)` in file order, read as scripts/vector-oracle.py reads them.
fn vectors() -> Vec<(String, String)> {
    vectors_and_marks().0
}

/// The vectors, and the names marked `known-missed` (live, and postlint is known to miss them).
fn vectors_and_marks() -> (Vec<(String, String)>, BTreeSet<String>) {
    let text = std::fs::read_to_string(root().join("tests/vectors/vectors.txt")).unwrap();
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    let mut known = BTreeSet::new();
    for line in text.split('\n') {
        if let Some(head) = line.strip_prefix("=== ") {
            let mut words = head.split_whitespace();
            let name = words.next().unwrap_or("").to_string();
            if words.any(|w| w == "known-missed") {
                known.insert(name.clone());
            }
            out.push((name, Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            lines.push(line);
        }
    }
    let vectors = out
        .into_iter()
        .map(|(name, lines)| {
            let body = format!("{}\n", lines.join("\n").trim_end_matches('\n'));
            let text = if body.starts_with("---\n") {
                body
            } else {
                format!("---\nlayout: null\n---\n{body}")
            };
            (name, text)
        })
        .collect();
    (vectors, known)
}

fn verdicts() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("tests/vectors/verdicts.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The security codes postlint reports per file name of the site, with `pack`.
fn findings(site: &Path, pack: &str) -> BTreeMap<String, BTreeSet<String>> {
    let cfg = site.join(format!("postlint-{pack}.yaml"));
    std::fs::write(&cfg, format!("extends: {pack}\n")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .current_dir(site)
        .env("POSTLINT_NOW", "2024-01-01T00:00:00Z")
        .args(["check", ".", "--format", "json", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap_or("");
        if matches!(code, "HT007" | "HT008" | "LK002") {
            let path = d["path"].as_str().unwrap_or("");
            let file = path.rsplit('/').next().unwrap_or(path).to_string();
            out.entry(file).or_default().insert(code.to_string());
        }
    }
    out
}

#[test]
fn every_vector_has_a_recorded_verdict() {
    let v = vectors();
    let names: BTreeSet<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), v.len(), "duplicate vector names");
    assert!(v.len() >= 150, "only {} vectors", v.len());
    let recorded = verdicts();
    let keys: BTreeSet<&str> = recorded.keys().map(String::as_str).collect();
    assert_eq!(
        names, keys,
        "run scripts/vector-oracle.py --write after changing the vectors"
    );
    assert!(
        recorded
            .values()
            .all(|v| matches!(v.as_str(), "live" | "forbidden" | "neutral")),
        "a vector Jekyll could not build"
    );
}

#[test]
fn security_findings_agree_with_the_browser_on_every_vector() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::create_dir_all(site.join("_posts")).unwrap();
    std::fs::write(site.join("_config.yml"), "title: vector oracle\n").unwrap();
    let (vectors, known) = vectors_and_marks();
    let mut files = Vec::new();
    for (i, (name, text)) in vectors.iter().enumerate() {
        let file = format!("2020-01-01-v{i:03}.md");
        std::fs::write(site.join("_posts").join(&file), text).unwrap();
        files.push((name.clone(), file));
    }
    let recorded = verdicts();
    let mut wrong = Vec::new();
    for pack in ["jekyll", "finews"] {
        let found = findings(site, pack);
        for (name, file) in &files {
            let verdict = recorded.get(name).map_or("", String::as_str);
            let got = found.get(file);
            let flagged = got.is_some_and(|g| !g.is_empty());
            if known.contains(name) {
                if flagged || !matches!(verdict, "live" | "forbidden") {
                    wrong.push(format!(
                        "known-missed ({pack}) is not missed any more: {name} [{verdict}]: remove the mark"
                    ));
                }
                continue;
            }
            match verdict {
                "live" | "forbidden" if !flagged => {
                    wrong.push(format!("missed ({pack}): {name} [{verdict}]"))
                }
                "neutral" if flagged => {
                    wrong.push(format!("false ({pack}): {name} {:?}", got.unwrap()))
                }
                _ => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_vector_oracle_decides_as_recorded() {
    if std::env::var("POSTLINT_ORACLES").as_deref() != Ok("1") {
        eprintln!(
            "skipped: set POSTLINT_ORACLES=1 (needs jekyll, html5lib) to run the vector oracle"
        );
        return;
    }
    // Debian's html5lib is for Debian's python3.
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let o = Command::new(python)
        .arg(root().join("scripts/vector-oracle.py"))
        .env("POSTLINT", env!("CARGO_BIN_EXE_postlint"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    eprintln!("{out}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "the vector oracle disagrees:\n{out}");
}
