//! [`crate::read_site`]: `Jekyll::Site#read` and `#generate` (site.rb) from the pieces a linter
//! uses file by file — [`SiteConfig`], the walk with [`SiteConfig::classify_in`],
//! [`SiteConfig::entry`], [`SiteIndex`] — so that the oracle's differential test proves them.

use std::path::Path;

use rayon::prelude::*;

use crate::classify::Role;
use crate::index::{Documents, SiteIndex, dest_hash};
use crate::site_config::SiteConfig;
use crate::walk::{Mode, Walked, walk};
use crate::{Collision, Entry, Fatal, FrontMatterReader, Kind, ReadOptions, Site, Skip};

fn json_kind_order(e: &Entry) -> (String, &'static str, String, String) {
    (
        e.path.clone().unwrap_or_default(),
        e.kind.as_str(),
        e.url.clone().unwrap_or_else(|m| format!("!error: {m}")),
        e.destination
            .clone()
            .unwrap_or_else(|m| format!("!error: {m}")),
    )
}

pub(crate) fn read(root: &Path, opts: &ReadOptions, fm: &dyn FrontMatterReader) -> Site {
    let c = SiteConfig::load_lenient(root, opts, fm);
    let mut fatal: Vec<Fatal> = c.fatal.clone();
    let mut walked: Vec<Walked> = Vec::new();
    let mut walk_fatal = walk(&c, Mode::All, &mut |w| walked.push(w));
    fatal.append(&mut walk_fatal);
    let mut jobs: Vec<(String, Role)> = Vec::new();
    let mut unread: Vec<(String, crate::Unread)> = Vec::new();
    for w in walked {
        let Walked {
            rel,
            class,
            via_link,
        } = w;
        if let Some(f) = class.fatal {
            fatal.push(Fatal {
                path: Some(rel.clone()),
                message: f,
            });
        }
        let mut roles = class.roles;
        let Some(last) = roles.pop() else {
            if opts.list_unread && !via_link {
                unread.push((rel, class.unread.unwrap_or(crate::Unread::Other)));
            }
            continue;
        };
        for r in roles {
            jobs.push((rel.clone(), r));
        }
        jobs.push((rel, last));
    }
    jobs.shrink_to_fit();
    // Each file is read and turned into its entry at once (nothing of it is kept but the
    // entry: a site of 300,000 posts holds no front matter).
    let mut entries: Vec<Entry> = jobs
        .par_iter()
        .map(|(rel, role)| c.read_entry(rel, role))
        .collect();
    drop(jobs);
    for e in &entries {
        if let Some(f) = &e.fatal {
            fatal.push(Fatal {
                path: e.path.clone(),
                message: f.clone(),
            });
        }
    }
    let mut index = SiteIndex::empty(&c);
    let mut docs = Documents::new(&c);
    for (i, e) in entries.iter().enumerate() {
        match e.kind {
            Kind::Page => index.add_page(e.clone()),
            Kind::Static => index.add_static(e),
            Kind::Post | Kind::Draft | Kind::Document => docs.add(i as u64, e),
            Kind::Generated => {}
        }
    }
    for id in index.add_documents(&c, docs) {
        if let Some(e) = usize::try_from(id).ok().and_then(|i| entries.get_mut(i)) {
            e.written = false;
            e.skipped = Some(Skip::LimitPosts);
        }
    }
    fatal.extend(index.fatal());
    let mut files = entries;
    files.extend(index.generated().iter().map(crate::GeneratedPage::to_entry));

    // Collisions and the destinations served.
    files.sort_by(|a, b| {
        let ka = (a.path.as_deref().unwrap_or(""), a.kind.as_str());
        let kb = (b.path.as_deref().unwrap_or(""), b.kind.as_str());
        ka.cmp(&kb)
            .then_with(|| json_kind_order(a).cmp(&json_kind_order(b)))
    });
    let mut by_destination: Vec<(u64, usize)> = Vec::new();
    let mut written: Vec<(&str, usize)> = Vec::new();
    for (i, e) in files.iter().enumerate() {
        if !e.written {
            continue;
        }
        if let Ok(d) = &e.destination {
            by_destination.push((dest_hash(d), i));
            if !e.redirect_page {
                written.push((d.as_str(), i));
            }
        }
    }
    by_destination.sort_unstable();
    written.sort_unstable();
    let mut collisions: Vec<Collision> = Vec::new();
    for run in written.chunk_by(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            collisions.push(Collision {
                destination: run[0].0.to_string(),
                files: run.iter().map(|&(_, i)| i).collect(),
            });
        }
    }
    drop(written);
    unread.sort();
    Site {
        source: c.source.clone(),
        time: c.time,
        timezone: c.tz.clone(),
        files,
        unread,
        collisions,
        unknown: c.unknown.clone(),
        fatal,
        disabled_plugins: c.disabled_plugins.clone(),
        by_destination,
        config: c.config,
    }
}
