//! Differential test: Jekyll 4.3.1 (oracle/run.rb) against `read_site` on the committed
//! fixture sites, on sites made here (symbolic links, fatal errors), and — when they are
//! present — on the shared corpus. Runs when `POSTLINT_ORACLES=1`; skips otherwise.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jekyll_site::{DateReader, ReadOptions, Value, read_site};
use serde_json::Value as J;

const FIELDS: &[&str] = &[
    "kind",
    "collection",
    "written",
    "skipped",
    "url",
    "destination",
    "date",
    "slug",
    "categories",
    "tags",
    "read_error",
    "generator",
];

fn norm(v: &J) -> J {
    match v {
        J::String(s) if s.starts_with("!error") => J::String("!error".into()),
        other => other.clone(),
    }
}

fn key(f: &J) -> String {
    match f.get("path").and_then(J::as_str) {
        None => format!(
            "generated {} {}",
            f["generator"].as_str().unwrap_or(""),
            f["url"].as_str().unwrap_or("")
        ),
        Some(p) => format!("file {p} {}", f["kind"].as_str().unwrap_or("")),
    }
}

/// The differences between the oracle's JSON and ours.
fn diff(oracle: &J, ours: &J) -> Vec<String> {
    let mut out = Vec::new();
    let of = oracle.get("fatal").is_some_and(|f| !f.is_null());
    let rf = ours.get("fatal").is_some_and(|f| !f.is_null());
    if of != rf {
        out.push(format!(
            "fatal: oracle {:?} / ours {:?}",
            oracle
                .get("fatal")
                .and_then(J::as_str)
                .map(|s| &s[s.len().saturating_sub(300)..]),
            ours.get("fatal")
        ));
    }
    if of {
        // Jekyll stopped: nothing else to compare.
        return out;
    }
    let mut om: BTreeMap<String, Vec<&J>> = BTreeMap::new();
    let mut rm: BTreeMap<String, Vec<&J>> = BTreeMap::new();
    for f in oracle["files"].as_array().into_iter().flatten() {
        om.entry(key(f)).or_default().push(f);
    }
    for f in ours["files"].as_array().into_iter().flatten() {
        rm.entry(key(f)).or_default().push(f);
    }
    let keys: std::collections::BTreeSet<&String> = om.keys().chain(rm.keys()).collect();
    for k in keys {
        let a = om.get(k).cloned().unwrap_or_default();
        let b = rm.get(k).cloned().unwrap_or_default();
        if a.len() != b.len() {
            out.push(format!("{k}: {} in Jekyll, {} here", a.len(), b.len()));
            continue;
        }
        let mut a = a;
        let mut b = b;
        a.sort_by_key(|v| v.to_string());
        b.sort_by_key(|v| v.to_string());
        for (fa, fb) in a.iter().zip(&b) {
            for fld in FIELDS {
                let (x, y) = (norm(&fa[*fld]), norm(&fb[*fld]));
                if x != y {
                    out.push(format!("{k}: {fld}: Jekyll {x} / here {y}"));
                }
            }
        }
    }
    let ou: std::collections::BTreeSet<&str> = oracle["unread"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(J::as_str)
        .filter(|p| !p.starts_with(".jekyll-cache/"))
        .collect();
    let ru: std::collections::BTreeSet<&str> = ours["unread"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(J::as_str)
        .filter(|p| !p.starts_with(".jekyll-cache/"))
        .collect();
    for p in ou.difference(&ru) {
        out.push(format!("unread by Jekyll, read here: {p}"));
    }
    for p in ru.difference(&ou) {
        out.push(format!("read by Jekyll, unread here: {p}"));
    }
    out
}

/// Runs one case: the oracle with `args`, then `read_site` with the same options.
fn check(site: &Path, args: &[&str]) -> Vec<String> {
    let oracle = common::run_oracle(site, args);
    let mut opts = ReadOptions {
        list_unread: true,
        default_timezone: Some("UTC".into()),
        ..ReadOptions::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--config" => {
                opts.config_files = it.next().map(|v| v.split(',').map(PathBuf::from).collect())
            }
            "--drafts" => opts.show_drafts = Some(true),
            "--future" => opts.future = Some(true),
            "--unpublished" => opts.unpublished = Some(true),
            "--safe" => opts.safe = Some(true),
            "--limit-posts" => opts.limit_posts = it.next().and_then(|v| v.parse().ok()),
            _ => {}
        }
    }
    if let Some(t) = oracle["config"]["time"].as_str() {
        opts.time = common::READER
            .parse_date(&Value::string(t), Some("UTC"))
            .ok();
    }
    let ours = read_site(site, &opts, &common::READER).to_oracle_json();
    diff(&oracle, &ours)
}

fn write(path: &Path, text: &[u8]) {
    if let Some(d) = path.parent() {
        let _ = std::fs::create_dir_all(d);
    }
    let _ = std::fs::write(path, text);
}

/// Sites made at test time: symbolic links (absolute targets) and fatal errors.
fn made_sites(root: &Path) -> Vec<(PathBuf, Vec<&'static str>)> {
    let _ = std::fs::remove_dir_all(root);
    let mut out = Vec::new();
    // Symbolic links: inside and outside the source, in _posts and in collections.
    let outside = root.join("outside");
    write(&outside.join("page.md"), b"---\n---\n");
    write(&outside.join("2010-01-01-out.md"), b"---\n---\n");
    write(&outside.join("img.png"), b"png");
    let s = root.join("links");
    write(
        &s.join("_config.yml"),
        b"collections:\n  docs:\n    output: true\n",
    );
    write(&s.join("real/inner.md"), b"---\n---\n");
    write(&s.join("_posts/2010-01-02-real.md"), b"---\n---\n");
    write(&s.join("_docs/d.md"), b"---\n---\n");
    write(&s.join("postsrc/2010-01-03-linked.md"), b"---\n---\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        // inside links are relative (they survive the oracle's copy of the site)
        let _ = symlink("real", s.join("inside-dir"));
        let _ = symlink(&outside, s.join("outside-dir"));
        let _ = symlink(outside.join("page.md"), s.join("outside-page.md"));
        let _ = symlink("real/inner.md", s.join("inside-page.md"));
        let _ = symlink("../postsrc", s.join("_posts/linked-dir"));
        let _ = symlink(
            outside.join("2010-01-01-out.md"),
            s.join("_posts/2010-01-01-out.md"),
        );
        let _ = symlink(outside.join("img.png"), s.join("_docs/img.png"));
    }
    out.push((s.clone(), vec![]));
    out.push((s, vec!["--safe"]));
    // Fatal errors (each stops the build).
    let fatal: &[(&str, &str, &[u8])] = &[
        ("fatal-date", "_posts/2010-13-45-bad-date.md", b"---\n---\n"),
        (
            "fatal-empty-date",
            "_posts/2010-01-01-x.md",
            b"---\ndate:\n---\n",
        ),
        (
            "fatal-fm-date",
            "_posts/2010-01-01-y.md",
            b"---\ndate: not a date\n---\n",
        ),
        ("fatal-page-list", "p.html", b"---\n- a\n- b\n---\n"),
        (
            "fatal-page-permalink",
            "p.html",
            b"---\npermalink: \"\"\n---\n",
        ),
        ("ok-doc-list", "_posts/2010-01-01-z.md", b"---\n- a\n---\n"),
        (
            "ok-cats-int",
            "_posts/2010-01-01-c.md",
            b"---\ncategories: 5\n---\n",
        ),
        (
            "ok-symbol",
            "_posts/2010-01-01-s.md",
            b"---\npermalink: :title\n---\n",
        ),
        (
            "ok-invalid-utf8",
            "_posts/2010-01-01-u.md",
            b"---\ntitle: x\n---\n\xff\xfe\n",
        ),
        (
            "ok-invalid-utf8-page",
            "u.html",
            b"---\npermalink: /moved/\n---\n\xff\n",
        ),
    ];
    for (name, file, text) in fatal {
        let s = root.join(name);
        write(&s.join(file), text);
        write(&s.join("index.md"), b"---\n---\n");
        out.push((s, vec![]));
    }
    let s = root.join("fatal-config");
    write(&s.join("_config.yml"), b"exclude: README\n");
    write(&s.join("index.md"), b"---\n---\n");
    out.push((s, vec![]));
    out
}

#[test]
fn jekyll_agrees() {
    if !common::oracle_available() {
        return;
    }
    let dir = common::crate_dir();
    let fx = dir.join("tests/fixtures");
    let mut cases: Vec<(PathBuf, Vec<String>)> = Vec::new();
    for args in [
        vec![],
        vec!["--drafts"],
        vec!["--future", "--unpublished"],
        vec!["--safe"],
        vec!["--limit-posts", "3"],
    ] {
        for name in ["reader", "plugins", "paths"] {
            cases.push((fx.join(name), args.iter().map(|s| s.to_string()).collect()));
        }
    }
    let made = std::env::temp_dir().join(format!("postlint-site-made-{}", std::process::id()));
    for (s, args) in made_sites(&made) {
        cases.push((s, args.iter().map(|s| s.to_string()).collect()));
    }
    let corpus = dir.join("../../../shared/corpus");
    if std::env::var("POSTLINT_CORPUS").is_ok_and(|v| v == "1") && corpus.is_dir() {
        let j = corpus.join("sites/jekyll");
        let e = corpus.join("sites/elixir");
        let b = corpus.join("sites/brew");
        let t = corpus.join("jekyll-test-source");
        let conf = |a: PathBuf, b: PathBuf| {
            vec![
                "--config".to_string(),
                format!("{},{}", a.display(), b.display()),
            ]
        };
        cases.push((
            j.join("site"),
            conf(j.join("site/_config.yml"), j.join("debian-plugins.yml")),
        ));
        cases.push((
            e.join("site"),
            conf(e.join("site/_config.yml"), e.join("debian-plugins.yml")),
        ));
        cases.push((
            b.join("site"),
            vec![
                "--config".into(),
                b.join("debian-config.yml").display().to_string(),
            ],
        ));
        cases.push((t.clone(), vec![]));
        cases.push((t.clone(), vec!["--drafts".into()]));
        cases.push((
            t,
            vec![
                "--config".into(),
                dir.join("tests/configs/test-source-collections.yml")
                    .display()
                    .to_string(),
            ],
        ));
        cases.push((corpus.join("finews"), vec![]));
    }
    let mut failures = Vec::new();
    for (site, args) in &cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let d = check(site, &a);
        eprintln!("{} {:?}: {} differences", site.display(), args, d.len());
        for x in d.iter().take(20) {
            eprintln!("    {x}");
        }
        if !d.is_empty() {
            failures.push(format!("{} {:?}", site.display(), args));
        }
    }
    let _ = std::fs::remove_dir_all(&made);
    assert!(failures.is_empty(), "differences on: {failures:?}");
}
