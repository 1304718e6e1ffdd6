//! `--fix` never writes through a symbolic link or outside the site: a symlinked post named
//! on the command line, a symlink in `_posts` to a file outside the site, a `_posts` folder
//! that is a link to a folder outside, and a race where another process keeps swapping the
//! posts for links to a file outside the site while `--fix` runs. Each refusal is reported,
//! naming the file; nothing outside the site changes, and nothing inside is lost.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// DT007 (fixable: the site's offset is added).
const FIXABLE: &str = "---\nlayout: post\ntitle: \"t\"\ndate: 2021-12-08 10:46:18\n---\n\n正文。\n";
const FIXED: &str =
    "---\nlayout: post\ntitle: \"t\"\ndate: 2021-12-08 10:46:18 +0800\n---\n\n正文。\n";
const CONFIG: &str = "site:\n  timezone: \"+08:00\"\n";

struct Layout {
    _tmp: tempfile::TempDir,
    site: PathBuf,
    outside: PathBuf,
}

fn layout() -> Layout {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(site.join("_posts")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(site.join("postlint.yaml"), CONFIG).unwrap();
    std::fs::write(site.join("_config.yml"), "title: t\n").unwrap();
    Layout {
        _tmp: tmp,
        site,
        outside,
    }
}

fn fix(dir: &Path, paths: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postlint"))
        .current_dir(dir)
        .args(["check", "--fix", "--format", "json"])
        .args(paths)
        .output()
        .unwrap()
}

/// The `io` messages of a JSON run, by path.
fn io_messages(o: &Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "io")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".postlint-"))
        .collect()
}

#[test]
fn a_symlinked_post_named_on_the_command_line_is_not_written_through() {
    let l = layout();
    let real = l.site.join("_posts/2021-12-08-real.md");
    std::fs::write(&real, FIXABLE).unwrap();
    symlink("2021-12-08-real.md", l.site.join("_posts/2021-12-08-a.md")).unwrap();
    let o = fix(&l.site, &["_posts/2021-12-08-a.md"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let io = io_messages(&o);
    assert_eq!(io.len(), 1, "{io:?}");
    assert_eq!(io[0].0, "_posts/2021-12-08-a.md");
    assert!(
        io[0]
            .1
            .contains("is a symbolic link (to `2021-12-08-real.md`)")
            && io[0].1.contains("never writes through a link"),
        "{}",
        io[0].1
    );
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        FIXABLE,
        "target untouched"
    );
    assert!(
        std::fs::symlink_metadata(l.site.join("_posts/2021-12-08-a.md"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    // The finding is still reported, so the user knows what to fix.
    assert!(String::from_utf8_lossy(&o.stdout).contains("DT007"));
    // The file itself, named by its own name, is fixed.
    let o = fix(&l.site, &["_posts/2021-12-08-real.md"]);
    assert!(io_messages(&o).is_empty());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), FIXED);
}

#[test]
fn a_symlink_in_the_site_to_a_file_outside_is_not_written_through() {
    let l = layout();
    let outside = l.outside.join("victim.md");
    std::fs::write(&outside, FIXABLE).unwrap();
    symlink(&outside, l.site.join("_posts/2021-12-08-a.md")).unwrap();
    std::fs::write(l.site.join("_posts/2021-12-08-b.md"), FIXABLE).unwrap();
    let o = fix(&l.site, &[]);
    let io = io_messages(&o);
    assert_eq!(io.len(), 1, "{io:?}");
    assert_eq!(io[0].0, "_posts/2021-12-08-a.md");
    assert!(io[0].1.contains("symbolic link"), "{}", io[0].1);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), FIXABLE);
    // The run goes on: the regular post is fixed.
    assert_eq!(
        std::fs::read_to_string(l.site.join("_posts/2021-12-08-b.md")).unwrap(),
        FIXED
    );
}

#[test]
fn a_posts_folder_that_links_outside_the_site_is_not_written_in() {
    let l = layout();
    std::fs::remove_dir(l.site.join("_posts")).unwrap();
    let posts = l.outside.join("posts");
    std::fs::create_dir(&posts).unwrap();
    std::fs::write(posts.join("2021-12-08-a.md"), FIXABLE).unwrap();
    symlink(&posts, l.site.join("_posts")).unwrap();
    let o = fix(&l.site, &["_posts/2021-12-08-a.md"]);
    let io = io_messages(&o);
    assert_eq!(io.len(), 1, "{io:?} {}", String::from_utf8_lossy(&o.stderr));
    assert!(
        io[0].1.starts_with("not fixed: ") && io[0].1.contains("is outside the site"),
        "{}",
        io[0].1
    );
    assert_eq!(
        std::fs::read_to_string(posts.join("2021-12-08-a.md")).unwrap(),
        FIXABLE
    );
    assert!(leftovers(&posts).is_empty());
}

/// Another process keeps swapping the posts for symbolic links to a file outside the site
/// (and back) while `--fix` runs over 2,000 of them. The file outside is never modified; every
/// post ends as the original or the fixed text (or as the link the other process left).
#[test]
fn a_race_swapping_posts_for_links_never_writes_outside_the_site() {
    const FILES: usize = 2_000;
    let l = layout();
    let victim = l.outside.join("victim.md");
    // The same fixable text: what the fixer reads through a link looks like the post.
    std::fs::write(&victim, FIXABLE).unwrap();
    let posts = l.site.join("_posts");
    let names: Vec<String> = (0..FILES)
        .map(|i| format!("2021-12-08-p{i:04}.md"))
        .collect();
    for n in &names {
        std::fs::write(posts.join(n), FIXABLE).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicUsize::new(0));
    let swapper = {
        let (stop, swaps, posts, victim, names) = (
            Arc::clone(&stop),
            Arc::clone(&swaps),
            posts.clone(),
            victim.clone(),
            names.clone(),
        );
        std::thread::spawn(move || {
            // Pass after pass over the posts, each one toggled: a link to the victim replaces
            // the post, or a regular file replaces the link (each swap an atomic rename), so
            // about half of them are links at any moment.
            let mut is_link = vec![false; names.len()];
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let k = i % names.len();
                let path = posts.join(&names[k]);
                let tmp = posts.join(format!(".swap-{}", names[k]));
                let _ = std::fs::remove_file(&tmp);
                let made = if is_link[k] {
                    std::fs::write(&tmp, FIXABLE)
                } else {
                    symlink(&victim, &tmp)
                };
                if made.is_ok() && std::fs::rename(&tmp, &path).is_ok() {
                    is_link[k] = !is_link[k];
                    swaps.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
            }
        })
    };
    let o = fix(&l.site, &[]);
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();
    let io = io_messages(&o);
    let refused = io
        .iter()
        .filter(|(_, m)| m.starts_with("not fixed") || m.contains("changed while"))
        .count();
    let mut fixed = 0;
    for n in &names {
        let path = posts.join(n);
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text == FIXABLE || text == FIXED, "{n}: {text:?}");
        fixed += usize::from(text == FIXED);
    }
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    for (_, m) in &io {
        let kind = m
            .split_once("` ")
            .map_or(m.as_str(), |(_, rest)| rest)
            .split([';', '('])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        *reasons.entry(kind).or_default() += 1;
    }
    eprintln!(
        "race: {FILES} posts, {} swaps, {refused} refused ({reasons:?}), {fixed} fixed at the end, 0 written outside",
        swaps.load(Ordering::Relaxed)
    );
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        FIXABLE,
        "the file outside the site was written"
    );
    assert!(swaps.load(Ordering::Relaxed) > 0, "the race did not run");
    let left: Vec<_> = leftovers(&posts);
    assert!(left.is_empty(), "{left:?}");
}

/// Each check of the guarded write, with a link swapped in at that very moment (after the
/// check before it): the file outside is never written, and the refusal says why.
#[test]
fn a_link_swapped_in_at_each_step_is_refused() {
    use postlint::testing::{Guard, fix_target_with, write_fixed, write_guarded};
    use postlint::{RunContext, SiteModel, Target};
    use std::io::Write;

    let setup = || {
        let l = layout();
        let victim = l.outside.join("victim.md");
        std::fs::write(&victim, FIXABLE).unwrap();
        let post = l.site.join("_posts/2021-12-08-a.md");
        std::fs::write(&post, FIXABLE).unwrap();
        let s = postlint::discover(&l.site, &l.site).unwrap();
        let (s, _) = postlint::prepare(&s, &postlint::RunOptions::default(), &l.site);
        (l, victim, post, s)
    };
    let swap_in = |post: &Path, victim: &Path| {
        let tmp = post.with_extension("swap");
        symlink(victim, &tmp).unwrap();
        std::fs::rename(&tmp, post).unwrap();
    };
    let io_of = |checked: &postlint::testing::Checked| -> Vec<String> {
        checked
            .diagnostics
            .iter()
            .filter(|d| &*d.code == "io")
            .map(|d| d.message.clone())
            .collect()
    };

    // After the first look, before the write: the writer's own `lstat` (and `O_NOFOLLOW`).
    let (l, victim, post, s) = setup();
    let target = Target::new(post.clone(), "_posts/2021-12-08-a.md".into());
    let (checked, n) = fix_target_with(
        &RunContext::new(&s, &SiteModel::default()),
        &l.site,
        &target,
        false,
        &|| swap_in(&post, &victim),
        &write_fixed,
    );
    let io = io_of(&checked);
    assert_eq!(n, 0);
    assert!(
        io.len() == 1 && io[0].contains("is a symbolic link"),
        "{io:?}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), FIXABLE);

    // While the temporary file is written: the `lstat` right before the rename.
    let (l, victim, post, s) = setup();
    let target = Target::new(post.clone(), "_posts/2021-12-08-a.md".into());
    let swapping = |path: &Path, bytes: &[u8], guard: &Guard| {
        write_guarded(path, bytes, guard, |file, bytes| {
            file.write_all(bytes)?;
            swap_in(&post, &victim);
            Ok(())
        })
    };
    let (checked, n) = fix_target_with(
        &RunContext::new(&s, &SiteModel::default()),
        &l.site,
        &target,
        false,
        &|| {},
        &swapping,
    );
    let io = io_of(&checked);
    assert_eq!(n, 0);
    assert!(
        io.len() == 1 && io[0].contains("is a symbolic link"),
        "{io:?}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), FIXABLE);
    assert!(leftovers(&l.site.join("_posts")).is_empty());

    // The folder swapped for a link to a folder outside, before the write: its canonical
    // path is outside the site.
    let (l, _victim, post, s) = setup();
    let target = Target::new(post.clone(), "_posts/2021-12-08-a.md".into());
    let elsewhere = l.outside.join("posts");
    let swap_folder = || {
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("2021-12-08-a.md"), FIXABLE).unwrap();
        std::fs::rename(l.site.join("_posts"), l.site.join("_posts.old")).unwrap();
        symlink(&elsewhere, l.site.join("_posts")).unwrap();
    };
    let (checked, _) = fix_target_with(
        &RunContext::new(&s, &SiteModel::default()),
        &l.site,
        &target,
        false,
        &swap_folder,
        &write_fixed,
    );
    let io = io_of(&checked);
    assert!(
        io.len() == 1 && io[0].contains("is outside the site"),
        "{io:?}"
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("2021-12-08-a.md")).unwrap(),
        FIXABLE
    );

    // The folder swapped while the temporary file is written: the write goes on in the
    // folder that was opened (inside the site, now `_posts.old`), never in the link's target.
    let (l, _victim, post, s) = setup();
    let target = Target::new(post.clone(), "_posts/2021-12-08-a.md".into());
    let elsewhere = l.outside.join("posts");
    let swapping = |path: &Path, bytes: &[u8], guard: &Guard| {
        write_guarded(path, bytes, guard, |file, bytes| {
            file.write_all(bytes)?;
            swap_folder_of(&l.site, &elsewhere);
            Ok(())
        })
    };
    let (_checked, _) = fix_target_with(
        &RunContext::new(&s, &SiteModel::default()),
        &l.site,
        &target,
        false,
        &|| {},
        &swapping,
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("2021-12-08-a.md")).unwrap(),
        FIXABLE,
        "nothing outside the site was written"
    );
    assert_eq!(
        std::fs::read_to_string(l.site.join("_posts.old/2021-12-08-a.md")).unwrap(),
        FIXED
    );
    assert!(leftovers(&elsewhere).is_empty());
}

/// Move `_posts` aside and put a link to `elsewhere` (holding the same post) in its place.
fn swap_folder_of(site: &Path, elsewhere: &Path) {
    std::fs::create_dir(elsewhere).unwrap();
    std::fs::write(elsewhere.join("2021-12-08-a.md"), FIXABLE).unwrap();
    std::fs::rename(site.join("_posts"), site.join("_posts.old")).unwrap();
    symlink(elsewhere, site.join("_posts")).unwrap();
}
