//! Times as Jekyll holds them: a Ruby `Time` in the site's zone (an instant and the zone's UTC
//! offset at that instant), with the `strftime` directives `Jekyll::Drops::UrlDrop` uses.

/// A Ruby `Time` as Jekyll holds a document's date: after `Time#localtime` in the site's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JekyllTime {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix: i64,
    /// Nanoseconds within the second (Ruby keeps them; `Time#to_s` drops them).
    pub nanos: u32,
    /// The UTC offset in seconds (east positive) at that instant in the site's zone.
    pub offset: i32,
}

/// A civil (wall-clock) date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Proleptic Gregorian year.
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=60.
    pub second: u32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

impl JekyllTime {
    /// The wall-clock time at the offset.
    pub fn civil(&self) -> Civil {
        let local = self.unix.saturating_add(i64::from(self.offset));
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: ((secs % 3600) / 60) as u32,
            second: (secs % 60) as u32,
        }
    }

    fn local_days(&self) -> i64 {
        self.unix
            .saturating_add(i64::from(self.offset))
            .div_euclid(86_400)
    }

    /// 0 = Sunday … 6 = Saturday.
    fn wday(&self) -> u32 {
        (self.local_days() + 4).rem_euclid(7) as u32
    }

    /// 1..=366.
    fn yday(&self) -> u32 {
        let c = self.civil();
        (self.local_days() - days_from_civil(c.year, 1, 1) + 1) as u32
    }

    /// ISO 8601 week-based year and week number (`%G`, `%V`).
    fn iso_week(&self) -> (i64, u32) {
        let c = self.civil();
        let wday = self.wday();
        let iso_wday = if wday == 0 { 7 } else { wday } as i64; // 1 = Monday
        let yday = i64::from(self.yday());
        let week = (yday - iso_wday + 10) / 7;
        if week < 1 {
            let py = c.year - 1;
            let pdays = if is_leap(py) { 366 } else { 365 };
            let week = (yday + pdays - iso_wday + 10) / 7;
            (py, week as u32)
        } else {
            let days = if is_leap(c.year) { 366 } else { 365 };
            if week == 53 && (yday - iso_wday) > days - 4 {
                (c.year + 1, 1)
            } else {
                (c.year, week as u32)
            }
        }
    }

    /// Ruby's `strftime` for the directives of `UrlDrop` (`%Y %m %d %H %M %S %-d %-m %b %B %y
    /// %G %V %u %a %A %j %z %:z`); others are kept as written.
    pub fn strftime(&self, fmt: &str) -> String {
        let c = self.civil();
        let mut out = String::new();
        let mut chars = fmt.chars().peekable();
        while let Some(ch) = chars.next() {
            if ch != '%' {
                out.push(ch);
                continue;
            }
            let mut flag = None;
            if let Some(&f) = chars.peek()
                && (f == '-' || f == ':')
            {
                flag = Some(f);
                chars.next();
            }
            let Some(d) = chars.next() else {
                out.push('%');
                break;
            };
            let s = match (flag, d) {
                (None, 'Y') => year4(c.year),
                (None, 'm') => format!("{:02}", c.month),
                (None, 'd') => format!("{:02}", c.day),
                (None, 'H') => format!("{:02}", c.hour),
                (None, 'M') => format!("{:02}", c.minute),
                (None, 'S') => format!("{:02}", c.second),
                (Some('-'), 'd') => c.day.to_string(),
                (Some('-'), 'm') => c.month.to_string(),
                (None, 'b') => MONTHS
                    .get(c.month as usize - 1)
                    .map_or(String::new(), |m| m[..3].to_string()),
                (None, 'B') => MONTHS
                    .get(c.month as usize - 1)
                    .map_or(String::new(), |m| (*m).to_string()),
                (None, 'y') => format!("{:02}", c.year.rem_euclid(100)),
                (None, 'G') => year4(self.iso_week().0),
                (None, 'V') => format!("{:02}", self.iso_week().1),
                (None, 'u') => {
                    let w = self.wday();
                    (if w == 0 { 7 } else { w }).to_string()
                }
                (None, 'a') => DAYS
                    .get(self.wday() as usize)
                    .map_or(String::new(), |d| d[..3].to_string()),
                (None, 'A') => DAYS
                    .get(self.wday() as usize)
                    .map_or(String::new(), |d| (*d).to_string()),
                (None, 'j') => format!("{:03}", self.yday()),
                (None, 'z') => offset_str(self.offset, false),
                (Some(':'), 'z') => offset_str(self.offset, true),
                (f, other) => {
                    let mut s = String::from("%");
                    if let Some(f) = f {
                        s.push(f);
                    }
                    s.push(other);
                    s
                }
            };
            out.push_str(&s);
        }
        out
    }

    /// ISO 8601 with the offset, and the fraction only when it is not zero:
    /// `2010-01-09T13:00:00+01:00`, `2010-01-09T13:00:00.500000000+01:00` (the oracle's form).
    pub fn iso8601(&self) -> String {
        let base = self.strftime("%Y-%m-%dT%H:%M:%S");
        let frac = if self.nanos == 0 {
            String::new()
        } else {
            format!(".{:09}", self.nanos)
        };
        format!("{base}{frac}{}", offset_str(self.offset, true))
    }

    /// Ruby's `Time#to_s` of a local time: `2010-01-09 13:00:00 +0100`.
    pub fn ruby_to_s(&self) -> String {
        self.strftime("%Y-%m-%d %H:%M:%S %z")
    }

    /// The same instant, seconds only (what re-parsing `Time#to_s` gives).
    pub fn truncated(&self) -> JekyllTime {
        JekyllTime { nanos: 0, ..*self }
    }
}

fn year4(y: i64) -> String {
    if y < 0 {
        format!("-{:04}", -y)
    } else {
        format!("{y:04}")
    }
}

/// `+0100` or `+01:00`.
pub fn offset_str(offset: i32, colon: bool) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let a = offset.unsigned_abs();
    let (h, m) = (a / 3600, (a % 3600) / 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for d in [-800_000i64, -1, 0, 1, 18_000, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn strftime_directives() {
        // 2010-01-03 is a Sunday, ISO week 2009-W53.
        let t = JekyllTime {
            unix: days_from_civil(2010, 1, 3) * 86_400 + 3661,
            nanos: 0,
            offset: 0,
        };
        assert_eq!(
            t.strftime("%Y %m %d %H %M %S %-d %-m %b %B %y %G %V %u %a %A %j"),
            "2010 01 03 01 01 01 3 1 Jan January 10 2009 53 7 Sun Sunday 003"
        );
        assert_eq!(t.iso8601(), "2010-01-03T01:01:01+00:00");
        let t = JekyllTime {
            offset: -8 * 3600,
            ..t
        };
        assert_eq!(t.ruby_to_s(), "2010-01-02 17:01:01 -0800");
    }
}
