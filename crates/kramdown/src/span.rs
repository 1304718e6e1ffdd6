//! Span-level parsing (`parse_spans` and the span parsers of
//! parser/kramdown/*.rb plus gfm.rb), `update_tree`, abbreviations and the
//! GFM post-processing (`update_elements`), as explicit stack machines.

use std::borrow::Cow;
use std::rc::Rc;

use crate::block::{Parser, append_val, normalize_link_id};
use crate::html;
use crate::ial::{self, parse_attribute_list};
use crate::text::{
    MText, Pat, Src, char_at, char_before, is_alnum, is_alpha, is_bword, is_strip, is_word, is_ws,
};
use crate::tree::{
    Attr, AttrOrigin, Category, Children, ContentModel, Document, EobKind, Ial, Kind, Node, NodeId,
};
use crate::{Input, entities};

/// Span parser identifiers in kramdown's order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SP {
    Emphasis,
    Codespan,
    Autolink,
    SpanHtml,
    FootnoteMarker,
    Link,
    SmartQuotes,
    InlineMath,
    SpanExtensions,
    HtmlEntity,
    TypographicSyms,
    LineBreak,
    EscapedChars,
    Strikethrough,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PSet {
    All,
    OnlyHtml,
    OnlyCode,
    CodeAndHtml,
}

#[derive(Clone)]
enum Stop {
    None,
    /// emphasis delimiter (`*`, `**`, `_`, `__`), element kind, type char
    Emph(std::rc::Rc<[u8]>, Kind, u8),
    /// link bracket counting
    Link,
    /// `</name\s*>` (case-insensitive when ci)
    Html(std::rc::Rc<str>, bool),
}

enum SCont {
    Top,
    Emph {
        saved: usize,
        result_len: usize,
        elem: Kind,
        ty: u8,
        retry: bool,
    },
    Link {
        result_len: usize,
        start: usize,
        cur_pos: usize,
    },
    Html {
        stop_name: Rc<str>,
        ci: bool,
    },
    Strike {
        restore_env: usize,
    },
}

struct Env {
    text: Rc<MText>,
    pos: usize,
    /// Distinguishes texts that reuse an index of `envs`.
    serial: u32,
    /// Built when inline-link scans run long (keeps repeated `[a](` linear).
    idx: std::cell::OnceCell<Box<LinkIdx>>,
}

/// Scans far ahead that failing inline links would repeat, precomputed.
struct LinkIdx {
    /// for each `(`: its matching `)` (usize::MAX: none)
    close: Vec<usize>,
    /// first k >= i with `\s` at k and a quote at k + 1
    wsq: Vec<usize>,
    /// `(` minus `)` in `0..i`
    depth: Vec<i64>,
    /// the last `(` or `)`
    last_paren: Option<usize>,
    /// per quote (`"`, `'`): first j >= i with the quote at j followed by `\s*\)`
    qclose: [Vec<usize>; 2],
}

impl LinkIdx {
    fn new(b: &[u8]) -> LinkIdx {
        let n = b.len();
        let mut close = vec![usize::MAX; n];
        let mut depth = Vec::with_capacity(n + 1);
        let mut stack = Vec::new();
        let mut d = 0i64;
        let mut last_paren = None;
        for (i, &c) in b.iter().enumerate() {
            depth.push(d);
            if c == b'(' {
                stack.push(i);
                d += 1;
                last_paren = Some(i);
            } else if c == b')' {
                if let Some(o) = stack.pop()
                    && let Some(x) = close.get_mut(o)
                {
                    *x = i;
                }
                d -= 1;
                last_paren = Some(i);
            }
        }
        depth.push(d);
        let mut wsq = vec![usize::MAX; n + 1];
        let mut q2 = [vec![usize::MAX; n + 1], vec![usize::MAX; n + 1]];
        // next non-white-space position after i is `)`
        let mut next_nonws_is_close = false;
        for i in (0..n).rev() {
            let c = b.get(i).copied().unwrap_or(0);
            let nx = b.get(i + 1).copied();
            let w = if is_ws(c) && matches!(nx, Some(b'"') | Some(b'\'')) {
                i
            } else {
                wsq.get(i + 1).copied().unwrap_or(usize::MAX)
            };
            if let Some(x) = wsq.get_mut(i) {
                *x = w;
            }
            for (k, qc) in [b'"', b'\''].into_iter().enumerate() {
                let Some(v) = q2.get_mut(k) else { continue };
                let nxt = v.get(i + 1).copied().unwrap_or(usize::MAX);
                if let Some(x) = v.get_mut(i) {
                    *x = if c == qc && next_nonws_is_close {
                        i
                    } else {
                        nxt
                    };
                }
            }
            if !is_ws(c) {
                next_nonws_is_close = c == b')';
            }
        }
        LinkIdx {
            close,
            wsq,
            depth,
            last_paren,
            qclose: q2,
        }
    }
}

/// Direct scans longer than this use [`LinkIdx`].
const SCAN_BUDGET: usize = 512;

struct SFrame {
    el: NodeId,
    env: usize,
    stop: Stop,
    parsers: PSet,
    text_type: Kind,
    found: bool,
    done: bool,
    cont: SCont,
    /// counts of em/strong/a/img in the tree chain of this env (including el)
    chain: [u32; 4],
    link_count: i64,
    /// Img children of `el` counted so far (`imgs`) and up to which child.
    imgs: i64,
    imgs_upto: usize,
    /// For emphasis and link frames: the loop positions seen with a
    /// non-empty `el` (position, effective bracket count, index into
    /// `checks`, last child is text) and the effective bracket counts after
    /// each bracket check (see [`SpanMachine::memo`]).
    visited: Vec<(usize, i64, u32, u8)>,
    checks: Vec<i64>,
    /// When the frame was failed by the memo: the range of bracket counts
    /// its remaining run would have had (min, max), if any check remained.
    tail: Option<(i64, i64)>,
}

/// The state of an emphasis or link frame's loop that, with the position,
/// determines the rest of its run (the bracket count aside).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct MemoKey {
    env_serial: u32,
    /// 1 em, 2 strong, 3 a, 4 img
    kind: u8,
    /// emphasis delimiter character
    delim: u8,
    /// which of em/strong/a/img are in the chain (only that matters)
    chain: u8,
    raw_text: bool,
    /// 0: `el` has no children, 1: last child is not text, 2: it is text
    last: u8,
    pos: usize,
}

fn chain_idx(k: Kind) -> Option<usize> {
    match k {
        Kind::Em => Some(0),
        Kind::Strong => Some(1),
        Kind::A => Some(2),
        Kind::Img => Some(3),
        _ => None,
    }
}

thread_local! {
    /// A span machine kept from the last document parsed on this thread (its vectors are
    /// reused, so a document allocates none of them again).
    static SPARE_MACHINE: std::cell::Cell<Option<SpanMachine>> =
        const { std::cell::Cell::new(None) };
}

/// The span machine the last document on this thread left, if any.
pub(crate) fn take_spare_machine() -> Option<SpanMachine> {
    SPARE_MACHINE.try_with(std::cell::Cell::take).ok().flatten()
}

/// Keep `m` for the next document on this thread (unless it grew large).
fn keep_spare_machine(mut m: SpanMachine) {
    if m.memo.capacity() > 1024 || m.recs.capacity() > 1024 || m.frames.capacity() > 1024 {
        return;
    }
    m.envs.clear();
    m.frames.clear();
    m.memo.clear();
    m.recs.clear();
    let _ = SPARE_MACHINE.try_with(|s| s.set(Some(m)));
}

#[derive(Default)]
pub(crate) struct SpanMachine {
    envs: Vec<Env>,
    frames: Vec<SFrame>,
    /// Failed emphasis/link attempts (kramdown's retries of these are what
    /// make `*a **b ` or `[[[…]` superlinear): a frame that reaches a loop
    /// position in the same state as a frame that failed from there fails
    /// too — for links, when its bracket count differs by `delta`, unless a
    /// later bracket check of the failed frame had count `delta`. Values:
    /// (record, count at the position, check index).
    memo: std::collections::HashMap<MemoKey, (u32, i64, u32)>,
    /// Per failed frame: suffix minima and maxima of its bracket checks.
    recs: Vec<(Vec<i64>, Vec<i64>)>,
    serial: u32,
    /// Set when `{::options}` changed the options mid-text (memo unsafe).
    memo_off: bool,
}

fn memo_kind(f: &SFrame) -> u8 {
    match (&f.stop, &f.cont) {
        (Stop::Emph(_, Kind::Em, _), SCont::Emph { .. }) => 1,
        (Stop::Emph(_, _, _), SCont::Emph { .. }) => 2,
        (Stop::Link, SCont::Link { result_len: 1, .. }) => 3,
        (Stop::Link, SCont::Link { .. }) => 4,
        _ => 0,
    }
}

fn memo_key(f: &SFrame, kind: u8, serial: u32, pos: usize, last: u8) -> MemoKey {
    MemoKey {
        env_serial: serial,
        kind,
        delim: match &f.stop {
            Stop::Emph(_, _, ty) => *ty,
            _ => 0,
        },
        chain: f
            .chain
            .iter()
            .enumerate()
            .fold(0, |a, (i, &c)| if c > 0 { a | (1 << i) } else { a }),
        raw_text: f.text_type == Kind::RawText,
        last,
        pos,
    }
}

fn st(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(b).into_owned(),
    }
}

impl<'a> Parser<'a, '_> {
    fn span_parsers(&self, set: PSet) -> &'static [SP] {
        use SP::*;
        let gfm = self.opts.input == Input::Gfm;
        match set {
            PSet::OnlyHtml => &[SpanHtml],
            PSet::OnlyCode => &[Codespan],
            PSet::CodeAndHtml => &[Codespan, SpanHtml],
            PSet::All => {
                let lb = !(gfm && self.init_hard_wrap);
                let ty = !(gfm && self.init_no_typo);
                match (gfm, lb, ty) {
                    (true, true, true) => &[
                        Emphasis,
                        Codespan,
                        Autolink,
                        SpanHtml,
                        FootnoteMarker,
                        Link,
                        SmartQuotes,
                        InlineMath,
                        SpanExtensions,
                        HtmlEntity,
                        TypographicSyms,
                        LineBreak,
                        EscapedChars,
                        Strikethrough,
                    ],
                    (true, false, true) => &[
                        Emphasis,
                        Codespan,
                        Autolink,
                        SpanHtml,
                        FootnoteMarker,
                        Link,
                        SmartQuotes,
                        InlineMath,
                        SpanExtensions,
                        HtmlEntity,
                        TypographicSyms,
                        EscapedChars,
                        Strikethrough,
                    ],
                    (true, true, false) => &[
                        Emphasis,
                        Codespan,
                        Autolink,
                        SpanHtml,
                        FootnoteMarker,
                        Link,
                        SmartQuotes,
                        InlineMath,
                        SpanExtensions,
                        HtmlEntity,
                        LineBreak,
                        EscapedChars,
                        Strikethrough,
                    ],
                    (true, false, false) => &[
                        Emphasis,
                        Codespan,
                        Autolink,
                        SpanHtml,
                        FootnoteMarker,
                        Link,
                        SmartQuotes,
                        InlineMath,
                        SpanExtensions,
                        HtmlEntity,
                        EscapedChars,
                        Strikethrough,
                    ],
                    (false, _, _) => &[
                        Emphasis,
                        Codespan,
                        Autolink,
                        SpanHtml,
                        FootnoteMarker,
                        Link,
                        SmartQuotes,
                        InlineMath,
                        SpanExtensions,
                        HtmlEntity,
                        TypographicSyms,
                        LineBreak,
                        EscapedChars,
                    ],
                }
            }
        }
    }

    /// Span-parse `text` into `el` (`parse_spans(el, nil, parsers)` after a `reset_env`).
    pub(crate) fn parse_spans_into(&mut self, el: NodeId, text: MText, set: PSet, text_type: Kind) {
        // the machine's vectors are reused from call to call
        let mut m = self.spare_spans.take().unwrap_or_default();
        m.envs.clear();
        m.frames.clear();
        m.memo.clear();
        m.recs.clear();
        m.memo_off = false;
        m.serial = 0;
        m.envs.push(Env {
            text: Rc::new(text),
            pos: 0,
            serial: 0,
            idx: std::cell::OnceCell::new(),
        });
        m.frames.push(SFrame {
            el,
            env: 0,
            stop: Stop::None,
            parsers: set,
            text_type,
            found: false,
            done: false,
            cont: SCont::Top,
            chain: [0; 4],
            link_count: 0,
            imgs: 0,
            imgs_upto: 0,
            visited: Vec::new(),
            checks: Vec::new(),
            tail: None,
        });
        if let Some(i) = chain_idx(self.n(el).kind)
            && let Some(f) = m.frames.last_mut()
        {
            f.chain[i] += 1;
        }
        self.run_spans(&mut m);
        m.envs.clear();
        m.frames.clear();
        self.spare_spans = Some(m);
    }

    fn run_spans(&mut self, m: &mut SpanMachine) {
        let mut guard: u64 = 0;
        let limit = 100_000_000u64 + 50 * self.base.len() as u64;
        while let Some(f) = m.frames.last() {
            guard += 1;
            if guard > limit {
                break;
            }
            let env = f.env;
            let eos = m.envs.get(env).is_none_or(|e| e.pos >= e.text.len());
            if f.done || f.found || eos {
                let Some(fr) = m.frames.pop() else { break };
                if !fr.found && !m.memo_off {
                    Self::memo_commit(m, &fr);
                }
                self.span_cont(m, fr);
                continue;
            }
            if !m.memo_off
                && let Some(tail) = self.memo_fails(m)
            {
                if let Some(f) = m.frames.last_mut() {
                    f.done = true;
                    f.tail = tail;
                }
                continue;
            }
            self.span_step(m);
        }
    }

    /// Record the loop positions of a failed emphasis/link frame.
    fn memo_commit(m: &mut SpanMachine, fr: &SFrame) {
        let kind = memo_kind(fr);
        if kind == 0 || fr.visited.is_empty() {
            return;
        }
        let serial = m.envs.get(fr.env).map_or(u32::MAX, |e| e.serial);
        let rec = m.recs.len() as u32;
        let n = fr.checks.len();
        let mut mn = vec![i64::MAX; n];
        let mut mx = vec![i64::MIN; n];
        let (mut a, mut b) = fr.tail.unwrap_or((i64::MAX, i64::MIN));
        for i in (0..n).rev() {
            let c = fr.checks.get(i).copied().unwrap_or(0);
            a = a.min(c);
            b = b.max(c);
            if let (Some(x), Some(y)) = (mn.get_mut(i), mx.get_mut(i)) {
                *x = a;
                *y = b;
            }
        }
        m.recs.push((mn, mx));
        for &(pos, d, ci, lt) in &fr.visited {
            m.memo
                .entry(memo_key(fr, kind, serial, pos, lt))
                .or_insert((rec, d, ci));
        }
    }

    /// Whether the top frame is bound to fail (it is in the state of a
    /// recorded failed frame): `Some(range of its remaining bracket counts)`;
    /// records its position otherwise.
    fn memo_fails(&self, m: &mut SpanMachine) -> Option<Option<(i64, i64)>> {
        let f = m.frames.last()?;
        let kind = memo_kind(f);
        if kind == 0 {
            return None;
        }
        let kids = &self.n(f.el).children;
        let last = match kids.last() {
            None => 0,
            Some(&l) if self.n(l).kind == Kind::Text => 2,
            Some(_) => 1,
        };
        let e = m.envs.get(f.env)?;
        let (pos, serial) = (e.pos, e.serial);
        let d = if kind >= 3 {
            let mut imgs = f.imgs;
            if let Some(new) = kids.get(f.imgs_upto..) {
                imgs += new.iter().filter(|&&c| self.n(c).kind == Kind::Img).count() as i64;
            }
            f.link_count - imgs
        } else {
            0
        };
        if !m.memo.is_empty()
            && let Some(&(rec, d0, ci)) = m.memo.get(&memo_key(f, kind, serial, pos, last))
        {
            // this frame's counts are the recorded ones minus delta
            let delta = d0 - d;
            let range = m
                .recs
                .get(rec as usize)
                .and_then(|(mn, mx)| Some((*mn.get(ci as usize)?, *mx.get(ci as usize)?)));
            let fails = delta == 0
                || match range {
                    Some((a, b)) => delta < a || delta > b,
                    None => true,
                };
            if fails {
                return Some(range.map(|(a, b)| (a - delta, b - delta)));
            }
        }
        if let Some(f) = m.frames.last_mut() {
            let ci = f.checks.len() as u32;
            f.visited.push((pos, d, ci, last));
        }
        None
    }

    /// The link scan index of env `env` (text `t`), built on first use.
    fn link_idx<'m>(m: &'m SpanMachine, env: usize, t: &MText) -> &'m LinkIdx {
        static EMPTY: std::sync::OnceLock<LinkIdx> = std::sync::OnceLock::new();
        match m.envs.get(env) {
            Some(e) => e.idx.get_or_init(|| Box::new(LinkIdx::new(&t.bytes))),
            None => EMPTY.get_or_init(|| LinkIdx::new(b"")),
        }
    }

    fn env_text(m: &SpanMachine, env: usize) -> Rc<MText> {
        m.envs
            .get(env)
            .map_or_else(|| Rc::new(MText::default()), |e| e.text.clone())
    }

    fn env_pos(m: &SpanMachine, env: usize) -> usize {
        m.envs.get(env).map_or(0, |e| e.pos)
    }

    fn set_env_pos(m: &mut SpanMachine, env: usize, p: usize) {
        if let Some(e) = m.envs.get_mut(env) {
            e.pos = p;
        }
    }

    /// `add_text(text, tree, type)` for a range of the env text.
    fn add_text_range(&mut self, tree: NodeId, kind: Kind, t: &MText, a: usize, b: usize) {
        if a >= b {
            // Ruby appends "" to a same-typed last child; nothing visible
            return;
        }
        let sp = t.to_base(a)..t.to_base_end(b);
        if kind == Kind::RawText {
            // The piece keeps its map to the source (table cells are parsed from it again).
            self.add_raw_piece(tree, t.sub(a, b), sp);
        } else {
            let v = self.mval(t, a, b);
            self.add_text_val(tree, kind, v, sp);
        }
    }

    fn add_text_val(
        &mut self,
        tree: NodeId,
        kind: Kind,
        v: Cow<'a, str>,
        sp: std::ops::Range<usize>,
    ) {
        if let Some(&l) = self.n(tree).children.last()
            && self.n(l).kind == kind
        {
            let src = self.src;
            let n = self.nm(l);
            append_val(src, &mut n.value, v);
            if n.span.start == n.span.end && n.span.start == 0 {
                n.span = sp;
            } else {
                n.span.start = n.span.start.min(sp.start);
                n.span.end = n.span.end.max(sp.end);
            }
            return;
        }
        if v.is_empty() {
            return;
        }
        let id = self.node(kind);
        let n = self.nm(id);
        n.value = v;
        n.span = sp;
        self.push(tree, id);
    }

    fn add_text_bytes(
        &mut self,
        tree: NodeId,
        kind: Kind,
        bytes: &[u8],
        sp: std::ops::Range<usize>,
    ) {
        if kind != Kind::RawText {
            self.add_text_val(tree, kind, Cow::Owned(st(bytes)), sp);
            return;
        }
        let mut piece = MText::default();
        piece.push_synth(bytes, sp.start);
        self.add_raw_piece(tree, piece, sp);
    }

    /// Raw text (parsed again later, e.g. a table cell) with its map to the source.
    fn add_raw_piece(&mut self, tree: NodeId, piece: MText, sp: std::ops::Range<usize>) {
        if let Some(&l) = self.n(tree).children.last()
            && self.n(l).kind == Kind::RawText
        {
            let n = self.nm(l);
            let mt = n.mtext.get_or_insert_with(Box::default);
            mt.append(&piece);
            if n.span.start == n.span.end && n.span.start == 0 {
                n.span = sp;
            } else {
                n.span.start = n.span.start.min(sp.start);
                n.span.end = n.span.end.max(sp.end);
            }
            return;
        }
        if piece.bytes.is_empty() {
            return;
        }
        let id = self.node(Kind::RawText);
        let n = self.nm(id);
        n.mtext = Some(Box::new(piece));
        n.span = sp;
        self.push(tree, id);
    }

    fn add_text_cow(
        &mut self,
        tree: NodeId,
        kind: Kind,
        v: Cow<'a, str>,
        sp: std::ops::Range<usize>,
    ) {
        if kind == Kind::RawText {
            self.add_text_bytes(tree, kind, v.as_bytes(), sp);
        } else {
            self.add_text_val(tree, kind, v, sp);
        }
    }

    #[allow(dead_code)]
    fn add_text_str(&mut self, tree: NodeId, kind: Kind, s: &str, sp: std::ops::Range<usize>) {
        self.add_text_bytes(tree, kind, s.as_bytes(), sp);
    }

    /// One iteration of the `parse_spans` while loop.
    fn span_step(&mut self, m: &mut SpanMachine) {
        let Some(f) = m.frames.last() else { return };
        let env = f.env;
        let el = f.el;
        let tt = f.text_type;
        let set = f.parsers;
        let stop = f.stop.clone();
        let t = Self::env_text(m, env);
        let pos = Self::env_pos(m, env);
        let parsers = self.span_parsers(set);
        let Some(p) = self.next_span_start(&t, pos, parsers, &stop) else {
            if matches!(stop, Stop::None) {
                self.add_text_range(el, tt, &t, pos, t.len());
                Self::set_env_pos(m, env, t.len());
            }
            if let Some(f) = m.frames.last_mut() {
                f.done = true;
            }
            return;
        };
        self.add_text_range(el, tt, &t, pos, p);
        Self::set_env_pos(m, env, p);
        // stop check
        if let Some(found) = self.check_stop(m, &t, p, &stop)
            && found
        {
            if let Some(f) = m.frames.last_mut() {
                f.found = true;
            }
            return;
        }
        // parsers
        for &sp in parsers {
            if self.span_start_re(sp, &t, p) {
                self.call_span_parser(m, sp, &t, p);
                return;
            }
        }
        // add_text(getch)
        let l = char_at(&*t, p).map_or(1, |c| c.1);
        self.add_text_range(el, tt, &t, p, p + l);
        Self::set_env_pos(m, env, p + l);
    }

    /// Returns Some(stop_re_found) when the stop regexp matches at p.
    fn check_stop(
        &mut self,
        m: &mut SpanMachine,
        t: &MText,
        p: usize,
        stop: &Stop,
    ) -> Option<bool> {
        match stop {
            Stop::None => None,
            Stop::Emph(delim, elem, ty) => {
                if !starts_with(t, p, delim) {
                    return None;
                }
                let f = m.frames.last()?;
                let el = f.el;
                let c1 = !char_before(t, p).is_some_and(|(c, _)| c.is_ascii() && is_ws(c as u8));
                let c2 = *elem != Kind::Em || {
                    let mut d2 = delim.to_vec();
                    d2.extend_from_slice(delim);
                    !starts_with(t, p, &d2) || starts_with(t, p + d2.len(), delim)
                };
                let c3 = *ty != b'_' || {
                    let q = p + delim.len();
                    !(starts_with(t, p, delim) && char_at(t, q).is_some_and(|(c, _)| is_alnum(c)))
                };
                let c4 = !self.n(el).children.is_empty();
                Some(c1 && c2 && c3 && c4)
            }
            Stop::Link => {
                let b = t.at(p)?;
                let close = b == b']';
                let open = b == b'[' || (b == b'!' && t.at(p + 1) == Some(b'['));
                if !close && !open {
                    return None;
                }
                let f = m.frames.last_mut()?;
                f.link_count += if close { -1 } else { 1 };
                // Img children, counted incrementally (children only grow)
                let kids = &self.n(f.el).children;
                if let Some(new) = kids.get(f.imgs_upto..) {
                    f.imgs += new.iter().filter(|&&c| self.n(c).kind == Kind::Img).count() as i64;
                }
                f.imgs_upto = kids.len();
                let d = f.link_count - f.imgs;
                f.checks.push(d);
                Some(d == 0)
            }
            Stop::Html(name, ci) => html::close_named(t, p, name, *ci).map(|_| true),
        }
    }

    /// The leftmost position >= pos where the stop regexp or a span
    /// parser's `span_start` matches.
    fn next_span_start(&self, t: &MText, pos: usize, parsers: &[SP], stop: &Stop) -> Option<usize> {
        let b = &t.bytes;
        let n = b.len();
        // position k (a character start) may start something: the byte test of
        // kramdown's combined span start regexp
        let check = |k: usize| -> bool {
            let c = b.get(k).copied().unwrap_or(0);
            let cl = if c < 0x80 {
                1
            } else {
                char_at(t, k).map_or(1, |x| x.1)
            };
            let nx = b.get(k + cl).copied().unwrap_or(0);
            let interesting = match c {
                b'*' | b'_' | b'`' | b'<' | b'[' | b'"' | b'\'' | b'&' | b'\\' | b']' => true,
                b'!' | b'{' | b'~' | b'$' | b'>' | b'-' => {
                    nx == c
                        || matches!((c, nx), (b'!', b'[') | (b'{', b':') | (b'>', b'>'))
                        || nx == b'"'
                        || nx == b'\''
                }
                b'.' => nx == b'.' || nx == b'"' || nx == b'\'',
                b' ' => matches!(nx, b'>' | b'<' | b' ' | b'"' | b'\''),
                _ => nx == b'"' || nx == b'\'',
            };
            interesting
                && (stop_matches(t, k, stop) || parsers.iter().any(|&sp| span_start_str(sp, t, k)))
        };
        let mut i = pos;
        while i < n {
            // skip to the next byte that is interesting itself; a character
            // just before a quote is interesting too
            let j = next_span_byte(b, i);
            if j > i && matches!(b.get(j), Some(b'"') | Some(b'\'')) {
                let mut k0 = j - 1;
                while k0 > i && b.get(k0).is_some_and(|&x| x & 0xC0 == 0x80) {
                    k0 -= 1;
                }
                if check(k0) {
                    return Some(k0);
                }
            }
            if j >= n {
                break;
            }
            // a space matters only before `>`, `<`, a space or a quote
            let plain_space = b.get(j) == Some(&b' ')
                && !matches!(b.get(j + 1), Some(b'>' | b'<' | b' ' | b'"' | b'\''));
            if !plain_space && check(j) {
                return Some(j);
            }
            i = j + 1;
            // move to the next char boundary
            while i < n && b.get(i).is_some_and(|&x| x & 0xC0 == 0x80) {
                i += 1;
            }
        }
        None
    }

    /// The parser's `start_re` checked at p.
    fn span_start_re(&self, sp: SP, t: &MText, p: usize) -> bool {
        let b = |k: usize| t.at(p + k);
        match sp {
            SP::Emphasis => matches!(b(0), Some(b'*') | Some(b'_')),
            SP::Codespan => b(0) == Some(b'`'),
            SP::Autolink => autolink(t, p).is_some(),
            SP::SpanHtml => {
                b(0) == Some(b'<')
                    && (b(1) == Some(b'/')
                        || (b(1) == Some(b'!') && b(2) == Some(b'-') && b(3) == Some(b'-'))
                        || html::uname(t, p + 1).is_some())
            }
            SP::FootnoteMarker => footnote_marker(t, p).is_some(),
            SP::Link => {
                let q = if b(0) == Some(b'!') { p + 1 } else { p };
                t.at(q) == Some(b'[') && t.at(q + 1).is_some_and(|x| x != b'^')
            }
            SP::SmartQuotes => smart_quote_start(t, p),
            SP::InlineMath => {
                b(0) == Some(b'$')
                    && b(1) == Some(b'$')
                    && t.next_pat(p + 2, Pat::Dollar2).is_some()
            }
            SP::SpanExtensions => b(0) == Some(b'{') && b(1) == Some(b':'),
            SP::HtmlEntity => html_entity(t, p).is_some(),
            SP::TypographicSyms => typographic(t, p).is_some(),
            SP::LineBreak => line_break(t, p).is_some(),
            SP::EscapedChars => escaped_char(t, p, self.opts.input == Input::Gfm).is_some(),
            SP::Strikethrough => strikethrough(t, p).is_some(),
        }
    }

    fn call_span_parser(&mut self, m: &mut SpanMachine, sp: SP, t: &Rc<MText>, p: usize) {
        match sp {
            SP::Emphasis => self.sp_emphasis(m, t, p),
            SP::Codespan => self.sp_codespan(m, t, p),
            SP::Autolink => self.sp_autolink(m, t, p),
            SP::SpanHtml => self.sp_span_html(m, t, p),
            SP::FootnoteMarker => self.sp_footnote_marker(m, t, p),
            SP::Link => self.sp_link(m, t, p),
            SP::SmartQuotes => self.sp_smart_quotes(m, t, p),
            SP::InlineMath => self.sp_inline_math(m, t, p),
            SP::SpanExtensions => self.sp_span_extensions(m, t, p),
            SP::HtmlEntity => self.sp_html_entity(m, t, p),
            SP::TypographicSyms => self.sp_typographic(m, t, p),
            SP::LineBreak => self.sp_line_break(m, t, p),
            SP::EscapedChars => self.sp_escaped(m, t, p),
            SP::Strikethrough => self.sp_strike(m, t, p),
        }
    }

    fn cur(m: &SpanMachine) -> (NodeId, usize, Kind, [u32; 4]) {
        m.frames.last().map_or((0, 0, Kind::Text, [0; 4]), |f| {
            (f.el, f.env, f.text_type, f.chain)
        })
    }

    fn push_span_frame(
        &mut self,
        m: &mut SpanMachine,
        el: NodeId,
        env: usize,
        stop: Stop,
        parsers: PSet,
        cont: SCont,
        new_chain: bool,
    ) {
        let (_, _, tt, chain) = Self::cur(m);
        let mut chain = if new_chain { [0; 4] } else { chain };
        if let Some(i) = chain_idx(self.n(el).kind) {
            chain[i] += 1;
        }
        let text_type = if matches!(cont, SCont::Strike { .. }) {
            Kind::Text
        } else {
            tt
        };
        m.frames.push(SFrame {
            el,
            env,
            stop,
            parsers,
            text_type,
            found: false,
            done: false,
            cont,
            chain,
            link_count: 1,
            imgs: 0,
            imgs_upto: 0,
            visited: Vec::new(),
            checks: Vec::new(),
            tail: None,
        });
    }

    fn span_cont(&mut self, m: &mut SpanMachine, fr: SFrame) {
        let found = fr.found;
        let el = fr.el;
        let env = fr.env;
        match fr.cont {
            SCont::Top => {}
            SCont::Strike { restore_env } => {
                m.envs.truncate(restore_env + 1);
                let (tree, _, _, _) = Self::cur(m);
                self.push(tree, el);
            }
            SCont::Html { stop_name, ci } => {
                let t = Self::env_text(m, env);
                let pos = Self::env_pos(m, env);
                if found {
                    let e = html::close_named(&*t, pos, &stop_name, ci).unwrap_or(pos);
                    Self::set_env_pos(m, env, e);
                    self.nm(el).span.end = t.to_base_end(e);
                } else {
                    self.warnings.push(format!(
                        "Found no end tag for '{stop_name}' - auto-closing it"
                    ));
                    let tt = fr.text_type;
                    self.add_text_range(el, tt, &t, pos, t.len());
                    Self::set_env_pos(m, env, t.len());
                    self.nm(el).span.end = t.to_base_end(t.len());
                }
            }
            SCont::Emph {
                saved,
                result_len,
                elem,
                ty,
                retry,
            } => {
                let t = Self::env_text(m, env);
                let (tree, _, tt, _) = Self::cur(m);
                if found {
                    let dl = if retry { 1 } else { result_len };
                    let pos = Self::env_pos(m, env);
                    Self::set_env_pos(m, env, pos + dl);
                    self.nm(el).span = t.to_base(saved)..t.to_base_end(pos + dl);
                    self.push(tree, el);
                } else if !retry && elem == Kind::Strong && self.n(tree).kind != Kind::Em {
                    Self::set_env_pos(m, env, saved + 1);
                    let nel = self.node(Kind::Em);
                    self.push_span_frame(
                        m,
                        nel,
                        env,
                        Stop::Emph(std::rc::Rc::from(vec![ty]), Kind::Em, ty),
                        PSet::All,
                        SCont::Emph {
                            saved,
                            result_len,
                            elem: Kind::Em,
                            ty,
                            retry: true,
                        },
                        false,
                    );
                } else {
                    Self::set_env_pos(m, env, saved + result_len);
                    self.add_text_range(tree, tt, &t, saved, saved + result_len);
                }
            }
            SCont::Link {
                result_len,
                start,
                cur_pos,
            } => self.link_cont(m, el, env, found, result_len, start, cur_pos),
        }
    }

    // ----- span parsers -----

    fn sp_emphasis(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, chain) = Self::cur(m);
        let ty = t.at(p).unwrap_or(b'*');
        let len = if t.at(p + 1) == Some(ty) { 2 } else { 1 };
        let elem = if len == 2 { Kind::Strong } else { Kind::Em };
        let after = p + len;
        let under_alpha = ty == b'_' && {
            // pre_match =~ /[[:alpha:]]-?[[:alpha:]]*\z/
            match char_before(&**t, p) {
                Some((c, _)) if is_alpha(c) => true,
                Some(('-', l)) => char_before(&**t, p - l).is_some_and(|(c, _)| is_alpha(c)),
                _ => false,
            }
        };
        let next_ws = t.at(after).is_some_and(is_ws);
        let in_same = self.n(tree).kind == elem
            || chain_idx(elem).is_some_and(|i| chain.get(i).copied().unwrap_or(0) > 0);
        if under_alpha || next_ws || in_same {
            Self::set_env_pos(m, env, after);
            self.add_text_range(tree, tt, t, p, after);
            return;
        }
        Self::set_env_pos(m, env, after);
        let el = self.node(elem);
        let delim: std::rc::Rc<[u8]> = std::rc::Rc::from(t.bytes.get(p..after).unwrap_or_default());
        self.push_span_frame(
            m,
            el,
            env,
            Stop::Emph(delim, elem, ty),
            PSet::All,
            SCont::Emph {
                saved: p,
                result_len: len,
                elem,
                ty,
                retry: false,
            },
            false,
        );
    }

    fn sp_codespan(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, _) = Self::cur(m);
        let mut e = p;
        while t.at(e) == Some(b'`') {
            e += 1;
        }
        let n = e - p;
        let simple = n == 1;
        if simple {
            let pre_ok = p == 0 || t.at(p - 1).is_some_and(is_ws);
            if pre_ok && t.at(e).is_some_and(is_ws) {
                Self::set_env_pos(m, env, e);
                self.add_text_range(tree, tt, t, p, e);
                return;
            }
        }
        // scan_until(/`{n}/)
        let mut k = e;
        let mut found = None;
        let len = t.len();
        while k < len {
            if t.at(k) == Some(b'`') {
                let mut r = k;
                while t.at(r) == Some(b'`') && r - k < n {
                    r += 1;
                }
                if r - k == n {
                    found = Some(k);
                    break;
                }
                k = r;
                continue;
            }
            k += 1;
        }
        let Some(k) = found else {
            Self::set_env_pos(m, env, e);
            self.add_text_range(tree, tt, t, p, e);
            return;
        };
        let mut a = e;
        let mut b = k;
        if !simple {
            if t.at(a) == Some(b' ') && a < b {
                a += 1;
            }
            if b > a && t.at(b - 1) == Some(b' ') {
                b -= 1;
            }
        }
        let end = k + n;
        Self::set_env_pos(m, env, end);
        let id = self.node(Kind::Codespan);
        let v = self.mval(t, a, b);
        let sp = t.to_base(p)..t.to_base_end(end);
        let nn = self.nm(id);
        nn.value = v;
        nn.span = sp;
        nn.codespan_delim = u32::try_from(n).unwrap_or(u32::MAX);
        self.push(tree, id);
    }

    fn sp_autolink(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, _) = Self::cur(m);
        let Some((a, b, is_mail_form, end)) = autolink(&**t, p) else {
            return;
        };
        Self::set_env_pos(m, env, end);
        let g1 = self.mval(t, a, b);
        let href = if is_mail_form {
            Cow::Owned(format!("mailto:{g1}"))
        } else {
            g1.clone()
        };
        let el = self.node(Kind::A);
        let vs = t.to_base(a)..t.to_base_end(b);
        {
            let n = self.nm(el);
            n.attrs.push(Attr {
                name: "href".into(),
                value: href,
                name_span: None,
                value_span: Some(vs.clone()),
                origin: AttrOrigin::Parser,
            });
            n.span = t.to_base(p)..t.to_base_end(end);
        }
        let txt = match g1 {
            Cow::Borrowed(x) => Cow::Borrowed(x.strip_prefix("mailto:").unwrap_or(x)),
            Cow::Owned(x) => Cow::Owned(x.strip_prefix("mailto:").unwrap_or(&x).to_string()),
        };
        self.add_text_cow(el, tt, txt, vs);
        self.push(tree, el);
    }

    fn sp_span_html(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, _) = Self::cur(m);
        if let Some(e) = html::html_comment(&**t, p) {
            let id = self.node(Kind::XmlComment);
            let v = self.mval(t, p, e);
            let sp = t.to_base(p)..t.to_base_end(e);
            let n = self.nm(id);
            n.value = v;
            n.span = sp;
            n.category = Some(Category::Span);
            self.push(tree, id);
            Self::set_env_pos(m, env, e);
            return;
        }
        if let Some((_, e)) = html::html_close_tag(&**t, p) {
            self.warnings
                .push("Found invalidly used HTML closing tag".into());
            self.add_text_range(tree, tt, t, p, e);
            Self::set_env_pos(m, env, e);
            return;
        }
        if let Some(tm) = html::html_tag(&**t, p) {
            let written = self.mval(t, tm.name.0, tm.name.1);
            let lname = crate::block::downcase_cow(written.clone());
            let kn = html::known_element(&lname);
            let known = kn.is_some();
            let name: Cow<'a, str> = match kn {
                Some(k) => Cow::Borrowed(k),
                None => written,
            };
            Self::set_env_pos(m, env, tm.end);
            if html::BLOCK_ELEMENTS.contains(&name.as_ref()) {
                self.warnings
                    .push(format!("Found block HTML tag '{name}' in span-level text"));
                self.add_text_range(tree, tt, t, p, tm.end);
                return;
            }
            let mut attrs =
                crate::block::attrs_from_tag(self, &**t, &tm, html::is_html_element(&name), true);
            let tree_raw = self.n(tree).content_model == Some(ContentModel::Raw);
            let mut do_parsing = if html::content_model(&name) == ContentModel::Raw || tree_raw {
                false
            } else {
                self.opts.parse_span_html
            };
            if let Some(k) = attrs.iter().position(|a| a.name == "markdown") {
                let v = attrs.remove(k).value;
                match v.as_ref() {
                    "block" => self
                        .warnings
                        .push("Cannot use block-level parsing in span-level HTML tag".into()),
                    "span" => do_parsing = true,
                    "1" => do_parsing = html::content_model(&name) != ContentModel::Raw,
                    "0" => do_parsing = false,
                    _ => {}
                }
            }
            let el = self.node(Kind::HtmlElement);
            {
                let n = self.nm(el);
                n.value = name.clone();
                n.attrs = attrs;
                n.category = Some(Category::Span);
                n.content_model = Some(if do_parsing {
                    ContentModel::Span
                } else {
                    ContentModel::Raw
                });
                n.is_closed = tm.closed;
                n.span = t.to_base(p)..t.to_base_end(tm.end);
            }
            self.push(tree, el);
            if !tm.closed && !html::ELEMENTS_WITHOUT_BODY.contains(&name.as_ref()) {
                let ci = known;
                let rname: Rc<str> = Rc::from(name.as_ref());
                self.push_span_frame(
                    m,
                    el,
                    env,
                    Stop::Html(rname.clone(), ci),
                    if do_parsing {
                        PSet::All
                    } else {
                        PSet::OnlyHtml
                    },
                    SCont::Html {
                        stop_name: rname,
                        ci,
                    },
                    false,
                );
            }
            return;
        }
        let l = char_at(&**t, p).map_or(1, |c| c.1);
        self.add_text_range(tree, tt, t, p, p + l);
        Self::set_env_pos(m, env, p + l);
    }

    fn sp_footnote_marker(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, _) = Self::cur(m);
        let Some(((a, b), e)) = footnote_marker(&**t, p) else {
            return;
        };
        Self::set_env_pos(m, env, e);
        let name = st(t.bytes.get(a..b).unwrap_or_default());
        let Some(&idx) = self.fn_index.get(&name) else {
            self.warnings
                .push(format!("Footnote definition for '{name}' not found"));
            self.add_text_range(tree, tt, t, p, e);
            return;
        };
        if let Some(eob) = self.footnotes.get(idx).and_then(|f| f.eob) {
            let ial = self.n(eob).ial.clone().unwrap_or_default();
            let mut attrs = self.n(eob).attrs.clone();
            ial::update_attr_with_ial(&mut attrs, &ial, &self.alds);
            self.nm(eob).attrs = attrs.clone();
            if let Some(f) = self.footnotes.get_mut(idx) {
                f.attr = attrs;
                f.eob = None;
            }
        }
        let (content, attr) = match self.footnotes.get_mut(idx) {
            Some(f) => {
                f.referenced = true;
                (f.content, f.attr.clone())
            }
            None => return,
        };
        let id = self.node(Kind::Footnote);
        let sp = t.to_base(p)..t.to_base_end(e);
        let n = self.nm(id);
        n.value = name.into();
        n.footnote = Some(content);
        n.attrs = attr;
        n.span = sp;
        self.push(tree, id);
    }

    fn sp_link(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, chain) = Self::cur(m);
        let is_img = t.at(p) == Some(b'!');
        let rl = if is_img { 2 } else { 1 };
        let cur_pos = p + rl;
        Self::set_env_pos(m, env, cur_pos);
        if !is_img {
            let tk = self.n(tree).kind;
            if tk == Kind::Img
                || tk == Kind::A
                || chain.get(2).copied().unwrap_or(0) > 0
                || chain.get(3).copied().unwrap_or(0) > 0
            {
                self.add_text_range(tree, tt, t, p, cur_pos);
                return;
            }
        }
        if t.next_pat(cur_pos, Pat::RBracket).is_none() {
            // no `]` follows: the bracket parse can only fail (kramdown scans to the end)
            self.add_text_range(tree, tt, t, p, cur_pos);
            return;
        }
        let el = self.node(if is_img { Kind::Img } else { Kind::A });
        self.push_span_frame(
            m,
            el,
            env,
            Stop::Link,
            PSet::All,
            SCont::Link {
                result_len: rl,
                start: p,
                cur_pos,
            },
            false,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn link_cont(
        &mut self,
        m: &mut SpanMachine,
        el: NodeId,
        env: usize,
        found: bool,
        _rl: usize,
        start: usize,
        cur_pos: usize,
    ) {
        let t = Self::env_text(m, env);
        let (tree, _, tt, _) = Self::cur(m);
        let revert = |this: &mut Self, m: &mut SpanMachine| {
            Self::set_env_pos(m, env, cur_pos);
            this.add_text_range(tree, tt, &t, start, cur_pos);
        };
        if !found {
            revert(self, m);
            return;
        }
        let close = Self::env_pos(m, env);
        // alt_text = extract_string(cur_pos...pos).gsub(ESCAPED_CHARS, '\1')
        let raw_alt = t.bytes.get(cur_pos..close).unwrap_or_default();
        let alt: Cow<'a, str> = if raw_alt.contains(&b'\\') {
            Cow::Owned(unescape_kramdown(raw_alt))
        } else {
            self.mval(&t, cur_pos, close)
        };
        let alt_span = t.to_base(cur_pos)..t.to_base_end(close);
        let mut q = close + 1; // scan(LINK_BRACKET_STOP_RE) consumes ']'
        let _is_img = self.n(el).kind == Kind::Img;
        // LINK_INLINE_ID_RE /\s*?\[([^\]]+)?\]/
        let inline_id = {
            let mut r = q;
            while t.at(r).is_some_and(is_ws) {
                r += 1;
            }
            // lazy \s*?: the first '[' after any whitespace prefix; whitespace is only skipped
            if t.at(r) == Some(b'[') {
                let mut k = r + 1;
                while let Some(b) = t.at(k) {
                    if b == b']' {
                        break;
                    }
                    k += 1;
                }
                if t.at(k) == Some(b']') {
                    Some((r + 1, k, k + 1))
                } else {
                    None
                }
            } else {
                None
            }
        };
        if inline_id.is_some() || t.at(q) != Some(b'(') {
            let (id_src, end) = match inline_id {
                Some((a, b, e)) if b > a => (Some((a, b)), e),
                Some((_, _, e)) => (None, e),
                None => (None, q),
            };
            let link_id = match id_src {
                Some((a, b)) => normalize_link_id(t.bytes.get(a..b).unwrap_or_default()),
                None => normalize_link_id(alt.as_bytes()),
            };
            let def = self.link_defs.get(&link_id).map(|d| {
                (
                    d.url.clone(),
                    d.url_span.clone(),
                    d.title.clone(),
                    d.title_span.clone(),
                    d.eob,
                )
            });
            match def {
                Some((url, url_span, title, title_span, eob)) => {
                    Self::set_env_pos(m, env, end);
                    let ial = eob.and_then(|e| self.n(e).ial.clone());
                    self.add_link(
                        el,
                        tree,
                        url,
                        url_span,
                        title,
                        title_span,
                        alt.clone(),
                        alt_span,
                        ial.map(|b| *b),
                        AttrOrigin::LinkDef,
                        &t,
                        start,
                        end,
                    );
                }
                None => {
                    if id_src.is_none() {
                        self.warnings
                            .push(format!("No link definition for link ID '{link_id}' found"));
                    }
                    revert(self, m);
                }
            }
            return;
        }
        // inline link: q is at '('
        if t.at(q + 1) == Some(b'<') {
            // /\(<(.*?)>/
            let le = t.line_end(q + 2);
            let mut k = q + 2;
            let mut gt = None;
            while k < le {
                if t.at(k) == Some(b'>') {
                    gt = Some(k);
                    break;
                }
                k += 1;
            }
            if let Some(g) = gt {
                let url = self.mval(&t, q + 2, g);
                let us = t.to_base(q + 2)..t.to_base_end(g);
                if t.at(g + 1) == Some(b')') {
                    Self::set_env_pos(m, env, g + 2);
                    self.add_link(
                        el,
                        tree,
                        url,
                        Some(us),
                        None,
                        None,
                        alt.clone(),
                        alt_span,
                        None,
                        AttrOrigin::Parser,
                        &t,
                        start,
                        g + 2,
                    );
                    return;
                }
                q = g + 1;
                return self.link_title(
                    m,
                    el,
                    env,
                    tree,
                    tt,
                    &t,
                    q,
                    url,
                    Some(us),
                    alt.clone(),
                    alt_span,
                    start,
                    cur_pos,
                );
            }
        }
        // paren scanning: LINK_PAREN_STOP_RE /(\()|(\))|\s(?=['"])/
        let mut nr: i64 = 0;
        let mut k = q;
        let n = t.len();
        let mut url_end = q;
        let mut ended = false;
        let lim = n.min(q + SCAN_BUDGET);
        while k < lim {
            let b = t.at(k).unwrap_or(0);
            if b == b'(' {
                nr += 1;
                k += 1;
                url_end = k;
            } else if b == b')' {
                nr -= 1;
                k += 1;
                url_end = k;
                if nr == 0 {
                    ended = true;
                    break;
                }
            } else if is_ws(b) && matches!(t.at(k + 1), Some(b'"') | Some(b'\'')) {
                k += 1;
                url_end = k;
                ended = true;
                break;
            } else {
                k += 1;
            }
        }
        if !ended && lim < n {
            // long scan: the same result from the index
            let ix = Self::link_idx(m, env, &t);
            let c = ix.close.get(q).copied().unwrap_or(usize::MAX);
            let w = ix.wsq.get(q).copied().unwrap_or(usize::MAX);
            let dep = |i: usize| ix.depth.get(i).copied().unwrap_or(0);
            if c < w {
                url_end = c + 1;
                nr = 0;
            } else if w != usize::MAX {
                url_end = w + 1;
                nr = dep(w) - dep(q);
            } else {
                url_end = ix.last_paren.map_or(q, |l| l + 1);
                nr = dep(n) - dep(q);
            }
        }
        // link_url = link_url[1..-2].strip
        let (ua, ub) = if url_end >= q + 2 {
            (q + 1, url_end - 1)
        } else {
            (q + 1, q + 1)
        };
        let raw = t.bytes.get(ua..ub.max(ua)).unwrap_or_default();
        let (sa, sb) = strip_range(raw);
        let url = self.mval(&t, ua + sa, ua + sb);
        let us = t.to_base(ua + sa)..t.to_base_end(ua + sb);
        if nr == 0 {
            Self::set_env_pos(m, env, url_end);
            self.add_link(
                el,
                tree,
                url,
                Some(us),
                None,
                None,
                alt.clone(),
                alt_span,
                None,
                AttrOrigin::Parser,
                &t,
                start,
                url_end,
            );
            return;
        }
        self.link_title(
            m,
            el,
            env,
            tree,
            tt,
            &t,
            url_end,
            url,
            Some(us),
            alt.clone(),
            alt_span,
            start,
            cur_pos,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn link_title(
        &mut self,
        m: &mut SpanMachine,
        el: NodeId,
        env: usize,
        tree: NodeId,
        tt: Kind,
        t: &Rc<MText>,
        q: usize,
        url: Cow<'a, str>,
        us: Option<std::ops::Range<usize>>,
        alt: Cow<'a, str>,
        alt_span: std::ops::Range<usize>,
        start: usize,
        cur_pos: usize,
    ) {
        // LINK_INLINE_TITLE_RE /\s*?(["'])(.+?)\1\s*?\)/m
        let mut r = q;
        while t.at(r).is_some_and(is_ws) {
            r += 1;
        }
        if let Some(qc @ (b'"' | b'\'')) = t.at(r) {
            let n = t.len();
            let mut j = r + 2;
            let lim = n.min(j + SCAN_BUDGET);
            if lim < n {
                // long scan: jump to the first candidate from the index
                let ix = Self::link_idx(m, env, t);
                let k = usize::from(qc == b'\'');
                j = ix
                    .qclose
                    .get(k)
                    .and_then(|v| v.get(j))
                    .copied()
                    .unwrap_or(usize::MAX)
                    .min(n);
            }
            while j < n {
                if t.at(j) == Some(qc) {
                    let mut k = j + 1;
                    while t.at(k).is_some_and(is_ws) {
                        k += 1;
                    }
                    if t.at(k) == Some(b')') {
                        let title = self.mval(t, r + 1, j);
                        let ts = t.to_base(r + 1)..t.to_base_end(j);
                        Self::set_env_pos(m, env, k + 1);
                        self.add_link(
                            el,
                            tree,
                            url,
                            us,
                            Some(title),
                            Some(ts),
                            alt,
                            alt_span,
                            None,
                            AttrOrigin::Parser,
                            t,
                            start,
                            k + 1,
                        );
                        return;
                    }
                }
                j += 1;
            }
        }
        Self::set_env_pos(m, env, cur_pos);
        self.add_text_range(tree, tt, t, start, cur_pos);
    }

    #[allow(clippy::too_many_arguments)]
    fn add_link(
        &mut self,
        el: NodeId,
        tree: NodeId,
        href: Cow<'a, str>,
        href_span: Option<std::ops::Range<usize>>,
        title: Option<Cow<'a, str>>,
        title_span: Option<std::ops::Range<usize>>,
        alt: Cow<'a, str>,
        alt_span: std::ops::Range<usize>,
        ial: Option<Ial<'a>>,
        origin: AttrOrigin,
        t: &MText,
        start: usize,
        end: usize,
    ) {
        let mut attrs = std::mem::take(&mut self.nm(el).attrs);
        if let Some(i) = &ial {
            ial::update_attr_with_ial(&mut attrs, i, &self.alds);
        }
        let is_img = self.n(el).kind == Kind::Img;
        let set = |attrs: &mut Vec<Attr<'a>>,
                   name: &'static str,
                   v: Cow<'a, str>,
                   vs: Option<std::ops::Range<usize>>| {
            crate::tree::set_attr(
                attrs,
                Attr {
                    name: name.into(),
                    value: v,
                    name_span: None,
                    value_span: vs,
                    origin,
                },
            );
        };
        if is_img {
            set(&mut attrs, "src", href, href_span);
            crate::tree::set_attr(
                &mut attrs,
                Attr {
                    name: "alt".into(),
                    value: alt,
                    name_span: None,
                    value_span: Some(alt_span),
                    origin: AttrOrigin::Parser,
                },
            );
        } else {
            set(&mut attrs, "href", href, href_span);
        }
        if let Some(ti) = title {
            set(&mut attrs, "title", ti, title_span);
        }
        let sp = t.to_base(start)..t.to_base_end(end);
        let n = self.nm(el);
        n.attrs = attrs;
        n.ial = ial.map(Box::new);
        n.span = sp;
        if is_img {
            n.children.clear();
        }
        self.push(tree, el);
    }

    fn sp_smart_quotes(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, _) = Self::cur(m);
        let Some((pre, quotes, end)) = smart_quote_rule(&**t, p) else {
            let l = char_at(&**t, p).map_or(1, |c| c.1);
            self.add_text_range(tree, tt, t, p, p + l);
            Self::set_env_pos(m, env, p + l);
            return;
        };
        Self::set_env_pos(m, env, end);
        let mut q = p;
        for item in [
            pre.map(SqItem::Text),
            quotes.first().copied().map(SqItem::Q),
            quotes.get(1).copied().map(SqItem::Q),
        ]
        .into_iter()
        .flatten()
        {
            match item {
                SqItem::Text((a, b)) => {
                    self.add_text_range(tree, tt, t, a, b);
                    q = b;
                }
                SqItem::Q((name, at)) => {
                    let id = self.node(Kind::SmartQuote);
                    let sp = t.to_base(at)..t.to_base_end(at + 1);
                    let n = self.nm(id);
                    n.value = Cow::Borrowed(name);
                    n.span = sp;
                    self.push(tree, id);
                    q = at + 1;
                }
            }
        }
        let _ = q;
    }

    fn sp_inline_math(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, _, _) = Self::cur(m);
        let Some(ce) = t.next_pat(p + 2, Pat::Dollar2) else {
            return;
        };
        let (sa, sb) = strip_range(t.bytes.get(p + 2..ce).unwrap_or_default());
        let v = self.mval(t, p + 2 + sa, p + 2 + sb);
        Self::set_env_pos(m, env, ce + 2);
        let id = self.node(Kind::Math);
        let sp = t.to_base(p)..t.to_base_end(ce + 2);
        let n = self.nm(id);
        n.value = v;
        n.category = Some(Category::Span);
        n.span = sp;
        self.push(tree, id);
    }

    fn sp_span_extensions(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, _) = Self::cur(m);
        let getch = |this: &mut Self, m: &mut SpanMachine| {
            this.add_text_range(tree, tt, t, p, p + 1);
            Self::set_env_pos(m, env, p + 1);
        };
        // EXT_SPAN_START
        if let Some((name, attrs, closed, e)) = crate::scan::ext_start(&**t, p) {
            let ename = st(t.bytes.get(name.0..name.1).unwrap_or_default());
            let mut opts = Ial::default();
            if let Some((a, b)) = attrs {
                let sub = t.sub(a, b);
                let s2 = sub.clone();
                parse_attribute_list(&sub, &mut opts, AttrOrigin::Ial, &|x, y| {
                    s2.to_base(x)..s2.to_base_end(y)
                });
            }
            let mut body = None;
            let mut end = e;
            if !closed {
                // scan_until(EXT_STOP_STR % ext)
                let mut k = e;
                let n = t.len();
                let mut f = None;
                while k < n {
                    if let Some(se) = crate::scan::ext_stop_named(&**t, k, ename.as_bytes()) {
                        f = Some((k, se));
                        break;
                    }
                    k += 1;
                }
                match f {
                    Some((bs, se)) => {
                        body = Some((e, bs));
                        end = se;
                    }
                    None => {
                        self.warnings.push(format!(
                            "No stop tag for extension '{ename}' found - ignoring it"
                        ));
                        return getch(self, m);
                    }
                }
            }
            let sp = t.to_base(p)..t.to_base_end(end);
            match ename.as_str() {
                "comment" | "nomarkdown" => {
                    Self::set_env_pos(m, env, end);
                    if let Some((a, b)) = body {
                        let id = self.node(if ename == "comment" {
                            Kind::Comment
                        } else {
                            Kind::Raw
                        });
                        let v = self.mval(t, a, b);
                        let ty = opts
                            .get("type")
                            .map(|a| a.value.clone())
                            .unwrap_or_default();
                        let nn = self.nm(id);
                        nn.value = v;
                        nn.category = Some(Category::Span);
                        nn.span = sp;
                        if ename == "nomarkdown" {
                            nn.rare_mut().raw_type = ty
                                .split(|c: char| c.is_ascii() && is_ws(c as u8))
                                .filter(|x| !x.is_empty())
                                .map(String::from)
                                .collect();
                        }
                        self.push(tree, id);
                    }
                }
                "options" => {
                    Self::set_env_pos(m, env, end);
                    self.apply_options(&opts);
                    m.memo_off = true;
                }
                _ => {
                    self.warnings.push(format!(
                        "Invalid extension with name '{ename}' specified - ignoring it"
                    ));
                    getch(self, m);
                }
            }
            return;
        }
        if crate::scan::ext_stop_any(&**t, p).is_some() {
            // invalid extension stop tag
            return getch(self, m);
        }
        // IAL_SPAN_START /\{:(ALD_ANY_CHARS+)\}/
        let c = p + 2;
        let mut i = c;
        let mut close = None;
        while let Some(k) = t.next_pat(i, Pat::RBrace) {
            if k > c && t.at(k - 1) == Some(b'\\') {
                i = k + 1;
                continue;
            }
            close = Some(k);
            break;
        }
        match close {
            Some(k) if k > c => {
                let last = self.n(tree).children.last().copied();
                match last {
                    Some(l) if self.n(l).kind != Kind::Text => {
                        Self::set_env_pos(m, env, k + 1);
                        let sub = t.sub(c, k);
                        let s2 = sub.clone();
                        let mut attr = Ial::default();
                        parse_attribute_list(&sub, &mut attr, AttrOrigin::Ial, &|x, y| {
                            s2.to_base(x)..s2.to_base_end(y)
                        });
                        let mut li = self.nm(l).ial.take().unwrap_or_default();
                        ial::update_ial_with_ial(&mut li, &attr);
                        self.nm(l).ial = Some(li);
                        let mut attrs = std::mem::take(&mut self.nm(l).attrs);
                        ial::update_attr_with_ial(&mut attrs, &attr, &self.alds);
                        self.nm(l).attrs = attrs;
                    }
                    _ => {
                        self.warnings
                            .push("Found span IAL after text - ignoring it".into());
                        getch(self, m);
                    }
                }
            }
            _ => getch(self, m),
        }
    }

    fn sp_html_entity(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, _) = Self::cur(m);
        let Some((ent, end)) = html_entity(&**t, p) else {
            return;
        };
        Self::set_env_pos(m, env, end);
        let sp = t.to_base(p)..t.to_base_end(end);
        let orig = self.mval(t, p, end);
        let cp = match ent {
            Ent::Name(a, b) => entities::by_name(t.bytes.get(a..b).unwrap_or_default()),
            Ent::Num(v) => Some(entities::by_cp(v).0),
        };
        match cp {
            Some(cp) => {
                let id = self.node(Kind::Entity);
                let n = self.nm(id);
                n.code_point = cp;
                n.value = orig;
                n.span = sp;
                self.push(tree, id);
            }
            None => {
                let id = self.node(Kind::Entity);
                let n = self.nm(id);
                n.code_point = 38;
                n.span = t.to_base(p)..t.to_base_end(p + 1);
                self.push(tree, id);
                self.add_text_range(tree, tt, t, p + 1, end);
            }
        }
    }

    fn sp_typographic(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, _, _) = Self::cur(m);
        let Some((sym, len)) = typographic(&**t, p) else {
            return;
        };
        Self::set_env_pos(m, env, p + len);
        let sp = t.to_base(p)..t.to_base_end(p + len);
        match sym {
            "lt2" | "gt2" => {
                for _ in 0..2 {
                    let id = self.node(Kind::Entity);
                    let n = self.nm(id);
                    n.code_point = if sym == "lt2" { 60 } else { 62 };
                    n.span = sp.clone();
                    self.push(tree, id);
                }
            }
            _ => {
                let id = self.node(Kind::TypographicSym);
                let n = self.nm(id);
                n.value = Cow::Borrowed(sym);
                n.span = sp;
                self.push(tree, id);
            }
        }
    }

    fn sp_line_break(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, _, _) = Self::cur(m);
        let Some(e) = line_break(&**t, p) else { return };
        let id = self.node(Kind::Br);
        self.nm(id).span = t.to_base(p)..t.to_base_end(e);
        self.push(tree, id);
        Self::set_env_pos(m, env, e);
    }

    fn sp_escaped(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (tree, env, tt, _) = Self::cur(m);
        let Some(e) = escaped_char(&**t, p, self.opts.input == Input::Gfm) else {
            return;
        };
        Self::set_env_pos(m, env, e);
        self.add_text_range(tree, tt, t, p + 1, e);
    }

    fn sp_strike(&mut self, m: &mut SpanMachine, t: &Rc<MText>, p: usize) {
        let (_, env, _, _) = Self::cur(m);
        let Some(end) = strikethrough(&**t, p) else {
            return;
        };
        Self::set_env_pos(m, env, end);
        let el = self.node(Kind::HtmlElement);
        {
            let n = self.nm(el);
            n.value = "del".into();
            n.category = Some(Category::Span);
            n.span = t.to_base(p)..t.to_base_end(end);
        }
        let sub = t.sub(p + 2, end - 2);
        let restore = m.envs.len() - 1;
        m.serial += 1;
        m.envs.push(Env {
            text: Rc::new(sub),
            pos: 0,
            serial: m.serial,
            idx: std::cell::OnceCell::new(),
        });
        let ne = m.envs.len() - 1;
        self.push_span_frame(
            m,
            el,
            ne,
            Stop::None,
            PSet::All,
            SCont::Strike {
                restore_env: restore,
            },
            true,
        );
    }
}

enum SqItem {
    Text((usize, usize)),
    Q((&'static str, usize)),
}

fn strip_range(b: &[u8]) -> (usize, usize) {
    let a = b.iter().take_while(|&&c| is_strip(c)).count();
    let e = b.iter().rposition(|&c| !is_strip(c)).map_or(a, |x| x + 1);
    (a, e.max(a))
}

fn starts_with(t: &MText, p: usize, d: &[u8]) -> bool {
    t.bytes.get(p..p + d.len()) == Some(d)
}

/// Bytes that may start a span element by themselves (or, for quotes, make
/// the preceding character a candidate).
const SPAN_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let s = b"*_`<[\"'&\\]!{~$>-. ";
    let mut i = 0;
    while i < s.len() {
        t[s[i] as usize] = true;
        i += 1;
    }
    t
};

/// The first position >= `i` of a byte in [`SPAN_BYTE`] (or `b.len()`); runs of
/// non-ASCII bytes (CJK text) are skipped eight at a time.
fn next_span_byte(b: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const HIGH2: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;
    loop {
        while let Some(c) = b.get(i..i + 16) {
            let w = <[u8; 16]>::try_from(c).map_or(0, u128::from_ne_bytes);
            if w & HIGH2 != HIGH2 {
                break;
            }
            i += 16;
        }
        while let Some(c) = b.get(i..i + 8) {
            let w = <[u8; 8]>::try_from(c).map_or(0, u64::from_ne_bytes);
            if w & HIGH != HIGH {
                break;
            }
            i += 8;
        }
        let end = (i + 8).min(b.len());
        while i < end {
            if b.get(i).is_some_and(|&x| SPAN_BYTE[x as usize]) {
                return i;
            }
            i += 1;
        }
        if i >= b.len() {
            return b.len();
        }
    }
}

/// Whether [`Parser::next_span_start`] finds nothing in `b` from 0 for any parser set
/// (no byte of [`SPAN_BYTE`] but spaces not followed by `>`, `<`, a space or a quote).
fn no_span_start(b: &[u8]) -> bool {
    let mut i = 0;
    loop {
        i = next_span_byte(b, i);
        match b.get(i) {
            None => return true,
            Some(b' ') if !matches!(b.get(i + 1), Some(b'>' | b'<' | b' ' | b'"' | b'\'')) => {
                i += 1
            }
            Some(_) => return false,
        }
    }
}

fn stop_matches(t: &MText, i: usize, stop: &Stop) -> bool {
    match stop {
        Stop::None => false,
        Stop::Emph(d, _, _) => starts_with(t, i, d),
        Stop::Link => {
            let b = t.at(i);
            b == Some(b']') || b == Some(b'[') || (b == Some(b'!') && t.at(i + 1) == Some(b'['))
        }
        Stop::Html(name, ci) => html::close_named(t, i, name, *ci).is_some(),
    }
}

/// A parser's `span_start` string matched at i.
fn span_start_str(sp: SP, t: &MText, i: usize) -> bool {
    let b = |k: usize| t.at(i + k);
    match sp {
        SP::Emphasis => matches!(b(0), Some(b'*') | Some(b'_')),
        SP::Codespan => b(0) == Some(b'`'),
        SP::Autolink | SP::SpanHtml => b(0) == Some(b'<'),
        SP::FootnoteMarker => b(0) == Some(b'['),
        SP::Link => b(0) == Some(b'[') || (b(0) == Some(b'!') && b(1) == Some(b'[')),
        SP::SmartQuotes => smart_quote_start(t, i),
        SP::InlineMath => b(0) == Some(b'$'),
        SP::SpanExtensions => b(0) == Some(b'{') && b(1) == Some(b':'),
        SP::HtmlEntity => b(0) == Some(b'&'),
        SP::TypographicSyms => {
            (b(0) == Some(b'-') && b(1) == Some(b'-'))
                || (b(0) == Some(b'.') && b(1) == Some(b'.') && b(2) == Some(b'.'))
                || {
                    let k = if matches!(b(0), Some(b'\\') | Some(b' ')) {
                        1
                    } else {
                        0
                    };
                    let c = b(k);
                    (c == Some(b'<') || c == Some(b'>')) && b(k + 1) == c
                }
                || {
                    let c = b(0);
                    (c == Some(b'<') || c == Some(b'>')) && b(1) == c
                }
        }
        SP::LineBreak => line_break(t, i).is_some(),
        SP::EscapedChars => b(0) == Some(b'\\'),
        SP::Strikethrough => b(0) == Some(b'~') && b(1) == Some(b'~'),
    }
}

/// `[^\\]?["']` at i.
fn smart_quote_start<S: Src + ?Sized>(t: &S, i: usize) -> bool {
    match t.at(i) {
        Some(b'"') | Some(b'\'') => true,
        Some(b'\\') | None => false,
        Some(_) => {
            let l = char_at(t, i).map_or(1, |c| c.1);
            matches!(t.at(i + l), Some(b'"') | Some(b'\''))
        }
    }
}

/// AUTOLINK_START at p: (g1 start, g1 end, mail form?, end).
fn autolink<S: Src + ?Sized>(t: &S, p: usize) -> Option<(usize, usize, bool, usize)> {
    if t.at(p) != Some(b'<') {
        return None;
    }
    let a = p + 1;
    // (mailto|https?|ftps?):.+?
    let schemes: [&[u8]; 5] = [b"mailto", b"https", b"http", b"ftps", b"ftp"];
    for sc in schemes {
        if sc.iter().enumerate().all(|(k, &c)| t.at(a + k) == Some(c))
            && t.at(a + sc.len()) == Some(b':')
        {
            let s = a + sc.len() + 1;
            // .+? then >: at least one char (not newline), first '>' after that
            let mut k = s;
            if t.at(k).is_none_or(|b| b == b'\n') {
                continue;
            }
            k += 1;
            if let Some(g) = t.next_pat(k, Pat::Gt)
                && t.line_end(k) > g
            {
                return Some((a, g, false, g + 1));
            }
        }
    }
    // [ACHARS]+?@[ACHARS]+?>
    let achar = |i: usize| -> Option<usize> {
        let (c, l) = char_at(t, i)?;
        if is_alnum(c) || c == '-' || c == '_' || c == '.' {
            Some(l)
        } else {
            None
        }
    };
    let mut k = a;
    while let Some(l) = achar(k) {
        k += l;
    }
    if k == a || t.at(k) != Some(b'@') {
        return None;
    }
    let d = k + 1;
    let mut e = d;
    while let Some(l) = achar(e) {
        e += l;
    }
    if e == d || t.at(e) != Some(b'>') {
        return None;
    }
    Some((a, e, true, e + 1))
}

/// FOOTNOTE_MARKER_START at p: (name range, end).
fn footnote_marker<S: Src + ?Sized>(t: &S, p: usize) -> Option<((usize, usize), usize)> {
    if !(t.at(p) == Some(b'[') && t.at(p + 1) == Some(b'^')) {
        return None;
    }
    let e = crate::ial::ald_id_name(t, p + 2)?;
    if t.at(e) != Some(b']') {
        return None;
    }
    Some(((p + 2, e), e + 1))
}

enum Ent {
    Name(usize, usize),
    Num(u32),
}

/// HTML_ENTITY_RE at p.
fn html_entity<S: Src + ?Sized>(t: &S, p: usize) -> Option<(Ent, usize)> {
    if t.at(p) != Some(b'&') {
        return None;
    }
    let a = p + 1;
    if t.at(a).is_some_and(|b| is_word(b) || b == b':') {
        let mut k = a + 1;
        while t
            .at(k)
            .is_some_and(|b| is_word(b) || b == b'-' || b == b'.' || b == b':')
        {
            k += 1;
        }
        if t.at(k) == Some(b';') {
            return Some((Ent::Name(a, k), k + 1));
        }
    }
    if t.at(a) == Some(b'#') {
        let mut k = a + 1;
        let mut v: u64 = 0;
        while let Some(b) = t.at(k).filter(|b| b.is_ascii_digit()) {
            v = v.saturating_mul(10).saturating_add(u64::from(b - b'0'));
            k += 1;
        }
        if k > a + 1 && t.at(k) == Some(b';') {
            return Some((Ent::Num(u32::try_from(v).unwrap_or(u32::MAX)), k + 1));
        }
        if t.at(a + 1) == Some(b'x') {
            let mut k = a + 2;
            let mut v: u64 = 0;
            while let Some(d) = t.at(k).and_then(|b| (b as char).to_digit(16)) {
                v = v.saturating_mul(16).saturating_add(u64::from(d));
                k += 1;
            }
            if k > a + 2 && t.at(k) == Some(b';') {
                return Some((Ent::Num(u32::try_from(v).unwrap_or(u32::MAX)), k + 1));
            }
        }
    }
    None
}

/// TYPOGRAPHIC_SYMS_RE at p: (symbol, length).
fn typographic<S: Src + ?Sized>(t: &S, p: usize) -> Option<(&'static str, usize)> {
    let b = |k: usize| t.at(p + k);
    if b(0) == Some(b'-') && b(1) == Some(b'-') {
        return Some(if b(2) == Some(b'-') {
            ("mdash", 3)
        } else {
            ("ndash", 2)
        });
    }
    if b(0) == Some(b'.') && b(1) == Some(b'.') && b(2) == Some(b'.') {
        return Some(("hellip", 3));
    }
    if b(0) == Some(b'\\') && b(1) == Some(b'<') && b(2) == Some(b'<') {
        return Some(("lt2", 3));
    }
    if b(0) == Some(b'\\') && b(1) == Some(b'>') && b(2) == Some(b'>') {
        return Some(("gt2", 3));
    }
    if b(0) == Some(b'<') && b(1) == Some(b'<') && b(2) == Some(b' ') {
        return Some(("laquo_space", 3));
    }
    if b(0) == Some(b' ') && b(1) == Some(b'>') && b(2) == Some(b'>') {
        return Some(("raquo_space", 3));
    }
    if b(0) == Some(b'<') && b(1) == Some(b'<') {
        return Some(("laquo", 2));
    }
    if b(0) == Some(b'>') && b(1) == Some(b'>') {
        return Some(("raquo", 2));
    }
    None
}

/// LINE_BREAK `(  |\\\\)(?=\n)` at p: end (before the newline).
fn line_break<S: Src + ?Sized>(t: &S, p: usize) -> Option<usize> {
    let a = t.at(p)?;
    let b = t.at(p + 1)?;
    if ((a == b' ' && b == b' ') || (a == b'\\' && b == b'\\')) && t.at(p + 2) == Some(b'\n') {
        Some(p + 2)
    } else {
        None
    }
}

/// ESCAPED_CHARS(_GFM) at p: end.
fn escaped_char<S: Src + ?Sized>(t: &S, p: usize, gfm: bool) -> Option<usize> {
    if t.at(p) != Some(b'\\') {
        return None;
    }
    let c = t.at(p + 1)?;
    let ok = matches!(
        c,
        b'\\'
            | b'.'
            | b'*'
            | b'_'
            | b'+'
            | b'`'
            | b'<'
            | b'>'
            | b'('
            | b')'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'!'
            | b':'
            | b'|'
            | b'"'
            | b'\''
            | b'$'
            | b'='
            | b'-'
    ) || (gfm && c == b'~');
    if ok { Some(p + 2) } else { None }
}

/// `gsub(ESCAPED_CHARS, '\1')` (kramdown's set, without `~`).
fn unescape_kramdown(b: &[u8]) -> String {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if let Some(e) = escaped_char(b, i, false) {
            if let Some(&c) = b.get(i + 1) {
                out.push(c);
            }
            i = e;
        } else {
            out.push(b.get(i).copied().unwrap_or(0));
            i += 1;
        }
    }
    st(&out)
}

/// STRIKETHROUGH_MATCH at p: end.
fn strikethrough<S: Src + ?Sized>(t: &S, p: usize) -> Option<usize> {
    if !(t.at(p) == Some(b'~') && t.at(p + 1) == Some(b'~')) {
        return None;
    }
    let c = p + 2;
    match t.at(c) {
        None => return None,
        Some(b) if is_ws(b) || b == b'~' => return None,
        _ => {}
    }
    // first k >= c + 1 with "~~" at k preceded by a char that is not ws/~
    let k = t.next_pat(c + 1, Pat::StrikeEnd)?;
    Some(k + 2)
}

const SQ_PUNCT: &[u8] = b"!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Apply SQ_RULES at p: (text prefix range, quotes (name, position), end).
#[allow(clippy::type_complexity)]
fn smart_quote_rule<S: Src + ?Sized>(
    t: &S,
    p: usize,
) -> Option<(Option<(usize, usize)>, Vec<(&'static str, usize)>, usize)> {
    let at = |k: usize| t.at(k);
    let isq = |b: Option<u8>| matches!(b, Some(b'"') | Some(b'\''));
    let qname = |b: Option<u8>, left: bool| -> &'static str {
        match (b, left) {
            (Some(b'"'), true) => "ldquo",
            (Some(b'"'), false) => "rdquo",
            (_, true) => "lsquo",
            (_, false) => "rsquo",
        }
    };
    let q0 = at(p);
    // 1. ("|')(?=[_*]{1,2}\S)
    if isq(q0) {
        let a = at(p + 1);
        if matches!(a, Some(b'_') | Some(b'*')) {
            let b2 = at(p + 2);
            let ok1 = b2.is_some_and(|b| !is_ws(b));
            let ok2 = matches!(b2, Some(b'_') | Some(b'*')) && at(p + 3).is_some_and(|b| !is_ws(b));
            if ok1 || ok2 {
                return Some((None, vec![(qname(q0, true), p)], p + 1));
            }
        }
        // 2. ("|')(?=SQ_PUNCT(?!\.\.)\B)
        if let Some(pc) = at(p + 1)
            && SQ_PUNCT.contains(&pc)
        {
            let not_dots = !(at(p + 2) == Some(b'.') && at(p + 3) == Some(b'.'));
            // \B after the punct char: both sides word chars or both not
            let pw = is_bword(pc as char);
            let nb = match char_at(t, p + 2) {
                None => !pw,
                Some((c, _)) => is_bword(c) == pw,
            };
            if not_dots && nb {
                return Some((None, vec![(qname(q0, false), p)], p + 1));
            }
        }
    }
    // 3./4./5. (\s?)"' / '" / '(?=\d\ds)
    let ws_len = if at(p).is_some_and(is_ws) { 1 } else { 0 };
    for w in [ws_len, 0] {
        let s = p + w;
        let pre = if w > 0 { Some((p, s)) } else { None };
        if at(s) == Some(b'"') && at(s + 1) == Some(b'\'') && at(s + 2).is_some_and(is_word) {
            return Some((pre, vec![("ldquo", s), ("lsquo", s + 1)], s + 2));
        }
        if w == 0 {
            break;
        }
    }
    for w in [ws_len, 0] {
        let s = p + w;
        let pre = if w > 0 { Some((p, s)) } else { None };
        if at(s) == Some(b'\'') && at(s + 1) == Some(b'"') && at(s + 2).is_some_and(is_word) {
            return Some((pre, vec![("lsquo", s), ("ldquo", s + 1)], s + 2));
        }
        if w == 0 {
            break;
        }
    }
    for w in [ws_len, 0] {
        let s = p + w;
        let pre = if w > 0 { Some((p, s)) } else { None };
        if at(s) == Some(b'\'')
            && at(s + 1).is_some_and(|b| b.is_ascii_digit())
            && at(s + 2).is_some_and(|b| b.is_ascii_digit())
            && at(s + 3) == Some(b's')
        {
            return Some((pre, vec![("rsquo", s)], s + 1));
        }
        if w == 0 {
            break;
        }
    }
    // 6. (\s)('|")(?=\w)
    if at(p).is_some_and(is_ws) && isq(at(p + 1)) && at(p + 2).is_some_and(is_word) {
        return Some((
            Some((p, p + 1)),
            vec![(qname(at(p + 1), true), p + 1)],
            p + 2,
        ));
    }
    // 7. (SQ_CLOSE)('|")   SQ_CLOSE = [^\ \\\t\r\n\[{(-]
    if let Some((c, l)) = char_at(t, p) {
        let close_ok = !matches!(c, ' ' | '\\' | '\t' | '\r' | '\n' | '[' | '{' | '(' | '-');
        if close_ok && isq(at(p + l)) {
            return Some((
                Some((p, p + l)),
                vec![(qname(at(p + l), false), p + l)],
                p + l + 1,
            ));
        }
    }
    // 8. ("|')(?=\s|s\b|$)
    if isq(q0) {
        let n1 = at(p + 1);
        let ok = match n1 {
            None => true,
            Some(b) if is_ws(b) => true,
            Some(b's') => match char_at(t, p + 2) {
                None => true,
                Some((c, _)) => !is_bword(c),
            },
            _ => false,
        };
        if ok || n1 == Some(b'\n') {
            return Some((None, vec![(qname(q0, false), p)], p + 1));
        }
    }
    // 9./10. (.?)' and (.?)"  (multiline: . matches newline)
    for (qc, name) in [(b'\'', "lsquo"), (b'"', "ldquo")] {
        if let Some((_, l)) = char_at(t, p)
            && at(p + l) == Some(qc)
        {
            return Some((Some((p, p + l)), vec![(name, p + l)], p + l + 1));
        }
        if at(p) == Some(qc) {
            return Some((None, vec![(name, p)], p + 1));
        }
    }
    None
}

// ----- after block parsing -----

/// `update_tree(@root)`, abbreviations, footnotes, GFM `update_elements`.
pub(crate) fn after_blocks(p: &mut Parser) {
    let root = p.root;
    update_tree(p, root);
    // correct_abbreviations_attributes happens implicitly (attrs read at render)
    replace_abbreviations(p, root);
    let fns: Vec<NodeId> = p.footnotes.iter().map(|f| f.content).collect();
    for c in fns {
        update_tree(p, c);
        replace_abbreviations(p, c);
    }
    if p.opts.input == Input::Gfm {
        update_elements(p, root);
    }
}

/// kramdown's `update_tree`, iteratively.
fn update_tree(p: &mut Parser, start: NodeId) {
    // `new` stays None while the children are unchanged (no allocation)
    struct F {
        el: NodeId,
        old: Children,
        idx: usize,
        new: Option<Children>,
        last_blank: Option<NodeId>,
    }
    impl F {
        fn keep(&mut self, c: NodeId) {
            if let Some(n) = self.new.as_mut() {
                n.push(c);
            }
        }
        /// The new child list, started from the children before the current one.
        fn changed(&mut self) -> &mut Children {
            let ci = self.idx.saturating_sub(1);
            let old = &self.old;
            self.new
                .get_or_insert_with(|| old.get(..ci).unwrap_or_default().iter().copied().collect())
        }
    }
    let old = std::mem::take(&mut p.nm(start).children);
    // (room for the usual nesting depth: no regrowth)
    let mut stack = Vec::with_capacity(8);
    stack.push(F {
        el: start,
        old,
        idx: 0,
        new: None,
        last_blank: None,
    });
    while let Some(f) = stack.last_mut() {
        let Some(&child) = f.old.get(f.idx) else {
            // finished this element
            let Some(f) = stack.pop() else { break };
            let el = f.el;
            let kids = f.new.unwrap_or(f.old);
            for &c in &kids {
                p.nm(c).parent = Some(el);
            }
            p.nm(el).children = kids;
            if let Some(parent) = stack.last_mut() {
                parent.keep(el);
            }
            post_update(p, el, stack.is_empty());
            continue;
        };
        f.idx += 1;
        let kind = p.n(child).kind;
        match kind {
            Kind::RawText => {
                f.last_blank = None;
                let el = f.el;
                if p.n(child).lazy_raw {
                    let sp = p.n(child).span.clone();
                    if no_span_start(p.base.get(sp.clone()).unwrap_or_default()) {
                        // as below, without making the span text
                        let mut t = Node::new(Kind::Text);
                        t.value = p.val(sp.start, sp.end);
                        t.span = sp;
                        t.parent = Some(el);
                        *p.nm(child) = t;
                        f.keep(child);
                        continue;
                    }
                    p.materialize_raw(child);
                }
                let m = p.nm(child).mtext.take().map(|b| *b).unwrap_or_default();
                if m.bytes.is_empty() {
                    // the span machine adds nothing for an empty text
                    f.changed();
                    continue;
                }
                if no_span_start(&m.bytes) {
                    // What the span machine makes of a text in which nothing can start: one
                    // text node of the whole (in the raw text's slot, so nothing is dropped).
                    let mut t = Node::new(Kind::Text);
                    t.value = p.mval(&m, 0, m.bytes.len());
                    t.span = m.to_base(0)..m.to_base_end(m.bytes.len());
                    t.parent = Some(el);
                    *p.nm(child) = t;
                    f.keep(child);
                    continue;
                }
                // the raw text node itself is the temporary parent of the parsed children
                let mut tmp = Node::new(Kind::RawText);
                tmp.parent = Some(el);
                *p.nm(child) = tmp;
                let before = p.nodes.len();
                p.parse_spans_into(child, m, PSet::All, Kind::Text);
                let mut kids = std::mem::take(&mut p.nm(child).children);
                reuse_slot(p, child, before, &mut kids);
                if let Some(f) = stack.last_mut() {
                    f.changed().extend(kids.iter().copied());
                }
            }
            Kind::Eob => {
                f.changed();
                if let Some(ial) = p.n(child).ial.clone() {
                    let mut attrs = std::mem::take(&mut p.nm(child).attrs);
                    ial::update_attr_with_ial(&mut attrs, &ial, &p.alds);
                    p.nm(child).attrs = attrs;
                }
            }
            Kind::Blank => {
                if let Some(lb) = f.last_blank {
                    f.changed();
                    let v = p.n(child).value.clone();
                    let e = p.n(child).span.end;
                    let src = p.src;
                    let n = p.nm(lb);
                    append_val(src, &mut n.value, v);
                    n.span.end = e;
                } else {
                    f.last_blank = Some(child);
                    f.keep(child);
                }
            }
            _ => {
                f.last_blank = None;
                let old = std::mem::take(&mut p.nm(child).children);
                stack.push(F {
                    el: child,
                    old,
                    idx: 0,
                    new: None,
                    last_blank: None,
                });
            }
        }
    }
}

/// Move the node made last (by the span parse of the temporary node `tmp`, which made the
/// nodes from `before` on; `kids` are `tmp`'s children) into `tmp`'s slot, so the arena
/// holds no unreachable node (and `finish` need not compact it). Done only when the last
/// node is attached below `tmp` and so referenced only by its parent's list and its
/// children's parent links.
fn reuse_slot(p: &mut Parser, tmp: NodeId, before: usize, kids: &mut [NodeId]) {
    let Some(last) = p.nodes.len().checked_sub(1) else {
        return;
    };
    if last < before || last <= tmp {
        return;
    }
    let Some(q) = p.nodes.get(last).and_then(|n| n.parent) else {
        return;
    };
    let slot = if q == tmp {
        kids.iter_mut()
            .rposition(|c| *c == last)
            .and_then(|i| kids.get_mut(i))
    } else if q >= before && q < last {
        p.nodes
            .get_mut(q)
            .and_then(|n| n.children.iter_mut().rev().find(|c| **c == last))
    } else {
        None
    };
    let Some(slot) = slot else { return };
    *slot = tmp;
    p.nodes.swap(tmp, last);
    p.nodes.pop();
    let n = p.n(tmp).children.len();
    for i in 0..n {
        if let Some(c) = p.n(tmp).children.get(i).copied()
            && let Some(cn) = p.nodes.get_mut(c)
        {
            cn.parent = Some(tmp);
        }
    }
}

fn post_update(p: &mut Parser, el: NodeId, is_start: bool) {
    if is_start {
        return;
    }
    if let Some(ial) = p.n(el).ial.clone() {
        let mut attrs = std::mem::take(&mut p.nm(el).attrs);
        ial::update_attr_with_ial(&mut attrs, &ial, &p.alds);
        p.nm(el).attrs = attrs;
    }
    let k = p.n(el).kind;
    if k == Kind::Dt || (k == Kind::Header && p.opts.auto_id_stripping) {
        let raw = raw_text_of(p, el, p.opts.input == Input::Gfm);
        p.nm(el).rare_mut().raw_text = Some(raw);
    }
}

/// `update_raw_text` (kramdown's or GFM's variant).
fn raw_text_of(p: &Parser, el: NodeId, gfm: bool) -> String {
    let mut out = String::new();
    let mut stack: Vec<NodeId> = p.n(el).children.iter().rev().copied().collect();
    while let Some(c) = stack.pop() {
        let n = p.n(c);
        match n.kind {
            Kind::Text => out.push_str(&n.value),
            Kind::Codespan | Kind::Math if gfm => out.push_str(&n.value),
            Kind::Entity if gfm => {
                if let Some(ch) = char::from_u32(n.code_point) {
                    out.push(ch);
                }
            }
            Kind::SmartQuote if gfm => {
                let cp = entities::by_name(n.value.as_bytes()).unwrap_or(0);
                if let Some(ch) = char::from_u32(cp) {
                    out.push(ch);
                }
            }
            Kind::TypographicSym if gfm => match n.value.as_ref() {
                "laquo_space" => out.push_str("«\u{a0}"),
                "raquo_space" => out.push_str("\u{a0}»"),
                v => {
                    let cp = entities::by_name(v.as_bytes()).unwrap_or(0);
                    if let Some(ch) = char::from_u32(cp) {
                        out.push(ch);
                    }
                }
            },
            _ => stack.extend(n.children.iter().rev().copied()),
        }
    }
    out
}

/// `replace_abbreviations`, iteratively.
fn replace_abbreviations(p: &mut Parser, start: NodeId) {
    if p.abbrevs.is_empty() {
        return;
    }
    let mut keys: Vec<String> = p.abbrevs.iter().map(|a| a.0.clone()).collect();
    // Ruby sort_by length desc (sort is not stable; equal lengths keep an unspecified order)
    keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
    let mut stack = vec![start];
    while let Some(el) = stack.pop() {
        let raw = p.n(el).content_model == Some(ContentModel::Raw);
        let kids = p.n(el).children.clone();
        let mut new = Children::new();
        let mut changed = false;
        for &c in &kids {
            if p.n(c).kind == Kind::Text && !raw {
                let v = p.n(c).value.clone();
                if keys.iter().any(|k| v.contains(k.as_str())) {
                    let sp = p.n(c).span.clone();
                    let parts = split_abbrevs(&v, &keys);
                    for (is_abbr, s) in parts {
                        let id = p.node(if is_abbr {
                            Kind::Abbreviation
                        } else {
                            Kind::Text
                        });
                        let n = p.nm(id);
                        n.value = s.into();
                        n.span = sp.clone();
                        n.parent = Some(el);
                        new.push(id);
                    }
                    changed = true;
                    continue;
                }
                new.push(c);
            } else {
                stack.push(c);
                new.push(c);
            }
        }
        if changed {
            p.nm(el).children = new;
        }
    }
}

/// Split text at abbreviations as kramdown's scan loop does; empty text
/// pieces are kept (kramdown creates them).
fn split_abbrevs(v: &str, keys: &[String]) -> Vec<(bool, String)> {
    let b = v.as_bytes();
    let n = b.len();
    let match_at = |i: usize| -> Option<usize> {
        for k in keys {
            let kb = k.as_bytes();
            if !kb.is_empty() && b.get(i..i + kb.len()) == Some(kb) {
                return Some(i + kb.len());
            }
        }
        None
    };
    let not_word_after = |e: usize| !b.get(e).is_some_and(|&c| is_word(c));
    let mut out = Vec::new();
    let mut pos = 0;
    let mut text_start = 0;
    let mut i = 0;
    while i <= n {
        // (?=(?:\W|^)ABBR(?!\w)) at i
        let at_line_start = i == 0 || b.get(i - 1) == Some(&b'\n');
        let mut hit = None;
        if let Some(&c) = b.get(i)
            && !is_word(c)
            && let Some(e) = match_at(i + 1)
            && not_word_after(e)
        {
            hit = Some((i, true));
        }
        if hit.is_none()
            && at_line_start
            && let Some(e) = match_at(i)
            && not_word_after(e)
        {
            hit = Some((i, false));
        }
        if let Some((h, _)) = hit {
            // abbr = scan(first) at h, else consume \W|^ then scan
            let (tend, astart) = match match_at(h) {
                Some(_) => (h, h),
                None => {
                    let nxt = if b.get(h).is_some_and(|&c| !is_word(c)) {
                        h + char_at(b, h).map_or(1, |c| c.1)
                    } else {
                        h
                    };
                    (nxt, nxt)
                }
            };
            let Some(aend) = match_at(astart) else {
                i += 1;
                continue;
            };
            out.push((
                false,
                String::from_utf8_lossy(b.get(text_start..tend).unwrap_or_default()).into_owned(),
            ));
            out.push((
                true,
                String::from_utf8_lossy(b.get(astart..aend).unwrap_or_default()).into_owned(),
            ));
            text_start = aend;
            pos = aend;
            i = aend;
            continue;
        }
        let _ = pos;
        i += 1;
    }
    out.push((
        false,
        String::from_utf8_lossy(b.get(text_start..).unwrap_or_default()).into_owned(),
    ));
    out
}

/// GFM `update_elements` (depth-first, in document order: header ids are
/// numbered in that order).
fn update_elements(p: &mut Parser, start: NodeId) {
    let hbr: &[u8] = if p.init_hard_wrap { b"\n" } else { b"\\\n" };
    // `new` stays None while the children are unchanged (no allocation)
    struct F {
        el: NodeId,
        old: Children,
        idx: usize,
        new: Option<Children>,
    }
    let old = std::mem::take(&mut p.nm(start).children);
    let mut stack = Vec::with_capacity(8);
    stack.push(F {
        el: start,
        old,
        idx: 0,
        new: None,
    });
    fn keep(f: &mut F, c: NodeId) {
        if let Some(n) = f.new.as_mut() {
            n.push(c);
        }
    }
    while let Some(f) = stack.last_mut() {
        let el = f.el;
        let Some(&c) = f.old.get(f.idx) else {
            let Some(f) = stack.pop() else { break };
            p.nm(f.el).children = f.new.unwrap_or(f.old);
            if let Some(parent) = stack.last_mut() {
                keep(parent, f.el);
            }
            continue;
        };
        let ci = f.idx;
        let n_kids = f.old.len();
        f.idx += 1;
        let k = p.n(c).kind;
        if k == Kind::Text
            && memchr::memchr(b'\n', p.n(c).value.as_bytes()).is_some()
            && contains(p.n(c).value.as_bytes(), hbr)
        {
            let v = p.n(c).value.clone();
            let sp = p.n(c).span.clone();
            let lines = split_all(v.as_bytes(), hbr);
            let el_block = p.n(el).category == Some(Category::Block);
            let omit = lines.last().is_some_and(|l| l.is_empty()) && el_block && ci + 1 == n_kids;
            let nl = lines.len();
            let mut made = Vec::new();
            for (i, line) in lines.into_iter().enumerate() {
                let id = p.node(Kind::Text);
                let mut val = String::new();
                if i > 0 {
                    val.push('\n');
                }
                val.push_str(&String::from_utf8_lossy(line));
                let n = p.nm(id);
                n.value = val.into();
                n.span = sp.clone();
                n.parent = Some(el);
                made.push(id);
                if i + 2 < nl || (i + 2 == nl && !omit) {
                    let br = p.node(Kind::Br);
                    let n = p.nm(br);
                    n.span = sp.clone();
                    n.parent = Some(el);
                    made.push(br);
                }
            }
            if let Some(f) = stack.last_mut() {
                let n = f.new.get_or_insert_with(|| {
                    f.old
                        .get(..ci)
                        .unwrap_or_default()
                        .iter()
                        .copied()
                        .collect()
                });
                n.extend(made);
            }
            continue;
        }
        if k == Kind::HtmlElement {
            if let Some(f) = stack.last_mut() {
                keep(f, c);
            }
            continue;
        }
        if k == Kind::Header && p.opts.auto_ids && p.n(c).attr("id").is_none() {
            let raw = p.n(c).raw_text().unwrap_or_default().to_string();
            let id = gfm_header_id(p, &raw);
            p.nm(c).attrs.push(Attr {
                name: "id".into(),
                value: id.into(),
                name_span: None,
                value_span: None,
                origin: AttrOrigin::Parser,
            });
            if let Some(f) = stack.last_mut() {
                keep(f, c);
            }
            continue;
        }
        let old = std::mem::take(&mut p.nm(c).children);
        stack.push(F {
            el: c,
            old,
            idx: 0,
            new: None,
        });
    }
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    memchr::memmem::find(h, n).is_some()
}

fn split_all<'b>(h: &'b [u8], sep: &[u8]) -> Vec<&'b [u8]> {
    let mut out = Vec::new();
    let mut st = 0;
    let mut i = 0;
    while i + sep.len() <= h.len() {
        if h.get(i..i + sep.len()) == Some(sep) {
            out.push(h.get(st..i).unwrap_or_default());
            i += sep.len();
            st = i;
        } else {
            i += 1;
        }
    }
    out.push(h.get(st..).unwrap_or_default());
    out
}

fn gfm_header_id(p: &mut Parser, text: &str) -> String {
    let lower = text.to_lowercase();
    let mut r = String::new();
    for c in lower.chars() {
        if crate::text::is_pword(c) || c == '-' {
            r.push(c);
        } else if c == ' ' || c == '\t' {
            r.push('-');
        }
    }
    let cnt = p.id_counter.entry(r.clone()).or_insert(-1);
    *cnt += 1;
    if *cnt > 0 {
        r.push_str(&format!("-{cnt}"));
    }
    format!("{}{}", p.opts.auto_id_prefix, r)
}

/// Build the final document: compact the arena to the reachable nodes
/// (in place, keeping arena order), finalise text values.
pub(crate) fn finish<'a>(mut p: Parser<'a, '_>) -> Document<'a> {
    if let Some(m) = p.spare_spans.take() {
        keep_spare_machine(m);
    }
    let n = p.nodes.len();
    let mut roots = vec![p.root];
    roots.extend(p.footnotes.iter().map(|f| f.content));
    // reachability in the same order as the copying walk below; a node reached
    // twice (never produced by the parser) takes the copying path
    let mut seen = vec![false; n];
    let mut stack: Vec<NodeId> = Vec::with_capacity(32);
    let mut twice = false;
    for &r in &roots {
        stack.push(r);
        while let Some(o) = stack.pop() {
            match seen.get_mut(o) {
                Some(s) if !*s => *s = true,
                Some(_) => {
                    if p.nodes.get(o).is_some_and(|x| x.parent.is_some()) || o != r {
                        twice = true;
                    }
                    continue;
                }
                None => continue,
            }
            if let Some(x) = p.nodes.get(o) {
                stack.extend(x.children.iter().rev().copied());
            }
        }
    }
    if twice {
        return finish_copy(p);
    }
    // Every node reachable (the common case): the arena stays as it is.
    let all = !seen.contains(&false);
    let mut map = Vec::new();
    if !all {
        map = vec![usize::MAX; n];
        let mut k = 0;
        for (i, s) in seen.iter().enumerate() {
            if *s && let Some(m) = map.get_mut(i) {
                *m = k;
                k += 1;
            }
        }
    }
    // kramdown's footnote markers share the attribute hash of the definition's :eob
    let mut fn_attrs: Vec<(String, Vec<Attr>)> = Vec::new();
    for f in &p.footnotes {
        if let Some(e) = f.eob_node.and_then(|e| p.nodes.get(e)) {
            fn_attrs.push((f.name.clone(), e.attrs.clone()));
        }
    }
    let abbrevs = p
        .abbrevs
        .iter()
        .map(|(k, v, eob)| {
            (
                k.clone(),
                v.clone(),
                p.nodes
                    .get(*eob)
                    .map(|n| n.attrs.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    if !all {
        let mut i = 0;
        p.nodes.retain(|_| {
            let keep = seen.get(i).copied().unwrap_or(false);
            i += 1;
            keep
        });
    }
    let mapf = |x: usize| {
        if all {
            (x < n).then_some(x)
        } else {
            map.get(x).copied().filter(|&m| m != usize::MAX)
        }
    };
    let len = p.nodes.len();
    let src = p.src;
    let direct = p.direct;
    for nd in &mut p.nodes {
        nd.parent = None;
        for c in &mut nd.children {
            *c = mapf(*c).unwrap_or(0);
        }
        if let Some(f) = nd.footnote {
            nd.footnote = mapf(f);
        }
        if let Some(mt) = nd.mtext.take()
            && (nd.kind == Kind::Text || nd.kind == Kind::Raw)
        {
            nd.value = crate::block::mtext_val(src, direct, &mt, 0, mt.bytes.len());
            if !mt.map.is_empty() {
                nd.span = mt.to_base(0)..mt.to_base_end(mt.bytes.len());
            }
        }
        if nd.kind == Kind::Footnote
            && let Some((_, a)) = fn_attrs.iter().rev().find(|(name, _)| *name == nd.value)
        {
            nd.attrs = a.clone();
        }
    }
    for i in 0..len {
        let nk = p.nodes.get(i).map_or(0, |x| x.children.len());
        for j in 0..nk {
            let c = p.nodes.get(i).and_then(|x| x.children.get(j).copied());
            if let Some(c) = c
                && let Some(cn) = p.nodes.get_mut(c)
            {
                cn.parent = Some(i);
            }
        }
    }
    let footnotes = p
        .footnotes
        .iter()
        .filter_map(|f| mapf(f.content).map(|id| (f.name.clone(), id, f.referenced)))
        .collect();
    Document {
        root: mapf(p.root).unwrap_or(0),
        nodes: p.nodes,
        footnotes,
        abbrevs,
        options: p.opts,
        warnings: p.warnings,
    }
}

/// The copying variant of [`finish`] (pre-order copy of the reachable nodes).
fn finish_copy<'a>(p: Parser<'a, '_>) -> Document<'a> {
    let mut old = p.nodes;
    let mut nodes: Vec<Node> = Vec::with_capacity(old.len());
    let mut map: Vec<usize> = vec![usize::MAX; old.len()];
    let fn_roots: Vec<(String, NodeId, bool)> = p
        .footnotes
        .iter()
        .map(|f| (f.name.clone(), f.content, f.referenced))
        .collect();
    let mut roots = vec![p.root];
    roots.extend(fn_roots.iter().map(|f| f.1));
    // iterative copy in pre-order
    for r in roots {
        let mut stack: Vec<(NodeId, Option<NodeId>)> = vec![(r, None)];
        while let Some((o, parent)) = stack.pop() {
            if map.get(o).is_none_or(|&m| m != usize::MAX) {
                continue;
            }
            let Some(src) = old.get_mut(o) else { continue };
            let mut n = std::mem::replace(src, Node::new(Kind::Temp));
            let kids = std::mem::take(&mut n.children);
            if let Some(mt) = n.mtext.take()
                && (n.kind == Kind::Text || n.kind == Kind::Raw)
            {
                n.value = st(&mt.bytes).into();
                if !mt.map.is_empty() {
                    n.span = mt.to_base(0)..mt.to_base_end(mt.bytes.len());
                }
            }
            n.parent = parent;
            let id = nodes.len();
            nodes.push(n);
            if let Some(m) = map.get_mut(o) {
                *m = id;
            }
            if let Some(pp) = parent
                && let Some(pn) = nodes.get_mut(pp)
            {
                pn.children.push(id);
            }
            for &k in kids.iter().rev() {
                stack.push((k, Some(id)));
            }
        }
    }
    // kramdown's footnote markers share the attribute hash of the definition's :eob
    let fn_eob: std::collections::HashMap<String, NodeId> = p
        .footnotes
        .iter()
        .filter_map(|f| f.eob_node.map(|e| (f.name.clone(), e)))
        .collect();
    for n in &mut nodes {
        if let Some(f) = n.footnote {
            n.footnote = map.get(f).copied().filter(|&m| m != usize::MAX);
        }
        if n.kind == Kind::Footnote
            && let Some(e) = fn_eob.get(n.value.as_ref()).and_then(|&e| old.get(e))
        {
            n.attrs = e.attrs.clone();
        }
    }
    let footnotes = fn_roots
        .into_iter()
        .filter_map(|(name, c, r)| {
            map.get(c)
                .copied()
                .filter(|&m| m != usize::MAX)
                .map(|id| (name, id, r))
        })
        .collect();
    let abbrevs = p
        .abbrevs
        .iter()
        .map(|(k, v, eob)| {
            (
                k.clone(),
                v.clone(),
                old.get(*eob).map(|n| n.attrs.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let _ = EobKind::None;
    Document {
        nodes,
        root: 0,
        footnotes,
        abbrevs,
        options: p.opts,
        warnings: p.warnings,
    }
}

#[allow(dead_code)]
fn unused(_: &dyn Fn(char) -> bool) {
    let _ = is_alpha;
}
