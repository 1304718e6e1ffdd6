//! Speed over a folder of Jekyll files: `cargo run --release --example psych_bench -- DIR`.
use std::time::Instant;

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/work/shared/corpus".into());
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("tzdb");
    let now = jiff::Timestamp::now();
    let mut texts = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                texts.push(String::from_utf8_lossy(&b).into_owned());
            }
        }
    }
    let t = Instant::now();
    let (mut fms, mut bytes, mut dates) = (0usize, 0usize, 0usize);
    for _ in 0..10 {
        for text in &texts {
            let Some(fm) = psych::front_matter(text) else {
                continue;
            };
            fms += 1;
            bytes += fm.yaml.len();
            if let Ok(Some(doc)) = psych::parse(&text[fm.yaml.clone()], fm.yaml.start)
                && let Ok(l) = psych::load(&doc, &tz)
                && let Some(t) = l.get("date").and_then(|id| l.scalar(id))
            {
                let _ = psych::jekyll_date(t, now, &tz);
                dates += 1;
            }
        }
    }
    let e = t.elapsed();
    let samples = [
        "2021-12-08 15:16:45 +0800",
        "2014-09-08",
        "September 8, 2014",
        "Fri Dec 26 15:54:29 2014",
    ];
    let t2 = Instant::now();
    for _ in 0..1000 {
        for s in samples {
            let _ = psych::time_parse(s, now, &tz);
        }
    }
    println!(
        "time_parse of usual dates: {:.1} µs each",
        t2.elapsed().as_secs_f64() * 1e6 / 4000.0
    );
    println!(
        "{fms} front matters ({bytes} bytes, {dates} dates) in {e:?}: {:.1} µs each, {:.1} MB/s",
        e.as_secs_f64() * 1e6 / fms as f64,
        bytes as f64 / e.as_secs_f64() / 1e6
    );
}
