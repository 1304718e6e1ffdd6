//! Differential test on the bodies of the Markdown files of the shared corpus
//! (`KRAMDOWN_CORPUS` or /work/shared/corpus); skipped when absent.

mod common;

fn corpus_dir() -> Option<std::path::PathBuf> {
    let mut c: Vec<std::path::PathBuf> = Vec::new();
    if let Ok(d) = std::env::var("KRAMDOWN_CORPUS") {
        c.push(d.into());
    }
    c.push("/work/shared/corpus".into());
    c.push(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus").into());
    c.into_iter().find(|p| p.is_dir())
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md" || x == "markdown") {
                out.push(p);
            }
        }
    }
}

/// The body after a YAML front matter block.
fn body(t: &str) -> &str {
    if !t.starts_with("---") {
        return t;
    }
    let mut off = 0;
    for (i, line) in t.split_inclusive('\n').enumerate() {
        if i > 0 && matches!(line.trim_end(), "---" | "...") {
            return &t[off + line.len()..];
        }
        off += line.len();
    }
    t
}

#[test]
fn corpus_bodies_agree_with_kramdown() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipping: no corpus directory");
        return;
    };
    if !common::oracle::available() {
        return;
    }
    let mut files = Vec::new();
    for sub in ["sites", "finews/_posts", "jekyll-test-source"] {
        collect(&dir.join(sub), &mut files);
    }
    files.retain(|p| !p.components().any(|c| c.as_os_str() == "node_modules"));
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|t| body(&t).to_string())
        .collect();
    let st = common::oracle::compare(&texts);
    let ok = st.docs - st.oracle_errors;
    println!(
        "corpus: {} files, {} oracle errors, tree {}/{}, html {}/{}",
        st.docs, st.oracle_errors, st.tree_ok, ok, st.html_ok, ok
    );
    for &(i, t, h) in st.failures.iter().take(10) {
        println!("  {} differs: tree {} html {}", files[i].display(), t, h);
    }
    assert_eq!(st.tree_ok, ok);
    assert!(st.html_ok * 1000 >= ok * 995);
}
