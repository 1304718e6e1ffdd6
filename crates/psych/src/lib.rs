#![deny(missing_docs)]
//! Front matter YAML exactly as Ruby's Psych 4 (libyaml 0.2.5) reads it, and post dates exactly
//! as Jekyll 4.3 reads them.
//!
//! - [`parse()`]: the first YAML document as `Psych.parse` builds it (a [`Document`] of
//!   [`Node`]s with byte spans), or the [`SyntaxError`] Psych raises, with its line and column.
//! - [`load()`]: what `Psych.safe_load(yaml, permitted_classes: [Date, Time], aliases: true)`
//!   (Jekyll's `Utils.safe_load_yaml`) returns, or the exception it raises.
//! - [`front_matter()`]: Jekyll's `YAML_FRONT_MATTER_REGEXP` split.
//! - [`time_parse()`] and [`jekyll_date()`]: Ruby's `Time.parse` over `Date._parse`, and
//!   `Jekyll::Utils.parse_date` of a front matter `date`.
//! - [`site_keys()`]: just the keys Jekyll's site model reads (`date`, `categories`, `tags`,
//!   `slug`, `permalink`, `published`…), from the same parse and load.

mod libyaml;
mod re;

pub mod date_parse;
pub mod front_matter;
pub mod jekyll;
pub mod load;
pub mod scalar;
pub mod site;
pub mod time_parse;
pub mod tree;

pub use load::{LoadError, Loaded, Value, load};
pub use scalar::{Int, LoadErrorKind, Typed, YamlDate, YamlTime};

pub use front_matter::{FrontMatter, front_matter};
pub use jekyll::{JekyllDate, JekyllDateError, jekyll_date, jekyll_date_of};
pub use site::{SITE_KEYS, SiteKey, SiteKeys, SiteKeysError, site_keys};
pub use time_parse::{RubyTime, TimeParseError, time_parse};
pub use tree::{Document, MAX_DEPTH, Node, NodeKind, Pos, Style, SyntaxError, parse};
