//! `--fix`: apply the fixes rules offer, through a temporary file and an atomic rename,
//! touching only the bytes of the fixes.

use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Settings;
use crate::diagnostic::Edit;
use crate::engine::{
    self, Checked, Outcome, RunOptions, Target, check_bytes, check_file, io_diagnostic,
};
use crate::site::SiteModel;

/// How many rounds of fixes a file gets (a fix can make another one possible).
const MAX_ROUNDS: usize = 8;

#[derive(Debug, Default, Clone, Copy)]
pub struct Fixed {
    pub problems: usize,
    pub files: usize,
}

impl Fixed {
    pub fn describe_problems(&self) -> String {
        format!(
            "{} problem{}",
            self.problems,
            if self.problems == 1 { "" } else { "s" }
        )
    }
    pub fn describe_files(&self) -> String {
        format!(
            "{} file{}",
            self.files,
            if self.files == 1 { "" } else { "s" }
        )
    }
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
    settings: &Settings,
    site: &SiteModel,
    display: &str,
    original: &[u8],
) -> (Vec<u8>, usize) {
    let mut bytes = original.to_vec();
    let mut total = 0usize;
    for _ in 0..MAX_ROUNDS {
        let edits: Vec<Edit> = check_bytes(settings, site, display, bytes.clone(), false)
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

/// Write `bytes` to `path` through a temporary file in the same directory and a rename, so
/// that the file is either the old or the new content, never a mix. Keeps the permissions,
/// and writes through a symbolic link to its target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, |file, bytes| file.write_all(bytes))
}

/// [`write_atomic`] with the writing of the temporary file given (tests inject a full disk
/// here). Whatever `write` does, the target is the old content until the final rename, and a
/// failed temporary file is removed.
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut std::fs::File, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".postlint-")
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    write(tmp.as_file_mut(), bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(&target) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Fix one file on disk; returns what remains (with the file's cross-file facts) and the
/// number of fixes.
fn fix_target(
    settings: &Settings,
    site: &SiteModel,
    target: &Target,
    keep_source: bool,
) -> (Checked, usize) {
    fix_target_with(settings, site, target, keep_source, &|| {}, &write_atomic)
}

/// What happens between fixing in memory and writing (tests change the file here).
pub type BeforeWrite<'a> = &'a (dyn Fn() + Sync);
/// How the fixed bytes are written (tests inject failures here).
pub type Writer<'a> = &'a (dyn Fn(&Path, &[u8]) -> io::Result<()> + Sync);

/// Fix one file on disk, with the steps that faults are injected into in tests: the original
/// is left byte-identical unless the whole fixed text was written.
#[doc(hidden)]
pub fn fix_target_with(
    settings: &Settings,
    site: &SiteModel,
    target: &Target,
    keep_source: bool,
    before_write: BeforeWrite,
    writer: Writer,
) -> (Checked, usize) {
    let failed = |message: String| Checked {
        diagnostics: vec![io_diagnostic(&target.display, message)],
        is_post: false,
        facts: None,
    };
    let original = match std::fs::read(target.path()) {
        Ok(b) => b,
        Err(e) => return (failed(format!("cannot read file: {e}")), 0),
    };
    let (fixed, count) = fix_bytes(settings, site, &target.display, &original);
    if count == 0 {
        return (
            check_file(settings, site, &target.display, original, keep_source),
            0,
        );
    }
    let keep = |message: String| {
        let mut checked = check_file(
            settings,
            site,
            &target.display,
            original.clone(),
            keep_source,
        );
        checked
            .diagnostics
            .push(io_diagnostic(&target.display, message));
        (checked, 0)
    };
    // A read-only file is the user's "do not touch" (the rename would replace it anyway).
    if std::fs::metadata(target.path()).is_ok_and(|m| m.permissions().readonly()) {
        return keep("file is read-only; the fixes were not written".into());
    }
    before_write();
    // Do not overwrite a file that changed since it was read.
    match std::fs::read(target.path()) {
        Ok(now) if now == original => {}
        Ok(_) => return keep("file changed while it was being fixed; not written".into()),
        Err(e) => return (failed(format!("cannot read file: {e}")), 0),
    }
    match writer(target.path(), &fixed) {
        Ok(()) => (
            check_file(settings, site, &target.display, fixed, keep_source),
            count,
        ),
        Err(e) => keep(format!("cannot write the fixed file (left unchanged): {e}")),
    }
}

/// The fixes as a unified diff, without writing anything. Returns the diff and the number of
/// files it changes.
pub fn diff(settings: &Settings, options: &RunOptions, cwd: &Path) -> (String, usize) {
    let (settings, site) = engine::prepare(settings, options, cwd);
    let (targets, _) = engine::discover(&settings, options, cwd);
    let diffs: Vec<String> = targets
        .par_iter()
        .filter_map(|t| {
            let original = std::fs::read(t.path()).ok()?;
            let (fixed, count) = fix_bytes(&settings, &site, &t.display, &original);
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

/// Check with fixes applied.
pub fn run(settings: &Settings, options: &RunOptions, cwd: &Path) -> (Outcome, Fixed) {
    let started = Instant::now();
    let (settings, site) = engine::prepare(settings, options, cwd);
    let (files, failures) = engine::Files::new(&settings, options, cwd);
    engine::run_files(
        &settings, site, options, cwd, &files, failures, started, fix_target,
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
