//! The README cannot drift: its rule table is the registry's, and its example output is what
//! the bundled example produces. Snapshots that no test writes any more are stale.

use std::path::Path;
use std::process::Command;

use postlint::{RulesFormat, rules_table};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let a = text
        .find(start)
        .unwrap_or_else(|| panic!("README lacks {start}"))
        + start.len();
    let b = a + text[a..]
        .find(end)
        .unwrap_or_else(|| panic!("README lacks {end}"));
    text[a..b].trim()
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme = readme();
    let table = between(&readme, "<!-- rules:start -->", "<!-- rules:end -->");
    assert_eq!(
        table,
        rules_table(RulesFormat::Markdown).trim(),
        "run `postlint rules --format markdown` and paste it"
    );
}

#[test]
fn readme_example_output_is_real() {
    let readme = readme();
    let block = between(&readme, "<!-- example:start -->", "<!-- example:end -->");
    let block = block
        .trim_start_matches("```text")
        .trim_end_matches("```")
        .trim();
    let out = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "examples/", "--format", "short"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), block);
}

#[test]
fn no_stale_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cli = [
        "tests/cli.rs",
        "tests/online.rs",
        "tests/site.rs",
        "tests/formats.rs",
    ]
    .map(|f| std::fs::read_to_string(root.join(f)).unwrap())
    .concat();
    for entry in std::fs::read_dir(root.join("snapshots")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "rules" {
            // snapshots/rules/<CODE>/<pack>__<path with / as __>.snap, one per fixture file.
            for rule in std::fs::read_dir(entry.path()).unwrap() {
                let rule = rule.unwrap();
                let code = rule.file_name().to_string_lossy().into_owned();
                for snap in std::fs::read_dir(rule.path()).unwrap() {
                    let snap = snap.unwrap().file_name().to_string_lossy().into_owned();
                    let Some(stem) = snap.strip_suffix(".snap") else {
                        panic!(
                            "unexpected file in snapshots/rules/{code}: {snap} (review pending snapshots)"
                        );
                    };
                    let (pack, rel) = stem.split_once("__").unwrap();
                    let rel = rel.replace("__", "/");
                    let fixture = root
                        .join("tests/fixtures")
                        .join(pack)
                        .join(&code)
                        .join(&rel);
                    assert!(
                        fixture.exists(),
                        "snapshot rules/{code}/{snap} has no fixture ({})",
                        fixture.display()
                    );
                }
            }
            continue;
        }
        assert!(
            name.ends_with(".snap"),
            "unexpected file in snapshots/: {name} (review pending snapshots)"
        );
        let stem = name.trim_end_matches(".snap");
        let known = cli.contains(&format!("\"{stem}\""))
            || stem
                .strip_prefix("cli_config_")
                .is_some_and(|c| cli.contains(&format!("\"{c}\"")));
        assert!(known, "snapshot {name} is not written by any test");
    }
}
