//! The element tree (kramdown's `Kramdown::Element`) in a flat arena.

use std::borrow::Cow;
use std::ops::Range;

use crate::text::MText;

/// Index of a node in [`Document::nodes`].
pub type NodeId = usize;

/// Element type, one per `Kramdown::Element#type` the GFM parser produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `:root`
    Root,
    /// `:blank` (value: the blank lines)
    Blank,
    /// `:text`
    Text,
    /// `:p`
    P,
    /// `:header` (level in [`Node::level`])
    Header,
    /// `:blockquote`
    Blockquote,
    /// `:codeblock` (value: the code)
    Codeblock,
    /// `:codespan` (value: the code)
    Codespan,
    /// `:ul`
    Ul,
    /// `:ol`
    Ol,
    /// `:li`
    Li,
    /// `:dl`
    Dl,
    /// `:dt`
    Dt,
    /// `:dd`
    Dd,
    /// `:table`
    Table,
    /// `:thead`
    Thead,
    /// `:tbody`
    Tbody,
    /// `:tfoot`
    Tfoot,
    /// `:tr`
    Tr,
    /// `:td`
    Td,
    /// `:hr`
    Hr,
    /// `:html_element` (value: tag name)
    HtmlElement,
    /// `:xml_comment` (value: the whole `<!-- … -->`)
    XmlComment,
    /// `:xml_pi` (value: the whole `<? … ?>`)
    XmlPi,
    /// `:comment` from `{::comment}` (value: body; never output as live HTML)
    Comment,
    /// `:raw` from `{::nomarkdown}` (value: body, output verbatim)
    Raw,
    /// `:a` (href in the attributes)
    A,
    /// `:img` (src/alt in the attributes)
    Img,
    /// `:em`
    Em,
    /// `:strong`
    Strong,
    /// `:br`
    Br,
    /// `:smart_quote` (value: lsquo/rsquo/ldquo/rdquo)
    SmartQuote,
    /// `:typographic_sym` (value: mdash, ndash, hellip, laquo, raquo, laquo_space, raquo_space)
    TypographicSym,
    /// `:entity` (code point in [`Node::code_point`], value: the source text if any)
    Entity,
    /// `:math` (value: the TeX)
    Math,
    /// `:abbreviation` (value: the abbreviation; title in the attributes)
    Abbreviation,
    /// `:footnote` marker (value: footnote name; [`Node::footnote`] is its definition)
    Footnote,
    /// Definition content of a footnote (detached root; not a kramdown type)
    FootnoteDef,
    // internal kinds (never left in a finished document)
    #[doc(hidden)]
    RawText,
    #[doc(hidden)]
    Eob,
    #[doc(hidden)]
    Temp,
}

impl Kind {
    /// kramdown's type name (`"html_element"`, …).
    pub fn name(self) -> &'static str {
        use Kind::*;
        match self {
            Root => "root",
            Blank => "blank",
            Text => "text",
            P => "p",
            Header => "header",
            Blockquote => "blockquote",
            Codeblock => "codeblock",
            Codespan => "codespan",
            Ul => "ul",
            Ol => "ol",
            Li => "li",
            Dl => "dl",
            Dt => "dt",
            Dd => "dd",
            Table => "table",
            Thead => "thead",
            Tbody => "tbody",
            Tfoot => "tfoot",
            Tr => "tr",
            Td => "td",
            Hr => "hr",
            HtmlElement => "html_element",
            XmlComment => "xml_comment",
            XmlPi => "xml_pi",
            Comment => "comment",
            Raw => "raw",
            A => "a",
            Img => "img",
            Em => "em",
            Strong => "strong",
            Br => "br",
            SmartQuote => "smart_quote",
            TypographicSym => "typographic_sym",
            Entity => "entity",
            Math => "math",
            Abbreviation => "abbreviation",
            Footnote => "footnote",
            FootnoteDef => "footnote_def",
            RawText => "raw_text",
            Eob => "eob",
            Temp => "temp",
        }
    }

    /// `Element::CATEGORY` (fixed category by type), if any.
    pub fn fixed_category(self) -> Option<Category> {
        use Kind::*;
        match self {
            Blank | P | Header | Blockquote | Codeblock | Ul | Ol | Li | Dl | Dt | Dd | Table
            | Td | Hr => Some(Category::Block),
            Text | A | Br | Img | Codespan | Footnote | Em | Strong | Entity | TypographicSym
            | SmartQuote | Abbreviation => Some(Category::Span),
            _ => None,
        }
    }
}

/// Block or span level (`options[:category]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// block-level
    Block,
    /// span-level
    Span,
}

/// How kramdown treats an HTML element's body (`options[:content_model]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentModel {
    /// Body kept as text, output verbatim: only nested HTML tags are recognised.
    Raw,
    /// Body parsed as kramdown span-level text.
    Span,
    /// Body parsed as kramdown block-level text.
    Block,
}

/// Where an attribute came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrOrigin {
    /// Written in an HTML tag.
    Html,
    /// From an inline attribute list `{: …}` (block or span IAL, list item IAL).
    Ial,
    /// From an attribute list definition `{:name: …}` referenced by an IAL.
    Ald,
    /// Made by the parser (link href/src/title/alt, header ids, task-list classes, …).
    Parser,
    /// A link/image target or title taken from a link definition `[id]: url "title"`.
    LinkDef,
}

/// One attribute. Names and values borrow from the parsed text where they
/// appear there unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    /// Name (lower-cased for known HTML elements, as kramdown does).
    pub name: Cow<'a, str>,
    /// Value after kramdown's processing (newlines folded for span HTML, …).
    pub value: Cow<'a, str>,
    /// Span of the name in the input, when written there.
    pub name_span: Option<Range<usize>>,
    /// Span of the value in the input (for a class built from several
    /// pieces: the last piece), when written there.
    pub value_span: Option<Range<usize>>,
    /// Origin.
    pub origin: AttrOrigin,
}

/// Column alignment of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// `:default`
    Default,
    /// `:left`
    Left,
    /// `:right`
    Right,
    /// `:center`
    Center,
}

/// The children of a node: up to two are held in the node itself (most nodes have one or
/// two: a paragraph's text, an element's content), more in a vector. Dereferences to the
/// slice of their ids.
#[derive(Clone, Default)]
pub struct Children(Kids);

#[derive(Clone)]
enum Kids {
    Inline(u8, [NodeId; 2]),
    Heap(Vec<NodeId>),
}

impl Default for Kids {
    fn default() -> Self {
        Kids::Inline(0, [0; 2])
    }
}

impl Children {
    /// No children.
    pub const fn new() -> Children {
        Children(Kids::Inline(0, [0; 2]))
    }

    /// Append `id`.
    #[inline]
    pub fn push(&mut self, id: NodeId) {
        match &mut self.0 {
            Kids::Inline(n, a) => {
                if let Some(slot) = a.get_mut(usize::from(*n)) {
                    *slot = id;
                    *n += 1;
                } else {
                    let mut v = Vec::with_capacity(8);
                    v.extend_from_slice(a);
                    v.push(id);
                    self.0 = Kids::Heap(v);
                }
            }
            Kids::Heap(v) => v.push(id),
        }
    }

    /// Remove the last child.
    #[inline]
    pub fn pop(&mut self) -> Option<NodeId> {
        match &mut self.0 {
            Kids::Inline(n, a) => {
                let i = usize::from(n.checked_sub(1)?);
                *n -= 1;
                a.get(i).copied()
            }
            Kids::Heap(v) => v.pop(),
        }
    }

    /// Remove the child at `i` (nothing when there is none).
    pub fn remove(&mut self, i: usize) {
        if i >= self.len() {
            return;
        }
        match &mut self.0 {
            Kids::Inline(n, a) => {
                if let Some(tail) = a.get_mut(i..) {
                    tail.rotate_left(1);
                }
                *n -= 1;
            }
            Kids::Heap(v) => {
                v.remove(i);
            }
        }
    }

    /// Remove every child.
    pub fn clear(&mut self) {
        match &mut self.0 {
            Kids::Inline(n, _) => *n = 0,
            Kids::Heap(v) => v.clear(),
        }
    }
}

impl std::ops::Deref for Children {
    type Target = [NodeId];
    #[inline]
    fn deref(&self) -> &[NodeId] {
        match &self.0 {
            Kids::Inline(n, a) => a.get(..usize::from(*n)).unwrap_or_default(),
            Kids::Heap(v) => v,
        }
    }
}

impl std::ops::DerefMut for Children {
    #[inline]
    fn deref_mut(&mut self) -> &mut [NodeId] {
        match &mut self.0 {
            Kids::Inline(n, a) => a.get_mut(..usize::from(*n)).unwrap_or_default(),
            Kids::Heap(v) => v,
        }
    }
}

impl Extend<NodeId> for Children {
    fn extend<I: IntoIterator<Item = NodeId>>(&mut self, iter: I) {
        for id in iter {
            self.push(id);
        }
    }
}

impl From<Vec<NodeId>> for Children {
    fn from(v: Vec<NodeId>) -> Children {
        if v.len() <= 2 {
            let mut c = Children::new();
            c.extend(v);
            c
        } else {
            Children(Kids::Heap(v))
        }
    }
}

impl FromIterator<NodeId> for Children {
    fn from_iter<I: IntoIterator<Item = NodeId>>(iter: I) -> Children {
        let mut c = Children::new();
        c.extend(iter);
        c
    }
}

impl<'c> IntoIterator for &'c Children {
    type Item = &'c NodeId;
    type IntoIter = std::slice::Iter<'c, NodeId>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'c> IntoIterator for &'c mut Children {
    type Item = &'c mut NodeId;
    type IntoIter = std::slice::IterMut<'c, NodeId>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl IntoIterator for Children {
    type Item = NodeId;
    type IntoIter = ChildrenIntoIter;
    fn into_iter(self) -> ChildrenIntoIter {
        ChildrenIntoIter { kids: self, at: 0 }
    }
}

/// The iterator of [`Children`] by value.
pub struct ChildrenIntoIter {
    kids: Children,
    at: usize,
}

impl Iterator for ChildrenIntoIter {
    type Item = NodeId;
    #[inline]
    fn next(&mut self) -> Option<NodeId> {
        let id = self.kids.get(self.at).copied()?;
        self.at += 1;
        Some(id)
    }
}

impl PartialEq for Children {
    fn eq(&self, other: &Children) -> bool {
        **self == **other
    }
}

impl Eq for Children {}

impl std::fmt::Debug for Children {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One element.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    /// Type.
    pub kind: Kind,
    /// Value: text, code, tag name, footnote name, symbol name, entity source…
    /// (borrowed from the parsed text when it appears there unchanged).
    pub value: Cow<'a, str>,
    /// Attributes in kramdown's (Ruby hash) order.
    pub attrs: Vec<Attr<'a>>,
    /// Byte span of the element's source in the input text.
    pub span: Range<usize>,
    /// Parent (None for the root and for footnote definitions).
    pub parent: Option<NodeId>,
    /// Children in order.
    pub children: Children,
    /// `options[:category]` (or the fixed category of the type).
    pub category: Option<Category>,
    /// `options[:content_model]` for HTML elements.
    pub content_model: Option<ContentModel>,
    /// `options[:transparent]` for paragraphs (rendered without `<p>`).
    pub transparent: bool,
    /// `options[:is_closed]` for HTML elements (`<x/>` written self-closed).
    pub is_closed: bool,
    /// Header level.
    pub level: u8,
    /// Code point of an `:entity`.
    pub code_point: u32,
    /// For `:footnote`: the detached [`Kind::FootnoteDef`] node.
    pub footnote: Option<NodeId>,
    /// The rarely set data ([`Node::alignment`], [`Node::raw_type`], [`Node::raw_text`],
    /// [`Node::lang`]), boxed to keep nodes small.
    pub(crate) rare: Option<Box<Rare>>,
    pub(crate) ial: Option<Box<Ial<'a>>>,
    pub(crate) mtext: Option<Box<MText>>,
    pub(crate) eob: EobKind,
    pub(crate) codespan_delim: u32,
    pub(crate) first_as_para: bool,
    /// A paragraph's `:raw_text` not yet made a span text: its text is the source range
    /// `span` (see `Parser::raw_mtext`).
    pub(crate) lazy_raw: bool,
}

/// The rarely set fields of a [`Node`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Rare {
    pub alignment: Vec<Align>,
    pub raw_type: Vec<String>,
    pub raw_text: Option<String>,
    pub lang: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum EobKind {
    #[default]
    None,
    Ald,
    Ial,
    LinkDef,
    AbbrevDef,
    FootnoteDef,
    Extension,
}

/// An inline attribute list as kramdown stores it in `options[:ial]`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ial<'a> {
    pub attrs: Vec<Attr<'a>>,
    pub refs: Vec<String>,
}

impl<'a> Ial<'a> {
    pub fn set(&mut self, a: Attr<'a>) {
        set_attr(&mut self.attrs, a);
    }
    pub fn get(&self, k: &str) -> Option<&Attr<'a>> {
        self.attrs.iter().find(|a| a.name == k)
    }
}

/// [`set_attr`] for many attributes at once: each name keeps the place of its first
/// occurrence and the value of its last (kramdown's Hash), in time linear in their number.
pub(crate) struct AttrSet<'a> {
    attrs: Vec<Attr<'a>>,
    index: Option<std::collections::HashMap<String, usize>>,
}

impl<'a> AttrSet<'a> {
    pub(crate) fn with_capacity(n: usize) -> AttrSet<'a> {
        AttrSet {
            attrs: Vec::with_capacity(n),
            index: (n > 16).then(std::collections::HashMap::new),
        }
    }

    pub(crate) fn set(&mut self, a: Attr<'a>) {
        match &mut self.index {
            None => set_attr(&mut self.attrs, a),
            Some(index) => match index.get(a.name.as_ref()) {
                Some(&i) => self.attrs[i] = a,
                None => {
                    index.insert(a.name.to_string(), self.attrs.len());
                    self.attrs.push(a);
                }
            },
        }
    }

    pub(crate) fn into_vec(self) -> Vec<Attr<'a>> {
        self.attrs
    }
}

pub(crate) fn set_attr<'a>(attrs: &mut Vec<Attr<'a>>, a: Attr<'a>) {
    if let Some(x) = attrs.iter_mut().find(|x| x.name == a.name) {
        *x = a;
    } else {
        attrs.push(a);
    }
}

impl<'a> Node<'a> {
    /// The references of the node's inline attribute list (`{:toc}`, `{:refname}`).
    pub fn ial_refs(&self) -> &[String] {
        self.ial.as_ref().map_or(&[], |i| i.refs.as_slice())
    }

    pub(crate) fn new(kind: Kind) -> Node<'a> {
        Node {
            kind,
            value: Cow::Borrowed(""),
            attrs: Vec::new(),
            span: 0..0,
            parent: None,
            children: Children::new(),
            category: kind.fixed_category(),
            content_model: None,
            transparent: false,
            is_closed: false,
            level: 0,
            code_point: 0,
            footnote: None,
            rare: None,
            ial: None,
            mtext: None,
            eob: EobKind::None,
            codespan_delim: 0,
            first_as_para: false,
            lazy_raw: false,
        }
    }

    /// Table column alignment.
    pub fn alignment(&self) -> &[Align] {
        self.rare.as_ref().map_or(&[], |r| r.alignment.as_slice())
    }

    /// `{::nomarkdown type="…"}` output types of a `:raw`.
    pub fn raw_type(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |r| r.raw_type.as_slice())
    }

    /// `options[:raw_text]` of headers/dts (for ids).
    pub fn raw_text(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.raw_text.as_deref())
    }

    /// Fenced code block language (`options[:lang]`).
    pub fn lang(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.lang.as_deref())
    }

    pub(crate) fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// Value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_ref())
    }

    /// The attribute entry `name`.
    pub fn attr_entry(&self, name: &str) -> Option<&Attr<'a>> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// kramdown's `block?`.
    pub fn is_block(&self) -> bool {
        self.category == Some(Category::Block)
    }
}

/// A parsed document; text values and attributes borrow from the text
/// given to [`crate::parse`] where they appear there unchanged.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    /// All nodes. `nodes[root]` is the `:root` element.
    pub nodes: Vec<Node<'a>>,
    /// The root.
    pub root: NodeId,
    /// Footnote definitions by name, in definition order, each a detached
    /// [`Kind::FootnoteDef`] node; `true` when some marker references it
    /// (unreferenced ones are not rendered by kramdown).
    pub footnotes: Vec<(String, NodeId, bool)>,
    /// Abbreviation definitions (`*[ABBR]: title`), with their attributes.
    pub abbrevs: Vec<(String, String, Vec<Attr<'a>>)>,
    /// Options in force at the end of the document (after `{::options}`).
    pub options: crate::Options,
    /// Warnings kramdown would emit (subset).
    pub warnings: Vec<String>,
}

impl<'a> Document<'a> {
    /// The node `id`.
    #[inline]
    pub fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id.min(self.nodes.len().saturating_sub(1))]
    }

    /// Pre-order walk of the element tree below `from` (iterative), including
    /// `from`; footnote definitions are not entered (walk them from
    /// [`Document::footnotes`]).
    pub fn descendants(&self, from: NodeId) -> Descendants<'_, 'a> {
        // (room for the usual breadth of a walk: no regrowth)
        let mut stack = Vec::with_capacity(16);
        stack.push(from);
        Descendants { doc: self, stack }
    }
}

/// Iterator returned by [`Document::descendants`].
pub struct Descendants<'d, 'a> {
    doc: &'d Document<'a>,
    stack: Vec<NodeId>,
}

impl Iterator for Descendants<'_, '_> {
    type Item = NodeId;
    #[inline]
    fn next(&mut self) -> Option<NodeId> {
        let id = self.stack.pop()?;
        if let Some(n) = self.doc.nodes.get(id) {
            self.stack.extend(n.children.iter().rev().copied());
        }
        Some(id)
    }
}
