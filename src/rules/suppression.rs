//! Suppression comments in posts, and the rule that reports the unused ones.
//!
//! In the body: `<!-- postlint-disable CODE… -->` … `<!-- postlint-enable CODE… -->` (no codes:
//! every rule), `<!-- postlint-disable-next-line CODE… -->`, `<!-- postlint-disable-line CODE… -->`
//! (the directive's own line) and `<!-- postlint-disable-file CODE… -->`; any other
//! `postlint-…` comment is an error that disables nothing. In the front matter (where HTML
//! comments cannot go): `# postlint-disable-next-line CODE…`. Codes may be codes, names or
//! prefixes, separated by spaces or commas.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::select::Selector;
use super::{FixKind, Rule, RuleDef, Scope};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::settings::Level;

pub static SU001: RuleDef = RuleDef {
    code: "SU001",
    name: "unused-suppression",
    default: Level::Warning,
    fix: FixKind::Safe,
    scope: Scope::Suppression,
    reads_body: false,
    summary: "a suppression comment that suppresses nothing (or names no rule)",
    doc: "\
## What it does
Reports a `postlint-disable`, `postlint-disable-next-line` or `postlint-enable` comment that
suppressed no finding, or that names a rule that does not exist — as ruff reports an unused
`noqa`. `--fix` removes an unused `disable-next-line` comment that stands on its own line.

## Why is this bad?
A stale suppression hides the next real problem at that place, and a misspelt code suppresses
nothing at all.

## Example
`<!-- postlint-disable-next-line HT001 -->` above a line whose tags are balanced.
",
    options: &[],
    check: None,
};

static HTML_DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*postlint-([A-Za-z-]*)([^>]*?)\s*-->").expect("constant regex")
});
static YAML_DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*#[ \t]*postlint-disable-next-line\b([^\n]*)$").expect("constant regex")
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    NextLine,
    /// `disable-line`: the findings on the directive's own line.
    Line,
    /// `disable-file`: every finding of the file.
    File,
    /// A directive postlint does not know (`postlint-disabel`, `postlint-disable-lines`): it
    /// disables nothing and is an error.
    Unknown,
}

#[derive(Debug, Clone)]
struct Directive {
    kind: Kind,
    /// Selectors as written (empty: every rule).
    selectors: Vec<Selector>,
    span: Range<usize>,
    line: usize,
    used: bool,
}

/// Whether a selector names only rules whose findings are not known when one file is checked:
/// the cross-file rules, judged after all files, and LK006, whose answer depends on the network
/// of the day (a suppression of a flaky link is not unused while the link happens to answer).
fn not_judged_per_file(selector: &Selector) -> bool {
    let rules = selector.rules();
    !rules.is_empty() && rules.iter().all(|r| !r.def().scope.judged_per_file())
}

/// The directives of a file: HTML comments after `body_start`, YAML comments before it.
fn directives(text: &str, body_start: usize) -> Vec<Directive> {
    let mut out = Vec::new();
    for caps in HTML_DIRECTIVE.captures_iter(&text[body_start..]) {
        let (Some(m), Some(kind)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let kind = match kind.as_str() {
            "disable" => Kind::Disable,
            "enable" => Kind::Enable,
            "disable-next-line" => Kind::NextLine,
            "disable-line" => Kind::Line,
            "disable-file" => Kind::File,
            _ => Kind::Unknown,
        };
        let span = body_start + m.start()..body_start + m.end();
        out.push(Directive {
            kind,
            selectors: selectors(caps.get(2).map_or("", |s| s.as_str())),
            line: 0,
            span,
            used: false,
        });
    }
    for caps in YAML_DIRECTIVE.captures_iter(&text[..body_start]) {
        let Some(m) = caps.get(0) else { continue };
        let span = m.start() + (m.as_str().len() - m.as_str().trim_start().len())..m.end();
        out.push(Directive {
            kind: Kind::NextLine,
            selectors: selectors(caps.get(1).map_or("", |s| s.as_str())),
            line: 0,
            span,
            used: false,
        });
    }
    out.sort_by_key(|d| d.span.start);
    // Lines counted in one pass over the text (not from the start for each directive).
    let (mut line, mut at) = (1, 0);
    for d in &mut out {
        let to = d.span.start.min(text.len());
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[at.min(to)..to]).count();
        at = to;
        d.line = line;
    }
    out
}

fn selectors(s: &str) -> Vec<Selector> {
    s.split([' ', ',', '\t'])
        .filter_map(Selector::parse)
        .collect()
}

/// Drop the diagnostics the file's directives suppress, and report unused and unknown
/// directives (SU001) when that rule is on. `custom` lists the custom rules (code, name).
pub fn apply(
    text: &str,
    body_start: usize,
    diags: &mut Vec<Diagnostic>,
    su001: Level,
    custom: &[(String, String)],
    pending: &[Rule],
    ran: &dyn Fn(Rule) -> bool,
) {
    let mut ds = directives(text, body_start);
    if ds.is_empty() {
        return;
    }
    diags.retain(|d| {
        let line = d.start.line;
        let mut suppressed = false;
        // Regions: the last disable/enable before the finding that mentions its code decides.
        let mut region: Option<usize> = None;
        for (i, dir) in ds.iter().enumerate() {
            if dir.span.start > d.span.start {
                break;
            }
            let applies = dir.selectors.is_empty()
                || dir.selectors.iter().any(|s| s.matches(&d.code, &d.name));
            match dir.kind {
                Kind::Disable if applies => region = Some(i),
                Kind::Enable if applies => region = None,
                _ => {}
            }
        }
        if let Some(i) = region {
            ds[i].used = true;
            suppressed = true;
        }
        for dir in ds.iter_mut().filter(|x| match x.kind {
            Kind::NextLine => x.line + 1 == line,
            Kind::Line => x.line == line,
            Kind::File => true,
            _ => false,
        }) {
            if dir.selectors.is_empty() || dir.selectors.iter().any(|s| s.matches(&d.code, &d.name))
            {
                dir.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    let Some(severity) = su001.severity() else {
        return;
    };
    for dir in &ds {
        let unknown: Vec<&Selector> = dir
            .selectors
            .iter()
            .filter(|s| !s.is_known(custom))
            .collect();
        if dir.kind == Kind::Unknown {
            let written = text.get(dir.span.clone()).unwrap_or("");
            let d = Diagnostic::new(
                SU001.code,
                SU001.name,
                crate::diagnostic::Severity::Error,
                dir.span.clone(),
                format!("unknown suppression directive `{}`: it disables nothing", written.trim()),
            )
            .with_label("not a directive")
            .with_help("write `postlint-disable`, `postlint-enable`, `postlint-disable-next-line`, `postlint-disable-line` or `postlint-disable-file`");
            diags.push(d);
            continue;
        }
        let message = if !unknown.is_empty() {
            format!(
                "suppression names unknown rule(s): {}",
                unknown
                    .iter()
                    .map(|s| format!("`{}`", s.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else if dir.used
            || dir.kind == Kind::Enable
            || dir.selectors.iter().any(not_judged_per_file)
            || dir
                .selectors
                .iter()
                .any(|s| s.rules().iter().any(|r| pending.contains(r) || !ran(*r)))
        {
            continue;
        } else {
            let what = if dir.selectors.is_empty() {
                "any finding".to_string()
            } else {
                dir.selectors
                    .iter()
                    .map(Selector::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!("unused suppression: no {what} to suppress here")
        };
        let mut d = Diagnostic::new(SU001.code, SU001.name, severity, dir.span.clone(), message)
            .with_label("suppresses nothing")
            .with_help("remove the comment");
        if unknown.is_empty() && dir.kind == Kind::NextLine {
            // Remove a comment that stands alone on its line, with its line break.
            let line_start = text[..dir.span.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[dir.span.end..]
                .find('\n')
                .map_or(text.len(), |i| dir.span.end + i + 1);
            let alone = text[line_start..dir.span.start].trim().is_empty()
                && text[dir.span.end..line_end].trim().is_empty();
            if alone {
                d = d.with_fix(Fix {
                    edits: vec![Edit {
                        range: line_start..line_end,
                        replacement: String::new(),
                    }],
                });
            }
        }
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_not_known_per_file_are_never_unused() {
        for s in [
            "XF001",
            "TX005",
            "LK006",
            "lk006",
            "dead-link",
            "duplicate-post",
        ] {
            assert!(not_judged_per_file(&Selector::parse(s).unwrap()), "{s}");
        }
        for s in ["LK005", "DT002", "LK", "ALL"] {
            assert!(!not_judged_per_file(&Selector::parse(s).unwrap()), "{s}");
        }
    }
}
