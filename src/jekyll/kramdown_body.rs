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

/// What [`analyse`] knows of a node from its ancestors.
#[derive(Clone, Copy)]
struct NodeState {
    /// The namespace the HTML tree builder gives it.
    ns: html::Ns,
    /// The HTML element it is in.
    element: Option<usize>,
    /// Below live HTML.
    under_html: bool,
    /// In the raw text of an element (up to where a browser ends it).
    in_raw_text: bool,
    /// Not written (in a list kramdown replaces).
    gone: bool,
    /// Replaced by the table of contents.
    replaced: bool,
    /// For a raw-text element: where a browser ends its raw text.
    raw_end: Option<usize>,
    /// The end of the nearest block or HTML element above the node (in the file).
    block_end: Option<usize>,
}

impl Default for NodeState {
    fn default() -> Self {
        NodeState {
            ns: html::Ns::Html,
            element: None,
            under_html: false,
            in_raw_text: false,
            gone: false,
            replaced: false,
            raw_end: None,
            block_end: None,
        }
    }
}

/// `name` in ASCII lower case (borrowed when it is already).
fn lower(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// [`html::child_ns`] of the HTML element `name` in `parent` (element name, namespace):
/// names are compared without case, and nothing is copied below HTML.
fn element_ns(parent: Option<(&str, html::Ns)>, name: &str) -> html::Ns {
    match parent {
        // (`child_ns`'s HTML rule)
        None | Some((_, html::Ns::Html)) => {
            if name.eq_ignore_ascii_case("svg") {
                html::Ns::Svg
            } else if name.eq_ignore_ascii_case("math") {
                html::Ns::MathMl
            } else {
                html::Ns::Html
            }
        }
        Some((p, ns)) => html::child_ns(Some((&lower(p), ns)), &lower(name)),
    }
}

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

    // (sized for the nodes: most are live HTML or text)
    let n = doc.nodes.len();
    let mut live: Vec<Range<usize>> = Vec::with_capacity(n / 2);
    let mut dead: Vec<Range<usize>> = Vec::with_capacity(n);
    let mut code: Vec<Range<usize>> = Vec::new();
    // Text nodes outside HTML, each with the end of the block it is in (for tags Markdown
    // shows as text).
    let mut texts: Vec<(Range<usize>, usize)> = Vec::with_capacity(n / 2);
    let mut ial: Vec<Token> = Vec::new();
    let mut body = Body::default();

    // The body, then each footnote a written reference points at (kramdown writes a footnote
    // only when a reference to it is written: one referenced only from its own or another
    // unwritten footnote is not).
    let mut roots: Vec<usize> = vec![doc.root];
    let mut queued: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut next_root = 0;
    // Per node (pre-order, so a parent is seen first): below live HTML, and below an element
    // whose content the tokenizer reads as raw text (`<script>`, `<noscript>`…: nothing in it
    // is cut out, or the tokenizer would read its end tags out of context).
    // Per node: the namespace the HTML tree builder gives it, and the element name it is in
    // (raw text and `<template>` are HTML's; in `<svg>`/`<math>` a `title` holds markup).
    // The first list with `{:toc}` (or `{:footnotes}`) is replaced by the table of contents
    // (the footnotes; the list's own attributes go on it): nothing in it reaches the page.
    // (One vector for all of these.)
    let mut st = vec![NodeState::default(); n];
    let (mut toc, mut footnotes) = (false, false);
    // A raw-text element (or `<template>`) kramdown writes self-closed (`<textarea />`): a
    // browser ignores the `/` on an HTML element that is not void, so what kramdown writes
    // after it is raw text (the template's inert content) up to the element's end tag — the
    // next element of that name kramdown writes, or `</name` in raw HTML or a comment. Its
    // name and where the raw text starts; then the end of the part skipped.
    let mut open_raw: Option<(String, usize)> = None;
    let mut skip_until = 0usize;
    while let Some(&root) = roots.get(next_root) {
        next_root += 1;
        for id in doc.descendants(root) {
            let node = doc.node(id);
            let span = at(&node.span);
            if span.start < skip_until {
                continue;
            }
            if let Some((name, from)) = &open_raw {
                let end = match node.kind {
                    Kind::HtmlElement if node.value.eq_ignore_ascii_case(name) => Some(span.end),
                    Kind::Raw | Kind::XmlComment => {
                        html::raw_text_end_tag(text, span.start, span.end, name).map(|p| {
                            let close = text.get(p..span.end).and_then(|t| t.find('>'));
                            close.map_or(p + name.len() + 2, |c| p + c + 1)
                        })
                    }
                    _ => None,
                };
                let from = *from;
                match end {
                    Some(e) => {
                        dead.push(from..e.max(from));
                        open_raw = None;
                        skip_until = e;
                        // (A raw piece holds more after the end tag: it is read from there.)
                        if matches!(node.kind, Kind::Raw | Kind::XmlComment) && e < span.end {
                            live.push(e..span.end);
                        }
                    }
                    None => skip_until = span.end.max(skip_until),
                }
                continue;
            }
            if matches!(node.kind, Kind::Ul | Kind::Ol) && id < n {
                let refs = node.ial_refs();
                if !toc && refs.iter().any(|r| r == "toc") {
                    toc = true;
                    // An empty table of contents is not written, nor its attributes.
                    if toc_has_entries(&doc) {
                        st[id].replaced = true;
                    } else {
                        st[id].gone = true;
                    }
                } else if !footnotes && refs.iter().any(|r| r == "footnotes") {
                    footnotes = true;
                    st[id].gone = true;
                }
            }
            if let Some(p) = node.parent.filter(|&p| p < n)
                && id < n
            {
                let ps = st[p];
                let parent = doc.node(p);
                let container = if parent.kind == Kind::HtmlElement {
                    Some(p)
                } else {
                    ps.element
                };
                let ns = match container {
                    Some(c) if node.kind == Kind::HtmlElement => element_ns(
                        Some((
                            &doc.node(c).value,
                            st.get(c).map_or(html::Ns::Html, |s| s.ns),
                        )),
                        &node.value,
                    ),
                    None if node.kind == Kind::HtmlElement => element_ns(None, &node.value),
                    _ => ps.ns,
                };
                let s = &mut st[id];
                s.element = container;
                s.ns = ns;
                s.block_end = if parent.is_block() || parent.kind == Kind::HtmlElement {
                    Some(at(&parent.span).end)
                } else {
                    ps.block_end
                };
                s.gone |= ps.gone || ps.replaced;
                s.under_html = ps.under_html
                    || matches!(
                        parent.kind,
                        Kind::HtmlElement | Kind::XmlComment | Kind::Raw
                    );
                // Raw text up to where a browser ends it (`raw_end`); what kramdown wrote after
                // that is live.
                s.in_raw_text = ps.in_raw_text || ps.raw_end.is_some_and(|end| span.start < end);
            }
            let s = st.get(id).copied().unwrap_or_default();
            if s.in_raw_text || s.gone {
                if s.gone {
                    dead.push(span);
                }
                continue;
            }
            // (kramdown writes an empty span-level element `<x></x>`, closed.)
            if node.kind == Kind::HtmlElement
                && s.ns == html::Ns::Html
                && node.category != Some(kramdown::Category::Span)
                && node.children.is_empty()
                && node.is_closed
                && node.content_model == Some(kramdown::ContentModel::Raw)
                && (node.value.eq_ignore_ascii_case("template")
                    || RAW_TEXT.iter().any(|r| node.value.eq_ignore_ascii_case(r)))
            {
                open_raw = Some((node.value.to_ascii_lowercase(), span.end));
            }
            // The content of a raw-text element: nothing in it is HTML up to where a browser
            // ends it in the page kramdown writes (its own end tag written in a code block
            // there is escaped text, not the end; an element of the same name kramdown nested
            // in it, or `</name` in raw HTML or a comment, is).
            let html_ns = s.ns == html::Ns::Html;
            // A `<template>`'s content is a fragment the page never shows or runs.
            let template = node.kind == Kind::HtmlElement
                && html_ns
                && node.value.eq_ignore_ascii_case("template");
            if node.kind == Kind::HtmlElement
                && html_ns
                && (template || RAW_TEXT.iter().any(|r| node.value.eq_ignore_ascii_case(r)))
                && let (Some(&first), Some(&last)) = (node.children.first(), node.children.last())
            {
                let from = at(&doc.node(first).span).start;
                let last_end = at(&doc.node(last).span).end;
                let end = if template {
                    last_end
                } else {
                    raw_text_end(text, &doc, id, &at).unwrap_or(last_end)
                };
                if let Some(slot) = st.get_mut(id) {
                    slot.raw_end = Some(end);
                }
                if from < end {
                    dead.push(from..end);
                }
            }
            if node.kind == Kind::Footnote
                && let Some(def) = node.footnote
                && queued.insert(def)
            {
                roots.push(def);
            }
            match node.kind {
                Kind::HtmlElement | Kind::XmlComment | Kind::XmlPi | Kind::Raw if !s.under_html => {
                    live.push(span.clone());
                }
                Kind::Codeblock | Kind::Codespan | Kind::Math => {
                    code.push(span.clone());
                    dead.push(span.clone());
                }
                // An image's alt text is an attribute: nothing in its brackets is HTML.
                Kind::Comment | Kind::Img => dead.push(span.clone()),
                // kramdown escapes every text (`convert_text`), also inside HTML it parsed: a
                // tag it read as text (`</ul>` after an unclosed `<li>`) is shown as text.
                Kind::Text => {
                    dead.push(span.clone());
                    texts.push((span.clone(), s.block_end.unwrap_or(span.end)));
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
                    .filter(|a| set_by_ial(a))
                    .filter_map(|a| attr_of(a, &at))
                    .collect()
            };
            // (A transparent paragraph, a list item's only one, is written without its `<p>`
            // and so without the attributes set on it.)
            let unwritten = node.kind == Kind::P && node.transparent;
            if !set.is_empty()
                && !unwritten
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
    if let Some((_, from)) = open_raw {
        dead.push(from..range.end.max(from));
    }
    live.sort_by_key(|r| r.start);
    dead.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let chunks = subtract(&live, &dead);
    for c in &chunks {
        html::tokenize(text, c.clone(), &mut body.html);
    }
    add_kramdown_attrs(text, &doc, &at, &mut body.html.tokens);
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
    body.kramdown = true;
    body
}

/// Whether kramdown's table of contents has an entry: a header of `toc_levels` with an id
/// (its own, or one `auto_ids` gives it) and no `no_toc` class.
fn toc_has_entries(doc: &kramdown::Document) -> bool {
    let o = &doc.options;
    doc.nodes.iter().any(|n| {
        n.kind == Kind::Header
            && o.toc_levels.contains(&n.level)
            && (o.auto_ids || n.attrs.iter().any(|a| a.name == "id"))
            && !n.attrs.iter().filter(|a| a.name == "class").any(|a| {
                a.value
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|w| w == "no_toc")
            })
    })
}

/// Where a browser ends the raw text of the element `id` in kramdown's page: the end of the
/// first element of the same name kramdown nested in it (its end tag is written), or of the
/// first `</name` in raw HTML or a comment it writes verbatim. Text is escaped and cannot end
/// it. Reads the element's descendants up to that point only.
fn raw_text_end(
    text: &str,
    doc: &kramdown::Document,
    id: usize,
    at: &impl Fn(&Range<usize>) -> Range<usize>,
) -> Option<usize> {
    let name = doc.node(id).value.to_ascii_lowercase();
    for d in doc.descendants(id).skip(1) {
        let node = doc.node(d);
        let span = at(&node.span);
        match node.kind {
            Kind::HtmlElement if node.value.eq_ignore_ascii_case(&name) => return Some(span.end),
            Kind::Raw | Kind::XmlComment => {
                if let Some(p) = html::raw_text_end_tag(text, span.start, span.end, &name) {
                    let close = text.get(p..span.end).and_then(|t| t.find('>'));
                    return Some(close.map_or(p + name.len() + 2, |c| p + c + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// A kramdown attribute as the tag scanner gives one (lower-cased name, spans in the file);
/// `None` when it is not written in the source.
fn attr_of(a: &kramdown::Attr, at: &impl Fn(&Range<usize>) -> Range<usize>) -> Option<Attr> {
    Some(Attr {
        name: a.name.to_ascii_lowercase(),
        name_span: a.name_span.as_ref().map(at)?,
        value: a.value_span.as_ref().map(at),
        rendered: None,
        kramdown: true,
    })
}

/// The attributes kramdown read on an HTML element that the tag scanner did not: kramdown
/// reads the tag from its own view of the line (a tag spread over the lines of a block quote
/// or a list item, without their markers; `\v` as white space), and it writes every attribute
/// it read. Each is added to the element's start tag (the first tag of that name in the
/// element's bytes; the tokens are in source order).
fn add_kramdown_attrs(
    text: &str,
    doc: &kramdown::Document,
    at: &impl Fn(&Range<usize>) -> Range<usize>,
    tokens: &mut [Token],
) {
    for node in &doc.nodes {
        if node.kind != Kind::HtmlElement
            || !node
                .attrs
                .iter()
                .any(|a| a.origin == AttrOrigin::Html && a.name_span.is_some())
        {
            continue;
        }
        let span = at(&node.span);
        let k = tokens.partition_point(|t| t.span().start < span.start);
        let Some(Token::Start {
            name,
            span: tag,
            attrs,
            ..
        }) = tokens.get_mut(k)
        else {
            continue;
        };
        if tag.start >= span.end || !name.eq_ignore_ascii_case(&node.value) {
            continue;
        }
        // kramdown writes one copy of a duplicate attribute (the last one's value) and its own
        // reading of each value (newlines folded in span HTML): the page has that, not the
        // bytes of the tag.
        // (A few attributes are compared pairwise; more go through a set and a map: linear
        // however many attributes a tag has.)
        const FEW: usize = 8;
        if attrs.len() <= FEW {
            let mut i = 0;
            while i < attrs.len() {
                if attrs[i + 1..].iter().any(|b| b.name == attrs[i].name) {
                    attrs.remove(i);
                } else {
                    i += 1;
                }
            }
        } else {
            let mut seen = std::collections::HashSet::new();
            let mut keep = vec![true; attrs.len()];
            for (i, a) in attrs.iter().enumerate().rev() {
                if !seen.insert(a.name.clone()) {
                    keep[i] = false;
                }
            }
            let mut k = keep.iter();
            attrs.retain(|_| k.next().copied().unwrap_or(true));
        }
        let written_attrs = || node.attrs.iter().filter(|a| a.origin == AttrOrigin::Html);
        let values: Option<std::collections::HashMap<String, &str>> = (node.attrs.len() > FEW)
            .then(|| {
                written_attrs()
                    .map(|a| (a.name.to_ascii_lowercase(), a.value.as_ref()))
                    .collect()
            });
        for attr in attrs.iter_mut() {
            attr.kramdown = true;
            // (the last of the names equal in lower case, as the map keeps)
            let written = match &values {
                Some(values) => values.get(&attr.name).copied(),
                None if attr.name.bytes().any(|b| b.is_ascii_uppercase()) => None,
                None => written_attrs()
                    .rev()
                    .find(|a| a.name.eq_ignore_ascii_case(&attr.name))
                    .map(|a| a.value.as_ref()),
            };
            let Some(written) = written else {
                continue;
            };
            let source = attr.value.clone().and_then(|v| text.get(v));
            if attr.value.is_some() && source != Some(written) {
                attr.rendered = Some(written.into());
            }
        }
        // The attributes the scanner read, by where their names start (sorted: the scanner
        // reads them left to right, so this is one pass for a well-formed tag).
        let mut scanned: Vec<usize> = attrs.iter().map(|t| t.name_span.start).collect();
        if !scanned.is_sorted() {
            scanned.sort_unstable();
        }
        for a in written_attrs() {
            if let Some(attr) = attr_of(a, at)
                && scanned.binary_search(&attr.name_span.start).is_err()
            {
                attrs.push(attr);
            }
        }
    }
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

/// What the HT and LK rules read of the body (`postlint inspect`'s `seen`): the start tags of
/// live HTML and the attributes IALs set, with their values decoded as the page carries them,
/// the links with their decoded targets, and the end tags the page shows as text.
pub fn seen_json(text: &str, body: &Body) -> serde_json::Value {
    use serde_json::json;
    let element = |token: &Token, from: &str| -> Option<serde_json::Value> {
        let Token::Start {
            name, attrs, span, ..
        } = token
        else {
            return None;
        };
        let attrs: Vec<serde_json::Value> = attrs
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let value = a.value_in(text).map(super::body::decode_entities);
                // A copy kramdown drops (it writes the last of the same name).
                let shadowed = attrs.iter().skip(i + 1).any(|b| b.name == a.name);
                json!({"name": a.name, "value": value, "shadowed": shadowed})
            })
            .collect();
        Some(json!({"name": name, "from": from, "attrs": attrs, "span": [span.start, span.end]}))
    };
    let elements: Vec<serde_json::Value> = body
        .html
        .tokens
        .iter()
        .filter_map(|t| element(t, "html"))
        .chain(body.ial.iter().filter_map(|t| element(t, "ial")))
        .collect();
    let links: Vec<serde_json::Value> = body
        .links
        .iter()
        .map(|l| {
            json!({
                "url": l.url,
                "source": format!("{:?}", l.source).to_ascii_lowercase(),
                "element": l.element.as_ref().map(|(e, a)| format!("{e} {a}")),
                "image": l.image,
                // `[text](url with space)` kramdown shows as text: a link the writer meant,
                // not one on the page.
                "as_text": l.source == LinkSource::Inline && l.text_span.is_none(),
                "span": [l.span.start, l.span.end],
            })
        })
        .collect();
    let shown: Vec<serde_json::Value> = body
        .shown_as_text
        .iter()
        .map(|t| {
            let s = t.span();
            json!({"text": text.get(s.clone()), "span": [s.start, s.end]})
        })
        .collect();
    json!({"elements": elements, "links": links, "end_tags_shown_as_text": shown})
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
        // (`max`/`min`, not `clamp`: a node's span can be shorter than its brackets.)
        let start = (whole.start + if image { 2 } else { 1 }).min(whole.end);
        let from = last_child_end.max(start).min(whole.end);
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
    fn raw_text_and_template_follow_the_tree_builder() {
        // In SVG, `title` holds markup; in HTML it is text.
        let b = body("<svg><title><img src=\"x\" onerror=\"a\"></title></svg>\n");
        assert_eq!(starts(&b), ["svg", "title", "img"]);
        let b = body("<div><title><img src=\"x\" onerror=\"a\"></title></div>\n");
        assert_eq!(starts(&b), ["div", "title"]);
        // Back in HTML at an integration point.
        let b = body("<svg><foreignObject><xmp><img src=\"x\"></xmp></foreignObject></svg>\n");
        assert_eq!(starts(&b), ["svg", "foreignobject", "xmp"]);
        // A template's content is inert; what follows it is not.
        let b = body("<template><img src=\"x\" onerror=\"a\"></template><img src=\"y\">\n");
        assert_eq!(starts(&b), ["template", "img"]);
    }

    #[test]
    fn kramdown_writes_the_last_copy_of_a_duplicate_attribute() {
        let b = body("<a href=\"javascript:x\" href=\"/ok\">x</a>\n");
        let Some(Token::Start { attrs, .. }) = b.html.tokens.first() else {
            panic!()
        };
        assert_eq!(attrs.len(), 1);
        assert_eq!(
            &"<a href=\"javascript:x\" href=\"/ok\">x</a>\n"[attrs[0].value.clone().unwrap()],
            "/ok"
        );
        assert!(attrs[0].kramdown);
        // Its reading of the value: a newline in span HTML is a space.
        let md = "Text <a href=\"java\nscript:x\">x</a>\n";
        let b = body(md);
        let Some(Token::Start { attrs, .. }) = b.html.tokens.first() else {
            panic!()
        };
        assert_eq!(attrs[0].value_in(md), Some("java script:x"));
        assert_eq!(b.links[0].url, "java script:x");
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
