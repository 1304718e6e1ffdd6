//! The engine: find the files, check them in parallel (the per-file pass), judge the
//! cross-file and site rules over what the files gave (the site pass), apply suppressions,
//! `per_file_ignores`, fixes and baselines, and return sorted diagnostics.

pub mod addresses;
pub mod baseline;
pub mod buffer;
pub mod fix;
pub mod online;
pub mod site_pass;
pub mod walk;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use globset::{GlobBuilder, GlobSetBuilder};
use rayon::prelude::*;

use crate::base::chunked::Chunked;
use crate::base::paths::normalize;
use crate::base::text::LineIndex;
use crate::diagnostic::{Diagnostic, Severity, SourceText, finalize};
use crate::jekyll::document::Post;
use crate::jekyll::site::{SiteModel, find_root};
use crate::rules::cross_file::Facts;
use crate::rules::links::LinkProblem;
use crate::rules::select::Selector;
use crate::rules::{self, Rule, suppression};
use crate::settings::Settings;
use walk::{Files, Target, file_id};

/// The results of the online pass: the external links that failed, by their request key.
pub type OnlineResults = std::collections::HashMap<String, LinkProblem>;

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

/// A progress bar on stderr for a long run, hidden until [`progress_inc`] shows it. With
/// `files` unknown (a walk streaming into the checks), a count of the files checked so far.
pub fn progress_bar(options: &RunOptions, files: Option<usize>) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        files.map(|n| n as u64),
        indicatif::ProgressDrawTarget::hidden(),
    );
    if !options.progress || files.is_some_and(|n| n < PROGRESS_MIN_FILES) {
        return bar;
    }
    let template = if files.is_some() {
        "{bar:40} {pos}/{len} files, {elapsed} (ETA {eta})"
    } else {
        "{spinner} {pos} files {elapsed}"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// One more file done: the bar appears once a run has taken [`PROGRESS_MIN_FILES`] files
/// (short runs never draw one).
pub fn progress_inc(bar: &indicatif::ProgressBar, options: &RunOptions) {
    bar.inc(1);
    if options.progress
        && bar.position() == PROGRESS_MIN_FILES as u64
        && bar.length().is_none_or(|n| n >= PROGRESS_MIN_FILES as u64)
    {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }
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
    pub online: Option<online::Stats>,
    /// Warnings about the run itself (e.g. a corrupt link cache), for stderr.
    pub notices: Vec<String>,
    /// Files named on the command line that Jekyll does not read (so not checked), and why.
    pub unread: Vec<(Box<str>, &'static str)>,
    /// A run that checked no post, in a site that has some: how many, and one of them.
    pub posts_missed: Option<(usize, String)>,
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

/// Where a run's findings go as they are produced, one file at a time, in an order that
/// depends neither on the threads nor on `--jobs`: the paths that could not be read first,
/// then every file in the walk's order (the files named, sorted, then each folder walked with
/// its entries in file-name order), each file's findings sorted by position; last, in one
/// batch sorted by path and position, the findings that need the whole run (the cross-file
/// rules, links decided after it, the site's category pages). Empty batches are not passed.
pub trait Sink: Send {
    fn file(&mut self, diagnostics: Vec<Diagnostic>);

    /// What to do to each file's findings on the worker that checked it, before they are
    /// handed on in order (a report renders them there, in parallel).
    fn preparer(&self) -> Option<Preparer> {
        None
    }
}

/// Work on a file's findings done on the workers (see [`Sink::preparer`]).
pub type Preparer = Arc<dyn Fn(&mut [Diagnostic]) + Send + Sync>;

/// Gathering every finding (library callers, tests).
impl Sink for Vec<Diagnostic> {
    fn file(&mut self, mut diagnostics: Vec<Diagnostic>) {
        self.append(&mut diagnostics);
    }
}

/// Check every file the options name, in parallel; diagnostics come back sorted by path and
/// position whatever the thread order.
pub fn run(settings: &Settings, options: &RunOptions, cwd: &Path) -> Outcome {
    let mut all = Vec::new();
    let mut outcome = run_into(settings, options, cwd, &mut all);
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    outcome.diagnostics = all;
    outcome
}

/// Check every file the options name, in parallel, handing the findings to `sink` as they
/// are produced (see [`Sink`] for the order); the outcome holds the counts, no diagnostics.
pub fn run_into(
    settings: &Settings,
    options: &RunOptions,
    cwd: &Path,
    sink: &mut dyn Sink,
) -> Outcome {
    let started = Instant::now();
    let (settings, site) = prepare(settings, options, cwd);
    let (files, failures) = Files::new(&settings, options, cwd);
    run_files(
        &settings, site, options, cwd, &files, failures, started, checked, sink,
    )
    .0
}

/// Check files already found (`settings` and `site` from [`prepare`], `targets` and
/// `failures` from [`discover`]): the run after discovery, also when files have changed,
/// vanished or become unreadable since.
pub fn run_on(
    settings: &Settings,
    site: SiteModel,
    options: &RunOptions,
    cwd: &Path,
    targets: &[Target],
    failures: Vec<Diagnostic>,
    started: Instant,
) -> Outcome {
    let files = Files::listed(targets.to_vec());
    let mut all = Vec::new();
    let mut outcome = run_files(
        settings, site, options, cwd, &files, failures, started, checked, &mut all,
    )
    .0;
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    outcome.diagnostics = all;
    outcome
}

/// What every file of a run is checked against: the settings, the site, and the online
/// pass's results.
pub struct RunContext<'a> {
    pub settings: &'a Settings,
    pub site: &'a SiteModel,
    pub online: Option<&'a OnlineResults>,
    /// The run checks every post of the site: links only a post could serve are decided
    /// after it, from the posts it gathered (see [`rules::Context::defer_links`]).
    pub whole_site: bool,
}

impl<'a> RunContext<'a> {
    /// A run over `settings` and `site`, without online results.
    pub fn new(settings: &'a Settings, site: &'a SiteModel) -> Self {
        RunContext {
            settings,
            site,
            online: None,
            whole_site: false,
        }
    }
}

/// The step of a check run: the file checked, nothing fixed.
fn checked(run: &RunContext, target: &Target, keep_source: bool) -> (Checked, usize) {
    (check_target(run, target, keep_source), 0)
}

/// What the parallel check gathers, one per rayon job (merged at the end, so no lock is
/// taken per file). The findings are not gathered: they go to the sink as they come.
#[derive(Default)]
struct Gathered {
    /// Files with links left for after the run.
    deferred: Vec<u64>,
    /// The posts seen, for the site's complete index.
    posts_seen: crate::jekyll::site::RunPosts,
    facts: Chunked<Facts>,
    files: usize,
    posts: usize,
    fixed: fix::Fixed,
    /// Files not read by Jekyll, and why.
    unread: Vec<(Box<str>, &'static str)>,
}

impl Gathered {
    fn merge(mut self, mut other: Gathered) -> Gathered {
        self.deferred.append(&mut other.deferred);
        self.posts_seen = self.posts_seen.merge(other.posts_seen);
        self.facts.append(other.facts);
        self.files += other.files;
        self.posts += other.posts;
        self.fixed.files += other.fixed.files;
        self.fixed.problems += other.fixed.problems;
        self.unread.append(&mut other.unread);
        self
    }
}

/// How far the checks may run ahead of the file whose findings are written next: files are
/// taken from the walk in order, and a worker waits before taking a file this far ahead, so
/// that the findings (and, for the human format, the texts) held for the reorder stay a few
/// files' worth whatever the corpus.
fn reorder_window() -> usize {
    (rayon::current_num_threads() * 32).max(64)
}

/// The reorder buffer's bound: the workers wait here for the writer.
struct Gate {
    /// The number of files whose findings have been handed on (every file before it is done).
    written: std::sync::Mutex<usize>,
    moved: std::sync::Condvar,
    window: usize,
}

impl Gate {
    fn new(window: usize) -> Gate {
        Gate {
            written: std::sync::Mutex::new(0),
            moved: std::sync::Condvar::new(),
            window,
        }
    }

    /// Wait until file `i` is within the window of the next file to write.
    fn wait(&self, i: usize) {
        let mut written = self
            .written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while i >= written.saturating_add(self.window) {
            written = self
                .moved
                .wait(written)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    fn advance(&self, to: usize) {
        *self
            .written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = to;
        self.moved.notify_all();
    }
}

/// Opens the gate for good when the writer stops (also by a panic), so no worker waits on.
struct OpenOnDrop<'a>(&'a Gate);

impl Drop for OpenOnDrop<'_> {
    fn drop(&mut self) {
        self.0.advance(usize::MAX / 2);
    }
}

/// File `i`'s findings, sent to the writer when dropped: also when the check panicked (with
/// none), so that the writer never waits for a file that will not come.
struct Slot<'a> {
    tx: &'a std::sync::mpsc::Sender<(usize, Vec<Diagnostic>)>,
    i: usize,
    found: Vec<Diagnostic>,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let _ = self.tx.send((self.i, std::mem::take(&mut self.found)));
    }
}

/// What one file's findings get before they are handed on: their paths relative to the
/// config's folder, `per_file_ignores`, and their order.
struct PerFile {
    root: PathBuf,
    ignores: Ignores,
}

impl PerFile {
    fn new(settings: &Settings, cwd: &Path) -> PerFile {
        PerFile {
            root: normalize(&cwd.join(&settings.root)),
            ignores: Ignores::new(settings),
        }
    }

    fn finish(&self, cwd: &Path, diagnostics: &mut Vec<Diagnostic>) {
        if diagnostics.is_empty() {
            return;
        }
        rel_paths(&self.root, cwd, diagnostics);
        self.ignores.apply(diagnostics);
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}

/// The run over `files`: `step` checks (or fixes) one file and says how many problems it
/// fixed. Files stream from the walk into the checks, and each file's findings go to `sink`
/// in the walk's order (a small reorder buffer over the parallel checks); what is kept per
/// file is its small cross-file facts.
#[allow(clippy::too_many_arguments)]
pub fn run_files(
    settings: &Settings,
    site: SiteModel,
    options: &RunOptions,
    cwd: &Path,
    files: &Files,
    failures: Vec<Diagnostic>,
    started: Instant,
    step: impl Fn(&RunContext, &Target, bool) -> (Checked, usize) + Sync,
    sink: &mut dyn Sink,
) -> (Outcome, fix::Fixed) {
    let (online, results, notices) = online_pass(settings, &site, files, options);
    let site = &site;
    let run = RunContext {
        settings,
        site,
        online: results.as_ref(),
        whole_site: covers_the_site(settings, site, options, cwd),
    };
    let per_file = PerFile::new(settings, cwd);
    let prepare = sink.preparer();
    let mut failed = failures.len();
    if !failures.is_empty() {
        sink.file(failures);
    }
    let bar = progress_bar(options, files.known_len());
    let gate = Gate::new(reorder_window());
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<Diagnostic>)>();
    let (mut all, written_failures) = std::thread::scope(|scope| {
        let gate = &gate;
        let sink: &mut dyn Sink = &mut *sink;
        let writer = scope.spawn(move || {
            let _open = OpenOnDrop(gate);
            let mut pending: std::collections::BTreeMap<usize, Vec<Diagnostic>> =
                std::collections::BTreeMap::new();
            let mut next = 0usize;
            let mut failures = 0usize;
            for (i, found) in rx {
                pending.insert(i, found);
                while let Some(found) = pending.remove(&next) {
                    next += 1;
                    gate.advance(next);
                    if !found.is_empty() {
                        failures += found.iter().filter(|d| d.is_failure()).count();
                        sink.file(found);
                    }
                }
            }
            failures
        });
        let tx = tx;
        let all = files
            .iter()
            .enumerate()
            .inspect(|(i, _)| gate.wait(*i))
            .par_bridge()
            .fold(Gathered::default, |mut acc, (i, item)| {
                let mut slot = Slot {
                    tx: &tx,
                    i,
                    found: Vec::new(),
                };
                let target = match item {
                    Ok(t) => t,
                    Err(e) => {
                        slot.found.extend(walk_failure(site, e));
                        per_file.finish(cwd, &mut slot.found);
                        return acc;
                    }
                };
                let (mut checked, fixed) = step(&run, &target, options.keep_source);
                if let Some(mut f) = checked.facts {
                    f.file = file_id(&target.display);
                    acc.facts.push(f);
                }
                if !checked.deferred.is_empty() {
                    acc.deferred.push(file_id(&target.display));
                }
                if let Some(p) = checked.posts.take() {
                    acc.posts_seen = std::mem::take(&mut acc.posts_seen).merge(p);
                }
                acc.files += usize::from(checked.read);
                if let Some(why) = checked.unread {
                    acc.unread.push((target.display.clone(), why));
                }
                acc.posts += usize::from(checked.is_post);
                if fixed > 0 {
                    acc.fixed.files += 1;
                    acc.fixed.problems += fixed;
                }
                per_file.finish(cwd, &mut checked.diagnostics);
                if let Some(prepare) = &prepare {
                    prepare(&mut checked.diagnostics);
                }
                slot.found = checked.diagnostics;
                progress_inc(&bar, options);
                acc
            })
            .reduce(Gathered::default, Gathered::merge);
        drop(tx);
        // The writer ends when every file's findings are in; a panic in it is the run's.
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (all, written)
    });
    failed += written_failures;
    bar.finish_and_clear();
    // The findings that need the whole run, in one batch sorted by path and position.
    let mut later = Vec::new();
    if run.whole_site {
        // Every post has been seen: the site's index is complete without reading them again,
        // and the links left for now are decided (a file with one that is still missing is
        // checked again, for its LK004 findings alone).
        site.complete(all.posts_seen);
        if !all.deferred.is_empty() {
            let ids: std::collections::HashSet<u64> = all.deferred.iter().copied().collect();
            let again = RunContext {
                whole_site: false,
                ..run
            };
            for target in files.resolve(&ids).into_values() {
                let checked = check_target(&again, &target, options.keep_source);
                later.extend(
                    checked
                        .diagnostics
                        .into_iter()
                        .filter(|d| *d.code == *Rule::LK004.code()),
                );
            }
        }
    }
    // A run over some files only (a pre-commit hook's staged posts): the cross-file rules
    // compare them with the site's other files too (their facts; the findings stay the
    // checked files'), so a staged copy of a committed post is found.
    let mut others = std::collections::HashMap::new();
    if !run.whole_site {
        let checked: std::collections::HashSet<PathBuf> = files
            .iter()
            .filter_map(Result::ok)
            .map(|t| buffer::absolute(t.path()))
            .collect();
        for (display, path, facts) in buffer::facts_of_the_rest(settings, site, cwd, &checked) {
            let id = facts.file;
            all.facts.push(facts);
            others.insert(id, (display, path));
        }
    }
    later.extend(site_pass::cross_file(
        settings,
        site,
        files,
        &all.facts,
        &others,
        options.keep_source,
    ));
    rel_paths(&per_file.root, cwd, &mut later);
    later.extend(site_pass::site_pages(settings, site, options, cwd));
    per_file.ignores.apply(&mut later);
    later.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    failed += later.iter().filter(|d| d.is_failure()).count();
    if !later.is_empty() {
        sink.file(later);
    }
    let outcome = Outcome {
        diagnostics: Vec::new(),
        files: all.files,
        posts: all.posts,
        failures: failed,
        elapsed: started.elapsed(),
        online,
        notices,
        unread: files.named_only(all.unread),
        posts_missed: if all.posts == 0 && options.paths.is_empty() {
            match site.posts_on_disk() {
                (0, _) | (_, None) => None,
                (n, Some(one)) => Some((n, one)),
            }
        } else {
            None
        },
    };
    (outcome, all.fixed)
}

/// Whether a run checks every post of the site: no paths and no `posts`/`exclude` globs, run
/// at the site's source (or above it).
fn covers_the_site(
    settings: &Settings,
    site: &SiteModel,
    options: &RunOptions,
    cwd: &Path,
) -> bool {
    let Some(root) = &site.root else {
        return false;
    };
    // No paths (or one folder holding the whole site: `postlint check .`, `check site/`).
    let from = match options.paths.as_slice() {
        [] => normalize(cwd),
        [one] => normalize(&cwd.join(one)),
        _ => return false,
    };
    settings.posts.is_empty()
        && settings.exclude.is_empty()
        && from.is_dir()
        && normalize(root).starts_with(from)
}

/// `--online`: gather the external links of the posts, check each distinct one (cache first),
/// and leave the failures in the site model for LK006.
pub fn online_pass(
    settings: &Settings,
    site: &SiteModel,
    files: &Files,
    options: &RunOptions,
) -> (Option<online::Stats>, Option<OnlineResults>, Vec<String>) {
    if !settings.links.online || !rules::registry::any_on(settings, rules::Scope::Online) {
        return (None, None, Vec::new());
    }
    let mut urls: Vec<String> = files
        .iter()
        .filter_map(Result::ok)
        .par_bridge()
        .flat_map_iter(|t| {
            let Ok(bytes) = std::fs::read(t.path()) else {
                return Vec::new();
            };
            let post = Post::from_bytes(&t.display, bytes);
            if !post.is_post() {
                return Vec::new();
            }
            crate::jekyll::body::analyse_as(&post.text, post.body.clone(), &site.markdown)
                .links
                .iter()
                .filter_map(|l| rules::links::online_key(&l.url, site))
                .collect()
        })
        .collect();
    urls.sort_unstable();
    urls.dedup();
    let cache = settings
        .links
        .cache
        .then(|| online::cache_path(&settings.root));
    let checker = online::Checker::new(&settings.links);
    let (problems, stats, notices) = online::run(
        &settings.links,
        urls,
        cache.as_deref(),
        &checker,
        options.progress,
    );
    (Some(stats), Some(problems), notices)
}

/// Give each finding its path relative to the config's folder (`root`), computed once per
/// path.
pub(crate) fn rel_paths(root: &Path, cwd: &Path, diagnostics: &mut [Diagnostic]) {
    let mut cache: std::collections::HashMap<Arc<str>, Arc<str>> = std::collections::HashMap::new();
    for d in diagnostics {
        let rel = cache.entry(Arc::clone(&d.path)).or_insert_with(|| {
            let abs = normalize(&cwd.join(&*d.path));
            match abs.strip_prefix(root) {
                Ok(r) => Arc::from(r.to_string_lossy().replace('\\', "/")),
                Err(_) => Arc::clone(&d.path),
            }
        });
        d.rel = Arc::clone(rel);
    }
}

/// `per_file_ignores`, compiled once per run.
pub struct Ignores {
    set: Option<globset::GlobSet>,
    /// The selectors of each glob of the set, in its order.
    selectors: Vec<Vec<Selector>>,
}

impl Ignores {
    pub fn new(settings: &Settings) -> Ignores {
        let mut builder = GlobSetBuilder::new();
        let mut selectors = Vec::new();
        for (glob, sels) in &settings.per_file_ignores {
            if let Ok(g) = GlobBuilder::new(glob).literal_separator(true).build() {
                builder.add(g);
                selectors.push(sels.iter().filter_map(|s| Selector::parse(s)).collect());
            }
        }
        let set = if selectors.is_empty() {
            None
        } else {
            builder.build().ok()
        };
        Ignores { set, selectors }
    }

    /// Drop the findings that `per_file_ignores` turns off for their file (`rel` must be set).
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        let Some(set) = &self.set else { return };
        diagnostics.retain(|d| {
            !set.matches(&*d.rel).into_iter().any(|i| {
                self.selectors
                    .get(i)
                    .is_some_and(|sels| sels.iter().any(|s| s.matches(&d.code, &d.name)))
            })
        });
    }
}

/// One file's result.
#[derive(Default)]
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub is_post: bool,
    /// What it contributes to the cross-file rules (a few fixed-size fields, no heap).
    pub facts: Option<Facts>,
    /// Whether Jekyll reads the file (one it does not read is not checked, nor counted).
    pub read: bool,
    /// Why Jekyll does not read it (when it does not).
    pub unread: Option<&'static str>,
    /// Links into the site left for after the run.
    pub deferred: Vec<String>,
    /// The post, gathered for the site's complete index (in a run over the whole site).
    pub posts: Option<crate::jekyll::site::RunPosts>,
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
        settings.site.timezone.as_ref(),
    );
    let mut settings = settings.clone();
    if settings.site.timezone.is_none() {
        settings.site.timezone = site
            .timezone
            .as_deref()
            .and_then(crate::jekyll::date::parse_timezone);
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
pub fn check_target(run: &RunContext, target: &Target, keep_source: bool) -> Checked {
    match std::fs::read(target.path()) {
        Ok(bytes) => check_file(run, &target.display, target.path(), bytes, keep_source),
        Err(e) => Checked {
            diagnostics: vec![Diagnostic::io(
                &target.display,
                format!("cannot read file: {e}"),
            )],
            read: true,
            ..Checked::default()
        },
    }
}

/// A path the walk could not enter is an `io` finding, unless Jekyll would not read it
/// either: a link loop or dangling link in `_posts` whose name is not a post's (Ruby's
/// `Dir["**/*"]` lists it, the date pattern drops it), a folder link there (not followed).
fn walk_failure(site: &SiteModel, e: walk::WalkError) -> Option<Diagnostic> {
    if let Some(rel) = e.path.as_deref().and_then(|p| site.relative(p))
        && site.kind_of(&rel, b"").is_none()
    {
        return None;
    }
    Some(e.diagnostic)
}

/// Check one file's bytes (the engine's pure core: no I/O).
pub fn check_bytes(
    run: &RunContext,
    display: &str,
    path: &Path,
    bytes: Vec<u8>,
    keep_source: bool,
) -> Vec<Diagnostic> {
    check_file(run, display, path, bytes, keep_source).diagnostics
}

/// Check one file's bytes: the per-file rules, then the file's suppressions; every finding
/// located (and given the file's text, for the human format).
pub fn check_file(
    run: &RunContext,
    display: &str,
    path: &Path,
    bytes: Vec<u8>,
    keep_source: bool,
) -> Checked {
    // What the file is comes from its place in the site, not from the path it was named by.
    let post = match run.site.place(display, path, bytes) {
        Ok(post) => post,
        // A file Jekyll does not read (excluded, in a `_` folder…): nothing to check.
        Err(file) => {
            return Checked {
                read: false,
                unread: Some(file.why),
                ..Checked::default()
            };
        }
    };
    let is_post = post.is_post();
    let rules::Checked {
        mut diagnostics,
        facts,
        deferred,
    } = rules::check(
        &post,
        run.settings,
        run.site,
        run.online,
        run.whole_site && Rule::LK004.is_on(run.settings),
    );
    let posts = run.whole_site.then(|| {
        let mut p = run.site.run_posts();
        run.site.add_run_post(&mut p, 0, &post);
        p
    });
    let directives = post.text.contains("postlint-");
    if diagnostics.is_empty() && !directives {
        return Checked {
            diagnostics,
            is_post,
            facts,
            read: true,
            unread: None,
            deferred,
            posts,
        };
    }
    let index = LineIndex::new(&post.text);
    let shown: Arc<str> = Arc::from(display);
    finalize(&mut diagnostics, &shown, &post.text, &index, None);
    if directives {
        // LK004's findings of a file with links left for later are not known yet: none of
        // its suppressions is unused.
        let pending: &[Rule] = if deferred.is_empty() {
            &[]
        } else {
            &[Rule::LK004]
        };
        suppression::apply(
            &post.text,
            post.body.start,
            &mut diagnostics,
            Rule::SU001.level(run.settings),
            &run.settings.custom_names(),
            pending,
            // A suppression of a rule that is off in this run (`--ignore DT`) is not unused.
            &|r: Rule| r.level(run.settings).severity().is_some(),
        );
    }
    let source = (keep_source && !diagnostics.is_empty()).then(|| {
        Arc::new(SourceText {
            name: display.to_string(),
            text: post.text.clone(),
        })
    });
    finalize(
        &mut diagnostics,
        &shown,
        &post.text,
        &index,
        source.as_ref(),
    );
    Checked {
        diagnostics,
        is_post,
        facts,
        read: true,
        unread: None,
        deferred,
        posts,
    }
}

/// The files to check, sorted by name, and diagnostics for paths that could not be walked
/// (the whole list at once: for commands that want it, such as `--diff` and `init --infer`).
pub fn discover(
    settings: &Settings,
    options: &RunOptions,
    cwd: &Path,
) -> (Vec<Target>, Vec<Diagnostic>) {
    let (files, mut failures) = Files::new(settings, options, cwd);
    let mut targets = Vec::new();
    // The site is read only when a path could not be walked.
    let site = std::cell::OnceCell::new();
    for item in files.iter() {
        match item {
            Ok(t) => targets.push(t),
            Err(e) => {
                let site = site.get_or_init(|| prepare(settings, options, cwd).1);
                failures.extend(walk_failure(site, e));
            }
        }
    }
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    (targets, failures)
}
