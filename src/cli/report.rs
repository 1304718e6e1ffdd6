//! Reporters: the same diagnostics as human (miette), short, JSON, SARIF or GitHub output.

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use crate::base::text::{Shown, escape_controls};
use crate::diagnostic::{Diagnostic, Severity, SourceText};
use crate::engine::Outcome;
use crate::rules::Rule;
use crate::settings::{Level, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
    Sarif,
    Github,
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
                format!("{}: ", escape_controls(&d.path))
            };
            writeln!(out, "{prefix}{}", text.trim_start())?;
        }
    }
    Ok(())
}

/// `path:line:col: CODE message`, one line per finding: control characters of the path and
/// the message are escaped (see [`escape_controls`]), so a finding is always one line.
pub fn short(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            escape_controls(&d.path),
            d.start.line,
            d.start.column,
            escape_controls(&d.code),
            escape_controls(&d.message)
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

/// A rule as the SARIF report describes it.
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub doc: String,
    pub level: Level,
}

/// Every built-in rule (at its configured level) and every custom rule.
pub fn rule_infos(settings: &Settings) -> Vec<RuleInfo> {
    let mut out: Vec<RuleInfo> = Rule::ALL
        .iter()
        .map(|r| {
            let m = r.def();
            RuleInfo {
                code: m.code.into(),
                name: m.name.into(),
                summary: m.summary.into(),
                doc: m.doc.into(),
                level: r.level(settings),
            }
        })
        .collect();
    out.extend(settings.custom.iter().map(|c| RuleInfo {
        code: c.code.clone(),
        name: c.name.clone(),
        summary: c.message.clone(),
        doc: c.help.clone().unwrap_or_else(|| c.message.clone()),
        level: c.level,
    }));
    out
}

/// A relative path as a URI reference (forward slashes, percent-encoded where needed).
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Off => "none",
    }
}

/// SARIF 2.1.0 for code scanning: the rules with their documentation, and one result per
/// finding with its region (columns in Unicode code points, as postlint counts them).
pub fn sarif(out: &mut impl Write, outcome: &Outcome, rules: &[RuleInfo]) -> io::Result<()> {
    use serde_json::json;
    let index: std::collections::HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.as_str(), i))
        .collect();
    let results: Vec<serde_json::Value> = outcome
        .diagnostics
        .iter()
        .filter(|d| !d.is_failure())
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let mut r = json!({
                "ruleId": &*d.code,
                "level": if d.severity == Severity::Error { "error" } else { "warning" },
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.path) },
                        "region": {
                            "startLine": d.start.line.max(1),
                            "startColumn": d.start.column.max(1),
                            "endLine": d.end.line.max(1),
                            "endColumn": d.end.column.max(1),
                        }
                    }
                }],
                "partialFingerprints": { "postlint/v1": format!("{:016x}", d.fingerprint) },
            });
            if let Some(i) = index.get(&*d.code) {
                r["ruleIndex"] = json!(i);
            }
            r
        })
        .collect();
    let notifications: Vec<serde_json::Value> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_failure())
        .map(|d| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", d.path, d.message) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&d.path) } } }],
            })
        })
        .collect();
    let report = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "postlint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| json!({
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": { "text": r.summary },
                    "fullDescription": { "text": r.summary },
                    "help": { "text": r.doc, "markdown": r.doc },
                    "defaultConfiguration": { "level": sarif_level(r.level), "enabled": r.level != Level::Off },
                })).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": outcome.failures == 0,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// GitHub Actions workflow commands: each finding annotates its line of the pull request.
pub fn github(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    for d in diagnostics {
        let kind = if d.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let title = if d.name.is_empty() {
            d.code.to_string()
        } else {
            format!("{} ({})", d.code, d.name)
        };
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        writeln!(
            out,
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&d.path),
            d.start.line.max(1),
            d.start.column.max(1),
            d.end.line.max(1),
            d.end.column.max(1),
            property(&title),
            data(&message)
        )?;
    }
    Ok(())
}

/// A diagnostic made ready for miette's renderer: every text it shows has its control
/// characters escaped (terminal and log injection), the file's text too, with the spans moved
/// to match.
pub struct Rendered<'a> {
    diag: &'a Diagnostic,
    source: Option<CharColumns>,
    message: String,
}

/// A named source whose snippet header counts columns in characters of the file, as the short
/// and JSON formats do (miette counts bytes: `（文章来源` would put column 16 at 40).
struct CharColumns {
    named: NamedSource<Arc<str>>,
    /// The file's text as shown, with the map back to the file's offsets.
    shown: Shown,
    /// The file's own text.
    original: Arc<SourceText>,
}

impl miette::SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self.named.read_span(span, before, after)?;
        if contents.column() == 0 {
            return Ok(contents);
        }
        let text = self.original.text.as_str();
        let offset = self
            .shown
            .to_original(span.offset().min(self.shown.text.len()))
            .min(text.len());
        let Some(before_span) = text.get(..offset) else {
            return Ok(contents);
        };
        let line_start = before_span.rfind('\n').map_or(0, |i| i + 1);
        let column = text
            .get(line_start..offset)
            .map_or(contents.column(), |s| s.chars().count());
        let mut fixed = miette::MietteSpanContents::new_named(
            contents.name().unwrap_or_default().to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        );
        if let Some(language) = contents.language() {
            fixed = fixed.with_language(language);
        }
        Ok(Box::new(fixed))
    }
}

impl<'a> Rendered<'a> {
    pub fn new(diag: &'a Diagnostic) -> Self {
        let source = diag.source.as_ref().map(|s| {
            // Bytes that were not UTF-8 are shown as `?`, control characters as escapes.
            let shown = Shown::new(&s.text);
            CharColumns {
                named: NamedSource::new(escape_controls(&s.name), Arc::from(shown.text.as_str()))
                    .with_language("markdown"),
                shown,
                original: Arc::clone(s),
            }
        });
        Rendered {
            diag,
            source,
            message: escape_controls(&diag.message).into_owned(),
        }
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered")
            .field("code", &self.diag.code)
            .finish()
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diag;
        let code = escape_controls(&d.code);
        if d.name.is_empty() {
            Some(Box::new(code.into_owned()))
        } else {
            Some(Box::new(format!("{code} ({})", escape_controls(&d.name))))
        }
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(escape_controls(h).into_owned()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source.as_ref()?;
        let d = self.diag;
        let len = source.original.text.len();
        let shown = &source.shown;
        // The file's span, clamped to the file, then moved into the shown text.
        let clamp = move |r: &Range<usize>| -> SourceSpan {
            let start = r.start.min(len);
            let end = r.end.clamp(start, len);
            let (start, end) = (shown.to_shown(start), shown.to_shown(end));
            SourceSpan::new(start.into(), end.saturating_sub(start))
        };
        let label = |l: &String| escape_controls(l).into_owned();
        let primary =
            LabeledSpan::new_primary_with_span(d.label.as_ref().map(label), clamp(&d.span));
        let rest = d
            .secondary
            .iter()
            .map(move |(r, l)| LabeledSpan::new_with_span(Some(label(l)), clamp(r)));
        Some(Box::new(std::iter::once(primary).chain(rest)))
    }
}

/// Render diagnostics the way the human format does, with a fixed theme and width.
pub fn render(diag: &Diagnostic, color: bool, width: usize) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Wrap at spaces only: URLs and paths in messages stay whole.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    let rendered = Rendered::new(diag);
    if handler.render_report(&mut out, &rendered).is_err() {
        out = format!(
            "{}:{}:{}: {} {}\n",
            escape_controls(&diag.path),
            diag.start.line,
            diag.start.column,
            escape_controls(&diag.code),
            escape_controls(&diag.message)
        );
    }
    out
}

/// `--statistics`: the findings per rule, most first (ties by code), as ruff prints them.
pub fn statistics(diagnostics: &[Diagnostic]) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str), (usize, bool)> =
        std::collections::BTreeMap::new();
    for d in diagnostics {
        let e = counts.entry((&*d.code, &*d.name)).or_insert((0, false));
        e.0 += 1;
        e.1 |= d.fix.is_some();
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let mut out = String::new();
    for ((code, name), (n, fixable)) in rows {
        out.push_str(&format!(
            "{n:>7}  {code:<7} {name}{}\n",
            if fixable { "  [fixable]" } else { "" }
        ));
    }
    out
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
