//! The CLI as a whole process: exit codes, formats, configuration errors, selection, --fix.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const CLEAN: &str = "---\nlayout: post\ntitle: \"沪指午后震荡走高\"\ndate: 2021-12-08 10:30:00 +0800\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n沪指午后震荡走高。\n\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n";
const NO_ZONE: &str = "---\nlayout: post\ntitle: \"沪指午后震荡走高\"\ndate: 2021-12-08 10:18:31\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n沪指午后震荡走高。\n\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n";

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_postlint"));
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A site in a temporary directory: `files` are (relative path, content).
fn site(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        write(dir.path(), path, content.as_bytes());
    }
    dir
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// A site with the finews pack. The posts of these tests share one text and source, so the
/// duplicate-post rule is off here (`cross_file_rules` tests it).
fn finews_site(posts: &[(&str, &str)]) -> TempDir {
    let mut files = vec![("postlint.yaml", "extends: finews\nrules:\n  XF001: off\n")];
    files.extend_from_slice(posts);
    site(&files)
}

#[test]
fn exit_status_follows_findings() {
    let clean = finews_site(&[("_posts/2021-12-08-1.md", CLEAN)]);
    let o = run(clean.path(), &["check", "--format", "short"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "");

    let bad = finews_site(&[("_posts/2021-12-08-1.md", NO_ZONE)]);
    assert_eq!(code(&run(bad.path(), &["check"])), 1);

    // Warnings alone pass, unless --max-warnings is exceeded.
    let warn = site(&[("_posts/2021-12-08-1.md", NO_ZONE)]);
    assert_eq!(code(&run(warn.path(), &["check"])), 0);
    let over = run(warn.path(), &["check", "--max-warnings", "0"]);
    assert_eq!(code(&over), 1);
    // It says why (the exit status alone did not).
    assert!(
        stderr(&over).contains("1 warning found, more than --max-warnings 0 allows"),
        "{}",
        stderr(&over)
    );
    let within = run(warn.path(), &["check", "--max-warnings", "1"]);
    assert_eq!(code(&within), 0);
    assert!(!stderr(&within).contains("max-warnings"));
}

#[test]
fn short_format() {
    let dir = finews_site(&[("_posts/2021-12-08-1.md", NO_ZONE)]);
    let o = run(dir.path(), &["check", "--format", "short", "_posts"]);
    assert_eq!(
        stdout(&o),
        "_posts/2021-12-08-1.md:4:7: DT007 [error] Jekyll reads a timestamp without a zone as UTC: `2021-12-08 10:18:31` is published as 2021-12-08 18:18:31 +0800\n"
    );
}

#[test]
fn json_format_matches_the_design() {
    let dir = finews_site(&[
        ("_posts/2021-12-08-1.md", NO_ZONE),
        ("_posts/2021-12-08-2.md", CLEAN),
    ]);
    let o = run(dir.path(), &["check", "--format", "json", "_posts"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 2, "errors": 1, "warnings": 0, "fixable": 1})
    );
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "DT007");
    assert_eq!(d["name"], "misread-time");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "_posts/2021-12-08-1.md");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(7))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(4), Some(26))
    );
    assert_eq!(d["fixable"], true);
    assert!(d["help"].as_str().unwrap().contains("+0800"));
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "code",
            "column",
            "end_column",
            "end_line",
            "fix",
            "fixable",
            "help",
            "line",
            "message",
            "name",
            "path",
            "severity"
        ]
    );
}

#[test]
fn columns_count_characters_with_crlf_bom_and_wide_text() {
    let post = "\u{feff}---\r\nlayout: post\r\ntitle: \"中文\"\r\ndate: 2021-12-08 10:30:00\r\ncategories: emnews\r\ntags: 东财滚动新闻\r\n---\r\n正文。\r\n\r\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\r\n\r\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\r\n";
    let dir = finews_site(&[("_posts/2021-12-08-1.md", post)]);
    let o = run(dir.path(), &["check", "--format", "short", "_posts"]);
    assert_eq!(
        stdout(&o),
        "_posts/2021-12-08-1.md:4:7: DT007 [error] Jekyll reads a timestamp without a zone as UTC: `2021-12-08 10:30:00` is published as 2021-12-08 18:30:00 +0800\n"
    );
    // A value after multi-byte text on the same line: column counts characters.
    let post = "---\nlayout: post\ntitle: \"中文\"\ndate: 2021-12-08 10:30:00 +0800\ncategories: emnews\ntags: 东财滚动新闻\n中文: x\n---\n正文。\n\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n";
    let dir = finews_site(&[("_posts/2021-12-08-1.md", post)]);
    let o = run(dir.path(), &["check", "--format", "json", "_posts"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "FM006");
    assert_eq!(
        (
            d["line"].as_u64(),
            d["column"].as_u64(),
            d["end_column"].as_u64()
        ),
        (Some(7), Some(1), Some(3))
    );
}

#[test]
fn human_format_and_summary() {
    let dir = finews_site(&[
        ("_posts/2021-12-08-1.md", NO_ZONE),
        ("_posts/2021-12-08-2.md", CLEAN),
    ]);
    let o = run(dir.path(), &["check", "--color", "never"]);
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "no colour when asked: {out}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(r"in \d+\.\d+s", "in [TIME]s");
    settings.bind(|| insta::assert_snapshot!("cli_human_summary", out));
    let o = run(dir.path(), &["check", "--color", "always"]);
    assert!(stdout(&o).contains('\u{1b}'), "colour when forced");
    let o = bin()
        .current_dir(dir.path())
        .args(["check", "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\u{1b}'));
}

#[test]
fn quiet_reports_errors_only() {
    let dir = site(&[
        ("postlint.yaml", "rules:\n  FM003: error\n"),
        ("_posts/2021-12-08-1.md", NO_ZONE),
        ("_posts/2021-12-08-2.md", "---\nbad: [\n---\n"),
    ]);
    let o = run(dir.path(), &["check", "--quiet", "--format", "short"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("FM003") && !out.contains("DT002"), "{out}");
    let o = run(dir.path(), &["check", "--quiet"]);
    assert!(!stdout(&o).contains("checked"));
}

#[test]
fn select_and_ignore() {
    let post = "---\nlayout: posts\ntitle: \"\"\ndate: 2021-12-08 10:18:31\ncategories: emnews\ntags: 东财滚动新闻\n---\n正文。\n\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n";
    let dir = finews_site(&[("_posts/2021-12-08-1.md", post)]);
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--format", "short"];
        all.extend_from_slice(args);
        stdout(&run(dir.path(), &all))
            .lines()
            .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(codes(&[]), ["FM007", "FM005", "DT007"]);
    assert_eq!(codes(&["--select", "DT007"]), ["DT007"]);
    assert_eq!(
        codes(&["--select", "misread-time,FM007"]),
        ["FM007", "DT007"]
    );
    assert_eq!(codes(&["--ignore", "FM"]), ["DT007"]);
    assert_eq!(
        codes(&["--select", "FM", "--ignore", "wrong-type"]),
        ["FM007"]
    );
    let o = run(dir.path(), &["check", "--select", "NOPE1"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown rule selector"));
}

fn config_error(config: &str) -> (i32, String) {
    let dir = site(&[("postlint.yaml", config), ("_posts/2021-12-08-1.md", CLEAN)]);
    let o = run(dir.path(), &["check", "--color", "never"]);
    (
        code(&o),
        stderr(&o).replace(&dir.path().display().to_string(), "[DIR]"),
    )
}

#[test]
fn config_errors_point_into_the_file() {
    let cases = [
        (
            "unknown_key",
            "extends: finews\nsitee:\n  url: https://x.org\n",
        ),
        (
            "unknown_rule",
            "rules:\n  DT099: error\n  missing-timezon: warn\n",
        ),
        ("bad_level", "rules:\n  DT002: loud\n"),
        ("bad_regex", "rules:\n  PF002:\n    pattern: '^(\\d{4}'\n"),
        ("bad_option", "rules:\n  DT002:\n    format: x\n"),
        ("bad_timezone", "site:\n  timezone: Mars/Olympus\n"),
        ("unknown_pack", "extends: finwes\n"),
        ("bad_yaml", "rules: [\n"),
        (
            "bad_date_format",
            "rules:\n  DT001:\n    format: \"YYYY-MM-DD QQ\"\n",
        ),
        (
            "bad_links",
            "links:\n  online: maybe\n  timeout: soon\n  accept: [200..=299, 600..=500]\n  retrys: 1\n",
        ),
        (
            "bad_custom_regex",
            "custom:\n  - { code: CU001, name: no-brackets, field: title, forbid: \"[【】\", message: \"no brackets\" }\n",
        ),
        (
            "bad_custom_rule",
            "custom:\n  - { code: DT002, name: Bad Name, field: title, body: true, message: x, levle: warn }\n",
        ),
    ];
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, config) in cases {
            let (status, err) = config_error(config);
            assert_eq!(status, 2, "{name}: {err}");
            assert!(
                err.contains("postlint.yaml:"),
                "{name} points into the file: {err}"
            );
            insta::assert_snapshot!(format!("cli_config_{name}"), err);
        }
    });
}

#[test]
fn dead_link_rule_is_configurable_and_offline_by_default() {
    let dir = site(&[
        ("postlint.yaml", "rules:\n  LK006: warn\n"),
        ("_posts/2021-12-08-1.md", CLEAN),
    ]);
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("LK006"));
}

#[test]
fn config_discovery_extends_and_globs() {
    let dir = site(&[
        (
            "site/.postlint.yaml",
            "extends: ../base.yaml\nposts: [\"_posts/**/*.md\"]\nexclude: [\"_posts/drafts/**\"]\n",
        ),
        ("base.yaml", "extends: finews\nrules:\n  DT007: warn\n"),
        ("site/_posts/2021-12-08-1.md", NO_ZONE),
        ("site/_posts/drafts/2021-12-08-2.md", NO_ZONE),
        ("site/notes/readme.md", "no front matter, not a post\n"),
    ]);
    // Run from a subdirectory: the config is found upward; globs are relative to it.
    let sub = dir.path().join("site/notes");
    let o = run(&sub, &["check", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(v["diagnostics"][0]["path"], "../_posts/2021-12-08-1.md");
    // --config overrides discovery.
    write(dir.path(), "strict.yaml", b"extends: finews\n");
    let o = run(
        &dir.path().join("site"),
        &[
            "check",
            "--config",
            "../strict.yaml",
            "_posts/2021-12-08-1.md",
        ],
    );
    assert_eq!(code(&o), 1);
    // Excluded even when named explicitly (pre-commit passes every staged file).
    let o = run(
        &dir.path().join("site"),
        &[
            "check",
            "--format",
            "short",
            "_posts/drafts/2021-12-08-2.md",
        ],
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn extends_cycle_is_an_error() {
    let dir = site(&[
        ("postlint.yaml", "extends: ./a.yaml\n"),
        ("a.yaml", "extends: ./postlint.yaml\n"),
    ]);
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("loops back"), "{}", stderr(&o));
}

#[test]
fn without_config_the_jekyll_pack_applies() {
    let dir = site(&[
        ("_posts/2021-12-08-1.md", "---\ntitle: x\n---\n"),
        ("_posts/nodate.md", "---\n---\n"),
    ]);
    let o = run(dir.path(), &["check", "--format", "short"]);
    assert_eq!(
        stdout(&o),
        "_posts/nodate.md:1:1: PF002 [error] file name `nodate.md` does not start with a date: Jekyll ignores this post\n"
    );
}

#[test]
fn the_walk_is_jekylls_not_gits() {
    // Jekyll reads what its reader reads: a gitignored folder's `_posts` and a `.txt` post with
    // front matter are published; `_site/`, `exclude:` and a `_posts` file without front matter
    // are not.
    let dir = site(&[
        ("_config.yml", "exclude: [excluded]\n"),
        (".gitignore", "ignored/\n"),
        ("ignored/_posts/2021-12-08-1.md", "---\nbad: [\n---\n"),
        ("_posts/2021-12-08-1.txt", "---\nbad: [\n---\n"),
        ("_posts/2021-12-08-2.markdown", "---\nbad: [\n---\n"),
        ("_posts/2021-12-08-3.txt", "bad: [\n"),
        ("_site/_posts/2021-12-08-4.md", "---\nbad: [\n---\n"),
        ("excluded/_posts/2021-12-08-5.md", "---\nbad: [\n---\n"),
    ]);
    let o = run(dir.path(), &["check", "--format", "short"]);
    let out = stdout(&o);
    let mut files: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("FM003"))
        .filter_map(|l| l.split(':').next())
        .collect();
    files.sort_unstable();
    assert_eq!(
        files,
        [
            "_posts/2021-12-08-1.txt",
            "_posts/2021-12-08-2.markdown",
            "ignored/_posts/2021-12-08-1.md"
        ],
        "{out}"
    );
}

#[test]
fn missing_paths_and_unreadable_input_exit_2_but_the_rest_is_checked() {
    let dir = finews_site(&[("_posts/2021-12-08-1.md", NO_ZONE)]);
    let o = run(
        dir.path(),
        &["check", "--format", "short", "nope.md", "_posts"],
    );
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(
        out.contains("nope.md:1:1: io [error] cannot read path"),
        "{out}"
    );
    assert!(out.contains("DT007"), "{out}");
}

#[test]
fn hostile_files_get_diagnostics_not_panics() {
    let mut bytes = b"---\ntitle: \"".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0xc3]);
    bytes.extend_from_slice(b"\"\n---\n");
    let dir = site(&[]);
    write(dir.path(), "_posts/2021-12-08-bin.md", &bytes);
    write(dir.path(), "_posts/2021-12-08-empty.md", b"");
    write(dir.path(), "_posts/2021-12-08-nul.md", &[0u8; 4096]);
    write(
        dir.path(),
        "_posts/2021-12-08-deep.md",
        format!("---\na: {}\n---\n", "[".repeat(5000)).as_bytes(),
    );
    write(
        dir.path(),
        "_posts/2021-12-08-bomb.md",
        b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\n",
    );
    for format in ["human", "short", "json"] {
        let o = run(dir.path(), &["check", "--format", format]);
        assert!(matches!(code(&o), 0 | 1), "{format}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            let codes: Vec<&str> = v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap())
                .collect();
            assert!(
                codes.contains(&"PF001") && codes.contains(&"FM003"),
                "{codes:?}"
            );
        }
    }
}

#[test]
fn output_is_sorted_and_independent_of_threads() {
    let posts: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("_posts/2021-12-08-{i:03}.md"),
                NO_ZONE.replace("layout: post", "layout: posts"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = posts
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = finews_site(&refs);
    let one = stdout(&run(
        dir.path(),
        &["check", "--format", "short", "--jobs", "1"],
    ));
    let many = stdout(&run(
        dir.path(),
        &["check", "--format", "short", "--jobs", "4"],
    ));
    assert_eq!(one, many);
    let lines: Vec<&str> = one.lines().collect();
    assert_eq!(lines.len(), 80);
    assert!(lines[0].starts_with("_posts/2021-12-08-000.md:2:9: FM007"));
    assert!(lines[1].starts_with("_posts/2021-12-08-000.md:4:7: DT007"));
}

#[test]
fn rules_and_rule_commands() {
    let dir = site(&[]);
    let o = run(dir.path(), &["rules"]);
    assert_eq!(code(&o), 0);
    for code in ["PF001", "FM008", "DT006"] {
        assert!(stdout(&o).contains(code));
    }
    let o = run(dir.path(), &["rule", "DT002"]);
    assert_eq!(code(&o), 0);
    let doc = stdout(&o);
    assert!(doc.starts_with("# DT002 (missing-timezone)"));
    assert!(doc.contains("## Why is this bad?"));
    assert_eq!(stdout(&run(dir.path(), &["rule", "missing-timezone"])), doc);
    let o = run(dir.path(), &["rule", "missing-timezon"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean `missing-timezone`"));
}

#[test]
fn init_writes_a_config_that_loads() {
    let dir = site(&[("_posts/2021-12-08-1.md", CLEAN)]);
    let o = run(dir.path(), &["init", "--pack", "finews"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Editors with the YAML language server find the schema from the first line.
    let written = std::fs::read_to_string(dir.path().join("postlint.yaml")).unwrap();
    assert!(
        written.starts_with("# yaml-language-server: $schema=https://")
            && written
                .lines()
                .next()
                .unwrap()
                .ends_with("/postlint.schema.json"),
        "{written}"
    );
    assert_eq!(
        code(&run(dir.path(), &["init"])),
        2,
        "no overwrite without --force"
    );
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn fix_adds_the_site_offset_and_touches_nothing_else() {
    let crlf = format!("\u{feff}{}", NO_ZONE.replace('\n', "\r\n"));
    let blank = format!("\n\n{CLEAN}");
    let dir = finews_site(&[
        ("_posts/2021-12-08-1.md", NO_ZONE),
        ("_posts/2021-12-08-2.md", &crlf),
        ("_posts/2021-12-08-3.md", &blank),
        ("_posts/2021-12-08-4.md", CLEAN),
    ]);
    let p = |n: u32| dir.path().join(format!("_posts/2021-12-08-{n}.md"));
    let mtime_clean = std::fs::metadata(p(4)).unwrap().modified().unwrap();
    let o = run(dir.path(), &["check", "--fix"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("fixed 3 problems in 3 files"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        std::fs::read_to_string(p(1)).unwrap(),
        NO_ZONE.replace("10:18:31", "10:18:31 +0800")
    );
    assert_eq!(
        std::fs::read_to_string(p(2)).unwrap(),
        crlf.replace("10:18:31", "10:18:31 +0800"),
        "BOM and CRLF kept"
    );
    assert_eq!(std::fs::read_to_string(p(3)).unwrap(), CLEAN);
    assert_eq!(
        std::fs::metadata(p(4)).unwrap().modified().unwrap(),
        mtime_clean,
        "clean file not rewritten"
    );
    // A second run changes nothing.
    let before: Vec<Vec<u8>> = (1..=4).map(|n| std::fs::read(p(n)).unwrap()).collect();
    let o = run(dir.path(), &["check", "--fix"]);
    assert!(!stdout(&o).contains("fixed"));
    let after: Vec<Vec<u8>> = (1..=4).map(|n| std::fs::read(p(n)).unwrap()).collect();
    assert_eq!(before, after);
    // No temporary files left behind.
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.path().join("_posts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".postlint-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn fix_keeps_invalid_bytes_elsewhere_in_the_file() {
    let mut bytes = NO_ZONE.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xd6\xd0\n");
    let dir = finews_site(&[]);
    write(dir.path(), "_posts/2021-12-08-1.md", &bytes);
    let o = run(dir.path(), &["check", "--fix", "--format", "short"]);
    assert!(stdout(&o).contains("PF001"));
    let mut expected = NO_ZONE.replace("10:18:31", "10:18:31 +0800").into_bytes();
    expected.extend_from_slice(b"\xd6\xd0\n");
    assert_eq!(
        std::fs::read(dir.path().join("_posts/2021-12-08-1.md")).unwrap(),
        expected
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_reported_not_read_and_absolute_paths_stay_absolute() {
    let dir = finews_site(&[("_posts/2021-12-08-1.md", NO_ZONE)]);
    let fifo = dir.path().join("pipe.md");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let abs = dir.path().join("_posts/2021-12-08-1.md");
    let o = run(
        dir.path(),
        &[
            "check",
            "--format",
            "short",
            fifo.to_str().unwrap(),
            abs.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{}:1:1: io [error] not a regular file",
            fifo.display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("{}:4:7: DT007", abs.display())),
        "{out}"
    );
}

/// A rule's fixture site (`tests/fixtures/<pack>/<CODE>`), checked in place.
fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The cross-file rules see each file once however the paths overlap, and, given only some
/// files (as pre-commit passes them), compare those with the whole site. Their findings are in the fixtures
/// (tests/fixtures/finews/XF001, XF002, TX005).
#[test]
fn cross_file_rules_see_each_file_once() {
    let dir = fixture("finews/XF001");
    let o = run(&dir, &["check", "--format", "short"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    // Paths that overlap (a folder, a file in it, the folder again, the whole site) find each
    // file once: the same findings, and the same number of files as the plain run.
    let files_of = |o: &Output| -> u64 {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["summary"]["files"].as_u64().unwrap()
    };
    let plain = run(&dir, &["check", "--format", "json"]);
    let overlapping = run(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "_posts",
            "_posts/2021-12-08-same-source.md",
            "_posts/",
            ".",
        ],
    );
    assert_eq!(files_of(&plain), 4);
    assert_eq!(files_of(&plain), files_of(&overlapping));
    let short = run(
        &dir,
        &[
            "check",
            "--format",
            "short",
            "_posts",
            "_posts/2021-12-08-same-source.md",
            ".",
        ],
    );
    assert_eq!(stdout(&short), out);
    // Named files only (as pre-commit passes the staged ones): they are compared with the
    // whole site, and only their own findings are reported.
    let alone = run(
        &dir,
        &[
            "check",
            "--format",
            "short",
            "_posts/2021-12-08-same-source.md",
        ],
    );
    assert_eq!(
        stdout(&alone).trim_end(),
        "_posts/2021-12-08-same-source.md:11:2: XF001 [error] same source as `_posts/2021-12-08-ok-original.md`",
        "a named copy of a file that is not named is still found"
    );
    let named = run(
        &dir,
        &[
            "check",
            "--format",
            "short",
            "_posts/2021-12-08-same-source.md",
            "_posts/2021-12-08-ok-original.md",
        ],
    );
    assert_eq!(
        stdout(&named).trim_end(),
        "_posts/2021-12-08-same-source.md:11:2: XF001 [error] same source as `_posts/2021-12-08-ok-original.md`"
    );
}

#[test]
fn init_infer_learns_the_registry_and_check_reports_only_outliers() {
    let post = |cat: &str, tag: &str, name: &str, id: u32| {
        format!(
            "---\nlayout: post\ntitle: \"t{id}\"\ndate: 2022-03-18 10:00:00 +0800\ncategories: {cat}\ntags: {tag}\n---\n<p>第{id}篇文章的正文内容，足够长以便区分。</p>\n <p class=\"em_media\">（文章来源：{name}）</p>\n\n<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW{id}>\n\n[返回{tag}](//finews.withounder.com/category/{cat}.html)｜[返回首页](//finews.withounder.com/)\n"
        )
    };
    let mut files = Vec::new();
    for id in 0..5 {
        files.push((
            format!("_posts/2022-03-18-a{id}.md"),
            post(
                "zhongguoxiaofeizhebao",
                "中国消费者报新闻",
                "中国消费者报",
                id,
            ),
        ));
    }
    // The outlier: the same category under another tag.
    files.push((
        "_posts/2022-03-18-a9.md".into(),
        post("zhongguoxiaofeizhebao", "天风研究新闻", "中国消费者报", 9),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&refs);
    let o = run(
        dir.path(),
        &["init", "--infer", "--pack", "finews", "_posts"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 categories learned from 6 posts (1 ambiguous"),
        "{}",
        stdout(&o)
    );
    let config = std::fs::read_to_string(dir.path().join("postlint.yaml")).unwrap();
    assert!(config.contains("name: \"中国消费者报\""), "{config}");
    assert!(config.contains("tag: \"中国消费者报新闻\""), "{config}");
    assert!(
        config.contains("# AMBIGUOUS: 5 posts use this tag, others use 天风研究新闻 (1)"),
        "{config}"
    );
    assert!(
        config.contains("source_hosts: [\"finews.zning.xyz\"]"),
        "{config}"
    );
    let o = run(
        dir.path(),
        &["check", "--format", "short", "--select", "TX,SA"],
    );
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(
        out.lines()
            .all(|l| l.starts_with("_posts/2022-03-18-a9.md")),
        "{out}"
    );
}

#[test]
fn fix_sets_the_registry_tag_and_appends_back_links() {
    let dir = finews_site(&[(
        "_posts/2021-12-08-1.md",
        "---\nlayout: post\ntitle: \"快讯\"\ndate: 2021-12-08 10:30:00 +0800\ncategories: emnews\ntags: 东财新闻\n---\n\n沪指午后震荡走高。\n\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\n",
    )]);
    let o = run(dir.path(), &["check", "--fix", "--format", "short"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let fixed = std::fs::read_to_string(dir.path().join("_posts/2021-12-08-1.md")).unwrap();
    assert_eq!(
        fixed,
        "---\nlayout: post\ntitle: \"快讯\"\ndate: 2021-12-08 10:30:00 +0800\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n沪指午后震荡走高。\n\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n"
    );
    let again = run(dir.path(), &["check", "--fix"]);
    assert!(!stdout(&again).contains("fixed"));
}

#[test]
fn per_file_ignores_turn_rules_off_for_matching_files() {
    let dir = site(&[
        (
            "postlint.yaml",
            "extends: finews\nrules:\n  XF001: off\nper_file_ignores:\n  \"_posts/2021-12-08-1.md\": [DT007]\n  \"_posts/old/**\": [DT, missing-back-links]\n",
        ),
        ("_posts/2021-12-08-1.md", NO_ZONE),
        ("_posts/2021-12-08-2.md", NO_ZONE),
        ("_posts/old/2021-12-08-3.md", NO_ZONE),
    ]);
    let o = run(dir.path(), &["check", "--format", "short"]);
    assert_eq!(
        stdout(&o),
        "_posts/2021-12-08-2.md:4:7: DT007 [error] Jekyll reads a timestamp without a zone as UTC: `2021-12-08 10:18:31` is published as 2021-12-08 18:18:31 +0800\n"
    );
    let (status, err) = config_error("per_file_ignores:\n  \"a/**\": [DT999]\n");
    assert_eq!(status, 2);
    assert!(err.contains("unknown rule `DT999`"), "{err}");
}

#[test]
fn baseline_survives_inserted_lines_and_reports_only_new_findings() {
    let a = NO_ZONE.replace("10:18:31", "10:00:01");
    let b = NO_ZONE
        .replace("10:18:31", "10:00:02")
        .replace("layout: post", "layout: posts");
    let dir = finews_site(&[
        ("_posts/2021-12-08-a.md", &a),
        ("_posts/2021-12-08-b.md", &b),
    ]);
    let o = run(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("with 3 findings"), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(
        !text.contains("\"line\""),
        "no line numbers in a baseline: {text}"
    );
    assert_eq!(
        code(&run(dir.path(), &["check", "--baseline", "baseline.json"])),
        0
    );
    // Lines inserted above the old findings do not bring them back.
    let shifted = a.replace("layout: post\n", "layout: post\n# a comment\n# another\n");
    write(dir.path(), "_posts/2021-12-08-a.md", shifted.as_bytes());
    let o = run(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "short"],
    );
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
    // A new defect is reported.
    write(
        dir.path(),
        "_posts/2021-12-08-c.md",
        NO_ZONE.replace("10:18:31", "10:00:03").as_bytes(),
    );
    let o = run(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "short"],
    );
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "_posts/2021-12-08-c.md:4:7: DT007 [error] Jekyll reads a timestamp without a zone as UTC: `2021-12-08 10:00:03` is published as 2021-12-08 18:00:03 +0800\n"
    );
    // A fixed finding drops out of a rewritten baseline.
    write(
        dir.path(),
        "_posts/2021-12-08-b.md",
        b.replace("layout: posts", "layout: post").as_bytes(),
    );
    std::fs::remove_file(dir.path().join("_posts/2021-12-08-c.md")).unwrap();
    let o = run(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert!(stderr(&o).contains("with 2 findings"), "{}", stderr(&o));
    // A corrupt baseline is an error of the tool.
    write(dir.path(), "bad.json", b"{not json");
    let o = run(dir.path(), &["check", "--baseline", "bad.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not valid"), "{}", stderr(&o));
}

#[test]
fn diff_shows_fixes_without_writing() {
    let dir = finews_site(&[("_posts/2021-12-08-1.md", NO_ZONE)]);
    let o = run(dir.path(), &["check", "--diff"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "--- a/_posts/2021-12-08-1.md\n+++ b/_posts/2021-12-08-1.md\n@@ -1,7 +1,7 @@\n ---\n layout: post\n title: \"沪指午后震荡走高\"\n-date: 2021-12-08 10:18:31\n+date: 2021-12-08 10:18:31 +0800\n categories: emnews\n tags: 东财滚动新闻\n ---\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("_posts/2021-12-08-1.md")).unwrap(),
        NO_ZONE,
        "not written"
    );
    let clean = finews_site(&[("_posts/2021-12-08-1.md", CLEAN)]);
    assert_eq!(code(&run(clean.path(), &["check", "--diff"])), 0);
}

#[test]
fn custom_rules_forbid_and_require() {
    let config = "extends: finews\nrules:\n  XF001: off\ncustom:\n  - { code: CU001, name: no-brackets-in-title, field: title, forbid: \"[【】]\", message: \"brackets in the title\", help: \"drop the brackets\", level: error }\n  - { code: CU002, name: credit-line, body: true, require: \"（文章来源：\", message: \"no credit line\" }\n";
    let bracket = CLEAN.replace("沪指午后震荡走高\"", "【快讯】沪指午后震荡走高\"");
    let dir = site(&[
        ("postlint.yaml", config),
        ("_posts/2021-12-08-1.md", &bracket),
    ]);
    let o = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(String, String, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("CU001".into(), "error".into(), 9),
            ("CU001".into(), "error".into(), 12),
            ("CU002".into(), "warning".into(), 77)
        ]
    );
    let o = run(
        dir.path(),
        &[
            "check",
            "--format",
            "short",
            "--ignore",
            "no-brackets-in-title",
        ],
    );
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("CU002"));
    let o = run(
        dir.path(),
        &["check", "--format", "short", "--select", "CU002"],
    );
    assert_eq!(stdout(&o).lines().count(), 1);
}

/// The category pages are checked when the whole site is, else those under the paths given
/// (their findings are in tests/fixtures/finews/TX007).
#[test]
fn category_pages_are_checked_when_the_site_is() {
    let dir = fixture("finews/TX007");
    let o = run(&dir, &["check", "--format", "short", "--select", "TX007"]);
    assert_eq!(stdout(&o).lines().count(), 4, "{}", stdout(&o));
    let o = run(
        &dir,
        &[
            "check",
            "--format",
            "short",
            "--select",
            "TX007",
            "category/tianfeng.html",
        ],
    );
    assert_eq!(
        stdout(&o),
        "category/tianfeng.html:3:8: TX007 [error] category page title `天风研究新闻` does not name the source of `tianfeng`\n"
    );
    let o = run(
        &dir,
        &[
            "check",
            "--format",
            "short",
            "--select",
            "TX007",
            "_config.yml",
        ],
    );
    assert_eq!(stdout(&o), "");
}

/// Control characters from file names, from the file's text and from messages (a front matter
/// value quoted in one) are escaped in human and short output: no ESC, CR, newline inside a
/// line, C1 or bidi override reaches the terminal. JSON keeps the exact text (its encoder
/// escapes it).
#[test]
fn control_characters_are_escaped_in_human_and_short_output() {
    let post = "---\nlayout: \"po\\e[2Jst\"\ntitle: \"沪指午后震荡走高\"\ndate: \"2021-12-08 10:00\\e[31m:00 +0800\"\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n沪指\u{1b}[31m午后\u{1b}[0m震荡\u{202e}走高\r覆盖<b>。\n\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n";
    let dir = finews_site(&[
        ("_posts/2021-12-08-a\u{1b}[31mred.md", post),
        ("pa\nge\u{9b}.md", "---\ntitle: [unclosed\n---\n"),
        ("_hid\u{1b}den/x.md", CLEAN),
    ]);
    let clean = |s: &str| {
        s.chars().filter(|&c| c != '\n').find(|&c| {
            c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
    };

    let o = run(dir.path(), &["check", "--color", "never"]);
    let human = stdout(&o);
    assert_eq!(clean(&human), None, "{human:?}");
    assert!(human.contains("FM007") && human.contains("`layout: po\\u{1b}[2Jst`"));
    assert!(
        human.contains("[_posts/2021-12-08-a\\u{1b}[31mred.md:2:9]"),
        "{human}"
    );
    assert!(human.contains("[pa\\nge\\u{9b}.md:2:16]"), "{human}");
    assert!(human.contains("沪指\\u{1b}[31m午后\\u{1b}[0m震荡\\u{202e}走高\\r覆盖<b>。"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(r"in \d+\.\d+s", "in [TIME]s");
    settings.bind(|| insta::assert_snapshot!("cli_human_control_characters", human));

    let o = run(dir.path(), &["check", "--format", "short"]);
    let short = stdout(&o);
    assert_eq!(clean(&short), None, "{short:?}");
    let json = run(dir.path(), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let diagnostics = v["diagnostics"].as_array().unwrap();
    assert_eq!(
        short.lines().count(),
        diagnostics.len(),
        "one line per finding: {short}"
    );
    assert!(
        short.contains("_posts/2021-12-08-a\\u{1b}[31mred.md:4:8: DT001 [error] date `2021-12-08 10:00\\u{1b}[31m:00 +0800`"),
        "{short}"
    );
    assert!(short.contains("pa\\nge\\u{9b}.md:2:16: FM003"), "{short}");

    // JSON is unchanged: the exact path and message, escaped by the JSON encoder.
    let raw = stdout(&json);
    assert!(!raw.contains('\u{1b}') && raw.contains("\\u001b"), "{raw}");
    assert!(diagnostics.iter().any(|d| d["path"] == "pa\nge\u{9b}.md"));
    assert!(
        diagnostics
            .iter()
            .any(|d| d["message"] == "`layout: po\u{1b}[2Jst` is not allowed")
    );

    // Notes on stderr too.
    let o = run(
        dir.path(),
        &["check", "--format", "short", "_hid\u{1b}den/x.md"],
    );
    let err = stderr(&o);
    assert!(
        err.contains("note: `_hid\\u{1b}den/x.md` is not checked"),
        "{err}"
    );
    assert_eq!(clean(&err), None, "{err:?}");
}

/// A suppression of a rule that is off in this run is not unused: `--ignore DT --fix` must not
/// delete the `disable-next-line DT002` the next plain run needs (issue 20's bug).
#[test]
fn a_suppression_of_a_rule_off_in_this_run_is_kept() {
    let post =
        "---\ntitle: t\n# postlint-disable-next-line DT002\ndate: 2021-12-08 10:00:00\n---\nx\n";
    let dir = site(&[
        ("postlint.yaml", "extends: jekyll\nrules:\n  DT007: off\n"),
        ("_posts/2021-12-08-t.md", post),
    ]);
    let o = run(
        dir.path(),
        &["check", "--ignore", "DT", "--fix", "--format", "short"],
    );
    assert!(!stdout(&o).contains("SU001"), "{}", stdout(&o));
    let after = std::fs::read_to_string(dir.path().join("_posts/2021-12-08-t.md")).unwrap();
    assert_eq!(after, post, "the suppression was removed");
    // With DT on, it suppresses DT002: still no SU001, and no DT002.
    let o = run(dir.path(), &["check", "--format", "short"]);
    assert!(!stdout(&o).contains("SU001"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("DT002"), "{}", stdout(&o));
}

/// `postlint rules` shows the levels of the configuration in effect and its custom rules, and
/// `postlint rule` knows a custom rule (issue 20's bugs).
#[test]
fn rules_and_rule_know_the_configuration() {
    let dir = site(&[(
        "postlint.yaml",
        "extends: jekyll\nrules:\n  LK003: error\n  HT009: warning\ncustom:\n  - { code: CU001, name: no-brackets-in-title, field: title, forbid: \"[【】]\", message: \"brackets in the title\" }\n",
    )]);
    let o = run(dir.path(), &["rules"]);
    let out = stdout(&o);
    let line = |code: &str| {
        out.lines()
            .find(|l| l.starts_with(code))
            .unwrap_or("")
            .to_string()
    };
    assert!(line("LK003").contains(" error "), "{out}");
    assert!(line("HT009").contains(" warn "), "{out}");
    assert!(line("CU001").contains("no-brackets-in-title"), "{out}");
    let o = run(dir.path(), &["rule", "CU001"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("brackets in the title"),
        "{}",
        stdout(&o)
    );
    let o = run(dir.path(), &["rule", "LK003"]);
    assert!(stdout(&o).contains("here: error"), "{}", stdout(&o));
}

/// `--exit-zero`, `--output-file` and `--statistics` (issue 20).
#[test]
fn exit_zero_output_file_and_statistics() {
    let bad = finews_site(&[("_posts/2021-12-08-1.md", NO_ZONE)]);
    let o = run(bad.path(), &["check", "--format", "short"]);
    assert_eq!(code(&o), 1);
    let report = stdout(&o);
    // --exit-zero: the same findings, exit 0.
    let o = run(bad.path(), &["check", "--format", "short", "--exit-zero"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), report);
    // --output-file: the report in the file, nothing on standard output.
    let o = run(
        bad.path(),
        &[
            "check",
            "--format",
            "short",
            "--output-file",
            "out/report.txt",
        ],
    );
    // A folder that does not exist: an error that says so, and no report anywhere.
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write `out/report.txt`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    std::fs::create_dir_all(bad.path().join("out")).unwrap();
    let o = run(
        bad.path(),
        &[
            "check",
            "--format",
            "short",
            "--output-file",
            "out/report.txt",
        ],
    );
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "");
    let written = std::fs::read_to_string(bad.path().join("out/report.txt")).unwrap();
    assert_eq!(written, report);
    // --statistics: one line per rule with its count, on standard error.
    let o = run(bad.path(), &["check", "--format", "short", "--statistics"]);
    let codes: Vec<&str> = report
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    for c in &codes {
        let n = codes.iter().filter(|x| *x == c).count();
        assert!(
            stderr(&o)
                .lines()
                .any(|l| l.split_whitespace().take(2).collect::<Vec<_>>()
                    == [n.to_string().as_str(), *c]),
            "{c}: {}",
            stderr(&o)
        );
    }
}

/// `init --infer` on a blog whose tags are free-form learns no registry (and raises no TX or
/// SA rule), and writes a config `check` accepts — also with no categories at all (issue 20's
/// bug: an empty `categories:` that check rejected, or an invented registry raising TX/SA
/// rules to errors).
#[test]
fn init_infer_learns_no_registry_where_the_posts_carry_none() {
    let post = |cat: &str, tag: &str, id: u32| {
        format!(
            "---\ntitle: t{id}\ndate: 2022-03-18 10:00:00 +0000\ncategories: {cat}\ntags: {tag}\n---\nText {id}.\n"
        )
    };
    let files: Vec<(String, String)> = (0..8)
        .map(|i| {
            (
                format!("_posts/2022-03-18-p{i}.md"),
                post(
                    if i % 2 == 0 { "releases" } else { "news" },
                    &format!("topic{i}"),
                    i,
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&refs);
    let o = run(dir.path(), &["init", "--infer", "_posts"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let config = std::fs::read_to_string(dir.path().join("postlint.yaml")).unwrap();
    assert!(!config.contains("categories:"), "{config}");
    assert!(
        !config.contains("TX002") && !config.contains("SA00"),
        "{config}"
    );
    let o = run(dir.path(), &["check", "--format", "short"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    // No categories at all.
    let bare = site(&[(
        "_posts/2022-03-18-x.md",
        "---\ntitle: x\ndate: 2022-03-18 10:00:00 +0000\n---\nx\n",
    )]);
    let o = run(bare.path(), &["init", "--infer", "_posts"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run(bare.path(), &["check", "--format", "short"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

/// `--show-settings` prints the configuration in effect instead of checking: the levels after
/// the pack, the file's overrides and `--ignore`, and the options the file set.
#[test]
fn show_settings_prints_the_configuration_in_effect() {
    let dir = site(&[
        (
            "postlint.yaml",
            "extends: finews\nrules:\n  TX006: off\n  LK003: { level: warn, allow_hosts: [\"old.example.org\"] }\n",
        ),
        ("_posts/2021-12-08-1.md", NO_ZONE),
    ]);
    let o = run(dir.path(), &["check", "--show-settings", "--ignore", "DT"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("postlint.yaml"), "{out}");
    for line in [
        "  PF002   filename-pattern           error",
        "  TX006   category-slug-format       off",
        "  LK003   insecure-link              warn",
        "  DT002   missing-timezone           off",
    ] {
        assert!(out.lines().any(|l| l == line), "no `{line}` in\n{out}");
    }
    assert!(out.contains("old.example.org"), "{out}");
    assert!(
        !out.contains("DT002 missing-timezone"),
        "nothing was checked: {out}"
    );
}

/// Run with `stdin` as standard input.
fn run_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write as _;
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // A run refused before it reads standard input (a usage error) closes it: a broken pipe
    // here is that, not a failure of the test.
    if let Err(e) = input.write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// `check - --stdin-filename PATH` finds what checking the file at PATH finds, in every
/// format.
#[test]
fn stdin_is_checked_as_the_file_at_its_path() {
    let dir = finews_site(&[("_posts/2021-12-08-1.md", NO_ZONE)]);
    let rel = "_posts/2021-12-08-1.md";
    for format in ["json", "short", "human", "sarif", "github"] {
        let disk = run(
            dir.path(),
            &["check", "--format", format, "--color", "never", rel],
        );
        let buffer = run_stdin(
            dir.path(),
            &[
                "check",
                "--format",
                format,
                "--color",
                "never",
                "-",
                "--stdin-filename",
                rel,
            ],
            NO_ZONE,
        );
        assert_eq!(code(&buffer), 1, "{format}: {}", stderr(&buffer));
        let strip_time = |s: String| -> String {
            s.lines()
                .filter(|l| !l.starts_with("checked "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            strip_time(stdout(&buffer)),
            strip_time(stdout(&disk)),
            "{format}"
        );
        assert!(
            stdout(&buffer).contains("DT007"),
            "{format}: {}",
            stdout(&buffer)
        );
    }
}

/// The buffer, not the file on disk, is what is checked: an unsaved edit.
#[test]
fn stdin_buffer_differs_from_disk() {
    let dir = finews_site(&[("_posts/2021-12-08-1.md", CLEAN)]);
    let rel = "_posts/2021-12-08-1.md";
    assert_eq!(code(&run(dir.path(), &["check", rel])), 0);
    let o = run_stdin(
        dir.path(),
        &["check", "--format", "short", "-", "--stdin-filename", rel],
        NO_ZONE,
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).starts_with("_posts/2021-12-08-1.md:4:7: DT007 "),
        "{}",
        stdout(&o)
    );
    // A path that is not on disk yet (a new post) is checked as a post of the site too.
    let o = run_stdin(
        dir.path(),
        &[
            "check",
            "--format",
            "short",
            "-",
            "--stdin-filename",
            "_posts/2021-12-09-new.md",
        ],
        NO_ZONE,
    );
    assert!(
        stdout(&o).contains("_posts/2021-12-09-new.md:4:7: DT007 "),
        "{}",
        stdout(&o)
    );
}

/// A buffer that duplicates a committed post is found: the cross-file rules see the whole
/// site, not only the buffer.
#[test]
fn stdin_buffer_duplicating_a_committed_post_is_found() {
    let dir = site(&[
        ("postlint.yaml", "extends: finews\n"),
        ("_posts/2021-12-08-1.md", CLEAN),
    ]);
    let o = run_stdin(
        dir.path(),
        &[
            "check",
            "--format",
            "short",
            "-",
            "--stdin-filename",
            "_posts/2021-12-09-copy.md",
        ],
        CLEAN,
    );
    assert!(
        stdout(&o).contains(
            "_posts/2021-12-09-copy.md:11:2: XF001 [error] same source as `_posts/2021-12-08-1.md`"
        ),
        "{}",
        stdout(&o)
    );
    // The committed post itself, given as the buffer, is no duplicate of itself.
    let o = run_stdin(
        dir.path(),
        &[
            "check",
            "--format",
            "short",
            "-",
            "--stdin-filename",
            "_posts/2021-12-08-1.md",
        ],
        CLEAN,
    );
    assert_eq!(stdout(&o), "", "{}", stdout(&o));
}

#[test]
fn stdin_needs_its_filename_and_stands_alone() {
    let dir = finews_site(&[("_posts/2021-12-08-1.md", CLEAN)]);
    let cases: &[(&[&str], &str)] = &[
        (&["check", "-"], "needs --stdin-filename PATH"),
        (
            &["check", "-", "_posts", "--stdin-filename", "_posts/a.md"],
            "give no other path with it",
        ),
        (
            &["check", "--stdin-filename", "_posts/a.md"],
            "needs `-` as the path",
        ),
        (
            &["check", "--fix", "-", "--stdin-filename", "_posts/a.md"],
            "cannot be used with `-`",
        ),
    ];
    // No link is requested for a buffer, and it says so.
    let o = run_stdin(
        dir.path(),
        &["check", "--online", "-", "--stdin-filename", "_posts/a.md"],
        CLEAN,
    );
    assert!(
        stderr(&o).contains("external links are not requested for standard input"),
        "{}",
        stderr(&o)
    );
    for (args, message) in cases {
        let o = run_stdin(dir.path(), args, CLEAN);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
    }
}

/// Every file with a finding in every rule fixture, given on standard input as itself, gets
/// the findings a run over its whole site gives it (cross-file and site rules included).
#[test]
fn stdin_gets_what_the_whole_site_run_gives_each_fixture_file() {
    let mut folders = Vec::new();
    for pack in std::fs::read_dir(fixture("")).unwrap() {
        for rule in std::fs::read_dir(pack.unwrap().path()).unwrap() {
            let path = rule.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            }
        }
    }
    folders.sort();
    let mut compared = 0;
    for folder in &folders {
        let whole: serde_json::Value =
            serde_json::from_slice(&run(folder, &["check", "--format", "json"]).stdout).unwrap();
        let all = whole["diagnostics"].as_array().unwrap();
        let mut paths: Vec<&str> = all
            .iter()
            .filter(|d| d["code"] != "io")
            .filter_map(|d| d["path"].as_str())
            .collect();
        paths.sort();
        paths.dedup();
        for rel in paths {
            let Ok(text) = std::fs::read_to_string(folder.join(rel)) else {
                continue;
            };
            let o = run_stdin(
                folder,
                &["check", "--format", "json", "-", "--stdin-filename", rel],
                &text,
            );
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            // (In position order: the whole-site run writes LK004 and the cross-file
            // findings after each file's own.)
            let key = |d: &&serde_json::Value| {
                (
                    d["line"].as_u64(),
                    d["column"].as_u64(),
                    d["code"].to_string(),
                    d["message"].to_string(),
                )
            };
            let mut expected: Vec<&serde_json::Value> =
                all.iter().filter(|d| d["path"] == rel).collect();
            expected.sort_by_key(key);
            let mut got: Vec<&serde_json::Value> =
                v["diagnostics"].as_array().unwrap().iter().collect();
            got.sort_by_key(key);
            assert_eq!(got, expected, "{}/{rel}", folder.display());
            compared += 1;
        }
    }
    assert!(compared > 100, "{compared} files compared");
}
