//! The engine: find the files, check them in parallel, and return sorted diagnostics.

use std::path::{Path, PathBuf};
use std::sync::Arc;
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
        "{bar:40} {pos}/{len} files {elapsed}"
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
    let (files, failures) = Files::new(&settings, options, cwd);
    run_files(
        &settings, site, options, cwd, &files, failures, started, checked,
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
    run_files(
        settings, site, options, cwd, &files, failures, started, checked,
    )
    .0
}

/// The step of a check run: the file checked, nothing fixed.
fn checked(
    settings: &Settings,
    site: &SiteModel,
    target: &Target,
    keep_source: bool,
) -> (Checked, usize) {
    (check_target(settings, site, target, keep_source), 0)
}

/// What the parallel check gathers, one per rayon job (merged at the end, so no lock is
/// taken per file).
#[derive(Default)]
struct Gathered {
    diagnostics: Vec<Diagnostic>,
    facts: crate::cross::Chunked<crate::cross::Facts>,
    files: usize,
    posts: usize,
    fixed: crate::fix::Fixed,
}

impl Gathered {
    fn merge(mut self, mut other: Gathered) -> Gathered {
        self.diagnostics.append(&mut other.diagnostics);
        self.facts.append(other.facts);
        self.files += other.files;
        self.posts += other.posts;
        self.fixed.files += other.fixed.files;
        self.fixed.problems += other.fixed.problems;
        self
    }
}

/// The run over `files`: `step` checks (or fixes) one file and says how many problems it
/// fixed. Files stream from the walk into the checks; what is kept per file is its small
/// cross-file facts (and its findings).
#[allow(clippy::too_many_arguments)]
pub fn run_files(
    settings: &Settings,
    mut site: SiteModel,
    options: &RunOptions,
    cwd: &Path,
    files: &Files,
    mut failures: Vec<Diagnostic>,
    started: Instant,
    step: impl Fn(&Settings, &SiteModel, &Target, bool) -> (Checked, usize) + Sync,
) -> (Outcome, crate::fix::Fixed) {
    let (online, notices) = online_pass(settings, &mut site, files, options);
    let site = &site;
    let bar = progress_bar(options, files.known_len());
    let all = files
        .iter()
        .par_bridge()
        .fold(Gathered::default, |mut acc, item| {
            let target = match item {
                Ok(t) => t,
                Err(d) => {
                    acc.diagnostics.push(d);
                    return acc;
                }
            };
            let (mut checked, fixed) = step(settings, site, &target, options.keep_source);
            if let Some(mut f) = checked.facts {
                f.file = file_id(&target.display);
                acc.facts.push(f);
            }
            acc.files += 1;
            acc.posts += usize::from(checked.is_post);
            if fixed > 0 {
                acc.fixed.files += 1;
                acc.fixed.problems += fixed;
            }
            acc.diagnostics.append(&mut checked.diagnostics);
            progress_inc(&bar, options);
            acc
        })
        .reduce(Gathered::default, Gathered::merge);
    bar.finish_and_clear();
    let mut diagnostics = all.diagnostics;
    diagnostics.extend(cross_file(
        settings,
        site,
        files,
        &all.facts,
        options.keep_source,
    ));
    set_rel_paths(settings, cwd, &mut diagnostics);
    diagnostics.extend(site_pages(settings, site, options, cwd));
    apply_ignores(settings, &mut diagnostics);
    diagnostics.append(&mut failures);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let failures = diagnostics.iter().filter(|d| is_failure(d)).count();
    let outcome = Outcome {
        diagnostics,
        files: all.files,
        posts: all.posts,
        failures,
        elapsed: started.elapsed(),
        online,
        notices,
    };
    (outcome, all.fixed)
}

/// A file's id in the cross-file index: a hash of its displayed name (8 bytes instead of the
/// name; the few files with a cross-file finding are named again by [`Files::resolve`]).
pub fn file_id(display: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    display.hash(&mut h);
    h.finish()
}

/// `--online`: gather the external links of the posts, check each distinct one (cache first),
/// and leave the failures in the site model for LK006.
pub fn online_pass(
    settings: &Settings,
    site: &mut SiteModel,
    files: &Files,
    options: &RunOptions,
) -> (Option<crate::online::Stats>, Vec<String>) {
    if !settings.online.online || settings.level(Rule::LK006) == crate::rules::Level::Off {
        return (None, Vec::new());
    }
    let shared: &SiteModel = site;
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

/// The cross-file rules over the facts of a run: groups and outliers found over file ids,
/// then those few files named (a second walk) and their findings located in them.
pub fn cross_file(
    settings: &Settings,
    site: &SiteModel,
    files: &Files,
    facts: &crate::cross::Chunked<crate::cross::Facts>,
    keep_source: bool,
) -> Vec<Diagnostic> {
    let found = crate::cross::check(facts, settings, site);
    if found.is_empty() {
        return Vec::new();
    }
    let names = files.resolve(&found.files());
    found.report(&names, settings, site, keep_source)
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

/// The files to check, sorted by name, and diagnostics for paths that could not be walked
/// (the whole list at once: for commands that want it, such as `--diff` and `init --infer`).
pub fn discover(
    settings: &Settings,
    options: &RunOptions,
    cwd: &Path,
) -> (Vec<Target>, Vec<Diagnostic>) {
    let (files, mut failures) = Files::new(settings, options, cwd);
    let mut targets = Vec::new();
    for item in files.iter() {
        match item {
            Ok(t) => targets.push(t),
            Err(d) => failures.push(d),
        }
    }
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    (targets, failures)
}

/// The files of a run: those named (on the command line, or by a library caller) and the
/// directories walked for more. Directories are walked lazily, each time the files are
/// visited, so the list of a whole site is never held: a walk yields one file at a time into
/// the checks.
pub struct Files {
    listed: Vec<Target>,
    dirs: Vec<PathBuf>,
    /// Walked files are chosen by the config's `posts` globs (relative to `root`) rather
    /// than by their Markdown extension: a run without paths, when the config has globs.
    globs: Option<GlobSet>,
    exclude: Option<GlobSet>,
    root: PathBuf,
    cwd: PathBuf,
    /// Files found from the config (no paths given) are shown relative to `cwd`.
    from_config: bool,
    /// Several paths were given, so the same file may be found twice.
    dedup: bool,
}

impl Files {
    /// The files `options` name (or the config's `posts`, or `.`), and a diagnostic for each
    /// path that cannot be read.
    pub fn new(settings: &Settings, options: &RunOptions, cwd: &Path) -> (Files, Vec<Diagnostic>) {
        let root = normalize(&cwd.join(&settings.root));
        let mut files = Files {
            listed: Vec::new(),
            dirs: Vec::new(),
            globs: None,
            exclude: (!settings.exclude.is_empty()).then(|| build_globs(&settings.exclude)),
            root,
            cwd: cwd.to_path_buf(),
            from_config: options.paths.is_empty(),
            dedup: options.paths.len() > 1,
        };
        let mut failures = Vec::new();
        if options.paths.is_empty() {
            if settings.posts.is_empty() {
                files.dirs.push(PathBuf::from("."));
            } else {
                files.globs = Some(build_globs(&settings.posts));
                files.dirs.push(files.root.clone());
            }
        }
        for arg in &options.paths {
            match std::fs::metadata(cwd.join(arg)) {
                Ok(meta) if meta.is_dir() => files.dirs.push(arg.clone()),
                Ok(meta) if meta.is_file() => {
                    if let Some(t) = files.target(arg.clone(), false) {
                        files.listed.push(t);
                    }
                }
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
        (files, failures)
    }

    /// Exactly these files (no walk).
    pub fn listed(targets: Vec<Target>) -> Files {
        Files {
            listed: targets,
            dirs: Vec::new(),
            globs: None,
            exclude: None,
            root: PathBuf::new(),
            cwd: PathBuf::new(),
            from_config: false,
            dedup: false,
        }
    }

    /// How many files there are, when known without a walk.
    pub fn known_len(&self) -> Option<usize> {
        self.dirs.is_empty().then_some(self.listed.len())
    }

    /// The target for a path named (`walked` false) or found in a walk, unless the config
    /// excludes it or, for a walked file, it is not one to check (not matched by the `posts`
    /// globs, or not Markdown). The path relative to the root is computed once for both.
    fn target(&self, path: PathBuf, walked: bool) -> Option<Target> {
        let globs = self.globs.as_ref().filter(|_| walked);
        let rel = (self.exclude.is_some() || globs.is_some())
            .then(|| normalize(&self.cwd.join(&path)))
            .and_then(|abs| abs.strip_prefix(&self.root).ok().map(Path::to_path_buf));
        let matched = |set: &GlobSet| rel.as_ref().is_some_and(|r| set.is_match(r));
        let chosen = match globs {
            Some(globs) => matched(globs),
            None => !walked || is_markdown(&path),
        };
        if !chosen || self.exclude.as_ref().is_some_and(matched) {
            return None;
        }
        let shown = display(&path, &self.cwd, self.from_config);
        let full = if path.is_absolute() {
            path
        } else {
            self.cwd.join(path)
        };
        Some(Target::new(full, shown))
    }

    /// Every file, once, in no particular order: the named ones, then each directory walked
    /// (honouring .gitignore and hidden files, not following links). A directory that cannot
    /// be walked is an `Err` item.
    pub fn iter(&self) -> impl Iterator<Item = Result<Target, Diagnostic>> + Send + '_ {
        let walked = self.dirs.iter().flat_map(move |dir| {
            ignore::WalkBuilder::new(dir)
                .require_git(false)
                .follow_links(false)
                .build()
                .filter_map(move |entry| match entry {
                    Ok(entry) => {
                        if !entry.file_type().is_some_and(|t| t.is_file()) {
                            return None;
                        }
                        self.target(entry.into_path(), true).map(Ok)
                    }
                    Err(err) => Some(Err(io_diagnostic(
                        &dir.to_string_lossy(),
                        format!("while walking: {err}"),
                    ))),
                })
        });
        let mut seen = std::collections::HashSet::new();
        self.listed
            .iter()
            .cloned()
            .map(Ok)
            .chain(walked)
            .filter(move |item| match item {
                Ok(t) if self.dedup => seen.insert(file_id(&t.display)),
                _ => true,
            })
    }

    /// The targets behind some file ids (of files with a cross-file finding): a walk, keeping
    /// only those.
    pub fn resolve(
        &self,
        ids: &std::collections::HashSet<u64>,
    ) -> std::collections::HashMap<u64, Target> {
        self.iter()
            .filter_map(Result::ok)
            .filter_map(|t| {
                let id = file_id(&t.display);
                ids.contains(&id).then_some((id, t))
            })
            .collect()
    }
}
