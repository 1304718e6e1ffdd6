//! Runtime values with Ruby's semantics for what Liquid does with them (`to_s`,
//! `inspect`, `==`, truthiness).

use serde_json::Value as J;
use std::borrow::Cow;
use std::cell::Cell;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub enum Value<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    Array(Rc<Vec<Value<'a>>>),
    /// A JSON array or object from `site`/`page`, borrowed.
    Json(&'a J),
    /// A hash built at render time (include params).
    Hash(Rc<Vec<(String, Value<'a>)>>),
    Range(i64, i64),
    Forloop(Rc<Forloop>),
    Tablerow(Rc<Tablerow>),
    /// Jekyll's `Liquid::Expression::MethodLiteral` (`empty`/`blank` as a value): prints
    /// as "", truthy, `to_liquid` gives "".
    MethodLit,
    /// Something the crate cannot compute (an unimplemented filter, a drop, a date).
    Unknown,
}

#[derive(Debug)]
pub struct Forloop {
    pub name: String,
    pub length: usize,
    pub index0: Cell<usize>,
    pub parent: Option<Rc<Forloop>>,
}

#[derive(Debug)]
pub struct Tablerow {
    pub length: usize,
    pub cols: i64,
    pub index0: Cell<usize>,
    pub row: Cell<i64>,
    pub col: Cell<i64>,
}

impl<'a> Value<'a> {
    pub fn str(s: impl Into<String>) -> Self {
        Value::Str(Cow::Owned(s.into()))
    }

    /// Scalars of a JSON value become plain values; arrays and objects stay borrowed.
    pub fn from_json(j: &'a J) -> Self {
        match j {
            J::Null => Value::Nil,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::Int(i)
                } else {
                    Value::Float(n.as_f64().unwrap_or(0.0))
                }
            }
            J::String(s) => Value::Str(Cow::Borrowed(s)),
            J::Object(m) if m.contains_key(crate::UNKNOWN_KEY) => Value::Unknown,
            _ => Value::Json(j),
        }
    }

    /// `to_liquid`: what a filter's result or a lookup becomes.
    pub fn into_liquid(self) -> Self {
        match self {
            Value::MethodLit => Value::str(""),
            v => v,
        }
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_)) || matches!(self, Value::Json(J::Array(_)))
    }

    pub fn is_hash(&self) -> bool {
        matches!(self, Value::Hash(_)) || matches!(self, Value::Json(J::Object(_)))
    }

    /// An open JSON object ([`crate::OPEN_KEY`]): the keys it lacks are unknown.
    pub fn is_open(&self) -> bool {
        matches!(self, Value::Json(J::Object(m)) if m.contains_key(crate::OPEN_KEY))
    }

    /// Elements of an array value.
    pub fn array_items(&self) -> Option<Vec<Value<'a>>> {
        match self {
            Value::Array(a) => Some(a.as_ref().clone()),
            Value::Json(J::Array(a)) => Some(a.iter().map(Value::from_json).collect()),
            _ => None,
        }
    }

    /// Hash lookup (`key?` then `[]`).
    pub fn hash_get(&self, key: &str) -> Option<Value<'a>> {
        match self {
            Value::Json(J::Object(m)) => m.get(key).map(Value::from_json),
            Value::Hash(h) => h.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    pub fn hash_entries(&self) -> Option<Vec<(String, Value<'a>)>> {
        match self {
            Value::Json(J::Object(m)) => Some(
                m.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
            Value::Hash(h) => Some(h.as_ref().clone()),
            _ => None,
        }
    }

    /// Whether the value contains something unknown (shallowly for JSON).
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown | Value::Forloop(_) | Value::Tablerow(_) => true,
            Value::Json(J::Object(m)) => m.contains_key(crate::OPEN_KEY),
            Value::Array(a) => a.iter().any(Value::has_unknown),
            Value::Hash(h) => h.iter().any(|(_, v)| v.has_unknown()),
            _ => false,
        }
    }

    /// Ruby `to_s`. `None` when it cannot be known (drops, unknown).
    pub fn to_s(&self) -> Option<Cow<'_, str>> {
        if self.is_open() {
            return None;
        }
        Some(match self {
            Value::Nil => Cow::Borrowed(""),
            Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Float(f) => Cow::Owned(ruby_float(*f)),
            Value::Str(s) => Cow::Borrowed(s.as_ref()),
            Value::MethodLit => Cow::Borrowed(""),
            Value::Range(a, b) => Cow::Owned(format!("{a}..{b}")),
            Value::Array(_) | Value::Json(_) | Value::Hash(_) => Cow::Owned(self.inspect()?),
            Value::Forloop(_) | Value::Tablerow(_) | Value::Unknown => return None,
        })
    }

    /// `Array#join` as Liquid's output uses it (nested arrays flattened).
    pub fn join(&self, glue: &str) -> Option<String> {
        let items = self.array_items()?;
        let mut out = String::new();
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(glue);
            }
            if it.is_array() {
                out.push_str(&it.join(glue)?);
            } else {
                out.push_str(&it.to_s()?);
            }
        }
        Some(out)
    }

    /// Ruby `inspect` (Ruby 3.1 formats).
    pub fn inspect(&self) -> Option<String> {
        Some(match self {
            Value::Nil => "nil".into(),
            Value::Str(s) => crate::syntax::ruby_inspect(s),
            Value::Array(_) | Value::Json(J::Array(_)) => {
                let items = self.array_items()?;
                let mut parts = Vec::with_capacity(items.len());
                for it in &items {
                    parts.push(it.inspect()?);
                }
                format!("[{}]", parts.join(", "))
            }
            Value::Json(J::Object(_)) | Value::Hash(_) => {
                let mut parts = Vec::new();
                for (k, v) in self.hash_entries()? {
                    parts.push(format!(
                        "{}=>{}",
                        crate::syntax::ruby_inspect(&k),
                        v.inspect()?
                    ));
                }
                format!("{{{}}}", parts.join(", "))
            }
            Value::Json(j) => Value::from_json(j).inspect()?,
            Value::MethodLit => return None,
            other => other.to_s()?.into_owned(),
        })
    }

    /// Ruby `==`.
    pub fn ruby_eq(&self, o: &Value<'a>) -> bool {
        match (self, o) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => {
                (*a as f64) == *b
            }
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Range(a, b), Value::Range(c, d)) => a == c && b == d,
            (Value::MethodLit, Value::MethodLit) => true,
            _ if self.is_array() && o.is_array() => {
                let (Some(a), Some(b)) = (self.array_items(), o.array_items()) else {
                    return false;
                };
                a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.ruby_eq(y))
            }
            _ if self.is_hash() && o.is_hash() => {
                let (Some(a), Some(b)) = (self.hash_entries(), o.hash_entries()) else {
                    return false;
                };
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v.ruby_eq(v2)))
            }
            _ => false,
        }
    }

    /// Ruby class name (for error messages).
    pub fn class_name(&self) -> &'static str {
        match self {
            Value::Nil => "NilClass",
            Value::Bool(true) => "TrueClass",
            Value::Bool(false) => "FalseClass",
            Value::Int(_) => "Integer",
            Value::Float(_) => "Float",
            Value::Str(_) => "String",
            Value::Range(..) => "Range",
            _ if self.is_array() => "Array",
            _ if self.is_hash() => "Hash",
            _ => "Object",
        }
    }
}

/// Ruby `Float#to_s`.
pub fn ruby_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Shortest round-trip digits and the decimal exponent.
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        if exp >= 0 {
            let int_len = (exp + 1) as usize;
            if digits.len() <= int_len {
                let mut s = digits.clone();
                s.extend(std::iter::repeat_n('0', int_len - digits.len()));
                format!("{sign}{s}.0")
            } else {
                format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
            }
        } else {
            let zeros = (-exp - 1) as usize;
            let _ = n;
            format!("{sign}0.{}{}", "0".repeat(zeros), digits)
        }
    } else {
        let (a, b) = digits.split_at(1);
        let b = if b.is_empty() { "0" } else { b };
        let es = if exp < 0 { "-" } else { "+" };
        format!("{sign}{a}.{b}e{es}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats() {
        assert_eq!(ruby_float(1.0), "1.0");
        assert_eq!(ruby_float(2.71), "2.71");
        assert_eq!(ruby_float(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(ruby_float(1e16), "1.0e+16");
        assert_eq!(ruby_float(1e15), "1000000000000000.0");
        assert_eq!(ruby_float(0.0001), "0.0001");
        assert_eq!(ruby_float(0.00001), "1.0e-05");
        assert_eq!(ruby_float(-2.5), "-2.5");
    }
}
