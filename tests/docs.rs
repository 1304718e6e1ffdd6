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
    for entry in std::fs::read_dir(root.join("snapshots")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name.ends_with(".snap"),
            "unexpected file in snapshots/: {name} (review pending snapshots)"
        );
        if let Some(rest) = name.strip_prefix("fixtures@") {
            // fixtures@<pack>__<path with / as __>.snap
            let rel = rest.trim_end_matches(".snap").replace("__", "/");
            let exists = root.join("tests/fixtures").join(&rel).exists();
            assert!(
                exists,
                "snapshot {name} has no fixture (tests/fixtures/{rel})"
            );
        } else {
            let cli = ["tests/cli.rs", "tests/online.rs"]
                .map(|f| std::fs::read_to_string(root.join(f)).unwrap())
                .concat();
            let stem = name.trim_end_matches(".snap");
            let known = cli.contains(&format!("\"{stem}\""))
                || stem
                    .strip_prefix("cli_config_")
                    .is_some_and(|c| cli.contains(&format!("\"{c}\"")));
            assert!(known, "snapshot {name} is not written by any test");
        }
    }
}
