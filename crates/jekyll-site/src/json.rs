//! The oracle's JSON schema (oracle/postlint_oracle.rb `dump`).

use serde_json::{Value as J, json};

use crate::{Entry, Site};

fn res(r: &Result<String, String>) -> J {
    match r {
        Ok(s) => J::String(s.clone()),
        Err(e) => J::String(format!("!error: {e}")),
    }
}

pub(crate) fn entry_json(e: &Entry) -> J {
    json!({
        "kind": e.kind.as_str(),
        "collection": e.collection,
        "path": e.path,
        "written": e.written,
        "skipped": e.skipped.map(|s| s.as_str()),
        "url": res(&e.url),
        "destination": res(&e.destination),
        "date": e.date.map(|d| d.iso8601()),
        "slug": e.slug.as_ref().map(|v| v.to_json()),
        "categories": e.categories.as_ref().map(|v| v.to_json()),
        "tags": e.tags.as_ref().map(|v| v.to_json()),
        "read_error": e.read_error.is_some(),
        "generator": e.generator,
    })
}

pub(crate) fn site_json(site: &Site) -> J {
    let c = &site.config;
    let collections: serde_json::Map<String, J> = c
        .collections
        .iter()
        .map(|col| {
            (
                col.label.clone(),
                json!({
                    "output": col.output,
                    "url_template": match &col.url_template { Ok(t) => J::String(t.clone()), Err(_) => J::String("!error".into()) },
                    "directory": col.directory,
                }),
            )
        })
        .collect();
    json!({
        "oracle": "postlint jekyll-site",
        "config": {
            "baseurl": c.baseurl,
            "url": c.url,
            "permalink": c.permalink,
            "timezone": c.timezone,
            "collections_dir": c.collections_dir,
            "collections": collections,
            "defaults": c.defaults.to_json(),
            "include": c.include,
            "exclude": c.exclude,
            "keep_files": c.keep_files,
            "markdown_ext": c.markdown_ext,
            "future": c.future,
            "unpublished": c.unpublished,
            "show_drafts": c.show_drafts,
            "limit_posts": c.limit_posts,
            "safe": c.safe,
            "plugins": c.plugins,
            "theme": c.theme,
            "time": site.time.iso8601(),
            "env_tz": site.timezone,
        },
        "files": site.files.iter().map(entry_json).collect::<Vec<_>>(),
        "unread": site.unread.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        "unread_reasons": site.unread.iter().map(|(p, r)| json!([p, r.as_str()])).collect::<Vec<_>>(),
        "fatal": if site.fatal.is_empty() { J::Null } else {
            J::String(site.fatal.iter().map(|f| match &f.path {
                Some(p) => format!("{p}: {}", f.message),
                None => f.message.clone(),
            }).collect::<Vec<_>>().join("\n"))
        },
        "collisions": site.collisions.iter().map(|col| json!({
            "destination": col.destination,
            "paths": col.files.iter().map(|&i| site.files.get(i).and_then(|e| e.path.clone())).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unknown_plugins": {
            "plugins": site.unknown.plugins,
            "plugins_dir": site.unknown.plugins_dir,
            "theme": site.unknown.theme,
        },
    })
}
