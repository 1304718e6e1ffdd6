//! The layers of `src/` import only downward: every `crate::…` path in a module of one layer
//! names a module of the same layer or one below it, and `engine` and `config` (the same
//! layer) never import each other. See CONTRIBUTING.md for the diagram.

use std::path::{Path, PathBuf};

/// The layers, bottom first. Modules on one line share a layer.
const LAYERS: &[&[&str]] = &[
    &["base"],
    &["diagnostic"],
    &["jekyll"],
    &["settings"],
    &["rules"],
    &["engine", "config"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for `lib.rs` and `main.rs`).
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Every `crate::<module>` a file names (in `use` lines, `use crate::{a, b}` groups over
/// several lines, and paths), with its line number; comments are skipped.
fn references(text: &str) -> Vec<(usize, String)> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::").map(|i| from + i) {
        let line = code[..at].matches('\n').count() + 1;
        let after = &code[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // The items at the group's top level: `{a::x, b, c::{y, z}}`.
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if c.is_whitespace() => {}
                    _ if item_start => {
                        item_start = false;
                        let name = ident(&group[i..]);
                        if !name.is_empty() && name != "self" {
                            out.push((line, name));
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                out.push((line, name));
            }
        }
        from = at + "crate::".len();
    }
    out
}

#[test]
fn imports_point_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    for file in &files {
        let Some(module) = top_module(&src, file) else {
            continue;
        };
        let Some(from) = layer(&module) else {
            violations.push(format!(
                "{}: module `{module}` has no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, target) in references(&text) {
            if target == module {
                continue;
            }
            let Some(to) = layer(&target) else {
                violations.push(format!(
                    "{}:{line}: `crate::{target}` is not a module of a layer",
                    file.display()
                ));
                continue;
            };
            if to > from || (to == from && target != module) {
                violations.push(format!(
                    "{}:{line}: `{module}` imports `{target}`, {}",
                    file.display(),
                    if to > from {
                        "a layer above it"
                    } else {
                        "its neighbour in the same layer"
                    }
                ));
            }
        }
    }
    assert!(violations.is_empty(), "\n{}", violations.join("\n"));
}

/// The checker itself finds an upward import and one across the engine/config layer.
#[test]
fn the_checker_sees_violations() {
    let refs = references(
        "use crate::engine::run; // crate::cli\nlet x = crate::config::load;\nuse crate::{\n    base::x,\n    cli::{a, b},\n};",
    );
    let names: Vec<(usize, &str)> = refs.iter().map(|(l, n)| (*l, n.as_str())).collect();
    assert_eq!(
        names,
        vec![(1, "engine"), (2, "config"), (3, "base"), (3, "cli")]
    );
    assert!(layer("engine") == layer("config"));
    assert!(layer("jekyll") < layer("rules"));
    assert!(layer("nonexistent").is_none());
}
