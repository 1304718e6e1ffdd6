//! Finding the files of a run: those named on the command line, and the directories walked
//! for more (lazily: a directory of 300,000 files is read as it is walked, never listed).

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::RunOptions;
use crate::base::paths::{normalize, relative_to};
use crate::diagnostic::Diagnostic;
use crate::settings::Settings;

/// File extensions walked in a directory (Jekyll's default `markdown_ext`).
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "mkdown", "mkdn", "mkd"];

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

/// A file's id in the cross-file index: a hash of its displayed name (8 bytes instead of the
/// name; the few files with a cross-file finding are named again by [`Files::resolve`]).
pub fn file_id(display: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    display.hash(&mut h);
    h.finish()
}

pub(crate) fn build_globs(patterns: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(glob) = GlobBuilder::new(p).literal_separator(true).build() {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Whether a walked file is one to check: a Markdown or HTML file (a post, a page, a
/// document), or anything in a `_posts` or `_drafts` folder (Jekyll's posts may have any
/// extension). The site model then says whether Jekyll reads it at all.
fn is_content(path: &Path) -> bool {
    let ext_ok = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        MARKDOWN_EXTENSIONS
            .iter()
            .chain(&["html", "htm"])
            .any(|m| m.eq_ignore_ascii_case(e))
    });
    ext_ok
        || path
            .components()
            .any(|c| matches!(c.as_os_str().to_str(), Some("_posts" | "_drafts")))
}

/// Folders never walked: the output folder and the tool caches Jekyll excludes by default
/// (`node_modules` alone can hold thousands of READMEs).
const SKIPPED_DIRS: &[&str] = &[
    "_site",
    ".jekyll-cache",
    ".sass-cache",
    "node_modules",
    ".git",
];

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
                Ok(_) => failures.push(Diagnostic::io(
                    &display(arg, cwd, false),
                    "not a regular file (a FIFO, socket or device is never read)".into(),
                )),
                Err(e) => failures.push(Diagnostic::io(
                    &display(arg, cwd, false),
                    format!("cannot read path: {e}"),
                )),
            }
        }
        // The files named are checked (and reported) in the order of their names, whatever
        // the order of the arguments.
        files.listed.sort_by(|a, b| a.display.cmp(&b.display));
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
            None => !walked || is_content(&path),
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

    /// Of `found`, the files named on the command line (not found by walking a folder).
    pub fn named_only<T>(&self, mut found: Vec<(Box<str>, T)>) -> Vec<(Box<str>, T)> {
        if found.is_empty() {
            return found;
        }
        let named: std::collections::HashSet<&str> =
            self.listed.iter().map(|t| &*t.display).collect();
        found.retain(|(d, _)| named.contains(&**d));
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    /// Every file, once, in a deterministic order: the named ones (sorted), then each
    /// directory walked, each folder's entries in file-name order. A directory that cannot
    /// be walked is an `Err` item.
    pub fn iter(&self) -> impl Iterator<Item = Result<Target, WalkError>> + Send + '_ {
        let walked = self.dirs.iter().flat_map(move |dir| {
            // A relative directory is walked from `cwd` (a library caller's, not the
            // process's), and its files keep paths relative to it. (In the process's own
            // working directory the walk needs no joining: every file of a run passes here.)
            let rebase = !dir.is_absolute() && PROCESS_CWD.as_deref() != Some(&*self.cwd);
            let from = if rebase {
                self.cwd.join(dir)
            } else {
                dir.clone()
            };
            // As Jekyll walks the source: no ignore file of git's is read (a committed post
            // listed in `.gitignore` is still published), and symbolic links are followed.
            ignore::WalkBuilder::new(from)
                .git_ignore(false)
                .git_global(false)
                .git_exclude(false)
                .ignore(false)
                .parents(false)
                .follow_links(true)
                // A deterministic order (each folder's entries by name), so that the report
                // is the same run after run.
                .sort_by_file_name(std::ffi::OsStr::cmp)
                .filter_entry(|e| {
                    !(e.depth() > 0
                        && e.file_type().is_some_and(|t| t.is_dir())
                        && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
                })
                .build()
                .filter_map(move |entry| match entry {
                    Ok(entry) => {
                        if !entry.file_type().is_some_and(|t| t.is_file()) {
                            return None;
                        }
                        let path = entry.into_path();
                        let path = match path.strip_prefix(&self.cwd) {
                            Ok(rel) if rebase => rel.to_path_buf(),
                            _ => path,
                        };
                        self.target(path, true).map(Ok)
                    }
                    Err(err) => Some(Err(WalkError {
                        path: error_path(&err).map(Path::to_path_buf),
                        diagnostic: Diagnostic::io(
                            &dir.to_string_lossy(),
                            format!("while walking: {err}"),
                        ),
                    })),
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

/// A file or folder the walk could not enter (a symbolic link loop, a dangling link, a
/// folder it may not read): the finding, and the path concerned when known, so that the
/// engine can ask whether Jekyll would read it at all.
#[derive(Debug)]
pub struct WalkError {
    pub diagnostic: Diagnostic,
    pub path: Option<PathBuf>,
}

/// The path an error of the walk is about (a loop's link, not its ancestor).
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}
