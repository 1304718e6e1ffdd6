//! The one diagnostic type every rule, the config loader and the engine produce.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceSpan};

use crate::source::{LineIndex, Position};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A text edit: replace `range` (bytes of the file) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<Edit>,
}

/// A file's name and text, shared by every diagnostic in it (for rendering).
#[derive(Debug)]
pub struct SourceText {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Rule code (`DT002`), or a tool code such as `config` or `io`.
    pub code: Arc<str>,
    /// Kebab-case rule name (`missing-timezone`); empty for tool diagnostics.
    pub name: Arc<str>,
    pub severity: Severity,
    /// The path as given on the command line (or the config file's path).
    pub path: Arc<str>,
    /// Primary byte range in the file.
    pub span: Range<usize>,
    pub message: String,
    /// Text under the primary span.
    pub label: Option<String>,
    /// Further labelled spans in the same file.
    pub secondary: Vec<(Range<usize>, String)>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    pub start: Position,
    pub end: Position,
    /// The file's text, kept only where the output needs to show it.
    pub source: Option<Arc<SourceText>>,
    /// The path relative to the config's folder (baselines, `per_file_ignores`).
    pub rel: Arc<str>,
    /// A fingerprint of the offending text (see `baseline`).
    pub fingerprint: u64,
}

impl Diagnostic {
    pub fn new(
        code: &str,
        name: &str,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code: Arc::from(code),
            name: Arc::from(name),
            severity,
            path: Arc::from(""),
            span,
            message: message.into(),
            label: None,
            secondary: Vec::new(),
            help: None,
            fix: None,
            start: Position::default(),
            end: Position::default(),
            source: None,
            rel: Arc::from(""),
            fingerprint: 0,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_secondary(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.secondary.push((span, label.into()));
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn fixable(&self) -> bool {
        self.fix.is_some()
    }

    /// Attach the file: path, positions, and (if `keep_source`) the text for rendering.
    pub fn locate(&mut self, path: &Arc<str>, text: &str, index: &LineIndex) {
        self.path = Arc::clone(path);
        let (start, end) = index.range(text, &self.span);
        self.start = start;
        self.end = end;
    }

    /// Position-independent sort key: path, offset, code.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.span.start, self.span.end, &self.code)
    }
}

/// A diagnostic made ready for miette's renderer.
pub struct Rendered<'a> {
    diag: &'a Diagnostic,
    source: Option<CharColumns>,
}

/// A named source whose snippet header counts columns in characters, as the short and JSON
/// formats do (miette counts bytes: `（文章来源` would put column 16 at 40).
struct CharColumns {
    named: NamedSource<Arc<str>>,
    text: Arc<str>,
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
        let offset = span.offset().min(self.text.len());
        let Some(before_span) = self.text.get(..offset) else {
            return Ok(contents);
        };
        let line_start = before_span.rfind('\n').map_or(0, |i| i + 1);
        let column = self
            .text
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
            // Bytes that were not UTF-8 are shown as `?` (one byte each, so spans still fit).
            let shown: Arc<str> = if s.text.contains(char::from(crate::source::REPLACEMENT)) {
                Arc::from(s.text.replace(char::from(crate::source::REPLACEMENT), "?"))
            } else {
                Arc::from(s.text.as_str())
            };
            CharColumns {
                named: NamedSource::new(s.name.clone(), Arc::clone(&shown))
                    .with_language("markdown"),
                text: shown,
            }
        });
        Rendered { diag, source }
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
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diag;
        if d.name.is_empty() {
            Some(Box::new(d.code.to_string()))
        } else {
            Some(Box::new(format!("{} ({})", d.code, d.name)))
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
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let d = self.diag;
        let len = d.source.as_ref().map_or(0, |s| s.text.len());
        let clamp = move |r: &Range<usize>| -> SourceSpan {
            let start = r.start.min(len);
            let end = r.end.clamp(start, len);
            SourceSpan::new(start.into(), end - start)
        };
        let primary = LabeledSpan::new_primary_with_span(d.label.clone(), clamp(&d.span));
        let rest = d
            .secondary
            .iter()
            .map(move |(r, l)| LabeledSpan::new_with_span(Some(l.clone()), clamp(r)));
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
            diag.path, diag.start.line, diag.start.column, diag.code, diag.message
        );
    }
    out
}
