//! SA: source attribution — the credit line, the link to the original, and the footer's back
//! links, as the category's registry entry (or the pack's derivation) requires them.

use std::ops::Range;

use super::{Context, FixKind, Report, RuleDef, Scope};
use crate::base::pinyin::{pinyin_matches, pinyin_slug};
use crate::diagnostic::{Edit, Fix};
use crate::jekyll::article::{
    Attribution, BackLink, attribution, back_links, items, source_link, target_matches,
};
use crate::jekyll::body::Body;
use crate::jekyll::site::host_of;
use crate::settings::Level;
use crate::settings::categories::{Need, Resolved};

pub static SA001: RuleDef = RuleDef {
    code: "SA001",
    name: "missing-attribution",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "no attribution line such as `（文章来源：中国消费者报）` where the pack requires one",
    doc: "\
## What it does
Reports a post without the attribution line its category requires (the pack's
`attribution_format`, e.g. `（文章来源：{name}）`, as plain text or inside a
`<p class=\"em_media\">`). The label points where it is expected (the end of the body) and the
help gives the exact line for the post's category.

## Why is this bad?
The site republishes other outlets' articles; the credit line is the promise to readers (and
to the outlets) of where each article comes from.

## Example
A `zhongguoxiaofeizhebao` post without `（文章来源：中国消费者报）`.
",
    options: &[],
    check: Some(sa001),
};

pub static SA002: RuleDef = RuleDef {
    code: "SA002",
    name: "attribution-mismatch",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "the attribution names another source than the category's",
    doc: "\
## What it does
Compares the source the attribution line names (HTML inside it is stripped:
`（文章来源：上海<span>证券</span>报）` credits 上海证券报) with the category's source name
(the registry's `name`, or the name whose pinyin is the slug). Categories whose entry says
`attribution_name: any` (the rolling-news feed credits each item's own source) are exempt.

## Why is this bad?
A post credited to one outlet but filed under another misattributes the article.

## Example
`categories: zhongguoxiaofeizhebao` with `（文章来源：天风研究）`.
",
    options: &[],
    check: Some(sa002),
};

pub static SA003: RuleDef = RuleDef {
    code: "SA003",
    name: "missing-source-link",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "no link to the original article",
    doc: "\
## What it does
Reports a post without a link to the original article (an autolink `<http://…>` in the body)
where its category requires one. An empty autolink `<>` is LK005's finding, not this one.

## Why is this bad?
Readers and editors cannot check the article against its source.

## Example
A media post that ends with its back links but has no `<http://finews.zning.xyz/…>` line.
",
    options: &[],
    check: Some(sa003),
};

pub static SA004: RuleDef = RuleDef {
    code: "SA004",
    name: "source-host-mismatch",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "the source link's host is not one of the category's source hosts",
    doc: "\
## What it does
Checks the source link's host against the category's `source_hosts` (`*.example.com` matches
subdomains).

## Why is this bad?
A source link to another host is usually a link copied from another post, or a scraper that
followed a redirect to an ad or a login page.

## Example
A `zhongguoxiaofeizhebao` post whose source link is `<http://example.com/x>`.
",
    options: &[],
    check: Some(sa004),
};

pub static SA005: RuleDef = RuleDef {
    code: "SA005",
    name: "missing-back-links",
    default: Level::Error,
    fix: FixKind::Safe,
    scope: Scope::Body,
    reads_body: true,
    summary: "the footer links to the category page and the home page are missing",
    doc: "\
## What it does
Reports a post without the back link to its category page or to the home page, where its
category requires them. The help gives the exact footer for the post's category; `--fix`
appends it.

## Why is this bad?
Readers who land on a post from search have no way to the rest of the feed.

## Example
`[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)`.
",
    options: &[],
    check: Some(sa005),
};

pub static SA006: RuleDef = RuleDef {
    code: "SA006",
    name: "back-link-mismatch",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "a back link's text or target disagrees with the post's category and tag",
    doc: "\
## What it does
Checks the back links: the category link's text must be the category's (`返回{tag}`) and its
target one of the category's pages (any of the site's historical hosts and forms; a relative
form such as `../emnews/` is accepted here and left to LK004), and the home link must point at
the home page.

## Why is this bad?
A back link copied from another post sends readers to the wrong outlet's page.

## Example
`[返回天风研究新闻](//finews.withounder.com/category/zhongguoxiaofeizhebao.html)` in a
`zhongguoxiaofeizhebao` post: the text names another source.
",
    options: &[],
    check: Some(sa006),
};

fn hosts_match(host: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| match a.strip_prefix("*.") {
        Some(d) => host == d || host.ends_with(&format!(".{d}")),
        None => host == a,
    })
}

/// The category's requirements for this post, when the registry applies.
fn resolve(cx: &Context) -> Option<Resolved> {
    let registry = &cx.settings.categories;
    if registry.is_empty() {
        return None;
    }
    let (cats, _) = items(cx.post, "categories", "category");
    let slug = cats.first()?.value.clone();
    if registry.get(&slug).is_none() && !registry.defaults.derive_pinyin {
        return None;
    }
    // The source name: the registry's, else the tag's (when consistent), else the attribution's.
    let (tags, _) = items(cx.post, "tags", "tag");
    let from_tag = tags
        .iter()
        .filter_map(|t| registry.name_from_tag(&t.value))
        .find(|n| pinyin_matches(n, &slug))
        .map(str::to_string);
    let from_attribution = || {
        attribution(cx.post, &registry.defaults.attribution_format)
            .map(|a| a.name)
            .filter(|n| pinyin_matches(n, &slug))
    };
    let derived = from_tag.or_else(from_attribution);
    Some(registry.resolve(&slug, derived.as_deref()))
}

/// A zero-width place at the end of the body's text, where missing lines are expected.
fn end_of_body(cx: &Context) -> Range<usize> {
    let post = cx.post;
    let end = post.text[..post.body.end]
        .trim_end()
        .len()
        .max(post.body.start);
    let start = post.text[..end]
        .char_indices()
        .next_back()
        .map_or(end, |(i, _)| i)
        .max(post.body.start);
    start..end
}

/// What every SA rule reads, once: the post's body, the category's requirements, the
/// attribution line and the footer's back links.
pub(crate) struct Prelude {
    res: Resolved,
    attribution: Option<Attribution>,
    back_links: Vec<BackLink>,
}

fn prelude<'c>(cx: &'c Context) -> Option<(&'c Body, &'c Prelude)> {
    let body = cx.body()?;
    let prelude = cx
        .attribution
        .get_or_init(|| {
            let res = resolve(cx)?;
            let defaults = &cx.settings.categories.defaults;
            Some(Prelude {
                attribution: attribution(cx.post, &defaults.attribution_format),
                back_links: if res.back_links == Need::None {
                    Vec::new()
                } else {
                    back_links(body, &cx.post.text, defaults.back_link_texts())
                },
                res,
            })
        })
        .as_ref()?;
    Some((body, prelude))
}

/// The credit line is missing.
fn sa001(cx: &Context, out: &mut Report) {
    let Some((_, p)) = prelude(cx) else { return };
    if p.attribution.is_some() || p.res.attribution != Need::Required {
        return;
    }
    let defaults = &cx.settings.categories.defaults;
    let line = p
        .res
        .name
        .as_ref()
        .map(|n| defaults.attribution_format.replace("{name}", n));
    let help = match &line {
        Some(l) => format!("add `<p class=\"em_media\">{l}</p>` at the end of the article"),
        None => format!(
            "add an attribution line `{}` naming the source",
            defaults.attribution_format
        ),
    };
    out.push(
        out.diag(end_of_body(cx), "no attribution line".to_string())
            .with_label(line.map_or("expected after the article".into(), |l| {
                format!("expected `{l}`")
            }))
            .with_help(help),
    );
}

/// The credit line names another source.
fn sa002(cx: &Context, out: &mut Report) {
    let Some((_, p)) = prelude(cx) else { return };
    let (Some(a), Need::Required | Need::Optional) = (&p.attribution, p.res.attribution) else {
        return;
    };
    if p.res.attribution_any {
        return;
    }
    let Some(name) = &p.res.name else { return };
    if a.name == *name {
        return;
    }
    let defaults = &cx.settings.categories.defaults;
    out.push(
        out.diag(
            a.name_span.clone(),
            format!(
                "attribution credits {}, but category `{}` is {name}",
                a.name, p.res.slug
            ),
        )
        .with_label(format!("expected {name}"))
        .with_secondary(a.span.clone(), "attribution line")
        .with_help(format!(
            "write `{}`, or file the post under {}'s category (`{}`)",
            defaults.attribution_format.replace("{name}", name),
            a.name,
            pinyin_slug(&a.name)
        )),
    );
}

/// No link to the original.
fn sa003(cx: &Context, out: &mut Report) {
    let Some((body, p)) = prelude(cx) else { return };
    if source_link(body).is_some() || p.res.source_link != Need::Required {
        return;
    }
    let hosts = if p.res.source_hosts.is_empty() {
        String::new()
    } else {
        format!(" on {}", p.res.source_hosts.join(", "))
    };
    out.push(
        out.diag(end_of_body(cx), "no link to the original article")
            .with_label("expected a source link")
            .with_help(format!(
                "add the original article's URL as an autolink `<http://…>`{hosts}"
            )),
    );
}

/// The link to the original goes to another host.
fn sa004(cx: &Context, out: &mut Report) {
    let Some((body, p)) = prelude(cx) else { return };
    let Some(link) = source_link(body) else {
        return;
    };
    if link.url.is_empty() || p.res.source_hosts.is_empty() {
        return;
    }
    let host = host_of(&link.url).unwrap_or_default();
    if hosts_match(&host, &p.res.source_hosts) {
        return;
    }
    out.push(
        out.diag(
            link.span.clone(),
            format!(
                "source link goes to `{host}`, not a source host of `{}`",
                p.res.slug
            ),
        )
        .with_label("unexpected host")
        .with_help(format!(
            "source hosts of `{}`: {}",
            p.res.slug,
            p.res.source_hosts.join(", ")
        )),
    );
}

/// The footer's back links are missing.
fn sa005(cx: &Context, out: &mut Report) {
    let Some((_, p)) = prelude(cx) else { return };
    let res = &p.res;
    if res.back_links != Need::Required {
        return;
    }
    let category = p.back_links.iter().find(|l| !l.home);
    let home = p.back_links.iter().find(|l| l.home);
    if category.is_some() && home.is_some() {
        return;
    }
    let defaults = &cx.settings.categories.defaults;
    let text = &cx.post.text;
    let expected_text = res
        .tag
        .as_ref()
        .map(|t| defaults.back_link_text.replace("{tag}", t));
    let cat_line = match (&expected_text, res.category_links.first()) {
        (Some(t), Some(u)) => Some(format!("[{t}]({u})")),
        _ => None,
    };
    let home_line = res
        .home_links
        .first()
        .map(|u| format!("[{}]({u})", defaults.home_link_text));
    let missing = match (category.is_none(), home.is_none()) {
        (true, true) => "the back links to the category page and the home page are missing",
        (true, false) => "the back link to the category page is missing",
        _ => "the back link to the home page is missing",
    };
    let footer = match (category.is_none(), home.is_none(), &cat_line, &home_line) {
        (true, true, Some(c), Some(h)) => Some(format!("{c}｜{h}")),
        (true, false, Some(c), _) => Some(c.clone()),
        (false, true, _, Some(h)) => Some(h.clone()),
        _ => None,
    };
    let mut d = out
        .diag(end_of_body(cx), missing)
        .with_label("expected after the source link")
        .with_help(
            footer
                .as_ref()
                .map_or("add the footer's back links".to_string(), |f| {
                    format!("add `{f}`")
                }),
        );
    if let Some(f) = footer {
        // Append after the body's last line, keeping the file's line ends.
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let body_text = &text[cx.post.body.clone()];
        let double = format!("{nl}{nl}");
        let sep = if body_text.ends_with(&double) {
            ""
        } else if body_text.ends_with(nl) {
            nl
        } else {
            double.as_str()
        };
        let end_nl = if body_text.ends_with(nl) { nl } else { "" };
        let end = cx.post.body.end;
        let replacement = format!("{sep}{f}{end_nl}");
        // Offer the fix only if the appended links are seen as links: at the end of a
        // body left inside an unclosed comment or link they would not be.
        let fixed_text = format!("{}{replacement}{}", &text[..end], &text[end..]);
        let fixed_body = crate::jekyll::body::analyse_as(
            &fixed_text,
            cx.post.body.start..end + replacement.len(),
            &cx.site.markdown,
        );
        let after = back_links(&fixed_body, &fixed_text, defaults.back_link_texts());
        if after.iter().any(|l| !l.home) && after.iter().any(|l| l.home) {
            d = d.with_fix(Fix {
                edits: vec![Edit {
                    range: end..end,
                    replacement,
                }],
            });
        }
    }
    out.push(d);
}

/// A back link's text or target disagrees with the post's category and tag.
fn sa006(cx: &Context, out: &mut Report) {
    let Some((_, p)) = prelude(cx) else { return };
    let res = &p.res;
    if res.back_links == Need::None {
        return;
    }
    let defaults = &cx.settings.categories.defaults;
    let expected_text = res
        .tag
        .as_ref()
        .map(|t| defaults.back_link_text.replace("{tag}", t));
    if let Some(c) = p.back_links.iter().find(|l| !l.home) {
        if let Some(t) = &expected_text
            && c.text != *t
        {
            out.push(
                out.diag(
                    c.text_span.clone(),
                    format!(
                        "back link says `{}`, but the category's tag is `{}`",
                        c.text,
                        res.tag.clone().unwrap_or_default()
                    ),
                )
                .with_label(format!("expected `{t}`"))
                .with_help(format!("write `[{t}]`")),
            );
        }
        if !res.category_links.is_empty() && !target_matches(&c.target, &res.category_links) {
            out.push(
                out.diag(
                    c.target_span.clone(),
                    format!(
                        "back link points at `{}`, not the page of category `{}`",
                        c.target, res.slug
                    ),
                )
                .with_label("another category's page")
                .with_help(format!("link to `{}`", res.category_links[0])),
            );
        }
    }
    if let Some(h) = p.back_links.iter().find(|l| l.home)
        && !res.home_links.is_empty()
        && !target_matches(&h.target, &res.home_links)
    {
        out.push(
            out.diag(
                h.target_span.clone(),
                format!("home link points at `{}`, not the home page", h.target),
            )
            .with_label("not the home page")
            .with_help(format!("link to `{}`", res.home_links[0])),
        );
    }
}
