//! DT: the front matter `date` — its form, time zone, calendar, agreement with the file name,
//! and whether Jekyll will publish it now.

use std::ops::Range;

use jiff::tz::TimeZone;

use super::{Context, FixKind, OptionDef, Report, RuleDef, Scope};
use crate::diagnostic::{Diagnostic, Edit, Fix};
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
    summary: "a date Jekyll cannot read (the build stops), or not in the pack's format",
    doc: "\
## What it does
Reads the front matter `date` exactly as Jekyll does — typed by Psych (a YAML timestamp, a
`YYYY-MM-DD` Date, else a string), turned back into text, and read by Ruby's `Time.parse` in
the site's zone — and reports a date Jekyll cannot read: an empty `date:`, `2018`, `yesterday`,
`+0800` alone, a list. Everything `Time.parse` reads is a date (`September 8, 2014`,
`2016-03-21 12:00 EDT`, `Fri Dec 26 15:54:29 2014`, `11-9-2017`). With a `format` (the `finews`
pack asks for exactly `YYYY-MM-DD HH:MM:SS +0800`), a date Jekyll reads but written otherwise
is reported too. A missing zone is DT002's finding, an impossible value DT003's.

## Why is this bad?
Jekyll stops the whole build on a date it cannot read (`Invalid date '+0800': Document … does
not have a valid date in the YAML front matter`). Dates in mixed forms sort and display
inconsistently.

## Example
`date:  +0800` — the generator wrote the zone but no date and time.

## Options
- `format`: `jekyll` (any date Jekyll reads), or a pattern of `YYYY`, `MM`, `DD`, `HH`, `MM`
  (minutes, after `HH:`), `SS`, a zone `±HHMM` or `±HH:MM`, literal characters, and `[...]`
  for an optional part, e.g. `YYYY-MM-DD HH:MM:SS ±HHMM` or `YYYY-MM-DD[ HH:MM[:SS]][ ±HH:MM]`.
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
    summary: "a time without a UTC offset, read in the build machine's zone (fixable: add the site's)",
    doc: "\
## What it does
Reports a date with a time of day and no UTC offset that Jekyll reads as local time: in the
zone of the machine that builds the site when `_config.yml` sets no `timezone`, else in the
site's zone (reported then only when the pack's DT001 `format` asks for an offset, as the
`finews` pack's does). Times Jekyll reads otherwise than written (a zone-less timestamp taken
as UTC, a zone Ruby ignores) are DT007's. With a site time zone (the config's `site.timezone`
or `_config.yml`'s `timezone`), `--fix` appends the site's offset for that date
(`2021-12-08 10:18:31` → `2021-12-08 10:18:31 +0800`).

## Why is this bad?
Without a site zone, the post's time and day depend on where it is built: on GitHub Pages
(UTC) it is published as written, on a writer's laptop in Beijing eight hours off, and from
16:00 on under the next day's URL. The `jekyll` pack warns (Jekyll builds it); the `finews`
pack, whose generator must write the offset, makes it an error.

## Example
`date: 2021-12-08 10:18:31` → `date: 2021-12-08 10:18:31 +0800`.
",
    options: &[],
    check: Some(dt002),
};

pub static DT007: RuleDef = RuleDef {
    code: "DT007",
    name: "misread-time",
    default: Level::Error,
    fix: FixKind::Safe,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "a time Jekyll publishes otherwise than written (a zone-less timestamp read as UTC, a zone Ruby ignores)",
    doc: "\
## What it does
Reports a date whose time Jekyll publishes at another moment than the one written, on a site
whose zone is not UTC:
- a YAML timestamp with seconds and no zone (`2021-12-08 10:46:18`) is read by Psych as
  **UTC**, whatever the site's `timezone`: on an `Asia/Shanghai` site it is published at
  18:46:18 +0800, and from 16:00 on under the next day's URL (checked with `jekyll build`:
  without seconds, or quoted, the same time is read in the site's zone);
- a zone `Time.parse` does not know (`+8`, `GMT+8`, `JST` outside Japan) or never takes (`…
  2023 -0800`) is ignored, and the time is read in the site's zone instead.
With a site time zone, `--fix` appends the site's offset for that date, which makes Jekyll read
the time as written.

## Why is this bad?
The post shows a time hours away from the one written, lands under another day's URL, or is
skipped as a future post until hours after it was meant to appear.

## Example
`date: 2021-12-08 17:46:18` on a `timezone: Asia/Shanghai` site is published on 9 December
(01:46:18 +0800) → `date: 2021-12-08 17:46:18 +0800`.
",
    options: &[],
    check: Some(dt007),
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
Reports a date whose month, day, hour, minute or second cannot exist, saying what Jekyll makes
of it: Ruby rolls a day past the month's end, 24:00 and second 60 over (`2021-02-30` is
published as 2 March), and stops the build on month 13, day 32, hour 25 or minute 60.

## Why is this bad?
A rolled-over date is published under a URL and a date nobody wrote; the others stop the build.

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
    summary: "the file name's date differs from the date Jekyll gives the post, in site time",
    doc: "\
## What it does
Compares the date in a post's file name with the date Jekyll gives the post (its front matter
`date` as Jekyll reads it, in the site's time zone) and reports a different day.

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
Reports a post whose date, as Jekyll reads it, is after the moment of the check. Set
`site.future: true` (Jekyll's `future: true`) to allow future posts.

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

/// A post's `date`, read once for every DT rule, as Jekyll reads it.
pub(crate) struct Prelude {
    /// The value's text without quotes, and whether it is written literally (no escapes):
    /// only then can a finding point inside it.
    content: Range<usize>,
    literal: bool,
    /// The value, trimmed, and how much white space it starts with.
    trimmed: String,
    lead: usize,
    /// How Psych typed it (`Time`, `Date`, `String`).
    typed_as: &'static str,
    reading: Reading,
    /// The value split by the ISO grammar, when it is written that way (for the pack's format
    /// and the span of its zone).
    lenient: Option<Parsed>,
}

/// What Jekyll makes of the value.
enum Reading {
    /// Not a single value (a list, a mapping): its type and span.
    NotScalar(&'static str, Range<usize>),
    /// `Time.parse` raises: Jekyll stops the build. Ruby's message.
    Unreadable(String),
    /// A field that cannot exist: what, and Jekyll's date when Ruby rolls it over (`None` when
    /// the build stops).
    Impossible(String, Option<psych::JekyllDate>),
    Date(psych::JekyllDate),
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

    fn date(&self) -> Option<&psych::JekyllDate> {
        match &self.reading {
            Reading::Date(d) => Some(d),
            _ => None,
        }
    }
}

/// The site's zone, and whether the site sets one (without one, Jekyll reads zone-less times
/// in the build machine's zone; UTC stands in for it, as on GitHub Pages).
fn site_zone(cx: &Context) -> (TimeZone, bool) {
    match &cx.settings.site.timezone {
        Some(tz) => (tz.clone(), true),
        None => (TimeZone::UTC, false),
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
            let text = &cx.post.text;
            let NodeKind::Scalar { value, style, .. } = &node.kind else {
                return Some(Prelude {
                    content: node.span.clone(),
                    literal: false,
                    trimmed: String::new(),
                    lead: 0,
                    typed_as: "",
                    reading: Reading::NotScalar(node.type_name(), node.span.clone()),
                    lenient: None,
                });
            };
            let content = node.content_span(text);
            let literal = text.get(content.clone()) == Some(value.as_str());
            let trimmed = value.trim().to_string();
            let lead = value.len() - value.trim_start().len();
            let (tz, _) = site_zone(cx);
            let typed = psych::load::deserialize(value, *style, node.tag.as_deref(), &tz);
            let read = psych::jekyll_date(&typed, now(), &tz);
            let (typed_as, reading) = match read {
                Ok(date) => (
                    date.typed_as,
                    match impossible(&trimmed) {
                        Some(what) => Reading::Impossible(what, Some(date)),
                        None => Reading::Date(date),
                    },
                ),
                Err(psych::JekyllDateError::Invalid { error, input }) => (
                    "",
                    match impossible(&trimmed) {
                        Some(what) => Reading::Impossible(what, None),
                        None if input.is_empty() => {
                            Reading::Unreadable("the date is empty".to_string())
                        }
                        None => Reading::Unreadable(error.to_string()),
                    },
                ),
                Err(psych::JekyllDateError::Crash { .. }) => (
                    "",
                    Reading::Unreadable("a number in it is too large for Ruby".to_string()),
                ),
            };
            Some(Prelude {
                content,
                literal,
                lenient: parse_lenient(&trimmed),
                trimmed,
                lead,
                typed_as,
                reading,
            })
        })
        .as_ref()
}

/// What cannot exist in a date as written, by the fields `Date._parse` finds in it.
fn impossible(written: &str) -> Option<String> {
    let h = psych::date_parse::date_parse(written, true);
    // Only a date that names its year is read as one with a bad field: `+0800` alone is a
    // zone without a date to Ruby too (month 08, day 00), and DT001 says so.
    h.year?;
    let month = h.mon?;
    if !(1..=12).contains(&month) {
        return Some(format!("month {month} does not exist"));
    }
    if let Some(day) = h.mday {
        let year = h.year.unwrap_or_else(|| i128::from(now_year()));
        let days = i16::try_from(year)
            .ok()
            .and_then(|y| jiff::civil::Date::new(y, month as i8, 1).ok())
            .map_or(31, |d| i128::from(d.days_in_month()));
        if day < 1 || day > days {
            return Some(format!("day {day} does not exist in {year:04}-{month:02}"));
        }
    }
    let (hour, min, sec) = (h.hour.unwrap_or(0), h.min.unwrap_or(0), h.sec.unwrap_or(0));
    if hour > 24 || (hour == 24 && (min > 0 || sec > 0)) {
        return Some(format!("hour {hour} does not exist"));
    }
    if hour == 24 {
        return Some("24:00 is the next day's midnight".to_string());
    }
    if min > 59 {
        return Some(format!("minute {min} does not exist"));
    }
    if sec > 59 {
        return Some(format!("second {sec} does not exist"));
    }
    None
}

fn now_year() -> i16 {
    TimeZone::UTC.to_datetime(now()).year()
}

/// How a Jekyll date reads in a message: `2021-12-08 18:46:18 +0800`.
fn shown(date: &psych::JekyllDate) -> String {
    date.time.to_ruby_string()
}

fn dt001(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let trimmed = &date.trimmed;
    match &date.reading {
        Reading::NotScalar(type_name, span) => out.push(
            out.diag(span.clone(), format!("`date` is {type_name}, not a date"))
                .with_label("not a date")
                .with_help(format!(
                    "Jekyll cannot read it and stops the build; {}",
                    expected_help(cx)
                )),
        ),
        Reading::Unreadable(why) => {
            let message = if trimmed.is_empty() {
                "`date` is empty: Jekyll cannot read it".to_string()
            } else {
                format!("Jekyll cannot read `{trimmed}` as a date ({why})")
            };
            out.push(
                out.diag(date.content.clone(), message)
                    .with_label("not a date")
                    .with_help(format!(
                        "Jekyll stops the build on this post (Invalid date); {}",
                        expected_help(cx)
                    )),
            );
        }
        Reading::Impossible(..) => {}
        Reading::Date(_) => {
            let DateFormat::Pattern(p) = &cx.settings.rules.dates.format else {
                return;
            };
            let zoned = date.lenient.as_ref().is_some_and(|l| l.zone.is_some());
            let ok = if zoned {
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
            out.push(match date.lenient.as_ref().and_then(|l| rewrite(l, p)) {
                Some(rewritten) => d.with_help(format!("write it as `{rewritten}`")),
                None => d.with_help(format!("write the date as `{}`", p.text)),
            });
        }
    }
}

/// How Jekyll takes the zone of a date with a time of day.
enum ZoneReading {
    /// An offset Ruby honours was written (or there is no time of day).
    Written,
    /// A zone-less YAML timestamp, read as UTC on a site whose zone is not UTC.
    ReadAsUtc,
    /// A written zone Ruby ignores, which is not the site's offset.
    Ignored(String),
    /// No offset: read as local time, in the build machine's zone (`machine`) or the site's.
    Local { machine: bool },
}

fn zone_reading(cx: &Context, date: &Prelude, jekyll: &psych::JekyllDate) -> ZoneReading {
    let (tz, site_has_zone) = site_zone(cx);
    let site_offset = jiff::Timestamp::from_second(jekyll.unix_seconds())
        .map_or(0, |ts| tz.to_offset(ts).seconds());
    if let Some(zone) = &jekyll.ignored_zone {
        let meant = crate::jekyll::date::parse_offset(zone.trim_start_matches("GMT"));
        return if meant == Some(site_offset) {
            ZoneReading::Written
        } else {
            ZoneReading::Ignored(zone.clone())
        };
    }
    let has_time = date.lenient.as_ref().map_or_else(
        || {
            psych::date_parse::date_parse(&date.trimmed, true)
                .hour
                .is_some()
        },
        |l| l.time.is_some(),
    );
    if jekyll.offset_written || !has_time {
        ZoneReading::Written
    } else if date.typed_as == "Time" && site_has_zone && site_offset != 0 {
        ZoneReading::ReadAsUtc
    } else {
        ZoneReading::Local {
            machine: !site_has_zone,
        }
    }
}

/// The site's offset appended to the date, when the site has a zone.
fn add_site_offset(cx: &Context, date: &Prelude, d: Diagnostic) -> Diagnostic {
    let (tz, site_has_zone) = site_zone(cx);
    let trimmed = &date.trimmed;
    if !site_has_zone {
        return d.with_help(format!(
            "add the UTC offset, e.g. `{trimmed} +0000`, or set `timezone` in `_config.yml` (or `site.timezone`) so that `--fix` can add it"
        ));
    }
    let colon = matches!(&cx.settings.rules.dates.format, DateFormat::Pattern(p) if p.zone_colon);
    let off = format_offset(site_offset_at(&tz, date), colon);
    let end = if date.literal {
        date.content.start + date.lead + trimmed.len()
    } else {
        date.content.end
    };
    d.with_help(format!("add the site's offset: `{trimmed} {off}`"))
        .with_fix(Fix {
            edits: vec![Edit {
                range: end..end,
                replacement: format!(" {off}"),
            }],
        })
}

/// A time without an offset, read as local time.
fn dt002(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Some(jekyll) = date.date() else { return };
    let ZoneReading::Local { machine } = zone_reading(cx, date, jekyll) else {
        return;
    };
    let pattern_wants_zone = matches!(&cx.settings.rules.dates.format,
        DateFormat::Pattern(p) if p.full.as_str() != p.without_zone.as_str());
    let message = if machine {
        "date has no UTC offset, and the site sets no `timezone`: Jekyll reads it in the build machine's zone"
    } else if pattern_wants_zone {
        "date has no UTC offset"
    } else {
        return;
    };
    let d = out
        .diag(date.content.clone(), message)
        .with_label("no UTC offset");
    out.push(add_site_offset(cx, date, d));
}

/// A time Jekyll publishes otherwise than written.
fn dt007(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Some(jekyll) = date.date() else { return };
    let trimmed = &date.trimmed;
    match zone_reading(cx, date, jekyll) {
        ZoneReading::ReadAsUtc => {
            let d = out
                .diag(
                    date.content.clone(),
                    format!(
                        "Jekyll reads a timestamp without a zone as UTC: `{trimmed}` is published as {}",
                        shown(jekyll)
                    ),
                )
                .with_label("read as UTC");
            out.push(add_site_offset(cx, date, d));
        }
        ZoneReading::Ignored(zone) => {
            let span = trimmed
                .rfind(zone.as_str())
                .map_or(date.content.clone(), |i| date.sub(i..i + zone.len()));
            out.push(
                out.diag(
                    span,
                    format!(
                        "Jekyll ignores the zone `{zone}` and reads the time in the site's zone: the post is dated {}",
                        shown(jekyll)
                    ),
                )
                .with_label("zone ignored")
                .with_help("write the zone as a UTC offset Ruby reads, such as `+0800` or `+08:00`"),
            );
        }
        _ => {}
    }
}

/// The site's offset at the date as written (its wall clock read in the site's zone).
fn site_offset_at(tz: &TimeZone, date: &Prelude) -> i32 {
    date.lenient
        .as_ref()
        .and_then(Parsed::civil)
        .and_then(|civil| tz.to_ambiguous_timestamp(civil).compatible().ok())
        .map_or(0, |ts| tz.to_offset(ts).seconds())
}

fn dt003(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Reading::Impossible(what, rolled) = &date.reading else {
        return;
    };
    let help = match rolled {
        Some(j) => format!(
            "Jekyll rolls it over and publishes the post as {}: write the intended date",
            shown(j)
        ),
        None => {
            "Jekyll cannot read this date and stops the build: write the intended date and time"
                .to_string()
        }
    };
    out.push(
        out.diag(
            date.content.clone(),
            format!("impossible date `{}`: {what}", date.trimmed),
        )
        .with_label(what.clone())
        .with_help(help),
    );
}

/// The file name's date against Jekyll's date, in site time.
fn dt004(cx: &Context, out: &mut Report) {
    let Some(date) = prelude(cx) else { return };
    let Some(jekyll) = date.date() else { return };
    if cx.post.kind != Kind::Post {
        return;
    }
    let Some((fy, fm, fd)) = filename_date(&cx.post.file_name) else {
        return;
    };
    let (y, m, d, ..) = jekyll.civil();
    let local = (y, u32::from(m), u32::from(d));
    let fy = i64::from(fy);
    let year_matches = fy == local.0 || (fy < 100 && 2000 + fy == local.0);
    if year_matches && fm == local.1 && fd == local.2 {
        return;
    }
    let in_site = if cx.settings.site.timezone.is_some() {
        " in site time"
    } else {
        ""
    };
    out.push(
        out.diag(
            date.content.clone(),
            format!(
                "file name says {fy:04}-{fm:02}-{fd:02} but Jekyll dates the post {:04}-{:02}-{:02}{in_site}",
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
    let Some(jekyll) = date.date() else { return };
    if cx.settings.site.future.unwrap_or(false) {
        return;
    }
    if jekyll.unix_seconds() > now().as_second() {
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
    let Some(jekyll) = date.date() else { return };
    let Some(tz) = cx.settings.site.timezone.as_ref() else {
        return;
    };
    let Some(parsed) = &date.lenient else { return };
    let (Some(secs), Some((zone, zone_range))) = (parsed.offset_secs, parsed.zone.as_ref()) else {
        return;
    };
    if !jekyll.offset_written {
        return;
    }
    let Ok(ts) = jiff::Timestamp::from_second(jekyll.unix_seconds()) else {
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
