//! FM: the front matter block and its schema.

use std::collections::HashMap;
use std::ops::Range;

use super::{Context, FixKind, OptionDef, Report, RuleDef, Scope};
use crate::base::suggest::did_you_mean;
use crate::base::text::line_of;
use crate::diagnostic::{Edit, Fix};
use crate::jekyll::document::FrontMatter;
use crate::jekyll::yaml::NodeExt;
use crate::jekyll::yaml::{Node, NodeKind};
use crate::settings::options::{ValueType, upsert};
use crate::settings::{Level, RuleSettings};

pub static FM001: RuleDef = RuleDef {
    code: "FM001",
    name: "missing-front-matter",
    default: Level::Warning,
    fix: FixKind::Safe,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "the file does not start with a `---` line",
    doc: "\
## What it does
Reports a file that does not begin with a front matter block: a `---` line, YAML, and a closing
`---` (or `...`) line. When a complete block follows blank lines, it points at the block and
offers to remove the blank lines.

## Why is this bad?
Jekyll only reads front matter that starts on the very first line (after a byte order mark).
Otherwise the whole file is content: the post gets no layout, no title and no date of its own,
and the YAML is published as text. The `jekyll` pack warns (Jekyll still publishes such a
post); the `finews` pack makes it an error.

## Example
```
(empty line)
---
layout: post
---
```
Delete the empty line so that `---` is on line 1.
",
    options: &[],
    check: Some(fm001),
};

pub static FM002: RuleDef = RuleDef {
    code: "FM002",
    name: "unterminated-front-matter",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "no closing `---`",
    doc: "\
## What it does
Reports a front matter block that is opened by `---` but never closed by a `---` or `...` line.

## Why is this bad?
Jekyll does not recognise the block at all: the YAML becomes part of the page and the post has
no title, date or layout.

## Example
```
---
title: \"Markets open higher\"
date: 2021-12-08 09:30:00 +0800
Shares rose…
```
Add a `---` line after the last key.
",
    options: &[],
    check: Some(fm002),
};

pub static FM003: RuleDef = RuleDef {
    code: "FM003",
    name: "invalid-yaml",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "YAML syntax error, at its position",
    doc: "\
## What it does
Parses the front matter as YAML and reports the first syntax error where the parser found it.
A front matter that is valid YAML but not a mapping of keys to values is reported too.

## Why is this bad?
Jekyll logs `YAML Exception` and builds the post without any of its front matter (or stops
with `--strict_front_matter`).

## Example
`title: \"Shares \"rise\" today\"` — the inner quotes end the string early. Use single quotes
around the value or escape the inner ones (`\\\"`).
",
    options: &[],
    check: Some(fm003),
};

pub static FM004: RuleDef = RuleDef {
    code: "FM004",
    name: "missing-key",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "a required key is absent (layout, title, date, categories, tags)",
    doc: "\
## What it does
Reports each key of the pack's required list that the front matter lacks, at the closing `---`
where it should be added.

## Why is this bad?
A post without a title shows an empty heading; without a date, Jekyll takes the file name's
date at midnight; without categories or tags it falls out of the site's category pages.

## Example
The `finews` pack requires `layout`, `title`, `date`, `categories` and `tags`.

## Options
- `keys`: the required keys (the `jekyll` pack requires none).
",
    options: FM004_OPTIONS,
    check: Some(fm004),
};

pub static FM005: RuleDef = RuleDef {
    code: "FM005",
    name: "wrong-type",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "a value of the wrong type, or empty (title a list, tags a map, title \"\")",
    doc: "\
## What it does
Checks each key's value against the type the pack gives it, and reports empty values of the
keys that must not be empty.

Types: `string` (any single value: text, number, date), `bool`, `int`, `list` (a list of
single values), `string-or-list` (Jekyll's `categories` and `tags`: a space-separated string or
a list), `map`, `any`.

## Why is this bad?
`published: \"false\"` is a string, which Ruby treats as true: the post is published. A title
that is a list renders as `[\"a\", \"b\"]`. An empty title gives a post without a heading.

## Example
`tags: {markets: 1}` — tags must be a string or a list.

## Options
- `types`: a map of key to type.
- `non_empty`: keys whose value must not be empty (`\"\"`, `[]` or null).
",
    options: FM005_OPTIONS,
    check: Some(fm005),
};

pub static FM006: RuleDef = RuleDef {
    code: "FM006",
    name: "unknown-key",
    default: Level::Off,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "a key the schema does not know",
    doc: "\
## What it does
Reports front matter keys that the pack's schema does not list: the keys FM004 requires,
FM005 wants non-empty, FM007 restricts, and FM006's own `known` list. (FM005's `types` are
not a list of allowed keys: the `jekyll` pack types keys such as `tag` that a site may ban.) Close misspellings get a suggestion.

## Why is this bad?
A misspelt key (`tag:` for `tags:`, `categroies:`) is silently ignored by Jekyll: the post
loses its tags. Off in the `jekyll` pack, where any key is allowed.

## Example
`tag: 东财滚动新闻` — did you mean `tags`?

## Options
- `known`: further keys that are allowed.
",
    options: FM006_OPTIONS,
    check: Some(fm006),
};

pub static FM007: RuleDef = RuleDef {
    code: "FM007",
    name: "disallowed-value",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "a value outside the allowed set (layout not in [post])",
    doc: "\
## What it does
Reports a value that is not one of the values the pack allows for its key. For a list value,
each item is checked.

## Why is this bad?
A post with `layout: default` or a misspelt layout renders without the post template (Jekyll
only warns that the layout does not exist).

## Example
`layout: posts` — the `finews` pack allows only `post`.

## Options
- `allowed`: a map of key to the list of allowed values.
",
    options: FM007_OPTIONS,
    check: Some(fm007),
};

pub static FM008: RuleDef = RuleDef {
    code: "FM008",
    name: "duplicate-key",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "the same key twice",
    doc: "\
## What it does
Reports a key that appears more than once in the same mapping, pointing at both.

## Why is this bad?
Jekyll keeps the last value without a word; the first one, often the one a writer just edited,
is silently lost.

## Example
```
title: \"Old title\"
title: \"New title\"
```
",
    options: &[],
    check: Some(fm008),
};

const FM004_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "keys",
    set: |s, v| {
        s.front_matter.required = v.string_list("keys")?;
        Ok(())
    },
}];

const FM005_OPTIONS: &[OptionDef] = &[
    OptionDef {
        key: "non_empty",
        set: |s, v| {
            s.front_matter.non_empty = v.string_list("non_empty")?;
            Ok(())
        },
    },
    OptionDef {
        key: "types",
        set: set_types,
    },
];

const FM006_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "known",
    set: |s, v| {
        s.front_matter.known = v.string_list("known")?;
        Ok(())
    },
}];

const FM007_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "allowed",
    set: set_allowed,
}];

fn set_types(s: &mut RuleSettings, value: &Node) -> Result<(), String> {
    let entries = value
        .as_map()
        .ok_or("`types` must be a mapping of key to type")?;
    for (k, v) in entries {
        let name = k.as_str().ok_or("`types` keys must be strings")?;
        let ty = v.as_str().and_then(ValueType::parse).ok_or_else(|| {
            format!(
                "unknown type for `{name}`: expected one of string, bool, int, list, string-or-list, map, any"
            )
        })?;
        upsert(&mut s.front_matter.types, name.to_string(), ty);
    }
    Ok(())
}

fn set_allowed(s: &mut RuleSettings, value: &Node) -> Result<(), String> {
    let entries = value
        .as_map()
        .ok_or("`allowed` must be a mapping of key to a list of values")?;
    for (k, v) in entries {
        let name = k.as_str().ok_or("`allowed` keys must be strings")?;
        upsert(
            &mut s.front_matter.allowed,
            name.to_string(),
            v.string_list("allowed")?,
        );
    }
    Ok(())
}

/// The front matter's mapping and its closing line, when it parsed as one.
fn mapping<'p>(cx: &Context<'p>) -> Option<(&'p Node, Range<usize>)> {
    match &cx.post.front_matter {
        FrontMatter::Parsed {
            root: Some(root),
            close,
            ..
        } if root.as_map().is_some() => Some((root, close.clone())),
        _ => None,
    }
}

/// The entries of a post's front matter mapping (the schema is the posts' schema: pages have
/// their own keys).
fn post_entries<'p>(cx: &Context<'p>) -> &'p [(Node, Node)] {
    match mapping(cx) {
        Some((root, _)) if cx.post.is_post() => root.as_map().unwrap_or(&[]),
        _ => &[],
    }
}

fn fm001(cx: &Context, out: &mut Report) {
    let post = cx.post;
    let FrontMatter::Missing { late } = &post.front_matter else {
        return;
    };
    // Outside `_posts/`, a file without front matter is a static file: fine.
    if !(post.is_post() || late.is_some()) {
        return;
    }
    let d = match late {
        Some(open) => {
            let blank = line_of(&post.text, open.start) - line_of(&post.text, post.start);
            let plural = if blank == 1 { "" } else { "s" };
            out.diag(
                open.clone(),
                format!(
                    "front matter starts on line {}, not line 1: Jekyll will not read it",
                    blank + 1
                ),
            )
            .with_label("must be the first line")
            .with_help(format!(
                "delete the {blank} blank line{plural} before `---`"
            ))
            .with_fix(Fix {
                edits: vec![Edit {
                    range: post.start..open.start,
                    replacement: String::new(),
                }],
            })
        }
        None => {
            let first_line_end = post.text[post.start..]
                .find(['\n', '\r'])
                .map_or(post.text.len(), |i| post.start + i);
            out.diag(post.start..first_line_end, "file has no front matter")
                .with_label("expected `---` here")
                .with_help(
                    "start the file with a `---` line, the front matter keys, and a closing `---` line",
                )
        }
    };
    out.push(d);
}

fn fm002(cx: &Context, out: &mut Report) {
    if let FrontMatter::Unterminated { open } = &cx.post.front_matter {
        out.push(
            out.diag(open.clone(), "front matter is never closed")
                .with_label("opened here")
                .with_help("add a `---` line after the last front matter key"),
        );
    }
}

fn fm003(cx: &Context, out: &mut Report) {
    let post = cx.post;
    match &post.front_matter {
        FrontMatter::Invalid { error, close, .. } => {
            let message = format!("front matter is not valid YAML: {}", error.message);
            // An error at the very end means the YAML stopped mid-structure: point at its
            // last character rather than at the closing delimiter.
            let (span, label) = if error.offset >= close.start {
                let end = post.text[..close.start].trim_end().len();
                let start = post.text[..end]
                    .char_indices()
                    .next_back()
                    .map_or(end, |(i, _)| i);
                (start..end, "the YAML ends here, incomplete")
            } else {
                let at = error.offset.min(post.text.len());
                (at..next_char_end(&post.text, at), "here")
            };
            out.push(out.diag(span, message).with_label(label).with_help(
                "Jekyll drops the whole front matter of this post; fix the YAML syntax",
            ));
        }
        FrontMatter::Parsed {
            root: Some(root), ..
        } if root.as_map().is_none() => {
            out.push(
                out.diag(
                    root.span.clone(),
                    format!(
                        "front matter is {}, not a mapping of keys to values",
                        root.type_name()
                    ),
                )
                .with_label("expected `key: value` lines")
                .with_help("write the front matter as `key: value` lines"),
            );
        }
        _ => {}
    }
}

fn next_char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(at, |c| at + c.len_utf8())
}

fn fm004(cx: &Context, out: &mut Report) {
    if !cx.post.is_post() {
        return;
    }
    let (entries, close) = match &cx.post.front_matter {
        FrontMatter::Parsed {
            root: Some(root),
            close,
            ..
        } => match root.as_map() {
            Some(entries) => (entries, close),
            None => return,
        },
        FrontMatter::Parsed {
            root: None, close, ..
        } => (&[][..], close),
        _ => return,
    };
    for key in &cx.settings.rules.front_matter.required {
        if entries
            .iter()
            .any(|(n, _)| n.as_str() == Some(key.as_str()))
        {
            continue;
        }
        out.push(
            out.diag(close.clone(), format!("required key `{key}` is missing"))
                .with_label(format!("add `{key}` before this line"))
                .with_help(format!("add a `{key}: …` line to the front matter")),
        );
    }
}

fn fm005(cx: &Context, out: &mut Report) {
    let opts = &cx.settings.rules.front_matter;
    for (key_node, value) in post_entries(cx) {
        let Some(key) = key_node.as_str() else {
            continue;
        };
        if let Some((_, ty)) = opts.types.iter().find(|(k, _)| k == key)
            && !value.is_null()
            && !ty.accepts(value)
        {
            out.push(
                out.diag(
                    value.span.clone(),
                    format!("`{key}` is {}", value.type_name()),
                )
                .with_label(format!("expected {}", ty.describe()))
                .with_help(type_help(key, *ty, value)),
            );
        } else if opts.non_empty.iter().any(|k| k == key) && is_empty(value) {
            let span = if value.span.is_empty() {
                key_node.span.clone()
            } else {
                value.span.clone()
            };
            out.push(
                out.diag(span, format!("`{key}` is empty"))
                    .with_label("empty value")
                    .with_help(format!("give `{key}` a value")),
            );
        }
    }
}

fn fm006(cx: &Context, out: &mut Report) {
    let opts = &cx.settings.rules.front_matter;
    for (key_node, _) in post_entries(cx) {
        let Some(key) = key_node.as_str() else {
            continue;
        };
        if opts.is_known(key) {
            continue;
        }
        let known = opts.all_known();
        let help = match did_you_mean(key, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known keys: {}", known.join(", ")),
        };
        out.push(
            out.diag(
                key_node.span.clone(),
                format!("unknown front matter key `{key}`"),
            )
            .with_label("not in the schema")
            .with_help(help),
        );
    }
}

fn fm007(cx: &Context, out: &mut Report) {
    let opts = &cx.settings.rules.front_matter;
    for (key_node, value) in post_entries(cx) {
        let Some(key) = key_node.as_str() else {
            continue;
        };
        let Some((_, allowed)) = opts.allowed.iter().find(|(k, _)| k == key) else {
            continue;
        };
        let items: Vec<&Node> = match value.as_seq() {
            Some(items) => items.iter().collect(),
            None => vec![value],
        };
        for item in items {
            let Some(v) = item.as_str() else { continue };
            if item.is_null() || allowed.iter().any(|a| a == v) {
                continue;
            }
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let help = match did_you_mean(v, allowed.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? allowed: {list}"),
                None => format!("allowed: {list}"),
            };
            out.push(
                out.diag(item.span.clone(), format!("`{key}: {v}` is not allowed"))
                    .with_label("not an allowed value")
                    .with_help(help),
            );
        }
    }
}

/// Duplicate keys in every mapping of the front matter (iteratively: no recursion).
fn fm008(cx: &Context, out: &mut Report) {
    let Some((root, _)) = mapping(cx) else {
        return;
    };
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Map { entries, .. } => {
                let mut first: HashMap<&str, &Node> = HashMap::new();
                for (k, v) in entries {
                    stack.push(v);
                    let Some(key) = k.as_str() else { continue };
                    if let Some(prev) = first.get(key) {
                        out.push(
                            out.diag(k.span.clone(), format!("key `{key}` is defined twice"))
                                .with_label("defined again here")
                                .with_secondary(prev.span.clone(), "first defined here")
                                .with_help("Jekyll keeps only the last value: remove one of them"),
                        );
                    } else {
                        first.insert(key, k);
                    }
                }
            }
            NodeKind::Seq { items, .. } => stack.extend(items.iter()),
            _ => {}
        }
    }
}

fn is_empty(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { value, .. } => node.is_null() || value.trim().is_empty(),
        NodeKind::Seq { items, .. } => items.is_empty(),
        NodeKind::Map { entries, .. } => entries.is_empty(),
        NodeKind::Alias { .. } => false,
    }
}

fn type_help(key: &str, ty: ValueType, value: &Node) -> String {
    match (ty, value.as_str()) {
        (ValueType::Bool, Some(s)) if matches!(s, "true" | "false") => {
            format!(
                "write `{key}: {s}` without quotes: a quoted \"{s}\" is a string, and any string counts as true"
            )
        }
        (ValueType::StringOrList | ValueType::List, _) if value.as_map().is_some() => {
            format!("write `{key}` as a list (`[a, b]`) or a space-separated string")
        }
        _ => format!("`{key}` must be {}", ty.describe()),
    }
}
