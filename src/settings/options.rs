//! The options of each rule group, resolved (the `rules:` section's `{level, options}`): the
//! types the rules read. Their parsing from YAML is declared with each rule (its `OptionDef`).

use std::sync::LazyLock;

use regex::Regex;

use crate::jekyll::yaml::NodeExt;
use crate::jekyll::yaml::{Node, NodeKind, ScalarType};

// PF: the file

/// Jekyll's `DATE_FILENAME_MATCHER`, applied to the file name.
pub const JEKYLL_PATTERN: &str = r"^[0-9]{2,4}-[0-9]{1,2}-[0-9]{1,2}-[^/]*\.[^./]+$";

static JEKYLL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(JEKYLL_PATTERN).expect("constant regex"));

#[derive(Debug, Clone, Default)]
/// PF options.
pub struct FileOptions {
    /// PF002's `pattern`; `None` for Jekyll's (compiled only if used: a pack's own pattern
    /// replaces it, and compiling costs a one-file run).
    pub pattern: Option<Regex>,
}

impl FileOptions {
    pub fn pattern(&self) -> &Regex {
        self.pattern.as_ref().unwrap_or(&JEKYLL)
    }
}

// FM: the front matter

/// The value types FM005 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Bool,
    Int,
    List,
    StringOrList,
    Map,
    Any,
}

impl ValueType {
    pub fn parse(s: &str) -> Option<ValueType> {
        Some(match s {
            "string" => ValueType::String,
            "bool" => ValueType::Bool,
            "int" => ValueType::Int,
            "list" => ValueType::List,
            "string-or-list" => ValueType::StringOrList,
            "map" => ValueType::Map,
            "any" => ValueType::Any,
            _ => return None,
        })
    }

    pub fn describe(self) -> &'static str {
        match self {
            ValueType::String => "a single value (a string)",
            ValueType::Bool => "a boolean (true or false)",
            ValueType::Int => "an integer",
            ValueType::List => "a list",
            ValueType::StringOrList => "a string or a list of strings",
            ValueType::Map => "a mapping",
            ValueType::Any => "anything",
        }
    }

    pub fn accepts(self, node: &Node) -> bool {
        let scalar = |n: &Node| matches!(n.kind, NodeKind::Scalar { .. } | NodeKind::Alias { .. });
        match self {
            ValueType::Any => true,
            ValueType::String => scalar(node),
            ValueType::Bool => node.scalar_type() == Some(ScalarType::Bool),
            ValueType::Int => node.scalar_type() == Some(ScalarType::Int),
            ValueType::List => node.as_seq().is_some_and(|items| items.iter().all(scalar)),
            ValueType::StringOrList => scalar(node) || ValueType::List.accepts(node),
            ValueType::Map => node.as_map().is_some(),
        }
    }
}

#[derive(Debug, Clone, Default)]
/// FM options.
pub struct FrontMatterOptions {
    pub required: Vec<String>,
    pub types: Vec<(String, ValueType)>,
    pub non_empty: Vec<String>,
    pub known: Vec<String>,
    pub allowed: Vec<(String, Vec<String>)>,
}

impl FrontMatterOptions {
    pub fn is_known(&self, key: &str) -> bool {
        self.required.iter().any(|k| k == key)
            || self.known.iter().any(|k| k == key)
            || self.allowed.iter().any(|(k, _)| k == key)
            || self.non_empty.iter().any(|k| k == key)
    }

    pub fn all_known(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .required
            .iter()
            .chain(self.known.iter())
            .chain(self.non_empty.iter())
            .map(String::as_str)
            .chain(self.allowed.iter().map(|(k, _)| k.as_str()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// Set `key` in a list of pairs, replacing an earlier value.
pub fn upsert<T>(list: &mut Vec<(String, T)>, key: String, value: T) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => list.push((key, value)),
    }
}

// DT: dates

/// How DT001 checks the shape of a date.
#[derive(Debug, Clone)]
pub enum DateFormat {
    /// Anything Jekyll reads (the lenient grammar).
    Jekyll,
    Pattern(Pattern),
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    pub full: Regex,
    /// The same pattern with its zone (and the literal space before it) removed.
    pub without_zone: Regex,
    /// Whether the pattern's zone has a colon (`±HH:MM`).
    pub zone_colon: bool,
}

impl Pattern {
    /// Compile a format such as `YYYY-MM-DD HH:MM:SS ±HHMM`.
    pub fn compile(text: &str) -> Result<Pattern, String> {
        let (full, zone_colon) = pattern_regex(text, true)?;
        let (without, _) = pattern_regex(text, false)?;
        let compile = |r: &str| {
            Regex::new(r).map_err(|e| {
                format!(
                    "invalid date format: {}",
                    crate::base::text::regex_error(&e)
                )
            })
        };
        Ok(Pattern {
            text: text.to_string(),
            full: compile(&full)?,
            without_zone: compile(&without)?,
            zone_colon,
        })
    }
}

/// Translate a date pattern into a regex (with or without its zone). Returns the regex and
/// whether the zone is written with a colon. `MM` is two digits whether month or minutes.
fn pattern_regex(text: &str, with_zone: bool) -> Result<(String, bool), String> {
    let mut out = String::from("^");
    let mut rest = text;
    let mut zone_colon = false;
    let mut depth = 0usize;
    let mut pending_space = String::new();
    while !rest.is_empty() {
        let zone = [
            ("±HH:MM", true),
            ("+HH:MM", true),
            ("±HHMM", false),
            ("+HHMM", false),
        ]
        .into_iter()
        .find(|(t, _)| rest.starts_with(t));
        if let Some((token, colon)) = zone {
            zone_colon = colon;
            if with_zone {
                out.push_str(&regex::escape(&pending_space));
                out.push_str(if colon {
                    r"[+-][0-9]{2}:[0-9]{2}"
                } else {
                    r"[+-][0-9]{4}"
                });
            }
            pending_space.clear();
            rest = &rest[token.len()..];
            continue;
        }
        out.push_str(&regex::escape(&pending_space));
        pending_space.clear();
        let piece = [
            ("YYYY", r"[0-9]{4}"),
            ("DD", r"[0-9]{2}"),
            ("HH", r"[0-9]{2}"),
            ("SS", r"[0-9]{2}"),
            ("MM", r"[0-9]{2}"),
        ]
        .into_iter()
        .find(|(t, _)| rest.starts_with(t));
        if let Some((token, re)) = piece {
            out.push_str(re);
            rest = &rest[token.len()..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        match c {
            '[' => {
                depth += 1;
                out.push_str("(?:");
            }
            ']' => {
                if depth == 0 {
                    return Err("unbalanced `]` in date format".into());
                }
                depth -= 1;
                out.push_str(")?");
            }
            ' ' => pending_space.push(' '),
            c if c.is_ascii_alphabetic() => {
                return Err(format!(
                    "unknown token at `{rest}` in date format: use YYYY, MM, DD, HH, MM, SS, ±HHMM or ±HH:MM"
                ));
            }
            c => out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
        rest = chars.as_str();
    }
    out.push_str(&regex::escape(&pending_space));
    if depth != 0 {
        return Err("unbalanced `[` in date format".into());
    }
    // Drop the empty optional group left where the zone was removed.
    let mut out = out.replace("(?:)?", "");
    out.push('$');
    Ok((out, zone_colon))
}

#[derive(Debug, Clone)]
/// DT options.
pub struct DateOptions {
    pub format: DateFormat,
}

impl Default for DateOptions {
    fn default() -> Self {
        Self {
            format: DateFormat::Jekyll,
        }
    }
}

// TX: taxonomy

/// TX006's default pattern: a lowercase ASCII slug.
pub const SLUG: &str = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$";
/// TX006's default pattern, compiled when first used.
pub static DEFAULT_SLUG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(SLUG).expect("constant regex"));

#[derive(Debug, Clone, Default)]
/// TX options.
pub struct TaxonomyOptions {
    pub max_categories: usize,
    pub slug: Option<Regex>,
}

// HT: HTML

#[derive(Debug, Clone)]
/// HT options.
pub struct HtmlOptions {
    pub elements: Vec<String>,
    /// HT007's `allow_hosts`: hosts whose embeds (iframe, script, embed, object) are allowed.
    pub embed_hosts: Vec<String>,
    pub attributes: Vec<String>,
    pub schemes: Vec<String>,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Self {
            elements: list(&[
                "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
                "input", "button", "textarea", "select", "style", "link", "meta", "base",
            ]),
            embed_hosts: Vec::new(),
            attributes: list(&["on*", "srcdoc", "formaction"]),
            schemes: list(&["javascript", "vbscript", "data:text/html"]),
        }
    }
}

/// Lowercase every item.
pub fn lower(list: Vec<String>) -> Vec<String> {
    list.into_iter().map(|s| s.to_ascii_lowercase()).collect()
}

// LK: links

#[derive(Debug, Clone)]
/// LK options.
pub struct LinkOptions {
    pub schemes: Vec<String>,
    pub allow_hosts: Vec<String>,
    pub generated: Vec<String>,
}

impl Default for LinkOptions {
    fn default() -> Self {
        Self {
            schemes: ["javascript", "vbscript", "data", "file"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            allow_hosts: Vec::new(),
            generated: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let p = Pattern::compile("YYYY-MM-DD HH:MM:SS ±HHMM").unwrap();
        assert!(p.full.is_match("2022-03-17 05:03:20 +0800"));
        assert!(!p.full.is_match("2022-03-17 05:03:20 +08:00"));
        assert!(p.without_zone.is_match("2022-03-17 05:03:20"));
        assert!(!p.without_zone.is_match("2022-03-17 05:03"));
        let q = Pattern::compile("YYYY-MM-DD[ HH:MM[:SS]][ ±HH:MM]").unwrap();
        assert!(q.full.is_match("2022-03-17"));
        assert!(q.full.is_match("2022-03-17 05:03 +08:00"));
        assert!(q.without_zone.is_match("2022-03-17 05:03:20"));
        assert!(Pattern::compile("YYYY-MM-DD [").is_err());
        assert!(Pattern::compile("YYYY-MM-DD Q").is_err());
    }
}
