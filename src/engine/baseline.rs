//! Baselines: today's findings recorded by path, code and a fingerprint of the offending text
//! (not line numbers), so that a legacy corpus can adopt the linter and only new findings fail.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entry {
    pub path: String,
    pub code: String,
    pub fingerprint: String,
    #[serde(default = "one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

fn key(d: &Diagnostic) -> (String, String, String) {
    (
        d.rel.to_string(),
        d.code.to_string(),
        format!("{:016x}", d.fingerprint),
    )
}

/// A baseline recorded as the findings come.
#[derive(Debug, Default)]
pub struct Recorder {
    counts: HashMap<(String, String, String), usize>,
}

impl Recorder {
    pub fn add(&mut self, d: &Diagnostic) {
        *self.counts.entry(key(d)).or_default() += 1;
    }

    /// How many findings are recorded.
    pub fn findings(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn finish(self) -> Baseline {
        let mut findings: Vec<Entry> = self
            .counts
            .into_iter()
            .map(|((path, code, fingerprint), count)| Entry {
                path,
                code,
                fingerprint,
                count,
            })
            .collect();
        findings.sort();
        Baseline {
            version: 1,
            findings,
        }
    }
}

pub fn load(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline `{}`: {e}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text)
        .map_err(|e| format!("baseline `{}` is not valid: {e}", path.display()))?;
    if b.version != 1 {
        return Err(format!(
            "baseline `{}` has version {}, expected 1",
            path.display(),
            b.version
        ));
    }
    Ok(b)
}

pub fn save(path: &Path, baseline: &Baseline) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(baseline).map_err(|e| e.to_string())?;
    text.push('\n');
    crate::base::fs::write_atomic(path, text.as_bytes())
        .map_err(|e| format!("cannot write baseline `{}`: {e}", path.display()))
}

/// A baseline applied as the findings come: each entry drops as many findings as its count.
#[derive(Debug)]
pub struct Filter {
    left: HashMap<(String, String, String), usize>,
}

impl Filter {
    pub fn new(baseline: &Baseline) -> Filter {
        Filter {
            left: baseline
                .findings
                .iter()
                .map(|e| {
                    (
                        (e.path.clone(), e.code.clone(), e.fingerprint.clone()),
                        e.count,
                    )
                })
                .collect(),
        }
    }

    /// Drop the findings still recorded; returns how many were dropped.
    pub fn filter(&mut self, diags: &mut Vec<Diagnostic>) -> usize {
        let before = diags.len();
        diags.retain(|d| {
            if d.is_failure() {
                return true;
            }
            match self.left.get_mut(&key(d)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        before - diags.len()
    }
}
