//! `postlint init --infer`: learn the category registry from existing posts.
//!
//! For each category: the tag most posts give it, the source name (from the tag under the
//! pack's tag template when its pinyin is the slug, else from attribution lines when they agree),
//! the hosts of the source links, and whether attribution, source link and back links are
//! carried by (nearly) all, some or none of its posts. Pairings that are not unanimous are
//! written down as comments for a human to decide.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::base::pinyin::pinyin_matches;
use crate::engine::{RunOptions, discover};
use crate::jekyll::article::{attribution, back_links, items, source_link};
use crate::jekyll::document::Post;
use crate::jekyll::site::host_of;
use crate::settings::Settings;

/// What one post says about its category.
struct Seen {
    category: String,
    tag: Option<String>,
    credit: Option<String>,
    host: Option<String>,
    has_source: bool,
    has_back_links: bool,
    one_category: bool,
}

#[derive(Default)]
struct Tally {
    posts: usize,
    tags: BTreeMap<String, usize>,
    credits: BTreeMap<String, usize>,
    hosts: BTreeMap<String, usize>,
    with_credit: usize,
    with_source: usize,
    with_back_links: usize,
}

pub struct Inferred {
    pub yaml: String,
    pub posts: usize,
    pub categories: usize,
    pub ambiguous: usize,
}

fn quote(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

fn need(n: usize, of: usize) -> &'static str {
    if of > 0 && n * 10 >= of * 9 {
        "required"
    } else if n > 0 {
        "optional"
    } else {
        "none"
    }
}

fn top(counts: &BTreeMap<String, usize>) -> Option<(&String, usize)> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, n)| (k, *n))
}

/// Learn a registry from the posts the options name, on top of `settings` (the chosen pack).
pub fn infer(settings: &Settings, pack: &str, options: &RunOptions, cwd: &Path) -> Inferred {
    let (targets, _) = discover(settings, options, cwd);
    // The body as the site's converter reads it (its `markdown:` and `kramdown:` options).
    let (_, site) = crate::engine::prepare(settings, options, cwd);
    let markdown = &site.markdown;
    let registry = &settings.categories;
    let defaults = &registry.defaults;
    let seen: Vec<Seen> = targets
        .par_iter()
        .filter_map(|t| {
            let bytes = std::fs::read(t.path()).ok()?;
            let post = Post::from_bytes(&t.display, bytes);
            if !post.is_post() {
                return None;
            }
            let (cats, _) = items(&post, "categories", "category");
            let category = cats.first()?.value.clone();
            let (tags, _) = items(&post, "tags", "tag");
            let body = crate::jekyll::body::analyse_as(&post.text, post.body.clone(), markdown);
            let source = source_link(&body).filter(|l| !l.url.is_empty());
            Some(Seen {
                category,
                tag: tags.first().map(|t| t.value.clone()),
                credit: attribution(&post, &defaults.attribution_format)
                    .map(|a| a.name)
                    .filter(|n| !n.is_empty()),
                host: source.and_then(|l| host_of(&l.url)),
                has_source: source.is_some(),
                has_back_links: back_links(&body, &post.text, defaults.back_link_texts())
                    .iter()
                    .any(|l| !l.home),
                one_category: cats.len() == 1,
            })
        })
        .collect();

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for s in &seen {
        let t = tallies.entry(s.category.clone()).or_default();
        t.posts += 1;
        if let Some(tag) = &s.tag {
            *t.tags.entry(tag.clone()).or_default() += 1;
        }
        if let Some(c) = &s.credit {
            *t.credits.entry(c.clone()).or_default() += 1;
            t.with_credit += 1;
        }
        if let Some(h) = &s.host {
            *t.hosts.entry(h.clone()).or_default() += 1;
        }
        t.with_source += usize::from(s.has_source);
        t.with_back_links += usize::from(s.has_back_links);
    }
    let mut order: Vec<(&String, &Tally)> = tallies.iter().collect();
    order.sort_by(|a, b| b.1.posts.cmp(&a.1.posts).then(a.0.cmp(b.0)));

    let mut ambiguous = 0;
    let mut y = String::new();
    y.push_str(&crate::config::schema::modeline());
    y.push_str(&format!(
        "# Written by `postlint init --infer` from {} posts in {} categories.\n# Review it: pairings that are not unanimous are marked AMBIGUOUS.\nextends: {pack}\n",
        seen.len(),
        tallies.len()
    ));
    // A registry is learnt only where the posts carry one: ≥ 75% of them use their category's
    // majority tag (a blog whose tags are free-form carries none: raising TX002/TX003 there made
    // 55 false errors on one public site). Each SA pair is raised only where ≥ 75% of the posts
    // carry what it checks.
    let total: usize = tallies.values().map(|t| t.posts).sum();
    let carried = |n: usize| total > 0 && n * 4 >= total * 3;
    let paired: usize = tallies
        .values()
        .map(|t| top(&t.tags).map_or(0, |(_, n)| n))
        .sum();
    let registry_carried = carried(paired);
    let credit_carried = carried(tallies.values().map(|t| t.with_credit).sum());
    let source_carried = carried(tallies.values().map(|t| t.with_source).sum());
    let back_carried = carried(tallies.values().map(|t| t.with_back_links).sum());
    let closed = !defaults.derive_pinyin;
    let mut rules = String::new();
    if registry_carried {
        if closed {
            rules.push_str(
                "  TX001: error   # the registry below is closed: a new category needs an entry\n",
            );
            rules.push_str("  TX003: error\n");
        }
        rules.push_str("  TX002: error\n  TX005: error\n");
    }
    for (on, codes) in [
        (credit_carried, ["SA001", "SA002"]),
        (source_carried, ["SA003", "SA004"]),
        (back_carried, ["SA005", "SA006"]),
    ] {
        if on {
            for code in codes {
                rules.push_str(&format!("  {code}: error\n"));
            }
        }
    }
    if !seen.is_empty() && seen.iter().all(|s| s.one_category) {
        rules.push_str("  TX004: { level: error, max: 1 }\n");
    }
    if !rules.is_empty() {
        y.push_str("rules:\n");
        y.push_str(&rules);
    }
    if !registry_carried {
        y.push_str(&format!(
            "# No category registry: {paired} of {total} posts use their category's majority tag (fewer than 75%),\n# so the posts carry none to learn; the TX rules keep the pack's levels.\n"
        ));
        return Inferred {
            yaml: y,
            posts: seen.len(),
            categories: 0,
            ambiguous: 0,
        };
    }
    y.push_str("categories:\n");
    for (slug, t) in order {
        y.push_str(&format!("  {}:\n", quote(slug)));
        y.push_str(&format!(
            "    # {} post{}\n",
            t.posts,
            if t.posts == 1 { "" } else { "s" }
        ));
        let (tag, tag_n) = top(&t.tags).map_or((None, 0), |(k, n)| (Some(k.clone()), n));
        let from_tag = tag
            .as_deref()
            .and_then(|tg| registry.name_from_tag(tg))
            .filter(|n| pinyin_matches(n, slug))
            .map(str::to_string);
        let credit = top(&t.credits);
        let credits_agree = t.credits.len() == 1 && t.with_credit > 0;
        let name = from_tag.clone().or_else(|| {
            credit
                .filter(|(c, _)| credits_agree && pinyin_matches(c, slug))
                .map(|(c, _)| c.clone())
        });
        if let Some(n) = &name {
            y.push_str(&format!("    name: {}\n", quote(n)));
        }
        if let Some(tag) = &tag {
            y.push_str(&format!("    tag: {}\n", quote(tag)));
            if t.tags.len() > 1 {
                ambiguous += 1;
                let others: Vec<String> = t
                    .tags
                    .iter()
                    .filter(|(k, _)| *k != tag)
                    .map(|(k, n)| format!("{k} ({n})"))
                    .collect();
                y.push_str(&format!(
                    "    # AMBIGUOUS: {tag_n} posts use this tag, others use {}\n",
                    others.join(", ")
                ));
            }
        }
        let attribution = need(t.with_credit, t.posts);
        y.push_str(&format!("    attribution: {attribution}\n"));
        if t.with_credit > 0 && (t.credits.len() > 1 || name.as_ref() != credit.map(|(c, _)| c)) {
            y.push_str("    attribution_name: any\n");
            let list: Vec<String> = t
                .credits
                .iter()
                .map(|(k, n)| format!("{k} ({n})"))
                .collect();
            y.push_str(&format!("    # credits seen: {}\n", list.join(", ")));
        }
        y.push_str(&format!(
            "    source_link: {}\n",
            need(t.with_source, t.posts)
        ));
        if !t.hosts.is_empty() {
            let hosts: Vec<String> = t.hosts.keys().map(|h| quote(h)).collect();
            y.push_str(&format!("    source_hosts: [{}]\n", hosts.join(", ")));
        }
        y.push_str(&format!(
            "    back_links: {}\n",
            need(t.with_back_links, t.posts)
        ));
    }
    Inferred {
        yaml: y,
        posts: seen.len(),
        categories: tallies.len(),
        ambiguous,
    }
}
