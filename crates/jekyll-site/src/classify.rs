//! What Jekyll makes of a file from its path alone: `Reader#read_directories` (the walk of
//! pages and static files), `#retrieve_posts` / `#get_entries` and `PostReader` (posts and
//! drafts), `Collection#read` / `#filtered_entries` (documents and static files of
//! collections), `#read_included_excludes`, each through `EntryFilter#filter`
//! (reader.rb, readers/post_reader.rb, collection.rb, entry_filter.rb).
//!
//! The rules are applied folder by folder ([`DirState`]), as Jekyll applies them, so a walk
//! filters each folder once; [`SiteConfig::classify`] folds them over one path.

use std::path::Path;

use crate::Unread;
use crate::filter::basename;
use crate::site_config::{SiteConfig, disk_is_dir};

/// What Jekyll makes of a file of the source (one of its roles: see [`Class`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// A post: a document of `posts` from a `_posts` folder, whose name matches
    /// `YYYY-MM-DD-title.ext`. `categories`: those its folders give it
    /// (`Document#categories_from_path`: the folders before `_posts`).
    Post {
        /// The categories from its folders.
        categories: Vec<String>,
    },
    /// A draft: a document of `posts` from a `_drafts` folder (read with `--drafts` only).
    Draft {
        /// The categories from its folders (before `_drafts`).
        categories: Vec<String>,
    },
    /// A document of another collection (the file starts with a YAML header).
    Document {
        /// Its collection: an index into [`crate::Config::collections`].
        collection: usize,
        /// Whether the collection is written (`output: true`).
        output: bool,
    },
    /// A page: a file starting with a YAML header, outside the collections.
    Page,
    /// A static file: copied as it is.
    Static {
        /// Its collection (an index into [`crate::Config::collections`]), if any.
        collection: Option<usize>,
    },
}

/// What Jekyll makes of a file: usually one role, none when it does not read the file, and two
/// or three when `include` opens a `_posts` or collection folder to the walk of pages (Jekyll
/// then makes a page or static file *and* a post or document of it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Class {
    /// The roles, the document first.
    pub roles: Vec<Role>,
    /// Why Jekyll does not read the file (when `roles` is empty).
    pub unread: Option<Unread>,
    /// Jekyll stops on this file while reading the site (e.g. a file named `_posts` where it
    /// looks for the folder: `Errno::ENOTDIR`; a broken symbolic link in safe mode; a file it
    /// cannot open to look at its first line).
    pub fatal: Option<String>,
}

impl Class {
    /// The first role (a post, draft or document before a page or static file).
    pub fn primary(&self) -> Option<&Role> {
        self.roles.first()
    }
}

/// What a path is, as [`Links`] tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Not a symbolic link.
    No,
    /// A symbolic link whose real path starts with the source (`File.realpath(p)
    /// .start_with?(site.source)`), or one not resolved (when `resolve` was false).
    Inside,
    /// A symbolic link whose real path does not start with the source.
    Outside,
    /// A symbolic link `File.realpath` cannot resolve (its message).
    Broken(String),
}

/// Tells which paths of the source are symbolic links. Jekyll looks: in safe mode, at each
/// folder and file it reads (links leaving the source are dropped); always, at the folders
/// inside `_posts`, `_drafts` and collection folders (`Dir.glob` does not enter linked
/// folders).
pub trait Links {
    /// Whether `rel` (relative to the source) is a symbolic link; with `resolve`, whether its
    /// real path lies in the source.
    fn link(&self, rel: &str, resolve: bool) -> Link;
}

/// [`Links`] from the disk: `lstat`, and `realpath` when asked to resolve.
#[derive(Debug, Clone, Copy)]
pub struct DiskLinks<'a> {
    /// The source folder (absolute).
    pub source: &'a Path,
}

impl Links for DiskLinks<'_> {
    fn link(&self, rel: &str, resolve: bool) -> Link {
        let p = self.source.join(rel);
        let is_link = std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return Link::No;
        }
        if !resolve {
            return Link::Inside;
        }
        match std::fs::canonicalize(&p) {
            Ok(real) => {
                if real
                    .to_string_lossy()
                    .starts_with(&*self.source.to_string_lossy())
                {
                    Link::Inside
                } else {
                    Link::Outside
                }
            }
            Err(e) => Link::Broken(format!("File.realpath({}): {e}", p.display())),
        }
    }
}

/// [`Links`] for a caller that knows no path of the source is a symbolic link.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLinks;

impl Links for NoLinks {
    fn link(&self, _rel: &str, _resolve: bool) -> Link {
        Link::No
    }
}

/// A `get_entries(dir, "_posts")` (or `"_drafts"`) subtree a folder lies in.
#[derive(Debug, Clone)]
struct PostsCtx {
    drafts: bool,
    /// `base_directory` of its filter: `/de/_posts`.
    base: String,
    /// Where the entry (relative to the `_posts` folder) starts in a path.
    start: usize,
    /// `Dir["**/*"]` does not list it: a hidden folder, or one under a linked folder.
    blocked: Option<Unread>,
}

/// A collection folder's subtree a folder lies in.
#[derive(Debug, Clone)]
struct CollCtx {
    idx: usize,
    start: usize,
    blocked: Option<Unread>,
}

/// What Jekyll's readers make of one folder of the source.
#[derive(Debug, Clone)]
pub(crate) struct DirState {
    /// The folder relative to the source (`""`, `a/b`).
    pub rel: String,
    /// Whether the walk of pages reads it (`read_directories`), or why not.
    walk: Result<(), Unread>,
    posts: Vec<PostsCtx>,
    coll: Option<CollCtx>,
}

/// The verdict of `EntryFilter#filter` on one entry.
enum Verdict {
    Kept,
    Rejected(Unread),
    Fatal(String),
}

fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        crate::filter::concat3(dir, "/", name)
    }
}

/// Jekyll's `base_directory` of a folder: `""` for the source, `/a/b` else.
fn jekyll_dir(rel: &str) -> String {
    if rel.is_empty() {
        String::new()
    } else {
        crate::filter::concat3("/", rel, "")
    }
}

impl DirState {
    /// The source folder.
    pub(crate) fn root() -> DirState {
        DirState {
            rel: String::new(),
            walk: Ok(()),
            posts: Vec::new(),
            coll: None,
        }
    }

    /// Whether a page or static file may lie under this folder (the walk reads it, it is in
    /// a collection, or an `include` file or a collection folder lies under it).
    pub(crate) fn may_hold_pages(&self, c: &SiteConfig<'_>) -> bool {
        if self.walk.is_ok() || self.coll.as_ref().is_some_and(|x| x.blocked.is_none()) {
            return true;
        }
        let prefix = format!("{}/", self.rel);
        c.include_files.iter().any(|f| f.starts_with(&prefix))
            || c.config
                .collections
                .iter()
                .any(|col| col.directory.starts_with(&prefix))
    }

    /// Whether the walk of pages reads this folder.
    pub(crate) fn walked(&self) -> bool {
        self.walk.is_ok()
    }

    /// Whether Jekyll reads through this folder when it is a symbolic link: the walk of pages
    /// follows links (`File.directory?`), and so does the `chdir` into a `_posts` or
    /// collection folder; `Dir.glob` inside those does not.
    pub(crate) fn followed_link(&self) -> bool {
        self.walk.is_ok()
            || self.posts.iter().any(|p| p.blocked.is_none())
            || self.coll.as_ref().is_some_and(|c| c.blocked.is_none())
    }
}

impl SiteConfig<'_> {
    /// `EntryFilter#filter` on one entry: `base` is the filter's `base_directory` (Jekyll's
    /// form), `entry` relative to it (`sub/x.md` in `_posts`), `real` the entry's path from
    /// the source, `is_dir` whether it is a folder.
    fn filter_one(
        &self,
        base: &str,
        entry: &str,
        real: &str,
        is_dir: bool,
        links: &dyn Links,
    ) -> Verdict {
        if entry.ends_with('.') {
            return Verdict::Rejected(Unread::TrailingDot);
        }
        let real_abs = || format!("{}/{real}", self.source_str.trim_end_matches('/'));
        let mut dir_of = |p: &str| {
            if p == real_abs() {
                is_dir
            } else {
                disk_is_dir(p)
            }
        };
        let included = self.included(entry, &mut dir_of);
        if !included && self.excluded(base, entry, &mut dir_of) {
            return Verdict::Rejected(Unread::Excluded);
        }
        if self.config.safe {
            match links.link(real, true) {
                Link::Outside => return Verdict::Rejected(Unread::UnsafeSymlink),
                Link::Broken(e) => return Verdict::Fatal(e),
                Link::No | Link::Inside => {}
            }
        }
        if included {
            return Verdict::Kept;
        }
        let sp = |s: &str| s.starts_with(['.', '_', '#', '~']);
        if sp(entry) || sp(basename(entry)) {
            Verdict::Rejected(Unread::Special)
        } else if entry.ends_with('~') {
            Verdict::Rejected(Unread::Backup)
        } else {
            Verdict::Kept
        }
    }

    /// `outside_configured_directory?(dir)` (reader.rb:169).
    fn outside_collections_dir(&self, dir_rel: &str) -> bool {
        let cd = &self.config.collections_dir;
        !cd.is_empty() && !jekyll_dir(dir_rel).starts_with(&format!("/{cd}"))
    }

    /// The state of the folder `name` in the folder `st`. `Err`: Jekyll stops there.
    pub(crate) fn child_dir(
        &self,
        st: &DirState,
        name: &str,
        links: &dyn Links,
    ) -> Result<DirState, String> {
        let rel = join_rel(&st.rel, name);
        let mut link: Option<Link> = None;
        let mut is_link = |links: &dyn Links| -> bool {
            !matches!(
                link.get_or_insert_with(|| links.link(&rel, false)),
                Link::No
            )
        };
        // The walk of pages.
        let walk = match &st.walk {
            Err(r) => Err(*r),
            Ok(()) => match self.filter_one(&jekyll_dir(&st.rel), name, &rel, true, links) {
                Verdict::Fatal(e) => return Err(e),
                Verdict::Rejected(r) => Err(
                    if r == Unread::Special && name == "_drafts" && !self.config.show_drafts {
                        Unread::Draft
                    } else {
                        r
                    },
                ),
                Verdict::Kept if self.dest_rel.as_deref() == Some(rel.as_str()) => {
                    Err(Unread::Destination)
                }
                Verdict::Kept => Ok(()),
            },
        };
        // Posts and drafts.
        let mut posts = Vec::with_capacity(st.posts.len() + 1);
        for p in &st.posts {
            let mut p = p.clone();
            if p.blocked.is_none() {
                if name.starts_with('.') {
                    p.blocked = Some(Unread::Special);
                } else if is_link(links) {
                    p.blocked = Some(Unread::SymlinkedFolder);
                }
            }
            posts.push(p);
        }
        if st.walk.is_ok() && !self.outside_collections_dir(&st.rel) {
            let drafts = name == "_drafts";
            if name == "_posts" || (drafts && self.config.show_drafts) {
                posts.push(PostsCtx {
                    drafts,
                    base: jekyll_dir(&rel),
                    start: rel.len() + 1,
                    blocked: None,
                });
            }
        }
        // Collections.
        let coll = match &st.coll {
            Some(c) => {
                let mut c = c.clone();
                if c.blocked.is_none() && is_link(links) {
                    c.blocked = Some(Unread::SymlinkedFolder);
                }
                Some(c)
            }
            None => self
                .config
                .collections
                .iter()
                .position(|c| c.label != "posts" && c.label != "data" && c.directory == rel)
                .map(|idx| {
                    // Collection#exists?: not a symbolic link leaving the source (safe mode).
                    let blocked = (self.config.safe
                        && matches!(links.link(&rel, true), Link::Outside))
                    .then_some(Unread::UnsafeSymlink);
                    CollCtx {
                        idx,
                        start: rel.len() + 1,
                        blocked,
                    }
                }),
        };
        Ok(DirState {
            rel,
            walk,
            posts,
            coll,
        })
    }

    /// What Jekyll makes of the file `name` in the folder `st`. `header` tells whether the
    /// file's first line is a YAML header (`Utils.has_yaml_header?`), asked only when it
    /// matters; `Err` is what opening the file raised.
    pub(crate) fn classify_in(
        &self,
        st: &DirState,
        name: &str,
        header: &mut dyn FnMut() -> Result<bool, String>,
        links: &dyn Links,
    ) -> Class {
        let rel = join_rel(&st.rel, name);
        let mut class = Class::default();
        let mut reasons: Vec<Unread> = Vec::new();
        let mut header_cache: Option<Result<bool, String>> = None;
        let mut has_header = |class: &mut Class| -> Option<bool> {
            match header_cache.get_or_insert_with(&mut *header) {
                Ok(b) => Some(*b),
                Err(e) => {
                    if class.fatal.is_none() {
                        class.fatal = Some(format!("has_yaml_header?: {e}"));
                    }
                    None
                }
            }
        };
        // Posts and drafts (PostReader#read_content over Reader#get_entries).
        for p in &st.posts {
            let Some(entry) = rel.get(p.start..) else {
                continue;
            };
            if let Some(b) = p.blocked {
                reasons.push(b);
                continue;
            }
            if name.starts_with('.') {
                reasons.push(Unread::Special);
                continue;
            }
            match self.filter_one(&p.base, entry, &rel, false, links) {
                Verdict::Fatal(e) => {
                    class.fatal.get_or_insert(e);
                    continue;
                }
                Verdict::Rejected(r) => {
                    reasons.push(r);
                    continue;
                }
                Verdict::Kept => {}
            }
            let matched = if p.drafts {
                crate::entry::dateless_filename_match(entry).is_some()
            } else {
                crate::entry::date_filename_match(entry).is_some()
            };
            if !matched {
                reasons.push(Unread::NotAPost);
                continue;
            }
            if class
                .roles
                .iter()
                .any(|r| matches!(r, Role::Post { .. } | Role::Draft { .. }))
            {
                continue;
            }
            let categories = crate::entry::document_path_categories(self, &rel, "posts");
            class.roles.push(if p.drafts {
                Role::Draft { categories }
            } else {
                Role::Post { categories }
            });
        }
        // Collections (Collection#read).
        if let Some(c) = &st.coll
            && let Some(entry) = rel.get(c.start..)
        {
            if let Some(b) = c.blocked {
                reasons.push(b);
            } else {
                let base = format!(
                    "_{}",
                    self.config
                        .collections
                        .get(c.idx)
                        .map_or("", |x| x.label.as_str())
                );
                match self.filter_one(&base, entry, &rel, false, links) {
                    Verdict::Fatal(e) => {
                        class.fatal.get_or_insert(e);
                    }
                    Verdict::Rejected(r) => reasons.push(r),
                    Verdict::Kept => {
                        let output = self.config.collections.get(c.idx).is_some_and(|x| x.output);
                        match has_header(&mut class) {
                            Some(true) => class.roles.push(Role::Document {
                                collection: c.idx,
                                output,
                            }),
                            Some(false) => class.roles.push(Role::Static {
                                collection: Some(c.idx),
                            }),
                            None => {}
                        }
                    }
                }
            }
        }
        // The walk of pages and static files (Reader#read_directories).
        let mut walked = false;
        match &st.walk {
            Err(r) => reasons.push(*r),
            Ok(()) => {
                if (name == "_posts" || (name == "_drafts" && self.config.show_drafts))
                    && !self.outside_collections_dir(&st.rel)
                {
                    class.fatal.get_or_insert_with(|| {
                        format!(
                            "Errno::ENOTDIR: Not a directory @ dir_chdir - {}",
                            self.in_source(&rel).display()
                        )
                    });
                }
                match self.filter_one(&jekyll_dir(&st.rel), name, &rel, false, links) {
                    Verdict::Fatal(e) => {
                        class.fatal.get_or_insert(e);
                    }
                    Verdict::Rejected(r) => reasons.push(
                        if r == Unread::Special && name == "_drafts" && !self.config.show_drafts {
                            Unread::Draft
                        } else {
                            r
                        },
                    ),
                    Verdict::Kept => {
                        walked = true;
                        match has_header(&mut class) {
                            Some(true) => class.roles.push(Role::Page),
                            Some(false) => class.roles.push(Role::Static { collection: None }),
                            None => {}
                        }
                    }
                }
            }
        }
        // Reader#read_included_excludes.
        if !walked && self.include_files.contains(&rel) {
            let unsafe_link = self.config.safe
                && match links.link(&rel, true) {
                    Link::Outside => true,
                    Link::Broken(e) => {
                        class.fatal.get_or_insert(e);
                        true
                    }
                    Link::No | Link::Inside => false,
                };
            if !unsafe_link {
                match has_header(&mut class) {
                    Some(true) => class.roles.push(Role::Page),
                    Some(false) => class.roles.push(Role::Static { collection: None }),
                    None => {}
                }
            }
        }
        if class.roles.is_empty() {
            class.unread = Some(reasons.first().copied().unwrap_or(Unread::Other));
        }
        class
    }

    /// What Jekyll makes of the file at `rel_path` (relative to the source, `/`-separated,
    /// without `.` or `..` components) from its path alone. `head` is the file's content, or
    /// a prefix of it holding its first line (pages, static files and collection documents
    /// are told apart by `Utils.has_yaml_header?`). `links` tells which paths are symbolic
    /// links ([`DiskLinks`] asks the disk: an `lstat` per folder inside `_posts` and
    /// collection folders, and per component in safe mode, plus a `realpath` per link there;
    /// [`NoLinks`] for a caller that knows there are none).
    pub fn classify(&self, rel_path: &str, head: &[u8], links: &dyn Links) -> Class {
        let rel = rel_path.trim_start_matches("./").trim_start_matches('/');
        let mut parts: Vec<&str> = rel.split('/').collect();
        let Some(name) = parts.pop().filter(|n| !n.is_empty()) else {
            return Class {
                unread: Some(Unread::Other),
                ..Class::default()
            };
        };
        if parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == "..")
        {
            return Class {
                unread: Some(Unread::Other),
                ..Class::default()
            };
        }
        let mut st = DirState::root();
        for p in parts {
            match self.child_dir(&st, p, links) {
                Ok(s) => st = s,
                Err(e) => {
                    return Class {
                        unread: Some(Unread::Other),
                        fatal: Some(e),
                        ..Class::default()
                    };
                }
            }
        }
        let mut header = || Ok(crate::frontmatter::has_yaml_header_bytes(head));
        self.classify_in(&st, name, &mut header, links)
    }
}
