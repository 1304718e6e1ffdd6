//! The one diagnostic type every rule, the config loader and the engine produce, and the one
//! place a diagnostic is finalised: located (line and column), fingerprinted (for baselines)
//! and given its file's text (for the human format).

use std::ops::Range;
use std::sync::Arc;

use crate::base::text::{LineIndex, Position};

/// How bad a finding is. A rule that is on reports at one of these (see the settings' `Level`).
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

/// A place in a file: the 1-based line, the 1-based column in characters, and the 1-based
/// column in bytes of UTF-8 (what reviewdog counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub byte_column: usize,
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
    /// The 1-based byte columns of `start` and `end` (0 where not located).
    pub byte_columns: [usize; 2],
    /// Where each edit of `fix` starts and ends, in the same order (set by [`finalize`]).
    pub fix_at: Vec<[Located; 2]>,
    /// The finding as the report shows it, when the report prepared it ahead (on the worker
    /// that checked the file: the human format renders there, in parallel).
    pub rendered: Option<String>,
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
            byte_columns: [0, 0],
            fix_at: Vec::new(),
            rendered: None,
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

    /// A failure of the tool itself on one path (exit status 2), reported at its line 1.
    pub fn io(path: &str, message: String) -> Diagnostic {
        let mut d = Diagnostic::new(IO, "", Severity::Error, 0..0, message);
        d.path = Arc::from(path);
        d.start = Position { line: 1, column: 1 };
        d.end = d.start;
        d
    }

    /// Whether this is about the tool's own failure (an unreadable file), not a finding.
    pub fn is_failure(&self) -> bool {
        &*self.code == IO
    }

    /// The path relative to the config's folder, else the path as given.
    pub fn rel_or_path(&self) -> &str {
        if self.rel.is_empty() {
            &self.path
        } else {
            &self.rel
        }
    }

    /// Position-independent sort key: path, offset, code.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.span.start, self.span.end, &self.code)
    }
}

/// The code of a failure of the tool itself (an unreadable file or path).
pub const IO: &str = "io";

/// Give every diagnostic of one file that has no position yet (line 0) its path, positions
/// and fingerprint, in one sweep; with `source`, give every one the file's text for rendering.
/// The one place a diagnostic is finalised.
pub fn finalize(
    diagnostics: &mut [Diagnostic],
    path: &Arc<str>,
    text: &str,
    index: &LineIndex,
    source: Option<&Arc<SourceText>>,
) {
    let fresh: Vec<usize> = (0..diagnostics.len())
        .filter(|&i| diagnostics[i].start.line == 0)
        .collect();
    // The span's ends, then each edit's ends, of every fresh diagnostic, located in one sweep.
    let mut offsets: Vec<usize> = Vec::with_capacity(fresh.len() * 2);
    for &i in &fresh {
        let d = &diagnostics[i];
        offsets.extend([d.span.start, d.span.end.max(d.span.start)]);
        for e in d.fix.iter().flat_map(|f| &f.edits) {
            offsets.extend([e.range.start, e.range.end.max(e.range.start)]);
        }
    }
    let positions = index.positions(text, &offsets);
    let located = |k: usize| -> Located {
        let p = positions.get(k).copied().unwrap_or_default();
        Located {
            line: p.line,
            column: p.column,
            byte_column: offsets
                .get(k)
                .map_or(0, |&o| index.byte_column(text, o, p.line)),
        }
    };
    let mut k = 0;
    for &i in &fresh {
        let d = &mut diagnostics[i];
        d.path = Arc::clone(path);
        let (start, end) = (located(k), located(k + 1));
        k += 2;
        d.start = Position {
            line: start.line,
            column: start.column,
        };
        d.end = Position {
            line: end.line,
            column: end.column,
        };
        d.byte_columns = [start.byte_column, end.byte_column];
        let edits = d.fix.as_ref().map_or(0, |f| f.edits.len());
        d.fix_at = (0..edits)
            .map(|j| [located(k + 2 * j), located(k + 2 * j + 1)])
            .collect();
        k += 2 * edits;
        d.fingerprint = fingerprint(d, text);
    }
    if let Some(source) = source {
        for d in diagnostics {
            d.source = Some(Arc::clone(source));
        }
    }
}

/// The fingerprint of a finding: its code, its message, and the offending text with white
/// space folded (the whole line when the span is empty).
pub fn fingerprint(d: &Diagnostic, text: &str) -> u64 {
    let span = d.span.start.min(text.len())..d.span.end.min(text.len());
    let mut piece = text.get(span.clone()).unwrap_or("");
    if piece.trim().is_empty() {
        let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[span.start..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        piece = text.get(start..end).unwrap_or("");
    }
    let folded: String = piece.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::base::hash::fnv1a(format!("{}\u{0}{}\u{0}{folded}", d.code, d.message).as_bytes())
}
