//! `_config.yml` as Jekyll 4.3 reads it (configuration.rb, jekyll.rb `configuration`, site.rb
//! `config=`): the files merged over `Configuration::DEFAULTS`, `add_default_collections`,
//! `add_default_excludes`, then the command-line overrides.

use std::path::{Path, PathBuf};

use crate::url::style_to_permalink;
use crate::value::{Value, ValueKind};
use crate::{FrontMatterReader, ReadOptions};

/// `Configuration::DEFAULT_EXCLUDES` (configuration.rb:255).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle/",
    "vendor/cache/",
    "vendor/gems/",
    "vendor/ruby/",
];

/// One collection of the site (`site.collections`).
#[derive(Debug, Clone)]
pub struct CollectionConfig {
    /// The label, sanitized (`Collection#sanitize_label`).
    pub label: String,
    /// `Collection#write?`: `metadata["output"]` (always true for `posts`).
    pub output: bool,
    /// `Collection#url_template`, or why Jekyll cannot make one.
    pub url_template: Result<String, String>,
    /// Its folder relative to the source: `<collections_dir>/_<label>`.
    pub directory: String,
    /// The collection's metadata hash (`collections: <label>: …`).
    pub metadata: Value,
}

/// The configuration the reader uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// The merged user configuration (a `Hash`), before defaults.
    pub raw: Value,
    /// `baseurl`.
    pub baseurl: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `permalink` (a style name or a template), as written.
    pub permalink: String,
    /// `timezone`.
    pub timezone: Option<String>,
    /// `collections_dir` ("" when unset).
    pub collections_dir: String,
    /// The collections, `posts` first.
    pub collections: Vec<CollectionConfig>,
    /// `include` (default `[".htaccess"]`).
    pub include: Vec<String>,
    /// `exclude` with `DEFAULT_EXCLUDES` added.
    pub exclude: Vec<String>,
    /// `keep_files`.
    pub keep_files: Vec<String>,
    /// `markdown_ext` as written.
    pub markdown_ext: String,
    /// The Markdown extensions, lowercased, with the dot.
    pub markdown_exts: Vec<String>,
    /// `show_drafts` (`--drafts`).
    pub show_drafts: bool,
    /// `future`.
    pub future: bool,
    /// `unpublished`.
    pub unpublished: bool,
    /// `safe`.
    pub safe: bool,
    /// `limit_posts`.
    pub limit_posts: u64,
    /// `plugins` (Jekyll 4.3 ignores the old `gems` key).
    pub plugins: Vec<String>,
    /// Whether `gems:` is set (ignored by Jekyll 4.3; honoured by Jekyll 3).
    pub gems_key: bool,
    /// `whitelist` (the plugins allowed in safe mode).
    pub whitelist: Vec<String>,
    /// `plugins_dir`.
    pub plugins_dir: String,
    /// `theme`.
    pub theme: Option<String>,
    /// `strict_front_matter`.
    pub strict_front_matter: bool,
    /// `paginate`.
    pub paginate: Option<Value>,
    /// `paginate_path`.
    pub paginate_path: String,
    /// `time` (the build time), as written.
    pub time: Option<Value>,
    /// `defaults`, as written.
    pub defaults: Value,
    /// Conditions under which Jekyll stops before reading (message).
    pub fatal: Vec<String>,
    /// Warnings (a config file that is not a hash, a missing default file).
    pub warnings: Vec<String>,
    /// A `_config.toml` was the config file (not read here).
    pub toml: bool,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v.map(|v| &v.kind) {
        Some(ValueKind::Seq(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// `Utils.deep_merge_hashes` of two hashes (depth-capped: nested hashes deeper than 32 levels
/// are replaced instead of merged).
pub fn deep_merge(target: &mut Value, other: &Value) {
    deep_merge_at(target, other, 0);
}

fn deep_merge_at(target: &mut Value, other: &Value, depth: usize) {
    let (ValueKind::Map(t), ValueKind::Map(o)) = (&mut target.kind, &other.kind) else {
        return;
    };
    for (k, v) in o {
        let pos = t.iter().rposition(|(tk, _)| tk.kind == k.kind);
        match pos {
            Some(i) => {
                if v.is_null() {
                    continue;
                }
                let both_maps =
                    matches!(t[i].1.kind, ValueKind::Map(_)) && matches!(v.kind, ValueKind::Map(_));
                if both_maps && depth < 32 {
                    deep_merge_at(&mut t[i].1, v, depth + 1);
                } else {
                    t[i].1 = v.clone();
                }
            }
            None => t.push((k.clone(), v.clone())),
        }
    }
}

fn set(map: &mut Value, key: &str, v: Value) {
    if let ValueKind::Map(m) = &mut map.kind {
        if let Some(i) = m.iter().rposition(|(k, _)| k.as_str() == Some(key)) {
            m[i].1 = v;
        } else {
            m.push((Value::string(key), v));
        }
    }
}

fn empty_map() -> Value {
    Value::synthetic(ValueKind::Map(Vec::new()))
}

/// The config files Jekyll reads: `--config`, else the source's `_config.yml` / `.yaml` /
/// `.toml` (the first that exists), else `_config.yml` (missing: a warning, no settings).
pub fn config_files(source: &Path, opts: &ReadOptions) -> (Vec<PathBuf>, bool) {
    if let Some(files) = &opts.config_files {
        return (files.clone(), false);
    }
    for ext in ["yml", "yaml", "toml"] {
        let p = source.join(format!("_config.{ext}"));
        if p.exists() {
            return (vec![p], true);
        }
    }
    (vec![source.join("_config.yml")], true)
}

/// Reads and merges the configuration.
pub fn load(source: &Path, opts: &ReadOptions, fm: &dyn FrontMatterReader) -> Config {
    let mut raw = empty_map();
    let mut fatal = Vec::new();
    let mut warnings = Vec::new();
    let mut toml = false;
    let (files, default) = config_files(source, opts);
    for file in files {
        let is_toml = file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let is_yaml = file.extension().is_some_and(|e| {
            let e = e.to_string_lossy().to_ascii_lowercase();
            e.contains("yml") || e.contains("yaml")
        });
        let bytes = match crate::frontmatter::read_regular(&file) {
            Ok(b) => b,
            Err(_) => {
                if default {
                    warnings.push("Configuration file: none".into());
                } else {
                    fatal.push(format!(
                        "The configuration file '{}' could not be found.",
                        file.display()
                    ));
                }
                continue;
            }
        };
        if is_toml {
            toml = true;
            continue;
        }
        if !is_yaml {
            warnings.push(format!("No parser for '{}' is available.", file.display()));
            break;
        }
        match fm.yaml_document(&bytes, opts.default_timezone.as_deref()) {
            Ok(v) => match v.kind {
                ValueKind::Map(_) => deep_merge(&mut raw, &v),
                ValueKind::Null => {}
                _ => {
                    // ArgumentError: the rest of the files are not read.
                    warnings.push(format!("Configuration file: (INVALID) {}", file.display()));
                    break;
                }
            },
            Err(e) => fatal.push(format!("{}: {}", file.display(), e.message)),
        }
    }
    for (opt, _) in [("include", ()), ("exclude", ())] {
        if let Some(v) = raw.get(opt)
            && !matches!(v.kind, ValueKind::Seq(_))
            && !v.is_null()
        {
            fatal.push(format!("'{opt}' should be set as an array"));
        }
    }
    if let Some(v) = raw.get("plugins")
        && !matches!(v.kind, ValueKind::Seq(_) | ValueKind::Null)
    {
        fatal.push("'plugins' should be set as an array".into());
    }
    build(raw, opts, fatal, warnings, toml)
}

fn get_str(raw: &Value, key: &str) -> Option<String> {
    raw.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

fn get_bool(raw: &Value, key: &str) -> Option<bool> {
    raw.get(key).filter(|v| !v.is_null()).map(Value::truthy)
}

fn build(
    mut raw: Value,
    opts: &ReadOptions,
    mut fatal: Vec<String>,
    warnings: Vec<String>,
    toml: bool,
) -> Config {
    // Command-line overrides (merged over the files).
    if let Some(b) = opts.show_drafts {
        set(
            &mut raw,
            "show_drafts",
            Value::synthetic(ValueKind::Bool(b)),
        );
    }
    if let Some(b) = opts.future {
        set(&mut raw, "future", Value::synthetic(ValueKind::Bool(b)));
    }
    if let Some(b) = opts.unpublished {
        set(
            &mut raw,
            "unpublished",
            Value::synthetic(ValueKind::Bool(b)),
        );
    }
    if let Some(b) = opts.safe {
        set(&mut raw, "safe", Value::synthetic(ValueKind::Bool(b)));
    }
    if let Some(n) = opts.limit_posts {
        set(
            &mut raw,
            "limit_posts",
            Value::synthetic(ValueKind::Int(n.to_string())),
        );
    }
    if let Some(b) = &opts.baseurl {
        set(&mut raw, "baseurl", Value::string(b.clone()));
    }

    let permalink = match raw.get("permalink").map(|v| &v.kind) {
        None | Some(ValueKind::Null) => "date".to_string(),
        Some(ValueKind::Str(s)) => s.clone(),
        Some(_) => {
            fatal.push("permalink: `to_sym` of a value that is not a String".into());
            "date".to_string()
        }
    };
    let collections_dir = get_str(&raw, "collections_dir").unwrap_or_default();

    // add_default_collections (configuration.rb:230).
    let mut labels: Vec<(String, Value)> = vec![("posts".into(), empty_map())];
    match raw.get("collections").map(|v| &v.kind) {
        Some(ValueKind::Map(m)) => {
            for (k, v) in m {
                let label = k.ruby_to_s();
                let meta = if v.is_null() { empty_map() } else { v.clone() };
                if let Some(e) = labels.iter_mut().find(|(l, _)| *l == label) {
                    if let (ValueKind::Map(_), ValueKind::Map(_)) = (&e.1.kind, &meta.kind) {
                        deep_merge(&mut e.1, &meta);
                    } else {
                        e.1 = meta;
                    }
                } else {
                    labels.push((label, meta));
                }
            }
        }
        Some(ValueKind::Seq(items)) => {
            for i in items {
                let label = i.ruby_to_s();
                if !labels.iter().any(|(l, _)| *l == label) {
                    labels.push((label, empty_map()));
                }
            }
        }
        None | Some(ValueKind::Null) => {}
        Some(_) => fatal.push("Your `collections` key must be a hash or an array.".into()),
    }
    let mut collections = Vec::new();
    for (label, mut meta) in labels {
        let sanitized: String = label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .collect();
        if label == "posts" {
            set(&mut meta, "output", Value::synthetic(ValueKind::Bool(true)));
            if meta.get("permalink").is_none_or(|p| !p.truthy()) {
                set(
                    &mut meta,
                    "permalink",
                    Value::string(style_to_permalink(&permalink)),
                );
            }
        }
        if !matches!(meta.kind, ValueKind::Map(_)) {
            fatal.push(format!("collection `{label}`: metadata is not a hash"));
            meta = empty_map();
        }
        let output = meta.get("output").is_some_and(Value::truthy);
        let url_template = match meta.get("permalink") {
            None => Ok(crate::url::add_permalink_suffix(
                "/:collection/:path",
                &permalink,
            )),
            Some(v) => match &v.kind {
                ValueKind::Str(s) => Ok(s.clone()),
                ValueKind::Null | ValueKind::Bool(false) => {
                    Err("ArgumentError: One of :template or :permalink must be supplied.".into())
                }
                _ => Err("the collection's permalink is not a String".into()),
            },
        };
        let directory = if collections_dir.is_empty() {
            format!("_{sanitized}")
        } else {
            format!("{}/_{sanitized}", collections_dir.trim_end_matches('/'))
        };
        collections.push(CollectionConfig {
            label: sanitized,
            output,
            url_template,
            directory,
            metadata: meta,
        });
    }

    let include = match raw.get("include") {
        Some(v) if !v.is_null() => strings(Some(v)),
        _ => vec![".htaccess".to_string()],
    };
    let mut exclude = match raw.get("exclude") {
        Some(v) if !v.is_null() => strings(Some(v)),
        _ => Vec::new(),
    };
    for d in DEFAULT_EXCLUDES {
        if !exclude.iter().any(|e| e == d) {
            exclude.push((*d).to_string());
        }
    }
    {
        // Array#uniq!
        let mut seen = std::collections::HashSet::new();
        exclude.retain(|e| seen.insert(e.clone()));
    }
    let keep_files = match raw.get("keep_files") {
        Some(v) if !v.is_null() => strings(Some(v)),
        _ => vec![".git".into(), ".svn".into()],
    };
    let markdown_ext =
        get_str(&raw, "markdown_ext").unwrap_or_else(|| "markdown,mkdown,mkdn,mkd,md".into());
    let markdown_exts = markdown_ext
        .split(',')
        .map(|e| format!(".{}", e.to_lowercase()))
        .collect();
    let limit_posts = match raw.get("limit_posts").map(|v| &v.kind) {
        Some(ValueKind::Int(i)) => match i.parse::<i64>() {
            Ok(n) if n < 0 => {
                fatal.push("limit_posts must be a non-negative number".into());
                0
            }
            Ok(n) => n as u64,
            Err(_) => 0,
        },
        _ => 0,
    };
    let timezone = get_str(&raw, "timezone");
    Config {
        baseurl: get_str(&raw, "baseurl"),
        url: get_str(&raw, "url"),
        permalink,
        timezone,
        collections_dir,
        collections,
        include,
        exclude,
        keep_files,
        markdown_ext,
        markdown_exts,
        show_drafts: get_bool(&raw, "show_drafts").unwrap_or(false),
        future: get_bool(&raw, "future").unwrap_or(false),
        unpublished: get_bool(&raw, "unpublished").unwrap_or(false),
        safe: get_bool(&raw, "safe").unwrap_or(false),
        limit_posts,
        plugins: strings(raw.get("plugins")),
        gems_key: raw.get("gems").is_some(),
        whitelist: match raw.get("whitelist") {
            Some(v) if v.as_seq().is_some() => strings(Some(v)),
            Some(v) => v.as_str().map(|s| vec![s.to_string()]).unwrap_or_default(),
            None => Vec::new(),
        },
        plugins_dir: get_str(&raw, "plugins_dir").unwrap_or_else(|| "_plugins".into()),
        theme: get_str(&raw, "theme"),
        strict_front_matter: get_bool(&raw, "strict_front_matter").unwrap_or(false),
        paginate: raw.get("paginate").filter(|v| !v.is_null()).cloned(),
        paginate_path: get_str(&raw, "paginate_path").unwrap_or_else(|| "/page:num".into()),
        time: raw.get("time").filter(|v| v.truthy()).cloned(),
        defaults: raw.get("defaults").cloned().unwrap_or_else(Value::null),
        raw,
        fatal,
        warnings,
        toml,
    }
}

impl Config {
    /// The collection with this label.
    pub fn collection(&self, label: &str) -> Option<&CollectionConfig> {
        self.collections.iter().find(|c| c.label == label)
    }

    /// A plugin's settings (`feed:`, `jekyll-archives:`, …).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.raw.get(key)
    }
}
