//! The site around the posts, as Jekyll 4.3's reader sees it (the `jekyll-site` crate,
//! proved against `jekyll build`): `_config.yml`, which files Jekyll reads and what each is (a
//! post, a draft, a collection document, a page, a static file), where each is published, the
//! pages the site's plugins generate, and the site's host names. Read lazily: a pre-commit run
//! on one post reads the configuration and that post; the index of every output is built on
//! the first link that needs it, and the posts are read for it only when a link points at
//! none of the site's other outputs.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

use jekyll_site::{
    CollectionDocs, Documents, FileInput, Lookup, PsychReader, ReadOptions, Role, Served,
    SiteConfig, SiteIndex, Unread, Value, YamlError as SiteYamlError,
};
use jiff::tz::TimeZone;

use super::document::{FrontMatter, Kind, Post};
use super::yaml::{Node, NodeExt};

/// The YAML and date reader of the site model: the `psych` crate, with "now" fixed by
/// `POSTLINT_NOW` like every date rule's.
static READER: LazyLock<PsychReader> = LazyLock::new(|| PsychReader {
    now: Some(super::date::now().as_second()),
});

mod layouts;
mod liquid_data;
pub use layouts::PrintContext;

pub use liquid_data::renders_liquid;

#[derive(Debug, Default)]
pub struct SiteModel {
    /// The site's source folder (where `_config.yml` is), if one was found.
    pub root: Option<PathBuf>,
    /// The configuration as Jekyll reads it (`None`: no site, or Jekyll cannot read it).
    config: Option<SiteConfig<'static>>,
    /// Why Jekyll stops before reading anything (an invalid `_config.yml`).
    pub fatal: Option<String>,
    /// `url` from `_config.yml`.
    pub url: Option<String>,
    pub baseurl: String,
    /// `timezone` and `future` from `_config.yml`.
    pub timezone: Option<String>,
    pub future: Option<bool>,
    /// The host names of the site (lowercase): `url`'s, `CNAME`'s, and `site.hosts`.
    pub hosts: Vec<String>,
    /// Every output that needs no post: pages, static files, collection documents, the
    /// plugins' pages (built on the first link that needs it).
    index: OnceLock<SiteIndex>,
    /// The same with every post and draft and the pages made from them (built only when a
    /// link points at none of the outputs of `index`).
    full: OnceLock<SiteIndex>,
    /// The relative paths of the site's posts (`_posts` folders), walked on first use (for
    /// `{% post_url %}`).
    post_files: OnceLock<Vec<String>>,
    /// Whether the includes are known ([`SiteModel::includes_known`]).
    includes_known: OnceLock<bool>,
    /// The layouts and includes, read on first use (HT009).
    layouts: OnceLock<layouts::Layouts>,
    /// `site` as Liquid sees it ([`SiteModel::liquid_site`]), built on first use.
    liquid_site: OnceLock<serde_json::Value>,
    /// Pages under `category/` that name a `category:` (TX007).
    pub category_pages: Vec<CategoryPage>,
    /// How Jekyll converts the site's Markdown (`markdown:`, `kramdown:` of `_config.yml`).
    pub markdown: super::kramdown_body::Markdown,
    /// Category and tag names of the run, interned (the cross-file index holds ids).
    names: Interner<str>,
    /// Pairings of a post's category and tags (`[category, tags…]` over name ids), interned:
    /// the cross-file index holds one id per post.
    pairings: Interner<[u32]>,
}

/// A file Jekyll does not read ([`SiteModel::place`]), and why, in words.
pub struct Unplaced {
    pub post: Post,
    pub why: &'static str,
}

/// Why Jekyll does not read a file, in words.
fn unread_words(unread: Option<Unread>) -> &'static str {
    match unread {
        Some(Unread::Excluded) => "the site's `exclude` lists it",
        Some(Unread::Special) => "its name or a folder's above it starts with `_`, `.`, `#` or `~`",
        Some(Unread::Backup) => "its name ends with `~`",
        Some(Unread::TrailingDot) => "its name ends with `.`",
        Some(Unread::UnsafeSymlink) => "it is a symbolic link leaving the site",
        Some(Unread::NotAPost) => {
            "it is in `_posts` without front matter or a `YYYY-MM-DD-title` name"
        }
        Some(Unread::Draft) => "it is a draft",
        Some(Unread::SymlinkedFolder) => "it is under a symbolic link to a folder",
        Some(Unread::Destination) => "it is in the destination folder",
        Some(Unread::Other) | None => "it is not a page, post or document of the site",
    }
}

/// What a link into the site finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An output the site publishes.
    Found,
    /// Nothing the site publishes.
    Missing,
    /// Nothing postlint knows of, but a plugin, theme or `_plugins/` it cannot read might
    /// make it.
    Unknown,
}

/// Plugins whose Liquid postlint knows: the tags and the filters each adds. A plugin not listed
/// may add any.
pub const LIQUID_PLUGINS: &[(&str, &[&str], &[&str])] = &[
    ("jekyll-feed", &["feed_meta"], &[]),
    ("jekyll-seo-tag", &["seo"], &[]),
    ("jekyll-gist", &["gist"], &[]),
    ("jekyll-avatar", &["avatar"], &[]),
    ("jekyll-include-cache", &["include_cached"], &[]),
    ("jekyll-sitemap", &[], &[]),
    ("jekyll-redirect-from", &[], &[]),
    ("jekyll-paginate", &[], &[]),
    ("jekyll-archives", &[], &[]),
    ("jekyll-mentions", &[], &["mentionify"]),
    ("jemoji", &[], &["emojify"]),
    ("jekyll-relative-links", &[], &[]),
    ("jekyll-optional-front-matter", &[], &[]),
    ("jekyll-default-layout", &[], &[]),
    ("jekyll-titles-from-headings", &[], &[]),
    ("jekyll-readme-index", &[], &[]),
    ("jekyll-github-metadata", &[], &[]),
    ("jekyll-coffeescript", &[], &[]),
    ("jekyll-commonmark", &[], &[]),
    ("jekyll-commonmark-ghpages", &[], &[]),
];

/// The Liquid the site's plugins add.
#[derive(Debug, Default)]
pub struct LiquidPlugins {
    pub tags: Vec<&'static str>,
    pub filters: Vec<&'static str>,
    /// A plugin postlint does not know may add tags and filters.
    pub unknown: bool,
}

/// Values interned for a run: value → id, and id → value. Nearly every value is known
/// already: a shared read lock finds it, so threads do not wait on one another.
#[derive(Debug)]
struct Interner<K: ?Sized + Eq + std::hash::Hash>(std::sync::RwLock<Interned<K>>);

/// Value → id, and id → value.
type Interned<K> = (std::collections::HashMap<Box<K>, u32>, Vec<Box<K>>);

impl<K: ?Sized + Eq + std::hash::Hash> Default for Interner<K> {
    fn default() -> Self {
        Interner(std::sync::RwLock::new((
            std::collections::HashMap::new(),
            Vec::new(),
        )))
    }
}

impl<K: ?Sized + Eq + std::hash::Hash> Interner<K>
where
    for<'a> Box<K>: From<&'a K>,
{
    fn id(&self, value: &K) -> u32 {
        if let Ok(guard) = self.0.read()
            && let Some(&id) = guard.0.get(value)
        {
            return id;
        }
        let Ok(mut guard) = self.0.write() else {
            return 0;
        };
        let (ids, values) = &mut *guard;
        if let Some(&id) = ids.get(value) {
            return id;
        }
        let id = u32::try_from(values.len()).unwrap_or(u32::MAX);
        values.push(value.into());
        ids.insert(value.into(), id);
        id
    }

    fn get<T>(&self, id: u32, f: impl FnOnce(&K) -> T) -> Option<T> {
        self.0.read().ok()?.1.get(id as usize).map(|v| f(v))
    }
}

/// A category page: `category/<slug>.html` with `layout`, `title` and `category` keys.
#[derive(Debug, Clone)]
pub struct CategoryPage {
    pub path: PathBuf,
    pub text: String,
    pub slug: String,
    pub slug_span: std::ops::Range<usize>,
    pub title: Option<(String, std::ops::Range<usize>)>,
    /// The closing `---` (where a missing title belongs).
    pub close: std::ops::Range<usize>,
}

/// The converter `_config.yml` chooses: `markdown: CommonMark` (jekyll-commonmark, also
/// `CommonMarkGhPages`), else kramdown with Jekyll's defaults and the site's `kramdown:` options
/// (each set as kramdown's `Options.parse` reads a value).
fn markdown_of(raw: &Value) -> super::kramdown_body::Markdown {
    use super::kramdown_body::Markdown;
    if raw
        .get("markdown")
        .and_then(Value::as_str)
        .is_some_and(|m| m.to_ascii_lowercase().starts_with("commonmark"))
    {
        return Markdown::CommonMark;
    }
    let mut options = kramdown::Options::jekyll();
    if let Some(map) = raw.get("kramdown").and_then(Value::as_map) {
        for (k, v) in map {
            if let (Some(name), false) = (k.as_str(), v.as_map().is_some() || v.as_seq().is_some())
            {
                options.set(name, &v.ruby_to_s());
            }
        }
    }
    Markdown::Kramdown(Box::new(options))
}

/// The nearest folder holding `_config.yml`, from each start upward; else (Jekyll builds a
/// site without a config, with its defaults) the nearest holding a `_posts` folder.
pub fn find_root(starts: &[&Path]) -> Option<PathBuf> {
    let find = |marker: fn(&Path) -> bool| {
        starts
            .iter()
            .flat_map(|s| s.ancestors())
            .find(|d| marker(d))
            .map(Path::to_path_buf)
    };
    find(|d| d.join("_config.yml").is_file()).or_else(|| find(|d| d.join("_posts").is_dir()))
}

/// The host of an absolute or protocol-relative URL, lowercased.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("//").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A zone for the site reader: an IANA name, or a POSIX TZ string for a fixed offset.
fn zone_name(tz: &TimeZone) -> Option<String> {
    if let Some(name) = tz.iana_name() {
        return Some(name.to_string());
    }
    let secs = tz.to_offset(jiff::Timestamp::UNIX_EPOCH).seconds();
    // POSIX counts west of UTC as positive: UTC+8 is `<+0800>-8`.
    let sign = if secs >= 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m) = (abs / 3600, (abs % 3600) / 60);
    let label_sign = if secs >= 0 { '+' } else { '-' };
    Some(format!("<{label_sign}{h:02}{m:02}>{sign}{h}:{m:02}"))
}

impl SiteModel {
    /// Read the site at `root` (or an empty model when there is none). `timezone` is the zone
    /// assumed when `_config.yml` sets none (the config's `site.timezone`; else UTC, GitHub
    /// Pages' zone).
    pub fn load(
        root: Option<PathBuf>,
        extra_hosts: &[String],
        url: Option<&str>,
        timezone: Option<&TimeZone>,
    ) -> SiteModel {
        let mut site = SiteModel::default();
        if let Some(root) = &root {
            let opts = ReadOptions {
                default_timezone: timezone.and_then(zone_name),
                check_encoding: false,
                ..ReadOptions::default()
            };
            match SiteConfig::load(root, &opts, &*READER) {
                Ok(config) => {
                    let c = config.config();
                    site.url = c.url.clone().filter(|u| !u.is_empty());
                    site.baseurl = c
                        .baseurl
                        .clone()
                        .unwrap_or_default()
                        .trim_end_matches('/')
                        .to_string();
                    site.timezone = config.timezone().map(str::to_string);
                    site.future = Some(c.future);
                    site.markdown = markdown_of(&c.raw);
                    site.config = Some(config);
                }
                Err(fatal) => site.fatal = Some(fatal.message),
            }
            if let Some(u) = site.url.as_deref().and_then(host_of) {
                site.hosts.push(u);
            }
            if let Ok(cname) = std::fs::read_to_string(root.join("CNAME"))
                && let Some(h) = cname.split_whitespace().next()
            {
                site.hosts.push(h.to_ascii_lowercase());
            }
            site.category_pages = category_pages(root);
        }
        if let Some(u) = url.or(site.url.as_deref()).and_then(host_of) {
            site.hosts.push(u);
        }
        site.hosts
            .extend(extra_hosts.iter().map(|h| h.to_ascii_lowercase()));
        site.hosts.sort();
        site.hosts.dedup();
        site.root = root;
        site
    }

    /// Forget what was read of the site's files (the index of its outputs, its posts, layouts
    /// and includes, `site` as Liquid sees it, the category pages), to be read again on first
    /// use: for a long-lived model (the language server) after files changed on disk. The
    /// configuration and the interned names stay.
    pub fn forget_files(&mut self) {
        self.index = OnceLock::new();
        self.full = OnceLock::new();
        self.post_files = OnceLock::new();
        self.includes_known = OnceLock::new();
        self.layouts = OnceLock::new();
        self.liquid_site = OnceLock::new();
        if let Some(root) = &self.root {
            self.category_pages = category_pages(root);
        }
    }

    /// A path's place in the site: relative to the source, with `/` (`None` outside it).
    pub fn relative(&self, path: &Path) -> Option<String> {
        let root = self.root.as_ref()?;
        let abs = if path.is_absolute() {
            crate::base::paths::normalize(path)
        } else {
            crate::base::paths::normalize(&std::env::current_dir().ok()?.join(path))
        };
        let rel = abs.strip_prefix(root).ok()?;
        let s = rel.to_str()?.replace('\\', "/");
        (!s.is_empty()).then_some(s)
    }

    /// What Jekyll makes of a file at `rel` whose first bytes are `head`: a post, a draft,
    /// another document (with the role Jekyll's reader gives it), or `None` for a file it does
    /// not read. A file in `_posts/` whose name lacks the date is still a post here (PF002 says
    /// Jekyll ignores it), and a draft is a draft without `--drafts`.
    pub fn kind_of(&self, rel: &str, head: &[u8]) -> Option<(Kind, Option<Role>)> {
        self.read_as(rel, head).ok()
    }

    /// [`SiteModel::kind_of`], or why Jekyll does not read the file.
    fn read_as(&self, rel: &str, head: &[u8]) -> Result<(Kind, Option<Role>), Option<Unread>> {
        let Some(config) = &self.config else {
            return Ok((super::document::classify(Path::new(rel)), None));
        };
        let links = jekyll_site::DiskLinks {
            source: config.source(),
        };
        let class = config.classify(rel, head, &links);
        let role = class.primary().cloned();
        let kind = match &role {
            Some(Role::Post { .. }) => Kind::Post,
            Some(Role::Draft { .. }) => Kind::Draft,
            Some(_) => Kind::Document,
            None => match class.unread {
                // A dateless file meant as a post starts with front matter; one without it
                // (a file `include_relative` reads, a note) is simply not read.
                Some(Unread::NotAPost) if jekyll_site::frontmatter::has_yaml_header_bytes(head) => {
                    Kind::Post
                }
                Some(Unread::Draft) => Kind::Draft,
                other => return Err(other),
            },
        };
        Ok((kind, role))
    }

    /// A file as the site reads it: its path in the site, its kind and role (`None` for a file
    /// Jekyll does not read). Outside a site, the kind its path suggests.
    /// `Err` holds the file Jekyll does not read, and why.
    #[allow(clippy::result_large_err)]
    pub fn place(&self, display: &str, path: &Path, bytes: Vec<u8>) -> Result<Post, Unplaced> {
        let mut post = Post::from_bytes(display, bytes);
        if let Some(rel) = self.relative(path) {
            let (kind, role) = match self.read_as(&rel, post.text.as_bytes()) {
                Ok(read) => read,
                Err(unread) => {
                    return Err(Unplaced {
                        post,
                        why: unread_words(unread),
                    });
                }
            };
            post.kind = kind;
            post.role = role;
            post.rel = Some(rel);
        }
        Ok(post)
    }

    /// The file's entry as Jekyll makes it (its URL, destination, date, categories), computed
    /// once per file.
    pub fn entry<'p>(&self, post: &'p Post) -> Option<&'p jekyll_site::Entry> {
        post.entry.get_or_init(|| self.compute_entry(post)).as_ref()
    }

    fn compute_entry(&self, post: &Post) -> Option<jekyll_site::Entry> {
        let config = self.config.as_ref()?;
        let rel = post.rel.as_deref()?;
        let role = post.role.as_ref()?;
        let tz = jekyll_site::psych_reader::zone(config.timezone());
        let value: Option<Value>;
        let error: SiteYamlError;
        let front_matter = match &post.front_matter {
            FrontMatter::Parsed { root: None, .. } => Ok(Some(&*NULL)),
            FrontMatter::Parsed {
                root: Some(root), ..
            } => {
                value = site_value(root, &tz);
                Ok(value.as_ref())
            }
            FrontMatter::Invalid { error: e, .. } => {
                error = SiteYamlError {
                    message: e.message.clone(),
                    span: e.offset..e.offset,
                    syntax: true,
                };
                Err(&error)
            }
            FrontMatter::Missing { .. } | FrontMatter::Unterminated { .. } => Ok(None),
        };
        let input = FileInput {
            front_matter,
            valid_utf8: post.first_invalid.is_none(),
            mtime: None,
            io_error: None,
        };
        Some(config.entry(rel, role, &input))
    }

    /// The URL a post or draft is published at (with the site's `baseurl`), if Jekyll can
    /// make one.
    pub fn post_url(&self, post: &Post) -> Option<String> {
        if !post.is_post() {
            return None;
        }
        let url = self.entry(post)?.url.as_ref().ok()?;
        Some(format!("{}{url}", self.baseurl))
    }

    /// Where a file is written, relative to the output folder (`None` when it is not).
    pub fn destination<'p>(&self, post: &'p Post) -> Option<&'p str> {
        let entry = self.entry(post)?;
        if !entry.written {
            return None;
        }
        entry.destination.as_deref().ok()
    }

    /// The URL a file is published at (for messages).
    pub fn url_of(&self, post: &Post) -> Option<String> {
        let url = self.entry(post)?.url.as_ref().ok()?;
        Some(format!("{}{url}", self.baseurl))
    }

    fn index(&self) -> Option<&SiteIndex> {
        let config = self.config.as_ref()?;
        Some(
            self.index
                .get_or_init(|| SiteIndex::build(config, CollectionDocs::Read)),
        )
    }

    /// The index with every post and draft: each read (in parallel) and its entry made.
    fn full(&self) -> Option<&SiteIndex> {
        let config = self.config.as_ref()?;
        Some(self.full.get_or_init(|| {
            use rayon::prelude::*;
            let mut index = SiteIndex::build(config, CollectionDocs::Read);
            let posts = post_paths(config);
            let docs = posts
                .par_iter()
                .enumerate()
                .fold(
                    || Documents::new(config),
                    |mut docs, (i, (rel, role))| {
                        let entry = config.read_entry(rel, role);
                        docs.add(i as u64, &entry);
                        docs
                    },
                )
                .reduce(
                    || Documents::new(config),
                    |mut a, b| {
                        a.merge(b);
                        a
                    },
                );
            index.add_documents(config, docs);
            index
        }))
    }

    /// Whether a URL path (decoded, without query or fragment; with the site's `baseurl`, or
    /// without) is published by the site, as GitHub Pages serves the output folder.
    pub fn lookup(&self, path: &str) -> Target {
        let Some(index) = self.index() else {
            return Target::Missing;
        };
        match index.lookup(path) {
            Lookup::Served(_) => return Target::Found,
            Lookup::Unknown if self.unknown_may_serve(path) => return Target::Unknown,
            _ => {}
        }
        match self.full().map(|f| f.lookup(path)) {
            Some(Lookup::Served(_)) => Target::Found,
            Some(Lookup::Unknown) if self.unknown_may_serve(path) => Target::Unknown,
            _ => Target::Missing,
        }
    }

    /// Whether `{% post_url NAME %}` finds a post of the site (Jekyll's `PostComparer` over
    /// the posts' relative paths); `None` when there is no site to look in, or NAME is not a
    /// post name (Jekyll then raises its own syntax error).
    pub fn post_url_target(&self, name: &str) -> Option<bool> {
        Some(self.post_named(name)?.is_some())
    }

    /// The relative path of the post `{% post_url NAME %}` finds: the first of `site.posts`
    /// (the posts Jekyll reads: not unpublished, not future without `future: true`, not past
    /// `limit_posts`) that Jekyll's `PostComparer` matches; `None` without a site or for a name
    /// that is not a post name.
    fn post_named(&self, name: &str) -> Option<Option<&str>> {
        let config = self.config.as_ref()?;
        let matches = jekyll_liquid::post_url_matcher(name)?;
        let posts = self.post_files.get_or_init(|| {
            post_paths(config)
                .into_iter()
                .filter(|(_, role)| matches!(role, Role::Post { .. }))
                .map(|(rel, _)| rel)
                .collect()
        });
        Some(
            posts
                .iter()
                .filter(|rel| matches(rel))
                .find(|rel| {
                    !self.entry_of_source(rel).is_some_and(|e| {
                        matches!(
                            e.skipped,
                            Some(
                                jekyll_site::Skip::Unpublished
                                    | jekyll_site::Skip::Future
                                    | jekyll_site::Skip::LimitPosts
                            )
                        )
                    })
                })
                .map(String::as_str),
        )
    }

    /// Why `{% post_url NAME %}` finds no post when a post file matches NAME but Jekyll does
    /// not read it into `site.posts` (in words: "dated in the future", …).
    pub fn post_url_hidden(&self, name: &str) -> Option<&'static str> {
        let matches = jekyll_liquid::post_url_matcher(name)?;
        let posts = self.post_files.get()?;
        posts.iter().filter(|rel| matches(rel)).find_map(|rel| {
            match self.entry_of_source(rel)?.skipped? {
                jekyll_site::Skip::Future => Some("it is dated in the future (no `future: true`)"),
                jekyll_site::Skip::Unpublished => Some("it says `published: false`"),
                jekyll_site::Skip::LimitPosts => Some("`limit_posts` leaves it out"),
                _ => None,
            }
        })
    }

    /// The entry of the site's file at `rel` (relative to the source), read from disk as
    /// Jekyll reads it; `None` when Jekyll does not read it.
    fn entry_of_source(&self, rel: &str) -> Option<jekyll_site::Entry> {
        let root = self.root.as_ref()?;
        let path = root.join(rel);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let post = self.place(rel, &path, bytes).ok()?;
        self.entry(&post)?;
        post.entry.into_inner().flatten()
    }

    /// The URL (relative to `baseurl`) of the site's file at `rel` (relative to the source), read
    /// from disk as Jekyll reads it; `None` when Jekyll does not read it or makes no URL.
    pub fn url_of_source(&self, rel: &str) -> Option<String> {
        self.entry_of_source(rel)?.url.ok()
    }

    /// Whether `{% link PATH %}` finds a file of the site's source (`None` without a site).
    pub fn link_target(&self, path: &str) -> Option<bool> {
        let config = self.config.as_ref()?;
        let rel = path.trim_start_matches('/');
        if rel.is_empty() || rel.split('/').any(|c| c == "..") {
            return Some(false);
        }
        Some(config.source().join(rel).is_file())
    }

    /// The Liquid tags and filters the site's plugins add (those of the plugins postlint knows: see
    /// [`LIQUID_PLUGINS`]), and whether a plugin it does not know (or `_plugins/`, a theme gem,
    /// a config it could not read) may add others.
    pub fn liquid_plugins(&self) -> LiquidPlugins {
        let Some(config) = &self.config else {
            // No `_config.yml` read: Jekyll's defaults (no plugins) — unless it could not be
            // read (then the plugins it loads are not known).
            return LiquidPlugins {
                unknown: self.fatal.is_some(),
                ..LiquidPlugins::default()
            };
        };
        let mut out = LiquidPlugins::default();
        for p in config.plugins() {
            match LIQUID_PLUGINS.iter().find(|(name, _, _)| name == p) {
                Some((_, tags, filters)) => {
                    out.tags.extend_from_slice(tags);
                    out.filters.extend_from_slice(filters);
                }
                None => out.unknown = true,
            }
        }
        let u = config.unknown();
        out.unknown |= u.plugins_dir || u.toml_config || u.theme.is_some();
        out
    }

    /// Whether what the model does not know (a plugin it does not model, `_plugins/`, a
    /// `_config.toml`, a theme gem) may publish `path`. A theme adds layouts, includes and
    /// Sass, and its `assets/` folder (`ThemeAssetsReader`): only a path under `/assets/`.
    fn unknown_may_serve(&self, path: &str) -> bool {
        let Some(config) = &self.config else {
            return false;
        };
        let u = config.unknown();
        if !u.plugins.is_empty() || u.plugins_dir || u.toml_config {
            return true;
        }
        if u.theme.is_none() {
            return false;
        }
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = match path.strip_prefix(self.baseurl.as_str()) {
            Some(rest) if !self.baseurl.is_empty() && rest.starts_with('/') => rest,
            _ => path,
        };
        path.starts_with("/assets/")
    }

    /// An empty gathering of a run's posts (see [`SiteModel::complete`]).
    pub fn run_posts(&self) -> RunPosts {
        RunPosts(self.config.as_ref().map(Documents::new))
    }

    /// Add a checked post or draft (its outputs, tags, categories, date) to a run's gathering.
    pub fn add_run_post(&self, posts: &mut RunPosts, id: u64, post: &Post) {
        if !post.is_post() {
            return;
        }
        if let (Some(docs), Some(entry)) = (posts.0.as_mut(), self.entry(post)) {
            docs.add(id, entry);
        }
    }

    /// Complete the index with the posts a run checked — every post of the site, when the run
    /// covers it — instead of reading them all again: the lookups after this see every output.
    pub fn complete(&self, posts: RunPosts) {
        let (Some(config), Some(docs)) = (self.config.as_ref(), posts.0) else {
            return;
        };
        let mut index = SiteIndex::build(config, CollectionDocs::Read);
        index.add_documents(config, docs);
        let _ = self.full.set(index);
    }

    /// Whether a path is published, asking only the outputs that need no post: `None` when
    /// it is not among them (the posts decide).
    pub fn lookup_without_posts(&self, path: &str) -> Option<Target> {
        match self.index()?.lookup(path) {
            Lookup::Served(_) => Some(Target::Found),
            Lookup::Unknown if self.unknown_may_serve(path) => Some(Target::Unknown),
            _ => None,
        }
    }

    /// Another output the site writes at `destination` than the file at `rel`: a static file,
    /// a page, a plugin's page (not the posts: the cross-file pass compares those). What it
    /// is, for the message.
    pub fn other_output_at(&self, destination: &str, rel: &str) -> Option<String> {
        let index = self.index()?;
        index
            .outputs_at(destination)
            .into_iter()
            .find_map(|served| match served {
                Served::Static(path) if path != rel => Some(format!("the static file `{path}`")),
                Served::Entry(e) if e.path.as_deref() != Some(rel) => {
                    Some(format!("`{}`", e.path.as_deref().unwrap_or("a page")))
                }
                Served::Generated(g) if g.redirect_page => {
                    Some("a redirect page (jekyll-redirect-from)".to_string())
                }
                Served::Generated(g) => Some(format!("the page {} generates", g.generator)),
                _ => None,
            })
    }

    /// The id of a category or tag name (the same name, the same id, for the whole run).
    pub fn intern(&self, name: &str) -> u32 {
        self.names.id(name)
    }

    /// The name behind an interned id.
    pub fn name(&self, id: u32) -> String {
        self.names.get(id, str::to_string).unwrap_or_default()
    }

    /// The id of a category-and-tags pairing (`[category, tags…]` over name ids).
    pub fn intern_pairing(&self, ids: &[u32]) -> u32 {
        self.pairings.id(ids)
    }

    /// The pairing behind an id.
    pub fn pairing(&self, id: u32) -> Vec<u32> {
        self.pairings.get(id, <[u32]>::to_vec).unwrap_or_default()
    }

    /// Whether a link to `host` belongs to this site.
    pub fn is_own_host(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.hosts.contains(&host)
    }
}

/// What a run gathers of its posts: a few tens of bytes a post.
#[derive(Debug, Default)]
pub struct RunPosts(Option<Documents>);

impl RunPosts {
    pub fn merge(mut self, other: RunPosts) -> RunPosts {
        match (&mut self.0, other.0) {
            (Some(a), Some(b)) => a.merge(b),
            (None, b) => self.0 = b,
            _ => {}
        }
        self
    }
}

/// A front matter with nothing in it (Jekyll's `{}`).
static NULL: LazyLock<Value> = LazyLock::new(Value::null);

/// How `postlint site` reads the site: `jekyll build`'s options.
#[derive(Debug, Default, Clone)]
pub struct BuildOptions {
    pub drafts: bool,
    pub future: bool,
    pub unpublished: bool,
    pub safe: bool,
    pub limit_posts: Option<u64>,
    /// `--config a.yml,b.yml` (default: the source's `_config.yml`).
    pub config_files: Option<Vec<PathBuf>>,
    /// `site.time` (default: now, or `POSTLINT_NOW`), as Ruby's `Time.parse` reads it.
    pub time: Option<String>,
    /// The machine's zone when `_config.yml` sets none (default UTC, as GitHub Pages builds).
    pub timezone: Option<String>,
}

/// The whole site as `jekyll build` reads it, in the oracle's JSON (every file with its kind,
/// whether it is written and why not, its URL, destination and date; every generated page;
/// the files Jekyll does not read, and why; what stops the build).
pub fn whole_site_json(root: &Path, build: &BuildOptions) -> Result<serde_json::Value, String> {
    use jekyll_site::DateReader;
    let mut opts = ReadOptions {
        config_files: build.config_files.clone(),
        show_drafts: build.drafts.then_some(true),
        future: build.future.then_some(true),
        unpublished: build.unpublished.then_some(true),
        safe: build.safe.then_some(true),
        limit_posts: build.limit_posts,
        default_timezone: Some(build.timezone.clone().unwrap_or_else(|| "UTC".into())),
        check_encoding: true,
        list_unread: true,
        ..ReadOptions::default()
    };
    if let Some(t) = &build.time {
        opts.time = Some(
            READER
                .parse_date(&Value::string(t.clone()), Some("UTC"))
                .map_err(|e| format!("--time `{t}`: {e}"))?,
        );
    }
    Ok(jekyll_site::read_site(root, &opts, &*READER).to_oracle_json())
}

impl SiteModel {
    /// The posts and drafts of the site (a walk of the source): how many, and one of them.
    pub fn posts_on_disk(&self) -> (usize, Option<String>) {
        let Some(config) = &self.config else {
            return (0, None);
        };
        let posts = post_paths(config);
        (posts.len(), posts.into_iter().map(|(p, _)| p).min())
    }

    /// `posts` globs for `postlint init`: where the site keeps its posts (every `_posts` and
    /// `_drafts` folder, wherever it is: the folders above are the posts' categories) and its
    /// collections' documents.
    pub fn post_globs(&self) -> Vec<String> {
        let Some(config) = &self.config else {
            return vec!["**/_posts/**".into(), "**/_drafts/**".into()];
        };
        let mut dirs = std::collections::BTreeSet::new();
        for (rel, _) in post_paths(config) {
            for marker in ["_posts/", "_drafts/"] {
                let at = if rel.starts_with(marker) {
                    Some(0)
                } else {
                    rel.find(&format!("/{marker}")).map(|i| i + 1)
                };
                if let Some(i) = at {
                    dirs.insert(rel[..i + marker.len()].to_string());
                }
            }
        }
        let mut out: Vec<String> = if dirs.len() > 4 || dirs.is_empty() {
            // Many folders (a site by language or section): one glob for them all.
            vec!["**/_posts/**".into(), "**/_drafts/**".into()]
        } else {
            dirs.into_iter().map(|d| format!("{d}**")).collect()
        };
        for c in &config.config().collections {
            if c.label != "posts" && config.source().join(&c.directory).is_dir() {
                out.push(format!("{}/**", c.directory));
            }
        }
        out
    }
}

impl SiteModel {
    /// One file as postlint read it: where it is in the site, what Jekyll makes of it (or why
    /// it does not read it), its front matter typed as Psych types it, and its entry (kind,
    /// URL, destination, Jekyll's date, categories, tags).
    pub fn inspect(&self, path: &Path, placed: &Result<Post, Unplaced>) -> serde_json::Value {
        use serde_json::json;
        let post = match placed {
            Ok(p) | Err(Unplaced { post: p, .. }) => p,
        };
        let tz = jekyll_site::psych_reader::zone(self.config.as_ref().and_then(|c| c.timezone()));
        let front_matter = match &post.front_matter {
            FrontMatter::Parsed { root: None, .. } => json!({"state": "empty"}),
            FrontMatter::Parsed {
                root: Some(root), ..
            } => match whole_value(root, &tz) {
                Ok(value) => json!({"state": "parsed", "value": value.to_json()}),
                Err(e) => json!({"state": "refused", "error": format!("{e:?}")}),
            },
            FrontMatter::Invalid { error, .. } => {
                json!({"state": "invalid", "error": error.message, "offset": error.offset})
            }
            FrontMatter::Missing { .. } => json!({"state": "missing"}),
            FrontMatter::Unterminated { .. } => json!({"state": "unterminated"}),
        };
        let (read, why) = match placed {
            Ok(_) => (true, None),
            Err(u) => (false, Some(u.why)),
        };
        let entry = match placed {
            Ok(p) => self.entry(p).map(jekyll_site::Entry::to_oracle_json),
            Err(_) => None,
        };
        json!({
            "path": post.path,
            "site": self.root.as_ref().map(|r| r.to_string_lossy().into_owned()),
            "site_path": self.relative(path),
            "read": read,
            "unread_because": why,
            "kind": match post.kind {
                Kind::Post => "post",
                Kind::Draft => "draft",
                Kind::Document => "document",
            },
            "front_matter": front_matter,
            "entry": entry,
            "body": super::kramdown_body::tree_json(&post.text, post.body.clone(), &self.markdown),
            "seen": self.post_seen_json(post),
        })
    }
}

/// The site model's value of a front matter (only the keys it reads; the whole document when
/// an alias or a merge key is involved).
fn site_value(root: &Node, tz: &TimeZone) -> Option<Value> {
    if let Some(v) = jekyll_site::psych_reader::site_value(root, tz) {
        return Some(v);
    }
    whole_value(root, tz).ok()
}

/// The whole front matter as `Psych.safe_load` makes it (aliases and merge keys resolved).
fn whole_value(root: &Node, tz: &TimeZone) -> Result<Value, psych::LoadError> {
    let doc = psych::Document {
        root: root.clone(),
        explicit_start: true,
    };
    let loaded = psych::load(&doc, tz)?;
    Ok(jekyll_site::psych_reader::value_from_loaded(root, &loaded))
}

impl SiteModel {
    /// What the HT and LK rules see of a post's body (Liquid rendered first), for `inspect`.
    fn post_seen_json(&self, post: &Post) -> serde_json::Value {
        let template = renders_liquid(post).then(|| {
            let body = post.text.get(post.body.clone()).unwrap_or("");
            jekyll_liquid::parse(body, &self.liquid_parse_options())
        });
        let rendered = template.and_then(|t| self.render_body(post, &t));
        let body = self.analyse_body(post, rendered.as_ref());
        super::kramdown_body::seen_json(&post.text, &body)
    }
}

/// Every post and draft of the site, with its role (a walk of the source: the `_posts` and
/// `_drafts` folders anywhere in it).
fn post_paths(config: &SiteConfig) -> Vec<(String, Role)> {
    let source = config.source();
    let links = jekyll_site::DiskLinks { source };
    let mut out = Vec::new();
    let walk = ignore::WalkBuilder::new(source)
        .hidden(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .ignore(false)
        .parents(false)
        .follow_links(true)
        .build();
    for entry in walk.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(source) else {
            continue;
        };
        let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            continue;
        };
        if !rel.contains("_posts/") && !rel.contains("_drafts/") {
            continue;
        }
        let class = config.classify(&rel, &[], &links);
        for role in class.roles {
            if matches!(role, Role::Post { .. } | Role::Draft { .. }) {
                out.push((rel.clone(), role));
            }
        }
    }
    out
}

/// The site's category pages: pages under `category/` whose front matter names a `category:`.
fn category_pages(root: &Path) -> Vec<CategoryPage> {
    let mut out = Vec::new();
    let dir = root.join("category");
    if !dir.is_dir() {
        return out;
    }
    for entry in ignore::WalkBuilder::new(&dir)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .ignore(false)
        .parents(false)
        .build()
        .flatten()
    {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let rel = entry
            .path()
            .strip_prefix(root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let post = Post::from_bytes(&rel, bytes);
        if let Some(c) = post.root().and_then(|r| r.get("category"))
            && let (Some(slug), Some(close)) = (c.as_str(), post.closing())
        {
            let title = post.root().and_then(|r| r.get("title")).and_then(|t| {
                t.as_str()
                    .map(|v| (v.to_string(), t.content_span(&post.text)))
            });
            out.push(CategoryPage {
                path: entry.path().to_path_buf(),
                slug: slug.to_string(),
                slug_span: c.content_span(&post.text),
                title,
                close,
                text: post.text.clone(),
            });
        }
    }
    out
}

/// `categories` (or `category`) of a post: a space-separated string or a list.
pub fn categories_of(root: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["category", "categories"] {
        let Some(v) = root.get(key) else { continue };
        match v.as_seq() {
            Some(items) => out.extend(items.iter().filter_map(Node::as_str).map(str::to_string)),
            None => {
                if let Some(s) = v.as_str().filter(|_| !v.is_null()) {
                    if key == "category" {
                        out.push(s.to_string());
                    } else {
                        out.extend(s.split_whitespace().map(str::to_string));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://Finews.withounder.com/x").as_deref(),
            Some("finews.withounder.com")
        );
        assert_eq!(host_of("//a.b:80/").as_deref(), Some("a.b"));
    }

    #[test]
    fn zone_names() {
        let tz = crate::jekyll::date::parse_timezone("+08:00").unwrap();
        let name = zone_name(&tz).unwrap();
        let back = TimeZone::posix(&name).unwrap();
        assert_eq!(
            back.to_offset(jiff::Timestamp::UNIX_EPOCH).seconds(),
            8 * 3600
        );
        let tz = crate::jekyll::date::parse_timezone("-05:30").unwrap();
        let back = TimeZone::posix(&zone_name(&tz).unwrap()).unwrap();
        assert_eq!(
            back.to_offset(jiff::Timestamp::UNIX_EPOCH).seconds(),
            -(5 * 3600 + 30 * 60)
        );
        assert_eq!(
            zone_name(&TimeZone::get("Asia/Shanghai").unwrap()).as_deref(),
            Some("Asia/Shanghai")
        );
    }
}
