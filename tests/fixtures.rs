//! Rule fixtures, organised by rule: `tests/fixtures/<pack>/<CODE>/` is a small site holding
//! the posts (and pages) that make rule CODE fire under pack `<pack>`, and the `ok-…` ones that
//! must not. Each folder is checked as one run of postlint: with the pack (or the folder's own
//! `postlint.yaml`, else the pack folder's), in the folder, every file at once. Folders of
//! per-file rules run without the cross-file and site rules (their posts would otherwise be
//! judged against each other); folders of cross-file and site rules run with everything.
//!
//! Each file says what it must produce in an `<!-- expect: CODE… -->` comment (`none` for
//! nothing; a code once per finding). Its human output (80 columns, no colour) is
//! snapshot-tested in `snapshots/rules/<CODE>/`, with the `--fix` diff for fixable findings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use postlint::{FixKind, Level, RULES, Rule, RunContext, RunOptions, Scope, Settings};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One rule's fixture site under one pack.
struct Site {
    pack: String,
    code: String,
    dir: PathBuf,
}

fn sites() -> Vec<Site> {
    let mut out = Vec::new();
    let mut packs: Vec<_> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    packs.sort();
    for pack in packs {
        let mut dirs: Vec<_> = std::fs::read_dir(&pack)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            out.push(Site {
                pack: name(&pack),
                code: name(&dir),
                dir,
            });
        }
    }
    out
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// The files of a fixture site (relative paths, sorted), config and site files aside.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if ["md", "markdown", "html"]
                .iter()
                .any(|e| path.extension().is_some_and(|x| x == *e))
            {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy();
                out.push(rel.replace('\\', "/"));
            }
        }
    }
    out.sort();
    // Pages that only give the site its shape (the home page, a feed page) say `expect: none`
    // like any other file.
    out
}

/// The codes a file expects, sorted, each as often as it must be found.
fn expected(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let start = text
        .rfind("<!-- expect:")
        .expect("fixture has an expect comment")
        + "<!-- expect:".len();
    let end = start + text[start..].find("-->").expect("expect comment is closed");
    let mut codes: Vec<String> = text[start..end]
        .split_whitespace()
        .filter(|c| *c != "none")
        .map(str::to_string)
        .collect();
    codes.sort();
    codes
}

fn settings_for(site: &Site) -> Settings {
    let own = site.dir.join("postlint.yaml");
    let pack_config = fixtures_dir().join(&site.pack).join("postlint.yaml");
    let mut settings = if own.is_file() {
        postlint::load(&own, &site.dir).unwrap()
    } else if pack_config.is_file() {
        let mut s = postlint::load(&pack_config, &site.dir).unwrap();
        s.root = site.dir.clone();
        s
    } else {
        postlint::builtin(&site.pack, site.dir.clone()).unwrap()
    };
    let rule = Rule::from_code_or_name(&site.code)
        .unwrap_or_else(|| panic!("{}/{} is not a rule's code", site.pack, site.code));
    if matches!(
        rule.def().scope,
        Scope::File | Scope::FrontMatter | Scope::Body | Scope::Suppression
    ) {
        for r in Rule::ALL {
            if matches!(r.def().scope, Scope::CrossFile | Scope::Site) {
                r.set_level(&mut settings, Level::Off);
            }
        }
    }
    settings
}

/// What a fixture site gives: for each file, its findings (rendered) and codes, and, for files
/// with fixes, the `--fix` diff.
struct Checked {
    rendered: BTreeMap<String, Vec<String>>,
    codes: BTreeMap<String, Vec<String>>,
    /// Per file, the code and declared fix kind of each finding that offers a fix.
    fixes: BTreeMap<String, Vec<(String, FixKind)>>,
    diffs: BTreeMap<String, String>,
}

fn check(site: &Site) -> Checked {
    let settings = settings_for(site);
    let options = RunOptions {
        paths: Vec::new(),
        keep_source: true,
        progress: false,
    };
    let outcome = postlint::run(&settings, &options, &site.dir);
    let mut out = Checked {
        rendered: BTreeMap::new(),
        codes: BTreeMap::new(),
        fixes: BTreeMap::new(),
        diffs: BTreeMap::new(),
    };
    for d in &outcome.diagnostics {
        assert!(!d.is_failure(), "{}: {}", d.path, d.message);
        let path = d.path.to_string();
        out.rendered
            .entry(path.clone())
            .or_default()
            .push(postlint::render(d, false, 80));
        out.codes
            .entry(path.clone())
            .or_default()
            .push(d.code.to_string());
        if d.fix.is_some() {
            let kind = Rule::from_code_or_name(&d.code).map_or(FixKind::Safe, |r| r.def().fix);
            out.fixes
                .entry(path)
                .or_default()
                .push((d.code.to_string(), kind));
        }
    }
    let (settings, model) = postlint::prepare(&settings, &options, &site.dir);
    let run = RunContext::new(&settings, &model);
    for path in out.fixes.keys() {
        let original = std::fs::read(site.dir.join(path)).unwrap();
        let (fixed, count) =
            postlint::testing::fix_bytes(&run, path, &site.dir.join(path), &original);
        assert!(count > 0, "{path}: a fixable finding but no fix applied");
        let old = String::from_utf8_lossy(&original);
        let new = String::from_utf8_lossy(&fixed);
        let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
            .unified_diff()
            .context_radius(2)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        out.diffs.insert(path.clone(), diff);
    }
    out
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    for site in sites() {
        let checked = check(&site);
        for file in files(&site.dir) {
            let bytes = std::fs::read(site.dir.join(&file)).unwrap();
            let mut found = checked.codes.get(&file).cloned().unwrap_or_default();
            found.sort();
            let want = expected(&bytes);
            if found != want {
                failures.push(format!(
                    "{}/{}/{file}: expected {want:?}, found {found:?}",
                    site.pack, site.code
                ));
            }
            let mut shown = checked
                .rendered
                .get(&file)
                .map(|r| r.join("\n"))
                .unwrap_or_else(|| "(no findings)".to_string());
            if let Some(diff) = checked.diffs.get(&file) {
                shown.push_str("\n--fix:\n");
                shown.push_str(diff);
            }
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(format!("../snapshots/rules/{}", site.code));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_omit_expression(true);
            settings.set_input_file(site.dir.join(&file));
            let snapshot = format!("{}__{}", site.pack, file.replace('/', "__"));
            settings.bind(|| insta::assert_snapshot!(snapshot, shown));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every rule has a fixture folder, under some pack, with a file that triggers it and an
/// `ok-…` file that must not (LK006 needs a server: tests/online.rs starts one).
#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    let all = sites();
    for def in RULES {
        if def.scope == Scope::Online {
            let online = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/online.rs"),
            )
            .unwrap();
            assert!(
                online.contains(&format!("\"{}\"", def.code)),
                "tests/online.rs must test {}",
                def.code
            );
            continue;
        }
        let folders: Vec<&Site> = all.iter().filter(|s| s.code == def.code).collect();
        assert!(!folders.is_empty(), "no fixture folder for {}", def.code);
        let mut positive = false;
        let mut negative = false;
        for site in folders {
            for file in files(&site.dir) {
                let codes = expected(&std::fs::read(site.dir.join(&file)).unwrap());
                let ok = file.rsplit('/').next().unwrap_or("").contains("ok-");
                positive |= !ok && codes.iter().any(|c| c == def.code);
                negative |= ok && !codes.iter().any(|c| c == def.code);
            }
        }
        assert!(positive, "no fixture triggers {}", def.code);
        assert!(
            negative,
            "no `ok-…` fixture of {} that must not fire",
            def.code
        );
    }
}

/// The fixes a rule emits agree with its declared fix kind, and every fixable rule has a
/// fixture that shows its fix.
#[test]
fn fixes_agree_with_the_registry() {
    let mut fixed = std::collections::BTreeSet::new();
    for site in sites() {
        for (path, found) in check(&site).fixes {
            for (code, kind) in found {
                assert_ne!(
                    kind,
                    FixKind::None,
                    "{}/{}/{path}: {code} offers a fix but is declared without fixes",
                    site.pack,
                    site.code
                );
                fixed.insert(code);
            }
        }
    }
    for def in RULES.iter().filter(|d| d.fix != FixKind::None) {
        assert!(
            fixed.contains(def.code),
            "no fixture shows {}'s fix",
            def.code
        );
    }
}
