//! Writing files safely: through a temporary file and an atomic rename, never through a
//! symbolic link, and (when a root is given) never outside that folder.
//!
//! On Unix every step after the checks works on an open descriptor of the file's folder,
//! reached from the root one component at a time with `O_NOFOLLOW` (`openat`), so a folder
//! or a file swapped for a symbolic link during the write is refused, not followed:
//! 1. the file's folder, canonicalised, must be inside the root (its canonical path);
//! 2. the folder is opened from the root, component by component, each with `O_NOFOLLOW`;
//! 3. the file is `lstat`ed (`fstatat` with `AT_SYMLINK_NOFOLLOW`): a regular file, not a link;
//! 4. when the caller says what the file must still hold, it is opened with `O_NOFOLLOW` and
//!    compared;
//! 5. the temporary file is created in the same folder with `O_CREAT|O_EXCL|O_NOFOLLOW`, written,
//!    given the file's permissions and `fsync`ed;
//! 6. right before the rename the file is `lstat`ed again: still the same regular file (device
//!    and inode), not a link;
//! 7. `renameat` replaces the folder's entry (a rename never follows a link in its target).
//!
//! Any refusal leaves the file as it was and removes the temporary file.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Why a write was refused on purpose (carried inside the `io::Error`; see [`refusal`]).
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refuse(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, Refused(message))
}

/// The reason, when `error` is a refusal rather than a failure of the system.
pub fn refusal(error: &io::Error) -> Option<&str> {
    error
        .get_ref()
        .and_then(|e| e.downcast_ref::<Refused>())
        .map(|r| r.0.as_str())
}

/// What a write must respect besides never following a link.
#[derive(Debug, Clone, Copy, Default)]
pub struct Guard<'a> {
    /// The folder the file must be inside (compared canonically). `None`: the file's own
    /// folder (only the file name itself must not be a link).
    pub root: Option<&'a Path>,
    /// What the file must still hold right before it is replaced (`None`: the file may be
    /// absent, or hold anything).
    pub expected: Option<&'a [u8]>,
}

/// Write `bytes` to `path` through a temporary file in the same directory and a rename, so
/// that the file is either the old or the new content, never a mix. Keeps the permissions.
/// Refuses (see [`refusal`]) when `path` is a symbolic link or not a regular file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_guarded(path, bytes, &Guard::default(), |file, bytes| {
        file.write_all(bytes)
    })
}

/// [`write_atomic`] with the writing of the temporary file given (tests inject a full disk
/// here). Whatever `write` does, the target is the old content until the final rename, and a
/// failed temporary file is removed.
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut std::fs::File, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    write_guarded(path, bytes, &Guard::default(), write)
}

/// [`write_atomic`] under a [`Guard`]: inside its root, and only over the expected content.
pub fn write_guarded(
    path: &Path,
    bytes: &[u8],
    guard: &Guard,
    write: impl FnOnce(&mut std::fs::File, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let name = match path.file_name() {
        Some(n) => n.to_os_string(),
        None => return Err(refuse(format!("`{}` is not a file name", path.display()))),
    };
    let parent = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = std::fs::canonicalize(&parent)?;
    let root = match guard.root {
        Some(root) => std::fs::canonicalize(root)?,
        None => dir.clone(),
    };
    let Ok(inside) = dir.strip_prefix(&root) else {
        return Err(refuse(format!(
            "`{}` is outside the site (its folder is `{}`, the site is `{}`)",
            path.display(),
            dir.display(),
            root.display()
        )));
    };
    imp::write(&root, inside, &name, path, bytes, guard, write)
}

/// Read a file that must not be a symbolic link (refused, see [`refusal`]): opened with
/// `O_NOFOLLOW` where the system has it.
pub fn read_no_follow(path: &Path) -> io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        use std::io::Read;
        let fd = match rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::LOOP) => return Err(refuse(link_message(path))),
            Err(e) => return Err(e.into()),
        };
        let st = rustix::fs::fstat(&fd)?;
        if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::RegularFile {
            return Err(refuse(format!(
                "`{}` is not a regular file",
                path.display()
            )));
        }
        let mut bytes = Vec::new();
        std::fs::File::from(fd).read_to_end(&mut bytes)?;
        Ok(bytes)
    }
    #[cfg(not(unix))]
    {
        if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
            return Err(refuse(link_message(path)));
        }
        std::fs::read(path)
    }
}

/// The message for a file that is a symbolic link.
fn link_message(path: &Path) -> String {
    match std::fs::read_link(path) {
        Ok(to) => format!(
            "`{}` is a symbolic link (to `{}`); postlint never writes through a link",
            path.display(),
            to.display()
        ),
        Err(_) => format!(
            "`{}` is a symbolic link; postlint never writes through a link",
            path.display()
        ),
    }
}

/// The components of a path below the root (canonical, so only normal names).
#[cfg_attr(not(unix), allow(dead_code))]
fn names(inside: &Path) -> io::Result<Vec<&std::ffi::OsStr>> {
    inside
        .components()
        .map(|c| match c {
            Component::Normal(n) => Ok(n),
            _ => Err(refuse(format!(
                "unexpected component in `{}`",
                inside.display()
            ))),
        })
        .collect()
}

/// A name for a temporary file: unlikely to exist, and created with `O_EXCL` anyway.
#[cfg_attr(not(unix), allow(dead_code))]
fn temp_name(attempt: u32) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        ".postlint-{}-{n}-{nanos:x}-{attempt}.tmp",
        std::process::id()
    )
}

#[cfg(unix)]
mod imp {
    use super::{Guard, link_message, names, refuse, temp_name};
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use std::ffi::OsStr;
    use std::io::{self, Read};
    use std::os::fd::{AsFd, OwnedFd};
    use std::path::Path;

    const DIR_FLAGS: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::NOFOLLOW)
        .union(OFlags::CLOEXEC);

    /// Open `inside` below the canonical `root`, one component at a time, never following a
    /// link.
    fn open_dir(root: &Path, inside: &Path, path: &Path) -> io::Result<OwnedFd> {
        let mut fd = rustix::fs::open(root, DIR_FLAGS, Mode::empty())?;
        for name in names(inside)? {
            fd = match rustix::fs::openat(&fd, name, DIR_FLAGS, Mode::empty()) {
                Ok(next) => next,
                Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => {
                    return Err(refuse(format!(
                        "a folder above `{}` was replaced by a symbolic link while it was being \
                         written",
                        path.display()
                    )));
                }
                Err(e) => return Err(e.into()),
            };
        }
        Ok(fd)
    }

    /// The file's entry in `dir`, not followed: `None` when absent.
    fn entry(dir: impl AsFd, name: &OsStr) -> io::Result<Option<rustix::fs::Stat>> {
        match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(Some(st)),
            Err(rustix::io::Errno::NOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn check_regular(st: &rustix::fs::Stat, path: &Path) -> io::Result<()> {
        match FileType::from_raw_mode(st.st_mode) {
            FileType::RegularFile => Ok(()),
            FileType::Symlink => Err(refuse(link_message(path))),
            _ => Err(refuse(format!(
                "`{}` is not a regular file",
                path.display()
            ))),
        }
    }

    pub(super) fn write(
        root: &Path,
        inside: &Path,
        name: &OsStr,
        path: &Path,
        bytes: &[u8],
        guard: &Guard,
        write: impl FnOnce(&mut std::fs::File, &[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let dir = open_dir(root, inside, path)?;
        let before = entry(&dir, name)?;
        if let Some(st) = &before {
            check_regular(st, path)?;
        }
        let mut mode = Mode::from_raw_mode(0o644);
        if let Some(expected) = guard.expected {
            let fd = match rustix::fs::openat(
                &dir,
                name,
                // NONBLOCK: a FIFO swapped in meanwhile must not hang the run.
                OFlags::RDONLY
                    | OFlags::NOFOLLOW
                    | OFlags::CLOEXEC
                    | OFlags::NOCTTY
                    | OFlags::NONBLOCK,
                Mode::empty(),
            ) {
                Ok(fd) => fd,
                Err(rustix::io::Errno::LOOP) => return Err(refuse(link_message(path))),
                Err(e) => return Err(e.into()),
            };
            let st = rustix::fs::fstat(&fd)?;
            check_regular(&st, path)?;
            if before.is_some_and(|b| (b.st_dev, b.st_ino) != (st.st_dev, st.st_ino)) {
                return Err(refuse(
                    "file changed while it was being fixed; not written".into(),
                ));
            }
            let mut now = Vec::with_capacity(expected.len());
            std::fs::File::from(fd).read_to_end(&mut now)?;
            if now != expected {
                return Err(refuse(
                    "file changed while it was being fixed; not written".into(),
                ));
            }
        }
        if let Some(st) = &before {
            mode = Mode::from_raw_mode(st.st_mode & 0o7777);
        }
        // The temporary file: a new name, never an existing file or a link.
        let mut attempt = 0;
        let (tmp_name, tmp_fd) = loop {
            let candidate = temp_name(attempt);
            match rustix::fs::openat(
                &dir,
                candidate.as_str(),
                OFlags::WRONLY
                    | OFlags::CREATE
                    | OFlags::EXCL
                    | OFlags::NOFOLLOW
                    | OFlags::CLOEXEC
                    | OFlags::NOCTTY,
                Mode::from_raw_mode(0o600),
            ) {
                Ok(fd) => break (candidate, fd),
                Err(rustix::io::Errno::EXIST) if attempt < 16 => attempt += 1,
                Err(e) => return Err(e.into()),
            }
        };
        let result = (|| -> io::Result<()> {
            let mut file = std::fs::File::from(tmp_fd);
            write(&mut file, bytes)?;
            rustix::fs::fchmod(&file, mode)?;
            file.sync_all()?;
            drop(file);
            // Right before the rename: the entry is still the file that was checked.
            let now = entry(&dir, name)?;
            match (&before, &now) {
                (Some(b), Some(n)) => {
                    check_regular(n, path)?;
                    if (b.st_dev, b.st_ino) != (n.st_dev, n.st_ino) {
                        return Err(refuse(format!(
                            "`{}` was replaced while it was being written; not written",
                            path.display()
                        )));
                    }
                }
                (None, None) => {}
                (None, Some(n)) => {
                    check_regular(n, path)?;
                    return Err(refuse(format!(
                        "`{}` appeared while it was being written; not written",
                        path.display()
                    )));
                }
                (Some(_), None) => {
                    return Err(refuse(format!(
                        "`{}` was removed while it was being written; not written",
                        path.display()
                    )));
                }
            }
            rustix::fs::renameat(&dir, tmp_name.as_str(), &dir, name)?;
            Ok(())
        })();
        match result {
            // The folder is not fsynced: after a crash the file is the old or the new text.
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = rustix::fs::unlinkat(&dir, tmp_name.as_str(), AtFlags::empty());
                Err(e)
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use super::{Guard, link_message, refuse};
    use std::ffi::OsStr;
    use std::io;
    use std::path::Path;

    /// Without `openat`: the same checks on paths, then a temporary file and a rename.
    pub(super) fn write(
        root: &Path,
        inside: &Path,
        name: &OsStr,
        path: &Path,
        bytes: &[u8],
        guard: &Guard,
        write: impl FnOnce(&mut std::fs::File, &[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let dir = root.join(inside);
        let target = dir.join(name);
        let check = || -> io::Result<Option<std::fs::Metadata>> {
            match std::fs::symlink_metadata(&target) {
                Ok(m) if m.file_type().is_symlink() => Err(refuse(link_message(path))),
                Ok(m) if !m.is_file() => Err(refuse(format!(
                    "`{}` is not a regular file",
                    path.display()
                ))),
                Ok(m) => Ok(Some(m)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        };
        let meta = check()?;
        if let Some(expected) = guard.expected
            && std::fs::read(&target)? != expected
        {
            return Err(refuse(
                "file changed while it was being fixed; not written".into(),
            ));
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(".postlint-")
            .suffix(".tmp")
            .tempfile_in(&dir)?;
        write(tmp.as_file_mut(), bytes)?;
        tmp.as_file().sync_all()?;
        if let Some(meta) = &meta {
            tmp.as_file().set_permissions(meta.permissions())?;
        }
        check()?;
        tmp.persist(&target).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_link_and_writes_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("t.txt");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("l.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = write_atomic(&link, b"new").unwrap_err();
        assert!(
            refusal(&e).is_some_and(|m| m.contains("symbolic link")),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );

        let file = dir.path().join("f.txt");
        write_atomic(&file, b"one").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "two");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".postlint-"))
            .collect();
        assert!(left.is_empty());
    }

    #[test]
    fn refuses_outside_the_root_and_a_changed_file() {
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.md"), "old").unwrap();
        // A folder of the site that is a link to a folder outside it.
        std::os::unix::fs::symlink(outside.path(), site.path().join("_posts")).unwrap();
        let guard = Guard {
            root: Some(site.path()),
            expected: Some(b"old"),
        };
        let e = write_guarded(&site.path().join("_posts/x.md"), b"new", &guard, |f, b| {
            f.write_all(b)
        })
        .unwrap_err();
        assert!(
            refusal(&e).is_some_and(|m| m.contains("outside the site")),
            "{e}"
        );
        assert_eq!(
            std::fs::read_to_string(outside.path().join("x.md")).unwrap(),
            "old"
        );

        let inside = site.path().join("y.md");
        std::fs::write(&inside, "edited").unwrap();
        let e = write_guarded(&inside, b"new", &guard, |f, b| f.write_all(b)).unwrap_err();
        assert!(refusal(&e).is_some_and(|m| m.contains("changed")), "{e}");
        assert_eq!(std::fs::read_to_string(&inside).unwrap(), "edited");
    }
}
