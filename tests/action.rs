//! The GitHub Action (`action.yml`): a composite action that installs postlint from its own
//! checkout and runs `postlint check --format github`. The test reads its steps and runs the
//! same check command on the bundled example: its output is GitHub workflow commands
//! (`::error file=…,line=…,col=…::…`), one per finding, and the exit status fails the job.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_action_installs_from_its_checkout_and_annotates() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for needle in [
        "using: composite",
        "cargo install --locked --path \"$GITHUB_ACTION_PATH\"",
        "check --format github ${{ inputs.args }} ${{ inputs.paths }}",
        "uses: dtolnay/rust-toolchain@stable",
        "uses: actions/cache@v4",
    ] {
        assert!(action.contains(needle), "action.yml lacks `{needle}`");
    }
    // Every step that runs a shell names it (composite actions require `shell`).
    let runs = action.matches("\n      run: |").count();
    let shells = action.matches("\n      shell: bash").count();
    assert_eq!(runs, shells, "each run step has `shell: bash`");
    // The command the action runs, on the bundled example (inputs empty).
    let o = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .args(["check", "--format", "github"])
        .current_dir(root().join("examples"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "findings fail the job");
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(
            l.starts_with("::error file=") || l.starts_with("::warning file="),
            "not a workflow command: {l}"
        );
        assert!(l.contains(",line=") && l.contains(",col="), "{l}");
    }
}
