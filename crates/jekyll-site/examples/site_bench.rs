//! Speed and memory of the crate's two ways in (release build; each mode is one process, so
//! that its peak RSS is its own).
//!
//! ```text
//! cargo run --release --example site_bench -- gen N FOLDERS BYTES DIR   # a synthetic site
//! cargo run --release --example site_bench -- read_site DIR             # read_site, best of 3
//! cargo run --release --example site_bench -- stream DIR                # the linter's way
//! cargo run --release --example site_bench -- per_file DIR              # µs per call
//! ```
//! `stream` is what postlint does on a whole run: `SiteConfig::load`, `SiteIndex::build`,
//! then each post read, classified and turned into its entry in parallel, folded into
//! `Documents` (one per thread), then `add_documents` — no entry is kept.

use std::path::{Path, PathBuf};
use std::time::Instant;

use jekyll_site::{
    CollectionDocs, Documents, FrontMatterReader, NoLinks, PSYCH, ReadOptions, SiteConfig,
    SiteIndex, read_site,
};
use rayon::prelude::*;

/// Counts the heap: bytes in use now, and the peak.
struct Counting;

static NOW: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        use std::sync::atomic::Ordering::Relaxed;
        let n = NOW.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(n, Relaxed);
        // SAFETY: the caller's layout, passed on.
        unsafe { std::alloc::System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        NOW.fetch_sub(l.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: a pointer this allocator gave, with its layout.
        unsafe { std::alloc::System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn heap_mb() -> (f64, f64) {
    use std::sync::atomic::Ordering::Relaxed;
    (
        NOW.load(Relaxed) as f64 / 1e6,
        PEAK.load(Relaxed) as f64 / 1e6,
    )
}

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(0.0, |k| k / 1024.0)
}

fn rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(0.0, |k| k / 1024.0)
}

fn opts() -> ReadOptions {
    ReadOptions {
        default_timezone: Some("UTC".into()),
        ..ReadOptions::default()
    }
}

fn generate(n: usize, folders: usize, bytes: usize, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    let w = |p: PathBuf, t: &str| {
        if let Some(d) = p.parent() {
            let _ = std::fs::create_dir_all(d);
        }
        let _ = std::fs::write(p, t);
    };
    w(
        dir.join("_config.yml"),
        "title: Bench\nurl: https://example.org\npermalink: /:categories/:year/:month/:day/:title/\n\
         timezone: Asia/Shanghai\nplugins:\n  - jekyll-feed\n  - jekyll-sitemap\n  - jekyll-paginate\n\
         paginate: 10\npaginate_path: /blog/page:num/\nexclude: [README.md, scripts]\n\
         defaults:\n  - scope:\n      path: \"\"\n      type: posts\n    values:\n      layout: post\n",
    );
    w(dir.join("index.html"), "---\nlayout: home\n---\nhome\n");
    w(
        dir.join("blog/index.html"),
        "---\nlayout: blog\n---\nblog\n",
    );
    w(
        dir.join("about.md"),
        "---\ntitle: About\npermalink: /about/\n---\nabout\n",
    );
    for i in 0..50 {
        w(dir.join(format!("assets/img/i{i}.png")), "png");
    }
    let body: String = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "
        .chars()
        .cycle()
        .take(bytes.saturating_sub(200))
        .collect();
    for i in 0..n {
        let f = i % folders.max(1);
        let (y, m, d) = (2000 + (i / 336) % 25, 1 + (i / 28) % 12, 1 + i % 28);
        let text = format!(
            "---\nlayout: post\ntitle: \"Post number {i}\"\ndate: {y}-{m:02}-{d:02} 10:{:02}:00 +0800\n\
             categories: [cat{}]\ntags: [t{}, t{}]\n---\n{body}\n",
            i % 60,
            f % 7,
            i % 40,
            i % 13
        );
        w(
            dir.join(format!("_posts/f{f:03}/{y}-{m:02}-{d:02}-post-{i}.md")),
            &text,
        );
    }
}

fn bench_read_site(dir: &Path) {
    let mut best = f64::MAX;
    let mut n = 0;
    let mut held = 0.0;
    for _ in 0..3 {
        let start = Instant::now();
        let s = read_site(dir, &opts(), &PSYCH);
        best = best.min(start.elapsed().as_secs_f64());
        n = s.files.len();
        held = heap_mb().0;
        if !s.fatal.is_empty() {
            eprintln!("fatal: {:?}", s.fatal.first());
        }
    }
    println!(
        "read_site: {n} files, best of 3: {:.0} ms, the Site holds {held:.0} MB of heap, peak \
         heap {:.0} MB, peak RSS {:.0} MB",
        best * 1000.0,
        heap_mb().1,
        peak_rss_mb()
    );
}

/// The posts' paths (a walk of `_posts`, as postlint's own walk would give them).
fn post_paths(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![String::from("_posts")];
    while let Some(rel) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(dir.join(&rel)) else {
            continue;
        };
        for e in rd.flatten() {
            let r = format!("{rel}/{}", e.file_name().to_string_lossy());
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(r);
            } else {
                out.push(r);
            }
        }
    }
    out.sort();
    out
}

fn bench_stream(dir: &Path) {
    let start = Instant::now();
    let o = opts();
    let config = match SiteConfig::load(dir, &o, &PSYCH) {
        Ok(c) => c,
        Err(f) => {
            eprintln!("fatal: {}", f.message);
            return;
        }
    };
    let t_load = start.elapsed();
    let mut index = SiteIndex::build(&config, CollectionDocs::Read);
    let t_build = start.elapsed();
    let paths = post_paths(dir);
    let t_walk = start.elapsed();
    let rss_list = rss_mb();
    let heap_list = heap_mb();
    let docs = paths
        .par_iter()
        .enumerate()
        .fold(
            || Documents::new(&config),
            |mut docs, (i, rel)| {
                let bytes = std::fs::read(dir.join(rel)).unwrap_or_default();
                let class = config.classify(rel, &bytes, &NoLinks);
                for role in &class.roles {
                    let fm = PSYCH.front_matter(&bytes, config.timezone());
                    let input = jekyll_site::FileInput {
                        front_matter: match &fm {
                            Ok(v) => Ok(v.as_ref().map(|(v, _)| v)),
                            Err(e) => Err(e),
                        },
                        valid_utf8: std::str::from_utf8(&bytes).is_ok(),
                        ..jekyll_site::FileInput::default()
                    };
                    let e = config.entry(rel, role, &input);
                    docs.add(i as u64, &e);
                }
                docs
            },
        )
        .reduce(
            || Documents::new(&config),
            |mut a, b| {
                a.merge(b);
                a
            },
        );
    let t_posts = start.elapsed();
    let rss_docs = rss_mb();
    let heap_docs = heap_mb();
    index.add_documents(&config, docs);
    let t_all = start.elapsed();
    let n_posts = paths.len();
    drop(paths);
    let heap_index = heap_mb();
    eprintln!(
        "RSS: after the post list {rss_list:.0} MB, after the posts {rss_docs:.0} MB, \
         with the index only {:.0} MB; heap (now/peak): post list {:.1}/{:.1} MB, after the \
         posts {:.1}/{:.1} MB, the index alone {:.1}/{:.1} MB",
        rss_mb(),
        heap_list.0,
        heap_list.1,
        heap_docs.0,
        heap_docs.1,
        heap_index.0,
        heap_index.1,
    );
    println!(
        "stream: {} posts, {} outputs; load {:.2} ms, index build {:.1} ms, post list {:.0} ms, \
         posts {:.0} ms, add_documents {:.0} ms; total {:.0} ms; index ≈ {:.1} MB; peak RSS {:.0} MB",
        n_posts,
        index.len(),
        t_load.as_secs_f64() * 1e3,
        (t_build - t_load).as_secs_f64() * 1e3,
        (t_walk - t_build).as_secs_f64() * 1e3,
        (t_posts - t_walk).as_secs_f64() * 1e3,
        (t_all - t_posts).as_secs_f64() * 1e3,
        t_all.as_secs_f64() * 1e3,
        index.heap_bytes() as f64 / 1e6,
        peak_rss_mb()
    );
}

fn bench_per_file(dir: &Path) {
    let o = opts();
    let n = 2000;
    let start = Instant::now();
    for _ in 0..n {
        let _ = SiteConfig::load(dir, &o, &PSYCH);
    }
    let load_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    let Ok(config) = SiteConfig::load(dir, &o, &PSYCH) else {
        return;
    };
    let paths: Vec<String> = post_paths(dir).into_iter().take(2000).collect();
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.clone(), std::fs::read(dir.join(p)).unwrap_or_default()))
        .collect();
    let fms: Vec<_> = files
        .iter()
        .map(|(_, b)| PSYCH.front_matter(b, config.timezone()))
        .collect();
    let rounds = 5;
    // classify
    let start = Instant::now();
    let mut roles = Vec::new();
    for _ in 0..rounds {
        roles.clear();
        for (p, b) in &files {
            roles.push(config.classify(p, b, &NoLinks));
        }
    }
    let classify_us = start.elapsed().as_secs_f64() * 1e6 / (rounds * files.len()) as f64;
    // entry, given the front matter
    let start = Instant::now();
    let mut written = 0;
    for _ in 0..rounds {
        for (((p, _), class), fm) in files.iter().zip(&roles).zip(&fms) {
            let Some(role) = class.primary() else {
                continue;
            };
            let input = jekyll_site::FileInput {
                front_matter: match fm {
                    Ok(v) => Ok(v.as_ref().map(|(v, _)| v)),
                    Err(e) => Err(e),
                },
                ..jekyll_site::FileInput::default()
            };
            if config.entry(p, role, &input).written {
                written += 1;
            }
        }
    }
    let entry_us = start.elapsed().as_secs_f64() * 1e6 / (rounds * files.len()) as f64;
    // the front matter itself (psych: split, parse, load)
    let start = Instant::now();
    for _ in 0..rounds {
        for (_, b) in &files {
            let _ = PSYCH.front_matter(b, config.timezone());
        }
    }
    let fm_us = start.elapsed().as_secs_f64() * 1e6 / (rounds * files.len()) as f64;
    println!(
        "per file ({} posts × {rounds}, {written} written): SiteConfig::load {load_us:.0} µs; \
         classify {classify_us:.2} µs; entry (front matter given) {entry_us:.1} µs; \
         front matter (psych) {fm_us:.1} µs",
        files.len()
    );
}

/// A pre-commit run: one process, one post (cold start of everything).
fn bench_one(dir: &Path, post: &str) {
    let t0 = Instant::now();
    let o = opts();
    let Ok(config) = SiteConfig::load(dir, &o, &PSYCH) else {
        return;
    };
    let t_load = t0.elapsed();
    let t1 = Instant::now();
    let again = SiteConfig::load(dir, &o, &PSYCH).is_ok();
    let t_load2 = t1.elapsed();
    let t2 = Instant::now();
    let bytes = std::fs::read(dir.join(post)).unwrap_or_default();
    let class = config.classify(
        post,
        &bytes,
        &jekyll_site::DiskLinks {
            source: config.source(),
        },
    );
    let fm = PSYCH.front_matter(&bytes, config.timezone());
    let entry = class.primary().map(|role| {
        let input = jekyll_site::FileInput {
            front_matter: match &fm {
                Ok(v) => Ok(v.as_ref().map(|(v, _)| v)),
                Err(e) => Err(e),
            },
            ..jekyll_site::FileInput::default()
        };
        config.entry(post, role, &input)
    });
    let t_post = t2.elapsed();
    let t3 = Instant::now();
    let index = SiteIndex::build(&config, CollectionDocs::Read);
    let found = index.lookup("/about/");
    let t_index = t3.elapsed();
    println!(
        "one post: SiteConfig::load {:.0} µs (again {:.0} µs, {again}); read + classify + front \
         matter + entry {:.0} µs ({:?}); SiteIndex::build {:.0} µs ({} outputs, /about/ {}); \
         total {:.1} ms",
        t_load.as_secs_f64() * 1e6,
        t_load2.as_secs_f64() * 1e6,
        t_post.as_secs_f64() * 1e6,
        entry.as_ref().map(|e| e.url.clone()),
        t_index.as_secs_f64() * 1e6,
        index.len(),
        matches!(found, jekyll_site::Lookup::Served(_)),
        t0.elapsed().as_secs_f64() * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", n, folders, bytes, dir] => generate(
            n.parse().unwrap_or(0),
            folders.parse().unwrap_or(1),
            bytes.parse().unwrap_or(1000),
            Path::new(dir),
        ),
        ["read_site", dir] => bench_read_site(Path::new(dir)),
        ["stream", dir] => bench_stream(Path::new(dir)),
        ["per_file", dir] => bench_per_file(Path::new(dir)),
        ["one", dir, post] => bench_one(Path::new(dir), post),
        _ => eprintln!(
            "usage: bench gen N FOLDERS BYTES DIR | read_site DIR | stream DIR | per_file DIR"
        ),
    }
}
