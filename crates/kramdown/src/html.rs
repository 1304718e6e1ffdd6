//! kramdown's HTML constants (parser/html.rb `Constants`) and the regexes
//! it uses for tags, attributes and comments, as hand-written matchers.

use crate::text::{Src, char_at, is_alnum, is_alpha, is_bword, is_pword, is_ws};

pub(crate) const CONTENT_MODEL_BLOCK: &[&str] = &[
    "address",
    "applet",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "details",
    "div",
    "dl",
    "fieldset",
    "figure",
    "figcaption",
    "footer",
    "form",
    "header",
    "hgroup",
    "iframe",
    "li",
    "main",
    "map",
    "menu",
    "nav",
    "noscript",
    "object",
    "section",
    "summary",
    "td",
];
pub(crate) const CONTENT_MODEL_SPAN: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "button", "cite", "caption", "del", "dfn", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "ins", "label", "legend", "optgroup", "p", "q",
    "rb", "rbc", "rp", "rt", "rtc", "ruby", "select", "small", "span", "strong", "sub", "sup",
    "th", "tt",
];
pub(crate) const CONTENT_MODEL_RAW: &[&str] = &[
    "script", "style", "math", "option", "textarea", "pre", "code", "kbd", "samp", "var",
];
pub(crate) const SPAN_ELEMENTS: &[&str] = &[
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn", "em",
    "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp", "rt",
    "rtc", "ruby", "samp", "select", "small", "span", "strong", "sub", "sup", "tt", "u", "var",
];

/// `SPAN_ELEMENTS.contains(name)`, as a `match`.
pub(crate) fn is_span_element(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "acronym"
            | "b"
            | "big"
            | "bdo"
            | "br"
            | "button"
            | "cite"
            | "code"
            | "del"
            | "dfn"
            | "em"
            | "i"
            | "img"
            | "input"
            | "ins"
            | "kbd"
            | "label"
            | "mark"
            | "option"
            | "q"
            | "rb"
            | "rbc"
            | "rp"
            | "rt"
            | "rtc"
            | "ruby"
            | "samp"
            | "select"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "tt"
            | "u"
            | "var"
    )
}

pub(crate) const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "applet",
    "body",
    "blockquote",
    "caption",
    "col",
    "colgroup",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
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
    "html",
    "head",
    "iframe",
    "legend",
    "menu",
    "li",
    "main",
    "map",
    "nav",
    "ol",
    "optgroup",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tfoot",
    "tr",
    "ul",
];
pub(crate) const ELEMENTS_WITHOUT_BODY: &[&str] = &[
    "area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
];

/// `HTML_CONTENT_MODEL[name]` (unknown names are `:raw`).
pub(crate) fn content_model(name: &str) -> crate::ContentModel {
    use crate::ContentModel::*;
    if CONTENT_MODEL_RAW.contains(&name) {
        Raw
    } else if CONTENT_MODEL_SPAN.contains(&name) {
        Span
    } else if CONTENT_MODEL_BLOCK.contains(&name) {
        Block
    } else {
        Raw
    }
}

/// The known element name equal to `lname` (already lower-cased), as a static string:
/// every name of the lists above.
pub(crate) fn known_element(lname: &str) -> Option<&'static str> {
    Some(match lname {
        "a" => "a",
        "abbr" => "abbr",
        "acronym" => "acronym",
        "address" => "address",
        "applet" => "applet",
        "area" => "area",
        "article" => "article",
        "aside" => "aside",
        "b" => "b",
        "base" => "base",
        "bdo" => "bdo",
        "big" => "big",
        "blockquote" => "blockquote",
        "body" => "body",
        "br" => "br",
        "button" => "button",
        "caption" => "caption",
        "cite" => "cite",
        "code" => "code",
        "col" => "col",
        "colgroup" => "colgroup",
        "command" => "command",
        "dd" => "dd",
        "del" => "del",
        "details" => "details",
        "dfn" => "dfn",
        "div" => "div",
        "dl" => "dl",
        "dt" => "dt",
        "em" => "em",
        "embed" => "embed",
        "fieldset" => "fieldset",
        "figcaption" => "figcaption",
        "figure" => "figure",
        "footer" => "footer",
        "form" => "form",
        "h1" => "h1",
        "h2" => "h2",
        "h3" => "h3",
        "h4" => "h4",
        "h5" => "h5",
        "h6" => "h6",
        "head" => "head",
        "header" => "header",
        "hgroup" => "hgroup",
        "hr" => "hr",
        "html" => "html",
        "i" => "i",
        "iframe" => "iframe",
        "img" => "img",
        "input" => "input",
        "ins" => "ins",
        "kbd" => "kbd",
        "keygen" => "keygen",
        "label" => "label",
        "legend" => "legend",
        "li" => "li",
        "link" => "link",
        "main" => "main",
        "map" => "map",
        "mark" => "mark",
        "math" => "math",
        "menu" => "menu",
        "meta" => "meta",
        "nav" => "nav",
        "noscript" => "noscript",
        "object" => "object",
        "ol" => "ol",
        "optgroup" => "optgroup",
        "option" => "option",
        "p" => "p",
        "param" => "param",
        "pre" => "pre",
        "q" => "q",
        "rb" => "rb",
        "rbc" => "rbc",
        "rp" => "rp",
        "rt" => "rt",
        "rtc" => "rtc",
        "ruby" => "ruby",
        "samp" => "samp",
        "script" => "script",
        "section" => "section",
        "select" => "select",
        "small" => "small",
        "source" => "source",
        "span" => "span",
        "strong" => "strong",
        "style" => "style",
        "sub" => "sub",
        "summary" => "summary",
        "sup" => "sup",
        "table" => "table",
        "tbody" => "tbody",
        "td" => "td",
        "textarea" => "textarea",
        "tfoot" => "tfoot",
        "th" => "th",
        "thead" => "thead",
        "tr" => "tr",
        "track" => "track",
        "tt" => "tt",
        "u" => "u",
        "ul" => "ul",
        "var" => "var",
        "wbr" => "wbr",
        _ => return None,
    })
}

/// `HTML_ELEMENT[name]`.
pub(crate) fn is_html_element(name: &str) -> bool {
    known_element(name).is_some()
}

/// NCNAME_STR `[[:alpha:]_][-[:alnum:]._]*` at `p`: end.
fn ncname<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    let mut q = match s.at(p)? {
        b if b.is_ascii_alphabetic() || b == b'_' => p + 1,
        b if b < 0x80 => return None,
        _ => {
            let (c, l) = char_at(s, p)?;
            if !(c == '_' || is_alpha(c)) {
                return None;
            }
            p + l
        }
    };
    // a run of ASCII name bytes in one piece of the text, at once
    if let Some(rest) = s.contiguous(q, s.len()) {
        q += rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')))
            .unwrap_or(rest.len());
    }
    loop {
        // ASCII without decoding
        match s.at(q) {
            Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') => {
                q += 1;
                continue;
            }
            Some(b) if b < 0x80 => break,
            None => break,
            Some(_) => {}
        }
        let Some((c, l)) = char_at(s, q) else { break };
        if c == '-' || c == '.' || c == '_' || is_alnum(c) {
            q += l;
        } else {
            break;
        }
    }
    Some(q)
}

/// REXML `UNAME_STR` `(?:NCNAME:)?NCNAME` at `p`: end.
pub(crate) fn uname<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    let e = ncname(s, p)?;
    if s.at(e) == Some(b':')
        && let Some(e2) = ncname(s, e + 1)
    {
        return Some(e2);
    }
    Some(e)
}

fn skip_ws<S: Src + ?Sized>(s: &S, mut p: usize) -> usize {
    while s.at(p).is_some_and(is_ws) {
        p += 1;
    }
    p
}

/// `\p{Word}+` at p: end.
fn pwords<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    let mut q = p;
    while let Some((c, l)) = char_at(s, q) {
        if is_pword(c) {
            q += l;
        } else {
            break;
        }
    }
    if q > p { Some(q) } else { None }
}

/// One attribute as matched by `HTML_ATTRIBUTE_RE`.
#[derive(Clone, Debug)]
pub(crate) struct RawAttr {
    pub name: (usize, usize),
    /// value range (without quotes), None when no `=value`.
    pub value: Option<(usize, usize)>,
}

/// Optional `\s*=\s*(?:\p{Word}+|("|').*?\3)` after an attribute name:
/// (value range, end).
fn attr_value<S: Src + ?Sized>(s: &S, p: usize) -> Option<((usize, usize), usize)> {
    let q = skip_ws(s, p);
    if s.at(q) != Some(b'=') {
        return None;
    }
    let q = skip_ws(s, q + 1);
    if let Some(e) = pwords(s, q) {
        return Some(((q, e), e));
    }
    let quote = s.at(q)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let mut r = q + 1;
    if let Some(rest) = s.contiguous(r, s.len()) {
        let k = memchr::memchr(quote, rest)?;
        return Some(((r, r + k), r + k + 1));
    }
    loop {
        let b = s.at(r)?;
        if b == quote {
            return Some(((q + 1, r), r + 1));
        }
        r += 1;
    }
}

/// A start tag matched by `HTML_TAG_RE`.
#[derive(Clone, Debug)]
pub(crate) struct TagMatch {
    pub name: (usize, usize),
    pub attrs: Vec<RawAttr>,
    pub closed: bool,
    pub end: usize,
}

/// `HTML_TAG_RE` anchored at `p` (which must be `<`).
pub(crate) fn html_tag<S: Src + ?Sized>(s: &S, p: usize) -> Option<TagMatch> {
    if s.at(p) != Some(b'<') {
        return None;
    }
    let ne = uname(s, p + 1)?;
    let mut q = ne;
    let mut attrs = Vec::new();

    // group 2 starts after the greedy \s* minus one whitespace if an attribute follows
    let mut last_end = ne;
    let mut first = true;
    let mut g2_start = None;
    loop {
        let w = skip_ws(s, q);
        if w == q {
            break;
        }
        let Some(an) = uname(s, w) else { break };
        if first {
            g2_start = Some(w - 1);
            first = false;
        }
        let (value, end) = match attr_value(s, an) {
            Some((v, e)) => (Some(v), e),
            None => (None, an),
        };
        attrs.push(RawAttr {
            name: (w, an),
            value,
        });
        q = end;
        last_end = end;
    }
    let _ = (g2_start, last_end);
    let mut r = skip_ws(s, q);
    let mut closed = false;
    if s.at(r) == Some(b'/') {
        closed = true;
        r += 1;
    }
    if s.at(r) != Some(b'>') {
        return None;
    }
    Some(TagMatch {
        name: (p + 1, ne),
        attrs,
        closed,
        end: r + 1,
    })
}

/// `HTML_TAG_CLOSE_RE` `<\/(UNAME)\s*>` anchored at `p`: (name range, end).
pub(crate) fn html_close_tag<S: Src + ?Sized>(s: &S, p: usize) -> Option<((usize, usize), usize)> {
    if s.at(p) != Some(b'<') || s.at(p + 1) != Some(b'/') {
        return None;
    }
    let ne = uname(s, p + 2)?;
    let q = skip_ws(s, ne);
    if s.at(q) != Some(b'>') {
        return None;
    }
    Some(((p + 2, ne), q + 1))
}

/// `HTML_COMMENT_RE` anchored at `p`: end.
pub(crate) fn html_comment<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    if !(s.at(p) == Some(b'<')
        && s.at(p + 1) == Some(b'!')
        && s.at(p + 2) == Some(b'-')
        && s.at(p + 3) == Some(b'-'))
    {
        return None;
    }
    s.next_pat(p + 4, crate::text::Pat::CommentEnd)
        .map(|e| e + 3)
}

/// `HTML_INSTRUCTION_RE` anchored at `p`: end.
pub(crate) fn html_instruction<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    if !(s.at(p) == Some(b'<') && s.at(p + 1) == Some(b'?')) {
        return None;
    }
    s.next_pat(p + 2, crate::text::Pat::PiEnd).map(|e| e + 2)
}

/// Case-insensitive `</name\s*>` at `p`: end. `ci` selects ASCII/Unicode case folding.
pub(crate) fn close_named<S: Src + ?Sized>(s: &S, p: usize, name: &str, ci: bool) -> Option<usize> {
    if s.at(p) != Some(b'<') || s.at(p + 1) != Some(b'/') {
        return None;
    }
    let mut q = p + 2;
    if ci {
        for nc in name.chars() {
            let (c, l) = char_at(s, q)?;
            if c != nc && !c.to_lowercase().eq(nc.to_lowercase()) {
                return None;
            }
            q += l;
        }
    } else {
        for &b in name.as_bytes() {
            if s.at(q) != Some(b) {
                return None;
            }
            q += 1;
        }
    }
    let q = skip_ws(s, q);
    if s.at(q) == Some(b'>') {
        Some(q + 1)
    } else {
        None
    }
}

/// Search `(?=</name\s*>)` from `p`: start position of the first match.
pub(crate) fn find_close_named<S: Src + ?Sized>(
    s: &S,
    p: usize,
    name: &str,
    ci: bool,
) -> Option<usize> {
    let mut i = p;
    let n = s.len();
    while i < n {
        if s.at(i) == Some(b'<')
            && s.at(i + 1) == Some(b'/')
            && close_named(s, i, name, ci).is_some()
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `LAZY_END_HTML_SPAN_ELEMENTS` check: does a name starting at `p` begin
/// with one of the span elements (or script) followed by a word boundary?
fn starts_with_lazy_span<S: Src + ?Sized>(s: &S, p: usize) -> bool {
    for name in SPAN_ELEMENTS.iter().chain(std::iter::once(&"script")) {
        let nb = name.as_bytes();
        if nb.iter().enumerate().all(|(k, &b)| s.at(p + k) == Some(b)) {
            // \b after the name: previous char is a word char, so next must not be
            let boundary = match char_at(s, p + nb.len()) {
                Some((c, _)) => !is_bword(c),
                None => true,
            };
            if boundary {
                return true;
            }
        }
    }
    false
}

/// `LAZY_END_HTML_START` at `p`.
pub(crate) fn lazy_end_html_start<S: Src + ?Sized>(s: &S, p: usize) -> bool {
    s.at(p) == Some(b'<') && !starts_with_lazy_span(s, p + 1) && uname(s, p + 1).is_some()
}

/// `LAZY_END_HTML_STOP` at `p`.
pub(crate) fn lazy_end_html_stop<S: Src + ?Sized>(s: &S, p: usize) -> bool {
    if s.at(p) != Some(b'<') || s.at(p + 1) != Some(b'/') || starts_with_lazy_span(s, p + 2) {
        return false;
    }
    match uname(s, p + 2) {
        Some(e) => s.at(skip_ws(s, e)) == Some(b'>'),
        None => false,
    }
}

/// Ruby `downcase` (full Unicode).
pub(crate) fn downcase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_span_element_is_the_list() {
        for n in super::SPAN_ELEMENTS {
            assert!(super::is_span_element(n));
        }
        for n in super::BLOCK_ELEMENTS {
            assert!(!super::is_span_element(n));
        }
        let count = super::SPAN_ELEMENTS.len();
        assert_eq!(count, 38);
    }

    #[test]
    fn known_element_covers_the_lists() {
        for list in [
            super::SPAN_ELEMENTS,
            super::BLOCK_ELEMENTS,
            super::ELEMENTS_WITHOUT_BODY,
            super::CONTENT_MODEL_BLOCK,
            super::CONTENT_MODEL_SPAN,
            super::CONTENT_MODEL_RAW,
        ] {
            for &n in list {
                assert_eq!(super::known_element(n), Some(n));
            }
        }
        assert_eq!(super::known_element("Div"), None);
        assert_eq!(super::known_element("custom"), None);
    }
}
