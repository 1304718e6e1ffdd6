//! Cross-file rules, judged over small per-file facts (never whole posts) once every file has
//! been read: duplicate articles (XF001), output collisions (XF002) and inconsistent
//! tag/category pairings (TX005). The engine gathers the facts, names the few files with a
//! finding, and reads them again to locate each finding at its [`Anchor`].

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::{Context, FixKind, Rule, RuleDef, Scope};
use crate::base::chunked::Chunked;
use crate::base::hash::fnv1a;
use crate::diagnostic::Diagnostic;
use crate::jekyll::article::{article_hash, items, source_key, source_link};
use crate::jekyll::document::{Kind, Post};
use crate::jekyll::site::SiteModel;
use crate::settings::{Level, Settings};

pub static XF001: RuleDef = RuleDef {
    code: "XF001",
    name: "duplicate-post",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::CrossFile,
    reads_body: true,
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
    options: &[],
    check: None,
};

pub static XF002: RuleDef = RuleDef {
    code: "XF002",
    name: "permalink-collision",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::CrossFile,
    reads_body: false,
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
    options: &[],
    check: None,
};

pub static TX005: RuleDef = RuleDef {
    code: "TX005",
    name: "inconsistent-taxonomy",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::CrossFile,
    reads_body: false,
    summary: "across files, one tag used with several categories or the reverse",
    doc: "\
## What it does
Across all files of a run, finds a tag used with several categories (or a category with several
tags), and reports the posts that disagree with the majority, naming the majority pairing. It
needs no registry.

## Why is this bad?
A tag that means two sources, or a source under two tags, splits a feed in two.

## Example
201 posts pair `emnews` with `东财滚动新闻`; one pairs `sitenews` with it.
",
    options: &[],
    check: None,
};

/// What one file contributes to the cross-file rules: 40 bytes of hashes and ids, the only
/// thing a run keeps for every file. Spans are not kept: the few files with a finding are
/// read again to locate it.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The file's id (the engine's file id, set by the engine).
    pub file: u64,
    /// A hash of the URL it is published at.
    pub url: Option<Hash>,
    /// A hash of the source's identifier (posts only).
    pub source: Option<Hash>,
    /// A hash of the article's text (posts only).
    pub article: Option<Hash>,
    /// The post's category and tags, interned as one pairing by the site model ([`NONE`]
    /// for a page or a post without a category).
    pub pairing: u32,
    /// Whether the file is written where the site writes another output it does not check
    /// (a static file, a page, a plugin's page).
    pub clash: bool,
}

/// No pairing.
const NONE: u32 = u32::MAX;

/// A 64-bit hash that is never 0, so that `Option<Hash>` takes 8 bytes.
pub type Hash = std::num::NonZeroU64;

fn hash(h: u64) -> Hash {
    Hash::new(h).unwrap_or(Hash::MIN)
}

/// The groups of two or more files that share a key (file ids, in no order). The keys alone
/// are sorted to find the shared ones (8 bytes per file, no allocation per key), then the
/// files with a shared key are gathered in a second pass.
fn duplicates(all: &Chunked<Facts>, key: impl Fn(&Facts) -> Option<Hash>) -> Vec<Vec<u64>> {
    let mut keys: Vec<Hash> = all.iter().filter_map(&key).collect();
    keys.sort_unstable();
    let shared: std::collections::HashSet<Hash> = keys
        .chunk_by(|a, b| a == b)
        .filter(|g| g.len() > 1)
        .filter_map(|g| g.first().copied())
        .collect();
    drop(keys);
    if shared.is_empty() {
        return Vec::new();
    }
    let mut groups: HashMap<Hash, Vec<u64>> = HashMap::new();
    for f in all.iter() {
        if let Some(k) = key(f).filter(|k| shared.contains(k)) {
            groups.entry(k).or_default().push(f.file);
        }
    }
    groups.into_values().collect()
}

/// Facts of one loaded file: what the rules that are on use (the article hash reads the whole
/// body; nothing computes it when XF001 is off).
pub fn facts(cx: &Context) -> Facts {
    let (post, settings, site) = (cx.post, cx.settings, cx.site);
    let on = |rule: Rule| rule.is_on(settings);
    let is_post = post.is_post();
    let url_hash = |u: &str| hash(fnv1a(u.as_bytes()));
    let destination = if on(Rule::XF002) && post.kind != Kind::Draft {
        site.destination(post)
    } else {
        None
    };
    let url = destination.map(url_hash);
    let clash = destination.is_some_and(|d| {
        post.rel
            .as_deref()
            .is_some_and(|rel| site.other_output_at(d, rel).is_some())
    });
    let body = if is_post && on(Rule::XF001) {
        cx.body()
    } else {
        None
    };
    let (source, article) = match body {
        Some(body) => (
            source_link(body)
                .and_then(|l| source_key(&l.url))
                .map(|k| hash(fnv1a(k.as_bytes()))),
            article_hash(post, body).map(hash),
        ),
        None => (None, None),
    };
    let mut pairing = NONE;
    if is_post
        && on(Rule::TX005)
        && let Some(cat) = items(post, "categories", "category").0.first()
    {
        let mut ids = vec![site.intern(&cat.value)];
        ids.extend(
            items(post, "tags", "tag")
                .0
                .iter()
                .map(|t| site.intern(&t.value)),
        );
        pairing = site.intern_pairing(&ids);
    }
    Facts {
        file: 0,
        url,
        source,
        article,
        pairing,
        clash,
    }
}

/// Where a cross-file finding points in its file (found again when the file is re-read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The source link.
    Source,
    /// The first line of the body.
    Article,
    /// The `permalink` value, else line 1.
    Url,
    /// The `tags` value.
    Tags,
}

/// The span of `anchor` in a file read again.
pub fn anchor_span(
    post: &Post,
    anchor: Anchor,
    markdown: &crate::jekyll::kramdown_body::Markdown,
) -> Option<Range<usize>> {
    match anchor {
        Anchor::Source => {
            let body = crate::jekyll::body::analyse_as(&post.text, post.body.clone(), markdown);
            source_link(&body).map(|l| l.span.clone())
        }
        Anchor::Article => {
            let start = post.body.start
                + post
                    .text
                    .get(post.body.clone())?
                    .find(|c: char| !c.is_whitespace())
                    .unwrap_or(0);
            let end = post
                .text
                .get(start..post.body.end)?
                .find('\n')
                .map_or(post.body.end, |i| start + i);
            Some(start..end)
        }
        Anchor::Url => Some(
            post.root()
                .and_then(|r| r.get("permalink"))
                .map(|n| n.span.clone())
                .unwrap_or_else(|| {
                    post.start
                        ..post.text[post.start..]
                            .find('\n')
                            .map_or(post.text.len(), |i| post.start + i)
                }),
        ),
        Anchor::Tags => items(post, "tags", "tag").1,
    }
}

/// The other files of a group, for a member's message: the first (the one kept), and how many
/// the group has — never the whole list, so that a group of N files costs O(N) output, not
/// O(N²) (4,000 copies of one article made 463 MB of JSON when each message named them all).
fn others(paths: &[Arc<str>], me: &Arc<str>) -> String {
    let Some(first) = paths.first() else {
        return String::new();
    };
    let n = paths.len();
    if n <= 2 {
        // The pair: name the other one.
        return match paths.iter().find(|p| *p != me) {
            Some(other) => format!("`{other}`"),
            None => format!("`{first}`"),
        };
    }
    format!("`{first}` (one of {n} files)")
}

/// What the cross-file rules found, over file ids: the files are named and the findings
/// located by [`Found::report`].
#[derive(Debug, Default)]
pub struct CrossFileFindings {
    same_source: Vec<Vec<u64>>,
    same_text: Vec<Vec<u64>>,
    same_url: Vec<Vec<u64>>,
    /// XF002: posts written where the site writes another output (not a post).
    over_other: Vec<u64>,
    /// TX005: each post whose pairing goes against the majority, and what to say.
    against_majority: Vec<(u64, String)>,
}

impl CrossFileFindings {
    pub fn is_empty(&self) -> bool {
        self.same_source.is_empty()
            && self.same_text.is_empty()
            && self.same_url.is_empty()
            && self.over_other.is_empty()
            && self.against_majority.is_empty()
    }

    /// The files to name.
    pub fn files(&self) -> std::collections::HashSet<u64> {
        [&self.same_source, &self.same_text, &self.same_url]
            .into_iter()
            .flatten()
            .flatten()
            .copied()
            .chain(self.over_other.iter().copied())
            .chain(self.against_majority.iter().map(|(f, _)| *f))
            .collect()
    }

    /// The findings, named by `names` (a file missing there, gone since it was checked, is
    /// left out), each with the place in its file it points at (located by the engine, which
    /// reads those few files again). `url_of` gives a file's URL, and the other output the
    /// site writes there if any (for XF002's messages).
    pub fn report(
        self,
        names: &HashMap<u64, Arc<str>>,
        url_of: impl Fn(u64) -> Option<(String, Option<String>)>,
        settings: &Settings,
    ) -> Vec<(Diagnostic, Anchor)> {
        let mut out: Vec<(Diagnostic, Anchor)> = Vec::new();
        let name = |f: &u64| -> Option<Arc<str>> { names.get(f).cloned() };
        // Each group in path order: the first file is kept, the others are reported.
        let sorted = |group: &[u64]| -> Vec<(u64, Arc<str>)> {
            let mut g: Vec<(u64, Arc<str>)> =
                group.iter().filter_map(|f| Some((*f, name(f)?))).collect();
            g.sort_by(|a, b| a.1.cmp(&b.1));
            g
        };
        let mk = |rule: &RuleDef, level: Level, path: &Arc<str>, message: String| {
            let severity = level.severity()?;
            let mut d = Diagnostic::new(rule.code, rule.name, severity, 0..0, message);
            d.path = Arc::clone(path);
            Some(d)
        };

        // XF001: the same source, then the same text (a post reported for its source is not
        // reported again for its text).
        let level = Rule::XF001.level(settings);
        let mut reported: std::collections::HashSet<u64> = std::collections::HashSet::new();
        let passes = [
            (
                &self.same_source,
                Anchor::Source,
                "same source as",
                "duplicate source",
                "the same article is posted twice: delete this post",
            ),
            (
                &self.same_text,
                Anchor::Article,
                "same article text as",
                "duplicate text",
                "the same article is posted under two ids: delete this post",
            ),
        ];
        for (groups, anchor, what, label, help) in passes {
            let mut newly = Vec::new();
            for group in groups {
                let group = sorted(group);
                let paths: Vec<Arc<str>> = group.iter().map(|(_, p)| Arc::clone(p)).collect();
                for (file, path) in group.iter().skip(1) {
                    if reported.contains(file) {
                        continue;
                    }
                    let message = format!("{what} {}", others(&paths, path));
                    if let Some(d) = mk(&XF001, level, path, message) {
                        out.push((d.with_label(label).with_help(help), anchor));
                        newly.push(*file);
                    }
                }
            }
            reported.extend(newly);
        }

        // XF002: the same URL.
        let level = Rule::XF002.level(settings);
        for group in &self.same_url {
            let group = sorted(group);
            // The URL itself, recomputed from one of the files (collisions are rare).
            let url = group
                .first()
                .and_then(|(f, _)| url_of(*f))
                .map(|(u, _)| u)
                .unwrap_or_default();
            let paths: Vec<Arc<str>> = group.iter().map(|(_, p)| Arc::clone(p)).collect();
            for (_, path) in group.iter().skip(1) {
                let message = format!("published at `{url}`, like {}", others(&paths, path));
                if let Some(d) = mk(&XF002, level, path, message) {
                    let d = d.with_label("same URL").with_help(
                        "Jekyll writes both to the same file: give one of them another permalink",
                    );
                    out.push((d, Anchor::Url));
                }
            }
        }

        // XF002: over a static file, a page or a plugin's page.
        let mut over: Vec<(u64, Arc<str>)> = self
            .over_other
            .iter()
            .filter_map(|f| Some((*f, name(f)?)))
            .collect();
        over.sort_by(|a, b| a.1.cmp(&b.1));
        for (file, path) in over {
            let Some((url, Some(other))) = url_of(file) else {
                continue;
            };
            let message = format!("published at `{url}`, where the site also writes {other}");
            if let Some(d) = mk(&XF002, level, &path, message) {
                let d = d.with_label("same URL").with_help(
                    "Jekyll writes both to the same file, and one of them is lost: give this one another permalink",
                );
                out.push((d, Anchor::Url));
            }
        }

        // TX005.
        let level = Rule::TX005.level(settings);
        let meta = Rule::TX005.def();
        for (file, message) in self.against_majority {
            if let Some(path) = name(&file)
                && let Some(d) = mk(meta, level, &path, message)
            {
                let d = d
                    .with_label("unlike the other posts")
                    .with_help("file the post like the others, or fix the others");
                out.push((d, Anchor::Tags));
            }
        }
        out
    }
}

/// The cross-file findings over the facts of a run (named and located by
/// [`CrossFileFindings::report`]).
pub fn find(all: &Chunked<Facts>, settings: &Settings, site: &SiteModel) -> CrossFileFindings {
    let mut found = CrossFileFindings::default();
    if Rule::XF001.is_on(settings) {
        found.same_source = duplicates(all, |f| f.source);
        found.same_text = duplicates(all, |f| f.article);
    }
    if Rule::XF002.is_on(settings) {
        found.same_url = duplicates(all, |f| f.url);
        // Over another output the run does not check (a static file, a plugin's page, a page
        // not named): one the run checks is in a `same_url` group already.
        let grouped: std::collections::HashSet<u64> =
            found.same_url.iter().flatten().copied().collect();
        found.over_other = all
            .iter()
            .filter(|f| f.clash && !grouped.contains(&f.file))
            .map(|f| f.file)
            .collect();
    }
    if Rule::TX005.is_on(settings) {
        found.against_majority = against_majority(all, site);
    }
    found
}

/// TX005: the posts whose tag/category pairing goes against the majority pairing of one of
/// their tags or of their category (over interned names; counted per distinct pairing, so
/// the work per post is one map update).
fn against_majority(all: &Chunked<Facts>, site: &SiteModel) -> Vec<(u64, String)> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for f in all.iter().filter(|f| f.pairing != NONE) {
        *counts.entry(f.pairing).or_default() += 1;
    }
    let pairings: HashMap<u32, Vec<u32>> = counts.keys().map(|&p| (p, site.pairing(p))).collect();
    let mut tag_cats: HashMap<u32, HashMap<u32, usize>> = HashMap::new();
    let mut cat_tags: HashMap<u32, HashMap<u32, usize>> = HashMap::new();
    for (p, &n) in &counts {
        let Some((&cat, tags)) = pairings.get(p).and_then(|ids| ids.split_first()) else {
            continue;
        };
        for &t in tags {
            *tag_cats.entry(t).or_default().entry(cat).or_default() += n;
        }
        if let Some(&t) = tags.first() {
            *cat_tags.entry(cat).or_default().entry(t).or_default() += n;
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
    // What to say of each pairing that goes against a majority.
    let messages: HashMap<u32, String> = pairings
        .iter()
        .filter_map(|(&p, ids)| {
            let (&cat, tags) = ids.split_first()?;
            for &t in tags {
                if let Some(&(top, n)) = tag_top.get(&t)
                    && top != cat
                {
                    return Some((
                        p,
                        format!(
                            "tag `{}` goes with category `{}` in {n} posts; here with `{}`",
                            name(t),
                            name(top),
                            name(cat)
                        ),
                    ));
                }
            }
            let &(top, n) = cat_top.get(&cat)?;
            (!tags.contains(&top)).then(|| {
                (
                    p,
                    format!(
                        "category `{}` goes with tag `{}` in {n} posts; here with {}",
                        name(cat),
                        name(top),
                        tags.iter()
                            .map(|t| format!("`{}`", name(*t)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
        })
        .collect();
    all.iter()
        .filter_map(|f| Some((f.file, messages.get(&f.pairing)?.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(file: u64, url: u64) -> Facts {
        Facts {
            file,
            url: Hash::new(url),
            source: None,
            article: None,
            pairing: NONE,
            clash: false,
        }
    }

    #[test]
    fn facts_stay_small() {
        // Kept for every file of a run: 300,000 of them on a large site.
        assert_eq!(std::mem::size_of::<Facts>(), 40);
    }

    #[test]
    fn duplicates_groups_the_files_sharing_a_key() {
        let mut all = Chunked::default();
        for (file, url) in [(1, 7), (2, 8), (3, 7), (4, 9), (5, 7), (6, 9)] {
            all.push(fact(file, url));
        }
        all.push(Facts {
            url: None,
            ..fact(7, 1)
        });
        let mut groups = duplicates(&all, |f| f.url);
        for g in &mut groups {
            g.sort_unstable();
        }
        groups.sort();
        assert_eq!(groups, vec![vec![1, 3, 5], vec![4, 6]]);
        assert!(duplicates(&all, |f| f.source).is_empty());
    }
}
