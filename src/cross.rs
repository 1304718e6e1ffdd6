//! Cross-file rules, in a second pass over small per-file facts (never whole posts): duplicate
//! articles (XF001), permalink collisions (XF002) and inconsistent tag/category pairings (TX005).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::body::Body;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, SourceText};
use crate::loader::{Kind, Post};
use crate::rules::{Level, Rule, RuleMeta};
use crate::site::SiteModel;
use crate::source::LineIndex;
use crate::taxonomy::{article_hash, items, source_key, source_link};
use crate::yaml::Node;

pub static XF001: RuleMeta = RuleMeta {
    code: "XF001",
    name: "duplicate-post",
    default: Level::Warn,
    fixable: false,
    summary: "two posts with the same source link or the same body (the same article posted twice)",
    doc: "\
## What it does
Across all posts of a run, reports posts that publish the same article: the same source (the
same source URL, or the same source id such as the `infoCode` parameter or the numeric id of an
eastmoney news URL), or the same text once links, HTML and white space are set aside (the same
news item re-issued under another id). The first post (by path) is kept; each later one is
reported, naming the others.

## Why is this bad?
Readers see the same article twice in the feed; scrapers that re-run on a failure post it again.

## Example
`_posts/2021-12-08-202112082206748961.md` and `…206749391.md` with identical text.
",
};

pub static XF002: RuleMeta = RuleMeta {
    code: "XF002",
    name: "permalink-collision",
    default: Level::Error,
    fixable: false,
    summary: "two files (posts or pages) that Jekyll would publish at the same URL",
    doc: "\
## What it does
Computes the URL each post (from the site's permalink style, its date, categories and slug, or
its own `permalink`) and each page (its `permalink`, else its path) is published at, and reports
files that share one, naming the others.

## Why is this bad?
Jekyll writes both files to the same place in `_site/`: one of them silently disappears.

## Example
`README.md` and `index.md` both set `permalink: /`.
",
};

/// What one file contributes to the cross-file rules.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The file's index among the run's targets (set by the engine).
    pub file: u32,
    pub is_post: bool,
    /// A hash of the URL it is published at, and where to point (its `permalink` value or line 1).
    pub url: Option<(Hash, Range<u32>)>,
    /// A hash of the source's identifier, and the source link's span.
    pub source: Option<(Hash, Range<u32>)>,
    /// A hash of the article's text, and the span of the body's first line.
    pub article: Option<(Hash, Range<u32>)>,
    /// The category and up to four tags, interned by the site model: no heap per file, so the
    /// index stays small for a site of 300,000 posts.
    pub category: Option<u32>,
    pub tags: [u32; 4],
    pub ntags: u8,
    pub tags_span: Option<Range<u32>>,
}

/// A 64-bit hash that is never 0, so that `Option<(Hash, Range<u32>)>` takes 16 bytes, not 24.
pub type Hash = std::num::NonZeroU64;

fn hash(h: u64) -> Hash {
    Hash::new(h).unwrap_or(Hash::MIN)
}

/// The groups of two or more facts that share a key, each in file order. A sorted list of
/// (key, index) pairs rather than a map of vectors: no allocation per key, which at 300,000
/// posts was the largest allocation of the run.
fn duplicates(all: &[Facts], key: impl Fn(&Facts) -> Option<Hash>) -> Vec<Vec<&Facts>> {
    let mut keys: Vec<(Hash, u32)> = all
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((key(f)?, u32::try_from(i).ok()?)))
        .collect();
    keys.sort_unstable();
    keys.chunk_by(|a, b| a.0 == b.0)
        .filter(|g| g.len() > 1)
        .map(|g| g.iter().filter_map(|(_, i)| all.get(*i as usize)).collect())
        .collect()
}

impl Facts {
    fn tags(&self) -> &[u32] {
        &self.tags[..usize::from(self.ntags).min(4)]
    }
}

/// Facts are kept for every file of a run: spans as `u32` (files over 4 GiB are clamped).
fn small(r: &Range<usize>) -> Range<u32> {
    let c = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    c(r.start)..c(r.end)
}

fn wide(r: &Range<u32>) -> Range<usize> {
    r.start as usize..r.end as usize
}

/// Whether any cross-file rule is on.
pub fn wanted(settings: &Settings) -> bool {
    [Rule::TX005, Rule::XF001, Rule::XF002]
        .iter()
        .any(|r| settings.level(*r) != Level::Off)
}

/// Facts of one loaded file.
pub fn facts(post: &Post, body: Option<&Body>, site: &SiteModel) -> Facts {
    let is_post = post.is_post();
    let first_line = post.start
        ..post.text[post.start..]
            .find('\n')
            .map_or(post.text.len(), |i| post.start + i);
    let permalink_span = post
        .root()
        .and_then(|r| r.get("permalink"))
        .map(|n| n.span.clone());
    let url = if post.kind == Kind::Post {
        site.post_url(post)
    } else if post.kind == Kind::Document && post.root().is_some() {
        page_url(post)
    } else {
        None
    }
    .map(|u| {
        (
            hash(crate::baseline::fnv1a(u.as_bytes())),
            small(&permalink_span.clone().unwrap_or(first_line.clone())),
        )
    });
    let (source, article) = match body.filter(|_| is_post) {
        Some(body) => {
            let source = source_link(body).and_then(|l| {
                source_key(&l.url)
                    .map(|k| (hash(crate::baseline::fnv1a(k.as_bytes())), small(&l.span)))
            });
            let article = article_hash(post, body).map(|h| {
                let start = post.body.start
                    + post.text[post.body.clone()]
                        .find(|c: char| !c.is_whitespace())
                        .unwrap_or(0);
                let end = post.text[start..post.body.end]
                    .find('\n')
                    .map_or(post.body.end, |i| start + i);
                (hash(h), small(&(start..end)))
            });
            (source, article)
        }
        None => (None, None),
    };
    let (cats, _) = items(post, "categories", "category");
    let (tags, tags_span) = items(post, "tags", "tag");
    let mut ids = [0u32; 4];
    let mut ntags = 0u8;
    for (slot, t) in ids.iter_mut().zip(&tags) {
        *slot = site.intern(&t.value);
        ntags += 1;
    }
    Facts {
        file: 0,
        is_post,
        url,
        source,
        article,
        category: cats.first().map(|c| site.intern(&c.value)),
        tags: ids,
        ntags,
        tags_span: tags_span.as_ref().map(small),
    }
}

/// The URL a checked file is published at, read again (for the rare collision report).
fn url_of(target: &crate::engine::Target, site: &SiteModel) -> Option<String> {
    let bytes = std::fs::read(target.path()).ok()?;
    let post = Post::from_bytes(&target.display, bytes);
    match post.kind {
        Kind::Post => site.post_url(&post),
        _ => page_url(&post),
    }
}

/// A page's URL: its `permalink`, else its path with `.html` (`index` → its folder).
fn page_url(post: &Post) -> Option<String> {
    if let Some(p) = post
        .root()
        .and_then(|r| r.get("permalink"))
        .and_then(Node::as_str)
    {
        return Some(p.to_string());
    }
    let rel = post.path.trim_start_matches("./");
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    Some(match stem.strip_suffix("index") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{stem}.html"),
    })
}

fn others(paths: &[Arc<str>], me: &Arc<str>) -> String {
    let list: Vec<String> = paths
        .iter()
        .filter(|p| *p != me)
        .map(|p| format!("`{p}`"))
        .collect();
    list.join(", ")
}

/// The cross-file findings (positions and sources are filled in by [`locate`]).
pub fn check(
    all: &[Facts],
    settings: &Settings,
    site: &SiteModel,
    targets: &[crate::engine::Target],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let path = |f: &Facts| -> Arc<str> {
        targets
            .get(f.file as usize)
            .map_or_else(|| Arc::from(""), |t| Arc::from(&*t.display))
    };
    let mk = |rule: &RuleMeta,
              level: Level,
              path: &Arc<str>,
              span: Range<usize>,
              message: String|
     -> Option<Diagnostic> {
        let severity = level.severity()?;
        let mut d = Diagnostic::new(rule.code, rule.name, severity, span, message);
        d.path = Arc::clone(path);
        Some(d)
    };

    // XF001: the same source, then the same text.
    let level = settings.level(Rule::XF001);
    if level != Level::Off {
        let by_source = duplicates(all, |f| {
            f.source.as_ref().filter(|_| f.is_post).map(|k| k.0)
        });
        let mut reported: std::collections::HashSet<u32> = std::collections::HashSet::new();
        for group in &by_source {
            let paths: Vec<Arc<str>> = group.iter().map(|f| path(f)).collect();
            for f in group.iter().skip(1) {
                let span = f.source.as_ref().map_or(0..0, |(_, s)| wide(s));
                if let Some(d) = mk(
                    &XF001,
                    level,
                    &path(f),
                    span,
                    format!("same source as {}", others(&paths, &path(f))),
                ) {
                    out.push(
                        d.with_label("duplicate source")
                            .with_help("the same article is posted twice: delete this post"),
                    );
                    reported.insert(f.file);
                }
            }
        }
        let by_text = duplicates(all, |f| {
            f.article.as_ref().filter(|_| f.is_post).map(|k| k.0)
        });
        for group in &by_text {
            let paths: Vec<Arc<str>> = group.iter().map(|f| path(f)).collect();
            for f in group.iter().skip(1) {
                if reported.contains(&f.file) {
                    continue;
                }
                let span = f.article.as_ref().map_or(0..0, |(_, s)| wide(s));
                if let Some(d) = mk(
                    &XF001,
                    level,
                    &path(f),
                    span,
                    format!("same article text as {}", others(&paths, &path(f))),
                ) {
                    out.push(
                        d.with_label("duplicate text").with_help(
                            "the same article is posted under two ids: delete this post",
                        ),
                    );
                }
            }
        }
    }

    // XF002: the same URL.
    let level = settings.level(Rule::XF002);
    if level != Level::Off {
        let by_url = duplicates(all, |f| f.url.as_ref().map(|k| k.0));
        for group in &by_url {
            // The URL itself, recomputed from one of the files (collisions are rare).
            let url = group
                .first()
                .and_then(|f| url_of(targets.get(f.file as usize)?, site))
                .unwrap_or_default();
            let paths: Vec<Arc<str>> = group.iter().map(|f| path(f)).collect();
            for f in group.iter().skip(1) {
                let span = f.url.as_ref().map_or(0..0, |(_, s)| wide(s));
                if let Some(d) = mk(
                    &XF002,
                    level,
                    &path(f),
                    span,
                    format!("published at `{url}`, like {}", others(&paths, &path(f))),
                ) {
                    out.push(d.with_label("same URL").with_help(
                        "Jekyll writes both to the same file: give one of them another permalink",
                    ));
                }
            }
        }
    }

    // TX005: the majority pairing of each tag and of each category (over interned names).
    let level = settings.level(Rule::TX005);
    if level != Level::Off {
        let mut tag_cats: HashMap<u32, HashMap<u32, usize>> = HashMap::new();
        let mut cat_tags: HashMap<u32, HashMap<u32, usize>> = HashMap::new();
        for f in all.iter().filter(|f| f.is_post) {
            let Some(cat) = f.category else { continue };
            for &t in f.tags() {
                *tag_cats.entry(t).or_default().entry(cat).or_default() += 1;
            }
            if let Some(&t) = f.tags().first() {
                *cat_tags.entry(cat).or_default().entry(t).or_default() += 1;
            }
        }
        // The majority of each tag and of each category, computed once.
        let majority = |counts: &HashMap<u32, usize>| -> Option<(u32, usize)> {
            let mut v: Vec<(u32, usize)> = counts.iter().map(|(k, n)| (*k, *n)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            match v.as_slice() {
                [(k, n), (_, m), ..] if n > m => Some((*k, *n)),
                _ => None,
            }
        };
        let tag_top: HashMap<u32, (u32, usize)> = tag_cats
            .iter()
            .filter_map(|(t, c)| majority(c).map(|m| (*t, m)))
            .collect();
        let cat_top: HashMap<u32, (u32, usize)> = cat_tags
            .iter()
            .filter_map(|(c, t)| majority(t).map(|m| (*c, m)))
            .collect();
        let name = |id: u32| site.name(id);
        let meta = crate::rules::Rule::TX005.meta();
        for f in all.iter().filter(|f| f.is_post) {
            let Some(cat) = f.category else { continue };
            let span = f.tags_span.as_ref().map_or(0..0, wide);
            let mut message = None;
            for &t in f.tags() {
                if let Some(&(top, n)) = tag_top.get(&t)
                    && top != cat
                {
                    message = Some(format!(
                        "tag `{}` goes with category `{}` in {n} posts; here with `{}`",
                        name(t),
                        name(top),
                        name(cat)
                    ));
                    break;
                }
            }
            if message.is_none()
                && let Some(&(top, n)) = cat_top.get(&cat)
                && !f.tags().contains(&top)
            {
                message = Some(format!(
                    "category `{}` goes with tag `{}` in {n} posts; here with {}",
                    name(cat),
                    name(top),
                    f.tags()
                        .iter()
                        .map(|t| format!("`{}`", name(*t)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if let Some(m) = message
                && let Some(d) = mk(meta, level, &path(f), span, m)
            {
                out.push(
                    d.with_label("unlike the other posts")
                        .with_help("file the post like the others, or fix the others"),
                );
            }
        }
    }
    out
}

/// Fill in positions (and, for the human format, the source) by reading each file once more —
/// only the few files that have a cross-file finding.
pub fn locate(
    diags: &mut [Diagnostic],
    targets: &HashMap<Arc<str>, std::path::PathBuf>,
    keep_source: bool,
) {
    let mut by_path: HashMap<Arc<str>, Vec<usize>> = HashMap::new();
    for (i, d) in diags.iter().enumerate() {
        by_path.entry(Arc::clone(&d.path)).or_default().push(i);
    }
    for (path, idx) in by_path {
        let Some(file) = targets.get(&path) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let text = crate::source::decode(bytes).text;
        let index = LineIndex::new(&text);
        let source = keep_source.then(|| {
            Arc::new(SourceText {
                name: path.to_string(),
                text: text.clone(),
            })
        });
        for i in idx {
            let d = &mut diags[i];
            let (s, e) = index.range(&text, &d.span);
            d.start = s;
            d.end = e;
            d.fingerprint = crate::baseline::fingerprint(d, &text);
            d.source.clone_from(&source);
        }
    }
}
