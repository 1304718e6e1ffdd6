//! The file-by-file API agrees with `read_site` (which the differential test proves against
//! Jekyll): for every file of the fixture sites (and of the shared corpus when
//! `POSTLINT_CORPUS=1`), `SiteConfig::classify` + `SiteConfig::entry` give the entries
//! `read_site` gives; `SiteIndex::build` + `add_documents` give its generated pages, serve its
//! destinations and find its collisions. No Ruby needed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jekyll_site::{
    CollectionDocs, DateReader, DiskLinks, Documents, Kind, Lookup, ReadOptions, Served,
    SiteConfig, SiteIndex, Value, read_site,
};

fn opts(extra: &[&str]) -> ReadOptions {
    let mut o = ReadOptions {
        list_unread: true,
        default_timezone: Some("UTC".into()),
        time: common::READER
            .parse_date(&Value::string("2024-06-01 12:00:00 +0000"), Some("UTC"))
            .ok(),
        ..ReadOptions::default()
    };
    let mut it = extra.iter();
    while let Some(a) = it.next() {
        match *a {
            "--config" => {
                o.config_files = it.next().map(|v| v.split(',').map(PathBuf::from).collect())
            }
            "--drafts" => o.show_drafts = Some(true),
            "--future" => o.future = Some(true),
            "--unpublished" => o.unpublished = Some(true),
            "--safe" => o.safe = Some(true),
            _ => {}
        }
    }
    o
}

fn head(root: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(root.join(rel)).unwrap_or_default()
}

fn check(root: &Path, extra: &[&str]) -> Vec<String> {
    let o = opts(extra);
    let site = read_site(root, &o, &common::READER);
    let mut diffs = Vec::new();
    let config = match SiteConfig::load(root, &o, &common::READER) {
        Ok(c) => c,
        Err(f) => {
            if site.fatal.is_empty() {
                diffs.push(format!(
                    "SiteConfig::load failed ({}), read_site did not",
                    f.message
                ));
            }
            return diffs;
        }
    };
    let source = config.source().to_path_buf();
    let links = DiskLinks { source: &source };
    // Entries, file by file.
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in site.files.iter().filter(|e| e.kind != Kind::Generated) {
        if let Some(p) = &e.path {
            expected
                .entry(p.clone())
                .or_default()
                .push(entry_json(&site, e));
        }
    }
    for (path, want) in &expected {
        let class = config.classify(path, &head(&source, path), &links);
        let mut got: Vec<String> = class
            .roles
            .iter()
            .map(|r| entry_json(&site, &config.read_entry(path, r)))
            .collect();
        let mut want = want.clone();
        got.sort();
        want.sort();
        if got != want {
            diffs.push(format!("{path}: read_site {want:?} / per file {got:?}"));
        }
    }
    for (path, why) in &site.unread {
        let class = config.classify(path, &head(&source, path), &links);
        if !class.roles.is_empty() {
            diffs.push(format!(
                "{path}: unread ({why:?}) but classified {:?}",
                class.roles
            ));
        }
        if class.unread != Some(*why) {
            diffs.push(format!(
                "{path}: reason {why:?} in read_site, {:?} per file",
                class.unread
            ));
        }
    }
    // The index, both ways of reading collection documents.
    for mode in [CollectionDocs::Given, CollectionDocs::Read] {
        let mut index = SiteIndex::build(&config, mode);
        // As threads would: two sets, filled in opposite orders, merged.
        let mut docs = Documents::new(&config);
        let mut other = Documents::new(&config);
        for (i, e) in site.files.iter().enumerate().rev() {
            let given = match e.kind {
                Kind::Post | Kind::Draft => true,
                Kind::Document => mode == CollectionDocs::Given,
                _ => false,
            };
            if given {
                if i % 2 == 0 {
                    docs.add(i as u64, e);
                } else {
                    other.add(i as u64, e);
                }
            }
        }
        other.merge(docs);
        index.add_documents(&config, other);
        let gen_of = |entries: &mut dyn Iterator<Item = &jekyll_site::Entry>| {
            let mut v: Vec<String> = entries.map(|e| entry_json(&site, e)).collect();
            v.sort();
            v
        };
        let want = gen_of(&mut site.files.iter().filter(|e| e.kind == Kind::Generated));
        let generated: Vec<jekyll_site::Entry> =
            index.generated().iter().map(|g| g.to_entry()).collect();
        let got = gen_of(&mut generated.iter());
        if want != got {
            diffs.push(format!(
                "{mode:?}: generated: read_site {want:?} / index {got:?}"
            ));
        }
        let want = gen_of(&mut site.files.iter().filter(|e| e.kind == Kind::Page));
        let got = gen_of(&mut index.pages().iter());
        if want != got {
            diffs.push(format!(
                "{mode:?}: pages: read_site {want:?} / index {got:?}"
            ));
        }
        for e in site.files.iter().filter(|e| e.written) {
            let (Ok(d), Ok(u)) = (&e.destination, &e.url) else {
                continue;
            };
            if index.at_destination(d).is_none() {
                diffs.push(format!("{mode:?}: {d} not in the index"));
            }
            let link = match &site.config.baseurl {
                Some(b) => format!("{}{u}", b.trim_end_matches('/')),
                None => u.clone(),
            };
            let by_site = matches!(site.lookup(&link), Lookup::Served(_));
            let by_index = matches!(index.lookup(&link), Lookup::Served(_));
            if by_site != by_index {
                diffs.push(format!(
                    "{mode:?}: lookup {link}: site {by_site}, index {by_index}"
                ));
            }
        }
        if let Lookup::Served(s) = index.lookup("/no/such/page-at-all/") {
            diffs.push(format!("{mode:?}: a missing link is served by {s:?}"));
        }
        let mut want: Vec<&str> = site
            .collisions
            .iter()
            .map(|c| c.destination.as_str())
            .collect();
        let got_all = index.collisions();
        let mut got: Vec<String> = got_all
            .iter()
            .map(|c| {
                c.destination.clone().unwrap_or_else(|| {
                    // Only documents: their destination from read_site's entries.
                    c.outputs
                        .iter()
                        .find_map(|o| match o {
                            Served::Document(id) => site
                                .files
                                .get(*id as usize)
                                .and_then(|e| e.destination.clone().ok()),
                            _ => None,
                        })
                        .unwrap_or_default()
                })
            })
            .collect();
        want.sort();
        got.sort();
        if want != got {
            diffs.push(format!(
                "{mode:?}: collisions: read_site {want:?} / index {got:?}"
            ));
        }
    }
    diffs
}

/// An entry as the oracle's JSON (without the document ids of `read_site`'s order).
fn entry_json(_site: &jekyll_site::Site, e: &jekyll_site::Entry) -> String {
    let mut e = e.clone();
    // `limit_posts` is not known file by file.
    if e.skipped == Some(jekyll_site::Skip::LimitPosts) {
        e.skipped = None;
        e.written = true;
    }
    serde_json::json!({
        "kind": e.kind.as_str(),
        "collection": e.collection,
        "path": e.path,
        "written": e.written,
        "skipped": e.skipped.map(|s| s.as_str()),
        "url": format!("{:?}", e.url),
        "destination": format!("{:?}", e.destination),
        "date": e.date.map(|d| d.iso8601()),
        "slug": e.slug.as_ref().map(|v| v.to_json()),
        "categories": e.categories.as_ref().map(|v| v.to_json()),
        "tags": e.tags.as_ref().map(|v| v.to_json()),
        "read_error": e.read_error,
        "generator": e.generator,
        "fatal": e.fatal,
    })
    .to_string()
}

fn links_site(root: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(root);
    let w = |p: PathBuf, t: &[u8]| {
        if let Some(d) = p.parent() {
            let _ = std::fs::create_dir_all(d);
        }
        let _ = std::fs::write(p, t);
    };
    let outside = root.join("outside");
    w(outside.join("page.md"), b"---\n---\n");
    w(outside.join("2010-01-01-out.md"), b"---\n---\n");
    let s = root.join("links");
    w(
        s.join("_config.yml"),
        b"collections:\n  docs:\n    output: true\n",
    );
    w(s.join("real/inner.md"), b"---\n---\n");
    w(s.join("_posts/2010-01-02-real.md"), b"---\n---\n");
    w(s.join("_docs/d.md"), b"---\n---\n");
    w(s.join("postsrc/2010-01-03-linked.md"), b"---\n---\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        let _ = symlink("real", s.join("inside-dir"));
        let _ = symlink(&outside, s.join("outside-dir"));
        let _ = symlink(outside.join("page.md"), s.join("outside-page.md"));
        let _ = symlink("../postsrc", s.join("_posts/linked-dir"));
        let _ = symlink(
            outside.join("2010-01-01-out.md"),
            s.join("_posts/2010-01-01-out.md"),
        );
    }
    s
}

#[test]
fn per_file_agrees_with_read_site() {
    let dir = common::crate_dir();
    let fx = dir.join("tests/fixtures");
    let made = std::env::temp_dir().join(format!("postlint-site-perfile-{}", std::process::id()));
    let links = links_site(&made);
    let mut cases: Vec<(PathBuf, Vec<String>)> = Vec::new();
    for args in [
        vec![],
        vec!["--drafts"],
        vec!["--future", "--unpublished"],
        vec!["--safe"],
    ] {
        for name in ["reader", "plugins", "paths"] {
            cases.push((fx.join(name), args.iter().map(|s| s.to_string()).collect()));
        }
    }
    cases.push((links.clone(), vec![]));
    cases.push((links, vec!["--safe".into()]));
    let corpus = common::crate_dir().join("../../../shared/corpus");
    if std::env::var("POSTLINT_CORPUS").is_ok_and(|v| v == "1") && corpus.is_dir() {
        for (site, conf) in [
            ("sites/jekyll", Some("debian-plugins.yml")),
            ("sites/elixir", Some("debian-plugins.yml")),
        ] {
            let base = corpus.join(site);
            let mut args = Vec::new();
            if let Some(c) = conf {
                args = vec![
                    "--config".to_string(),
                    format!(
                        "{},{}",
                        base.join("site/_config.yml").display(),
                        base.join(c).display()
                    ),
                ];
            }
            cases.push((base.join("site"), args));
        }
        cases.push((
            corpus.join("sites/brew/site"),
            vec![
                "--config".into(),
                corpus
                    .join("sites/brew/debian-config.yml")
                    .display()
                    .to_string(),
            ],
        ));
        cases.push((corpus.join("jekyll-test-source"), vec![]));
        cases.push((corpus.join("jekyll-test-source"), vec!["--drafts".into()]));
        cases.push((corpus.join("finews"), vec![]));
    }
    let mut failures = Vec::new();
    for (site, args) in &cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let d = check(site, &a);
        eprintln!("{} {:?}: {} differences", site.display(), args, d.len());
        for x in d.iter().take(10) {
            eprintln!("    {x}");
        }
        if !d.is_empty() {
            failures.push(format!("{} {:?}", site.display(), args));
        }
    }
    let _ = std::fs::remove_dir_all(&made);
    assert!(failures.is_empty(), "differences on: {failures:?}");
}
