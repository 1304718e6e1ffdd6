//! postlint: a fast, site-aware linter for Jekyll posts.
//!
//! The crate is built in layers, each importing only from those below it (a test enforces it):
//!
//! ```text
//! cli          arguments, commands, reporters, init/infer
//! engine       config          (the two never import each other)
//! rules        the registry and every rule, pure functions of a parsed file
//! settings     resolved settings: levels and each rule's option types
//! jekyll       the document and site model: YAML, front matter, dates, body, HTML, site
//! diagnostic   Diagnostic, Severity, Edit/Fix; the one place a diagnostic is finalised
//! base         source text, paths, hashing, atomic file writes, "did you mean", pinyin
//! ```
//!
//! The library returns data; only [`cli`] prints.
#![warn(clippy::print_stdout, clippy::print_stderr)]

mod base;
mod cli;
mod config;
mod diagnostic;
mod engine;
mod jekyll;
mod rules;
mod settings;

pub use cli::report::{Format, render};
pub use cli::{Cli, Command, RulesFormat, main_with, rules_table};
pub use config::schema::json as config_schema;
pub use config::{builtin, discover, load};
pub use diagnostic::{Diagnostic, Edit, Fix, Severity};
pub use engine::walk::Target;
pub use engine::{
    Outcome, RunContext, RunOptions, check_bytes, discover as find_files, prepare, run, run_on,
};
pub use jekyll::site::SiteModel;
pub use rules::{FixKind, RULES, Rule, RuleDef, Scope};
pub use settings::{Level, Settings};

/// The invariants that property tests and fuzz targets check on any input.
pub mod selfcheck {
    pub use crate::cli::selfcheck::*;
}

/// Internals that tests and fuzz targets drive directly (fault injection, the HTML scanner,
/// the online checker). Not a stable API.
#[doc(hidden)]
pub mod testing {
    pub use crate::base::fs::{Guard, refusal, write_atomic, write_atomic_with, write_guarded};
    pub use crate::base::pinyin::pinyin_slug;
    pub use crate::engine::Checked;
    pub use crate::engine::fix::{fix_bytes, fix_root, fix_target_with, write_fixed};
    pub use crate::engine::online;
    pub use crate::jekyll::markup::{Token, Tokens, tokenize};
    pub use crate::rules::links::LinkProblem;
    pub use crate::settings::external_links::ExternalLinks;
}
