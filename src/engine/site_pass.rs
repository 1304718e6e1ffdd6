//! The pass over the whole run once every file has been checked: the cross-file rules over the
//! facts gathered from each file (the few files with a finding are named by a second walk and
//! read again to locate it), and the site rules over the category pages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::RunOptions;
use super::walk::{Files, Target};
use crate::base::chunked::Chunked;
use crate::base::paths::{normalize, relative_to};
use crate::base::text::LineIndex;
use crate::diagnostic::{Diagnostic, SourceText, finalize};
use crate::jekyll::document::Post;
use crate::jekyll::site::SiteModel;
use crate::rules::cross_file::{self, Anchor, Facts};
use crate::rules::taxonomy::category_pages;
use crate::settings::Settings;

/// The cross-file rules over the facts of a run: groups and outliers found over file ids,
/// then those few files named (a second walk) and their findings located in them.
/// `others`: files of the site the run did not check whose facts are in `facts` too (how each
/// is named, where it is); they are compared, and named in messages, but get no finding.
pub fn cross_file(
    settings: &Settings,
    site: &SiteModel,
    files: &Files,
    facts: &Chunked<Facts>,
    others: &HashMap<u64, (Arc<str>, std::path::PathBuf)>,
    keep_source: bool,
) -> Vec<Diagnostic> {
    let found = cross_file::find(facts, settings, site);
    if found.is_empty() {
        return Vec::new();
    }
    let targets = files.resolve(&found.files());
    let mut names: HashMap<u64, Arc<str>> = targets
        .iter()
        .map(|(id, t)| (*id, Arc::from(&*t.display)))
        .collect();
    for id in found.files() {
        if let Some((display, _)) = others.get(&id) {
            names.entry(id).or_insert_with(|| Arc::clone(display));
        }
    }
    // The URL of a file, and the other output the site writes there (a static file, a page,
    // a plugin's page), read again (for the rare collision report).
    let url_of = |id: u64| {
        let (display, path): (&str, &std::path::Path) = match targets.get(&id) {
            Some(t) => (&t.display, t.path()),
            None => {
                let (d, p) = others.get(&id)?;
                (d, p)
            }
        };
        url_and_other(site, display, path, std::fs::read(path).ok()?)
    };
    let mut reported = found.report(&names, url_of, settings);
    if !others.is_empty() {
        let checked: std::collections::HashSet<&str> =
            targets.values().map(|t| &*t.display).collect();
        reported.retain(|(d, _)| checked.contains(&*d.path));
    }
    locate(reported, &targets, keep_source, &site.markdown)
}

/// The URL of a file read as the site places it, and the other output the site writes there
/// (a static file, a page, a plugin's page), for the collision report.
pub fn url_and_other(
    site: &SiteModel,
    display: &str,
    path: &std::path::Path,
    bytes: Vec<u8>,
) -> Option<(String, Option<String>)> {
    let post = site.place(display, path, bytes).ok()?;
    let other = site
        .destination(&post)
        .zip(post.rel.as_deref())
        .and_then(|(d, rel)| site.other_output_at(d, rel));
    Some((site.url_of(&post)?, other))
}

/// Give the findings their spans and positions (and, for the human format, the source) by
/// reading each file once more — only the few files that have a cross-file finding. A file
/// that cannot be read again keeps its findings at line 1.
fn locate(
    found: Vec<(Diagnostic, Anchor)>,
    targets: &HashMap<u64, Target>,
    keep_source: bool,
    markdown: &crate::jekyll::kramdown_body::Markdown,
) -> Vec<Diagnostic> {
    let paths: HashMap<&str, &Target> = targets.values().map(|t| (&*t.display, t)).collect();
    let mut by_path: HashMap<Arc<str>, Vec<(Diagnostic, Anchor)>> = HashMap::new();
    for (d, anchor) in found {
        by_path
            .entry(Arc::clone(&d.path))
            .or_default()
            .push((d, anchor));
    }
    let mut out = Vec::new();
    for (path, list) in by_path {
        let post = paths
            .get(&*path)
            .and_then(|t| std::fs::read(t.path()).ok())
            .map(|bytes| Post::from_bytes(&path, bytes));
        let Some(post) = post else {
            out.extend(list.into_iter().map(|(mut d, _)| {
                d.start.line = 1;
                d.start.column = 1;
                d.end = d.start;
                d
            }));
            continue;
        };
        let mut diagnostics: Vec<Diagnostic> = list
            .into_iter()
            .map(|(mut d, anchor)| {
                d.span = cross_file::anchor_span(&post, anchor, markdown).unwrap_or(0..0);
                d
            })
            .collect();
        let source = keep_source.then(|| {
            Arc::new(SourceText {
                name: path.to_string(),
                text: post.text.clone(),
            })
        });
        let index = LineIndex::new(&post.text);
        finalize(&mut diagnostics, &path, &post.text, &index, source.as_ref());
        out.append(&mut diagnostics);
    }
    out
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
    let include = |page: &Path| {
        let page = normalize(page);
        given.is_empty() || given.iter().any(|g| page.starts_with(g))
    };
    let mut out = Vec::new();
    for (page, mut found) in category_pages(site, settings, include) {
        let display: Arc<str> = Arc::from(
            relative_to(&normalize(&page.path), &normalize(cwd))
                .to_string_lossy()
                .as_ref(),
        );
        let source = options.keep_source.then(|| {
            Arc::new(SourceText {
                name: display.to_string(),
                text: page.text.clone(),
            })
        });
        let index = LineIndex::new(&page.text);
        finalize(&mut found, &display, &page.text, &index, source.as_ref());
        for d in &mut found {
            d.rel = Arc::clone(&d.path);
        }
        out.append(&mut found);
    }
    out
}
