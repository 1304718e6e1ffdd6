//! Liquid's standard filters and Jekyll's, as `StrainerTemplate#invoke` calls them.
//!
//! A name that is no filter returns its input (`strict_filters: false`). A filter is
//! called with Ruby's arity check first ("wrong number of arguments"), then computed
//! when this module implements it for the values given; otherwise the result is
//! [`Value::Unknown`] and the output is marked unknown rather than guessed.

use crate::render::{RErr, to_integer};
use crate::value::Value;
use serde_json::Value as J;
use std::borrow::Cow;
use std::rc::Rc;

type FResult<'a> = Result<Value<'a>, RErr>;

/// (name, required, optional) counting the input; `usize::MAX` optional = any.
const ARITY: &[(&str, usize, usize)] = &[
    // Liquid::StandardFilters
    ("size", 1, 0),
    ("downcase", 1, 0),
    ("upcase", 1, 0),
    ("capitalize", 1, 0),
    ("escape", 1, 0),
    ("h", 1, 0),
    ("escape_once", 1, 0),
    ("url_encode", 1, 0),
    ("url_decode", 1, 0),
    ("base64_encode", 1, 0),
    ("base64_decode", 1, 0),
    ("base64_url_safe_encode", 1, 0),
    ("base64_url_safe_decode", 1, 0),
    ("slice", 2, 1),
    ("truncate", 1, 2),
    ("truncatewords", 1, 2),
    ("split", 2, 0),
    ("strip", 1, 0),
    ("lstrip", 1, 0),
    ("rstrip", 1, 0),
    ("strip_html", 1, 0),
    ("strip_newlines", 1, 0),
    ("join", 1, 1),
    ("sort_natural", 1, 1),
    ("uniq", 1, 1),
    ("reverse", 1, 0),
    ("map", 2, 0),
    ("compact", 1, 1),
    ("replace", 2, 1),
    ("replace_first", 2, 1),
    ("replace_last", 3, 0),
    ("remove", 2, 0),
    ("remove_first", 2, 0),
    ("remove_last", 2, 0),
    ("append", 2, 0),
    ("concat", 2, 0),
    ("prepend", 2, 0),
    ("newline_to_br", 1, 0),
    ("date", 2, 0),
    ("first", 1, 0),
    ("last", 1, 0),
    ("abs", 1, 0),
    ("plus", 2, 0),
    ("minus", 2, 0),
    ("times", 2, 0),
    ("divided_by", 2, 0),
    ("modulo", 2, 0),
    ("round", 1, 1),
    ("ceil", 1, 0),
    ("floor", 1, 0),
    ("at_least", 2, 0),
    ("at_most", 2, 0),
    ("default", 1, 2),
    // Jekyll::Filters (where and sort replace Liquid's)
    ("markdownify", 1, 0),
    ("smartify", 1, 0),
    ("sassify", 1, 0),
    ("scssify", 1, 0),
    ("slugify", 1, 1),
    ("xml_escape", 1, 0),
    ("cgi_escape", 1, 0),
    ("uri_escape", 1, 0),
    ("normalize_whitespace", 1, 0),
    ("number_of_words", 1, 1),
    ("array_to_sentence_string", 1, 1),
    ("jsonify", 1, 0),
    ("where", 3, 0),
    ("where_exp", 3, 0),
    ("find", 3, 0),
    ("find_exp", 3, 0),
    ("to_integer", 1, 0),
    ("sort", 1, 2),
    ("pop", 1, 1),
    ("push", 2, 0),
    ("shift", 1, 1),
    ("unshift", 2, 0),
    ("sample", 1, 1),
    ("inspect", 1, 0),
    ("absolute_url", 1, 0),
    ("relative_url", 1, 0),
    ("strip_index", 1, 0),
    ("group_by", 2, 0),
    ("group_by_exp", 3, 0),
    ("date_to_string", 1, 2),
    ("date_to_long_string", 1, 2),
    ("date_to_xmlschema", 1, 0),
    ("date_to_rfc822", 1, 0),
];

/// Whether NAME is a filter Liquid or Jekyll defines.
pub fn is_filter(name: &str) -> bool {
    ARITY.iter().any(|(n, _, _)| *n == name)
}

pub(crate) fn invoke<'a>(
    name: &str,
    input: Value<'a>,
    args: Vec<Value<'a>>,
    kwargs: Option<Vec<(String, Value<'a>)>>,
    site: &'a J,
) -> FResult<'a> {
    let Some(&(_, req, opt)) = ARITY.iter().find(|(n, _, _)| *n == name) else {
        return Ok(input);
    };
    let given = 1 + args.len() + usize::from(kwargs.is_some());
    if given < req || given > req + opt {
        let expected = if opt == 0 {
            req.to_string()
        } else {
            format!("{req}..{}", req + opt)
        };
        return Err(RErr::arg(format!(
            "wrong number of arguments (given {given}, expected {expected})"
        )));
    }
    // Filters that cannot raise whatever the input (they call `to_s`, or iterate
    // generically); on an unknown value any other may.
    const TOTAL: &[&str] = &[
        "downcase",
        "upcase",
        "capitalize",
        "escape",
        "h",
        "escape_once",
        "url_encode",
        "strip",
        "lstrip",
        "rstrip",
        "strip_html",
        "strip_newlines",
        "newline_to_br",
        "append",
        "prepend",
        "replace",
        "replace_first",
        "replace_last",
        "remove",
        "remove_first",
        "remove_last",
        "size",
        "first",
        "last",
        "default",
        "xml_escape",
        "normalize_whitespace",
        "jsonify",
        "inspect",
        "markdownify",
        "smartify",
        "base64_encode",
        "date",
        "join",
        "reverse",
        "relative_url",
        "absolute_url",
        "push",
        "to_integer",
    ];
    // Arguments Ruby checks before it looks at the input, so whatever the input is.
    match name {
        "concat" => {
            if let Some(arg) = args.first()
                && !arg.has_unknown()
                && !arg.is_array()
            {
                return Err(RErr::arg("concat filter requires an array argument"));
            }
        }
        "slice" => {
            // `Utils.to_integer(offset)`, then the length when one is given.
            if let Some(off) = args.first()
                && !off.has_unknown()
            {
                to_integer(off)?;
                if let Some(len) = args.get(1)
                    && !len.has_unknown()
                    && len.truthy()
                {
                    to_integer(len)?;
                }
            }
        }
        _ => {}
    }
    let kw_unknown = kwargs
        .as_ref()
        .is_some_and(|k| k.iter().any(|(_, v)| v.has_unknown()));
    if input.has_unknown() || args.iter().any(Value::has_unknown) || kw_unknown {
        return if TOTAL.contains(&name) {
            Ok(Value::Unknown)
        } else {
            Err(RErr::MayFail)
        };
    }
    // A keyword hash is passed as the last positional argument.
    let mut args = args;
    if let Some(kw) = kwargs {
        args.push(Value::Hash(Rc::new(kw)));
    }
    let a = |i: usize| args.get(i).cloned();
    let s_of = |v: &Value<'a>| -> Option<String> { v.to_s().map(Cow::into_owned) };
    let input_s = || s_of(&input);
    // Filters the crate does not compute but that cannot raise on these values; any
    // other unknown result may hide a Ruby exception.
    const SAFE: &[&str] = &[
        "date",
        "markdownify",
        "smartify",
        "round",
        "ceil",
        "floor",
        "abs",
        "at_least",
        "at_most",
        "plus",
        "minus",
        "times",
        "sample",
        "relative_url",
        "absolute_url",
        "jsonify",
        "inspect",
    ];
    let unknown = if SAFE.contains(&name) {
        Ok(Value::Unknown)
    } else {
        Err(RErr::MayFail)
    };
    Ok(match name {
        "size" => match &input {
            Value::Str(s) => Value::Int(s.chars().count() as i64),
            Value::Int(_) => Value::Int(8),
            Value::Range(a, b) => Value::Int(b.saturating_sub(*a).saturating_add(1).max(0)),
            v if v.is_array() => Value::Int(v.array_items().map_or(0, |x| x.len()) as i64),
            v if v.is_hash() => Value::Int(v.hash_entries().map_or(0, |x| x.len()) as i64),
            _ => Value::Int(0),
        },
        "downcase" => opt_str(input_s().map(|s| s.to_lowercase())),
        "upcase" => opt_str(input_s().map(|s| s.to_uppercase())),
        "capitalize" => opt_str(input_s().map(|s| {
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            }
        })),
        "escape" | "h" => {
            if input.is_nil() {
                Value::Nil
            } else {
                opt_str(input_s().map(|s| escape_html(&s)))
            }
        }
        "escape_once" => opt_str(input_s().map(|s| escape_once(&s))),
        "url_encode" => {
            if input.is_nil() {
                Value::Nil
            } else {
                opt_str(input_s().map(|s| cgi_escape(&s)))
            }
        }
        // `CGI.escape(input)`: `StringValue` raises on anything but a string.
        "cgi_escape" => match &input {
            Value::Str(s) => Value::str(cgi_escape(s)),
            v => return no_conversion(v, "String").map_or(unknown, Err),
        },
        "url_decode" => {
            if input.is_nil() {
                Value::Nil
            } else {
                let Some(s) = input_s() else { return unknown };
                match cgi_unescape(&s) {
                    Some(d) => Value::str(d),
                    None => return Err(RErr::arg("invalid byte sequence in UTF-8")),
                }
            }
        }
        "strip" => opt_str(input_s().map(|s| crate::syntax::strip(&s).to_string())),
        "lstrip" => opt_str(input_s().map(|s| crate::syntax::lstrip(&s).to_string())),
        "rstrip" => opt_str(input_s().map(|s| crate::syntax::rstrip(&s).to_string())),
        "strip_html" => opt_str(input_s().map(|s| strip_html(&s))),
        "strip_newlines" => opt_str(input_s().map(|s| s.replace("\r\n", "").replace('\n', ""))),
        "newline_to_br" => opt_str(input_s().map(|s| newline_to_br(&s))),
        "append" => match (input_s(), a(0).and_then(|v| s_of(&v))) {
            (Some(x), Some(y)) => Value::str(x + &y),
            _ => return unknown,
        },
        "prepend" => match (input_s(), a(0).and_then(|v| s_of(&v))) {
            (Some(x), Some(y)) => Value::str(y + &x),
            _ => return unknown,
        },
        "replace" | "replace_first" | "remove" | "remove_first" => {
            let (Some(x), Some(pat)) = (input_s(), a(0).and_then(|v| s_of(&v))) else {
                return unknown;
            };
            let rep = if name.starts_with("remove") {
                Some(String::new())
            } else {
                a(1).map_or(Some(String::new()), |v| s_of(&v))
            };
            let Some(rep) = rep else { return unknown };
            if rep.contains('\\') {
                // Ruby interprets \0, \1, \& … in the replacement.
                return unknown;
            }
            let all = name == "replace" || name == "remove";
            Value::str(ruby_sub(&x, &pat, &rep, all))
        }
        "replace_last" | "remove_last" => {
            let (Some(x), Some(pat)) = (input_s(), a(0).and_then(|v| s_of(&v))) else {
                return unknown;
            };
            let rep = if name == "remove_last" {
                Some(String::new())
            } else {
                a(1).and_then(|v| s_of(&v))
            };
            let Some(rep) = rep else { return unknown };
            match x.rfind(&pat) {
                Some(i) => Value::str(format!("{}{}{}", &x[..i], rep, &x[i + pat.len()..])),
                None => Value::str(x),
            }
        }
        "split" => {
            let (Some(x), Some(pat)) = (input_s(), a(0).and_then(|v| s_of(&v))) else {
                return unknown;
            };
            Value::Array(Rc::new(
                ruby_split(&x, &pat).into_iter().map(Value::str).collect(),
            ))
        }
        "join" => {
            let glue = match a(0) {
                Some(g) => match s_of(&g) {
                    Some(g) => g,
                    None => return unknown,
                },
                None => " ".into(),
            };
            let items = input_iterator(&input);
            let Some(items) = items else { return unknown };
            let arr = Value::Array(Rc::new(items));
            opt_str(arr.join(&glue))
        }
        "first" | "last" => match &input {
            v if v.is_array() => {
                let items = v.array_items().unwrap_or_default();
                let x = if name == "first" {
                    items.first()
                } else {
                    items.last()
                };
                x.cloned().unwrap_or(Value::Nil)
            }
            Value::Range(a, b) => Value::Int(if name == "first" { *a } else { *b }),
            v if v.is_hash() && name == "first" => {
                match v.hash_entries().and_then(|e| e.into_iter().next()) {
                    Some((k, x)) => Value::Array(Rc::new(vec![Value::str(k), x])),
                    None => Value::Nil,
                }
            }
            _ => Value::Nil,
        },
        "reverse" => match input_iterator(&input) {
            Some(mut v) => {
                v.reverse();
                Value::Array(Rc::new(v))
            }
            None => return unknown,
        },
        "compact" if args.is_empty() => match input_iterator(&input) {
            Some(v) => Value::Array(Rc::new(v.into_iter().filter(|x| !x.is_nil()).collect())),
            None => return unknown,
        },
        "uniq" if args.is_empty() => match input_iterator(&input) {
            Some(v) => {
                let mut out: Vec<Value<'a>> = Vec::new();
                for x in v {
                    if !out.iter().any(|y| y.ruby_eq(&x) && same_class(y, &x)) {
                        out.push(x);
                    }
                }
                Value::Array(Rc::new(out))
            }
            None => return unknown,
        },
        "default" => {
            let dflt = a(0).unwrap_or(Value::str(""));
            let allow_false = a(1)
                .and_then(|o| o.hash_get("allow_false"))
                .is_some_and(|v| v.truthy());
            let false_check = if allow_false {
                input.is_nil()
            } else {
                !input.truthy()
            };
            let empty = match &input {
                Value::Str(s) => s.is_empty(),
                v if v.is_array() => v.array_items().is_some_and(|x| x.is_empty()),
                v if v.is_hash() => v.hash_entries().is_some_and(|x| x.is_empty()),
                _ => false,
            };
            if false_check || empty { dflt } else { input }
        }
        "xml_escape" => opt_str(input_s().map(|s| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        })),
        "normalize_whitespace" => opt_str(input_s().map(|s| {
            let mut out = String::with_capacity(s.len());
            let mut in_ws = false;
            for c in s.chars() {
                if c.is_ascii() && crate::syntax::is_ws(c as u8) {
                    if !in_ws {
                        out.push(' ');
                    }
                    in_ws = true;
                } else {
                    out.push(c);
                    in_ws = false;
                }
            }
            crate::syntax::strip(&out).to_string()
        })),
        "number_of_words" => {
            // `case mode when "cjk"/"auto"` scans, anything else splits: a value that is no
            // string has neither method.
            let scans = matches!(a(0).as_ref().and_then(|m| m.as_str()), Some("cjk" | "auto"));
            match &input {
                Value::Str(s) if args.is_empty() => Value::Int(ruby_split(s, " ").len() as i64),
                // `scan` or `split` cannot raise on a string.
                Value::Str(_) => return Ok(Value::Unknown),
                v => {
                    return no_method(if scans { "scan" } else { "split" }, v).map_or(unknown, Err);
                }
            }
        }
        // `InputIterator.new(input).concat(array)`, after `array.respond_to?(:to_ary)`.
        "concat" => {
            let arg = a(0).unwrap_or(Value::Nil);
            if !arg.is_array() {
                return Err(RErr::arg("concat filter requires an array argument"));
            }
            let (Some(mut items), Some(more)) = (input_iterator(&input), arg.array_items()) else {
                return unknown;
            };
            items.extend(more);
            Value::Array(Rc::new(items))
        }
        // Jekyll's `sort(input, property = nil, nils = "first")`.
        "sort" => {
            if input.is_nil() {
                return Err(RErr::arg("Cannot sort a null object."));
            }
            if a(0).is_none() {
                // `input.sort`
                return match &input {
                    v if v.is_array() || v.is_hash() => {
                        match v.array_items().filter(|_| v.is_array()) {
                            Some(items) => {
                                sort_plain(items).map_or(unknown, |v| Ok(Value::Array(Rc::new(v))))
                            }
                            None => unknown,
                        }
                    }
                    Value::Range(lo, hi) => match input_iterator(&Value::Range(*lo, *hi)) {
                        Some(v) => Ok(Value::Array(Rc::new(v))),
                        None => unknown,
                    },
                    v => no_method("sort", v).map_or(unknown, Err),
                };
            };
            let nils = a(1).map_or(Some("first".to_string()), |n| s_of(&n));
            match nils.as_deref() {
                Some("first" | "last") => {}
                Some(n) => {
                    return Err(RErr::arg(format!(
                        "Invalid nils order: '{n}' is not a valid nils order. It must be 'first' or 'last'."
                    )));
                }
                None => return unknown,
            }
            // `sort_input` maps over the input.
            match &input {
                v if v.is_array() || v.is_hash() => return unknown,
                Value::Range(..) => return unknown,
                v => return no_method("map", v).map_or(unknown, Err),
            }
        }
        // `InputIterator.new(input).map { |e| e.respond_to?(:[]) ? e[property] : nil }`; a
        // `TypeError` from `[]` becomes "cannot select the property".
        "map" => {
            let Some(property) = a(0) else { return unknown };
            let Some(items) = input_iterator(&input) else {
                return unknown;
            };
            let mut out = Vec::with_capacity(items.len());
            for e in items {
                if property.as_str() == Some("to_liquid") {
                    out.push(e);
                    continue;
                }
                out.push(match (&e, &property) {
                    (v, _) if v.has_unknown() || v.is_open() => return unknown,
                    (Value::Nil | Value::Bool(_) | Value::Float(_) | Value::MethodLit, _) => {
                        Value::Nil
                    }
                    (Value::Int(_), Value::Str(p)) => {
                        return Err(RErr::arg(format!("cannot select the property '{p}'")));
                    }
                    (Value::Str(s), Value::Str(p)) => {
                        if s.contains(p.as_ref()) {
                            Value::str(p.to_string())
                        } else {
                            Value::Nil
                        }
                    }
                    (v, Value::Str(p)) if v.is_hash() => v.hash_get(p).unwrap_or(Value::Nil),
                    _ => return unknown,
                });
            }
            Value::Array(Rc::new(out))
        }
        "slugify" => {
            if input.is_nil() {
                Value::Nil
            } else {
                let mode = a(0);
                match (mode.as_ref().map(|m| m.as_str()), &input) {
                    (None, Value::Str(s)) | (Some(Some("default")), Value::Str(s)) => {
                        Value::str(slugify_default(s))
                    }
                    (_, Value::Str(_)) => return unknown,
                    // `Utils.slugify` on what is no string: a known mode `gsub`s it, another
                    // mode `downcase`s it (`latin` transliterates first).
                    (m, v) => {
                        let m = match &mode {
                            None => Some("default"),
                            Some(Value::Nil) => Some("default"),
                            Some(_) => m.flatten(),
                        };
                        let method = match m {
                            Some("raw" | "default" | "pretty" | "ascii") => "gsub",
                            Some("latin") | None => return unknown,
                            Some(_) => "downcase",
                        };
                        return no_method(method, v).map_or(unknown, Err);
                    }
                }
            }
        }
        "jsonify" => match to_json(&input) {
            Some(s) => Value::str(s),
            None => return unknown,
        },
        "to_integer" => match &input {
            Value::Range(..) => return no_method("to_i", &input).map_or(unknown, Err),
            v if v.is_array() || v.is_hash() => return no_method("to_i", v).map_or(unknown, Err),
            Value::Bool(true) => Value::Int(1),
            Value::Bool(false) => Value::Int(0),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Int(f.trunc() as i64),
            Value::Str(s) => Value::Int(crate::expr::ruby_to_i(s)),
            Value::Nil => Value::Int(0),
            _ => return unknown,
        },
        "inspect" => match input.inspect() {
            Some(s) => Value::str(
                s.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;"),
            ),
            None => return unknown,
        },
        "relative_url" => relative_url(site, &input),
        "absolute_url" => absolute_url(site, &input),
        "push" => match input.array_items() {
            Some(mut v) if input.is_array() => {
                v.push(a(0).unwrap_or(Value::Nil));
                Value::Array(Rc::new(v))
            }
            _ => input,
        },
        "slice" => {
            let off = match to_integer(&a(0).unwrap_or(Value::Nil))? {
                Some(i) => i,
                None => return unknown,
            };
            let len = match a(1) {
                Some(l) => match to_integer(&l)? {
                    Some(i) => i,
                    None => return unknown,
                },
                None => 1,
            };
            if input.is_array() {
                let items = input.array_items().unwrap_or_default();
                match ruby_slice(items.len(), off, len) {
                    Some((s, e)) => Value::Array(Rc::new(items[s..e].to_vec())),
                    None => Value::Array(Rc::new(Vec::new())),
                }
            } else {
                let Some(s) = input_s() else { return unknown };
                let chars: Vec<char> = s.chars().collect();
                match ruby_slice(chars.len(), off, len) {
                    Some((a, b)) => Value::str(chars[a..b].iter().collect::<String>()),
                    None => Value::str(""),
                }
            }
        }
        "truncatewords" => {
            if input.is_nil() {
                return Ok(Value::Nil);
            }
            let Some(s) = input_s() else { return unknown };
            let words = match a(0) {
                Some(w) => match to_integer(&w)? {
                    Some(i) => i,
                    None => return unknown,
                },
                None => 15,
            };
            let words = if words <= 0 { 1 } else { words };
            if words >= i64::from(i32::MAX) {
                return unknown;
            }
            let ts = match a(1) {
                Some(t) => match s_of(&t) {
                    Some(t) => t,
                    None => return unknown,
                },
                None => "...".into(),
            };
            let list = awk_split_limit(&s, words as usize + 1);
            if list.len() <= words as usize {
                Value::str(s)
            } else {
                let mut o = list[..list.len() - 1].join(" ");
                o.push_str(&ts);
                Value::str(o)
            }
        }
        // `Addressable::URI.normalize_component`: `to_str` of what is no string.
        "uri_escape" if !input.is_nil() && input.as_str().is_none() => {
            return match ruby_class(&input) {
                Some(c) => Err(RErr::ruby(
                    "TypeError",
                    format!("Can't convert {c} into String."),
                )),
                None => unknown,
            };
        }
        // Jekyll's date filters: `return date if date.to_s.empty?`, then
        // `Liquid::Utils.to_date`, which gives nothing for a value that is neither a time, a
        // string nor an integer.
        "date_to_string" | "date_to_long_string" | "date_to_xmlschema" | "date_to_rfc822"
            if matches!(
                input,
                Value::Bool(_)
                    | Value::Float(_)
                    | Value::Range(..)
                    | Value::Array(_)
                    | Value::Hash(_)
            ) || matches!(input, Value::Json(_)) =>
        {
            return match input.inspect() {
                Some(i) => Err(RErr::ruby(
                    "Jekyll::Errors::InvalidDateError",
                    format!("Invalid Date: '{i}' is not a valid datetime."),
                )),
                None => unknown,
            };
        }
        "uri_escape" => match &input {
            Value::Str(s)
                if url_plain(s)
                    || s.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=?#[]%".contains(&b)
                    }) && !s.contains('%') =>
            {
                Value::str(s.to_string())
            }
            _ => return unknown,
        },
        "truncate" => {
            if input.is_nil() {
                return Ok(Value::Nil);
            }
            let Some(s) = input_s() else { return unknown };
            let len = match a(0) {
                Some(l) => match to_integer(&l)? {
                    Some(i) => i,
                    None => return unknown,
                },
                None => 50,
            };
            let ts = match a(1) {
                Some(t) => match s_of(&t) {
                    Some(t) => t,
                    None => return unknown,
                },
                None => "...".into(),
            };
            let n = s.chars().count() as i64;
            let l = len.saturating_sub(ts.chars().count() as i64).max(0);
            if n > len {
                let mut o: String = s.chars().take(l as usize).collect();
                o.push_str(&ts);
                Value::str(o)
            } else {
                Value::str(s)
            }
        }
        "plus" | "minus" | "times" => {
            let (Some(x), Some(y)) = (to_number(&input), to_number(&a(0).unwrap_or(Value::Nil)))
            else {
                return unknown;
            };
            match arith(name, x, y) {
                Some(v) => v,
                None => return unknown,
            }
        }
        "divided_by" | "modulo" => {
            let (Some(x), Some(y)) = (to_number(&input), to_number(&a(0).unwrap_or(Value::Nil)))
            else {
                return unknown;
            };
            match (x, y) {
                (Num::Int(_), Num::Int(0)) => {
                    return Err(RErr::liquid("ZeroDivisionError", "divided by 0"));
                }
                (Num::Int(p), Num::Int(q)) => {
                    let (Some(quo), Some(rem)) = (p.checked_div(q), p.checked_rem(q)) else {
                        return unknown;
                    };
                    // Ruby floors.
                    let fl = if rem != 0 && ((p < 0) != (q < 0)) {
                        quo - 1
                    } else {
                        quo
                    };
                    if name == "divided_by" {
                        Value::Int(fl)
                    } else if rem != 0 && ((p < 0) != (q < 0)) {
                        Value::Int(rem + q)
                    } else {
                        Value::Int(rem)
                    }
                }
                _ => return unknown,
            }
        }
        "abs" => match to_number(&input) {
            Some(Num::Int(i)) => Value::Int(i.saturating_abs()),
            _ => return unknown,
        },
        "ceil" | "floor" => match to_number(&input) {
            Some(Num::Int(i)) => Value::Int(i),
            _ => return unknown,
        },
        "at_least" | "at_most" => {
            match (to_number(&input), to_number(&a(0).unwrap_or(Value::Nil))) {
                (Some(Num::Int(x)), Some(Num::Int(y))) => Value::Int(if name == "at_least" {
                    x.max(y)
                } else {
                    x.min(y)
                }),
                _ => return unknown,
            }
        }
        // `Utils.to_number(input).round(Utils.to_number(n))` on integers: unchanged for
        // n ≥ 0, to a multiple of 10^-n (half away from zero) below.
        "round" => {
            let n = match a(0) {
                None => Some(Num::Int(0)),
                Some(n) => to_number(&n),
            };
            match (to_number(&input), n) {
                (Some(Num::Int(i)), Some(Num::Int(k))) if k >= 0 => Value::Int(i),
                (Some(Num::Int(i)), Some(Num::Int(k))) => match round_int(i, k) {
                    Some(r) => Value::Int(r),
                    None => return unknown,
                },
                _ => return unknown,
            }
        }
        "array_to_sentence_string" => {
            // `case array.length`
            if matches!(
                input,
                Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Range(..)
            ) {
                return no_method("length", &input).map_or(unknown, Err);
            }
            let Some(items) = input.array_items().filter(|_| input.is_array()) else {
                return unknown;
            };
            let conn = match a(0) {
                Some(c) => match s_of(&c) {
                    Some(c) => c,
                    None => return unknown,
                },
                None => "and".into(),
            };
            let mut strs = Vec::new();
            for i in &items {
                match s_of(i) {
                    Some(s) => strs.push(s),
                    None => return unknown,
                }
            }
            Value::str(match strs.len() {
                0 => String::new(),
                1 => strs[0].clone(),
                2 => format!("{} {conn} {}", strs[0], strs[1]),
                n => format!("{}, {conn} {}", strs[..n - 1].join(", "), strs[n - 1]),
            })
        }
        "base64_encode" => opt_str(input_s().map(|s| base64(s.as_bytes(), false))),
        "base64_url_safe_encode" => opt_str(input_s().map(|s| base64(s.as_bytes(), true))),
        "strip_index" => match &input {
            Value::Nil => Value::Nil,
            Value::Str(s) if s.is_empty() => Value::Nil,
            Value::Str(s) => Value::str(strip_index(s)),
            _ => return unknown,
        },
        _ => return unknown,
    })
}

/// The Ruby class of a value the crate knows.
fn ruby_class(v: &Value) -> Option<&'static str> {
    match v {
        Value::MethodLit => Some("Liquid::Expression::MethodLiteral"),
        Value::Unknown | Value::Forloop(_) | Value::Tablerow(_) => None,
        v if v.is_open() => None,
        v => Some(v.class_name()),
    }
}

/// Ruby 3.1's `NoMethodError` for METHOD on V: "undefined method `m' for 4:Integer" (the
/// receiver's `inspect`, or `nil`/`true`/`false`, then its class). `None` where Ruby would
/// name the object by its address (an inspect over 65 bytes, or one that starts with `#`).
fn no_method<'a>(method: &str, v: &Value<'a>) -> Option<RErr> {
    let receiver = match v {
        Value::Nil => "nil".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::MethodLit | Value::Unknown | Value::Forloop(_) | Value::Tablerow(_) => return None,
        v => {
            let i = v.inspect()?;
            if i.len() > 65 || i.starts_with('#') {
                return None;
            }
            i
        }
    };
    Some(RErr::ruby(
        "NoMethodError",
        format!(
            "undefined method `{method}' for {receiver}:{}",
            v.class_name()
        ),
    ))
}

/// Ruby's `TypeError` for an implicit conversion of V into INTO ("no implicit conversion of
/// Integer into String"; `nil`, `true`, `false` by name).
fn no_conversion<'a>(v: &Value<'a>, into: &str) -> Option<RErr> {
    let what = match v {
        Value::Nil => "nil",
        Value::Bool(true) => "true",
        Value::Bool(false) => "false",
        v => ruby_class(v)?,
    };
    Some(RErr::ruby(
        "TypeError",
        format!("no implicit conversion of {what} into {into}"),
    ))
}

/// `Array#sort` with `<=>`, where this module knows the order: all numbers, or all strings
/// (byte order). `None` otherwise (mixed classes raise in Ruby, nil cannot be compared…).
fn sort_plain<'a>(mut items: Vec<Value<'a>>) -> Option<Vec<Value<'a>>> {
    if items.iter().all(|v| matches!(v, Value::Int(_))) {
        items.sort_by_key(|v| match v {
            Value::Int(i) => *i,
            _ => 0,
        });
        Some(items)
    } else if items.iter().all(|v| matches!(v, Value::Str(_))) {
        items.sort_by(|a, b| {
            a.as_str()
                .unwrap_or("")
                .as_bytes()
                .cmp(b.as_str().unwrap_or("").as_bytes())
        });
        Some(items)
    } else {
        None
    }
}

/// Ruby `Integer#round(k)` for k < 0 (`:half_up`: half away from zero); `None` on overflow.
fn round_int(i: i64, k: i64) -> Option<i64> {
    let digits = u32::try_from(k.checked_neg()?).ok()?;
    let Some(m) = 10i128.checked_pow(digits) else {
        return Some(0);
    };
    let a = i128::from(i).abs();
    let r = (a + m / 2) / m * m;
    i64::try_from(if i < 0 { -r } else { r }).ok()
}

fn opt_str<'a>(s: Option<String>) -> Value<'a> {
    match s {
        Some(s) => Value::str(s),
        None => Value::Unknown,
    }
}

fn same_class(a: &Value, b: &Value) -> bool {
    // Array#uniq uses eql?: 1 and 1.0 differ.
    !matches!(
        (a, b),
        (Value::Int(_), Value::Float(_)) | (Value::Float(_), Value::Int(_))
    )
}

/// `InputIterator`: arrays flattened, a hash as one item, nil as nothing.
fn input_iterator<'a>(v: &Value<'a>) -> Option<Vec<Value<'a>>> {
    match v {
        Value::Nil => Some(Vec::new()),
        Value::Range(a, b) => {
            if (*b as i128) - (*a as i128) > 1_000_000 {
                None
            } else {
                Some((*a..=*b).map(Value::Int).collect())
            }
        }
        v if v.is_array() => {
            let mut out = Vec::new();
            let mut stack = vec![v.array_items()?.into_iter()];
            while let Some(it) = stack.last_mut() {
                match it.next() {
                    Some(x) if x.is_array() => stack.push(x.array_items()?.into_iter()),
                    Some(x) => out.push(x),
                    None => {
                        stack.pop();
                    }
                }
            }
            Some(out)
        }
        Value::Unknown | Value::Forloop(_) | Value::Tablerow(_) => None,
        v => Some(vec![v.clone()]),
    }
}

fn escape_html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// `/["><']|&(?!([a-zA-Z]+|(#\d+));)/` → HTML_ESCAPE.
fn escape_once(s: &str) -> String {
    let b = s.as_bytes();
    let mut o = String::with_capacity(s.len());
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        let rep = match b[i] {
            b'"' => Some("&quot;"),
            b'>' => Some("&gt;"),
            b'<' => Some("&lt;"),
            b'\'' => Some("&#39;"),
            b'&' => {
                let mut j = i + 1;
                let entity = if j < b.len() && b[j].is_ascii_alphabetic() {
                    while j < b.len() && b[j].is_ascii_alphabetic() {
                        j += 1;
                    }
                    b.get(j) == Some(&b';')
                } else if b.get(j) == Some(&b'#') {
                    j += 1;
                    let st = j;
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    j > st && b.get(j) == Some(&b';')
                } else {
                    false
                };
                if entity { None } else { Some("&amp;") }
            }
            _ => None,
        };
        if let Some(r) = rep {
            o.push_str(&s[last..i]);
            o.push_str(r);
            last = i + 1;
        }
        i += 1;
    }
    o.push_str(&s[last..]);
    o
}

/// `CGI.escape`.
fn cgi_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b' ' => o.push('+'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                o.push(b as char)
            }
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

/// `CGI.unescape`; `None` when the result is not UTF-8.
fn cgi_unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut o = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => o.push(b' '),
            b'%' if i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit) =>
            {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).ok()?;
                o.push(u8::from_str_radix(h, 16).ok()?);
                i += 2;
            }
            x => o.push(x),
        }
        i += 1;
    }
    String::from_utf8(o).ok()
}

fn strip_html(s: &str) -> String {
    use regex::Regex;
    use std::sync::LazyLock;
    static BLOCKS: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(?s)<script.*?</script>|<!--.*?-->|<style.*?</style>").ok());
    static TAGS: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?s)<.*?>").ok());
    let (Some(b), Some(t)) = (BLOCKS.as_ref(), TAGS.as_ref()) else {
        return s.to_string();
    };
    let r = b.replace_all(s, "");
    t.replace_all(&r, "").into_owned()
}

fn newline_to_br(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            let st = if i > 0 && b[i - 1] == b'\r' { i - 1 } else { i };
            o.push_str(&s[last..st]);
            o.push_str("<br />\n");
            last = i + 1;
        }
        i += 1;
    }
    o.push_str(&s[last..]);
    o
}

/// Ruby `gsub`/`sub` with a string pattern and a replacement without backslashes.
fn ruby_sub(x: &str, pat: &str, rep: &str, all: bool) -> String {
    if pat.is_empty() {
        if !all {
            return format!("{rep}{x}");
        }
        let mut o = String::with_capacity(x.len() * 2);
        o.push_str(rep);
        for c in x.chars() {
            o.push(c);
            o.push_str(rep);
        }
        return o;
    }
    if all {
        x.replace(pat, rep)
    } else {
        x.replacen(pat, rep, 1)
    }
}

/// Ruby `String#split(pattern)` with a string pattern (awk mode for " ").
fn ruby_split(x: &str, pat: &str) -> Vec<String> {
    let mut v: Vec<String> = if pat == " " {
        x.split(|c: char| c.is_ascii() && crate::syntax::is_ws(c as u8))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    } else if pat.is_empty() {
        x.chars().map(|c| c.to_string()).collect()
    } else {
        x.split(pat).map(str::to_string).collect()
    };
    while v.last().is_some_and(|s| s.is_empty()) {
        v.pop();
    }
    v
}

/// Ruby `str.split(" ", limit)`: awk-style fields, the last keeping the rest.
fn awk_split_limit(s: &str, limit: usize) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && crate::syntax::is_ws(b[i]) {
        i += 1;
    }
    while i < b.len() {
        if out.len() + 1 == limit {
            out.push(s[i..].to_string());
            return out;
        }
        let st = i;
        while i < b.len() && !crate::syntax::is_ws(b[i]) {
            i += 1;
        }
        out.push(s[st..i].to_string());
        while i < b.len() && crate::syntax::is_ws(b[i]) {
            i += 1;
        }
    }
    out
}

/// `Array#slice(offset, length)` / `String#slice`: the index range, `None` for nil.
fn ruby_slice(n: usize, off: i64, len: i64) -> Option<(usize, usize)> {
    let n = n as i64;
    let start = if off < 0 { n + off } else { off };
    if start < 0 || start > n || len < 0 {
        return None;
    }
    let end = start.saturating_add(len).min(n);
    Some((start as usize, end as usize))
}

fn slugify_default(s: &str) -> String {
    use regex::Regex;
    use std::sync::LazyLock;
    static RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"[^\p{M}\p{L}\p{Nd}]+").ok());
    let Some(re) = RE.as_ref() else {
        return s.to_string();
    };
    let r = re.replace_all(s, "-");
    let r = r.strip_prefix('-').unwrap_or(&r);
    let r = r.strip_suffix('-').unwrap_or(r);
    r.to_lowercase()
}

/// Ruby `to_json` of a Liquid value.
fn to_json(v: &Value) -> Option<String> {
    let j = to_j(v)?;
    serde_json::to_string(&j).ok()
}

fn to_j(v: &Value) -> Option<J> {
    Some(match v {
        Value::Nil => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => {
            // Ruby prints floats as Float#to_s; leave unusual ones unknown.
            if f.fract() == 0.0 || !f.is_finite() {
                return None;
            }
            J::from(*f)
        }
        Value::Str(s) => {
            if s.chars()
                .any(|c| (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r'))
                || s.contains('\u{7f}')
            {
                return None;
            }
            J::String(s.to_string())
        }
        Value::Json(j) => {
            if json_has_float(j) {
                return None;
            }
            (*j).clone()
        }
        Value::Array(a) => J::Array(a.iter().map(to_j).collect::<Option<Vec<_>>>()?),
        Value::Hash(h) => J::Object(
            h.iter()
                .map(|(k, v)| Some((k.clone(), to_j(v)?)))
                .collect::<Option<serde_json::Map<_, _>>>()?,
        ),
        Value::Range(a, b) => J::String(format!("{a}..{b}")),
        _ => return None,
    })
}

fn json_has_float(j: &J) -> bool {
    let mut stack = vec![j];
    while let Some(x) = stack.pop() {
        match x {
            J::Number(n) if n.is_f64() => return true,
            J::String(s)
                if s.chars()
                    .any(|c| (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r')) =>
            {
                return true;
            }
            J::Array(a) => stack.extend(a),
            J::Object(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    false
}

#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    /// A decimal: mantissa and scale (value = m / 10^scale), as BigDecimal holds it.
    Dec(i128, u32),
}

/// `Utils.to_number`.
fn to_number(v: &Value) -> Option<Num> {
    match v {
        Value::Int(i) => Some(Num::Int(*i)),
        Value::Float(f) => dec_of(&crate::value::ruby_float(*f)),
        Value::Str(s) => {
            let t = crate::syntax::strip(s);
            let b = t.as_bytes();
            let body = t.strip_prefix('-').unwrap_or(t);
            let is_dec = body.split_once('.').is_some_and(|(a, c)| {
                !a.is_empty()
                    && !c.is_empty()
                    && a.bytes().all(|x| x.is_ascii_digit())
                    && c.bytes().all(|x| x.is_ascii_digit())
            });
            let _ = b;
            if is_dec {
                dec_of(t)
            } else {
                Some(Num::Int(crate::expr::ruby_to_i(s)))
            }
        }
        Value::Nil
        | Value::Bool(_)
        | Value::Array(_)
        | Value::Json(_)
        | Value::Hash(_)
        | Value::Range(..) => Some(Num::Int(0)),
        _ => None,
    }
}

fn dec_of(s: &str) -> Option<Num> {
    if s.contains('e') || s.contains('N') || s.contains('I') {
        return None;
    }
    let neg = s.starts_with('-');
    let t = s.trim_start_matches('-');
    let (a, b) = t.split_once('.').unwrap_or((t, ""));
    if a.len() + b.len() > 30 {
        return None;
    }
    let m: i128 = format!("{a}{b}").parse().ok()?;
    Some(Num::Dec(if neg { -m } else { m }, b.len() as u32))
}

fn arith<'a>(op: &str, x: Num, y: Num) -> Option<Value<'a>> {
    match (x, y) {
        (Num::Int(a), Num::Int(b)) => Some(Value::Int(match op {
            "plus" => a.checked_add(b)?,
            "minus" => a.checked_sub(b)?,
            _ => a.checked_mul(b)?,
        })),
        _ => {
            let (am, asc) = match x {
                Num::Int(i) => (i as i128, 0),
                Num::Dec(m, s) => (m, s),
            };
            let (bm, bsc) = match y {
                Num::Int(i) => (i as i128, 0),
                Num::Dec(m, s) => (m, s),
            };
            let (m, sc) = match op {
                "times" => (am.checked_mul(bm)?, asc + bsc),
                _ => {
                    let sc = asc.max(bsc);
                    let a2 = am.checked_mul(10i128.checked_pow(sc - asc)?)?;
                    let b2 = bm.checked_mul(10i128.checked_pow(sc - bsc)?)?;
                    (
                        if op == "plus" {
                            a2.checked_add(b2)?
                        } else {
                            a2.checked_sub(b2)?
                        },
                        sc,
                    )
                }
            };
            // BigDecimal#to_f of the exact decimal.
            let s = format!("{}{}", if m < 0 { "-" } else { "" }, {
                let digits = m.unsigned_abs().to_string();
                let sc = sc as usize;
                if sc == 0 {
                    digits
                } else if digits.len() > sc {
                    format!(
                        "{}.{}",
                        &digits[..digits.len() - sc],
                        &digits[digits.len() - sc..]
                    )
                } else {
                    format!("0.{}{}", "0".repeat(sc - digits.len()), digits)
                }
            });
            Some(Value::Float(s.parse().ok()?))
        }
    }
}

fn base64(b: &[u8], url: bool) -> String {
    let tbl: &[u8; 64] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut o = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                o.push(tbl[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

fn strip_index(s: &str) -> String {
    // sub(%r!/index\.html?$!, "/") — `$` is a line end.
    for suf in ["/index.html", "/index.htm"] {
        if let Some(i) = s.find(suf) {
            let after = &s[i + suf.len()..];
            if after.is_empty() || after.starts_with('\n') {
                return format!("{}/{}", &s[..i], after);
            }
        }
    }
    s.to_string()
}

/// Characters Addressable's normalization leaves as they are in a path.
fn url_plain(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b))
}

/// `relative_url` for a string: baseurl (without its trailing slash) + `/`input.
pub(crate) fn relative_url<'a>(site: &J, input: &Value<'a>) -> Value<'a> {
    let s = match input {
        Value::Nil => return Value::Nil,
        Value::Str(s) => s.to_string(),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => match input.to_s() {
            Some(s) => s.into_owned(),
            None => return Value::Unknown,
        },
        _ => return Value::Unknown,
    };
    if !url_plain(&s) || is_absolute(&s) {
        return Value::Unknown;
    }
    let base = match site.get("baseurl") {
        None | Some(J::Null) => String::new(),
        Some(J::String(b)) => b.strip_suffix('/').unwrap_or(b).to_string(),
        Some(_) => return Value::Unknown,
    };
    if !url_plain(&base) {
        return Value::Unknown;
    }
    let lead = |p: &str| -> String {
        if p.is_empty() || p.starts_with('/') {
            p.to_string()
        } else {
            format!("/{p}")
        }
    };
    let joined = format!("{}{}", lead(&base), lead(&s));
    if joined.contains("//") || joined.contains("/.") || joined.is_empty() {
        // Addressable normalizes dot segments and empty authorities.
        return Value::Unknown;
    }
    Value::str(joined)
}

fn is_absolute(s: &str) -> bool {
    // A scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    let Some(i) = s.find(':') else { return false };
    let sch = &s[..i];
    !sch.is_empty()
        && sch.as_bytes()[0].is_ascii_alphabetic()
        && sch
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

fn absolute_url<'a>(site: &J, input: &Value<'a>) -> Value<'a> {
    if input.is_nil() {
        return Value::Nil;
    }
    let url = match site.get("url") {
        None | Some(J::Null) => None,
        Some(J::String(u)) if u.is_empty() => None,
        Some(J::String(u)) => Some(u.clone()),
        Some(_) => return Value::Unknown,
    };
    let rel = relative_url(site, input);
    let Some(url) = url else { return rel };
    let Some(r) = rel.as_str() else {
        return Value::Unknown;
    };
    // Addressable normalize of "https://host" + path: lowercase scheme and host, drop a
    // default port; keep simple URLs only.
    let Some((scheme, rest)) = url.split_once("://") else {
        return Value::Unknown;
    };
    if !scheme.bytes().all(|b| b.is_ascii_lowercase())
        || rest.contains(['/', ':', '@', '?', '#', '%'])
    {
        return Value::Unknown;
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        || rest.is_empty()
    {
        return Value::Unknown;
    }
    let path = if r.is_empty() { "/" } else { r };
    Value::str(format!("{scheme}://{rest}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(
            escape_once("a &amp; < &#39; &x"),
            "a &amp; &lt; &#39; &amp;x"
        );
        assert_eq!(cgi_escape("a b/é"), "a+b%2F%C3%A9");
        assert_eq!(ruby_split(" a  b ", " "), ["a", "b"]);
        assert_eq!(ruby_split("a,b,,", ","), ["a", "b"]);
        assert_eq!(slugify_default("Hello, 世界!"), "hello-世界");
        assert_eq!(base64(b"ab", false), "YWI=");
    }
}
