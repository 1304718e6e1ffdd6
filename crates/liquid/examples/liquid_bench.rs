//! Parse and render every file given (or read from stdin, one path a line) N times:
//! `cargo run --release -p jekyll-liquid --example liquid_bench -- FILES…`.
//! Prints the first error of each file that does not parse, then the throughput.

use jekyll_liquid::{NoHost, ParseOptions, RenderOptions, parse, render};
use std::time::Instant;

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let texts: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok().map(|t| (p.clone(), t)))
        .collect();
    let opts = ParseOptions::default();
    let ropts = RenderOptions::default();
    let site = serde_json::json!({"url": "https://example.com", "baseurl": ""});
    let page = serde_json::json!({});
    for (p, t) in &texts {
        let tpl = parse(t, &opts);
        if let Some(e) = tpl.errors.first() {
            println!("{p}: {}", e.message);
        }
    }
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let rounds = 20;
    let start = Instant::now();
    for _ in 0..rounds {
        for (_, t) in &texts {
            let tpl = parse(t, &opts);
            let r = render(&tpl, &site, &page, &NoHost, &ropts);
            std::hint::black_box(r.output.len());
        }
    }
    let el = start.elapsed().as_secs_f64();
    println!(
        "{} files, {:.1} MB/s, {:.1} µs per file",
        texts.len(),
        (bytes * rounds) as f64 / el / 1e6,
        el * 1e6 / (texts.len() * rounds).max(1) as f64
    );
}
