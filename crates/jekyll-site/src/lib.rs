//! Jekyll 4.3.1's site reader, for postlint: which files of a site Jekyll reads, which it
//! publishes, at which URL and destination, with which date, slug, categories and tags, and
//! what the plugins it knows generate (jekyll-redirect-from, -feed, -sitemap, -paginate,
//! -archives). See `NOTES.md` for the rules and their place in Jekyll's source.
//!
//! Two ways in:
//! - [`read_site`]: the whole site at once, as `jekyll build` reads it ([`Site`], and its
//!   JSON for the oracle).
//! - File by file, as a linter checks a run: [`SiteConfig::load`] (the configuration only),
//!   [`SiteConfig::classify`] (what Jekyll makes of a path), [`SiteConfig::entry`] (URL,
//!   destination, date, … of one file from its own front matter), [`SiteIndex::build`] (the
//!   outputs that need no post) and [`SiteIndex::add_documents`] (those that need every
//!   post: [`Documents`] gathers them one entry at a time), then [`SiteIndex::lookup`].
//!
//! YAML and dates are read through [`FrontMatterReader`] and [`DateReader`];
//! [`PsychReader`] (the `psych` crate: Psych-exact YAML, Ruby-exact `Time.parse`) is the
//! real one ([`PSYCH`]).

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod classify;
mod config;
mod data;
mod defaults;
mod entry;
mod filter;
pub mod frontmatter;
pub mod glob;
mod index;
mod json;
mod plugins;
pub mod psych_reader;
mod reader;
mod site_config;
pub mod time;
pub mod url;
pub mod value;
mod walk;

use std::ops::Range;
use std::path::{Path, PathBuf};

pub use classify::{Class, DiskLinks, Link, Links, NoLinks, Role};
pub use config::{CollectionConfig, Config};
pub use entry::{FileInput, OwnedInput};
pub use index::{CollectionDocs, Documents, IndexCollision, Served, SiteIndex, dest_hash};
pub use psych_reader::{PSYCH, PsychReader};
pub use site_config::SiteConfig;
pub use time::JekyllTime;
pub use value::{Value, ValueKind};

/// An error reading YAML (what Psych raises).
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    /// The message (Psych's, where the real reader gives it).
    pub message: String,
    /// Where, in the text given to the reader.
    pub span: Range<usize>,
    /// `Psych::SyntaxError` (true) or another Psych exception (`DisallowedClass`, `BadAlias`:
    /// false). Jekyll treats both alike when reading documents and pages, but only a syntax
    /// error is `Psych::SyntaxError` in its messages.
    pub syntax: bool,
}

/// Reads YAML as Jekyll does: `Psych.safe_load(yaml, permitted_classes: [Date, Time],
/// aliases: true)`.
pub trait FrontMatterReader: DateReader + Sync {
    /// The front matter of a file's content (BOM removed), as `Document#read_content` /
    /// `Convertible#read_yaml` find it: `None` when `YAML_FRONT_MATTER_REGEXP` does not match,
    /// else the value Psych makes of the regexp's first group and the offset of the body.
    /// `text` may be a prefix of the content that ends at the body
    /// ([`frontmatter::front_matter_bounds`] tells where). `tz` is `ENV["TZ"]` (the zone a
    /// zone-less timestamp's `Time` is shown in).
    fn front_matter(
        &self,
        text: &[u8],
        tz: Option<&str>,
    ) -> Result<Option<(Value, usize)>, YamlError>;

    /// A whole YAML file (`_config.yml`, a `.yml` document): `Psych.safe_load` of it (the
    /// first document; `Null` when empty).
    fn yaml_document(&self, text: &[u8], tz: Option<&str>) -> Result<Value, YamlError>;
}

/// Reads dates as Jekyll does.
pub trait DateReader: Sync {
    /// `Jekyll::Utils.parse_date(value.to_s)`: `Time.parse(value.to_s).localtime` with the
    /// zone `tz` (an IANA name; `None`: UTC). `value.to_s` is Ruby's (a `Date` is
    /// `2010-01-09`, a `Time` `2010-01-09 10:00:00 -0800` or `… UTC`, without fraction).
    /// `Err` carries the message of Ruby's `ArgumentError`.
    fn parse_date(&self, value: &Value, tz: Option<&str>) -> Result<JekyllTime, String>;

    /// `Time.at(unix, nanos).localtime` in zone `tz` (file mtimes, the build time).
    fn local_time(&self, unix: i64, nanos: u32, tz: Option<&str>) -> JekyllTime;
}

/// How to read the site (the command-line options of `jekyll build`, and this reader's own).
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// `--config a.yml,b.yml` (default: the source's `_config.yml`).
    pub config_files: Option<Vec<PathBuf>>,
    /// `--drafts`.
    pub show_drafts: Option<bool>,
    /// `--future`.
    pub future: Option<bool>,
    /// `--unpublished`.
    pub unpublished: Option<bool>,
    /// `--safe` (GitHub Pages builds in safe mode: no plugin outside its whitelist, symbolic
    /// links leaving the source ignored).
    pub safe: Option<bool>,
    /// `--limit_posts N`.
    pub limit_posts: Option<u64>,
    /// `--baseurl`.
    pub baseurl: Option<String>,
    /// `-d` (default `<source>/_site`).
    pub destination: Option<PathBuf>,
    /// `JEKYLL_ENV` (jekyll-feed's `disable_in_development`; default `development`).
    pub jekyll_env: String,
    /// The zone when `_config.yml` sets none (Jekyll uses the machine's `TZ`; GitHub Pages
    /// builds in UTC). `None`: UTC.
    pub default_timezone: Option<String>,
    /// `site.time` (default: now).
    pub time: Option<JekyllTime>,
    /// Read each post and page to its end to check it is valid UTF-8 (Jekyll drops a post,
    /// and ignores a page's front matter, when it is not). Costs reading whole files.
    pub check_encoding: bool,
    /// List the files Jekyll does not read, with the reason ([`Site::unread`]).
    pub list_unread: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            config_files: None,
            show_drafts: None,
            future: None,
            unpublished: None,
            safe: None,
            limit_posts: None,
            baseurl: None,
            destination: None,
            jekyll_env: "development".into(),
            default_timezone: None,
            time: None,
            check_encoding: true,
            list_unread: false,
        }
    }
}

/// What a file of the site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A document of `posts` from a `_posts` folder.
    Post,
    /// A document of `posts` from a `_drafts` folder (with `--drafts`).
    Draft,
    /// A document of another collection.
    Document,
    /// A page (a file with front matter outside the collections).
    Page,
    /// A static file (copied as it is), in a collection or not.
    Static,
    /// A page a plugin generates (no source file).
    Generated,
}

impl Kind {
    /// The oracle's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Post => "post",
            Kind::Draft => "draft",
            Kind::Document => "document",
            Kind::Page => "page",
            Kind::Static => "static",
            Kind::Generated => "generated",
        }
    }
}

/// Why a file Jekyll read is not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Skip {
    /// `published: false` (front matter or, for documents and static files, `defaults`).
    Unpublished,
    /// Dated after `site.time` without `future: true`.
    Future,
    /// A `.yml`/`.yaml` post: Jekyll loads it as data and has no content (skipped).
    NilContent,
    /// Not valid UTF-8 (posts and drafts are skipped).
    InvalidEncoding,
    /// Dropped by `limit_posts`.
    LimitPosts,
    /// Its collection has no `output: true`.
    OutputFalse,
}

impl Skip {
    /// The oracle's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Skip::Unpublished => "unpublished",
            Skip::Future => "future",
            Skip::NilContent => "nil_content",
            Skip::InvalidEncoding => "invalid_encoding",
            Skip::LimitPosts => "limit_posts",
            Skip::OutputFalse => "output_false",
        }
    }
}

/// Why a file of the source is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unread {
    /// Matched by `exclude` (and not by `include`).
    Excluded,
    /// Its name (or a folder's above it) starts with `.`, `_`, `#` or `~`.
    Special,
    /// Its name ends with `~`.
    Backup,
    /// Its name ends with `.`.
    TrailingDot,
    /// A symbolic link leaving the source, in safe mode.
    UnsafeSymlink,
    /// In `_posts` but its name is not `YYYY-MM-DD-title.ext`.
    NotAPost,
    /// In `_drafts` without `--drafts`.
    Draft,
    /// Under a symbolic link to a folder (not followed in `_posts` and collections).
    SymlinkedFolder,
    /// The destination folder.
    Destination,
    /// Other (in a folder Jekyll reads otherwise: `_layouts`, `_data`, `_includes`, …, or the
    /// config file; or a path that is not a clean relative path).
    Other,
}

impl Unread {
    /// A short name.
    pub fn as_str(self) -> &'static str {
        match self {
            Unread::Excluded => "excluded",
            Unread::Special => "special",
            Unread::Backup => "backup",
            Unread::TrailingDot => "trailing_dot",
            Unread::UnsafeSymlink => "unsafe_symlink",
            Unread::NotAPost => "not_a_post",
            Unread::Draft => "draft",
            Unread::SymlinkedFolder => "symlinked_folder",
            Unread::Destination => "destination",
            Unread::Other => "other",
        }
    }
}

/// One file of the built site, or one Jekyll read and does not write.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What it is.
    pub kind: Kind,
    /// Its collection (`posts` for posts and drafts).
    pub collection: Option<String>,
    /// Its source path relative to the source folder (`None` for generated pages).
    pub path: Option<String>,
    /// Whether Jekyll writes it.
    pub written: bool,
    /// Why not, when Jekyll read it and does not write it.
    pub skipped: Option<Skip>,
    /// Its URL, relative to `baseurl` (`Err`: Jekyll raises when making it).
    pub url: Result<String, String>,
    /// Its destination relative to the output folder.
    pub destination: Result<String, String>,
    /// Its date (documents), or why Jekyll cannot tell.
    pub date: Option<JekyllTime>,
    /// `data["slug"]` (documents).
    pub slug: Option<Value>,
    /// `data["categories"]` (documents).
    pub categories: Option<Value>,
    /// `data["tags"]` (documents).
    pub tags: Option<Value>,
    /// The error Jekyll logged reading it (it goes on without the front matter).
    pub read_error: Option<String>,
    /// The generator that made it (Ruby class name, as the oracle writes it).
    pub generator: Option<&'static str>,
    /// What makes `jekyll build` stop on this file (an invalid date, a page's front matter
    /// that is not a hash, a read error under `strict_front_matter`, …).
    pub fatal: Option<String>,
    /// `redirect_from` targets (jekyll-redirect-from), kept for the generator.
    pub(crate) redirect_from: Vec<Value>,
    /// `data["hidden"]` truthy (jekyll-paginate leaves such posts out).
    pub(crate) hidden: bool,
    /// A `RedirectPage` (left out of the collision check, as `jekyll doctor` does).
    pub(crate) redirect_page: bool,
    /// A page's `data["path"]` (jekyll-paginate looks for its template there).
    pub(crate) page_path: Option<String>,
}

/// A page a plugin generates (no source file), as the index holds it (72 bytes and its two
/// strings; [`GeneratedPage::to_entry`] gives the full [`Entry`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedPage {
    /// The generator (Ruby class name, as the oracle writes it).
    pub generator: &'static str,
    /// Its URL, relative to `baseurl` (`Err`: Jekyll raises when making it).
    pub url: Result<Box<str>, Box<str>>,
    /// Its destination relative to the output folder.
    pub destination: Result<Box<str>, Box<str>>,
    /// A jekyll-redirect-from `RedirectPage` (left out of collisions).
    pub redirect_page: bool,
}

impl GeneratedPage {
    /// The page as an [`Entry`] (kind [`Kind::Generated`], written).
    pub fn to_entry(&self) -> Entry {
        let s = |r: &Result<Box<str>, Box<str>>| match r {
            Ok(v) => Ok(v.to_string()),
            Err(e) => Err(e.to_string()),
        };
        Entry {
            kind: Kind::Generated,
            collection: None,
            path: None,
            written: true,
            skipped: None,
            url: s(&self.url),
            destination: s(&self.destination),
            date: None,
            slug: None,
            categories: None,
            tags: None,
            read_error: None,
            generator: Some(self.generator),
            fatal: None,
            redirect_from: Vec::new(),
            hidden: false,
            redirect_page: self.redirect_page,
            page_path: None,
        }
    }
}

/// Two or more files written at the same destination (`Jekyll::Commands::Doctor
/// .conflicting_urls`).
#[derive(Debug, Clone)]
pub struct Collision {
    /// The destination, relative to the output folder.
    pub destination: String,
    /// The entries (indexes into [`Site::files`]).
    pub files: Vec<usize>,
}

/// Outputs this reader cannot know: declared plugins it does not model, a `_plugins` folder,
/// a theme. A link such outputs could serve is not provably broken.
#[derive(Debug, Clone, Default)]
pub struct UnknownPlugins {
    /// `plugins:` entries not modelled.
    pub plugins: Vec<String>,
    /// A `_plugins` folder with Ruby files (loaded unless in safe mode).
    pub plugins_dir: bool,
    /// `theme:` (its assets are pages and static files of the site).
    pub theme: Option<String>,
    /// The config file is `_config.toml` (not read).
    pub toml_config: bool,
}

impl UnknownPlugins {
    /// Whether anything unknown may add outputs.
    pub fn any(&self) -> bool {
        !self.plugins.is_empty() || self.plugins_dir || self.theme.is_some() || self.toml_config
    }
}

/// A condition under which `jekyll build` stops with an error.
#[derive(Debug, Clone)]
pub struct Fatal {
    /// The file concerned (relative to the source), if any.
    pub path: Option<String>,
    /// What Jekyll raises.
    pub message: String,
}

/// The result of looking a link up in the site.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<T> {
    /// Served by this output.
    Served(T),
    /// Not served, and nothing unknown could serve it.
    Missing,
    /// Not served by any file known here, but an unknown plugin or theme might.
    Unknown,
}

/// The destinations a link's path may be served from, in order: `baseurl` stripped when
/// present (else the path as it is), query and fragment dropped, percent-decoded, `dir/` →
/// `dir/index.html`, `/x` → `x`, `x.html`, `x/index.html`.
pub(crate) fn lookup_candidates(link: &str, baseurl: Option<&str>) -> Vec<String> {
    let path = link.split(['?', '#']).next().unwrap_or("");
    let mut candidates = vec![path.to_string()];
    if let Some(base) = baseurl {
        let base = base.trim_end_matches('/');
        if !base.is_empty()
            && let Some(rest) = path.strip_prefix(base)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            candidates.insert(
                0,
                if rest.is_empty() {
                    "/".into()
                } else {
                    rest.into()
                },
            );
        }
    }
    let mut tries = Vec::new();
    for c in candidates {
        let dest = url::dest_relative(&c);
        if c.ends_with('/') || dest.is_empty() {
            tries.push(if dest.is_empty() {
                "index.html".to_string()
            } else {
                format!("{dest}/index.html")
            });
        } else {
            let html = format!("{dest}.html");
            let index = format!("{dest}/index.html");
            tries.extend([dest, html, index]);
        }
    }
    tries
}

/// A site as Jekyll reads it.
#[derive(Debug, Clone)]
pub struct Site {
    /// The source folder (absolute).
    pub source: PathBuf,
    /// The configuration.
    pub config: Config,
    /// `site.time`.
    pub time: JekyllTime,
    /// The zone dates are read in.
    pub timezone: Option<String>,
    /// Every file read or generated, sorted by (path, kind, url, destination).
    pub files: Vec<Entry>,
    /// The files of the source Jekyll does not read (when [`ReadOptions::list_unread`]),
    /// sorted by path.
    pub unread: Vec<(String, Unread)>,
    /// Destinations written by more than one file.
    pub collisions: Vec<Collision>,
    /// What may add outputs unknown here.
    pub unknown: UnknownPlugins,
    /// Conditions that stop the build.
    pub fatal: Vec<Fatal>,
    /// Plugins Jekyll would not load (safe mode outside `whitelist`).
    pub disabled_plugins: Vec<String>,
    /// `(dest_hash(destination), index into files)` of the written files, sorted.
    by_destination: Vec<(u64, usize)>,
}

impl Site {
    /// The entry written at a destination (relative to the output folder).
    pub fn at_destination(&self, dest: &str) -> Option<&Entry> {
        let h = dest_hash(dest);
        let start = self.by_destination.partition_point(|&(x, _)| x < h);
        self.by_destination
            .get(start..)?
            .iter()
            .take_while(|&&(x, _)| x == h)
            .filter_map(|&(_, i)| self.files.get(i))
            .find(|e| e.destination.as_deref() == Ok(dest))
    }

    /// Looks up a link's path (site-relative, e.g. `/blog/2010/01/x/`, with or without the
    /// `baseurl`, query and fragment ignored) the way a static server serves the output
    /// folder: percent-decoded, `dir/` → `dir/index.html`, `/x` → `/x.html` (GitHub Pages).
    pub fn lookup(&self, link: &str) -> Lookup<&Entry> {
        for t in lookup_candidates(link, self.config.baseurl.as_deref()) {
            if let Some(e) = self.at_destination(&t) {
                return Lookup::Served(e);
            }
        }
        if self.unknown.any() {
            Lookup::Unknown
        } else {
            Lookup::Missing
        }
    }

    /// Every destination the built site has (written files).
    pub fn destinations(&self) -> impl Iterator<Item = &str> {
        let mut seen = std::collections::HashSet::new();
        self.files
            .iter()
            .filter(|e| e.written)
            .filter_map(|e| e.destination.as_deref().ok())
            .filter(move |d| seen.insert(*d))
    }

    /// The site as the oracle's JSON (`oracle/postlint_oracle.rb`), for a direct diff.
    pub fn to_oracle_json(&self) -> serde_json::Value {
        json::site_json(self)
    }
}

impl Entry {
    /// The entry as one file of the oracle's JSON (the schema of NOTES.md).
    pub fn to_oracle_json(&self) -> serde_json::Value {
        json::entry_json(self)
    }
}

/// Reads the site whose source folder is `root`, as `jekyll build` would (reading and
/// generating; nothing is rendered or written): [`SiteConfig::load`], a walk of the whole
/// source through [`SiteConfig::classify`], [`SiteConfig::entry`] of each file read (in
/// parallel), [`SiteIndex`] with every document.
pub fn read_site(root: &Path, opts: &ReadOptions, fm: &dyn FrontMatterReader) -> Site {
    reader::read(root, opts, fm)
}

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn shared_across_threads() {
        send_sync::<crate::SiteConfig<'static>>();
        send_sync::<crate::SiteIndex>();
        send_sync::<crate::Documents>();
        send_sync::<crate::Entry>();
        send_sync::<crate::PsychReader>();
    }
}
