//! `Psych.safe_load(yaml, permitted_classes: [Date, Time], aliases: true)`: the
//! `Psych::Visitors::ToRuby` visitor (psych/visitors/to_ruby.rb) over a [`Document`], with the
//! restricted class loader (psych/class_loader.rb), without recursion.
//!
//! The result is a graph (aliases share objects, and may form cycles, as in Ruby), stored in
//! an arena: [`Loaded::values`], referenced by index.

use jiff::tz::TimeZone;

use crate::scalar::{self, LoadErrorKind, Typed};
use crate::tree::{Document, Node, NodeKind, Style};

/// One Ruby object of a loaded document.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar typed by Psych (never [`Typed::Error`]: that is raised instead).
    Scalar(Typed),
    /// An Array: indices into [`Loaded::values`].
    Seq(Vec<usize>),
    /// A Hash (or `Psych::Omap`): key and value indices, in Ruby's insertion order, keys
    /// unique (a duplicate key replaced the earlier value in place; merge keys applied).
    Map(Vec<(usize, usize)>),
}

/// A loaded document.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// All objects; `values[root]` is the document's value.
    pub values: Vec<Value>,
    /// For each object (same index as `values`), the byte span (in the file) of the node it
    /// was built from: an alias's target shares its anchored node's object and span.
    pub spans: Vec<std::ops::Range<usize>>,
    /// Index of the root value.
    pub root: usize,
}

impl Loaded {
    /// The value of a String key of the root Hash (`data["date"]`), as Ruby's Hash holds
    /// it after duplicate keys and merge keys: an index into [`Loaded::values`].
    pub fn get(&self, key: &str) -> Option<usize> {
        let Some(Value::Map(pairs)) = self.values.get(self.root) else {
            return None;
        };
        pairs.iter().find_map(|&(k, v)| match self.values.get(k) {
            Some(Value::Scalar(Typed::Str(s))) if s == key => Some(v),
            _ => None,
        })
    }

    /// The typed scalar at an index, if it is a scalar.
    pub fn scalar(&self, id: usize) -> Option<&Typed> {
        match self.values.get(id) {
            Some(Value::Scalar(t)) => Some(t),
            _ => None,
        }
    }
}

/// Why `safe_load` raised, and at which node.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// The exception.
    pub kind: LoadErrorKind,
    /// The span of the node whose conversion raised.
    pub span: std::ops::Range<usize>,
}

const STR_TAG: &str = "tag:yaml.org,2002:str";

enum Task<'a> {
    Visit(&'a Node),
    /// Finish a sequence: its arena slot and the number of child results to pop.
    EndSeq(usize, usize),
    /// Finish an `!!omap` sequence of single-pair mappings.
    EndOmap(usize, &'a Node),
    /// Insert the next key/value pair (already visited) into a Hash.
    MapPair(usize, &'a Node, &'a Node),
    /// Push the Hash itself as the result once all pairs are in.
    EndMap(usize),
}

/// Load a document as Jekyll does (`Jekyll::Utils.safe_load_yaml`). `local` is the process
/// zone (`TZ`), used for timestamps without a zone.
pub fn load(doc: &Document, local: &TimeZone) -> Result<Loaded, LoadError> {
    // Sized for the usual front matter: a mapping of scalars.
    let n = match &doc.root.kind {
        NodeKind::Map { entries, .. } => entries.len(),
        _ => 0,
    };
    let mut values: Vec<Value> = Vec::with_capacity(2 * n + 1);
    let mut spans: Vec<std::ops::Range<usize>> = Vec::with_capacity(2 * n + 1);
    let mut index: Index = Index::new();
    let mut anchors: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut results: Vec<usize> = Vec::with_capacity(4);
    let mut tasks: Vec<Task<'_>> = Vec::with_capacity(3 * n + 2);
    tasks.push(Task::Visit(&doc.root));
    while let Some(task) = tasks.pop() {
        match task {
            Task::Visit(node) => {
                let err = |kind: LoadErrorKind| LoadError {
                    kind,
                    span: node.span.clone(),
                };
                match &node.kind {
                    NodeKind::Alias { name } => match anchors.get(name.as_str()) {
                        Some(&id) => results.push(id),
                        None => return Err(err(LoadErrorKind::BadAlias(name.clone()))),
                    },
                    NodeKind::Scalar { value, style, .. } => {
                        let typed = deserialize(value, *style, node.tag.as_deref(), local);
                        if let Typed::Error(kind) = typed {
                            return Err(err(kind));
                        }
                        let id = values.len();
                        values.push(Value::Scalar(typed));
                        spans.push(node.span.clone());
                        register(&mut anchors, node, id);
                        results.push(id);
                    }
                    NodeKind::Seq { items, .. } => {
                        let tag = node.tag.as_deref();
                        if let Some(t) = tag
                            && let Some(class) = t
                                .strip_prefix("!seq:")
                                .or_else(|| t.strip_prefix("!ruby/array:"))
                        {
                            return Err(err(disallowed_or_other(class)));
                        }
                        let id = values.len();
                        let omap = matches!(tag, Some("!omap" | "tag:yaml.org,2002:omap"));
                        values.push(if omap {
                            Value::Map(Vec::new())
                        } else {
                            Value::Seq(Vec::new())
                        });
                        spans.push(node.span.clone());
                        register(&mut anchors, node, id);
                        if omap {
                            tasks.push(Task::EndOmap(id, node));
                            for item in items.iter().rev() {
                                let NodeKind::Map { entries, .. } = &item.kind else {
                                    return Err(err(LoadErrorKind::NoMethodError(
                                        "undefined method `first' for nil:NilClass".into(),
                                    )));
                                };
                                if let (Some(first), Some(last)) = (entries.first(), entries.last())
                                {
                                    tasks.push(Task::Visit(&last.1));
                                    tasks.push(Task::Visit(&first.0));
                                }
                            }
                        } else {
                            tasks.push(Task::EndSeq(id, items.len()));
                            for item in items.iter().rev() {
                                tasks.push(Task::Visit(item));
                            }
                        }
                    }
                    NodeKind::Map { entries, .. } => {
                        if let Some(t) = node.tag.as_deref()
                            && let Some(kind) = mapping_tag_error(t)
                        {
                            return Err(err(kind));
                        }
                        let id = values.len();
                        values.push(Value::Map(Vec::with_capacity(entries.len())));
                        spans.push(node.span.clone());
                        register(&mut anchors, node, id);
                        tasks.push(Task::EndMap(id));
                        for (k, v) in entries.iter().rev() {
                            tasks.push(Task::MapPair(id, k, v));
                            tasks.push(Task::Visit(v));
                            tasks.push(Task::Visit(k));
                        }
                    }
                }
            }
            Task::EndSeq(id, n) => {
                let children = results.split_off(results.len().saturating_sub(n));
                if let Some(slot) = values.get_mut(id) {
                    *slot = Value::Seq(children);
                }
                results.push(id);
            }
            Task::EndOmap(id, node) => {
                let n = node.as_seq().map_or(0, |items| {
                    items
                        .iter()
                        .filter(|i| i.as_map().is_some_and(|e| !e.is_empty()))
                        .count()
                });
                let children = results.split_off(results.len().saturating_sub(2 * n));
                for pair in children.chunks(2) {
                    if let [k, v] = pair {
                        hash_set(&mut values, &mut index, id, *k, *v);
                    }
                }
                results.push(id);
            }
            Task::MapPair(id, key_node, value_node) => {
                let (Some(v), Some(k)) = (results.pop(), results.pop()) else {
                    continue;
                };
                let is_merge = matches!(values.get(k), Some(Value::Scalar(Typed::Str(s))) if s == "<<")
                    && key_node.tag.as_deref() != Some(STR_TAG);
                if is_merge {
                    merge_key(&mut values, &mut index, id, k, v, value_node);
                } else {
                    hash_set(&mut values, &mut index, id, k, v);
                }
            }
            Task::EndMap(id) => results.push(id),
        }
    }
    let root = results.pop().unwrap_or(0);
    if values.is_empty() {
        values.push(Value::Scalar(Typed::Null));
        spans.push(doc.root.span.clone());
    }
    Ok(Loaded {
        values,
        spans,
        root,
    })
}

fn register<'a>(
    anchors: &mut std::collections::HashMap<&'a str, usize>,
    node: &'a Node,
    id: usize,
) {
    if let Some(a) = node.anchor.as_deref() {
        anchors.insert(a, id);
    }
}

fn disallowed_or_other(class: &str) -> LoadErrorKind {
    if class == "Date" || class == "Time" {
        LoadErrorKind::Other(format!("cannot build a {class} from a collection"))
    } else if class.is_empty() {
        LoadErrorKind::Other("empty class name".into())
    } else {
        LoadErrorKind::DisallowedClass(class.to_string())
    }
}

/// The tags of a mapping for which `visit_Psych_Nodes_Mapping` raises before its children.
fn mapping_tag_error(tag: &str) -> Option<LoadErrorKind> {
    let d = |c: &str| Some(LoadErrorKind::DisallowedClass(c.to_string()));
    if let Some(rest) = tag.strip_prefix("!ruby/struct") {
        let name = rest.strip_prefix(':').unwrap_or(rest);
        return if name.is_empty() {
            d("Struct")
        } else {
            Some(disallowed_or_other(name))
        };
    }
    if let Some(rest) = tag.strip_prefix("!ruby/object") {
        let name = rest.strip_prefix(':').unwrap_or(rest);
        let name = if name.is_empty() { "Object" } else { name };
        return match name {
            "Hash" => None,
            _ => Some(disallowed_or_other(name)),
        };
    }
    if let Some(rest) = tag.strip_prefix("!ruby/exception") {
        let name = rest.strip_prefix(':').unwrap_or(rest);
        return if name.is_empty() {
            d("Exception")
        } else {
            Some(disallowed_or_other(name))
        };
    }
    if let Some(c) = tag
        .strip_prefix("!ruby/array:")
        .or_else(|| tag.strip_prefix("!map:"))
        .or_else(|| tag.strip_prefix("!ruby/hash:"))
        .or_else(|| tag.strip_prefix("!ruby/marshalable:"))
    {
        return Some(disallowed_or_other(c));
    }
    match tag {
        "!ruby/range" => d("Range"),
        "!set" | "tag:yaml.org,2002:set" => d("Psych::Set"),
        "!omap" | "tag:yaml.org,2002:omap" => d("Psych::Omap"),
        t if t.starts_with("!str")
            || t.starts_with("!ruby/string")
            || t == STR_TAG
            || t.starts_with("!ruby/hash-with-ivars") =>
        {
            Some(LoadErrorKind::Other(format!("mapping tagged {t}")))
        }
        _ => None,
    }
}

/// A comparable form of a Hash key (Ruby's `eql?`): scalars by type and value; collections
/// by their content (bounded, so cycles stop).
fn key_of(values: &[Value], id: usize) -> String {
    let mut out = String::new();
    let mut stack = vec![(id, 0usize)];
    let mut budget = 1_000usize;
    while let Some((i, depth)) = stack.pop() {
        budget = budget.saturating_sub(1);
        if budget == 0 || depth > 64 {
            out.push('#');
            continue;
        }
        match values.get(i) {
            Some(Value::Scalar(t)) => out.push_str(&match t {
                Typed::Null => "n".to_string(),
                Typed::Bool(b) => format!("b{b}"),
                Typed::Int(v) => format!("i{v}"),
                Typed::Float(f) => format!("f{}", f.to_bits()),
                Typed::Str(s) => format!("s{}:{s}", s.len()),
                Typed::Symbol(s) => format!("y{}:{s}", s.len()),
                Typed::Time(t) => format!("t{}.{}", t.unix_seconds, t.fraction),
                Typed::Date(d) => format!("d{}", d.to_ruby_string()),
                Typed::Other(o) => format!("o{o}"),
                Typed::Error(_) => "e".to_string(),
            }),
            Some(Value::Seq(items)) => {
                out.push_str(&format!("[{}", items.len()));
                for &c in items.iter().rev() {
                    stack.push((c, depth + 1));
                }
            }
            Some(Value::Map(pairs)) => {
                out.push_str(&format!("{{{}", pairs.len()));
                for &(k, v) in pairs.iter().rev() {
                    stack.push((v, depth + 1));
                    stack.push((k, depth + 1));
                }
            }
            None => out.push('?'),
        }
    }
    out
}

/// For each Hash under construction: its keys' comparable forms and their positions.
type Index = std::collections::HashMap<usize, std::collections::HashMap<String, usize>>;

/// Below this many keys, a Hash whose keys are all scalars is searched linearly (no index).
const INDEX_FROM: usize = 8;

/// Whether two scalars are the same Hash key: the same as `key_of(a) == key_of(b)`.
fn scalar_key_eq(a: &Typed, b: &Typed) -> bool {
    match (a, b) {
        (Typed::Null, Typed::Null) | (Typed::Error(_), Typed::Error(_)) => true,
        (Typed::Bool(x), Typed::Bool(y)) => x == y,
        (Typed::Int(scalar::Int::Small(x)), Typed::Int(scalar::Int::Small(y))) => x == y,
        (Typed::Int(x), Typed::Int(y)) => x.to_string() == y.to_string(),
        (Typed::Float(x), Typed::Float(y)) => x.to_bits() == y.to_bits(),
        (Typed::Str(x), Typed::Str(y))
        | (Typed::Symbol(x), Typed::Symbol(y))
        | (Typed::Other(x), Typed::Other(y)) => x == y,
        (Typed::Time(x), Typed::Time(y)) => {
            x.unix_seconds == y.unix_seconds && x.fraction == y.fraction
        }
        (Typed::Date(x), Typed::Date(y)) => x == y,
        _ => false,
    }
}

/// `hash[key] = val`: a new key goes last; an existing key keeps its place.
///
/// A small Hash with scalar keys only is searched linearly (scalars never change, so
/// comparing now is comparing at insertion); the first collection key, or the
/// `INDEX_FROM`-th key, switches the Hash to an index of `key_of` forms taken at insertion.
fn hash_set(values: &mut [Value], index: &mut Index, id: usize, k: usize, v: usize) {
    let Some(Value::Map(pairs)) = values.get(id) else {
        return;
    };
    if let Some(Value::Scalar(kt)) = values.get(k)
        && pairs.len() < INDEX_FROM
        && !index.contains_key(&id)
    {
        let found = pairs.iter().position(|&(pk, _)| match values.get(pk) {
            Some(Value::Scalar(pt)) => scalar_key_eq(pt, kt),
            _ => false,
        });
        if let Some(Value::Map(pairs)) = values.get_mut(id) {
            match found {
                Some(i) => {
                    if let Some(p) = pairs.get_mut(i) {
                        p.1 = v;
                    }
                }
                None => pairs.push((k, v)),
            }
        }
        return;
    }
    if let std::collections::hash_map::Entry::Vacant(e) = index.entry(id) {
        e.insert(
            pairs
                .iter()
                .enumerate()
                .map(|(i, &(pk, _))| (key_of(values, pk), i))
                .collect(),
        );
    }
    let key = key_of(values, k);
    let Some(Value::Map(pairs)) = values.get_mut(id) else {
        return;
    };
    let positions = index.entry(id).or_default();
    match positions.get(&key) {
        Some(&i) => {
            if let Some(p) = pairs.get_mut(i) {
                p.1 = v;
            }
        }
        None => {
            positions.insert(key, pairs.len());
            pairs.push((k, v));
        }
    }
}

/// `revive_hash`'s handling of a `<<` key.
fn merge_key(
    values: &mut [Value],
    index: &mut Index,
    id: usize,
    k: usize,
    v: usize,
    value_node: &Node,
) {
    match &value_node.kind {
        NodeKind::Alias { .. } | NodeKind::Map { .. } => match values.get(v) {
            Some(Value::Map(pairs)) => {
                let pairs = pairs.clone();
                for (pk, pv) in pairs {
                    hash_set(values, index, id, pk, pv);
                }
            }
            _ => hash_set(values, index, id, k, v),
        },
        NodeKind::Seq { .. } => {
            let items = match values.get(v) {
                Some(Value::Seq(items)) => items.clone(),
                _ => {
                    hash_set(values, index, id, k, v);
                    return;
                }
            };
            // h = {}; val.reverse_each { |value| h.merge! value }; hash.merge! h
            let mut merged: Vec<(usize, usize)> = Vec::new();
            let mut seen: std::collections::HashMap<String, usize> =
                std::collections::HashMap::new();
            for &item in items.iter().rev() {
                let Some(Value::Map(pairs)) = values.get(item) else {
                    hash_set(values, index, id, k, v);
                    return;
                };
                for &(pk, pv) in pairs {
                    let key = key_of(values, pk);
                    match seen.get(&key) {
                        Some(&i) => {
                            if let Some(m) = merged.get_mut(i) {
                                m.1 = pv;
                            }
                        }
                        None => {
                            seen.insert(key, merged.len());
                            merged.push((pk, pv));
                        }
                    }
                }
            }
            for (pk, pv) in merged {
                hash_set(values, index, id, pk, pv);
            }
        }
        NodeKind::Scalar { .. } => hash_set(values, index, id, k, v),
    }
}

/// `ToRuby#deserialize` for a scalar node (`safe_load`'s restricted class loader).
pub fn deserialize(value: &str, style: Style, tag: Option<&str>, local: &TimeZone) -> Typed {
    // `o.quoted` is libyaml's `quoted_implicit`: a non-plain style without a tag.
    let quoted = style != Style::Plain && tag.is_none();
    if quoted {
        return Typed::Str(value.to_string());
    }
    let Some(tag) = tag else {
        return scalar::tokenize(value, local);
    };
    let disallowed = |c: &str| Typed::Error(LoadErrorKind::DisallowedClass(c.to_string()));
    match tag {
        "!binary" | "tag:yaml.org,2002:binary" => Typed::Str(base64_decode(value)),
        "tag:yaml.org,2002:str" => Typed::Str(value.to_string()),
        "!ruby/object:BigDecimal" => disallowed("BigDecimal"),
        "!ruby/object:DateTime" => disallowed("DateTime"),
        "!ruby/encoding" => {
            if known_encoding(value) {
                Typed::Other("Encoding".into())
            } else {
                Typed::Error(LoadErrorKind::ArgumentError(format!(
                    "unknown encoding name - {value}"
                )))
            }
        }
        "!ruby/object:Complex" => disallowed("Complex"),
        "!ruby/object:Rational" => disallowed("Rational"),
        "!ruby/class" | "!ruby/module" => match value {
            "Date" | "Time" => Typed::Other("Class".into()),
            "" => Typed::Null,
            other => disallowed(other),
        },
        "tag:yaml.org,2002:float" | "!float" => match scalar::tokenize(value, local) {
            Typed::Float(f) => Typed::Float(f),
            Typed::Int(scalar::Int::Small(i)) => Typed::Float(i as f64),
            Typed::Int(scalar::Int::Big(d)) => Typed::Float(d.parse().unwrap_or(f64::INFINITY)),
            Typed::Str(s) => match scalar::ruby_float(&s) {
                Some(f) => Typed::Float(f),
                None => Typed::Error(LoadErrorKind::ArgumentError(format!(
                    "invalid value for Float(): {s:?}"
                ))),
            },
            Typed::Null => Typed::Error(LoadErrorKind::TypeError(
                "can't convert nil into Float".into(),
            )),
            Typed::Bool(b) => Typed::Error(LoadErrorKind::TypeError(format!(
                "can't convert {b} into Float"
            ))),
            Typed::Date(_) => Typed::Error(LoadErrorKind::TypeError(
                "can't convert Date into Float".into(),
            )),
            // Time#to_f: the exact rational, rounded once.
            Typed::Time(t) => Typed::Float(
                format!("{}.{}0", t.unix_seconds, t.fraction)
                    .parse()
                    .unwrap_or(t.unix_seconds as f64),
            ),
            other => other,
        },
        "!ruby/regexp" => disallowed("Regexp"),
        "!ruby/range" => disallowed("Range"),
        _ => {
            if let Some(rest) = tag
                .strip_prefix("!str")
                .or_else(|| tag.strip_prefix("!ruby/string"))
            {
                if rest.is_empty() {
                    return Typed::Str(value.to_string());
                }
                if let Some(class) = rest.strip_prefix(':') {
                    return match class {
                        "" => Typed::Str(value.to_string()),
                        "Date" | "Time" => {
                            Typed::Error(LoadErrorKind::Other(format!("{class}#replace")))
                        }
                        c => disallowed(c),
                    };
                }
            }
            if tag.starts_with("!ruby/sym") {
                return disallowed("Symbol");
            }
            scalar::tokenize(value, local)
        }
    }
}

fn known_encoding(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "utf-8"
            | "utf8"
            | "ascii"
            | "us-ascii"
            | "ascii-8bit"
            | "binary"
            | "utf-16"
            | "utf-16le"
            | "utf-16be"
            | "utf-32"
            | "utf-32le"
            | "utf-32be"
            | "iso-8859-1"
            | "shift_jis"
            | "euc-jp"
            | "windows-1252"
            | "gbk"
            | "gb2312"
            | "gb18030"
            | "big5"
    )
}

/// `String#unpack('m')`: lenient base64 (skips characters outside the alphabet).
fn base64_decode(s: &str) -> String {
    let mut bits = 0u32;
    let mut n = 0u32;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
