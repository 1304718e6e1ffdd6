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
        let mut out = String::with_capacity(fmt.len() + 8);
        self.strftime_into(fmt, &mut out);
        out
    }

    /// [`JekyllTime::strftime`], appended to `out`.
    pub fn strftime_into(&self, fmt: &str, out: &mut String) {
        let c = self.civil();
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
            match (flag, d) {
                (None, 'Y') => push_year4(out, c.year),
                (None, 'm') => push_padded(out, u64::from(c.month), 2),
                (None, 'd') => push_padded(out, u64::from(c.day), 2),
                (None, 'H') => push_padded(out, u64::from(c.hour), 2),
                (None, 'M') => push_padded(out, u64::from(c.minute), 2),
                (None, 'S') => push_padded(out, u64::from(c.second), 2),
                (Some('-'), 'd') => push_padded(out, u64::from(c.day), 1),
                (Some('-'), 'm') => push_padded(out, u64::from(c.month), 1),
                (None, 'b') => {
                    if let Some(m) = MONTHS.get((c.month as usize).wrapping_sub(1)) {
                        out.push_str(&m[..3]);
                    }
                }
                (None, 'B') => {
                    if let Some(m) = MONTHS.get((c.month as usize).wrapping_sub(1)) {
                        out.push_str(m);
                    }
                }
                (None, 'y') => push_padded(out, c.year.rem_euclid(100).unsigned_abs(), 2),
                (None, 'G') => push_year4(out, self.iso_week().0),
                (None, 'V') => push_padded(out, u64::from(self.iso_week().1), 2),
                (None, 'u') => {
                    let w = self.wday();
                    push_padded(out, u64::from(if w == 0 { 7 } else { w }), 1);
                }
                (None, 'a') => {
                    if let Some(d) = DAYS.get(self.wday() as usize) {
                        out.push_str(&d[..3]);
                    }
                }
                (None, 'A') => {
                    if let Some(d) = DAYS.get(self.wday() as usize) {
                        out.push_str(d);
                    }
                }
                (None, 'j') => push_padded(out, u64::from(self.yday()), 3),
                (None, 'z') => out.push_str(&offset_str(self.offset, false)),
                (Some(':'), 'z') => out.push_str(&offset_str(self.offset, true)),
                (f, other) => {
                    out.push('%');
                    if let Some(f) = f {
                        out.push(f);
                    }
                    out.push(other);
                }
            }
        }
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

/// `%Y`: at least four digits, a minus sign before a negative year.
pub(crate) fn year4(y: i64) -> String {
    let mut s = String::with_capacity(5);
    push_year4(&mut s, y);
    s
}

fn push_year4(out: &mut String, y: i64) {
    if y < 0 {
        out.push('-');
    }
    push_padded(out, y.unsigned_abs(), 4);
}

/// `n` in decimal, zero-padded to `width` digits (`format!("{n:0width$}")`).
pub(crate) fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for _ in (buf.len() - i)..width {
        out.push('0');
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
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

    /// The `format!`-based `strftime` the fast one replaced.
    fn reference_strftime(t: &JekyllTime, fmt: &str) -> String {
        fn y4(y: i64) -> String {
            if y < 0 {
                format!("-{:04}", -y)
            } else {
                format!("{y:04}")
            }
        }
        let c = t.civil();
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
                (None, 'Y') => y4(c.year),
                (None, 'm') => format!("{:02}", c.month),
                (None, 'd') => format!("{:02}", c.day),
                (None, 'H') => format!("{:02}", c.hour),
                (None, 'M') => format!("{:02}", c.minute),
                (None, 'S') => format!("{:02}", c.second),
                (Some('-'), 'd') => c.day.to_string(),
                (Some('-'), 'm') => c.month.to_string(),
                (None, 'b') => MONTHS[c.month as usize - 1][..3].to_string(),
                (None, 'B') => MONTHS[c.month as usize - 1].to_string(),
                (None, 'y') => format!("{:02}", c.year.rem_euclid(100)),
                (None, 'G') => y4(t.iso_week().0),
                (None, 'V') => format!("{:02}", t.iso_week().1),
                (None, 'u') => {
                    let w = t.wday();
                    (if w == 0 { 7 } else { w }).to_string()
                }
                (None, 'a') => DAYS[t.wday() as usize][..3].to_string(),
                (None, 'A') => DAYS[t.wday() as usize].to_string(),
                (None, 'j') => format!("{:03}", t.yday()),
                (None, 'z') => offset_str(t.offset, false),
                (Some(':'), 'z') => offset_str(t.offset, true),
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

    #[test]
    fn strftime_is_the_format_one() {
        let fmt = "%Y %m %d %H %M %S %-d %-m %b %B %y %G %V %u %a %A %j %z %:z %q %-q %:q %";
        let mut unix: i64 = -80_000_000_000_000;
        while unix < 80_000_000_000_000 {
            for offset in [0, 3600, -3600, 28_800, -36_000, 20_700, -12_345] {
                let t = JekyllTime {
                    unix,
                    nanos: 0,
                    offset,
                };
                assert_eq!(t.strftime(fmt), reference_strftime(&t, fmt), "{t:?}");
            }
            unix += 7_777_777_777;
        }
        for unix in (1_600_000_000..1_700_000_000).step_by(86_399 * 3 + 7) {
            let t = JekyllTime {
                unix,
                nanos: 0,
                offset: 28_800,
            };
            assert_eq!(t.strftime(fmt), reference_strftime(&t, fmt), "{t:?}");
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
