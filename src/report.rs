//! Reporters: the same diagnostics as human (miette), short, or JSON output.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity, render};
use crate::engine::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

/// Format a count with thousands separators: 16844 → "16,844".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{} {word}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `checked 16,844 posts in 0.41s: 3 errors, 12 warnings (2 fixable with --fix)`
pub fn summary_line(outcome: &Outcome) -> String {
    let errors = outcome.count(Severity::Error);
    let warnings = outcome.count(Severity::Warning);
    let pages = outcome.files - outcome.posts.min(outcome.files);
    let what = if pages == 0 {
        plural(outcome.posts, "post")
    } else {
        format!(
            "{} and {}",
            plural(outcome.posts, "post"),
            plural(pages, "other file")
        )
    };
    let mut line = format!(
        "checked {what} in {:.2}s: {}, {}",
        outcome.elapsed.as_secs_f64(),
        plural(errors, "error"),
        plural(warnings, "warning"),
    );
    let fixable = outcome.fixable();
    if fixable > 0 {
        line.push_str(&format!(" ({fixable} fixable with --fix)"));
    }
    line
}

pub fn human(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    style: HumanStyle,
) -> io::Result<()> {
    for d in diagnostics {
        let text = render(d, style.color, style.width);
        if d.source.is_some() {
            writeln!(out, "{text}")?;
        } else {
            // No text to show (I/O failures, file-level findings without a source): name the file.
            let prefix = if d.path.is_empty() {
                String::new()
            } else {
                format!("{}: ", d.path)
            };
            writeln!(out, "{prefix}{}", text.trim_start())?;
        }
    }
    Ok(())
}

pub fn short(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            d.path, d.start.line, d.start.column, d.code, d.message
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: JsonSummary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    fixable: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    fixable: bool,
}

pub fn json(out: &mut impl Write, outcome: &Outcome) -> io::Result<()> {
    let report = JsonReport {
        version: 1,
        summary: JsonSummary {
            files: outcome.files,
            errors: outcome.count(Severity::Error),
            warnings: outcome.count(Severity::Warning),
            fixable: outcome.fixable(),
        },
        diagnostics: outcome
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: &d.code,
                name: &d.name,
                severity: d.severity.as_str(),
                path: &d.path,
                line: d.start.line,
                column: d.start.column,
                end_line: d.end.line,
                end_column: d.end.column,
                message: &d.message,
                help: d.help.as_deref(),
                fixable: d.fixable(),
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &report)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(16844), "16,844");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
