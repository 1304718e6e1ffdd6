//! The real readers: Psych-exact YAML and Ruby-exact dates from the sibling crate `psych`
//! (`psych::front_matter`, `psych::parse`, `psych::load`, `psych::time_parse`).
//!
//! `Psych.safe_load` returns a graph (aliases share objects, and may form cycles); this
//! crate's [`Value`] is a tree. The conversion is iterative and bounded: a reference back to
//! a collection being converted (a cycle) becomes `nil`, and so does whatever lies beyond a
//! budget of converted values (aliases that fan out exponentially) — Ruby shares the objects
//! instead. Spans: each value gets the span of the node written at its place (an alias, the
//! alias node; a value a merge key brought, its mapping's span).

use std::cell::RefCell;
use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use psych::{Int, Loaded, Node, NodeKind, Typed};

use crate::time::JekyllTime;
use crate::value::{Value, ValueKind};
use crate::{DateReader, FrontMatterReader, YamlError};

/// The Psych-exact reader (`psych` crate). `now` is what Ruby's `Time.parse` fills missing
/// fields from (`September 8` is this year): `None` is the current time, as in Ruby.
#[derive(Debug, Clone, Copy, Default)]
pub struct PsychReader {
    /// `Time.now` for `Time.parse` (seconds since the epoch); `None`: the clock.
    pub now: Option<i64>,
}

/// A [`PsychReader`] reading the clock, for `SiteConfig::load(…, &PSYCH)`.
pub static PSYCH: PsychReader = PsychReader { now: None };

thread_local! {
    static ZONES: RefCell<Vec<(String, TimeZone)>> = const { RefCell::new(Vec::new()) };
}

/// The zone of `ENV["TZ"] = name`, as the C library reads it (Ruby's `localtime`): the
/// system's zone file (`$TZDIR`, else `/usr/share/zoneinfo`), else the database bundled with
/// `jiff`, else a POSIX rule (`EST5EDT`), else UTC (`None`, empty or unknown).
pub fn zone(name: Option<&str>) -> TimeZone {
    let Some(name) = name
        .map(|n| n.trim_start_matches(':'))
        .filter(|n| !n.is_empty())
    else {
        return TimeZone::UTC;
    };
    ZONES.with(|z| {
        let mut z = z.borrow_mut();
        if let Some((_, tz)) = z.iter().find(|(n, _)| n == name) {
            return tz.clone();
        }
        let tz = system_zone(name)
            .or_else(|| TimeZone::get(name).ok())
            .or_else(|| TimeZone::posix(name).ok())
            .unwrap_or(TimeZone::UTC);
        if z.len() >= 8 {
            z.remove(0);
        }
        z.push((name.to_string(), tz.clone()));
        tz
    })
}

/// The system's zone file for a zone name (`Asia/Shanghai`).
fn system_zone(name: &str) -> Option<TimeZone> {
    let safe = !name.starts_with('/')
        && name
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..");
    if !safe {
        return None;
    }
    let dir = std::env::var_os("TZDIR").map_or_else(
        || std::path::PathBuf::from("/usr/share/zoneinfo"),
        Into::into,
    );
    let bytes = std::fs::read(dir.join(name)).ok()?;
    TimeZone::tzif(name, &bytes).ok()
}

fn yaml_error(message: String, span: std::ops::Range<usize>, syntax: bool) -> YamlError {
    YamlError {
        message,
        span,
        syntax,
    }
}

/// Parses and loads one YAML text (`src` starts at `base` of the text spans refer to).
fn load_text(src: &str, base: usize, tz: &TimeZone) -> Result<Value, YamlError> {
    let doc = match psych::parse(src, base) {
        Ok(Some(d)) => d,
        Ok(None) => return Ok(Value::synthetic(ValueKind::Null)),
        Err(e) => {
            let at = e.problem_pos.offset;
            return Err(yaml_error(e.psych_message(), at..at, true));
        }
    };
    let loaded =
        psych::load(&doc, tz).map_err(|e| yaml_error(e.kind.message(), e.span.clone(), false))?;
    Ok(value_from_loaded(&doc.root, &loaded))
}

impl FrontMatterReader for PsychReader {
    fn front_matter(
        &self,
        text: &[u8],
        tz: Option<&str>,
    ) -> Result<Option<(Value, usize)>, YamlError> {
        let Ok(s) = std::str::from_utf8(text) else {
            return Err(yaml_error(
                "invalid byte sequence in UTF-8".into(),
                0..0,
                false,
            ));
        };
        let Some(fm) = psych::front_matter(s) else {
            return Ok(None);
        };
        let src = s.get(fm.yaml.clone()).unwrap_or("");
        let v = load_text(src, fm.yaml.start, &zone(tz))?;
        Ok(Some((v, fm.body_start)))
    }

    fn yaml_document(&self, text: &[u8], tz: Option<&str>) -> Result<Value, YamlError> {
        let Ok(s) = std::str::from_utf8(text) else {
            return Err(yaml_error(
                "invalid byte sequence in UTF-8".into(),
                0..0,
                false,
            ));
        };
        load_text(s, 0, &zone(tz))
    }
}

impl PsychReader {
    fn now(&self) -> Timestamp {
        let secs = self.now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
        Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

fn fraction_nanos(fraction: &str) -> u32 {
    let mut n: u32 = 0;
    for i in 0..9 {
        let d = fraction
            .as_bytes()
            .get(i)
            .filter(|b| b.is_ascii_digit())
            .map_or(0, |b| u32::from(b - b'0'));
        n = n * 10 + d;
    }
    n
}

impl DateReader for PsychReader {
    fn parse_date(&self, value: &Value, tz: Option<&str>) -> Result<JekyllTime, String> {
        if let Some(t) = self.reparsed_time(value, tz) {
            return Ok(t);
        }
        self.parse_date_text(value, tz)
    }

    fn local_time(&self, unix: i64, nanos: u32, tz: Option<&str>) -> JekyllTime {
        let t = psych::RubyTime {
            unix_seconds: unix,
            fraction: String::new(),
            utc_offset: 0,
            utc: true,
            civil: (1970, 1, 1, 0, 0, 0),
        }
        .localtime(&zone(tz));
        JekyllTime {
            unix,
            nanos,
            offset: t.utc_offset,
        }
    }
}

impl PsychReader {
    /// `Time.parse(value.to_s).localtime` of a `Time` Psych typed, without the text: its
    /// `to_s` (`2021-12-08 10:30:00 +0800`, or `… UTC` at offset 0) names the instant to the
    /// second, so parsing it gives that instant (the fraction dropped), shown in the zone.
    /// `None` where the text would not say the instant exactly (an offset with seconds, a
    /// `UTC` time held at another offset, a year outside 1000–9999): then parse the text.
    fn reparsed_time(&self, value: &Value, tz: Option<&str>) -> Option<JekyllTime> {
        let ValueKind::Time { time, utc } = &value.kind else {
            return None;
        };
        if (*utc && time.offset != 0)
            || time.offset % 60 != 0
            || time.offset.unsigned_abs() >= 18 * 3600
            || !(1000..=9999).contains(&time.civil().year)
        {
            return None;
        }
        Some(self.local_time(time.unix, 0, tz))
    }

    /// `Utils.parse_date(value.to_s)`: Ruby's `Time.parse` of the text, then `localtime`.
    fn parse_date_text(&self, value: &Value, tz: Option<&str>) -> Result<JekyllTime, String> {
        let input = value.ruby_to_s();
        let zone = zone(tz);
        match psych::time_parse(&input, self.now(), &zone) {
            Ok(t) => {
                let t = t.localtime(&zone);
                Ok(JekyllTime {
                    unix: t.unix_seconds,
                    nanos: fraction_nanos(&t.fraction),
                    offset: t.utc_offset,
                })
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

fn scalar_kind(t: &Typed) -> ValueKind {
    match t {
        Typed::Null | Typed::Error(_) => ValueKind::Null,
        Typed::Bool(b) => ValueKind::Bool(*b),
        Typed::Int(Int::Small(i)) => ValueKind::Int(i.to_string()),
        Typed::Int(Int::Big(s)) => ValueKind::Int(s.clone()),
        Typed::Float(f) => ValueKind::Float(*f),
        Typed::Str(s) | Typed::Symbol(s) | Typed::Other(s) => ValueKind::Str(s.clone()),
        Typed::Date(d) => ValueKind::Date {
            year: i64::from(d.year),
            month: u32::from(d.month),
            day: u32::from(d.day),
        },
        Typed::Time(t) => ValueKind::Time {
            time: JekyllTime {
                unix: t.unix_seconds,
                nanos: fraction_nanos(&t.fraction),
                offset: t.utc_offset,
            },
            utc: t.zone == psych::scalar::TimeZoneKind::Utc,
        },
    }
}

/// The text a scalar key is written with, to find it among a mapping's entries.
fn key_text(t: &Typed) -> Option<String> {
    match t {
        Typed::Str(s) => Some(s.clone()),
        Typed::Int(i) => Some(i.to_string()),
        Typed::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// How many values a conversion may make, beyond the loaded graph's own size.
const BUDGET_EXTRA: usize = 100_000;

enum Task<'a> {
    /// Convert loaded value `id`, written as `node` (`None`: not written here), with
    /// `span` when there is no node.
    Visit(usize, Option<&'a Node>, std::ops::Range<usize>),
    /// Close the collection `id`: pop `n` values (pairs for a map) and build it.
    Close(usize, bool, usize, std::ops::Range<usize>),
}

/// The tree of a loaded document (`psych::load`'s graph), with the spans of `root`'s nodes.
/// Iterative; cycles and excess fan-out become `nil` (see the module's doc).
pub fn value_from_loaded(root: &Node, loaded: &Loaded) -> Value {
    let budget = loaded.values.len().saturating_mul(4) + BUDGET_EXTRA;
    let mut made = 0usize;
    let mut open = vec![false; loaded.values.len()];
    let mut out: Vec<Value> = Vec::new();
    let mut tasks = vec![Task::Visit(loaded.root, Some(root), root.span.clone())];
    while let Some(task) = tasks.pop() {
        match task {
            Task::Visit(id, node, fallback) => {
                made += 1;
                let node = node.filter(|n| !matches!(n.kind, NodeKind::Alias { .. }));
                let span = match node {
                    Some(n) => n.span.clone(),
                    None => fallback,
                };
                let over = made > budget;
                match loaded.values.get(id) {
                    Some(psych::Value::Scalar(t)) => out.push(Value {
                        kind: scalar_kind(t),
                        span,
                    }),
                    Some(psych::Value::Seq(items)) => {
                        if over || open.get(id).copied().unwrap_or(true) {
                            out.push(Value {
                                kind: ValueKind::Null,
                                span,
                            });
                            continue;
                        }
                        if let Some(o) = open.get_mut(id) {
                            *o = true;
                        }
                        tasks.push(Task::Close(id, false, items.len(), span.clone()));
                        let written = node
                            .and_then(Node::as_seq)
                            .filter(|s| s.len() == items.len());
                        for (i, &item) in items.iter().enumerate().rev() {
                            let n = written.and_then(|s| s.get(i));
                            tasks.push(Task::Visit(item, n, span.clone()));
                        }
                    }
                    Some(psych::Value::Map(pairs)) => {
                        if over || open.get(id).copied().unwrap_or(true) {
                            out.push(Value {
                                kind: ValueKind::Null,
                                span,
                            });
                            continue;
                        }
                        if let Some(o) = open.get_mut(id) {
                            *o = true;
                        }
                        tasks.push(Task::Close(id, true, pairs.len(), span.clone()));
                        let entries = node.and_then(Node::as_map).unwrap_or(&[]);
                        // The last written entry of each key text (the one the Hash keeps).
                        let by_key: HashMap<&str, &(Node, Node)> = entries
                            .iter()
                            .filter_map(|e| e.0.as_str().map(|k| (k, e)))
                            .collect();
                        for &(k, v) in pairs.iter().rev() {
                            let written = loaded
                                .scalar(k)
                                .and_then(key_text)
                                .and_then(|t| by_key.get(t.as_str()).copied());
                            tasks.push(Task::Visit(v, written.map(|e| &e.1), span.clone()));
                            tasks.push(Task::Visit(k, written.map(|e| &e.0), span.clone()));
                        }
                    }
                    None => out.push(Value {
                        kind: ValueKind::Null,
                        span,
                    }),
                }
            }
            Task::Close(id, is_map, n, span) => {
                if let Some(o) = open.get_mut(id) {
                    *o = false;
                }
                let take = if is_map { 2 * n } else { n };
                let start = out.len().saturating_sub(take);
                let items: Vec<Value> = out.drain(start..).collect();
                let kind = if is_map {
                    let mut pairs = Vec::with_capacity(n);
                    let mut it = items.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        pairs.push((k, v));
                    }
                    ValueKind::Map(pairs)
                } else {
                    ValueKind::Seq(items)
                };
                out.push(Value { kind, span });
            }
        }
    }
    out.pop().unwrap_or_else(Value::null)
}

/// The front matter value the site model reads, made directly from a tree Psych parsed (the
/// caller's own parse of the file: no second parse, and no load of the keys the site model
/// never reads): a Hash of the top-level entries whose key is one the site model reads, each
/// value typed as `safe_load` types it. `None` when that would not be `safe_load`'s value —
/// an alias or a merge key among them, or a root that is not a mapping —: then load the whole
/// document ([`value_from_loaded`]).
pub fn site_value(root: &Node, tz: &TimeZone) -> Option<Value> {
    let NodeKind::Map { entries, .. } = &root.kind else {
        return None;
    };
    let mut out: Vec<(Value, Value)> = Vec::new();
    for (k, v) in entries {
        let NodeKind::Scalar { value: key, .. } = &k.kind else {
            continue;
        };
        if key == "<<" || k.tag.is_some() || k.anchor.is_some() {
            return None;
        }
        if !crate::data::KEYS.contains(&key.as_str()) {
            continue;
        }
        let key_value = Value {
            kind: ValueKind::Str(key.clone()),
            span: k.span.clone(),
        };
        out.push((key_value, tree_value(v, tz)?));
    }
    Some(Value {
        kind: ValueKind::Map(out),
        span: root.span.clone(),
    })
}

/// One value of a tree, without aliases (iteratively).
fn tree_value(node: &Node, tz: &TimeZone) -> Option<Value> {
    enum Task<'a> {
        Visit(&'a Node),
        Seq(usize, std::ops::Range<usize>),
        Map(usize, std::ops::Range<usize>),
    }
    let mut done: Vec<Value> = Vec::new();
    let mut tasks = vec![Task::Visit(node)];
    while let Some(task) = tasks.pop() {
        match task {
            Task::Visit(n) => {
                if n.anchor.is_some() || matches!(n.kind, NodeKind::Alias { .. }) {
                    return None;
                }
                match &n.kind {
                    NodeKind::Scalar { value, style, .. } => {
                        let typed = psych::load::deserialize(value, *style, n.tag.as_deref(), tz);
                        if let Typed::Error(_) = typed {
                            return None;
                        }
                        done.push(Value {
                            kind: scalar_kind(&typed),
                            span: n.span.clone(),
                        });
                    }
                    NodeKind::Seq { items, .. } => {
                        if n.tag.is_some() {
                            return None;
                        }
                        tasks.push(Task::Seq(done.len(), n.span.clone()));
                        tasks.extend(items.iter().rev().map(Task::Visit));
                    }
                    NodeKind::Map { entries, .. } => {
                        if n.tag.is_some() || entries.iter().any(|(k, _)| k.as_str() == Some("<<"))
                        {
                            return None;
                        }
                        tasks.push(Task::Map(done.len(), n.span.clone()));
                        for (k, v) in entries.iter().rev() {
                            tasks.push(Task::Visit(v));
                            tasks.push(Task::Visit(k));
                        }
                    }
                    NodeKind::Alias { .. } => return None,
                }
            }
            Task::Seq(start, span) => {
                let items = done.split_off(start.min(done.len()));
                done.push(Value {
                    kind: ValueKind::Seq(items),
                    span,
                });
            }
            Task::Map(start, span) => {
                let flat = done.split_off(start.min(done.len()));
                let mut pairs = Vec::with_capacity(flat.len() / 2);
                let mut it = flat.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                done.push(Value {
                    kind: ValueKind::Map(pairs),
                    span,
                });
            }
        }
    }
    done.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(t: &str) -> Value {
        match PSYCH.front_matter(t.as_bytes(), Some("UTC")) {
            Ok(Some((v, _))) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn front_matter_values() {
        let t = "---\ntitle: x\ntags: [a, b]\ndate: 2014-09-08 20:30:00\nn: 017\n---\nbody";
        let v = fm(t);
        assert_eq!(v.get("title").and_then(Value::as_str), Some("x"));
        let tags = v.get("tags").map(|t| t.inspect());
        assert_eq!(tags.as_deref(), Some(r#"["a", "b"]"#));
        let span = v.get("tags").map(|t| t.span.clone()).unwrap_or_default();
        assert_eq!(&t[span], "[a, b]");
        match v.get("date").map(|d| &d.kind) {
            Some(ValueKind::Time { time, utc }) => {
                assert_eq!(time.unix, 1_410_208_200);
                assert!(!utc);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            v.get("n").map(|n| n.kind.clone()),
            Some(ValueKind::Int("15".into()))
        );
    }

    #[test]
    fn errors_and_aliases() {
        assert!(PSYCH.front_matter(b"---\na: [\n---\n", None).is_err());
        assert!(
            PSYCH
                .front_matter(b"---\np: :title\n---\n", None)
                .is_err_and(|e| !e.syntax)
        );
        assert!(matches!(PSYCH.front_matter(b"no", None), Ok(None)));
        // A cycle becomes nil; aliases are expanded.
        let v = fm("---\na: &x [1, *x]\nb: &y {k: v}\nc: *y\n---\n");
        assert_eq!(v.get("a").map(Value::inspect).as_deref(), Some("[1, nil]"));
        assert_eq!(
            v.get("c").map(Value::inspect).as_deref(),
            Some(r#"{"k"=>"v"}"#)
        );
        // Exponential fan-out is bounded.
        let mut y = String::from("---\na0: &a0 [x, x]\n");
        for i in 1..40 {
            y.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
        }
        y.push_str("---\n");
        let start = std::time::Instant::now();
        let _ = fm(&y);
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn typed_times_need_no_parse() {
        let r = PsychReader {
            now: Some(1_700_000_000),
        };
        let zones = [
            None,
            Some("UTC"),
            Some("Asia/Shanghai"),
            Some("America/New_York"),
            Some("Europe/London"),
            Some("Australia/Lord_Howe"),
            Some("Asia/Kathmandu"),
            Some("EST5EDT"),
        ];
        let mut checked = 0;
        let mut unix: i64 = -62_000_000_000;
        while unix < 253_500_000_000 {
            for offset in [
                0, 3600, -3600, 28_800, -36_000, 20_700, 19_800, -12_345, 50_400,
            ] {
                for utc in [false, true] {
                    for nanos in [0, 500_000_000] {
                        let v = Value::synthetic(ValueKind::Time {
                            time: JekyllTime {
                                unix,
                                nanos,
                                offset,
                            },
                            utc,
                        });
                        for tz in zones {
                            let fast = r.reparsed_time(&v, tz);
                            if let Some(f) = fast {
                                checked += 1;
                                assert_eq!(Ok(f), r.parse_date_text(&v, tz), "{v:?} {tz:?}");
                            }
                            assert_eq!(r.parse_date(&v, tz), r.parse_date_text(&v, tz));
                        }
                    }
                }
            }
            unix += 987_654_321;
        }
        // Around the transitions of a zone with DST (2021 in New York and London).
        for unix in (1_615_600_000..1_636_300_000).step_by(1_799) {
            for offset in [0, -14_400, -18_000, 3600] {
                let v = Value::synthetic(ValueKind::Time {
                    time: JekyllTime {
                        unix,
                        nanos: 0,
                        offset,
                    },
                    utc: offset == 0,
                });
                for tz in [Some("America/New_York"), Some("Europe/London")] {
                    checked += 1;
                    assert_eq!(r.parse_date(&v, tz), r.parse_date_text(&v, tz));
                }
            }
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn dates() {
        let r = PsychReader {
            now: Some(1_700_000_000),
        };
        let t = r
            .parse_date(&Value::string("2014-09-08 20:30"), Some("Asia/Shanghai"))
            .unwrap_or(JekyllTime {
                unix: 0,
                nanos: 0,
                offset: 0,
            });
        assert_eq!((t.unix, t.offset), (1_410_179_400, 28_800));
        assert!(r.parse_date(&Value::string(""), None).is_err());
        assert!(
            r.parse_date(&Value::string("2018"), None).is_err(),
            "an Integer-like year is month 20"
        );
        let l = r.local_time(1_410_179_400, 5, Some("America/New_York"));
        assert_eq!((l.offset, l.nanos), (-14_400, 5));
    }
}
