//! A document's or page's `data` hash, with `Document#merge_data!` (document.rb:75):
//! `merge_categories!`, `Utils.deep_merge_hashes!`, `merge_date!`.

use std::collections::HashSet;

use crate::config::deep_merge;
use crate::time::JekyllTime;
use crate::value::{Value, ValueKind};

/// The `data` hash (string keys; `date` is kept apart, see [`DateSlot`]).
#[derive(Debug, Clone, Default)]
pub struct Data {
    entries: Vec<(String, Value)>,
    /// The `date` key, when present.
    pub date: Option<DateSlot>,
}

/// The value of `data["date"]`.
#[derive(Debug, Clone)]
pub enum DateSlot {
    /// As merged (not yet through `Utils.parse_date`).
    Raw(Value),
    /// A `Time` Jekyll parsed (`Time.parse(x.to_s).localtime`).
    Parsed(JekyllTime),
}

/// Why merging failed.
#[derive(Debug, Clone)]
pub enum MergeError {
    /// An exception `Document#read` rescues (logged; the document goes on without the rest).
    Read(String),
    /// A `Jekyll::Errors::FatalException` (the build stops).
    Fatal(String),
}

/// A key for Ruby's `eql?`/`hash` (what `Array#|` and `uniq` compare).
pub fn eql_key(v: &Value) -> String {
    let tag = match v.kind {
        ValueKind::Date { .. } => "D",
        ValueKind::Time { .. } => "T",
        _ => "",
    };
    format!("{tag}{}", v.inspect())
}

/// `a | b` (Array#|): the items of `a` then those of `b`, without repeats.
pub fn union(a: &[Value], b: &[Value]) -> Vec<Value> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for v in a.iter().chain(b) {
        if seen.insert(eql_key(v)) {
            out.push(v.clone());
        }
    }
    out
}

/// Ruby's `String#split` with no argument: on runs of ASCII whitespace, ends trimmed.
pub fn ruby_split(s: &str) -> Vec<Value> {
    s.split([' ', '\t', '\n', '\x0b', '\x0c', '\r'])
        .filter(|p| !p.is_empty())
        .map(Value::string)
        .collect()
}

fn ruby_class(v: &Value) -> &'static str {
    match v.kind {
        ValueKind::Null => "nil",
        ValueKind::Bool(true) => "true",
        ValueKind::Bool(false) => "false",
        ValueKind::Int(_) => "Integer",
        ValueKind::Float(_) => "Float",
        ValueKind::Str(_) => "String",
        ValueKind::Date { .. } => "Date",
        ValueKind::Time { .. } => "Time",
        ValueKind::Seq(_) => "Array",
        ValueKind::Map(_) => "Hash",
    }
}

/// The keys of `data` the reader looks at; the others are not kept (memory: a site of
/// 300,000 posts holds only these).
pub const KEYS: &[&str] = &[
    "categories",
    "category",
    "tags",
    "tag",
    "date",
    "slug",
    "permalink",
    "published",
    "draft",
    "redirect_from",
    "hidden",
    "path",
];

impl Data {
    /// A hash from a YAML mapping, with the keys in [`KEYS`] (keys that are not strings are
    /// dropped: Jekyll reads `data["…"]` with string keys only).
    pub fn from_map(v: &Value) -> Data {
        let mut d = Data::default();
        if let ValueKind::Map(m) = &v.kind {
            for (k, val) in m {
                if let Some(k) = k.as_str()
                    && KEYS.contains(&k)
                {
                    d.set_raw(k, val.clone());
                }
            }
        }
        d
    }

    /// `data[key]` (not `date`).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// `data.key?(key)`.
    pub fn has(&self, key: &str) -> bool {
        if key == "date" {
            return self.date.is_some();
        }
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// `data[key] = v`.
    pub fn set(&mut self, key: &str, v: Value) {
        if key == "date" {
            self.date = Some(DateSlot::Raw(v));
            return;
        }
        self.set_raw(key, v);
    }

    fn set_raw(&mut self, key: &str, v: Value) {
        if key == "date" {
            self.date = Some(DateSlot::Raw(v));
            return;
        }
        if let Some(e) = self.entries.iter_mut().find(|(k, _)| k == key) {
            e.1 = v;
        } else {
            self.entries.push((key.to_string(), v));
        }
    }

    /// The entries (not `date`).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// `Utils.deep_merge_hashes!(data, other)` (a `nil` new value keeps the old one).
    fn deep_merge(&mut self, other: Data) {
        for (k, v) in other.entries {
            match self.entries.iter_mut().find(|(tk, _)| *tk == k) {
                Some(e) => {
                    if v.is_null() {
                        continue;
                    }
                    if matches!(e.1.kind, ValueKind::Map(_)) && matches!(v.kind, ValueKind::Map(_))
                    {
                        deep_merge(&mut e.1, &v);
                    } else {
                        e.1 = v;
                    }
                }
                None => self.entries.push((k, v)),
            }
        }
        if let Some(d) = other.date {
            let keep = matches!(&d, DateSlot::Raw(v) if v.is_null()) && self.date.is_some();
            if !keep {
                self.date = Some(d);
            }
        }
    }

    /// `merge_data!(other)`: categories first (`merge_categories!`), the deep merge, then
    /// `merge_date!` through `parse`.
    pub fn merge(
        &mut self,
        mut other: Data,
        parse: &dyn Fn(&Value) -> Result<JekyllTime, String>,
    ) -> Result<(), MergeError> {
        if let Some(c) = other.get("categories").cloned()
            && !c.is_null()
        {
            let mut oc = match &c.kind {
                ValueKind::Str(s) => Value {
                    kind: ValueKind::Seq(ruby_split(s)),
                    span: c.span.clone(),
                },
                _ => c.clone(),
            };
            if let Some(Value {
                kind: ValueKind::Seq(mine),
                ..
            }) = self.get("categories")
            {
                match &oc.kind {
                    ValueKind::Seq(theirs) => {
                        oc = Value {
                            kind: ValueKind::Seq(union(mine, theirs)),
                            span: oc.span.clone(),
                        };
                    }
                    _ => {
                        return Err(MergeError::Read(format!(
                            "no implicit conversion of {} into Array",
                            ruby_class(&oc)
                        )));
                    }
                }
            }
            other.set_raw("categories", oc);
        }
        self.deep_merge(other);
        self.merge_date(parse)
    }

    /// `merge_date!`: `data["date"] = Utils.parse_date(data["date"].to_s)` when the key is
    /// there (an invalid date is a fatal `InvalidDateError`).
    pub fn merge_date(
        &mut self,
        parse: &dyn Fn(&Value) -> Result<JekyllTime, String>,
    ) -> Result<(), MergeError> {
        match &self.date {
            None => Ok(()),
            Some(DateSlot::Parsed(t)) => {
                // Time#to_s drops the fraction; parsing it again gives the same instant.
                self.date = Some(DateSlot::Parsed(t.truncated()));
                Ok(())
            }
            Some(DateSlot::Raw(v)) => match parse(v) {
                Ok(t) => {
                    self.date = Some(DateSlot::Parsed(t));
                    Ok(())
                }
                Err(e) => Err(MergeError::Fatal(e)),
            },
        }
    }

    /// The parsed date, when `data["date"]` is a `Time`.
    pub fn parsed_date(&self) -> Option<JekyllTime> {
        match &self.date {
            Some(DateSlot::Parsed(t)) => Some(*t),
            _ => None,
        }
    }
}
