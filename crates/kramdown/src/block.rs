//! Block-level parsing (parser/kramdown.rb `parse_blocks` and the block
//! parsers of parser/kramdown/*.rb, with the GFM overrides of gfm.rb), run
//! as an explicit stack machine instead of Ruby's recursion.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use crate::html::{self, downcase};
use crate::ial::parse_attribute_list;
use crate::scan::{self, opt_space};
use crate::text::{Line, LineSrc, MText, Src, VText, advance, is_strip, is_ws};
use crate::tree::{
    Attr, AttrOrigin, Category, ContentModel, Document, EobKind, Ial, Kind, Node, NodeId,
};
use crate::{Input, Options};

pub(crate) struct LinkDef<'a> {
    pub url: Cow<'a, str>,
    pub url_span: Option<std::ops::Range<usize>>,
    pub title: Option<Cow<'a, str>>,
    pub title_span: Option<std::ops::Range<usize>>,
    pub eob: Option<NodeId>,
}

pub(crate) struct FnDef<'a> {
    pub name: String,
    pub content: NodeId,
    pub eob: Option<NodeId>,
    pub attr: Vec<Attr<'a>>,
    pub referenced: bool,
    /// The `:eob` node whose attribute hash kramdown shares with every marker.
    pub eob_node: Option<NodeId>,
}

struct Scanner<'a> {
    t: Rc<VText<'a>>,
    pos: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FK {
    Blocks,
    Raw,
}

enum OnDone {
    Nothing,
    HtmlEnd,
    List(Box<ListState>),
    Dl(Box<DlState>),
}

struct Frame<'a> {
    kind: FK,
    tree: NodeId,
    sc: usize,
    own_sc: bool,
    block_ial: Option<Ial<'a>>,
    stopped: bool,
    on_done: OnDone,
}

struct ListState {
    list: NodeId,
    items: Vec<(NodeId, Vec<Vec<Line>>)>,
    item: usize,
    val: usize,
    temp: NodeId,
    eob_found: bool,
    last: Option<NodeId>,
}

struct DlState {
    dl: NodeId,
    items: Vec<(NodeId, Option<Vec<Line>>)>,
    item: usize,
    last: Option<NodeId>,
}

pub(crate) struct Parser<'a, 'b> {
    pub opts: Options,
    pub base: &'b [u8],
    /// The input text: values borrow from it when `direct`.
    pub src: &'a str,
    /// `base[..src.len()] == src` (the input has no `\r`).
    pub direct: bool,
    pub nodes: Vec<Node<'a>>,
    scanners: Vec<Scanner<'b>>,
    frames: Vec<Frame<'a>>,
    pub alds: HashMap<String, Ial<'a>>,
    pub link_defs: HashMap<String, LinkDef<'a>>,
    pub footnotes: Vec<FnDef<'a>>,
    pub fn_index: HashMap<String, usize>,
    pub abbrevs: Vec<(String, String, NodeId)>,
    pub abbrev_index: HashMap<String, usize>,
    pub warnings: Vec<String>,
    pub root: NodeId,
    /// `hard_wrap` at parser creation (GFM reads it once).
    pub init_hard_wrap: bool,
    /// `gfm_quirks` has `no_auto_typographic` at parser creation.
    pub init_no_typo: bool,
    /// `gfm_quirks` has `paragraph_end` at parser creation.
    pub init_para_end: bool,
    /// GFM header id counter.
    pub id_counter: HashMap<String, i64>,
    /// Last failed horizontal-rule scan (base start, base failure, char).
    hr_memo: (usize, usize, u8),
    /// A span machine kept for reuse.
    pub(crate) spare_spans: Option<crate::span::SpanMachine>,
}

/// Normalise like `adapt_source`: `\r\n?` to `\n`, chomp, append `\n`.
/// Returns the base text and, for each removed `\r`, its base position.
fn adapt_source(text: &str) -> (Vec<u8>, Vec<usize>) {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() + 1);
    let mut shifts = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // copy up to the next \r in one go
        let k = memchr::memchr(b'\r', b.get(i..).unwrap_or_default()).map_or(b.len(), |k| i + k);
        out.extend_from_slice(b.get(i..k).unwrap_or_default());
        i = k;
        if i >= b.len() {
            break;
        }
        let c = b.get(i).copied().unwrap_or(0);
        if c == b'\r' {
            if b.get(i + 1) == Some(&b'\n') {
                // drop the \r, keep \n
                shifts.push(out.len());
                i += 1;
                continue;
            }
            out.push(b'\n');
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    if out.last() == Some(&b'\n') {
        out.pop();
    }
    out.push(b'\n');
    (out, shifts)
}

pub(crate) fn parse_document<'a>(text: &'a str, options: &Options) -> Document<'a> {
    let direct = memchr::memchr(b'\r', text.as_bytes()).is_none();
    // the common case: the normalised text is the input itself
    if direct && text.ends_with('\n') {
        let mut p = Parser::new(text, text.as_bytes(), true, options.clone());
        p.parse();
        return p.finish();
    }
    let (base, shifts) = adapt_source(text);
    let mut p = Parser::new(text, &base, direct, options.clone());
    p.parse();
    let mut doc = p.finish();
    // map base offsets to input offsets
    let map = |x: usize| -> usize {
        let k = shifts.partition_point(|&s| s < x);
        x + k
    };
    let tl = text.len();
    let map_r = |r: &mut std::ops::Range<usize>| {
        r.start = map(r.start).min(tl);
        r.end = map(r.end).min(tl).max(r.start);
    };
    let map_a = |a: &mut Attr<'_>| {
        for r in [a.name_span.as_mut(), a.value_span.as_mut()]
            .into_iter()
            .flatten()
        {
            map_r(r);
        }
    };
    for n in &mut doc.nodes {
        map_r(&mut n.span);
        n.attrs.iter_mut().for_each(map_a);
    }
    for (_, _, attrs) in &mut doc.abbrevs {
        attrs.iter_mut().for_each(map_a);
    }
    doc
}

/// The range of `b` that Ruby's `strip` keeps.
fn strip_range(b: &[u8]) -> (usize, usize) {
    let a = b.iter().take_while(|&&c| is_strip(c)).count();
    let z = b.iter().rposition(|&c| !is_strip(c)).map_or(a, |x| x + 1);
    (a, z.max(a))
}

fn ruby_lstrip(b: &[u8]) -> &[u8] {
    let k = b.iter().take_while(|&&c| is_strip(c)).count();
    b.get(k..).unwrap_or_default()
}

fn ruby_strip(b: &[u8]) -> &[u8] {
    let b = ruby_lstrip(b);
    let e = b.iter().rposition(|&c| !is_strip(c)).map_or(0, |x| x + 1);
    b.get(..e).unwrap_or_default()
}

fn s(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(b).into_owned(),
    }
}

/// `normalize_link_id`: `gsub(/[\s]+/, ' ').downcase`.
pub(crate) fn normalize_link_id(b: &[u8]) -> String {
    let mut out = Vec::with_capacity(b.len());
    let mut in_ws = false;
    for &c in b {
        if is_ws(c) {
            if !in_ws {
                out.push(b' ');
            }
            in_ws = true;
        } else {
            out.push(c);
            in_ws = false;
        }
    }
    downcase(&s(&out))
}

/// The value of range `a..b` of a span text over `src` (borrowed when it is
/// contiguous source text).
pub(crate) fn mtext_val<'a>(
    src: &'a str,
    direct: bool,
    t: &MText,
    a: usize,
    b: usize,
) -> Cow<'a, str> {
    if a >= b {
        return Cow::Borrowed("");
    }
    if direct
        && let Some((x, y)) = t.base_range(a, b)
        && let Some(v) = src.get(x..y)
    {
        return Cow::Borrowed(v);
    }
    Cow::Owned(s(t.bytes.get(a..b.min(t.bytes.len())).unwrap_or_default()))
}

/// Extend `v` by `add`: borrowed values that are adjacent in `src` stay borrowed.
pub(crate) fn append_val<'a>(src: &'a str, v: &mut Cow<'a, str>, add: Cow<'a, str>) {
    if add.is_empty() {
        return;
    }
    if v.is_empty() {
        *v = add;
        return;
    }
    if let (Cow::Borrowed(x), Cow::Borrowed(y)) = (&*v, &add) {
        let sp = src.as_ptr() as usize;
        let xa = (x.as_ptr() as usize).wrapping_sub(sp);
        let ya = (y.as_ptr() as usize).wrapping_sub(sp);
        if xa <= src.len()
            && ya <= src.len()
            && xa + x.len() == ya
            && let Some(j) = src.get(xa..ya + y.len())
        {
            *v = Cow::Borrowed(j);
            return;
        }
    }
    v.to_mut().push_str(&add);
}

impl<'a, 'b> Parser<'a, 'b> {
    /// The value of base range `a..b` (borrowed from the input when it is there).
    pub(crate) fn val(&self, a: usize, b: usize) -> Cow<'a, str> {
        if self.direct
            && let Some(x) = self.src.get(a..b)
        {
            return Cow::Borrowed(x);
        }
        Cow::Owned(s(self.base.get(a..b).unwrap_or_default()))
    }

    /// The value of range `a..b` of a span text.
    pub(crate) fn mval(&self, t: &MText, a: usize, b: usize) -> Cow<'a, str> {
        mtext_val(self.src, self.direct, t, a, b)
    }

    /// The value of range `a..b` of a block text.
    pub(crate) fn vval(&self, t: &VText, a: usize, b: usize) -> Cow<'a, str> {
        if a >= b {
            return Cow::Borrowed("");
        }
        match t.base_range(a, b) {
            Some((x, y)) => self.val(x, y),
            None => Cow::Owned(s(&t.bytes(a, b))),
        }
    }

    fn new(src: &'a str, base: &'b [u8], direct: bool, opts: Options) -> Self {
        let (init_hard_wrap, init_no_typo, init_para_end) = (
            opts.hard_wrap,
            opts.gfm_quirk_no_auto_typographic,
            opts.gfm_quirk_paragraph_end,
        );
        let mut p = Parser {
            opts,
            src,
            direct,
            base,
            nodes: Vec::with_capacity(base.len() / 48 + 16),
            scanners: Vec::new(),
            frames: Vec::new(),
            alds: HashMap::new(),
            link_defs: HashMap::new(),
            footnotes: Vec::new(),
            fn_index: HashMap::new(),
            abbrevs: Vec::new(),
            abbrev_index: HashMap::new(),
            warnings: Vec::new(),
            root: 0,
            init_hard_wrap,
            init_no_typo,
            init_para_end,
            id_counter: HashMap::new(),
            hr_memo: (0, 0, 0),
            spare_spans: crate::span::take_spare_machine(),
        };
        let mut r = Node::new(Kind::Root);
        r.span = 0..base.len();
        p.nodes.push(r);
        if p.opts.input == Input::Gfm {
            p.opts.auto_id_stripping = true;
        }
        p
    }

    pub fn node(&mut self, kind: Kind) -> NodeId {
        self.nodes.push(Node::new(kind));
        self.nodes.len() - 1
    }

    pub fn push(&mut self, parent: NodeId, child: NodeId) {
        if let Some(c) = self.nodes.get_mut(child) {
            c.parent = Some(parent);
        }
        if let Some(p) = self.nodes.get_mut(parent) {
            p.children.push(child);
        }
    }

    pub fn n(&self, id: NodeId) -> &Node<'a> {
        // ids are always valid; fall back to the root to stay panic free
        // the arena always holds the root, so index 0 exists
        let len = self.nodes.len();
        &self.nodes[if id < len { id } else { 0 }]
    }

    pub fn nm(&mut self, id: NodeId) -> &mut Node<'a> {
        let len = self.nodes.len();
        let id = if id < len { id } else { 0 };
        &mut self.nodes[id]
    }

    fn last_child(&self, tree: NodeId) -> Option<NodeId> {
        self.n(tree).children.last().copied()
    }

    fn kind_of(&self, id: Option<NodeId>) -> Option<Kind> {
        id.map(|i| self.n(i).kind)
    }

    fn parse(&mut self) {
        let lines = split_lines(self.base, 0, self.base.len());
        let t = Rc::new(VText::new(self.base, lines));
        self.scanners.push(Scanner { t, pos: 0 });
        self.frames.push(Frame {
            kind: FK::Blocks,
            tree: self.root,
            sc: 0,
            own_sc: true,
            block_ial: None,
            stopped: false,
            on_done: OnDone::Nothing,
        });
        self.run();
        crate::span::after_blocks(self);
    }

    // ----- scanner helpers -----
    fn top(&self) -> Option<&Frame<'a>> {
        self.frames.last()
    }
    fn topm(&mut self) -> Option<&mut Frame<'a>> {
        self.frames.last_mut()
    }
    fn tree(&self) -> NodeId {
        self.top().map_or(self.root, |f| f.tree)
    }
    fn sci(&self) -> usize {
        self.top().map_or(0, |f| f.sc)
    }
    fn text(&self) -> Rc<VText<'b>> {
        let i = self.sci();
        match self.scanners.get(i) {
            Some(sc) => sc.t.clone(),
            None => Rc::new(VText::new(self.base, Vec::new())),
        }
    }
    /// The current text, borrowed (for the checks a block parser makes before it matches:
    /// no `Rc` clone).
    pub(crate) fn cur_ref(&self) -> Option<&VText<'b>> {
        self.scanners.get(self.sci()).map(|s| &*s.t)
    }
    fn pos(&self) -> usize {
        self.scanners.get(self.sci()).map_or(0, |s| s.pos)
    }
    fn set_pos(&mut self, p: usize) {
        let i = self.sci();
        if let Some(s) = self.scanners.get_mut(i) {
            s.pos = p;
        }
    }
    fn eos(&self) -> bool {
        let i = self.sci();
        self.scanners.get(i).is_none_or(|s| s.pos >= s.t.len())
    }
    fn take_block_ial(&mut self) -> Option<Ial<'a>> {
        self.topm().and_then(|f| f.block_ial.take())
    }

    /// Base span of virtual range a..b in the current text.
    fn vspan(&self, t: &VText, a: usize, b: usize) -> std::ops::Range<usize> {
        let s0 = t.to_base(a);
        let e0 = if b > a { t.to_base_end(b) } else { s0 };
        s0..e0.max(s0)
    }

    /// `new_block_el`.
    fn new_block_el(&mut self, kind: Kind, span: std::ops::Range<usize>) -> NodeId {
        let id = self.node(kind);
        let ial = self.take_block_ial();
        let n = self.nm(id);
        n.span = span;
        n.ial = ial.map(Box::new);
        id
    }

    /// Make the lazy raw text of node `id` (a paragraph's, the source range of its span) a
    /// span text: the one `p_paragraph` would have made of the range.
    pub(crate) fn materialize_raw(&mut self, id: NodeId) {
        let base = self.base;
        let n = self.nm(id);
        if !n.lazy_raw {
            return;
        }
        n.lazy_raw = false;
        let mt = MText::of_span(base, &n.span);
        n.span = 0..0;
        n.mtext = Some(Box::new(mt));
    }

    /// `add_text(text, tree, type)` for block-phase text (raw_text or text).
    fn add_mtext(&mut self, m: MText, tree: NodeId, kind: Kind) {
        if let Some(l) = self.last_child(tree)
            && self.n(l).kind == kind
        {
            self.materialize_raw(l);
            let base = self.base;
            let n = self.nm(l);
            if let Some(mt) = n.mtext.as_mut() {
                mt.append(&m);
            } else if kind == Kind::Text && !n.value.is_empty() {
                // a text made by `add_block_text` from the source range of its span
                let mut mt = MText::of_span(base, &n.span);
                mt.append(&m);
                n.value = Cow::Borrowed("");
                n.mtext = Some(Box::new(mt));
            } else {
                n.mtext = Some(Box::new(m));
            }
            return;
        }
        if m.bytes.is_empty() {
            return;
        }
        let id = self.node(kind);
        self.nm(id).mtext = Some(Box::new(m));
        self.push(tree, id);
    }

    /// `add_text(t[a..b], tree)` of a `:text` in the block phase: a contiguous piece of the
    /// source that does not continue a text gets its value and span at once (what `finish`
    /// makes of its span text), without a span text.
    fn add_block_text(&mut self, t: &VText, a: usize, b: usize, tree: NodeId) {
        let merge = self
            .last_child(tree)
            .is_some_and(|l| self.n(l).kind == Kind::Text);
        if !merge
            && a < b
            && let Some((x, y)) = t.base_range(a, b)
        {
            let v = self.val(x, y);
            let id = self.node(Kind::Text);
            let n = self.nm(id);
            n.value = v;
            n.span = x..y;
            self.push(tree, id);
            return;
        }
        let m = t.mtext(a, b);
        self.add_mtext(m, tree, Kind::Text);
    }

    // ----- the machine -----
    fn run(&mut self) {
        let mut guard: u64 = 0;
        while let Some(f) = self.frames.last() {
            guard += 1;
            if guard > 50_000_000 + 20 * self.base.len() as u64 {
                break;
            }
            let done = match f.kind {
                FK::Blocks => f.stopped || self.eos(),
                FK::Raw => f.stopped,
            };
            if done {
                let Some(f) = self.frames.pop() else { break };
                if f.own_sc {
                    self.scanners.pop();
                }
                self.on_done(f);
                continue;
            }
            match f.kind {
                FK::Blocks => self.block_step(),
                FK::Raw => self.raw_step(),
            }
        }
    }

    fn push_frame(&mut self, kind: FK, tree: NodeId, new_text: Option<Vec<Line>>, on_done: OnDone) {
        let (sc, own) = match new_text {
            Some(lines) => {
                let t = Rc::new(VText::new(self.base, lines));
                self.scanners.push(Scanner { t, pos: 0 });
                (self.scanners.len() - 1, true)
            }
            None => (self.sci(), false),
        };
        self.frames.push(Frame {
            kind,
            tree,
            sc,
            own_sc: own,
            block_ial: None,
            stopped: false,
            on_done,
        });
    }

    fn on_done(&mut self, f: Frame) {
        match f.on_done {
            OnDone::Nothing => {}
            OnDone::HtmlEnd => {
                if f.kind == FK::Blocks && !f.stopped {
                    let name = self.n(f.tree).value.clone();
                    self.warnings
                        .push(format!("Found no end tag for '{name}' - auto-closing it"));
                }
                let parent = self.tree();
                let pn = self.n(parent);
                if !(pn.kind == Kind::HtmlElement && pn.content_model == Some(ContentModel::Raw)) {
                    self.trailing_ws();
                }
                self.extend_span_to_pos(f.tree);
            }
            OnDone::List(st) => self.list_continue(st),
            OnDone::Dl(st) => self.dl_continue(st),
        }
    }

    fn extend_span_to_pos(&mut self, id: NodeId) {
        let t = self.text();
        let p = self.pos();
        let e = if p > 0 {
            t.to_base_end(p)
        } else {
            t.to_base(0)
        };
        let n = self.nm(id);
        if e > n.span.start {
            n.span.end = e;
        }
    }

    fn trailing_ws(&mut self) {
        // TRAILING_WHITESPACE /[ \t]*\n/
        let t = self.text();
        let mut q = self.pos();
        while matches!(t.at(q), Some(b' ') | Some(b'\t')) {
            q += 1;
        }
        if t.at(q) == Some(b'\n') {
            self.set_pos(q + 1);
        }
    }

    fn block_step(&mut self) {
        let gfm = self.opts.input == Input::Gfm;
        let before = self.pos();
        let depth = self.frames.len();
        // The first byte after the line's leading spaces and tabs: each block parser
        // but the code block, setext header, table and paragraph can only match when it
        // is the parser's marker (they are tried in kramdown's order all the same).
        let c = self.cur_ref().and_then(|t| {
            let mut q = before;
            while matches!(t.at(q), Some(b' ' | b'\t')) {
                q += 1;
            }
            t.at(q)
        });
        let is = |set: &[u8]| c.is_some_and(|c| set.contains(&c));
        let blank = c.is_none_or(|c| c < 0x80 && !c.is_ascii_graphic());
        let handled = (blank && self.p_blank_line())
            || self.p_codeblock()
            || (is(b"`~") && self.p_fenced(gfm))
            || (is(b">") && self.p_blockquote())
            || (is(b"#") && self.p_atx(gfm))
            || (is(b"*-_") && self.p_hr())
            || ((is(b"*+-") || c.is_some_and(|c| c.is_ascii_digit())) && self.p_list())
            || (is(b":") && self.p_definition_list())
            || (is(b"<") && self.p_block_html())
            || self.p_setext()
            || (is(b"$\\") && self.p_block_math())
            || crate::table::p_table(self)
            || (is(b"[") && self.p_footnote_definition())
            || (is(b"[") && self.p_link_definition())
            || (is(b"*") && self.p_abbrev_definition())
            || (is(b"{") && self.p_block_extensions())
            || (is(b"^") && self.p_eob_marker())
            || self.p_paragraph();
        let stalled = self.frames.len() == depth
            && self.pos() == before
            && self
                .frames
                .last()
                .is_some_and(|f| f.kind == FK::Blocks && !f.stopped);
        if !handled || stalled {
            // "this should not occur": add_text(@src.scan(/.*\n/))
            let t = self.text();
            let p = self.pos();
            let e = t.line_end(p);
            let e = if t.at(e) == Some(b'\n') {
                e + 1
            } else {
                t.len().max(p + 1)
            };
            let m = t.mtext(p, e);
            self.set_pos(e);
            let tree = self.tree();
            if !handled {
                self.add_mtext(m, tree, Kind::RawText);
            }
        }
    }

    // ----- individual block parsers -----

    fn p_blank_line(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let Some(e) = scan::blank_line(&*t, p) else {
            return false;
        };
        self.set_pos(e);
        let tree = self.tree();
        let span = self.vspan(&t, p, e);
        let val = self.vval(&t, p, e);
        if let Some(l) = self.last_child(tree)
            && self.n(l).kind == Kind::Blank
        {
            let src = self.src;
            let n = self.nm(l);
            append_val(src, &mut n.value, val);
            n.span.end = span.end;
            return true;
        }
        let id = self.new_block_el(Kind::Blank, span);
        self.nm(id).value = val;
        self.push(tree, id);
        true
    }

    fn p_codeblock(&mut self) -> bool {
        let p = self.pos();
        if self.cur_ref().is_none_or(|t| scan::indent(t, p).is_none()) {
            return false;
        }
        let t = self.text();
        let e = scan::codeblock_match(&*t, p);
        self.set_pos(e);
        let data = t.bytes(p, e);
        // gsub(/\n( {0,3}\S)/, ' \1')
        let mut d1 = Vec::with_capacity(data.len());
        let mut i = 0;
        while i < data.len() {
            let c = data.get(i).copied().unwrap_or(0);
            if c == b'\n' {
                let mut k = i + 1;
                while k < i + 4 && data.get(k) == Some(&b' ') {
                    k += 1;
                }
                if data.get(k).is_some_and(|&b| !is_ws(b)) {
                    d1.push(b' ');
                    i += 1;
                    continue;
                }
            }
            d1.push(c);
            i += 1;
        }
        // gsub(INDENT, '') at each line start
        let mut d2 = Vec::with_capacity(d1.len());
        let mut at_start = true;
        let mut i = 0;
        while i < d1.len() {
            if at_start {
                at_start = false;
                if d1.get(i) == Some(&b'\t') {
                    i += 1;
                    continue;
                }
                if d1.get(i..i + 4) == Some(b"    ") {
                    i += 4;
                    continue;
                }
            }
            let c = d1.get(i).copied().unwrap_or(0);
            d2.push(c);
            if c == b'\n' {
                at_start = true;
            }
            i += 1;
        }
        let span = self.vspan(&t, p, e);
        let id = self.new_block_el(Kind::Codeblock, span);
        self.nm(id).value = s(&d2).into();
        let tree = self.tree();
        self.push(tree, id);
        true
    }

    fn p_fenced(&mut self, gfm: bool) -> bool {
        let t = self.text();
        let p = self.pos();
        if !scan::fence_start(&*t, p, gfm) {
            return false;
        }
        let Some(f) = scan::fenced(&t, p, gfm) else {
            return false;
        };
        self.set_pos(f.end);
        let span = self.vspan(&t, p, f.end);
        let id = self.new_block_el(Kind::Codeblock, span);
        let body = self.vval(&t, f.body.0, f.body.1);
        let lang = f.lang.map(|(a, b)| s(ruby_strip(&t.bytes(a, b))));
        let lang4 = f
            .lang4
            .map(|(a, b)| (s(&t.bytes(a, b)), self.vspan(&t, a, b)));
        let n = self.nm(id);
        n.value = body;
        if let Some(l) = lang
            && !l.is_empty()
        {
            n.rare_mut().lang = Some(l);
            if let Some((l4, sp)) = lang4 {
                n.attrs.push(Attr {
                    name: "class".into(),
                    value: format!("language-{l4}").into(),
                    name_span: None,
                    value_span: Some(sp),
                    origin: AttrOrigin::Parser,
                });
            }
        }
        let tree = self.tree();
        self.push(tree, id);
        true
    }

    fn p_blockquote(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let q = opt_space(&*t, p);
        if t.at(q) != Some(b'>') {
            return false;
        }
        // result = first line, then lines until LAZY_END
        let mut e = t.line_end(p);
        e = if t.at(e) == Some(b'\n') {
            e + 1
        } else {
            t.len()
        };
        while !scan::lazy_end(&*t, e) {
            let le = t.line_end(e);
            e = if t.at(le) == Some(b'\n') {
                le + 1
            } else {
                t.len()
            };
        }
        self.set_pos(e);
        let mut lines = t.slice_lines(p, e);
        for l in &mut lines {
            // strip BLOCKQUOTE_START ^ {0,3}> ?
            let lt = LineSrc {
                base: self.base,
                line: *l,
            };
            let o = opt_space(&lt, 0);
            if lt.at(o) == Some(b'>') {
                let mut k = o + 1;
                if lt.at(k) == Some(b' ') {
                    k += 1;
                }
                *l = advance(*l, k);
            }
        }
        let span = self.vspan(&t, p, e);
        let id = self.new_block_el(Kind::Blockquote, span);
        let tree = self.tree();
        self.push(tree, id);
        self.push_frame(FK::Blocks, id, Some(lines), OnDone::Nothing);
        true
    }

    /// `parse_header_contents`: returns (text range, id).
    fn header_contents(
        &self,
        t: &VText,
        a: usize,
        b: usize,
    ) -> (usize, usize, Option<(String, usize, usize)>) {
        let mut e = b;
        while e > a && t.at(e - 1).is_some_and(is_strip) {
            e -= 1;
        }
        // HEADER_ID [\t ]{#(name)}\z
        if e > a + 4 && t.at(e - 1) == Some(b'}') {
            let bytes = t.bytes(a, e);
            let bl = bytes.len();
            // find "{#" before the name
            let inner_end = bl - 1;
            let mut k = inner_end;
            // walk back over name chars
            let txt =
                String::from_utf8_lossy(bytes.get(..inner_end).unwrap_or_default()).into_owned();
            let mut start_char_idx = txt.len();
            for (ci, c) in txt.char_indices().rev() {
                if scan::xml_name_char(c) {
                    start_char_idx = ci;
                } else {
                    break;
                }
            }
            k = k.min(start_char_idx);
            if k >= 3
                && k < inner_end
                && bytes.get(k - 1) == Some(&b'#')
                && bytes.get(k - 2) == Some(&b'{')
                && matches!(bytes.get(k - 3), Some(b' ') | Some(b'\t'))
                && txt
                    .get(k..)
                    .and_then(|x| x.chars().next())
                    .is_some_and(scan::xml_name_start)
            {
                let id = txt.get(k..).unwrap_or_default().to_string();
                let id_s = a + k;
                let id_e = a + inner_end;
                let mut ne = a + k - 3;
                while ne > a && t.at(ne - 1).is_some_and(is_strip) {
                    ne -= 1;
                }
                return (a, ne, Some((id, id_s, id_e)));
            }
        }
        (a, e, None)
    }

    fn add_header(
        &mut self,
        level: usize,
        t: &VText,
        a: usize,
        e: usize,
        id: Option<(String, usize, usize)>,
        p: usize,
        end: usize,
    ) {
        self.set_pos(end);
        let span = self.vspan(t, p, end);
        let el = self.new_block_el(Kind::Header, span);
        let m = t.mtext(a, e);
        let raw = s(&m.bytes);
        {
            let n = self.nm(el);
            n.level = level as u8;
            n.rare_mut().raw_text = Some(raw);
        }
        self.add_mtext(m, el, Kind::RawText);
        if let Some((id, s0, s1)) = id {
            let sp = self.vspan(t, s0, s1);
            self.nm(el).attrs.push(Attr {
                name: "id".into(),
                value: id.into(),
                name_span: None,
                value_span: Some(sp),
                origin: AttrOrigin::Parser,
            });
        }
        let tree = self.tree();
        self.push(tree, el);
    }

    fn p_atx(&mut self, gfm: bool) -> bool {
        let t = self.text();
        let p = self.pos();
        if gfm && self.init_para_end {
            let Some((level, (a, b), end)) = scan::atx_gfm(&*t, p) else {
                return false;
            };
            let (a, mut e, id) = self.header_contents(&t, a, b);
            // text.sub!(/[\t ]#+\z/, '') && text.rstrip!
            let mut k = e;
            while k > a && t.at(k - 1) == Some(b'#') {
                k -= 1;
            }
            if k < e && k > a && matches!(t.at(k - 1), Some(b' ') | Some(b'\t')) {
                e = k - 1;
                while e > a && t.at(e - 1).is_some_and(is_strip) {
                    e -= 1;
                }
            }
            if e <= a {
                return false;
            }
            self.add_header(level, &t, a, e, id, p, end);
            true
        } else {
            let m = if gfm {
                scan::atx_gfm(&*t, p)
            } else {
                scan::atx_kd(&*t, p)
            };
            let Some((level, (a, b), end)) = m else {
                return false;
            };
            if !self.after_block_boundary() {
                return false;
            }
            let (a, mut e, id) = self.header_contents(&t, a, b);
            // text.sub!(/(?<!\\)#+\z/, '') && text.rstrip!
            let mut k = e;
            while k > a && t.at(k - 1) == Some(b'#') {
                k -= 1;
            }
            if k < e {
                // the match is the leftmost run start not preceded by a backslash
                let mut st = k;
                while st < e && st > a && t.at(st - 1) == Some(b'\\') {
                    st += 1;
                }
                if st < e {
                    e = st;
                    while e > a && t.at(e - 1).is_some_and(is_strip) {
                        e -= 1;
                    }
                }
            }
            if e <= a {
                return false;
            }
            self.add_header(level, &t, a, e, id, p, end);
            true
        }
    }

    fn p_hr(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        // memo of the last failed scan (base start, base failure position, char):
        // nested list markers re-scan suffixes of the same line.
        let q = opt_space(&*t, p);
        let Some(c) = t.at(q) else { return false };
        if !matches!(c, b'*' | b'-' | b'_') {
            return false;
        }
        let le = t.line_end(q);
        let bq = t.to_base(q);
        let contiguous =
            le > q && t.to_base(le - 1) + 1 == bq + (le - q) && self.base.get(bq) == Some(&c);
        if contiguous {
            let (b0, bf, c0) = self.hr_memo;
            if c0 == c && b0 <= bq && bq < bf && bf <= bq + (le - q) {
                return false;
            }
        }
        let e = match scan::hr_scan(&*t, q, c) {
            Ok(e) => e,
            Err(f) => {
                if contiguous {
                    self.hr_memo = (bq, bq + (f - q), c);
                }
                return false;
            }
        };
        self.set_pos(e);
        let span = self.vspan(&t, p, e);
        let id = self.new_block_el(Kind::Hr, span);
        let tree = self.tree();
        self.push(tree, id);
        true
    }

    fn after_block_boundary(&self) -> bool {
        let tree = self.tree();
        let last = self.last_child(tree);
        match last {
            None => true,
            Some(l) => {
                let n = self.n(l);
                n.kind == Kind::Blank
                    || (n.kind == Kind::Eob && n.eob == EobKind::None)
                    || self.top().is_some_and(|f| f.block_ial.is_some())
            }
        }
    }

    /// `parse_first_list_line(indentation, content)`: returns the content
    /// line (possibly empty) and the new indentation.
    fn first_list_line(
        &self,
        t: &VText,
        indentation: usize,
        cs: usize,
        ce: usize,
    ) -> (Option<Line>, usize, bool) {
        let lines = t.slice_lines(cs, ce);
        let Some(mut l) = lines.first().copied() else {
            return (None, indentation, false);
        };
        let lt = LineSrc {
            base: self.base,
            line: l,
        };
        // LIST_ITEM_IAL_CHECK = /^#{LIST_ITEM_IAL}?\s*\n/
        let ial_check = {
            let q = match list_item_ial(&lt, 0) {
                Some(((_, ce), _)) => ce + 1,
                None => 0,
            };
            scan::ws_then_nl(&lt, q).is_some()
        };
        let mut ind = indentation;
        if ial_check {
            ind = 4;
        } else {
            // expand tabs among the leading whitespace
            let mut spaces = 0usize;
            let mut k = 0usize;
            loop {
                match lt.at(k) {
                    Some(b' ') => {
                        spaces += 1;
                        k += 1;
                    }
                    Some(b'\t') => {
                        let mut tabs = 0;
                        while lt.at(k) == Some(b'\t') {
                            tabs += 1;
                            k += 1;
                        }
                        let temp = spaces + ind;
                        spaces += 4 - (temp % 4) + (tabs - 1) * 4;
                    }
                    _ => break,
                }
            }
            ind += spaces;
        }
        // content.sub!(/^\s*/, '')
        let mut k = 0;
        while lt.at(k).is_some_and(is_ws) {
            k += 1;
        }
        l = advance(l, k);
        (if l.len() > 0 { Some(l) } else { None }, ind, ial_check)
    }

    fn p_list(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let (kind, tchar) = if scan::list_start(&*t, p, b'u', 3).is_some() {
            (Kind::Ul, b'u')
        } else if scan::list_start(&*t, p, b'o', 3).is_some() {
            (Kind::Ol, b'o')
        } else {
            return false;
        };
        let list = self.new_block_el(kind, 0..0);
        let list_start_pos = p;
        let mut items: Vec<(NodeId, Vec<Vec<Line>>)> = Vec::new();
        let mut max_sp = 3usize;
        let mut pos = p;
        let mut eob_found = false;
        let mut nested_list_found = false;
        let mut last_is_blank = false;
        let mut indentation = 0usize;
        let mut first_marker: Option<String> = None;
        while pos < t.len() {
            if last_is_blank && scan::hr(&*t, pos).is_some() {
                break;
            }
            if let Some(e) = scan::eob_marker(&*t, pos) {
                pos = e;
                eob_found = true;
                break;
            }
            if let Some((g1, e)) = scan::list_start(&*t, pos, tchar, max_sp) {
                if first_marker.is_none() {
                    first_marker = Some(s(ruby_strip(&t.bytes(pos, g1))));
                }
                let li = self.node(Kind::Li);
                self.nm(li).span = self.vspan(&t, pos, e);
                let (line, ind, _) = self.first_list_line(&t, g1 - pos, g1, e);
                indentation = ind;
                let mut first = line;
                // LIST_ITEM_IAL
                if let Some(l) = first {
                    let lt = LineSrc {
                        base: self.base,
                        line: l,
                    };
                    if let Some(((cs, ce), me)) = list_item_ial(&lt, 0) {
                        let m = lt.mtext(cs, ce);
                        let mut ial = self.nm(li).ial.take().unwrap_or_default();
                        let base_m = m.clone();
                        parse_attribute_list(&m, &mut ial, AttrOrigin::Ial, &|a, b| {
                            base_m.to_base(a)..base_m.to_base_end(b)
                        });
                        self.nm(li).ial = Some(ial);
                        let nl = advance(l, me);
                        first = if nl.len() > 0 { Some(nl) } else { None };
                    }
                }
                nested_list_found = first.is_some_and(|l| {
                    let lt = LineSrc {
                        base: self.base,
                        line: l,
                    };
                    scan::list_start_any(&lt, 0)
                });
                max_sp = match indentation {
                    1 => 0,
                    2 => 1,
                    3 => 2,
                    _ => 3,
                };
                last_is_blank = false;
                self.push(list, li);
                items.push((li, vec![first.into_iter().collect()]));
                pos = e;
                continue;
            }
            // content_re / lazy_re
            if let Some(e) = content_line(&*t, pos, indentation).or_else(|| {
                if !last_is_blank {
                    lazy_line(&*t, pos, indentation)
                } else {
                    None
                }
            }) {
                let lines = t.slice_lines(pos, e);
                let Some(mut l) = lines.first().copied() else {
                    break;
                };
                // result.sub!(/^(\t+)/) { " " * 4 * $1.length }
                l = expand_leading_tabs(self.base, l);
                // indentation_found = result.sub!(indent_re, '')
                let lt = LineSrc {
                    base: self.base,
                    line: l,
                };
                let found = (0..indentation).all(|k| lt.at(k) == Some(b' '));
                if found {
                    l = advance(l, indentation);
                }
                let lt = LineSrc {
                    base: self.base,
                    line: l,
                };
                let is_ls = scan::list_start_any(&lt, 0);
                if let Some((li, vals)) = items.last_mut() {
                    if !nested_list_found && found && is_ls {
                        vals.push(Vec::new());
                        nested_list_found = true;
                    } else if nested_list_found && !found && is_ls {
                        l.synth += (indentation + 4) as u32;
                    }
                    if let Some(v) = vals.last_mut() {
                        v.push(l);
                    }
                    let sp_end = t.to_base_end(e);
                    let n = self.nm(*li);
                    n.span.end = n.span.end.max(sp_end);
                }
                last_is_blank = false;
                pos = e;
                continue;
            }
            if let Some(e) = scan::blank_line(&*t, pos) {
                nested_list_found = true;
                last_is_blank = true;
                let lines = t.slice_lines(pos, e);
                if let Some((_, vals)) = items.last_mut()
                    && let Some(v) = vals.last_mut()
                {
                    v.extend(lines);
                }
                pos = e;
                continue;
            }
            break;
        }
        self.set_pos(pos);
        let span = self.vspan(&t, list_start_pos, pos);
        self.nm(list).span = span;
        let tree = self.tree();
        self.push(tree, list);
        let temp = self.node(Kind::Temp);
        let st = ListState {
            list,
            items,
            item: 0,
            val: 0,
            temp,
            eob_found,
            last: None,
        };
        self.list_continue(Box::new(st));
        true
    }

    /// Continue `parse_list` after parsing one item value.
    fn list_continue(&mut self, mut st: Box<ListState>) {
        loop {
            let Some((li, vals)) = st.items.get(st.item) else {
                break;
            };
            let li = *li;
            if st.val < vals.len() {
                let lines = st
                    .items
                    .get_mut(st.item)
                    .and_then(|(_, v)| v.get_mut(st.val))
                    .map(std::mem::take)
                    .unwrap_or_default();
                st.val += 1;
                let temp = st.temp;
                self.push_frame(FK::Blocks, temp, Some(lines), OnDone::List(st));
                return;
            }
            // item finished: move temp children into li
            let temp = st.temp;
            let kids = std::mem::take(&mut self.nm(temp).children);
            for &k in &kids {
                self.nm(k).parent = Some(li);
            }
            self.nm(li).children = kids;
            self.finish_list_item(&mut st, li);
            st.item += 1;
            st.val = 0;
        }
        if let Some(last) = st.last
            && !st.eob_found
        {
            let tree = self.tree();
            self.push(tree, last);
        }
        // GFM task lists
        if self.opts.input == Input::Gfm {
            self.task_list(st.list);
        }
    }

    fn finish_list_item(&mut self, st: &mut ListState, it: NodeId) {
        let list = st.list;
        let kids = self.n(it).children.clone();
        if kids.is_empty() {
            return;
        }
        let first = kids.first().copied().unwrap_or(0);
        let k1 = kids.get(1).copied();
        if self.n(first).kind == Kind::P
            && kids.len() >= 2
            && self.kind_of(k1) == Some(Kind::Eob)
            && self.n(first).ial.is_some()
        {
            self.nm(it).children.remove(1);
        }
        let kids = self.n(it).children.clone();
        let k1 = kids.get(1).copied();
        let n_items = self.n(list).children.len();
        let is_last = self.n(list).children.last() == Some(&it);
        if self.n(first).kind == Kind::P
            && (kids.len() < 2
                || self.kind_of(k1) != Some(Kind::Blank)
                || (is_last && kids.len() == 2 && !st.eob_found))
            && (!is_last
                || n_items == 1
                || self
                    .n(list)
                    .children
                    .iter()
                    .take(n_items.saturating_sub(1))
                    .any(|&c| {
                        let cn = self.n(c);
                        match cn.children.first() {
                            None => true,
                            Some(&f) => self.n(f).kind != Kind::P || self.n(f).transparent,
                        }
                    }))
        {
            if kids.len() > 1
                && self.kind_of(k1) != Some(Kind::Blank)
                && let Some(&tc) = self.n(first).children.first()
            {
                self.materialize_raw(tc);
                let at = self
                    .n(tc)
                    .mtext
                    .as_ref()
                    .map_or(0, |m| m.to_base_end(m.bytes.len()));
                if let Some(m) = self.nm(tc).mtext.as_mut() {
                    m.push_synth(b"\n", at);
                }
            }
            self.nm(first).transparent = true;
        }
        let kids = self.n(it).children.clone();
        st.last = None;
        if let Some(&l) = kids.last()
            && self.n(l).kind == Kind::Blank
        {
            self.nm(it).children.pop();
            st.last = Some(l);
        }
    }

    fn task_list(&mut self, list: NodeId) {
        let box_unchecked =
            b"<input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled=\"disabled\" />";
        let box_checked =
            b"<input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled=\"disabled\" checked=\"checked\" />";
        let mut is_tasklist = false;
        let items = self.n(list).children.clone();
        for li in items {
            let kids = self.n(li).children.clone();
            let Some(&p) = kids.first() else { continue };
            if self.n(p).kind != Kind::P {
                continue;
            }
            let Some(&rt) = self.n(p).children.first() else {
                continue;
            };
            self.materialize_raw(rt);
            let Some(m) = self.n(rt).mtext.as_deref() else {
                continue;
            };
            let b = &m.bytes;
            let mut k = 0;
            while b.get(k).is_some_and(|&c| is_ws(c)) {
                k += 1;
            }
            let mut hit = None;
            if b.get(k) == Some(&b'[')
                && matches!(b.get(k + 1), Some(b' ') | Some(b'x') | Some(b'X'))
                && b.get(k + 2) == Some(&b']')
            {
                let mut e = k + 3;
                if b.get(e).is_some_and(|&c| is_ws(c)) {
                    while b.get(e).is_some_and(|&c| is_ws(c)) {
                        e += 1;
                    }
                    let checked = b.get(k + 1) != Some(&b' ');
                    hit = Some((e, checked));
                }
            }
            if let Some((e, checked)) = hit {
                let at = m.to_base(k);
                let mut nm = MText::default();
                nm.push_synth(if checked { box_checked } else { box_unchecked }, at);
                nm.append(&m.sub(e, m.bytes.len()));
                self.nm(rt).mtext = Some(Box::new(nm));
                is_tasklist = true;
            }
            if is_tasklist {
                crate::tree::set_attr(
                    &mut self.nm(li).attrs,
                    Attr {
                        name: "class".into(),
                        value: "task-list-item".into(),
                        name_span: None,
                        value_span: None,
                        origin: AttrOrigin::Parser,
                    },
                );
            }
        }
        if is_tasklist {
            crate::tree::set_attr(
                &mut self.nm(list).attrs,
                Attr {
                    name: "class".into(),
                    value: "task-list".into(),
                    name_span: None,
                    value_span: None,
                    origin: AttrOrigin::Parser,
                },
            );
        }
    }

    fn p_definition_list(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        if scan::list_start(&*t, p, b'd', 3).is_none() {
            return false;
        }
        let tree = self.tree();
        let chl = self.n(tree).children.len();
        let ch: Vec<NodeId> = self
            .n(tree)
            .children
            .iter()
            .skip(chl.saturating_sub(2))
            .copied()
            .collect();
        let last = ch.last().map(|&c| self.n(c));
        let Some(lastn) = last else { return false };
        if chl == 1 && lastn.kind != Kind::P {
            return false;
        }
        if chl >= 2 && lastn.kind != Kind::P {
            let prev = ch.first().map(|&c| self.n(c).kind);
            if lastn.kind != Kind::Blank || lastn.value != "\n" || prev != Some(Kind::P) {
                return false;
            }
        }
        let mut first_as_para = false;
        let dl = self.new_block_el(Kind::Dl, 0..0);
        let mut para = self.nm(tree).children.pop().unwrap_or(0);
        if self.n(para).kind == Kind::Blank {
            para = self.nm(tree).children.pop().unwrap_or(0);
            first_as_para = true;
        }
        let pspan = self.n(para).span.clone();
        self.nm(dl).span = pspan.clone();
        // terms
        let Some(&rt) = self.n(para).children.first() else {
            return false;
        };
        self.materialize_raw(rt);
        let m = self.n(rt).mtext.as_deref().cloned().unwrap_or_default();
        let mut start = 0;
        let mut terms = Vec::new();
        for (i, &b) in m.bytes.iter().enumerate() {
            if b == b'\n' {
                terms.push((start, i));
                start = i + 1;
            }
        }
        terms.push((start, m.bytes.len()));
        // Ruby split drops trailing empty strings
        while terms.last().is_some_and(|&(a, b)| a == b) {
            terms.pop();
        }
        for (a, b) in terms {
            let dt = self.node(Kind::Dt);
            let mut tm = m.sub(a, b);
            if let Some(((cs, ce), me)) = list_item_ial(&tm.bytes[..], 0) {
                let im = tm.sub(cs, ce);
                let mut ial = Ial::default();
                let im2 = im.clone();
                parse_attribute_list(&im, &mut ial, AttrOrigin::Ial, &|x, y| {
                    im2.to_base(x)..im2.to_base_end(y)
                });
                self.nm(dt).ial = Some(Box::new(ial));
                // sub! replaces only the match (at start)
                tm = tm.sub(me, tm.bytes.len());
            }
            let sp = tm.to_base(0)..tm.to_base_end(tm.bytes.len());
            {
                let n = self.nm(dt);
                n.rare_mut().raw_text = Some(s(&tm.bytes));
                n.span = sp;
            }
            let rid = self.node(Kind::RawText);
            self.nm(rid).mtext = Some(Box::new(tm));
            self.push(dt, rid);
            self.push(dl, dt);
        }
        let pial = self.n(para).ial.clone();
        self.nm(dl).ial = pial;
        // items
        let mut items: Vec<(NodeId, Option<Vec<Line>>)> = Vec::new();
        let mut pos = p;
        let mut max_sp = 3usize;
        let mut indentation = 0usize;
        let mut last_is_blank = false;
        while pos < t.len() {
            if let Some((g1, e)) = scan::list_start(&*t, pos, b'd', max_sp) {
                let dd = self.node(Kind::Dd);
                self.nm(dd).first_as_para = first_as_para;
                self.nm(dd).span = self.vspan(&t, pos, e);
                let (line, ind, _) = self.first_list_line(&t, g1 - pos, g1, e);
                indentation = ind;
                let mut first = line;
                if let Some(l) = first {
                    let lt = LineSrc {
                        base: self.base,
                        line: l,
                    };
                    if let Some(((cs, ce), me)) = list_item_ial(&lt, 0) {
                        let m = lt.mtext(cs, ce);
                        let mut ial = Ial::default();
                        let m2 = m.clone();
                        parse_attribute_list(&m, &mut ial, AttrOrigin::Ial, &|a, b| {
                            m2.to_base(a)..m2.to_base_end(b)
                        });
                        self.nm(dd).ial = Some(Box::new(ial));
                        let nl = advance(l, me);
                        first = if nl.len() > 0 { Some(nl) } else { None };
                    }
                }
                max_sp = match indentation {
                    1 => 0,
                    2 => 1,
                    3 => 2,
                    _ => 3,
                };
                self.push(dl, dd);
                items.push((dd, Some(first.into_iter().collect())));
                first_as_para = false;
                last_is_blank = false;
                pos = e;
                continue;
            }
            if scan::eob_marker(&*t, pos).is_some() {
                break;
            }
            if let Some(e) = content_line(&*t, pos, indentation).or_else(|| {
                if !last_is_blank {
                    lazy_line(&*t, pos, indentation)
                } else {
                    None
                }
            }) {
                let lines = t.slice_lines(pos, e);
                let Some(mut l) = lines.first().copied() else {
                    break;
                };
                l = expand_leading_tabs(self.base, l);
                let lt = LineSrc {
                    base: self.base,
                    line: l,
                };
                if (0..indentation).all(|k| lt.at(k) == Some(b' ')) {
                    l = advance(l, indentation);
                }
                if let Some((dd, Some(v))) = items.last_mut() {
                    v.push(l);
                    let sp_end = t.to_base_end(e);
                    let n = self.nm(*dd);
                    n.span.end = n.span.end.max(sp_end);
                }
                first_as_para = false;
                last_is_blank = false;
                pos = e;
                continue;
            }
            if let Some(e) = scan::blank_line(&*t, pos) {
                first_as_para = true;
                if let Some((_, Some(v))) = items.last_mut() {
                    v.extend(t.slice_lines(pos, e));
                }
                last_is_blank = true;
                pos = e;
                continue;
            }
            break;
        }
        self.set_pos(pos);
        let e = t.to_base_end(pos);
        self.nm(dl).span.end = e.max(pspan.start);
        let st = DlState {
            dl,
            items,
            item: 0,
            last: None,
        };
        self.dl_continue(Box::new(st));
        true
    }

    fn dl_continue(&mut self, mut st: Box<DlState>) {
        loop {
            let Some((dd, lines)) = st.items.get_mut(st.item) else {
                break;
            };
            let dd = *dd;
            if let Some(l) = lines.take() {
                self.push_frame(FK::Blocks, dd, Some(l), OnDone::Dl(st));
                return;
            }
            // finished parsing dd
            let kids = self.n(dd).children.clone();
            st.item += 1;
            if kids.is_empty() {
                continue;
            }
            if let Some(&l) = kids.last() {
                if self.n(l).kind == Kind::Blank {
                    self.nm(dd).children.pop();
                    st.last = Some(l);
                } else {
                    st.last = None;
                }
            }
            let kids = self.n(dd).children.clone();
            if let Some(&f) = kids.first() {
                let fap = std::mem::take(&mut self.nm(dd).first_as_para);
                if self.n(f).kind == Kind::P && !fap {
                    if kids.len() > 1
                        && let Some(&tc) = self.n(f).children.first()
                    {
                        self.materialize_raw(tc);
                        let at = self
                            .n(tc)
                            .mtext
                            .as_ref()
                            .map_or(0, |m| m.to_base_end(m.bytes.len()));
                        if let Some(m) = self.nm(tc).mtext.as_mut() {
                            m.push_synth(b"\n", at);
                        }
                    }
                    self.nm(f).transparent = true;
                }
            }
        }
        let dl = st.dl;
        let tree = self.tree();
        let chl = self.n(tree).children.len();
        let ch: Vec<NodeId> = self
            .n(tree)
            .children
            .iter()
            .skip(chl.saturating_sub(2))
            .copied()
            .collect();
        let dl_kids = self.n(dl).children.clone();
        let lastk = ch.last().map(|&c| self.n(c).kind);
        if lastk == Some(Kind::Dl) {
            let target = ch.last().copied().unwrap_or(0);
            for k in dl_kids {
                self.push(target, k);
            }
        } else if ch.len() >= 2
            && lastk == Some(Kind::Blank)
            && ch.get(ch.len() - 2).map(|&c| self.n(c).kind) == Some(Kind::Dl)
        {
            self.nm(tree).children.pop();
            let target = ch.get(ch.len() - 2).copied().unwrap_or(0);
            for k in dl_kids {
                self.push(target, k);
            }
        } else {
            self.push(tree, dl);
        }
        if let Some(l) = st.last {
            self.push(tree, l);
        }
    }

    // ----- HTML -----

    fn p_block_html(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let q = opt_space(&*t, p);
        // HTML_BLOCK_START
        if t.at(q) != Some(b'<') {
            return false;
        }
        let ok = html::uname(&*t, q + 1).is_some()
            || t.at(q + 1) == Some(b'/')
            || (t.at(q + 1) == Some(b'!')
                && t.at(q + 2) == Some(b'-')
                && t.at(q + 3) == Some(b'-'));
        if !ok {
            return false;
        }
        let tree = self.tree();
        if let Some(e) = html::html_comment(&*t, p) {
            let id = self.node(Kind::XmlComment);
            let sp = self.vspan(&t, p, e);
            let v = self.vval(&t, p, e);
            let n = self.nm(id);
            n.value = v;
            n.span = sp;
            n.category = Some(Category::Block);
            self.push(tree, id);
            self.set_pos(e);
            self.trailing_ws();
            return true;
        }
        if let Some(m) = html::html_tag(&*t, q) {
            let name = self.vval(&t, m.name.0, m.name.1);
            if !html::is_span_element(&downcase_cow(name)) {
                self.set_pos(m.end);
                self.handle_html_start_tag(&t, p, &m);
                return true;
            }
            return false;
        }
        if let Some(((a, b), e)) = html::html_close_tag(&*t, q) {
            let name = downcase_cow(self.vval(&t, a, b));
            if html::is_span_element(&name) {
                return false;
            }
            let tn = self.n(tree);
            if tn.kind == Kind::HtmlElement && tn.value == name {
                self.set_pos(e);
                if let Some(f) = self.topm() {
                    f.stopped = true;
                }
                return true;
            }
        }
        false
    }

    /// `parse_html_attributes`.
    fn html_attrs(
        &self,
        t: &dyn SrcDyn,
        m: &html::TagMatch,
        in_html: bool,
        fold_nl: bool,
    ) -> Vec<Attr<'a>> {
        let dv = |a: usize, b: usize| -> Cow<'a, str> {
            if a >= b {
                return Cow::Borrowed("");
            }
            match t.base_range_dyn(a, b) {
                Some((x, y)) => self.val(x, y),
                None => Cow::Owned(s(&t.bytes_dyn(a, b))),
            }
        };
        let mut attrs = crate::tree::AttrSet::with_capacity(m.attrs.len());
        for ra in &m.attrs {
            let mut name = dv(ra.name.0, ra.name.1);
            if in_html {
                name = downcase_cow(name);
            }
            let (value, vspan) = match ra.value {
                Some((a, b)) => (dv(a, b), Some(t.span_dyn(a, b))),
                None => (Cow::Borrowed(""), None),
            };
            let value = if fold_nl && value.contains('\n') {
                Cow::Owned(fold_newlines(&value))
            } else {
                value
            };
            attrs.set(Attr {
                name,
                value,
                name_span: Some(t.span_dyn(ra.name.0, ra.name.1)),
                value_span: vspan,
                origin: AttrOrigin::Html,
            });
        }
        attrs.into_vec()
    }

    /// `handle_html_start_tag` with `handle_kramdown_html_tag` as the block.
    fn handle_html_start_tag(&mut self, t: &Rc<VText<'b>>, start: usize, m: &html::TagMatch) {
        let written = self.vval(t, m.name.0, m.name.1);
        let lname = downcase_cow(written.clone());
        let name: Cow<'a, str> = match html::known_element(&lname) {
            Some(k) => Cow::Borrowed(k),
            None => written,
        };
        let mut closed = m.closed;
        let attrs = self.html_attrs(&**t, m, html::is_html_element(&name), false);
        let el = self.node(Kind::HtmlElement);
        let sp = self.vspan(t, start, m.end);
        {
            let n = self.nm(el);
            n.value = name.clone();
            n.attrs = attrs;
            n.category = Some(Category::Block);
            n.span = sp;
        }
        let tree = self.tree();
        self.push(tree, el);
        if !closed && html::ELEMENTS_WITHOUT_BODY.contains(&name.as_ref()) {
            closed = true;
        }
        if name == "script" || name == "style" {
            // handle_raw_html_tag
            let p = self.pos();
            let (body_end, end) = match html::find_close_named(&**t, p, &name, true) {
                Some(k) => {
                    let e = html::html_close_tag(&**t, k).map_or(k, |x| x.1);
                    (k, e)
                }
                None => {
                    self.warnings
                        .push(format!("Found no end tag for '{name}' - auto-closing it"));
                    (t.len(), t.len())
                }
            };
            let mt = t.mtext(p, body_end);
            self.add_mtext(mt, el, Kind::Raw);
            self.set_pos(end);
            self.nm(el).span.end = t.to_base_end(end);
            self.kramdown_html_tag(el, false, false);
        } else {
            self.kramdown_html_tag(el, closed, true);
        }
    }

    /// `handle_kramdown_html_tag(el, closed, handle_body)`.
    fn kramdown_html_tag(&mut self, el: NodeId, closed: bool, handle_body: bool) {
        if let Some(ial) = self.take_block_ial() {
            self.nm(el).ial = Some(Box::new(ial));
        }
        let tree = self.tree();
        let tn = self.n(tree);
        let name = self.n(el).value.clone();
        let mut cm = if tn.kind != Kind::HtmlElement || tn.content_model != Some(ContentModel::Raw)
        {
            if self.opts.parse_block_html {
                html::content_model(&name)
            } else {
                ContentModel::Raw
            }
        } else {
            ContentModel::Raw
        };
        let md = {
            let n = self.nm(el);
            let k = n.attrs.iter().position(|a| a.name == "markdown");
            k.map(|k| n.attrs.remove(k).value)
        };
        if let Some(v) = md {
            match v.as_ref() {
                "0" => cm = ContentModel::Raw,
                "1" => cm = html::content_model(&name),
                "span" => cm = ContentModel::Span,
                "block" => cm = ContentModel::Block,
                _ => {}
            }
        }
        if cm == ContentModel::Block {
            self.trailing_ws();
        }
        {
            let n = self.nm(el);
            n.content_model = Some(cm);
            n.is_closed = closed;
        }
        if !closed && handle_body {
            match cm {
                ContentModel::Block => {
                    self.push_frame(FK::Blocks, el, None, OnDone::HtmlEnd);
                }
                ContentModel::Span => {
                    let t = self.text();
                    let p = self.pos();
                    match html::find_close_named(&*t, p, &name, true) {
                        Some(k) => {
                            let m = t.mtext(p, k);
                            self.add_mtext(m, el, Kind::RawText);
                            let e = html::html_close_tag(&*t, k).map_or(k, |x| x.1);
                            self.set_pos(e);
                        }
                        None => {
                            let m = t.mtext(p, t.len());
                            self.add_mtext(m, el, Kind::RawText);
                            self.set_pos(t.len());
                            self.warnings
                                .push(format!("Found no end tag for '{name}' - auto-closing it"));
                        }
                    }
                    self.extend_span_to_pos(el);
                    let tree = self.tree();
                    let tn = self.n(tree);
                    if !(tn.kind == Kind::HtmlElement
                        && tn.content_model == Some(ContentModel::Raw))
                    {
                        self.trailing_ws();
                    }
                }
                ContentModel::Raw => {
                    self.push_frame(FK::Raw, el, None, OnDone::HtmlEnd);
                }
            }
        }
    }

    /// One step of `parse_raw_html`.
    fn raw_step(&mut self) {
        let t = self.text();
        let p = self.pos();
        let tree = self.tree();
        // scan_until HTML_RAW_START
        let n = t.len();
        let mut i = p;
        let mut found = None;
        while i < n {
            // jump to the next `<` (one search over a flat text)
            if let Some(sl) = t.contiguous(i, n) {
                match memchr::memchr(b'<', sl) {
                    Some(k) => i += k,
                    None => break,
                }
            }
            if t.at(i) == Some(b'<') {
                let nb = t.at(i + 1);
                if nb == Some(b'/')
                    || nb == Some(b'?')
                    || (nb == Some(b'!') && t.at(i + 2) == Some(b'-') && t.at(i + 3) == Some(b'-'))
                    || html::uname(&*t, i + 1).is_some()
                {
                    found = Some(i);
                    break;
                }
            }
            i += 1;
        }
        let Some(k) = found else {
            self.add_block_text(&t, p, n, tree);
            self.set_pos(n);
            if self.n(tree).kind == Kind::HtmlElement {
                let name = self.n(tree).value.clone();
                self.warnings
                    .push(format!("Found no end tag for '{name}' - auto-closing it"));
            }
            if let Some(f) = self.topm() {
                f.stopped = true;
            }
            return;
        };
        if k > p {
            self.add_block_text(&t, p, k, tree);
        }
        self.set_pos(k);
        if let Some(e) = html::html_comment(&*t, k) {
            let id = self.node(Kind::XmlComment);
            let sp = self.vspan(&t, k, e);
            let v = self.vval(&t, k, e);
            let nn = self.nm(id);
            nn.value = v;
            nn.span = sp;
            nn.category = Some(Category::Block);
            self.push(tree, id);
            self.set_pos(e);
        } else if let Some(e) = html::html_instruction(&*t, k) {
            let id = self.node(Kind::XmlPi);
            let sp = self.vspan(&t, k, e);
            let v = self.vval(&t, k, e);
            let nn = self.nm(id);
            nn.value = v;
            nn.span = sp;
            nn.category = Some(Category::Block);
            self.push(tree, id);
            self.set_pos(e);
        } else if let Some(m) = html::html_tag(&*t, k) {
            self.set_pos(m.end);
            self.handle_html_start_tag(&t, k, &m);
        } else if let Some(((a, b), e)) = html::html_close_tag(&*t, k) {
            let cname = self.vval(&t, a, b);
            let tv = self.n(tree).value.clone();
            let cmp = if html::is_html_element(&tv) {
                downcase_cow(cname.clone())
            } else {
                cname.clone()
            };
            self.set_pos(e);
            if tv == cmp {
                self.nm(tree).span.end = t.to_base_end(e);
                if let Some(f) = self.topm() {
                    f.stopped = true;
                }
            } else {
                self.add_block_text(&t, k, e, tree);
                self.warnings.push(format!(
                    "Found invalidly used HTML closing tag for '{cname}'"
                ));
            }
        } else {
            // getch
            let l = crate::text::char_at(&*t, k).map_or(1, |c| c.1);
            self.add_block_text(&t, k, k + l, tree);
            self.set_pos(k + l);
        }
    }

    fn p_setext(&mut self) -> bool {
        let p = self.pos();
        let Some((level, (a, b), end)) = self.cur_ref().and_then(|t| scan::setext(t, p)) else {
            return false;
        };
        let t = self.text();
        if !self.after_block_boundary() {
            return false;
        }
        let (a, e, id) = self.header_contents(&t, a, b);
        if e <= a {
            return false;
        }
        self.add_header(level, &t, a, e, id, p, end);
        true
    }

    fn p_block_math(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let Some((esc, (cs, ce), nl, end)) = scan::block_math(&*t, p) else {
            return false;
        };
        if !self.after_block_boundary() {
            return false;
        }
        if esc {
            if nl {
                // @src.scan(/^#{OPT_SPACE}\\/o)
                let q = opt_space(&*t, p);
                if t.at(q) == Some(b'\\') {
                    self.set_pos(q + 1);
                }
            }
            return false;
        }
        if !scan::block_boundary(&*t, end) {
            return false;
        }
        self.set_pos(end);
        let data = s(ruby_strip(&t.bytes(cs, ce)));
        let sp = self.vspan(&t, p, end);
        let id = self.new_block_el(Kind::Math, sp);
        {
            let n = self.nm(id);
            n.value = data.into();
            n.category = Some(Category::Block);
        }
        let tree = self.tree();
        self.push(tree, id);
        true
    }

    fn p_footnote_definition(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let q = opt_space(&*t, p);
        if !(t.at(q) == Some(b'[') && t.at(q + 1) == Some(b'^')) {
            return false;
        }
        let Some(ne) = crate::ial::ald_id_name(&*t, q + 2) else {
            return false;
        };
        if !(t.at(ne) == Some(b']') && t.at(ne + 1) == Some(b':')) {
            return false;
        }
        // \s*?(.*?\n CODEBLOCK_MATCH)
        let g2s = ne + 2;
        let le = t.line_end(g2s);
        if t.at(le) != Some(b'\n') {
            return false;
        }
        let end = scan::codeblock_match(&*t, le + 1);
        let name = s(&t.bytes(q + 2, ne));
        self.set_pos(end);
        let mut lines = t.slice_lines(g2s, end);
        for l in &mut lines {
            let lt = LineSrc {
                base: self.base,
                line: *l,
            };
            if let Some(k) = scan::indent(&lt, 0) {
                *l = advance(*l, k);
            }
        }
        let el = self.node(Kind::FootnoteDef);
        let sp = self.vspan(&t, p, end);
        {
            let n = self.nm(el);
            n.span = sp.clone();
            n.value = name.clone().into();
        }
        let eob = self.new_block_el(Kind::Eob, sp);
        self.nm(eob).eob = EobKind::FootnoteDef;
        let tree = self.tree();
        self.push(tree, eob);
        if let Some(&i) = self.fn_index.get(&name) {
            self.warnings
                .push(format!("Duplicate footnote name '{name}' - overwriting"));
            if let Some(f) = self.footnotes.get_mut(i) {
                f.content = el;
                f.eob = Some(eob);
                f.attr.clear();
                f.referenced = false;
                f.eob_node = Some(eob);
            }
        } else {
            self.fn_index.insert(name.clone(), self.footnotes.len());
            self.footnotes.push(FnDef {
                name,
                content: el,
                eob: Some(eob),
                attr: Vec::new(),
                referenced: false,
                eob_node: Some(eob),
            });
        }
        self.push_frame(FK::Blocks, el, Some(lines), OnDone::Nothing);
        true
    }

    fn p_link_definition(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let q = opt_space(&*t, p);
        if t.at(q) != Some(b'[') {
            return false;
        }
        let mut ie = q + 1;
        while let Some(b) = t.at(ie) {
            if b == b'\n' || b == b']' {
                break;
            }
            ie += 1;
        }
        if ie == q + 1 || t.at(ie) != Some(b']') || t.at(ie + 1) != Some(b':') {
            return false;
        }
        let mut u = ie + 2;
        while matches!(t.at(u), Some(b' ') | Some(b'\t')) {
            u += 1;
        }
        let Some(ld) = link_def_rest(&*t, u) else {
            return false;
        };
        if let LinkUrl::Plain(a, b) = ld.url {
            // return false if @src[3].to_s =~ /[ \t]+["']/
            let bytes = t.bytes(a, b);
            if bytes.windows(2).any(|w| {
                matches!(w.first(), Some(b' ') | Some(b'\t'))
                    && matches!(w.get(1), Some(b'"') | Some(b'\''))
            }) {
                return false;
            }
        }
        self.set_pos(ld.end);
        let id = normalize_link_id(&t.bytes(q + 1, ie));
        let (ua, ub) = match ld.url {
            LinkUrl::Angle(a, b) | LinkUrl::Plain(a, b) => (a, b),
        };
        let url = self.vval(&t, ua, ub);
        let url_span = Some(self.vspan(&t, ua, ub));
        let title = ld.title.map(|(a, b)| self.vval(&t, a, b));
        let title_span = ld.title.map(|(a, b)| self.vspan(&t, a, b));
        if self.link_defs.contains_key(&id) {
            self.warnings
                .push(format!("Duplicate link ID '{id}' - overwriting"));
        }
        let sp = self.vspan(&t, p, ld.end);
        let eob = self.new_block_el(Kind::Eob, sp);
        self.nm(eob).eob = EobKind::LinkDef;
        let tree = self.tree();
        self.push(tree, eob);
        self.link_defs.insert(
            id,
            LinkDef {
                url,
                url_span,
                title,
                title_span,
                eob: Some(eob),
            },
        );
        true
    }

    fn p_abbrev_definition(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let q = opt_space(&*t, p);
        if !(t.at(q) == Some(b'*') && t.at(q + 1) == Some(b'[')) {
            return false;
        }
        // (.+?)\]:(.*?)\n
        let le = t.line_end(q);
        if t.at(le) != Some(b'\n') {
            return false;
        }
        let mut k = q + 3;
        let mut found = None;
        while k + 1 < le + 1 {
            if t.at(k) == Some(b']') && t.at(k + 1) == Some(b':') {
                found = Some(k);
                break;
            }
            k += 1;
        }
        let Some(k) = found else { return false };
        let id = s(&t.bytes(q + 2, k));
        let text = s(ruby_strip(&t.bytes(k + 2, le)));
        self.set_pos(le + 1);
        let sp = self.vspan(&t, p, le + 1);
        let eob = self.new_block_el(Kind::Eob, sp);
        self.nm(eob).eob = EobKind::AbbrevDef;
        let tree = self.tree();
        self.push(tree, eob);
        if let Some(&i) = self.abbrev_index.get(&id) {
            if let Some(a) = self.abbrevs.get_mut(i) {
                a.1 = text;
                a.2 = eob;
            }
        } else {
            self.abbrev_index.insert(id.clone(), self.abbrevs.len());
            self.abbrevs.push((id, text, eob));
        }
        true
    }

    fn p_block_extensions(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let q = opt_space(&*t, p);
        if !(t.at(q) == Some(b'{') && t.at(q + 1) == Some(b':')) {
            return false;
        }
        let tree = self.tree();
        if let Some(((na, nb), (ca, cb), end)) = scan::ald_start(&*t, p) {
            self.set_pos(end);
            let name = s(&t.bytes(na, nb));
            let m = t.mtext(ca, cb);
            let mut ial = self.alds.remove(&name).unwrap_or_default();
            let m2 = m.clone();
            parse_attribute_list(&m, &mut ial, AttrOrigin::Ald, &|a, b| {
                m2.to_base(a)..m2.to_base_end(b)
            });
            self.alds.insert(name, ial);
            let sp = self.vspan(&t, p, end);
            let eob = self.new_block_el(Kind::Eob, sp);
            self.nm(eob).eob = EobKind::Ald;
            self.push(tree, eob);
            return true;
        }
        // EXT_BLOCK_START
        if let Some(r) = ext_block_start(&*t, p) {
            return self.extension_start_tag(&t, p, r);
        }
        if let Some(((ca, cb), end)) = scan::ial_block_start(&*t, p) {
            self.set_pos(end);
            let m = t.mtext(ca, cb);
            let m2 = m.clone();
            let spans = move |a: usize, b: usize| m2.to_base(a)..m2.to_base_end(b);
            let last = self.last_child(tree);
            let apply_to_last = last.is_some_and(|l| {
                let n = self.n(l);
                n.kind != Kind::Blank
                    && (n.kind != Kind::Eob
                        || matches!(
                            n.eob,
                            EobKind::LinkDef | EobKind::AbbrevDef | EobKind::FootnoteDef
                        ))
            });
            if let (true, Some(l)) = (apply_to_last, last) {
                let mut ial = self.nm(l).ial.take().unwrap_or_default();
                parse_attribute_list(&m, &mut ial, AttrOrigin::Ial, &spans);
                self.nm(l).ial = Some(ial);
                if scan::ial_block_start(&*t, end).is_none() {
                    let sp = self.vspan(&t, p, end);
                    let eob = self.new_block_el(Kind::Eob, sp);
                    self.nm(eob).eob = EobKind::Ial;
                    self.push(tree, eob);
                }
            } else {
                let mut ial = self.take_block_ial().unwrap_or_default();
                parse_attribute_list(&m, &mut ial, AttrOrigin::Ial, &spans);
                if let Some(f) = self.topm() {
                    f.block_ial = Some(ial);
                }
            }
            return true;
        }
        false
    }

    fn extension_start_tag(&mut self, t: &Rc<VText<'b>>, p: usize, r: ExtBlock) -> bool {
        let tree = self.tree();
        let ExtBlock::Start {
            name: (na, nb),
            attrs,
            closed,
            end,
        } = r
        else {
            self.warnings
                .push("Invalid extension stop tag found - ignoring it".into());
            return false;
        };
        let name = s(&t.bytes(na, nb));
        let mut opts = Ial::default();
        if let Some((a, b)) = attrs {
            let m = t.mtext(a, b);
            let m2 = m.clone();
            parse_attribute_list(&m, &mut opts, AttrOrigin::Ial, &|x, y| {
                m2.to_base(x)..m2.to_base_end(y)
            });
        }
        let mut body: Option<(usize, usize)> = None;
        let mut full_end = end;
        if !closed {
            // scan_until(^ {0,3}\{:/(name)?\} *?\n)
            let mut l = end;
            let n = t.len();
            let mut found = None;
            // ^ can match at the scan position itself
            loop {
                if l > n {
                    break;
                }
                let o = opt_space(&**t, l);
                if let Some(se) = scan::ext_stop_named(&**t, o, name.as_bytes())
                    && let Some(e2) = scan::spaces_then_nl(&**t, se)
                {
                    found = Some((l, e2));
                    break;
                }
                if l >= n {
                    break;
                }
                let le = t.line_end(l);
                l = le + 1;
            }
            match found {
                Some((bs, be)) => {
                    // body.chomp!
                    let mut bend = bs;
                    if bend > end && t.at(bend - 1) == Some(b'\n') {
                        bend -= 1;
                    }
                    body = Some((end, bend));
                    full_end = be;
                }
                None => {
                    self.warnings.push(format!(
                        "No stop tag for extension '{name}' found - ignoring it"
                    ));
                    return false;
                }
            }
        }
        let sp = self.vspan(t, p, full_end);
        match name.as_str() {
            "comment" => {
                self.set_pos(full_end);
                if let Some((a, b)) = body {
                    let id = self.node(Kind::Comment);
                    let v = self.vval(t, a, b);
                    let n = self.nm(id);
                    n.value = v;
                    n.category = Some(Category::Block);
                    n.span = sp;
                    self.push(tree, id);
                }
                true
            }
            "nomarkdown" => {
                self.set_pos(full_end);
                if let Some((a, b)) = body {
                    let id = self.node(Kind::Raw);
                    let v = self.vval(t, a, b);
                    let ty = opts
                        .get("type")
                        .map(|a| a.value.clone())
                        .unwrap_or_default();
                    let n = self.nm(id);
                    n.value = v;
                    n.category = Some(Category::Block);
                    n.span = sp;
                    n.rare_mut().raw_type = ty
                        .split(|c: char| c.is_ascii() && is_ws(c as u8))
                        .filter(|x| !x.is_empty())
                        .map(String::from)
                        .collect();
                    self.push(tree, id);
                }
                true
            }
            "options" => {
                self.set_pos(full_end);
                self.apply_options(&opts);
                let eob = self.new_block_el(Kind::Eob, sp);
                self.nm(eob).eob = EobKind::Extension;
                self.push(tree, eob);
                true
            }
            _ => {
                self.warnings.push(format!(
                    "Invalid extension with name '{name}' specified - ignoring it"
                ));
                false
            }
        }
    }

    /// `{::options key="value" /}`.
    pub(crate) fn apply_options(&mut self, opts: &Ial) {
        for a in &opts.attrs {
            crate::options::set_option(&mut self.opts, &a.name, &a.value);
        }
    }

    fn p_eob_marker(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let Some(e) = scan::eob_marker(&*t, p) else {
            return false;
        };
        self.set_pos(e);
        let sp = self.vspan(&t, p, e);
        let id = self.new_block_el(Kind::Eob, sp);
        let tree = self.tree();
        self.push(tree, id);
        true
    }

    fn paragraph_end(&self, t: &VText, p: usize) -> bool {
        if scan::lazy_end(t, p) {
            return true;
        }
        if scan::list_start(t, p, b'd', 3).is_some() {
            return true;
        }
        if self.opts.input == Input::Gfm && self.init_para_end {
            if scan::list_start_any(t, p) || scan::atx_gfm(t, p).is_some() {
                return true;
            }
            let q = opt_space(t, p);
            if t.at(q) == Some(b'>') {
                return true;
            }
            if scan::fence_start(t, p, true) {
                return true;
            }
        }
        false
    }

    fn p_paragraph(&mut self) -> bool {
        let t = self.text();
        let p = self.pos();
        let q = opt_space(&*t, p);
        match t.at(q) {
            None | Some(b' ') | Some(b'\t') => return false,
            Some(b'\n') => {
                let e = t.line_end(q + 1);
                if t.at(e) != Some(b'\n') {
                    return false;
                }
            }
            _ => {
                let e = t.line_end(q);
                if t.at(e) != Some(b'\n') {
                    return false;
                }
            }
        }
        let mut e = t.line_end(p);
        e = if t.at(e) == Some(b'\n') {
            e + 1
        } else {
            t.len()
        };
        while !self.paragraph_end(&t, e) {
            let le = t.line_end(e);
            e = if t.at(le) == Some(b'\n') {
                le + 1
            } else {
                t.len()
            };
            if e >= t.len() {
                break;
            }
        }
        self.set_pos(e);
        let tree = self.tree();
        let sp = self.vspan(&t, p, e);
        let merge = self
            .last_child(tree)
            .is_some_and(|l| self.n(l).kind == Kind::P);
        if !merge && let Some((x, y)) = t.base_range(p, e) {
            // a paragraph of one piece of the source: its raw text stays that range (made a
            // span text only when something needs one)
            let b = self.base.get(x..y).unwrap_or_default();
            let (a, z) = strip_range(b);
            let id = self.new_block_el(Kind::P, sp);
            self.push(tree, id);
            if a < z {
                let rt = self.node(Kind::RawText);
                let n = self.nm(rt);
                n.lazy_raw = true;
                n.span = x + a..x + z;
                self.push(id, rt);
            }
            return true;
        }
        let mut m = t.mtext(p, e);
        m.rstrip();
        if let Some(l) = self.last_child(tree)
            && self.n(l).kind == Kind::P
        {
            let lip = self.n(l).children.last().copied();
            if let Some(li) = lip.filter(|&li| self.n(li).kind == Kind::RawText) {
                self.materialize_raw(li);
                let joiner: &[u8] = if p >= 3 && t.bytes(p - 3, p) == b"  \n" {
                    b"  \n"
                } else {
                    b"\n"
                };
                let at = t.to_base(p.saturating_sub(1));
                if let Some(mt) = self.nm(li).mtext.as_mut() {
                    mt.push_synth(joiner, at);
                    mt.append(&m);
                }
            } else {
                self.add_mtext(m, l, Kind::RawText);
            }
            let n = self.nm(l);
            n.span.end = n.span.end.max(sp.end);
            return true;
        }
        let id = self.new_block_el(Kind::P, sp);
        self.push(tree, id);
        m.lstrip();
        self.add_mtext(m, id, Kind::RawText);
        true
    }

    fn finish(self) -> Document<'a> {
        crate::span::finish(self)
    }
}

/// Split base[a..b] into line pieces.
pub(crate) fn split_lines(base: &[u8], a: usize, b: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let mut st = a;
    if let Some(sl) = base.get(a..b) {
        for k in memchr::memchr_iter(b'\n', sl) {
            out.push(Line {
                synth: 0,
                start: st,
                end: a + k + 1,
            });
            st = a + k + 1;
        }
    }
    if st < b {
        out.push(Line {
            synth: 0,
            start: st,
            end: b,
        });
    }
    out
}

/// `result.sub!(/^(\t+)/) { " " * 4 * $1.length }`.
fn expand_leading_tabs(base: &[u8], mut l: Line) -> Line {
    if l.synth > 0 {
        return l;
    }
    let mut k = 0;
    while base.get(l.start + k) == Some(&b'\t') && l.start + k < l.end {
        k += 1;
    }
    if k > 0 {
        l.start += k;
        l.synth = (4 * k) as u32;
    }
    l
}

/// `LIST_ITEM_IAL` `^\s*(?:\{:(?!(?:ALD_ID_NAME)?:|\/)(ALD_ANY_CHARS+)\})\s*` at p:
/// (content range, end).
pub(crate) fn list_item_ial<S: Src + ?Sized>(s: &S, p: usize) -> Option<((usize, usize), usize)> {
    let mut q = p;
    while s.at(q).is_some_and(is_ws) {
        q += 1;
    }
    if !(s.at(q) == Some(b'{') && s.at(q + 1) == Some(b':')) {
        return None;
    }
    let c = q + 2;
    // (?!(?:ALD_ID_NAME)?:|\/)
    if matches!(s.at(c), Some(b':') | Some(b'/')) {
        return None;
    }
    if let Some(e) = crate::ial::ald_id_name(s, c)
        && s.at(e) == Some(b':')
    {
        return None;
    }
    // (ALD_ANY_CHARS+)\} greedy: up to first unescaped }
    let mut i = c;
    loop {
        match s.at(i) {
            None => return None,
            Some(b'\\') if s.at(i + 1) == Some(b'}') => i += 2,
            Some(b'}') => break,
            Some(_) => i += 1,
        }
    }
    if i == c {
        return None;
    }
    let mut e = i + 1;
    while s.at(e).is_some_and(is_ws) {
        e += 1;
    }
    Some(((c, i), e))
}

/// content_re for an indentation: `^(?:(?:\t| {4}){n/4} {n%4}|(?:\t| {4}){n/4+1}).*\S.*\n`.
fn content_line<S: Src + ?Sized>(s: &S, p: usize, ind: usize) -> Option<usize> {
    let units = ind / 4;
    let rem = ind % 4;
    let mut q = p;
    let mut ok = true;
    for _ in 0..units {
        match scan::indent(s, q) {
            Some(e) => q = e,
            None => {
                ok = false;
                break;
            }
        }
    }
    if !ok {
        return None;
    }
    let after_units = q;
    // alternative 1: rem spaces
    if (0..rem).all(|k| s.at(after_units + k) == Some(b' '))
        && let Some(e) = scan::nonblank_line(s, after_units + rem)
    {
        return Some(e);
    }
    // alternative 2: one more unit
    if let Some(e1) = scan::indent(s, after_units)
        && let Some(e) = scan::nonblank_line(s, e1)
    {
        return Some(e);
    }
    None
}

/// lazy_re: `(?!^ {0,min(n,3)}(?:IAL_BLOCK|LAZY_END_HTML_STOP|LAZY_END_HTML_START)).*\S.*\n`.
fn lazy_line<S: Src + ?Sized>(s: &S, p: usize, ind: usize) -> Option<usize> {
    let max = ind.min(3);
    let mut q = p;
    loop {
        if scan::ial_block(s, q).is_some()
            || html::lazy_end_html_stop(s, q)
            || html::lazy_end_html_start(s, q)
        {
            return None;
        }
        if q < p + max && s.at(q) == Some(b' ') {
            q += 1;
        } else {
            break;
        }
    }
    scan::nonblank_line(s, p)
}

pub(crate) enum ExtBlock {
    Start {
        name: (usize, usize),
        attrs: Option<(usize, usize)>,
        closed: bool,
        end: usize,
    },
    Stop,
}

/// `EXT_BLOCK_START` at p.
fn ext_block_start<S: Src + ?Sized>(s: &S, p: usize) -> Option<ExtBlock> {
    let q = opt_space(s, p);
    if let Some((name, attrs, closed, e)) = scan::ext_start(s, q)
        && let Some(end) = scan::ws_then_nl(s, e)
    {
        return Some(ExtBlock::Start {
            name,
            attrs,
            closed,
            end,
        });
    }
    if let Some((Some(_), e)) = scan::ext_stop_any(s, q)
        && scan::ws_then_nl(s, e).is_some()
    {
        return Some(ExtBlock::Stop);
    }
    None
}

enum LinkUrl {
    Angle(usize, usize),
    Plain(usize, usize),
}

struct LinkDefMatch {
    url: LinkUrl,
    title: Option<(usize, usize)>,
    end: usize,
}

/// The part of LINK_DEFINITION_START after `[id]:[ \t]*`.
fn link_def_rest<S: Src + ?Sized>(s: &S, u: usize) -> Option<LinkDefMatch> {
    let le = s.line_end(u);
    if s.at(le) != Some(b'\n') {
        return None;
    }
    // suffix check at e: (title?) [ \t]*?\n
    let suffix = |e: usize| -> Option<(Option<(usize, usize)>, usize)> {
        // newline-title branch: [ \t]*?\n[ \t]*?(["'])(.+?)\4[ \t]*?\n
        let mut r = e;
        while matches!(s.at(r), Some(b' ') | Some(b'\t')) {
            r += 1;
        }
        let eol = s.at(r) == Some(b'\n');
        if eol {
            let mut k = r + 1;
            while matches!(s.at(k), Some(b' ') | Some(b'\t')) {
                k += 1;
            }
            if let Some(t) = title_at(s, k) {
                return Some((Some((t.0, t.1)), t.2));
            }
        }
        // same-line title: [ \t]+?[ \t]*?(["'])...
        if matches!(s.at(e), Some(b' ') | Some(b'\t'))
            && let Some(t) = title_at(s, r)
        {
            return Some((Some((t.0, t.1)), t.2));
        }
        if eol {
            return Some((None, r + 1));
        }
        None
    };
    // alternative 1: <(.*?)>
    if s.at(u) == Some(b'<') {
        let mut k = u + 1;
        while k < le {
            if s.at(k) == Some(b'>')
                && let Some((title, end)) = suffix(k + 1)
            {
                return Some(LinkDefMatch {
                    url: LinkUrl::Angle(u + 1, k),
                    title,
                    end,
                });
            }
            k += 1;
        }
    }
    // alternative 2: ([^\n]*?\S[^\n]*?)
    let mut has_s = false;
    let mut e = u;
    while e < le {
        if !s.at(e).is_some_and(is_ws) {
            has_s = true;
        }
        e += 1;
        if has_s && let Some((title, end)) = suffix(e) {
            return Some(LinkDefMatch {
                url: LinkUrl::Plain(u, e),
                title,
                end,
            });
        }
    }
    None
}

/// `(["'])(.+?)\1[ \t]*?\n` at k: (title start, title end, end).
fn title_at<S: Src + ?Sized>(s: &S, k: usize) -> Option<(usize, usize, usize)> {
    let q = s.at(k)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let le = s.line_end(k);
    let mut j = k + 2;
    while j < le {
        if s.at(j) == Some(q) {
            let mut r = j + 1;
            while matches!(s.at(r), Some(b' ') | Some(b'\t')) {
                r += 1;
            }
            if s.at(r) == Some(b'\n') {
                return Some((k + 1, j, r + 1));
            }
        }
        j += 1;
    }
    None
}

/// Ruby `downcase`, borrowing when nothing changes.
pub(crate) fn downcase_cow(v: Cow<'_, str>) -> Cow<'_, str> {
    // (one pass for the usual lower-case ASCII name)
    if !v.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        return v;
    }
    if v.is_ascii() {
        if v.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(v.to_ascii_lowercase())
        } else {
            v
        }
    } else {
        let l = v.to_lowercase();
        if l == *v { v } else { Cow::Owned(l) }
    }
}

fn fold_newlines(v: &str) -> String {
    // gsub(/\n+/, ' ')
    let mut out = String::with_capacity(v.len());
    let mut prev_nl = false;
    for c in v.chars() {
        if c == '\n' {
            if !prev_nl {
                out.push(' ');
            }
            prev_nl = true;
        } else {
            out.push(c);
            prev_nl = false;
        }
    }
    out
}

/// Object-safe access used for attribute extraction from any text.
pub(crate) trait SrcDyn {
    fn base_range_dyn(&self, a: usize, b: usize) -> Option<(usize, usize)>;
    fn bytes_dyn(&self, a: usize, b: usize) -> Vec<u8>;
    fn span_dyn(&self, a: usize, b: usize) -> std::ops::Range<usize>;
}

impl SrcDyn for VText<'_> {
    fn base_range_dyn(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        self.base_range(a, b)
    }
    fn bytes_dyn(&self, a: usize, b: usize) -> Vec<u8> {
        self.bytes(a, b)
    }
    fn span_dyn(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        let s0 = self.to_base(a);
        s0..(if b > a { self.to_base_end(b) } else { s0 })
    }
}

impl SrcDyn for MText {
    fn base_range_dyn(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        self.base_range(a, b)
    }
    fn bytes_dyn(&self, a: usize, b: usize) -> Vec<u8> {
        self.bytes
            .get(a..b.min(self.bytes.len()))
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    }
    fn span_dyn(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        let s0 = self.to_base(a);
        s0..(if b > a { self.to_base_end(b) } else { s0 })
    }
}

pub(crate) fn attrs_from_tag<'a>(
    p: &Parser<'a, '_>,
    t: &dyn SrcDyn,
    m: &html::TagMatch,
    in_html: bool,
    fold_nl: bool,
) -> Vec<Attr<'a>> {
    p.html_attrs(t, m, in_html, fold_nl)
}

impl<'a, 'b> Parser<'a, 'b> {
    pub(crate) fn cur_text(&self) -> Rc<VText<'b>> {
        self.text()
    }
    pub(crate) fn cur_pos(&self) -> usize {
        self.pos()
    }
    pub(crate) fn set_cur_pos(&mut self, p: usize) {
        self.set_pos(p)
    }
    pub(crate) fn cur_tree(&self) -> NodeId {
        self.tree()
    }
    pub(crate) fn after_block_boundary_pub(&self) -> bool {
        self.after_block_boundary()
    }
    pub(crate) fn new_block_el_pub(&mut self, kind: Kind, span: std::ops::Range<usize>) -> NodeId {
        self.new_block_el(kind, span)
    }
}
