//! DT: the front matter `date` — its form, time zone, calendar, agreement with the file name,
//! and whether Jekyll will publish it now.

use std::ops::Range;
use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use regex::Regex;

use super::{Context, Level, Rule, RuleMeta};
use crate::diagnostic::{Edit, Fix};
use crate::loader::Kind;
use crate::rules::file::filename_date;
use crate::yaml::{Node, NodeKind};

pub static DT001: RuleMeta = RuleMeta {
    code: "DT001",
    name: "invalid-date",
    default: Level::Error,
    fixable: false,
    summary: "date does not match `YYYY-MM-DD HH:MM:SS ±HHMM` (the pack's format)",
    doc: "\
## What it does
Checks that the front matter `date` is a date, written in the pack's format. The `jekyll` pack
accepts what Jekyll reads: `YYYY-MM-DD`, optionally a time `HH:MM[:SS[.frac]]` after a space or
`T`, optionally a zone (`Z`, `+0800`, `+08:00`, `+08`). The `finews` pack asks for exactly
`YYYY-MM-DD HH:MM:SS +0800`. A missing zone alone is DT002's finding, not this one.

## Why is this bad?
Jekyll stops the whole build on a date it cannot read (`Invalid date '+0800': Document … does
not have a valid date in the YAML front matter`). Dates in mixed forms sort and display
inconsistently.

## Example
`date:  +0800` — the generator wrote the zone but no date and time.

## Options
- `format`: `jekyll`, or a pattern of `YYYY`, `MM`, `DD`, `HH`, `MM` (minutes, after `HH:`),
  `SS`, a zone `±HHMM` or `±HH:MM`, literal characters, and `[...]` for an optional part,
  e.g. `YYYY-MM-DD HH:MM:SS ±HHMM` or `YYYY-MM-DD[ HH:MM[:SS]][ ±HH:MM]`.
",
};

pub static DT002: RuleMeta = RuleMeta {
    code: "DT002",
    name: "missing-timezone",
    default: Level::Warn,
    fixable: true,
    summary: "date without a UTC offset (fixable: add the site's)",
    doc: "\
## What it does
Reports a date with a time of day but no UTC offset. With `site.timezone` set, `--fix` appends
the site's offset for that date (`2021-12-08 10:18:31` → `2021-12-08 10:18:31 +0800`).

## Why is this bad?
Without an offset, Jekyll reads the time in the zone of the machine that builds the site (or
`timezone` in `_config.yml`). Built in CI on a UTC machine, a post written at 07:00 Beijing time
is dated the previous day, lands in the wrong day's URL, or is skipped as a future post.

## Example
`date: 2021-12-08 10:18:31` → `date: 2021-12-08 10:18:31 +0800`.
",
};

pub static DT003: RuleMeta = RuleMeta {
    code: "DT003",
    name: "impossible-date",
    default: Level::Error,
    fixable: false,
    summary: "a calendar or clock value that cannot exist (02-30, 24:61)",
    doc: "\
## What it does
Reports a date whose month, day, hour, minute, second or offset cannot exist: month 13,
February 30, 24:00, minute 61, offset +25:00.

## Why is this bad?
Jekyll does not reject these: Ruby rolls them over, so `2021-02-30` is published as 2 March
under a URL nobody expects, and out-of-range clock values stop the build.

## Example
`date: 2021-02-30 10:00:00 +0800`.
",
};

pub static DT004: RuleMeta = RuleMeta {
    code: "DT004",
    name: "filename-date-mismatch",
    default: Level::Warn,
    fixable: false,
    summary: "the file name's date differs from the front matter's, in site time",
    doc: "\
## What it does
Compares the date in a post's file name with the front matter `date`, converted to the site's
time zone (`site.timezone`) when both are known, and reports a different day.

## Why is this bad?
The front matter wins: Jekyll publishes the post under the front matter's day, so the file
name misleads everyone who looks for the post, and tools that sort by file name get the order
wrong. A timezone error in a generator shows up here first (a post written just after midnight
in Beijing, dated in UTC, lands on the previous day). The `jekyll` pack warns, since Jekyll's
own tests override dates on purpose; the `finews` pack makes it an error.

## Example
`_posts/2021-12-08-x.md` with `date: 2021-12-07 23:30:00 +0000` and site time zone `+08:00` is
fine (08 December 07:30 in site time); with `date: 2021-12-09 10:00:00 +0800` it is not.
",
};

pub static DT005: RuleMeta = RuleMeta {
    code: "DT005",
    name: "future-date",
    default: Level::Warn,
    fixable: false,
    summary: "dated after now: Jekyll silently skips it unless `future: true`",
    doc: "\
## What it does
Reports a post dated after the moment of the check. A date without an offset is read in the
site's time zone. Set `site.future: true` (Jekyll's `future: true`) to allow future posts.

## Why is this bad?
Jekyll skips future-dated posts (`Skipping: … has a future date`) unless the site sets
`future: true`, so the post silently does not appear. A wrong time zone in a generator makes
fresh posts look hours into the future.

## Example
`date: 2099-01-01 00:00:00 +0800`.
",
};

pub static DT006: RuleMeta = RuleMeta {
    code: "DT006",
    name: "unexpected-timezone",
    default: Level::Warn,
    fixable: false,
    summary: "an offset other than the site's",
    doc: "\
## What it does
With `site.timezone` set, reports a date whose UTC offset is not the site's offset at that
moment (daylight saving time is taken into account for named zones).

## Why is this bad?
A post in `+0000` on a `+0800` site is usually a generator that formatted a UTC time with the
wrong zone, or a writer's laptop clock: the post lands hours away from where it belongs.

## Example
`date: 2021-12-08 10:18:31 +0000` on a site with `timezone: \"+08:00\"`.
",
};

/// How DT001 checks the shape of a date.
#[derive(Debug, Clone)]
pub enum DateFormat {
    /// Anything Jekyll reads (the lenient grammar).
    Jekyll,
    Pattern(Pattern),
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    full: Regex,
    /// The same pattern with its zone (and the literal space before it) removed.
    without_zone: Regex,
    /// Whether the pattern's zone has a colon (`±HH:MM`).
    zone_colon: bool,
}

impl Pattern {
    /// Compile a format such as `YYYY-MM-DD HH:MM:SS ±HHMM`.
    pub fn compile(text: &str) -> Result<Pattern, String> {
        let (full, zone_colon) = pattern_regex(text, true)?;
        let (without, _) = pattern_regex(text, false)?;
        let compile = |r: &str| Regex::new(r).map_err(|e| format!("invalid date format: {e}"));
        Ok(Pattern {
            text: text.to_string(),
            full: compile(&full)?,
            without_zone: compile(&without)?,
            zone_colon,
        })
    }
}

/// Translate a date pattern into a regex (with or without its zone). Returns the regex and
/// whether the zone is written with a colon. `MM` is two digits whether month or minutes.
fn pattern_regex(text: &str, with_zone: bool) -> Result<(String, bool), String> {
    let mut out = String::from("^");
    let mut rest = text;
    let mut zone_colon = false;
    let mut depth = 0usize;
    let mut pending_space = String::new();
    while !rest.is_empty() {
        let zone = [
            ("±HH:MM", true),
            ("+HH:MM", true),
            ("±HHMM", false),
            ("+HHMM", false),
        ]
        .into_iter()
        .find(|(t, _)| rest.starts_with(t));
        if let Some((token, colon)) = zone {
            zone_colon = colon;
            if with_zone {
                out.push_str(&regex::escape(&pending_space));
                out.push_str(if colon {
                    r"[+-][0-9]{2}:[0-9]{2}"
                } else {
                    r"[+-][0-9]{4}"
                });
            }
            pending_space.clear();
            rest = &rest[token.len()..];
            continue;
        }
        out.push_str(&regex::escape(&pending_space));
        pending_space.clear();
        let piece = [
            ("YYYY", r"[0-9]{4}"),
            ("DD", r"[0-9]{2}"),
            ("HH", r"[0-9]{2}"),
            ("SS", r"[0-9]{2}"),
            ("MM", r"[0-9]{2}"),
        ]
        .into_iter()
        .find(|(t, _)| rest.starts_with(t));
        if let Some((token, re)) = piece {
            out.push_str(re);
            rest = &rest[token.len()..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        match c {
            '[' => {
                depth += 1;
                out.push_str("(?:");
            }
            ']' => {
                if depth == 0 {
                    return Err("unbalanced `]` in date format".into());
                }
                depth -= 1;
                out.push_str(")?");
            }
            ' ' => pending_space.push(' '),
            c if c.is_ascii_alphabetic() => {
                return Err(format!(
                    "unknown token at `{rest}` in date format: use YYYY, MM, DD, HH, MM, SS, ±HHMM or ±HH:MM"
                ));
            }
            c => out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
        rest = chars.as_str();
    }
    out.push_str(&regex::escape(&pending_space));
    if depth != 0 {
        return Err("unbalanced `[` in date format".into());
    }
    // Drop the empty optional group left where the zone was removed.
    let mut out = out.replace("(?:)?", "");
    out.push('$');
    Ok((out, zone_colon))
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: DateFormat,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: DateFormat::Jekyll,
        }
    }
}

pub fn set_option(opts: &mut Options, rule: Rule, key: &str, value: &Node) -> Result<bool, String> {
    match (rule, key) {
        (Rule::DT001, "format") => {
            let s = value.as_str().ok_or("`format` must be a string")?;
            opts.format = if s == "jekyll" {
                DateFormat::Jekyll
            } else {
                DateFormat::Pattern(Pattern::compile(s)?)
            };
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The lenient grammar: what Jekyll (Psych and Ruby's `Time.parse`) reads in practice.
static LENIENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?<y>[0-9]{4})-(?<mo>[0-9]{1,2})-(?<d>[0-9]{1,2})(?:(?:[Tt]|[ \t]+)(?<h>[0-9]{1,2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2})(?:\.(?<f>[0-9]+))?)?)?(?:[ \t]*(?<z>[Zz]|UTC|[+-][0-9]{1,2}(?::?[0-9]{2})?))?$",
    )
    .expect("constant regex")
});

/// A date as written, split into its parts.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub time: Option<(u32, u32, u32)>,
    /// The zone as written and its range within the value.
    pub zone: Option<(String, Range<usize>)>,
    /// The offset in seconds, if the zone is valid.
    pub offset_secs: Option<i32>,
    pub zone_valid: bool,
}

pub fn parse_lenient(value: &str) -> Option<Parsed> {
    let caps = LENIENT.captures(value)?;
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let time = match (num("h"), num("mi")) {
        (Some(h), Some(mi)) => Some((h, mi, num("s").unwrap_or(0))),
        _ => None,
    };
    let zone = caps.name("z").map(|m| (m.as_str().to_string(), m.range()));
    let (offset_secs, zone_valid) = match &zone {
        None => (None, true),
        Some((z, _)) => match zone_offset(z) {
            Some(secs) => (Some(secs), true),
            None => (None, false),
        },
    };
    Some(Parsed {
        year: caps.name("y")?.as_str().parse().ok()?,
        month: num("mo")?,
        day: num("d")?,
        time,
        zone,
        offset_secs,
        zone_valid,
    })
}

fn zone_offset(z: &str) -> Option<i32> {
    if matches!(z, "Z" | "z" | "UTC") {
        return Some(0);
    }
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits: String = z[1..].chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (
            digits[..1].parse::<i32>().ok()?,
            digits[1..].parse::<i32>().ok()?,
        ),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

impl Parsed {
    fn civil(&self) -> Option<DateTime> {
        let (h, mi, s) = self.time.unwrap_or((0, 0, 0));
        let year = i16::try_from(self.year).ok()?;
        let date = Date::new(
            year,
            i8::try_from(self.month).ok()?,
            i8::try_from(self.day).ok()?,
        )
        .ok()?;
        let time = jiff::civil::Time::new(
            i8::try_from(h).ok()?,
            i8::try_from(mi).ok()?,
            i8::try_from(s).ok()?,
            0,
        )
        .ok()?;
        Some(date.to_datetime(time))
    }

    /// What cannot exist, for DT003's message.
    fn impossible(&self) -> Option<String> {
        if !(1..=12).contains(&self.month) {
            return Some(format!("month {} does not exist", self.month));
        }
        let year = i16::try_from(self.year).ok();
        let days = year
            .and_then(|y| Date::new(y, self.month as i8, 1).ok())
            .map_or(31, |d| d.days_in_month() as u32);
        if self.day == 0 || self.day > days {
            return Some(format!(
                "day {} does not exist in {:04}-{:02}",
                self.day, self.year, self.month
            ));
        }
        if let Some((h, mi, s)) = self.time {
            if h > 23 {
                return Some(format!("hour {h} does not exist"));
            }
            if mi > 59 {
                return Some(format!("minute {mi} does not exist"));
            }
            if s > 59 {
                return Some(format!("second {s} does not exist"));
            }
        }
        if !self.zone_valid {
            return Some("the UTC offset is out of range".into());
        }
        None
    }

    /// The instant, reading a zone-less time in `tz`.
    fn timestamp(&self, tz: &TimeZone) -> Option<Timestamp> {
        let civil = self.civil()?;
        let tz = match self.offset_secs {
            Some(secs) => TimeZone::fixed(Offset::from_seconds(secs).ok()?),
            None => tz.clone(),
        };
        tz.to_ambiguous_timestamp(civil).compatible().ok()
    }
}

/// The moment checks compare against: `POSTLINT_NOW` (RFC 3339, for tests) or the clock.
pub fn now() -> Timestamp {
    static NOW: LazyLock<Timestamp> = LazyLock::new(|| {
        std::env::var("POSTLINT_NOW")
            .ok()
            .and_then(|s| s.parse::<Timestamp>().ok())
            .unwrap_or_else(Timestamp::now)
    });
    *NOW
}

fn format_offset(secs: i32, colon: bool) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m) = (abs / 3600, (abs % 3600) / 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

pub fn check(ctx: &mut Context) {
    // Jekyll reads `date` only for posts (and drafts); a page's date is just data.
    if !ctx.post.is_post() {
        return;
    }
    let Some(node) = ctx.post.root().and_then(|r| r.get("date")) else {
        return;
    };
    if node.is_null() {
        return;
    }
    let text = &ctx.post.text;
    let NodeKind::Scalar { value, .. } = &node.kind else {
        if ctx.enabled(Rule::DT001) {
            let d = ctx
                .diag(
                    Rule::DT001,
                    node.span.clone(),
                    format!("`date` is {}, not a date", node.type_name()),
                )
                .with_label("not a date")
                .with_help(expected_help(ctx));
            ctx.push(d);
        }
        return;
    };
    let content = node.content_span(text);
    // Sub-spans inside the value only when it is written literally (no escapes).
    let literal = text.get(content.clone()) == Some(value.as_str());
    let sub = |r: Range<usize>| {
        if literal {
            content.start + r.start..content.start + r.end
        } else {
            content.clone()
        }
    };
    let trimmed = value.trim();

    let Some(parsed) = parse_lenient(trimmed) else {
        if ctx.enabled(Rule::DT001) {
            let d = ctx
                .diag(
                    Rule::DT001,
                    content.clone(),
                    format!("`{trimmed}` is not a date"),
                )
                .with_label("not a date")
                .with_help(expected_help(ctx));
            ctx.push(d);
        }
        return;
    };
    let lead = value.len() - value.trim_start().len();
    let zone_span = parsed
        .zone
        .as_ref()
        .map(|(_, r)| sub(r.start + lead..r.end + lead));

    if let Some(what) = parsed.impossible() {
        if ctx.enabled(Rule::DT003) {
            let d = ctx
                .diag(Rule::DT003, content.clone(), format!("impossible date `{trimmed}`: {what}"))
                .with_label(what.clone())
                .with_help(if what.starts_with("day") {
                    "Jekyll rolls impossible days over (2021-02-30 is published as 2 March): write the intended date"
                } else {
                    "Jekyll cannot read this date and stops the build: write the intended date and time"
                });
            ctx.push(d);
        }
        return;
    }

    let settings = ctx.settings;
    let site_tz = settings.site.timezone.as_ref();
    if let DateFormat::Pattern(p) = &ctx.settings.dates.format
        && ctx.enabled(Rule::DT001)
    {
        let ok = if parsed.zone.is_some() {
            p.full.is_match(trimmed)
        } else {
            p.without_zone.is_match(trimmed) || p.full.is_match(trimmed)
        };
        if !ok {
            let mut d = ctx
                .diag(
                    Rule::DT001,
                    content.clone(),
                    format!("date `{trimmed}` is not in the format `{}`", p.text),
                )
                .with_label(format!("expected `{}`", p.text));
            if let Some(rewritten) = rewrite(&parsed, p) {
                d = d.with_help(format!("write it as `{rewritten}`"));
            } else {
                d = d.with_help(format!("write the date as `{}`", p.text));
            }
            ctx.push(d);
        }
    }

    // DT002: a time of day without an offset.
    if parsed.zone.is_none() && parsed.time.is_some() && ctx.enabled(Rule::DT002) {
        let colon = matches!(&settings.dates.format, DateFormat::Pattern(p) if p.zone_colon);
        let offset = site_tz.and_then(|tz| {
            let civil = parsed.civil()?;
            let ts = tz.to_ambiguous_timestamp(civil).compatible().ok()?;
            Some(format_offset(tz.to_offset(ts).seconds(), colon))
        });
        let mut d = ctx
            .diag(Rule::DT002, content.clone(), "date has no UTC offset")
            .with_label("no UTC offset");
        match offset {
            Some(off) => {
                let end = if literal {
                    content.start + value.trim_end().len()
                } else {
                    content.end
                };
                d = d
                    .with_help(format!("add the site's offset: `{trimmed} {off}`"))
                    .with_fix(Fix {
                        edits: vec![Edit {
                            range: end..end,
                            replacement: format!(" {off}"),
                        }],
                    });
            }
            None => {
                d = d.with_help(format!(
                    "add the UTC offset, e.g. `{trimmed} +0000`, or set `site.timezone` so that `--fix` can add it"
                ));
            }
        }
        ctx.push(d);
    }

    // DT006: an offset other than the site's.
    if let (Some(tz), Some(secs), Some(span)) = (site_tz, parsed.offset_secs, zone_span.clone())
        && ctx.enabled(Rule::DT006)
        && let Some(ts) = parsed.timestamp(tz)
    {
        let expected = tz.to_offset(ts).seconds();
        if expected != secs {
            let colon = parsed.zone.as_ref().is_some_and(|(z, _)| z.contains(':'));
            let d = ctx
                .diag(
                    Rule::DT006,
                    span,
                    format!(
                        "offset `{}` is not the site's offset `{}`",
                        parsed.zone.as_ref().map_or("", |(z, _)| z.as_str()),
                        format_offset(expected, colon)
                    ),
                )
                .with_label("unexpected offset")
                .with_help(format!(
                    "convert the time to the site's zone and write `{}`",
                    format_offset(expected, colon)
                ));
            ctx.push(d);
        }
    }

    // DT004: the file name's date against the front matter's, in site time.
    if ctx.post.kind == Kind::Post
        && ctx.enabled(Rule::DT004)
        && let Some((fy, fm, fd)) = filename_date(&ctx.post.file_name)
    {
        let local = match (site_tz, parsed.timestamp(site_tz.unwrap_or(&TimeZone::UTC))) {
            (Some(tz), Some(ts)) if parsed.offset_secs.is_some() => {
                let d = tz.to_datetime(ts).date();
                (i32::from(d.year()), d.month() as u32, d.day() as u32)
            }
            _ => (parsed.year, parsed.month, parsed.day),
        };
        let year_matches = fy == local.0 || (fy < 100 && 2000 + fy == local.0);
        if !(year_matches && fm == local.1 && fd == local.2) {
            let in_site = if site_tz.is_some() && parsed.offset_secs.is_some() {
                " in site time"
            } else {
                ""
            };
            let d = ctx
                .diag(
                    Rule::DT004,
                    content.clone(),
                    format!(
                        "file name says {fy:04}-{fm:02}-{fd:02} but the date is {:04}-{:02}-{:02}{in_site}",
                        local.0, local.1, local.2
                    ),
                )
                .with_label(format!("{:04}-{:02}-{:02}{in_site}", local.0, local.1, local.2))
                .with_help("Jekyll publishes the post under the front matter's date: make the file name and the date agree");
            ctx.push(d);
        }
    }

    // DT005: future posts are skipped.
    if ctx.enabled(Rule::DT005)
        && !settings.site.future.unwrap_or(false)
        && let Some(ts) = parsed.timestamp(site_tz.unwrap_or(&TimeZone::UTC))
        && ts > now()
    {
        let d = ctx
            .diag(Rule::DT005, content.clone(), format!("post is dated in the future (`{trimmed}`)"))
            .with_label("after now")
            .with_help("Jekyll skips future posts unless `future: true`: fix the date or set `site.future: true`");
        ctx.push(d);
    }
}

fn expected_help(ctx: &Context) -> String {
    match &ctx.settings.dates.format {
        DateFormat::Jekyll => {
            "write the date as `YYYY-MM-DD HH:MM:SS +HHMM` (time and offset optional)".into()
        }
        DateFormat::Pattern(p) => format!("write the date as `{}`", p.text),
    }
}

/// The parsed date written in the pattern, when every part the pattern needs is known.
fn rewrite(parsed: &Parsed, p: &Pattern) -> Option<String> {
    let (h, mi, s) = parsed.time?;
    let mut out = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        parsed.year, parsed.month, parsed.day, h, mi, s
    );
    if let Some(secs) = parsed.offset_secs {
        out.push(' ');
        out.push_str(&format_offset(secs, p.zone_colon));
    }
    let check = if parsed.offset_secs.is_some() {
        &p.full
    } else {
        &p.without_zone
    };
    check.is_match(&out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_forms() {
        for ok in [
            "2015-10-01",
            "2015-10-01 01:00:00",
            "2015-10-01 01:00:00 +0800",
            "2010-01-10 13:07:09 +00:00",
            "2015-10-01T01:00:00Z",
            "2017-2-5 1:00",
            "2021-12-08 10:00:00.123 -05",
        ] {
            assert!(parse_lenient(ok).is_some(), "{ok}");
        }
        for bad in ["+0800", "", "yesterday", "2021/12/08", "2021-12-08 10"] {
            assert!(parse_lenient(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn patterns() {
        let p = Pattern::compile("YYYY-MM-DD HH:MM:SS ±HHMM").unwrap();
        assert!(p.full.is_match("2022-03-17 05:03:20 +0800"));
        assert!(!p.full.is_match("2022-03-17 05:03:20 +08:00"));
        assert!(p.without_zone.is_match("2022-03-17 05:03:20"));
        assert!(!p.without_zone.is_match("2022-03-17 05:03"));
        let q = Pattern::compile("YYYY-MM-DD[ HH:MM[:SS]][ ±HH:MM]").unwrap();
        assert!(q.full.is_match("2022-03-17"));
        assert!(q.full.is_match("2022-03-17 05:03 +08:00"));
        assert!(q.without_zone.is_match("2022-03-17 05:03:20"));
        assert!(Pattern::compile("YYYY-MM-DD [").is_err());
        assert!(Pattern::compile("YYYY-MM-DD Q").is_err());
    }

    #[test]
    fn impossible_values() {
        let p = parse_lenient("2021-02-29 10:00:00").unwrap();
        assert!(p.impossible().unwrap().contains("day 29"));
        assert!(parse_lenient("2024-02-29").unwrap().impossible().is_none());
        assert!(
            parse_lenient("2021-12-08 24:00:00")
                .unwrap()
                .impossible()
                .is_some()
        );
        assert!(
            parse_lenient("2021-12-08 10:00:00 +2500")
                .unwrap()
                .impossible()
                .is_some()
        );
    }
}
