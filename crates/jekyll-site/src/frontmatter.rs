//! Where a file's front matter is, as Jekyll finds it, reading only what is needed:
//! `Utils.has_yaml_header?` (utils.rb:141, the first line) and
//! `Document::YAML_FRONT_MATTER_REGEXP` (document.rb:13), applied after `File.read` with
//! `bom|utf-8`.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::path::Path;

/// Where the front matter of a text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterBounds {
    /// The YAML Jekyll gives to Psych (group 1 of the regexp: from the opening `---` up to the
    /// closing line).
    pub yaml: Range<usize>,
    /// Where the content starts (after the closing line and the blank lines its `\s*$`
    /// swallows).
    pub body: usize,
}

/// The result of looking for the front matter in a prefix of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bounds {
    /// The regexp matches.
    Match(FrontMatterBounds),
    /// The regexp does not match.
    NoMatch,
    /// The prefix is too short to tell.
    NeedMore,
}

/// Ruby's `\s` on bytes: space, `\t`, `\n`, `\v`, `\f`, `\r`.
pub fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)` (multiline) on `text` (a prefix of the content
/// when `eof` is false). Linear: each line start is tried once.
pub fn front_matter_bounds(text: &[u8], eof: bool) -> Bounds {
    if text.len() < 3 {
        return if eof || !b"---".starts_with(text) {
            Bounds::NoMatch
        } else {
            Bounds::NeedMore
        };
    }
    if &text[..3] != b"---" {
        return Bounds::NoMatch;
    }
    // Opening: `---\s*\n`, \s* greedy: the last newline of the whitespace run.
    let mut i = 3;
    while i < text.len() && is_ws(text[i]) {
        i += 1;
    }
    if i == text.len() && !eof {
        return Bounds::NeedMore;
    }
    let Some(last_nl) = text[3..i].iter().rposition(|&b| b == b'\n') else {
        return Bounds::NoMatch;
    };
    let q = 3 + last_nl + 1;
    // Closing: the first line start c >= q with `(---|...)\s*$`.
    let mut c = q;
    loop {
        if c + 3 > text.len() {
            return if eof {
                Bounds::NoMatch
            } else {
                Bounds::NeedMore
            };
        }
        let delim = &text[c..c + 3];
        if delim == b"---" || delim == b"..." {
            let mut e = c + 3;
            while e < text.len() && is_ws(text[e]) {
                e += 1;
            }
            if e == text.len() {
                if !eof {
                    return Bounds::NeedMore;
                }
                return Bounds::Match(FrontMatterBounds {
                    yaml: 0..c,
                    body: text.len(),
                });
            }
            if let Some(nl) = text[c + 3..e].iter().rposition(|&b| b == b'\n') {
                let j = c + 3 + nl;
                return Bounds::Match(FrontMatterBounds {
                    yaml: 0..c,
                    body: j + 1,
                });
            }
        }
        // Next line start.
        match text[c..].iter().position(|&b| b == b'\n') {
            Some(p) => c = c + p + 1,
            None => {
                return if eof {
                    Bounds::NoMatch
                } else {
                    Bounds::NeedMore
                };
            }
        }
    }
}

/// `Utils.has_yaml_header?` of a file whose content starts with `head` (the whole content, or
/// a prefix holding its first line): the first line (raw bytes, no BOM handling) matches
/// `\A---\s*\r?\n`. An empty file, or a first line without its line break, is `false`.
pub fn has_yaml_header_bytes(head: &[u8]) -> bool {
    let mut scan = HeaderScan::default();
    scan.feed(head).unwrap_or(false)
}

/// [`has_yaml_header_bytes`] over a file read in pieces.
#[derive(Debug, Default)]
pub(crate) struct HeaderScan {
    seen: usize,
}

impl HeaderScan {
    /// The next bytes: `Some(verdict)` once they settle it, `None` while the first line goes
    /// on.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Option<bool> {
        for &b in bytes {
            let i = self.seen;
            self.seen += 1;
            if i < 3 {
                if b != b'-' {
                    return Some(false);
                }
            } else if b == b'\n' {
                return Some(true);
            } else if !is_ws(b) {
                return Some(false);
            }
        }
        None
    }
}

/// Opens a file for reading only if it is a regular file (after symlinks): a FIFO or a device
/// would block or never end (Jekyll itself would hang on one; a linter reports it instead).
pub fn open_regular(path: &Path) -> io::Result<File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    File::open(path)
}

/// [`std::fs::read`] of a regular file only (see [`open_regular`]).
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let mut f = open_regular(path)?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `Utils.has_yaml_header?(file)`: [`has_yaml_header_bytes`] of the file's first line.
pub fn has_yaml_header(path: &Path) -> io::Result<bool> {
    let mut f = open_regular(path)?;
    let mut buf = [0u8; 512];
    let mut scan = HeaderScan::default();
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(false);
        }
        if let Some(v) = scan.feed(&buf[..n]) {
            return Ok(v);
        }
    }
}

/// What the reader learned of a file's content.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// The content (BOM removed) up to the end of the front matter (or all of it when there is
    /// none and the file was read to its end).
    pub bytes: Vec<u8>,
    /// Where the front matter is.
    pub bounds: Option<FrontMatterBounds>,
    /// Whether the whole content is valid UTF-8 (`true` when not checked).
    pub valid_utf8: bool,
}

/// Incremental UTF-8 validation across chunks.
struct Utf8Check {
    carry: Vec<u8>,
    ok: bool,
}

impl Utf8Check {
    fn feed(&mut self, chunk: &[u8]) {
        if !self.ok {
            return;
        }
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        match std::str::from_utf8(&data) {
            Ok(_) => {}
            Err(e) => {
                if e.error_len().is_some() {
                    self.ok = false;
                } else {
                    self.carry = data[e.valid_up_to()..].to_vec();
                }
            }
        }
    }

    fn finish(&self) -> bool {
        self.ok && self.carry.is_empty()
    }
}

/// Reads a file's front matter: the least of the file that settles where the front matter
/// ends, then (with `check_encoding`) the rest in chunks, only to tell whether it is valid
/// UTF-8 (Jekyll's regexp raises on invalid bytes anywhere in the content).
pub fn read_head(path: &Path, check_encoding: bool) -> io::Result<Head> {
    let mut f = open_regular(path)?;
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 8192];
    let mut eof = false;
    let mut bom_checked = false;
    let bounds;
    loop {
        if !eof {
            let n = f.read(&mut chunk)?;
            if n == 0 {
                eof = true;
            } else {
                bytes.extend_from_slice(&chunk[..n]);
                if chunk.len() < 1 << 20 {
                    chunk.resize(chunk.len() * 2, 0);
                }
            }
        }
        if !bom_checked && (bytes.len() >= 3 || eof) {
            if bytes.starts_with(&[0xef, 0xbb, 0xbf]) {
                bytes.drain(..3);
            }
            bom_checked = true;
        }
        if !bom_checked {
            continue;
        }
        match front_matter_bounds(&bytes, eof) {
            Bounds::Match(b) => {
                bounds = Some(b);
                break;
            }
            Bounds::NoMatch => {
                bounds = None;
                break;
            }
            Bounds::NeedMore => {
                if eof {
                    bounds = None;
                    break;
                }
                if bytes.len() >= 1 << 20 {
                    // A front matter this long: read the rest at once and look once more
                    // (each look scans from the start: doubling reads keep it linear).
                    f.read_to_end(&mut bytes)?;
                    eof = true;
                }
            }
        }
    }
    let mut check = Utf8Check {
        carry: Vec::new(),
        ok: true,
    };
    let valid_utf8 = if check_encoding {
        check.feed(&bytes);
        if !eof {
            loop {
                let n = f.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                check.feed(&chunk[..n]);
                if !check.ok {
                    break;
                }
            }
        }
        check.finish()
    } else {
        true
    };
    if let Some(b) = &bounds {
        bytes.truncate(b.body);
    }
    Ok(Head {
        bytes,
        bounds,
        valid_utf8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str) -> Option<(String, String)> {
        match front_matter_bounds(t.as_bytes(), true) {
            Bounds::Match(b) => Some((t[b.yaml].to_string(), t[b.body..].to_string())),
            _ => None,
        }
    }

    #[test]
    fn regexp_cases() {
        assert_eq!(
            m("---\na: 1\n---\nbody"),
            Some(("---\na: 1\n".into(), "body".into()))
        );
        assert_eq!(m("---\n---\n"), Some(("---\n".into(), String::new())));
        assert_eq!(
            m("---\na: 1\n...\n\n\nbody"),
            Some(("---\na: 1\n".into(), "body".into()))
        );
        assert_eq!(
            m("---\r\na: 1\r\n---\r\nbody"),
            Some(("---\r\na: 1\r\n".into(), "body".into()))
        );
        assert_eq!(
            m("--- \na: 1\n--- x\n---"),
            Some(("--- \na: 1\n--- x\n".into(), String::new()))
        );
        assert_eq!(m("---\na: 1\n"), None);
        assert_eq!(m("x---\n---\n"), None);
        assert_eq!(m("---a\n---\n"), None);
        assert_eq!(
            m("---\n\n---  \n  body"),
            Some(("---\n\n".into(), "  body".into()))
        );
    }

    #[test]
    fn prefix_needs_more() {
        assert_eq!(
            front_matter_bounds(b"---\na: 1\n--", false),
            Bounds::NeedMore
        );
        assert_eq!(
            front_matter_bounds(b"---\na: 1\n---\n", false),
            Bounds::NeedMore
        );
        assert!(matches!(
            front_matter_bounds(b"---\na: 1\n---\nx", false),
            Bounds::Match(_)
        ));
    }

    #[test]
    fn linear_on_many_lines() {
        let t = format!("---\n{}", "a: --- x\n".repeat(100_000));
        let start = std::time::Instant::now();
        assert_eq!(front_matter_bounds(t.as_bytes(), true), Bounds::NoMatch);
        assert!(start.elapsed().as_secs() < 2);
    }
}
