//! `postlint site` and `postlint inspect`: the site model as a user (and the oracle) sees it.
//! With `POSTLINT_ORACLES=1` (set by .ci/run, where Debian's jekyll is installed), the site
//! oracle (scripts/site-oracle: Jekyll's own reading, dumped by a hook plugin) must agree with
//! `postlint site --format json` on every committed fixture site.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_postlint"));
    cmd.env("POSTLINT_NOW", "2024-01-01T00:00:00Z");
    cmd
}

fn site(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const SITE: &[(&str, &str)] = &[
    (
        "_config.yml",
        "timezone: Europe/Berlin\ndefaults:\n  - scope: {path: \"de\"}\n    values: {lang: de}\n",
    ),
    (
        "de/news/_posts/2010-03-26-x.md",
        "---\ntitle: X\ndate: 2010-03-26 23:30:00 +0000\n---\nx\n",
    ),
    (
        "_posts/2021-12-08-a.md",
        "---\ntitle: A\ntags: [one]\n---\na\n",
    ),
    ("_posts/notes.txt", "no front matter\n"),
    ("_drafts/idea.md", "---\ntitle: Idea\n---\n"),
    ("about.md", "---\ntitle: About\npermalink: /about/\n---\n"),
    ("assets/app.js", "x\n"),
];

#[test]
fn site_lists_every_file_as_jekyll_reads_it() {
    let dir = site(SITE);
    let o = run(dir.path(), &["site", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    let find = |path: &str| {
        files
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path} missing: {v}"))
    };
    // The folders above `_posts` are categories; the date is read in the site's zone (the
    // next day in Berlin).
    let de = find("de/news/_posts/2010-03-26-x.md");
    assert_eq!(de["url"], "/de/news/2010/03/27/x.html");
    assert_eq!(de["date"], "2010-03-27T00:30:00+01:00");
    assert_eq!(find("about.md")["url"], "/about/");
    assert_eq!(find("assets/app.js")["kind"], "static");
    let unread: Vec<&str> = v["unread"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u.as_str())
        .collect();
    assert!(unread.contains(&"_posts/notes.txt"), "{unread:?}");
    assert!(unread.contains(&"_drafts/idea.md"), "{unread:?}");

    let o = run(dir.path(), &["site", "--drafts", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "_drafts/idea.md" && f["kind"] == "draft"),
        "{v}"
    );

    let o = run(dir.path(), &["site"]);
    let out = stdout(&o).replace(&*dir.path().to_string_lossy(), "[SITE]");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("cli_site_human", out));
}

#[test]
fn inspect_shows_one_file_as_postlint_reads_it() {
    let dir = site(SITE);
    let o = run(dir.path(), &["inspect", "de/news/_posts/2010-03-26-x.md"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o).replace(&*dir.path().to_string_lossy(), "[SITE]");
    let o = run(dir.path(), &["inspect", "_posts/notes.txt"]);
    let unread = stdout(&o).replace(&*dir.path().to_string_lossy(), "[SITE]");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!("cli_inspect_post", out);
        insta::assert_snapshot!("cli_inspect_unread", unread);
    });
    let o = run(
        dir.path(),
        &["inspect", "--format", "json", "_posts/2021-12-08-a.md"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["front_matter"]["value"]["tags"][0], "one");
    assert_eq!(v["entry"]["url"], "/2021/12/08/a.html");
    let o = run(dir.path(), &["inspect", "nope.md"]);
    assert_eq!(o.status.code(), Some(2));
}

fn oracles() -> bool {
    std::env::var("POSTLINT_ORACLES").is_ok_and(|v| v == "1")
}

#[test]
fn the_site_oracle_agrees_on_the_fixture_sites() {
    if !oracles() {
        eprintln!("skipped: set POSTLINT_ORACLES=1 (needs jekyll) to run the site oracle");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut sites: Vec<PathBuf> = ["reader", "plugins", "paths"]
        .iter()
        .map(|s| root.join("crates/jekyll-site/tests/fixtures").join(s))
        .collect();
    // Every rule's fixture site (both packs): broken posts, odd names, links, collisions.
    for pack in ["jekyll", "finews"] {
        let mut rules: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures").join(pack))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        rules.sort();
        sites.extend(rules);
    }
    let mut failed = Vec::new();
    for s in &sites {
        if !s.is_dir() {
            continue;
        }
        let o = Command::new("bash")
            .arg(root.join("scripts/site-oracle"))
            .arg(s)
            .env("POSTLINT", env!("CARGO_BIN_EXE_postlint"))
            .output()
            .unwrap();
        eprintln!("{}", String::from_utf8_lossy(&o.stdout));
        if !o.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&o.stderr));
            failed.push(s.display().to_string());
        }
    }
    assert!(failed.is_empty(), "the oracle differs on {failed:?}");
}

#[path = "../crates/kramdown/tests/common/docgen.rs"]
mod docgen;

/// Runs scripts/body-oracle.py on `count` generated documents (seeds 1…count) with `extra`
/// arguments; fails when a page has a link, an event handler or a forbidden element that
/// postlint does not see, or when fewer than `min_percent` of the documents are identical.
fn body_oracle(extra: &[&str], count: u64, min_percent: u64) {
    let dir = TempDir::new().unwrap();
    let docs = dir.path().join("docs.jsonl");
    let mut lines = String::new();
    for seed in 1..=count {
        lines.push_str(
            &serde_json::json!({"name": format!("seed {seed}"), "text": docgen::document(seed)})
                .to_string(),
        );
        lines.push('\n');
    }
    std::fs::write(&docs, lines).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Debian's html5lib is for Debian's python3.
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let o = Command::new(python)
        .arg(root.join("scripts/body-oracle.py"))
        .args(extra)
        .arg("--docs")
        .arg(&docs)
        .env("POSTLINT", env!("CARGO_BIN_EXE_postlint"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    eprintln!("{out}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        o.status.success(),
        "the body oracle found what the rules miss:\n{out}"
    );
    let totals: serde_json::Value = out
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .expect("a summary line");
    let documents = totals["documents"].as_u64().unwrap_or(0);
    let identical = totals["identical"].as_u64().unwrap_or(0);
    assert_eq!(documents, count);
    assert!(identical * 100 >= documents * min_percent, "{totals}");
}

fn docs_from_env(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The body oracle end to end (scripts/body-oracle.py): generated posts rendered by Jekyll, the
/// pages parsed as a browser parses them, against what the HT and LK rules read.
/// `BODY_ORACLE_DOCS=N` sets the number of documents (default 1,500, seeds 1–1,500).
#[test]
fn the_rules_see_every_link_handler_and_element_of_the_page() {
    if !oracles() {
        eprintln!(
            "skipped: set POSTLINT_ORACLES=1 (needs jekyll, html5lib) to run the body oracle"
        );
        return;
    }
    // Agreement recorded in the README: ≥ 98% identical (the rest: kramdown fails on the
    // document, or a difference only the browser's tree construction makes, or postlint sees
    // more than the page has).
    body_oracle(&[], docs_from_env("BODY_ORACLE_DOCS", 1500), 98);
}

/// The body oracle with Liquid (scripts/body-oracle.py --liquid): the same documents with Liquid
/// spliced in — markup printed by `{{ }}`, a front matter value, `{% raw %}`, an include,
/// `assign`/`append`, `capture`; untaken branches, comments, escaped output; links through
/// `{{ site.url }}` — rendered by Jekyll with Liquid on. `LIQUID_BODY_ORACLE_DOCS=N` sets the
/// number of documents (default 600).
#[test]
fn the_rules_see_what_liquid_writes_on_the_page() {
    if !oracles() {
        eprintln!(
            "skipped: set POSTLINT_ORACLES=1 (needs jekyll, html5lib) to run the body oracle"
        );
        return;
    }
    // Recorded in the README: ≥ 97% identical (the rest: Jekyll fails on the document, or
    // postlint sees more than the page has).
    body_oracle(
        &["--liquid"],
        docs_from_env("LIQUID_BODY_ORACLE_DOCS", 600),
        97,
    );
}

#[path = "../crates/liquid/tests/common/templates.rs"]
mod liquid_templates;

/// The LQ rules end to end against Jekyll: generated posts (crates/liquid's grammar of Liquid
/// constructs and the mistakes scraped posts make) in one site, each rendered by Debian's Jekyll
/// (scripts/oracle/render_posts.rb: Jekyll's Renderer on each post, errors caught per post),
/// and checked by postlint. Every post with an LQ error fails in Jekyll (no false error); every
/// post Jekyll stops on with a Liquid syntax error gets LQ001/LQ002 at the line Jekyll names
/// (LQ003: `post_url`/`link` to a missing target).
/// `LIQUID_ORACLE_POSTS=N` sets the number of posts (default 600).
#[test]
fn lq_errors_are_exactly_the_liquid_syntax_errors_jekyll_stops_on() {
    if !oracles() {
        eprintln!("skipped: set POSTLINT_ORACLES=1 (needs jekyll) to run the Liquid oracle");
        return;
    }
    let count: u64 = std::env::var("LIQUID_ORACLE_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let dir = TempDir::new().unwrap();
    let site = dir.path();
    std::fs::create_dir_all(site.join("_posts")).unwrap();
    std::fs::create_dir_all(site.join("_includes")).unwrap();
    std::fs::write(site.join("_config.yml"), "title: liquid oracle\n").unwrap();
    // The posts and files the generated `post_url`/`link` tags may name (some exist).
    for (rel, text) in [
        ("_posts/2021-01-01-hello.md", "---\ntitle: Hello\n---\nhi\n"),
        (
            "_posts/2022-03-18-foo-bar.md",
            "---\ntitle: Foo\n---\nfoo\n",
        ),
        (
            "_posts/sub/2020-05-05-nested.md",
            "---\ntitle: Nested\n---\nn\n",
        ),
        ("about.md", "---\ntitle: About\n---\nabout\n"),
        ("assets/a.css", "body{}\n"),
    ] {
        let path = site.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut names = Vec::new();
    for seed in 1..=count {
        let case = liquid_templates::case(seed);
        if seed == 1 {
            for (name, text) in case["includes"].as_object().unwrap() {
                std::fs::write(site.join("_includes").join(name), text.as_str().unwrap()).unwrap();
            }
        }
        let name = format!("_posts/2021-12-08-l{seed:05}.md");
        let text = format!(
            "---\ntitle: t{seed}\nlayout: null\n---\n{}",
            case["template"].as_str().unwrap()
        );
        std::fs::write(site.join(&name), text).unwrap();
        names.push(name);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new("ruby")
        .arg(root.join("scripts/oracle/render_posts.rb"))
        .arg(site)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let jekyll: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let o = run(
        site,
        &["check", "--select", "LQ001,LQ002,LQ003", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut lq: std::collections::HashMap<String, (String, u64)> = Default::default();
    for d in v["diagnostics"].as_array().unwrap() {
        if d["severity"] == "error" {
            lq.insert(
                d["path"].as_str().unwrap().to_string(),
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                ),
            );
        }
    }
    let (mut syntax, mut render_only, mut agree) = (0, 0, 0);
    let mut render_kinds: std::collections::BTreeMap<String, usize> = Default::default();
    let mut wrong = Vec::new();
    for name in &names {
        let error = jekyll[name.as_str()]["error"].as_str();
        let ours = lq.get(name);
        match (error, ours) {
            (Some(e), Some((_, line))) if e.starts_with("Liquid::SyntaxError") => {
                syntax += 1;
                // `Liquid syntax error (line N)`: N counts from the end of the front matter
                // (4 lines here).
                let named = e
                    .split("(line ")
                    .nth(1)
                    .and_then(|r| r.split(')').next())
                    .and_then(|n| n.parse::<u64>().ok());
                // (Liquid can name a line past the end inside `{% liquid %}`: then the last.)
                let text = std::fs::read_to_string(site.join(name)).unwrap_or_default();
                let last = text.split('\n').count() as u64;
                if named.is_some_and(|n| (n + 4).min(last.max(1)) == *line) || named.is_none() {
                    agree += 1;
                } else {
                    wrong.push(format!("{name}: Jekyll {e:?}, postlint line {line}"));
                }
            }
            (Some(e), None) if e.starts_with("Liquid::SyntaxError") => {
                syntax += 1;
                wrong.push(format!("{name}: Jekyll stops ({e:?}), no LQ error"));
            }
            // Render-time failures (a missing include or post, nesting too deep): not yet
            // LQ findings.
            (Some(e), None) => {
                render_only += 1;
                if std::env::var_os("LIQUID_ORACLE_KEEP").is_some() {
                    eprintln!("render-only {name}: {e}");
                }
                let key: String = e.chars().take(70).collect();
                *render_kinds.entry(key).or_insert(0usize) += 1;
            }
            (Some(_), Some(_)) => agree += 1,
            (None, Some(d)) => wrong.push(format!("{name}: Jekyll renders it, postlint {d:?}")),
            (None, None) => {}
        }
    }
    eprintln!(
        "{count} posts: {syntax} stop Jekyll with a Liquid syntax error, {agree} LQ errors agree, \
         {render_only} stop it at render time only: {render_kinds:#?}"
    );
    if std::env::var_os("LIQUID_ORACLE_KEEP").is_some() {
        eprintln!("kept: {}", dir.keep().display());
        panic!("{} disagreements:\n{}", wrong.len(), wrong.join("\n"));
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
