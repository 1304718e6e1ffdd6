//! PF: the file itself — its encoding and its name.

use std::sync::LazyLock;

use regex::Regex;

use super::{Context, Level, Rule, RuleMeta};
use crate::loader::Kind;
use crate::yaml::Node;

pub static PF001: RuleMeta = RuleMeta {
    code: "PF001",
    name: "invalid-utf8",
    default: Level::Error,
    fixable: false,
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
};

pub static PF002: RuleMeta = RuleMeta {
    code: "PF002",
    name: "filename-pattern",
    default: Level::Error,
    fixable: false,
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
};

/// Jekyll's `DATE_FILENAME_MATCHER`, applied to the file name.
pub const JEKYLL_PATTERN: &str = r"^[0-9]{2,4}-[0-9]{1,2}-[0-9]{1,2}-[^/]*\.[^./]+$";

static JEKYLL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(JEKYLL_PATTERN).expect("constant regex"));

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// PF002's `pattern`; `None` for Jekyll's (compiled only if used: a pack's own pattern
    /// replaces it, and compiling costs a one-file run).
    pub pattern: Option<Regex>,
}

impl Options {
    pub fn pattern(&self) -> &Regex {
        self.pattern.as_ref().unwrap_or(&JEKYLL)
    }
}

/// Set an option of a PF rule. `Ok(false)` means the rule has no such option.
pub fn set_option(opts: &mut Options, rule: Rule, key: &str, value: &Node) -> Result<bool, String> {
    match (rule, key) {
        (Rule::PF002, "pattern") => {
            let s = value.as_str().ok_or("`pattern` must be a string")?;
            opts.pattern =
                Some(Regex::new(s).map_err(|e| format!("invalid regular expression: {e}"))?);
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The (year, month, day) at the start of a post's file name: Jekyll's
/// `^(\d{2,4})-(\d{1,2})-(\d{1,2})-` with ASCII digits, read by hand (it runs several times
/// per post).
pub fn filename_date(name: &str) -> Option<(i32, u32, u32)> {
    let mut rest = name.as_bytes();
    let mut field = |min: usize, max: usize| -> Option<u32> {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if n < min || n > max || rest.get(n) != Some(&b'-') {
            return None;
        }
        let value = rest[..n]
            .iter()
            .fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
        rest = &rest[n + 1..];
        Some(value)
    };
    let year = field(2, 4)?;
    let month = field(1, 2)?;
    let day = field(1, 2)?;
    Some((i32::try_from(year).ok()?, month, day))
}

pub fn check(ctx: &mut Context) {
    let post = ctx.post;
    if ctx.enabled(Rule::PF001)
        && let Some((offset, byte)) = post.first_invalid
    {
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
        let d = ctx
            .diag(Rule::PF001, offset..offset + 1, message)
            .with_label(format!("first invalid byte (0x{byte:02X})"))
            .with_help(help);
        ctx.push(d);
    }
    if ctx.enabled(Rule::PF002) && post.kind == Kind::Post {
        let pattern = ctx.settings.file.pattern();
        if !pattern.is_match(&post.file_name) {
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
            let help = match suggestion(ctx, &post.file_name) {
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
            let start = post.start;
            let d = ctx
                .diag(Rule::PF002, start..start, message)
                .with_label("in this file")
                .with_help(help);
            ctx.push(d);
        }
    }
}

/// A file name that would match: the front matter's date joined to the current name.
fn suggestion(ctx: &Context, name: &str) -> Option<String> {
    let date = ctx.post.root()?.get("date")?.as_str()?;
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
    ctx.settings
        .file
        .pattern()
        .is_match(&candidate)
        .then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written reader agrees with Jekyll's matcher (as a regex) on every shape.
    #[test]
    fn filename_date_is_jekylls_matcher() {
        let re = Regex::new(r"^([0-9]{2,4})-([0-9]{1,2})-([0-9]{1,2})-").unwrap();
        let names = [
            "2021-12-08-a.md",
            "2017-2-5-short.md",
            "21-1-1-x.md",
            "12345-01-01-x.md",
            "2021-123-01-x.md",
            "2021-12-08.md",
            "2021-12-08",
            "2021-12-8-",
            "2021--08-x.md",
            "-2021-12-08-x.md",
            "２０２１-12-08-x.md",
            "2021-12-08x-a.md",
            "0000-00-00-zero.md",
            "",
            "1-1-1-x.md",
        ];
        for name in names {
            let expected = re.captures(name).map(|c| {
                let n = |i: usize| c[i].parse::<u32>().unwrap();
                (n(1) as i32, n(2), n(3))
            });
            assert_eq!(filename_date(name), expected, "{name}");
        }
    }
}
