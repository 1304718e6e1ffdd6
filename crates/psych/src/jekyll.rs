//! How Jekyll 4.3 dates a post from its front matter `date`: `Document#merge_date!` calls
//! `Utils.parse_date(data["date"].to_s, msg)`, which is `Time.parse(input).localtime`
//! (lib/jekyll/utils.rb), rescuing `ArgumentError` as `Errors::InvalidDateError` — a
//! `FatalException`, so the build stops.
//!
//! The value is first typed by Psych ([`crate::load()`]): a YAML timestamp with seconds becomes
//! a `Time` (zone-less → read as **UTC**), `YYYY-MM-DD` a `Date`, anything else mostly a
//! String. `to_s` turns it back into text, and `Time.parse` reads that text in the process
//! zone (`ENV["TZ"]`, which Jekyll sets from `timezone:` in `_config.yml`).

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::date_parse::{DateHash, date_parse};
use crate::load::{Loaded, Value};
use crate::scalar::{TimeZoneKind, Typed};
use crate::time_parse::{RubyTime, TimeParseError, time_of_hash};

/// A post's date as Jekyll holds it (`data["date"]`, a local `Time` of the site zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JekyllDate {
    /// The string Jekyll handed to `Time.parse` (`data["date"].to_s`).
    pub input: String,
    /// The time, as a local time of the site zone (`.localtime`).
    pub time: RubyTime,
    /// Whether the source fixed the instant by itself: a YAML timestamp with a zone, or a
    /// string with a zone `Time.parse` honoured. Without one, the instant depends on the
    /// zone of the build (a zone-less YAML timestamp is the exception: it is read as UTC).
    pub offset_written: bool,
    /// How the front matter value was typed: `"Time"`, `"Date"`, `"String"`, ….
    pub typed_as: &'static str,
    /// A zone the writer put in the string that `Time.parse` did **not** use, so the time was
    /// read as local instead: a zone `Time.zone_offset` does not know (`+8`, `+5:30`,
    /// `GMT+8`, `JST` outside Japan), or an offset `Date._parse` never took as the zone
    /// (`2023-01-29 18:30:22 2023 -0800`; found by looking for a blank-preceded `±digits`).
    pub ignored_zone: Option<String>,
}

impl JekyllDate {
    /// The local civil date-time in the site zone: (year, month, day, hour, minute, second).
    pub fn civil(&self) -> (i64, u8, u8, u8, u8, u8) {
        self.time.civil
    }

    /// Seconds since the epoch (the UTC instant).
    pub fn unix_seconds(&self) -> i64 {
        self.time.unix_seconds
    }
}

/// Why Jekyll cannot date the post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JekyllDateError {
    /// `Jekyll::Errors::InvalidDateError: Invalid date '<input>': Document '…' does not have
    /// a valid date in the YAML front matter.` — fatal: the build stops.
    Invalid {
        /// `data["date"].to_s`.
        input: String,
        /// What `Time.parse` raised.
        error: TimeParseError,
    },
    /// An exception Jekyll does not rescue as a date error (a `RangeError`): the build
    /// crashes with it.
    Crash {
        /// `data["date"].to_s`.
        input: String,
    },
}

/// Ruby's `Float#to_s`.
pub fn ruby_float_to_s(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            let (i, frac) = if digits.len() > int_len {
                (digits[..int_len].to_string(), digits[int_len..].to_string())
            } else {
                (format!("{digits:0<int_len$}"), String::new())
            };
            let frac = if frac.is_empty() {
                "0".to_string()
            } else {
                frac
            };
            format!("{sign}{i}.{frac}")
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() { "0" } else { rest };
        let es = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}.{rest}e{es}{:02}", exp.abs())
    }
}

/// `to_s` of a typed scalar, and the name of its Ruby class.
pub fn ruby_to_s(t: &Typed) -> (String, &'static str) {
    match t {
        Typed::Null => (String::new(), "NilClass"),
        Typed::Bool(b) => (b.to_string(), if *b { "TrueClass" } else { "FalseClass" }),
        Typed::Int(i) => (i.to_string(), "Integer"),
        Typed::Float(f) => (ruby_float_to_s(*f), "Float"),
        Typed::Str(s) => (s.clone(), "String"),
        Typed::Symbol(s) => (s.clone(), "Symbol"),
        Typed::Time(t) => (t.to_ruby_string(), "Time"),
        Typed::Date(d) => (d.to_ruby_string(), "Date"),
        Typed::Other(c) => (c.clone(), "Object"),
        Typed::Error(_) => (String::new(), "Error"),
    }
}

/// `inspect` of a loaded value (what `Array#to_s` / `Hash#to_s` give), for a `date:` that is
/// a collection. A collection inside itself is `[...]` / `{...}`, as Ruby prints it; the
/// output stops (with `...`) past 4096 bytes. Without recursion.
fn inspect(l: &Loaded, id: usize, out: &mut String) {
    enum W {
        Value(usize),
        Text(&'static str),
        Close(char),
    }
    let mut open: Vec<usize> = Vec::new();
    let mut work = vec![W::Value(id)];
    while let Some(w) = work.pop() {
        if out.len() > 4096 {
            out.push_str("...");
            return;
        }
        match w {
            W::Text(t) => out.push_str(t),
            W::Close(c) => {
                out.push(c);
                open.pop();
            }
            W::Value(id) => match l.values.get(id) {
                Some(Value::Scalar(t)) => inspect_scalar(t, out),
                Some(Value::Seq(items)) => {
                    if open.contains(&id) {
                        out.push_str("[...]");
                        continue;
                    }
                    open.push(id);
                    out.push('[');
                    work.push(W::Close(']'));
                    for (i, &c) in items.iter().enumerate().rev() {
                        work.push(W::Value(c));
                        if i > 0 {
                            work.push(W::Text(", "));
                        }
                    }
                }
                Some(Value::Map(pairs)) => {
                    if open.contains(&id) {
                        out.push_str("{...}");
                        continue;
                    }
                    open.push(id);
                    out.push('{');
                    work.push(W::Close('}'));
                    for (i, &(k, v)) in pairs.iter().enumerate().rev() {
                        work.push(W::Value(v));
                        work.push(W::Text("=>"));
                        work.push(W::Value(k));
                        if i > 0 {
                            work.push(W::Text(", "));
                        }
                    }
                }
                None => {}
            },
        }
    }
}

/// `inspect` of a scalar inside a collection.
fn inspect_scalar(t: &Typed, out: &mut String) {
    match t {
        Typed::Null => out.push_str("nil"),
        Typed::Str(s) => out.push_str(&format!("{s:?}")),
        Typed::Date(d) => out.push_str(&format!(
            "#<Date: {} (({}j,0s,0n),+0s,2299161j)>",
            d.to_ruby_string(),
            julian_day(d)
        )),
        Typed::Time(t) => {
            // Time#inspect shows the fraction.
            let s = t.to_ruby_string();
            if t.fraction.is_empty() {
                out.push_str(&s);
            } else if let Some((a, b)) = s.rsplit_once(' ') {
                out.push_str(&format!("{a}.{} {b}", t.fraction));
            }
        }
        other => out.push_str(&ruby_to_s(other).0),
    }
}

/// The chronological Julian day number of a Ruby `Date` (Julian calendar before 1582-10-15).
fn julian_day(d: &crate::scalar::YamlDate) -> i64 {
    let (y, m, day) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
    if (d.year, d.month, d.day) < (1582, 10, 15) {
        // Julian calendar.
        let a = (14 - m) / 12;
        let yy = y + 4800 - a;
        let mm = m + 12 * a - 3;
        day + (153 * mm + 2) / 5 + 365 * yy + yy.div_euclid(4) - 32083
    } else {
        crate::scalar::days_from_civil(y, m as u32, day as u32) + 2_440_588
    }
}

/// The string Jekyll parses for a loaded `date` value (`data["date"].to_s`), and its class.
pub fn date_input(l: &Loaded, id: usize) -> (String, &'static str) {
    match l.values.get(id) {
        Some(Value::Scalar(t)) => ruby_to_s(t),
        Some(Value::Seq(_)) => {
            let mut s = String::new();
            inspect(l, id, &mut s);
            (s, "Array")
        }
        Some(Value::Map(_)) => {
            let mut s = String::new();
            inspect(l, id, &mut s);
            (s, "Hash")
        }
        None => (String::new(), "NilClass"),
    }
}

/// `Jekyll::Utils.parse_date(value.to_s)` for a typed scalar `date`, with the site zone
/// (`timezone:`, else the build machine's `TZ`) and the build time `now` (used by
/// `Time.parse` to fill in a missing year, month or day).
pub fn jekyll_date(
    value: &Typed,
    now: Timestamp,
    site_tz: &TimeZone,
) -> Result<JekyllDate, JekyllDateError> {
    let (input, class) = ruby_to_s(value);
    let written = match value {
        Typed::Time(t) => Some(t.zone != TimeZoneKind::Local),
        Typed::Date(_) => Some(false),
        _ => None,
    };
    parse_input(input, class, written, now, site_tz)
}

/// [`jekyll_date`] for any loaded value: a scalar as [`jekyll_date`], a collection by its
/// `inspect` (what `data["date"].to_s` gives an Array or a Hash).
pub fn jekyll_date_of(
    l: &Loaded,
    id: usize,
    now: Timestamp,
    site_tz: &TimeZone,
) -> Result<JekyllDate, JekyllDateError> {
    if let Some(Value::Scalar(t)) = l.values.get(id) {
        return jekyll_date(t, now, site_tz);
    }
    let (input, class) = date_input(l, id);
    parse_input(input, class, None, now, site_tz)
}

/// [`jekyll_date`] for a string already made (`to_s` of any value, see [`date_input`]).
pub fn jekyll_date_of_string(
    input: &str,
    now: Timestamp,
    site_tz: &TimeZone,
) -> Result<JekyllDate, JekyllDateError> {
    parse_input(input.to_string(), "String", None, now, site_tz)
}

/// `written`: whether the value fixed its instant, when its type says (a `Time` or `Date`);
/// `None`: from the string (whether `Time.parse` honours a zone written in it).
fn parse_input(
    input: String,
    class: &'static str,
    written: Option<bool>,
    now: Timestamp,
    site_tz: &TimeZone,
) -> Result<JekyllDate, JekyllDateError> {
    if input.len() > 128 {
        let error = TimeParseError::TooLong(input.len());
        return Err(JekyllDateError::Invalid { input, error });
    }
    // `Date._parse` once, for `Time.parse` and for the zone questions.
    let d = date_parse(&input, true);
    match time_of_hash(&d, now, site_tz) {
        Ok(t) => Ok(JekyllDate {
            time: t.localtime(site_tz),
            ignored_zone: if class == "String" {
                ignored_zone(&input, &d, site_tz)
            } else {
                None
            },
            offset_written: written.unwrap_or_else(|| string_has_zone(&d, site_tz)),
            input,
            typed_as: class,
        }),
        Err(e) if e.is_argument_error() => Err(JekyllDateError::Invalid { input, error: e }),
        Err(_) => Err(JekyllDateError::Crash { input }),
    }
}

/// See [`JekyllDate::ignored_zone`]. `d` is `Date._parse(s)`.
fn ignored_zone(s: &str, d: &DateHash, tz: &TimeZone) -> Option<String> {
    if let Some(z) = d.zone.as_deref() {
        let year = d.year.unwrap_or(2000);
        return (!zone_is_utc(z) && crate::time_parse::zone_offset(z, year, tz).is_none())
            .then(|| z.to_string());
    }
    // No zone taken: a blank-preceded `±digits[:digits]` token the parser skipped.
    let b = s.as_bytes();
    for i in 1..b.len() {
        if matches!(b[i], b'+' | b'-') && b[i - 1].is_ascii_whitespace() {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b':') {
                j += 1;
            }
            let digits = b[i + 1..j].iter().filter(|c| c.is_ascii_digit()).count();
            let ends = j == b.len() || b[j].is_ascii_whitespace();
            if (1..=6).contains(&digits) && ends && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                return Some(s[i..j].to_string());
            }
        }
    }
    None
}

/// `Time.zone_utc?`'s names.
fn zone_is_utc(z: &str) -> bool {
    ["-00:00", "-0000", "-00", "UTC", "Z", "UT"]
        .iter()
        .any(|u| z.eq_ignore_ascii_case(u))
}

/// Whether `Time.parse` takes the instant from a zone written in the string (a zone `Time`
/// knows). `d` is `Date._parse` of the string.
fn string_has_zone(d: &DateHash, tz: &TimeZone) -> bool {
    let Some(z) = d.zone.as_deref() else {
        return false;
    };
    let year = d.year.unwrap_or(2000);
    zone_is_utc(z) || crate::time_parse::zone_offset(z, year, tz).is_some()
}

/// `Document::DATE_FILENAME_MATCHER` (`%r!^(?>.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$!`)
/// on a post's relative path: the date text, the slug and the extension. Jekyll dates a post
/// without a front matter `date` (or with one equal to the build time) by
/// `Time.parse(date_text)` in the site zone (`Document#modify_date`), so `2014-2-30` is
/// 2 March and `14-09-08` is 2014.
pub fn filename_date(relative_path: &str) -> Option<(&str, &str, &str)> {
    // The atomic `(?>.+/)*?` tries no prefix first, then everything up to the last `/`.
    let starts = [Some(0), relative_path.rfind('/').map(|i| i + 1)];
    for start in starts.into_iter().flatten() {
        let rest = &relative_path[start..];
        let b = rest.as_bytes();
        // \d{2,4}-\d{1,2}-\d{1,2}- with backtracking over the digit counts.
        for y in (2..=4).rev() {
            if b.len() < y || !b[..y].iter().all(u8::is_ascii_digit) || b.get(y) != Some(&b'-') {
                continue;
            }
            for m in (1..=2).rev() {
                let ms = y + 1;
                if b.len() < ms + m
                    || !b[ms..ms + m].iter().all(u8::is_ascii_digit)
                    || b.get(ms + m) != Some(&b'-')
                {
                    continue;
                }
                for d in (1..=2).rev() {
                    let ds = ms + m + 1;
                    if b.len() < ds + d
                        || !b[ds..ds + d].iter().all(u8::is_ascii_digit)
                        || b.get(ds + d) != Some(&b'-')
                    {
                        continue;
                    }
                    let tail = &rest[ds + d + 1..];
                    // ([^/]*)(\.[^.]+)$: the slug has no '/', the extension no '.'.
                    let Some(dot) = tail.rfind('.') else { continue };
                    let (slug, ext) = tail.split_at(dot);
                    if slug.contains('/') || ext.len() < 2 {
                        continue;
                    }
                    return Some((&rest[..ds + d], slug, ext));
                }
            }
        }
    }
    None
}
