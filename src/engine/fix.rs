//! `--fix`: apply the fixes rules offer, through a temporary file and an atomic rename,
//! touching only the bytes of the fixes.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::walk::{Files, Target};
use super::{Checked, Outcome, RunContext, RunOptions, check_bytes, check_file};
use crate::base::fs::{Guard, refusal, write_guarded};
use crate::diagnostic::{Diagnostic, Edit};
use crate::settings::Settings;

/// How many rounds of fixes a file gets (a fix can make another one possible).
const MAX_ROUNDS: usize = 8;

#[derive(Debug, Default, Clone, Copy)]
pub struct Fixed {
    pub problems: usize,
    pub files: usize,
}

/// Apply non-overlapping edits (sorted by position; an edit that overlaps an earlier one is
/// skipped) to `bytes`. Returns the new bytes and how many edits were applied.
pub fn apply_edits(bytes: &[u8], mut edits: Vec<Edit>) -> (Vec<u8>, usize) {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut pos = 0usize;
    let mut applied = 0usize;
    for edit in edits {
        let (start, end) = (edit.range.start, edit.range.end);
        if start < pos || end < start || end > bytes.len() {
            continue;
        }
        out.extend_from_slice(&bytes[pos..start]);
        out.extend_from_slice(edit.replacement.as_bytes());
        pos = end;
        applied += 1;
    }
    out.extend_from_slice(&bytes[pos..]);
    (out, applied)
}

/// Fix one file's bytes in memory: rounds of check-and-apply until nothing is fixable.
pub fn fix_bytes(
    run: &RunContext,
    display: &str,
    path: &Path,
    original: &[u8],
) -> (Vec<u8>, usize) {
    let mut bytes = original.to_vec();
    let mut total = 0usize;
    for _ in 0..MAX_ROUNDS {
        let edits: Vec<Edit> = check_bytes(run, display, path, bytes.clone(), false)
            .into_iter()
            .filter_map(|d| d.fix)
            .flat_map(|f| f.edits)
            .collect();
        if edits.is_empty() {
            break;
        }
        let (next, applied) = apply_edits(&bytes, edits);
        if applied == 0 || next == bytes {
            break;
        }
        total += applied;
        bytes = next;
    }
    (bytes, total)
}

/// Fix one file on disk; returns what remains (with the file's cross-file facts) and the
/// number of fixes. Writes only inside `root` (the site's folder), never through a link.
fn fix_target(
    run: &RunContext,
    root: &Path,
    target: &Target,
    keep_source: bool,
) -> (Checked, usize) {
    fix_target_with(run, root, target, keep_source, &|| {}, &write_fixed)
}

/// What happens between fixing in memory and writing (tests change the file here).
pub type BeforeWrite<'a> = &'a (dyn Fn() + Sync);
/// How the fixed bytes are written under a guard (tests inject failures here).
pub type Writer<'a> = &'a (dyn Fn(&Path, &[u8], &Guard) -> io::Result<()> + Sync);

/// The writer `--fix` uses: atomic, inside the guard's root, only over the expected text.
pub fn write_fixed(path: &Path, bytes: &[u8], guard: &Guard) -> io::Result<()> {
    write_guarded(path, bytes, guard, |file, bytes| {
        std::io::Write::write_all(file, bytes)
    })
}

/// The folder `--fix` writes in: the site's source folder, else the config's folder (or the
/// working directory).
pub fn fix_root(settings: &Settings, site: &crate::jekyll::site::SiteModel, cwd: &Path) -> PathBuf {
    site.root
        .clone()
        .unwrap_or_else(|| crate::base::paths::normalize(&cwd.join(&settings.root)))
}

/// Fix one file on disk, with the steps that faults are injected into in tests: the original
/// is left byte-identical unless the whole fixed text was written.
#[doc(hidden)]
pub fn fix_target_with(
    run: &RunContext,
    root: &Path,
    target: &Target,
    keep_source: bool,
    before_write: BeforeWrite,
    writer: Writer,
) -> (Checked, usize) {
    let failed = |message: String| Checked {
        diagnostics: vec![Diagnostic::io(&target.display, message)],
        read: true,
        ..Checked::default()
    };
    let original = match std::fs::read(target.path()) {
        Ok(b) => b,
        Err(e) => return (failed(format!("cannot read file: {e}")), 0),
    };
    let (fixed, count) = fix_bytes(run, &target.display, target.path(), &original);
    if count == 0 {
        return (
            check_file(run, &target.display, target.path(), original, keep_source),
            0,
        );
    }
    let keep = |message: String| {
        let mut checked = check_file(
            run,
            &target.display,
            target.path(),
            original.clone(),
            keep_source,
        );
        checked
            .diagnostics
            .push(Diagnostic::io(&target.display, message));
        (checked, 0)
    };
    let shown = Path::new(&*target.display);
    match std::fs::symlink_metadata(target.path()) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let to = std::fs::read_link(target.path())
                .map(|t| format!(" (to `{}`)", t.display()))
                .unwrap_or_default();
            return keep(format!(
                "not fixed: `{}` is a symbolic link{to}; --fix never writes through a link",
                shown.display()
            ));
        }
        // A read-only file is the user's "do not touch" (the rename would replace it anyway).
        Ok(meta) if meta.permissions().readonly() => {
            return keep("file is read-only; the fixes were not written".into());
        }
        _ => {}
    }
    before_write();
    let guard = Guard {
        root: Some(root),
        expected: Some(&original),
    };
    match writer(target.path(), &fixed, &guard) {
        Ok(()) => (
            check_file(run, &target.display, target.path(), fixed, keep_source),
            count,
        ),
        Err(e) => match refusal(&e) {
            Some(why) if why.starts_with("file changed") => keep(why.to_string()),
            Some(why) => keep(format!(
                "not fixed: {}",
                why.replace(&target.path().display().to_string(), &target.display)
            )),
            None => keep(format!("cannot write the fixed file (left unchanged): {e}")),
        },
    }
}

/// The fixes as a unified diff, without writing anything. Returns the diff and the number of
/// files it changes.
pub fn diff(settings: &Settings, options: &RunOptions, cwd: &Path) -> (String, usize) {
    let (settings, site) = super::prepare(settings, options, cwd);
    let (targets, _) = super::discover(&settings, options, cwd);
    // Fixes never depend on the network: no online pass.
    let run = RunContext {
        settings: &settings,
        site: &site,
        online: None,
        whole_site: false,
    };
    let diffs: Vec<String> = targets
        .par_iter()
        .filter_map(|t| {
            let original = std::fs::read(t.path()).ok()?;
            let (fixed, count) = fix_bytes(&run, &t.display, t.path(), &original);
            if count == 0 {
                return None;
            }
            let old = String::from_utf8_lossy(&original);
            let new = String::from_utf8_lossy(&fixed);
            let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
            Some(
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{}", t.display), &format!("b/{}", t.display))
                    .to_string(),
            )
        })
        .collect();
    let files = diffs.len();
    (diffs.concat(), files)
}

/// Check with fixes applied, handing what remains to `sink` as it is found.
pub fn run_into(
    settings: &Settings,
    options: &RunOptions,
    cwd: &Path,
    sink: &mut dyn super::Sink,
) -> (Outcome, Fixed) {
    let started = Instant::now();
    let (settings, site) = super::prepare(settings, options, cwd);
    let (files, failures) = Files::new(&settings, options, cwd);
    let root = fix_root(&settings, &site, cwd);
    super::run_files(
        &settings,
        site,
        options,
        cwd,
        &files,
        failures,
        started,
        |run, target, keep| fix_target(run, &root, target, keep),
        sink,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_skip_overlaps() {
        let edits = vec![
            Edit {
                range: 4..4,
                replacement: "X".into(),
            },
            Edit {
                range: 0..1,
                replacement: "".into(),
            },
            Edit {
                range: 0..2,
                replacement: "overlap".into(),
            },
        ];
        let (out, n) = apply_edits(b"abcdef", edits);
        assert_eq!(n, 2);
        assert_eq!(out, b"bcdXef");
    }
}
