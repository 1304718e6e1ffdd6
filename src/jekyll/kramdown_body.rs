//! The body as Jekyll's kramdown reads it (the `kramdown` crate, a port of kramdown 2.4 with
//! the GFM parser): which bytes are live HTML (passed through to the page), which are code,
//! comments or text (escaped), every link kramdown makes, and the attributes that inline
//! attribute lists (`{: onclick="…"}`) put on Markdown elements.

use std::ops::Range;

use kramdown::{AttrOrigin, Kind};

use super::body::{Body, Link, LinkSource};
use super::markup::{self as html, Attr, Token};

/// How Jekyll converts the site's Markdown: `markdown:` and the `kramdown:` options of
/// `_config.yml`.
#[derive(Debug, Clone)]
pub enum Markdown {
    Kramdown(Box<kramdown::Options>),
    /// `markdown: CommonMark` (jekyll-commonmark): the CommonMark reading.
    CommonMark,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown::Kramdown(Box::new(kramdown::Options::jekyll()))
    }
}

/// The HTML element a Markdown node becomes (for attributes an IAL sets on it).
fn element_of(kind: Kind, level: u8, value: &str) -> Option<String> {
    let name = match kind {
        Kind::P => "p",
        Kind::Header => {
            return Some(format!("h{}", level.clamp(1, 6)));
        }
        Kind::Blockquote => "blockquote",
        Kind::Codeblock => "pre",
        Kind::Codespan => "code",
        Kind::Ul => "ul",
        Kind::Ol => "ol",
        Kind::Li => "li",
        Kind::Dl => "dl",
        Kind::Dt => "dt",
        Kind::Dd => "dd",
        Kind::Table => "table",
        Kind::Thead => "thead",
        Kind::Tbody => "tbody",
        Kind::Tfoot => "tfoot",
        Kind::Tr => "tr",
        Kind::Td => "td",
        Kind::Hr => "hr",
        Kind::A => "a",
        Kind::Img => "img",
        Kind::Em => "em",
        Kind::Strong => "strong",
        Kind::Abbreviation => "abbr",
        Kind::Math => "span",
        Kind::HtmlElement => return Some(value.to_ascii_lowercase()),
        _ => return None,
    };
    Some(name.to_string())
}

/// Elements whose content the tokenizer (as a browser) reads as text, not tags.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "noscript",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Ranges `live` minus the ranges `dead` (both sorted by start; `dead` may nest or overlap).
fn subtract(live: &[Range<usize>], dead: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut d = 0;
    for l in live {
        let mut at = l.start;
        while d < dead.len() && dead[d].end <= at {
            d += 1;
        }
        let mut k = d;
        while k < dead.len() && dead[k].start < l.end {
            if dead[k].start > at {
                out.push(at..dead[k].start);
            }
            at = at.max(dead[k].end);
            k += 1;
        }
        if at < l.end {
            out.push(at..l.end);
        }
    }
    out
}

/// Analyse the body `text[range]` as kramdown reads it.
pub fn analyse(text: &str, range: Range<usize>, options: &kramdown::Options) -> Body {
    let base = range.start;
    let src = &text[range.clone()];
    let skipped = super::body::liquid_blocks(text, &range);
    let in_skipped =
        |r: &Range<usize>| skipped.iter().any(|s| s.start <= r.start && r.end <= s.end);
    let doc = kramdown::parse(src, options);
    let at = |r: &Range<usize>| base + r.start.min(src.len())..base + r.end.min(src.len());

    let mut live: Vec<Range<usize>> = Vec::new();
    let mut dead: Vec<Range<usize>> = Vec::new();
    let mut code: Vec<Range<usize>> = Vec::new();
    // Text nodes outside HTML, each with the end of the block it is in (for tags Markdown
    // shows as text).
    let mut texts: Vec<(Range<usize>, usize)> = Vec::new();
    let mut ial: Vec<Token> = Vec::new();
    let mut body = Body::default();

    let roots = std::iter::once(doc.root).chain(
        doc.footnotes
            .iter()
            .filter(|(_, _, referenced)| *referenced)
            .map(|(_, id, _)| *id),
    );
    // Per node (pre-order, so a parent is seen first): below live HTML, and below an element
    // whose content the tokenizer reads as raw text (`<script>`, `<noscript>`…: nothing in it
    // is cut out, or the tokenizer would read its end tags out of context).
    let n = doc.nodes.len();
    let mut under_html = vec![false; n];
    let mut in_raw_text = vec![false; n];
    for root in roots {
        for id in doc.descendants(root) {
            let node = doc.node(id);
            let span = at(&node.span);
            if let Some(p) = node.parent.filter(|&p| p < n)
                && id < n
            {
                let parent = doc.node(p);
                under_html[id] = under_html[p]
                    || matches!(
                        parent.kind,
                        Kind::HtmlElement | Kind::XmlComment | Kind::Raw
                    );
                in_raw_text[id] = in_raw_text[p]
                    || (parent.kind == Kind::HtmlElement
                        && RAW_TEXT
                            .iter()
                            .any(|r| parent.value.eq_ignore_ascii_case(r)));
            }
            if in_raw_text.get(id).copied().unwrap_or(false) {
                continue;
            }
            match node.kind {
                Kind::HtmlElement | Kind::XmlComment | Kind::XmlPi | Kind::Raw
                    if !under_html.get(id).copied().unwrap_or(false) =>
                {
                    live.push(span.clone());
                }
                Kind::Codeblock | Kind::Codespan | Kind::Math => {
                    code.push(span.clone());
                    dead.push(span.clone());
                }
                Kind::Comment => dead.push(span.clone()),
                // kramdown escapes every text (`convert_text`), also inside HTML it parsed: a
                // tag it read as text (`</ul>` after an unclosed `<li>`) is shown as text.
                Kind::Text => {
                    dead.push(span.clone());
                    let block_end = std::iter::successors(node.parent, |&p| doc.node(p).parent)
                        .map(|p| doc.node(p))
                        .find(|n| n.is_block() || n.kind == Kind::HtmlElement)
                        .map_or(span.end, |n| at(&n.span).end);
                    texts.push((span.clone(), block_end));
                }
                Kind::Entity | Kind::SmartQuote | Kind::TypographicSym => dead.push(span.clone()),
                _ => {}
            }
            // Attributes an IAL or ALD puts on the element.
            let set_by_ial =
                |a: &kramdown::Attr| matches!(a.origin, AttrOrigin::Ial | AttrOrigin::Ald);
            let set: Vec<Attr> = if !node.attrs.iter().any(set_by_ial) {
                Vec::new()
            } else {
                node.attrs
                    .iter()
                    .filter(|a| matches!(a.origin, AttrOrigin::Ial | AttrOrigin::Ald))
                    .filter_map(|a| {
                        let name_span = a.name_span.as_ref().map(&at)?;
                        Some(Attr {
                            name: a.name.to_ascii_lowercase(),
                            name_span,
                            value: a.value_span.as_ref().map(&at),
                        })
                    })
                    .collect()
            };
            if !set.is_empty()
                && let Some(name) = element_of(node.kind, node.level, &node.value)
            {
                let from = set
                    .iter()
                    .map(|a| a.name_span.start)
                    .min()
                    .unwrap_or(span.start);
                let to = set
                    .iter()
                    .map(|a| a.value.as_ref().map_or(a.name_span.end, |v| v.end))
                    .max()
                    .unwrap_or(span.end);
                ial.push(Token::Start {
                    name,
                    span: from..to,
                    attrs: set,
                    self_closing: false,
                });
            }
            if matches!(node.kind, Kind::A | Kind::Img)
                && let Some(link) = markdown_link(text, &doc, id, &at)
                && !in_skipped(&link.whole)
            {
                body.links.push(link);
            }
        }
    }
    live.sort_by_key(|r| r.start);
    dead.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let chunks = subtract(&live, &dead);
    for c in &chunks {
        html::tokenize(text, c.clone(), &mut body.html);
    }
    // Tags kramdown did not read as HTML (it shows them as text): report what is wrong. Each
    // attempt is read up to the next one at most (linear however many there are).
    let mut attempts: Vec<(usize, usize)> = Vec::new();
    let mut found: Vec<usize> = Vec::new();
    for (t, block_end) in &texts {
        found.clear();
        found.extend(super::body::tag_attempts(text, t, true));
        for (i, lt) in found.iter().enumerate() {
            let next = found.get(i + 1).copied().unwrap_or(*block_end);
            attempts.push((*lt, next.min(*block_end).max(*lt)));
        }
        body.links.extend(super::body::broken_link_spans(text, t));
    }
    attempts.dedup();
    super::body::shown_as_text(text, attempts, true, &mut body);
    if !skipped.is_empty() {
        body.html.tokens.retain(|t| !in_skipped(t.span()));
        body.html.malformed.retain(|m| !in_skipped(&m.span));
        ial.retain(|t| !in_skipped(t.span()));
        body.shown_as_text.retain(|t| !in_skipped(t.span()));
    }
    super::body::html_links(text, &body.html.tokens, &mut body.links);
    super::body::ial_links(text, &ial, &mut body.links);
    super::body::empty_autolinks(text, &range, &code, &chunks, &skipped, &mut body.links);
    body.links.sort_by_key(|l| l.span.start);
    body.ial = ial;
    body
}

/// The element tree kramdown makes of the body `text[range]` (for `postlint inspect`): each
/// node in document order with its depth, kind, value (an element's name, a text's first
/// characters), attributes (with where they come from) and the byte span in the file.
pub fn tree_json(text: &str, range: Range<usize>, markdown: &Markdown) -> serde_json::Value {
    use serde_json::json;
    let Markdown::Kramdown(options) = markdown else {
        return json!({"converter": "CommonMark"});
    };
    let base = range.start;
    let src = &text[range.clone()];
    let doc = kramdown::parse(src, options);
    let mut depth = vec![0usize; doc.nodes.len()];
    let mut nodes = Vec::new();
    for id in doc.descendants(doc.root) {
        let node = doc.node(id);
        let d = node
            .parent
            .and_then(|p| depth.get(p).copied())
            .map_or(0, |d| d + 1);
        if let Some(slot) = depth.get_mut(id) {
            *slot = d;
        }
        if id == doc.root {
            continue;
        }
        let value: String = node.value.chars().take(60).collect();
        let attrs: Vec<serde_json::Value> = node
            .attrs
            .iter()
            .map(|a| {
                json!({
                    "name": a.name,
                    "value": a.value,
                    "origin": format!("{:?}", a.origin).to_ascii_lowercase(),
                })
            })
            .collect();
        nodes.push(json!({
            "depth": d - 1,
            "kind": node.kind.name(),
            "value": value,
            "attrs": attrs,
            "span": [base + node.span.start, base + node.span.end],
        }));
    }
    json!({"converter": "kramdown", "nodes": nodes})
}

/// The link a Markdown `A` or `Img` node makes (inline, reference, autolink, e-mail).
fn markdown_link(
    text: &str,
    doc: &kramdown::Document,
    id: usize,
    at: &impl Fn(&Range<usize>) -> Range<usize>,
) -> Option<Link> {
    let node = doc.node(id);
    let (image, key) = match node.kind {
        Kind::A => (false, "href"),
        Kind::Img => (true, "src"),
        _ => return None,
    };
    let attr = node.attrs.iter().find(|a| a.name == key)?;
    if matches!(
        attr.origin,
        AttrOrigin::Html | AttrOrigin::Ial | AttrOrigin::Ald
    ) {
        // From an HTML tag or an IAL: read from the tag's tokens, or the IAL's.
        return None;
    }
    let whole = at(&node.span);
    let first = text.as_bytes().get(whole.start).copied();
    let source = if first == Some(b'<') {
        if attr.value.starts_with("mailto:")
            && !text
                .get(whole.start + 1..whole.end)
                .is_some_and(|s| s.starts_with("mailto:"))
        {
            LinkSource::Email
        } else {
            LinkSource::Autolink
        }
    } else if attr.origin == AttrOrigin::LinkDef {
        LinkSource::Reference
    } else {
        LinkSource::Inline
    };
    let span = attr.value_span.as_ref().map_or_else(
        || match source {
            LinkSource::Autolink | LinkSource::Email => {
                whole.start + 1..whole.end.saturating_sub(1).max(whole.start + 1)
            }
            _ => whole.clone(),
        },
        at,
    );
    let mut has_text = image;
    let mut last_child_end = whole.start + if image { 2 } else { 1 };
    for d in doc.descendants(id).skip(1) {
        let n = doc.node(d);
        last_child_end = last_child_end.max(at(&n.span).end);
        match n.kind {
            Kind::Text | Kind::Codespan => has_text |= !n.value.trim().is_empty(),
            Kind::Img | Kind::Entity | Kind::SmartQuote | Kind::TypographicSym | Kind::Math => {
                has_text = true
            }
            Kind::HtmlElement if n.value.eq_ignore_ascii_case("img") => has_text = true,
            _ => {}
        }
    }
    let text_span = matches!(source, LinkSource::Inline | LinkSource::Reference).then(|| {
        let start = whole.start + if image { 2 } else { 1 };
        let from = last_child_end.clamp(start, whole.end);
        let end = text
            .get(from..whole.end)
            .and_then(|t| t.find(']'))
            .map_or(from, |p| from + p);
        start..end
    });
    Some(Link {
        url: attr.value.to_string(),
        span,
        whole,
        source,
        image,
        empty_text: !image && !has_text,
        element: None,
        text_span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(md: &str) -> Body {
        analyse(md, 0..md.len(), &kramdown::Options::jekyll())
    }

    fn starts(b: &Body) -> Vec<String> {
        b.html
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Start { name, .. } => Some(name.clone()),
                Token::End { .. } => None,
            })
            .collect()
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn subtract_cuts_dead_ranges() {
        assert_eq!(subtract(&[0..10], &[2..4, 3..5, 8..12]), [0..2, 5..8]);
        assert_eq!(subtract(&[0..3, 5..9], &[]), [0..3, 5..9]);
    }

    #[test]
    fn a_fence_after_html_is_code() {
        let b = body("<div>x</div>\n```\n<script>alert(1)</script>\n```\n");
        assert_eq!(starts(&b), ["div"]);
    }

    #[test]
    fn an_ial_puts_attributes_on_a_paragraph() {
        let b = body("Hello\n{: onclick=\"alert(1)\"}\n");
        assert_eq!(b.ial.len(), 1);
        let Token::Start { name, attrs, .. } = &b.ial[0] else {
            panic!()
        };
        assert_eq!(name, "p");
        assert_eq!(attrs[0].name, "onclick");
    }

    #[test]
    fn email_autolinks_and_references() {
        let b = body("<a@b.org> and [x][r]\n\n[r]: /there/\n");
        let urls: Vec<(&str, LinkSource)> =
            b.links.iter().map(|l| (l.url.as_str(), l.source)).collect();
        assert_eq!(
            urls,
            [
                ("mailto:a@b.org", LinkSource::Email),
                ("/there/", LinkSource::Reference)
            ]
        );
    }

    #[test]
    fn nomarkdown_is_live_html_and_comments_are_not() {
        let b = body("{::nomarkdown}<script>x</script>{:/}\n\n{::comment}<iframe></iframe>{:/}\n");
        assert_eq!(starts(&b), ["script"]);
    }
}
