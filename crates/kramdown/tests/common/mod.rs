//! Shared helpers for the differential tests: serialise a [`kramdown::Document`]
//! in the JSON shape printed by `oracle/kramdown_oracle.rb`.
#![allow(dead_code)]

use kramdown::{Align, Category, ContentModel, Document, Kind, NodeId};
use serde_json::{Map, Value, json};

fn has_category_option(k: Kind) -> bool {
    matches!(
        k,
        Kind::HtmlElement | Kind::XmlComment | Kind::XmlPi | Kind::Comment | Kind::Raw | Kind::Math
    )
}

fn no_value(k: Kind) -> bool {
    use Kind::*;
    matches!(
        k,
        Header
            | P
            | Blockquote
            | Ul
            | Ol
            | Li
            | Dl
            | Dt
            | Dd
            | Table
            | Thead
            | Tbody
            | Tfoot
            | Tr
            | Td
            | Hr
            | A
            | Img
            | Em
            | Strong
            | Br
            | Root
    )
}

/// Serialise node `id` (iteratively).
pub fn ser(doc: &Document, id: NodeId) -> Value {
    // post-order construction with an explicit stack
    enum T {
        Enter(NodeId, Vec<String>),
        Exit(NodeId, usize),
    }
    let mut out: Vec<Value> = Vec::new();
    let mut tasks = vec![T::Enter(id, Vec::new())];
    while let Some(t) = tasks.pop() {
        match t {
            T::Enter(n, active) => {
                let node = doc.node(n);
                let mut active = active;
                let kids: Vec<NodeId> = if node.kind == Kind::Footnote {
                    if active.iter().any(|a| *a == node.value) {
                        Vec::new()
                    } else {
                        active.push(node.value.to_string());
                        node.footnote
                            .map(|f| doc.node(f).children.to_vec())
                            .unwrap_or_default()
                    }
                } else {
                    node.children.to_vec()
                };
                tasks.push(T::Exit(n, kids.len()));
                for &k in kids.iter().rev() {
                    tasks.push(T::Enter(k, active.clone()));
                }
            }
            T::Exit(n, nk) => {
                let node = doc.node(n);
                let mut m = Map::new();
                m.insert("t".into(), json!(node.kind.name()));
                match node.kind {
                    Kind::Entity => {
                        m.insert("v".into(), json!(node.code_point.to_string()));
                    }
                    k if no_value(k) => {}
                    _ => {
                        m.insert("v".into(), json!(node.value));
                    }
                }
                if !node.attrs.is_empty() {
                    let a: Vec<Value> = node
                        .attrs
                        .iter()
                        .map(|a| json!([a.name, a.value]))
                        .collect();
                    m.insert("a".into(), Value::Array(a));
                }
                let mut o = Map::new();
                if has_category_option(node.kind)
                    && let Some(c) = node.category
                {
                    o.insert(
                        "category".into(),
                        json!(if c == Category::Block {
                            "block"
                        } else {
                            "span"
                        }),
                    );
                }
                if let Some(cm) = node.content_model {
                    o.insert(
                        "content_model".into(),
                        json!(match cm {
                            ContentModel::Raw => "raw",
                            ContentModel::Span => "span",
                            ContentModel::Block => "block",
                        }),
                    );
                }
                if node.transparent {
                    o.insert("transparent".into(), json!(true));
                }
                if node.kind == Kind::Header {
                    o.insert("level".into(), json!(node.level));
                }
                if node.kind == Kind::HtmlElement && node.content_model.is_some() {
                    o.insert("is_closed".into(), json!(node.is_closed));
                }
                if node.kind == Kind::Table {
                    let a: Vec<Value> = node
                        .alignment()
                        .iter()
                        .map(|a| {
                            json!(match a {
                                Align::Default => "default",
                                Align::Left => "left",
                                Align::Right => "right",
                                Align::Center => "center",
                            })
                        })
                        .collect();
                    o.insert("alignment".into(), Value::Array(a));
                }
                if node.kind == Kind::Raw && !node.raw_type().is_empty() {
                    o.insert("type".into(), json!(node.raw_type()));
                }
                if !o.is_empty() {
                    m.insert("o".into(), Value::Object(o));
                }
                let kids: Vec<Value> = out.split_off(out.len() - nk);
                if !kids.is_empty() || node.kind == Kind::Footnote {
                    m.insert("c".into(), Value::Array(kids));
                }
                out.push(Value::Object(m));
            }
        }
    }
    out.pop().unwrap_or(Value::Null)
}

#[path = "docgen.rs"]
pub mod docgen;
#[path = "oracle.rs"]
pub mod oracle;
