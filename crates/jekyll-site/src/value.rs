//! The YAML value tree the site reader consumes: what `Psych.safe_load(…, permitted_classes:
//! [Date, Time], aliases: true)` returns, with byte spans into the text it was read from.

use std::ops::Range;

use crate::time::{JekyllTime, days_from_civil, offset_str};

/// A YAML value with its byte span in the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What the value is.
    pub kind: ValueKind,
    /// Its bytes in the text given to the reader.
    pub span: Range<usize>,
}

/// The Ruby object Psych makes of a YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `nil`.
    Null,
    /// `true` / `false` (Psych: `true`, `yes`, `on`, … in any case).
    Bool(bool),
    /// An `Integer` (decimal digits, as Ruby's `to_s` writes it; may exceed 64 bits).
    Int(String),
    /// A `Float`.
    Float(f64),
    /// A `String`.
    Str(String),
    /// A `Date` (Psych: `2010-01-09`).
    Date {
        /// Year.
        year: i64,
        /// 1..=12.
        month: u32,
        /// 1..=31.
        day: u32,
    },
    /// A `Time` (Psych: a YAML timestamp with a time), as Psych builds it.
    Time {
        /// The instant.
        time: JekyllTime,
        /// Whether Ruby holds it as UTC (`Z`, or no zone: `to_s` then ends in ` UTC`).
        utc: bool,
    },
    /// An `Array`.
    Seq(Vec<Value>),
    /// A `Hash`, in document order (a later duplicate key wins on lookup).
    Map(Vec<(Value, Value)>),
}

impl Value {
    /// A value with no span (made by the reader, not read from a file).
    pub fn synthetic(kind: ValueKind) -> Value {
        Value { kind, span: 0..0 }
    }

    /// A `String` value with no span.
    pub fn string(s: impl Into<String>) -> Value {
        Value::synthetic(ValueKind::Str(s.into()))
    }

    /// `nil`.
    pub fn null() -> Value {
        Value::synthetic(ValueKind::Null)
    }

    /// `hash[key]` for a `String` key (the last of duplicate keys, as Psych keeps it).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            ValueKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| matches!(&k.kind, ValueKind::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Ruby truthiness: everything but `nil` and `false`.
    pub fn truthy(&self) -> bool {
        !matches!(self.kind, ValueKind::Null | ValueKind::Bool(false))
    }

    /// The string, when the value is a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the value is `nil`.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, ValueKind::Null)
    }

    /// The entries, when the value is a `Hash`.
    pub fn as_map(&self) -> Option<&[(Value, Value)]> {
        match &self.kind {
            ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, when the value is an `Array`.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Ruby's `to_s` (`inspect` for arrays and hashes, as Ruby 3.1 writes them).
    pub fn ruby_to_s(&self) -> String {
        match &self.kind {
            ValueKind::Null => String::new(),
            ValueKind::Str(s) => s.clone(),
            _ => self.inspect(),
        }
    }

    /// Ruby's `inspect` (iteratively: no recursion on the value's depth).
    pub fn inspect(&self) -> String {
        enum Step<'a> {
            Val(&'a Value),
            Text(&'static str),
        }
        let mut out = String::new();
        let mut stack = vec![Step::Val(self)];
        while let Some(step) = stack.pop() {
            let v = match step {
                Step::Text(t) => {
                    out.push_str(t);
                    continue;
                }
                Step::Val(v) => v,
            };
            match &v.kind {
                ValueKind::Null => out.push_str("nil"),
                ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                ValueKind::Int(i) => out.push_str(i),
                ValueKind::Float(f) => out.push_str(&ruby_float(*f)),
                ValueKind::Str(s) => out.push_str(&ruby_inspect_str(s)),
                ValueKind::Date { .. } | ValueKind::Time { .. } => {
                    // Date#inspect / Time#inspect differ from to_s; rare inside arrays.
                    out.push_str(&scalar_to_s(v));
                }
                ValueKind::Seq(items) => {
                    stack.push(Step::Text("]"));
                    for (i, item) in items.iter().enumerate().rev() {
                        stack.push(Step::Val(item));
                        if i > 0 {
                            stack.push(Step::Text(", "));
                        }
                    }
                    stack.push(Step::Text("["));
                }
                ValueKind::Map(entries) => {
                    stack.push(Step::Text("}"));
                    for (i, (k, val)) in entries.iter().enumerate().rev() {
                        stack.push(Step::Val(val));
                        stack.push(Step::Text("=>"));
                        stack.push(Step::Val(k));
                        if i > 0 {
                            stack.push(Step::Text(", "));
                        }
                    }
                    stack.push(Step::Text("{"));
                }
            }
        }
        out
    }

    /// The value as the oracle writes it in JSON (Ruby's `to_json` of the object: `Date` and
    /// `Time` as their `to_s`, hash keys as their `to_s`). Iterative.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        // Build bottom-up with an explicit stack of frames.
        enum Frame<'a> {
            Seq(std::slice::Iter<'a, Value>, Vec<J>),
            Map(
                std::slice::Iter<'a, (Value, Value)>,
                serde_json::Map<String, J>,
                Option<String>,
            ),
        }
        fn leaf(v: &Value) -> Option<J> {
            Some(match &v.kind {
                ValueKind::Null => J::Null,
                ValueKind::Bool(b) => J::Bool(*b),
                ValueKind::Int(i) => match i.parse::<i64>() {
                    Ok(n) => J::from(n),
                    Err(_) => J::String(i.clone()),
                },
                ValueKind::Float(f) => {
                    serde_json::Number::from_f64(*f).map_or(J::String(ruby_float(*f)), J::Number)
                }
                ValueKind::Str(s) => J::String(s.clone()),
                ValueKind::Date { .. } | ValueKind::Time { .. } => J::String(scalar_to_s(v)),
                ValueKind::Seq(_) | ValueKind::Map(_) => return None,
            })
        }
        fn open(v: &Value) -> Result<J, Frame<'_>> {
            if let Some(j) = leaf(v) {
                return Ok(j);
            }
            match &v.kind {
                ValueKind::Seq(items) => Err(Frame::Seq(items.iter(), Vec::new())),
                ValueKind::Map(entries) => {
                    Err(Frame::Map(entries.iter(), serde_json::Map::new(), None))
                }
                _ => Ok(J::Null),
            }
        }
        let mut stack = match open(self) {
            Ok(j) => return j,
            Err(f) => vec![f],
        };
        loop {
            let Some(top) = stack.last_mut() else {
                return J::Null;
            };
            let next = match top {
                Frame::Seq(it, _) => it.next().map(open),
                Frame::Map(it, _, pending) => it.next().map(|(k, v)| {
                    *pending = Some(k.ruby_to_s());
                    open(v)
                }),
            };
            match next {
                Some(Err(frame)) => stack.push(frame),
                Some(Ok(j)) => push_into(&mut stack, j),
                None => {
                    let done = match stack.pop() {
                        Some(Frame::Seq(_, items)) => J::Array(items),
                        Some(Frame::Map(_, map, _)) => J::Object(map),
                        None => J::Null,
                    };
                    if stack.is_empty() {
                        return done;
                    }
                    push_into(&mut stack, done);
                }
            }
        }
        fn push_into(stack: &mut [Frame<'_>], j: J) {
            match stack.last_mut() {
                Some(Frame::Seq(_, items)) => items.push(j),
                Some(Frame::Map(_, map, pending)) => {
                    let key = pending.take().unwrap_or_default();
                    map.insert(key, j);
                }
                None => {}
            }
        }
    }
}

/// Ruby `to_s` of a scalar (`Date`: `2010-01-09`; `Time`: `2010-01-09 10:00:00 -0800` or
/// `… UTC`).
pub fn scalar_to_s(v: &Value) -> String {
    match &v.kind {
        ValueKind::Date { year, month, day } => {
            let t = JekyllTime {
                unix: days_from_civil(*year, *month, *day) * 86_400,
                nanos: 0,
                offset: 0,
            };
            t.strftime("%Y-%m-%d")
        }
        ValueKind::Time { time, utc } => {
            let base = time.strftime("%Y-%m-%d %H:%M:%S");
            if *utc {
                format!("{base} UTC")
            } else {
                format!("{base} {}", offset_str(time.offset, false))
            }
        }
        _ => v.ruby_to_s(),
    }
}

/// Ruby's `Float#to_s` (the psych crate's, exact).
pub fn ruby_float(f: f64) -> String {
    psych::jekyll::ruby_float_to_s(f)
}

/// Ruby's `String#inspect` (common escapes).
pub fn ruby_inspect_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '#' => out.push('#'),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn inspect_nested() {
        let v = Value::synthetic(ValueKind::Seq(vec![
            s("a"),
            Value::synthetic(ValueKind::Seq(vec![s("b"), Value::null()])),
            Value::synthetic(ValueKind::Map(vec![(s("k"), s("v"))])),
        ]));
        assert_eq!(v.inspect(), r#"["a", ["b", nil], {"k"=>"v"}]"#);
        assert_eq!(
            v.to_json(),
            serde_json::json!(["a", ["b", null], {"k": "v"}])
        );
    }

    #[test]
    fn deep_values_do_not_recurse() {
        let mut v = Value::null();
        for _ in 0..100_000 {
            v = Value::synthetic(ValueKind::Seq(vec![v]));
        }
        assert_eq!(v.inspect().len(), 100_000 * 2 + 3);
        // Drop iteratively too.
        let mut cur = v;
        while let ValueKind::Seq(mut items) = cur.kind {
            cur = items.pop().unwrap_or_else(Value::null);
        }
    }

    #[test]
    fn floats() {
        assert_eq!(ruby_float(1.0), "1.0");
        assert_eq!(ruby_float(1.5), "1.5");
        assert_eq!(ruby_float(1e20), "1.0e+20");
    }
}
