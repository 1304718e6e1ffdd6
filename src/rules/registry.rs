//! The registry: every rule in one table, each entry holding everything about the rule — code,
//! kebab-case name, default level, fix kind, scope, options and documentation, and its check.
//! Nothing else lists rules: selection, suppressions, the engine's passes, config validation,
//! `postlint rules` and the fixture tests all ask this table.

use super::{Context, Report};
use crate::jekyll::yaml::Node;
use crate::settings::{Level, RuleSettings, Settings};

/// Which fixes a rule offers with `--fix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixKind {
    /// None.
    None,
    /// Fixes that keep the meaning the writer intended; `--fix` applies them.
    Safe,
}

/// What a rule looks at, which decides when the engine runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The file itself: its bytes and its name.
    File,
    /// The front matter.
    FrontMatter,
    /// The body: its HTML, links and text.
    Body,
    /// The site around the posts, once per run (the category pages).
    Site,
    /// All the files of a run together, after each has been checked.
    CrossFile,
    /// The network (`--online`), then each file's links.
    Online,
    /// A file's suppression comments, after its other findings.
    Suppression,
}

impl Scope {
    /// Whether a rule's findings are known only after the whole run (cross-file) or depend on
    /// the network of the day: a suppression of such a rule is never "unused" in one file.
    pub fn judged_per_file(self) -> bool {
        !matches!(self, Scope::CrossFile | Scope::Online)
    }
}

/// An option of a rule (`rules: { CODE: { level, <key>: <value> } }`).
pub struct OptionDef {
    pub key: &'static str,
    /// Parse the value into the rule group's settings; the error says what was expected.
    pub set: fn(&mut RuleSettings, &Node) -> Result<(), String>,
}

/// A per-file check: reads the file's [`Context`], reports into the [`Report`].
pub type Check = fn(&Context, &mut Report);

/// Everything about one rule.
pub struct RuleDef {
    pub code: &'static str,
    pub name: &'static str,
    /// The level in the built-in `jekyll` pack (the default without configuration).
    pub default: Level,
    pub fix: FixKind,
    pub scope: Scope,
    /// Whether the rule reads the body (the engine analyses a body only for rules that do).
    pub reads_body: bool,
    /// One line: what it finds.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, an example, its options.
    pub doc: &'static str,
    pub options: &'static [OptionDef],
    /// The check run on each file (`None` for the rules of a run-wide pass: site, cross-file,
    /// suppressions).
    pub check: Option<Check>,
}

impl RuleDef {
    pub fn fixable(&self) -> bool {
        self.fix != FixKind::None
    }
}

macro_rules! registry {
    ($($group:ident :: $code:ident),* $(,)?) => {
        /// Every rule. The discriminant indexes [`RULES`] (and a settings' levels).
        #[allow(clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($code),* }

        /// The registry, in code order.
        pub static RULES: &[&RuleDef] = &[$(&super::$group::$code),*];

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
    dates::DT007,
    taxonomy::TX001,
    taxonomy::TX002,
    taxonomy::TX003,
    taxonomy::TX004,
    cross_file::TX005,
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
    layouts::HT009,
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
    cross_file::XF001,
    cross_file::XF002,
    liquid::LQ001,
    liquid::LQ002,
    liquid::LQ003,
    liquid::LQ004,
    suppression::SU001,
}

impl Rule {
    pub fn def(self) -> &'static RuleDef {
        RULES[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.def().code
    }

    pub fn from_code_or_name(s: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.def().code.eq_ignore_ascii_case(s) || r.def().name == s)
    }

    /// The rule's level in these settings.
    pub fn level(self, settings: &Settings) -> Level {
        settings
            .rules
            .levels
            .get(self as usize)
            .copied()
            .unwrap_or_default()
    }

    pub fn is_on(self, settings: &Settings) -> bool {
        self.level(settings).is_on()
    }

    pub fn set_level(self, settings: &mut Settings, level: Level) {
        if let Some(slot) = settings.rules.levels.get_mut(self as usize) {
            *slot = level;
        }
    }
}

/// The registry's default levels (the `jekyll` pack's), indexed like [`RULES`].
pub fn default_levels() -> Vec<Level> {
    RULES.iter().map(|r| r.default).collect()
}

/// Whether any rule of `scope` is on.
pub fn any_on(settings: &Settings, scope: Scope) -> bool {
    Rule::ALL
        .iter()
        .any(|r| r.def().scope == scope && r.is_on(settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_in_code_order_with_unique_names() {
        let mut seen = std::collections::HashSet::new();
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(*rule as usize, i);
            let m = rule.def();
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
            // A per-file check exactly for the rules the per-file pass runs.
            let per_file = matches!(
                m.scope,
                Scope::File | Scope::FrontMatter | Scope::Body | Scope::Online
            );
            assert_eq!(m.check.is_some(), per_file, "{}", m.code);
            // Options are documented.
            for o in m.options {
                assert!(
                    m.doc.contains(&format!("`{}`", o.key)),
                    "{} {}",
                    m.code,
                    o.key
                );
            }
        }
        let codes: Vec<_> = RULES.iter().map(|m| m.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_by_key(|c| {
            (
                ["PF", "FM", "DT", "TX", "HT", "LK", "SA", "XF", "LQ", "SU"]
                    .iter()
                    .position(|p| c.starts_with(p)),
                *c,
            )
        });
        assert_eq!(codes, sorted);
    }
}
