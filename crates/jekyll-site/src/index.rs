//! [`SiteIndex`]: every output of the built site, compact enough for a 300,000-post site —
//! a document's destination is 16 bytes (a 64-bit hash and the caller's id); the strings are kept
//! only for pages, generated pages and static files (few), and found again for documents
//! from the caller's ids. [`Documents`] gathers what the index needs of the documents, file
//! by file, as a linter checks them.

use crate::classify::Role;
use crate::entry::OwnedInput;
use crate::plugins::{DocRedirect, GenInput, PostFacts};
use crate::site_config::SiteConfig;
use crate::walk::{Mode, walk};
use crate::{Entry, Fatal, GeneratedPage, Kind, Lookup};

/// FNV-1a (64 bits) with a final mix: the hash of a destination.
pub fn dest_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // splitmix64's finalizer.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutKind {
    /// A page (`id` indexes `pages`).
    Page,
    /// A generated page (`id` indexes `generated`).
    Generated,
    /// A collection document read by the index (`id` indexes `own_docs`).
    OwnDoc,
    /// A static file (`id` indexes `statics`).
    Static,
}

#[derive(Debug, Clone, Copy)]
struct Out {
    dest: u64,
    id: u64,
    kind: OutKind,
    /// A `RedirectPage` (left out of collisions, as `jekyll doctor` does).
    redirect: bool,
}

/// What serves a destination.
#[derive(Debug, Clone, Copy)]
pub enum Served<'a> {
    /// A page, or a collection document the index read itself.
    Entry(&'a Entry),
    /// A page a plugin generates.
    Generated(&'a GeneratedPage),
    /// A static file (its path relative to the source; [`SiteIndex::static_entry`] has the
    /// rest).
    Static(&'a str),
    /// A document given to [`Documents::add`]: the caller's id.
    Document(u64),
}

/// Outputs written at the same destination (`jekyll doctor`'s conflicting URLs).
#[derive(Debug, Clone)]
pub struct IndexCollision<'a> {
    /// The destination (relative to the output folder), when one of the outputs is held by
    /// the index (else only the documents' ids tell it).
    pub destination: Option<String>,
    /// The outputs.
    pub outputs: Vec<Served<'a>>,
}

/// Whether [`SiteIndex::build`] reads the collections' documents itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionDocs {
    /// It reads them (they are few): give [`SiteIndex::add_documents`] the posts and drafts
    /// only.
    Read,
    /// The caller gives them to [`SiteIndex::add_documents`] with the posts.
    Given,
}

/// A post kept for `limit_posts` (only when it is set).
#[derive(Debug, Clone)]
struct Limited {
    id: u64,
    entry: Entry,
}

/// What the index needs of the documents (posts, drafts, collection documents), gathered one
/// entry at a time: the destinations of the written ones (hashed), the posts' tags,
/// categories and dates (for archives and feeds by tag), how many are not `hidden`
/// (pagination), their `redirect_from`. A few tens of bytes a document; with `limit_posts`
/// set, each post is kept until [`SiteIndex::add_documents`] can sort them. Documents from
/// several threads are put together with [`Documents::merge`].
#[derive(Debug, Clone, Default)]
pub struct Documents {
    limit: u64,
    /// `(destination hash, id)` of the documents written.
    outs: Vec<(u64, u64)>,
    posts: PostFacts,
    redirects: Vec<(u64, DocRedirect)>,
    limited: Vec<Limited>,
}

impl Documents {
    /// An empty set for the site of `config`.
    pub fn new(config: &SiteConfig<'_>) -> Documents {
        Documents {
            limit: config.config.limit_posts,
            ..Documents::default()
        }
    }

    /// Adds one document's entry ([`SiteConfig::entry`]), under the caller's `id` (what
    /// [`Served::Document`] gives back). Entries that are not written add nothing, nor do
    /// pages and static files (the index has them already).
    pub fn add(&mut self, id: u64, e: &Entry) {
        if !e.written || !matches!(e.kind, Kind::Post | Kind::Draft | Kind::Document) {
            return;
        }
        let post = matches!(e.kind, Kind::Post | Kind::Draft);
        if post && self.limit > 0 {
            self.limited.push(Limited {
                id,
                entry: e.clone(),
            });
            return;
        }
        self.add_written(id, e, post);
    }

    fn add_written(&mut self, id: u64, e: &Entry, post: bool) {
        if let Ok(d) = &e.destination {
            self.outs.push((dest_hash(d), id));
        }
        if post {
            self.posts.add(e);
        }
        if !e.redirect_from.is_empty() {
            self.redirects.push((
                id,
                DocRedirect {
                    path: e.path.clone(),
                    url_ok: e.url.is_ok(),
                    values: e.redirect_from.clone(),
                },
            ));
        }
    }

    /// Puts another set into this one.
    pub fn merge(&mut self, other: Documents) {
        self.limit = self.limit.max(other.limit);
        self.outs.extend(other.outs);
        self.posts.merge(other.posts);
        self.redirects.extend(other.redirects);
        self.limited.extend(other.limited);
    }

    /// Applies `limit_posts` (`Site#limit_posts!`: the last N after `Document#<=>`, date
    /// then path): the kept posts join the rest; returns the ids of the dropped ones.
    fn apply_limit(&mut self) -> Vec<u64> {
        if self.limited.is_empty() {
            return Vec::new();
        }
        let mut list = std::mem::take(&mut self.limited);
        list.sort_by(|a, b| {
            let key = |l: &Limited| l.entry.date.map(|d| (d.unix, d.nanos));
            key(a)
                .cmp(&key(b))
                .then_with(|| a.entry.path.cmp(&b.entry.path))
        });
        let cut = list
            .len()
            .saturating_sub(usize::try_from(self.limit).unwrap_or(usize::MAX));
        let dropped = list.iter().take(cut).map(|l| l.id).collect();
        for l in list.iter().skip(cut) {
            self.add_written(l.id, &l.entry, true);
        }
        dropped
    }
}

/// A static file in the index.
#[derive(Debug, Clone)]
struct StaticRec {
    path: Box<str>,
    /// The destination when it is not the path.
    dest: Option<Box<str>>,
}

/// Every output of the site, for link lookups and collision checks.
#[derive(Debug, Clone, Default)]
pub struct SiteIndex {
    baseurl: Option<String>,
    unknown: bool,
    /// Pages (written or not).
    pages: Vec<Entry>,
    /// Generated pages.
    generated: Vec<GeneratedPage>,
    /// Collection documents read here.
    own_docs: Vec<Entry>,
    statics: Vec<StaticRec>,
    /// Whether a static file has the URL `/sitemap.xml`, `/robots.txt`.
    static_sitemap_urls: [bool; 2],
    /// The outputs of pages, static files and collection documents read here.
    base_outs: Vec<Out>,
    docs: Documents,
    dropped: Vec<u64>,
    /// The outputs of `base_outs` and the generated pages, sorted by destination hash.
    outs: Vec<Out>,
    /// Whether `docs.outs` is sorted.
    docs_sorted: bool,
    fatal: Vec<Fatal>,
    gen_fatal: Vec<Fatal>,
}

const SITEMAP_URLS: [&str; 2] = ["/sitemap.xml", "/robots.txt"];

impl SiteIndex {
    /// The outputs that need no post: a walk of the source (not entering `_posts` and the
    /// other folders no page can be in), the pages read (their front matter), the static
    /// files (not read), the collection documents with [`CollectionDocs::Read`], and the
    /// pages the plugins generate without posts (`feed.xml`, `sitemap.xml`, `robots.txt`,
    /// `redirects.json`, the redirect pages of pages, …). Complete it with
    /// [`SiteIndex::add_documents`].
    pub fn build(config: &SiteConfig<'_>, docs: CollectionDocs) -> SiteIndex {
        let mut index = SiteIndex::empty(config);
        let mut found: Vec<(String, Role)> = Vec::new();
        let mut fatal = walk(config, Mode::Pages, &mut |w| {
            if let Some(f) = w.class.fatal {
                index.fatal.push(Fatal {
                    path: Some(w.rel.clone()),
                    message: f,
                });
            }
            for r in w.class.roles {
                let keep = match r {
                    Role::Page | Role::Static { .. } => true,
                    Role::Document { .. } => docs == CollectionDocs::Read,
                    Role::Post { .. } | Role::Draft { .. } => false,
                };
                if keep {
                    found.push((w.rel.clone(), r));
                }
            }
        });
        index.fatal.append(&mut fatal);
        let read = |(rel, role): &(String, Role)| {
            (!matches!(role, Role::Static { .. })).then(|| config.read_input(rel, role))
        };
        // In parallel only when there is much to read (starting the thread pool costs more
        // than reading a few pages).
        let inputs: Vec<Option<OwnedInput>> = if found.len() > 64 {
            use rayon::prelude::*;
            found.par_iter().map(read).collect()
        } else {
            found.iter().map(read).collect()
        };
        for ((rel, role), input) in found.iter().zip(inputs) {
            let e = match &input {
                Some(i) => config.entry(rel, role, &i.as_input()),
                None => config.entry(rel, role, &crate::FileInput::default()),
            };
            if let Some(f) = &e.fatal {
                index.fatal.push(Fatal {
                    path: e.path.clone(),
                    message: f.clone(),
                });
            }
            match role {
                Role::Page => index.add_page(e),
                Role::Static { .. } => index.add_static(&e),
                _ => index.own_docs.push(e),
            }
        }
        let mut own = Documents::new(config);
        for (i, e) in index.own_docs.iter().enumerate() {
            own.add(i as u64, e);
        }
        // Own documents are outputs the index holds.
        for (dest, id) in std::mem::take(&mut own.outs) {
            index.base_outs.push(Out {
                dest,
                id,
                kind: OutKind::OwnDoc,
                redirect: false,
            });
        }
        index.docs = own;
        index.regenerate(config);
        index
    }

    /// An index with no output, for the site of `config`.
    pub(crate) fn empty(config: &SiteConfig<'_>) -> SiteIndex {
        SiteIndex {
            baseurl: config.config.baseurl.clone(),
            unknown: config.unknown.any(),
            docs: Documents::new(config),
            ..SiteIndex::default()
        }
    }

    /// Adds a page's entry.
    pub(crate) fn add_page(&mut self, e: Entry) {
        if e.written
            && let Ok(d) = &e.destination
        {
            self.base_outs.push(Out {
                dest: dest_hash(d),
                id: self.pages.len() as u64,
                kind: OutKind::Page,
                redirect: false,
            });
        }
        self.pages.push(e);
    }

    /// Adds a static file's entry.
    pub(crate) fn add_static(&mut self, e: &Entry) {
        for (i, u) in SITEMAP_URLS.iter().enumerate() {
            if e.url.as_deref() == Ok(u) {
                self.static_sitemap_urls[i] = true;
            }
        }
        let Some(path) = e.path.as_deref() else {
            return;
        };
        if e.written
            && let Ok(d) = &e.destination
        {
            self.base_outs.push(Out {
                dest: dest_hash(d),
                id: self.statics.len() as u64,
                kind: OutKind::Static,
                redirect: false,
            });
            self.statics.push(StaticRec {
                path: path.into(),
                dest: (d != path).then(|| d.as_str().into()),
            });
        }
    }

    /// Adds the documents (posts, drafts and — with [`CollectionDocs::Given`] — collection
    /// documents), then makes what depends on them: the redirect pages of documents,
    /// paginated pages, archives by tag, category and date, feeds by tag; `sitemap.xml` and
    /// `robots.txt` are made again (a page generated for a post may take their place).
    /// Returns the ids of the posts `limit_posts` drops (those are no longer outputs).
    pub fn add_documents(&mut self, config: &SiteConfig<'_>, docs: Documents) -> Vec<u64> {
        self.docs.merge(docs);
        self.docs_sorted = false;
        let mut dropped = self.docs.apply_limit();
        self.dropped.append(&mut dropped);
        self.regenerate(config);
        self.dropped.clone()
    }

    /// [`SiteIndex::add_documents`] of entries given one by one (`(id, entry)`).
    pub fn add_document_entries<'e>(
        &mut self,
        config: &SiteConfig<'_>,
        entries: impl IntoIterator<Item = (u64, &'e Entry)>,
    ) -> Vec<u64> {
        let mut d = Documents::new(config);
        for (id, e) in entries {
            d.add(id, e);
        }
        self.add_documents(config, d)
    }

    /// Runs the generators again and rebuilds the sorted outputs.
    fn regenerate(&mut self, config: &SiteConfig<'_>) {
        self.generated = Vec::new();
        let redirects: Vec<DocRedirect> =
            self.docs.redirects.iter().map(|(_, r)| r.clone()).collect();
        let sm = self.static_sitemap_urls;
        let static_url = move |u: &str| SITEMAP_URLS.iter().zip(sm).any(|(x, hit)| hit && *x == u);
        let mut gen_fatal = Vec::new();
        let generated = crate::plugins::generate(
            config,
            &GenInput {
                pages: &self.pages,
                static_url: &static_url,
                posts: &self.docs.posts,
                redirects: &redirects,
            },
            &mut gen_fatal,
        );
        self.gen_fatal = gen_fatal;
        let mut generated = generated;
        generated.shrink_to_fit();
        let mut outs = self.base_outs.clone();
        outs.reserve(generated.len());
        for (i, g) in generated.iter().enumerate() {
            if let Ok(d) = &g.destination {
                outs.push(Out {
                    dest: dest_hash(d),
                    id: i as u64,
                    kind: OutKind::Generated,
                    redirect: g.redirect_page,
                });
            }
        }
        self.generated = generated;
        outs.sort_unstable_by_key(|o| (o.dest, o.kind as u8, o.id));
        self.outs = outs;
        if !self.docs_sorted {
            self.docs.outs.sort_unstable();
            self.docs.outs.shrink_to_fit();
            self.docs_sorted = true;
        }
    }

    fn served(&self, o: &Out) -> Option<Served<'_>> {
        let i = usize::try_from(o.id).ok()?;
        match o.kind {
            OutKind::Page => self.pages.get(i).map(Served::Entry),
            OutKind::Generated => self.generated.get(i).map(Served::Generated),
            OutKind::OwnDoc => self.own_docs.get(i).map(Served::Entry),
            OutKind::Static => self.statics.get(i).map(|s| Served::Static(&s.path)),
        }
    }

    /// What is written at a destination (relative to the output folder).
    pub fn at_destination(&self, dest: &str) -> Option<Served<'_>> {
        let h = dest_hash(dest);
        let start = self.outs.partition_point(|o| o.dest < h);
        if let Some(s) = self
            .outs
            .get(start)
            .filter(|o| o.dest == h)
            .and_then(|o| self.served(o))
        {
            return Some(s);
        }
        let start = self.docs.outs.partition_point(|o| o.0 < h);
        self.docs
            .outs
            .get(start)
            .filter(|o| o.0 == h)
            .map(|o| Served::Document(o.1))
    }

    /// Every output written at `dest` (a destination relative to the output folder): pages,
    /// static files, generated pages (redirects included), then the documents added.
    pub fn outputs_at(&self, dest: &str) -> Vec<Served<'_>> {
        let h = dest_hash(dest);
        let start = self.outs.partition_point(|o| o.dest < h);
        let mut out: Vec<Served<'_>> = self.outs[start..]
            .iter()
            .take_while(|o| o.dest == h)
            .filter_map(|o| self.served(o))
            .collect();
        let start = self.docs.outs.partition_point(|o| o.0 < h);
        out.extend(
            self.docs.outs[start..]
                .iter()
                .take_while(|o| o.0 == h)
                .map(|o| Served::Document(o.1)),
        );
        out
    }

    /// Looks up a link's path (site-relative, e.g. `/blog/2010/01/x/`, with or without the
    /// `baseurl`, query and fragment ignored) the way a static server serves the output
    /// folder: percent-decoded, `dir/` → `dir/index.html`, `/x` → `/x.html` (GitHub Pages).
    /// `Unknown` when nothing known serves it but an unmodelled plugin, a theme, `_plugins/`
    /// or `_config.toml` could.
    pub fn lookup(&self, link: &str) -> Lookup<Served<'_>> {
        for t in crate::lookup_candidates(link, self.baseurl.as_deref()) {
            if let Some(s) = self.at_destination(&t) {
                return Lookup::Served(s);
            }
        }
        if self.unknown {
            Lookup::Unknown
        } else {
            Lookup::Missing
        }
    }

    /// The destination of an output the index holds.
    fn destination_of(&self, o: &Out) -> Option<String> {
        match self.served(o)? {
            Served::Entry(e) => e.destination.clone().ok(),
            Served::Generated(g) => g.destination.as_deref().ok().map(str::to_string),
            Served::Static(_) => {
                let s = usize::try_from(o.id)
                    .ok()
                    .and_then(|i| self.statics.get(i))?;
                Some(s.dest.as_deref().unwrap_or(&s.path).to_string())
            }
            Served::Document(_) => None,
        }
    }

    /// Destinations written by more than one page, static file or document (redirect pages
    /// left out, as `jekyll doctor` does).
    pub fn collisions(&self) -> Vec<IndexCollision<'_>> {
        // Both lists are sorted by destination hash: walk them side by side.
        let own: Vec<&Out> = self.outs.iter().filter(|o| !o.redirect).collect();
        let docs = &self.docs.outs;
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < own.len() || j < docs.len() {
            let h = match (own.get(i), docs.get(j)) {
                (Some(a), Some(b)) => a.dest.min(b.0),
                (Some(a), None) => a.dest,
                (None, Some(b)) => b.0,
                (None, None) => break,
            };
            let i0 = i;
            while own.get(i).is_some_and(|o| o.dest == h) {
                i += 1;
            }
            let j0 = j;
            while docs.get(j).is_some_and(|o| o.0 == h) {
                j += 1;
            }
            if (i - i0) + (j - j0) > 1 {
                let run = &own[i0..i];
                let mut outputs: Vec<Served<'_>> =
                    run.iter().filter_map(|o| self.served(o)).collect();
                outputs.extend(docs[j0..j].iter().map(|d| Served::Document(d.1)));
                out.push(IndexCollision {
                    destination: run.iter().find_map(|o| self.destination_of(o)),
                    outputs,
                });
            }
        }
        out
    }

    /// The pages read (written or not).
    pub fn pages(&self) -> &[Entry] {
        &self.pages
    }

    /// The pages the plugins generate.
    pub fn generated(&self) -> &[GeneratedPage] {
        &self.generated
    }

    /// The collection documents read by [`SiteIndex::build`] ([`CollectionDocs::Read`]).
    pub fn documents(&self) -> &[Entry] {
        &self.own_docs
    }

    /// The static files written (paths relative to the source).
    pub fn static_files(&self) -> impl Iterator<Item = &str> {
        self.statics.iter().map(|s| &*s.path)
    }

    /// A static file's full entry.
    pub fn static_entry(&self, config: &SiteConfig<'_>, path: &str) -> Option<Entry> {
        let class = config.classify(path, &[], &crate::classify::NoLinks);
        class
            .roles
            .iter()
            .find(|r| matches!(r, Role::Static { .. }))
            .map(|r| config.entry(path, r, &crate::FileInput::default()))
    }

    /// How many outputs the site has (every destination written, redirect pages included).
    pub fn len(&self) -> usize {
        self.outs.len() + self.docs.outs.len()
    }

    /// Whether the site has no output.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids of the posts `limit_posts` dropped.
    pub fn dropped(&self) -> &[u64] {
        &self.dropped
    }

    /// What stops the build, found while indexing (the walk, the pages, the generators).
    pub fn fatal(&self) -> Vec<Fatal> {
        self.fatal
            .iter()
            .chain(self.gen_fatal.iter())
            .cloned()
            .collect()
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        let entry = std::mem::size_of::<Entry>() + 64;
        let generated = std::mem::size_of::<GeneratedPage>() + 48;
        self.outs.capacity() * std::mem::size_of::<Out>()
            + self.base_outs.capacity() * std::mem::size_of::<Out>()
            + self.docs.outs.capacity() * std::mem::size_of::<(u64, u64)>()
            + (self.pages.len() + self.own_docs.len()) * entry
            + self.generated.len() * generated
            + self
                .statics
                .iter()
                .map(|s| 32 + s.path.len() + s.dest.as_ref().map_or(0, |d| d.len()))
                .sum::<usize>()
            + self.docs.posts_heap_bytes()
    }
}

impl Documents {
    fn posts_heap_bytes(&self) -> usize {
        (self.posts.tags.len() + self.posts.categories.len()) * 96 + self.posts.days.len() * 96
    }
}
