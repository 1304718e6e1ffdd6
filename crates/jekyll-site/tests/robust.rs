//! No panic on any input, and time linear in it: generated paths and front matter through
//! `classify` and `entry`, and 100,000-fold repetitions with time bounds. No Ruby needed.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jekyll_site::frontmatter::{has_yaml_header_bytes, read_head};
use jekyll_site::{FileInput, FrontMatterReader, NoLinks, ReadOptions, SiteConfig};

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn site(name: &str, config: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "postlint-site-robust-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("_config.yml"), config);
    dir
}

fn opts() -> ReadOptions {
    ReadOptions {
        default_timezone: Some("UTC".into()),
        ..ReadOptions::default()
    }
}

const CONFIG: &str = "collections:\n  docs:\n    output: true\n    permalink: /d/:title:output_ext\n\
    include: [_posts, .x]\nexclude: [\"*.bak\", a/b]\npermalink: /:categories/:slug/:i_day/\n\
    defaults:\n  - scope: {path: \"\"}\n    values: {category: c}\n";

#[test]
fn random_paths_and_front_matter_do_not_panic() {
    let dir = site("fuzz", CONFIG);
    let Ok(c) = SiteConfig::load(&dir, &opts(), &common::READER) else {
        panic!("config");
    };
    let parts = [
        "_posts",
        "_drafts",
        "_docs",
        "a",
        "b",
        ".x",
        "_y",
        "#z",
        "~w",
        "q~",
        "dots.",
        "ü",
        "2010-01-01-p.md",
        "2010-1-1-.md",
        "x.yml",
        "..",
        ".",
        "",
        "%20",
        "a b",
        "x.md",
        "1-2-3-",
    ];
    let values = [
        "2010-01-01",
        "2010-13-45",
        "",
        "[a, [b]]",
        "{k: v}",
        ":sym",
        "&a [*a]",
        "!!float x",
        "2010-01-01 25:00:00",
        "true",
        "~",
        "\"x\"",
        "[1, 2.5, 2010-01-01]",
        "'",
        "*u",
    ];
    let keys = [
        "date",
        "slug",
        "permalink",
        "categories",
        "category",
        "tags",
        "tag",
        "published",
        "redirect_from",
        "hidden",
        "path",
        "draft",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = Instant::now();
    for _ in 0..3000 {
        let n = 1 + rng.next() % 5;
        let path: Vec<&str> = (0..n).map(|_| rng.pick(&parts)).collect();
        let path = path.join("/");
        let mut text = String::from("---\n");
        for _ in 0..rng.next() % 4 {
            text.push_str(&format!("{}: {}\n", rng.pick(&keys), rng.pick(&values)));
        }
        text.push_str("---\nbody\n");
        let class = c.classify(&path, text.as_bytes(), &NoLinks);
        let fm = common::READER.front_matter(text.as_bytes(), c.timezone());
        for role in &class.roles {
            let input = FileInput {
                front_matter: match &fm {
                    Ok(v) => Ok(v.as_ref().map(|(v, _)| v)),
                    Err(e) => Err(e),
                },
                ..FileInput::default()
            };
            let _ = c.entry(&path, role, &input);
        }
    }
    assert!(start.elapsed() < Duration::from_secs(60));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn repetitions_are_linear() {
    let dir = site("linear", CONFIG);
    let Ok(c) = SiteConfig::load(&dir, &opts(), &common::READER) else {
        panic!("config");
    };
    // A first line of 10 MB of blanks.
    let mut head = b"---".to_vec();
    head.extend(std::iter::repeat_n(b' ', 10_000_000));
    let t = Instant::now();
    assert!(!has_yaml_header_bytes(&head));
    assert!(t.elapsed() < Duration::from_secs(2));
    // A front matter of 100,000 lines that never closes, read from disk.
    let mut text = String::from("---\n");
    for i in 0..100_000 {
        text.push_str(&format!("k{i}: --- v\n"));
    }
    let f = dir.join("long.md");
    let _ = std::fs::write(&f, &text);
    let t = Instant::now();
    let h = read_head(&f, true).ok();
    assert!(h.is_some_and(|h| h.bounds.is_none()));
    assert!(t.elapsed() < Duration::from_secs(5));
    // 100,000 keys and 100,000 sequence items through Psych and the conversion.
    text.push_str("---\n");
    let t = Instant::now();
    let v = common::READER.front_matter(text.as_bytes(), None);
    assert!(v.is_ok_and(|v| v.is_some()));
    let seq = format!("---\ntags: [{}]\n---\n", vec!["t"; 100_000].join(", "));
    let v = common::READER.front_matter(seq.as_bytes(), None);
    assert!(v.is_ok());
    assert!(t.elapsed() < Duration::from_secs(20));
    // 100,000 tags on a post: its entry.
    let tags = format!(
        "---\ntags: [{}]\n---\n",
        (0..100_000)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let fm = common::READER.front_matter(tags.as_bytes(), None);
    let class = c.classify("_posts/2010-01-01-many.md", tags.as_bytes(), &NoLinks);
    let t = Instant::now();
    if let (Some(role), Ok(Some((v, _)))) = (class.primary(), &fm) {
        let input = FileInput {
            front_matter: Ok(Some(v)),
            ..FileInput::default()
        };
        let e = c.entry("_posts/2010-01-01-many.md", role, &input);
        assert!(
            e.tags
                .is_some_and(|t| t.as_seq().is_some_and(|s| s.len() == 100_000))
        );
    } else {
        panic!("not a post");
    }
    assert!(t.elapsed() < Duration::from_secs(5));
    // A path of 2,000 folders (the length `PATH_MAX` allows).
    let deep = format!("{}x.md", "a/".repeat(2000));
    let t = Instant::now();
    let _ = c.classify(&deep, b"---\n---\n", &NoLinks);
    assert!(t.elapsed() < Duration::from_secs(5));
    let _ = std::fs::remove_dir_all(&dir);
}
