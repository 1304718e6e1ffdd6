//! The body pass: the HTML to scan and every link with the exact bytes of its destination, as
//! Jekyll's Markdown converter reads the body — kramdown (GFM) by default
//! ([`super::kramdown_body`]), or CommonMark for a site with `markdown: CommonMark` (one walk of
//! pulldown-cmark's events, with byte offsets). Code blocks, code spans and Liquid
//! `{% highlight %}`/`{% raw %}` blocks are skipped; Liquid tags are left alone.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::markup::{self as html, Token, Tokens};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSource {
    /// `[text](url)`, `![alt](url)`.
    Inline,
    /// `[text][ref]` and the like: the span is the definition's destination.
    Reference,
    /// `<http://…>`.
    Autolink,
    /// `<a@b.c>`.
    Email,
    /// An HTML attribute (`<a href>`, `<img src>`, …).
    Html,
    /// The empty autolink `<>`.
    EmptyAutolink,
}

#[derive(Debug, Clone)]
pub struct Link {
    /// The destination, decoded (Markdown escapes, HTML entities).
    pub url: String,
    /// The bytes of the destination in the file (the whole construct when it cannot be found).
    pub span: Range<usize>,
    /// The whole link (`[text](url)`, `<a …>`).
    pub whole: Range<usize>,
    pub source: LinkSource,
    pub image: bool,
    /// Whether the link has no text (images excluded).
    pub empty_text: bool,
    /// For HTML: the element and attribute (`a`, `href`).
    pub element: Option<(String, String)>,
    /// For Markdown links and images: the bytes of the text between `[` and `]`.
    pub text_span: Option<Range<usize>>,
}

#[derive(Debug, Default)]
pub struct Body {
    pub html: Tokens,
    pub links: Vec<Link>,
    /// Attributes that kramdown's inline attribute lists (`{: onclick="…"}`) set on Markdown
    /// elements, as start tags of the element they end up on (not part of the HTML's balance).
    pub ial: Vec<Token>,
    /// Well-formed end tags kramdown read as text (it had no such element open): the page
    /// shows them.
    pub shown_as_text: Vec<Token>,
    /// Whether kramdown wrote the page: it re-serialises every tag it reads (only the last copy
    /// of a duplicate attribute, newlines in span HTML folded) and escapes every `&` that does
    /// not start a reference ending in `;` (so `&#106avascript:` reaches the browser as text).
    pub kramdown: bool,
}

/// Liquid `{% highlight %}` and `{% raw %}` blocks in `text[range]`.
pub(super) fn liquid_blocks(text: &str, range: &Range<usize>) -> Vec<Range<usize>> {
    let base = range.start;
    LIQUID_BLOCK
        .find_iter(&text[range.clone()])
        .map(|m| base + m.start()..base + m.end())
        .collect()
}

/// Analyse the body `text[range]` as Jekyll's default converter (kramdown, GFM input, Jekyll's
/// options) reads it.
pub fn analyse(text: &str, range: Range<usize>) -> Body {
    analyse_as(text, range, &super::kramdown_body::Markdown::default())
}

/// Analyse the body `text[range]` as the site's converter reads it (kept out of line: bench/body.sh
/// reads its inclusive cost).
#[inline(never)]
pub fn analyse_as(
    text: &str,
    range: Range<usize>,
    markdown: &super::kramdown_body::Markdown,
) -> Body {
    match markdown {
        super::kramdown_body::Markdown::Kramdown(options) => {
            super::kramdown_body::analyse(text, range, options)
        }
        super::kramdown_body::Markdown::CommonMark => analyse_commonmark(text, range),
    }
}

/// The body as Jekyll hands it to the Markdown converter: Liquid's output (`rendered`), read
/// as the site's converter reads it, with every span mapped back to the file (`base`: the
/// body's offset in it). Text Liquid copied keeps its exact bytes; what a tag printed points
/// at the tag. Links whose destination touches a value postlint cannot compute are left out,
/// as are the values of such attributes.
pub fn analyse_rendered(
    text: &str,
    rendered: &jekyll_liquid::Rendered,
    base: usize,
    markdown: &super::kramdown_body::Markdown,
) -> Body {
    let (out, segs) = with_placeholders(text, rendered, base);
    let out: &str = &out;
    let mut body = analyse_as(out, 0..out.len(), markdown);
    let map = SourceMap::new(&segs, base);
    let tokens = |tokens: &mut Vec<Token>| {
        for t in tokens.iter_mut() {
            match t {
                Token::Start { span, attrs, .. } => {
                    *span = map.map(span).0;
                    for a in attrs.iter_mut() {
                        a.name_span = map.map(&a.name_span).0;
                        if let Some(v) = a.value.clone() {
                            let (src, exact, unknown) = map.map(&v);
                            if unknown {
                                a.value = None;
                            } else {
                                // (kramdown's own reading of the value, when it
                                // differs from the bytes, is kept.)
                                if !exact && a.rendered.is_none() {
                                    a.rendered = Some(out.get(v).unwrap_or("").into());
                                }
                                a.value = Some(src);
                            }
                        }
                    }
                }
                Token::End { span, .. } => *span = map.map(span).0,
            }
        }
    };
    tokens(&mut body.html.tokens);
    tokens(&mut body.ial);
    tokens(&mut body.shown_as_text);
    for m in &mut body.html.malformed {
        m.span = map.map(&m.span).0;
        if let Some(f) = &mut m.first {
            *f = map.map(f).0;
        }
    }
    body.links.retain_mut(|l| {
        let (span, _, unknown) = map.map(&l.span);
        if unknown {
            return false;
        }
        l.span = span;
        l.whole = map.map(&l.whole).0;
        l.text_span = l.text_span.as_ref().map(|t| map.map(t).0);
        true
    });
    body
}

/// Liquid's output with a stand-in for each value postlint does not compute, so that the
/// converter reads the text around it as it reads Jekyll's (a line that starts with a date is a
/// paragraph, not the HTML block that follows): a highlighted block becomes the empty
/// `<figure>` Rouge's HTML is (its content is escaped: no tag or link in it), anything else
/// one letter. The stand-ins stay unknown segments of the map.
fn with_placeholders<'r>(
    text: &str,
    rendered: &'r jekyll_liquid::Rendered,
    base: usize,
) -> (Cow<'r, str>, Cow<'r, [jekyll_liquid::Segment]>) {
    use jekyll_liquid::SegmentKind;
    if !rendered.map.iter().any(|s| s.kind == SegmentKind::Unknown) {
        return (
            Cow::Borrowed(rendered.output.as_str()),
            Cow::Borrowed(rendered.map.as_slice()),
        );
    }
    let mut out = String::with_capacity(rendered.output.len() + 16);
    let mut segs = Vec::with_capacity(rendered.map.len());
    let mut copied = 0;
    for s in &rendered.map {
        let mut seg = s.clone();
        if s.kind == SegmentKind::Unknown && s.out.is_empty() {
            out.push_str(rendered.output.get(copied..s.out.start).unwrap_or(""));
            copied = s.out.start;
            let start = out.len();
            let tag = text
                .get(base + s.src.start..base + s.src.end)
                .unwrap_or("")
                .trim_start_matches(['{', '%', '-'])
                .trim_start();
            if tag.starts_with("highlight") {
                out.push_str("<figure class=\"highlight\"><pre><code></code></pre></figure>");
            } else {
                out.push('x');
            }
            seg.out = start..out.len();
        } else {
            out.push_str(rendered.output.get(copied..s.out.end).unwrap_or(""));
            copied = s.out.end;
            seg.out = out.len() - s.out.len()..out.len();
        }
        segs.push(seg);
    }
    out.push_str(rendered.output.get(copied..).unwrap_or(""));
    (Cow::Owned(out), Cow::Owned(segs))
}

/// Liquid's output → the file's bytes.
struct SourceMap<'m> {
    segs: &'m [jekyll_liquid::Segment],
    /// The unknown segments' output ranges (often empty), in order.
    unknown: Vec<Range<usize>>,
    base: usize,
}

impl<'m> SourceMap<'m> {
    fn new(segs: &'m [jekyll_liquid::Segment], base: usize) -> Self {
        let unknown = segs
            .iter()
            .filter(|s| s.kind == jekyll_liquid::SegmentKind::Unknown)
            .map(|s| s.out.clone())
            .collect();
        SourceMap {
            segs,
            unknown,
            base,
        }
    }

    /// The file's bytes for output bytes `r`; whether they are the same bytes (copied text);
    /// whether `r` touches a value that is not known.
    fn map(&self, r: &Range<usize>) -> (Range<usize>, bool, bool) {
        let literal = |s: &jekyll_liquid::Segment| s.kind == jekyll_liquid::SegmentKind::Literal;
        let i = self.segs.partition_point(|s| s.out.end <= r.start);
        let start = match self.segs.get(i) {
            Some(s) if s.out.start <= r.start && literal(s) => {
                s.src.start + (r.start - s.out.start)
            }
            Some(s) => s.src.start,
            None => self.segs.last().map_or(0, |s| s.src.end),
        };
        let (end, exact) = if r.end <= r.start {
            (start, self.segs.get(i).is_some_and(literal))
        } else {
            let j = self.segs.partition_point(|s| s.out.end < r.end);
            match self.segs.get(j) {
                Some(s) if literal(s) && s.out.start <= r.end => {
                    (s.src.start + (r.end - s.out.start), i == j)
                }
                Some(s) => (s.src.end, false),
                None => (self.segs.last().map_or(start, |s| s.src.end), false),
            }
        };
        let k = self.unknown.partition_point(|u| u.end < r.start);
        let unknown = self.unknown.get(k).is_some_and(|u| u.start <= r.end);
        let (start, end) = (start.min(end), start.max(end));
        (self.base + start..self.base + end, exact, unknown)
    }
}

/// Liquid's white space and word boundaries are ASCII (Ruby's `\s`, `\b`); ASCII classes
/// also compile in a fraction of the time of Unicode ones (a one-file run pays for it).
static LIQUID_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?s)\{%-?[[:space:]]*(highlight|raw)(?-u:\b).*?%\}.*?\{%-?[[:space:]]*end(highlight|raw)[[:space:]]*-?%\}",
    )
    .expect("constant regex")
});

/// Attributes that hold a URL, by element (`*` for any element).
const URL_ATTRS: &[(&str, &str)] = &[
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("script", "src"),
    ("object", "data"),
    ("form", "action"),
];

pub fn is_url_attr(element: &str, attr: &str) -> bool {
    URL_ATTRS.iter().any(|(e, a)| *e == element && *a == attr)
}

/// Analyse the body `text[range]` as CommonMark reads it (pulldown-cmark).
pub fn analyse_commonmark(text: &str, range: Range<usize>) -> Body {
    let base = range.start;
    let src = &text[range.clone()];
    let skipped = liquid_blocks(text, &range);
    let in_skipped =
        |r: &Range<usize>| skipped.iter().any(|s| s.start <= r.start && r.end <= s.end);

    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let parser = Parser::new_ext(src, options).into_offset_iter();
    let defs: Vec<(String, Range<usize>)> = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| {
            (
                label.to_lowercase(),
                base + def.span.start..base + def.span.end,
            )
        })
        .collect();

    let mut body = Body::default();
    let mut chunk: Option<Range<usize>> = None;
    let mut chunks: Vec<Range<usize>> = Vec::new();
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut open: Vec<OpenLink> = Vec::new();
    let mut in_code_block = false;
    let mut para: Option<Range<usize>> = None;
    let mut rejected: Vec<(usize, usize)> = Vec::new();
    // Contiguous text in a paragraph (pulldown-cmark splits text at `<`).
    let mut run: Option<Range<usize>> = None;
    // `[text](url with space)`: not a link to Markdown, but meant as one.
    let mut broken: Vec<Link> = Vec::new();

    for (event, r) in parser {
        let r = base + r.start..base + r.end;
        if matches!(event, Event::Text(_)) && para.is_some() {
            run = match run.take() {
                Some(t) if t.end == r.start => Some(t.start..r.end),
                Some(t) => {
                    let end = para.as_ref().map_or(t.end, |p| p.end);
                    rejected.extend(tag_attempts(text, &t, false).map(|lt| (lt, end)));
                    broken.extend(broken_link_spans(text, &t));
                    Some(r.clone())
                }
                None => Some(r.clone()),
            };
        } else if let Some(t) = run.take() {
            let end = para.as_ref().map_or(t.end, |p| p.end);
            rejected.extend(tag_attempts(text, &t, false).map(|lt| (lt, end)));
            broken.extend(broken_link_spans(text, &t));
        }
        if !matches!(event, Event::Html(_))
            && let Some(c) = chunk.take()
        {
            chunks.push(c);
        }
        // Children of open links: their extent and whether they carry text.
        let is_own_end = matches!(event, Event::End(TagEnd::Link | TagEnd::Image));
        if !is_own_end {
            let texty = match &event {
                Event::Text(t) | Event::Code(t) => !t.trim().is_empty(),
                Event::Start(Tag::Image { .. }) => true,
                Event::InlineHtml(h) => h.trim_start().to_ascii_lowercase().starts_with("<img"),
                _ => false,
            };
            for o in &mut open {
                o.last_child_end = o.last_child_end.max(r.end);
                o.has_text |= texty;
            }
        }
        match event {
            Event::Start(Tag::Paragraph) => para = Some(r),
            Event::End(TagEnd::Paragraph) => para = None,
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                code.push(r);
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Code(_) => code.push(r),
            Event::Html(_) if !in_code_block => {
                chunk = match chunk.take() {
                    Some(c) if c.end == r.start => Some(c.start..r.end),
                    Some(c) => {
                        chunks.push(c);
                        Some(r)
                    }
                    None => Some(r),
                };
            }
            Event::InlineHtml(_) => chunks.push(r),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            }) => open.push(OpenLink {
                whole: r.clone(),
                dest: dest_url.to_string(),
                id: id.to_string(),
                link_type,
                image: false,
                last_child_end: r.start + 1,
                has_text: false,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                id,
                ..
            }) => open.push(OpenLink {
                whole: r.clone(),
                dest: dest_url.to_string(),
                id: id.to_string(),
                link_type,
                image: true,
                last_child_end: r.start + 2,
                has_text: false,
            }),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(o) = open.pop()
                    && !in_skipped(&o.whole)
                {
                    body.links.push(o.finish(text, &defs));
                }
            }
            _ => {}
        }
    }
    if let Some(c) = chunk.take() {
        chunks.push(c);
    }

    for c in &chunks {
        html::tokenize(text, c.clone(), &mut body.html);
    }
    // Tags that Markdown did not accept as HTML (it shows them as text): report what is wrong.
    rejected.dedup();
    body.links.append(&mut broken);
    shown_as_text(text, rejected, false, &mut body);
    if !skipped.is_empty() {
        body.html.tokens.retain(|t| !in_skipped(t.span()));
        body.html.malformed.retain(|m| !in_skipped(&m.span));
    }
    html_links(text, &body.html.tokens, &mut body.links);
    empty_autolinks(text, &range, &code, &chunks, &skipped, &mut body.links);
    body.links.sort_by_key(|l| l.span.start);
    body
}

static BROKEN_LINK: LazyLock<Regex> = LazyLock::new(|| {
    // CommonMark's white space in a destination is ASCII.
    Regex::new(r"\]\(((?:https?:)?//[^()[:space:]]+[ \t][^()\n]*)\)").expect("constant regex")
});

/// `](http://a b)` in text: the destination of a link Markdown refused because of a space.
fn broken_links(text: &str, r: &Range<usize>) -> Vec<(usize, usize)> {
    let src = text.get(r.clone()).unwrap_or("");
    // most texts have no `](` at all: skip the regex search
    let b = src.as_bytes();
    if !memchr::memchr_iter(b']', b).any(|k| b.get(k + 1) == Some(&b'(')) {
        return Vec::new();
    }
    BROKEN_LINK
        .captures_iter(src)
        .filter_map(|c| c.get(1))
        .map(|m| (r.start + m.start(), r.start + m.end()))
        .collect()
}

/// The `](http://a b)` destinations in a text's source, as links (meant as links).
pub(super) fn broken_link_spans(text: &str, r: &Range<usize>) -> Vec<Link> {
    broken_links(text, r)
        .into_iter()
        .map(|(start, end)| Link {
            url: text[start..end].to_string(),
            span: start..end,
            whole: start..end,
            source: LinkSource::Inline,
            image: false,
            empty_text: false,
            element: None,
            text_span: None,
        })
        .collect()
}

/// Positions of `<name` and `</name` in a text's source, where `name` is an HTML element (or,
/// with `any_end_tag`, an end tag of any name: `</dvi>`).
pub(super) fn tag_attempts<'t>(
    text: &'t str,
    r: &Range<usize>,
    any_end_tag: bool,
) -> impl Iterator<Item = usize> + 't {
    let start = r.start;
    let src = text.get(r.clone()).unwrap_or("");
    memchr::memchr_iter(b'<', src.as_bytes()).filter_map(move |p| {
        let after = &src[p + 1..];
        if any_end_tag && let Some(end) = after.strip_prefix('/') {
            return end
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic())
                .then_some(start + p);
        }
        let rest = after.strip_prefix('/').unwrap_or(after);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        html::is_element(&name.to_ascii_lowercase()).then_some(start + p)
    })
}

/// Reads each tag attempt `(start, end)` that Markdown showed as text: a malformed one is
/// reported (HT006) with what is wrong; with `end_tags`, a well-formed end tag is kept as one
/// the page shows (HT003).
pub(super) fn shown_as_text(
    text: &str,
    attempts: Vec<(usize, usize)>,
    end_tags: bool,
    body: &mut Body,
) {
    for (lt, end) in attempts {
        let mut one = Tokens::default();
        html::tokenize_tag(text, lt, end, &mut one);
        if let Some(m) = one.malformed.into_iter().next() {
            body.html.malformed.push(html::Malformed {
                message: format!("{}; Markdown shows it as text", m.message),
                ..m
            });
        } else if end_tags && let Some(t @ Token::End { .. }) = one.tokens.into_iter().next() {
            body.shown_as_text.push(t);
        }
    }
}

struct OpenLink {
    whole: Range<usize>,
    dest: String,
    id: String,
    link_type: LinkType,
    image: bool,
    last_child_end: usize,
    has_text: bool,
}

impl OpenLink {
    fn finish(self, text: &str, defs: &[(String, Range<usize>)]) -> Link {
        let whole = self.whole.clone();
        let (source, span) = match self.link_type {
            LinkType::Autolink | LinkType::Email => (
                if self.link_type == LinkType::Email {
                    LinkSource::Email
                } else {
                    LinkSource::Autolink
                },
                whole.start + 1..whole.end.saturating_sub(1).max(whole.start + 1),
            ),
            LinkType::Inline => (
                LinkSource::Inline,
                inline_dest(text, self.last_child_end, &whole),
            ),
            _ => {
                let label = if self.id.is_empty() {
                    String::new()
                } else {
                    self.id.to_lowercase()
                };
                let def = defs
                    .iter()
                    .find(|(l, _)| *l == label)
                    .map(|(_, s)| s.clone());
                (
                    LinkSource::Reference,
                    def.map_or(whole.clone(), |d| definition_dest(text, &d)),
                )
            }
        };
        let text_span = matches!(source, LinkSource::Inline | LinkSource::Reference).then(|| {
            let start = (whole.start + if self.image { 2 } else { 1 }).min(whole.end);
            let from = self.last_child_end.max(start).min(whole.end);
            let end = text
                .get(from..whole.end)
                .and_then(|t| t.find(']'))
                .map_or(from, |p| from + p);
            start..end
        });
        // kramdown writes an e-mail autolink `<a@b.org>` as `mailto:a@b.org`.
        let url = if source == LinkSource::Email
            && !self
                .dest
                .get(..7)
                .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
        {
            format!("mailto:{}", self.dest)
        } else {
            self.dest
        };
        Link {
            url,
            span,
            whole,
            source,
            image: self.image,
            empty_text: !self.image && !self.has_text,
            element: None,
            text_span,
        }
    }
}

/// The destination inside `[text](dest "title")`, searching after the link text.
fn inline_dest(text: &str, after_text: usize, whole: &Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let Some(tail) = text.get(after_text.min(whole.end)..whole.end) else {
        return whole.clone();
    };
    let Some(p) = tail.find("](") else {
        return whole.clone();
    };
    let mut i = after_text + p + 2;
    let end = whole.end.saturating_sub(1); // the closing `)`
    while i < end && (b[i] == b' ' || b[i] == b'\t' || b[i] == b'\n' || b[i] == b'\r') {
        i += 1;
    }
    if i < end && b[i] == b'<' {
        let close = text[i..end].find('>').map_or(end, |q| i + q);
        return i + 1..close;
    }
    let mut j = i;
    let mut depth = 0i32;
    while j < end {
        match b[j] {
            b' ' | b'\t' | b'\n' | b'\r' => break,
            b'(' => depth += 1,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            _ => {}
        }
        j += 1;
    }
    i..j
}

/// The destination inside a reference definition `[label]: dest "title"`.
fn definition_dest(text: &str, def: &Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let Some(p) = text.get(def.clone()).and_then(|d| d.find("]:")) else {
        return def.clone();
    };
    let mut i = def.start + p + 2;
    while i < def.end && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    if i < def.end && b[i] == b'<' {
        let close = text[i..def.end].find('>').map_or(def.end, |q| i + q);
        return i + 1..close;
    }
    let mut j = i;
    while j < def.end && !matches!(b[j], b' ' | b'\t' | b'\n' | b'\r') {
        j += 1;
    }
    i..j
}

/// Links in the URL attributes an IAL sets (`{: href="…"}`).
pub(super) fn ial_links(text: &str, tokens: &[Token], links: &mut Vec<Link>) {
    for token in tokens {
        let Token::Start {
            name, span, attrs, ..
        } = token
        else {
            continue;
        };
        for attr in attrs {
            if !is_url_attr(name, &attr.name) || attr.name == "srcset" {
                continue;
            }
            if let Some(value) = attr.value.clone() {
                let raw = attr.value_in(text).unwrap_or("");
                links.push(html_link(
                    decode_entities_with(raw, attr.kramdown),
                    value,
                    span,
                    name,
                    &attr.name,
                    false,
                ));
            }
        }
    }
}

/// Links in HTML attributes, with `<a>` text emptiness from the text up to its `</a>`.
pub(super) fn html_links(text: &str, tokens: &[Token], links: &mut Vec<Link>) {
    for (i, token) in tokens.iter().enumerate() {
        let Token::Start {
            name, span, attrs, ..
        } = token
        else {
            continue;
        };
        for attr in attrs {
            if !is_url_attr(name, &attr.name) {
                continue;
            }
            let empty_text = name == "a" && a_is_empty(text, tokens, i);
            let Some(value) = attr.value.clone() else {
                // `<a href>`: the page carries `href=""` (kramdown writes it so; a browser
                // reads it so), an empty target.
                links.push(html_link(
                    String::new(),
                    attr.name_span.clone(),
                    span,
                    name,
                    &attr.name,
                    empty_text,
                ));
                continue;
            };
            let raw = &text[value.clone()];
            if attr.name != "srcset" {
                // What the page carries (kramdown's value, or Liquid's output).
                let written = attr.value_in(text).unwrap_or(raw);
                links.push(html_link(
                    decode_entities_with(written, attr.kramdown),
                    value,
                    span,
                    name,
                    &attr.name,
                    empty_text,
                ));
                continue;
            }
            {
                // `url 1x, url 2x`: each candidate's URL is a link.
                let mut offset = 0;
                for part in raw.split(',') {
                    let lead = part.len() - part.trim_start().len();
                    let url = part.split_whitespace().next().unwrap_or("");
                    if !url.is_empty() {
                        let s = value.start + offset + lead;
                        links.push(html_link(
                            decode_entities_with(url, attr.kramdown),
                            s..s + url.len(),
                            span,
                            name,
                            &attr.name,
                            false,
                        ));
                    }
                    offset += part.len() + 1;
                }
            }
        }
    }
}

fn html_link(
    url: String,
    span: Range<usize>,
    whole: &Range<usize>,
    element: &str,
    attr: &str,
    empty_text: bool,
) -> Link {
    Link {
        url,
        span,
        whole: whole.clone(),
        source: LinkSource::Html,
        image: element == "img",
        empty_text,
        element: Some((element.to_string(), attr.to_string())),
        text_span: None,
    }
}

/// Whether `<a>` (at token `i`) has neither text nor an image before its `</a>`.
fn a_is_empty(text: &str, tokens: &[Token], i: usize) -> bool {
    let Some(Token::Start { span: start, .. }) = tokens.get(i) else {
        return false;
    };
    let mut depth = 0usize;
    for t in &tokens[i + 1..] {
        match t {
            Token::Start { name, .. } if name == "img" => return false,
            Token::Start { name, .. } if name == "a" => depth += 1,
            Token::End { name, span } if name == "a" => {
                if depth == 0 {
                    let inner = &text[start.end..span.start];
                    return visible_text(inner).is_empty();
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    false
}

/// Text with tags, entities for spaces and white space removed.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", "")
        .replace("&#160;", "")
        .trim()
        .to_string()
}

/// `<>` outside code and HTML: an autolink with nothing in it.
pub(super) fn empty_autolinks(
    text: &str,
    range: &Range<usize>,
    code: &[Range<usize>],
    chunks: &[Range<usize>],
    skipped: &[Range<usize>],
    links: &mut Vec<Link>,
) {
    let src = &text[range.clone()];
    for p in memchr::memmem::find_iter(src.as_bytes(), b"<>") {
        let at = range.start + p;
        let inside = |rs: &[Range<usize>]| rs.iter().any(|r| r.start <= at && at < r.end);
        if inside(code) || inside(chunks) || inside(skipped) {
            continue;
        }
        links.push(Link {
            url: String::new(),
            span: at..at + 2,
            whole: at..at + 2,
            source: LinkSource::EmptyAutolink,
            image: false,
            empty_text: false,
            element: None,
            text_span: None,
        });
    }
}

/// Decode the HTML character references that matter in URLs (numeric ones, and the named ones
/// attackers use to hide `javascript:`), as a browser does in an attribute value.
pub fn decode_entities(s: &str) -> String {
    decode_entities_with(s, false)
}

/// [`decode_entities`]; with `strict`, only references that end in `;` (what kramdown leaves
/// unescaped in the page it writes: any other `&` it writes as `&amp;`).
pub fn decode_entities_with(s: &str, strict: bool) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    const NAMED: &[(&str, char)] = &[
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("colon", ':'),
        ("Tab", '\t'),
        ("NewLine", '\n'),
        ("sol", '/'),
        ("period", '.'),
        ("lpar", '('),
        ("rpar", ')'),
        ("nbsp", '\u{a0}'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let (decoded, used) = if let Some(num) = after.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .bytes()
                .take_while(|b| {
                    if hex {
                        b.is_ascii_hexdigit()
                    } else {
                        b.is_ascii_digit()
                    }
                })
                .count();
            let value = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok();
            // A browser reads `&#0;` (and any invalid code point) as U+FFFD.
            match value.map(|v| {
                char::from_u32(v)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{fffd}')
            }) {
                Some(c) if len > 0 && (!strict || digits[len..].starts_with(';')) => {
                    let mut used = 1 + usize::from(hex) + len;
                    if digits[len..].starts_with(';') {
                        used += 1;
                    }
                    (Some(c), used)
                }
                _ => (None, 0),
            }
        } else {
            NAMED
                .iter()
                .find(|(n, _)| after.starts_with(n) && after[n.len()..].starts_with(';'))
                .map_or((None, 0), |(n, c)| (Some(*c), n.len() + 1))
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(md: &str) -> Vec<(String, String, LinkSource, bool)> {
        analyse(md, 0..md.len())
            .links
            .into_iter()
            .map(|l| (l.url, md[l.span].to_string(), l.source, l.empty_text))
            .collect()
    }

    #[test]
    fn link_spans() {
        let md = "See [a](http://x.org/a \"t\") and <http://y.org> and [b][r] and ![i](/img.png).\n\n[r]: https://z.org/r\n";
        let got = links(md);
        let find = |u: &str| got.iter().find(|l| l.0 == u).unwrap().clone();
        assert_eq!(find("http://x.org/a").1, "http://x.org/a");
        assert_eq!(find("http://y.org").1, "http://y.org");
        assert_eq!(find("http://y.org").2, LinkSource::Autolink);
        assert_eq!(find("https://z.org/r").1, "https://z.org/r");
        assert_eq!(find("https://z.org/r").2, LinkSource::Reference);
        assert_eq!(find("/img.png").1, "/img.png");
        let md = "[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](../)";
        let got = links(md);
        assert_eq!(got[0].1, "//finews.withounder.com/emnews/");
        assert_eq!(got[1].1, "../");
        // kramdown makes no link of `[<x>](<d e>)`: `<x>` and `<d e>` are HTML to it.
        let md = "[![x](a.png)](b.html) [](c) [<x>](<d e>)";
        let got = links(md);
        assert_eq!(
            got.iter().map(|l| l.1.as_str()).collect::<Vec<_>>(),
            ["a.png", "b.html", "c"]
        );
        assert!(got[2].3, "[](c) has no text");
        assert!(!got[1].3, "a link around an image has content");
    }

    #[test]
    fn html_and_code() {
        let md = "<p><a href=\"http://a.org/?x=1&amp;y=2\">t</a><img src=\"i.png\"></p>\n\n`<a href=\"x\">` and\n\n```\n<div>\n```\n\n<>\n";
        let body = analyse(md, 0..md.len());
        let urls: Vec<&str> = body.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["http://a.org/?x=1&y=2", "i.png", ""]);
        assert_eq!(body.links[2].source, LinkSource::EmptyAutolink);
        let names: Vec<&str> = body
            .html
            .tokens
            .iter()
            .map(|t| match t {
                Token::Start { name, .. } | Token::End { name, .. } => name.as_str(),
            })
            .collect();
        assert_eq!(names, ["p", "a", "a", "img", "p"]);
    }

    #[test]
    fn liquid_blocks_are_skipped() {
        let md = "{% highlight html %}\n<div>\n{% endhighlight %}\n\n<span>x</span>\n";
        let body = analyse(md, 0..md.len());
        assert_eq!(body.html.tokens.len(), 2);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("&#106;ava&#x73;cript&colon;x"),
            "javascript:x"
        );
        assert_eq!(decode_entities("a&b&amp;c&#0"), "a&b&c\u{fffd}");
        // Strict (what kramdown leaves unescaped): only references ending in `;`.
        assert_eq!(decode_entities("&#106avascript:"), "javascript:");
        assert_eq!(
            decode_entities_with("&#106avascript:", true),
            "&#106avascript:"
        );
        assert_eq!(
            decode_entities_with("&#106;ava&Tab;script:", true),
            "java\tscript:"
        );
        assert_eq!(decode_entities("&#1114112;"), "\u{fffd}");
    }
}
