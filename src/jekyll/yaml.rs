//! A small YAML tree with exact byte spans, built from `saphyr-parser` events.
//!
//! The tree keeps what a linter needs and no more: every node's byte range in the
//! *whole file* (the parser's character markers are converted to byte offsets and shifted by
//! where the YAML starts), scalar text and style, mapping entries in source order (so duplicate
//! keys survive), and aliases as references (never expanded, so an alias bomb stays small).
//! Nesting is limited to [`MAX_DEPTH`] and the tree is built without recursion.

use std::borrow::Cow;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Deepest nesting accepted in front matter or a config file.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Block,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: Style,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// `*name`: a reference to an anchored node, not expanded.
    Alias,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    /// Byte range in the whole file. For a quoted scalar this covers the quotes.
    pub span: Range<usize>,
}

/// What a plain scalar means under YAML 1.1, the schema Jekyll (Ruby's Psych) uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    /// Byte offset in the whole file.
    pub offset: usize,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The YAML 1.1 type of a scalar; `None` for collections and aliases.
    pub fn scalar_type(&self) -> Option<ScalarType> {
        match &self.kind {
            NodeKind::Scalar { value, style } => Some(if *style == Style::Plain {
                resolve_plain(value)
            } else {
                ScalarType::Str
            }),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.scalar_type() == Some(ScalarType::Null)
    }

    /// A short human name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
            NodeKind::Alias => "an alias",
            NodeKind::Scalar { .. } => match self.scalar_type() {
                Some(ScalarType::Null) => "empty (null)",
                Some(ScalarType::Bool) => "a boolean",
                Some(ScalarType::Int) => "an integer",
                Some(ScalarType::Float) => "a number",
                _ => "a string",
            },
        }
    }

    /// A list of strings (for options), or an error message naming `what`.
    pub fn string_list(&self, what: &str) -> Result<Vec<String>, String> {
        let error = || format!("`{what}` must be a list of strings");
        self.as_seq()
            .ok_or_else(error)?
            .iter()
            .map(|n| n.as_str().map(str::to_string).ok_or_else(error))
            .collect()
    }

    /// The first entry of a mapping with this key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// For a quoted scalar, the span inside the quotes; otherwise the node's span.
    pub fn content_span(&self, src: &str) -> Range<usize> {
        let span = self.span.clone();
        if let NodeKind::Scalar {
            style: Style::SingleQuoted | Style::DoubleQuoted,
            ..
        } = self.kind
        {
            let bytes = src.as_bytes();
            if span.end >= span.start + 2
                && span.end <= bytes.len()
                && matches!(bytes[span.start], b'"' | b'\'')
                && bytes[span.end - 1] == bytes[span.start]
            {
                return span.start + 1..span.end - 1;
            }
        }
        span
    }
}

/// Resolve a plain scalar the way YAML 1.1 (Psych) does.
pub fn resolve_plain(value: &str) -> ScalarType {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "yes" | "Yes" | "YES" | "no"
        | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => return ScalarType::Bool,
        _ => {}
    }
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    let all = |s: &str, f: fn(u8) -> bool| !s.is_empty() && s.bytes().all(|b| f(b) || b == b'_');
    // Psych: 0, [1-9][0-9_]*, 0[0-7_]+ (octal), 0x…, 0b…
    let decimal = digits == "0"
        || (digits.starts_with(|c: char| ('1'..='9').contains(&c))
            && all(digits, |b| b.is_ascii_digit()));
    let octal = digits.len() > 1
        && digits.starts_with('0')
        && all(&digits[1..], |b| (b'0'..=b'7').contains(&b));
    let hex = digits
        .strip_prefix("0x")
        .is_some_and(|h| all(h, |b| b.is_ascii_hexdigit()));
    let binary = digits
        .strip_prefix("0b")
        .is_some_and(|h| all(h, |b| b == b'0' || b == b'1'));
    if decimal || octal || hex || binary {
        return ScalarType::Int;
    }
    let lower = digits.to_ascii_lowercase();
    if matches!(lower.as_str(), ".inf" | ".nan") {
        return ScalarType::Float;
    }
    if digits.contains('.')
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'e' | b'E' | b'+' | b'-'))
        && digits.parse::<f64>().is_ok()
    {
        return ScalarType::Float;
    }
    ScalarType::Str
}

/// Converts the parser's character indices into byte offsets of the source.
struct Offsets<'a> {
    src: &'a str,
    /// Byte offset of each character; empty when the source is ASCII (index == offset).
    table: Vec<u32>,
    base: usize,
}

impl<'a> Offsets<'a> {
    fn new(src: &'a str, base: usize) -> Self {
        let table = if src.is_ascii() {
            Vec::new()
        } else {
            src.char_indices().map(|(i, _)| i as u32).collect()
        };
        Offsets { src, table, base }
    }

    fn byte(&self, char_index: usize) -> usize {
        let local = if self.table.is_empty() {
            char_index.min(self.src.len())
        } else {
            self.table
                .get(char_index)
                .map_or(self.src.len(), |&b| b as usize)
        };
        self.base + local
    }

    fn span(&self, span: &Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        start..end
    }
}

enum Frame {
    Seq(usize, Vec<Node>),
    Map(usize, Vec<(Node, Node)>, Option<Node>),
}

/// Parse one YAML document. `src` is the YAML text and `base` the byte offset where it starts
/// in the file, so every span comes back in file coordinates. An empty document is `Ok(None)`.
pub fn parse(src: &str, base: usize) -> Result<Option<Node>, YamlError> {
    let offsets = Offsets::new(src, base);
    let mut parser = Parser::new_from_str(src);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;

    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| YamlError {
            message: e.info().to_string(),
            offset: offsets.byte(e.marker().index()),
        })?;
        let node = match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError {
                        message: "more than one YAML document".into(),
                        offset: offsets.span(&span).start,
                    });
                }
                continue;
            }
            Event::Scalar(value, style, _, _) => Node {
                kind: NodeKind::Scalar {
                    value: value_string(value),
                    style: match style {
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted => Style::SingleQuoted,
                        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                        ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                    },
                },
                span: offsets.span(&span),
            },
            Event::Alias(_) => Node {
                kind: NodeKind::Alias,
                span: offsets.span(&span),
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                        offset: offsets.span(&span).start,
                    });
                }
                let start = offsets.span(&span).start;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(start, Vec::new())
                } else {
                    Frame::Map(start, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = offsets.span(&span).end;
                match stack.pop() {
                    Some(Frame::Seq(start, items)) => {
                        let end = items.last().map_or(end, |n| n.span.end.max(end));
                        Node {
                            kind: NodeKind::Seq(items),
                            span: start..end.max(start),
                        }
                    }
                    Some(Frame::Map(start, entries, _)) => {
                        let end = entries.last().map_or(end, |(_, v)| v.span.end.max(end));
                        Node {
                            kind: NodeKind::Map(entries),
                            span: start..end.max(start),
                        }
                    }
                    None => continue,
                }
            }
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
    Ok(root)
}

fn value_string(value: Cow<'_, str>) -> String {
    value.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(src: &str, node: &Node) -> String {
        src[node.span.clone()].to_string()
    }

    #[test]
    fn spans_are_bytes_in_the_file() {
        let file =
            "---\ntitle: \"“3·15”消费\"\ndate: 2022-03-17 05:03:20 +0800\ntags: [a, 新闻]\n---\n";
        let yaml = &file[4..file.len() - 4];
        let root = parse(yaml, 4).unwrap().unwrap();
        let title = root.get("title").unwrap();
        assert_eq!(text(file, title), "\"“3·15”消费\"");
        assert_eq!(&file[title.content_span(file)], "“3·15”消费");
        let date = root.get("date").unwrap();
        assert_eq!(text(file, date), "2022-03-17 05:03:20 +0800");
        let tags = root.get("tags").unwrap().as_seq().unwrap();
        assert_eq!(text(file, &tags[1]), "新闻");
        let key = &root.as_map().unwrap()[1].0;
        assert_eq!(text(file, key), "date");
    }

    #[test]
    fn crlf_and_duplicates() {
        let file = "a: 1\r\nb: 中文\r\na: 2\r\n";
        let root = parse(file, 0).unwrap().unwrap();
        let entries = root.as_map().unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(text(file, &entries[2].0), "a");
        assert_eq!(text(file, &entries[1].1), "中文");
        assert_eq!(entries[2].0.span.start, file.rfind("a:").unwrap());
    }

    #[test]
    fn errors_carry_byte_offsets() {
        let file = "标题: x\nbad yaml: [\n";
        let err = parse(file, 10).unwrap_err();
        assert!(err.offset >= 10 && err.offset <= 10 + file.len());
    }

    #[test]
    fn aliases_are_not_expanded_and_depth_is_bounded() {
        let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        assert!(parse(bomb, 0).is_ok());
        let deep = "[".repeat(10_000);
        assert!(parse(&deep, 0).is_err());
    }

    #[test]
    fn yaml_1_1_types() {
        assert_eq!(resolve_plain("yes"), ScalarType::Bool);
        assert_eq!(resolve_plain("2013"), ScalarType::Int);
        assert_eq!(resolve_plain("1.5"), ScalarType::Float);
        assert_eq!(resolve_plain("~"), ScalarType::Null);
        assert_eq!(resolve_plain("+0800"), ScalarType::Str);
        assert_eq!(resolve_plain("0755"), ScalarType::Int);
        assert_eq!(resolve_plain("2021-12-08"), ScalarType::Str);
        assert_eq!(resolve_plain("v1.2"), ScalarType::Str);
    }
}
