//! The Ruby oracle (oracle/liquid_oracle.rb) and the comparison of its answers with
//! the crate's.
#![allow(dead_code)]

pub mod templates;

use jekyll_liquid::{Host, ParseOptions, RenderOptions};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Whether the oracle runs: only with `POSTLINT_ORACLES=1`, and then Ruby with Jekyll
/// must load (else the test fails).
pub fn oracle_wanted() -> bool {
    if !std::env::var("POSTLINT_ORACLES").is_ok_and(|v| v == "1") {
        eprintln!("skipping the Liquid oracle comparison (set POSTLINT_ORACLES=1 to run it)");
        println!("skipping the Liquid oracle comparison (set POSTLINT_ORACLES=1 to run it)");
        return false;
    }
    let ok = Command::new("ruby")
        .args(["-e", "require 'jekyll'; require 'json'"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "POSTLINT_ORACLES=1 but ruby with the jekyll gem cannot run"
    );
    true
}

pub fn run_oracle(cases: &[Value]) -> Vec<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/liquid_oracle.rb");
    let mut child = Command::new("ruby")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn ruby oracle");
    let mut stdin = child.stdin.take().expect("stdin");
    let input: Vec<String> = cases.iter().map(|c| c.to_string()).collect();
    let writer = std::thread::spawn(move || {
        for l in input {
            if writeln!(stdin, "{l}").is_err() {
                break;
            }
        }
    });
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut res = Vec::with_capacity(cases.len());
    for line in out.lines() {
        let Ok(line) = line else { break };
        res.push(serde_json::from_str(&line).unwrap_or(Value::Null));
    }
    let _ = writer.join();
    let _ = child.wait();
    res
}

/// The oracle's fixture site (see FIXTURE in the script).
pub struct FixtureHost<'a> {
    pub includes: &'a Value,
}

impl Host for FixtureHost<'_> {
    fn include(&self, name: &str) -> Option<String> {
        self.includes.get(name)?.as_str().map(str::to_string)
    }
    fn post_url(&self, name: &str) -> Option<String> {
        let posts = [
            ("_posts/2021-01-01-hello.md", "/2021/01/01/hello.html"),
            ("_posts/2022-03-18-foo-bar.md", "/2022/03/18/foo-bar.html"),
            ("_posts/sub/2020-05-05-nested.md", "/2020/05/05/nested.html"),
        ];
        posts
            .iter()
            .find(|(p, _)| jekyll_liquid::post_url_matches(name, p) == Some(true))
            .map(|(_, u)| u.to_string())
    }
    fn link_url(&self, path: &str) -> Option<String> {
        let files = [
            ("about.md", "/about.html"),
            ("assets/a.css", "/assets/a.css"),
            ("_posts/2021-01-01-hello.md", "/2021/01/01/hello.html"),
            ("_posts/2022-03-18-foo-bar.md", "/2022/03/18/foo-bar.html"),
            ("_posts/sub/2020-05-05-nested.md", "/2020/05/05/nested.html"),
        ];
        let p = path.strip_prefix('/').unwrap_or(path);
        files
            .iter()
            .find(|(f, _)| *f == p)
            .map(|(_, u)| u.to_string())
    }
    fn include_path(&self, name: &str) -> String {
        format!("/SITE/_includes/{name}")
    }
    fn include_relative_dirs(&self) -> String {
        "[\"/SITE/_posts\"]".into()
    }
    fn includes_dirs(&self) -> String {
        "[\"/SITE/_includes\"]".into()
    }
}

#[derive(Default, Debug)]
pub struct Stats {
    pub cases: usize,
    pub oracle_failed: usize,
    pub parse_error_cases: usize,
    pub error_presence_ok: usize,
    pub error_message_ok: usize,
    pub error_line_ok: usize,
    pub warnings_ok: usize,
    pub rendered_cases: usize,
    pub render_outcome_ok: usize,
    pub output_ok: usize,
    /// Of the rendered cases, those whose output the crate marks exact (no unknown
    /// segment), and of those, how many agree.
    pub exact_cases: usize,
    pub exact_ok: usize,
    pub failures: Vec<(usize, String)>,
    /// Excerpts (`excerpt_separator` given): cases, same text, same parse outcome.
    pub excerpt_cases: usize,
    pub excerpt_text_ok: usize,
    pub excerpt_error_ok: usize,
    /// Excerpts that fail to parse although their post parses.
    pub excerpt_only_errors: usize,
    pub excerpt_only: Vec<(usize, String)>,
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(300).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

pub fn compare(cases: &[Value], oracle: &[Value]) -> Stats {
    let mut st = Stats::default();
    let opts = ParseOptions::default();
    let ropts = RenderOptions::default();
    for (i, (c, o)) in cases.iter().zip(oracle).enumerate() {
        st.cases += 1;
        if o.get("timeout").is_some() || o.get("oracle_error").is_some() || o.is_null() {
            st.oracle_failed += 1;
            continue;
        }
        let src = c["template"].as_str().unwrap_or("");
        let t = jekyll_liquid::parse(src, &opts);
        if let (Some(sep), Some(ex)) = (c["excerpt_separator"].as_str(), o.get("excerpt")) {
            st.excerpt_cases += 1;
            let mine = jekyll_liquid::excerpt(src, sep, &opts);
            let text = mine.as_ref().map_or("", |e| e.text.as_str());
            if ex["text"].as_str() == Some(text) {
                st.excerpt_text_ok += 1;
            } else {
                st.failures.push((
                    i,
                    format!(
                        "excerpt differs\n  ruby: {:?}\n  mine: {:?}",
                        ex["text"], text
                    ),
                ));
            }
            let et = jekyll_liquid::parse(text, &opts);
            let theirs = ex.get("parse_error").filter(|v| !v.is_null());
            let ok = match (et.errors.first(), theirs) {
                (None, None) => true,
                (Some(m), Some(th)) => {
                    th["message"].as_str() == Some(m.message.as_str())
                        && th["line"].as_u64().map(|l| l as u32) == m.line
                }
                _ => false,
            };
            if ok {
                st.excerpt_error_ok += 1;
            } else {
                st.failures
                    .push((i, format!("excerpt parse differs: ruby {theirs:?}")));
            }
            if theirs.is_some() && o.get("parse_error").is_none_or(|v| v.is_null()) {
                st.excerpt_only_errors += 1;
                st.excerpt_only.push((
                    i,
                    theirs.map(|v| v["message"].to_string()).unwrap_or_default(),
                ));
            }
        }
        let mine = t.errors.first();
        let theirs = o.get("parse_error").filter(|v| !v.is_null());
        if theirs.is_some() {
            st.parse_error_cases += 1;
        }
        match (mine, theirs) {
            (None, None) => {
                st.error_presence_ok += 1;
                st.error_message_ok += 1;
                st.error_line_ok += 1;
            }
            (Some(m), Some(th)) => {
                st.error_presence_ok += 1;
                let msg_ok = th["message"].as_str() == Some(m.message.as_str());
                let line_ok = th["line"].as_u64().map(|l| l as u32) == m.line;
                if msg_ok {
                    st.error_message_ok += 1;
                }
                if line_ok {
                    st.error_line_ok += 1;
                }
                if !msg_ok || !line_ok {
                    st.failures.push((
                        i,
                        format!(
                            "parse error differs\n  ruby: {:?} line {}\n  mine: {:?} line {:?}",
                            th["message"].as_str().unwrap_or(""),
                            th["line"],
                            m.message,
                            m.line
                        ),
                    ));
                }
            }
            (m, th) => st.failures.push((
                i,
                format!(
                    "parse error presence differs\n  ruby: {:?}\n  mine: {:?}",
                    th.map(|v| v["message"].clone()),
                    m.map(|e| e.message.clone())
                ),
            )),
        }
        if mine.is_some() || theirs.is_some() {
            continue;
        }
        let ruby_w: Vec<&str> = o["warnings"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let my_w: Vec<&str> = t.warnings.iter().map(|w| w.message.as_str()).collect();
        if ruby_w == my_w {
            st.warnings_ok += 1;
        } else {
            st.failures.push((
                i,
                format!("warnings differ\n  ruby: {ruby_w:?}\n  mine: {my_w:?}"),
            ));
        }
        st.rendered_cases += 1;
        let host = FixtureHost {
            includes: &c["includes"],
        };
        let r = jekyll_liquid::render(&t, &c["site"], &c["page"], &host, &ropts);
        let exact = r.map.iter().all(|s| !s.is_unknown()) && !r.unknown_flow;
        let rerr = o.get("render_error").filter(|v| !v.is_null());
        let (outcome_ok, out_ok) = match (&r.error, rerr) {
            (None, None) => {
                let ok = o["output"].as_str() == Some(r.output.as_str());
                if !ok && exact {
                    st.failures.push((
                        i,
                        format!(
                            "output differs\n  ruby: {:?}\n  mine: {:?}",
                            short(o["output"].as_str().unwrap_or("")),
                            short(&r.output)
                        ),
                    ));
                }
                (true, ok)
            }
            (Some(e), Some(th)) => {
                let ok = ruby_message(th) == Some(e.message.as_str());
                if !ok && exact {
                    st.failures.push((
                        i,
                        format!(
                            "render error differs\n  ruby: {:?}\n  mine: {:?}",
                            th["message"].as_str().unwrap_or(""),
                            e.message
                        ),
                    ));
                }
                (true, ok)
            }
            (e, th) => {
                if exact {
                    st.failures.push((
                        i,
                        format!(
                            "render outcome differs\n  ruby: {:?} / {:?}\n  mine: {:?} / {:?}",
                            th.map(|v| v["message"].clone()),
                            o["output"].as_str().map(short),
                            e.as_ref().map(|e| e.message.clone()),
                            short(&r.output)
                        ),
                    ));
                }
                (false, false)
            }
        };
        if outcome_ok {
            st.render_outcome_ok += 1;
        }
        if out_ok {
            st.output_ok += 1;
        }
        if exact {
            st.exact_cases += 1;
            if out_ok {
                st.exact_ok += 1;
            }
        }
    }
    st
}

/// The oracle's render error message without what Ruby 3.1's `error_highlight` appends to a
/// `NoMethodError` (a blank line, then the line of Ruby source that raised, underlined): the
/// error is the first part; the snippet names Liquid's or Jekyll's code, not the template.
fn ruby_message(th: &serde_json::Value) -> Option<&str> {
    let m = th["message"].as_str()?;
    Some(match th["class"].as_str() {
        Some("NoMethodError" | "NameError") => m.split("\n\n").next().unwrap_or(m),
        _ => m,
    })
}
