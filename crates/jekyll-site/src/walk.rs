//! A walk of the source that classifies every file it meets ([`SiteConfig::classify_in`]),
//! each folder filtered once. It follows symbolic links to folders where Jekyll does (the walk
//! of pages; a `_posts` or collection folder that is itself a link), not elsewhere, and stops
//! at a link loop the walk of pages would enter (Jekyll recurses until the path is too long).

use std::path::{Path, PathBuf};

use crate::Fatal;
use crate::classify::{Class, DirState, DiskLinks, Link, Links};
use crate::site_config::SiteConfig;

/// One file met by the walk.
#[derive(Debug, Clone)]
pub(crate) struct Walked {
    /// Relative to the source.
    pub rel: String,
    /// What Jekyll makes of it.
    pub class: Class,
    /// Reached through a symbolic link to a folder (Ruby's `Find.find` does not list it).
    pub via_link: bool,
}

/// Which files to visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Every file of the source.
    All,
    /// Only folders that may hold pages, static files or collection files (no `_posts`).
    Pages,
}

/// [`Links`] for one walked entry whose file type is known; other paths ask the disk.
struct Known<'a> {
    rel: &'a str,
    is_link: bool,
    disk: DiskLinks<'a>,
}

impl Links for Known<'_> {
    fn link(&self, rel: &str, resolve: bool) -> Link {
        if rel == self.rel && !self.is_link {
            return Link::No;
        }
        self.disk.link(rel, resolve)
    }
}

#[cfg(unix)]
fn dir_id(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn dir_id(p: &Path) -> Option<(u64, u64)> {
    std::fs::canonicalize(p).ok().map(|c| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        c.hash(&mut h);
        (0, h.finish())
    })
}

/// `Utils.has_yaml_header?` of a file (its first line only is read).
fn header_of(p: &Path) -> Result<bool, String> {
    crate::frontmatter::has_yaml_header(p).map_err(|e| e.to_string())
}

struct Frame {
    st: DirState,
    abs: PathBuf,
    chain: Vec<(u64, u64)>,
    via_link: bool,
}

/// Walks the source of `c`, calling `f` for each file; returns what stops the build.
pub(crate) fn walk(c: &SiteConfig<'_>, mode: Mode, f: &mut dyn FnMut(Walked)) -> Vec<Fatal> {
    let mut fatal = Vec::new();
    let disk = DiskLinks { source: &c.source };
    let mut stack = vec![Frame {
        st: DirState::root(),
        abs: c.source.clone(),
        chain: dir_id(&c.source).into_iter().collect(),
        via_link: false,
    }];
    while let Some(frame) = stack.pop() {
        let rd = match std::fs::read_dir(&frame.abs) {
            Ok(rd) => rd,
            Err(e) => {
                if frame.st.walked() {
                    fatal.push(Fatal {
                        path: Some(frame.st.rel.clone()),
                        message: format!("cannot read the folder: {e}"),
                    });
                }
                continue;
            }
        };
        let mut entries: Vec<(String, Option<std::fs::FileType>)> = rd
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.file_type().ok(),
                )
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut subdirs: Vec<Frame> = Vec::new();
        for (name, ft) in entries {
            let abs = frame.abs.join(&name);
            let rel = if frame.st.rel.is_empty() {
                name.clone()
            } else {
                format!("{}/{name}", frame.st.rel)
            };
            let is_link = ft.is_some_and(|t| t.is_symlink());
            let is_dir = if is_link {
                abs.is_dir()
            } else {
                ft.is_some_and(|t| t.is_dir())
            };
            let links = Known {
                rel: &rel,
                is_link,
                disk,
            };
            if is_dir {
                let child = match c.child_dir(&frame.st, &name, &links) {
                    Ok(s) => s,
                    Err(e) => {
                        fatal.push(Fatal {
                            path: Some(rel),
                            message: e,
                        });
                        continue;
                    }
                };
                if mode == Mode::Pages && !child.may_hold_pages(c) {
                    continue;
                }
                if is_link && !child.followed_link() {
                    continue;
                }
                let mut chain = frame.chain.clone();
                if let Some(id) = dir_id(&abs) {
                    if chain.contains(&id) {
                        if child.walked() {
                            fatal.push(Fatal {
                                path: Some(rel),
                                message: "a symbolic link loop: Jekyll reads it until the path \
                                          is too long"
                                    .into(),
                            });
                        }
                        continue;
                    }
                    chain.push(id);
                }
                subdirs.push(Frame {
                    st: child,
                    abs,
                    chain,
                    via_link: frame.via_link || is_link,
                });
                continue;
            }
            let mut header = || header_of(&abs);
            let class = c.classify_in(&frame.st, &name, &mut header, &links);
            f(Walked {
                rel,
                class,
                via_link: frame.via_link,
            });
        }
        // Visit the folders in name order.
        stack.extend(subdirs.into_iter().rev());
    }
    fatal
}
