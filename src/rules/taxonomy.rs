//! TX: categories and tags — against the registry, its pinyin derivation, and each other.

use std::ops::Range;
use std::path::Path;

use regex::Regex;

use super::{Context, FixKind, OptionDef, Report, Rule, RuleDef, Scope};
use crate::base::pinyin::{pinyin_matches, pinyin_slug};
use crate::base::suggest::did_you_mean;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::jekyll::article::{Item, attribution, items};
use crate::jekyll::site::{CategoryPage, SiteModel};
use crate::jekyll::yaml::NodeExt;
use crate::jekyll::yaml::{Node, ScalarType};
use crate::settings::options::DEFAULT_SLUG;
use crate::settings::{Level, Settings};

pub static TX001: RuleDef = RuleDef {
    code: "TX001",
    name: "unknown-category",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: &[],
    check: Some(tx001),
};

pub static TX002: RuleDef = RuleDef {
    code: "TX002",
    name: "tag-category-mismatch",
    default: Level::Error,
    fix: FixKind::Safe,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: &[],
    check: Some(tx002),
};

pub static TX003: RuleDef = RuleDef {
    code: "TX003",
    name: "unknown-tag",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "a tag not in the registry",
    doc: "\
## What it does
With a closed registry, reports tags that are not the tag of any registered category.

## Why is this bad?
A stray tag creates a tag page with one post on it; usually a typo of a real one.

## Example
`tags: 东财滚动新闻 ` is fine; `tags: 东财滚动` is not a registered tag.
",
    options: &[],
    check: Some(tx003),
};

pub static TX004: RuleDef = RuleDef {
    code: "TX004",
    name: "too-many-categories",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: TX004_OPTIONS,
    check: Some(tx004),
};

pub static TX006: RuleDef = RuleDef {
    code: "TX006",
    name: "category-slug-format",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: TX006_OPTIONS,
    check: Some(tx006),
};

const TX004_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "max",
    set: |s, value| {
        s.taxonomy.max_categories = value
            .as_str()
            .filter(|_| value.scalar_type() == Some(ScalarType::Int))
            .and_then(|v| v.parse::<usize>().ok())
            .ok_or("`max` must be a whole number")?;
        Ok(())
    },
}];

const TX006_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "pattern",
    set: |s, value| {
        let text = value.as_str().ok_or("`pattern` must be a string")?;
        s.taxonomy.slug = Some(Regex::new(text).map_err(|e| {
            format!(
                "invalid regular expression: {}",
                crate::base::text::regex_error(&e)
            )
        })?);
        Ok(())
    },
}];

/// A post's categories and tags with their spans, read once for every TX rule.
pub(crate) struct Prelude {
    cats: Vec<Item>,
    cats_span: Option<Range<usize>>,
    tags: Vec<Item>,
    tags_span: Option<Range<usize>>,
}

/// The categories and tags of a post (none for a page).
fn prelude<'c>(cx: &'c Context) -> &'c Prelude {
    cx.taxonomy.get_or_init(|| {
        if !cx.post.is_post() {
            return Prelude {
                cats: Vec::new(),
                cats_span: None,
                tags: Vec::new(),
                tags_span: None,
            };
        }
        let (cats, cats_span) = items(cx.post, "categories", "category");
        let (tags, tags_span) = items(cx.post, "tags", "tag");
        Prelude {
            cats,
            cats_span,
            tags,
            tags_span,
        }
    })
}

/// The post's first category, when the registry has something to say about it: its entry,
/// or `None` for a category an open registry derives. A category a closed registry lacks is
/// TX001's finding alone.
fn registered<'c>(
    cx: &'c Context,
) -> Option<(&'c Item, Option<&'c crate::settings::categories::Category>)> {
    let registry = &cx.settings.categories;
    let cat = prelude(cx).cats.first()?;
    if registry.is_empty() {
        return None;
    }
    let entry = registry.get(&cat.value);
    (entry.is_some() || !registry.is_closed()).then_some((cat, entry))
}

fn tx001(cx: &Context, out: &mut Report) {
    let registry = &cx.settings.categories;
    let Some(cat) = prelude(cx).cats.first() else {
        return;
    };
    if registry.is_empty() || registry.get(&cat.value).is_some() || !registry.is_closed() {
        return;
    }
    let slugs = registry.categories.iter().map(|(s, _)| s.as_str());
    let help = match did_you_mean(&cat.value, slugs) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "add the category to the registry (`categories:` in postlint.yaml)".to_string(),
    };
    out.push(
        out.diag(
            cat.span.clone(),
            format!("unknown category `{}`", cat.value),
        )
        .with_label("not in the registry")
        .with_help(help),
    );
}

fn tx002(cx: &Context, out: &mut Report) {
    let Some((cat, entry)) = registered(cx) else {
        return;
    };
    let Prelude {
        tags, tags_span, ..
    } = prelude(cx);
    // Without tags (or with tags of the wrong type) FM004/FM005 speak; TX002 would repeat them.
    if tags.is_empty() {
        return;
    }
    let registry = &cx.settings.categories;
    let tag_span = tags_span.clone().unwrap_or(cat.span.clone());
    match entry.and_then(|e| registry.tag_of(e)) {
        Some(expected) if !tags.iter().any(|t| t.value == expected) => {
            let mut d = out
                .diag(
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
            out.push(d);
        }
        Some(_) => {}
        None if registry.defaults.derive_pinyin => {
            let consistent = tags.iter().any(|t| {
                registry
                    .name_from_tag(&t.value)
                    .is_some_and(|n| pinyin_matches(n, &cat.value))
            });
            if consistent {
                return;
            }
            let fmt = &registry.defaults.attribution_format;
            let from_attribution = attribution(cx.post, fmt)
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
            out.push(
                out.diag(tag_span, format!("no tag matches category `{}`", cat.value))
                    .with_label(format!("not the tag of `{}`", cat.value))
                    .with_help(help),
            );
        }
        None => {}
    }
}

fn tx003(cx: &Context, out: &mut Report) {
    let registry = &cx.settings.categories;
    if registered(cx).is_none() || !registry.is_closed() {
        return;
    }
    let known: Vec<String> = registry.known_tags().collect();
    for t in &prelude(cx).tags {
        if known.contains(&t.value) {
            continue;
        }
        let help = match did_you_mean(&t.value, known.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "use a registered tag".into(),
        };
        out.push(
            out.diag(t.span.clone(), format!("unknown tag `{}`", t.value))
                .with_label("not in the registry")
                .with_help(help),
        );
    }
}

fn tx004(cx: &Context, out: &mut Report) {
    let Prelude {
        cats, cats_span, ..
    } = prelude(cx);
    let max = cx.settings.rules.taxonomy.max_categories;
    if max == 0 || cats.len() <= max {
        return;
    }
    let Some(span) = cats_span.clone() else {
        return;
    };
    let string = cx
        .post
        .root()
        .and_then(|r| r.get("categories"))
        .and_then(Node::as_str)
        .is_some_and(|s| s.contains(' '));
    let help = if string {
        "Jekyll splits a string of categories on spaces: write one slug without spaces".to_string()
    } else {
        format!("keep {max} of them")
    };
    out.push(
        out.diag(
            span,
            format!(
                "{} categories ({}); at most {max} allowed",
                cats.len(),
                list(cats)
            ),
        )
        .with_label("too many categories")
        .with_help(help),
    );
}

fn tx006(cx: &Context, out: &mut Report) {
    let re = slug_pattern(cx.settings);
    for c in &prelude(cx).cats {
        if re.is_match(&c.value) {
            continue;
        }
        let lower: String = c
            .value
            .to_lowercase()
            .chars()
            .filter(|ch| ch.is_ascii_alphanumeric() || *ch == '-')
            .collect();
        out.push(
            out.diag(
                c.span.clone(),
                format!("category `{}` is not a lowercase ASCII slug", c.value),
            )
            .with_label("not a slug")
            .with_help(if lower.is_empty() {
                "use lowercase ASCII letters, digits and `-`".to_string()
            } else {
                format!("use lowercase ASCII letters, digits and `-`, e.g. `{lower}`")
            }),
        );
    }
}

/// TX006's pattern (TX007 uses it too).
fn slug_pattern(settings: &Settings) -> &Regex {
    settings
        .rules
        .taxonomy
        .slug
        .as_ref()
        .unwrap_or(&DEFAULT_SLUG)
}

fn list(items: &[Item]) -> String {
    items
        .iter()
        .map(|i| format!("`{}`", i.value))
        .collect::<Vec<_>>()
        .join(", ")
}

pub static TX007: RuleDef = RuleDef {
    code: "TX007",
    name: "category-page-mismatch",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::Site,
    reads_body: false,
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
    options: &[],
    check: None,
};

/// TX007 over the site's category pages that `include` accepts: each page with its findings
/// (spans in the page's text; the engine names and locates them).
pub fn category_pages<'s>(
    site: &'s SiteModel,
    settings: &Settings,
    include: impl Fn(&Path) -> bool,
) -> Vec<(&'s CategoryPage, Vec<Diagnostic>)> {
    let Some(severity) = Rule::TX007.level(settings).severity() else {
        return Vec::new();
    };
    let meta = Rule::TX007.def();
    let registry = &settings.categories;
    let re = slug_pattern(settings);
    let mut pages: Vec<&CategoryPage> = site.category_pages.iter().collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        if !include(&page.path) {
            continue;
        }
        let mut found: Vec<Diagnostic> = Vec::new();
        let mut push = |span: Range<usize>, message: String, label: &str, help: String| {
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
        if !found.is_empty() {
            out.push((*page, found));
        }
    }
    out
}
