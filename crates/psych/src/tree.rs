//! The YAML tree: what `Psych.parse` builds (a `Psych::Nodes::Document`), with byte spans.
//!
//! Built from the events of the vendored libyaml port without recursion, stopping after the
//! first document as `Psych.parse` does (it returns from `parse_stream`'s block at the first
//! `end_document`, so anything after the first document is never scanned).

use std::ops::Range;

use crate::libyaml::{self, EventData, MappingStyle, Mark, Parser, SequenceStyle};

/// Deepest nesting of collections accepted. Psych has no limit of its own (its `ToRuby`
/// visitor recurses until Ruby's stack overflows); this is a postlint safety bound.
pub const MAX_DEPTH: usize = 128;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// `text`
    Plain,
    /// `'text'`
    SingleQuoted,
    /// `"text"`
    DoubleQuoted,
    /// `|`
    Literal,
    /// `>`
    Folded,
}

/// A position as libyaml marks it: zero-based line and column (in characters), and the byte
/// offset in the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Byte offset in the whole file (the parser's base offset added).
    pub offset: usize,
    /// Zero-based line, counted from the start of the text given to the parser.
    pub line: usize,
    /// Zero-based column, in characters.
    pub column: usize,
}

/// What a node is.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar: its value after YAML's folding and escapes, and its style.
    Scalar {
        /// The value (a `Psych::Nodes::Scalar#value`).
        value: String,
        /// How it was written.
        style: Style,
        /// Byte range of the scalar itself (quotes included, anchor and tag excluded).
        value_span: Range<usize>,
    },
    /// A sequence; `flow` for `[...]`.
    Seq {
        /// The items in order.
        items: Vec<Node>,
        /// Written `[...]`.
        flow: bool,
    },
    /// A mapping: entries in source order, duplicate keys kept (Psych's Hash keeps the
    /// *last* value of a duplicate key, at the position of the first).
    Map {
        /// The entries in order.
        entries: Vec<(Node, Node)>,
        /// Written `{...}`.
        flow: bool,
    },
    /// `*name`: a reference to an anchored node, not expanded here. Psych's `safe_load`
    /// with `aliases: true` puts the very same Ruby object there (so a cycle is possible).
    Alias {
        /// The anchor name.
        name: String,
    },
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Byte range in the whole file, from the node's first property (anchor or tag) to its
    /// end, as libyaml's event marks give it.
    pub span: Range<usize>,
    /// libyaml's start mark (Psych's `start_line`/`start_column`).
    pub start: Pos,
    /// libyaml's end mark (Psych's `end_line`/`end_column`).
    pub end: Pos,
    /// The resolved tag (`tag:yaml.org,2002:str` for `!!str`, `!` for a bare `!`).
    pub tag: Option<String>,
    /// The anchor name of `&name`.
    pub anchor: Option<String>,
}

/// The first document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's root node.
    pub root: Node,
    /// Whether the document began with an explicit `---`.
    pub explicit_start: bool,
}

/// What kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// libyaml's reader (`control characters are not allowed`).
    Reader,
    /// libyaml's scanner.
    Scanner,
    /// libyaml's parser.
    Parser,
    /// Nesting deeper than [`MAX_DEPTH`]: not an error for Psych, a postlint bound.
    TooDeep,
}

/// A YAML syntax error, with the fields of `Psych::SyntaxError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Which part of libyaml failed.
    pub kind: ErrorKind,
    /// `Psych::SyntaxError#line`: one-based line of libyaml's *context* mark (1 for reader
    /// errors and for parser errors without a context).
    pub line: usize,
    /// `Psych::SyntaxError#column`: one-based column of the context mark.
    pub column: usize,
    /// `Psych::SyntaxError#offset`: libyaml's `problem_offset`, a byte offset in the text
    /// given to the parser; non-zero only for reader errors.
    pub offset: usize,
    /// `Psych::SyntaxError#problem`.
    pub problem: &'static str,
    /// `Psych::SyntaxError#context` (`None` when libyaml gives none).
    pub context: Option<&'static str>,
    /// Where the problem is: byte offset in the whole file, and libyaml's zero-based line and
    /// column of the problem mark (more precise than Psych's `line`/`column`).
    pub problem_pos: Pos,
    /// The context mark as a byte offset in the whole file, when libyaml has one.
    pub context_pos: Option<Pos>,
}

impl SyntaxError {
    /// The message Psych gives: `(<unknown>): PROBLEM CONTEXT at line L column C`.
    pub fn psych_message(&self) -> String {
        let err = match self.context {
            Some(c) => format!("{} {}", self.problem, c),
            None => self.problem.to_string(),
        };
        format!(
            "(<unknown>): {err} at line {} column {}",
            self.line, self.column
        )
    }
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.psych_message())
    }
}

impl std::error::Error for SyntaxError {}

impl Node {
    /// The scalar's value, or `None` for other nodes.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The mapping's entries, or `None`.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map { entries, .. } => Some(entries),
            _ => None,
        }
    }

    /// The sequence's items, or `None`.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq { items, .. } => Some(items),
            _ => None,
        }
    }

    /// The value Psych's Hash keeps for `key` among the scalar keys of a mapping: the *last*
    /// entry whose key is the scalar `key` (keys are compared as written values, which is
    /// what Ruby compares after typing only for string keys).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The byte range of a scalar's text without its quotes (for a quoted scalar the range
    /// inside the quotes; for a block scalar the lines after its header; otherwise the
    /// scalar's own range). For collections and aliases, the node's span.
    pub fn content_span(&self, file: &str) -> Range<usize> {
        let NodeKind::Scalar {
            style, value_span, ..
        } = &self.kind
        else {
            return self.span.clone();
        };
        let span = value_span.clone();
        let bytes = file.as_bytes();
        match style {
            Style::SingleQuoted | Style::DoubleQuoted => {
                let q = if *style == Style::SingleQuoted {
                    b'\''
                } else {
                    b'"'
                };
                if span.end >= span.start + 2
                    && bytes.get(span.start) == Some(&q)
                    && bytes.get(span.end - 1) == Some(&q)
                {
                    span.start + 1..span.end - 1
                } else {
                    span
                }
            }
            Style::Literal | Style::Folded => {
                // Skip the header line (`|`, `>-`, `|2` and a comment).
                let rest = bytes.get(span.start..span.end).unwrap_or(&[]);
                match rest.iter().position(|&b| b == b'\n') {
                    Some(i) => span.start + i + 1..span.end,
                    None => span.end..span.end,
                }
            }
            Style::Plain => span,
        }
    }
}

fn pos(mark: Mark, base: usize) -> Pos {
    Pos {
        offset: base + mark.index as usize,
        line: mark.line as usize,
        column: mark.column as usize,
    }
}

enum Frame {
    Seq {
        start: Pos,
        tag: Option<String>,
        anchor: Option<String>,
        flow: bool,
        items: Vec<Node>,
    },
    Map {
        start: Pos,
        tag: Option<String>,
        anchor: Option<String>,
        flow: bool,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

fn convert_error(e: &libyaml::Error, base: usize) -> SyntaxError {
    let kind = match e.kind() {
        libyaml::ErrorKind::Reader => ErrorKind::Reader,
        libyaml::ErrorKind::Scanner => ErrorKind::Scanner,
        _ => ErrorKind::Parser,
    };
    if let Some(offset) = e.reader_offset() {
        return SyntaxError {
            kind,
            line: 1,
            column: 1,
            offset,
            problem: e.problem(),
            context: None,
            problem_pos: Pos {
                offset: base + offset,
                line: 0,
                column: 0,
            },
            context_pos: None,
        };
    }
    let raw_context = e.raw_context_mark().unwrap_or_default();
    let problem = e.problem_mark().unwrap_or_default();
    SyntaxError {
        kind,
        line: raw_context.line as usize + 1,
        column: raw_context.column as usize + 1,
        offset: 0,
        problem: e.problem(),
        context: e.context(),
        problem_pos: pos(problem, base),
        context_pos: e.context_mark().map(|m| pos(m, base)),
    }
}

/// Parse the first YAML document of `src` as `Psych.parse` does. `base` is the byte offset
/// of `src` in the file, added to every span. Returns `Ok(None)` for a stream without a
/// document (Psych's `false`, which `safe_load` turns into `nil`).
pub fn parse(src: &str, base: usize) -> Result<Option<Document>, SyntaxError> {
    // Psych passes the encoding explicitly (`yaml_parser_set_encoding`), so libyaml does not
    // look for a byte order mark at the start; a BOM at column 0 is skipped by the scanner.
    // The reader decodes in libyaml's 16384-byte chunks (see `libyaml/reader.rs`).
    let mut parser = Parser::new(src);
    // Two frames fit the allocator's fast path (a front matter is a mapping, maybe of lists).
    let mut stack: Vec<Frame> = Vec::with_capacity(2);
    let mut root: Option<Node> = None;
    let mut explicit_start = false;
    let mut in_document = false;
    loop {
        let event = parser.parse().map_err(|e| convert_error(&e, base))?;
        let start = pos(event.start_mark, base);
        let end = pos(event.end_mark, base);
        let node = match event.data {
            EventData::StreamStart { .. } => continue,
            EventData::StreamEnd => return Ok(None),
            EventData::DocumentStart { implicit, .. } => {
                explicit_start = !implicit;
                in_document = true;
                continue;
            }
            EventData::DocumentEnd { .. } => {
                return Ok(root.map(|root| Document {
                    root,
                    explicit_start,
                }));
            }
            EventData::Alias { anchor } => Node {
                kind: NodeKind::Alias { name: anchor },
                span: start.offset..end.offset,
                start,
                end,
                tag: None,
                anchor: None,
            },
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                value_start,
                ..
            } => Node {
                kind: NodeKind::Scalar {
                    value,
                    style: match style {
                        libyaml::ScalarStyle::SingleQuoted => Style::SingleQuoted,
                        libyaml::ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                        libyaml::ScalarStyle::Literal => Style::Literal,
                        libyaml::ScalarStyle::Folded => Style::Folded,
                        _ => Style::Plain,
                    },
                    value_span: (base + value_start.index as usize).min(end.offset)..end.offset,
                },
                span: start.offset..end.offset,
                start,
                end,
                tag,
                anchor,
            },
            EventData::SequenceStart {
                anchor, tag, style, ..
            } => {
                check_depth(&stack, start)?;
                stack.push(Frame::Seq {
                    start,
                    tag,
                    anchor,
                    flow: style == SequenceStyle::Flow,
                    items: Vec::new(),
                });
                continue;
            }
            EventData::MappingStart {
                anchor, tag, style, ..
            } => {
                check_depth(&stack, start)?;
                stack.push(Frame::Map {
                    start,
                    tag,
                    anchor,
                    flow: style == MappingStyle::Flow,
                    // A front matter's mapping has a handful of keys.
                    entries: Vec::with_capacity(if stack.is_empty() { 8 } else { 0 }),
                    key: None,
                });
                continue;
            }
            EventData::SequenceEnd | EventData::MappingEnd => match stack.pop() {
                Some(Frame::Seq {
                    start: s,
                    tag,
                    anchor,
                    flow,
                    items,
                }) => Node {
                    kind: NodeKind::Seq { items, flow },
                    span: s.offset..end.offset.max(s.offset),
                    start: s,
                    end,
                    tag,
                    anchor,
                },
                Some(Frame::Map {
                    start: s,
                    tag,
                    anchor,
                    flow,
                    entries,
                    ..
                }) => Node {
                    kind: NodeKind::Map { entries, flow },
                    span: s.offset..end.offset.max(s.offset),
                    start: s,
                    end,
                    tag,
                    anchor,
                },
                None => continue,
            },
        };
        let _ = in_document;
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

fn check_depth(stack: &[Frame], at: Pos) -> Result<(), SyntaxError> {
    if stack.len() >= MAX_DEPTH {
        return Err(SyntaxError {
            kind: ErrorKind::TooDeep,
            line: at.line + 1,
            column: at.column + 1,
            offset: 0,
            problem: "collections nested deeper than postlint's limit of 128",
            context: None,
            problem_pos: at,
            context_pos: None,
        });
    }
    Ok(())
}
