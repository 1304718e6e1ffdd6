//! Psych's typing of a scalar: `Psych::ScalarScanner#tokenize` and `#parse_time`
//! (psych/scalar_scanner.rb, Psych 4.0.3), rule by rule.

use jiff::tz::TimeZone;

/// A Ruby Integer: `i128` when it fits, otherwise its decimal digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Int {
    /// Fits in an `i128`.
    Small(i128),
    /// Larger: the decimal representation (with a leading `-` when negative).
    Big(String),
}

impl std::fmt::Display for Int {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Int::Small(i) => write!(f, "{i}"),
            Int::Big(s) => f.write_str(s),
        }
    }
}

/// A Ruby `Date` (Psych types `YYYY-MM-DD` as one). Dates before 1582-10-15 are in the
/// Julian calendar, as Ruby's `Date::ITALY` reform says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YamlDate {
    /// Year (0 and negative years allowed by Ruby; the YAML form has four digits).
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month.
    pub day: u8,
}

impl YamlDate {
    /// `Date#to_s`: `%Y-%m-%d` (the year padded to four digits, with `-` when negative).
    pub fn to_ruby_string(&self) -> String {
        let mut out = String::with_capacity(10);
        push_ymd(&mut out, i64::from(self.year), self.month, self.day);
        out
    }
}

/// How a YAML timestamp fixed its zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZoneKind {
    /// `Z`: `Time.utc`, whose `to_s` ends in `UTC`.
    Utc,
    /// No zone: read as UTC, then `Time.at` makes it a local time in the process's `TZ`.
    Local,
    /// A written offset (seconds east of UTC).
    Offset,
}

/// A Ruby `Time` made by Psych from a YAML timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlTime {
    /// Seconds since the Unix epoch (the instant).
    pub unix_seconds: i64,
    /// The fraction of a second as written (`5` for `.5`), without trailing rounding.
    pub fraction: String,
    /// How the zone was fixed.
    pub zone: TimeZoneKind,
    /// `Time#utc_offset` in seconds.
    pub utc_offset: i32,
    /// The civil time in that offset: year, month, day, hour, minute, second.
    pub civil: (i64, u8, u8, u8, u8, u8),
}

impl YamlTime {
    /// `Time#to_s`: `%Y-%m-%d %H:%M:%S %z`, or `... UTC` for a UTC time.
    pub fn to_ruby_string(&self) -> String {
        time_to_s(self.civil, self.zone == TimeZoneKind::Utc, self.utc_offset)
    }
}

/// `Time#to_s`: `%Y-%m-%d %H:%M:%S %z`, or `... UTC` for a UTC time.
pub(crate) fn time_to_s(civil: (i64, u8, u8, u8, u8, u8), utc: bool, offset: i32) -> String {
    let (y, mo, d, h, mi, s) = civil;
    let oh = offset.unsigned_abs() / 3600;
    if !(0..10_000).contains(&y) || oh >= 100 {
        let mut out = String::with_capacity(32);
        push_ymd(&mut out, y, mo, d);
        out.push_str(&format!(" {h:02}:{mi:02}:{s:02} "));
        if utc {
            out.push_str("UTC");
        } else {
            push_offset(&mut out, offset);
        }
        return out;
    }
    // The usual case, as bytes: `YYYY-MM-DD HH:MM:SS +HHMM`.
    let two = |v: u32| [b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8];
    let y = y as u32;
    let mut b = [0u8; 25];
    b[..2].copy_from_slice(&two(y / 100));
    b[2..4].copy_from_slice(&two(y % 100));
    b[4] = b'-';
    b[5..7].copy_from_slice(&two(u32::from(mo)));
    b[7] = b'-';
    b[8..10].copy_from_slice(&two(u32::from(d)));
    b[10] = b' ';
    b[11..13].copy_from_slice(&two(u32::from(h)));
    b[13] = b':';
    b[14..16].copy_from_slice(&two(u32::from(mi)));
    b[16] = b':';
    b[17..19].copy_from_slice(&two(u32::from(s)));
    b[19] = b' ';
    let n = if utc {
        b[20..23].copy_from_slice(b"UTC");
        23
    } else {
        b[20] = if offset < 0 { b'-' } else { b'+' };
        b[21..23].copy_from_slice(&two(oh));
        b[23..25].copy_from_slice(&two(offset.unsigned_abs() / 60 % 60));
        25
    };
    let mut out = String::with_capacity(n);
    out.push_str(std::str::from_utf8(&b[..n]).unwrap_or_default());
    out
}

/// Two decimal digits (the value is below 100).
fn push_2(out: &mut String, v: u8) {
    out.push(char::from(b'0' + v / 10 % 10));
    out.push(char::from(b'0' + v % 10));
}

/// `%Y-%m-%d`: the year padded to four digits, with `-` when negative.
fn push_ymd(out: &mut String, y: i64, mo: u8, d: u8) {
    if (0..10_000).contains(&y) {
        let y = y as u16;
        push_2(out, (y / 100) as u8);
        push_2(out, (y % 100) as u8);
    } else if y < 0 {
        out.push_str(&format!("-{:04}", y.unsigned_abs()));
    } else {
        out.push_str(&y.to_string());
    }
    out.push('-');
    push_2(out, mo);
    out.push('-');
    push_2(out, d);
}

/// `%z` of an offset: `+HHMM` (seconds of a local mean time offset dropped, as Ruby does).
fn push_offset(out: &mut String, offset: i32) {
    out.push(if offset < 0 { '-' } else { '+' });
    let a = offset.unsigned_abs();
    let h = a / 3600;
    if h < 100 {
        push_2(out, h as u8);
    } else {
        out.push_str(&format!("{h:02}"));
    }
    push_2(out, (a / 60 % 60) as u8);
}

/// Why `safe_load` raises on a scalar (the exception class Psych lets through).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// `Psych::DisallowedClass` (`Tried to load unspecified class: NAME`).
    DisallowedClass(String),
    /// `Psych::BadAlias` (`Unknown alias: NAME`).
    BadAlias(String),
    /// `ArgumentError` (from `Integer()`, `Float()`, `Encoding.find`).
    ArgumentError(String),
    /// `TypeError` (`can't convert nil into Float`).
    TypeError(String),
    /// `NoMethodError` (a timestamp whose date and time are separated by a tab only).
    NoMethodError(String),
    /// Another exception, for a construct postlint does not model (`!str` mappings…).
    Other(String),
}

impl LoadErrorKind {
    /// The Ruby exception class name.
    pub fn class_name(&self) -> &'static str {
        match self {
            LoadErrorKind::DisallowedClass(_) => "Psych::DisallowedClass",
            LoadErrorKind::BadAlias(_) => "Psych::BadAlias",
            LoadErrorKind::ArgumentError(_) => "ArgumentError",
            LoadErrorKind::TypeError(_) => "TypeError",
            LoadErrorKind::NoMethodError(_) => "NoMethodError",
            LoadErrorKind::Other(_) => "StandardError",
        }
    }

    /// The exception's message.
    pub fn message(&self) -> String {
        match self {
            LoadErrorKind::DisallowedClass(c) => format!("Tried to load unspecified class: {c}"),
            LoadErrorKind::BadAlias(a) => format!("Unknown alias: {a}"),
            LoadErrorKind::ArgumentError(m)
            | LoadErrorKind::TypeError(m)
            | LoadErrorKind::NoMethodError(m)
            | LoadErrorKind::Other(m) => m.clone(),
        }
    }
}

/// A scalar typed as Psych types it.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    /// `nil`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An Integer.
    Int(Int),
    /// A Float.
    Float(f64),
    /// A String.
    Str(String),
    /// A Symbol (only reachable when symbols are permitted; `safe_load` raises instead).
    Symbol(String),
    /// A `Time` from a YAML timestamp.
    Time(YamlTime),
    /// A `Date` from `YYYY-MM-DD`.
    Date(YamlDate),
    /// Some other Ruby object (`!ruby/encoding` gives an `Encoding`, `!ruby/class Date` a
    /// class): its class name.
    Other(String),
    /// What makes `safe_load` raise.
    Error(LoadErrorKind),
}

fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// `string.match?(%r{^[^\d.:-]?[[:alpha:]_\s!@#$%\^&*(){}<>|/\\~;=]+})` (at any line start).
fn looks_like_word(s: &str) -> bool {
    fn in_set(c: char) -> bool {
        c.is_alphabetic()
            || matches!(
                c,
                '_' | ' '
                    | '\t'
                    | '\n'
                    | '\x0b'
                    | '\x0c'
                    | '\r'
                    | '!'
                    | '@'
                    | '#'
                    | '$'
                    | '%'
                    | '^'
                    | '&'
                    | '*'
                    | '('
                    | ')'
                    | '{'
                    | '}'
                    | '<'
                    | '>'
                    | '|'
                    | '/'
                    | '\\'
                    | '~'
                    | ';'
                    | '='
            )
    }
    // `^` matches at the start and after every "\n"; the pattern needs one or two chars.
    let mut line_start = true;
    let mut chars = s.chars().peekable();
    while let Some(c0) = chars.next() {
        if line_start {
            if in_set(c0) {
                return true;
            }
            let optional = !(c0.is_ascii_digit() || matches!(c0, '.' | ':' | '-' | '\n'));
            if optional && chars.peek().is_some_and(|&c| in_set(c)) {
                return true;
            }
        }
        line_start = c0 == '\n';
    }
    false
}

/// Whether some line of `s` equals one of `words`, ignoring ASCII case (`/^(a|b)$/i`).
fn some_line_is(s: &str, words: &[&str]) -> bool {
    if !s.contains('\n') {
        return words.iter().any(|w| s.eq_ignore_ascii_case(w));
    }
    s.split('\n')
        .any(|line| words.iter().any(|w| line.eq_ignore_ascii_case(w)))
}

/// `Psych::ScalarScanner#tokenize` with the restricted class loader of `safe_load`
/// (`permitted_classes: [Date, Time]`, no symbols). `local` is the zone of `TZ`, which
/// `Time.at` uses for a timestamp without a zone.
pub fn tokenize(s: &str, local: &TimeZone) -> Typed {
    if s.is_empty() {
        return Typed::Null;
    }
    if looks_like_word(s) || s.contains('\n') {
        if s.len() > 20 || (s.len() > 5 && s.chars().count() > 5) {
            return Typed::Str(s.to_string());
        }
        let first = s
            .as_bytes()
            .first()
            .copied()
            .unwrap_or(0)
            .to_ascii_lowercase();
        if !matches!(first, b'y' | b't' | b'o' | b'n' | b'f' | b'~') {
            return Typed::Str(s.to_string());
        }
        if s == "~" || some_line_is(s, &["null"]) {
            return Typed::Null;
        }
        if some_line_is(s, &["yes", "true", "on"]) {
            return Typed::Bool(true);
        }
        if some_line_is(s, &["no", "false", "off"]) {
            return Typed::Bool(false);
        }
        return Typed::Str(s.to_string());
    }
    if is_time(s) {
        return match parse_time(s, local) {
            Ok(t) => Typed::Time(t),
            Err(TimeError::Argument) => Typed::Str(s.to_string()),
            Err(TimeError::NoMethod) => Typed::Error(LoadErrorKind::NoMethodError(
                "undefined method `match' for nil:NilClass".into(),
            )),
        };
    }
    if let Some(d) = match_date(s) {
        return match d {
            Some(d) => Typed::Date(d),
            None => Typed::Str(s.to_string()),
        };
    }
    let lower = s.to_ascii_lowercase();
    if lower == ".inf" || lower == "+.inf" {
        return Typed::Float(f64::INFINITY);
    }
    if lower == "-.inf" {
        return Typed::Float(f64::NEG_INFINITY);
    }
    if lower == ".nan" {
        return Typed::Float(f64::NAN);
    }
    if s.starts_with(':') && s.chars().nth(1).is_some() {
        return Typed::Error(LoadErrorKind::DisallowedClass("Symbol".into()));
    }
    if let Some(parts) = sexagesimal(s, false) {
        let mut i: i128 = 0;
        let n = parts.len();
        for (e, p) in parts.iter().enumerate() {
            let w = 60i128.pow((e as i32 - 2).unsigned_abs());
            let v = ruby_to_i(p);
            i = match v.checked_mul(w).and_then(|x| i.checked_add(x)) {
                Some(x) => x,
                None => return Typed::Int(Int::Big("overflow".into())),
            };
        }
        let _ = n;
        return Typed::Int(Int::Small(i));
    }
    if let Some(parts) = sexagesimal(s, true) {
        // `i = 0; i += n.to_f * 60 ** (e - 2).abs` (Integer 0 plus Floats).
        let mut i = 0f64;
        for (e, p) in parts.iter().enumerate() {
            let w = 60f64.powi((e as i32 - 2).abs());
            i += ruby_to_f(p) * w;
        }
        return Typed::Float(i);
    }
    if is_float(s) {
        if matches!(s, "." | "+." | "-.") {
            return Typed::Str(s.to_string());
        }
        let cleaned = clean_float(s);
        return match ruby_float(&cleaned) {
            Some(f) => Typed::Float(f),
            None => Typed::Error(LoadErrorKind::ArgumentError(format!(
                "invalid value for Float(): {cleaned:?}"
            ))),
        };
    }
    if is_integer(s) {
        let cleaned: String = s.chars().filter(|&c| c != ',' && c != '_').collect();
        return match ruby_integer(&cleaned) {
            Some(i) => Typed::Int(i),
            None => Typed::Error(LoadErrorKind::ArgumentError(format!(
                "invalid value for Integer(): {cleaned:?}"
            ))),
        };
    }
    Typed::Str(s.to_string())
}

/// `TIME = /^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?
/// (?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$/` for a string without a newline.
pub(crate) fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize, min: usize, max: usize| -> bool {
        let start = *i;
        while *i < b.len() && *i - start < max && is_digit(b[*i]) {
            *i += 1;
        }
        *i - start >= min
    };
    if !digits(&mut i, 4, 4) {
        return false;
    }
    // `\d{4}-`: exactly four digits then `-` (a fifth digit fails the `-`).
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !digits(&mut i, 1, 2) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !digits(&mut i, 1, 2) {
        return false;
    }
    match b.get(i) {
        Some(b'T' | b't') => i += 1,
        Some(c) if is_space(*c) => {
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
        }
        _ => return false,
    }
    if !digits(&mut i, 1, 2) || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    if !digits(&mut i, 2, 2) || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    if !digits(&mut i, 2, 2) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && is_digit(b[i]) {
            i += 1;
        }
    }
    if i == b.len() {
        return true;
    }
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    zone_tail(&b[i..])
}

/// `(?:Z|[-+]\d{1,2}:?(?:\d\d)?)$` on the whole rest.
fn zone_tail(b: &[u8]) -> bool {
    match b.first() {
        Some(b'Z') => b.len() == 1,
        Some(b'+' | b'-') => {
            let rest = &b[1..];
            let n = rest.iter().take_while(|c| is_digit(**c)).count();
            // \d{1,2} then optional ':' then optional \d\d, with backtracking.
            let done = |c: &[u8]| c.is_empty() || (c.len() == 2 && c.iter().all(|x| is_digit(*x)));
            (1..=n.min(2)).rev().any(|k| {
                let tail = &rest[k..];
                match tail.strip_prefix(b":") {
                    Some(t) => done(t) || done(tail),
                    None => done(tail),
                }
            })
        }
        _ => false,
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

enum TimeError {
    Argument,
    NoMethod,
}

/// `Psych::ScalarScanner#parse_time`.
fn parse_time(s: &str, local: &TimeZone) -> Result<YamlTime, TimeError> {
    // date, time = *(string.split(/[ tT]/, 2))
    let Some(split) = s.find([' ', 't', 'T']) else {
        return Err(TimeError::NoMethod);
    };
    let date = &s[..split];
    let time = &s[split + 1..];
    let d = date.as_bytes();
    // date.match(/^(-?\d{4})-(\d{1,2})-(\d{1,2})/)
    let mut i = 0;
    let neg = d.first() == Some(&b'-');
    if neg {
        i = 1;
    }
    let take = |i: &mut usize, max: usize| -> i64 {
        let mut v = 0i64;
        let start = *i;
        while *i < d.len() && *i - start < max && is_digit(d[*i]) {
            v = v * 10 + i64::from(d[*i] - b'0');
            *i += 1;
        }
        v
    };
    let mut yy = take(&mut i, 4);
    if neg {
        yy = -yy;
    }
    i += 1;
    let m = take(&mut i, 2);
    i += 1;
    let dd = take(&mut i, 2);
    // md = time.match(/(\d+:\d+:\d+)(?:\.(\d*))?\s*(Z|[-+]\d+(:\d\d)?)?/)
    let t = time.as_bytes();
    let Some(md) = match_time_part(t) else {
        return Err(TimeError::NoMethod);
    };
    let (hh, mm, ss) = md.hms;
    let frac = md.frac.unwrap_or("").to_string();
    let nanos_exact = frac_to_nanos(&frac);
    // klass.utc(yy, m, dd, hh, mm, ss, us): validates and rolls over.
    let civil = ruby_time_civil(yy, m, dd, hh, mm, ss).ok_or(TimeError::Argument)?;
    let utc_seconds = civil;
    let (zone, offset) = match md.zone {
        Some("Z") => (TimeZoneKind::Utc, 0i64),
        None => {
            let off = local_offset(local, utc_seconds);
            (TimeZoneKind::Local, i64::from(off))
        }
        Some(z) => {
            // md[3].match(/^([+\-]?\d{1,2})\:?(\d{1,2})?$/)[1..-1].compact
            let zb = z.as_bytes();
            let sign_neg = zb.first() == Some(&b'-');
            let digits = &zb[1..];
            let n = digits.iter().take_while(|c| is_digit(**c)).count();
            let (h, mi) = split_zone_digits(&digits[..n], &digits[n..]);
            let hours = if sign_neg { -h } else { h };
            let mut off = hours * 3600;
            if off < 0 {
                off -= mi * 60;
            } else {
                off += mi * 60;
            }
            // Time.new(..., offset): `utc_offset out of range` outside (-86400, 86400).
            if off <= -86400 || off >= 86400 {
                return Err(TimeError::Argument);
            }
            (TimeZoneKind::Offset, off)
        }
    };
    let _ = nanos_exact;
    let unix = if zone == TimeZoneKind::Offset {
        utc_seconds - offset
    } else {
        utc_seconds
    };
    let offset = if zone == TimeZoneKind::Local {
        i64::from(local_offset(local, unix))
    } else {
        offset
    };
    let civil = civil_from_unix(unix + offset);
    Ok(YamlTime {
        unix_seconds: unix,
        fraction: frac.trim_end_matches('0').to_string(),
        zone,
        utc_offset: offset as i32,
        civil,
    })
}

/// `[+\-]?\d{1,2}` then `:?` then `(\d{1,2})?` then end, on the digits after the sign.
fn split_zone_digits(digits: &[u8], rest: &[u8]) -> (i64, i64) {
    let num = |d: &[u8]| d.iter().fold(0i64, |a, c| a * 10 + i64::from(c - b'0'));
    if rest.first() == Some(&b':') {
        // "+08:00" (md[3] keeps `:\d\d` only) or "+8:00".
        let mins = &rest[1..];
        return (num(digits), num(mins));
    }
    match digits.len() {
        0 => (0, 0),
        1 | 2 => (num(digits), 0),
        3 => (num(&digits[..2]), num(&digits[2..])),
        _ => (num(&digits[..2]), num(&digits[2..4.min(digits.len())])),
    }
}

struct TimePart<'a> {
    hms: (i64, i64, i64),
    frac: Option<&'a str>,
    zone: Option<&'a str>,
}

fn match_time_part(t: &[u8]) -> Option<TimePart<'_>> {
    // The first position where `\d+:\d+:\d+` matches.
    let n = t.len();
    let mut start = 0;
    while start < n {
        if is_digit(t[start]) {
            let mut i = start;
            let mut nums = [0i64; 3];
            let mut ok = true;
            for (k, slot) in nums.iter_mut().enumerate() {
                let s0 = i;
                while i < n && is_digit(t[i]) {
                    *slot = slot
                        .saturating_mul(10)
                        .saturating_add(i64::from(t[i] - b'0'));
                    i += 1;
                }
                if i == s0 {
                    ok = false;
                    break;
                }
                if k < 2 {
                    if t.get(i) != Some(&b':') {
                        ok = false;
                        break;
                    }
                    i += 1;
                }
            }
            if ok {
                let mut frac = None;
                if t.get(i) == Some(&b'.') {
                    let f0 = i + 1;
                    let mut j = f0;
                    while j < n && is_digit(t[j]) {
                        j += 1;
                    }
                    frac = std::str::from_utf8(&t[f0..j]).ok();
                    i = j;
                }
                let mut j = i;
                while j < n && is_space(t[j]) {
                    j += 1;
                }
                let zone = match t.get(j) {
                    Some(b'Z') => Some("Z"),
                    Some(b'+' | b'-') if t.get(j + 1).is_some_and(|c| is_digit(*c)) => {
                        let mut k = j + 1;
                        while k < n && is_digit(t[k]) {
                            k += 1;
                        }
                        if t.get(k) == Some(&b':')
                            && t.get(k + 1).is_some_and(|c| is_digit(*c))
                            && t.get(k + 2).is_some_and(|c| is_digit(*c))
                        {
                            k += 3;
                        }
                        std::str::from_utf8(&t[j..k]).ok()
                    }
                    _ => None,
                };
                return Some(TimePart {
                    hms: (nums[0], nums[1], nums[2]),
                    frac,
                    zone,
                });
            }
        }
        start += 1;
    }
    None
}

fn frac_to_nanos(frac: &str) -> u32 {
    let mut n = 0u32;
    for (i, c) in frac.bytes().take(9).enumerate() {
        n += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
    }
    n
}

/// `Time.utc(y, m, d, h, mi, s)` → seconds since the epoch of that civil time read as UTC,
/// with Ruby's checks: month 1–12, day 1–31 (rolling over past the month's end), hour 0–24
/// (24 only at 24:00:00), minute 0–59, second 0–60 (60 rolls over). `None` = ArgumentError.
pub(crate) fn ruby_time_civil(y: i64, m: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(0..=24).contains(&h) {
        return None;
    }
    if !(0..=59).contains(&mi) || !(0..=60).contains(&s) {
        return None;
    }
    if h == 24 && (mi != 0 || s != 0) {
        return None;
    }
    let days = days_from_civil(y, m as u32, 1) + (d - 1);
    Some(days * 86400 + h * 3600 + mi * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian civil time of seconds since the epoch.
pub(crate) fn civil_from_unix(secs: i64) -> (i64, u8, u8, u8, u8, u8) {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m as u8,
        d as u8,
        (rem / 3600) as u8,
        (rem / 60 % 60) as u8,
        (rem % 60) as u8,
    )
}

/// Seconds in 400 Gregorian years: the calendar (dates and weekdays) repeats with it.
pub(crate) const CYCLE_400Y: i64 = 146_097 * 86_400;

/// Shift an instant by whole 400-year cycles into jiff's range (years -9999..=9999), where
/// a zone's rules give the same offset (the POSIX rule after the last transition repeats
/// with the calendar; before the first transition the offset is constant). Returns the
/// shifted instant and the shift.
pub(crate) fn into_jiff_range(unix: i64) -> (i64, i64) {
    let min = jiff::Timestamp::MIN.as_second() + 2 * 86_400;
    let max = jiff::Timestamp::MAX.as_second() - 2 * 86_400;
    if unix > max {
        let k = (unix - max).div_euclid(CYCLE_400Y) + 1;
        let shift = -k.saturating_mul(CYCLE_400Y);
        (unix.saturating_add(shift), shift)
    } else if unix < min {
        let k = (min - unix).div_euclid(CYCLE_400Y) + 1;
        let shift = k.saturating_mul(CYCLE_400Y);
        (unix.saturating_add(shift), shift)
    } else {
        (unix, 0)
    }
}

/// The UTC offset of a zone at an instant (seconds east).
pub(crate) fn local_offset(tz: &TimeZone, unix: i64) -> i32 {
    let (u, _) = into_jiff_range(unix);
    let ts = jiff::Timestamp::from_second(u).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    tz.to_offset(ts).seconds()
}

/// `/^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$/`, then `Date.strptime(s,
/// '%Y-%m-%d')`: `Some(None)` when it matches but is no valid date.
fn match_date(s: &str) -> Option<Option<YamlDate>> {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(|c| is_digit(*c)) || b[4] != b'-' {
        return None;
    }
    let rest = &b[5..];
    let dash = rest.iter().position(|&c| c == b'-')?;
    let (mo, day) = (&rest[..dash], &rest[dash + 1..]);
    let month_ok = match mo {
        [a] => is_digit(*a),
        [b'1', b'0'..=b'2'] | [b'0', b'0'..=b'9'] => true,
        _ => false,
    };
    let day_ok = match day {
        [a] => is_digit(*a),
        [b'1' | b'2', b'0'..=b'9'] | [b'3', b'0' | b'1'] | [b'0', b'0'..=b'9'] => true,
        _ => false,
    };
    if !month_ok || !day_ok {
        return None;
    }
    let num = |d: &[u8]| d.iter().fold(0i32, |a, c| a * 10 + i32::from(c - b'0'));
    let (y, m, d) = (num(&b[..4]), num(mo), num(day));
    Some(valid_ruby_date(y, m, d).then_some(YamlDate {
        year: y,
        month: m as u8,
        day: d as u8,
    }))
}

/// Whether a civil date exists in Ruby's default calendar (`Date::ITALY`: Julian before
/// 1582-10-15, with 1582-10-05..14 missing).
pub(crate) fn valid_ruby_date(y: i32, m: i32, d: i32) -> bool {
    if !(1..=12).contains(&m) || d < 1 {
        return false;
    }
    let julian = (y, m, d) < (1582, 10, 15);
    if (y, m) == (1582, 10) && (5..=14).contains(&d) {
        return false;
    }
    let leap = if julian {
        y.rem_euclid(4) == 0
    } else {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    };
    let len = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    d <= len
}

/// `^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}$` (or with `\.[0-9_]*` after, for `float`):
/// the parts split at `:`.
fn sexagesimal(s: &str, float: bool) -> Option<Vec<&str>> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (main, frac) = if float {
        let dot = body.rfind('.')?;
        let f = &body[dot + 1..];
        if !f.bytes().all(|c| is_digit(c) || c == b'_') {
            return None;
        }
        (&body[..dot], Some(f))
    } else {
        (body, None)
    };
    let mut parts = main.split(':');
    let first = parts.next()?;
    let fb = first.as_bytes();
    if fb.is_empty() || !is_digit(fb[0]) || !fb.iter().all(|c| is_digit(*c) || *c == b'_') {
        return None;
    }
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() || rest.len() > 2 {
        return None;
    }
    for p in &rest {
        let ok = match p.as_bytes() {
            [a] => is_digit(*a),
            [a, b] => (b'0'..=b'5').contains(a) && is_digit(*b),
            _ => false,
        };
        if !ok {
            return None;
        }
    }
    let _ = frac;
    // `string.split(':')` on the original (sign and fraction included).
    Some(s.split(':').collect())
}

/// `String#to_i`: leading whitespace, sign, digits with single underscores between them.
fn ruby_to_i(s: &str) -> i128 {
    let t = s.trim_start();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i128 = 0;
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if is_digit(b[i]) {
            v = v.saturating_mul(10).saturating_add(i128::from(b[i] - b'0'));
        } else if b[i] == b'_'
            && i > 0
            && is_digit(b[i - 1])
            && b.get(i + 1).is_some_and(|c| is_digit(*c))
        {
        } else {
            break;
        }
        i += 1;
    }
    if neg { -v } else { v }
}

/// `String#to_f`: the longest leading decimal number (single underscores between digits).
fn ruby_to_f(s: &str) -> f64 {
    let b = s.trim_start().as_bytes();
    let mut out = String::new();
    let mut i = 0;
    if let Some(&c @ (b'-' | b'+')) = b.first() {
        out.push(c as char);
        i = 1;
    }
    let digits = |i: &mut usize, out: &mut String| {
        while *i < b.len() {
            if is_digit(b[*i]) {
                out.push(b[*i] as char);
            } else if b[*i] == b'_'
                && *i > 0
                && is_digit(b[*i - 1])
                && b.get(*i + 1).is_some_and(|c| is_digit(*c))
            {
            } else {
                break;
            }
            *i += 1;
        }
    };
    digits(&mut i, &mut out);
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(|c| is_digit(*c)) {
        out.push('.');
        i += 1;
        digits(&mut i, &mut out);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        let mut e = String::from("e");
        if let Some(&c @ (b'-' | b'+')) = b.get(j) {
            e.push(c as char);
            j += 1;
        }
        if b.get(j).is_some_and(|c| is_digit(*c)) {
            let mut k = j;
            digits(&mut k, &mut e);
            out.push_str(&e);
        }
    }
    out.parse::<f64>().unwrap_or(0.0)
}

/// `FLOAT = /^(?:[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?)$/`.
fn is_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    if b.get(i).is_some_and(|c| is_digit(*c)) {
        while i < b.len() && (is_digit(b[i]) || b[i] == b'_' || b[i] == b',') {
            i += 1;
        }
    }
    if b.get(i) != Some(&b'.') {
        return false;
    }
    i += 1;
    while i < b.len() && is_digit(b[i]) {
        i += 1;
    }
    if i == b.len() {
        return true;
    }
    if !matches!(b[i], b'e' | b'E') {
        return false;
    }
    i += 1;
    if !matches!(b.get(i), Some(b'-' | b'+')) {
        return false;
    }
    i += 1;
    let start = i;
    while i < b.len() && is_digit(b[i]) {
        i += 1;
    }
    i > start && i == b.len()
}

/// `string.gsub(/[,_]|\.([Ee]|$)/, '\1')`.
fn clean_float(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b',' | b'_' => {}
            b'.' if i + 1 == b.len() || matches!(b.get(i + 1), Some(b'e' | b'E')) => {}
            _ => out.push(c as char),
        }
    }
    out
}

/// Ruby's `Float(string)` (strict): optional whitespace, sign, decimal digits with single
/// underscores, fraction, exponent; or a hexadecimal integer `0x…`. `None` = ArgumentError.
pub(crate) fn ruby_float(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
    if t.is_empty() || t.contains('\0') {
        return None;
    }
    let b = t.as_bytes();
    let mut i = 0;
    let mut out = String::new();
    if let Some(&c @ (b'-' | b'+')) = b.first() {
        out.push(c as char);
        i = 1;
    }
    if b.get(i) == Some(&b'0') && matches!(b.get(i + 1), Some(b'x' | b'X')) {
        let hex = &t[i + 2..];
        let int = parse_radix(hex, 16, true)?;
        let v = match int {
            Int::Small(v) => v as f64,
            Int::Big(d) => d.parse::<f64>().ok()?,
        };
        return Some(if out == "-" { -v } else { v });
    }
    let digits = |i: &mut usize, out: &mut String| -> bool {
        let start = *i;
        while *i < b.len() {
            if is_digit(b[*i]) {
                out.push(b[*i] as char);
            } else if b[*i] == b'_' && *i > start && is_digit(b[*i - 1]) {
                if !b.get(*i + 1).is_some_and(|c| is_digit(*c)) {
                    return false;
                }
            } else {
                break;
            }
            *i += 1;
        }
        *i > start
    };
    let int_part = digits(&mut i, &mut out);
    if i < b.len() && b[i] == b'_' {
        return None;
    }
    let mut frac_part = false;
    if b.get(i) == Some(&b'.') {
        out.push('.');
        i += 1;
        if !b.get(i).is_some_and(|c| is_digit(*c)) {
            return None;
        }
        frac_part = digits(&mut i, &mut out);
        if i < b.len() && b[i] == b'_' {
            return None;
        }
    }
    if !int_part && !frac_part {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        out.push('e');
        i += 1;
        if let Some(&c @ (b'-' | b'+')) = b.get(i) {
            out.push(c as char);
            i += 1;
        }
        if !digits(&mut i, &mut out) {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    out.parse::<f64>().ok()
}

/// `INTEGER`: binary, octal, decimal (`,` or `_` only between digits) or hexadecimal.
fn is_integer(s: &str) -> bool {
    let b = s.as_bytes();
    let body = match b.first() {
        Some(b'-' | b'+') => &b[1..],
        _ => b,
    };
    let all = |x: &[u8], f: fn(u8) -> bool| !x.is_empty() && x.iter().all(|&c| f(c));
    if let Some(r) = body.strip_prefix(b"0b")
        && all(r, |c| matches!(c, b'0' | b'1' | b'_' | b','))
    {
        return true;
    }
    if let Some(r) = body.strip_prefix(b"0")
        && all(r, |c| matches!(c, b'0'..=b'7' | b'_' | b','))
    {
        return true;
    }
    if body == b"0" {
        return true;
    }
    if body.first().is_some_and(|c| (b'1'..=b'9').contains(c)) {
        let mut i = 1;
        let mut ok = true;
        while i < body.len() {
            if is_digit(body[i]) {
                i += 1;
            } else if matches!(body[i], b',' | b'_')
                && body.get(i + 1).is_some_and(|c| is_digit(*c))
            {
                i += 2;
            } else {
                ok = false;
                break;
            }
        }
        if ok {
            return true;
        }
    }
    if let Some(r) = body.strip_prefix(b"0x")
        && all(r, |c| c.is_ascii_hexdigit() || c == b'_' || c == b',')
    {
        return true;
    }
    false
}

/// Ruby's `Integer(string)` for the strings `INTEGER` lets through (after removing `,` and
/// `_`): `0b`, `0x`, `0` (octal) prefixes and a sign. `None` = ArgumentError.
fn ruby_integer(s: &str) -> Option<Int> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let v = if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        parse_radix(r, 2, false)?
    } else if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        parse_radix(r, 16, false)?
    } else if body.len() > 1 && body.starts_with('0') {
        parse_radix(&body[1..], 8, false)?
    } else {
        parse_radix(body, 10, false)?
    };
    Some(match v {
        Int::Small(i) if neg => Int::Small(-i),
        Int::Big(d) if neg => Int::Big(format!("-{d}")),
        other => other,
    })
}

/// Digits in a radix to an integer of any size (`underscores`: single `_` between digits).
fn parse_radix(s: &str, radix: u32, underscores: bool) -> Option<Int> {
    if s.is_empty() {
        return None;
    }
    // Little-endian base-1e9 limbs of the magnitude.
    let mut limbs: Vec<u64> = vec![0];
    let mut prev_digit = false;
    for (i, c) in s.chars().enumerate() {
        if underscores && c == '_' {
            if !prev_digit || i + 1 == s.len() {
                return None;
            }
            prev_digit = false;
            continue;
        }
        let d = u64::from(c.to_digit(radix)?);
        prev_digit = true;
        let mut carry = d;
        for l in limbs.iter_mut() {
            let v = *l * u64::from(radix) + carry;
            *l = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    }
    let mut text = String::new();
    for (i, l) in limbs.iter().rev().enumerate() {
        if i == 0 {
            text.push_str(&l.to_string());
        } else {
            text.push_str(&format!("{l:09}"));
        }
    }
    Some(match text.parse::<i128>() {
        Ok(v) => Int::Small(v),
        Err(_) => Int::Big(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `time_to_s` against the plain `format!` of `Time#to_s`.
    #[test]
    fn time_to_s_formats_like_ruby() {
        let reference = |c: (i64, u8, u8, u8, u8, u8), utc: bool, off: i32| {
            let (y, mo, d, h, mi, s) = c;
            let year = if y < 0 {
                format!("-{:04}", -y)
            } else {
                format!("{y:04}")
            };
            let zone = if utc {
                "UTC".to_string()
            } else {
                let a = off.unsigned_abs();
                format!(
                    "{}{:02}{:02}",
                    if off < 0 { '-' } else { '+' },
                    a / 3600,
                    a / 60 % 60
                )
            };
            format!("{year}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} {zone}")
        };
        for y in [-12345i64, -1, 0, 7, 999, 1000, 2021, 9999, 10_000, 123_456] {
            for off in [
                -86399i32, -28800, -1800, -1, 0, 1, 19800, 28800, 86399, 500_000,
            ] {
                for utc in [false, true] {
                    let c = (y, 12, 8, 23, 5, 9);
                    assert_eq!(time_to_s(c, utc, off), reference(c, utc, off));
                }
            }
        }
        let d = YamlDate {
            year: -5,
            month: 1,
            day: 2,
        };
        assert_eq!(d.to_ruby_string(), "-0005-01-02");
    }
}
