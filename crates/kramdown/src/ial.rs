//! Attribute lists: `parse_attribute_list` from parser/kramdown/extensions.rb.

use crate::text::{MText, Src, is_strip, is_word, is_ws};
use crate::tree::{Attr, AttrOrigin, Ial};

/// `ALD_ID_NAME` `\w[\w-]*` at p: end.
pub(crate) fn ald_id_name<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    if !s.at(p).is_some_and(is_word) {
        return None;
    }
    let mut q = p + 1;
    while s.at(q).is_some_and(|b| is_word(b) || b == b'-') {
        q += 1;
    }
    Some(q)
}

/// `(?=\s|\Z)` at p for text of length n.
fn ws_or_end(s: &[u8], p: usize) -> bool {
    match s.get(p) {
        None => true,
        Some(&b) if is_ws(b) => true,
        _ => false,
    }
}

/// KV value: `("|')((?:\\\}|\\\2|[^\}\2])*?)\2` followed by `(?=\s|\Z)`,
/// starting at the quote `q`. Returns (value start, value end, end after quote).
fn kv_value(s: &[u8], q: usize) -> Option<(usize, usize, usize)> {
    let quote = *s.get(q)?;
    let vs = q + 1;
    let mut j = vs;
    while j < s.len() {
        let b = *s.get(j)?;
        if b == quote && ws_or_end(s, j + 1) {
            // value s[vs..j] must be decomposable: no \x02, every '}' preceded by '\'
            let ok = (vs..j).all(|k| {
                let c = s.get(k).copied().unwrap_or(0);
                c != 2 && (c != b'}' || (k > vs && s.get(k - 1) == Some(&b'\\')))
            });
            if ok {
                return Some((vs, j, j + 1));
            }
        }
        if b == 2 || (b == b'}' && !(j > vs && s.get(j - 1) == Some(&b'\\'))) {
            return None;
        }
        j += 1;
    }
    None
}

/// Parse the attribute list `m` (the text inside `{: … }`) into `ial`
/// (kramdown's `parse_attribute_list`). `origin` tags the attributes.
/// Returns false when nothing valid was found (kramdown warns).
pub(crate) fn parse_attribute_list(
    m: &MText,
    ial: &mut Ial,
    origin: AttrOrigin,
    spans: &dyn Fn(usize, usize) -> std::ops::Range<usize>,
) -> bool {
    let s = m.bytes.as_slice();
    let trimmed: Vec<u8> = {
        let a = s.iter().position(|&b| !is_strip(b)).unwrap_or(s.len());
        let e = s.iter().rposition(|&b| !is_strip(b)).map_or(a, |x| x + 1);
        s.get(a..e).unwrap_or_default().to_vec()
    };
    if trimmed.is_empty() || trimmed == b":" {
        return true;
    }
    let mut found = false;
    let mut p = 0;
    let n = s.len();
    while p <= n {
        if p == 0
            && let Some(e) = try_token(s, 0, ial, origin, spans)
        {
            found = true;
            p = e.max(1);
            continue;
        }
        if s.get(p).is_some_and(|&b| is_ws(b))
            && let Some(e) = try_token(s, p + 1, ial, origin, spans)
        {
            found = true;
            p = e;
            continue;
        }
        p += 1;
    }
    found
}

fn try_token(
    s: &[u8],
    t: usize,
    ial: &mut Ial,
    origin: AttrOrigin,
    spans: &dyn Fn(usize, usize) -> std::ops::Range<usize>,
) -> Option<usize> {
    // KV pair
    if let Some(ke) = ald_id_name(s, t) {
        if s.get(ke) == Some(&b'=')
            && matches!(s.get(ke + 1), Some(b'"') | Some(b'\''))
            && let Some((vs, ve, end)) = kv_value(s, ke + 1)
        {
            let quote = s.get(ke + 1).copied().unwrap_or(b'"');
            let raw = s.get(vs..ve).unwrap_or_default();
            // val.gsub!(/\\(\}|quote)/, "\\1")
            let mut v = Vec::with_capacity(raw.len());
            let mut i = 0;
            while i < raw.len() {
                let b = raw.get(i).copied().unwrap_or(0);
                if b == b'\\' && matches!(raw.get(i + 1), Some(&c) if c == b'}' || c == quote) {
                    v.push(raw.get(i + 1).copied().unwrap_or(0));
                    i += 2;
                } else {
                    v.push(b);
                    i += 1;
                }
            }
            let name = String::from_utf8_lossy(s.get(t..ke).unwrap_or_default()).into_owned();
            ial.set(Attr {
                name: name.into(),
                value: String::from_utf8_lossy(&v).into_owned().into(),
                name_span: Some(spans(t, ke)),
                value_span: Some(spans(vs, ve)),
                origin,
            });
            return Some(end);
        }
        // REF
        if ws_or_end(s, ke) {
            ial.refs
                .push(String::from_utf8_lossy(s.get(t..ke).unwrap_or_default()).into_owned());
            return Some(ke);
        }
    }
    // ID_OR_CLASS_MULTI
    let mut q = t;
    let mut items: Vec<(bool, usize, usize)> = Vec::new();
    loop {
        match s.get(q) {
            Some(b'#') => {
                if s.get(q + 1).is_some_and(|b| b.is_ascii_alphabetic()) {
                    let mut r = q + 2;
                    while s
                        .get(r)
                        .is_some_and(|&b| is_word(b) || b == b':' || b == b'-')
                    {
                        r += 1;
                    }
                    items.push((true, q + 1, r));
                    q = r;
                } else {
                    break;
                }
            }
            Some(b'.') => {
                let mut r = q + 1;
                while s
                    .get(r)
                    .is_some_and(|&b| !is_ws(b) && b != b'.' && b != b'#')
                {
                    r += 1;
                }
                if r == q + 1 {
                    break;
                }
                items.push((false, q + 1, r));
                q = r;
            }
            _ => break,
        }
    }
    // greedy with backtracking: the token must end at \s or \Z; the only
    // backtracking that can help is dropping trailing items, which never
    // makes the lookahead succeed (the next char would be '#' or '.').
    if items.is_empty() || !ws_or_end(s, q) {
        return None;
    }
    for (is_id, a, e) in items {
        let v = String::from_utf8_lossy(s.get(a..e).unwrap_or_default()).into_owned();
        if is_id {
            ial.set(Attr {
                name: "id".into(),
                value: v.into(),
                name_span: None,
                value_span: Some(spans(a, e)),
                origin,
            });
        } else {
            let prev = ial
                .get("class")
                .map(|a| a.value.clone())
                .unwrap_or_default();
            let nv = format!("{prev} {v}").trim_start().to_string();
            ial.set(Attr {
                name: "class".into(),
                value: nv.into(),
                name_span: None,
                value_span: Some(spans(a, e)),
                origin,
            });
        }
    }
    Some(q)
}

/// `"#{a} #{b}".lstrip` (Ruby lstrip).
pub(crate) fn join_class(a: &str, b: &str) -> String {
    let s = format!("{a} {b}");
    s.trim_start_matches(|c: char| c.is_ascii() && is_strip(c as u8))
        .to_string()
}

/// Apply an IAL to attributes (`update_attr_with_ial`), resolving ALD refs.
pub(crate) fn update_attr_with_ial<'a>(
    attrs: &mut Vec<Attr<'a>>,
    ial: &Ial<'a>,
    alds: &std::collections::HashMap<String, Ial<'a>>,
) {
    // iterative expansion of refs (depth-first, in order), guarding cycles
    enum Step<'r, 'a> {
        Visit(&'r Ial<'a>, usize),
        Apply(&'r Ial<'a>, bool),
    }
    let mut stack = vec![Step::Visit(ial, 0)];
    let mut budget = 10_000usize;
    while let Some(st) = stack.pop() {
        match st {
            Step::Visit(i, depth) => {
                stack.push(Step::Apply(i, depth > 0));
                if depth < 64 {
                    for r in i.refs.iter().rev() {
                        if budget == 0 {
                            break;
                        }
                        budget -= 1;
                        if let Some(a) = alds.get(r) {
                            stack.push(Step::Visit(a, depth + 1));
                        }
                    }
                }
            }
            Step::Apply(i, from_ald) => {
                for a in &i.attrs {
                    let mut a = a.clone();
                    if from_ald && a.origin == AttrOrigin::Ial {
                        a.origin = AttrOrigin::Ald;
                    }
                    if a.name == "class" {
                        let prev = attrs
                            .iter()
                            .find(|x| x.name == "class")
                            .map(|x| x.value.clone())
                            .unwrap_or_default();
                        a.value = join_class(&prev, &a.value).into();
                    }
                    crate::tree::set_attr(attrs, a);
                }
            }
        }
    }
}

/// `update_ial_with_ial`.
pub(crate) fn update_ial_with_ial<'a>(ial: &mut Ial<'a>, opts: &Ial<'a>) {
    ial.refs.extend(opts.refs.iter().cloned());
    for a in &opts.attrs {
        let mut a = a.clone();
        if a.name == "class" {
            let prev = ial
                .get("class")
                .map(|x| x.value.clone())
                .unwrap_or_default();
            a.value = join_class(&prev, &a.value).into();
        }
        ial.set(a);
    }
}

#[allow(dead_code)]
pub(crate) fn is_ws_byte(b: u8) -> bool {
    is_ws(b)
}
