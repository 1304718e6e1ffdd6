//! Dates as Jekyll reads them: the front matter `date` (split into its parts, with the one
//! UTC-offset grammar), the date in a post's file name, and "now".

use std::ops::Range;
use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use regex::Regex;

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
}

/// Split a date written in the lenient grammar into its parts.
pub fn parse_lenient(value: &str) -> Option<Parsed> {
    let caps = LENIENT.captures(value)?;
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let time = match (num("h"), num("mi")) {
        (Some(h), Some(mi)) => Some((h, mi, num("s").unwrap_or(0))),
        _ => None,
    };
    let zone = caps.name("z").map(|m| (m.as_str().to_string(), m.range()));
    let offset_secs = zone.as_ref().and_then(|(z, _)| parse_offset(z));
    Some(Parsed {
        year: caps.name("y")?.as_str().parse().ok()?,
        month: num("mo")?,
        day: num("d")?,
        time,
        zone,
        offset_secs,
    })
}

/// A UTC offset as written in a date or a config, in seconds: `Z`, `UTC`, or a sign, one or two
/// digits of hours and optionally two of minutes, with or without a colon (`+8`, `+08`, `+800`,
/// `+0800`, `+08:00`); hours up to 23, minutes up to 59. The one offset grammar.
pub fn parse_offset(z: &str) -> Option<i32> {
    if matches!(z, "Z" | "z" | "UTC") {
        return Some(0);
    }
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) if (1..=2).contains(&h.len()) && m.len() == 2 && digits(h) && digits(m) => {
            (h, m)
        }
        Some(_) => return None,
        None if !digits(rest) => return None,
        None => match rest.len() {
            1 | 2 => (rest, "0"),
            3 => rest.split_at(1),
            4 => rest.split_at(2),
            _ => return None,
        },
    };
    let (h, m) = (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?);
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// A time zone as `_config.yml`'s `timezone` or the config's `site.timezone` names it: `UTC`,
/// `Z`, an offset in [`parse_offset`]'s grammar, or an IANA name (`Asia/Shanghai`).
pub fn parse_timezone(s: &str) -> Option<TimeZone> {
    let s = s.trim();
    if matches!(s, "UTC" | "Z" | "utc") {
        return Some(TimeZone::UTC);
    }
    if s.starts_with(['+', '-']) {
        return Offset::from_seconds(parse_offset(s)?)
            .ok()
            .map(TimeZone::fixed);
    }
    TimeZone::get(s).ok()
}

impl Parsed {
    pub fn civil(&self) -> Option<DateTime> {
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

/// `+0800` (or `+08:00` with `colon`) for an offset in seconds.
pub fn format_offset(secs: i32, colon: bool) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m) = (abs / 3600, (abs % 3600) / 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_timezones() {
        for (z, secs) in [
            ("Z", 0),
            ("UTC", 0),
            ("+8", 8 * 3600),
            ("+08", 8 * 3600),
            ("+800", 8 * 3600),
            ("+0800", 8 * 3600),
            ("+08:00", 8 * 3600),
            ("-05:30", -(5 * 3600 + 30 * 60)),
        ] {
            assert_eq!(parse_offset(z), Some(secs), "{z}");
        }
        for bad in [
            "+25:00", "+0860", "+08ab", "08:00", "+", "+08:0", "+123456", "",
        ] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
        assert!(parse_timezone("+08:00").is_some());
        assert!(parse_timezone("+0800").is_some());
        assert!(parse_timezone("Asia/Shanghai").is_some());
        assert!(parse_timezone("Mars/Olympus").is_none());
        assert!(parse_timezone("+25:00").is_none());
    }

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
