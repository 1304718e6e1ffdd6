//! The engine: find the files, check them in parallel, and return sorted diagnostics.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity, SourceText};
use crate::loader::Post;
use crate::paths::{normalize, relative_to};
use crate::rules::{self, Rule};
use crate::site::{SiteModel, find_root};
use crate::source::LineIndex;
use crate::suppress;

/// File extensions walked in a directory (Jekyll's default `markdown_ext`).
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "mkdown", "mkdn", "mkd"];

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Files and directories to check; empty means the config's `posts` globs, else `.`.
    pub paths: Vec<PathBuf>,
    /// Keep each file's text on its diagnostics (for the human format).
    pub keep_source: bool,
    /// Show a progress bar on stderr (the CLI asks for it on a terminal).
    pub progress: bool,
}

/// Runs shorter than this many files get no progress bar.
const PROGRESS_MIN_FILES: usize = 2_000;

/// A progress bar on stderr for a long run, or a hidden one.
pub fn progress_bar(options: &RunOptions, files: usize) -> indicatif::ProgressBar {
    if !options.progress || files < PROGRESS_MIN_FILES {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    /// Files checked.
    pub files: usize,
    /// Of those, posts and drafts (the rest are pages and other files).
    pub posts: usize,
    /// Failures of the tool itself (unreadable files, missing paths): exit status 2.
    pub failures: usize,
    pub elapsed: Duration,
    /// `--online`: what the link check did.
    pub online: Option<crate::online::Stats>,
    /// Warnings about the run itself (e.g. a corrupt link cache), for stderr.
    pub notices: Vec<String>,
}

impl Outcome {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn fixable(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.fixable()).count()
    }
}

/// One file to check: where to read it, and how to name it in output.
#[derive(Debug, Clone)]
pub struct Target {
    /// How the file is named in output. Boxed (no spare capacity): the list holds every file
    /// of a run, 300,000 of them on a large site.
    pub display: Box<str>,
    /// Where to read it, when `display` does not say (relative to the process's working
    /// directory): a file name that is not UTF-8, or a library caller's `cwd`.
    pub full: Option<Box<Path>>,
}

impl Target {
    /// A target read from `path`, shown as `display`.
    pub fn new(path: PathBuf, display: String) -> Target {
        // Compared by components, without building a path.
        let same = Path::new(&display) == path
            || PROCESS_CWD.as_deref().is_some_and(|cwd| {
                path.strip_prefix(cwd)
                    .is_ok_and(|rest| rest == Path::new(&display))
            });
        Target {
            full: (!same).then(|| path.into_boxed_path()),
            display: display.into_boxed_str(),
        }
    }

    /// Where to read the file.
    pub fn path(&self) -> &Path {
        self.full
            .as_deref()
            .unwrap_or_else(|| Path::new(&*self.display))
    }
}

/// The working directory of the process, read once.
static PROCESS_CWD: std::sync::LazyLock<Option<PathBuf>> =
    std::sync::LazyLock::new(|| std::env::current_dir().ok());

/// Check every file the options name, in parallel; diagnostics come back sorted by path and
/// position whatever the thread order.
pub fn run(settings: &Settings, options: &RunOptions, cwd: &Path) -> Outcome {
    let started = Instant::now();
    let (settings, site) = prepare(settings, options, cwd);
    let (targets, failures) = discover(&settings, options, cwd);
    run_on(&settings, site, options, cwd, &targets, failures, started)
}

/// Check files already found (`settings` and `site` from [`prepare`], `targets` and
/// `failures` from [`discover`]): the run after discovery, also when files have changed,
/// vanished or become unreadable since.
pub fn run_on(
    settings: &Settings,
    mut site: SiteModel,
    options: &RunOptions,
    cwd: &Path,
    targets: &[Target],
    mut failures: Vec<Diagnostic>,
    started: Instant,
) -> Outcome {
    let (online, notices) = online_pass(settings, &mut site, targets, options);
    let site = &site;
    let files = targets.len();
    let bar = progress_bar(options, targets.len());
    let posts = std::sync::atomic::AtomicUsize::new(0);
    // Two flat vectors (findings per file, and the cross-file facts) rather than one of
    // results: nothing per file is held twice.
    let (found, facts): (Vec<Vec<Diagnostic>>, Vec<Option<crate::cross::Facts>>) = targets
        .par_iter()
        .enumerate()
        .map(|(i, t)| {
            let mut c = check_target(settings, site, t, options.keep_source);
            if let Some(f) = &mut c.facts {
                f.file = u32::try_from(i).unwrap_or(u32::MAX);
            }
            if c.is_post {
                posts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            bar.inc(1);
            (c.diagnostics, c.facts)
        })
        .unzip();
    bar.finish_and_clear();
    let posts = posts.into_inner();
    let facts: Vec<crate::cross::Facts> = facts.into_iter().flatten().collect();
    let mut diagnostics: Vec<Diagnostic> = found.into_iter().flatten().collect();
    diagnostics.extend(cross_file(
        settings,
        site,
        targets,
        &facts,
        options.keep_source,
    ));
    set_rel_paths(settings, cwd, &mut diagnostics);
    diagnostics.extend(site_pages(settings, site, options, cwd));
    apply_ignores(settings, &mut diagnostics);
    diagnostics.append(&mut failures);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let failures = diagnostics.iter().filter(|d| is_failure(d)).count();
    Outcome {
        diagnostics,
        files,
        posts,
        failures,
        elapsed: started.elapsed(),
        online,
        notices,
    }
}

/// `--online`: gather the external links of the posts, check each distinct one (cache first),
/// and leave the failures in the site model for LK006.
pub fn online_pass(
    settings: &Settings,
    site: &mut SiteModel,
    targets: &[Target],
    options: &RunOptions,
) -> (Option<crate::online::Stats>, Vec<String>) {
    if !settings.online.online || settings.level(Rule::LK006) == crate::rules::Level::Off {
        return (None, Vec::new());
    }
    let shared: &SiteModel = site;
    let mut urls: Vec<String> = targets
        .par_iter()
        .flat_map_iter(|t| {
            let Ok(bytes) = std::fs::read(t.path()) else {
                return Vec::new();
            };
            let post = Post::from_bytes(&t.display, bytes);
            if !post.is_post() {
                return Vec::new();
            }
            crate::body::analyse(&post.text, post.body.clone())
                .links
                .iter()
                .filter_map(|l| crate::rules::links::online_key(&l.url, shared))
                .collect()
        })
        .collect();
    urls.sort_unstable();
    urls.dedup();
    let cache = settings
        .online
        .cache
        .then(|| crate::online::cache_path(&settings.root));
    let checker = crate::online::Checker::new(&settings.online);
    let (problems, stats, notices) = crate::online::run(
        &settings.online,
        urls,
        cache.as_deref(),
        &checker,
        options.progress,
    );
    site.online = Some(problems);
    (Some(stats), notices)
}

/// TX007 over the site's category pages: all of them when the whole site is checked (no
/// paths), else those under the paths given.
pub fn site_pages(
    settings: &Settings,
    site: &SiteModel,
    options: &RunOptions,
    cwd: &Path,
) -> Vec<Diagnostic> {
    let given: Vec<PathBuf> = options
        .paths
        .iter()
        .map(|p| normalize(&cwd.join(p)))
        .collect();
    crate::rules::taxonomy::category_pages(
        site,
        settings,
        cwd,
        |page| {
            let page = normalize(page);
            given.is_empty() || given.iter().any(|g| page.starts_with(g))
        },
        options.keep_source,
    )
}

/// Give each finding its path relative to the config's folder (computed once per file with a
/// finding, not kept for every file).
pub fn set_rel_paths(settings: &Settings, cwd: &Path, diagnostics: &mut [Diagnostic]) {
    let root = normalize(&cwd.join(&settings.root));
    let mut cache: std::collections::HashMap<Arc<str>, Arc<str>> = std::collections::HashMap::new();
    for d in diagnostics {
        let rel = cache.entry(Arc::clone(&d.path)).or_insert_with(|| {
            let abs = normalize(&cwd.join(&*d.path));
            match abs.strip_prefix(&root) {
                Ok(r) => Arc::from(r.to_string_lossy().replace('\\', "/")),
                Err(_) => Arc::clone(&d.path),
            }
        });
        d.rel = Arc::clone(rel);
    }
}

/// Drop the findings that `per_file_ignores` turns off for their file.
pub fn apply_ignores(settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
    if settings.per_file_ignores.is_empty() {
        return;
    }
    let mut builder = GlobSetBuilder::new();
    for (glob, _) in &settings.per_file_ignores {
        if let Ok(g) = GlobBuilder::new(glob).literal_separator(true).build() {
            builder.add(g);
        }
    }
    let Ok(set) = builder.build() else { return };
    // `rel` is set by `set_rel_paths` before.
    diagnostics.retain(|d| {
        !set.matches(&*d.rel).into_iter().any(|i| {
            settings
                .per_file_ignores
                .get(i)
                .is_some_and(|(_, sels)| sels.iter().any(|s| suppress::matches(s, d)))
        })
    });
}

/// One file's result.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub is_post: bool,
    /// What it contributes to the cross-file rules (a few fixed-size fields, no heap).
    pub facts: Option<crate::cross::Facts>,
}

/// The cross-file rules over the facts of a run, located in their files.
pub fn cross_file(
    settings: &Settings,
    site: &SiteModel,
    targets: &[Target],
    facts: &[crate::cross::Facts],
    keep_source: bool,
) -> Vec<Diagnostic> {
    if facts.is_empty() {
        return Vec::new();
    }
    let mut found = crate::cross::check(facts, settings, site, targets);
    if !found.is_empty() {
        // Only the files with findings are re-read: map just those.
        let wanted: std::collections::HashSet<&str> = found.iter().map(|d| &*d.path).collect();
        let files: std::collections::HashMap<Arc<str>, PathBuf> = targets
            .iter()
            .filter(|t| wanted.contains(&*t.display))
            .map(|t| (Arc::from(&*t.display), t.path().to_path_buf()))
            .collect();
        crate::cross::locate(&mut found, &files, keep_source);
    }
    found
}

/// A diagnostic about the tool's own failure (not a finding in a post).
pub fn is_failure(d: &Diagnostic) -> bool {
    &*d.code == "io"
}

/// A failure of the tool on one path (exit status 2), reported at its line 1.
pub fn io_diagnostic(display: &str, message: String) -> Diagnostic {
    let mut d = Diagnostic::new("io", "", Severity::Error, 0..0, message);
    d.path = Arc::from(display);
    d.start.line = 1;
    d.start.column = 1;
    d.end = d.start;
    d
}

/// Read the site around the posts (once per run) and fill the settings it provides: the
/// site's time zone, `future` and URL from `_config.yml` where the config leaves them unset.
pub fn prepare(settings: &Settings, options: &RunOptions, cwd: &Path) -> (Settings, SiteModel) {
    let root = normalize(&cwd.join(&settings.root));
    let first = options.paths.first().map(|p| normalize(&cwd.join(p)));
    let mut starts: Vec<&Path> = vec![&root, cwd];
    if let Some(f) = &first {
        starts.insert(0, f);
    }
    let site = SiteModel::load(
        find_root(&starts),
        &settings.site.hosts,
        settings.site.url.as_deref(),
    );
    let mut settings = settings.clone();
    if settings.site.timezone.is_none() {
        settings.site.timezone = site
            .timezone
            .as_deref()
            .and_then(crate::config::parse_timezone);
    }
    if settings.site.future.is_none() {
        settings.site.future = site.future;
    }
    if settings.site.url.is_none() {
        settings.site.url.clone_from(&site.url);
    }
    (settings, site)
}

/// Read and check one file.
pub fn check_target(
    settings: &Settings,
    site: &SiteModel,
    target: &Target,
    keep_source: bool,
) -> Checked {
    match std::fs::read(target.path()) {
        Ok(bytes) => check_file(settings, site, &target.display, bytes, keep_source),
        Err(e) => Checked {
            diagnostics: vec![io_diagnostic(
                &target.display,
                format!("cannot read file: {e}"),
            )],
            is_post: false,
            facts: None,
        },
    }
}

/// Check one file's bytes (the engine's pure core: no I/O).
pub fn check_bytes(
    settings: &Settings,
    site: &SiteModel,
    display: &str,
    bytes: Vec<u8>,
    keep_source: bool,
) -> Vec<Diagnostic> {
    check_file(settings, site, display, bytes, keep_source).diagnostics
}

pub fn check_file(
    settings: &Settings,
    site: &SiteModel,
    display: &str,
    bytes: Vec<u8>,
    keep_source: bool,
) -> Checked {
    let post = Post::from_bytes(display, bytes);
    let is_post = post.is_post();
    let (mut diagnostics, facts) = rules::check(&post, settings, site);
    let directives = post.text.contains("postlint-");
    if diagnostics.is_empty() && !directives {
        return Checked {
            diagnostics,
            is_post,
            facts,
        };
    }
    let index = LineIndex::new(&post.text);
    let path: Arc<str> = Arc::from(display);
    locate_new(&mut diagnostics, &index, &post.text, &path);
    if directives {
        suppress::apply(
            &post.text,
            post.body.start,
            &mut diagnostics,
            settings.level(Rule::SU001),
            &settings.custom_names(),
        );
        locate_new(&mut diagnostics, &index, &post.text, &path);
    }
    if keep_source && !diagnostics.is_empty() {
        let source = Arc::new(SourceText {
            name: display.to_string(),
            text: post.text.clone(),
        });
        for d in &mut diagnostics {
            d.source = Some(Arc::clone(&source));
        }
    }
    Checked {
        diagnostics,
        is_post,
        facts,
    }
}

/// Give the diagnostics that have none yet their path and positions, in one sweep.
fn locate_new(diagnostics: &mut [Diagnostic], index: &LineIndex, text: &str, path: &Arc<str>) {
    let fresh: Vec<usize> = (0..diagnostics.len())
        .filter(|&i| diagnostics[i].start.line == 0)
        .collect();
    let offsets: Vec<usize> = fresh
        .iter()
        .flat_map(|&i| {
            [
                diagnostics[i].span.start,
                diagnostics[i].span.end.max(diagnostics[i].span.start),
            ]
        })
        .collect();
    let positions = index.positions(text, &offsets);
    for (&i, pos) in fresh.iter().zip(positions.chunks_exact(2)) {
        let d = &mut diagnostics[i];
        d.path = Arc::clone(path);
        d.start = pos[0];
        d.end = pos[1];
        d.fingerprint = crate::baseline::fingerprint(d, text);
    }
}

fn build_globs(patterns: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(glob) = GlobBuilder::new(p).literal_separator(true).build() {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

fn is_markdown(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        MARKDOWN_EXTENSIONS
            .iter()
            .any(|m| m.eq_ignore_ascii_case(e))
    })
}

/// How a path is shown: as given on the command line (without a leading `./`); files found
/// from the config's `posts` globs (absolute) relative to the working directory.
fn display(path: &Path, cwd: &Path, from_globs: bool) -> String {
    let shown = if path.is_absolute() {
        if from_globs {
            relative_to(&normalize(path), &normalize(cwd))
        } else {
            path.to_path_buf()
        }
    } else {
        path.strip_prefix(".")
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
    };
    shown.to_string_lossy().into_owned()
}

/// The files to check, and diagnostics for paths that could not be walked.
pub fn discover(
    settings: &Settings,
    options: &RunOptions,
    cwd: &Path,
) -> (Vec<Target>, Vec<Diagnostic>) {
    let root = normalize(&cwd.join(&settings.root));
    let exclude = build_globs(&settings.exclude);
    let excluded = |path: &Path| -> bool {
        if settings.exclude.is_empty() {
            return false;
        }
        let abs = normalize(&cwd.join(path));
        abs.strip_prefix(&root)
            .is_ok_and(|rel| exclude.is_match(rel))
    };
    let mut failures = Vec::new();
    let mut found: Vec<PathBuf> = Vec::new();

    if options.paths.is_empty() {
        let posts = build_globs(&settings.posts);
        let use_globs = !settings.posts.is_empty();
        let start = if use_globs {
            root.clone()
        } else {
            PathBuf::from(".")
        };
        for path in walk(&start, &mut failures) {
            let rel_ok = !use_globs || {
                let abs = normalize(&cwd.join(&path));
                abs.strip_prefix(&root).is_ok_and(|rel| posts.is_match(rel))
            };
            if rel_ok && (use_globs || is_markdown(&path)) {
                found.push(path);
            }
        }
    } else {
        for arg in &options.paths {
            let full = cwd.join(arg);
            match std::fs::metadata(&full) {
                Ok(meta) if meta.is_dir() => found.extend(
                    walk(arg, &mut failures)
                        .into_iter()
                        .filter(|p| is_markdown(p)),
                ),
                Ok(meta) if meta.is_file() => found.push(arg.clone()),
                Ok(_) => failures.push(io_diagnostic(
                    &display(arg, cwd, false),
                    "not a regular file (a FIFO, socket or device is never read)".into(),
                )),
                Err(e) => failures.push(io_diagnostic(
                    &display(arg, cwd, false),
                    format!("cannot read path: {e}"),
                )),
            }
        }
    }
    found.retain(|p| !excluded(p));
    let mut targets: Vec<Target> = found
        .into_iter()
        .map(|p| {
            let shown = display(&p, cwd, options.paths.is_empty());
            Target::new(if p.is_absolute() { p } else { cwd.join(p) }, shown)
        })
        .collect();
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    targets.dedup_by(|a, b| a.display == b.display);
    (targets, failures)
}

/// Walk a directory in parallel with `ignore` (honouring .gitignore and hidden files).
fn walk(start: &Path, failures: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(start)
        .require_git(false)
        .follow_links(false)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        if entry.file_type().is_some_and(|t| t.is_file())
                            && let Ok(mut f) = found.lock()
                        {
                            f.push(entry.into_path());
                        }
                    }
                    Err(err) => {
                        if let Ok(mut e) = errors.lock() {
                            e.push(err.to_string());
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    for message in errors.into_inner().unwrap_or_default() {
        failures.push(io_diagnostic(
            &start.to_string_lossy(),
            format!("while walking: {message}"),
        ));
    }
    found.into_inner().unwrap_or_default()
}
