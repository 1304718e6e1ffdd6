//! Configuration: `postlint.yaml` discovery, `extends` chains of built-in packs and files, and
//! validation of every key with errors that point into the config file.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::paths::{normalize, relative_to};
use crate::base::suggest::did_you_mean;
use crate::base::text::LineIndex;
use crate::diagnostic::{Diagnostic, Severity, SourceText, finalize};
use crate::jekyll::date::parse_timezone;
use crate::jekyll::yaml::NodeExt;
use crate::jekyll::yaml::{self, Node, ScalarType};
use crate::rules::registry::default_levels;
use crate::rules::select::{Selector, select};
use crate::rules::{RULES, Rule};
use crate::settings::categories::Need;
use crate::settings::custom_rules::{CustomRule, Target};
use crate::settings::external_links::{parse_accept, parse_duration};
use crate::settings::{Level, Settings};

pub mod schema;

/// The config file names looked for, in each directory from the current one upward.
pub const CONFIG_NAMES: &[&str] = &["postlint.yaml", ".postlint.yaml"];

/// Built-in packs, embedded in the binary.
pub const PACKS: &[(&str, &str)] = &[
    ("jekyll", include_str!("../../rules/jekyll.yaml")),
    ("finews", include_str!("../../rules/finews.yaml")),
];

const TOP_KEYS: &[&str] = &[
    "extends",
    "posts",
    "exclude",
    "site",
    "rules",
    "categories",
    "per_file_ignores",
    "custom",
    "links",
];
const CUSTOM_KEYS: &[&str] = &[
    "code", "name", "field", "body", "forbid", "require", "message", "help", "level",
];
const LINKS_KEYS: &[&str] = &[
    "online",
    "timeout",
    "max_concurrency",
    "per_host",
    "per_host_interval",
    "retries",
    "retry_wait",
    "max_redirects",
    "cache",
    "cache_max_age",
    "accept",
    "exclude",
    "include",
    "allow_private",
];
const CATEGORY_KEYS: &[&str] = &[
    "name",
    "tag",
    "source_hosts",
    "attribution",
    "attribution_name",
    "source_link",
    "back_links",
    "category_links",
    "home_links",
];
const DEFAULT_KEYS: &[&str] = &[
    "derive",
    "tag",
    "attribution_format",
    "back_link_text",
    "home_link_text",
];
const SITE_KEYS: &[&str] = &["url", "timezone", "hosts", "future"];

/// A built-in pack on its own (as if a config said only `extends: NAME`).
pub fn builtin(name: &str, root: PathBuf) -> Result<Settings, Vec<Diagnostic>> {
    let mut loader = Loader::default();
    let mut settings = Settings::new(root, default_levels());
    loader.apply_pack(&mut settings, name);
    loader.finish(settings)
}

/// Load a config file (which extends `jekyll` unless it says otherwise). Messages name it
/// relative to `cwd`.
pub fn load(path: &Path, cwd: &Path) -> Result<Settings, Vec<Diagnostic>> {
    let path = &normalize(&cwd.join(path));
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut settings = Settings::new(root, default_levels());
    settings.path = Some(path.to_path_buf());
    let mut loader = Loader::default();
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let src = Arc::new(SourceText {
                name: relative_to(path, &normalize(cwd)).display().to_string(),
                text,
            });
            loader.apply(&mut settings, &src, path.parent(), true);
        }
        Err(e) => loader.errors.push(plain_error(format!(
            "cannot read config file `{}`: {e}",
            path.display()
        ))),
    }
    loader.finish(settings)
}

/// Discover the config from `start` upward; without one, the `jekyll` pack. Messages name
/// the config relative to `cwd`.
pub fn discover(start: &Path, cwd: &Path) -> Result<Settings, Vec<Diagnostic>> {
    match find_config(start) {
        Some(path) => load(&path, cwd),
        None => builtin("jekyll", cwd.to_path_buf()),
    }
}

/// A YAML 1.1 boolean (`true`, `yes`, `on`, … in their three cases), or `None` for any other
/// value.
fn yaml_bool(v: &Node) -> Option<bool> {
    (v.scalar_type() == Some(ScalarType::Bool)).then(|| {
        v.as_str().is_some_and(|s| {
            [
                "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON",
            ]
            .contains(&s)
        })
    })
}

/// The nearest `postlint.yaml` or `.postlint.yaml` from `dir` upward.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .flat_map(|d| CONFIG_NAMES.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// An error of the tool itself, with no file to point into.
pub fn plain_error(message: String) -> Diagnostic {
    Diagnostic::new("config", "", Severity::Error, 0..0, message)
}

#[derive(Default)]
struct Loader {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// The extends chain being applied, to catch cycles.
    chain: Vec<String>,
}

impl Loader {
    fn finish(self, mut settings: Settings) -> Result<Settings, Vec<Diagnostic>> {
        if self.errors.is_empty() {
            settings.warnings = self.warnings;
            Ok(settings)
        } else {
            Err(self.errors)
        }
    }

    fn diag(
        &self,
        src: &Arc<SourceText>,
        severity: Severity,
        span: Range<usize>,
        message: String,
    ) -> Diagnostic {
        let mut d = [Diagnostic::new("config", "", severity, span, message)];
        let index = LineIndex::new(&src.text);
        finalize(
            &mut d,
            &Arc::from(src.name.as_str()),
            &src.text,
            &index,
            Some(src),
        );
        let [d] = d;
        d
    }

    fn error(
        &mut self,
        src: &Arc<SourceText>,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let mut d = self.diag(src, Severity::Error, span, message.into());
        d.help = help;
        self.errors.push(d);
    }

    fn apply_pack(&mut self, settings: &mut Settings, name: &str) {
        let Some((_, text)) = PACKS.iter().find(|(n, _)| *n == name) else {
            return;
        };
        let src = Arc::new(SourceText {
            name: format!("<built-in pack {name}>"),
            text: (*text).to_string(),
        });
        self.apply(settings, &src, None, false);
    }

    /// Apply one config document on top of `settings`.
    fn apply(
        &mut self,
        settings: &mut Settings,
        src: &Arc<SourceText>,
        dir: Option<&Path>,
        user: bool,
    ) {
        if self.chain.iter().any(|n| *n == src.name) {
            self.error(
                src,
                0..0,
                format!("`extends` loops back to `{}`", src.name),
                None,
            );
            return;
        }
        if self.chain.len() > 16 {
            self.error(src, 0..0, "`extends` chain is deeper than 16 files", None);
            return;
        }
        let root = match yaml::parse(&src.text, 0) {
            Ok(root) => root,
            Err(e) => {
                let text = &src.text;
                let trimmed = text.trim_end().len();
                let span = if e.offset >= trimmed {
                    // The YAML stopped mid-structure: point at its last character.
                    text[..trimmed]
                        .char_indices()
                        .next_back()
                        .map_or(0..0, |(i, c)| i..i + c.len_utf8())
                } else {
                    let mut at = e.offset;
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    let len = text[at..].chars().next().map_or(0, char::len_utf8);
                    at..at + len
                };
                self.error(src, span, format!("invalid YAML: {}", e.message), None);
                return;
            }
        };
        let Some(root) = root else {
            if user {
                self.apply_pack(settings, "jekyll");
            }
            return;
        };
        let Some(entries) = root.as_map() else {
            self.error(
                src,
                root.span.clone(),
                "the configuration must be a mapping of keys to values",
                None,
            );
            return;
        };
        self.chain.push(src.name.clone());

        self.duplicates(src, entries);
        // `extends` first, wherever it stands.
        match root.get("extends") {
            Some(node) => self.extends(settings, src, dir, node),
            None if user => self.apply_pack(settings, "jekyll"),
            None => {}
        }
        for (key_node, value) in entries {
            let Some(key) = key_node.as_str() else {
                self.error(
                    src,
                    key_node.span.clone(),
                    "configuration keys must be strings",
                    None,
                );
                continue;
            };
            match key {
                "extends" => {}
                "posts" => {
                    if let Some(list) = self.globs(src, value, key) {
                        settings.posts = list;
                        if let Some(dir) = dir {
                            settings.root = dir.to_path_buf();
                        }
                    }
                }
                "exclude" => {
                    if let Some(list) = self.globs(src, value, key) {
                        settings.exclude = list;
                    }
                }
                "site" => self.site(settings, src, value),
                "rules" => self.rules(settings, src, value),
                "categories" => self.categories(settings, src, value),
                "per_file_ignores" => self.per_file_ignores(settings, src, value),
                "custom" => self.custom(settings, src, value),
                "links" => self.links(settings, src, value),
                k => {
                    let help = did_you_mean(k, TOP_KEYS.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some(format!("known keys: {}", TOP_KEYS.join(", "))));
                    self.error(
                        src,
                        key_node.span.clone(),
                        format!("unknown configuration key `{k}`"),
                        help,
                    );
                }
            }
        }
        self.chain.pop();
    }

    fn duplicates(&mut self, src: &Arc<SourceText>, entries: &[(Node, Node)]) {
        for (i, (k, _)) in entries.iter().enumerate() {
            if let Some(key) = k.as_str()
                && entries[..i].iter().any(|(p, _)| p.as_str() == Some(key))
            {
                self.error(
                    src,
                    k.span.clone(),
                    format!("`{key}` is set twice"),
                    Some("keep one of them".into()),
                );
            }
        }
    }

    fn extends(
        &mut self,
        settings: &mut Settings,
        src: &Arc<SourceText>,
        dir: Option<&Path>,
        node: &Node,
    ) {
        let Some(name) = node.as_str().filter(|_| !node.is_null()) else {
            self.error(
                src,
                node.span.clone(),
                "`extends` must be a pack name or a path",
                None,
            );
            return;
        };
        if PACKS.iter().any(|(n, _)| *n == name) {
            self.apply_pack(settings, name);
            return;
        }
        let looks_like_path =
            name.contains('/') || name.ends_with(".yaml") || name.ends_with(".yml");
        if !looks_like_path {
            let packs: Vec<&str> = PACKS.iter().map(|(n, _)| *n).collect();
            let help = match did_you_mean(name, packs.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "built-in packs: {}; or give a path to a YAML file",
                    packs.join(", ")
                ),
            };
            self.error(
                src,
                node.span.clone(),
                format!("unknown pack `{name}`"),
                Some(help),
            );
            return;
        }
        let path = match dir {
            Some(d) => d.join(name),
            None => PathBuf::from(name),
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let base = Arc::new(SourceText {
                    name: relative_name(&path, &src.name, dir),
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                });
                self.apply(settings, &base, path.parent(), true);
            }
            Err(e) => self.error(
                src,
                node.span.clone(),
                format!("cannot read `{}`: {e}", path.display()),
                Some("paths in `extends` are relative to the file that names them".into()),
            ),
        }
    }

    fn strings(
        &mut self,
        src: &Arc<SourceText>,
        value: &Node,
        what: &str,
    ) -> Option<Vec<(String, Range<usize>)>> {
        let items: Vec<&Node> = match value.as_seq() {
            Some(items) => items.iter().collect(),
            None if value.as_str().is_some() && !value.is_null() => vec![value],
            None => {
                self.error(
                    src,
                    value.span.clone(),
                    format!("`{what}` must be a list of strings"),
                    None,
                );
                return None;
            }
        };
        let mut out = Vec::new();
        for item in items {
            match item.as_str() {
                Some(s) if !item.is_null() => out.push((s.to_string(), item.span.clone())),
                _ => {
                    self.error(
                        src,
                        item.span.clone(),
                        format!("`{what}` must be a list of strings"),
                        None,
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    fn globs(&mut self, src: &Arc<SourceText>, value: &Node, what: &str) -> Option<Vec<String>> {
        let items = self.strings(src, value, what)?;
        let mut ok = true;
        for (glob, span) in &items {
            if let Err(e) = globset::Glob::new(glob) {
                self.error(
                    src,
                    span.clone(),
                    format!("invalid glob: {}", e.kind()),
                    None,
                );
                ok = false;
            }
        }
        ok.then(|| items.into_iter().map(|(s, _)| s).collect())
    }

    fn site(&mut self, settings: &mut Settings, src: &Arc<SourceText>, value: &Node) {
        let Some(entries) = value.as_map() else {
            self.error(
                src,
                value.span.clone(),
                "`site` must be a mapping (url, timezone, hosts, future)",
                None,
            );
            return;
        };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or("");
            match key {
                "url" => match v.as_str() {
                    Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                        settings.site.url = Some(url.trim_end_matches('/').to_string());
                    }
                    _ => self.error(
                        src,
                        v.span.clone(),
                        "`site.url` must be an absolute http(s) URL",
                        Some("e.g. `url: \"https://example.com\"`".into()),
                    ),
                },
                "timezone" => match v.as_str().and_then(parse_timezone) {
                    Some(tz) => settings.site.timezone = Some(tz),
                    None => self.error(
                        src,
                        v.span.clone(),
                        format!("`{}` is not a time zone", v.as_str().unwrap_or("")),
                        Some(
                            "use an offset such as \"+08:00\" or a zone name such as Asia/Shanghai"
                                .into(),
                        ),
                    ),
                },
                "hosts" => {
                    if let Some(list) = self.strings(src, v, "site.hosts") {
                        settings.site.hosts = list
                            .into_iter()
                            .map(|(s, _)| s.to_ascii_lowercase())
                            .collect();
                    }
                }
                "future" => match yaml_bool(v) {
                    Some(b) => settings.site.future = Some(b),
                    None => self.error(
                        src,
                        v.span.clone(),
                        "`site.future` must be true or false",
                        None,
                    ),
                },
                other => {
                    let help = did_you_mean(other, SITE_KEYS.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some(format!("known keys: {}", SITE_KEYS.join(", "))));
                    self.error(
                        src,
                        k.span.clone(),
                        format!("unknown key `site.{other}`"),
                        help,
                    );
                }
            }
        }
    }

    /// The `links:` section (external link checking).
    fn links(&mut self, settings: &mut Settings, src: &Arc<SourceText>, value: &Node) {
        let Some(entries) = value.as_map() else {
            self.error(
                src,
                value.span.clone(),
                "`links` must be a mapping (online, timeout, max_concurrency, …)",
                None,
            );
            return;
        };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or("");
            let o = &mut settings.links;
            let boolean = || yaml_bool(v);
            let duration = || v.as_str().filter(|_| !v.is_null()).and_then(parse_duration);
            let count = |min: u64, max: u64| {
                v.as_str()
                    .filter(|_| v.scalar_type() == Some(ScalarType::Int))
                    .and_then(|s| s.parse::<u64>().ok())
                    .filter(|n| (min..=max).contains(n))
            };
            let ok = match key {
                "online" => boolean().map(|b| o.online = b).ok_or("true or false"),
                "allow_private" => boolean()
                    .map(|b| o.allow_private = b)
                    .ok_or("true or false"),
                "cache" => boolean().map(|b| o.cache = b).ok_or("true or false"),
                "timeout" => duration()
                    .filter(|d| !d.is_zero())
                    .map(|d| o.timeout = d)
                    .ok_or("a duration such as `5s` or `500ms`"),
                "per_host_interval" => duration()
                    .map(|d| o.per_host_interval = d)
                    .ok_or("a duration such as `100ms`"),
                "retry_wait" => duration()
                    .map(|d| o.retry_wait = d)
                    .ok_or("a duration such as `1s`"),
                "cache_max_age" => duration()
                    .map(|d| o.cache_max_age = d)
                    .ok_or("a duration such as `1d` or `12h`"),
                "max_concurrency" => count(1, 256)
                    .map(|n| o.max_concurrency = n as usize)
                    .ok_or("a whole number from 1 to 256"),
                "per_host" => count(1, 64)
                    .map(|n| o.per_host = n as usize)
                    .ok_or("a whole number from 1 to 64"),
                "retries" => count(0, 10)
                    .map(|n| o.retries = n as u32)
                    .ok_or("a whole number from 0 to 10"),
                "max_redirects" => count(0, 30)
                    .map(|n| o.max_redirects = n as u32)
                    .ok_or("a whole number from 0 to 30"),
                "accept" => {
                    let items: Vec<&Node> = match v.as_seq() {
                        Some(items) => items.iter().collect(),
                        None => vec![v],
                    };
                    let mut ranges = Vec::new();
                    let mut bad = None;
                    for item in items {
                        let text = item.as_str().unwrap_or("");
                        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
                            match parse_accept(part) {
                                Some(r) => ranges.push(r),
                                None => bad = Some(item.span.clone()),
                            }
                        }
                    }
                    match bad {
                        Some(span) => {
                            self.error(
                                src,
                                span,
                                "not a status code or range",
                                Some("e.g. `accept: [200..=299, 429]`".into()),
                            );
                            continue;
                        }
                        None if ranges.is_empty() => Err("a list of status codes and ranges"),
                        None => {
                            o.accept = ranges;
                            Ok(())
                        }
                    }
                }
                "exclude" | "include" => {
                    let Some(list) = self.strings(src, v, &format!("links.{key}")) else {
                        continue;
                    };
                    let mut regexes = Vec::new();
                    for (pattern, span) in list {
                        match regex::Regex::new(&pattern) {
                            Ok(r) => regexes.push(r),
                            Err(e) => self.error(
                                src,
                                span,
                                format!(
                                    "invalid regular expression: {}",
                                    crate::base::text::regex_error(&e)
                                ),
                                None,
                            ),
                        }
                    }
                    let o = &mut settings.links;
                    if key == "exclude" {
                        o.exclude = regexes;
                    } else {
                        o.include = regexes;
                    }
                    Ok(())
                }
                other => {
                    let help = did_you_mean(other, LINKS_KEYS.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some(format!("known keys: {}", LINKS_KEYS.join(", "))));
                    self.error(
                        src,
                        k.span.clone(),
                        format!("unknown key `links.{other}`"),
                        help,
                    );
                    continue;
                }
            };
            if let Err(expected) = ok {
                self.error(
                    src,
                    v.span.clone(),
                    format!("`links.{key}` must be {expected}"),
                    None,
                );
            }
        }
    }

    fn custom(&mut self, settings: &mut Settings, src: &Arc<SourceText>, value: &Node) {
        let Some(items) = value.as_seq() else {
            self.error(
                src,
                value.span.clone(),
                "`custom` must be a list of rules",
                Some(
                    "each rule: { code, name, field or body, forbid or require, message, level }"
                        .into(),
                ),
            );
            return;
        };
        for item in items {
            let Some(fields) = item.as_map() else {
                self.error(
                    src,
                    item.span.clone(),
                    "a custom rule must be a mapping",
                    None,
                );
                continue;
            };
            let get = |k: &str| item.get(k).filter(|n| !n.is_null());
            let s = |k: &str| get(k).and_then(Node::as_str).map(str::to_string);
            let before = self.errors.len();
            for (k, _) in fields {
                let key = k.as_str().unwrap_or("");
                if !CUSTOM_KEYS.contains(&key) {
                    let help = did_you_mean(key, CUSTOM_KEYS.iter().copied())
                        .map(|x| format!("did you mean `{x}`?"));
                    self.error(
                        src,
                        k.span.clone(),
                        format!("unknown key `{key}` in a custom rule"),
                        help,
                    );
                }
            }
            let code = s("code").unwrap_or_default();
            let code_ok = code.len() >= 5
                && code[..code.len() - 3]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase())
                && code[code.len() - 3..].bytes().all(|b| b.is_ascii_digit());
            if !code_ok {
                self.error(src, get("code").map_or(item.span.clone(), |n| n.span.clone()), "a custom rule needs a `code` like `CU001` (capital letters, then three digits)", None);
            } else if Rule::from_code_or_name(&code).is_some()
                || settings.custom.iter().any(|c| c.code == code)
            {
                self.error(
                    src,
                    get("code").map_or(item.span.clone(), |n| n.span.clone()),
                    format!("code `{code}` is already taken"),
                    None,
                );
            }
            let name = s("name").unwrap_or_default();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                self.error(
                    src,
                    get("name").map_or(item.span.clone(), |n| n.span.clone()),
                    "a custom rule needs a kebab-case `name`",
                    None,
                );
            }
            let target = match (s("field"), get("body")) {
                (Some(f), None) => Some(Target::Field(f)),
                (None, Some(b)) if b.as_str() == Some("true") => Some(Target::Body),
                _ => {
                    self.error(
                        src,
                        item.span.clone(),
                        "a custom rule needs either `field: <key>` or `body: true`",
                        None,
                    );
                    None
                }
            };
            let (forbid, pattern_node) = match (get("forbid"), get("require")) {
                (Some(n), None) => (true, Some(n)),
                (None, Some(n)) => (false, Some(n)),
                _ => {
                    self.error(
                        src,
                        item.span.clone(),
                        "a custom rule needs either `forbid: <regex>` or `require: <regex>`",
                        None,
                    );
                    (true, None)
                }
            };
            let regex = pattern_node.and_then(|n| match n.as_str().map(regex::Regex::new) {
                Some(Ok(r)) => Some(r),
                Some(Err(e)) => {
                    self.error(
                        src,
                        n.span.clone(),
                        format!(
                            "invalid regular expression: {}",
                            crate::base::text::regex_error(&e)
                        ),
                        None,
                    );
                    None
                }
                None => {
                    self.error(src, n.span.clone(), "the pattern must be a string", None);
                    None
                }
            });
            let message = s("message");
            if message.is_none() {
                self.error(
                    src,
                    item.span.clone(),
                    "a custom rule needs a `message`",
                    None,
                );
            }
            let level = match get("level") {
                None => Some(Level::Warning),
                Some(n) => match n.as_str().and_then(Level::parse) {
                    Some(l) => Some(l),
                    None => {
                        self.error(
                            src,
                            n.span.clone(),
                            "`level` must be off, warn or error",
                            None,
                        );
                        None
                    }
                },
            };
            if self.errors.len() > before {
                continue;
            }
            if let (Some(target), Some(regex), Some(message), Some(level)) =
                (target, regex, message, level)
            {
                settings.custom.push(CustomRule {
                    code,
                    name,
                    level,
                    target,
                    forbid,
                    regex,
                    message,
                    help: s("help"),
                });
            }
        }
    }

    fn per_file_ignores(&mut self, settings: &mut Settings, src: &Arc<SourceText>, value: &Node) {
        let Some(entries) = value.as_map() else {
            self.error(
                src,
                value.span.clone(),
                "`per_file_ignores` must be a mapping of glob to rules",
                None,
            );
            return;
        };
        for (k, v) in entries {
            let Some(glob) = k.as_str() else { continue };
            if let Err(e) = globset::Glob::new(glob) {
                self.error(
                    src,
                    k.span.clone(),
                    format!("invalid glob: {}", e.kind()),
                    None,
                );
                continue;
            }
            let Some(list) = self.strings(src, v, "per_file_ignores") else {
                continue;
            };
            let mut selectors = Vec::new();
            for (sel, span) in list {
                let known =
                    Selector::parse(&sel).is_some_and(|s| s.is_known(&settings.custom_names()));
                if known {
                    selectors.push(sel);
                } else {
                    self.error(
                        src,
                        span,
                        format!("unknown rule `{sel}`"),
                        Some("`postlint rules` lists every rule".into()),
                    );
                }
            }
            settings
                .per_file_ignores
                .push((glob.to_string(), selectors));
        }
    }

    fn categories(&mut self, settings: &mut Settings, src: &Arc<SourceText>, value: &Node) {
        let Some(entries) = value.as_map() else {
            self.error(
                src,
                value.span.clone(),
                "`categories` must be a mapping of slug to category",
                None,
            );
            return;
        };
        self.duplicates(src, entries);
        for (k, v) in entries {
            let Some(slug) = k.as_str() else { continue };
            let Some(fields) = v.as_map() else {
                self.error(
                    src,
                    v.span.clone(),
                    format!("category `{slug}` must be a mapping (name, tag, source_hosts, …)"),
                    None,
                );
                continue;
            };
            let is_default = slug == "*";
            let registry = &mut settings.categories;
            let mut category = if is_default {
                registry.defaults.category.clone()
            } else {
                registry.get(slug).cloned().unwrap_or_default()
            };
            for (fk, fv) in fields {
                let Some(field) = fk.as_str() else { continue };
                let text = fv.as_str().filter(|_| !fv.is_null()).map(str::to_string);
                let need = || text.as_deref().and_then(Need::parse);
                let list = || -> Option<Vec<String>> {
                    fv.as_seq()?
                        .iter()
                        .map(|n| n.as_str().map(str::to_string))
                        .collect()
                };
                let ok = match field {
                    "derive" if is_default => match text.as_deref() {
                        Some("pinyin") => {
                            registry.defaults.derive_pinyin = true;
                            true
                        }
                        Some("none") => {
                            registry.defaults.derive_pinyin = false;
                            true
                        }
                        _ => false,
                    },
                    "tag" if is_default => {
                        text.clone().map(|t| registry.defaults.tag = t).is_some()
                    }
                    "attribution_format" if is_default => text
                        .clone()
                        .filter(|t| t.contains("{name}"))
                        .map(|t| registry.defaults.attribution_format = t)
                        .is_some(),
                    "back_link_text" if is_default => text
                        .clone()
                        .map(|t| registry.defaults.back_link_text = t)
                        .is_some(),
                    "home_link_text" if is_default => text
                        .clone()
                        .map(|t| registry.defaults.home_link_text = t)
                        .is_some(),
                    "name" => text.clone().map(|t| category.name = Some(t)).is_some(),
                    "tag" => text.clone().map(|t| category.tag = Some(t)).is_some(),
                    "attribution" => need().map(|n| category.attribution = Some(n)).is_some(),
                    "source_link" => need().map(|n| category.source_link = Some(n)).is_some(),
                    "back_links" => need().map(|n| category.back_links = Some(n)).is_some(),
                    "attribution_name" => match text.as_deref() {
                        Some("any") => {
                            category.attribution_any = Some(true);
                            true
                        }
                        Some("match") => {
                            category.attribution_any = Some(false);
                            true
                        }
                        _ => false,
                    },
                    "source_hosts" => list()
                        .map(|l| {
                            category.source_hosts =
                                Some(l.into_iter().map(|h| h.to_ascii_lowercase()).collect())
                        })
                        .is_some(),
                    "category_links" => list().map(|l| category.category_links = Some(l)).is_some(),
                    "home_links" => list().map(|l| category.home_links = Some(l)).is_some(),
                    other => {
                        let known: Vec<&str> = CATEGORY_KEYS
                            .iter()
                            .chain(if is_default { DEFAULT_KEYS } else { &[] })
                            .copied()
                            .collect();
                        let help = did_you_mean(other, known.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("known keys: {}", known.join(", ")));
                        self.error(
                            src,
                            fk.span.clone(),
                            format!("unknown key `{other}` in category `{slug}`"),
                            Some(help),
                        );
                        continue;
                    }
                };
                if !ok {
                    let expected = match field {
                        "attribution" | "source_link" | "back_links" => {
                            "required, optional or none"
                        }
                        "attribution_name" => "match or any",
                        "derive" => "pinyin or none",
                        "source_hosts" | "category_links" | "home_links" => "a list of strings",
                        "attribution_format" => "a string with `{name}`",
                        _ => "a string",
                    };
                    self.error(
                        src,
                        fv.span.clone(),
                        format!("`{field}` of category `{slug}` must be {expected}"),
                        None,
                    );
                }
            }
            let registry = &mut settings.categories;
            if is_default {
                registry.defaults.category = category;
            } else if let Some(slot) = registry.categories.iter_mut().find(|(s, _)| s == slug) {
                slot.1 = category;
            } else {
                registry.categories.push((slug.to_string(), category));
            }
        }
    }

    fn rules(&mut self, settings: &mut Settings, src: &Arc<SourceText>, value: &Node) {
        let Some(entries) = value.as_map() else {
            self.error(
                src,
                value.span.clone(),
                "`rules` must be a mapping of rule to level",
                None,
            );
            return;
        };
        self.duplicates(src, entries);
        for (k, v) in entries {
            let Some(selector) = k.as_str() else { continue };
            let selected = select(selector);
            if selected.is_empty() {
                let names = RULES.iter().flat_map(|r| [r.code, r.name]);
                let help = did_you_mean(selector, names)
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some("`postlint rules` lists every rule".into()));
                self.error(
                    src,
                    k.span.clone(),
                    format!("unknown rule `{selector}`"),
                    help,
                );
                continue;
            }
            match v.as_map() {
                None => match v.as_str().and_then(Level::parse) {
                    Some(level) => selected.iter().for_each(|r| r.set_level(settings, level)),
                    None => self.error(
                        src,
                        v.span.clone(),
                        format!("invalid level `{}`", v.as_str().unwrap_or("")),
                        Some(
                            "use off, warn or error, or a mapping with `level` and options".into(),
                        ),
                    ),
                },
                Some(options) => {
                    for (ok, ov) in options {
                        let Some(key) = ok.as_str() else { continue };
                        if key == "level" {
                            match ov.as_str().and_then(Level::parse) {
                                Some(level) => {
                                    selected.iter().for_each(|r| r.set_level(settings, level))
                                }
                                None => self.error(
                                    src,
                                    ov.span.clone(),
                                    "`level` must be off, warn or error",
                                    None,
                                ),
                            }
                            continue;
                        }
                        let [rule] = selected[..] else {
                            self.error(
                                src,
                                ok.span.clone(),
                                format!(
                                    "options need a single rule, but `{selector}` selects {}",
                                    selected.len()
                                ),
                                None,
                            );
                            continue;
                        };
                        match rule.def().options.iter().find(|o| o.key == key) {
                            None => self.error(
                                src,
                                ok.span.clone(),
                                format!("{} has no option `{key}`", rule.code()),
                                Some(format!("`postlint rule {}` lists its options", rule.code())),
                            ),
                            Some(option) => {
                                if let Err(message) = (option.set)(&mut settings.rules, ov) {
                                    self.error(src, ov.span.clone(), message, None);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How to name a file reached through `extends` from the config `parent_name` in `dir`: the
/// same relative prefix as the config's own name.
fn relative_name(path: &Path, parent_name: &str, dir: Option<&Path>) -> String {
    let parent_dir = Path::new(parent_name).parent().unwrap_or(Path::new(""));
    match dir.and_then(|d| path.strip_prefix(d).ok()) {
        Some(rel) => normalize(&parent_dir.join(rel)).display().to_string(),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    /// The schema's objects name exactly the keys the loader accepts.
    #[test]
    fn schema_keys_are_the_loaders() {
        let sorted = |v: &[&str]| {
            let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            v.sort();
            v.dedup();
            v
        };
        let mut category: Vec<&str> = CATEGORY_KEYS.to_vec();
        category.extend(DEFAULT_KEYS);
        for (def, keys) in [
            (None, TOP_KEYS),
            (Some("CustomRule"), CUSTOM_KEYS),
            (Some("Links"), LINKS_KEYS),
            (Some("Site"), SITE_KEYS),
            (Some("Category"), &category[..]),
        ] {
            let mut got = schema::keys(def);
            got.sort();
            assert_eq!(got, sorted(keys), "{def:?}");
        }
    }

    use super::*;

    #[test]
    fn packs_load_cleanly() {
        for (name, _) in PACKS {
            let s = builtin(name, PathBuf::from("."));
            assert!(s.is_ok(), "pack {name}: {:?}", s.err());
        }
    }

    #[test]
    fn jekyll_pack_levels_are_the_registry_defaults() {
        let s = builtin("jekyll", PathBuf::from(".")).unwrap();
        for rule in Rule::ALL {
            assert_eq!(rule.level(&s), rule.def().default, "{}", rule.code());
        }
    }

    #[test]
    fn finews_registry_names_give_their_slugs() {
        let s = builtin("finews", PathBuf::from(".")).unwrap();
        assert!(s.categories.defaults.derive_pinyin);
        for (slug, c) in &s.categories.categories {
            let name = c.name.as_deref().unwrap_or("");
            if c.tag.is_some() {
                continue; // emnews and sitenews name their feeds, not a derived source
            }
            assert!(
                crate::base::pinyin::pinyin_matches(name, slug),
                "{name} → {slug}"
            );
        }
        assert_eq!(
            s.categories.get("emnews").and_then(|c| c.tag.as_deref()),
            Some("东财滚动新闻")
        );
    }
}
