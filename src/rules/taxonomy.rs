//! TX: categories and tags — against the registry, its pinyin derivation, and each other.

use std::sync::LazyLock;

use regex::Regex;

use super::{Context, Level, Rule, RuleMeta, did_you_mean};
use crate::diagnostic::{Edit, Fix};
use crate::taxonomy::{Item, attribution, items, pinyin_matches, pinyin_slug};
use crate::yaml::{Node, ScalarType};

pub static TX001: RuleMeta = RuleMeta {
    code: "TX001",
    name: "unknown-category",
    default: Level::Error,
    fixable: false,
    summary: "a category not in a closed registry",
    doc: "\
## What it does
With a closed registry (`categories:` without a `\"*\"` entry that derives categories), reports
a post whose category is not listed. Open registries (the `finews` pack derives a category from
its source name) never give this finding: a new source is welcome if it is consistent (TX002).

## Why is this bad?
A category nobody registered is usually a typo (`emnew`), which creates a new, nearly empty
category page and takes the post out of its feed.

## Example
`categories: emnew` with `emnews` registered — did you mean `emnews`?
",
};

pub static TX002: RuleMeta = RuleMeta {
    code: "TX002",
    name: "tag-category-mismatch",
    default: Level::Error,
    fixable: true,
    summary: "tags do not hold the tag that the registry (or the pack's derivation) gives the category",
    doc: "\
## What it does
Checks that a post's tags hold its category's tag: the registry's `tag` for a listed category;
for an open registry, a tag `<name>新闻` whose name's pinyin is the category slug (any reading of
a polyphonic character counts, as the generator's xpinyin may pick either). The help names the
expected tag. `--fix` sets the registry's tag when the post has a single tag.

## Why is this bad?
The site lists posts by tag and by category: a post whose tag names another source shows up
under the wrong outlet, and the category page and the tag page disagree.

## Example
`categories: zhongguoxiaofeizhebao` with `tags: 天风研究新闻` — the pinyin of 天风研究 is
`tianfengyanjiu`; expected `中国消费者报新闻`.
",
};

pub static TX003: RuleMeta = RuleMeta {
    code: "TX003",
    name: "unknown-tag",
    default: Level::Error,
    fixable: false,
    summary: "a tag not in the registry",
    doc: "\
## What it does
With a closed registry, reports tags that are not the tag of any registered category.

## Why is this bad?
A stray tag creates a tag page with one post on it; usually a typo of a real one.

## Example
`tags: 东财滚动新闻 ` is fine; `tags: 东财滚动` is not a registered tag.
",
};

pub static TX004: RuleMeta = RuleMeta {
    code: "TX004",
    name: "too-many-categories",
    default: Level::Error,
    fixable: false,
    summary: "more categories than the pack allows (finews: exactly one)",
    doc: "\
## What it does
Reports a post with more categories than the pack's `max`. Jekyll splits a string of categories
on spaces, so `categories: Career In touxingPEVC` is three categories.

## Why is this bad?
Each category becomes a path segment of the post's URL and a category page: a slug with spaces
scatters the post over several categories and makes its URL unpredictable.

## Example
`categories: 21shijijingjibaodao 21caijingAPP` — two categories.

## Options
- `max`: the most categories a post may have (0: no limit).
",
};

pub static TX005: RuleMeta = RuleMeta {
    code: "TX005",
    name: "inconsistent-taxonomy",
    default: Level::Warn,
    fixable: false,
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
};

pub static TX006: RuleMeta = RuleMeta {
    code: "TX006",
    name: "category-slug-format",
    default: Level::Warn,
    fixable: false,
    summary: "a category that is not a lowercase ASCII slug",
    doc: "\
## What it does
Reports a category that is not a lowercase ASCII slug (letters, digits, `-`, `_`).

## Why is this bad?
Jekyll lowercases categories in URLs but not in `site.categories`, so `TechWeb` and `Techweb`
are two categories with one URL; brackets and non-ASCII need escaping in every link. The
`finews` generator derives slugs from source names and keeps their capitals and brackets, so
the pack warns.

## Example
`categories: anxinguojizhengquan(xianggang)`.

## Options
- `pattern`: the regex a category must match (default `^[a-z0-9]+(?:[-_][a-z0-9]+)*$`).
",
};

const SLUG: &str = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$";
static DEFAULT_SLUG: LazyLock<Regex> = LazyLock::new(|| Regex::new(SLUG).expect("constant regex"));

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub max_categories: usize,
    pub slug: Option<Regex>,
}

pub fn set_option(opts: &mut Options, rule: Rule, key: &str, value: &Node) -> Result<bool, String> {
    match (rule, key) {
        (Rule::TX004, "max") => {
            let n = value
                .as_str()
                .filter(|_| value.scalar_type() == Some(ScalarType::Int))
                .and_then(|s| s.parse::<usize>().ok())
                .ok_or("`max` must be a whole number")?;
            opts.max_categories = n;
        }
        (Rule::TX006, "pattern") => {
            let s = value.as_str().ok_or("`pattern` must be a string")?;
            opts.slug =
                Some(Regex::new(s).map_err(|e| format!("invalid regular expression: {e}"))?);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn list(items: &[Item]) -> String {
    items
        .iter()
        .map(|i| format!("`{}`", i.value))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn check(ctx: &mut Context) {
    if !ctx.post.is_post() {
        return;
    }
    let post = ctx.post;
    let (cats, cats_span) = items(post, "categories", "category");
    let (tags, tags_span) = items(post, "tags", "tag");
    let opts = &ctx.settings.taxonomy;

    if ctx.enabled(Rule::TX004)
        && opts.max_categories > 0
        && cats.len() > opts.max_categories
        && let Some(span) = cats_span.clone()
    {
        let string = post
            .root()
            .and_then(|r| r.get("categories"))
            .and_then(Node::as_str)
            .is_some_and(|s| s.contains(' '));
        let help = if string {
            "Jekyll splits a string of categories on spaces: write one slug without spaces"
                .to_string()
        } else {
            format!("keep {} of them", opts.max_categories)
        };
        let d = ctx
            .diag(
                Rule::TX004,
                span,
                format!(
                    "{} categories ({}); at most {} allowed",
                    cats.len(),
                    list(&cats),
                    opts.max_categories
                ),
            )
            .with_label("too many categories")
            .with_help(help);
        ctx.push(d);
    }
    if ctx.enabled(Rule::TX006) {
        let re = opts.slug.as_ref().unwrap_or(&DEFAULT_SLUG);
        for c in &cats {
            if !re.is_match(&c.value) {
                let lower: String = c
                    .value
                    .to_lowercase()
                    .chars()
                    .filter(|ch| ch.is_ascii_alphanumeric() || *ch == '-')
                    .collect();
                let d = ctx
                    .diag(
                        Rule::TX006,
                        c.span.clone(),
                        format!("category `{}` is not a lowercase ASCII slug", c.value),
                    )
                    .with_label("not a slug")
                    .with_help(if lower.is_empty() {
                        "use lowercase ASCII letters, digits and `-`".to_string()
                    } else {
                        format!("use lowercase ASCII letters, digits and `-`, e.g. `{lower}`")
                    });
                ctx.push(d);
            }
        }
    }

    let registry = &ctx.settings.registry;
    let Some(cat) = cats.first() else { return };
    if registry.is_empty() {
        return;
    }
    let entry = registry.get(&cat.value);
    if entry.is_none() && registry.is_closed() {
        if ctx.enabled(Rule::TX001) {
            let slugs = registry.categories.iter().map(|(s, _)| s.as_str());
            let help = match did_you_mean(&cat.value, slugs) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "add the category to the registry (`categories:` in postlint.yaml)".to_string()
                }
            };
            let d = ctx
                .diag(
                    Rule::TX001,
                    cat.span.clone(),
                    format!("unknown category `{}`", cat.value),
                )
                .with_label("not in the registry")
                .with_help(help);
            ctx.push(d);
        }
        return;
    }

    // Without tags (or with tags of the wrong type) FM004/FM005 speak; TX002 would repeat them.
    if ctx.enabled(Rule::TX002) && !tags.is_empty() {
        let tag_span = tags_span.clone().unwrap_or(cat.span.clone());
        match entry.and_then(|e| registry.tag_of(e)) {
            Some(expected) if !tags.iter().any(|t| t.value == expected) => {
                let mut d = ctx
                    .diag(
                        Rule::TX002,
                        tag_span,
                        format!(
                            "tags do not hold `{expected}`, the tag of category `{}`",
                            cat.value
                        ),
                    )
                    .with_label(format!("expected `{expected}`"))
                    .with_help(format!("set `tags: {expected}`"));
                if let [only] = tags.as_slice() {
                    d = d.with_fix(Fix {
                        edits: vec![Edit {
                            range: only.span.clone(),
                            replacement: expected.clone(),
                        }],
                    });
                }
                ctx.push(d);
            }
            Some(_) => {}
            None if registry.defaults.derive_pinyin => {
                let consistent = tags.iter().any(|t| {
                    registry
                        .name_from_tag(&t.value)
                        .is_some_and(|n| pinyin_matches(n, &cat.value))
                });
                if !consistent {
                    let fmt = &registry.defaults.attribution_format;
                    let from_attribution = attribution(post, fmt)
                        .map(|a| a.name)
                        .filter(|n| !n.is_empty() && pinyin_matches(n, &cat.value));
                    let named: Vec<String> = tags
                        .iter()
                        .filter_map(|t| {
                            registry
                                .name_from_tag(&t.value)
                                .map(|n| format!("`{}` gives `{}`", t.value, pinyin_slug(n)))
                        })
                        .collect();
                    let mut help = match &from_attribution {
                        Some(n) => format!(
                            "expected `{}`: the attribution names {n}, whose pinyin is `{}`",
                            registry.defaults.tag.replace("{name}", n),
                            cat.value
                        ),
                        None => format!(
                            "expected a tag `{}` whose source name's pinyin is `{}`",
                            registry.defaults.tag.replace("{name}", "<source>"),
                            cat.value
                        ),
                    };
                    if !named.is_empty() {
                        help.push_str(&format!("; {}", named.join(", ")));
                    }
                    let d = ctx
                        .diag(
                            Rule::TX002,
                            tag_span,
                            format!("no tag matches category `{}`", cat.value),
                        )
                        .with_label(format!("not the tag of `{}`", cat.value))
                        .with_help(help);
                    ctx.push(d);
                }
            }
            None => {}
        }
    }

    if ctx.enabled(Rule::TX003) && registry.is_closed() {
        let known: Vec<String> = registry.known_tags().collect();
        for t in &tags {
            if !known.contains(&t.value) {
                let help = match did_you_mean(&t.value, known.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use a registered tag".into(),
                };
                let d = ctx
                    .diag(
                        Rule::TX003,
                        t.span.clone(),
                        format!("unknown tag `{}`", t.value),
                    )
                    .with_label("not in the registry")
                    .with_help(help);
                ctx.push(d);
            }
        }
    }
}

pub static TX007: RuleMeta = RuleMeta {
    code: "TX007",
    name: "category-page-mismatch",
    default: Level::Warn,
    fixable: false,
    summary: "a category page (e.g. `category/<slug>.html`) whose slug is unknown or whose title is not the category's tag",
    doc: "\
## What it does
Checks the site's category pages — pages under `category/` whose front matter names a
`category:` — against the registry: the slug must be a registered category (closed registries),
the page's `title` must be that category's tag (for an open registry: `<name>新闻` whose pinyin is
the slug), the slug must be a slug (TX006's pattern), and no two pages may differ only by case
(`TechWeb` / `Techweb`). It runs over the site's category pages when the whole site is checked
(`postlint check` without paths), or over those under the paths given.

## Why is this bad?
The category page is the feed a reader follows: a page titled after another outlet sends
readers to the wrong source; two pages that differ only by case are one file on
case-insensitive file systems, and one URL once Jekyll lowercases it.

## Example
`category/zhongguoxiaofeizhebao.html` with `title: 天风研究新闻` — expected `中国消费者报新闻`.
",
};

/// TX007 over the site's category pages (those `include` accepts).
pub fn category_pages(
    site: &crate::site::SiteModel,
    settings: &crate::config::Settings,
    cwd: &std::path::Path,
    include: impl Fn(&std::path::Path) -> bool,
    keep_source: bool,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::{Diagnostic, SourceText};
    use std::sync::Arc;
    let Some(severity) = settings.level(Rule::TX007).severity() else {
        return Vec::new();
    };
    let meta = Rule::TX007.meta();
    let registry = &settings.registry;
    let re = settings.taxonomy.slug.as_ref().unwrap_or(&DEFAULT_SLUG);
    let mut pages: Vec<&crate::site::CategoryPage> = site.category_pages.iter().collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        if !include(&page.path) {
            continue;
        }
        let display = crate::paths::relative_to(
            &crate::paths::normalize(&page.path),
            &crate::paths::normalize(cwd),
        )
        .to_string_lossy()
        .into_owned();
        let mut found: Vec<Diagnostic> = Vec::new();
        let mut push =
            |span: std::ops::Range<usize>, message: String, label: &str, help: String| {
                found.push(
                    Diagnostic::new(meta.code, meta.name, severity, span, message)
                        .with_label(label)
                        .with_help(help),
                );
            };
        let slug = &page.slug;
        let entry = registry.get(slug);
        if !registry.is_empty() {
            if entry.is_none() && registry.is_closed() {
                let slugs = registry.categories.iter().map(|(s, _)| s.as_str());
                let help = did_you_mean(slug, slugs).map_or(
                    "add the category to the registry, or delete the page".to_string(),
                    |s| format!("did you mean `{s}`?"),
                );
                push(
                    page.slug_span.clone(),
                    format!("category page for unknown category `{slug}`"),
                    "not in the registry",
                    help,
                );
            } else {
                let expected = entry.and_then(|e| registry.tag_of(e));
                match (&page.title, expected) {
                    (Some((title, span)), Some(tag)) if *title != tag => push(
                        span.clone(),
                        format!(
                            "category page title `{title}` is not the tag of `{slug}` (`{tag}`)"
                        ),
                        "another source's title",
                        format!("set `title: {tag}`"),
                    ),
                    (None, Some(tag)) => push(
                        page.close.clone(),
                        format!("category page for `{slug}` has no title"),
                        "add the title before this line",
                        format!("add `title: {tag}`"),
                    ),
                    (Some((title, span)), None) if registry.defaults.derive_pinyin => {
                        let fits = registry
                            .name_from_tag(title)
                            .is_some_and(|n| pinyin_matches(n, slug));
                        if !fits {
                            push(
                                span.clone(),
                                format!(
                                    "category page title `{title}` does not name the source of `{slug}`"
                                ),
                                "not this category's tag",
                                format!(
                                    "the title must be `{}` for the source whose pinyin is `{slug}`",
                                    registry.defaults.tag.replace("{name}", "<source>")
                                ),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        if !re.is_match(slug) {
            push(
                page.slug_span.clone(),
                format!("category page slug `{slug}` is not a lowercase ASCII slug"),
                "not a slug",
                "use lowercase ASCII letters, digits and `-` (and rename the page)".into(),
            );
        }
        if let Some(other) = pages[..i]
            .iter()
            .find(|p| p.slug.to_lowercase() == slug.to_lowercase() && p.slug != *slug)
        {
            push(
                page.slug_span.clone(),
                format!("category `{slug}` differs from `{}` only by case", other.slug),
                "case variant",
                "one file on case-insensitive file systems, one URL once Jekyll lowercases it: merge the two".into(),
            );
        }
        if found.is_empty() {
            continue;
        }
        let index = crate::source::LineIndex::new(&page.text);
        let source = keep_source.then(|| {
            Arc::new(SourceText {
                name: display.clone(),
                text: page.text.clone(),
            })
        });
        for mut d in found {
            d.path = Arc::from(display.as_str());
            d.rel = Arc::clone(&d.path);
            let (s, e) = index.range(&page.text, &d.span);
            d.start = s;
            d.end = e;
            d.fingerprint = crate::baseline::fingerprint(&d, &page.text);
            d.source.clone_from(&source);
            out.push(d);
        }
    }
    out
}
