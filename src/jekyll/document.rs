//! Loading a post: decode once, find the front matter the way Jekyll does, parse its YAML
//! with spans, and classify the file (post, draft, other document).

use std::ops::Range;
use std::path::Path;

use super::yaml::{self, Node, YamlError};
use crate::base::text::{Decoded, decode};

/// Where a file sits in a Jekyll site, which decides the checks on its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Under a `_posts/` folder: its name must carry the date.
    Post,
    /// Under `_drafts/`: no date in the name.
    Draft,
    /// Anything else (a page, a collection document, a lone file).
    Document,
}

#[derive(Debug)]
pub enum FrontMatter {
    /// The file does not start with a `---` line. `late` is the span of a `---` line that opens
    /// a complete front matter block further down (after blank lines only).
    Missing { late: Option<Range<usize>> },
    /// An opening `---` line with no closing `---` or `...` line.
    Unterminated { open: Range<usize> },
    /// The YAML between the delimiters does not parse.
    Invalid {
        open: Range<usize>,
        close: Range<usize>,
        error: YamlError,
    },
    /// Parsed. `root` is `None` for an empty front matter.
    Parsed {
        open: Range<usize>,
        close: Range<usize>,
        root: Option<Node>,
    },
}

/// A loaded file with everything rules look at.
pub struct Post {
    /// The path as given (for display).
    pub path: String,
    pub kind: Kind,
    /// The file name (last path component).
    pub file_name: String,
    /// The text; invalid UTF-8 bytes are replaced one for one (see [`crate::base::text`]).
    pub text: String,
    /// The first byte that is not UTF-8: its offset and value.
    pub first_invalid: Option<(usize, u8)>,
    /// Whether the file starts with a UTF-16 byte order mark (a common wrong encoding).
    pub utf16: bool,
    /// Byte offset after a UTF-8 BOM (0 or 3).
    pub start: usize,
    pub front_matter: FrontMatter,
    /// The body: everything after the front matter (or the whole file without one).
    pub body: Range<usize>,
    /// The path relative to the site's source (`None` outside a site): what Jekyll's reader
    /// sees, whatever path it was named by.
    pub rel: Option<String>,
    /// What Jekyll's reader makes of it (set with `rel`).
    pub role: Option<jekyll_site::Role>,
    /// The file as Jekyll's reader makes it (URL, destination, date), computed once by
    /// [`super::site::SiteModel::entry`] (the links rules and the cross-file facts need it).
    pub entry: std::sync::OnceLock<Option<jekyll_site::Entry>>,
}

impl Post {
    /// Posts and drafts get the post schema, date and name checks; other files (pages,
    /// static files) only the checks of their encoding and front matter syntax.
    pub fn is_post(&self) -> bool {
        matches!(self.kind, Kind::Post | Kind::Draft)
    }

    pub fn from_bytes(path: &str, bytes: Vec<u8>) -> Post {
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        let Decoded {
            text,
            first_invalid,
            first_invalid_byte,
        } = decode(bytes);
        let first_invalid = first_invalid.zip(first_invalid_byte);
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let (front_matter, body_start) = split(&text, start);
        let p = Path::new(path);
        let file_name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = classify(p);
        let body = body_start..text.len();
        Post {
            path: path.to_string(),
            kind,
            file_name,
            text,
            first_invalid,
            utf16,
            start,
            front_matter,
            body,
            rel: None,
            role: None,
            entry: std::sync::OnceLock::new(),
        }
    }

    /// The parsed front matter mapping, if there is one.
    pub fn root(&self) -> Option<&Node> {
        match &self.front_matter {
            FrontMatter::Parsed {
                root: Some(root), ..
            } => Some(root),
            _ => None,
        }
    }

    /// The front matter's closing delimiter line, if it has one.
    pub fn closing(&self) -> Option<Range<usize>> {
        match &self.front_matter {
            FrontMatter::Parsed { close, .. } | FrontMatter::Invalid { close, .. } => {
                Some(close.clone())
            }
            _ => None,
        }
    }
}

/// Post, draft or other document, by the folders in the path (Jekyll's rule).
pub fn classify(path: &Path) -> Kind {
    let mut kind = Kind::Document;
    if let Some(parent) = path.parent() {
        for c in parent.components() {
            match c.as_os_str().to_str() {
                Some("_posts") => kind = Kind::Post,
                Some("_drafts") => kind = Kind::Draft,
                _ => {}
            }
        }
    }
    kind
}

/// Lines of `text` from `from`: (start, end without the line break, end with it).
fn lines(text: &str, from: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let nl = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| start + i);
        let (end, next) = match nl {
            Some(i) => (i, i + 1),
            None => (bytes.len(), bytes.len()),
        };
        pos = next;
        Some((start, end, next))
    })
}

/// A delimiter line: `---` (or `...` when closing) followed only by white space.
fn is_delimiter(line: &str, closing: bool) -> bool {
    let rest = if let Some(r) = line.strip_prefix("---") {
        r
    } else if closing && let Some(r) = line.strip_prefix("...") {
        r
    } else {
        return false;
    };
    rest.chars().all(char::is_whitespace)
}

/// Split front matter from body exactly as Jekyll's `YAML_FRONT_MATTER_REGEXP` does, and read
/// the YAML as Psych does (the YAML handed over starts at the opening `---`, so positions are
/// the file's).
fn split(text: &str, start: usize) -> (FrontMatter, usize) {
    let Some(fm) = psych::front_matter(text) else {
        // An opening `---` line with no closing line, or no front matter at all.
        let opening = lines(text, start)
            .next()
            .filter(|&(s, e, next)| is_delimiter(&text[s..e], false) && next > e);
        return match opening {
            Some((s, e, _)) => (FrontMatter::Unterminated { open: s..e }, start),
            None => (
                FrontMatter::Missing {
                    late: late_opening(text, start),
                },
                start,
            ),
        };
    };
    let (open, close) = (fm.open.clone(), fm.close.clone());
    let front = match yaml::parse_document(&text[fm.yaml.clone()], fm.yaml.start) {
        Ok(None) => FrontMatter::Parsed {
            open,
            close,
            root: None,
        },
        Ok(Some(doc)) => match yaml::refused(&doc) {
            Some((message, span)) => FrontMatter::Invalid {
                open,
                close,
                error: YamlError {
                    message,
                    offset: span.start,
                },
            },
            None => FrontMatter::Parsed {
                open,
                close,
                root: Some(doc.root),
            },
        },
        Err(error) => FrontMatter::Invalid { open, close, error },
    };
    (front, fm.body_start)
}

/// A front matter block that would be valid if the blank lines before it were removed.
fn late_opening(text: &str, start: usize) -> Option<Range<usize>> {
    let mut iter = lines(text, start);
    for (s, e, next) in iter.by_ref() {
        let line = &text[s..e];
        if line.trim().is_empty() {
            continue;
        }
        if is_delimiter(line, false) && next > e {
            let closes = lines(text, next).any(|(ls, le, _)| is_delimiter(&text[ls..le], true));
            if closes {
                return Some(s..e);
            }
        }
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Post {
        Post::from_bytes("_posts/2021-12-08-x.md", text.as_bytes().to_vec())
    }

    #[test]
    fn jekyll_front_matter_forms() {
        let p = load("---\ntitle: a\n---\nbody");
        assert!(p.root().is_some());
        assert_eq!(&p.text[p.body.clone()], "body");
        assert_eq!(p.kind, Kind::Post);
        // trailing spaces after the delimiters, `...` to close, empty front matter
        assert!(matches!(
            load("---  \nx: 1\n...  \n").front_matter,
            FrontMatter::Parsed { .. }
        ));
        assert!(matches!(
            load("---\n---\nEmpty").front_matter,
            FrontMatter::Parsed { root: None, .. }
        ));
        // `---` inside a value is not a delimiter
        let p = load("---\ntitle: a --- b\n---\n");
        assert_eq!(
            p.root().and_then(|r| r.get("title")).and_then(Node::as_str),
            Some("a --- b")
        );
    }

    #[test]
    fn missing_unterminated_and_late() {
        assert!(matches!(
            load("No YAML.").front_matter,
            FrontMatter::Missing { late: None }
        ));
        assert!(matches!(
            load("---\ntitle: a\n").front_matter,
            FrontMatter::Unterminated { .. }
        ));
        match load("\n---\ntitle: a\n---\n").front_matter {
            FrontMatter::Missing { late: Some(r) } => assert_eq!(r, 1..4),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bom_and_crlf() {
        let p = load("\u{feff}---\r\ntitle: 中\r\n---\r\nbody");
        assert_eq!(p.start, 3);
        let title = p.root().unwrap().get("title").unwrap();
        assert_eq!(&p.text[title.span.clone()], "中");
    }
}
