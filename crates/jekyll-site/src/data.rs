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

/// A key for Ruby's `eql?`/`hash` (what `Array#|` and `uniq` compare). A `String`'s key is
/// the string after a `"` (its `inspect` escapes it one to one, and no other class's key
/// starts with `"`); the others' is their `inspect` (`D`/`T` before a `Date`/`Time`).
pub fn eql_key(v: &Value) -> String {
    let tag = match &v.kind {
        ValueKind::Str(s) => {
            let mut k = String::with_capacity(s.len() + 1);
            k.push('"');
            k.push_str(s);
            return k;
        }
        ValueKind::Date { .. } => "D",
        ValueKind::Time { .. } => "T",
        _ => "",
    };
    format!("{tag}{}", v.inspect())
}

/// A set of values by [`eql_key`] (strings held apart: a lookup of one needs no key made).
#[derive(Debug, Clone, Default)]
pub struct EqlSet {
    strs: HashSet<String>,
    others: HashSet<String>,
}

impl EqlSet {
    /// Adds `v`; whether it was not there yet.
    pub fn insert(&mut self, v: &Value) -> bool {
        match &v.kind {
            ValueKind::Str(s) => {
                if self.strs.contains(s.as_str()) {
                    false
                } else {
                    self.strs.insert(s.clone())
                }
            }
            _ => self.others.insert(eql_key(v)),
        }
    }
}

/// `a | b` (Array#|): the items of `a` then those of `b`, without repeats.
pub fn union(a: &[Value], b: &[Value]) -> Vec<Value> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    if a.iter()
        .chain(b)
        .all(|v| matches!(v.kind, ValueKind::Str(_)))
    {
        // Strings only (the usual categories): their keys are the strings.
        let strs = a.iter().chain(b).filter_map(Value::as_str);
        for (v, first) in a.iter().chain(b).zip(first_occurrences(strs)) {
            if first {
                out.push(v.clone());
            }
        }
        return out;
    }
    let mut seen = HashSet::new();
    for v in a.iter().chain(b) {
        if seen.insert(eql_key(v)) {
            out.push(v.clone());
        }
    }
    out
}

/// For each string, whether it is the first of its value (a scan for a few, a set for many).
pub fn first_occurrences<'a>(items: impl Iterator<Item = &'a str> + Clone) -> Vec<bool> {
    let n = items.clone().count();
    if n <= 16 {
        let all: Vec<&str> = items.collect();
        return all
            .iter()
            .enumerate()
            .map(|(i, s)| !all[..i].contains(s))
            .collect();
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(n);
    items.map(|s| seen.insert(s)).collect()
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

    /// `data.delete(key)` (not `date`): the value, moved out.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        let i = self.entries.iter().rposition(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
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
        // (`other`'s keys are unique: its categories are changed where they are.)
        if let Some(i) = other.entries.iter().rposition(|(k, _)| k == "categories")
            && !other.entries[i].1.is_null()
        {
            let oc = &mut other.entries[i].1;
            if let ValueKind::Str(s) = &oc.kind {
                oc.kind = ValueKind::Seq(ruby_split(s));
            }
            if let Some(Value {
                kind: ValueKind::Seq(mine),
                ..
            }) = self.get("categories")
            {
                match &oc.kind {
                    ValueKind::Seq(theirs) => {
                        oc.kind = ValueKind::Seq(union(mine, theirs));
                    }
                    _ => {
                        return Err(MergeError::Read(format!(
                            "no implicit conversion of {} into Array",
                            ruby_class(oc)
                        )));
                    }
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The `inspect`-based key the string one replaced.
    fn old_key(v: &Value) -> String {
        let tag = match v.kind {
            ValueKind::Date { .. } => "D",
            ValueKind::Time { .. } => "T",
            _ => "",
        };
        format!("{tag}{}", v.inspect())
    }

    fn old_union(a: &[Value], b: &[Value]) -> Vec<Value> {
        let mut seen = HashSet::new();
        a.iter()
            .chain(b)
            .filter(|v| seen.insert(old_key(v)))
            .cloned()
            .collect()
    }

    fn samples() -> Vec<Value> {
        let s = Value::string;
        let k = |k: ValueKind| Value::synthetic(k);
        vec![
            s(""),
            s("a"),
            s("A"),
            s("\"a\""),
            s("\"a"),
            s("a\""),
            s("1"),
            s("nil"),
            s("true"),
            s("[\"a\"]"),
            s("a\nb"),
            s("a\\nb"),
            s("\u{1b}"),
            s("\\e"),
            s("\u{1}"),
            s("\\x01"),
            s("#"),
            s("日本"),
            k(ValueKind::Null),
            k(ValueKind::Bool(true)),
            k(ValueKind::Int("1".into())),
            k(ValueKind::Float(1.0)),
            k(ValueKind::Seq(vec![s("a")])),
            k(ValueKind::Seq(vec![])),
            k(ValueKind::Map(vec![(s("a"), s("b"))])),
            k(ValueKind::Date {
                year: 2021,
                month: 1,
                day: 2,
            }),
            s("2021-01-02"),
        ]
    }

    #[test]
    fn first_occurrences_is_a_set() {
        for n in [0usize, 1, 5, 16, 17, 40] {
            let items: Vec<String> = (0..n).map(|i| format!("k{}", (i * 7) % 5)).collect();
            let mut seen = HashSet::new();
            let want: Vec<bool> = items.iter().map(|s| seen.insert(s.clone())).collect();
            assert_eq!(first_occurrences(items.iter().map(String::as_str)), want);
        }
    }

    #[test]
    fn eql_keys_tell_the_same_values_apart() {
        let all = samples();
        for a in &all {
            for b in &all {
                assert_eq!(
                    old_key(a) == old_key(b),
                    eql_key(a) == eql_key(b),
                    "{a:?} {b:?}"
                );
                let mut set = EqlSet::default();
                set.insert(a);
                assert_eq!(set.insert(b), old_key(a) != old_key(b), "{a:?} {b:?}");
            }
        }
        let strs: Vec<Value> = all
            .iter()
            .filter(|v| v.as_str().is_some())
            .cloned()
            .collect();
        for (a, b) in [
            (&all[..5], &all[3..]),
            (&strs[..4], &strs[2..]),
            (&all[..], &all[..]),
        ] {
            assert_eq!(union(a, b), old_union(a, b));
        }
    }
}
