//! Shared by the differential tests: the oracle runner (Ruby, oracle/run.rb) and the reader
//! (the real one: `PsychReader`, Psych-exact YAML and Ruby-exact dates).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub use jekyll_site::PsychReader;

/// The reader the tests use.
pub const READER: PsychReader = PsychReader { now: None };

/// The crate's folder.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the oracle must run (`POSTLINT_ORACLES=1`), may run, or cannot.
pub fn oracle_available() -> bool {
    let required = std::env::var("POSTLINT_ORACLES").is_ok_and(|v| v == "1");
    let ok = Command::new("ruby")
        .args(["-e", "require 'jekyll'"])
        .output()
        .is_ok_and(|o| o.status.success());
    if required && !ok {
        panic!("POSTLINT_ORACLES=1 but ruby/jekyll cannot be loaded");
    }
    if !required {
        eprintln!("skipping the oracle (set POSTLINT_ORACLES=1 to run it)");
        return false;
    }
    ok
}

/// Runs the oracle on a site; returns its JSON.
pub fn run_oracle(site: &Path, args: &[&str]) -> serde_json::Value {
    let out = std::env::temp_dir().join(format!(
        "postlint-site-oracle-{}-{}.json",
        std::process::id(),
        site.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let status = Command::new("ruby")
        .arg(crate_dir().join("oracle/run.rb"))
        .args(args)
        .arg(site)
        .arg(&out)
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "oracle failed on {}",
        site.display()
    );
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}
