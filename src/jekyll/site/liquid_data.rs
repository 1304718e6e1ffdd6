//! What Liquid sees when Jekyll renders a post: `site` (the configuration, with the values
//! Jekyll computes left unknown), `page` (the front matter, with what Jekyll's reader makes of
//! the post), and the site's includes and posts ([`LiquidHost`]). Whatever is not modelled
//! renders as unknown ([`jekyll_liquid::UNKNOWN_KEY`], [`jekyll_liquid::OPEN_KEY`]), never as
//! an empty string Jekyll would not print.

use std::path::{Component, Path};

use jekyll_liquid::OPEN_KEY;
use jekyll_site::value::{Value, ValueKind};
use serde_json::{Map, Value as J};

use super::SiteModel;
use crate::jekyll::document::Post;

/// Keys of a post's data that Jekyll sets or rewrites itself (`Document#data`, the document
/// drop) and that postlint does not compute: unknown.
const PAGE_COMPUTED: &[&str] = &[
    "date",
    "id",
    "excerpt",
    "content",
    "output",
    "collection",
    "next",
    "previous",
    "name",
    "draft",
    "ext",
];

/// What `site` holds besides the configuration (the site drop): unknown.
const SITE_COMPUTED: &[&str] = &[
    "posts",
    "pages",
    "static_files",
    "html_pages",
    "html_files",
    "collections",
    "documents",
    "categories",
    "tags",
    "time",
    "data",
    "related_posts",
];

/// Jekyll's configuration defaults (`Configuration::DEFAULTS`) that a site's `_config.yml`
/// need not set: printed from Jekyll's value, which postlint does not model (paths, lists).
const CONFIG_DEFAULTS: &[&str] = &[
    "source",
    "destination",
    "collections_dir",
    "cache_dir",
    "plugins_dir",
    "layouts_dir",
    "data_dir",
    "includes_dir",
    "safe",
    "include",
    "exclude",
    "keep_files",
    "encoding",
    "markdown_ext",
    "strict_front_matter",
    "show_drafts",
    "limit_posts",
    "future",
    "unpublished",
    "whitelist",
    "plugins",
    "markdown",
    "highlighter",
    "lsi",
    "excerpt_separator",
    "incremental",
    "detach",
    "port",
    "host",
    "show_dir_listing",
    "permalink",
    "paginate_path",
    "timezone",
    "quiet",
    "verbose",
    "defaults",
    "liquid",
    "kramdown",
];

/// A value Liquid cannot know ([`jekyll_liquid::UNKNOWN_KEY`]).
fn unknown() -> J {
    let mut m = Map::new();
    m.insert(jekyll_liquid::UNKNOWN_KEY.into(), J::Bool(true));
    J::Object(m)
}

/// Ruby's `Utils.deep_merge_hashes(master, other)`: `other`'s keys over `master`'s, hashes
/// merged key by key.
fn deep_merge(master: &mut Map<String, J>, other: Map<String, J>) {
    for (k, v) in other {
        match (master.get_mut(&k), v) {
            (Some(J::Object(m)), J::Object(o)) => deep_merge(m, o),
            (_, v) => {
                master.insert(k, v);
            }
        }
    }
}

/// A YAML value as JSON for Liquid; `None` for what JSON cannot hold as Ruby does (a `Date`, a
/// `Time`, an integer beyond 64 bits, a key that is not a string).
fn json_of(v: &Value) -> Option<J> {
    Some(match &v.kind {
        ValueKind::Null => J::Null,
        ValueKind::Bool(b) => J::Bool(*b),
        ValueKind::Int(s) => J::from(s.parse::<i64>().ok()?),
        ValueKind::Float(f) => J::from(serde_json::Number::from_f64(*f)?),
        ValueKind::Str(s) => J::String(s.clone()),
        ValueKind::Date { .. } | ValueKind::Time { .. } => return None,
        ValueKind::Seq(items) => J::Array(items.iter().map(json_of).collect::<Option<_>>()?),
        ValueKind::Map(entries) => J::Object(object_of(entries)),
    })
}

/// A YAML mapping as a JSON object: a value JSON cannot hold as Ruby does is unknown there;
/// a key that is not a string is left out (Liquid's lookups are by string). A later
/// duplicate key wins, as in Ruby's hash.
fn object_of(entries: &[(Value, Value)]) -> Map<String, J> {
    let mut out = Map::new();
    for (k, v) in entries {
        if let ValueKind::Str(k) = &k.kind {
            out.insert(k.clone(), json_of(v).unwrap_or_else(unknown));
        }
    }
    out
}

impl SiteModel {
    /// `site` as Liquid sees it: the configuration (Jekyll's defaults it does not set are
    /// unknown, but `baseurl` and `url`, which are `nil`), with what the site drop computes —
    /// `posts`, `time`, `categories`, each collection — unknown. Open (every key it lacks is
    /// unknown) when a plugin or theme postlint does not know may add values.
    pub fn liquid_site(&self) -> &J {
        self.liquid_site.get_or_init(|| {
            let Some(config) = &self.config else {
                let mut open = Map::new();
                open.insert(OPEN_KEY.into(), J::Bool(true));
                return J::Object(open);
            };
            let c = config.config();
            let mut site = match &c.raw.kind {
                ValueKind::Map(entries) => object_of(entries),
                _ => Map::new(),
            };
            for key in CONFIG_DEFAULTS {
                site.entry(*key).or_insert_with(unknown);
            }
            for key in ["url", "baseurl"] {
                site.entry(key).or_insert(J::Null);
            }
            for key in SITE_COMPUTED
                .iter()
                .copied()
                .chain(c.collections.iter().map(|c| c.label.as_str()))
            {
                site.insert(key.into(), unknown());
            }
            if self.liquid_plugins().unknown {
                site.insert(OPEN_KEY.into(), J::Bool(true));
            }
            J::Object(site)
        })
    }

    /// `page` as Liquid sees it when Jekyll renders `post`: the front matter over the site's
    /// front matter defaults, with what Jekyll's reader makes of the post (`url`, `slug`,
    /// `categories`, `tags`, `path`) and the rest of what it computes (`date`, `excerpt`, a
    /// missing `title`…) unknown. Open when a default cannot be read or a plugin postlint does
    /// not know may add values.
    pub fn liquid_page(&self, post: &Post) -> J {
        let tz = jekyll_site::psych_reader::zone(self.config.as_ref().and_then(|c| c.timezone()));
        let mut open = self.config.is_none() || self.liquid_plugins().unknown;
        let mut page = Map::new();
        if let (Some(config), Some(rel)) = (&self.config, post.rel.as_deref()) {
            match config.defaults_for(rel, Some("posts")) {
                Ok(Value {
                    kind: ValueKind::Map(entries),
                    ..
                }) => page = object_of(&entries),
                Ok(_) => {}
                Err(_) => open = true,
            }
        }
        if let Some(Value {
            kind: ValueKind::Map(entries),
            ..
        }) = post.root().and_then(|r| super::whole_value(r, &tz).ok())
        {
            deep_merge(&mut page, object_of(&entries));
        }
        page.entry("title").or_insert_with(unknown);
        for key in PAGE_COMPUTED {
            page.insert((*key).into(), unknown());
        }
        for key in ["url", "slug", "categories", "tags", "path"] {
            page.insert(key.into(), unknown());
        }
        if let Some(entry) = self.entry(post) {
            if let Ok(url) = &entry.url {
                page.insert("url".into(), J::String(url.clone()));
            }
            for (key, value) in [
                ("slug", &entry.slug),
                ("categories", &entry.categories),
                ("tags", &entry.tags),
            ] {
                if let Some(v) = value.as_ref().and_then(json_of) {
                    page.insert(key.into(), v);
                }
            }
            if let Some(path) = &entry.path {
                page.insert("path".into(), J::String(path.clone()));
            }
        }
        if open {
            page.insert(OPEN_KEY.into(), J::Bool(true));
        }
        J::Object(page)
    }
}

/// Whether Jekyll renders the post's Liquid: it has front matter, its body holds a Liquid
/// construct (`{{` or `{%`), and its front matter does not say `render_with_liquid: false`
/// (YAML 1.1's false: `false`, `no`, `off`, any case).
pub fn renders_liquid(post: &Post) -> bool {
    let Some(root) = post.root() else {
        return false;
    };
    let off = root
        .get("render_with_liquid")
        .and_then(|n| n.as_str())
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "false" | "no" | "off"));
    let body = post.text.get(post.body.clone()).unwrap_or("");
    !off && jekyll_liquid::has_liquid_construct(body)
}

impl SiteModel {
    /// How the post's Liquid is parsed: with the tags of the site's plugins.
    pub fn liquid_parse_options(&self) -> jekyll_liquid::ParseOptions {
        jekyll_liquid::ParseOptions::with_tags(self.liquid_plugins().tags, Vec::new())
    }

    /// The body as Liquid renders it (`template`: the body parsed with
    /// [`SiteModel::liquid_parse_options`]) when Jekyll renders the post's Liquid
    /// ([`renders_liquid`]) and it parses; the result says whether rendering raises and whether
    /// a branch or loop depended on a value postlint does not know. Unknown values
    /// (`{{ page.date }}`, a plugin tag, a highlighted block) are unknown segments of the map.
    pub fn render_body(
        &self,
        post: &Post,
        template: &jekyll_liquid::Template,
    ) -> Option<jekyll_liquid::Rendered> {
        if !template.errors.is_empty() || !renders_liquid(post) {
            return None;
        }
        let opts = jekyll_liquid::RenderOptions {
            parse: self.liquid_parse_options(),
            ..jekyll_liquid::RenderOptions::default()
        };
        let host = LiquidHost { site: self, post };
        let page = self.liquid_page(post);
        Some(jekyll_liquid::render(
            template,
            self.liquid_site(),
            &page,
            &host,
            &opts,
        ))
    }

    /// The body the HT and LK rules read, as the site's converter reads it: Liquid's output
    /// (`rendered`, from [`SiteModel::render_body`]) when postlint computes it — rendering
    /// raises nothing and no branch or loop depends on a value it does not know —, else the
    /// file's text.
    pub fn analyse_body(
        &self,
        post: &Post,
        rendered: Option<&jekyll_liquid::Rendered>,
    ) -> crate::jekyll::body::Body {
        match rendered {
            Some(r) if r.error.is_none() && !r.unknown_flow => {
                crate::jekyll::body::analyse_rendered(
                    &post.text,
                    r,
                    post.body.start,
                    &self.markdown,
                )
            }
            _ => crate::jekyll::body::analyse_as(&post.text, post.body.clone(), &self.markdown),
        }
    }
}

impl SiteModel {
    /// Whether the site's includes are known: it has its `_includes/` folder (a copy of a site
    /// without it is incomplete, not a site whose every include is missing) and takes none from
    /// a theme or a configured `includes_dir`.
    pub fn includes_known(&self) -> bool {
        *self.includes_known.get_or_init(|| {
            let (Some(root), Some(config)) = (&self.root, &self.config) else {
                return false;
            };
            let raw = &config.config().raw;
            root.join("_includes").is_dir()
                && raw.get("includes_dir").is_none()
                && config.unknown().theme.is_none()
        })
    }
}

/// The site's files as Liquid's tags read them while rendering one post.
pub struct LiquidHost<'a> {
    pub site: &'a SiteModel,
    pub post: &'a Post,
}

/// `dir/name` when `name` is a relative path that stays inside `dir` (Jekyll refuses the
/// others), read as UTF-8.
pub(super) fn read_inside(dir: &Path, name: &str) -> Option<String> {
    let rel = Path::new(name);
    if !rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let path = dir.join(rel);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

impl jekyll_liquid::Host for LiquidHost<'_> {
    fn include(&self, name: &str) -> Option<String> {
        let root = self.site.root.as_ref()?;
        read_inside(&root.join("_includes"), name)
    }

    fn include_relative(&self, name: &str) -> Option<String> {
        let root = self.site.root.as_ref()?;
        let rel = self.post.rel.as_deref()?;
        let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
        read_inside(&root.join(dir), name)
    }

    fn post_url(&self, name: &str) -> Option<String> {
        let rel = self.site.post_named(name)??;
        self.site.url_of_source(rel)
    }

    fn link_url(&self, path: &str) -> Option<String> {
        let rel = path.trim_start_matches('/');
        if self.site.link_target(rel) != Some(true) {
            return None;
        }
        self.site.url_of_source(rel)
    }

    fn post_exists(&self, name: &str) -> bool {
        self.site.post_url_target(name) == Some(true)
    }

    fn link_exists(&self, path: &str) -> bool {
        self.site.link_target(path) == Some(true)
    }
}
