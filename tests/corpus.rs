//! postlint on real content from `../shared/corpus/` (beside the project; CI has it too):
//! the seed post must be clean under `finews`, Jekyll's own test posts must give errors only
//! where Jekyll rejects or drops a post, and the findings on the real finews sample are pinned
//! in `tests/expected/finews.txt` (path, line, column, code — no post text) so that any change
//! of behaviour on real content shows up in review.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/corpus is not present");
        None
    }
}

fn postlint(cwd: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn seed_is_clean_under_finews() {
    let Some(corpus) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("_posts")).unwrap();
    for entry in std::fs::read_dir(corpus.join("seed")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            tmp.path().join("_posts").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    std::fs::write(tmp.path().join("postlint.yaml"), "extends: finews\n").unwrap();
    let (status, out) = postlint(tmp.path(), &["check", "--format", "short"]);
    assert_eq!((status, out.as_str()), (0, ""));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

fn errors_of(out: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(out).unwrap();
    let mut errors: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            format!(
                "{} {}",
                d["path"].as_str().unwrap(),
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    errors.sort();
    errors
}

#[test]
fn jekyll_pack_errors_only_where_jekyll_rejects() {
    let Some(corpus) = corpus() else { return };
    let source = corpus.join("jekyll-test-source");
    let (_, out) = postlint(&source, &["check", "--format", "json"]);
    // As a site of its own (no `_config.yml`), Jekyll reads `_posts` and `_drafts` only: the
    // `_broken` and `_encodings` folders are not read. dubious.markdown: Jekyll's post matcher
    // skips it, so it is never published. indented-link-references: its relative links
    // (`www.example.com/0`) lead from the post's page to pages the site does not have.
    let dubious = "_posts/2013-03-19-not-a-post/dubious.markdown PF002";
    let links = "_posts/2016-08-16-indented-link-references.markdown LK004";
    // excerpt-liquid-block uses tags Jekyll's test suite registers (`do_nothing`): built as a
    // site, Jekyll stops on it, `Liquid syntax error (line 2): Unknown tag 'do_nothing_other'`.
    let unknown_tag = "_posts/2018-11-15-excerpt-liquid-block.md LQ002";
    assert_eq!(
        errors_of(&out),
        [dubious, links, links, links, links, unknown_tag]
    );

    // Jekyll's tests read those folders as collections: then bad_post's YAML is an error
    // (Jekyll logs the exception) and the UTF-16 file cannot be read as UTF-8.
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&source, tmp.path());
    std::fs::write(
        tmp.path().join("_config.yml"),
        "collections:\n  broken: {}\n  encodings: {}\n",
    )
    .unwrap();
    let (_, out) = postlint(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(
        errors_of(&out),
        [
            "_broken/bad_post.md FM003",
            "_encodings/Unicode16LECRLFandBOM.md PF001",
            dubious,
            links,
            links,
            links,
            links,
            unknown_tag
        ]
    );
}

#[test]
fn finews_sample_findings_are_pinned() {
    let Some(corpus) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("finews.yaml");
    std::fs::write(&config, "extends: finews\n").unwrap();
    let (_, out) = postlint(
        &corpus.join("finews"),
        &[
            "check",
            "--format",
            "json",
            "--config",
            config.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {} {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap()
            )
        })
        .collect();
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/finews.txt");
    let found_text = found.join("\n") + "\n";
    if std::env::var_os("POSTLINT_BLESS").is_some() {
        std::fs::write(&expected_path, &found_text).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert!(
        expected == found_text,
        "findings on the finews sample changed; review, then rerun with POSTLINT_BLESS=1\n{}",
        diff(&expected, &found_text)
    );
}

fn diff(a: &str, b: &str) -> String {
    let a: std::collections::BTreeSet<&str> = a.lines().collect();
    let b: std::collections::BTreeSet<&str> = b.lines().collect();
    let mut out = String::new();
    for l in a.difference(&b) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in b.difference(&a) {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}
