//! HT: balanced and safe HTML in the body.

use super::{Context, FixKind, OptionDef, Report, RuleDef, Scope};
use crate::jekyll::body::{Body, decode_entities, decode_entities_with, is_url_attr};
use crate::jekyll::markup::{Attr, Balance, Token, balance};
use crate::jekyll::yaml::NodeExt;
use crate::settings::Level;
use crate::settings::options::{HtmlOptions, lower};

pub static HT001: RuleDef = RuleDef {
    code: "HT001",
    name: "unclosed-tag",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "an element opened and never closed (void elements excepted)",
    doc: "\
## What it does
Reports an element that is opened in the body's HTML and never closed: at the end of the
body, or when an ancestor's end tag closes it early. Void elements (`<br>`, `<img>`, …) and
elements whose end tag HTML lets authors omit (`<li>`, `<td>`, `<option>`, …) are fine; `<p>`
is not: scraped `<p>` left open is the defect this rule exists for, and the finews sample and
its generator close every paragraph.

## Why is this bad?
An unclosed element swallows everything after it — the attribution line, the back links, the
rest of the page layout.

## Example
`<div class=\"quote\"><p>…</div>` — the `<p>` is never closed.
",
    options: &[],
    check: Some(ht001),
};

pub static HT002: RuleDef = RuleDef {
    code: "HT002",
    name: "mismatched-end-tag",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "an end tag that closes another element than the open one",
    doc: "\
## What it does
Reports an end tag for an element that is not open while another one is: usually a typo
(`</dvi>`) or a tag from another fragment. The open element it should have closed is named and
is not reported again at the end.

## Why is this bad?
The browser ignores the end tag, so the open element runs on.

## Example
`<div>…</dvi>` — expected `</div>`.
",
    options: &[],
    check: Some(ht002),
};

pub static HT003: RuleDef = RuleDef {
    code: "HT003",
    name: "stray-end-tag",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "an end tag with nothing open to close",
    doc: "\
## What it does
Reports an end tag when no element is open, and end tags of void elements (`</br>`, `</img>`).

## Why is this bad?
Scraped fragments often end with the closing tags of a container that was cut away; browsers
drop them, or turn `</p>` and `</br>` into empty paragraphs and line breaks.

## Example
`text</div>` with no `<div>` before it.
",
    options: &[],
    check: Some(ht003),
};

pub static HT004: RuleDef = RuleDef {
    code: "HT004",
    name: "invalid-nesting",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "block inside inline, `<p>` inside `<p>`, `<a>` inside `<a>`",
    doc: "\
## What it does
Reports elements nested where HTML does not allow it: a block element (`<div>`, `<p>`,
`<table>`, …) inside an open `<p>` (the browser closes the paragraph there) or inside an inline
element (`<span>`, `<b>`, …), a link inside a link, and crossed tags (`<b><i></b></i>`).
Inside `<svg>` and `<math>` nothing is reported.

## Why is this bad?
Browsers repair such markup each in their own way: the paragraph ends early, the link is split,
styles leak. The repaired page is not the one the source shows.

## Example
`<p>Intro<div>Chart</div></p>` — the browser closes the `<p>` before the `<div>`, and the
final `</p>` becomes an empty paragraph.
",
    options: &[],
    check: Some(ht004),
};

pub static HT005: RuleDef = RuleDef {
    code: "HT005",
    name: "self-closing-non-void",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "`<div/>` and the like",
    doc: "\
## What it does
Reports a self-closing tag (`<div/>`, `<span />`) for an element that is not void. SVG and
MathML content, where self-closing tags are valid, is exempt.

## Why is this bad?
HTML ignores the `/`: `<div/>` opens a `<div>` that is never closed and swallows what follows.

## Example
`<div class=\"clear\"/>` → `<div class=\"clear\"></div>`.
",
    options: &[],
    check: Some(ht005),
};

pub static HT006: RuleDef = RuleDef {
    code: "HT006",
    name: "malformed-tag",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "an unterminated tag, a broken or duplicate attribute",
    doc: "\
## What it does
Reports tags the HTML tokenizer cannot read cleanly: a tag or comment that is never closed, an
attribute value whose quote never closes, attributes without a space between them, a quote or
`<` inside an attribute name or an unquoted value, a duplicate attribute, attributes on an end
tag.

## Why is this bad?
Browsers recover by guessing: an unterminated quote swallows the rest of the paragraph into an
attribute, and of two duplicate attributes only the first counts.

## Example
`<img src=\"a.png\"alt=\"chart\">` — missing space between the attributes.
",
    options: &[],
    check: Some(ht006),
};

pub static HT007: RuleDef = RuleDef {
    code: "HT007",
    name: "disallowed-element",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "script, iframe, object, embed, form, style… (scraped content: XSS)",
    doc: "\
## What it does
Reports elements the pack does not allow in a post body. By default: `script`, `iframe`,
`frame`, `frameset`, `object`, `embed`, `applet`, `form`, `input`, `button`, `textarea`,
`select`, `style`, `link`, `meta`, `base`.

## Why is this bad?
Posts scraped from other sites are untrusted: a `<script>` or `<iframe>` in them runs on your
site's origin (cross-site scripting), a `<form>` can phish, a `<style>` or `<base>` can rewrite
the whole page.

Deliberate embeds build fine and run what their authors meant: an `<iframe>`, `<script>`,
`<embed>` or `<object>` whose URL (`src`, or `data` for `<object>`) is on a host of
`allow_hosts` is not reported. The `jekyll` pack allows the common embed hosts (YouTube,
Vimeo, Twitter/X, Speaker Deck, GitHub gists, CodePen); the `finews` pack, whose bodies are
scraped, allows none. An inline `<script>` (no URL) is always reported.

## Example
`<script src=\"//evil.example/x.js\"></script>` inside a scraped article.

## Options
- `elements`: the disallowed element names (replaces the default list).
- `allow_hosts`: hosts whose embeds are allowed (`*.example.com` allows every subdomain).
",
    options: HT007_OPTIONS,
    check: Some(ht007),
};

pub static HT008: RuleDef = RuleDef {
    code: "HT008",
    name: "disallowed-attribute",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "on* event handlers and others the pack forbids",
    doc: "\
## What it does
Reports attributes the pack does not allow: event handlers (`onclick`, `onerror`, … — any
`on*`), `srcdoc`, `formaction`, and a `javascript:`, `vbscript:` or `data:text/html` URL in any
URL-bearing attribute (`href`, `xlink:href`, `src`, `action`, `formaction`, `data`, `poster`,
…) or set by an SVG animation (`<set attributeName=\"href\" to=\"javascript:…\">`, also
`<animate>`'s `from` and `values`). The URL is read as a browser reads its scheme: character
references decoded (`&#106;avascript:`, `java&Tab;script:`), leading and trailing controls and
spaces stripped, tabs and newlines removed. Only what reaches the page counts: the copy of a
duplicate attribute kramdown writes (the last), markup in `<svg>`/`<math>` (where `title` or
`style` hold markup, not text), nothing in `<template>` content.

## Why is this bad?
Each of these runs script on your site's origin when the page loads or a reader clicks.

## Example
`<img src=\"x\" onerror=\"alert(document.cookie)\">`.

## Options
- `attributes`: disallowed attribute names; a trailing `*` matches a prefix (default `on*`,
  `srcdoc`, `formaction`).
- `schemes`: URL schemes disallowed in URL-bearing attributes (default `javascript`,
  `vbscript`, `data:text/html`).
",
    options: HT008_OPTIONS,
    check: Some(ht008),
};

const HT007_OPTIONS: &[OptionDef] = &[
    OptionDef {
        key: "elements",
        set: |s, v| {
            s.html.elements = lower(v.string_list("elements")?);
            Ok(())
        },
    },
    OptionDef {
        key: "allow_hosts",
        set: |s, v| {
            s.html.embed_hosts = lower(v.string_list("allow_hosts")?);
            Ok(())
        },
    },
];

const HT008_OPTIONS: &[OptionDef] = &[
    OptionDef {
        key: "attributes",
        set: |s, v| {
            s.html.attributes = lower(v.string_list("attributes")?);
            Ok(())
        },
    },
    OptionDef {
        key: "schemes",
        set: |s, v| {
            s.html.schemes = lower(v.string_list("schemes")?);
            Ok(())
        },
    },
];

/// A URL attribute's value as a browser's URL parser reads its scheme: character references
/// decoded (with `strict`, only those ending in `;`: kramdown escapes the `&` of any other),
/// then [`url_view`].
pub fn normalized_url(raw: &str, strict: bool) -> String {
    url_view(&decode_entities_with(raw, strict))
}

/// A (decoded) URL as the WHATWG URL parser reads its scheme: leading and trailing C0 controls
/// and spaces stripped, every tab, LF and CR removed, lowercased (ASCII). Other white space and
/// controls inside (`java script:`, a form feed) stay: such a URL has no scheme.
pub fn url_view(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether `url` (normalised) uses one of `schemes` (`javascript`, `data:text/html`, …).
pub fn has_scheme(url: &str, schemes: &[String]) -> Option<String> {
    schemes
        .iter()
        .find(|s| {
            if s.contains(':') {
                url.starts_with(s.as_str())
            } else {
                url.strip_prefix(s.as_str())
                    .is_some_and(|r| r.starts_with(':'))
            }
        })
        .cloned()
}

/// The balance of the body's tags (for HT001–HT005), computed once.
fn balanced<'c>(cx: &'c Context, body: &Body) -> &'c [Balance] {
    cx.html.get_or_init(|| balance(&body.html.tokens))
}

fn ht001(cx: &Context, out: &mut Report) {
    let Some(body) = cx.body() else { return };
    for finding in balanced(cx, body) {
        if let Balance::Unclosed { name, span } = finding {
            out.push(
                out.diag(span.clone(), format!("`<{name}>` is never closed"))
                    .with_label("opened here")
                    .with_help(format!("add `</{name}>` where the element ends")),
            );
        }
    }
}

fn ht002(cx: &Context, out: &mut Report) {
    let Some(body) = cx.body() else { return };
    for finding in balanced(cx, body) {
        if let Balance::Mismatched {
            name,
            span,
            open,
            open_span,
        } = finding
        {
            out.push(
                out.diag(
                    span.clone(),
                    format!("`</{name}>` does not close the open `<{open}>`"),
                )
                .with_label(format!("expected `</{open}>`"))
                .with_secondary(open_span.clone(), format!("`<{open}>` opened here"))
                .with_help(format!("did you mean `</{open}>`?")),
            );
        }
    }
}

fn ht003(cx: &Context, out: &mut Report) {
    let Some(body) = cx.body() else { return };
    for finding in balanced(cx, body) {
        if let Balance::Stray { name, span, void } = finding {
            let (message, help) = if *void {
                (
                    format!("`</{name}>`: `<{name}>` is a void element and has no end tag"),
                    format!("remove `</{name}>`"),
                )
            } else {
                (
                    format!("`</{name}>` closes nothing"),
                    format!("remove `</{name}>`, or add the `<{name}>` it belongs to"),
                )
            };
            out.push(
                out.diag(span.clone(), message)
                    .with_label("nothing open to close")
                    .with_help(help),
            );
        }
    }
    // End tags kramdown found nothing to close for: it shows them as text.
    for token in &body.shown_as_text {
        if let Token::End { name, span } = token {
            out.push(
                out.diag(
                    span.clone(),
                    format!("`</{name}>` closes nothing kramdown has open: the page shows it as text"),
                )
                .with_label("shown as text")
                .with_help(format!(
                    "remove `</{name}>`, or fix the HTML before it so that the `<{name}>` it belongs to is open"
                )),
            );
        }
    }
}

fn ht004(cx: &Context, out: &mut Report) {
    let Some(body) = cx.body() else { return };
    for finding in balanced(cx, body) {
        if let Balance::Nesting {
            span,
            message,
            label,
            other,
            other_label,
            ..
        } = finding
        {
            out.push(
                out.diag(span.clone(), message.clone())
                    .with_label(label.clone())
                    .with_secondary(other.clone(), other_label.clone())
                    .with_help(
                        "close the outer element first, or use an element that may contain this one",
                    ),
            );
        }
    }
}

fn ht005(cx: &Context, out: &mut Report) {
    let Some(body) = cx.body() else { return };
    for finding in balanced(cx, body) {
        if let Balance::SelfClosing { name, span } = finding {
            out.push(
                out.diag(
                    span.clone(),
                    format!("`<{name}/>`: `<{name}>` cannot self-close; HTML opens it"),
                )
                .with_label("not a void element")
                .with_help(format!("write `<{name}></{name}>`")),
            );
        }
    }
}

fn ht006(cx: &Context, out: &mut Report) {
    let Some(body) = cx.body() else { return };
    for m in &body.html.malformed {
        let mut d = out
            .diag(m.span.clone(), m.message.clone())
            .with_label(m.label.clone())
            .with_help("fix the tag so that browsers read it as written");
        if let Some(first) = &m.first {
            d = d
                .with_secondary(first.clone(), "first given here")
                .with_help("remove one of the two: kramdown writes only the last copy, a browser reading the tag as written only the first");
        }
        out.push(d);
    }
}

fn ht007(cx: &Context, out: &mut Report) {
    let Some(body) = cx.body() else { return };
    let opts = &cx.settings.rules.html;
    let text = &cx.post.text;
    for token in &body.html.tokens {
        let Token::Start {
            name, span, attrs, ..
        } = token
        else {
            continue;
        };
        if opts.elements.iter().any(|e| e == name) && !allowed_embed(text, name, attrs, opts) {
            out.push(
                out.diag(span.clone(), format!("`<{name}>` is not allowed in a post"))
                    .with_label("disallowed element")
                    .with_help(format!(
                        "remove the `<{name}>` element; scraped content must not run code or change the page (HT007's `elements` lists what is banned)"
                    )),
            );
        }
    }
}

/// An embed from a host the pack allows: an `iframe`, `script`, `embed` or `object` whose URL's
/// host is one of HT007's `allow_hosts`.
fn allowed_embed(text: &str, name: &str, attrs: &[Attr], opts: &HtmlOptions) -> bool {
    if opts.embed_hosts.is_empty() {
        return false;
    }
    let attr = match name {
        "iframe" | "script" | "embed" => "src",
        "object" => "data",
        _ => return false,
    };
    let Some(value) = attrs
        .iter()
        .find(|a| a.name == attr)
        .and_then(|a| a.value_in(text))
    else {
        return false;
    };
    let url = decode_entities(value.trim());
    let Some(host) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))
        .and_then(|rest| rest.split(['/', '?', '#', ':']).next())
        .map(str::to_ascii_lowercase)
    else {
        return false;
    };
    opts.embed_hosts.iter().any(|a| match a.strip_prefix("*.") {
        Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
        None => host == *a,
    })
}

fn ht008(cx: &Context, out: &mut Report) {
    let Some(body) = cx.body() else { return };
    let opts = &cx.settings.rules.html;
    let text = &cx.post.text;
    // The HTML's own attributes, and those an inline attribute list sets (`{: onclick=…}`).
    // Open `<svg>` elements: SVG's animations (`<set>`) are HTML's unknown elements outside.
    let mut svg = 0usize;
    for token in body.html.tokens.iter().chain(&body.ial) {
        let (name, attrs) = match token {
            Token::Start {
                name,
                attrs,
                self_closing,
                ..
            } => {
                if name == "svg" && !self_closing {
                    svg += 1;
                }
                (name, attrs)
            }
            Token::End { name, .. } => {
                if name == "svg" {
                    svg = svg.saturating_sub(1);
                }
                continue;
            }
        };
        for attr in attrs {
            let banned = opts.attributes.iter().any(|a| match a.strip_suffix('*') {
                Some(prefix) => attr.name.starts_with(prefix),
                None => attr.name == *a,
            });
            if banned {
                out.push(
                    out.diag(
                        attr.name_span.clone(),
                        format!("`{}` attribute on `<{name}>` is not allowed", attr.name),
                    )
                    .with_label("disallowed attribute")
                    .with_help(format!(
                        "remove `{}`: it runs script when the page loads or a reader acts",
                        attr.name
                    )),
                );
                continue;
            }
            let Some(value) = &attr.value else { continue };
            if let Some(scheme) = (svg > 0)
                .then(|| smil_scheme(name, attrs, attr, text, &opts.schemes))
                .flatten()
            {
                out.push(
                    out.diag(
                        value.clone(),
                        format!(
                            "`<{name}>` sets `href` to a `{scheme}` URL (`{}`)",
                            attr.name
                        ),
                    )
                    .with_label(format!("`{scheme}` URL"))
                    .with_help("remove the animation: it turns the link into script"),
                );
                continue;
            }
            let url_bearing = is_url_attr(name, &attr.name)
                || matches!(
                    attr.name.as_str(),
                    "href"
                        | "src"
                        | "action"
                        | "formaction"
                        | "poster"
                        | "background"
                        | "xlink:href"
                        | "data"
                        | "cite"
                        | "codebase"
                        | "lowsrc"
                        | "dynsrc"
                );
            if !url_bearing {
                continue;
            }
            let Some(written) = attr.value_in(text) else {
                continue;
            };
            let url = normalized_url(written, attr.kramdown);
            if let Some(scheme) = has_scheme(&url, &opts.schemes) {
                out.push(
                    out.diag(
                        value.clone(),
                        format!("`{}` on `<{name}>` uses a `{scheme}` URL", attr.name),
                    )
                    .with_label(format!("`{scheme}` URL"))
                    .with_help("remove the attribute: such URLs run script on your site"),
                );
            }
        }
    }
}

/// For an SVG animation that sets a link (`<animate>`/`<set>` with `attributeName="href"` or
/// `xlink:href`), the disallowed scheme of one of the values it sets (`to`, `from`, `values`,
/// `;`-separated).
fn smil_scheme(
    element: &str,
    attrs: &[Attr],
    attr: &Attr,
    text: &str,
    schemes: &[String],
) -> Option<String> {
    if !matches!(element, "animate" | "set")
        || !matches!(attr.name.as_str(), "to" | "from" | "values")
    {
        return None;
    }
    let target = attrs
        .iter()
        .find(|a| a.name == "attributename")
        .and_then(|a| a.value_in(text))
        .map(|v| decode_entities_with(v, attr.kramdown))?;
    if !matches!(target.trim(), "href" | "xlink:href") {
        return None;
    }
    let value = decode_entities_with(attr.value_in(text)?, attr.kramdown);
    value
        .split(';')
        .find_map(|part| has_scheme(&url_view(part), schemes))
}
