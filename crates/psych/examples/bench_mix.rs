//! Speed on postlint's hot path: split + parse + load + Jekyll date of finews-shaped front
//! matters (generated here) and of the corpus posts (`sites/*/site/_posts/*`,
//! `finews/_posts/*`), and `time_parse` of the common date forms.
//!
//! `cargo run --release --example bench_mix -- [finews|corpus|site|time|all] [ROUNDS]`
//! (for callgrind: `valgrind --tool=callgrind target/release/examples/bench_mix finews 1`).
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const CHARS: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质";

fn title(rng: &mut Rng) -> String {
    let pool: Vec<char> = CHARS.chars().collect();
    let n = 10 + rng.below(20) as usize;
    let mut s = String::new();
    for i in 0..n {
        if i > 0 && rng.below(12) == 0 {
            s.push('！');
        }
        s.push(pool[rng.below(pool.len() as u64) as usize]);
    }
    if rng.below(5) == 0 {
        s.push_str(" VR和AI 200美元");
    }
    s
}

/// Front matters shaped like finews's (and postlint's generated benchmark corpus).
fn finews(n: usize) -> Vec<String> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::new();
    for _ in 0..n {
        let y = 2021 + rng.below(2);
        let (m, d) = (1 + rng.below(12), 1 + rng.below(28));
        let (hh, mm, ss) = (rng.below(24), rng.below(60), rng.below(60));
        let date = match rng.below(50) {
            0 => format!("{y}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}"),
            1 => format!("\"{y}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02} +0800\""),
            2 => format!("{y}-{m:02}-{d:02}"),
            _ => format!("{y}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02} +0800"),
        };
        let (cat, tag) = match rng.below(100) {
            0..84 => ("emnews", "东财滚动新闻"),
            84..99 => ("shangzhengbao", "上海证券报新闻"),
            _ => ("sitenews", "站长消息"),
        };
        let mut fm = format!(
            "---\nlayout: post\ntitle: \"{}\"\ndate: {date}\ncategories: {cat}\ntags: {tag}\n",
            title(&mut rng)
        );
        if rng.below(10) == 0 {
            fm.push_str("author: 东方财富网\n");
        }
        fm.push_str("---\n\n正文。\n");
        out.push(fm);
    }
    out
}

fn corpus() -> Vec<String> {
    let mut texts = Vec::new();
    let root = std::path::Path::new("/work/shared/corpus");
    let mut dirs = vec![root.join("finews/_posts")];
    if let Ok(sites) = std::fs::read_dir(root.join("sites")) {
        for s in sites.flatten() {
            dirs.push(s.path().join("site/_posts"));
        }
    }
    for d in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for p in files {
            if let Ok(b) = std::fs::read(&p) {
                texts.push(String::from_utf8_lossy(&b).into_owned());
            }
        }
    }
    texts
}

/// What postlint does per post: split, parse, load, date.
fn one(text: &str, now: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> usize {
    let Some(fm) = psych::front_matter(text) else {
        return 0;
    };
    let Ok(Some(doc)) = psych::parse(&text[fm.yaml.clone()], fm.yaml.start) else {
        return 1;
    };
    let Ok(l) = psych::load(&doc, tz) else {
        return 2;
    };
    match l.get("date").and_then(|id| l.scalar(id)) {
        Some(t) => match psych::jekyll_date(t, now, tz) {
            Ok(d) => 3 + (d.unix_seconds() & 1) as usize,
            Err(_) => 5,
        },
        None => 6,
    }
}

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`): unlike
/// wall time, not inflated when the shared machine is busy.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// The site model's read: `site_keys` and the date.
fn site(text: &str, now: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> usize {
    match psych::site_keys(text, tz) {
        Some(Ok(k)) => match k.date(now, tz) {
            Some(Ok(d)) => 3 + (d.unix_seconds() & 1) as usize,
            Some(Err(_)) => 5,
            None => 6,
        },
        Some(Err(_)) => 1,
        None => 0,
    }
}

type Job = fn(&str, jiff::Timestamp, &jiff::tz::TimeZone) -> usize;

fn run(name: &str, texts: &[String], rounds: usize, now: jiff::Timestamp, tz: &jiff::tz::TimeZone) {
    run_job(name, texts, rounds, now, tz, one);
}

fn run_job(
    name: &str,
    texts: &[String],
    rounds: usize,
    now: jiff::Timestamp,
    tz: &jiff::tz::TimeZone,
    job: Job,
) {
    let mut sink = 0usize;
    let (t, c) = (Instant::now(), cpu_ns());
    for _ in 0..rounds {
        for text in texts {
            sink = sink.wrapping_add(job(text, now, tz));
        }
    }
    let (e, c2) = (t.elapsed(), cpu_ns());
    let n = (texts.len() * rounds) as f64;
    let cpu = match (c, c2) {
        (Some(a), Some(b)) => format!("{:.2} µs on CPU", (b - a) as f64 / 1e3 / n),
        _ => "CPU time unknown".into(),
    };
    println!(
        "{name}: {} front matters × {rounds}: {:.2} µs wall, {cpu} each (sink {sink})",
        texts.len(),
        e.as_secs_f64() * 1e6 / n
    );
}

const DATES: &[&str] = &[
    "2021-12-08 10:30:00 +0800",
    "2021-12-08 10:30:00",
    "2021-12-08",
    "2021-12-08T10:30:00Z",
    "2021-12-08 10:30",
    "2021-12-08 10:30:00 +08:00",
    "2021-12-08 10:30:00 UTC",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "all".into());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("tzdb");
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("now");
    if what == "finews" || what == "all" {
        run("finews-shaped", &finews(1000), rounds, now, &tz);
    }
    if what == "corpus" || what == "all" {
        run("corpus posts", &corpus(), rounds, now, &tz);
    }
    if what == "site" || what == "all" {
        run_job(
            "site_keys, finews-shaped",
            &finews(1000),
            rounds,
            now,
            &tz,
            site,
        );
        run_job("site_keys, corpus posts", &corpus(), rounds, now, &tz, site);
    }
    if what == "time" || what == "all" {
        for s in DATES {
            let (t, c) = (Instant::now(), cpu_ns());
            let mut sink = 0i64;
            let k = 200 * rounds;
            for _ in 0..k {
                if let Ok(r) = psych::time_parse(std::hint::black_box(s), now, &tz) {
                    sink = sink.wrapping_add(r.unix_seconds);
                }
            }
            let cpu = match (c, cpu_ns()) {
                (Some(a), Some(b)) => format!("{:.3} µs on CPU", (b - a) as f64 / 1e3 / k as f64),
                _ => String::new(),
            };
            println!(
                "time_parse {s:?}: {:.3} µs wall, {cpu} (sink {sink})",
                t.elapsed().as_secs_f64() * 1e6 / k as f64
            );
        }
    }
}
