//! The rule registry: one table of every rule with its stable code, kebab-case name, default
//! level, fixability and documentation. Rules live one group per file; each is a pure function
//! of a loaded post and the settings that pushes diagnostics into a [`Context`].

pub mod attribution;
pub mod custom;
pub mod dates;
pub mod file;
pub mod front_matter;
pub mod html;
pub mod links;
pub mod taxonomy;

use std::fmt;
use std::ops::Range;

use crate::body::Body;
use crate::config::Settings;
use crate::cross::{self, Facts};
use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::Post;
use crate::site::SiteModel;
use crate::suppress;

/// How a rule reports: not at all, as a warning, or as an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    #[default]
    Off,
    Warn,
    Error,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "off" => Some(Level::Off),
            "warn" | "warning" => Some(Level::Warn),
            "error" => Some(Level::Error),
            _ => None,
        }
    }

    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warn => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Off => "off",
            Level::Warn => "warn",
            Level::Error => "error",
        })
    }
}

/// What a rule is: everything `postlint rules` and `postlint rule CODE` show.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    /// The level in the built-in `jekyll` pack (the default without configuration).
    pub default: Level,
    pub fixable: bool,
    /// One line: what it finds.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, an example, its options.
    pub doc: &'static str,
}

macro_rules! registry {
    ($($group:ident :: $code:ident),* $(,)?) => {
        /// Every implemented rule. The discriminant indexes [`RULES`].
        #[allow(clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($code),* }

        /// The registry, in code order.
        pub static RULES: &[&RuleMeta] = &[$(&$group::$code),*];

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$code),*];
        }
    };
}

registry! {
    file::PF001,
    file::PF002,
    front_matter::FM001,
    front_matter::FM002,
    front_matter::FM003,
    front_matter::FM004,
    front_matter::FM005,
    front_matter::FM006,
    front_matter::FM007,
    front_matter::FM008,
    dates::DT001,
    dates::DT002,
    dates::DT003,
    dates::DT004,
    dates::DT005,
    dates::DT006,
    taxonomy::TX001,
    taxonomy::TX002,
    taxonomy::TX003,
    taxonomy::TX004,
    taxonomy::TX005,
    taxonomy::TX006,
    taxonomy::TX007,
    html::HT001,
    html::HT002,
    html::HT003,
    html::HT004,
    html::HT005,
    html::HT006,
    html::HT007,
    html::HT008,
    links::LK001,
    links::LK002,
    links::LK003,
    links::LK004,
    links::LK005,
    links::LK006,
    attribution::SA001,
    attribution::SA002,
    attribution::SA003,
    attribution::SA004,
    attribution::SA005,
    attribution::SA006,
    cross::XF001,
    cross::XF002,
    suppress::SU001,
}

impl Rule {
    pub fn meta(self) -> &'static RuleMeta {
        RULES[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.meta().code
    }

    pub fn from_code_or_name(s: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.meta().code.eq_ignore_ascii_case(s) || r.meta().name == s)
    }
}

/// Rules a selector names: `ALL`, a code, a name, or a code prefix (`DT`, `DT00`).
pub fn select(selector: &str) -> Vec<Rule> {
    if selector == "ALL" {
        return Rule::ALL.to_vec();
    }
    if let Some(rule) = Rule::from_code_or_name(selector) {
        return vec![rule];
    }
    let upper = selector.to_ascii_uppercase();
    if upper.is_empty()
        || !upper
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return Vec::new();
    }
    Rule::ALL
        .iter()
        .copied()
        .filter(|r| r.meta().code.starts_with(&upper))
        .collect()
}

/// What a rule sees: the post, the settings, and where to put findings.
pub struct Context<'a> {
    pub post: &'a Post,
    pub settings: &'a Settings,
    pub site: &'a SiteModel,
    /// The body's HTML and links, when an HT or LK rule runs.
    body: Option<&'a Body>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub fn new(
        post: &'a Post,
        settings: &'a Settings,
        site: &'a SiteModel,
        body: Option<&'a Body>,
    ) -> Self {
        Context {
            post,
            settings,
            site,
            body,
            diagnostics: Vec::new(),
        }
    }

    pub fn body(&self) -> Option<&'a Body> {
        self.body
    }

    pub fn enabled(&self, rule: Rule) -> bool {
        self.settings.level(rule) != Level::Off
    }

    /// A diagnostic for `rule` at `span`, with the configured severity. Push it with [`push`].
    pub fn diag(&self, rule: Rule, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let meta = rule.meta();
        let severity = self
            .settings
            .level(rule)
            .severity()
            .unwrap_or(Severity::Warning);
        Diagnostic::new(meta.code, meta.name, severity, span, message)
    }

    pub fn push(&mut self, diag: Diagnostic) {
        self.diagnostics.push(diag);
    }
}

/// Run every enabled rule on one post, and gather its facts for the cross-file rules. The body
/// is analysed once, and only when a rule needs it.
pub fn check(
    post: &Post,
    settings: &Settings,
    site: &SiteModel,
) -> (Vec<Diagnostic>, Option<Facts>) {
    // Body rules are for posts: pages are the site's own templates (a 404 page may run a script).
    let needs_body = post.is_post()
        && Rule::ALL.iter().any(|r| {
            ["HT", "LK", "SA", "XF001"]
                .iter()
                .any(|p| r.code().starts_with(p))
                && settings.level(*r) != Level::Off
        });
    let body = needs_body.then(|| crate::body::analyse(&post.text, post.body.clone()));
    let mut ctx = Context::new(post, settings, site, body.as_ref());
    file::check(&mut ctx);
    front_matter::check(&mut ctx);
    dates::check(&mut ctx);
    taxonomy::check(&mut ctx);
    html::check(&mut ctx);
    links::check(&mut ctx);
    attribution::check(&mut ctx);
    custom::check(&mut ctx);
    let facts = cross::wanted(settings).then(|| cross::facts(post, body.as_ref(), settings, site));
    (ctx.diagnostics, facts)
}

/// The closest candidate to `word` within a small edit distance, for "did you mean" help.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(&cb));
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_in_code_order_with_unique_names() {
        let mut seen = std::collections::HashSet::new();
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(*rule as usize, i);
            let m = rule.meta();
            assert_eq!(format!("{rule:?}"), m.code);
            assert!(seen.insert(m.name), "duplicate name {}", m.name);
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            );
            for section in ["## What it does", "## Why", "## Example"] {
                assert!(m.doc.contains(section), "{} doc lacks {section}", m.code);
            }
        }
        let codes: Vec<_> = RULES.iter().map(|m| m.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_by_key(|c| {
            (
                ["PF", "FM", "DT", "TX", "HT", "LK", "SA", "XF", "SU"]
                    .iter()
                    .position(|p| c.starts_with(p)),
                *c,
            )
        });
        assert_eq!(codes, sorted);
    }

    #[test]
    fn selectors() {
        assert_eq!(select("DT002"), vec![Rule::DT002]);
        assert_eq!(select("missing-timezone"), vec![Rule::DT002]);
        assert_eq!(select("dt"), select("DT"));
        assert_eq!(select("PF").len(), 2);
        assert!(select("XX").is_empty());
        // Every code of the design's catalogue is a rule.
        for code in ["LK006", "dead-link", "TX007", "HT", "LK003", "XF", "SU001"] {
            assert!(!select(code).is_empty(), "{code}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("tag", ["tags", "title"]), Some("tags"));
        assert_eq!(did_you_mean("zzz", ["tags", "title"]), None);
    }
}
