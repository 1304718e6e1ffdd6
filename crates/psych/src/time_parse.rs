//! Ruby's `Time.parse(string, now)` (lib/ruby/3.1.0/time.rb): `Date._parse(string, true)`
//! (with its `limit: 128`), then `Time.make_time`, `Time.zone_offset`, `apply_offset`,
//! `force_zone!`, and `Time.utc` / `Time.local` with their range checks and roll-overs.

use jiff::Timestamp;
use jiff::tz::{Disambiguation, TimeZone};

use crate::date_parse::{DateHash, date_parse};
use crate::scalar::{civil_from_unix, days_from_civil};

/// A Ruby `Time` as `Time.parse` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubyTime {
    /// Seconds since the Unix epoch.
    pub unix_seconds: i64,
    /// The fraction of a second: the decimal digits after the point (`"5"` = 0.5), without
    /// trailing zeros; empty when whole.
    pub fraction: String,
    /// `Time#utc_offset`, seconds east of UTC.
    pub utc_offset: i32,
    /// `Time#utc?` (the zone was `UTC`, `Z`, `UT`, `-00:00`, `-0000` or `-00`).
    pub utc: bool,
    /// The civil time in that offset: year, month, day, hour, minute, second.
    pub civil: (i64, u8, u8, u8, u8, u8),
}

impl RubyTime {
    /// `Time#to_s`.
    pub fn to_ruby_string(&self) -> String {
        crate::scalar::time_to_s(self.civil, self.utc, self.utc_offset)
    }

    /// The same instant as a local time of `tz` (`Time#localtime`).
    pub fn localtime(&self, tz: &TimeZone) -> RubyTime {
        let off = offset_at(tz, self.unix_seconds);
        RubyTime {
            unix_seconds: self.unix_seconds,
            fraction: self.fraction.clone(),
            utc_offset: off,
            utc: false,
            civil: civil_from_unix(self.unix_seconds + i64::from(off)),
        }
    }
}

/// Why `Time.parse` raised. All but [`TimeParseError::Range`] are `ArgumentError`s (which
/// Jekyll turns into `Jekyll::Errors::InvalidDateError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeParseError {
    /// `string length (N) exceeds the limit 128` (`Date._parse`'s limit, in bytes).
    TooLong(usize),
    /// `no time information in "..."`.
    NoTimeInformation,
    /// `yday N out of range`.
    YdayOutOfRange(i128),
    /// `argument out of range` (or `mon out of range`, `sec out of range`…) from
    /// `Time.utc` / `Time.local`.
    OutOfRange(&'static str),
    /// A `RangeError` (an hour too large for C's `int` before `am`/`pm`): not an
    /// `ArgumentError`, so Jekyll does not rescue it.
    Range,
    /// A year beyond ±10^11: Ruby computes such a `Time` (its years are bignums); postlint
    /// does not (a known gap, reported as its own kind).
    YearTooLarge,
}

impl std::fmt::Display for TimeParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeParseError::TooLong(n) => write!(f, "string length ({n}) exceeds the limit 128"),
            TimeParseError::NoTimeInformation => f.write_str("no time information"),
            TimeParseError::YdayOutOfRange(y) => write!(f, "yday {y} out of range"),
            TimeParseError::OutOfRange(what) => f.write_str(what),
            TimeParseError::Range => f.write_str("integer too big to convert to `int'"),
            TimeParseError::YearTooLarge => f.write_str("year too large for postlint"),
        }
    }
}

impl std::error::Error for TimeParseError {}

impl TimeParseError {
    /// Whether Ruby raises an `ArgumentError` (what `Jekyll::Utils.parse_date` rescues).
    pub fn is_argument_error(&self) -> bool {
        !matches!(self, TimeParseError::Range | TimeParseError::YearTooLarge)
    }
}

fn offset_at(tz: &TimeZone, unix: i64) -> i32 {
    crate::scalar::local_offset(tz, unix)
}

fn abbreviation_at(tz: &TimeZone, unix: i64) -> String {
    let (u, _) = crate::scalar::into_jiff_range(unix);
    let ts = Timestamp::from_second(u).unwrap_or(Timestamp::UNIX_EPOCH);
    tz.to_offset_info(ts).abbreviation().to_string()
}

/// `Time::ZoneOffset` (time.rb): hours.
fn zone_table(z: &str) -> Option<i64> {
    Some(match z {
        "UTC" | "Z" | "UT" | "GMT" => 0,
        "EST" => -5,
        "EDT" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        "A" => 1,
        "B" => 2,
        "C" => 3,
        "D" => 4,
        "E" => 5,
        "F" => 6,
        "G" => 7,
        "H" => 8,
        "I" => 9,
        "K" => 10,
        "L" => 11,
        "M" => 12,
        "N" => -1,
        "O" => -2,
        "P" => -3,
        "Q" => -4,
        "R" => -5,
        "S" => -6,
        "T" => -7,
        "U" => -8,
        "V" => -9,
        "W" => -10,
        "X" => -11,
        "Y" => -12,
        _ => return None,
    })
}

/// `Time.zone_offset(zone, year)`: seconds, or `None` (then the time is local).
pub fn zone_offset(zone: &str, year: i128, local: &TimeZone) -> Option<i128> {
    // `zone.upcase` (no copy when nothing changes).
    let z: std::borrow::Cow<'_, str> = if zone
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_lowercase())
    {
        std::borrow::Cow::Borrowed(zone)
    } else {
        std::borrow::Cow::Owned(zone.to_uppercase())
    };
    let b = z.as_bytes();
    let d2 = |i: usize| -> Option<i128> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit())
            .then(|| i128::from(x - b'0') * 10 + i128::from(y - b'0'))
    };
    if matches!(b.first(), Some(b'+' | b'-')) {
        let sign = if b[0] == b'-' { -1 } else { 1 };
        // \A([+-])(\d\d)(:?)(\d\d)(?:\3(\d\d))?\z
        if let Some(h) = d2(1) {
            let colon = b.get(3) == Some(&b':');
            let mi_at = if colon { 4 } else { 3 };
            if let Some(m) = d2(mi_at) {
                let after = mi_at + 2;
                if after == b.len() {
                    return Some(sign * ((h * 60 + m) * 60));
                }
                let sec_at = if colon {
                    (b.get(after) == Some(&b':')).then_some(after + 1)
                } else {
                    Some(after)
                };
                if let Some(sa) = sec_at
                    && let Some(s) = d2(sa)
                    && sa + 2 == b.len()
                {
                    return Some(sign * ((h * 60 + m) * 60 + s));
                }
            }
            // \A[+-]\d\d\z
            if b.len() == 3 {
                return Some(sign * h * 3600);
            }
        }
    }
    if let Some(h) = zone_table(&z) {
        return Some(i128::from(h) * 3600);
    }
    for month in [1u32, 7] {
        let Some(unix) = local_to_unix(year, i128::from(month), 1, 0, 0, 0, local) else {
            continue;
        };
        if abbreviation_at(local, unix).to_uppercase() == *z {
            return Some(i128::from(offset_at(local, unix)));
        }
    }
    None
}

/// `zone_utc?`.
fn zone_utc(zone: &str) -> bool {
    let z = zone.to_ascii_uppercase();
    matches!(z.as_str(), "-00:00" | "-0000" | "-00" | "UTC" | "Z" | "UT")
}

fn leap(y: i128) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_days(y: i128, m: i128) -> Option<i128> {
    const LEAP: [i128; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const COMMON: [i128; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    // Ruby's `Array#[m-1]`: negative indices count from the end; out of range is nil.
    let idx = m - 1;
    let table = if leap(y) { &LEAP } else { &COMMON };
    let i = if idx < 0 { idx + 12 } else { idx };
    usize::try_from(i).ok().and_then(|i| table.get(i).copied())
}

/// `Time.apply_offset`.
#[allow(clippy::type_complexity)]
fn apply_offset(
    mut year: i128,
    mut mon: i128,
    mut day: i128,
    mut hour: i128,
    mut min: i128,
    mut sec: i128,
    off: i128,
) -> (i128, i128, i128, i128, i128, i128) {
    let dm = |a: i128, b: i128| (a.div_euclid(b), a.rem_euclid(b));
    if off < 0 {
        let off = -off;
        let (mut off, o) = dm(off, 60);
        if o != 0 {
            sec = sec.saturating_add(o);
            let (q, r) = dm(sec, 60);
            sec = r;
            off = off.saturating_add(q);
        }
        let (mut off2, o) = dm(off, 60);
        if o != 0 {
            min = min.saturating_add(o);
            let (q, r) = dm(min, 60);
            min = r;
            off2 = off2.saturating_add(q);
        }
        off = off2;
        let (mut off3, o) = dm(off, 24);
        if o != 0 {
            hour = hour.saturating_add(o);
            let (q, r) = dm(hour, 24);
            hour = r;
            off3 = off3.saturating_add(q);
        }
        if off3 != 0 {
            day = day.saturating_add(off3);
            if let Some(days) = month_days(year, mon)
                && days < day
            {
                mon = mon.saturating_add(1);
                if 12 < mon {
                    mon = 1;
                    year = year.saturating_add(1);
                }
                day = 1;
            }
        }
    } else if 0 < off {
        let (mut off, o) = dm(off, 60);
        if o != 0 {
            sec = sec.saturating_sub(o);
            let (q, r) = dm(sec, 60);
            sec = r;
            off = off.saturating_sub(q);
        }
        let (mut off2, o) = dm(off, 60);
        if o != 0 {
            min = min.saturating_sub(o);
            let (q, r) = dm(min, 60);
            min = r;
            off2 = off2.saturating_sub(q);
        }
        off = off2;
        let (mut off3, o) = dm(off, 24);
        if o != 0 {
            hour = hour.saturating_sub(o);
            let (q, r) = dm(hour, 24);
            hour = r;
            off3 = off3.saturating_sub(q);
        }
        if off3 != 0 {
            day = day.saturating_sub(off3);
            if day < 1 {
                mon = mon.saturating_sub(1);
                if mon < 1 {
                    year = year.saturating_sub(1);
                    mon = 12;
                }
                day = month_days(year, mon).unwrap_or(31);
            }
        }
    }
    (year, mon, day, hour, min, sec)
}

/// `Time.utc` / `Time.local`'s argument checks (time.c `time_arg`, `validate_vtm`): the
/// "naive" seconds of the civil time read as UTC, with day/hour/second roll-overs.
fn check_civil(
    y: i128,
    mon: i128,
    d: i128,
    h: i128,
    mi: i128,
    s: i128,
) -> Result<i64, TimeParseError> {
    // time_arg: each of mon, mday, hour, min, sec through `obj2ubits` in turn: `NUM2INT`
    // (a RangeError beyond C's int), then the bit width (an ArgumentError).
    for (v, bits) in [(mon, 4u32), (d, 5), (h, 5), (mi, 6), (s, 6)] {
        if i32::try_from(v).is_err() {
            return Err(TimeParseError::Range);
        }
        if (v as i32 as u32) & !((1u32 << bits) - 1) != 0 {
            return Err(TimeParseError::OutOfRange("argument out of range"));
        }
    }
    // validate_vtm
    if !(1..=12).contains(&mon) {
        return Err(TimeParseError::OutOfRange("mon out of range"));
    }
    if !(1..=31).contains(&d) {
        return Err(TimeParseError::OutOfRange("mday out of range"));
    }
    if !(0..=24).contains(&h) {
        return Err(TimeParseError::OutOfRange("hour out of range"));
    }
    if !(0..=if h == 24 { 0 } else { 59 }).contains(&mi) {
        return Err(TimeParseError::OutOfRange("min out of range"));
    }
    if !(0..=if h == 24 { 0 } else { 60 }).contains(&s) {
        return Err(TimeParseError::OutOfRange("sec out of range"));
    }
    if y.unsigned_abs() > 100_000_000_000 {
        return Err(TimeParseError::YearTooLarge);
    }
    // All fields now fit: mon..sec in C ints, |year| <= 10^11.
    let (y, d, h, mi, s) = (y as i64, d as i64, h as i64, mi as i64, s as i64);
    let days = days_from_civil(y, mon as u32, 1) + (d - 1);
    Ok(days * 86400 + h * 3600 + mi * 60 + s)
}

/// The instant of a local civil time (naive seconds normalised first): a time in a gap moves
/// forward, an ambiguous one takes the later (standard-time) offset, as Ruby's `Time.local`.
fn local_to_unix(
    y: i128,
    mon: i128,
    d: i128,
    h: i128,
    mi: i128,
    s: i128,
    tz: &TimeZone,
) -> Option<i64> {
    let naive = check_civil(y, mon, d, h, mi, s).ok()?;
    Some(naive_local_to_unix(naive, tz))
}

fn naive_local_to_unix(naive: i64, tz: &TimeZone) -> i64 {
    let (shifted, shift) = crate::scalar::into_jiff_range(naive);
    let (y, mo, d, h, mi, s) = civil_from_unix(shifted);
    let dt = i16::try_from(y).ok().and_then(|y| {
        jiff::civil::DateTime::new(y, mo as i8, d as i8, h as i8, mi as i8, s as i8, 0).ok()
    });
    if let Some(dt) = dt
        && let Ok(ts) = tz
            .to_ambiguous_timestamp(dt)
            .disambiguate(Disambiguation::Later)
    {
        return ts.as_second().saturating_sub(shift);
    }
    let off = i64::from(offset_at(tz, naive));
    naive - off
}

/// `Time.parse(s, now)` with `ENV["TZ"]` = `local`.
pub fn time_parse(s: &str, now: Timestamp, local: &TimeZone) -> Result<RubyTime, TimeParseError> {
    if s.len() > 128 {
        return Err(TimeParseError::TooLong(s.len()));
    }
    time_of_hash(&date_parse(s, true), now, local)
}

/// `Time.parse` after `Date._parse` (of a string within the 128-byte limit).
pub(crate) fn time_of_hash(
    d: &DateHash,
    now: Timestamp,
    local: &TimeZone,
) -> Result<RubyTime, TimeParseError> {
    if d.range_error {
        return Err(TimeParseError::Range);
    }
    make_time(d, d.year, d.yday, d.mon, d.mday, now, local)
}

struct Civil {
    year: i128,
    mon: i128,
    day: i128,
    hour: i128,
    min: i128,
    sec: i128,
}

fn civil_of(unix: i64, off: i64) -> Civil {
    let (y, mo, d, h, mi, s) = civil_from_unix(unix + off);
    Civil {
        year: i128::from(y),
        mon: i128::from(mo),
        day: i128::from(d),
        hour: i128::from(h),
        min: i128::from(mi),
        sec: i128::from(s),
    }
}

/// `Time.make_time`.
fn make_time(
    d: &DateHash,
    year: Option<i128>,
    yday: Option<i128>,
    mon: Option<i128>,
    day: Option<i128>,
    now: Timestamp,
    local: &TimeZone,
) -> Result<RubyTime, TimeParseError> {
    let (hour, min, sec) = (d.hour, d.min, d.sec);
    let zone = d.zone.as_deref();
    if year.is_none()
        && yday.is_none()
        && mon.is_none()
        && day.is_none()
        && hour.is_none()
        && min.is_none()
        && sec.is_none()
        && d.sec_fraction.is_none()
    {
        return Err(TimeParseError::NoTimeInformation);
    }
    let now_unix = now.as_second();
    let now_local_off = i64::from(offset_at(local, now_unix));
    let off_year = year.unwrap_or_else(|| civil_of(now_unix, now_local_off).year);
    let mut off = zone.and_then(|z| zone_offset(z, off_year, local));

    if let Some(yd) = yday {
        if !(1..=366).contains(&yd) {
            return Err(TimeParseError::YdayOutOfRange(yd));
        }
        let mut mon = (yd - 1).div_euclid(31) + 1;
        let mut day = (yd - 1).rem_euclid(31) + 1;
        let t = make_time(d, year, None, Some(mon), Some(day), now, local)?;
        let diff = yd - i128::from(yday_of(&t));
        if diff == 0 {
            return Ok(t);
        }
        day += diff;
        if day > 28
            && let Some(md) = month_days(off_year, mon)
            && day > md
        {
            mon += 1;
            if mon > 12 {
                return Err(TimeParseError::YdayOutOfRange(yd));
            }
            day -= md;
        }
        return make_time(d, year, None, Some(mon), Some(day), now, local);
    }

    // now = now.getlocal(off) / now.getlocal: `utc_offset out of range` unless
    // -86400 < off < 86400.
    if off.is_some_and(|o| o <= -86400 || o >= 86400) {
        return Err(TimeParseError::OutOfRange("utc_offset out of range"));
    }
    let now_off = off.map_or(now_local_off, |o| o as i64);
    let n = civil_of(now_unix, now_off);
    let now_nanos = now.subsec_nanosecond();

    let mut fraction = d.sec_fraction.clone();
    let (mut year, mut mon, mut day, mut hour, mut min, mut sec) = (year, mon, day, hour, min, sec);
    'fill: {
        if year.is_some() {
            break 'fill;
        }
        year = Some(n.year);
        if mon.is_some() {
            break 'fill;
        }
        mon = Some(n.mon);
        if day.is_some() {
            break 'fill;
        }
        day = Some(n.day);
        if hour.is_some() {
            break 'fill;
        }
        hour = Some(n.hour);
        if min.is_some() {
            break 'fill;
        }
        min = Some(n.min);
        if sec.is_some() {
            break 'fill;
        }
        sec = Some(n.sec);
        if fraction.is_some() {
            break 'fill;
        }
        // usec = now.tv_usec
        fraction = Some(format!("{:06}", now_nanos / 1000));
    }
    let year = year.unwrap_or(1970);
    let mon = mon.unwrap_or(1);
    let day = day.unwrap_or(1);
    let hour = hour.unwrap_or(0);
    let min = min.unwrap_or(0);
    let sec = sec.unwrap_or(0);
    let fraction = fraction
        .unwrap_or_default()
        .trim_end_matches('0')
        .to_string();

    if year != off_year {
        off = zone.and_then(|z| zone_offset(z, year, local));
    }
    if let Some(off) = off {
        let (y, mo, dd, h, mi, s) = apply_offset(year, mon, day, hour, min, sec, off);
        let naive = check_civil(y, mo, dd, h, mi, s)?;
        let unix = naive;
        // force_zone!
        let zone = zone.unwrap_or("");
        if zone_utc(zone) {
            return Ok(RubyTime {
                unix_seconds: unix,
                fraction,
                utc_offset: 0,
                utc: true,
                civil: civil_from_unix(unix),
            });
        }
        let lo = i64::from(offset_at(local, unix));
        let off = off as i64;
        let shown = if lo == off { lo } else { off };
        // Time#localtime(offset): `utc_offset out of range` unless -86400 < offset < 86400.
        if shown <= -86400 || shown >= 86400 {
            return Err(TimeParseError::OutOfRange("utc_offset out of range"));
        }
        Ok(RubyTime {
            unix_seconds: unix,
            fraction,
            utc_offset: shown as i32,
            utc: false,
            civil: civil_from_unix(unix + shown),
        })
    } else {
        let naive = check_civil(year, mon, day, hour, min, sec)?;
        let unix = naive_local_to_unix(naive, local);
        let lo = offset_at(local, unix);
        Ok(RubyTime {
            unix_seconds: unix,
            fraction,
            utc_offset: lo,
            utc: false,
            civil: civil_from_unix(unix + i64::from(lo)),
        })
    }
}

fn yday_of(t: &RubyTime) -> i64 {
    let (y, m, d, ..) = t.civil;
    days_from_civil(y, u32::from(m), u32::from(d)) - days_from_civil(y, 1, 1) + 1
}
