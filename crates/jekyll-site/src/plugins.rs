//! The generators of the plugins modelled here (their pages, URLs and destinations):
//! jekyll-redirect-from 0.16.0, jekyll-feed 0.17.0, jekyll-sitemap 1.4.0, jekyll-paginate
//! 1.1.0, jekyll-archives 2.2.1 (Debian's, under /usr/lib/ruby/vendor_ruby and
//! /usr/share/rubygems-integration/all/gems).

use std::collections::HashSet;

use crate::data::{Data, EqlSet};
use crate::entry::{PageUrl, extname, page_destination, page_url};
use crate::filter::{basename, rb_join};
use crate::site_config::SiteConfig;
use crate::url::{generate_from_hash, sanitize_url, slugify, unescape_path};
use crate::value::{Value, ValueKind};
use crate::{Entry, Fatal, GeneratedPage, Kind};

/// What the generators need of the posts (`site.posts.docs`: the posts and drafts written).
#[derive(Debug, Clone, Default)]
pub(crate) struct PostFacts {
    /// `site.post_attr_hash("tags")` keys, first appearance order.
    pub tags: Vec<Value>,
    tag_keys: EqlSet,
    /// `site.post_attr_hash("categories")` keys.
    pub categories: Vec<Value>,
    cat_keys: EqlSet,
    /// The civil `(year, month, day)` of each post's date (what `%Y`, `%m`, `%d` write), first
    /// appearance order, without repeats ([`PostFacts::day_strings`]).
    pub days: Vec<(i64, u32, u32)>,
    day_keys: HashSet<(i64, u32, u32)>,
    /// Posts without a truthy `hidden` (jekyll-paginate counts them).
    pub visible: u64,
}

impl PostFacts {
    /// Adds one post (its entry).
    pub fn add(&mut self, e: &Entry) {
        for (list, keys, v) in [
            (&mut self.tags, &mut self.tag_keys, &e.tags),
            (&mut self.categories, &mut self.cat_keys, &e.categories),
        ] {
            if let Some(Value {
                kind: ValueKind::Seq(items),
                ..
            }) = v
            {
                for t in items {
                    if keys.insert(t) {
                        list.push(t.clone());
                    }
                }
            }
        }
        if let Some(t) = e.date {
            let c = t.civil();
            let ymd = (c.year, c.month, c.day);
            if self.day_keys.insert(ymd) {
                self.days.push(ymd);
            }
        }
        if !e.hidden {
            self.visible += 1;
        }
    }

    /// Adds the facts of other posts.
    pub fn merge(&mut self, other: PostFacts) {
        for t in other.tags {
            if self.tag_keys.insert(&t) {
                self.tags.push(t);
            }
        }
        for t in other.categories {
            if self.cat_keys.insert(&t) {
                self.categories.push(t);
            }
        }
        for d in other.days {
            if self.day_keys.insert(d) {
                self.days.push(d);
            }
        }
        self.visible += other.visible;
    }

    /// `(%Y, %m, %d)` of each of [`PostFacts::days`].
    pub fn day_strings(&self) -> Vec<(String, String, String)> {
        self.days
            .iter()
            .map(|&(y, m, d)| {
                let two = |n: u32| {
                    let mut s = String::with_capacity(2);
                    crate::time::push_padded(&mut s, u64::from(n), 2);
                    s
                };
                (crate::time::year4(y), two(m), two(d))
            })
            .collect()
    }
}

/// The `redirect_from` of one document written (jekyll-redirect-from).
#[derive(Debug, Clone)]
pub(crate) struct DocRedirect {
    pub path: Option<String>,
    pub url_ok: bool,
    pub values: Vec<Value>,
}

/// What the generators are given.
pub(crate) struct GenInput<'a> {
    /// Every page read (`site.pages` holds the written ones).
    pub pages: &'a [Entry],
    /// Whether a static file has this URL (jekyll-sitemap asks for `/sitemap.xml` and
    /// `/robots.txt`).
    pub static_url: &'a dyn Fn(&str) -> bool,
    /// The posts.
    pub posts: &'a PostFacts,
    /// The documents written with a `redirect_from`.
    pub redirects: &'a [DocRedirect],
}

/// Pages known to the generators.
struct PageInfo {
    rel: String,
    name: String,
    /// `Page#dir` (url-based).
    url_dir: String,
    /// `data["path"]`.
    path: Option<String>,
}

fn page_infos(pages: &[Entry]) -> Vec<PageInfo> {
    pages
        .iter()
        .filter(|e| e.written && e.kind == Kind::Page)
        .filter_map(|e| {
            let rel = e.path.clone()?;
            let url_dir = match &e.url {
                Ok(u) if u.ends_with('/') => u.clone(),
                Ok(u) => {
                    let d = match u.rfind('/') {
                        Some(0) | None => "/".to_string(),
                        Some(i) => u[..i].to_string(),
                    };
                    if d.ends_with('/') { d } else { format!("{d}/") }
                }
                Err(_) => "/".into(),
            };
            Some(PageInfo {
                name: basename(&rel).to_string(),
                rel,
                url_dir,
                path: e.page_path.clone(),
            })
        })
        .collect()
}

/// Plugins this crate knows: the generators above, and plugins that add no file to the site
/// (tags, filters, converters whose output extension is modelled, hooks on content).
pub const KNOWN: &[&str] = &[
    "jekyll-redirect-from",
    "jekyll-feed",
    "jekyll-sitemap",
    "jekyll-paginate",
    "jekyll-archives",
    "jekyll-seo-tag",
    "jekyll-avatar",
    "jekyll-mentions",
    "jemoji",
    "jekyll-gist",
    "jekyll-include-cache",
    "jekyll-sass-converter",
    "jekyll-coffeescript",
    "jekyll-watch",
    "jekyll-commonmark",
    "jekyll-commonmark-ghpages",
    "kramdown-parser-gfm",
    "jekyll-titles-from-headings",
    "jekyll-default-layout",
];

fn generated(name: &'static str, url: Result<String, String>, output_ext: &str) -> GeneratedPage {
    let destination = page_destination(&url, output_ext);
    let b = |r: Result<String, String>| match r {
        Ok(v) => Ok(v.into_boxed_str()),
        Err(e) => Err(e.into_boxed_str()),
    };
    GeneratedPage {
        generator: name,
        url: b(url),
        destination: b(destination),
        redirect_page: false,
    }
}

/// A `PageWithoutAFile.new(site, base, "", name)`: its URL takes the defaults' permalink for
/// `relative_path` (`File.join("", name)` without the leading slash).
fn page_without_a_file(
    ctx: &SiteConfig<'_>,
    generator: &'static str,
    name: &str,
    fatal: &mut Vec<Fatal>,
) -> GeneratedPage {
    let rel = rb_join("", name).trim_start_matches('/').to_string();
    let permalink = match ctx.defaults.find(&rel, Some("pages"), "permalink") {
        Ok(v) => v,
        Err(e) => {
            fatal.push(Fatal {
                path: None,
                message: e,
            });
            None
        }
    };
    let (url, ext) = page_url(
        ctx,
        &PageUrl {
            dir: "",
            name,
            permalink: permalink.as_ref(),
        },
    );
    generated(generator, url, &ext)
}

fn file_exists(ctx: &SiteConfig<'_>, path: &str) -> bool {
    let clean = crate::url::expand_path_root(path);
    let t = clean.trim_start_matches('/');
    let p = if t.is_empty() {
        ctx.source.clone()
    } else {
        ctx.source.join(t)
    };
    p.exists()
}

/// Runs the generators of the loaded plugins, in Jekyll's order (priority normal, then
/// lowest).
pub(crate) fn generate(
    ctx: &SiteConfig<'_>,
    input: &GenInput<'_>,
    fatal: &mut Vec<Fatal>,
) -> Vec<GeneratedPage> {
    let has = |n: &str| ctx.loaded.iter().any(|p| p == n);
    let mut out: Vec<GeneratedPage> = Vec::new();
    if has("jekyll-redirect-from") {
        redirect_from(ctx, input, &mut out, fatal);
    }
    if has("jekyll-archives") {
        archives(ctx, input.posts, &mut out, fatal);
    }
    if has("jekyll-feed") {
        feed(ctx, input.posts, &mut out, fatal);
    }
    if has("jekyll-paginate") {
        let infos = page_infos(input.pages);
        paginate(ctx, &infos, input.posts, &mut out, fatal);
    }
    if has("jekyll-sitemap") {
        for name in ["sitemap.xml", "robots.txt"] {
            let url = format!("/{name}");
            let taken = input
                .pages
                .iter()
                .filter(|e| e.written)
                .any(|e| e.url.as_deref() == Ok(url.as_str()))
                || out.iter().any(|g| g.url.as_deref() == Ok(url.as_str()));
            if !taken && !(input.static_url)(&url) {
                out.push(page_without_a_file(
                    ctx,
                    "Jekyll::JekyllSitemap",
                    name,
                    fatal,
                ));
            }
        }
    }
    out
}

/// jekyll-redirect-from: a `RedirectPage` (`redirect.html` with the permalink) for each
/// `redirect_from` of the documents written and the pages; `redirects.json`.
fn redirect_from(
    ctx: &SiteConfig<'_>,
    input: &GenInput<'_>,
    out: &mut Vec<GeneratedPage>,
    fatal: &mut Vec<Fatal>,
) {
    const NAME: &str = "JekyllRedirectFrom::Generator";
    let pages = input
        .pages
        .iter()
        .filter(|e| e.written && e.kind == Kind::Page && !e.redirect_from.is_empty())
        .map(|e| (e.path.as_ref(), e.url.is_ok(), e.redirect_from.as_slice()));
    let docs = input
        .redirects
        .iter()
        .map(|d| (d.path.as_ref(), d.url_ok, d.values.as_slice()));
    for (path, url_ok, values) in docs.chain(pages) {
        for v in values {
            let Some(from) = v.as_str() else {
                fatal.push(Fatal {
                    path: path.cloned(),
                    message: format!(
                        "jekyll-redirect-from: redirect_from {} is not a String",
                        v.inspect()
                    ),
                });
                continue;
            };
            if !url_ok {
                fatal.push(Fatal {
                    path: path.cloned(),
                    message: "jekyll-redirect-from: the document has no URL".into(),
                });
                continue;
            }
            let from = if from.is_empty() || from.starts_with('/') {
                from.to_string()
            } else {
                format!("/{from}")
            };
            let permalink = Value::string(from);
            let (url, ext) = page_url(
                ctx,
                &PageUrl {
                    dir: "",
                    name: "redirect.html",
                    permalink: Some(&permalink),
                },
            );
            let mut g = generated(NAME, url, &ext);
            g.redirect_page = true;
            out.push(g);
        }
    }
    let json = match ctx.config.get("redirect_from").map(|v| &v.kind) {
        None | Some(ValueKind::Null) => true,
        Some(ValueKind::Map(_)) => ctx
            .config
            .get("redirect_from")
            .and_then(|v| v.get("json"))
            .is_none_or(|j| !matches!(j.kind, ValueKind::Bool(false))),
        Some(_) => {
            fatal.push(Fatal {
                path: None,
                message: "jekyll-redirect-from: `redirect_from` config is not a hash".into(),
            });
            false
        }
    };
    if json && !file_exists(ctx, "redirects.json") {
        out.push(page_without_a_file(ctx, NAME, "redirects.json", fatal));
    }
}

/// jekyll-feed: `/feed.xml` (or `feed: path:`), per-category and per-collection feeds, and
/// per-tag feeds (`feed: tags:`).
fn feed(
    ctx: &SiteConfig<'_>,
    posts: &PostFacts,
    out: &mut Vec<GeneratedPage>,
    fatal: &mut Vec<Fatal>,
) {
    const NAME: &str = "JekyllFeed::Generator";
    let empty = Value::synthetic(ValueKind::Map(Vec::new()));
    let config = match ctx.config.get("feed") {
        None => &empty,
        Some(v) if v.is_null() || matches!(v.kind, ValueKind::Bool(false)) => &empty,
        Some(v) if matches!(v.kind, ValueKind::Map(_)) => v,
        Some(_) => {
            fatal.push(Fatal {
                path: None,
                message: "jekyll-feed: `feed` config is not a hash".into(),
            });
            return;
        }
    };
    if config
        .get("disable_in_development")
        .is_some_and(Value::truthy)
        && ctx.opts.jekyll_env == "development"
    {
        return;
    }
    // collections: name → (categories, path)
    let mut colls: Vec<(String, Option<Value>, Option<Value>)> = Vec::new();
    match config.get("collections").map(|v| &v.kind) {
        Some(ValueKind::Seq(items)) => {
            for i in items {
                let n = i.ruby_to_s();
                if !colls.iter().any(|(c, _, _)| *c == n) {
                    colls.push((n, None, None));
                }
            }
        }
        Some(ValueKind::Map(m)) => {
            for (k, v) in m {
                if !matches!(v.kind, ValueKind::Map(_)) {
                    fatal.push(Fatal {
                        path: None,
                        message: format!(
                            "jekyll-feed: collection {} settings are not a hash",
                            k.ruby_to_s()
                        ),
                    });
                    return;
                }
                colls.push((
                    k.ruby_to_s(),
                    v.get("categories").filter(|c| !c.is_null()).cloned(),
                    v.get("path").filter(|c| c.truthy()).cloned(),
                ));
            }
        }
        _ => {}
    }
    // normalize_posts_meta
    match colls.iter_mut().find(|(c, _, _)| c == "posts") {
        Some(p) => {
            if p.2.is_none() {
                p.2 = config.get("path").filter(|v| v.truthy()).cloned();
            }
            if p.1.is_none() {
                p.1 = config.get("categories").filter(|v| !v.is_null()).cloned();
            }
        }
        None => colls.push((
            "posts".into(),
            config.get("categories").filter(|v| !v.is_null()).cloned(),
            config.get("path").filter(|v| v.truthy()).cloned(),
        )),
    }
    for (name, cats, path) in &colls {
        let cats: Vec<Value> = match cats.as_ref().map(|c| &c.kind) {
            None => Vec::new(),
            Some(ValueKind::Seq(items)) => {
                let mut seen = HashSet::new();
                items
                    .iter()
                    .filter(|i| seen.insert(crate::data::eql_key(i)))
                    .cloned()
                    .collect()
            }
            Some(_) => {
                fatal.push(Fatal {
                    path: None,
                    message: "jekyll-feed: `categories` is not a list (to_set)".into(),
                });
                return;
            }
        };
        let prefix = if name == "posts" {
            "/feed".to_string()
        } else {
            format!("/feed/{name}")
        };
        let mut paths: Vec<String> = cats
            .iter()
            .map(|c| format!("{prefix}/{}.xml", c.ruby_to_s()))
            .collect();
        let main = match path {
            Some(p) => match p.as_str() {
                Some(s) => s.to_string(),
                None => {
                    fatal.push(Fatal {
                        path: None,
                        message: "jekyll-feed: `path` is not a String".into(),
                    });
                    continue;
                }
            },
            None => format!("{prefix}.xml"),
        };
        paths.push(main);
        for p in paths {
            if file_exists(ctx, &p) {
                continue;
            }
            out.push(page_without_a_file(ctx, NAME, &p, fatal));
        }
    }
    // generate_feed_by_tag
    let tag_keys = posts.tags.clone();
    if config.get("tags").is_some_and(Value::truthy) && !tag_keys.is_empty() {
        let tc = config
            .get("tags")
            .filter(|t| matches!(t.kind, ValueKind::Map(_)))
            .cloned()
            .unwrap_or_else(|| Value::synthetic(ValueKind::Map(Vec::new())));
        let except: Vec<String> = tc
            .get("except")
            .and_then(|v| v.as_seq())
            .map(|s| s.iter().map(crate::data::eql_key).collect())
            .unwrap_or_default();
        let only: Vec<Value> = match tc.get("only").filter(|v| v.truthy()) {
            Some(v) => v.as_seq().map(<[Value]>::to_vec).unwrap_or_default(),
            None => tag_keys,
        };
        let tags_path = tc
            .get("path")
            .filter(|v| v.truthy())
            .map_or_else(|| "/feed/by_tag/".to_string(), Value::ruby_to_s);
        let mut seen = HashSet::new();
        for tag in only {
            let key = crate::data::eql_key(&tag);
            if except.contains(&key) || !seen.insert(key) {
                continue;
            }
            let Some(t) = tag.as_str() else {
                fatal.push(Fatal {
                    path: None,
                    message: format!("jekyll-feed: tag {} is not a String", tag.inspect()),
                });
                continue;
            };
            if t.bytes().any(|b| !(b.is_ascii_alphanumeric() || b == b'_')) {
                continue;
            }
            let p = format!("{tags_path}{t}.xml");
            if file_exists(ctx, &p) {
                continue;
            }
            out.push(page_without_a_file(ctx, NAME, &p, fatal));
        }
    }
}

/// `File.dirname`.
fn dirname(p: &str) -> String {
    let t = p.trim_end_matches('/');
    match t.rfind('/') {
        Some(0) => "/".into(),
        Some(i) => t[..i].trim_end_matches('/').to_string(),
        None => ".".into(),
    }
}

/// jekyll-paginate: `page2/` … of the `index.html` page nearest `paginate_path`.
fn paginate(
    ctx: &SiteConfig<'_>,
    pages: &[PageInfo],
    posts: &PostFacts,
    out: &mut Vec<GeneratedPage>,
    fatal: &mut Vec<Fatal>,
) {
    const NAME: &str = "Jekyll::Paginate::Pagination";
    let Some(per) = ctx.config.paginate.as_ref() else {
        return;
    };
    if pages.is_empty() && out.is_empty() {
        return;
    }
    let per_page: i64 = match &per.kind {
        ValueKind::Int(i) => i.parse().unwrap_or(0),
        ValueKind::Float(f) => *f as i64,
        ValueKind::Str(s) => {
            let t = s.trim_start();
            let (sign, digits) = match t.strip_prefix('-') {
                Some(r) => (-1, r),
                None => (1, t.strip_prefix('+').unwrap_or(t)),
            };
            let d: String = digits.chars().take_while(char::is_ascii_digit).collect();
            sign * d.parse::<i64>().unwrap_or(0)
        }
        _ => {
            fatal.push(Fatal {
                path: None,
                message: "jekyll-paginate: `paginate` has no to_i".into(),
            });
            return;
        }
    };
    let source = ctx.source_str.trim_end_matches('/').to_string();
    let expand = |p: &str| -> String {
        let rel = p.strip_prefix('/').unwrap_or(p);
        crate::url::expand_path_root(&format!("{source}/{rel}"))
    };
    let paginate_dir = dirname(&expand(&ctx.config.paginate_path));
    let candidate = |pi: &PageInfo| -> Option<String> {
        if pi.name != "index.html" {
            return None;
        }
        let path = pi.path.clone().unwrap_or_else(|| pi.rel.clone());
        let page_dir = dirname(&expand(&path));
        let mut p = paginate_dir.clone();
        loop {
            if p == dirname(&p) {
                return None;
            }
            if page_dir == p {
                return Some(path);
            }
            p = dirname(&p);
        }
    };
    let mut cands: Vec<(&PageInfo, String)> = pages
        .iter()
        .filter_map(|p| candidate(p).map(|c| (p, c)))
        .collect();
    cands.sort_by_key(|c| std::cmp::Reverse(c.1.len()));
    let Some((template, _)) = cands.first() else {
        return;
    };
    let n = i64::try_from(posts.visible).unwrap_or(i64::MAX);
    if per_page == 0 {
        fatal.push(Fatal {
            path: None,
            message: "jekyll-paginate: FloatDomainError (paginate is 0)".into(),
        });
        return;
    }
    let total = if per_page < 0 {
        0
    } else {
        (n + per_page - 1) / per_page
    };
    // Page.new(site, site.source, template.dir, template.name) for each: the same file,
    // read once.
    let url_dir = &template.url_dir;
    let rel = rb_join(url_dir, &template.name)
        .trim_start_matches('/')
        .to_string();
    let permalink = if total >= 2 {
        let data = read_page_data(ctx, &rel);
        if data.has("permalink") {
            data.get("permalink").cloned()
        } else {
            ctx.defaults
                .find(&rel, Some("pages"), "permalink")
                .ok()
                .flatten()
        }
    } else {
        None
    };
    for num in 2..=total {
        let dir = {
            let p = ctx
                .config
                .paginate_path
                .replacen(":num", &num.to_string(), 1);
            if p.starts_with('/') {
                p
            } else {
                format!("/{p}")
            }
        };
        let (url, ext) = page_url(
            ctx,
            &PageUrl {
                dir: &dir,
                name: &template.name,
                permalink: permalink.as_ref(),
            },
        );
        out.push(generated(NAME, url, &ext));
    }
}

fn read_page_data(ctx: &SiteConfig<'_>, rel: &str) -> Data {
    let abs = ctx.source.join(rel);
    let Ok(head) = crate::frontmatter::read_head(&abs, ctx.opts.check_encoding) else {
        return Data::default();
    };
    if !head.valid_utf8 || head.bounds.is_none() {
        return Data::default();
    }
    match ctx.fm.front_matter(&head.bytes, ctx.tz.as_deref()) {
        Ok(Some((v, _))) => Data::from_map(&v),
        _ => Data::default(),
    }
}

/// jekyll-archives: tag, category, year, month and day pages, as `enabled`.
fn archives(
    ctx: &SiteConfig<'_>,
    posts: &PostFacts,
    out: &mut Vec<GeneratedPage>,
    fatal: &mut Vec<Fatal>,
) {
    const NAME: &str = "Jekyll::Archives::Archives";
    let mut config = Value::synthetic(ValueKind::Map(vec![
        (Value::string("layout"), Value::string("archive")),
        (
            Value::string("enabled"),
            Value::synthetic(ValueKind::Seq(Vec::new())),
        ),
        (
            Value::string("permalinks"),
            Value::synthetic(ValueKind::Map(vec![
                (Value::string("year"), Value::string("/:year/")),
                (Value::string("month"), Value::string("/:year/:month/")),
                (Value::string("day"), Value::string("/:year/:month/:day/")),
                (Value::string("tag"), Value::string("/tag/:name/")),
                (Value::string("category"), Value::string("/category/:name/")),
            ])),
        ),
    ]));
    match ctx.config.get("jekyll-archives") {
        None => {}
        Some(v) if matches!(v.kind, ValueKind::Map(_)) => crate::config::deep_merge(&mut config, v),
        Some(_) => {
            fatal.push(Fatal {
                path: None,
                message: "jekyll-archives: its config is not a hash".into(),
            });
            return;
        }
    }
    let enabled = |t: &str| match config.get("enabled").map(|v| &v.kind) {
        Some(ValueKind::Bool(true)) => true,
        Some(ValueKind::Str(s)) => s == "all",
        Some(ValueKind::Seq(items)) => items.iter().any(|i| i.as_str() == Some(t)),
        _ => false,
    };
    let template = |t: &str| -> Result<String, String> {
        config
            .get("permalinks")
            .and_then(|p| p.get(t))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| "ArgumentError: Template provided is invalid.".to_string())
    };
    let mut make = |kind: &str, placeholders: Vec<(&str, Option<String>)>| {
        let url = template(kind).and_then(|t| {
            let ph: Vec<(&str, Option<&str>)> = placeholders
                .iter()
                .map(|(k, v)| (*k, v.as_deref()))
                .collect();
            generate_from_hash(&t, &ph)
                .map(|u| sanitize_url(&u))
                .map_err(|e| e.0)
        });
        let ext = match &url {
            Ok(u) => {
                let mut rel = unescape_path(u);
                if let Some(r) = rel.strip_prefix('/') {
                    rel = r.to_string();
                }
                if u.ends_with('/') {
                    rel = rb_join(&rel, "index.html");
                }
                ctx.converter_output_ext(extname(&rel))
            }
            Err(_) => String::new(),
        };
        out.push(generated(NAME, url, &ext));
    };
    for (attr, kind, flag) in [(true, "tag", "tags"), (false, "category", "categories")] {
        if !enabled(flag) {
            continue;
        }
        let keys = if attr { &posts.tags } else { &posts.categories };
        for title in keys {
            let slug = title.as_str().map(|s| slugify(s, "default", false));
            make(kind, vec![("name", slug), ("type", Some(kind.to_string()))]);
        }
    }
    let (y, m, d) = (enabled("year"), enabled("month"), enabled("day"));
    if y || m || d {
        let mut years: Vec<String> = Vec::new();
        let mut months: Vec<(String, String)> = Vec::new();
        let day_strings = posts.day_strings();
        let days = &day_strings;
        for (yy, mm, _) in days {
            if !years.contains(yy) {
                years.push(yy.clone());
            }
            let ym = (yy.clone(), mm.clone());
            if !months.contains(&ym) {
                months.push(ym);
            }
        }
        if y {
            for yy in &years {
                make(
                    "year",
                    vec![("year", Some(yy.clone())), ("type", Some("year".into()))],
                );
            }
        }
        if m {
            for (yy, mm) in &months {
                make(
                    "month",
                    vec![
                        ("year", Some(yy.clone())),
                        ("month", Some(mm.clone())),
                        ("type", Some("month".into())),
                    ],
                );
            }
        }
        if d {
            for (yy, mm, dd) in days {
                make(
                    "day",
                    vec![
                        ("year", Some(yy.clone())),
                        ("month", Some(mm.clone())),
                        ("day", Some(dd.clone())),
                        ("type", Some("day".into())),
                    ],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::JekyllTime;
    use crate::{Entry, Kind};

    fn post(date: JekyllTime, tags: Vec<Value>) -> Entry {
        Entry {
            kind: Kind::Post,
            collection: Some("posts".into()),
            path: None,
            written: true,
            skipped: None,
            url: Ok(String::new()),
            destination: Ok(String::new()),
            date: Some(date),
            slug: None,
            categories: Some(Value::synthetic(ValueKind::Seq(vec![Value::string("c")]))),
            tags: Some(Value::synthetic(ValueKind::Seq(tags))),
            read_error: None,
            generator: None,
            fatal: None,
            redirect_from: Vec::new(),
            hidden: false,
            redirect_page: false,
            page_path: None,
        }
    }

    #[test]
    fn days_are_strftime_and_keys_are_eql() {
        let mut facts = PostFacts::default();
        let mut other = PostFacts::default();
        let mut expected: Vec<(String, String, String)> = Vec::new();
        let mut unix: i64 = -70_000_000_000;
        let tags = [
            Value::string("a"),
            Value::string("\"a"),
            Value::string("1"),
            Value::synthetic(ValueKind::Int("1".into())),
            Value::synthetic(ValueKind::Seq(vec![Value::string("a")])),
            Value::string("[\"a\"]"),
            Value::string("a"),
        ];
        let mut i = 0usize;
        while unix < 300_000_000_000 {
            let t = JekyllTime {
                unix,
                nanos: 0,
                offset: 28_800,
            };
            let ymd = (t.strftime("%Y"), t.strftime("%m"), t.strftime("%d"));
            if !expected.contains(&ymd) {
                expected.push(ymd);
            }
            let e = post(t, vec![tags[i % tags.len()].clone()]);
            if i.is_multiple_of(2) {
                facts.add(&e);
            } else {
                other.add(&e);
            }
            // The same day again.
            facts.add(&e);
            i += 1;
            unix += 1_234_567_891;
        }
        facts.merge(other);
        let mut got = facts.day_strings();
        let mut want = expected.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want);
        // Tags: every distinct eql? key once, in first appearance order.
        let mut keys: Vec<String> = Vec::new();
        for t in &facts.tags {
            keys.push(crate::data::eql_key(t));
        }
        let mut dedup = keys.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), keys.len());
        assert_eq!(facts.tags.len(), 6);
    }
}
