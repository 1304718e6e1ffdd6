//! A small HTML tokenizer and tag-balance checker with exact byte spans.
//!
//! Modelled on rustdoc's `invalid_html_tags` lint: a linear scan of the HTML fragments of a
//! Markdown body (in document order), a stack of open elements, and recovery rules that give one
//! finding at the cause instead of a cascade. No recursion anywhere, so 100,000 nested tags or a
//! 50 MB body cost only a stack `Vec` and linear time.
//!
//! The tokenizer follows the HTML tokenizer where it matters for balance: tag names start with an
//! ASCII letter and are case-insensitive; quoted attribute values may hold `>` and `<`; comments,
//! `<!DOCTYPE>`, CDATA and processing instructions are skipped; the content of raw-text elements
//! (`script`, `style`, `textarea`, `title`, …) is not scanned for tags; Liquid tags (`{% … %}`,
//! `{{ … }}`) outside tags are skipped.

use std::ops::Range;

/// Elements that never have content or an end tag.
pub const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose end tag HTML lets authors omit (but not `p`: scraped `<p>` left open is the
/// defect this linter exists to catch, and the finews sample never relies on it).
const OPTIONAL_END: &[&str] = &[
    "li", "dt", "dd", "rt", "rp", "optgroup", "option", "colgroup", "caption", "thead", "tbody",
    "tfoot", "tr", "td", "th", "html", "head", "body",
];

/// Raw-text and escapable raw-text elements: no tags inside until their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Block-level elements (a browser closes an open `<p>` before them).
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Phrasing (inline) elements that must not contain blocks.
const INLINE: &[&str] = &[
    "abbr", "b", "big", "cite", "code", "em", "font", "i", "kbd", "label", "mark", "q", "s",
    "samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "var",
];

/// Names of HTML elements (for telling a broken tag from a `<` in prose).
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "li",
    "link",
    "main",
    "mark",
    "meta",
    "nav",
    "object",
    "ol",
    "option",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

pub fn is_element(name: &str) -> bool {
    ELEMENTS.contains(&name)
}

pub fn is_void(name: &str) -> bool {
    VOID.contains(&name)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Lowercased name.
    pub name: String,
    pub name_span: Range<usize>,
    /// The raw value (without quotes), if any.
    pub value: Option<Range<usize>>,
    /// The raw value when it is not the file's bytes at `value`: Liquid printed it (`value` is
    /// then the Liquid that did). Read values with [`Attr::value_in`].
    pub rendered: Option<Box<str>>,
    /// Whether kramdown writes the value (it re-serialises the tag): every `&` that does not
    /// start a reference ending in `;` is then written `&amp;`. A tag it passes through
    /// verbatim (`{::nomarkdown}`, CommonMark) reaches the browser as written.
    pub kramdown: bool,
}

impl Attr {
    /// The raw value (without quotes) in the file `text`, or as Liquid rendered it.
    pub fn value_in<'t>(&'t self, text: &'t str) -> Option<&'t str> {
        match &self.rendered {
            Some(v) => Some(v),
            None => text.get(self.value.clone()?),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Start {
        /// Lowercased name.
        name: String,
        /// The whole tag, `<` to `>`.
        span: Range<usize>,
        attrs: Vec<Attr>,
        self_closing: bool,
    },
    End {
        name: String,
        span: Range<usize>,
    },
}

impl Token {
    pub fn span(&self) -> &Range<usize> {
        match self {
            Token::Start { span, .. } | Token::End { span, .. } => span,
        }
    }
}

/// A tag the tokenizer could not read cleanly (HT006).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub span: Range<usize>,
    pub message: String,
    pub label: String,
    /// Where the same attribute was first given, for duplicates.
    pub first: Option<Range<usize>>,
}

#[derive(Debug, Default)]
pub struct Tokens {
    pub tokens: Vec<Token>,
    pub malformed: Vec<Malformed>,
    /// Where the tokenizer is in foreign content, carried from one fragment to the next (the
    /// fragments of one body are one document: text between them does not close `<svg>`).
    foreign: Foreign,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Where the raw text of a `name` element (`script`, `noscript`…) in `text[from..end]` ends:
/// the `<` of the first `</name` followed by white space, `/` or `>`, ASCII case-insensitively.
pub(super) fn raw_text_end_tag(text: &str, from: usize, end: usize, name: &str) -> Option<usize> {
    let b = text.as_bytes();
    let needle = format!("</{name}");
    let end = end.min(b.len());
    let mut from = from;
    while let Some(p) = find_ci(b, from, end, needle.as_bytes()) {
        let after = b.get(p + needle.len()).copied();
        if after.is_none_or(|c| is_ws(c) || c == b'/' || c == b'>') {
            return Some(p);
        }
        from = p + 1;
    }
    None
}

/// Position of `needle` in `hay[from..end]`, ASCII case-insensitively.
fn find_ci(hay: &[u8], from: usize, end: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || end < needle.len() {
        return None;
    }
    let first = needle[0].to_ascii_lowercase();
    let mut i = from;
    while i + needle.len() <= end {
        if hay[i].to_ascii_lowercase() == first
            && hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn find(hay: &[u8], from: usize, end: usize, needle: &[u8]) -> Option<usize> {
    if from >= end {
        return None;
    }
    hay[from..end]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// A namespace of the HTML tree builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    Html,
    Svg,
    MathMl,
}

/// Start tags that end foreign content (the tree builder pops `<svg>`/`<math>` before them).
const BREAKOUT: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];

/// The namespace of a `name` element whose parent is `parent` (name and namespace), as the
/// HTML tree builder decides it: `svg`/`math` start foreign content, SVG's `foreignObject`,
/// `desc` and `title` and MathML's `mi`, `mo`, `mn`, `ms`, `mtext` hold HTML, and a breakout
/// tag (`<p>`, `<img>`, `<div>`…) in foreign content leaves it.
pub fn child_ns(parent: Option<(&str, Ns)>, name: &str) -> Ns {
    let html_rule = || match name {
        "svg" => Ns::Svg,
        "math" => Ns::MathMl,
        _ => Ns::Html,
    };
    match parent {
        None | Some((_, Ns::Html)) => html_rule(),
        Some(("foreignobject" | "desc" | "title", Ns::Svg)) => html_rule(),
        Some(("mi" | "mo" | "mn" | "ms" | "mtext", Ns::MathMl))
            if !matches!(name, "mglyph" | "malignmark") =>
        {
            html_rule()
        }
        Some(("annotation-xml", Ns::MathMl)) if name == "svg" => Ns::Svg,
        Some(_) if BREAKOUT.contains(&name) => Ns::Html,
        Some((_, ns)) => ns,
    }
}

/// The open elements from the first `<svg>` or `<math>` on, with their namespaces: where the
/// tokenizer is in foreign content.
#[derive(Debug, Default)]
struct Foreign {
    open: Vec<(String, Ns)>,
}

impl Foreign {
    fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// A start tag: whether it is an HTML element (its raw text is raw text).
    fn start(&mut self, name: &str, self_closing: bool) -> bool {
        let parent = self.open.last().map(|(n, ns)| (n.as_str(), *ns));
        let ns = child_ns(parent, name);
        let integration = matches!(
            parent,
            Some(("foreignobject" | "desc" | "title", Ns::Svg))
                | Some(("mi" | "mo" | "mn" | "ms" | "mtext", Ns::MathMl))
        );
        if ns == Ns::Html && !integration && parent.is_some_and(|(_, p)| p != Ns::Html) {
            // A breakout tag: foreign content ends here.
            self.open.clear();
        }
        let voidish = (self_closing && ns != Ns::Html) || (ns == Ns::Html && is_void(name));
        if (ns != Ns::Html || !self.open.is_empty()) && !voidish {
            self.open.push((name.to_string(), ns));
        }
        ns == Ns::Html
    }

    fn end(&mut self, name: &str) {
        // (Looked for among the innermost few only: linear however deep the nesting.)
        let from = self.open.len().saturating_sub(32);
        if let Some(p) = self.open[from..].iter().rposition(|(n, _)| n == name) {
            self.open.truncate(from + p);
        }
    }
}

/// Tokenize one HTML fragment `text[chunk]`, appending to `out`.
pub fn tokenize(text: &str, chunk: Range<usize>, out: &mut Tokens) {
    let b = text.as_bytes();
    let end = chunk.end.min(b.len());
    let mut i = chunk.start;
    let mut foreign = std::mem::take(&mut out.foreign);
    while i < end {
        let Some(lt) = b[i..end]
            .iter()
            .position(|&c| c == b'<' || c == b'{')
            .map(|p| i + p)
        else {
            break;
        };
        i = lt;
        if b[i] == b'{' {
            // Liquid: `{% … %}` and `{{ … }}` are left alone.
            let close: &[u8] = match b.get(i + 1) {
                Some(b'%') => b"%}",
                Some(b'{') => b"}}",
                _ => {
                    i += 1;
                    continue;
                }
            };
            i = find(b, i + 2, end, close).map_or(end, |p| p + 2);
            continue;
        }
        let rest = &b[i..end];
        if rest.starts_with(b"<!--") {
            // `<!-->` and `<!--->` are (abruptly closed) empty comments.
            let body = i + 4;
            if b.get(body) == Some(&b'>') {
                i = body + 1;
            } else if b.get(body..body + 2) == Some(b"->") {
                i = body + 2;
            } else {
                // `-->` closes a comment, and so does `--!>` (a parse error, but it does).
                let mut close = None;
                let mut from = body;
                while let Some(p) = find(b, from, end, b"--") {
                    match b.get(p + 2) {
                        Some(b'>') => close = Some(p + 3),
                        Some(b'!') if b.get(p + 3) == Some(&b'>') => close = Some(p + 4),
                        _ => {
                            from = p + 1;
                            continue;
                        }
                    }
                    break;
                }
                match close {
                    Some(p) => i = p,
                    None => {
                        out.malformed.push(Malformed {
                            span: i..i + 4,
                            message: "comment is never closed".into(),
                            label: "`<!--` without `-->`".into(),
                            first: None,
                        });
                        i = end;
                    }
                }
            }
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            // DOCTYPE, processing instructions and bogus comments — `<![CDATA[` included: in
            // HTML content it is a bogus comment that ends at the first `>`, as browsers read it.
            i = find(b, i + 2, end, b">").map_or(end, |p| p + 1);
            continue;
        }
        if rest.starts_with(b"</") {
            match rest.get(2) {
                Some(c) if c.is_ascii_alphabetic() => {
                    let before = out.tokens.len();
                    i = end_tag(text, i, end, out);
                    if let Some(Token::End { name, .. }) =
                        out.tokens.get(before..).and_then(|t| t.last())
                    {
                        foreign.end(name);
                    }
                }
                Some(b'>') => i += 3,
                // `</ x>`, `</1>`: a bogus comment up to the next `>`.
                Some(_) => i = find(b, i + 2, end, b">").map_or(end, |p| p + 1),
                None => i += 2,
            }
            continue;
        }
        if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            let before = out.tokens.len();
            let (next, raw) = start_tag(text, i, end, out);
            i = next;
            let html = match out.tokens.get(before..).and_then(|t| t.last()) {
                Some(Token::Start {
                    name, self_closing, ..
                }) => foreign.start(name, *self_closing),
                _ => foreign.is_empty(),
            };
            // Inside `<svg>`/`<math>` (outside their HTML integration points) `title`,
            // `style`, `xmp`, `noscript`… are foreign elements: their content is markup.
            if let Some(name) = raw.filter(|_| html) {
                i = raw_text_end_tag(text, i, end, &name).unwrap_or(end);
            }
            continue;
        }
        i += 1;
    }
    out.foreign = foreign;
}

/// Tokenize the single tag at `lt` (start or end tag), reading at most up to `end`.
pub fn tokenize_tag(text: &str, lt: usize, end: usize, out: &mut Tokens) {
    let b = text.as_bytes();
    let end = end.min(b.len());
    if b.get(lt + 1) == Some(&b'/') {
        end_tag(text, lt, end, out);
    } else if b.get(lt + 1).is_some_and(u8::is_ascii_alphabetic) {
        start_tag(text, lt, end, out);
    }
}

/// Read a tag name starting at `i` (an ASCII letter); returns its end.
fn name_end(b: &[u8], i: usize, end: usize) -> usize {
    let mut j = i;
    while j < end && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    j
}

fn end_tag(text: &str, lt: usize, end: usize, out: &mut Tokens) -> usize {
    tag(text, lt, end, out, true).0
}

fn start_tag(text: &str, lt: usize, end: usize, out: &mut Tokens) -> (usize, Option<String>) {
    tag(text, lt, end, out, false)
}

/// Read a start tag (or, with `is_end`, an end tag: the same grammar, HTML reads attributes
/// there too and then drops them). Returns where scanning continues, and the element name if
/// it starts raw text.
fn tag(
    text: &str,
    lt: usize,
    end: usize,
    out: &mut Tokens,
    is_end: bool,
) -> (usize, Option<String>) {
    let b = text.as_bytes();
    let name_start = if is_end { lt + 2 } else { lt + 1 };
    let ne = name_end(b, name_start, end);
    let name = text[name_start..ne].to_ascii_lowercase();
    let mut attrs: Vec<Attr> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut problems: Vec<Malformed> = Vec::new();
    let mut j = ne;
    let mut self_closing = false;
    loop {
        while j < end && is_ws(b[j]) {
            j += 1;
        }
        if j >= end {
            out.malformed.push(Malformed {
                span: lt..ne,
                message: format!(
                    "tag `{}{name}` is never closed with `>`",
                    if is_end { "</" } else { "<" }
                ),
                label: "unterminated tag".into(),
                first: None,
            });
            return (end, None);
        }
        match b[j] {
            b'>' => {
                j += 1;
                break;
            }
            b'/' => {
                if b.get(j + 1) == Some(&b'>') {
                    self_closing = true;
                    j += 2;
                    break;
                }
                j += 1;
                continue;
            }
            _ => {}
        }
        // Attribute name: up to white space, `/`, `>` or `=` (a leading `=` belongs to it).
        let an_start = j;
        j += 1;
        while j < end && !is_ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        let an = an_start..j;
        let raw_name = &text[an.clone()];
        if raw_name.contains(['"', '\'', '<']) {
            problems.push(Malformed {
                span: an.clone(),
                message: format!("broken attribute name `{raw_name}` in `<{name}>`"),
                label: "quote or `<` in an attribute name".into(),
                first: None,
            });
        }
        let mut k = j;
        while k < end && is_ws(b[k]) {
            k += 1;
        }
        let mut value = None;
        if k < end && b[k] == b'=' {
            k += 1;
            while k < end && is_ws(b[k]) {
                k += 1;
            }
            if k < end && (b[k] == b'"' || b[k] == b'\'') {
                let q = b[k];
                match b[k + 1..end].iter().position(|&c| c == q) {
                    Some(p) => {
                        value = Some(k + 1..k + 1 + p);
                        k = k + 2 + p;
                        if k < end && !is_ws(b[k]) && b[k] != b'>' && b[k] != b'/' {
                            problems.push(Malformed {
                                // The character after the quote, whole (it may be multi-byte).
                                span: k..k + text[k..].chars().next().map_or(1, char::len_utf8),
                                message: format!("missing space between attributes in `<{name}>`"),
                                label: "expected a space before this attribute".into(),
                                first: None,
                            });
                        }
                    }
                    None => {
                        out.malformed.push(Malformed {
                            span: k..k + 1,
                            message: format!("attribute value in `<{name}>` is never closed"),
                            label: "unterminated quote".into(),
                            first: None,
                        });
                        return (end, None);
                    }
                }
            } else {
                let vs = k;
                while k < end && !is_ws(b[k]) && b[k] != b'>' {
                    k += 1;
                }
                let v = &text[vs..k];
                if v.contains(['"', '\'', '<', '=', '`']) {
                    problems.push(Malformed {
                        span: vs..k,
                        message: format!("broken unquoted attribute value `{v}` in `<{name}>`"),
                        label: "quote this value".into(),
                        first: None,
                    });
                }
                value = Some(vs..k);
            }
            j = k;
        }
        let lname = raw_name.to_ascii_lowercase();
        // Duplicates: a scan for the few attributes of a real tag, an index past that (a tag
        // with 100,000 attributes must not take 10^10 comparisons).
        let first = if attrs.len() < 16 {
            attrs.iter().position(|a| a.name == lname)
        } else {
            if index.is_empty() {
                for (i, a) in attrs.iter().enumerate() {
                    index.entry(a.name.clone()).or_insert(i);
                }
            }
            index.get(&lname).copied()
        };
        // Every copy is kept: kramdown writes the last one and a browser reads the first, so
        // the rules judge each (a safe first `href` must not hide a `javascript:` second).
        if let Some(first) = first.and_then(|i| attrs.get(i)) {
            problems.push(Malformed {
                span: an.clone(),
                message: format!("duplicate attribute `{lname}` in `<{name}>`"),
                label: "kramdown writes this copy".into(),
                first: Some(first.name_span.clone()),
            });
        } else if !index.is_empty() {
            index.insert(lname.clone(), attrs.len());
        }
        attrs.push(Attr {
            name: lname,
            name_span: an,
            value,
            rendered: None,
            kramdown: false,
        });
    }
    if is_end {
        if !attrs.is_empty() || !problems.is_empty() {
            out.malformed.push(Malformed {
                span: lt..j,
                message: format!("end tag `</{name}>` has attributes"),
                label: "end tags take no attributes".into(),
                first: None,
            });
        }
        out.tokens.push(Token::End { name, span: lt..j });
        return (j, None);
    }
    out.malformed.extend(problems);
    // (A browser ignores `/>` on an HTML element that is not void: `<script />` still starts
    // raw text; in `<svg>`/`<math>` the caller does not read it as raw.)
    let raw = RAW_TEXT.contains(&name.as_str()).then(|| name.clone());
    out.tokens.push(Token::Start {
        name,
        span: lt..j,
        attrs,
        self_closing,
    });
    (j, raw)
}

/// A balance finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Balance {
    /// HT001: opened at `span`, never closed.
    Unclosed { name: String, span: Range<usize> },
    /// HT002: `</name>` at `span` while `open` (at `open_span`) is the open element.
    Mismatched {
        name: String,
        span: Range<usize>,
        open: String,
        open_span: Range<usize>,
    },
    /// HT003: `</name>` with nothing open to close.
    Stray {
        name: String,
        span: Range<usize>,
        void: bool,
    },
    /// HT004: bad nesting at `span`; `other` is the element it conflicts with.
    Nesting {
        name: String,
        span: Range<usize>,
        message: String,
        label: String,
        other: Range<usize>,
        other_label: String,
    },
    /// HT005: `<div/>` and the like.
    SelfClosing { name: String, span: Range<usize> },
}

struct Open {
    name: String,
    span: Range<usize>,
    /// Already reported (implicitly closed by the browser, or mismatched): silent at the end.
    reported: bool,
}

/// The stack of open elements, with O(1) answers to "is an X open, and which is nearest".
#[derive(Default)]
struct Stack {
    items: Vec<Open>,
    /// How many of each name are open.
    counts: std::collections::HashMap<String, usize>,
    /// Indices of open `<p>` not yet reported, of open `<a>`, and of open inline elements.
    p: Vec<usize>,
    a: Vec<usize>,
    inline: Vec<usize>,
    /// Open `<svg>`/`<math>` elements: self-closing tags are fine inside.
    foreign: usize,
}

impl Stack {
    fn push(&mut self, name: &str, span: Range<usize>) {
        let idx = self.items.len();
        match name {
            "p" => self.p.push(idx),
            "a" => self.a.push(idx),
            "svg" | "math" => self.foreign += 1,
            n if INLINE.contains(&n) => self.inline.push(idx),
            _ => {}
        }
        *self.counts.entry(name.to_string()).or_default() += 1;
        self.items.push(Open {
            name: name.to_string(),
            span,
            reported: false,
        });
    }

    fn pop(&mut self) -> Option<Open> {
        let open = self.items.pop()?;
        let idx = self.items.len();
        for list in [&mut self.p, &mut self.a, &mut self.inline] {
            if list.last() == Some(&idx) {
                list.pop();
            }
        }
        if open.name == "svg" || open.name == "math" {
            self.foreign = self.foreign.saturating_sub(1);
        }
        if let Some(c) = self.counts.get_mut(&open.name) {
            *c = c.saturating_sub(1);
        }
        Some(open)
    }

    fn contains(&self, name: &str) -> bool {
        self.counts.get(name).is_some_and(|&c| c > 0)
    }
}

/// Check the balance of a document's tags (in document order). Linear in the number of tags.
pub fn balance(tokens: &[Token]) -> Vec<Balance> {
    let mut out: Vec<Option<Balance>> = Vec::new();
    let mut stack = Stack::default();
    // Elements closed early by an ancestor's end tag, by name: indices of their provisional HT001.
    let mut crossed: std::collections::HashMap<String, Vec<usize>> =
        std::collections::HashMap::new();

    for token in tokens {
        match token {
            Token::Start {
                name,
                span,
                self_closing,
                ..
            } => {
                if is_void(name) {
                    continue;
                }
                if *self_closing {
                    if stack.foreign == 0 {
                        out.push(Some(Balance::SelfClosing {
                            name: name.clone(),
                            span: span.clone(),
                        }));
                    }
                    continue;
                }
                // Implied end tags HTML allows (`<li>` closes an open `<li>`, …).
                let implied: &[&str] = match name.as_str() {
                    "li" => &["li"],
                    "dt" | "dd" => &["dt", "dd"],
                    "td" | "th" => &["td", "th"],
                    "tr" => &["td", "th", "tr"],
                    "option" => &["option"],
                    "thead" | "tbody" | "tfoot" => &["td", "th", "tr", "thead", "tbody", "tfoot"],
                    _ => &[],
                };
                while stack
                    .items
                    .last()
                    .is_some_and(|o| implied.contains(&o.name.as_str()))
                {
                    stack.pop();
                }
                if stack.foreign == 0
                    && let Some(nesting) = nesting(name, span, &mut stack)
                {
                    out.push(Some(nesting));
                }
                stack.push(name, span.clone());
            }
            Token::End { name, span } => {
                if is_void(name) {
                    out.push(Some(Balance::Stray {
                        name: name.clone(),
                        span: span.clone(),
                        void: true,
                    }));
                    continue;
                }
                if stack.contains(name) {
                    // Pop down to the nearest element of that name (amortised: each pop removes
                    // an element pushed once).
                    while let Some(open) = stack.pop() {
                        if open.name == *name {
                            break;
                        }
                        if OPTIONAL_END.contains(&open.name.as_str()) || open.reported {
                            continue;
                        }
                        crossed
                            .entry(open.name.clone())
                            .or_default()
                            .push(out.len());
                        out.push(Some(Balance::Unclosed {
                            name: open.name,
                            span: open.span,
                        }));
                    }
                } else if let Some(idx) = crossed.get_mut(name).and_then(Vec::pop) {
                    // `<b><i></b></i>`: one finding, at the crossing end tag.
                    let open_span = match out.get_mut(idx).and_then(Option::take) {
                        Some(Balance::Unclosed { span, .. }) => span,
                        _ => span.clone(),
                    };
                    out.push(Some(Balance::Nesting {
                        name: name.clone(),
                        span: span.clone(),
                        message: format!("`</{name}>` closes `<{name}>` after its parent was already closed: the tags cross"),
                        label: "crossed end tag".into(),
                        other: open_span,
                        other_label: format!("`<{name}>` opened here"),
                    }));
                } else if let Some(top) = stack.items.last_mut() {
                    top.reported = true;
                    out.push(Some(Balance::Mismatched {
                        name: name.clone(),
                        span: span.clone(),
                        open: top.name.clone(),
                        open_span: top.span.clone(),
                    }));
                } else {
                    out.push(Some(Balance::Stray {
                        name: name.clone(),
                        span: span.clone(),
                        void: false,
                    }));
                }
            }
        }
    }
    for open in stack.items {
        if !open.reported && !OPTIONAL_END.contains(&open.name.as_str()) {
            out.push(Some(Balance::Unclosed {
                name: open.name,
                span: open.span,
            }));
        }
    }
    out.into_iter().flatten().collect()
}

/// HT004 for a start tag, given the open elements. Marks an open `<p>` that the browser would
/// close here as reported, so that it gives no second finding.
fn nesting(name: &str, span: &Range<usize>, stack: &mut Stack) -> Option<Balance> {
    if name == "a"
        && let Some(&i) = stack.a.last()
    {
        return Some(Balance::Nesting {
            name: name.into(),
            span: span.clone(),
            message: "`<a>` inside `<a>`: links cannot nest".into(),
            label: "nested link".into(),
            other: stack.items[i].span.clone(),
            other_label: "the outer `<a>`".into(),
        });
    }
    if !BLOCK.contains(&name) {
        return None;
    }
    if let Some(i) = stack.p.pop() {
        // Reported once: the `<p>` leaves the list of unreported paragraphs.
        let p = &mut stack.items[i];
        p.reported = true;
        let message = if name == "p" {
            "`<p>` inside `<p>`: the browser closes the first paragraph here".to_string()
        } else {
            format!("block `<{name}>` inside `<p>`: the browser closes the paragraph here")
        };
        return Some(Balance::Nesting {
            name: name.into(),
            span: span.clone(),
            message,
            label: format!("`<{name}>` starts here"),
            other: p.span.clone(),
            other_label: "the open `<p>`".into(),
        });
    }
    let &i = stack.inline.last()?;
    let inline = &stack.items[i];
    Some(Balance::Nesting {
        name: name.into(),
        span: span.clone(),
        message: format!("block `<{name}>` inside inline `<{}>`", inline.name),
        label: "block element".into(),
        other: inline.span.clone(),
        other_label: format!("inline `<{}>` opened here", inline.name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(html: &str) -> (Tokens, Vec<Balance>) {
        let mut t = Tokens::default();
        tokenize(html, 0..html.len(), &mut t);
        let b = balance(&t.tokens);
        (t, b)
    }

    fn names(html: &str) -> Vec<String> {
        scan(html)
            .0
            .tokens
            .iter()
            .map(|t| match t {
                Token::Start { name, .. } => name.clone(),
                Token::End { name, .. } => format!("/{name}"),
            })
            .collect()
    }

    #[test]
    fn raw_text_is_html_content_only() {
        // HTML: `title`, `xmp`, `noscript` content is text.
        assert_eq!(names("<title><img></title>"), ["title", "/title"]);
        assert_eq!(names("<xmp><img></xmp>"), ["xmp", "/xmp"]);
        // In SVG and MathML they are foreign elements: markup inside.
        assert_eq!(
            names("<svg><title><img></title></svg>"),
            ["svg", "title", "img", "/title", "/svg"]
        );
        assert_eq!(
            names("<math><xmp><b>x</b></xmp></math>"),
            ["math", "xmp", "b", "/b", "/xmp", "/math"]
        );
        assert_eq!(
            names("<svg><style><img></style></svg>"),
            ["svg", "style", "img", "/style", "/svg"]
        );
        // Integration points and breakout tags bring HTML back.
        assert_eq!(
            names("<svg><foreignObject><xmp><img></xmp></foreignObject></svg>"),
            [
                "svg",
                "foreignobject",
                "xmp",
                "/xmp",
                "/foreignobject",
                "/svg"
            ]
        );
        assert_eq!(
            names("<math><mi><noscript><img></noscript></mi></math>"),
            ["math", "mi", "noscript", "/noscript", "/mi", "/math"]
        );
        assert_eq!(
            names("<svg><p><xmp><img></xmp></p></svg>"),
            ["svg", "p", "xmp", "/xmp", "/p", "/svg"]
        );
        // HTML inside an integration point does not end the foreign content around it.
        assert_eq!(
            names("<svg><title><p>x</p></title><style><img></style></svg>"),
            [
                "svg", "title", "p", "/p", "/title", "style", "img", "/style", "/svg"
            ]
        );
        assert_eq!(
            names("<svg></svg><title><img></title>"),
            ["svg", "/svg", "title", "/title"]
        );
        // A self-closed foreign element opens nothing.
        assert_eq!(
            names("<svg><title/><rect/></svg><title><img></title>"),
            ["svg", "title", "rect", "/svg", "title", "/title"]
        );
    }

    #[test]
    fn foreign_content_spans_fragments() {
        // Text between two fragments (cut out as Markdown text) does not end the `<svg>`.
        let html = "<svg><desc><b>x</b></desc><title><img></title></svg>";
        let mut t = Tokens::default();
        let x = html.find('x').unwrap();
        tokenize(html, 0..x, &mut t);
        tokenize(html, x + 1..html.len(), &mut t);
        let names: Vec<&str> = t
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Start { name, .. } => Some(name.as_str()),
                Token::End { .. } => None,
            })
            .collect();
        assert_eq!(names, ["svg", "desc", "b", "title", "img"]);
    }

    #[test]
    fn child_namespaces() {
        assert_eq!(child_ns(None, "svg"), Ns::Svg);
        assert_eq!(child_ns(Some(("svg", Ns::Svg)), "title"), Ns::Svg);
        assert_eq!(child_ns(Some(("title", Ns::Svg)), "xmp"), Ns::Html);
        assert_eq!(child_ns(Some(("g", Ns::Svg)), "img"), Ns::Html);
        assert_eq!(child_ns(Some(("mtext", Ns::MathMl)), "mglyph"), Ns::MathMl);
        assert_eq!(
            child_ns(Some(("annotation-xml", Ns::MathMl)), "svg"),
            Ns::Svg
        );
        assert_eq!(child_ns(Some(("div", Ns::Html)), "title"), Ns::Html);
    }

    #[test]
    fn deep_foreign_nesting_is_linear() {
        let html = format!("<svg>{}{}", "<g>".repeat(50_000), "</x>".repeat(50_000));
        let start = std::time::Instant::now();
        assert_eq!(names(&html).len(), 100_001);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn tokens() {
        assert_eq!(names("<P class=\"a>b\">x</p>"), ["p", "/p"]);
        assert_eq!(
            names("<!-- <div> --><!DOCTYPE html><![CDATA[<x>]]><br/>"),
            ["br"]
        );
        assert_eq!(
            names("<script>if (a<b) { x = '</div>'; }</script>"),
            ["script", "/script"]
        );
        assert_eq!(names("<style>p > a {}</STYLE >"), ["style", "/style"]);
        assert_eq!(names("a <1% b < c"), Vec::<String>::new());
        assert_eq!(
            names("{% if a > b %}<div>{{ '<span>' }}</div>{% endif %}"),
            ["div", "/div"]
        );
        assert_eq!(names("<img src=\"x?a=1&b=2\" alt='<'>"), ["img"]);
    }

    #[test]
    fn spans_are_exact() {
        let html = "ab<span id=x>中</span>";
        let (t, _) = scan(html);
        assert_eq!(&html[t.tokens[0].span().clone()], "<span id=x>");
        assert_eq!(&html[t.tokens[1].span().clone()], "</span>");
        match &t.tokens[0] {
            Token::Start { attrs, .. } => {
                assert_eq!(&html[attrs[0].name_span.clone()], "id");
                assert_eq!(&html[attrs[0].value.clone().unwrap()], "x");
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn malformed() {
        let (t, _) = scan("<div class=\"a\"id=\"b\" class=c>");
        assert_eq!(t.malformed.len(), 2, "{:?}", t.malformed);
        let (t, _) = scan("<div class=\"a>");
        assert_eq!(t.malformed.len(), 1);
        assert!(t.tokens.is_empty());
        let (t, _) = scan("</div class=x>");
        assert_eq!(t.malformed.len(), 1);
        let (t, _) = scan("<!-- open");
        assert_eq!(t.malformed.len(), 1);
    }

    fn kinds(html: &str) -> Vec<&'static str> {
        scan(html)
            .1
            .iter()
            .map(|b| match b {
                Balance::Unclosed { .. } => "unclosed",
                Balance::Mismatched { .. } => "mismatched",
                Balance::Stray { .. } => "stray",
                Balance::Nesting { .. } => "nesting",
                Balance::SelfClosing { .. } => "self-closing",
            })
            .collect()
    }

    #[test]
    fn balance_findings_one_per_cause() {
        assert!(kinds("<p>a</p><br><img src=x><p>b<br/></p>").is_empty());
        assert!(kinds("<ul><li>a<li>b</ul><table><tr><td>1<td>2</table>").is_empty());
        assert_eq!(kinds("<div><p>x</div>"), ["unclosed"]);
        assert_eq!(kinds("<p>x"), ["unclosed"]);
        assert_eq!(kinds("<div>x</dvi>"), ["mismatched"]);
        assert_eq!(kinds("x</span>"), ["stray"]);
        assert_eq!(kinds("<br></br>"), ["stray"]);
        assert_eq!(kinds("<b><i>x</b></i>"), ["nesting"]);
        assert_eq!(kinds("<p>a<p>b</p>"), ["nesting"]);
        assert_eq!(kinds("<p>a<div>b</div></p>"), ["nesting"]);
        assert_eq!(kinds("<span><div>b</div></span>"), ["nesting"]);
        assert_eq!(kinds("<a href=x><a href=y>z</a></a>"), ["nesting"]);
        assert_eq!(kinds("<div/>"), ["self-closing"]);
        assert!(kinds("<svg><path d=\"M0\"/></svg>").is_empty());
    }

    #[test]
    fn deep_nesting_is_linear_and_safe() {
        let n = 100_000;
        let html = "<div>".repeat(n) + &"</div>".repeat(n);
        let (t, b) = scan(&html);
        assert_eq!(t.tokens.len(), 2 * n);
        assert!(b.is_empty());
        let open = "<span>".repeat(n);
        assert_eq!(scan(&open).1.len(), n);
        // Adversarial mixes stay linear: strays against a deep stack, crossings, blocks in p.
        let html = "<div>".repeat(n) + &"</x>".repeat(n);
        assert_eq!(
            scan(&html).1.len(),
            2 * n - 1,
            "n mismatches, n - 1 unclosed (the top one was named)"
        );
        let html = "<div>".to_string() + &"<span>".repeat(n) + "</div>" + &"</span>".repeat(n);
        assert_eq!(scan(&html).1.len(), n);
        let html = "<p>".to_string() + &"<div>".repeat(n) + &"</div>".repeat(n) + "</p>";
        assert_eq!(scan(&html).1.len(), 1);
    }
}
