//! HT: balanced and safe HTML in the body.

use super::{Context, Level, Rule, RuleMeta};
use crate::body::{decode_entities, is_url_attr};
use crate::html::{Balance, Token};
use crate::yaml::Node;

pub static HT001: RuleMeta = RuleMeta {
    code: "HT001",
    name: "unclosed-tag",
    default: Level::Error,
    fixable: false,
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
};

pub static HT002: RuleMeta = RuleMeta {
    code: "HT002",
    name: "mismatched-end-tag",
    default: Level::Error,
    fixable: false,
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
};

pub static HT003: RuleMeta = RuleMeta {
    code: "HT003",
    name: "stray-end-tag",
    default: Level::Error,
    fixable: false,
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
};

pub static HT004: RuleMeta = RuleMeta {
    code: "HT004",
    name: "invalid-nesting",
    default: Level::Warn,
    fixable: false,
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
};

pub static HT005: RuleMeta = RuleMeta {
    code: "HT005",
    name: "self-closing-non-void",
    default: Level::Error,
    fixable: false,
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
};

pub static HT006: RuleMeta = RuleMeta {
    code: "HT006",
    name: "malformed-tag",
    default: Level::Error,
    fixable: false,
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
};

pub static HT007: RuleMeta = RuleMeta {
    code: "HT007",
    name: "disallowed-element",
    default: Level::Error,
    fixable: false,
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

## Example
`<script src=\"//evil.example/x.js\"></script>` inside a scraped article.

## Options
- `elements`: the disallowed element names (replaces the default list).
",
};

pub static HT008: RuleMeta = RuleMeta {
    code: "HT008",
    name: "disallowed-attribute",
    default: Level::Error,
    fixable: false,
    summary: "on* event handlers and others the pack forbids",
    doc: "\
## What it does
Reports attributes the pack does not allow: event handlers (`onclick`, `onerror`, … — any
`on*`), `srcdoc`, `formaction`, and a `javascript:`, `vbscript:` or `data:text/html` URL in any
URL-bearing attribute (`href`, `src`, `action`, `poster`, …). Character references and white
space that hide a scheme (`&#106;avascript:`, `java\\tscript:`) are decoded first, as browsers do.

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
};

#[derive(Debug, Clone)]
pub struct Options {
    pub elements: Vec<String>,
    pub attributes: Vec<String>,
    pub schemes: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Options {
            elements: list(&[
                "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
                "input", "button", "textarea", "select", "style", "link", "meta", "base",
            ]),
            attributes: list(&["on*", "srcdoc", "formaction"]),
            schemes: list(&["javascript", "vbscript", "data:text/html"]),
        }
    }
}

fn lower(list: Vec<String>) -> Vec<String> {
    list.into_iter().map(|s| s.to_ascii_lowercase()).collect()
}

pub fn set_option(opts: &mut Options, rule: Rule, key: &str, value: &Node) -> Result<bool, String> {
    match (rule, key) {
        (Rule::HT007, "elements") => opts.elements = lower(value.string_list(key)?),
        (Rule::HT008, "attributes") => opts.attributes = lower(value.string_list(key)?),
        (Rule::HT008, "schemes") => opts.schemes = lower(value.string_list(key)?),
        _ => return Ok(false),
    }
    Ok(true)
}

/// A URL's scheme-relevant prefix as a browser reads it: entities decoded, ASCII white space
/// and control characters removed, lowercased.
pub fn normalized_url(raw: &str) -> String {
    decode_entities(raw)
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
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

pub fn check(ctx: &mut Context) {
    let Some(body) = ctx.body() else { return };
    let text = &ctx.post.text;

    if ctx.enabled(Rule::HT006) {
        for m in &body.html.malformed {
            let mut d = ctx
                .diag(Rule::HT006, m.span.clone(), m.message.clone())
                .with_label(m.label.clone())
                .with_help("fix the tag so that browsers read it as written");
            if let Some(first) = &m.first {
                d = d
                    .with_secondary(first.clone(), "first given here")
                    .with_help("remove one of the two: browsers keep only the first");
            }
            ctx.push(d);
        }
    }

    let balance = [
        Rule::HT001,
        Rule::HT002,
        Rule::HT003,
        Rule::HT004,
        Rule::HT005,
    ]
    .iter()
    .any(|r| ctx.enabled(*r));
    if balance {
        for finding in crate::html::balance(&body.html.tokens) {
            let d = match finding {
                Balance::Unclosed { name, span } => ctx
                    .diag(Rule::HT001, span, format!("`<{name}>` is never closed"))
                    .with_label("opened here")
                    .with_help(format!("add `</{name}>` where the element ends")),
                Balance::Mismatched { name, span, open, open_span } => ctx
                    .diag(Rule::HT002, span, format!("`</{name}>` does not close the open `<{open}>`"))
                    .with_label(format!("expected `</{open}>`"))
                    .with_secondary(open_span, format!("`<{open}>` opened here"))
                    .with_help(format!("did you mean `</{open}>`?")),
                Balance::Stray { name, span, void } => {
                    let (message, help) = if void {
                        (
                            format!("`</{name}>`: `<{name}>` is a void element and has no end tag"),
                            format!("remove `</{name}>`"),
                        )
                    } else {
                        (format!("`</{name}>` closes nothing"), format!("remove `</{name}>`, or add the `<{name}>` it belongs to"))
                    };
                    ctx.diag(Rule::HT003, span, message).with_label("nothing open to close").with_help(help)
                }
                Balance::Nesting { span, message, label, other, other_label, .. } => ctx
                    .diag(Rule::HT004, span, message)
                    .with_label(label)
                    .with_secondary(other, other_label)
                    .with_help("close the outer element first, or use an element that may contain this one"),
                Balance::SelfClosing { name, span } => ctx
                    .diag(Rule::HT005, span, format!("`<{name}/>`: `<{name}>` cannot self-close; HTML opens it"))
                    .with_label("not a void element")
                    .with_help(format!("write `<{name}></{name}>`")),
            };
            let rule = Rule::from_code_or_name(&d.code).unwrap_or(Rule::HT001);
            if ctx.enabled(rule) {
                ctx.push(d);
            }
        }
    }

    let opts = &ctx.settings.html;
    let mut found = Vec::new();
    for token in &body.html.tokens {
        let Token::Start {
            name, span, attrs, ..
        } = token
        else {
            continue;
        };
        if ctx.enabled(Rule::HT007) && opts.elements.iter().any(|e| e == name) {
            found.push(
                ctx.diag(Rule::HT007, span.clone(), format!("`<{name}>` is not allowed in a post"))
                    .with_label("disallowed element")
                    .with_help(format!(
                        "remove the `<{name}>` element; scraped content must not run code or change the page (HT007's `elements` lists what is banned)"
                    )),
            );
        }
        if !ctx.enabled(Rule::HT008) {
            continue;
        }
        for attr in attrs {
            let banned = opts.attributes.iter().any(|a| match a.strip_suffix('*') {
                Some(prefix) => attr.name.starts_with(prefix),
                None => attr.name == *a,
            });
            if banned {
                found.push(
                    ctx.diag(
                        Rule::HT008,
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
            let url = normalized_url(&text[value.clone()]);
            if let Some(scheme) = has_scheme(&url, &opts.schemes) {
                found.push(
                    ctx.diag(
                        Rule::HT008,
                        value.clone(),
                        format!("`{}` on `<{name}>` uses a `{scheme}` URL", attr.name),
                    )
                    .with_label(format!("`{scheme}` URL"))
                    .with_help("remove the attribute: such URLs run script on your site"),
                );
            }
        }
    }
    for d in found {
        ctx.push(d);
    }
}
