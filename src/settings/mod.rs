//! Resolved settings: what a run needs from the configuration, validated, with every field named
//! after the config section it comes from (`posts`, `exclude`, `site`, `rules`, `categories`,
//! `per_file_ignores`, `custom`, `links`). The `config` layer builds them from YAML; the rules
//! and the engine read them.

pub mod categories;
pub mod custom_rules;
pub mod external_links;
pub mod options;

use std::fmt;
use std::path::PathBuf;

use jiff::tz::TimeZone;

use crate::diagnostic::{Diagnostic, Severity};

/// How a rule is configured: off, or on at a [`Severity`]. Written `off`, `warn` (or
/// `warning`) and `error` in a config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    #[default]
    Off,
    Warning,
    Error,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "off" => Some(Level::Off),
            "warn" | "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }

    /// The severity of the findings at this level (`None` when off).
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    pub fn is_on(self) -> bool {
        self != Level::Off
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Off => "off",
            Level::Warning => "warn",
            Level::Error => "error",
        })
    }
}

/// The `site:` section (and what `_config.yml` fills in where it is silent).
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub url: Option<String>,
    pub timezone: Option<TimeZone>,
    pub hosts: Vec<String>,
    /// Jekyll's `future`; unset means `_config.yml`'s, else false.
    pub future: Option<bool>,
}

/// The `rules:` section: each rule's level (indexed by the rule's place in the registry) and
/// each rule group's options.
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    pub levels: Vec<Level>,
    pub file: options::FileOptions,
    pub front_matter: options::FrontMatterOptions,
    pub dates: options::DateOptions,
    pub taxonomy: options::TaxonomyOptions,
    pub html: options::HtmlOptions,
    pub links: options::LinkOptions,
}

/// Everything a run needs from configuration, resolved and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Globs (relative to `root`) of the files to check when no path is given.
    pub posts: Vec<String>,
    /// Globs (relative to `root`) of files never checked.
    pub exclude: Vec<String>,
    pub site: Site,
    pub rules: RuleSettings,
    /// The category registry (TX and SA rules).
    pub categories: categories::Registry,
    /// Globs (relative to `root`) and the rule selectors they turn off for matching files.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// Custom declarative rules.
    pub custom: Vec<custom_rules::CustomRule>,
    /// External link checking (`--online`, LK006).
    pub links: external_links::ExternalLinks,
    /// The directory `posts` and `exclude` are relative to.
    pub root: PathBuf,
    /// The config file used, if any.
    pub path: Option<PathBuf>,
    /// Warnings about the configuration itself.
    pub warnings: Vec<Diagnostic>,
}

impl Settings {
    /// Settings with every rule at `levels` (the registry's defaults) and nothing else set.
    pub fn new(root: PathBuf, levels: Vec<Level>) -> Settings {
        Settings {
            posts: Vec::new(),
            exclude: Vec::new(),
            site: Site::default(),
            rules: RuleSettings {
                levels,
                ..RuleSettings::default()
            },
            categories: categories::Registry::default(),
            per_file_ignores: Vec::new(),
            custom: Vec::new(),
            links: external_links::ExternalLinks::default(),
            root,
            path: None,
            warnings: Vec::new(),
        }
    }

    /// The custom rules' codes and names (for suppressions and selection).
    pub fn custom_names(&self) -> Vec<(String, String)> {
        self.custom
            .iter()
            .map(|c| (c.code.clone(), c.name.clone()))
            .collect()
    }
}
