//! The site around the posts, read once per run: `_config.yml` (url, baseurl, permalink style,
//! timezone, future), `CNAME`, the pages with their permalinks, the static files, and the posts
//! (from their file names). Links are resolved the way the built site will serve them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use regex::Regex;

use super::date::{filename_date, parse_lenient};
use super::document::{FrontMatter, Kind, Post};
use super::url::{expand_style, page_url, permalink_regex, push_path};
use super::yaml::NodeExt;
use super::yaml::{self, Node};
use crate::base::hash::fnv1a;

/// Folders that are never part of the built site.
const SKIP_DIRS: &[&str] = &[
    "_site",
    ".git",
    "node_modules",
    "vendor",
    ".jekyll-cache",
    ".sass-cache",
    "target",
];

#[derive(Debug, Default)]
pub struct SiteModel {
    /// The site's source folder (where `_config.yml` is), if one was found.
    pub root: Option<PathBuf>,
    /// `url` from `_config.yml`.
    pub url: Option<String>,
    pub baseurl: String,
    /// `timezone` and `future` from `_config.yml`.
    pub timezone: Option<String>,
    pub future: Option<bool>,
    /// The host names of the site (lowercase): `url`'s, `CNAME`'s, and `site.hosts`.
    pub hosts: Vec<String>,
    /// The permalink template of posts (Jekyll's style names expanded).
    pub permalink: String,
    /// The regex of `permalink`, compiled when a link first needs it.
    permalink_re: std::sync::OnceLock<Option<Regex>>,
    /// URL paths that exist: pages and static files (without `baseurl`).
    urls: HashSet<String>,
    /// Posts by a hash of `year/month/day/slug` (from their file names), listed only when a
    /// link first needs it (a pre-commit run on a few posts of a large site never does).
    posts: std::sync::OnceLock<Vec<u64>>,
    /// Pages under `category/` that name a `category:` (TX007).
    pub category_pages: Vec<CategoryPage>,
    /// Category and tag names of the run, interned (the cross-file index holds ids).
    names: Interner<str>,
    /// Pairings of a post's category and tags (`[category, tags…]` over name ids), interned:
    /// the cross-file index holds one id per post.
    pairings: Interner<[u32]>,
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

/// A walk of the site's source, without the folders that are never published (and without
/// `_posts/` when `skip_posts`). Jekyll reads no ignore file of git's: neither does this walk
/// (reading the global one cost a one-file run half a millisecond).
fn walk_site(root: &Path, skip_posts: bool) -> ignore::Walk {
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .ignore(false)
        .filter_entry(move |e| {
            let name = e.file_name().to_string_lossy();
            let skipped = SKIP_DIRS.contains(&name.as_ref()) || (skip_posts && name == "_posts");
            !(e.depth() > 0 && e.file_type().is_some_and(|t| t.is_dir()) && skipped)
        })
        .build()
}

/// The nearest folder holding `_config.yml`, from each start upward.
pub fn find_root(starts: &[&Path]) -> Option<PathBuf> {
    starts
        .iter()
        .flat_map(|s| s.ancestors())
        .find(|d| d.join("_config.yml").is_file())
        .map(Path::to_path_buf)
}

/// The host of an absolute or protocol-relative URL, lowercased.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("//").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

impl SiteModel {
    /// Read the site at `root` (or an empty model when there is none).
    pub fn load(root: Option<PathBuf>, extra_hosts: &[String], url: Option<&str>) -> SiteModel {
        let mut site = SiteModel {
            permalink: expand_style("date"),
            ..SiteModel::default()
        };
        if let Some(root) = &root {
            site.read_config(root);
            if let Ok(cname) = std::fs::read_to_string(root.join("CNAME"))
                && let Some(h) = cname.split_whitespace().next()
            {
                site.hosts.push(h.to_ascii_lowercase());
            }
            site.index(root);
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

    fn read_config(&mut self, root: &Path) {
        let Ok(text) = std::fs::read_to_string(root.join("_config.yml")) else {
            return;
        };
        let Ok(Some(doc)) = yaml::parse(&text, 0) else {
            return;
        };
        let get = |k: &str| {
            doc.get(k)
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        self.url = get("url");
        if let Some(u) = self.url.as_deref().and_then(host_of) {
            self.hosts.push(u);
        }
        self.baseurl = get("baseurl")
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string();
        if let Some(p) = get("permalink") {
            self.permalink = expand_style(&p);
        }
        self.timezone = get("timezone");
        self.future = doc
            .get("future")
            .and_then(Node::as_str)
            .map(|s| s == "true");
    }

    /// Walk the site once: pages (with their permalinks), static files, posts by file name.
    fn index(&mut self, root: &Path) {
        // `_posts/` is listed lazily (see `posts`).
        let walker = walk_site(root, true);
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(root) else {
                continue;
            };
            let rel_str = rel.to_string_lossy().replace('\\', "/");

            // Folders and files starting with `_` or `.` are not published (posts aside).
            if rel.components().any(|c| {
                let s = c.as_os_str().to_string_lossy();
                s.starts_with('_') || s.starts_with('.')
            }) {
                continue;
            }
            let ext = rel
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let page = matches!(
                ext.as_str(),
                "md" | "markdown" | "mkdown" | "mkdn" | "mkd" | "html" | "htm"
            );
            if page && let Some((url, post)) = read_page(entry.path(), &rel_str) {
                self.urls.insert(url);
                if rel_str.starts_with("category/")
                    && let Some(c) = post.root().and_then(|r| r.get("category"))
                    && let (Some(slug), Some(close)) = (c.as_str(), post.closing())
                {
                    let title = post.root().and_then(|r| r.get("title")).and_then(|t| {
                        t.as_str()
                            .map(|v| (v.to_string(), t.content_span(&post.text)))
                    });
                    self.category_pages.push(CategoryPage {
                        path: entry.path().to_path_buf(),
                        slug: slug.to_string(),
                        slug_span: c.content_span(&post.text),
                        title,
                        close,
                        text: post.text.clone(),
                    });
                }
                continue;
            }
            self.urls.insert(format!("/{rel_str}"));
        }
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

    /// Whether a URL path (decoded, without query or fragment) exists in the built site.
    /// `generated` are further paths the site builds (e.g. the post's category pages).
    pub fn exists(&self, path: &str, generated: &[String]) -> bool {
        let path = match self.baseurl.as_str() {
            "" => path,
            base => path.strip_prefix(base).unwrap_or(path),
        };
        let path = if path.is_empty() { "/" } else { path };
        let candidates = [
            path.to_string(),
            format!("{}/", path.trim_end_matches('/')),
            format!("{path}.html"),
            format!("{}/index.html", path.trim_end_matches('/')),
            path.trim_end_matches('/').to_string(),
        ];
        if candidates
            .iter()
            .any(|c| self.urls.contains(c) || generated.contains(c))
        {
            return true;
        }
        // Another post's permalink.
        if let Some(re) = self
            .permalink_re
            .get_or_init(|| permalink_regex(&self.permalink))
            && let Some(caps) = re.captures(path)
            && let (Some(y), Some(m), Some(d), Some(t)) = (
                caps.name("year"),
                caps.name("month"),
                caps.name("day"),
                caps.name("title"),
            )
        {
            let key = format!(
                "{}/{}/{}/{}",
                y.as_str(),
                m.as_str(),
                d.as_str(),
                t.as_str().trim_end_matches(".html")
            );
            return self.has_post(
                y.as_str(),
                m.as_str(),
                d.as_str(),
                t.as_str().trim_end_matches(".html"),
                &key,
            );
        }
        false
    }

    /// Whether a post with this date and slug exists: first the likely file
    /// (`_posts/YYYY-MM-DD-slug.md` and the other extensions), else the list of all posts.
    fn has_post(&self, y: &str, m: &str, d: &str, slug: &str, key: &str) -> bool {
        let Some(root) = &self.root else { return false };
        let direct = ["md", "markdown", "mkdown", "mkdn", "mkd", "html"]
            .iter()
            .any(|ext| {
                root.join("_posts")
                    .join(format!("{y}-{m}-{d}-{slug}.{ext}"))
                    .is_file()
            });
        direct || self.posts().binary_search(&fnv1a(key.as_bytes())).is_ok()
    }

    /// The posts' keys, sorted (8 bytes a post: a set would take twice that).
    fn posts(&self) -> &[u64] {
        self.posts.get_or_init(|| {
            let mut keys = Vec::new();
            let Some(root) = &self.root else { return keys };
            let walker = walk_site(root, false);
            for entry in walker.flatten() {
                let Ok(rel) = entry.path().strip_prefix(root) else {
                    continue;
                };
                if entry.file_type().is_some_and(|t| t.is_file())
                    && rel.components().any(|c| c.as_os_str() == "_posts")
                {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    if let Some(key) = post_key(&rel) {
                        keys.push(fnv1a(key.as_bytes()));
                    }
                }
            }
            keys.sort_unstable();
            keys.dedup();
            keys.shrink_to_fit();
            keys
        })
    }

    /// The URL path a post is published at (Jekyll's permalink rules), if its date is known.
    pub fn post_url<'p>(&self, post: &'p Post) -> Option<&'p str> {
        post.url
            .get_or_init(|| self.compute_post_url(post))
            .as_deref()
    }

    /// The URL a page is published at (from its path as given).
    pub fn page_url(&self, post: &Post) -> Option<String> {
        Some(page_url(&post.path, permalink(post)))
    }

    /// The URL a file is published at: a post's by the permalink rules, any other's as a
    /// page's.
    pub fn url_of(&self, post: &Post) -> Option<String> {
        match post.kind {
            Kind::Post => self.post_url(post).map(str::to_string),
            _ => self.page_url(post),
        }
    }

    fn compute_post_url(&self, post: &Post) -> Option<String> {
        let root = match &post.front_matter {
            FrontMatter::Parsed { root, .. } => root.as_ref(),
            _ => None,
        };
        if let Some(p) = root
            .and_then(|r| r.get("permalink"))
            .and_then(Node::as_str)
            .filter(|p| p.starts_with('/'))
        {
            return Some(p.to_string());
        }
        let (fy, fm, fd) = filename_date(&post.file_name)?;
        let date = root
            .and_then(|r| r.get("date"))
            .and_then(Node::as_str)
            .and_then(|d| parse_lenient(d.trim()))
            .map_or((fy, fm, fd), |p| (p.year, p.month, p.day));
        let stem = post
            .file_name
            .rsplit_once('.')
            .map_or(post.file_name.as_str(), |(s, _)| s);
        let slug = stem.splitn(4, '-').nth(3).unwrap_or(stem);
        let categories = root.map(categories_of).unwrap_or_default();
        let cats = categories
            .iter()
            .map(|c| c.to_lowercase())
            .collect::<Vec<_>>()
            .join("/");
        // One pass over the template, as Jekyll's `:([a-z_]+)` substitution (this runs for
        // every post; a chain of `replace` calls was 6% of a run).
        let mut url = String::with_capacity(self.baseurl.len() + self.permalink.len() + 48);
        url.push_str(&self.baseurl);
        let mut rest = self.permalink.as_str();
        while let Some(i) = rest.find(':') {
            url.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let n = after
                .bytes()
                .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
                .count();
            let name = &after[..n];
            let piece = match name {
                "categories" => cats.clone(),
                "year" => format!("{:04}", date.0),
                "month" => format!("{:02}", date.1),
                "i_month" => date.1.to_string(),
                "day" => format!("{:02}", date.2),
                "i_day" => date.2.to_string(),
                "title" | "slug" => slug.to_string(),
                "output_ext" => ".html".to_string(),
                other => format!(":{other}"),
            };
            push_path(&mut url, &piece);
            rest = &after[n..];
        }
        push_path(&mut url, rest);
        Some(url)
    }
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

/// `2021/12/08/slug` from a post's path (its file name's date and slug).
fn post_key(rel: &str) -> Option<String> {
    let name = rel.rsplit('/').next()?;
    let (y, m, d) = filename_date(name)?;
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let slug = stem.splitn(4, '-').nth(3)?;
    Some(format!("{y:04}/{m:02}/{d:02}/{slug}"))
}

/// A page's URL and its front matter; `None` when the file has no front matter (then it is a
/// static file at its own path).
fn read_page(path: &Path, rel: &str) -> Option<(String, Post)> {
    let bytes = std::fs::read(path).ok()?;
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}');
    if !(text.starts_with("---\n") || text.starts_with("---\r\n") || text.starts_with("--- ")) {
        return None;
    }
    let post = Post::from_bytes(rel, text.as_bytes().to_vec());
    Some((page_url(rel, permalink(&post)), post))
}

/// A file's front matter `permalink`, when it is a string.
fn permalink(post: &Post) -> Option<&str> {
    post.root()
        .and_then(|r| r.get("permalink"))
        .and_then(Node::as_str)
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
}
