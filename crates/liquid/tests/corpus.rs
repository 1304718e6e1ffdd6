//! Differential test on the shared corpus (`LIQUID_CORPUS` or /work/shared/corpus):
//! the content (after front matter) of every Markdown/HTML file holding `{%` or `{{`,
//! with the includes of its site, against the oracle. Runs when `POSTLINT_ORACLES=1`.

mod common;

use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    let mut c: Vec<PathBuf> = Vec::new();
    if let Ok(d) = std::env::var("LIQUID_CORPUS") {
        c.push(d.into());
    }
    c.push("/work/shared/corpus".into());
    c.push(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into());
    c.into_iter().find(|p| p.is_dir())
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("_site") && !p.ends_with(".git") {
                    stack.push(p);
                }
            } else if p
                .extension()
                .is_some_and(|x| x == "md" || x == "markdown" || x == "html")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Jekyll's content: what follows the front matter.
fn content(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---") else {
        return text;
    };
    let Some(nl) = rest.find('\n') else {
        return text;
    };
    if !rest[..nl].trim().is_empty() {
        return text;
    }
    let mut pos = 3 + nl + 1;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return text.get(end + 1..).unwrap_or("");
        }
        if end >= text.len() {
            break;
        }
        pos = end + 1;
    }
    text
}

/// The `_includes` directory above a file, read into a JSON map.
fn includes_for(path: &Path) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    let mut d = path.parent();
    while let Some(dir) = d {
        let inc = dir.join("_includes");
        if inc.is_dir() {
            let mut stack = vec![inc.clone()];
            while let Some(x) = stack.pop() {
                let Ok(rd) = std::fs::read_dir(&x) else {
                    continue;
                };
                for e in rd.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if let (Ok(t), Ok(rel)) =
                        (std::fs::read_to_string(&p), p.strip_prefix(&inc))
                    {
                        map.insert(rel.to_string_lossy().into_owned(), t.into());
                    }
                }
            }
            break;
        }
        d = dir.parent();
    }
    serde_json::Value::Object(map)
}

#[test]
fn corpus_agrees_with_jekyll() {
    if !common::oracle_wanted() {
        return;
    }
    let Some(dir) = corpus_dir() else {
        println!("skipping: no corpus directory");
        return;
    };
    let mut cases = Vec::new();
    let mut names = Vec::new();
    for f in files(&dir) {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let body = content(&text);
        if !jekyll_liquid::has_liquid_construct(body) {
            continue;
        }
        cases.push(serde_json::json!({
            "template": body,
            "page": {"title": "t", "path": "_posts/x.md"},
            "site": {"url": "https://example.com", "baseurl": "", "title": "s"},
            "includes": includes_for(&f),
            "excerpt_separator": "\n\n",
        }));
        names.push(f.strip_prefix(&dir).unwrap_or(&f).display().to_string());
    }
    let oracle = common::run_oracle(&cases);
    assert_eq!(oracle.len(), cases.len());
    let st = common::compare(&cases, &oracle);
    for (i, f) in &st.failures {
        println!("{}: {}", names[*i], f);
    }
    let ok = st.cases - st.oracle_failed;
    println!(
        "corpus: {} files with Liquid ({} oracle timeouts); Jekyll fails to parse {}; \
         error or not {}/{ok}, message {}/{ok}, line {}/{ok}; warnings {}/{r}; \
         exact {}/{r}, of which agree {}",
        st.cases,
        st.oracle_failed,
        st.parse_error_cases,
        st.error_presence_ok,
        st.error_message_ok,
        st.error_line_ok,
        st.warnings_ok,
        st.exact_cases,
        st.exact_ok,
        r = st.rendered_cases,
    );
    println!(
        "corpus excerpts: text {}/{e}, parse outcome {}/{e}; excerpt-only errors {}",
        st.excerpt_text_ok,
        st.excerpt_error_ok,
        st.excerpt_only_errors,
        e = st.excerpt_cases
    );
    for (i, m) in &st.excerpt_only {
        println!("  excerpt-only error in {}: {m}", names[*i]);
    }
    assert_eq!(st.excerpt_text_ok, st.excerpt_cases);
    assert_eq!(st.excerpt_error_ok, st.excerpt_cases);
    assert_eq!(st.error_message_ok, ok);
    assert_eq!(st.error_line_ok, ok);
    assert_eq!(st.warnings_ok, st.rendered_cases);
    assert_eq!(st.exact_ok, st.exact_cases);
}
