//! The `custom:` section: declarative rules, each a regex that a front matter field or the body
//! must (`require`) or must not (`forbid`) match.

use regex::Regex;

use super::Level;

/// What a custom rule looks at.
#[derive(Debug, Clone)]
pub enum Target {
    Field(String),
    Body,
}

#[derive(Debug, Clone)]
pub struct CustomRule {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub target: Target,
    pub forbid: bool,
    pub regex: Regex,
    pub message: String,
    pub help: Option<String>,
}
