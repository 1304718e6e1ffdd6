//! LQ: Liquid, which Jekyll renders before kramdown. The prelude is the body parsed once by
//! `jekyll-liquid` (crates/liquid: Liquid 5.4 as Jekyll 4.3 configures it — `error_mode: warn`,
//! `line_numbers: true` — with Jekyll's tags and the site's plugin tags), only when Jekyll
//! would render it: the file has front matter, the body holds `{{` or `{%`, and the front
//! matter does not say `render_with_liquid: false`.

use super::{Context, FixKind, Report, RuleDef, Scope};
use crate::diagnostic::{Edit, Fix};
use crate::settings::Level;

pub static LQ001: RuleDef = RuleDef {
    code: "LQ001",
    name: "liquid-syntax-error",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: false,
    summary: "Liquid that stops `jekyll build` (an unclosed `{% if %}`, a bad tag), at its position",
    doc: "\
## What it does
Parses the body's Liquid as Jekyll does (Liquid 5.4, `error_mode: warn`) and reports the error
Liquid raises: a block never closed (`'if' tag was never closed`), an end tag without its block
(`Unknown tag 'endfor'`), a `{{` or `{%` never terminated, a tag whose markup Liquid cannot
read even in lax mode. The finding points at the tag at fault; the message is Liquid's, and
says which line Jekyll will name (Liquid counts lines from the end of the front matter). Then
it renders the body as Jekyll does (`site` from the configuration, `page` from the front matter
and what Jekyll's reader makes of the post, includes from `_includes/`) and reports what
rendering raises (an include that does not exist, a filter given arguments it refuses), where
every value the render went through is one postlint knows (not behind a branch on
`page.date`, a plugin's value, …).

## Why is this bad?
Any Liquid syntax error stops the whole `jekyll build`: one post breaks the site.

## Example
`{% if page.draft %}draft` with no `{% endif %}`. Close the block, or wrap text that only looks
like Liquid in `{% raw %}…{% endraw %}`.
",
    options: &[],
    check: Some(lq001),
};

pub static LQ002: RuleDef = RuleDef {
    code: "LQ002",
    name: "unknown-liquid-tag",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: false,
    summary: "a tag or filter that neither Liquid, Jekyll nor a plugin the site declares provides",
    doc: "\
## What it does
Reports a Liquid tag that neither Liquid, Jekyll (`include`, `include_relative`, `raw`,
`highlight`, `link`, `post_url`) nor a plugin the site declares (jekyll-seo-tag's `seo`,
jekyll-feed's `feed_meta`, jekyll-gist's `gist`) provides, and a filter that none of them
provides. When the site loads a plugin postlint does not know (a `plugins:` entry, a
`_plugins/` folder, a theme), tags and filters are not judged: that plugin may provide them.

## Why is this bad?
An unknown tag is a Liquid syntax error (`Unknown tag 'x'`): the build stops (reported at the
rule's level). An unknown filter is silently skipped (`strict_filters` is off), so the value is
printed unfiltered: Jekyll builds, so it is reported as a warning whatever the rule's level.

## Example
`{% youtube abc %}` on a site without the plugin that defines it.
",
    options: &[],
    check: Some(lq002),
};

pub static LQ003: RuleDef = RuleDef {
    code: "LQ003",
    name: "missing-post-reference",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: false,
    summary: "`{% post_url %}` / `{% link %}` to a file that is absent or not published",
    doc: "\
## What it does
Finds each `{% post_url NAME %}` and `{% link PATH %}` of the body and looks for its target
as Jekyll does: `post_url` matches NAME (`2021-12-08-title`, or `folder/2021-12-08-title`)
against the site's posts with Jekyll's `PostComparer`; `link` looks for the file PATH in the
site's source. A reference whose argument holds Liquid (`{{ page.x }}`) is not judged, and a
post that exists but is future or unpublished is not told apart yet.

## Why is this bad?
Jekyll raises `Could not find post \"NAME\" in tag 'post_url'` (or `Could not find document
'PATH' in tag 'link'`) and the build stops.

## Example
`{% post_url 2021-12-08-old-title %}` after the post was renamed: use its new name.
",
    options: &[],
    check: Some(lq003),
};

pub static LQ004: RuleDef = RuleDef {
    code: "LQ004",
    name: "liquid-in-content",
    default: Level::Off,
    fix: FixKind::Safe,
    scope: Scope::Body,
    reads_body: false,
    summary: "Liquid-looking text in content not meant as a template (scraped posts): fix wraps it in `{% raw %}`",
    doc: "\
## What it does
Reports every `{{` and `{%` in a post's body outside `{% raw %}…{% endraw %}`: in content that
is not meant as a template (scraped news, the `finews` pack), any such text is an accident of
the source. The fix wraps each construct (up to its `}}` or `%}`, else the two characters) in
`{% raw %}…{% endraw %}`, so the page shows it as written.

## Why is this bad?
Jekyll renders Liquid in every post: `{{ x }}` in an article prints nothing, `{% x %}` stops the
build, and a stray `{{` or `{%` is a syntax error.

## Example
A scraped article quoting template code, `模板写作 {{ name }}`: written
`{% raw %}{{ name }}{% endraw %}`.
",
    options: &[],
    check: Some(lq004),
};

/// The body's Liquid, parsed once for the LQ rules (`None` when Jekyll does not render it);
/// and whether a plugin postlint does not know may add tags and filters.
pub(crate) struct Prelude {
    template: jekyll_liquid::Template,
    plugins: crate::jekyll::site::LiquidPlugins,
    /// The body rendered ([`rendered`]), on first use.
    rendered: std::cell::OnceCell<Option<jekyll_liquid::Rendered>>,
}

fn prelude<'c>(cx: &'c Context) -> Option<&'c Prelude> {
    cx.liquid
        .get_or_init(|| {
            if !crate::jekyll::site::renders_liquid(cx.post) {
                return None;
            }
            let plugins = cx.site.liquid_plugins();
            let opts = cx.site.liquid_parse_options();
            let body = cx.post.text.get(cx.post.body.clone()).unwrap_or("");
            Some(Prelude {
                template: jekyll_liquid::parse(body, &opts),
                plugins,
                rendered: std::cell::OnceCell::new(),
            })
        })
        .as_ref()
}

/// The body as Liquid renders it, once (`None` when Jekyll does not render it or it does not
/// parse): the HT and LK rules read its output, LQ001 its error.
pub(crate) fn rendered<'c>(cx: &'c Context) -> Option<&'c jekyll_liquid::Rendered> {
    let p = prelude(cx)?;
    p.rendered
        .get_or_init(|| cx.site.render_body(cx.post, &p.template))
        .as_ref()
}

/// `Liquid syntax error (line 3): msg` → (`Liquid syntax error: msg`, `Some(3)`); the same for
/// `Liquid error (line 3): …` (raised when rendering).
fn split_line(message: &str) -> (String, Option<u32>) {
    for kind in ["Liquid syntax error", "Liquid error"] {
        if let Some(rest) = message
            .strip_prefix(kind)
            .and_then(|r| r.strip_prefix(" (line "))
            && let Some((n, msg)) = rest.split_once("): ")
            && let Ok(line) = n.parse::<u32>()
        {
            return (format!("{kind}: {msg}"), Some(line));
        }
    }
    (message.to_string(), None)
}

fn is_unknown_tag(e: &jekyll_liquid::LiquidError) -> bool {
    e.message.contains("Unknown tag '")
}

/// The bytes of the body's line `n` (1-based, as Liquid counts), without its newline; the
/// body's end when it has fewer lines.
fn body_line(text: &str, body: &std::ops::Range<usize>, n: u32) -> std::ops::Range<usize> {
    let b = text.get(body.clone()).unwrap_or("");
    let mut start = 0;
    for _ in 1..n {
        match b.get(start..).and_then(|t| t.find('\n')) {
            Some(p) => start += p + 1,
            None => return body.end..body.end,
        }
    }
    let end = b
        .get(start..)
        .and_then(|t| t.find('\n'))
        .map_or(b.len(), |p| start + p);
    body.start + start..body.start + end
}

/// An error at the line Jekyll names (Liquid's `line N`, counted from the end of the front
/// matter); the tag at fault, when it is elsewhere (the opening of a block never closed: Liquid
/// names the line where the template ends), as a second label.
fn report_error(
    cx: &Context,
    out: &mut Report,
    e: &jekyll_liquid::LiquidError,
    label: &str,
    may_fail_before: Option<&std::ops::Range<usize>>,
) {
    let base = cx.post.body.start;
    let tag = base + e.span.start..base + e.span.end.max(e.span.start);
    let first_line = e.message.lines().next().unwrap_or("").trim_end();
    let (message, line) = split_line(first_line);
    let named = line
        .or(e.line)
        .map(|n| (n, body_line(&cx.post.text, &cx.post.body, n)));
    let mut d = match &named {
        Some((_, l)) if !(l.start <= tag.start && tag.start <= l.end) => out
            .diag(l.clone(), format!("`jekyll build` stops here: {message}"))
            .with_label(format!("{label}: Jekyll stops at this line"))
            .with_secondary(tag, "the tag at fault"),
        _ => out
            .diag(tag, format!("`jekyll build` stops here: {message}"))
            .with_label(label.to_string()),
    };
    let fix =
        "fix the Liquid, or wrap text that only looks like Liquid in `{% raw %}…{% endraw %}`";
    d = match named {
        Some((n, _)) => d.with_help(format!(
            "Jekyll names it `line {n}` (counted from the end of the front matter); {fix}"
        )),
        None => d.with_help(fix),
    };
    if let Some(sp) = may_fail_before {
        d = d.with_secondary(
            base + sp.start..base + sp.end,
            "Jekyll may stop here first: a filter on values postlint does not know",
        );
    }
    out.push(d);
}

fn lq001(cx: &Context, out: &mut Report) {
    let Some(p) = prelude(cx) else { return };
    for e in p.template.errors.iter().filter(|e| !is_unknown_tag(e)) {
        report_error(cx, out, e, "Liquid syntax error", None);
    }
    // What rendering raises on the path Ruby takes for certain (a branch or loop on an unknown
    // value is skipped with what it may set made unknown), in a site (elsewhere the includes
    // are not known); a missing post or file is LQ003's.
    if cx.site.root.is_some()
        && let Some(r) = rendered(cx)
        && r.error_certain
        && let Some(e) = &r.error
        && !e.message.starts_with("Could not find post")
        && !e.message.starts_with("Could not find document")
        && (cx.site.includes_known()
            || !e.message.starts_with("Could not locate the included file"))
    {
        let before = r.may_fail_before.as_ref().map(|(_, sp)| sp);
        report_error(cx, out, e, "Liquid error when rendering", before);
    }
}

fn lq002(cx: &Context, out: &mut Report) {
    let Some(p) = prelude(cx) else { return };
    if p.plugins.unknown {
        return;
    }
    for e in p.template.errors.iter().filter(|e| is_unknown_tag(e)) {
        report_error(cx, out, e, "unknown tag", None);
    }
    let base = cx.post.body.start;
    for (name, span) in p.template.filter_uses() {
        if jekyll_liquid::filters::is_filter(name) || p.plugins.filters.contains(&name) {
            continue;
        }
        let mut d = out
            .diag(
                base + span.start..base + span.end,
                format!("unknown Liquid filter `{name}`: Jekyll skips it and prints the value unfiltered"),
            )
            .with_label("unknown filter")
            .with_help("use a filter of Liquid or Jekyll, or declare the plugin that provides it in `plugins:`");
        // Jekyll builds (`strict_filters` is off): a warning, whatever the rule's level.
        d.severity = crate::diagnostic::Severity::Warning;
        out.push(d);
    }
}

fn lq003(cx: &Context, out: &mut Report) {
    let Some(p) = prelude(cx) else { return };
    let base = cx.post.body.start;
    for node in &p.template.nodes {
        let (what, arg) = match &node.kind {
            jekyll_liquid::NodeKind::PostUrl(name) => ("post", name.trim()),
            jekyll_liquid::NodeKind::Link(path) => ("file", path.trim()),
            _ => continue,
        };
        if arg.contains("{{") {
            continue;
        }
        let found = if what == "post" {
            cx.site.post_url_target(arg)
        } else {
            cx.site.link_target(arg)
        };
        if found != Some(false) {
            continue;
        }
        let span = base + node.span.start..base + node.span.end;
        let hidden = (what == "post")
            .then(|| cx.site.post_url_hidden(arg))
            .flatten();
        let message = match hidden {
            Some(why) => format!(
                "`jekyll build` stops here: the post `{arg}` is not among the posts Jekyll reads: {why}"
            ),
            None => format!("`jekyll build` stops here: the site has no {what} `{arg}`"),
        };
        out.push(
            out.diag(span, message)
            .with_label(format!("no such {what}"))
            .with_help(if what == "post" {
                "name an existing post (`YYYY-MM-DD-title`, without the extension), or remove the reference"
            } else {
                "name a file of the site (its path from the site's source), or remove the reference"
            }),
        );
    }
}

/// The `{{ … }}` and `{% … %}` constructs of `body` outside `{% raw %}` blocks: (start, end)
/// of each, the end after its `}}`/`%}` (or after the two opening characters when there is
/// none before the next construct).
fn constructs(body: &str) -> Vec<(usize, usize)> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'{', b.get(i..).unwrap_or(&[])) {
        let at = i + p;
        let (is_tag, close) = match b.get(at + 1) {
            Some(b'{') => (false, "}}"),
            Some(b'%') => (true, "%}"),
            _ => {
                i = at + 1;
                continue;
            }
        };
        let rest = body.get(at + 2..).unwrap_or("");
        let next_open = rest.find("{{").into_iter().chain(rest.find("{%")).min();
        let end = match rest.find(close) {
            Some(c) if next_open.is_none_or(|o| c < o) => at + 2 + c + 2,
            _ => at + 2,
        };
        // `{% raw %}`: everything up to `{% endraw %}` is shown as written.
        // (An unclosed `{% raw %}` is reported like any other construct.)
        if is_tag
            && tag_markup(body.get(at + 2..end.saturating_sub(2)).unwrap_or("")) == "raw"
            && let Some(e) = find_endraw(body, end)
        {
            i = e;
            continue;
        }
        out.push((at, end));
        i = end.max(at + 1);
    }
    out
}

/// A tag's markup between `{%` and `%}`, without whitespace control (`-`) and white space.
fn tag_markup(inner: &str) -> &str {
    inner.trim_matches(|c: char| c == '-' || c.is_ascii_whitespace())
}

/// The end of the `{% endraw %}` (with optional `-` and white space) at or after `from`.
fn find_endraw(body: &str, from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(p) = body.get(i..)?.find("{%") {
        let at = i + p;
        let close = body.get(at + 2..)?.find("%}")? + at + 2;
        if tag_markup(body.get(at + 2..close)?) == "endraw" {
            return Some(close + 2);
        }
        i = at + 2;
    }
    None
}

fn lq004(cx: &Context, out: &mut Report) {
    if !cx.post.is_post() || cx.post.root().is_none() {
        return;
    }
    let base = cx.post.body.start;
    let body = cx.post.text.get(cx.post.body.clone()).unwrap_or("");
    for (s, e) in constructs(body) {
        let shown: String = body.get(s..e).unwrap_or("").chars().take(40).collect();
        out.push(
            out.diag(
                base + s..base + e,
                format!("`{shown}` in an article: Jekyll renders it as Liquid"),
            )
            .with_label("Liquid in content")
            .with_help("wrap it in `{% raw %}…{% endraw %}` so the page shows it as written")
            .with_fix(Fix {
                edits: vec![
                    Edit {
                        range: base + s..base + s,
                        replacement: "{% raw %}".into(),
                    },
                    Edit {
                        range: base + e..base + e,
                        replacement: "{% endraw %}".into(),
                    },
                ],
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructs_skip_raw_blocks_and_stop_at_the_next_opening() {
        let b = "a {{ x }} b {% raw %}{{ y }}{% endraw %} c {{ z {{ w }}";
        let got: Vec<&str> = constructs(b).into_iter().map(|(s, e)| &b[s..e]).collect();
        assert_eq!(got, ["{{ x }}", "{{", "{{ w }}"]);
        assert_eq!(
            split_line("Liquid syntax error (line 3): 'if' tag was never closed"),
            (
                "Liquid syntax error: 'if' tag was never closed".to_string(),
                Some(3)
            )
        );
    }
}
