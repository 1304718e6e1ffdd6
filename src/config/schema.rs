//! The JSON Schema of `postlint.yaml`, for editor completion and checking
//! (`postlint.schema.json` at the project's root; `# yaml-language-server: $schema=…` in the
//! files `postlint init` writes).
//!
//! The types below describe the file as the loader ([`super`]) reads it; they are used only to
//! generate the schema (the loader validates every key itself, with spans). A test keeps them
//! and the loader's key lists equal, and the committed schema equal to what they generate.

// The types are never built: only their shape is read, by the schema generator.
#![allow(dead_code)]

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

/// Where the schema is published (the repository's `postlint.schema.json`).
pub const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/OWNER/postlint/main/postlint.schema.json";

/// The first line `postlint init` writes: editors with the YAML language server complete and
/// check the file against the schema.
pub fn modeline() -> String {
    format!("# yaml-language-server: $schema={SCHEMA_URL}\n")
}

/// postlint's configuration (`postlint.yaml` or `.postlint.yaml`).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "postlint.yaml")]
pub struct ConfigFile {
    /// A built-in pack (`jekyll`, `finews`) or a path to a YAML file, relative to this one.
    /// Default: `jekyll`.
    pub extends: Option<String>,
    /// Globs (relative to this file's folder) of what `postlint check` without paths checks.
    pub posts: Option<Vec<String>>,
    /// Globs never checked, even when named on the command line.
    pub exclude: Option<Vec<String>>,
    pub site: Option<Site>,
    /// Per rule, by code (`DT002`), name (`missing-timezone`) or prefix (`DT`): a level, or a
    /// mapping with `level` and the rule's options.
    pub rules: Option<BTreeMap<String, RuleSetting>>,
    /// The registry the TX and SA rules check against, by category slug; `"*"` holds the
    /// defaults for every category.
    pub categories: Option<BTreeMap<String, Category>>,
    /// Globs of files, each with the rules (codes, names, prefixes) not run on them.
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    /// Declarative rules: a regular expression a front matter field or the body must (not)
    /// match.
    pub custom: Option<Vec<CustomRule>>,
    pub links: Option<Links>,
}

/// The site as Jekyll serves it.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The site's URL (`https://example.com`): links to it are the site's own.
    pub url: Option<String>,
    /// An offset (`+08:00`, `+0800`, `UTC`) or a zone name (`Asia/Shanghai`).
    pub timezone: Option<String>,
    /// Other names of the same site.
    pub hosts: Option<Vec<String>>,
    /// Jekyll's `future`: true publishes posts dated in the future (DT005 is silent).
    pub future: Option<bool>,
}

/// A rule's level.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Warn,
    /// The same as `warn`.
    Warning,
    Error,
}

/// A level, or a level with the rule's options.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RuleSetting {
    Level(Level),
    WithOptions(RuleOptions),
}

/// `level` and the rule's options (see the README's "Rule options": `pattern`, `keys`,
/// `types`, `non_empty`, `known`, `allowed`, `format`, `elements`, `attributes`, `schemes`,
/// `allow_hosts`, `generated`, `max`).
#[derive(Serialize, JsonSchema)]
pub struct RuleOptions {
    pub level: Option<Level>,
    #[serde(flatten)]
    pub options: BTreeMap<String, serde_json::Value>,
}

/// Whether a post must, may or must not carry something.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    Required,
    Optional,
    None,
}

/// A category of the registry (or, under `"*"`, the defaults of every category).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The outlet's name, as the attribution credits it.
    pub name: Option<String>,
    /// The tag every post of the category carries.
    pub tag: Option<String>,
    /// Hosts the category's source links point to.
    pub source_hosts: Option<Vec<String>>,
    pub attribution: Option<Need>,
    /// `match`: the attribution must name the category's outlet; `any`: any name.
    pub attribution_name: Option<AttributionName>,
    pub source_link: Option<Need>,
    pub back_links: Option<Need>,
    pub category_links: Option<Vec<String>>,
    pub home_links: Option<Vec<String>>,
    /// Defaults only: how a category's tag is derived from its name (`pinyin` or `none`).
    pub derive: Option<String>,
    /// Defaults only: the attribution's text, with `{name}`.
    pub attribution_format: Option<String>,
    /// Defaults only: the text of a back link.
    pub back_link_text: Option<String>,
    /// Defaults only: the text of a link to the home page.
    pub home_link_text: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AttributionName {
    Match,
    Any,
}

/// A declarative rule.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomRule {
    /// Capital letters, then three digits (`CU001`).
    #[schemars(regex(pattern = r"^[A-Z]+[0-9]{3}$"))]
    pub code: String,
    /// A kebab-case name.
    pub name: String,
    /// The front matter field to match (or `body`).
    pub field: Option<String>,
    /// Match the body instead of a field.
    pub body: Option<bool>,
    /// A regular expression the text must not match.
    pub forbid: Option<String>,
    /// A regular expression the text must match.
    pub require: Option<String>,
    pub message: Option<String>,
    pub help: Option<String>,
    pub level: Option<Level>,
}

/// `--online`: the external link check (LK006).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Links {
    /// Check external links on every run (as `--online`).
    pub online: Option<bool>,
    /// Per request, e.g. `5s`, `500ms`.
    pub timeout: Option<String>,
    #[schemars(range(min = 1, max = 256))]
    pub max_concurrency: Option<u64>,
    #[schemars(range(min = 1, max = 64))]
    pub per_host: Option<u64>,
    /// The least time between two requests to one host, e.g. `100ms`.
    pub per_host_interval: Option<String>,
    #[schemars(range(min = 0, max = 10))]
    pub retries: Option<u64>,
    /// e.g. `1s`.
    pub retry_wait: Option<String>,
    #[schemars(range(min = 0, max = 30))]
    pub max_redirects: Option<u64>,
    /// Keep answers between runs.
    pub cache: Option<bool>,
    /// e.g. `1d`, `12h`.
    pub cache_max_age: Option<String>,
    /// Status codes and ranges that count as alive (`[200..=299, 429]`).
    pub accept: Option<Accept>,
    /// Regular expressions of URLs never requested.
    pub exclude: Option<Vec<String>>,
    /// Regular expressions: only matching URLs are requested.
    pub include: Option<Vec<String>>,
    /// Request private and loopback addresses too.
    pub allow_private: Option<bool>,
}

/// Status codes: a list, or one comma-separated string.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Accept {
    One(AcceptItem),
    Many(Vec<AcceptItem>),
}

#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum AcceptItem {
    Code(u16),
    Text(String),
}

/// The schema of [`ConfigFile`] (draft 2020-12; an absent key is absent, not `null`: the
/// loader rejects a null value).
fn root() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<ConfigFile>();
    let mut v = serde_json::to_value(&schema).unwrap_or_default();
    drop_null(&mut v);
    v
}

/// Removes the `null` schemars adds for each `Option` (`"type": [T, "null"]`, an `anyOf` with
/// `{"type": "null"}`). The schema is this module's own, a few levels deep.
fn drop_null(v: &mut serde_json::Value) {
    use serde_json::Value;
    let Value::Object(m) = v else {
        if let Value::Array(items) = v {
            items.iter_mut().for_each(drop_null);
        }
        return;
    };
    if let Some(Value::Array(types)) = m.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let t = types.remove(0);
            m.insert("type".into(), t);
        }
    }
    if let Some(Value::Array(any)) = m.get_mut("anyOf") {
        any.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
        if any.len() == 1 {
            let only = any.remove(0);
            m.remove("anyOf");
            if let Value::Object(o) = only {
                for (k, x) in o {
                    m.entry(k).or_insert(x);
                }
            }
        }
    }
    m.values_mut().for_each(drop_null);
}

/// The schema, as committed in `postlint.schema.json` (pretty JSON, one trailing newline).
pub fn json() -> String {
    let mut s = serde_json::to_string_pretty(&root()).unwrap_or_default();
    s.push('\n');
    s
}

/// The property names of the schema's object for the top level or a `$defs` entry.
pub fn keys(def: Option<&str>) -> Vec<String> {
    let v = root();
    let obj = match def {
        None => &v,
        Some(d) => &v["$defs"][d],
    };
    obj["properties"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}
