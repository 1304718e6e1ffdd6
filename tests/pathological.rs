//! Hostile and pathological inputs through the binary, each beside an ordinary post with a
//! known finding: every case ends with a diagnostic or a clear skip, the ordinary post is still
//! checked, the JSON parses, the exit status is right, and the time stays under a bound.
//!
//! The bounds are generous (about ten times what the test-profile binary took on a loaded
//! 2-core machine, noted beside each) but far below what quadratic behaviour takes: 100,000
//! attributes checked for duplicates pairwise took 33 s in release before the fix.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const ORDINARY: &str =
    "---\nlayout: post\ntitle: \"普通的帖子\"\ndate: 2021-12-08 10:18:31\n---\n\n正文。\n";

fn write(root: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A site with the ordinary post and the jekyll pack.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "postlint.yaml", b"extends: jekyll\n");
    write(
        dir.path(),
        "_posts/2021-12-08-ordinary.md",
        ORDINARY.as_bytes(),
    );
    dir
}

struct Run {
    output: Output,
    json: serde_json::Value,
}

fn run(dir: &Path, args: &[&str], bound: Duration) -> Run {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let took = started.elapsed();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON does not parse ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    eprintln!("{args:?}: {took:?}");
    assert!(took < bound, "{args:?} took {took:?}, bound {bound:?}");
    Run { output, json }
}

fn codes(run: &Run, file: &str) -> Vec<String> {
    run.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap_or("").ends_with(file))
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The ordinary post was checked: its missing time zone is reported.
fn ordinary_checked(run: &Run) {
    assert_eq!(
        codes(run, "2021-12-08-ordinary.md"),
        ["DT002"],
        "{}",
        run.json
    );
}

fn status(run: &Run) -> i32 {
    run.output.status.code().unwrap_or(-1)
}

fn front(title: &str) -> String {
    format!("---\nlayout: post\ntitle: \"{title}\"\ndate: 2021-12-08 10:30:00 +0800\n---\n\n")
}

#[test]
fn a_100_mb_post() {
    let dir = site();
    let paragraph =
        "<p>沪指午后震荡走高，创业板指涨超1%。<a href=\"https://example.com/a\">原文</a></p>\n\n";
    let mut text = front("大");
    while text.len() < 100 * 1024 * 1024 {
        text.push_str(paragraph);
    }
    write(dir.path(), "_posts/2021-12-08-big.md", text.as_bytes());
    // Measured: 8.3 s (test profile; release 9 s under load, 1.1 GB peak).
    let r = run(dir.path(), &[], Duration::from_secs(90));
    assert_eq!(status(&r), 0);
    ordinary_checked(&r);
    assert!(codes(&r, "big.md").is_empty(), "{:?}", codes(&r, "big.md"));
}

#[test]
fn a_1_mb_single_line() {
    let dir = site();
    let mut text = front("长");
    let mut line = String::new();
    while line.len() < 1024 * 1024 {
        line.push_str("沪指午后震荡走高 <b>粗</b> [链](https://example.com/x) ");
    }
    text.push_str(&line);
    text.push_str("<p>\n");
    write(dir.path(), "_posts/2021-12-08-line.md", text.as_bytes());
    // Measured: 0.1 s.
    let r = run(dir.path(), &[], Duration::from_secs(10));
    assert_eq!(status(&r), 0);
    ordinary_checked(&r);
    // The trailing `<p>` is in the paragraph: kramdown shows it as text (`&lt;p&gt;`).
    assert_eq!(codes(&r, "line.md"), Vec::<String>::new());
}

#[test]
fn a_hundred_thousand_nested_tags() {
    let dir = site();
    let n = 100_000;
    let mut text = front("深");
    text.push_str(&"<div>".repeat(n));
    text.push_str(&"</div>".repeat(n));
    text.push('\n');
    write(dir.path(), "_posts/2021-12-08-nested.md", text.as_bytes());
    let mut open = front("深");
    open.push_str(&"<span><b>".repeat(n / 2));
    open.push('\n');
    write(dir.path(), "_posts/2021-12-08-open.md", open.as_bytes());
    // Measured: 0.7 s.
    let r = run(dir.path(), &[], Duration::from_secs(15));
    assert_eq!(status(&r), 1);
    ordinary_checked(&r);
    assert!(codes(&r, "nested.md").is_empty());
    // Every unclosed element is its own finding (100,000 of them), in linear time.
    assert_eq!(codes(&r, "open.md").len(), n);
}

#[test]
fn a_hundred_thousand_attributes() {
    let dir = site();
    let n = 100_000;
    let mut text = front("多");
    text.push_str("<p");
    for i in 0..n {
        text.push_str(&format!(" data-a{i}=\"{i}\""));
    }
    text.push_str(">x</p>\n\n<p");
    // The same attribute 100,000 times: duplicates are found without comparing every pair.
    text.push_str(&" class=\"x\"".repeat(n));
    text.push_str(">y</p>\n");
    write(dir.path(), "_posts/2021-12-08-attrs.md", text.as_bytes());
    // Measured: 0.5 s (33 s before duplicates were indexed: quadratic).
    let r = run(dir.path(), &[], Duration::from_secs(10));
    assert_eq!(status(&r), 1);
    ordinary_checked(&r);
    let found = codes(&r, "attrs.md");
    assert!(
        !found.is_empty() && found.iter().all(|c| c == "HT006"),
        "{found:?}"
    );
}

#[test]
fn a_yaml_alias_bomb_and_deep_nesting() {
    let dir = site();
    let mut bomb =
        String::from("---\nlayout: post\ntitle: \"炸弹\"\ndate: 2021-12-08 10:30:00 +0800\n");
    bomb.push_str("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..40 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    bomb.push_str("---\n\n正文。\n");
    write(dir.path(), "_posts/2021-12-08-bomb.md", bomb.as_bytes());
    let depth = 100_000;
    let deep = format!(
        "---\nlayout: post\ntitle: \"深\"\ndate: 2021-12-08 10:30:00 +0800\nx: {}{}\n---\n\n正文。\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    write(dir.path(), "_posts/2021-12-08-deep.md", deep.as_bytes());
    let mut maps = String::from("---\nlayout: post\n");
    for i in 0..5_000 {
        maps.push_str(&" ".repeat(i));
        maps.push_str("k:\n");
    }
    maps.push_str("---\n\n正文。\n");
    write(dir.path(), "_posts/2021-12-08-maps.md", maps.as_bytes());
    // Measured: 0.1 s.
    let r = run(dir.path(), &[], Duration::from_secs(5));
    ordinary_checked(&r);
    // Aliases are never expanded: the bomb is a small, valid front matter.
    assert!(
        codes(&r, "bomb.md").iter().all(|c| c != "FM003"),
        "{:?}",
        codes(&r, "bomb.md")
    );
    assert_eq!(codes(&r, "deep.md"), ["FM003"], "too deep is a YAML error");
    assert_eq!(codes(&r, "maps.md"), ["FM003"]);
    assert_eq!(status(&r), 1);
}

#[test]
fn a_nul_filled_file_and_binary_garbage() {
    let dir = site();
    write(
        dir.path(),
        "_posts/2021-12-08-nul.md",
        &vec![0u8; 1024 * 1024],
    );
    let garbage: Vec<u8> = (0..1_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    write(dir.path(), "_posts/2021-12-08-garbage.md", &garbage);
    // Measured: 0.07 s.
    let r = run(dir.path(), &[], Duration::from_secs(5));
    assert_eq!(status(&r), 1);
    ordinary_checked(&r);
    // NUL is valid UTF-8: the file is a post without front matter, which Jekyll copies as is.
    assert_eq!(codes(&r, "nul.md"), ["FM001"]);
    assert!(codes(&r, "garbage.md").contains(&"PF001".to_string()));
}

#[cfg(unix)]
#[test]
fn a_fifo_and_a_device_among_the_inputs() {
    let dir = site();
    let fifo = dir.path().join("_posts/2021-12-08-fifo.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // In a walked directory: not a regular file, never opened (opening a FIFO would block).
    let r = run(dir.path(), &[], Duration::from_secs(20));
    assert_eq!(status(&r), 0, "DT002 is a warning");
    ordinary_checked(&r);
    assert!(codes(&r, "fifo.md").is_empty());
    // Named on the command line: reported, not read; exit 2; the rest still checked.
    let r = run(
        dir.path(),
        &[
            "_posts/2021-12-08-fifo.md",
            "/dev/zero",
            "_posts/2021-12-08-ordinary.md",
        ],
        Duration::from_secs(20),
    );
    assert_eq!(status(&r), 2);
    ordinary_checked(&r);
    assert_eq!(codes(&r, "fifo.md"), ["io"]);
    assert_eq!(codes(&r, "/dev/zero"), ["io"]);
}

#[cfg(unix)]
#[test]
fn a_directory_symlink_loop() {
    let dir = site();
    std::fs::create_dir_all(dir.path().join("_posts/sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("_posts/sub/loop")).unwrap();
    std::os::unix::fs::symlink("loop2", dir.path().join("_posts/loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", dir.path().join("_posts/loop2")).unwrap();
    let r = run(dir.path(), &[], Duration::from_secs(20));
    assert_eq!(status(&r), 0, "DT002 is a warning");
    ordinary_checked(&r);
    assert_eq!(r.json["summary"]["files"], 1, "links are not followed");
    // A symlink loop named on the command line is a clear error, not a hang.
    let r = run(
        dir.path(),
        &["_posts/loop1", "_posts"],
        Duration::from_secs(20),
    );
    assert_eq!(status(&r), 2);
    ordinary_checked(&r);
    assert_eq!(codes(&r, "loop1"), ["io"]);
}

#[cfg(unix)]
#[test]
fn invalid_utf8_in_a_path() {
    use std::os::unix::ffi::OsStrExt;
    let dir = site();
    let name = std::ffi::OsStr::from_bytes(b"_posts/2021-12-08-\xff\xfe.md");
    std::fs::write(dir.path().join(name), ORDINARY).unwrap();
    let r = run(dir.path(), &[], Duration::from_secs(20));
    assert_eq!(status(&r), 0, "DT002 is a warning");
    ordinary_checked(&r);
    // Shown with U+FFFD in place of the bad bytes, and checked like any post.
    assert_eq!(
        codes(&r, "2021-12-08-\u{fffd}\u{fffd}.md"),
        ["DT002"],
        "{}",
        r.json
    );
    // Named on the command line too.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_postlint"));
    let o = cmd
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .arg(name)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "DT002");
}

/// Files that vanish or become unreadable after they were found (between the walk and the
/// read): each is a clear failure (exit 2), and the others are checked.
#[test]
fn files_that_vanish_or_become_unreadable_mid_run() {
    use postlint::RunOptions;
    let dir = site();
    write(dir.path(), "_posts/2021-12-08-gone.md", ORDINARY.as_bytes());
    write(dir.path(), "_posts/2021-12-08-dir.md", ORDINARY.as_bytes());
    let settings = postlint::discover(dir.path(), dir.path()).unwrap();
    let options = RunOptions {
        paths: vec![dir.path().join("_posts")],
        ..RunOptions::default()
    };
    let (settings, site) = postlint::prepare(&settings, &options, dir.path());
    let (targets, failures) = postlint::find_files(&settings, &options, dir.path());
    assert_eq!(targets.len(), 3);
    std::fs::remove_file(dir.path().join("_posts/2021-12-08-gone.md")).unwrap();
    // Replaced by a directory: unreadable as a file, even for root.
    std::fs::remove_file(dir.path().join("_posts/2021-12-08-dir.md")).unwrap();
    std::fs::create_dir(dir.path().join("_posts/2021-12-08-dir.md")).unwrap();
    let outcome = postlint::run_on(
        &settings,
        site,
        &options,
        dir.path(),
        &targets,
        failures,
        Instant::now(),
    );
    assert_eq!(outcome.failures, 2);
    let shown: Vec<(String, String)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let name = d.path.rsplit('/').next().unwrap_or("").to_string();
            (name, d.code.to_string())
        })
        .collect();
    assert!(
        shown.contains(&("2021-12-08-gone.md".into(), "io".into())),
        "{shown:?}"
    );
    assert!(
        shown.contains(&("2021-12-08-dir.md".into(), "io".into())),
        "{shown:?}"
    );
    assert!(
        shown.contains(&("2021-12-08-ordinary.md".into(), "DT002".into())),
        "{shown:?}"
    );
}

/// 50,000 suppression comments (disable/enable pairs, each unused): every one is an SU001
/// warning, found in linear time (each directive's line was counted from the top of the file:
/// 20,000 pairs took 12.7 s).
#[test]
fn fifty_thousand_suppression_comments() {
    let dir = site();
    let n = 25_000;
    let mut text = front("注");
    text.push_str(&"<!-- postlint-disable HT001 -->\n<!-- postlint-enable HT001 -->\n".repeat(n));
    write(
        dir.path(),
        "_posts/2021-12-08-suppressions.md",
        text.as_bytes(),
    );
    // Measured: 0.2 s (release).
    let r = run(dir.path(), &[], Duration::from_secs(10));
    ordinary_checked(&r);
    // The disables are unused; enables are never reported.
    assert_eq!(codes(&r, "suppressions.md").len(), n);
}

/// `<a b` 40,000 times in one paragraph and `<a` 100,000 times (tag attempts that never close):
/// linear (the first took over 120 s before the kramdown body pass).
#[test]
fn tag_attempts_that_never_close() {
    let dir = site();
    let mut ab = front("标签");
    ab.push_str(&"<a b".repeat(40_000));
    ab.push('\n');
    write(dir.path(), "_posts/2021-12-08-ab.md", ab.as_bytes());
    let mut a = front("标签");
    a.push_str(&"<a".repeat(100_000));
    a.push('\n');
    write(dir.path(), "_posts/2021-12-08-a.md", a.as_bytes());
    // Measured: 0.2 s and 0.5 s (release).
    let r = run(dir.path(), &[], Duration::from_secs(15));
    ordinary_checked(&r);
}

/// 3,000 copies of one article: each of the 2,999 XF001 findings names the first file and the
/// group's size, not every member, so the JSON grows linearly with the group (each message
/// named all the others: 4,000 copies made 463 MB).
#[test]
fn a_group_of_three_thousand_duplicates() {
    let dir = site();
    let n = 3_000;
    let body = "一篇被转载了三千次的文章，正文完全相同。\n".repeat(20);
    for i in 0..n {
        let text = format!("{}{body}", front(&format!("副本 {i}")));
        write(
            dir.path(),
            &format!("_posts/2021-12-08-copy-{i:05}.md"),
            text.as_bytes(),
        );
    }
    let r = run(dir.path(), &[], Duration::from_secs(60));
    ordinary_checked(&r);
    let xf: Vec<&serde_json::Value> = r.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "XF001")
        .collect();
    assert_eq!(xf.len(), n - 1);
    for d in &xf {
        let message = d["message"].as_str().unwrap_or("");
        assert!(
            message.contains("copy-00000.md") && message.contains("one of 3000 files"),
            "{message}"
        );
        assert!(message.len() < 200, "{message}");
    }
    // Linear: well under a kilobyte of JSON per finding.
    assert!(
        r.output.stdout.len() < n * 1024,
        "{} bytes",
        r.output.stdout.len()
    );
}

/// The bound of a timed case: tight for the release build the CI runs (`cargo nextest run
/// --release`), five times that for the test profile.
fn bound(release_secs: u64) -> Duration {
    Duration::from_secs(if cfg!(debug_assertions) {
        release_secs * 5
    } else {
        release_secs
    })
}

/// The human format costs the file's size plus its findings: miette's own source read the
/// text from the top for every label (an 8 MB post with 900 findings took 36.7 s; JSON 0.07 s).
#[test]
fn the_human_format_on_an_8_mb_post_with_900_findings() {
    let dir = site();
    let mut text = front("大");
    let filler = "沪指午后震荡走高，成交额较上一交易日有所放大。\n".repeat(120);
    while text.len() < 8 * 1024 * 1024 {
        text.push_str(&filler);
        text.push_str("\n<span>未闭合的标签\n\n");
    }
    write(dir.path(), "_posts/2021-12-08-huge.md", text.as_bytes());
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .current_dir(dir.path())
        .args(["check", "--color", "never"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let out = String::from_utf8_lossy(&output.stdout);
    let found = out.matches("HT001 (unclosed-tag)").count();
    eprintln!("human, 8 MB, {found} findings: {took:?}");
    assert!(found >= 900, "{found} findings");
    // Measured (release, a loaded 2-core machine): 0.10–0.45 s; before, over 120 s.
    assert!(took < bound(2), "took {took:?}");
    // Each finding shows its own line, numbered as in the file.
    let last = text.lines().count();
    assert!(
        out.contains("未闭合的标签"),
        "{}",
        &out[..out.len().min(2000)]
    );
    assert!(out.contains(&format!("{} │", last - 1)) || out.contains(&format!("{last} │")));
}

/// Peak resident memory of a run of the binary in MB, measured by `/usr/bin/time` (`None`
/// without it), with the bytes it wrote. (The test process's own `wait4` would not do: a
/// child spawned from it starts with the test process's high-water mark, which the other
/// tests running beside this one drive up to hundreds of MB.)
fn peak_rss_mb(dir: &Path, args: &[&str]) -> Option<(f64, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out_path = dir.join("report.out");
    let rss_path = dir.join("rss.txt");
    let out = std::fs::File::create(&out_path).unwrap();
    let status = Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_path)
        .arg(env!("CARGO_BIN_EXE_postlint"))
        .args(args)
        .current_dir(dir)
        .stdout(out)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.code().is_some(), "{args:?}");
    let kb: f64 = std::fs::read_to_string(&rss_path)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let size = std::fs::metadata(&out_path).unwrap().len();
    Some((kb / 1024.0, size))
}

/// Findings are written as they are produced, in every format: 200,000 findings (4,000 posts
/// with 50 unclosed `<span>` each) stay within a few tens of MB, where holding them took
/// ~740 bytes each (774 MB of JSON for a million; SARIF 10.9 GB).
#[test]
fn two_hundred_thousand_findings_in_flat_memory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "postlint.yaml", b"extends: jekyll\n");
    for i in 0..4_000 {
        let mut post = front(&format!("多{i}"));
        for j in 0..50 {
            post.push_str(&format!("<span>未闭合 {i}-{j}\n\n"));
        }
        write(
            dir.path(),
            &format!("_posts/{}/2021-12-08-{i:05}.md", i % 16),
            post.as_bytes(),
        );
    }
    for format in ["json", "sarif", "human", "junit"] {
        let Some((mb, size)) = peak_rss_mb(
            dir.path(),
            &["check", "--format", format, "--color", "never"],
        ) else {
            eprintln!("no /usr/bin/time: peak memory not measured");
            return;
        };
        eprintln!("{format}: peak {mb:.1} MB, {size} bytes of output");
        assert!(size > 200_000 * 50, "{format}: {size} bytes");
        // Measured (release): 13–15 MB in every format (the binary before: JSON 150 MB).
        assert!(mb < 60.0, "{format}: peak RSS {mb:.1} MB");
    }
}
