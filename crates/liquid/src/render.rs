//! `template.render!(payload, info)` as Jekyll's `Renderer#render_liquid` calls it, with
//! a source map.

use crate::expr::{Expr, Lookup, MethodLit, Variable};
use crate::filters;
use crate::parse::{
    Comparison, Condition, IncludeNode, NodeId, NodeKind, Offset, ParseOptions, Rel, Template,
};
use crate::value::{Forloop, Tablerow, Value};
use crate::{ErrorClass, LiquidError, MAX_DEPTH};
use serde_json::Value as J;
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

/// What the crate needs from the site; it does no I/O itself.
pub trait Host {
    /// The content of `_includes/NAME` (Jekyll's `include`), `None` when absent.
    fn include(&self, _name: &str) -> Option<String> {
        None
    }
    /// The path Jekyll names an include by in error messages (`Inclusion#path`).
    fn include_path(&self, name: &str) -> String {
        format!("_includes/{name}")
    }
    /// How Jekyll prints the include directories (`includes_load_paths.inspect`).
    fn includes_dirs(&self) -> String {
        "[\"_includes\"]".into()
    }
    /// `include_relative NAME`: the file beside the post, `None` when absent.
    fn include_relative(&self, _name: &str) -> Option<String> {
        None
    }
    /// `include_relative`'s directory list as Jekyll prints it.
    fn include_relative_dirs(&self) -> String {
        "[\"_posts\"]".into()
    }
    /// The URL of the post `{% post_url NAME %}` names (see
    /// [`crate::post_url_matches`] for Jekyll's comparison), `None` when there is none.
    fn post_url(&self, _name: &str) -> Option<String> {
        None
    }
    /// The URL of the site file (page, post, document, static file) whose
    /// `relative_path` is PATH (`{% link PATH %}`), `None` when there is none.
    fn link_url(&self, _relative_path: &str) -> Option<String> {
        None
    }
    /// Whether the post `{% post_url NAME %}` names exists when [`Host::post_url`] cannot
    /// give its URL: the tag then renders as unknown instead of raising.
    fn post_exists(&self, _name: &str) -> bool {
        false
    }
    /// The same for `{% link PATH %}` and [`Host::link_url`].
    fn link_exists(&self, _relative_path: &str) -> bool {
        false
    }
}

/// A host with no includes and no posts.
pub struct NoHost;
impl Host for NoHost {}

#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// How includes are parsed (plugin tags).
    pub parse: ParseOptions,
    /// Top-level variables Jekyll provides that `site`/`page` do not model; they render
    /// as unknown (`jekyll`, `layout`, `content`, `paginator`, `theme`).
    pub opaque_globals: Vec<String>,
    /// Stop (marking the rest unknown) past this many output bytes.
    pub max_output: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            parse: ParseOptions::default(),
            opaque_globals: ["jekyll", "layout", "content", "paginator", "theme"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            max_output: 64 << 20,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    /// Source text copied as it is: `out` and `src` have the same bytes.
    Literal,
    /// Output of the `{{ … }}` or tag at `src`.
    Output,
    /// Text of an included file, produced by the include tag at `src`.
    Include,
    /// Output (possibly empty) the crate cannot compute: an unimplemented filter, a
    /// plugin tag, a highlighted block, a branch taken on an unknown value.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub out: Range<usize>,
    pub src: Range<usize>,
    pub kind: SegmentKind,
}

impl Segment {
    pub fn is_unknown(&self) -> bool {
        self.kind == SegmentKind::Unknown
    }
}

#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// What Jekyll hands the converter (up to the error, if any).
    pub output: String,
    /// Ordered, non-overlapping, covering `output` (plus empty unknown segments).
    pub map: Vec<Segment>,
    /// The exception `render!` raises: Jekyll stops the build.
    pub error: Option<LiquidError>,
    /// A branch or loop depended on an unknown value: the output may differ.
    pub unknown_flow: bool,
    /// `error` is raised on the path Ruby takes: every branch, loop and include before it
    /// was decided, or its effects (the variables it may set) were made unknown. Then
    /// `jekyll build` fails on this template for certain — here, or at `may_fail_before`.
    pub error_certain: bool,
    /// Before the error: the first filter (its line and node span) that Ruby may raise in on
    /// the values given (the crate does not compute it). Jekyll may stop there first.
    pub may_fail_before: Option<(u32, Range<usize>)>,
}

impl Rendered {
    /// The source range an output byte came from.
    pub fn source_of(&self, out_byte: usize) -> Option<Range<usize>> {
        let i = self.map.partition_point(|s| s.out.end <= out_byte);
        let s = self.map[i..]
            .iter()
            .find(|s| s.out.start <= out_byte && out_byte < s.out.end)?;
        Some(match s.kind {
            SegmentKind::Literal => {
                let o = s.src.start + (out_byte - s.out.start);
                o..o + 1
            }
            _ => s.src.clone(),
        })
    }
}

/// An error on its way up, before Jekyll's formatting.
#[derive(Debug, Clone)]
pub(crate) enum RErr {
    Liquid(Box<LErr>),
    Ruby(Box<RubyErr>),
    /// Rendering stopped on a limit; not an error Jekyll has.
    Budget,
    /// A filter the crate does not compute for these values, where Ruby may raise.
    MayFail,
}

/// A `Liquid::Error` (its class without `Liquid::`) with what Ruby adds on the way up.
#[derive(Debug, Clone)]
pub(crate) struct LErr {
    class: String,
    msg: String,
    line: Option<u32>,
    template_name: Option<String>,
    markup_context: Option<String>,
    span: Option<Range<usize>>,
}

/// Another Ruby exception: Jekyll prints its message as it is.
#[derive(Debug, Clone)]
pub(crate) struct RubyErr {
    class: String,
    msg: String,
    span: Option<Range<usize>>,
}

impl RErr {
    pub(crate) fn liquid(class: &str, msg: impl Into<String>) -> Self {
        RErr::Liquid(Box::new(LErr {
            class: class.into(),
            msg: msg.into(),
            line: None,
            template_name: None,
            markup_context: None,
            span: None,
        }))
    }
    pub(crate) fn arg(msg: impl Into<String>) -> Self {
        Self::liquid("ArgumentError", msg)
    }
    pub(crate) fn ruby(class: &str, msg: impl Into<String>) -> Self {
        RErr::Ruby(Box::new(RubyErr {
            class: class.into(),
            msg: msg.into(),
            span: None,
        }))
    }
    fn at(mut self, line: u32, sp: &Range<usize>) -> Self {
        match &mut self {
            RErr::Liquid(e) => {
                if e.line.is_none() {
                    e.line = Some(line);
                }
                if e.span.is_none() {
                    e.span = Some(sp.clone());
                }
            }
            RErr::Ruby(e) => {
                if e.span.is_none() {
                    e.span = Some(sp.clone());
                }
            }
            RErr::Budget | RErr::MayFail => {}
        }
        self
    }
    fn into_error(self) -> Option<LiquidError> {
        match self {
            RErr::Liquid(e) => {
                let LErr {
                    class,
                    msg,
                    line,
                    template_name,
                    markup_context,
                    span,
                } = *e;
                let syntax = class == "SyntaxError";
                let mut m = String::from(if syntax {
                    "Liquid syntax error"
                } else {
                    "Liquid error"
                });
                if let Some(l) = line {
                    m.push_str(" (");
                    if let Some(t) = &template_name {
                        m.push_str(t);
                        m.push(' ');
                    }
                    m.push_str(&format!("line {l})"));
                }
                m.push_str(": ");
                m.push_str(&msg);
                if let Some(c) = markup_context {
                    m.push(' ');
                    m.push_str(&c);
                }
                Some(LiquidError {
                    message: m,
                    line,
                    span: span.unwrap_or(0..0),
                    class: if syntax {
                        ErrorClass::LiquidSyntax
                    } else {
                        ErrorClass::Liquid(class)
                    },
                })
            }
            RErr::Ruby(e) => Some(LiquidError {
                message: e.msg,
                line: None,
                span: e.span.unwrap_or(0..0),
                class: ErrorClass::Ruby(e.class),
            }),
            RErr::Budget | RErr::MayFail => None,
        }
    }
}

type RResult<T> = Result<T, RErr>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Interrupt {
    Break,
    Continue,
}

struct Out {
    s: String,
    segs: Vec<Segment>,
}

impl Out {
    fn new() -> Self {
        Out {
            s: String::new(),
            segs: Vec::new(),
        }
    }
    fn push(&mut self, text: &str, src: Range<usize>, kind: SegmentKind) {
        if text.is_empty() && kind != SegmentKind::Unknown {
            return;
        }
        let start = self.s.len();
        self.s.push_str(text);
        let out = start..self.s.len();
        if let Some(last) = self.segs.last_mut()
            && last.kind == kind
            && last.out.end == start
        {
            let merge = match kind {
                SegmentKind::Literal => last.src.end == src.start,
                SegmentKind::Unknown => false,
                _ => last.src == src,
            };
            if merge {
                last.out.end = out.end;
                if kind == SegmentKind::Literal {
                    last.src.end = src.end;
                }
                return;
            }
        }
        self.segs.push(Segment { out, src, kind });
    }
    fn has_unknown(&self) -> bool {
        self.segs.iter().any(Segment::is_unknown)
    }
}

struct R<'a, 'h> {
    site: &'a J,
    page: &'a J,
    host: &'h dyn Host,
    opts: &'h RenderOptions,
    /// Index 0 is Ruby's `scopes.last` (where assign writes); the innermost is last.
    scopes: Vec<HashMap<String, Value<'a>>>,
    /// `environments.first` writes (increment/decrement).
    env0: HashMap<String, Value<'a>>,
    interrupts: Vec<Interrupt>,
    for_offsets: HashMap<String, i64>,
    for_stack: Vec<Rc<Forloop>>,
    cycles: HashMap<String, i64>,
    ifchanged: Option<String>,
    includes: HashMap<String, Rc<Template>>,
    /// Inside an include: every segment maps to the include tag.
    remap: Option<Range<usize>>,
    unknown_flow: bool,
    /// Ruby's path may differ from the one rendered in a way the crate does not track (a
    /// `break` under an unknown branch, an include of unknown content, a limit): errors
    /// from here on are not certain.
    flow_lost: bool,
    /// A filter raised `MayFail` in the node being rendered.
    may_fail_pending: bool,
    may_fail_at: Option<(u32, Range<usize>)>,
    /// A `cycle` may have run where the crate does not know: every position is unknown.
    cycles_unknown: bool,
    total_out: usize,
}

/// Render a parsed template. `site` and `page` are the payload's variables.
pub fn render(t: &Template, site: &J, page: &J, host: &dyn Host, opts: &RenderOptions) -> Rendered {
    let mut r = R {
        site,
        page,
        host,
        opts,
        scopes: vec![HashMap::new()],
        env0: HashMap::new(),
        interrupts: Vec::new(),
        for_offsets: HashMap::new(),
        for_stack: Vec::new(),
        cycles: HashMap::new(),
        ifchanged: None,
        includes: HashMap::new(),
        remap: None,
        unknown_flow: false,
        flow_lost: false,
        may_fail_pending: false,
        may_fail_at: None,
        cycles_unknown: false,
        total_out: 0,
    };
    let mut out = Out::new();
    let mut error = None;
    let mut error_certain = false;
    if !t.errors.is_empty() {
        // Jekyll never renders a template that does not parse.
        error = t.errors.first().cloned();
        error_certain = true;
    } else if let Err(e) = r.body(t, &t.root, &mut out) {
        match e {
            RErr::Budget | RErr::MayFail => {
                r.unknown_flow = true;
                out.push("", 0..0, SegmentKind::Unknown);
            }
            e => {
                error = e.into_error();
                error_certain = !r.flow_lost;
            }
        }
    }
    Rendered {
        output: out.s,
        map: out.segs,
        error,
        error_certain,
        may_fail_before: if error_certain {
            r.may_fail_at.take()
        } else {
            None
        },
        unknown_flow: r.unknown_flow,
    }
}

enum Tri {
    True,
    False,
    Unknown,
}

impl<'a> R<'a, '_> {
    fn emit(
        &mut self,
        out: &mut Out,
        text: &str,
        src: Range<usize>,
        kind: SegmentKind,
    ) -> RResult<()> {
        self.total_out += text.len();
        if self.total_out > self.opts.max_output {
            return Err(RErr::Budget);
        }
        match &self.remap {
            Some(r) => {
                let k = if kind == SegmentKind::Unknown {
                    kind
                } else {
                    SegmentKind::Include
                };
                out.push(text, r.clone(), k)
            }
            None => out.push(text, src, kind),
        }
        Ok(())
    }

    fn unknown(&mut self, out: &mut Out, src: &Range<usize>) -> RResult<()> {
        self.emit(out, "", src.clone(), SegmentKind::Unknown)
    }

    fn push_scope(&mut self) -> RResult<()> {
        self.scopes.push(HashMap::new());
        if self.scopes.len() > MAX_DEPTH {
            return Err(RErr::liquid("StackLevelError", "Nesting too deep"));
        }
        Ok(())
    }

    fn set_inner(&mut self, k: &str, v: Value<'a>) {
        if let Some(s) = self.scopes.last_mut() {
            s.insert(k.to_string(), v);
        }
    }

    fn set_outer(&mut self, k: &str, v: Value<'a>) {
        if let Some(s) = self.scopes.first_mut() {
            s.insert(k.to_string(), v);
        }
    }

    /// `BlockBody#render_to_output_buffer`.
    fn body(&mut self, t: &Template, ids: &[NodeId], out: &mut Out) -> RResult<()> {
        for &id in ids {
            let Some(node) = t.nodes.get(id) else {
                continue;
            };
            if let NodeKind::Text = node.kind {
                let s = t.src_text(node.span.clone());
                self.emit(out, s, node.span.clone(), SegmentKind::Literal)?;
                continue;
            }
            let res = self.node(t, id, out);
            if self.may_fail_pending {
                self.may_fail_pending = false;
                if self.may_fail_at.is_none() {
                    self.may_fail_at = Some((node.line, node.span.clone()));
                }
            }
            res.map_err(|e| e.at(node.line, &node.span))?;
            if !self.interrupts.is_empty() {
                break;
            }
        }
        Ok(())
    }

    fn node(&mut self, t: &Template, id: NodeId, out: &mut Out) -> RResult<()> {
        let node = &t.nodes[id];
        let span = node.span.clone();
        match &node.kind {
            NodeKind::Text => {}
            NodeKind::Output(v) | NodeKind::Echo(v) => {
                let val = self.variable(v)?;
                self.output_value(out, &val, &span)?;
            }
            NodeKind::Assign { to, from } => {
                let val = self.variable(from)?;
                self.set_outer(to, val);
            }
            NodeKind::Capture { to, body } => {
                let mut o = Out::new();
                let saved = self.remap.take();
                let res = self.body(t, body, &mut o);
                self.remap = saved;
                res?;
                let v = if o.has_unknown() {
                    Value::Unknown
                } else {
                    Value::str(o.s)
                };
                self.set_outer(to, v);
            }
            NodeKind::If { unless, branches } => {
                for (i, b) in branches.iter().enumerate() {
                    let r = match &b.cond {
                        None => Tri::True,
                        Some(c) => {
                            let r = self.condition(c)?;
                            if *unless && i == 0 {
                                match r {
                                    Tri::True => Tri::False,
                                    Tri::False => Tri::True,
                                    Tri::Unknown => Tri::Unknown,
                                }
                            } else {
                                r
                            }
                        }
                    };
                    match r {
                        Tri::True => return self.body(t, &b.body, out),
                        Tri::False => {}
                        Tri::Unknown => {
                            self.unknown_flow = true;
                            for later in &branches[i..] {
                                self.havoc(t, &later.body, 0);
                            }
                            return self.unknown(out, &span);
                        }
                    }
                }
            }
            NodeKind::Case {
                left,
                blocks,
                bodies,
            } => {
                let mut run_else = true;
                for (cond, bi) in blocks {
                    let body = bodies.get(*bi).map_or(&[][..], Vec::as_slice);
                    match cond {
                        None => {
                            if run_else {
                                self.body(t, body, out)?;
                            }
                        }
                        Some(c) => {
                            let cmp = Comparison {
                                left: left.clone(),
                                op: Some("==".into()),
                                right: c.clone(),
                            };
                            match self.comparison(&cmp)? {
                                Tri::True => {
                                    run_else = false;
                                    self.body(t, body, out)?;
                                }
                                Tri::False => {}
                                Tri::Unknown => {
                                    self.unknown_flow = true;
                                    for body in bodies {
                                        self.havoc(t, body, 0);
                                    }
                                    return self.unknown(out, &span);
                                }
                            }
                        }
                    }
                }
            }
            NodeKind::For(f) => self.render_for(t, f, &span, out)?,
            NodeKind::TableRow {
                var,
                collection,
                attributes,
                body,
            } => self.render_tablerow(t, var, collection, attributes, body, &span, out)?,
            NodeKind::Raw { body } => {
                let s = t.src_text(body.clone());
                self.emit(out, s, body.clone(), SegmentKind::Literal)?;
            }
            NodeKind::Comment | NodeKind::InlineComment => {}
            NodeKind::Increment(v) | NodeKind::Decrement(v) => {
                let inc = matches!(node.kind, NodeKind::Increment(_));
                let cur = match self.env0.get(v.as_str()) {
                    Some(x) => x.clone(),
                    None => match v.as_str() {
                        "site" | "page" => Value::Unknown,
                        _ => Value::Int(0),
                    },
                };
                let Value::Int(n) = cur else {
                    self.env0.insert(v.clone(), Value::Unknown);
                    return self.unknown(out, &span);
                };
                let (shown, next) = if inc {
                    (n, n.saturating_add(1))
                } else {
                    (n.saturating_sub(1), n.saturating_sub(1))
                };
                self.env0.insert(v.clone(), Value::Int(next));
                self.emit(out, &shown.to_string(), span, SegmentKind::Output)?;
            }
            NodeKind::Cycle { name, key, values } => {
                if self.cycles_unknown {
                    return self.unknown(out, &span);
                }
                let key = match name {
                    Some(n) => match self.eval(n)?.to_s() {
                        Some(k) => format!("named:{k}"),
                        None => {
                            self.cycles_unknown = true;
                            return self.unknown(out, &span);
                        }
                    },
                    None => {
                        if values
                            .iter()
                            .any(|v| matches!(v, Expr::Lookup(_) | Expr::RangeLookup(..)))
                        {
                            format!("{key}@{id}")
                        } else {
                            key.clone()
                        }
                    }
                };
                let it = *self.cycles.get(&key).unwrap_or(&0);
                let val = match values.get(it as usize) {
                    Some(e) => self.eval(e)?,
                    None => Value::Nil,
                };
                let s = if val.is_array() {
                    val.join("")
                } else {
                    val.to_s().map(Cow::into_owned)
                };
                let mut next = it + 1;
                if next as usize >= values.len() {
                    next = 0;
                }
                self.cycles.insert(key, next);
                match s {
                    Some(s) => self.emit(out, &s, span, SegmentKind::Output)?,
                    None => self.unknown(out, &span)?,
                }
            }
            NodeKind::Break => self.interrupts.push(Interrupt::Break),
            NodeKind::Continue => self.interrupts.push(Interrupt::Continue),
            NodeKind::Ifchanged(body) => {
                let mut o = Out::new();
                self.body(t, body, &mut o)?;
                if o.has_unknown() {
                    // The comparison with the last output is not known.
                    self.unknown_flow = true;
                    self.ifchanged = Some("\u{0}unknown".into());
                    self.append_out(out, o);
                } else if self.ifchanged.as_deref() != Some(o.s.as_str()) {
                    self.ifchanged = Some(o.s.clone());
                    self.append_out(out, o);
                }
            }
            NodeKind::Include(inc) => self.include(t, inc, &span, out)?,
            NodeKind::Render => {
                return Err(RErr::liquid(
                    "FileSystemError",
                    "This liquid context does not allow includes.",
                ));
            }
            NodeKind::PostUrl(name) => match self.host.post_url(name) {
                Some(url) => {
                    let v = filters::relative_url(self.site, &Value::str(url));
                    self.output_value(out, &v, &span)?;
                }
                None if self.host.post_exists(name) => self.unknown(out, &span)?,
                None => {
                    return Err(RErr::ruby(
                        "Jekyll::Errors::PostURLError",
                        format!(
                            "Could not find post \"{name}\" in tag 'post_url'.\nMake sure the post exists and the name is correct.\n"
                        ),
                    ));
                }
            },
            NodeKind::Link(markup) => {
                // The path is itself rendered as Liquid (`render`, not `render!`).
                let path = if crate::has_liquid_construct(markup) {
                    let lt = crate::parse(markup, &self.opts.parse);
                    if !lt.errors.is_empty() {
                        return self.unknown(out, &span);
                    }
                    let mut o = Out::new();
                    let saved = self.remap.take();
                    let res = self.body(&lt, &lt.root, &mut o);
                    self.remap = saved;
                    if res.is_err() || o.has_unknown() {
                        return self.unknown(out, &span);
                    }
                    o.s
                } else {
                    markup.clone()
                };
                match self.host.link_url(&path) {
                    Some(url) => {
                        let v = filters::relative_url(self.site, &Value::str(url));
                        self.output_value(out, &v, &span)?;
                    }
                    None if self.host.link_exists(&path) => self.unknown(out, &span)?,
                    None => {
                        return Err(RErr::ruby(
                            "ArgumentError",
                            format!(
                                "Could not find document '{path}' in tag 'link'.\n\nMake sure the document exists and the path is correct.\n"
                            ),
                        ));
                    }
                }
            }
            NodeKind::Highlight { body, .. } => {
                // The body renders (its errors count); Rouge's HTML is not computed.
                let mut o = Out::new();
                self.body(t, body, &mut o)?;
                self.unknown(out, &span)?;
            }
            NodeKind::Plugin { .. } => self.unknown(out, &span)?,
        }
        Ok(())
    }

    fn append_out(&mut self, out: &mut Out, o: Out) {
        let base = out.s.len();
        out.s.push_str(&o.s);
        for mut s in o.segs {
            s.out = s.out.start + base..s.out.end + base;
            out.segs.push(s);
        }
    }

    fn output_value(&mut self, out: &mut Out, val: &Value<'a>, span: &Range<usize>) -> RResult<()> {
        let s = match val {
            Value::Nil => return Ok(()),
            v if v.is_array() => v.join(""),
            v => v.to_s().map(Cow::into_owned),
        };
        match s {
            Some(s) => self.emit(out, &s, span.clone(), SegmentKind::Output),
            None => self.unknown(out, span),
        }
    }

    // -- expressions --------------------------------------------------------

    fn variable(&mut self, v: &Variable) -> RResult<Value<'a>> {
        let mut obj = match &v.name {
            Some(e) => self.eval(e)?,
            None => Value::Nil,
        };
        for f in &v.filters {
            let mut args = Vec::with_capacity(f.args.len());
            for a in &f.args {
                args.push(self.eval(a)?);
            }
            let kwargs = if f.kwargs.is_empty() {
                None
            } else {
                let mut kw = Vec::new();
                for (k, e) in &f.kwargs {
                    kw.push((k.clone(), self.eval(e)?));
                }
                Some(kw)
            };
            obj = match filters::invoke(&f.name, obj, args, kwargs, self.site) {
                Ok(v) => v.into_liquid(),
                Err(RErr::MayFail) => {
                    // Ruby may raise here (a method the value lacks): the render's
                    // outcome is not known.
                    self.unknown_flow = true;
                    self.may_fail_pending = true;
                    Value::Unknown
                }
                Err(e) => return Err(e),
            };
        }
        Ok(obj)
    }

    pub(crate) fn eval(&mut self, e: &Expr) -> RResult<Value<'a>> {
        Ok(match e {
            Expr::Nil => Value::Nil,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Float(f) => Value::Float(*f),
            Expr::Str(s) => Value::str(s.clone()),
            Expr::Range(a, b) => Value::Range(*a, *b),
            Expr::RangeLookup(a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                match (range_int(&a)?, range_int(&b)?) {
                    (Some(a), Some(b)) => Value::Range(a, b),
                    _ => Value::Unknown,
                }
            }
            Expr::MethodLiteral(_) | Expr::ExprLiteral(_) => Value::MethodLit,
            Expr::Lookup(l) => self.lookup(l)?,
        })
    }

    fn find_variable(&self, key: &Value<'a>) -> Value<'a> {
        let Some(k) = key.as_str() else {
            return Value::Nil;
        };
        for s in self.scopes.iter().rev() {
            if let Some(v) = s.get(k) {
                return v.clone();
            }
        }
        if let Some(v) = self.env0.get(k) {
            return v.clone();
        }
        match k {
            "site" => Value::from_json(self.site),
            "page" => Value::from_json(self.page),
            _ if self.opts.opaque_globals.iter().any(|g| g == k) => Value::Unknown,
            _ => Value::Nil,
        }
    }

    fn lookup(&mut self, l: &Lookup) -> RResult<Value<'a>> {
        let name = self.eval(&l.name)?;
        if name.is_unknown() {
            return Ok(Value::Unknown);
        }
        let mut obj = self.find_variable(&name);
        for (i, le) in l.lookups.iter().enumerate() {
            let key = self.eval(le)?;
            if obj.is_unknown() || key.is_unknown() {
                return Ok(Value::Unknown);
            }
            obj = match (&obj, &key) {
                (o, Value::Str(k)) if o.is_hash() => match o.hash_get(k) {
                    Some(v) => v,
                    None if o.is_open() => return Ok(Value::Unknown),
                    None => command(&obj, k, l.commands.get(i).copied().unwrap_or(false)),
                },
                (o, _) if o.is_open() => return Ok(Value::Unknown),
                (o, k) if o.is_hash() => {
                    // Non-string keys never match JSON keys.
                    let _ = k;
                    Value::Nil
                }
                (o, Value::Int(n)) if o.is_array() => {
                    let items = o.array_items().unwrap_or_default();
                    let idx = if *n < 0 { items.len() as i64 + n } else { *n };
                    if idx >= 0 && (idx as usize) < items.len() {
                        items[idx as usize].clone()
                    } else {
                        Value::Nil
                    }
                }
                (Value::Forloop(f), Value::Str(k)) => forloop_get(f, k),
                (Value::Tablerow(t), Value::Str(k)) => tablerow_get(t, k),
                (Value::Forloop(_) | Value::Tablerow(_), _) => Value::Nil,
                (_, Value::Str(k)) if l.commands.get(i).copied().unwrap_or(false) => {
                    command(&obj, k, true)
                }
                _ => Value::Nil,
            };
        }
        Ok(obj)
    }

    fn condition(&mut self, c: &Condition) -> RResult<Tri> {
        let mut result = Tri::False;
        for (cmp, rel) in &c.parts {
            result = self.comparison(cmp)?;
            match (rel, &result) {
                (Some(Rel::Or), Tri::True) => break,
                (Some(Rel::And), Tri::False) => break,
                (Some(_), Tri::Unknown) => return Ok(Tri::Unknown),
                (None, _) => break,
                _ => {}
            }
        }
        Ok(result)
    }

    fn comparison(&mut self, c: &Comparison) -> RResult<Tri> {
        let Some(op) = &c.op else {
            let v = self.eval(&c.left)?;
            return Ok(tri_of(&v));
        };
        let lit = |e: &Expr| match e {
            Expr::MethodLiteral(m) => Some(*m),
            _ => None,
        };
        let (lm, rm) = (lit(&c.left), lit(&c.right));
        let left = if lm.is_some() {
            Value::MethodLit
        } else {
            self.eval(&c.left)?
        };
        let right = if rm.is_some() {
            Value::MethodLit
        } else {
            self.eval(&c.right)?
        };
        // `Condition.operators[op] || raise`, whatever the operands.
        if !matches!(
            op.as_str(),
            "==" | "!=" | "<>" | "contains" | "<" | ">" | "<=" | ">="
        ) {
            return Err(RErr::arg(format!("Unknown operator {op}")));
        }
        if left.has_unknown() || right.has_unknown() {
            return Ok(Tri::Unknown);
        }
        let eq = |l: &Value<'a>, r: &Value<'a>| -> Tri {
            // Condition#equal_variables with `blank`/`empty`.
            if let Some(m) = lm {
                return method_literal(m, r);
            }
            if let Some(m) = rm {
                return method_literal(m, l);
            }
            bool_tri(l.ruby_eq(r))
        };
        Ok(match op.as_str() {
            "==" => eq(&left, &right),
            "!=" | "<>" => match eq(&left, &right) {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Unknown => Tri::Unknown,
            },
            "contains" => contains(&left, &right),
            "<" | ">" | "<=" | ">=" => compare(op, &left, &right)?,
            _ => return Err(RErr::arg(format!("Unknown operator {op}"))),
        })
    }

    // -- loops ----------------------------------------------------------------

    fn render_for(
        &mut self,
        t: &Template,
        f: &crate::parse::ForNode,
        span: &Range<usize>,
        out: &mut Out,
    ) -> RResult<()> {
        let from = match &f.offset {
            Offset::Continue => *self.for_offsets.get(&f.name).unwrap_or(&0),
            Offset::None => 0,
            Offset::Expr(e) => {
                let v = self.eval(e)?;
                if v.is_nil() {
                    0
                } else {
                    match to_integer(&v)? {
                        Some(i) => i,
                        None => {
                            return self.unknown_loop(
                                t,
                                &[&f.body, f.else_body.as_deref().unwrap_or(&[])],
                                out,
                                span,
                            );
                        }
                    }
                }
            }
        };
        let coll = self.eval(&f.collection)?;
        let to = match &f.limit {
            None => None,
            Some(e) => {
                let v = self.eval(e)?;
                if v.is_nil() {
                    None
                } else {
                    match to_integer(&v)? {
                        Some(i) => Some(i.saturating_add(from)),
                        None => {
                            return self.unknown_loop(
                                t,
                                &[&f.body, f.else_body.as_deref().unwrap_or(&[])],
                                out,
                                span,
                            );
                        }
                    }
                }
            }
        };
        let Some(mut segment) = slice_collection(&coll, from, to) else {
            return self.unknown_loop(
                t,
                &[&f.body, f.else_body.as_deref().unwrap_or(&[])],
                out,
                span,
            );
        };
        if f.reversed {
            segment.reverse();
        }
        self.for_offsets
            .insert(f.name.clone(), from.saturating_add(segment.len() as i64));
        if segment.is_empty() {
            if let Some(e) = &f.else_body {
                self.body(t, e, out)?;
            }
            return Ok(());
        }
        self.push_scope()?;
        let fl = Rc::new(Forloop {
            name: f.name.clone(),
            length: segment.len(),
            index0: std::cell::Cell::new(0),
            parent: self.for_stack.last().cloned(),
        });
        self.for_stack.push(fl.clone());
        self.set_inner("forloop", Value::Forloop(fl.clone()));
        let mut res = Ok(());
        for item in segment {
            self.set_inner(&f.var, item);
            if let Err(e) = self.body(t, &f.body, out) {
                res = Err(e);
                break;
            }
            fl.index0.set(fl.index0.get() + 1);
            if let Some(i) = self.interrupts.pop()
                && i == Interrupt::Break
            {
                break;
            }
        }
        self.for_stack.pop();
        self.scopes.pop();
        res
    }

    /// A loop over what is not known: its body may run any number of times.
    fn unknown_loop(
        &mut self,
        t: &Template,
        bodies: &[&[NodeId]],
        out: &mut Out,
        span: &Range<usize>,
    ) -> RResult<()> {
        self.unknown_flow = true;
        for b in bodies {
            // A `break`/`continue` directly in the body ends this loop only.
            self.havoc(t, b, 1);
        }
        // Its `offset: continue` register is not known either.
        if t.nodes
            .iter()
            .any(|n| matches!(&n.kind, NodeKind::For(f) if matches!(f.offset, Offset::Continue)))
        {
            self.flow_lost = true;
        }
        self.unknown(out, span)
    }

    /// Ruby may or may not have run the nodes IDS: what they may set becomes unknown (the
    /// variables they assign, capture, increment or decrement; `ifchanged`'s memory); what
    /// cannot be made unknown (a `break`/`continue` of a loop outside them, `cycle`
    /// positions, an include or a plugin tag, which may set anything) loses the flow.
    /// `loops` counts the loops around IDS inside what Ruby may have skipped.
    fn havoc(&mut self, t: &Template, ids: &[NodeId], loops: usize) {
        let mut seen = Vec::new();
        self.havoc_in(t, ids, loops, &mut seen);
    }

    /// [`Self::havoc`]; SEEN holds the includes already walked (an include of itself).
    fn havoc_in(&mut self, t: &Template, ids: &[NodeId], loops: usize, seen: &mut Vec<String>) {
        let mut stack: Vec<(NodeId, usize)> = ids.iter().rev().map(|&id| (id, loops)).collect();
        while let Some((id, depth)) = stack.pop() {
            let Some(node) = t.nodes.get(id) else {
                continue;
            };
            let mut push = |ids: &[NodeId], d: usize| {
                stack.extend(ids.iter().rev().map(|&id| (id, d)));
            };
            match &node.kind {
                NodeKind::Assign { to, .. } => self.set_outer(to, Value::Unknown),
                NodeKind::Capture { to, body } => {
                    self.set_outer(to, Value::Unknown);
                    push(body, depth);
                }
                NodeKind::Increment(v) | NodeKind::Decrement(v) => {
                    self.env0.insert(v.clone(), Value::Unknown);
                }
                NodeKind::If { branches, .. } => {
                    for b in branches.iter().rev() {
                        push(&b.body, depth);
                    }
                }
                NodeKind::Case { bodies, .. } => {
                    for b in bodies.iter().rev() {
                        push(b, depth);
                    }
                }
                NodeKind::For(f) => {
                    if matches!(f.offset, Offset::Continue) {
                        self.flow_lost = true;
                    }
                    if let Some(e) = &f.else_body {
                        push(e, depth);
                    }
                    push(&f.body, depth + 1);
                }
                NodeKind::TableRow { body, .. } => push(body, depth + 1),
                NodeKind::Ifchanged(body) => {
                    self.ifchanged = Some("\u{0}unknown".into());
                    push(body, depth);
                }
                NodeKind::Highlight { body, .. } => push(body, depth),
                NodeKind::Break | NodeKind::Continue if depth == 0 => self.flow_lost = true,
                NodeKind::Cycle { .. } => self.cycles_unknown = true,
                NodeKind::Include(inc) => match self.include_template(inc) {
                    // Ruby raises on a file that is missing or does not parse: nothing set.
                    Some(None) => {}
                    Some(Some((key, tpl))) => {
                        if !seen.contains(&key) {
                            seen.push(key);
                            self.havoc_in(&tpl, &tpl.root, depth, seen);
                        }
                    }
                    None => self.flow_lost = true,
                },
                NodeKind::Plugin { .. } => self.flow_lost = true,
                _ => {}
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn render_tablerow(
        &mut self,
        t: &Template,
        var: &str,
        collection: &Expr,
        attributes: &[(String, Expr)],
        body: &[NodeId],
        span: &Range<usize>,
        out: &mut Out,
    ) -> RResult<()> {
        let coll = self.eval(collection)?;
        if coll.is_nil() || matches!(coll, Value::Bool(false)) {
            return Ok(());
        }
        let attr = |k: &str| {
            attributes
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, e)| e.clone())
        };
        let mut ints = Vec::new();
        for k in ["offset", "limit", "cols"] {
            let v = match attr(k) {
                Some(e) => Some(self.eval(&e)?),
                None => None,
            };
            let i = match &v {
                None => None,
                Some(v) => match ruby_to_i(v) {
                    Some(i) => Some(i),
                    None => return self.unknown_loop(t, &[body], out, span),
                },
            };
            ints.push((v.is_some(), i.unwrap_or(0)));
        }
        let from = if ints[0].0 { ints[0].1 } else { 0 };
        let to = if ints[1].0 {
            Some(from.saturating_add(ints[1].1))
        } else {
            None
        };
        let cols = ints[2].1;
        let Some(items) = slice_collection(&coll, from, to) else {
            return self.unknown_loop(t, &[body], out, span);
        };
        self.emit(
            out,
            "<tr class=\"row1\">\n",
            span.clone(),
            SegmentKind::Output,
        )?;
        self.push_scope()?;
        let tr = Rc::new(Tablerow {
            length: items.len(),
            cols,
            index0: std::cell::Cell::new(0),
            row: std::cell::Cell::new(1),
            col: std::cell::Cell::new(1),
        });
        self.set_inner("tablerowloop", Value::Tablerow(tr.clone()));
        let n = items.len();
        let mut res = Ok(());
        for item in items {
            self.set_inner(var, item);
            let col = tr.col.get();
            if let Err(e) = self.emit(
                out,
                &format!("<td class=\"col{col}\">"),
                span.clone(),
                SegmentKind::Output,
            ) {
                res = Err(e);
                break;
            }
            if let Err(e) = self.body(t, body, out) {
                res = Err(e);
                break;
            }
            if let Err(e) = self.emit(out, "</td>", span.clone(), SegmentKind::Output) {
                res = Err(e);
                break;
            }
            let last = tr.index0.get() + 1 == n;
            if tr.col.get() == tr.cols && !last {
                let row = tr.row.get() + 1;
                if let Err(e) = self.emit(
                    out,
                    &format!("</tr>\n<tr class=\"row{row}\">"),
                    span.clone(),
                    SegmentKind::Output,
                ) {
                    res = Err(e);
                    break;
                }
            }
            tr.index0.set(tr.index0.get() + 1);
            if tr.col.get() == tr.cols {
                tr.col.set(1);
                tr.row.set(tr.row.get() + 1);
            } else {
                tr.col.set(tr.col.get() + 1);
            }
        }
        self.scopes.pop();
        res?;
        self.emit(out, "</tr>\n", span.clone(), SegmentKind::Output)
    }

    // -- include ---------------------------------------------------------------

    /// The template a static include names, for [`Self::havoc`]: `Some(None)` when Ruby
    /// would raise (no such file, invalid name, a syntax error), `None` when the name is
    /// built at render time.
    fn include_template(&mut self, inc: &IncludeNode) -> Option<Option<(String, Rc<Template>)>> {
        let f = inc.file.as_deref()?;
        if crate::syntax::INCLUDE_VARIABLE_SYNTAX.is_match(f) {
            return None;
        }
        if !include_name_ok(f) {
            return Some(None);
        }
        let key = format!("{}:{f}", inc.relative);
        let tpl = self.include_file(inc.relative, f)?;
        Some(tpl.errors.is_empty().then_some((key, tpl)))
    }

    /// The parsed template of the include file NAME (parsed once per render), `None` when the
    /// host has no such file.
    fn include_file(&mut self, relative: bool, name: &str) -> Option<Rc<Template>> {
        let key = format!("{relative}:{name}");
        if let Some(t) = self.includes.get(&key) {
            return Some(t.clone());
        }
        let content = if relative {
            self.host.include_relative(name)
        } else {
            self.host.include(name)
        }?;
        let tpl = Rc::new(crate::parse(&content, &self.opts.parse));
        self.includes.insert(key, tpl.clone());
        Some(tpl)
    }

    fn include(
        &mut self,
        t: &Template,
        inc: &IncludeNode,
        span: &Range<usize>,
        out: &mut Out,
    ) -> RResult<()> {
        let _ = t;
        // render_variable: a file name holding `{{ … }}` is rendered (lax, `render`).
        let file = match &inc.file {
            Some(f) if crate::syntax::INCLUDE_VARIABLE_SYNTAX.is_match(f) => {
                let lt = crate::parse(f, &self.opts.parse);
                let mut o = Out::new();
                let saved = self.remap.take();
                let res = if lt.errors.is_empty() {
                    self.body(&lt, &lt.root, &mut o)
                } else {
                    Err(RErr::Budget)
                };
                self.remap = saved;
                if res.is_err() || o.has_unknown() {
                    self.unknown_flow = true;
                    self.flow_lost = true;
                    return self.unknown(out, span);
                }
                Some(o.s)
            }
            f => f.clone(),
        };
        let shown = file.clone().unwrap_or_default();
        if !file.as_deref().is_some_and(include_name_ok) {
            return Err(RErr::ruby(
                "ArgumentError",
                format!(
                    "Invalid syntax for include tag. File contains invalid characters or sequences:\n\n  {shown}\n\nValid syntax:\n\n  {{% {} file.ext param='value' param2='value' %}}\n\n",
                    inc.tag_name
                ),
            ));
        }
        let Some(tpl) = self.include_file(inc.relative, &shown) else {
            let dirs = if inc.relative {
                self.host.include_relative_dirs()
            } else {
                self.host.includes_dirs()
            };
            return Err(RErr::ruby(
                "IOError",
                format!(
                    "Could not locate the included file '{shown}' in any of {dirs}. Ensure it exists in one of those directories and, if it is a symlink, does not point outside your site source."
                ),
            ));
        };
        let path = self.host.include_path(&shown);
        if let Some(e) = tpl.errors.first() {
            return Err(included_error(e, &path));
        }
        self.push_scope()?;
        let mut res = Ok(());
        if let Some(p) = &inc.params {
            match self.include_params(p) {
                Ok(h) => self.set_inner("include", h),
                Err(e) => res = Err(e),
            }
        }
        if res.is_ok() {
            let saved = self
                .remap
                .replace(self.remap.clone().unwrap_or_else(|| span.clone()));
            res = self.body(&tpl, &tpl.root, out);
            self.remap = saved;
        }
        self.scopes.pop();
        res.map_err(|e| match e {
            RErr::Liquid(mut e) => {
                e.template_name = Some(path.clone());
                if e.markup_context.is_none() {
                    e.markup_context = Some("included ".into());
                }
                e.span = Some(span.clone());
                RErr::Liquid(e)
            }
            RErr::Ruby(mut e) => {
                e.span = Some(span.clone());
                RErr::Ruby(e)
            }
            other => other,
        })
    }

    fn include_params(&mut self, p: &str) -> RResult<Value<'a>> {
        let mut h: Vec<(String, Value<'a>)> = Vec::new();
        for c in crate::syntax::INCLUDE_PARAM_SCAN.captures_iter(p) {
            let key = c.get(1).map_or("", |m| m.as_str()).to_string();
            let v = if let Some(d) = c.get(2) {
                Value::str(d.as_str().replace("\\\"", "\""))
            } else if let Some(s) = c.get(3) {
                Value::str(s.as_str().replace("\\'", "'"))
            } else if let Some(v) = c.get(4) {
                self.eval(&Expr::parse(v.as_str()))?
            } else {
                Value::Nil
            };
            if let Some(e) = h.iter_mut().find(|e| e.0 == key) {
                e.1 = v;
            } else {
                h.push((key, v));
            }
        }
        Ok(Value::Hash(Rc::new(h)))
    }
}

fn included_error(e: &LiquidError, path: &str) -> RErr {
    match &e.class {
        ErrorClass::Ruby(c) => RErr::Ruby(Box::new(RubyErr {
            class: c.clone(),
            msg: e.message.clone(),
            span: None,
        })),
        ErrorClass::LiquidSyntax | ErrorClass::Liquid(_) => {
            // Rebuild the message with the include's path.
            let class = match &e.class {
                ErrorClass::Liquid(c) => c.clone(),
                _ => "SyntaxError".into(),
            };
            let msg = e
                .message
                .split_once(": ")
                .map_or(e.message.as_str(), |(_, m)| m)
                .to_string();
            RErr::Liquid(Box::new(LErr {
                class,
                msg,
                line: e.line,
                template_name: Some(path.to_string()),
                markup_context: Some("included ".into()),
                span: None,
            }))
        }
    }
}

fn tri_of(v: &Value) -> Tri {
    if v.has_unknown() {
        Tri::Unknown
    } else {
        bool_tri(v.truthy())
    }
}

fn bool_tri(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}

fn method_literal(m: MethodLit, v: &Value) -> Tri {
    match m {
        // No `blank?` without ActiveSupport: nil, falsy.
        MethodLit::Blank => Tri::False,
        MethodLit::Empty => match v {
            Value::Str(s) => bool_tri(s.is_empty()),
            v if v.is_array() => bool_tri(v.array_items().is_some_and(|a| a.is_empty())),
            v if v.is_hash() => bool_tri(v.hash_entries().is_some_and(|a| a.is_empty())),
            _ => Tri::False,
        },
    }
}

fn contains(l: &Value, r: &Value) -> Tri {
    if !l.truthy() || !r.truthy() {
        return Tri::False;
    }
    match l {
        Value::Str(s) => match r.to_s() {
            Some(x) => bool_tri(s.contains(x.as_ref())),
            None => Tri::Unknown,
        },
        Value::Range(a, b) => match r {
            Value::Int(i) => bool_tri(a <= i && i <= b),
            Value::Float(f) => bool_tri(*a as f64 <= *f && *f <= *b as f64),
            _ => Tri::False,
        },
        _ if l.is_array() => bool_tri(
            l.array_items()
                .is_some_and(|a| a.iter().any(|x| x.ruby_eq(r))),
        ),
        _ if l.is_hash() => match r {
            Value::Str(k) => bool_tri(l.hash_get(k).is_some()),
            _ => Tri::False,
        },
        _ => Tri::False,
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn compare(op: &str, l: &Value, r: &Value) -> RResult<Tri> {
    let ord = match (l, r) {
        (Value::Str(a), Value::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
        (Value::Int(a), Value::Int(b)) => a.cmp(b),
        _ if num(l).is_some() && num(r).is_some() => {
            let (a, b) = (num(l).unwrap_or(0.0), num(r).unwrap_or(0.0));
            match a.partial_cmp(&b) {
                Some(o) => o,
                None => return Ok(Tri::False),
            }
        }
        (Value::Int(_) | Value::Float(_), Value::Str(_)) => {
            return Err(RErr::arg(format!(
                "comparison of {} with String failed",
                l.class_name()
            )));
        }
        (Value::Str(_), Value::Int(_) | Value::Float(_)) => {
            return Err(RErr::arg(format!(
                "comparison of String with {} failed",
                r.to_s().unwrap_or_default()
            )));
        }
        _ => return Ok(Tri::False),
    };
    use std::cmp::Ordering::*;
    Ok(bool_tri(match op {
        "<" => ord == Less,
        ">" => ord == Greater,
        "<=" => ord != Greater,
        _ => ord != Less,
    }))
}

fn command<'a>(obj: &Value<'a>, k: &str, is_command: bool) -> Value<'a> {
    if !is_command {
        return Value::Nil;
    }
    match (k, obj) {
        ("size", Value::Str(s)) => Value::Int(s.chars().count() as i64),
        ("size", Value::Int(_)) => Value::Int(8),
        ("size", Value::Range(a, b)) => Value::Int(b.saturating_sub(*a).saturating_add(1).max(0)),
        ("size", o) if o.is_array() => Value::Int(o.array_items().map_or(0, |a| a.len()) as i64),
        ("size", o) if o.is_hash() => Value::Int(o.hash_entries().map_or(0, |a| a.len()) as i64),
        ("first", Value::Range(a, _)) => Value::Int(*a),
        ("last", Value::Range(_, b)) => Value::Int(*b),
        ("first", o) if o.is_array() => o
            .array_items()
            .and_then(|a| a.first().cloned())
            .unwrap_or(Value::Nil),
        ("last", o) if o.is_array() => o
            .array_items()
            .and_then(|a| a.last().cloned())
            .unwrap_or(Value::Nil),
        ("first", o) if o.is_hash() => match o.hash_entries().and_then(|e| e.into_iter().next()) {
            Some((k, v)) => Value::Array(Rc::new(vec![Value::str(k), v])),
            None => Value::Nil,
        },
        _ => Value::Nil,
    }
}

fn forloop_get<'a>(f: &Forloop, k: &str) -> Value<'a> {
    let i = f.index0.get();
    let n = f.length;
    match k {
        "length" => Value::Int(n as i64),
        "index" => Value::Int(i as i64 + 1),
        "index0" => Value::Int(i as i64),
        "rindex" => Value::Int(n as i64 - i as i64),
        "rindex0" => Value::Int(n as i64 - i as i64 - 1),
        "first" => Value::Bool(i == 0),
        "last" => Value::Bool(i + 1 == n),
        "name" => Value::str(f.name.clone()),
        "parentloop" => match &f.parent {
            Some(p) => Value::Forloop(p.clone()),
            None => Value::Nil,
        },
        _ => Value::Nil,
    }
}

fn tablerow_get<'a>(t: &Tablerow, k: &str) -> Value<'a> {
    let i = t.index0.get() as i64;
    let n = t.length as i64;
    match k {
        "length" => Value::Int(n),
        "col" => Value::Int(t.col.get()),
        "row" => Value::Int(t.row.get()),
        "index" => Value::Int(i + 1),
        "index0" => Value::Int(i),
        "col0" => Value::Int(t.col.get() - 1),
        "rindex" => Value::Int(n - i),
        "rindex0" => Value::Int(n - i - 1),
        "first" => Value::Bool(i == 0),
        "last" => Value::Bool(i == n - 1),
        "col_first" => Value::Bool(t.col.get() == 1),
        "col_last" => Value::Bool(t.col.get() == t.cols),
        _ => Value::Nil,
    }
}

/// `RangeLookup#to_integer`.
fn range_int(v: &Value) -> RResult<Option<i64>> {
    Ok(match v {
        Value::Int(i) => Some(*i),
        Value::Nil => Some(0),
        Value::Str(s) => Some(crate::expr::ruby_to_i(s)),
        Value::Unknown => None,
        other => to_integer(other)?,
    })
}

/// `Liquid::Utils.to_integer`: `Integer(x.to_s)` or "invalid integer".
/// Jekyll's check of an include's file name: no bad sequence, only the characters it allows.
fn include_name_ok(f: &str) -> bool {
    !crate::syntax::INCLUDE_BAD_SEQUENCE.is_match(f)
        && crate::syntax::INCLUDE_FILENAME_OK.is_match(f)
}

pub(crate) fn to_integer(v: &Value) -> RResult<Option<i64>> {
    if let Value::Int(i) = v {
        return Ok(Some(*i));
    }
    let Some(s) = v.to_s() else { return Ok(None) };
    match ruby_integer(&s) {
        Some(i) => Ok(Some(i)),
        None => Err(RErr::arg("invalid integer")),
    }
}

/// Ruby `Kernel#Integer(str)` (decimal, with underscores, prefixes and surrounding
/// whitespace).
fn ruby_integer(s: &str) -> Option<i64> {
    let t = crate::syntax::strip(s);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(r) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        (2, r)
    } else if let Some(r) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        (8, r)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, &t[1..])
    } else {
        (10, t)
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let v = i64::from_str_radix(&clean, radix).ok()?;
    Some(if neg { -v } else { v })
}

/// Ruby `to_i` on what tablerow evaluates (`nil.to_i`, `"3".to_i`, `2.5.to_i`).
fn ruby_to_i(v: &Value) -> Option<i64> {
    match v {
        Value::Nil => Some(0),
        Value::Int(i) => Some(*i),
        Value::Float(f) => Some(f.trunc() as i64),
        Value::Str(s) => Some(crate::expr::ruby_to_i(s)),
        _ => None,
    }
}

/// `Utils.slice_collection` (after `Range#to_a`). `None` when unknown.
fn slice_collection<'a>(c: &Value<'a>, from: i64, to: Option<i64>) -> Option<Vec<Value<'a>>> {
    let items: Vec<Value<'a>> = match c {
        // A string is one item, whatever the offset and limit.
        Value::Str(s) => {
            return Some(if s.is_empty() {
                Vec::new()
            } else {
                vec![c.clone()]
            });
        }
        Value::Range(a, b) => {
            if b < a {
                Vec::new()
            } else {
                let lo = a.saturating_add(from.max(0));
                let hi = match to {
                    Some(t) => (*b).min(a.saturating_add(t).saturating_sub(1)),
                    None => *b,
                };
                if (hi as i128) - (lo as i128) > 10_000_000 {
                    return None;
                }
                return Some((lo..=hi).map(Value::Int).collect());
            }
        }
        Value::Unknown | Value::Forloop(_) | Value::Tablerow(_) => return None,
        v if v.is_array() => v.array_items()?,
        v if v.is_hash() => v
            .hash_entries()?
            .into_iter()
            .map(|(k, x)| Value::Array(Rc::new(vec![Value::str(k), x])))
            .collect(),
        _ => Vec::new(),
    };
    let mut seg = Vec::new();
    for (index, it) in items.into_iter().enumerate() {
        let index = index as i64;
        if to.is_some_and(|t| t <= index) {
            break;
        }
        if from <= index {
            seg.push(it);
        }
    }
    Some(seg)
}

pub(crate) fn post_comparer(name: &str) -> Option<regex::Regex> {
    let n = name.strip_prefix('/').unwrap_or(name);
    let c = crate::syntax::POST_MATCHER.captures(n)?;
    let path = c.get(1).map_or("", |m| m.as_str());
    let date = c.get(2).map_or("", |m| m.as_str());
    let slug = c.get(3).map_or("", |m| m.as_str());
    let base = format!(r"{}-{}\.[^.]+", date, regex::escape(slug));
    regex::Regex::new(&format!(r"(?m)^_posts/{path}{base}|^{path}_posts/?{base}")).ok()
}
