//! FM: the front matter block and its schema.

use std::collections::HashMap;

use super::{Context, Level, Rule, RuleMeta, did_you_mean};
use crate::diagnostic::{Edit, Fix};
use crate::loader::FrontMatter;
use crate::source::line_of;
use crate::yaml::{Node, NodeKind, ScalarType};

pub static FM001: RuleMeta = RuleMeta {
    code: "FM001",
    name: "missing-front-matter",
    default: Level::Warn,
    fixable: true,
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
};

pub static FM002: RuleMeta = RuleMeta {
    code: "FM002",
    name: "unterminated-front-matter",
    default: Level::Error,
    fixable: false,
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
};

pub static FM003: RuleMeta = RuleMeta {
    code: "FM003",
    name: "invalid-yaml",
    default: Level::Error,
    fixable: false,
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
};

pub static FM004: RuleMeta = RuleMeta {
    code: "FM004",
    name: "missing-key",
    default: Level::Error,
    fixable: false,
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
};

pub static FM005: RuleMeta = RuleMeta {
    code: "FM005",
    name: "wrong-type",
    default: Level::Error,
    fixable: false,
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
};

pub static FM006: RuleMeta = RuleMeta {
    code: "FM006",
    name: "unknown-key",
    default: Level::Off,
    fixable: false,
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
};

pub static FM007: RuleMeta = RuleMeta {
    code: "FM007",
    name: "disallowed-value",
    default: Level::Error,
    fixable: false,
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
};

pub static FM008: RuleMeta = RuleMeta {
    code: "FM008",
    name: "duplicate-key",
    default: Level::Warn,
    fixable: false,
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
};

/// The value types FM005 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Bool,
    Int,
    List,
    StringOrList,
    Map,
    Any,
}

impl ValueType {
    pub fn parse(s: &str) -> Option<ValueType> {
        Some(match s {
            "string" => ValueType::String,
            "bool" => ValueType::Bool,
            "int" => ValueType::Int,
            "list" => ValueType::List,
            "string-or-list" => ValueType::StringOrList,
            "map" => ValueType::Map,
            "any" => ValueType::Any,
            _ => return None,
        })
    }

    fn describe(self) -> &'static str {
        match self {
            ValueType::String => "a single value (a string)",
            ValueType::Bool => "a boolean (true or false)",
            ValueType::Int => "an integer",
            ValueType::List => "a list",
            ValueType::StringOrList => "a string or a list of strings",
            ValueType::Map => "a mapping",
            ValueType::Any => "anything",
        }
    }

    fn accepts(self, node: &Node) -> bool {
        let scalar = |n: &Node| matches!(n.kind, NodeKind::Scalar { .. } | NodeKind::Alias);
        match self {
            ValueType::Any => true,
            ValueType::String => scalar(node),
            ValueType::Bool => node.scalar_type() == Some(ScalarType::Bool),
            ValueType::Int => node.scalar_type() == Some(ScalarType::Int),
            ValueType::List => node.as_seq().is_some_and(|items| items.iter().all(scalar)),
            ValueType::StringOrList => scalar(node) || ValueType::List.accepts(node),
            ValueType::Map => node.as_map().is_some(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub required: Vec<String>,
    pub types: Vec<(String, ValueType)>,
    pub non_empty: Vec<String>,
    pub known: Vec<String>,
    pub allowed: Vec<(String, Vec<String>)>,
}

impl Options {
    fn is_known(&self, key: &str) -> bool {
        self.required.iter().any(|k| k == key)
            || self.known.iter().any(|k| k == key)
            || self.allowed.iter().any(|(k, _)| k == key)
            || self.non_empty.iter().any(|k| k == key)
    }

    fn all_known(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .required
            .iter()
            .chain(self.known.iter())
            .chain(self.non_empty.iter())
            .map(String::as_str)
            .chain(self.allowed.iter().map(|(k, _)| k.as_str()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

fn upsert<T>(list: &mut Vec<(String, T)>, key: String, value: T) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => list.push((key, value)),
    }
}

/// Set an option of an FM rule. `Ok(false)` means the rule has no such option.
pub fn set_option(opts: &mut Options, rule: Rule, key: &str, value: &Node) -> Result<bool, String> {
    match (rule, key) {
        (Rule::FM004, "keys") => opts.required = value.string_list(key)?,
        (Rule::FM005, "non_empty") => opts.non_empty = value.string_list(key)?,
        (Rule::FM006, "known") => opts.known = value.string_list(key)?,
        (Rule::FM005, "types") => {
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
                upsert(&mut opts.types, name.to_string(), ty);
            }
        }
        (Rule::FM007, "allowed") => {
            let entries = value
                .as_map()
                .ok_or("`allowed` must be a mapping of key to a list of values")?;
            for (k, v) in entries {
                let name = k.as_str().ok_or("`allowed` keys must be strings")?;
                upsert(
                    &mut opts.allowed,
                    name.to_string(),
                    v.string_list("allowed")?,
                );
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

pub fn check(ctx: &mut Context) {
    let post = ctx.post;
    match &post.front_matter {
        FrontMatter::Missing { late } => {
            // Outside `_posts/`, a file without front matter is a static file: fine.
            if ctx.enabled(Rule::FM001) && (post.is_post() || late.is_some()) {
                missing(ctx, late.clone());
            }
        }
        FrontMatter::Unterminated { open } => {
            if ctx.enabled(Rule::FM002) {
                let d = ctx
                    .diag(Rule::FM002, open.clone(), "front matter is never closed")
                    .with_label("opened here")
                    .with_help("add a `---` line after the last front matter key");
                ctx.push(d);
            }
        }
        FrontMatter::Invalid { error, close, .. } => {
            if ctx.enabled(Rule::FM003) {
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
                let d = ctx
                    .diag(Rule::FM003, span, message)
                    .with_label(label)
                    .with_help(
                        "Jekyll drops the whole front matter of this post; fix the YAML syntax",
                    );
                ctx.push(d);
            }
        }
        FrontMatter::Parsed { root, close, .. } => match root {
            Some(root) if root.as_map().is_some() => schema(ctx, root, close.clone()),
            Some(root) => {
                if ctx.enabled(Rule::FM003) {
                    let d = ctx
                        .diag(
                            Rule::FM003,
                            root.span.clone(),
                            format!(
                                "front matter is {}, not a mapping of keys to values",
                                root.type_name()
                            ),
                        )
                        .with_label("expected `key: value` lines")
                        .with_help("write the front matter as `key: value` lines");
                    ctx.push(d);
                }
            }
            None => {
                if post.is_post() {
                    required(ctx, &[], close.clone());
                }
            }
        },
    }
}

fn next_char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(at, |c| at + c.len_utf8())
}

fn missing(ctx: &mut Context, late: Option<std::ops::Range<usize>>) {
    let post = ctx.post;
    let d = match late {
        Some(open) => {
            let blank = line_of(&post.text, open.start) - line_of(&post.text, post.start);
            let plural = if blank == 1 { "" } else { "s" };
            ctx.diag(
                Rule::FM001,
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
            ctx.diag(
                Rule::FM001,
                post.start..first_line_end,
                "file has no front matter",
            )
            .with_label("expected `---` here")
            .with_help(
                "start the file with a `---` line, the front matter keys, and a closing `---` line",
            )
        }
    };
    ctx.push(d);
}

fn schema(ctx: &mut Context, root: &Node, close: std::ops::Range<usize>) {
    let opts = &ctx.settings.front_matter;
    let entries = root.as_map().unwrap_or(&[]);

    if ctx.enabled(Rule::FM008) {
        duplicates(ctx, root);
    }
    // The schema is the posts' schema: pages have their own keys.
    if !ctx.post.is_post() {
        return;
    }
    required(ctx, entries, close);

    for (key_node, value) in entries {
        let Some(key) = key_node.as_str() else {
            continue;
        };
        if ctx.enabled(Rule::FM005) {
            if let Some((_, ty)) = opts.types.iter().find(|(k, _)| k == key)
                && !value.is_null()
                && !ty.accepts(value)
            {
                let d = ctx
                    .diag(
                        Rule::FM005,
                        value.span.clone(),
                        format!("`{key}` is {}", value.type_name()),
                    )
                    .with_label(format!("expected {}", ty.describe()))
                    .with_help(type_help(key, *ty, value));
                ctx.push(d);
            } else if opts.non_empty.iter().any(|k| k == key) && is_empty(value) {
                let span = if value.span.is_empty() {
                    key_node.span.clone()
                } else {
                    value.span.clone()
                };
                let d = ctx
                    .diag(Rule::FM005, span, format!("`{key}` is empty"))
                    .with_label("empty value")
                    .with_help(format!("give `{key}` a value"));
                ctx.push(d);
            }
        }
        if ctx.enabled(Rule::FM006) && !opts.is_known(key) {
            let known = opts.all_known();
            let help = match did_you_mean(key, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known keys: {}", known.join(", ")),
            };
            let d = ctx
                .diag(
                    Rule::FM006,
                    key_node.span.clone(),
                    format!("unknown front matter key `{key}`"),
                )
                .with_label("not in the schema")
                .with_help(help);
            ctx.push(d);
        }
        if ctx.enabled(Rule::FM007)
            && let Some((_, allowed)) = opts.allowed.iter().find(|(k, _)| k == key)
        {
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
                let d = ctx
                    .diag(
                        Rule::FM007,
                        item.span.clone(),
                        format!("`{key}: {v}` is not allowed"),
                    )
                    .with_label("not an allowed value")
                    .with_help(help);
                ctx.push(d);
            }
        }
    }
}

fn is_empty(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { value, .. } => node.is_null() || value.trim().is_empty(),
        NodeKind::Seq(items) => items.is_empty(),
        NodeKind::Map(entries) => entries.is_empty(),
        NodeKind::Alias => false,
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

fn required(ctx: &mut Context, entries: &[(Node, Node)], close: std::ops::Range<usize>) {
    if !ctx.enabled(Rule::FM004) {
        return;
    }
    let missing: Vec<String> = ctx
        .settings
        .front_matter
        .required
        .iter()
        .filter(|k| !entries.iter().any(|(n, _)| n.as_str() == Some(k.as_str())))
        .cloned()
        .collect();
    for key in missing {
        let d = ctx
            .diag(
                Rule::FM004,
                close.clone(),
                format!("required key `{key}` is missing"),
            )
            .with_label(format!("add `{key}` before this line"))
            .with_help(format!("add a `{key}: …` line to the front matter"));
        ctx.push(d);
    }
}

/// Duplicate keys in every mapping of the front matter (iteratively: no recursion).
fn duplicates(ctx: &mut Context, root: &Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Map(entries) => {
                let mut first: HashMap<&str, &Node> = HashMap::new();
                for (k, v) in entries {
                    stack.push(v);
                    let Some(key) = k.as_str() else { continue };
                    if let Some(prev) = first.get(key) {
                        let d = ctx
                            .diag(
                                Rule::FM008,
                                k.span.clone(),
                                format!("key `{key}` is defined twice"),
                            )
                            .with_label("defined again here")
                            .with_secondary(prev.span.clone(), "first defined here")
                            .with_help("Jekyll keeps only the last value: remove one of them");
                        ctx.push(d);
                    } else {
                        first.insert(key, k);
                    }
                }
            }
            NodeKind::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
}
