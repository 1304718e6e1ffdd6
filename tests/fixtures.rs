//! Fixture-driven rule tests: every file under `tests/fixtures/<pack>/` is checked with that
//! built-in pack; its rendered human output is snapshot-tested (80 columns, no colour), and the
//! set of codes it produces must equal the `<!-- expect: … -->` comment in the file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use postlint::{Rule, RunContext, RunOptions, check_bytes, prepare, render};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn expected_codes(bytes: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(bytes);
    let start = text
        .rfind("<!-- expect:")
        .expect("fixture has an expect comment")
        + "<!-- expect:".len();
    let end = start + text[start..].find("-->").expect("expect comment is closed");
    text[start..end]
        .split_whitespace()
        .filter(|c| *c != "none")
        .map(str::to_string)
        .collect()
}

/// Check one fixture; returns (rendered output, codes found).
fn run(path: &Path) -> (String, BTreeSet<String>) {
    let rel = path.strip_prefix(fixtures_dir()).unwrap();
    let pack = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_str()
        .unwrap();
    // A fixture folder with its own postlint.yaml uses it; the others use the pack they are named after.
    let own = fixtures_dir().join(pack).join("postlint.yaml");
    let settings = if own.is_file() {
        postlint::load(&own, &fixtures_dir()).unwrap()
    } else {
        postlint::builtin(pack, fixtures_dir()).unwrap()
    };
    // The site around the fixture (tests/fixtures/finews/ is a small site with `_config.yml`).
    let options = RunOptions {
        paths: vec![rel.to_path_buf()],
        keep_source: true,
        progress: false,
    };
    let (settings, site) = prepare(&settings, &options, &fixtures_dir());
    let display = rel.to_string_lossy().replace('\\', "/");
    let bytes = std::fs::read(path).unwrap();
    let diags = check_bytes(&RunContext::new(&settings, &site), &display, bytes, true);
    let rendered: String = diags
        .iter()
        .map(|d| render(d, false, 80))
        .collect::<Vec<_>>()
        .join("\n");
    let codes = diags.iter().map(|d| d.code.to_string()).collect();
    (rendered, codes)
}

#[test]
fn fixtures() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("fixtures/**/*.md", |path| {
            let (rendered, codes) = run(path);
            let expected = expected_codes(&std::fs::read(path).unwrap());
            assert_eq!(codes, expected, "codes found in {}", path.display());
            let shown = if rendered.is_empty() {
                "(no findings)".to_string()
            } else {
                rendered
            };
            insta::assert_snapshot!(shown);
        });
    });
}

/// Every rule has a fixture that triggers it and a targeted one (named `…-<code>-ok-…` or
/// `…-ok-<code>-…`) that must not.
#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    let mut files = Vec::new();
    let mut stack = vec![fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    // Cross-file rules need several files: tests/cli.rs covers them (cross_file_rules).
    let cli = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli.rs"))
        .unwrap();
    // LK006 needs a server: tests/online.rs starts one.
    let online =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/online.rs"))
            .unwrap();
    for rule in Rule::ALL {
        let code = rule.code();
        if code == "LK006" {
            assert!(
                online.contains("\"LK006\""),
                "tests/online.rs must test LK006"
            );
            continue;
        }
        if ["TX005", "TX007", "XF001", "XF002"].contains(&code) {
            assert!(
                cli.contains(&format!("\"{code}\"")),
                "tests/cli.rs must test {code}"
            );
            continue;
        }
        let lower = code.to_ascii_lowercase();
        let positive = files
            .iter()
            .any(|f| expected_codes(&std::fs::read(f).unwrap()).contains(code));
        assert!(positive, "no fixture triggers {code}");
        let negative = files.iter().any(|f| {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            name.contains(&lower)
                && name.contains("-ok-")
                && !expected_codes(&std::fs::read(f).unwrap()).contains(code)
        });
        assert!(
            negative,
            "no targeted negative fixture for {code} (name it `…-{lower}-ok-…`)"
        );
    }
}
