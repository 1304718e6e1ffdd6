//! `Date._parse(string, comp)`: a port of `date__parse` (ext/date/date_parse.c of Ruby's date
//! gem 3.2.2, the version Debian's Ruby 3.1 ships), without `TIGHT_PARSER`, sub-parser by
//! sub-parser, with the same regular expressions run by a small Onigmo-semantics matcher (`re.rs`).
//!
//! Not ported: `date_zone_to_diff` (the `:offset` key), which `Time.parse` never reads — it
//! resolves `:zone` itself (`Time.zone_offset`, see [`crate::time_parse()`]).

use std::sync::LazyLock;

use crate::re::{Regex, is_space};

/// The hash `Date._parse` returns (the keys `Time.parse` uses, and a few more).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateHash {
    /// `:year`
    pub year: Option<i128>,
    /// `:mon`
    pub mon: Option<i128>,
    /// `:mday`
    pub mday: Option<i128>,
    /// `:yday`
    pub yday: Option<i128>,
    /// `:wday`
    pub wday: Option<i128>,
    /// `:cwyear`
    pub cwyear: Option<i128>,
    /// `:cweek`
    pub cweek: Option<i128>,
    /// `:cwday`
    pub cwday: Option<i128>,
    /// `:hour`
    pub hour: Option<i128>,
    /// `:min`
    pub min: Option<i128>,
    /// `:sec`
    pub sec: Option<i128>,
    /// `:sec_fraction` as the digits after the decimal point (`"5"` is 1/2).
    pub sec_fraction: Option<String>,
    /// `:zone`, as written.
    pub zone: Option<String>,
    /// A value too large for Ruby's `NUM2INT` (`RangeError` in `parse_time2_cb`).
    pub range_error: bool,
}

struct State {
    s: Vec<char>,
    h: DateHash,
    comp: Option<bool>,
    bc: bool,
}

const ABBR_DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const ABBR_MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

macro_rules! re {
    ($name:ident, $pat:expr, $ci:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new(&$pat, $ci));
    };
}

const ABBR_DAYS_ALT: &str = "sun|mon|tue|wed|thu|fri|sat";
const ABBR_MONTHS_ALT: &str = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec";

re!(RE_STRIP, "[^-+',./:@[:alnum:]\\[\\]]+", false);
re!(RE_DAY, format!("\\b({ABBR_DAYS_ALT})[^-/\\d\\s]*"), true);
re!(
    RE_TIME,
    concat!(
        "(",
        "(?:",
        "\\d+\\s*:\\s*\\d+",
        "(?:",
        "\\s*:\\s*\\d+(?:[,.]\\d*)?",
        ")?",
        "|",
        "\\d+\\s*h(?:\\s*\\d+m?(?:\\s*\\d+s?)?)?",
        ")",
        "(?:",
        "\\s*",
        "[ap](?:m\\b|\\.m\\.)",
        ")?",
        "|",
        "\\d+\\s*[ap](?:m\\b|\\.m\\.)",
        ")",
        "(?:",
        "\\s*",
        "(",
        "(?:gmt|utc?)?[-+]\\d+(?:[,.:]\\d+(?::\\d+)?)?",
        "|",
        "(?-i:[[:alpha:].\\s]+)(?:standard|daylight)\\stime\\b",
        "|",
        "(?-i:[[:alpha:]]+)(?:\\sdst)?\\b",
        ")",
        ")?"
    ),
    true
);
re!(
    RE_TIME2,
    concat!(
        "\\A(\\d+)h?",
        "(?:\\s*:?\\s*(\\d+)m?",
        "(?:",
        "\\s*:?\\s*(\\d+)(?:[,.](\\d+))?s?",
        ")?",
        ")?",
        "(?:\\s*([ap])(?:m\\b|\\.m\\.))?"
    ),
    true
);
re!(
    RE_EU,
    format!(
        "('?\\d+)[^-\\d\\s]*\\s*({ABBR_MONTHS_ALT})[^-\\d\\s']*(?:\\s*(c(?:e|\\.e\\.)|b(?:ce|\\.c\\.e\\.)|a(?:d|\\.d\\.)|b(?:c|\\.c\\.))?\\s*('?-?\\d+(?:(?:st|nd|rd|th)\\b)?))?"
    ),
    true
);
re!(
    RE_US,
    format!(
        "\\b({ABBR_MONTHS_ALT})[^-\\d\\s']*\\s*('?\\d+)[^-\\d\\s']*(?:\\s*,?\\s*(c(?:e|\\.e\\.)|b(?:ce|\\.c\\.e\\.)|a(?:d|\\.d\\.)|b(?:c|\\.c\\.))?\\s*('?-?\\d+))?"
    ),
    true
);
re!(RE_ISO, "('?[-+]?\\d+)-(\\d+)-('?-?\\d+)", false);
re!(
    RE_ISO21,
    "\\b(\\d{2}|\\d{4})?-?w(\\d{2})(?:-?(\\d))?\\b",
    true
);
re!(RE_ISO22, "-w-(\\d)\\b", true);
re!(RE_ISO23, "--(\\d{2})?-(\\d{2})\\b", false);
re!(RE_ISO24, "--(\\d{2})(\\d{2})?\\b", false);
re!(RE_ISO25_0, "[,.](\\d{2}|\\d{4})-\\d{3}\\b", false);
re!(RE_ISO25, "\\b(\\d{2}|\\d{4})-(\\d{3})\\b", false);
re!(RE_ISO26_0, "\\d-\\d{3}\\b", false);
re!(RE_ISO26, "\\b-(\\d{3})\\b", false);
re!(RE_JIS, "\\b([mtshr])(\\d+)\\.(\\d+)\\.(\\d+)", true);
re!(
    RE_VMS11,
    format!("('?-?\\d+)-({ABBR_MONTHS_ALT})[^-/.]*-('?-?\\d+)"),
    true
);
re!(
    RE_VMS12,
    format!("\\b({ABBR_MONTHS_ALT})[^-/.]*-('?-?\\d+)(?:-('?-?\\d+))?"),
    true
);
re!(
    RE_SLA,
    "('?-?\\d+)/\\s*('?\\d+)(?:\\D\\s*('?-?\\d+))?",
    true
);
re!(RE_DOT, "('?-?\\d+)\\.\\s*('?\\d+)\\.\\s*('?-?\\d+)", true);
re!(RE_YEAR, "'(\\d+)\\b", false);
re!(RE_MON, format!("\\b({ABBR_MONTHS_ALT})\\S*"), true);
re!(RE_MDAY, "(\\d+)(st|nd|rd|th)\\b", true);
re!(
    RE_DDD,
    concat!(
        "([-+]?)(\\d{2,14})",
        "(?:",
        "\\s*",
        "t?",
        "\\s*",
        "(\\d{2,6})?(?:[,.](\\d*))?",
        ")?",
        "(?:",
        "\\s*",
        "(",
        "z\\b",
        "|",
        "[-+]\\d{1,4}\\b",
        "|",
        "\\[[-+]?\\d[^\\]]*\\]",
        ")",
        ")?"
    ),
    true
);
re!(RE_BC, "\\b(bc\\b|bce\\b|b\\.c\\.|b\\.c\\.e\\.)", true);
re!(RE_FRAG, "\\A\\s*(\\d{1,2})\\s*\\z", true);

type Caps = Vec<Option<String>>;

impl State {
    /// `subx`: match, replace the whole match with one space, then run the callback.
    fn subs(&mut self, re: &Regex) -> Option<Caps> {
        let caps = re.find(&self.s)?;
        let texts: Caps = caps
            .iter()
            .map(|c| c.map(|(a, b)| self.s[a..b].iter().collect()))
            .collect();
        if let Some(Some((a, b))) = caps.first() {
            self.s.splice(*a..*b, [' ']);
        }
        Some(texts)
    }

    fn class(&self) -> u8 {
        let mut f = 0;
        for &c in &self.s {
            if c.is_ascii_alphabetic() {
                f |= 1;
            }
            if c.is_ascii_digit() {
                f |= 2;
            }
            match c {
                '-' => f |= 4,
                '.' => f |= 8,
                '/' => f |= 16,
                _ => {}
            }
        }
        f
    }

    fn have(&self, x: u8) -> bool {
        self.class() & x == x
    }
}

const ALPHA: u8 = 1;
const DIGIT: u8 = 2;
const DASH: u8 = 4;
const DOT: u8 = 8;
const SLASH: u8 = 16;

/// `rb_str_to_inum(s, 10, 0)` (`String#to_i`): leading white space, a sign, digits with
/// single underscores; saturating at `i128` bounds.
pub(crate) fn str2num(s: &str) -> i128 {
    let t = s.trim_start_matches(|c: char| is_space(c));
    let b = t.as_bytes();
    let mut i = 0;
    let mut neg = false;
    if let Some(&c @ (b'-' | b'+')) = b.first() {
        neg = c == b'-';
        i = 1;
    }
    let mut v: i128 = 0;
    let start = i;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            v = v.saturating_mul(10).saturating_add(i128::from(c - b'0'));
        } else if c == b'_'
            && i > start
            && b[i - 1].is_ascii_digit()
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
        } else {
            break;
        }
        i += 1;
    }
    if neg { -v } else { v }
}

fn day_num(s: &str) -> i128 {
    let l = s.to_ascii_lowercase();
    ABBR_DAYS
        .iter()
        .position(|d| l.starts_with(d))
        .unwrap_or(ABBR_DAYS.len()) as i128
}

fn mon_num(s: &str) -> i128 {
    let l = s.to_ascii_lowercase();
    ABBR_MONTHS
        .iter()
        .position(|d| l.starts_with(d))
        .unwrap_or(ABBR_MONTHS.len()) as i128
        + 1
}

fn digit_span(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

fn issign(c: u8) -> bool {
    c == b'-' || c == b'+'
}

/// `s3e`: sort out which of three numbers is the year, the month and the day.
fn s3e(st: &mut State, y: Option<String>, m: Option<String>, d: Option<String>, bc: bool) {
    let (mut y, mut m, mut d) = (y, Some(m.unwrap_or_default()), d);
    let mut c: Option<bool> = None;
    if y.is_some() && m.is_some() && d.is_none() {
        let (oy, om, od) = (y.take(), m.take(), d.take());
        y = od;
        m = oy;
        d = om;
    }
    if y.is_none() {
        if d.as_ref().is_some_and(|d| d.len() > 2) {
            y = d.take();
        }
        if d.as_ref().is_some_and(|d| d.starts_with('\'')) {
            y = d.take();
        }
    }
    if let Some(ys) = y.clone() {
        let b = ys.as_bytes();
        let mut s = 0;
        while s < b.len() && !issign(b[s]) && !b[s].is_ascii_digit() {
            s += 1;
        }
        if s < b.len() {
            let bp = s;
            if issign(b[s]) {
                s += 1;
            }
            let l = digit_span(&b[s..]);
            let ep = s + l;
            if ep < b.len() {
                y = d.take();
                d = Some(ys[bp..ep].to_string());
            }
        }
    }
    if let Some(ms) = m.clone()
        && (ms.starts_with('\'') || ms.len() > 2)
    {
        let (oy, om, od) = (y.take(), m.take(), d.take());
        y = om;
        m = od;
        d = oy;
    }
    if let Some(ds) = d.clone()
        && (ds.starts_with('\'') || ds.len() > 2)
    {
        std::mem::swap(&mut y, &mut d);
    }
    if let Some(ys) = y {
        let b = ys.as_bytes();
        let mut s = 0;
        while s < b.len() && !issign(b[s]) && !b[s].is_ascii_digit() {
            s += 1;
        }
        if s < b.len() {
            let bp = s;
            let mut sign = false;
            if issign(b[s]) {
                s += 1;
                sign = true;
            }
            if sign {
                c = Some(false);
            }
            let l = digit_span(&b[s..]);
            let ep = s + l;
            if l > 2 {
                c = Some(false);
            }
            st.h.year = Some(str2num(&ys[bp..ep]));
        }
    }
    if bc {
        st.bc = true;
    }
    let number_in = |v: &str| -> Option<i128> {
        let b = v.as_bytes();
        let s = b.iter().position(u8::is_ascii_digit)?;
        let l = digit_span(&b[s..]);
        Some(str2num(&v[s..s + l]))
    };
    if let Some(ms) = m
        && let Some(n) = number_in(&ms)
    {
        st.h.mon = Some(n);
    }
    if let Some(ds) = d
        && let Some(n) = number_in(&ds)
    {
        st.h.mday = Some(n);
    }
    if let Some(c) = c {
        st.comp = Some(c);
    }
}

fn get(c: &Caps, i: usize) -> Option<String> {
    c.get(i).cloned().flatten()
}

fn parse_day(st: &mut State) {
    if let Some(c) = st.subs(&RE_DAY) {
        st.h.wday = Some(day_num(&get(&c, 1).unwrap_or_default()));
    }
}

fn parse_time(st: &mut State) {
    let Some(c) = st.subs(&RE_TIME) else {
        return;
    };
    if let Some(z) = get(&c, 2) {
        st.h.zone = Some(z);
    }
    let s1: Vec<char> = get(&c, 1).unwrap_or_default().chars().collect();
    let Some(m) = RE_TIME2.find(&s1) else {
        return;
    };
    let g = |i: usize| -> Option<String> {
        m.get(i)
            .copied()
            .flatten()
            .map(|(a, b)| s1[a..b].iter().collect())
    };
    let mut h = str2num(&g(1).unwrap_or_default());
    if let Some(p) = g(5) {
        if i32::try_from(h).is_err() {
            st.h.range_error = true;
        }
        let mut ih = h % 12;
        if p.starts_with(['P', 'p']) {
            ih += 12;
        }
        h = ih;
    }
    st.h.hour = Some(h);
    if let Some(mi) = g(2) {
        st.h.min = Some(str2num(&mi));
    }
    if let Some(s) = g(3) {
        st.h.sec = Some(str2num(&s));
    }
    if let Some(f) = g(4) {
        st.h.sec_fraction = Some(f);
    }
}

fn bc_of(b: &Option<String>) -> bool {
    b.as_ref().is_some_and(|b| b.starts_with(['B', 'b']))
}

fn parse_eu(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_EU) else {
        return false;
    };
    let mon = mon_num(&get(&c, 2).unwrap_or_default()).to_string();
    let bc = bc_of(&get(&c, 3));
    s3e(st, get(&c, 4), Some(mon), get(&c, 1), bc);
    true
}

fn parse_us(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_US) else {
        return false;
    };
    let mon = mon_num(&get(&c, 1).unwrap_or_default()).to_string();
    let bc = bc_of(&get(&c, 3));
    s3e(st, get(&c, 4), Some(mon), get(&c, 2), bc);
    true
}

fn parse_iso(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_ISO) else {
        return false;
    };
    s3e(st, get(&c, 1), get(&c, 2), get(&c, 3), false);
    true
}

fn parse_iso2(st: &mut State) -> bool {
    if let Some(c) = st.subs(&RE_ISO21) {
        if let Some(y) = get(&c, 1) {
            st.h.cwyear = Some(str2num(&y));
        }
        st.h.cweek = Some(str2num(&get(&c, 2).unwrap_or_default()));
        if let Some(d) = get(&c, 3) {
            st.h.cwday = Some(str2num(&d));
        }
        return true;
    }
    if let Some(c) = st.subs(&RE_ISO22) {
        st.h.cwday = Some(str2num(&get(&c, 1).unwrap_or_default()));
        return true;
    }
    if let Some(c) = st.subs(&RE_ISO23) {
        if let Some(m) = get(&c, 1) {
            st.h.mon = Some(str2num(&m));
        }
        st.h.mday = Some(str2num(&get(&c, 2).unwrap_or_default()));
        return true;
    }
    if let Some(c) = st.subs(&RE_ISO24) {
        st.h.mon = Some(str2num(&get(&c, 1).unwrap_or_default()));
        if let Some(d) = get(&c, 2) {
            st.h.mday = Some(str2num(&d));
        }
        return true;
    }
    if RE_ISO25_0.find(&st.s).is_none()
        && let Some(c) = st.subs(&RE_ISO25)
    {
        st.h.year = Some(str2num(&get(&c, 1).unwrap_or_default()));
        st.h.yday = Some(str2num(&get(&c, 2).unwrap_or_default()));
        return true;
    }
    if RE_ISO26_0.find(&st.s).is_none()
        && let Some(c) = st.subs(&RE_ISO26)
    {
        st.h.yday = Some(str2num(&get(&c, 1).unwrap_or_default()));
        return true;
    }
    false
}

fn gengo(c: char) -> i128 {
    match c {
        'M' | 'm' => 1867,
        'T' | 't' => 1911,
        'S' | 's' => 1925,
        'H' | 'h' => 1988,
        'R' | 'r' => 2018,
        _ => 0,
    }
}

fn parse_jis(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_JIS) else {
        return false;
    };
    let e = get(&c, 1).and_then(|e| e.chars().next()).unwrap_or(' ');
    st.h.year = Some(str2num(&get(&c, 2).unwrap_or_default()).saturating_add(gengo(e)));
    st.h.mon = Some(str2num(&get(&c, 3).unwrap_or_default()));
    st.h.mday = Some(str2num(&get(&c, 4).unwrap_or_default()));
    true
}

fn parse_vms(st: &mut State) -> bool {
    if let Some(c) = st.subs(&RE_VMS11) {
        let mon = mon_num(&get(&c, 2).unwrap_or_default()).to_string();
        s3e(st, get(&c, 3), Some(mon), get(&c, 1), false);
        return true;
    }
    if let Some(c) = st.subs(&RE_VMS12) {
        let mon = mon_num(&get(&c, 1).unwrap_or_default()).to_string();
        s3e(st, get(&c, 3), Some(mon), get(&c, 2), false);
        return true;
    }
    false
}

fn parse_sla(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_SLA) else {
        return false;
    };
    s3e(st, get(&c, 1), get(&c, 2), get(&c, 3), false);
    true
}

fn parse_dot(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_DOT) else {
        return false;
    };
    s3e(st, get(&c, 1), get(&c, 2), get(&c, 3), false);
    true
}

fn parse_year(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_YEAR) else {
        return false;
    };
    st.h.year = Some(str2num(&get(&c, 1).unwrap_or_default()));
    true
}

fn parse_mon(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_MON) else {
        return false;
    };
    st.h.mon = Some(mon_num(&get(&c, 1).unwrap_or_default()));
    true
}

fn parse_mday(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_MDAY) else {
        return false;
    };
    st.h.mday = Some(str2num(&get(&c, 1).unwrap_or_default()));
    true
}

fn n2i(s: &[u8], f: usize, w: usize) -> i128 {
    let mut v: i128 = 0;
    for i in f..f + w {
        v = v * 10 + i128::from(s.get(i).copied().unwrap_or(b'0').wrapping_sub(b'0'));
    }
    v
}

fn parse_ddd(st: &mut State) -> bool {
    let Some(c) = st.subs(&RE_DDD) else {
        return false;
    };
    let s1 = get(&c, 1);
    let s2 = get(&c, 2).unwrap_or_default();
    let s3 = get(&c, 3);
    let s4 = get(&c, 4);
    let s5 = get(&c, 5);
    let neg = s1.as_deref().is_some_and(|s| s.starts_with('-'));
    let cs2 = s2.as_bytes();
    let l2 = cs2.len();
    let h = &mut st.h;
    let time_only = s3.is_none() && s4.is_some();
    let signed = |y: i128| if neg { -y } else { y };
    match l2 {
        2 => {
            if time_only {
                h.sec = Some(n2i(cs2, l2 - 2, 2));
            } else {
                h.mday = Some(n2i(cs2, 0, 2));
            }
        }
        4 => {
            if time_only {
                h.sec = Some(n2i(cs2, l2 - 2, 2));
                h.min = Some(n2i(cs2, l2 - 4, 2));
            } else {
                h.mon = Some(n2i(cs2, 0, 2));
                h.mday = Some(n2i(cs2, 2, 2));
            }
        }
        6 => {
            if time_only {
                h.sec = Some(n2i(cs2, l2 - 2, 2));
                h.min = Some(n2i(cs2, l2 - 4, 2));
                h.hour = Some(n2i(cs2, l2 - 6, 2));
            } else {
                h.year = Some(signed(n2i(cs2, 0, 2)));
                h.mon = Some(n2i(cs2, 2, 2));
                h.mday = Some(n2i(cs2, 4, 2));
            }
        }
        8 | 10 | 12 | 14 => {
            if time_only {
                h.sec = Some(n2i(cs2, l2 - 2, 2));
                h.min = Some(n2i(cs2, l2 - 4, 2));
                h.hour = Some(n2i(cs2, l2 - 6, 2));
                h.mday = Some(n2i(cs2, l2 - 8, 2));
                if l2 >= 10 {
                    h.mon = Some(n2i(cs2, l2 - 10, 2));
                }
                if l2 == 12 {
                    h.year = Some(signed(n2i(cs2, l2 - 12, 2)));
                }
                if l2 == 14 {
                    h.year = Some(signed(n2i(cs2, l2 - 14, 4)));
                    st.comp = Some(false);
                }
            } else {
                h.year = Some(signed(n2i(cs2, 0, 4)));
                h.mon = Some(n2i(cs2, 4, 2));
                h.mday = Some(n2i(cs2, 6, 2));
                if l2 >= 10 {
                    h.hour = Some(n2i(cs2, 8, 2));
                }
                if l2 >= 12 {
                    h.min = Some(n2i(cs2, 10, 2));
                }
                if l2 >= 14 {
                    h.sec = Some(n2i(cs2, 12, 2));
                }
                st.comp = Some(false);
            }
        }
        3 => {
            if time_only {
                h.sec = Some(n2i(cs2, l2 - 2, 2));
                h.min = Some(n2i(cs2, l2 - 3, 1));
            } else {
                h.yday = Some(n2i(cs2, 0, 3));
            }
        }
        5 => {
            if time_only {
                h.sec = Some(n2i(cs2, l2 - 2, 2));
                h.min = Some(n2i(cs2, l2 - 4, 2));
                h.hour = Some(n2i(cs2, l2 - 5, 1));
            } else {
                h.year = Some(signed(n2i(cs2, 0, 2)));
                h.yday = Some(n2i(cs2, 2, 3));
            }
        }
        7 => {
            if time_only {
                h.sec = Some(n2i(cs2, l2 - 2, 2));
                h.min = Some(n2i(cs2, l2 - 4, 2));
                h.hour = Some(n2i(cs2, l2 - 6, 2));
                h.mday = Some(n2i(cs2, l2 - 7, 1));
            } else {
                h.year = Some(signed(n2i(cs2, 0, 4)));
                h.yday = Some(n2i(cs2, 4, 3));
            }
        }
        _ => {}
    }
    let h = &mut st.h;
    if let Some(s3) = &s3 {
        let cs3 = s3.as_bytes();
        let l3 = cs3.len();
        if matches!(l3, 2 | 4 | 6) {
            if s4.is_some() {
                h.sec = Some(n2i(cs3, l3 - 2, 2));
                if l3 >= 4 {
                    h.min = Some(n2i(cs3, l3 - 4, 2));
                }
                if l3 >= 6 {
                    h.hour = Some(n2i(cs3, l3 - 6, 2));
                }
            } else {
                h.hour = Some(n2i(cs3, 0, 2));
                if l3 >= 4 {
                    h.min = Some(n2i(cs3, 2, 2));
                }
                if l3 >= 6 {
                    h.sec = Some(n2i(cs3, 4, 2));
                }
            }
        }
    }
    if let Some(s4) = s4 {
        h.sec_fraction = Some(s4);
    }
    if let Some(s5) = s5 {
        if let Some(inner) = s5.strip_prefix('[') {
            let inner = inner.strip_suffix(']').unwrap_or(inner);
            let zone = match inner.find(':') {
                Some(i) => &inner[i + 1..],
                None => inner,
            };
            h.zone = Some(zone.to_string());
        } else {
            h.zone = Some(s5);
        }
    }
    true
}

fn parse_bc(st: &mut State) {
    if st.subs(&RE_BC).is_some() {
        st.bc = true;
    }
}

fn parse_frag(st: &mut State) {
    let Some(c) = st.subs(&RE_FRAG) else {
        return;
    };
    let n = str2num(&get(&c, 1).unwrap_or_default());
    if st.h.hour.is_some() && st.h.mday.is_none() && (1..=31).contains(&n) {
        st.h.mday = Some(n);
    }
    if st.h.mday.is_some() && st.h.hour.is_none() && (0..=24).contains(&n) {
        st.h.hour = Some(n);
    }
}

/// `Date._parse(string, comp)` (no length limit here: see [`crate::time_parse()`]).
///
/// The common forms (see [`fast`]) are read directly; everything else goes through the full
/// port ([`date_parse_full`]). Both give the same hash.
pub fn date_parse(input: &str, comp: bool) -> DateHash {
    match fast(input) {
        Some(h) => h,
        None => date_parse_full(input, comp),
    }
}

fn d2(b: &[u8], i: usize) -> Option<i128> {
    match (b.get(i), b.get(i + 1)) {
        (Some(x @ b'0'..=b'9'), Some(y @ b'0'..=b'9')) => {
            Some(i128::from(x - b'0') * 10 + i128::from(y - b'0'))
        }
        _ => None,
    }
}

/// `Date._parse` of the common forms, read without the regular expressions:
///
/// ```text
/// YYYY-MM-DD [(' ' | 'T') hh:mm[:ss] [ZONE]]
/// ZONE = [' '] (('+' | '-') hh [':'] mm | 'Z') | ' UTC'
/// ```
///
/// (exactly these digit counts; `None` for anything else). Why the full port gives the same:
/// with no letter but `T`/`Z`/`UTC`, `parse_day` finds no day name; the first place
/// `parse_time`'s pattern can start is the hour (every digit run of the date is followed by
/// `-`, a blank or `T`, none of which can continue a time), and it takes `hh:mm[:ss]` and
/// the zone (`[-+]\d+(?:[,.:]\d+)?`, or `[[:alpha:]]+\b` for `Z`/`UTC`) up to the end.
/// What is left is the date and a space (and `T`): no month name for `parse_eu`/`parse_us`,
/// so `parse_iso` takes `YYYY-MM-DD`; `s3e` sees a four-digit year (so `comp` is turned off:
/// no two-digit-year completion), and no digit is left for `parse_frag`, no `bc` for
/// `parse_bc`. `tests/fast_path.rs` checks this against [`date_parse_full`] on millions of
/// strings on and around these forms.
pub fn fast(input: &str) -> Option<DateHash> {
    let b = input.as_bytes();
    if b.len() < 10 || b.len() > 32 {
        return None;
    }
    let year = d2(b, 0)? * 100 + d2(b, 2)?;
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let mut h = DateHash {
        year: Some(year),
        mon: Some(d2(b, 5)?),
        mday: Some(d2(b, 8)?),
        ..DateHash::default()
    };
    if b.len() == 10 {
        return Some(h);
    }
    if !matches!(b[10], b' ' | b'T') || b.get(13) != Some(&b':') {
        return None;
    }
    h.hour = Some(d2(b, 11)?);
    h.min = Some(d2(b, 14)?);
    let mut i = 16;
    if b.get(i) == Some(&b':') {
        h.sec = Some(d2(b, i + 1)?);
        i += 3;
    }
    let rest = &b[i..];
    let zone = match rest {
        [] => return Some(h),
        [b' ', z @ ..] | z => z,
    };
    let ok = match zone {
        b"Z" => true,
        b"UTC" => rest.first() == Some(&b' '),
        [b'+' | b'-', x, y, m @ ..] => {
            x.is_ascii_digit()
                && y.is_ascii_digit()
                && match m {
                    [p, q] | [b':', p, q] => p.is_ascii_digit() && q.is_ascii_digit(),
                    _ => false,
                }
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    h.zone = Some(input[input.len() - zone.len()..].to_string());
    Some(h)
}

/// The full port of `Date._parse(string, comp)`, without the fast path of [`date_parse`].
pub fn date_parse_full(input: &str, comp: bool) -> DateHash {
    let mut st = State {
        s: input.chars().collect(),
        h: DateHash::default(),
        comp: Some(comp),
        bc: false,
    };
    // str.gsub!(/[^-+',.\/:@[:alnum:]\[\]]+/, " ")
    let mut out: Vec<char> = Vec::with_capacity(st.s.len());
    let mut in_run = false;
    for &c in &st.s {
        let keep = is_kept(c);
        if keep {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push(' ');
            in_run = true;
        }
    }
    let _ = &*RE_STRIP;
    st.s = out;

    if st.have(ALPHA) {
        parse_day(&mut st);
    }
    if st.have(DIGIT) {
        parse_time(&mut st);
    }
    let ok = (st.have(ALPHA | DIGIT) && (parse_eu(&mut st) || parse_us(&mut st)))
        || (st.have(DIGIT | DASH) && parse_iso(&mut st))
        || (st.have(DIGIT | DOT) && parse_jis(&mut st))
        || (st.have(ALPHA | DIGIT | DASH) && parse_vms(&mut st))
        || (st.have(DIGIT | SLASH) && parse_sla(&mut st))
        || (st.have(DIGIT | DOT) && parse_dot(&mut st))
        || (st.have(DIGIT) && parse_iso2(&mut st))
        || (st.have(DIGIT) && parse_year(&mut st))
        || (st.have(ALPHA) && parse_mon(&mut st))
        || (st.have(DIGIT) && parse_mday(&mut st))
        || (st.have(DIGIT) && parse_ddd(&mut st));
    let _ = ok;
    if st.have(ALPHA) {
        parse_bc(&mut st);
    }
    if st.have(DIGIT) {
        parse_frag(&mut st);
    }
    if st.bc {
        if let Some(y) = st.h.cwyear {
            st.h.cwyear = Some(1 - y);
        }
        if let Some(y) = st.h.year {
            st.h.year = Some(1i128.saturating_sub(y));
        }
    }
    if st.comp == Some(true) {
        for y in [&mut st.h.cwyear, &mut st.h.year] {
            if let Some(v) = *y
                && (0..=99).contains(&v)
            {
                *y = Some(if v >= 69 { v + 1900 } else { v + 2000 });
            }
        }
    }
    st.h
}

fn is_kept(c: char) -> bool {
    matches!(
        c,
        '-' | '+' | '\'' | ',' | '.' | '/' | ':' | '@' | '[' | ']'
    ) || crate::re::is_alnum(c)
}
