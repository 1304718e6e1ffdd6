//! Checking one buffer as if it were a file of its site: `check - --stdin-filename PATH` and
//! the language server. The buffer gets the per-file rules and its suppressions exactly as the
//! file on disk would, and the cross-file rules over the facts of the site's other files
//! ([`SiteFacts`], gathered once and kept current by the server), so that a buffer that
//! duplicates a committed post is found before it is saved.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::walk::{Files, file_id};
use super::{Ignores, Outcome, RunContext, RunOptions, check_file, prepare, rel_paths};
use crate::base::chunked::Chunked;
use crate::base::paths::{normalize, relative_to};
use crate::base::text::LineIndex;
use crate::diagnostic::{Diagnostic, SourceText, finalize};
use crate::jekyll::document::Post;
use crate::jekyll::site::SiteModel;
use crate::rules::cross_file::{self, Facts};
use crate::rules::{self, Context, Scope};
use crate::settings::Settings;

/// A path made absolute (against the process's working directory) and normalised.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        normalize(&cwd.join(path))
    }
}

/// One file of the site, as the cross-file rules see it.
#[derive(Debug, Clone)]
struct Entry {
    /// How the file is named in findings.
    display: Arc<str>,
    facts: Facts,
}

/// The cross-file facts of every file a run over the whole site would check (the config's
/// `posts` globs, else every file of the site), by absolute path. Valid for the site model
/// they were gathered with (its interned names): gather again after reloading the site.
#[derive(Debug, Default)]
pub struct SiteFacts {
    files: HashMap<PathBuf, Entry>,
}

/// Where a buffer's text comes from instead of the disk (the server's open buffers), by
/// absolute path.
pub type Overlay<'a> = &'a (dyn Fn(&Path) -> Option<Vec<u8>> + Sync);

/// The facts of one file's bytes (`None` for a file Jekyll does not read).
fn facts_of(
    settings: &Settings,
    site: &SiteModel,
    display: &str,
    path: &Path,
    bytes: Vec<u8>,
) -> Option<Facts> {
    let post = site.place(display, path, bytes).ok()?;
    let mut facts = cross_file::facts(&Context::new(&post, settings, site, None));
    facts.file = file_id(display);
    Some(facts)
}

/// The run options that walk the whole site from `cwd`: the config's `posts` globs, else the
/// site's folder (named relative to `cwd`, as `postlint check` run there names its files).
fn whole_site(settings: &Settings, site: &SiteModel, cwd: &Path) -> RunOptions {
    let mut options = RunOptions::default();
    if settings.posts.is_empty() {
        let root = site
            .root
            .clone()
            .unwrap_or_else(|| normalize(&cwd.join(&settings.root)));
        let rel = relative_to(&root, &normalize(cwd));
        options.paths = vec![if rel.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            rel
        }];
    }
    options
}

impl SiteFacts {
    /// Read every file of the site (in parallel) for its facts; `overlay` gives the text of
    /// files open in an editor. Nothing is read when no cross-file rule is on.
    pub fn gather(
        settings: &Settings,
        site: &SiteModel,
        cwd: &Path,
        overlay: Overlay,
    ) -> SiteFacts {
        let files = site_facts(settings, site, cwd, &|_| false, overlay)
            .into_iter()
            .map(|(display, abs, facts)| (abs, Entry { display, facts }))
            .collect();
        SiteFacts { files }
    }

    /// A file of the site has new text (an edited buffer, a saved file): its facts again. A
    /// file the facts do not hold (not one a run over the site checks) is left out.
    pub fn update(&mut self, settings: &Settings, site: &SiteModel, path: &Path, bytes: Vec<u8>) {
        let abs = absolute(path);
        let Some(entry) = self.files.get(&abs) else {
            return;
        };
        let display = Arc::clone(&entry.display);
        match facts_of(settings, site, &display, &abs, bytes) {
            Some(facts) => {
                self.files.insert(abs, Entry { display, facts });
            }
            None => {
                self.files.remove(&abs);
            }
        }
    }
}

/// The cross-file facts of the site's files a run did not check (`checked`: their absolute
/// paths), for a run over some files only (a pre-commit hook's staged posts): each with how
/// it is named and where it is. Nothing is read when no cross-file rule is on.
pub fn facts_of_the_rest(
    settings: &Settings,
    site: &SiteModel,
    cwd: &Path,
    checked: &std::collections::HashSet<PathBuf>,
) -> Vec<(Arc<str>, PathBuf, Facts)> {
    site_facts(settings, site, cwd, &|abs| checked.contains(abs), &|_| None)
}

/// The facts of every file a run over the whole site would check (read in parallel), but
/// those `skip` names; `overlay` gives the text of files open in an editor. Each with how it
/// is named and its absolute path. Nothing is read when no cross-file rule is on.
fn site_facts(
    settings: &Settings,
    site: &SiteModel,
    cwd: &Path,
    skip: &(dyn Fn(&Path) -> bool + Sync),
    overlay: Overlay,
) -> Vec<(Arc<str>, PathBuf, Facts)> {
    if !rules::registry::any_on(settings, Scope::CrossFile) {
        return Vec::new();
    }
    let options = whole_site(settings, site, cwd);
    let (files, _) = Files::new(settings, &options, cwd);
    files
        .iter()
        .filter_map(Result::ok)
        .par_bridge()
        .filter_map(|t| {
            let abs = absolute(t.path());
            if skip(&abs) {
                return None;
            }
            let bytes = match overlay(&abs) {
                Some(b) => b,
                None => std::fs::read(t.path()).ok()?,
            };
            let facts = facts_of(settings, site, &t.display, &abs, bytes)?;
            Some((Arc::from(&*t.display), abs, facts))
        })
        .collect()
}

impl SiteFacts {
    /// A file of the site is gone.
    pub fn remove(&mut self, path: &Path) {
        self.files.remove(&absolute(path));
    }
}

/// A buffer to check as if it were the file at `path`.
pub struct Buffer<'a> {
    /// How the file is named in findings.
    pub display: &'a str,
    /// Where the file is (or would be) on disk.
    pub path: &'a Path,
    pub bytes: Vec<u8>,
}

/// What checking a buffer gives.
#[derive(Debug, Default)]
pub struct BufferChecked {
    /// Its findings, sorted by position, with their fixes.
    pub diagnostics: Vec<Diagnostic>,
    /// Why Jekyll does not read a file at that path (then nothing was checked).
    pub unread: Option<&'static str>,
    pub is_post: bool,
}

/// Check a buffer as the file at its path in its site: the per-file rules and suppressions,
/// the cross-file rules over the buffer and `others` (the site's other files; the file at the
/// same path is the buffer), the category page rule when it is one, and `per_file_ignores`.
/// `cwd` is the folder paths are named from (as `postlint check` run there names them).
pub fn check_buffer(
    settings: &Settings,
    site: &SiteModel,
    cwd: &Path,
    buffer: Buffer,
    others: &SiteFacts,
    keep_source: bool,
) -> BufferChecked {
    let run = RunContext::new(settings, site);
    let abs = absolute(buffer.path);
    let checked = check_file(
        &run,
        buffer.display,
        &abs,
        buffer.bytes.clone(),
        keep_source,
    );
    if !checked.read {
        return BufferChecked {
            unread: checked.unread,
            ..BufferChecked::default()
        };
    }
    let mut diagnostics = checked.diagnostics;
    if let Some(mut facts) = checked.facts {
        facts.file = file_id(buffer.display);
        diagnostics.extend(cross_file_of(
            settings,
            site,
            &buffer,
            &abs,
            facts,
            others,
            keep_source,
        ));
    }
    if site
        .category_pages
        .iter()
        .any(|p| normalize(&p.path) == abs)
    {
        let options = RunOptions {
            paths: vec![abs.clone()],
            ..RunOptions::default()
        };
        let mut pages = super::site_pass::site_pages(settings, site, &options, cwd);
        for d in &mut pages {
            d.path = Arc::from(buffer.display);
        }
        diagnostics.extend(pages);
    }
    rel_paths(&normalize(&cwd.join(&settings.root)), cwd, &mut diagnostics);
    Ignores::new(settings).apply(&mut diagnostics);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    BufferChecked {
        diagnostics,
        unread: None,
        is_post: checked.is_post,
    }
}

/// The cross-file findings of the buffer (those of the other files are not its own).
fn cross_file_of(
    settings: &Settings,
    site: &SiteModel,
    buffer: &Buffer,
    abs: &Path,
    mine: Facts,
    others: &SiteFacts,
    keep_source: bool,
) -> Vec<Diagnostic> {
    let me = mine.file;
    let mut all = Chunked::default();
    let mut names: HashMap<u64, Arc<str>> = HashMap::new();
    let mut paths: HashMap<u64, &Path> = HashMap::new();
    for (path, entry) in &others.files {
        if path == abs || entry.facts.file == me {
            continue;
        }
        all.push(entry.facts.clone());
        names.insert(entry.facts.file, Arc::clone(&entry.display));
        paths.insert(entry.facts.file, path);
    }
    all.push(mine);
    let shown: Arc<str> = Arc::from(buffer.display);
    names.insert(me, Arc::clone(&shown));
    let found = cross_file::find(&all, settings, site);
    if found.is_empty() || !found.files().contains(&me) {
        return Vec::new();
    }
    let url_of = |id: u64| {
        let (display, path, bytes) = if id == me {
            (buffer.display, abs, buffer.bytes.clone())
        } else {
            let path = *paths.get(&id)?;
            (&**names.get(&id)?, path, std::fs::read(path).ok()?)
        };
        super::site_pass::url_and_other(site, display, path, bytes)
    };
    let reported = found.report(&names, url_of, settings);
    let post = Post::from_bytes(buffer.display, buffer.bytes.clone());
    let mut out: Vec<Diagnostic> = reported
        .into_iter()
        .filter(|(d, _)| *d.path == *shown)
        .map(|(mut d, anchor)| {
            d.span = cross_file::anchor_span(&post, anchor, &site.markdown).unwrap_or(0..0);
            d
        })
        .collect();
    let source = (keep_source && !out.is_empty()).then(|| {
        Arc::new(SourceText {
            name: buffer.display.to_string(),
            text: post.text.clone(),
        })
    });
    let index = LineIndex::new(&post.text);
    finalize(&mut out, &shown, &post.text, &index, source.as_ref());
    out
}

/// `postlint check - --stdin-filename PATH`: the buffer checked as the file at PATH (the
/// first of `options.paths`) in its site, as a run's outcome.
pub fn run_buffer(
    settings: &Settings,
    options: &RunOptions,
    cwd: &Path,
    bytes: Vec<u8>,
) -> Outcome {
    let started = Instant::now();
    let Some(path) = options.paths.first() else {
        return Outcome::default();
    };
    let (settings, site) = prepare(settings, options, cwd);
    let display = {
        let shown = path.to_string_lossy();
        shown.strip_prefix("./").unwrap_or(&shown).to_string()
    };
    let full = normalize(&cwd.join(path));
    let others = SiteFacts::gather(&settings, &site, cwd, &|_| None);
    let checked = check_buffer(
        &settings,
        &site,
        cwd,
        Buffer {
            display: &display,
            path: &full,
            bytes,
        },
        &others,
        options.keep_source,
    );
    let mut notices = Vec::new();
    if settings.links.online && rules::registry::any_on(&settings, Scope::Online) {
        notices.push(
            "external links are not requested for standard input (LK006 is not checked): check the saved file with --online"
                .to_string(),
        );
    }
    let failures = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_failure())
        .count();
    Outcome {
        files: usize::from(checked.unread.is_none()),
        posts: usize::from(checked.is_post),
        failures,
        elapsed: started.elapsed(),
        unread: checked
            .unread
            .map(|why| vec![(display.clone().into_boxed_str(), why)])
            .unwrap_or_default(),
        diagnostics: checked.diagnostics,
        notices,
        ..Outcome::default()
    }
}
