//! Shared helpers of the differential tests: the Ruby oracle runner and a seeded generator.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::{Value as J, json};

/// Whether the oracles are required (`POSTLINT_ORACLES=1`).
pub fn required() -> bool {
    std::env::var("POSTLINT_ORACLES").is_ok_and(|v| v == "1")
}

/// Run `oracle/<script>` under Ruby with `TZ=tz` over JSON lines; `None` when Ruby is
/// missing (the test then skips, or fails when the oracles are required).
pub fn run_oracle(script: &str, tz: &str, inputs: &[J]) -> Option<Vec<J>> {
    let path = format!("{}/oracle/{script}", env!("CARGO_MANIFEST_DIR"));
    let child = Command::new("ruby")
        .arg(&path)
        .env("TZ", tz)
        .env("JEKYLL_NO_BUNDLER_REQUIRE", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(!required(), "POSTLINT_ORACLES=1 but ruby cannot run: {e}");
            eprintln!("skipping: ruby not available ({e})");
            return None;
        }
    };
    let mut stdin = child.stdin.take()?;
    let lines: Vec<String> = inputs.iter().map(|i| i.to_string()).collect();
    let writer = std::thread::spawn(move || {
        for l in lines {
            if writeln!(stdin, "{l}").is_err() {
                break;
            }
        }
    });
    let stdout = child.stdout.take()?;
    let mut out = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let mut de = serde_json::Deserializer::from_str(&line);
        de.disable_recursion_limit();
        out.push(serde::Deserialize::deserialize(&mut de).unwrap_or(J::Null));
    }
    let _ = writer.join();
    let status = child.wait().ok()?;
    if !status.success() || out.len() != inputs.len() {
        assert!(
            !required(),
            "oracle {script} failed: status {status}, {} of {} answers",
            out.len(),
            inputs.len()
        );
        eprintln!("skipping: oracle {script} failed ({status})");
        return None;
    }
    Some(out)
}

/// A small deterministic PRNG (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// The seed and case count: `PSYCH_SEED`, `PSYCH_CASES` (defaults given).
pub fn seed_and_cases(default_cases: usize) -> (u64, usize) {
    let seed = std::env::var("PSYCH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_201);
    let cases = std::env::var("PSYCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cases);
    (seed, cases)
}

/// Rational `0.DIGITS` in lowest terms as Ruby prints it (`1/2`, or `0`).
pub fn rational_of_fraction(digits: &str) -> String {
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return "0".into();
    }
    let Ok(mut num) = digits.parse::<u128>() else {
        return format!("?{digits}");
    };
    let mut den = 10u128.pow(digits.len() as u32);
    let g = gcd(num, den);
    num /= g;
    den /= g;
    format!("{num}/{den}")
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// One JSON answer in the oracle's format, for a JSON input of its kind.
pub fn json_str(s: &str) -> J {
    json!(s)
}
