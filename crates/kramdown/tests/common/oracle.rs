//! Running the Ruby oracle (oracle/kramdown_oracle.rb) over many documents.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Whether Ruby with kramdown and kramdown-parser-gfm is available. When
/// `POSTLINT_ORACLES=1` and it is not, panics; otherwise returns false.
pub fn available() -> bool {
    let ok = Command::new("ruby")
        .args([
            "-e",
            "require 'kramdown'; require 'kramdown-parser-gfm'; require 'json'",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("POSTLINT_ORACLES").is_ok_and(|v| v == "1") {
            panic!(
                "POSTLINT_ORACLES=1 but ruby with the kramdown and kramdown-parser-gfm gems is not available"
            );
        }
        eprintln!(
            "skipping: ruby with kramdown/kramdown-parser-gfm not available (set POSTLINT_ORACLES=1 to require it)"
        );
    }
    ok
}

/// Run the oracle over `texts`; one parsed JSON value per text.
pub fn run(texts: &[String]) -> Vec<serde_json::Value> {
    run_with(texts, &[])
}

/// Run the oracle with per-document kramdown option overrides (JSON objects).
pub fn run_with(texts: &[String], opts: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/kramdown_oracle.rb");
    let mut child = Command::new("ruby")
        .arg(script)
        .env(
            "KRAMDOWN_ORACLE_TIMEOUT",
            std::env::var("KRAMDOWN_ORACLE_TIMEOUT").unwrap_or_else(|_| "3".into()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn ruby oracle");
    let mut stdin = child.stdin.take().expect("stdin");
    let input: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| match opts.get(i) {
            Some(o) => serde_json::json!({ "text": t, "opts": o }).to_string(),
            None => serde_json::json!({ "text": t }).to_string(),
        })
        .collect();
    let writer = std::thread::spawn(move || {
        for l in input {
            if writeln!(stdin, "{l}").is_err() {
                break;
            }
        }
    });
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut res = Vec::with_capacity(texts.len());
    for line in out.lines() {
        let Ok(line) = line else { break };
        res.push(serde_json::from_str(&line).unwrap_or(serde_json::Value::Null));
    }
    let _ = writer.join();
    let _ = child.wait();
    res
}

/// Outcome of comparing documents with the oracle.
#[derive(Default, Debug)]
pub struct Stats {
    pub docs: usize,
    pub oracle_errors: usize,
    pub tree_ok: usize,
    pub html_ok: usize,
    pub failures: Vec<(usize, bool, bool)>,
}

/// Compare every text with the oracle.
pub fn compare(texts: &[String]) -> Stats {
    compare_with(texts, &[], &[])
}

/// Compare with per-document options (`opts_json[i]` for Ruby, `opts[i]` for Rust).
pub fn compare_with(
    texts: &[String],
    opts_json: &[serde_json::Value],
    opts: &[kramdown::Options],
) -> Stats {
    let results = run_with(texts, opts_json);
    let mut st = Stats {
        docs: texts.len(),
        ..Default::default()
    };
    for (i, t) in texts.iter().enumerate() {
        let Some(r) = results.get(i) else {
            st.oracle_errors += 1;
            continue;
        };
        if r.get("error").is_some() || r.is_null() {
            st.oracle_errors += 1;
            continue;
        }
        let o = opts
            .get(i)
            .cloned()
            .unwrap_or_else(kramdown::Options::jekyll);
        let doc = kramdown::parse(t, &o);
        let tree = super::ser(&doc, doc.root);
        let html = kramdown::to_html(&doc);
        let tok = r.get("tree") == Some(&tree);
        let hok = r.get("html").and_then(|h| h.as_str()) == Some(html.as_str());
        st.tree_ok += usize::from(tok);
        st.html_ok += usize::from(hok);
        if !tok || !hok {
            if std::env::var("KRAMDOWN_DIFF_SHOW").is_ok() && st.failures.len() < 2 {
                eprintln!(
                    "--- text {:?}\n--- ruby {}\n--- rust {}",
                    t,
                    r.get("html").and_then(|h| h.as_str()).unwrap_or(""),
                    html
                );
            }
            st.failures.push((i, tok, hok));
        }
    }
    st
}
