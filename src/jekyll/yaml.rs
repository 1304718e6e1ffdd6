//! YAML exactly as Jekyll reads it: Psych over libyaml 0.2.5 (the `psych` crate: the same
//! documents accepted and refused, the same error positions, byte spans, duplicate keys kept,
//! aliases never expanded, nesting bounded by [`MAX_DEPTH`]), and Psych's typing of scalars
//! (YAML 1.1 as Ruby sees it: `yes` is true, `0755` octal, `2021-12-08` a Date, `:a` a Symbol
//! that `safe_load` refuses).

use std::ops::Range;

pub use psych::{Node, NodeKind, Style, Typed};

/// What a scalar is to Psych, coarsely (for messages and type checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool,
    Int,
    Float,
    Str,
    /// A YAML timestamp (`2021-12-08 10:30:00 +0800`).
    Time,
    /// `YYYY-MM-DD`.
    Date,
    /// Anything else Psych makes of it (a Symbol, another Ruby class, or an error).
    Other,
}

/// A YAML error: what is wrong, and where (a byte offset in the whole file).
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub offset: usize,
}

/// What the rules ask of a node.
pub trait NodeExt {
    /// Psych's type of a scalar; `None` for collections and aliases.
    fn scalar_type(&self) -> Option<ScalarType>;
    /// Whether it is `nil` to Ruby (empty, `~`, `null`).
    fn is_null(&self) -> bool;
    /// A short human name of the node's type, for messages.
    fn type_name(&self) -> &'static str;
    /// A list of strings (for options), or an error message naming `what`.
    fn string_list(&self, what: &str) -> Result<Vec<String>, String>;
}

/// Psych's value of a scalar node, in UTC (the zone only changes how a timestamp prints).
pub fn typed(node: &Node) -> Option<Typed> {
    match &node.kind {
        NodeKind::Scalar { value, style, .. } => Some(psych::load::deserialize(
            value,
            *style,
            node.tag.as_deref(),
            &jiff::tz::TimeZone::UTC,
        )),
        _ => None,
    }
}

impl NodeExt for Node {
    fn scalar_type(&self) -> Option<ScalarType> {
        // The common cases without building a value.
        if let NodeKind::Scalar { style, .. } = &self.kind
            && *style != Style::Plain
            && self.tag.is_none()
        {
            return Some(ScalarType::Str);
        }
        Some(match typed(self)? {
            Typed::Null => ScalarType::Null,
            Typed::Bool(_) => ScalarType::Bool,
            Typed::Int(_) => ScalarType::Int,
            Typed::Float(_) => ScalarType::Float,
            Typed::Str(_) => ScalarType::Str,
            Typed::Time(_) => ScalarType::Time,
            Typed::Date(_) => ScalarType::Date,
            Typed::Symbol(_) | Typed::Other(_) | Typed::Error(_) => ScalarType::Other,
        })
    }

    fn is_null(&self) -> bool {
        // Psych types a plain scalar as nil only when it is empty, `~`, or has a line that
        // is `null` in any case: anything else is settled without the scalar scanner.
        if let NodeKind::Scalar {
            value,
            style: Style::Plain,
            ..
        } = &self.kind
            && self.tag.is_none()
        {
            if value.is_empty() {
                return true;
            }
            let first = value.as_bytes()[0].to_ascii_lowercase();
            if first != b'~' && first != b'n' && !value.contains('\n') {
                return false;
            }
        }
        self.scalar_type() == Some(ScalarType::Null)
    }

    fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Seq { .. } => "a list",
            NodeKind::Map { .. } => "a mapping",
            NodeKind::Alias { .. } => "an alias",
            NodeKind::Scalar { .. } => match self.scalar_type() {
                Some(ScalarType::Null) => "empty (null)",
                Some(ScalarType::Bool) => "a boolean",
                Some(ScalarType::Int) => "an integer",
                Some(ScalarType::Float) => "a number",
                Some(ScalarType::Time) => "a timestamp",
                Some(ScalarType::Date) => "a date",
                _ => "a string",
            },
        }
    }

    fn string_list(&self, what: &str) -> Result<Vec<String>, String> {
        let error = || format!("`{what}` must be a list of strings");
        self.as_seq()
            .ok_or_else(error)?
            .iter()
            .map(|n| n.as_str().map(str::to_string).ok_or_else(error))
            .collect()
    }
}

/// The document Psych reads from `src` (`base`: where `src` starts in the file, so that every
/// span is in file coordinates). An empty document, or one that is only `nil`, is `Ok(None)`
/// (Jekyll's `SafeYAML.load` returns nil and no data is merged).
pub fn parse_document(src: &str, base: usize) -> Result<Option<psych::Document>, YamlError> {
    match psych::parse(src, base) {
        Ok(Some(doc)) if is_empty_null(&doc.root) => Ok(None),
        Ok(doc) => Ok(doc),
        Err(e) => Err(YamlError {
            message: match e.context {
                Some(c) => format!("{} {c}", e.problem),
                None => e.problem.to_string(),
            },
            offset: e.problem_pos.offset,
        }),
    }
}

/// The root node of the document in `src` (see [`parse_document`]).
pub fn parse(src: &str, base: usize) -> Result<Option<Node>, YamlError> {
    parse_document(src, base).map(|d| d.map(|d| d.root))
}

/// Whether `safe_load` can raise on this tree at all: only an alias, a tag, a plain scalar that
/// starts with `:` (a Symbol) or holds a tab (a timestamp whose date and time a tab separates
/// raises `NoMethodError`) can make it. Without any, the load is skipped (it types every
/// scalar: a tenth of a run).
fn may_be_refused(root: &Node) -> bool {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.tag.is_some() {
            return true;
        }
        match &node.kind {
            NodeKind::Alias { .. } => return true,
            NodeKind::Scalar {
                value,
                style: Style::Plain,
                ..
            } if value.starts_with(':') || value.contains('\t') => return true,
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq { items, .. } => stack.extend(items),
            NodeKind::Map { entries, .. } => {
                stack.extend(entries.iter().flat_map(|(k, v)| [k, v]));
            }
        }
    }
    false
}

fn is_empty_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar { value, style: Style::Plain, .. } if value.is_empty())
        && node.tag.is_none()
        && node.anchor.is_none()
}

/// What `Psych.safe_load` (Jekyll's `Utils.safe_load_yaml`) refuses in a document that parsed:
/// a Ruby symbol (`:a`), a class it does not permit, an unknown alias, a value its tag cannot
/// hold. The message, and the node at fault.
pub fn refused(doc: &psych::Document) -> Option<(String, Range<usize>)> {
    if !may_be_refused(&doc.root) {
        return None;
    }
    let err = psych::load(doc, &jiff::tz::TimeZone::UTC).err()?;
    use psych::LoadErrorKind as K;
    let message = match &err.kind {
        K::DisallowedClass(c) if c == "Symbol" => {
            "Psych reads a plain scalar starting with `:` as a Ruby symbol, which Jekyll refuses (Tried to load unspecified class: Symbol)".to_string()
        }
        K::DisallowedClass(c) => {
            format!("Jekyll refuses to load a `{c}` (Tried to load unspecified class: {c})")
        }
        K::BadAlias(a) => format!("unknown alias `*{a}`"),
        other => format!("Psych cannot load this value ({})", other.class_name()),
    };
    Some((message, err.span))
}
