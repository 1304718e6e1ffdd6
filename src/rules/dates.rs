//! DT: the front matter `date` — its form, time zone, calendar, agreement with the file name,
//! and whether Jekyll will publish it now.

use std::ops::Range;

use jiff::tz::TimeZone;

use super::{Context, FixKind, OptionDef, Report, RuleDef, Scope};
use crate::diagnostic::{Edit, Fix};
use crate::jekyll::date::{Parsed, filename_date, format_offset, now, parse_lenient};
use crate::jekyll::document::Kind;
use crate::jekyll::yaml::NodeExt;
use crate::jekyll::yaml::NodeKind;
use crate::settings::Level;
use crate::settings::options::{DateFormat, Pattern};
pub static DT001: RuleDef = RuleDef {
    code: "DT001",
    name: "invalid-date",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: DT001_OPTIONS,
    check: Some(dt001),
};

pub static DT002: RuleDef = RuleDef {
    code: "DT002",
    name: "missing-timezone",
    default: Level::Warning,
    fix: FixKind::Safe,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: &[],
    check: Some(dt002),
};

pub static DT003: RuleDef = RuleDef {
    code: "DT003",
    name: "impossible-date",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: &[],
    check: Some(dt003),
};

pub static DT004: RuleDef = RuleDef {
    code: "DT004",
    name: "filename-date-mismatch",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: &[],
    check: Some(dt004),
};

pub static DT005: RuleDef = RuleDef {
    code: "DT005",
    name: "future-date",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: &[],
    check: Some(dt005),
};

pub static DT006: RuleDef = RuleDef {
    code: "DT006",
    name: "unexpected-timezone",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
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
    options: &[],
    check: Some(dt006),
};

const DT001_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "format",
    set: |s, value| {
        let text = value.as_str().ok_or("`format` must be a string")?;
        s.dates.format = if text == "jekyll" {
            DateFormat::Jekyll
        } else {
            DateFormat::Pattern(Pattern::compile(text)?)
        };
        Ok(())
    },
}];

/// A post's `date`, read once for every DT rule.
pub(crate) struct Prelude {
    /// The value's text without quotes, and whether it is written literally (no escapes):
    /// only then can a finding point inside it.
    content: Range<usize>,
    literal: bool,
    /// The value, trimmed, and how much white space it starts with.
    trimmed: String,
    lead: usize,
    reading: Reading,
}

/// What the value is.
enum Reading {
    /// Not a single value (a list, a mapping): its type and span.
    NotScalar(&'static str, Range<usize>),
    /// Not a date in the lenient grammar.
    Unreadable,
    /// A date that cannot exist, and what cannot.
    Impossible(String),
    Date(Parsed),
}

impl Prelude {
    /// A range inside the value (relative to the trimmed value), or the whole value when it is
    /// not written literally.
    fn sub(&self, r: Range<usize>) -> Range<usize> {
        if self.literal {
            self.content.start + self.lead + r.start..self.content.start + self.lead + r.end
        } else {
            self.content.clone()
        }
    }

    fn date(&self) -> Option<&Parsed> {
        match &self.reading {
            Reading::Date(p) => Some(p),
            _ => None,
        }
    }
}

/// The date of a post (Jekyll reads `date` only for posts and drafts; a page's date is just
/// data), read on first use.
fn prelude<'c>(cx: &'c Context) -> Option<&'c Prelude> {
    cx.dates
        .get_or_init(|| {
            if !cx.post.is_post() {
                return None;
            }
            let node = cx.post.root()?.get("date")?;
            if node.is_null() {
                return None;
            }
            let text = &cx.post.text;
            let NodeKind::Scalar { value, .. } = &node.kind else {
                return Some(Prelude {
                    content: node.span.clone(),
                    literal: false,
                    trimmed: String::new(),
                    lead: 0,
                    reading: Reading::NotScalar(node.type_name(), node.span.clone()),
                });
            };
            let content = node.content_span(text);
            let literal = text.get(content.clone()) == Some(value.as_str());
            let trimmed = value.trim().to_string();
            let lead = value.len() - value.trim_start().len();
            let reading = match parse_lenient(&trimmed) {
                None => Reading::Unreadable,
                Some(parsed) => match parsed.impossible() {
                    Some(what) => Reading::Impossible(what),
                    None => Reading::Date(parsed),
                },
            };
            Some(Prelude {
                content,
                literal,
                trimmed,
                lead,
                reading,
            })
        })
        .as_ref()
}

fn dt001(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let trimmed = &date.trimmed;
    match &date.reading {
        Reading::NotScalar(type_name, span) => out.push(
            out.diag(span.clone(), format!("`date` is {type_name}, not a date"))
                .with_label("not a date")
                .with_help(expected_help(cx)),
        ),
        Reading::Unreadable => out.push(
            out.diag(date.content.clone(), format!("`{trimmed}` is not a date"))
                .with_label("not a date")
                .with_help(expected_help(cx)),
        ),
        Reading::Impossible(_) => {}
        Reading::Date(parsed) => {
            let DateFormat::Pattern(p) = &cx.settings.rules.dates.format else {
                return;
            };
            let ok = if parsed.zone.is_some() {
                p.full.is_match(trimmed)
            } else {
                p.without_zone.is_match(trimmed) || p.full.is_match(trimmed)
            };
            if ok {
                return;
            }
            let d = out
                .diag(
                    date.content.clone(),
                    format!("date `{trimmed}` is not in the format `{}`", p.text),
                )
                .with_label(format!("expected `{}`", p.text));
            out.push(match rewrite(parsed, p) {
                Some(rewritten) => d.with_help(format!("write it as `{rewritten}`")),
                None => d.with_help(format!("write the date as `{}`", p.text)),
            });
        }
    }
}

/// A time of day without an offset.
fn dt002(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Some(parsed) = date.date() else { return };
    if parsed.zone.is_some() || parsed.time.is_none() {
        return;
    }
    let settings = cx.settings;
    let trimmed = &date.trimmed;
    let colon = matches!(&settings.rules.dates.format, DateFormat::Pattern(p) if p.zone_colon);
    let offset = settings.site.timezone.as_ref().and_then(|tz| {
        let civil = parsed.civil()?;
        let ts = tz.to_ambiguous_timestamp(civil).compatible().ok()?;
        Some(format_offset(tz.to_offset(ts).seconds(), colon))
    });
    let mut d = out
        .diag(date.content.clone(), "date has no UTC offset")
        .with_label("no UTC offset");
    match offset {
        Some(off) => {
            let end = if date.literal {
                date.content.start + date.lead + trimmed.len()
            } else {
                date.content.end
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
    out.push(d);
}

fn dt003(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Reading::Impossible(what) = &date.reading else {
        return;
    };
    out.push(
        out.diag(
            date.content.clone(),
            format!("impossible date `{}`: {what}", date.trimmed),
        )
        .with_label(what.clone())
        .with_help(if what.starts_with("day") {
            "Jekyll rolls impossible days over (2021-02-30 is published as 2 March): write the intended date"
        } else {
            "Jekyll cannot read this date and stops the build: write the intended date and time"
        }),
    );
}

/// The file name's date against the front matter's, in site time.
fn dt004(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Some(parsed) = date.date() else { return };
    if cx.post.kind != Kind::Post {
        return;
    }
    let Some((fy, fm, fd)) = filename_date(&cx.post.file_name) else {
        return;
    };
    let site_tz = cx.settings.site.timezone.as_ref();
    let local = match (site_tz, parsed.timestamp(site_tz.unwrap_or(&TimeZone::UTC))) {
        (Some(tz), Some(ts)) if parsed.offset_secs.is_some() => {
            let d = tz.to_datetime(ts).date();
            (i32::from(d.year()), d.month() as u32, d.day() as u32)
        }
        _ => (parsed.year, parsed.month, parsed.day),
    };
    let year_matches = fy == local.0 || (fy < 100 && 2000 + fy == local.0);
    if year_matches && fm == local.1 && fd == local.2 {
        return;
    }
    let in_site = if site_tz.is_some() && parsed.offset_secs.is_some() {
        " in site time"
    } else {
        ""
    };
    out.push(
        out.diag(
            date.content.clone(),
            format!(
                "file name says {fy:04}-{fm:02}-{fd:02} but the date is {:04}-{:02}-{:02}{in_site}",
                local.0, local.1, local.2
            ),
        )
        .with_label(format!("{:04}-{:02}-{:02}{in_site}", local.0, local.1, local.2))
        .with_help("Jekyll publishes the post under the front matter's date: make the file name and the date agree"),
    );
}

/// Future posts are skipped.
fn dt005(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Some(parsed) = date.date() else { return };
    let settings = cx.settings;
    if settings.site.future.unwrap_or(false) {
        return;
    }
    let site_tz = settings.site.timezone.as_ref();
    if let Some(ts) = parsed.timestamp(site_tz.unwrap_or(&TimeZone::UTC))
        && ts > now()
    {
        out.push(
            out.diag(
                date.content.clone(),
                format!("post is dated in the future (`{}`)", date.trimmed),
            )
            .with_label("after now")
            .with_help("Jekyll skips future posts unless `future: true`: fix the date or set `site.future: true`"),
        );
    }
}

/// An offset other than the site's.
fn dt006(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Some(parsed) = date.date() else { return };
    let (Some(tz), Some(secs), Some((zone, zone_range))) = (
        cx.settings.site.timezone.as_ref(),
        parsed.offset_secs,
        parsed.zone.as_ref(),
    ) else {
        return;
    };
    let Some(ts) = parsed.timestamp(tz) else {
        return;
    };
    let expected = tz.to_offset(ts).seconds();
    if expected == secs {
        return;
    }
    let colon = zone.contains(':');
    out.push(
        out.diag(
            date.sub(zone_range.clone()),
            format!(
                "offset `{zone}` is not the site's offset `{}`",
                format_offset(expected, colon)
            ),
        )
        .with_label("unexpected offset")
        .with_help(format!(
            "convert the time to the site's zone and write `{}`",
            format_offset(expected, colon)
        )),
    );
}

fn expected_help(cx: &Context) -> String {
    match &cx.settings.rules.dates.format {
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
