//! `time_parse` of one common form, 1000 times, for counting instructions per call:
//! `valgrind --tool=callgrind --toggle-collect='psych::time_parse::time_parse' \
//!  target/release/examples/time1 K` (K: the form's index below).
const DATES: &[&str] = &[
    "2021-12-08 10:30:00 +0800",
    "2021-12-08 10:30:00",
    "2021-12-08",
    "2021-12-08T10:30:00Z",
    "2021-12-08 10:30",
    "2021-12-08 10:30:00 +08:00",
    "2021-12-08 10:30:00 UTC",
    "September 8, 2014",
    "Fri Dec 26 15:54:29 2014",
];

fn main() {
    let k: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("tzdb");
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("now");
    let s = DATES.get(k).copied().unwrap_or(DATES[0]);
    let mut sink = 0i64;
    for _ in 0..1000 {
        if let Ok(r) = psych::time_parse(std::hint::black_box(s), now, &tz) {
            sink = sink.wrapping_add(r.unix_seconds);
        }
    }
    println!("{s:?}: sink {sink}");
}
