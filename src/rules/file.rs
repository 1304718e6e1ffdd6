//! PF: the file itself — its encoding and its name.

use regex::Regex;

use super::{Context, FixKind, OptionDef, Report, RuleDef, Scope};
use crate::jekyll::date::filename_date;
use crate::jekyll::document::Kind;
use crate::jekyll::yaml::Node;
use crate::settings::{Level, RuleSettings};

pub static PF001: RuleDef = RuleDef {
    code: "PF001",
    name: "invalid-utf8",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::File,
    reads_body: false,
    summary: "the file is not UTF-8 (points at the first bad byte)",
    doc: "\
## What it does
Reports a file that is not valid UTF-8, at its first invalid byte. A UTF-16 file (one that
starts with a UTF-16 byte order mark) is named as such.

## Why is this bad?
Jekyll reads posts as UTF-8 and stops with `invalid byte sequence in UTF-8` on such a file, or
publishes mojibake. Scrapers that save a page in its original encoding (GBK, UTF-16) produce
these files. The other rules still run on the file, with each bad byte read as a placeholder.

## Example
A title saved in GBK: `title: \"\\xd6\\xd0\\xce\\xc4\"`. Re-encode the file as UTF-8
(`iconv -f GBK -t UTF-8`).
",
    options: &[],
    check: Some(pf001),
};

pub static PF002: RuleDef = RuleDef {
    code: "PF002",
    name: "filename-pattern",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::File,
    reads_body: false,
    summary: "a post's file name is not `YYYY-MM-DD-slug.ext`",
    doc: "\
## What it does
Checks the file name of every file under a `_posts/` folder against the pack's pattern. The
`jekyll` pack uses Jekyll's own rule (`YYYY-MM-DD-title.ext`, one- or two-digit month and day);
the `finews` pack asks for `YYYY-MM-DD-<id>.md`.

## Why is this bad?
Jekyll silently ignores a file in `_posts/` whose name does not start with a date: the post is
never published, and nothing in the build says so.

## Example
`_posts/-202205262391921712.md` has no date. Rename it `_posts/2022-05-26-202205262391921712.md`.

## Options
- `pattern`: a regular expression the file name must match
  (default `^[0-9]{2,4}-[0-9]{1,2}-[0-9]{1,2}-[^/]*\\.[^./]+$`, Jekyll's matcher: ASCII digits, as in Ruby).
",
    options: PF002_OPTIONS,
    check: Some(pf002),
};

/// Set an option of a PF rule. `Ok(false)` means the rule has no such option.
const PF002_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "pattern",
    set: set_pattern,
}];

fn set_pattern(s: &mut RuleSettings, value: &Node) -> Result<(), String> {
    let text = value.as_str().ok_or("`pattern` must be a string")?;
    s.file.pattern = Some(Regex::new(text).map_err(|e| {
        format!(
            "invalid regular expression: {}",
            crate::base::text::regex_error(&e)
        )
    })?);
    Ok(())
}

fn pf001(cx: &Context, out: &mut Report) {
    let post = cx.post;
    let Some((offset, byte)) = post.first_invalid else {
        return;
    };
    let (message, help) = if post.utf16 {
        (
            "file is UTF-16, not UTF-8".to_string(),
            "save the file as UTF-8 (without a byte order mark)",
        )
    } else {
        (
            format!(
                "file is not valid UTF-8: byte 0x{byte:02X} cannot start or continue a character"
            ),
            "re-encode the file as UTF-8 (e.g. `iconv -f GBK -t UTF-8`)",
        )
    };
    out.push(
        out.diag(offset..offset + 1, message)
            .with_label(format!("first invalid byte (0x{byte:02X})"))
            .with_help(help),
    );
}

fn pf002(cx: &Context, out: &mut Report) {
    let post = cx.post;
    if post.kind != Kind::Post {
        return;
    }
    let pattern = cx.settings.rules.file.pattern();
    if pattern.is_match(&post.file_name) {
        return;
    }
    let has_date = filename_date(&post.file_name).is_some();
    let message = if has_date {
        format!(
            "file name `{}` does not match the post name pattern",
            post.file_name
        )
    } else {
        format!(
            "file name `{}` does not start with a date: Jekyll ignores this post",
            post.file_name
        )
    };
    let help = match suggestion(cx, &post.file_name) {
        Some(s) => format!("rename it to `{s}`"),
        None if has_date => format!(
            "rename it to match the pack's pattern `{}`",
            pattern.as_str()
        ),
        None => format!(
            "rename it to start with the post's date: `YYYY-MM-DD-{}`",
            post.file_name.trim_start_matches(['-', '_', ' '])
        ),
    };
    out.push(
        out.diag(post.start..post.start, message)
            .with_label("in this file")
            .with_help(help),
    );
}

/// A file name that would match: the front matter's date joined to the current name.
fn suggestion(cx: &Context, name: &str) -> Option<String> {
    let date = cx.post.root()?.get("date")?.as_str()?;
    let day = date.get(..10)?;
    if !day.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    }) {
        return None;
    }
    let stem = name.trim_start_matches(['-', '_', ' ']);
    let candidate = if filename_date(name).is_some() {
        return None;
    } else {
        format!("{day}-{stem}")
    };
    cx.settings
        .rules
        .file
        .pattern()
        .is_match(&candidate)
        .then_some(candidate)
}
