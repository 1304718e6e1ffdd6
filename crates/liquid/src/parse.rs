//! `Liquid::Template.parse` (with `line_numbers: true`, error mode `:warn`) and the
//! Jekyll tags, as one loop over an explicit stack of open blocks.
//!
//! Ruby's `BlockBody#parse` yields an unknown or end tag (or the end of the tokens) to
//! the block being parsed, which closes, starts another body (`elsif`, `else`, `when`)
//! or raises. Here every open block is a [`Frame`]; the loop reads the next token of
//! the innermost tokenizer (the document, or the lines of a `{% liquid %}` tag) and does
//! what Ruby's code does at that point. `line` mirrors `parse_context.line_number`,
//! updated exactly where Ruby updates it, so error lines agree.

use crate::expr::{Expr, StrictError, StrictParser, Tok, Variable};
use crate::syntax::{self, strip};
use crate::tokenize::{TokKind, Tokenizer};
use crate::{LiquidError, MAX_DEPTH};
use std::collections::HashSet;
use std::ops::Range;

pub type NodeId = usize;

/// Tags a site's plugins provide, kept opaque: they parse (a block's body as Liquid)
/// and render as nothing, marked unknown in the map.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Tag names (e.g. `seo`, `feed_meta`).
    pub extra_tags: HashSet<String>,
    /// Block tag names, closed by `end<name>`.
    pub extra_blocks: HashSet<String>,
}

impl ParseOptions {
    pub fn with_tags<I, S>(tags: I, blocks: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ParseOptions {
            extra_tags: tags.into_iter().map(Into::into).collect(),
            extra_blocks: blocks.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Template {
    /// The parsed text (node spans index into it).
    pub source: String,
    pub nodes: Vec<Node>,
    pub root: Vec<NodeId>,
    /// What stops `jekyll build`. Liquid stops at the first error, so there is at most
    /// one; the template is then partial.
    pub errors: Vec<LiquidError>,
    /// `template.warnings` (strict-parse failures that lax parsing accepted).
    pub warnings: Vec<LiquidError>,
}

impl Template {
    /// Every filter call in the template: (filter name, the `{{ … }}`/tag span). A name
    /// for which [`crate::filters::is_filter`] is false is one Jekyll silently ignores
    /// (`strict_filters: false`).
    pub fn filter_uses(&self) -> Vec<(&str, Range<usize>)> {
        let mut out = Vec::new();
        for n in &self.nodes {
            let v = match &n.kind {
                NodeKind::Output(v) | NodeKind::Echo(v) => v,
                NodeKind::Assign { from, .. } => from,
                _ => continue,
            };
            for f in &v.filters {
                out.push((f.name.as_str(), n.span.clone()));
            }
        }
        out.sort_by_key(|(_, r)| r.start);
        out
    }

    /// The source text of a span (empty if out of range).
    pub fn src_text(&self, r: Range<usize>) -> &str {
        self.source.get(r).unwrap_or("")
    }
}

#[derive(Clone, Debug)]
pub struct Node {
    /// The source bytes: the kept text, or the whole `{% … %}` / `{{ … }}` token (for a
    /// block: its opening tag).
    pub span: Range<usize>,
    /// Liquid's line number for the node (the tag's `line_number`).
    pub line: u32,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Rel {
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub left: Expr,
    pub op: Option<String>,
    pub right: Expr,
}

/// A chain of comparisons evaluated left to right (`Condition#evaluate`).
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub parts: Vec<(Comparison, Option<Rel>)>,
}

#[derive(Clone, Debug)]
pub struct Branch {
    /// `None` for `else`.
    pub cond: Option<Condition>,
    pub body: Vec<NodeId>,
}

#[derive(Clone, Debug)]
pub enum Offset {
    None,
    Continue,
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub struct ForNode {
    pub var: String,
    pub collection: Expr,
    pub name: String,
    pub reversed: bool,
    pub limit: Option<Expr>,
    pub offset: Offset,
    pub body: Vec<NodeId>,
    pub else_body: Option<Vec<NodeId>>,
}

#[derive(Clone, Debug)]
pub struct IncludeNode {
    pub relative: bool,
    pub tag_name: String,
    /// The file markup (`None` for an empty tag).
    pub file: Option<String>,
    pub params: Option<String>,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Text,
    Output(Variable),
    Echo(Variable),
    Assign {
        to: String,
        from: Variable,
    },
    Capture {
        to: String,
        body: Vec<NodeId>,
    },
    If {
        unless: bool,
        branches: Vec<Branch>,
    },
    Case {
        left: Expr,
        /// (condition or `None` for else, index into `bodies`)
        blocks: Vec<(Option<Expr>, usize)>,
        bodies: Vec<Vec<NodeId>>,
    },
    For(Box<ForNode>),
    TableRow {
        var: String,
        collection: Expr,
        attributes: Vec<(String, Expr)>,
        body: Vec<NodeId>,
    },
    Raw {
        body: Range<usize>,
    },
    Comment,
    InlineComment,
    Increment(String),
    Decrement(String),
    Cycle {
        name: Option<Expr>,
        key: String,
        values: Vec<Expr>,
    },
    Break,
    Continue,
    Ifchanged(Vec<NodeId>),
    Include(Box<IncludeNode>),
    /// Liquid's `render`: Jekyll gives it no file system, so rendering it fails.
    Render,
    PostUrl(String),
    Link(String),
    Highlight {
        lang: String,
        body: Vec<NodeId>,
    },
    /// A plugin tag or block declared in [`ParseOptions`].
    Plugin {
        name: String,
        body: Option<Vec<NodeId>>,
    },
}

impl NodeKind {
    fn blank(&self) -> bool {
        matches!(
            self,
            NodeKind::Assign { .. }
                | NodeKind::Capture { .. }
                | NodeKind::Comment
                | NodeKind::InlineComment
        )
    }
}

const LIQUID_TAGS: &[&str] = &[
    "assign",
    "break",
    "capture",
    "case",
    "comment",
    "continue",
    "cycle",
    "decrement",
    "echo",
    "for",
    "if",
    "ifchanged",
    "include",
    "increment",
    "#",
    "raw",
    "render",
    "tablerow",
    "unless",
    // Jekyll's
    "include_relative",
    "post_url",
    "highlight",
    "link",
];

enum TokSrc<'a> {
    Doc {
        t: Tokenizer<'a>,
        line: u32,
    },
    /// The lines of a `{% liquid %}` tag: byte ranges, next index, line number.
    Lines {
        lines: Vec<Range<usize>>,
        next: usize,
        line: u32,
    },
}

impl TokSrc<'_> {
    fn line(&self) -> u32 {
        match self {
            TokSrc::Doc { line, .. } | TokSrc::Lines { line, .. } => *line,
        }
    }
}

enum FrameKind {
    Document,
    LiquidTag,
    If {
        unless: bool,
        done: Vec<Branch>,
        cond: Option<Condition>,
    },
    Case {
        left: Expr,
        blocks: Vec<(Option<Expr>, usize)>,
        bodies: Vec<Vec<NodeId>>,
        /// Which entry of `bodies` the current body is (`None`: before the first when).
        cur: Option<usize>,
    },
    For {
        node: Box<ForNode>,
        in_else: bool,
    },
    Comment,
    Capture(String),
    Ifchanged,
    TableRow {
        var: String,
        collection: Expr,
        attributes: Vec<(String, Expr)>,
    },
    Highlight(String),
    Plugin(String),
}

struct Frame {
    kind: FrameKind,
    name: String,
    open: Range<usize>,
    line: u32,
    body: Vec<NodeId>,
    body_blank: bool,
    block_blank: bool,
}

struct Parser<'a> {
    src: &'a str,
    opts: &'a ParseOptions,
    nodes: Vec<Node>,
    warnings: Vec<LiquidError>,
    /// `parse_context.line_number`.
    line: u32,
    /// `parse_context.trim_whitespace`.
    trim: bool,
    toks: Vec<TokSrc<'a>>,
    frames: Vec<Frame>,
}

type PResult<T> = Result<T, LiquidError>;

/// Parse a post body as Jekyll does (`Liquid::Template.parse(content, line_numbers:
/// true)` with `error_mode: warn` and Jekyll's tags).
pub fn parse(src: &str, opts: &ParseOptions) -> Template {
    let mut p = Parser {
        src,
        opts,
        nodes: Vec::new(),
        warnings: Vec::new(),
        line: 1,
        trim: false,
        toks: vec![TokSrc::Doc {
            t: Tokenizer::new(src),
            line: 1,
        }],
        frames: vec![Frame {
            kind: FrameKind::Document,
            name: String::new(),
            open: 0..0,
            line: 1,
            body: Vec::new(),
            body_blank: true,
            block_blank: true,
        }],
    };
    let res = p.run();
    let mut errors = Vec::new();
    if let Err(e) = res {
        errors.push(e);
    }
    // Whatever was parsed: the document body (and, after an error, the open blocks'
    // bodies, flattened so a linter still sees their nodes).
    let mut root = Vec::new();
    for f in p.frames.drain(..) {
        root.extend(f.body);
    }
    Template {
        source: src.to_string(),
        nodes: p.nodes,
        root,
        errors,
        warnings: p.warnings,
    }
}

fn count_nl(s: &str) -> u32 {
    s.bytes().filter(|&b| b == b'\n').count() as u32
}

fn cap<'t>(c: &regex::Captures<'t>, i: usize) -> Option<&'t str> {
    c.get(i).map(|m| m.as_str())
}

fn unknown_tag_error(tag: &str, block_name: &str, delim: &str) -> String {
    if tag == "else" {
        format!("{block_name} tag does not expect 'else' tag")
    } else if tag.starts_with("end") {
        format!("'{tag}' is not a valid delimiter for {block_name} tags. use {delim}")
    } else {
        format!("Unknown tag '{tag}'")
    }
}

enum Step {
    Continue,
    Done,
}

impl<'a> Parser<'a> {
    fn known(&self, name: &str) -> bool {
        LIQUID_TAGS.contains(&name)
            || self.opts.extra_tags.contains(name)
            || self.opts.extra_blocks.contains(name)
    }

    fn tok_line(&self) -> u32 {
        self.toks.last().map_or(1, |t| t.line())
    }

    fn push_node(&mut self, span: Range<usize>, line: u32, kind: NodeKind) -> NodeId {
        self.nodes.push(Node { span, line, kind });
        self.nodes.len() - 1
    }

    fn top(&mut self) -> &mut Frame {
        // There is always the document frame.
        let n = self.frames.len();
        &mut self.frames[n - 1]
    }

    fn err(&self, msg: impl Into<String>, span: Range<usize>) -> LiquidError {
        LiquidError::syntax(msg, Some(self.line), span)
    }

    fn warn(&mut self, e: StrictError, line: u32, context: String, span: Range<usize>) {
        let mut w = LiquidError::syntax(e.0, Some(line), span);
        w.message.push(' ');
        w.message.push_str(&context);
        self.warnings.push(w);
    }

    fn run(&mut self) -> PResult<()> {
        loop {
            if let Step::Done = self.step()? {
                return Ok(());
            }
        }
    }

    fn step(&mut self) -> PResult<Step> {
        let Some(ts) = self.toks.last_mut() else {
            return Ok(Step::Done);
        };
        match ts {
            TokSrc::Doc { t, line } => {
                let Some(tok) = t.next_token() else {
                    return self.yield_end(None);
                };
                *line += count_nl(&self.src[tok.start..tok.end]);
                let span = tok.start..tok.end;
                match tok.kind {
                    TokKind::Tag => self.doc_tag(span),
                    TokKind::Var => {
                        self.whitespace_handler(&span);
                        let text = &self.src[span.clone()];
                        let Some(c) = syntax::CONTENT_OF_VARIABLE.captures(text) else {
                            return Err(self.err(
                                format!(
                                    "Variable '{text}' was not properly terminated with regexp: /\\}}\\}}/"
                                ),
                                span,
                            ));
                        };
                        let markup = cap(&c, 1).unwrap_or("");
                        let (v, w) = Variable::parse(markup);
                        if let Some(w) = w {
                            self.warn(
                                w,
                                self.line,
                                format!("in \"{{{{{markup}}}}}\""),
                                span.clone(),
                            );
                        }
                        let line = self.line;
                        let id = self.push_node(span, line, NodeKind::Output(v));
                        let f = self.top();
                        f.body.push(id);
                        f.body_blank = false;
                        self.line = self.tok_line();
                        Ok(Step::Continue)
                    }
                    TokKind::Text => {
                        let mut s = span.start;
                        if self.trim {
                            let t = syntax::lstrip(&self.src[span.clone()]);
                            s = span.end - t.len();
                        }
                        self.trim = false;
                        let blank = self.src[s..span.end].bytes().all(syntax::is_ws);
                        let line = self.line;
                        let id = self.push_node(s..span.end, line, NodeKind::Text);
                        let f = self.top();
                        f.body.push(id);
                        f.body_blank &= blank;
                        self.line = self.tok_line();
                        Ok(Step::Continue)
                    }
                }
            }
            TokSrc::Lines { lines, next, line } => {
                let Some(r) = lines.get(*next).cloned() else {
                    return self.yield_end(None);
                };
                *next += 1;
                *line += 1;
                let text = &self.src[r.clone()];
                if text.bytes().all(syntax::is_ws) {
                    self.line = self.tok_line();
                    return Ok(Step::Continue);
                }
                let Some(c) = syntax::LIQUID_TAG_TOKEN.captures(text) else {
                    return self.yield_end(Some((text.to_string(), text.to_string(), r)));
                };
                let name = cap(&c, 1).unwrap_or("").to_string();
                let m = c
                    .get(2)
                    .map_or(r.end..r.end, |m| r.start + m.start()..r.start + m.end());
                if !self.known(&name) {
                    return self.yield_end(Some((name, self.src[m].to_string(), r)));
                }
                self.create_tag(&name, m, r, false)?;
                Ok(Step::Continue)
            }
        }
    }

    /// `BlockBody#whitespace_handler`.
    fn whitespace_handler(&mut self, span: &Range<usize>) {
        let t = &self.src.as_bytes()[span.clone()];
        if t.get(2) == Some(&b'-')
            && let Some(&last) = self.top().body.last()
            && let NodeKind::Text = self.nodes[last].kind
        {
            let r = self.nodes[last].span.clone();
            let kept = syntax::rstrip(&self.src[r.clone()]);
            self.nodes[last].span = r.start..r.start + kept.len();
        }
        // token[-3]: the third character from the end.
        let s = &self.src[span.clone()];
        self.trim = s.chars().rev().nth(2) == Some('-');
    }

    fn doc_tag(&mut self, span: Range<usize>) -> PResult<Step> {
        self.whitespace_handler(&span);
        let text = &self.src[span.clone()];
        let Some(c) = syntax::FULL_TOKEN.captures(text) else {
            return Err(self.err(
                format!("Tag '{text}' was not properly terminated with regexp: /\\%\\}}/"),
                span,
            ));
        };
        let name = cap(&c, 2).unwrap_or("").to_string();
        self.line += count_nl(cap(&c, 1).unwrap_or("")) + count_nl(cap(&c, 3).unwrap_or(""));
        let m = c.get(4).map_or(span.end..span.end, |m| {
            span.start + m.start()..span.start + m.end()
        });
        if name == "liquid" {
            let lines = split_lines(self.src, m);
            // The liquid tag's tokenizer starts at the current line; its body is parsed
            // into the current block body.
            let line = self.line;
            self.toks.push(TokSrc::Lines {
                lines,
                next: 0,
                line,
            });
            self.frames.push(Frame {
                kind: FrameKind::LiquidTag,
                name: "liquid".into(),
                open: span,
                line,
                body: Vec::new(),
                body_blank: true,
                block_blank: true,
            });
            return Ok(Step::Continue);
        }
        if !self.known(&name) {
            let markup = self.src[m].to_string();
            return self.yield_end(Some((name, markup, span)));
        }
        self.create_tag(&name, m, span, true)?;
        Ok(Step::Continue)
    }

    /// The block being parsed receives an end/unknown tag or the end of its tokens.
    fn yield_end(&mut self, tag: Option<(String, String, Range<usize>)>) -> PResult<Step> {
        let f = self.top();
        f.block_blank &= f.body_blank;
        let delim = format!("end{}", f.name);
        match &f.kind {
            FrameKind::Document => match tag {
                None => Ok(Step::Done),
                Some((t, _, span)) => {
                    if t == "else" || t == "end" {
                        Err(self.err(format!("Unexpected outer '{t}' tag"), span))
                    } else {
                        Err(self.err(format!("Unknown tag '{t}'"), span))
                    }
                }
            },
            FrameKind::LiquidTag => match tag {
                None => {
                    // parse_liquid_tag returns; the document loop `next`s without
                    // updating the line.
                    self.toks.pop();
                    if let Some(f) = self.frames.pop() {
                        let p = self.top();
                        p.body.extend(f.body);
                        p.body_blank &= f.body_blank;
                    }
                    Ok(Step::Continue)
                }
                Some((t, _, span)) => Err(self.err(unknown_tag_error(&t, "liquid", "%}"), span)),
            },
            _ => {
                let Some((t, markup, span)) = tag else {
                    let name = f.name.clone();
                    let open = f.open.clone();
                    return Err(self.err(format!("'{name}' tag was never closed"), open));
                };
                if t == delim {
                    self.close_block(Some(span));
                    return Ok(Step::Continue);
                }
                self.block_unknown_tag(t, markup, span)
            }
        }
    }

    /// `unknown_tag` of the block on top.
    fn block_unknown_tag(
        &mut self,
        t: String,
        markup: String,
        span: Range<usize>,
    ) -> PResult<Step> {
        let line_now = self.line;
        let f = self.top();
        let name = f.name.clone();
        let delim = format!("end{name}");
        match &mut f.kind {
            FrameKind::If { done, cond, .. } if t == "elsif" || t == "else" => {
                let body = std::mem::take(&mut f.body);
                done.push(Branch {
                    cond: cond.take(),
                    body,
                });
                if t == "elsif" {
                    // The warning carries the `if` tag's line_number.
                    let if_line = self.top().line;
                    let _ = line_now;
                    let c = self.parse_condition(&markup, if_line, &span)?;
                    if let FrameKind::If { cond, .. } = &mut self.top().kind {
                        *cond = Some(c);
                    }
                }
                self.start_body();
                Ok(Step::Continue)
            }
            FrameKind::Case { .. } if t == "when" || t == "else" => {
                let body = std::mem::take(&mut f.body);
                if let FrameKind::Case { bodies, cur, .. } = &mut f.kind
                    && let Some(i) = *cur
                    && let Some(b) = bodies.get_mut(i)
                {
                    *b = body;
                }
                if t == "when" {
                    let conds = when_conditions(&markup)
                        .ok_or_else(|| self.err("Syntax Error in tag 'case' - Valid when condition: {% when [condition] [or condition2...] %}", span.clone()))?;
                    if let FrameKind::Case {
                        blocks,
                        bodies,
                        cur,
                        ..
                    } = &mut self.top().kind
                    {
                        bodies.push(Vec::new());
                        let bi = bodies.len() - 1;
                        for c in conds {
                            blocks.push((Some(c), bi));
                        }
                        *cur = Some(bi);
                    }
                } else {
                    if !strip(&markup).is_empty() {
                        return Err(self.err(
                            "Syntax Error in tag 'case' - Valid else condition: {% else %} (no parameters) ",
                            span,
                        ));
                    }
                    if let FrameKind::Case {
                        blocks,
                        bodies,
                        cur,
                        ..
                    } = &mut self.top().kind
                    {
                        bodies.push(Vec::new());
                        let bi = bodies.len() - 1;
                        blocks.push((None, bi));
                        *cur = Some(bi);
                    }
                }
                self.start_body();
                Ok(Step::Continue)
            }
            FrameKind::For { node, in_else } if t == "else" => {
                if !*in_else {
                    node.body = std::mem::take(&mut f.body);
                    *in_else = true;
                    self.start_body();
                } else {
                    // A second `else`: For#parse is done after the else body; the new
                    // else block stays empty and the for closes here.
                    f.body.clear();
                    self.close_block(None);
                }
                Ok(Step::Continue)
            }
            FrameKind::Comment => {
                // Comment#unknown_tag ignores the tag; parse_body runs again on the
                // same body.
                self.line = self.tok_line();
                Ok(Step::Continue)
            }
            _ => Err(self.err(unknown_tag_error(&t, &name, &delim), span)),
        }
    }

    /// `parse_body` starting another body of the block on top.
    fn start_body(&mut self) {
        self.line = self.tok_line();
        let f = self.top();
        f.body.clear();
        f.body_blank = true;
    }

    fn block_depth(&self) -> usize {
        self.frames
            .iter()
            .filter(|f| !matches!(f.kind, FrameKind::Document | FrameKind::LiquidTag))
            .count()
    }

    fn remove_blank_strings(&self, body: &mut Vec<NodeId>) {
        body.retain(|&id| !matches!(self.nodes[id].kind, NodeKind::Text));
    }

    /// The block on top is done (its end tag, or For's second `else`).
    fn close_block(&mut self, _end: Option<Range<usize>>) {
        let Some(mut f) = self.frames.pop() else {
            return;
        };
        let blank = f.block_blank;
        let body = std::mem::take(&mut f.body);
        let kind = match f.kind {
            FrameKind::If {
                unless,
                mut done,
                cond,
            } => {
                done.push(Branch { cond, body });
                if blank {
                    for b in &mut done {
                        self.remove_blank_strings(&mut b.body);
                    }
                }
                NodeKind::If {
                    unless,
                    branches: done,
                }
            }
            FrameKind::Case {
                left,
                blocks,
                mut bodies,
                cur,
            } => {
                if let Some(i) = cur
                    && let Some(b) = bodies.get_mut(i)
                {
                    *b = body;
                }
                if blank {
                    for b in &mut bodies {
                        self.remove_blank_strings(b);
                    }
                }
                NodeKind::Case {
                    left,
                    blocks,
                    bodies,
                }
            }
            FrameKind::For { mut node, in_else } => {
                if in_else {
                    node.else_body = Some(body);
                } else {
                    node.body = body;
                }
                if blank {
                    let mut b = std::mem::take(&mut node.body);
                    self.remove_blank_strings(&mut b);
                    node.body = b;
                    if let Some(mut e) = node.else_body.take() {
                        self.remove_blank_strings(&mut e);
                        node.else_body = Some(e);
                    }
                }
                NodeKind::For(node)
            }
            FrameKind::Comment => NodeKind::Comment,
            FrameKind::Capture(to) => NodeKind::Capture { to, body },
            FrameKind::Ifchanged => NodeKind::Ifchanged(body),
            FrameKind::TableRow {
                var,
                collection,
                attributes,
            } => NodeKind::TableRow {
                var,
                collection,
                attributes,
                body,
            },
            FrameKind::Highlight(lang) => NodeKind::Highlight { lang, body },
            FrameKind::Plugin(name) => NodeKind::Plugin {
                name,
                body: Some(body),
            },
            FrameKind::Document | FrameKind::LiquidTag => return,
        };
        let node_blank = match &kind {
            NodeKind::Comment | NodeKind::Capture { .. } => true,
            _ => blank,
        };
        let id = self.push_node(f.open, f.line, kind);
        let line = self.tok_line();
        let p = self.top();
        p.body.push(id);
        p.body_blank &= node_blank;
        self.line = line;
    }

    fn open_block(
        &mut self,
        kind: FrameKind,
        name: &str,
        span: Range<usize>,
        line: u32,
    ) -> PResult<()> {
        if self.block_depth() >= MAX_DEPTH {
            return Err(LiquidError::liquid(
                "StackLevelError",
                "Nesting too deep",
                None,
                span,
            ));
        }
        self.frames.push(Frame {
            kind,
            name: name.to_string(),
            open: span,
            line,
            body: Vec::new(),
            body_blank: true,
            block_blank: true,
        });
        self.line = self.tok_line();
        Ok(())
    }

    fn add_tag(&mut self, span: Range<usize>, line: u32, kind: NodeKind) {
        let blank = kind.blank();
        self.add_tag_blank(span, line, kind, blank);
    }

    fn add_tag_blank(&mut self, span: Range<usize>, line: u32, kind: NodeKind, blank: bool) {
        let id = self.push_node(span, line, kind);
        let l = self.tok_line();
        let f = self.top();
        f.body.push(id);
        f.body_blank &= blank;
        self.line = l;
    }

    /// `tag.parse(tag_name, markup, tokenizer, parse_context)` for a known tag.
    fn create_tag(
        &mut self,
        name: &str,
        m: Range<usize>,
        span: Range<usize>,
        doc: bool,
    ) -> PResult<()> {
        let markup = &self.src[m.clone()];
        let line = self.line;
        match name {
            "if" | "unless" => {
                let c = self.parse_condition(markup, line, &span)?;
                self.open_block(
                    FrameKind::If {
                        unless: name == "unless",
                        done: Vec::new(),
                        cond: Some(c),
                    },
                    name,
                    span,
                    line,
                )
            }
            "case" => {
                let Some(c) = syntax::CASE_SYNTAX.captures(markup) else {
                    return Err(self.err(
                        "Syntax Error in 'case' - Valid syntax: case [condition]",
                        span,
                    ));
                };
                let left = Expr::parse(cap(&c, 1).unwrap_or(""));
                self.open_block(
                    FrameKind::Case {
                        left,
                        blocks: Vec::new(),
                        bodies: Vec::new(),
                        cur: None,
                    },
                    name,
                    span,
                    line,
                )
            }
            "for" => {
                let node = self.parse_for(markup, line, &span)?;
                self.open_block(
                    FrameKind::For {
                        node: Box::new(node),
                        in_else: false,
                    },
                    name,
                    span,
                    line,
                )
            }
            "tablerow" => {
                let Some(c) = syntax::TABLEROW_SYNTAX.captures(markup) else {
                    return Err(self.err(
                        "Syntax Error in 'table_row loop' - Valid syntax: table_row [item] in [collection] cols=3",
                        span,
                    ));
                };
                let var = cap(&c, 1).unwrap_or("").to_string();
                let collection = Expr::parse(cap(&c, 2).unwrap_or(""));
                let mut attributes: Vec<(String, Expr)> = Vec::new();
                for a in syntax::TAG_ATTRIBUTES.captures_iter(markup) {
                    let k = cap(&a, 1).unwrap_or("").to_string();
                    let v = Expr::parse(cap(&a, 2).unwrap_or(""));
                    if let Some(e) = attributes.iter_mut().find(|e| e.0 == k) {
                        e.1 = v;
                    } else {
                        attributes.push((k, v));
                    }
                }
                self.open_block(
                    FrameKind::TableRow {
                        var,
                        collection,
                        attributes,
                    },
                    name,
                    span,
                    line,
                )
            }
            "capture" => {
                let Some(c) = syntax::CAPTURE_SYNTAX.captures(markup) else {
                    return Err(self.err(
                        "Syntax Error in 'capture' - Valid syntax: capture [var]",
                        span,
                    ));
                };
                let to = cap(&c, 1).unwrap_or("").to_string();
                self.open_block(FrameKind::Capture(to), name, span, line)
            }
            "comment" => self.open_block(FrameKind::Comment, name, span, line),
            "ifchanged" => self.open_block(FrameKind::Ifchanged, name, span, line),
            "highlight" => {
                let Some(c) = syntax::HIGHLIGHT_SYNTAX.captures(strip(markup)) else {
                    return Err(LiquidError::ruby(
                        "SyntaxError",
                        format!(
                            "Syntax Error in tag 'highlight' while parsing the following markup:\n\n{markup}\n\nValid syntax: highlight <lang> [linenos]\n"
                        ),
                        span,
                    ));
                };
                let lang = cap(&c, 1).unwrap_or("").to_ascii_lowercase();
                self.open_block(FrameKind::Highlight(lang), name, span, line)
            }
            "raw" => {
                if !strip_ws_only(markup) {
                    return Err(self.err("Syntax Error in 'raw' - Valid syntax: raw", span));
                }
                self.parse_raw(span, line)
            }
            "#" => {
                if syntax::INLINE_COMMENT_BAD.is_match(markup) {
                    return Err(self.err(
                        "Syntax error in tag '#' - Each line of comments must be prefixed by the '#' character",
                        span,
                    ));
                }
                self.add_tag(span, line, NodeKind::InlineComment);
                Ok(())
            }
            "assign" => {
                let Some(c) = syntax::ASSIGN_SYNTAX.captures(markup) else {
                    return Err(self.err(
                        "Syntax Error in 'assign' - Valid syntax: assign [var] = [source]",
                        span,
                    ));
                };
                let to = cap(&c, 1).unwrap_or("").to_string();
                let rhs = cap(&c, 2).unwrap_or("");
                let (from, w) = Variable::parse(rhs);
                if let Some(w) = w {
                    self.warn(w, line, format!("in \"{{{{{rhs}}}}}\""), span.clone());
                }
                self.add_tag(span, line, NodeKind::Assign { to, from });
                Ok(())
            }
            "echo" => {
                let (v, w) = Variable::parse(markup);
                if let Some(w) = w {
                    self.warn(w, line, format!("in \"{{{{{markup}}}}}\""), span.clone());
                }
                self.add_tag(span, line, NodeKind::Echo(v));
                Ok(())
            }
            "increment" => {
                let k = NodeKind::Increment(strip(markup).to_string());
                self.add_tag(span, line, k);
                Ok(())
            }
            "decrement" => {
                let k = NodeKind::Decrement(strip(markup).to_string());
                self.add_tag(span, line, k);
                Ok(())
            }
            "cycle" => {
                let k = if let Some(c) = syntax::CYCLE_NAMED.captures(markup) {
                    NodeKind::Cycle {
                        name: Some(Expr::parse(cap(&c, 1).unwrap_or(""))),
                        key: String::new(),
                        values: cycle_values(cap(&c, 2).unwrap_or("")),
                    }
                } else if syntax::CYCLE_SIMPLE.is_match(markup) {
                    let values = cycle_values(markup);
                    let key = format!("{values:?}");
                    NodeKind::Cycle {
                        name: None,
                        key,
                        values,
                    }
                } else {
                    return Err(self.err(
                        "Syntax Error in 'cycle' - Valid syntax: cycle [name :] var [, var2, var3 ...]",
                        span,
                    ));
                };
                self.add_tag(span, line, k);
                Ok(())
            }
            "break" => {
                self.add_tag(span, line, NodeKind::Break);
                Ok(())
            }
            "continue" => {
                self.add_tag(span, line, NodeKind::Continue);
                Ok(())
            }
            "render" => {
                if !syntax::RENDER_SYNTAX.is_match(markup) {
                    return Err(self.err(
                        "Syntax error in tag 'render' - Template name must be a quoted string",
                        span,
                    ));
                }
                self.add_tag(span, line, NodeKind::Render);
                Ok(())
            }
            "include" | "include_relative" => {
                let node = include_markup(name, markup)
                    .map_err(|msg| LiquidError::ruby("ArgumentError", msg, span.clone()))?;
                self.add_tag(span, line, NodeKind::Include(Box::new(node)));
                Ok(())
            }
            "post_url" => {
                let orig = strip(markup).to_string();
                if crate::render::post_comparer(&orig).is_none() {
                    return Err(LiquidError::ruby(
                        "Jekyll::Errors::PostURLError",
                        format!(
                            "Could not parse name of post \"{orig}\" in tag 'post_url'.\n Make sure the post exists and the name is correct.\n Jekyll::Errors::InvalidPostNameError: '{orig}' does not contain valid date and/or title.\n"
                        ),
                        span,
                    ));
                }
                self.add_tag(span, line, NodeKind::PostUrl(orig));
                Ok(())
            }
            "link" => {
                let k = NodeKind::Link(strip(markup).to_string());
                self.add_tag(span, line, k);
                Ok(())
            }
            _ => {
                let _ = doc;
                if self.opts.extra_blocks.contains(name) {
                    self.open_block(FrameKind::Plugin(name.to_string()), name, span, line)
                } else {
                    self.add_tag(
                        span,
                        line,
                        NodeKind::Plugin {
                            name: name.to_string(),
                            body: None,
                        },
                    );
                    Ok(())
                }
            }
        }
    }

    /// `Raw#parse`: tokens are taken as they are until one ends with `{% endraw %}`.
    fn parse_raw(&mut self, span: Range<usize>, line: u32) -> PResult<()> {
        let body_start = span.end;
        let mut body_end = None;
        match self.toks.last_mut() {
            Some(TokSrc::Doc { t, line: tl }) => {
                while let Some(tok) = t.next_token() {
                    let text = &self.src[tok.start..tok.end];
                    *tl += count_nl(text);
                    if let Some(c) = syntax::RAW_END.captures(text)
                        && cap(&c, 2) == Some("endraw")
                    {
                        let pre = c.get(1).map_or(0, |m| m.end());
                        body_end = Some(tok.start + pre);
                        break;
                    }
                }
            }
            Some(TokSrc::Lines {
                lines,
                next,
                line: tl,
            }) => {
                // Lines of a liquid tag never hold `{% … %}`.
                *tl += (lines.len() - (*next).min(lines.len())) as u32;
                *next = lines.len();
            }
            None => {}
        }
        let Some(end) = body_end else {
            return Err(self.err("'raw' tag was never closed", span));
        };
        let start = body_start.min(end);
        // Raw#blank? is body.empty?
        self.add_tag_blank(span, line, NodeKind::Raw { body: start..end }, start == end);
        Ok(())
    }

    fn parse_for(&mut self, markup: &str, line: u32, span: &Range<usize>) -> PResult<ForNode> {
        match strict_for(markup) {
            Ok(n) => Ok(n),
            Err(e) => {
                self.warn(e, line, format!("in \"{}\"", strip(markup)), span.clone());
                let Some(c) = syntax::FOR_SYNTAX.captures(markup) else {
                    return Err(self.err(
                        "Syntax Error in 'for loop' - Valid syntax: for [item] in [collection]",
                        span.clone(),
                    ));
                };
                let var = cap(&c, 1).unwrap_or("").to_string();
                let coll = cap(&c, 2).unwrap_or("");
                let mut n = ForNode {
                    name: format!("{var}-{coll}"),
                    var,
                    collection: Expr::parse(coll),
                    reversed: c.get(3).is_some(),
                    limit: None,
                    offset: Offset::None,
                    body: Vec::new(),
                    else_body: None,
                };
                for a in syntax::TAG_ATTRIBUTES.captures_iter(markup) {
                    set_for_attribute(&mut n, cap(&a, 1).unwrap_or(""), cap(&a, 2).unwrap_or(""));
                }
                Ok(n)
            }
        }
    }

    /// If#parse_with_selected_parser: strict, else a warning and the lax parse.
    fn parse_condition(
        &mut self,
        markup: &str,
        line: u32,
        span: &Range<usize>,
    ) -> PResult<Condition> {
        match strict_condition(markup) {
            Ok(c) => Ok(c),
            Err(e) => {
                self.warn(e, line, format!("in \"{}\"", strip(markup)), span.clone());
                lax_condition(markup).ok_or_else(|| {
                    self.err(
                        "Syntax Error in tag 'if' - Valid syntax: if [expression]",
                        span.clone(),
                    )
                })
            }
        }
    }
}

fn strip_ws_only(s: &str) -> bool {
    s.bytes().all(syntax::is_ws)
}

/// Ruby `markup.split("\n")` with byte ranges (trailing empty lines dropped).
fn split_lines(src: &str, m: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if m.start >= m.end {
        return out;
    }
    let s = &src[m.clone()];
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b'\n' {
            out.push(m.start + start..m.start + i);
            start = i + 1;
        }
    }
    out.push(m.start + start..m.end);
    while out.last().is_some_and(|r| r.start == r.end) {
        out.pop();
    }
    out
}

fn cycle_values(markup: &str) -> Vec<Expr> {
    markup
        .split(',')
        .filter_map(|v| {
            syntax::CYCLE_VAR
                .captures(v)
                .and_then(|c| c.get(1).map(|m| Expr::parse(m.as_str())))
        })
        .collect()
}

fn set_for_attribute(n: &mut ForNode, key: &str, value: &str) {
    match key {
        "offset" => {
            n.offset = if value == "continue" {
                Offset::Continue
            } else {
                Offset::Expr(Expr::parse(value))
            }
        }
        "limit" => n.limit = Some(Expr::parse(value)),
        _ => {}
    }
}

fn strict_for(markup: &str) -> Result<ForNode, StrictError> {
    let mut p = StrictParser::new(markup)?;
    let var = p.consume(Some(Tok::Id))?.to_string();
    if !p.id_is("in") {
        return Err(StrictError("For loops require an 'in' clause".into()));
    }
    let coll = p.expression()?;
    let mut n = ForNode {
        name: format!("{var}-{coll}"),
        var,
        collection: Expr::parse(&coll),
        reversed: p.id_is("reversed"),
        limit: None,
        offset: Offset::None,
        body: Vec::new(),
        else_body: None,
    };
    while p.look(Tok::Id, 0) && p.look(Tok::Colon, 1) {
        let attr = if p.id_is("limit") {
            "limit"
        } else if p.id_is("offset") {
            "offset"
        } else {
            return Err(StrictError(
                "Invalid attribute in for loop. Valid attributes are limit and offset".into(),
            ));
        };
        p.consume(None)?;
        let e = p.expression()?;
        set_for_attribute(&mut n, attr, &e);
    }
    p.consume(Some(Tok::End))?;
    Ok(n)
}

fn strict_condition(markup: &str) -> Result<Condition, StrictError> {
    let mut p = StrictParser::new(markup)?;
    let mut parts = Vec::new();
    loop {
        let a = Expr::parse_condition(&p.expression()?);
        let cmp = if let Some(op) = p.consume_if(Tok::Comparison) {
            let b = Expr::parse_condition(&p.expression()?);
            Comparison {
                left: a,
                op: Some(op.to_string()),
                right: b,
            }
        } else {
            Comparison {
                left: a,
                op: None,
                right: Expr::Nil,
            }
        };
        let rel = if p.id_is("and") {
            Some(Rel::And)
        } else if p.id_is("or") {
            Some(Rel::Or)
        } else {
            None
        };
        let more = rel.is_some();
        parts.push((cmp, rel));
        if !more {
            break;
        }
    }
    p.consume(Some(Tok::End))?;
    Ok(Condition { parts })
}

/// One `If::Syntax` match as a comparison.
fn lax_comparison(s: &str) -> Option<Comparison> {
    let c = syntax::IF_SYNTAX.captures(s)?;
    Some(Comparison {
        left: Expr::parse_condition(cap(&c, 1).unwrap_or("")),
        op: cap(&c, 2).map(str::to_string),
        right: match cap(&c, 3) {
            Some(r) => Expr::parse_condition(r),
            None => Expr::Nil,
        },
    })
}

/// If#lax_parse. `None` means Liquid raises the `if` syntax error.
fn lax_condition(markup: &str) -> Option<Condition> {
    let mut exprs = if_expressions(markup);
    let last = exprs.pop()?;
    let mut chain = vec![(lax_comparison(last)?, None)];
    while !exprs.is_empty() {
        let op = strip(exprs.pop().unwrap_or("")).to_string();
        let prev = exprs.pop().unwrap_or("");
        let c = lax_comparison(prev)?;
        let rel = match op.as_str() {
            "and" => Rel::And,
            "or" => Rel::Or,
            _ => return None,
        };
        chain.push((c, Some(rel)));
    }
    chain.reverse();
    Some(Condition { parts: chain })
}

/// `markup.scan(ExpressionsAndOperators)`, with the negative look-ahead by hand:
/// `(?:\b(?:\s?and\s?|\s?or\s?)\b|(?:\s*(?!\b(?:\s?and\s?|\s?or\s?)\b)(?:QF|\S+)\s*)+)`.
fn if_expressions(m: &str) -> Vec<&str> {
    let b = m.as_bytes();
    let mut out = Vec::new();
    let mut p = 0;
    while p < b.len() {
        if let Some(e) = bool_op_at(b, p) {
            out.push(&m[p..e]);
            p = e;
            continue;
        }
        // B: repeated (\s*, not-an-operator, QF|\S+, \s*)
        let mut q = p;
        let mut matched = false;
        loop {
            let mut r = q;
            while r < b.len() && syntax::is_ws(b[r]) {
                r += 1;
            }
            if r >= b.len() || bool_op_at(b, r).is_some() {
                break;
            }
            let e = match qf_at(b, r) {
                Some(e) => e,
                None => {
                    let mut e = r;
                    while e < b.len() && !syntax::is_ws(b[e]) {
                        e += 1;
                    }
                    e
                }
            };
            if e == r {
                break;
            }
            let mut e2 = e;
            while e2 < b.len() && syntax::is_ws(b[e2]) {
                e2 += 1;
            }
            q = e2;
            matched = true;
        }
        if matched {
            out.push(&m[p..q]);
            p = q;
        } else {
            // Neither alternative matches here; inside a run of whitespace neither can
            // match before its end (no word boundary, and B's `\s*` would reach the
            // same point), so skip the run: linear on long runs of spaces.
            let mut r = p;
            while r < b.len() && syntax::is_ws(b[r]) {
                r += 1;
            }
            p = if r > p + 1 {
                r - 1
            } else {
                p + m[p..].chars().next().map_or(1, char::len_utf8)
            };
        }
    }
    out
}

fn word_at(b: &[u8], i: usize) -> bool {
    i < b.len() && syntax::is_word(b[i])
}

fn boundary(b: &[u8], i: usize) -> bool {
    let before = i > 0 && syntax::is_word(b[i - 1]);
    before != word_at(b, i)
}

/// `\b(?:\s?and\s?|\s?or\s?)\b` anchored at `p`: the end of the match.
fn bool_op_at(b: &[u8], p: usize) -> Option<usize> {
    if !boundary(b, p) {
        return None;
    }
    for word in [&b"and"[..], &b"or"[..]] {
        for lead in [1usize, 0] {
            let mut i = p;
            if lead == 1 {
                if i < b.len() && syntax::is_ws(b[i]) {
                    i += 1;
                } else {
                    continue;
                }
            }
            if !b[i.min(b.len())..].starts_with(word) {
                continue;
            }
            i += word.len();
            // \s? greedy, then \b
            if i < b.len() && syntax::is_ws(b[i]) && boundary(b, i + 1) {
                return Some(i + 1);
            }
            if boundary(b, i) {
                return Some(i);
            }
        }
    }
    None
}

/// QuotedFragment anchored at `i` (leftmost-first, greedy): its end.
fn qf_at(b: &[u8], i: usize) -> Option<usize> {
    let quoted = |j: usize| -> Option<usize> {
        let q = *b.get(j)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        b[j + 1..]
            .iter()
            .position(|&x| x == q)
            .map(|p| j + 1 + p + 1)
    };
    if let Some(e) = quoted(i) {
        return Some(e);
    }
    let mut j = i;
    loop {
        if j < b.len() && !syntax::is_ws(b[j]) && !matches!(b[j], b',' | b'|' | b'\'' | b'"') {
            j += 1;
        } else if let Some(e) = quoted(j) {
            j = e;
        } else {
            break;
        }
    }
    (j > i).then_some(j)
}

/// Case#record_when_condition: the when values, or `None` for the syntax error.
///
/// `WhenSyntax = /(QF)(?:(?:\s+or\s+|\s*\,\s*)(QF.*))?/m` applied to the rest again
/// and again, by hand on slices so that a long list stays linear.
fn when_conditions(markup: &str) -> Option<Vec<Expr>> {
    let b = markup.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        // Leftmost position where a QuotedFragment matches.
        let (start, end) = loop {
            if i >= b.len() {
                return None;
            }
            if let Some(e) = qf_at(b, i) {
                break (i, e);
            }
            i += markup[i..].chars().next().map_or(1, char::len_utf8);
        };
        out.push(Expr::parse_condition(&markup[start..end]));
        // (?:\s+or\s+|\s*,\s*) then an anchored QF.
        let mut j = end;
        while j < b.len() && syntax::is_ws(b[j]) {
            j += 1;
        }
        let next = if j > end && b[j..].starts_with(b"or") {
            let mut k = j + 2;
            let ws = k;
            while k < b.len() && syntax::is_ws(b[k]) {
                k += 1;
            }
            (k > ws && qf_at(b, k).is_some()).then_some(k)
        } else {
            None
        };
        let next = next.or_else(|| {
            if b.get(j) == Some(&b',') {
                let mut k = j + 1;
                while k < b.len() && syntax::is_ws(b[k]) {
                    k += 1;
                }
                qf_at(b, k).is_some().then_some(k)
            } else {
                None
            }
        });
        match next {
            Some(k) => i = k,
            None => return Some(out),
        }
    }
}

/// Jekyll's IncludeTag#initialize: the file and params, or validate_params' message.
fn include_markup(tag: &str, markup: &str) -> Result<IncludeNode, String> {
    let m = strip(markup);
    let (file, params) = if let Some(c) = syntax::INCLUDE_VARIABLE_SYNTAX.captures(m) {
        (
            Some(strip(c.name("variable").map_or("", |x| x.as_str())).to_string()),
            Some(strip(c.name("params").map_or("", |x| x.as_str())).to_string()),
        )
    } else {
        let mut it = split_ws2(m);
        (it.0.map(str::to_string), it.1.take().map(str::to_string))
    };
    if let Some(p) = &params
        && !full_valid_params(p)
    {
        return Err(format!(
            "Invalid syntax for include tag:\n\n{p}\n\nValid syntax:\n\n{{% {tag} file.ext param='value' param2='value' %}}\n\n"
        ));
    }
    Ok(IncludeNode {
        relative: tag == "include_relative",
        tag_name: tag.to_string(),
        file,
        params,
    })
}

/// Ruby `s.split(/\s+/, 2)` on a stripped string.
fn split_ws2(s: &str) -> (Option<&str>, Option<&str>) {
    if s.is_empty() {
        return (None, None);
    }
    match s.bytes().position(syntax::is_ws) {
        None => (Some(s), None),
        Some(i) => {
            let mut j = i;
            let b = s.as_bytes();
            while j < b.len() && syntax::is_ws(b[j]) {
                j += 1;
            }
            (Some(&s[..i]), Some(&s[j..]))
        }
    }
}

/// `FULL_VALID_SYNTAX = /\A\s*(?:VALID_SYNTAX(?=\s|\z)\s*)*\z/`.
fn full_valid_params(p: &str) -> bool {
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() && syntax::is_ws(b[i]) {
        i += 1;
    }
    while i < b.len() {
        let Some(m) = syntax::INCLUDE_VALID_PARAM.find(&p[i..]) else {
            return false;
        };
        let e = i + m.end();
        if e < b.len() && !syntax::is_ws(b[e]) {
            return false;
        }
        i = e;
        while i < b.len() && syntax::is_ws(b[i]) {
            i += 1;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> Option<(String, Option<u32>)> {
        let t = parse(s, &ParseOptions::default());
        t.errors.first().map(|e| (e.message.clone(), e.line))
    }

    #[test]
    fn basic_errors() {
        assert_eq!(
            err("a {% if x %}b").unwrap().0,
            "Liquid syntax error (line 1): 'if' tag was never closed"
        );
        assert_eq!(
            err("x\n{% foo %}").unwrap().0,
            "Liquid syntax error (line 2): Unknown tag 'foo'"
        );
        assert_eq!(
            err("{% if x %}{% endfor %}{% endif %}").unwrap().0,
            "Liquid syntax error (line 1): 'endfor' is not a valid delimiter for if tags. use endif"
        );
        assert_eq!(
            err("{{ x").unwrap().0,
            "Liquid syntax error (line 1): Variable '{{' was not properly terminated with regexp: /\\}\\}/"
        );
        assert!(err("{% if a %}{% elsif b %}{% else %}{% endif %}").is_none());
        assert!(err("{% raw %}{% if %}{% endraw %}").is_none());
        assert!(err("{% comment %}{% foo %}{% endcomment %}").is_none());
    }

    #[test]
    fn if_scan() {
        assert_eq!(if_expressions("a == b and c"), ["a == b ", "and ", "c"]);
    }
}
