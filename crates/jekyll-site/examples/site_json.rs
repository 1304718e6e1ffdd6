//! Prints a site as the oracle's JSON, read with the test readers (tests/common).
//!
//! `cargo run --release --example site_json -- [--config a.yml,b.yml] [--drafts]
//!  [--unpublished] [--future] [--safe] [--limit-posts N] [--time ISO8601] [--bench N] SITE`

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

use jekyll_site::{DateReader, ReadOptions, Value, read_site};

fn main() {
    let mut opts = ReadOptions {
        list_unread: true,
        default_timezone: Some("UTC".into()),
        ..ReadOptions::default()
    };
    let mut site = None;
    let mut bench = 0usize;
    let mut time_arg = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--config" => {
                opts.config_files = args
                    .next()
                    .map(|v| v.split(',').map(PathBuf::from).collect())
            }
            "--drafts" => opts.show_drafts = Some(true),
            "--unpublished" => opts.unpublished = Some(true),
            "--future" => opts.future = Some(true),
            "--safe" => opts.safe = Some(true),
            "--no-unread" => opts.list_unread = false,
            "--no-encoding" => opts.check_encoding = false,
            "--limit-posts" => opts.limit_posts = args.next().and_then(|v| v.parse().ok()),
            "--time" => time_arg = args.next(),
            "--bench" => bench = args.next().and_then(|v| v.parse().ok()).unwrap_or(1),
            _ => site = Some(PathBuf::from(a)),
        }
    }
    let Some(site) = site else {
        eprintln!("usage: site_json [options] SITE");
        std::process::exit(2);
    };
    if let Some(t) = time_arg {
        opts.time = common::READER
            .parse_date(&Value::string(t), Some("UTC"))
            .ok();
    }
    if bench > 0 {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..bench {
            let start = std::time::Instant::now();
            let s = read_site(&site, &opts, &common::READER);
            let el = start.elapsed().as_secs_f64();
            best = best.min(el);
            n = s.files.len();
        }
        println!("{n} files, best of {bench}: {:.1} ms", best * 1000.0);
        return;
    }
    let s = read_site(&site, &opts, &common::READER);
    println!(
        "{}",
        serde_json::to_string_pretty(&s.to_oracle_json()).unwrap_or_default()
    );
}
