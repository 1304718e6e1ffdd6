//! Reporters: the same diagnostics as human (miette), short, JSON, JSON lines, SARIF, GitHub,
//! JUnit XML, GitLab Code Quality or reviewdog (rdjson) output. Every format is a [`Reporter`]:
//! it writes its opening, then each file's findings as the engine hands them over, then its
//! end with the run's summary, so that nothing but counts is held until the end.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use miette::{LabeledSpan, SourceSpan};
use serde::Serialize;

use crate::base::text::{Shown, escape_controls};
use crate::diagnostic::{Diagnostic, Located, Severity, SourceText};
use crate::engine::Outcome;
use crate::rules::Rule;
use crate::settings::{Level, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
    JsonLines,
    Sarif,
    Github,
    Junit,
    Gitlab,
    Rdjson,
}

/// Where each rule's documentation is on the web: the README's rule table, whose rows carry
/// an anchor per rule (`#dt002`). SARIF's `helpUri` and rdjson's `code.url` point there. The
/// repository's public address is not fixed yet (the README's install lines say `OWNER` too):
/// this constant is the one place to change.
pub const RULE_DOCS: &str = "https://github.com/OWNER/postlint/blob/main/README.md";

/// The web address of a built-in rule's documentation (none for custom rules).
pub fn rule_url(code: &str) -> Option<String> {
    Rule::from_code_or_name(code)
        .filter(|r| r.def().code == code)
        .map(|r| format!("{RULE_DOCS}#{}", r.def().code.to_ascii_lowercase()))
}

#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

/// What the end of a report says about the run: counts of what was reported.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Files checked.
    pub files: usize,
    /// Of those, posts and drafts.
    pub posts: usize,
    /// Findings reported at each severity (failures of the tool count as errors).
    pub errors: usize,
    pub warnings: usize,
    /// Findings reported that `--fix` can fix.
    pub fixable: usize,
    /// Failures of the tool itself (unreadable paths).
    pub failures: usize,
    pub elapsed: Duration,
    /// What `--fix` fixed: problems and files.
    pub fixed: (usize, usize),
    /// `--quiet`: no summary line.
    pub quiet: bool,
}

impl Summary {
    /// The summary of an outcome that holds its diagnostics (a library run).
    pub fn of(outcome: &Outcome) -> Summary {
        Summary {
            files: outcome.files,
            posts: outcome.posts,
            errors: outcome.count(Severity::Error),
            warnings: outcome.count(Severity::Warning),
            fixable: outcome.fixable(),
            failures: outcome.failures,
            elapsed: outcome.elapsed,
            fixed: (0, 0),
            quiet: false,
        }
    }
}

/// One output format, written as the findings come: `begin` once, `findings` for each file's
/// findings (in the engine's order; a batch may hold several files, each file's findings
/// together), `end` once with the summary.
pub trait Reporter: Send {
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()>;
    fn end(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// The reporter of a format.
pub fn reporter(format: Format, style: HumanStyle, settings: &Settings) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(Human::new(style)),
        Format::Short => Box::new(Short),
        Format::Json => Box::new(Json { first: true }),
        Format::JsonLines => Box::new(JsonLines),
        Format::Sarif => Box::new(Sarif::new(rule_infos(settings))),
        Format::Github => Box::new(Github),
        Format::Junit => Box::new(Junit { suites: 0 }),
        Format::Gitlab => Box::new(Gitlab::default()),
        Format::Rdjson => Box::new(Rdjson { first: true }),
    }
}

/// The work on each file's findings that the format does on the workers, in parallel: each
/// finding's text, written as it is by the reporter (the human format's rendering above all).
/// None for formats whose findings are not independent of each other (JUnit's suites, GitLab's
/// fingerprints).
pub fn preparer(
    format: Format,
    style: HumanStyle,
    settings: &Settings,
) -> Option<crate::engine::Preparer> {
    fn each(text: fn(&Diagnostic) -> String) -> Option<crate::engine::Preparer> {
        Some(Arc::new(move |found: &mut [Diagnostic]| {
            for d in found {
                d.rendered = Some(text(d));
            }
        }))
    }
    match format {
        Format::Human => Some(Arc::new(move |found: &mut [Diagnostic]| {
            Human::prepare(style, found);
        })),
        Format::Short => each(short_line),
        Format::Github => each(github_line),
        Format::Json | Format::JsonLines => each(json_text),
        Format::Rdjson => each(rdjson_text),
        Format::Sarif => {
            let index: HashMap<String, usize> = rule_infos(settings)
                .into_iter()
                .enumerate()
                .map(|(i, r)| (r.code, i))
                .collect();
            Some(Arc::new(move |found: &mut [Diagnostic]| {
                for d in found.iter_mut().filter(|d| !d.is_failure()) {
                    d.rendered = Some(sarif_text(&index, d));
                }
            }))
        }
        Format::Junit | Format::Gitlab => None,
    }
}

/// A whole report of diagnostics already gathered (library callers, the self-check).
pub fn write_report(
    out: &mut dyn Write,
    reporter: &mut dyn Reporter,
    diagnostics: &[Diagnostic],
    summary: &Summary,
) -> io::Result<()> {
    reporter.begin(out)?;
    if !diagnostics.is_empty() {
        reporter.findings(out, diagnostics)?;
    }
    reporter.end(out, summary)
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
pub fn summary_line(summary: &Summary) -> String {
    let pages = summary.files - summary.posts.min(summary.files);
    let what = if pages == 0 {
        plural(summary.posts, "post")
    } else {
        format!(
            "{} and {}",
            plural(summary.posts, "post"),
            plural(pages, "other file")
        )
    };
    let mut line = format!(
        "checked {what} in {:.2}s: {}, {}",
        summary.elapsed.as_secs_f64(),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
    );
    if summary.fixable > 0 {
        line.push_str(&format!(" ({} fixable with --fix)", summary.fixable));
    }
    line
}

// ---------------------------------------------------------------------------------------------
// human

/// miette's graphical report of each finding, then (unless `--quiet`) what `--fix` fixed and
/// the summary line. The file's text is prepared once per file (escaped for the terminal, its
/// line starts indexed), and each finding reads only the lines around its labels: the cost is
/// the file's size plus its findings, not their product.
pub struct Human {
    style: HumanStyle,
    /// The file of the last finding shown, prepared for rendering.
    view: Option<FileView>,
}

impl Human {
    pub fn new(style: HumanStyle) -> Human {
        Human { style, view: None }
    }
}

impl Human {
    /// What the human format writes for one finding (its report and a blank line).
    fn text(&mut self, d: &Diagnostic) -> String {
        if let Some(source) = &d.source
            && !self
                .view
                .as_ref()
                .is_some_and(|v| Arc::ptr_eq(&v.original, source))
        {
            self.view = Some(FileView::new(source));
        }
        let view = d.source.as_ref().and(self.view.as_ref());
        let text = render_in(d, view, self.style.color, self.style.width);
        if d.source.is_some() {
            format!("{text}\n")
        } else {
            // No text to show (I/O failures, file-level findings without a source): name
            // the file.
            let prefix = if d.path.is_empty() {
                String::new()
            } else {
                format!("{}: ", escape_controls(&d.path))
            };
            format!("{prefix}{}\n", text.trim_start())
        }
    }

    /// Render a file's findings ahead (on the worker that checked the file, in parallel):
    /// each keeps its text in `rendered`, and lets go of the file's text.
    pub fn prepare(style: HumanStyle, diagnostics: &mut [Diagnostic]) {
        let mut human = Human::new(style);
        for d in diagnostics {
            d.rendered = Some(human.text(d));
            d.source = None;
        }
    }
}

impl Reporter for Human {
    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        for d in batch {
            match &d.rendered {
                Some(text) => out.write_all(text.as_bytes())?,
                None => {
                    let text = self.text(d);
                    out.write_all(text.as_bytes())?;
                }
            }
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        self.view = None;
        if summary.quiet {
            return Ok(());
        }
        let (problems, files) = summary.fixed;
        if problems > 0 {
            writeln!(
                out,
                "fixed {} in {}",
                plural(problems, "problem"),
                plural(files, "file")
            )?;
        }
        writeln!(out, "{}", summary_line(summary))
    }
}

/// The human format of some diagnostics (config errors on stderr, library callers).
pub fn human(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    style: HumanStyle,
) -> io::Result<()> {
    Human::new(style).findings(out, diagnostics)
}

// ---------------------------------------------------------------------------------------------
// short

/// `path:line:col: CODE [severity] message`, one line per finding. The design fixes the line
/// as `path:line:col: CODE message`; the severity opens the message, in brackets, so that what
/// reads the line by that shape still finds the path, the position and the code where they
/// were. Control characters of the path and the message are escaped (see
/// [`escape_controls`]), so a finding is always one line.
pub struct Short;

fn short_line(d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}: {} [{}] {}\n",
        escape_controls(&d.path),
        d.start.line,
        d.start.column,
        escape_controls(&d.code),
        d.severity.as_str(),
        escape_controls(&d.message)
    )
}

/// Write each finding's text: the one prepared on the worker, else `text` of it.
fn write_each(
    out: &mut dyn Write,
    batch: &[Diagnostic],
    text: impl Fn(&Diagnostic) -> String,
) -> io::Result<()> {
    for d in batch {
        match &d.rendered {
            Some(t) => out.write_all(t.as_bytes())?,
            None => out.write_all(text(d).as_bytes())?,
        }
    }
    Ok(())
}

impl Reporter for Short {
    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        write_each(out, batch, short_line)
    }
}

pub fn short(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    Short.findings(out, diagnostics)
}

// ---------------------------------------------------------------------------------------------
// json, json-lines

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
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: JsonPoint,
    end: JsonPoint,
    content: &'a str,
}

/// A place in the file: 1-based line and column (in characters) and the 0-based byte offset.
#[derive(Serialize)]
struct JsonPoint {
    line: usize,
    column: usize,
    offset: usize,
}

/// Where each edit of a diagnostic's fix starts and ends (as `finalize` located them; at the
/// diagnostic's own start when it was not located).
fn edit_places(d: &Diagnostic) -> Vec<(&crate::diagnostic::Edit, [Located; 2])> {
    let Some(fix) = &d.fix else {
        return Vec::new();
    };
    fix.edits
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let at = d.fix_at.get(i).copied().unwrap_or_else(|| {
                let here = Located {
                    line: d.start.line.max(1),
                    column: d.start.column.max(1),
                    byte_column: d.byte_columns[0].max(1),
                };
                [here, here]
            });
            (e, at)
        })
        .collect()
}

fn json_diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
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
        fix: d.fix.as_ref().map(|_| JsonFix {
            applicability: "safe",
            edits: edit_places(d)
                .into_iter()
                .map(|(e, [s, t])| JsonEdit {
                    start: JsonPoint {
                        line: s.line,
                        column: s.column,
                        offset: e.range.start,
                    },
                    end: JsonPoint {
                        line: t.line,
                        column: t.column,
                        offset: e.range.end,
                    },
                    content: &e.replacement,
                })
                .collect(),
        }),
    }
}

/// One JSON document, `{"version": 1, "diagnostics": [...], "summary": {...}}`: the
/// diagnostics one a line as they come, the summary (which needs the whole run) last.
pub struct Json {
    first: bool,
}

impl Reporter for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.first = true;
        out.write_all(b"{\"version\":1,\"diagnostics\":[")
    }

    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        for d in batch {
            out.write_all(if self.first { b"\n" } else { b",\n" })?;
            self.first = false;
            write_each(out, std::slice::from_ref(d), json_text)?;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if !self.first {
            out.write_all(b"\n")?;
        }
        out.write_all(b"],\"summary\":")?;
        serde_json::to_writer(
            &mut *out,
            &JsonSummary {
                files: summary.files,
                errors: summary.errors,
                warnings: summary.warnings,
                fixable: summary.fixable,
            },
        )?;
        out.write_all(b"}\n")
    }
}

pub fn json(out: &mut impl Write, outcome: &Outcome) -> io::Result<()> {
    write_report(
        out,
        &mut Json { first: true },
        &outcome.diagnostics,
        &Summary::of(outcome),
    )
}

/// One JSON object a line, the same object as a diagnostic of `json`; nothing else.
pub struct JsonLines;

impl Reporter for JsonLines {
    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        for d in batch {
            write_each(out, std::slice::from_ref(d), json_text)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// A finding as `json` and `json-lines` write it (one line).
fn json_text(d: &Diagnostic) -> String {
    serde_json::to_string(&json_diagnostic(d)).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// sarif

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

/// SARIF 2.1.0 for code scanning: the rules with their documentation and `helpUri`, and one
/// result per finding with its region (columns in Unicode code points, as postlint counts
/// them) and its fix. Results are written one a line as they come; the invocation (whether
/// the run succeeded, the failures as notifications) ends the run object.
pub struct Sarif {
    rules: Vec<RuleInfo>,
    index: HashMap<String, usize>,
    first: bool,
    /// Failures of the tool: execution notifications, written at the end (one per path that
    /// could not be read, so few).
    notifications: Vec<serde_json::Value>,
}

impl Sarif {
    pub fn new(rules: Vec<RuleInfo>) -> Sarif {
        let index = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.clone(), i))
            .collect();
        Sarif {
            rules,
            index,
            first: true,
            notifications: Vec::new(),
        }
    }

    fn result(&self, d: &Diagnostic) -> serde_json::Value {
        sarif_result(&self.index, d)
    }
}

/// A finding as SARIF writes it (one line).
fn sarif_text(index: &HashMap<String, usize>, d: &Diagnostic) -> String {
    serde_json::to_string(&sarif_result(index, d)).unwrap_or_default()
}

fn sarif_result(index: &HashMap<String, usize>, d: &Diagnostic) -> serde_json::Value {
    use serde_json::json;
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
    if d.fix.is_some() {
        let replacements: Vec<serde_json::Value> = edit_places(d)
            .into_iter()
            .map(|(e, [s, t])| {
                json!({
                    "deletedRegion": {
                        "startLine": s.line.max(1),
                        "startColumn": s.column.max(1),
                        "endLine": t.line.max(1),
                        "endColumn": t.column.max(1),
                        "byteOffset": e.range.start,
                        "byteLength": e.range.end.saturating_sub(e.range.start),
                    },
                    "insertedContent": { "text": e.replacement },
                })
            })
            .collect();
        r["fixes"] = json!([{
            "description": { "text": d.help.as_deref().unwrap_or("postlint's fix") },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri(&d.path) },
                "replacements": replacements,
            }],
        }]);
    }
    r
}

impl Reporter for Sarif {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        use serde_json::json;
        self.first = true;
        self.notifications.clear();
        let rules: Vec<serde_json::Value> = self
            .rules
            .iter()
            .map(|r| {
                let mut rule = json!({
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": { "text": r.summary },
                    "fullDescription": { "text": r.summary },
                    "help": { "text": r.doc, "markdown": r.doc },
                    "defaultConfiguration": { "level": sarif_level(r.level), "enabled": r.level != Level::Off },
                });
                if let Some(url) = rule_url(&r.code) {
                    rule["helpUri"] = json!(url);
                }
                rule
            })
            .collect();
        let driver = json!({
            "name": "postlint",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": RULE_DOCS,
            "rules": rules,
        });
        out.write_all(
            b"{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":",
        )?;
        serde_json::to_writer(&mut *out, &driver)?;
        out.write_all(b"},\"columnKind\":\"unicodeCodePoints\",\"results\":[")
    }

    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        for d in batch {
            if d.is_failure() {
                self.notifications.push(serde_json::json!({
                    "level": "error",
                    "message": { "text": format!("{}: {}", d.path, d.message) },
                    "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&d.path) } } }],
                }));
                continue;
            }
            out.write_all(if self.first { b"\n" } else { b",\n" })?;
            self.first = false;
            match &d.rendered {
                Some(t) => out.write_all(t.as_bytes())?,
                None => serde_json::to_writer(&mut *out, &self.result(d))?,
            }
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if !self.first {
            out.write_all(b"\n")?;
        }
        out.write_all(b"],\"invocations\":")?;
        let invocations = serde_json::json!([{
            "executionSuccessful": summary.failures == 0,
            "toolExecutionNotifications": std::mem::take(&mut self.notifications),
        }]);
        serde_json::to_writer(&mut *out, &invocations)?;
        out.write_all(b"}]}\n")
    }
}

pub fn sarif(out: &mut impl Write, outcome: &Outcome, rules: Vec<RuleInfo>) -> io::Result<()> {
    write_report(
        out,
        &mut Sarif::new(rules),
        &outcome.diagnostics,
        &Summary::of(outcome),
    )
}

// ---------------------------------------------------------------------------------------------
// github

/// GitHub Actions workflow commands: each finding annotates its line of the pull request.
pub struct Github;

fn github_line(d: &Diagnostic) -> String {
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
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
    format!(
        "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        property(&d.path),
        d.start.line.max(1),
        d.start.column.max(1),
        d.end.line.max(1),
        d.end.column.max(1),
        property(&title),
        data(&message)
    )
}

impl Reporter for Github {
    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        write_each(out, batch, github_line)
    }
}

pub fn github(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    Github.findings(out, diagnostics)
}

// ---------------------------------------------------------------------------------------------
// junit

/// Text for XML 1.0: the five special characters as entities, and the characters XML 1.0
/// cannot hold at all (the C0 controls but tab, newline and carriage return) written as
/// `\u{1b}` escapes.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML, as CI servers read test reports: `<testsuites>`, one `<testsuite>` per file
/// with findings (its counts are the file's, known when its findings come), one
/// `<testcase>` per finding with a `<failure>` (an `<error>` for a failure of the tool).
pub struct Junit {
    suites: usize,
}

impl Reporter for Junit {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.suites = 0;
        out.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"postlint\">\n",
        )
    }

    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        for file in batch.chunk_by(|a, b| a.path == b.path) {
            let path = xml(&file[0].path);
            let errors = file.iter().filter(|d| d.is_failure()).count();
            writeln!(
                out,
                "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\" skipped=\"0\">",
                file.len(),
                file.len() - errors
            )?;
            for d in file {
                let (line, col) = (d.start.line.max(1), d.start.column.max(1));
                let code = xml(&d.code);
                let message = xml(&d.message);
                let what = if d.name.is_empty() {
                    code.clone()
                } else {
                    format!("{code} ({})", xml(&d.name))
                };
                let mut body = format!(
                    "{path}:{line}:{col}: {what} [{}] {message}",
                    d.severity.as_str()
                );
                if let Some(h) = &d.help {
                    body.push_str(&format!("\nhelp: {}", xml(h)));
                }
                let element = if d.is_failure() { "error" } else { "failure" };
                writeln!(
                    out,
                    "    <testcase name=\"{code} at {line}:{col}\" classname=\"{path}\" file=\"{path}\" line=\"{line}\">\n      <{element} type=\"{code}\" message=\"{message}\">{body}</{element}>\n    </testcase>"
                )?;
            }
            out.write_all(b"  </testsuite>\n")?;
            self.suites += 1;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        if self.suites == 0 {
            out.write_all(
                b"  <testsuite name=\"postlint\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n  </testsuite>\n",
            )?;
        }
        out.write_all(b"</testsuites>\n")
    }
}

// ---------------------------------------------------------------------------------------------
// gitlab

#[derive(Serialize)]
struct GitlabIssue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: GitlabLocation<'a>,
}

#[derive(Serialize)]
struct GitlabLocation<'a> {
    path: &'a str,
    lines: GitlabLines,
}

#[derive(Serialize)]
struct GitlabLines {
    begin: usize,
    end: usize,
}

/// GitLab Code Quality: a JSON array of issues (the Code Climate subset GitLab reads), one a
/// line. Errors are `major`, warnings `minor`; the fingerprint is unique per issue and stable
/// across runs that do not change the offending text (the finding's own fingerprint, its file
/// and code, and which of the file's identical findings it is).
#[derive(Default)]
pub struct Gitlab {
    first: bool,
    started: bool,
}

impl Reporter for Gitlab {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.first = true;
        self.started = true;
        out.write_all(b"[")
    }

    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        let mut seen: HashMap<(&str, &str, u64), usize> = HashMap::new();
        for d in batch {
            let n = seen
                .entry((&*d.path, &*d.code, d.fingerprint))
                .and_modify(|n| *n += 1)
                .or_insert(0);
            let key = format!(
                "{}\u{0}{}\u{0}{:016x}\u{0}{n}",
                d.rel_or_path(),
                d.code,
                d.fingerprint
            );
            let mut description = d.message.clone();
            if let Some(h) = &d.help {
                description.push_str(&format!(" (help: {h})"));
            }
            let issue = GitlabIssue {
                kind: "issue",
                description,
                check_name: &d.code,
                fingerprint: format!(
                    "{:016x}{:016x}",
                    crate::base::hash::fnv1a(key.as_bytes()),
                    crate::base::hash::fnv1a(format!("postlint\u{0}{key}").as_bytes())
                ),
                severity: if d.severity == Severity::Error {
                    "major"
                } else {
                    "minor"
                },
                location: GitlabLocation {
                    path: &d.path,
                    lines: GitlabLines {
                        begin: d.start.line.max(1),
                        end: d.end.line.max(d.start.line).max(1),
                    },
                },
            };
            out.write_all(if self.first { b"\n" } else { b",\n" })?;
            self.first = false;
            serde_json::to_writer(&mut *out, &issue)?;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        if !self.started {
            out.write_all(b"[")?;
        }
        if !self.first {
            out.write_all(b"\n")?;
        }
        out.write_all(b"]\n")
    }
}

// ---------------------------------------------------------------------------------------------
// rdjson

#[derive(Serialize)]
struct RdPosition {
    line: usize,
    /// In bytes of UTF-8, 1-based (reviewdog's definition).
    column: usize,
}

#[derive(Serialize)]
struct RdRange {
    start: RdPosition,
    end: RdPosition,
}

#[derive(Serialize)]
struct RdLocation<'a> {
    path: &'a str,
    range: RdRange,
}

#[derive(Serialize)]
struct RdCode<'a> {
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct RdSuggestion<'a> {
    range: RdRange,
    text: &'a str,
}

#[derive(Serialize)]
struct RdDiagnostic<'a> {
    message: String,
    location: RdLocation<'a>,
    severity: &'static str,
    code: RdCode<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<RdSuggestion<'a>>,
}

fn rd_point(line: usize, byte_column: usize) -> RdPosition {
    RdPosition {
        line: line.max(1),
        column: byte_column.max(1),
    }
}

/// reviewdog's Diagnostic Format (rdjson): one JSON document, `{"source": …, "diagnostics":
/// [...]}`, a diagnostic a line; columns in bytes as reviewdog counts them; fixes as
/// `suggestions`.
pub struct Rdjson {
    first: bool,
}

/// A finding as rdjson writes it (one line).
fn rdjson_text(d: &Diagnostic) -> String {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let diagnostic = RdDiagnostic {
        message,
        location: RdLocation {
            path: &d.path,
            range: RdRange {
                start: rd_point(d.start.line, d.byte_columns[0]),
                end: rd_point(d.end.line, d.byte_columns[1]),
            },
        },
        severity: if d.severity == Severity::Error {
            "ERROR"
        } else {
            "WARNING"
        },
        code: RdCode {
            value: &d.code,
            url: rule_url(&d.code),
        },
        suggestions: edit_places(d)
            .into_iter()
            .map(|(e, [s, t])| RdSuggestion {
                range: RdRange {
                    start: rd_point(s.line, s.byte_column),
                    end: rd_point(t.line, t.byte_column),
                },
                text: &e.replacement,
            })
            .collect(),
    };
    serde_json::to_string(&diagnostic).unwrap_or_default()
}

impl Reporter for Rdjson {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.first = true;
        out.write_all(b"{\"source\":")?;
        serde_json::to_writer(
            &mut *out,
            &serde_json::json!({ "name": "postlint", "url": RULE_DOCS }),
        )?;
        out.write_all(b",\"diagnostics\":[")
    }

    fn findings(&mut self, out: &mut dyn Write, batch: &[Diagnostic]) -> io::Result<()> {
        for d in batch {
            out.write_all(if self.first { b"\n" } else { b",\n" })?;
            self.first = false;
            write_each(out, std::slice::from_ref(d), rdjson_text)?;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        if !self.first {
            out.write_all(b"\n")?;
        }
        out.write_all(b"]}\n")
    }
}

// ---------------------------------------------------------------------------------------------
// the human renderer's view of a file

/// A file's text made ready for miette's renderer, once per file: every text it shows has its
/// control characters escaped (terminal and log injection), with the spans moved to match,
/// and the line starts of the shown and the original text indexed, so that each finding reads
/// only the lines around its labels (miette's own `str` source counts lines from the top for
/// every label: an 8 MB post with 900 findings took 37 s).
pub struct FileView {
    name: String,
    /// The file's text as shown, with the map back to the file's offsets.
    shown: Shown,
    /// Where each line of the shown text starts (after each `\n`; a lone `\r` is escaped in
    /// the shown text, so these are miette's lines too).
    starts: Vec<usize>,
    /// Where each line of the file's own text starts.
    original_starts: Vec<usize>,
    /// The file's own text.
    original: Arc<SourceText>,
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    starts
}

impl FileView {
    pub fn new(source: &Arc<SourceText>) -> FileView {
        // Bytes that were not UTF-8 are shown as `?`, control characters as escapes.
        let shown = Shown::new(&source.text);
        FileView {
            name: escape_controls(&source.name).into_owned(),
            starts: line_starts(&shown.text),
            original_starts: line_starts(&source.text),
            shown,
            original: Arc::clone(source),
        }
    }

    /// The 0-based line of a shown offset.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

impl miette::SourceCode for FileView {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.shown.text.as_str();
        // A window of whole lines around the span, with a line to spare on each side; miette
        // reads it as it would read the whole text, and its answer is moved back.
        let first = self.line_of(span.offset()).saturating_sub(before + 1);
        let last = self.line_of(span.offset() + span.len()) + after + 2;
        let from = self.starts.get(first).copied().unwrap_or(0).min(text.len());
        let to = self
            .starts
            .get(last + 1)
            .copied()
            .unwrap_or(text.len())
            .clamp(from, text.len());
        let window = text.get(from..to).ok_or(miette::MietteError::OutOfBounds)?;
        let local = SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let contents = window.read_span(&local, before, after)?;
        let offset = contents.span().offset() + from;
        let column = if contents.column() == 0 {
            0
        } else {
            // Columns in characters of the file, as the short and JSON formats count them
            // (miette counts bytes: `（文章来源` would put column 16 at 40).
            let original = self.original.text.as_str();
            let at = self
                .shown
                .to_original(offset.min(text.len()))
                .min(original.len());
            let line = self.original_starts.partition_point(|&s| s <= at).max(1) - 1;
            let start = self.original_starts.get(line).copied().unwrap_or(0).min(at);
            original
                .get(start..at)
                .map_or(contents.column(), |s| s.chars().count())
        };
        let fixed = miette::MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(offset.into(), contents.span().len()),
            contents.line() + first,
            column,
            contents.line_count() + first,
        )
        .with_language("markdown");
        Ok(Box::new(fixed))
    }
}

/// A diagnostic made ready for miette's renderer, over its file's view.
pub struct Rendered<'a> {
    diag: &'a Diagnostic,
    source: Option<&'a FileView>,
    message: String,
}

impl<'a> Rendered<'a> {
    pub fn new(diag: &'a Diagnostic, source: Option<&'a FileView>) -> Self {
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
        self.source.map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source?;
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

/// Render a diagnostic the way the human format does, with a fixed theme and width.
pub fn render(diag: &Diagnostic, color: bool, width: usize) -> String {
    let view = diag.source.as_ref().map(FileView::new);
    render_in(diag, view.as_ref(), color, width)
}

/// Render a diagnostic over its file's view (prepared once for all the file's findings).
fn render_in(diag: &Diagnostic, view: Option<&FileView>, color: bool, width: usize) -> String {
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
    let rendered = Rendered::new(diag, view);
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

// ---------------------------------------------------------------------------------------------
// statistics

/// Findings per rule, counted as they are reported (`--statistics`).
#[derive(Debug, Default)]
pub struct Statistics {
    counts: HashMap<(Arc<str>, Arc<str>), (usize, bool)>,
}

impl Statistics {
    pub fn add(&mut self, d: &Diagnostic) {
        let e = self
            .counts
            .entry((Arc::clone(&d.code), Arc::clone(&d.name)))
            .or_insert((0, false));
        e.0 += 1;
        e.1 |= d.fix.is_some();
    }

    /// The findings per rule, most first (ties by code), as ruff prints them.
    pub fn table(&self) -> String {
        let mut rows: Vec<_> = self.counts.iter().collect();
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        let mut out = String::new();
        for ((code, name), (n, fixable)) in rows {
            out.push_str(&format!(
                "{n:>7}  {code:<7} {name}{}\n",
                if *fixable { "  [fixable]" } else { "" }
            ));
        }
        out
    }
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

    #[test]
    fn xml_text_is_escaped_and_valid() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(xml("x\u{1b}y\u{0}\tz"), "x\\u{1b}y\\u{0}\tz");
    }

    #[test]
    fn rule_urls_point_at_the_readme_rows() {
        assert_eq!(
            rule_url("DT002").as_deref(),
            Some("https://github.com/OWNER/postlint/blob/main/README.md#dt002")
        );
        assert_eq!(rule_url("CU001"), None);
        assert_eq!(rule_url("missing-timezone"), None);
    }
}
