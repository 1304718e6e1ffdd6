//! `Jekyll::Excerpt#extract_excerpt`: the text Jekyll renders as a post's excerpt. It is
//! a separate Liquid template, and when a layout or a feed prints `excerpt` its errors
//! stop the build too — a `{{` whose `}}` lies past the first blank line parses in the
//! post but not in its excerpt.

use crate::ParseOptions;
use crate::syntax::{W, WS};
use regex::Regex;
use std::sync::LazyLock;

/// The excerpt's template text. `text[..head_len]` is `content[..head_len]` (same
/// bytes, same offsets); what follows is what Jekyll appends: end tags for blocks left
/// open (`\n{% endif %}`) and the link reference definitions the head uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    pub head_len: usize,
}

static LIQUID_TAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!(r"(?s)\{{%-?[{WS}]*([{W}]+)[{WS}]*.*?-?%\}}")).ok());
static LINK_REF: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?m)^ {0,3}(?:(\[[^\]]+\])(:.+))$").ok());

const BLOCKS: &[&str] = &[
    "comment",
    "if",
    "unless",
    "case",
    "for",
    "tablerow",
    "capture",
    "raw",
    "ifchanged",
    "highlight",
];

/// The excerpt of `content` (the post body after front matter) for `separator`
/// (`excerpt_separator`, Jekyll's default `"\n\n"`). `opts` names plugin blocks, which
/// Jekyll closes like its own. `None` when the separator is empty (no excerpt).
pub fn excerpt(content: &str, separator: &str, opts: &ParseOptions) -> Option<Excerpt> {
    if separator.is_empty() {
        return None;
    }
    let (head, tail) = match content.find(separator) {
        Some(i) => (&content[..i], &content[i + separator.len()..]),
        None => (content, ""),
    };
    let mut text = head.to_string();
    let head_len = head.len();
    if tail.is_empty() {
        return Some(Excerpt { text, head_len });
    }
    if text.contains("{%")
        && let Some(re) = LIQUID_TAG.as_ref()
    {
        let names: Vec<&str> = re
            .captures_iter(head)
            .filter_map(|c| c.get(1).map(|m| m.as_str()))
            .collect();
        // Whether `{%-?\s*end<name>.*?\s*-?%}` matches the head, once per block name
        // (at most the block tags there are), and the names appended so far: an
        // appended `{% end<x> %}` closes every name that <x> starts with, as in Ruby.
        let mut in_head: Vec<(&str, bool)> = Vec::new();
        let mut appended: Vec<&str> = Vec::new();
        for &name in names.iter().rev() {
            let block = BLOCKS.contains(&name) || opts.extra_blocks.contains(name);
            if !block {
                continue;
            }
            let found = match in_head.iter().find(|(n, _)| *n == name) {
                Some(&(_, f)) => f,
                None => {
                    let f = Regex::new(&format!(
                        r"(?s)\{{%-?[{WS}]*end{}.*?[{WS}]*-?%\}}",
                        regex::escape(name)
                    ))
                    .is_ok_and(|e| e.is_match(head));
                    in_head.push((name, f));
                    f
                }
            };
            if found || appended.iter().any(|a| a.starts_with(name)) {
                continue;
            }
            appended.push(name);
            text.push_str("\n{% end");
            text.push_str(name);
            text.push_str(" %}");
        }
    }
    if let Some(re) = LINK_REF.as_ref() {
        let defs: Vec<String> = re
            .captures_iter(tail)
            .filter_map(|c| {
                let label = c.get(1)?.as_str();
                let rest = c.get(2)?.as_str();
                text.contains(label).then(|| format!("{label}{rest}"))
            })
            .collect();
        if !defs.is_empty() {
            text.push_str("\n\n");
            text.push_str(&defs.join("\n"));
        }
    }
    Some(Excerpt { text, head_len })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closes_blocks_and_keeps_definitions() {
        let o = ParseOptions::default();
        let e =
            excerpt("a {% if x %}b\n\nc{% endif %}", "\n\n", &o).unwrap_or_else(|| unreachable!());
        assert_eq!(e.text, "a {% if x %}b\n{% endif %}");
        assert_eq!(e.head_len, 13);
        let e = excerpt("see [x]\n\n[x]: /u\n", "\n\n", &o).unwrap_or_else(|| unreachable!());
        assert_eq!(e.text, "see [x]\n\n[x]: /u");
        assert_eq!(excerpt("a", "", &o), None);
    }
}
