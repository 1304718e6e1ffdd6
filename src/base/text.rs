//! Source text: decoding a file's bytes without moving any offset, and byte → line/column.

/// The byte that stands in for each byte of an invalid UTF-8 sequence, so that the text keeps
/// the file's exact byte offsets (SUB, U+001A: one byte, never meaningful in a post).
pub const REPLACEMENT: u8 = 0x1A;

/// A file's text as UTF-8, byte for byte the same length as the file.
pub struct Decoded {
    pub text: String,
    /// Byte offset of the first byte that is not valid UTF-8, if any.
    pub first_invalid: Option<usize>,
    /// That byte's value.
    pub first_invalid_byte: Option<u8>,
}

/// Decode bytes as UTF-8; every byte of an invalid sequence becomes [`REPLACEMENT`], so all
/// offsets stay those of the file.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            first_invalid: None,
            first_invalid_byte: None,
        },
        Err(err) => {
            let bytes = err.into_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut first_invalid = None;
            let mut first_invalid_byte = None;
            for chunk in bytes.utf8_chunks() {
                out.extend_from_slice(chunk.valid().as_bytes());
                if let Some(&b) = chunk.invalid().first() {
                    first_invalid_byte.get_or_insert(b);
                    first_invalid.get_or_insert(out.len());
                    out.extend(std::iter::repeat_n(REPLACEMENT, chunk.invalid().len()));
                }
            }
            // Every byte pushed is either from a valid chunk or ASCII.
            let text = String::from_utf8(out).unwrap_or_default();
            Decoded {
                text,
                first_invalid,
                first_invalid_byte,
            }
        }
    }
}

/// A 1-based line and a 1-based column counted in Unicode characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Line starts of a text, for turning byte offsets into positions.
pub struct LineIndex {
    starts: Vec<usize>,
    bom: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        LineIndex { starts, bom }
    }

    /// The position of a byte offset. An offset inside a character or past the end is moved
    /// back to the nearest character boundary; a `\r` before `\n` belongs to the line's end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let mut start = self.starts[line - 1];
        if line == 1 {
            start = start.max(self.bom.min(offset));
        }
        let column = text[start..offset].chars().count() + 1;
        Position { line, column }
    }

    /// The 1-based column in bytes of an offset on its (1-based) line, as [`Self::position`]
    /// moves it (to a character boundary, after a byte order mark).
    pub fn byte_column(&self, text: &str, offset: usize, line: usize) -> usize {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut start = self
            .starts
            .get(line.max(1) - 1)
            .copied()
            .unwrap_or(0)
            .min(offset);
        if line <= 1 {
            start = start.max(self.bom.min(offset));
        }
        offset - start + 1
    }

    /// Positions of many offsets in one sweep over the text: linear in the text plus
    /// O(n log n) in the offsets, where asking one by one would count each line again.
    pub fn positions(&self, text: &str, offsets: &[usize]) -> Vec<Position> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut out = vec![Position::default(); offsets.len()];
        // (offset, position) of the last answer, to count on from.
        let mut last: Option<(usize, Position)> = None;
        for i in order {
            let mut offset = offsets[i].min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let line = self.starts.partition_point(|&s| s <= offset).max(1);
            let pos = match last {
                Some((prev, p))
                    if p.line == line && prev <= offset && (line > 1 || prev >= self.bom) =>
                {
                    Position {
                        line,
                        column: p.column + text[prev..offset].chars().count(),
                    }
                }
                _ => self.position(text, offset),
            };
            last = Some((offset, pos));
            out[i] = pos;
        }
        out
    }
}

/// Number of lines (1-based index of the line holding `offset`), cheap helper for messages.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Whether a character is written as an escape in terminal output (human and short formats):
/// the C0 controls (ESC, newline, carriage return, tab, …), DEL, the C1 controls, the invisible
/// bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069:
/// "Trojan Source" reordering), and the line and paragraph separators U+2028 and U+2029.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// The escape of such a character: `\n`, `\r`, `\t`, else `\u{1b}` (hex, as Rust writes it).
fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

/// `s` with every character [`is_unsafe_for_terminal`] written as an escape; borrowed when
/// there is none (the common case). Backslashes are left as they are.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_for_terminal(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A file's text as the human format shows it: the characters [`escape_controls`] escapes,
/// except the line ends (`\n`, and `\r` before `\n`) and tabs, are written as escapes, and
/// [`REPLACEMENT`] bytes as `?`; with the map between offsets of the file and of the shown text.
pub struct Shown {
    pub text: String,
    /// Each escape: (start, end) in the file, (start, end) in the shown text, in order.
    escapes: Vec<(usize, usize, usize, usize)>,
}

impl Shown {
    pub fn new(text: &str) -> Shown {
        let unsafe_here = |(i, c): (usize, char)| {
            is_unsafe_for_terminal(c)
                && !matches!(c, '\n' | '\t' | '\u{1a}')
                && !(c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
        };
        let replaced = text.contains(char::from(REPLACEMENT));
        if !text.char_indices().any(unsafe_here) {
            let text = if replaced {
                text.replace(char::from(REPLACEMENT), "?")
            } else {
                text.to_string()
            };
            return Shown {
                text,
                escapes: Vec::new(),
            };
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut escapes = Vec::new();
        for (i, c) in text.char_indices() {
            if unsafe_here((i, c)) {
                let start = out.len();
                push_escape(&mut out, c);
                escapes.push((i, i + c.len_utf8(), start, out.len()));
            } else if c == char::from(REPLACEMENT) {
                out.push('?');
            } else {
                out.push(c);
            }
        }
        Shown { text: out, escapes }
    }

    /// The shown offset of a file offset (inside an escaped character: the escape's start).
    pub fn to_shown(&self, offset: usize) -> usize {
        let k = self.escapes.partition_point(|e| e.0 < offset);
        // Escapes wholly before `offset` shift it by their growth.
        match k.checked_sub(1).map(|i| self.escapes[i]) {
            None => offset,
            Some((_, end, _, s_end)) if offset >= end => offset - end + s_end,
            Some((_, _, s_start, _)) => s_start,
        }
    }

    /// The file offset of a shown offset (inside an escape: the escaped character's start).
    pub fn to_original(&self, shown: usize) -> usize {
        let k = self.escapes.partition_point(|e| e.2 <= shown);
        match k.checked_sub(1).map(|i| self.escapes[i]) {
            None => shown,
            Some((_, end, _, s_end)) if shown >= s_end => shown - s_end + end,
            Some((start, ..)) => start,
        }
    }
}

/// A regex error on one line (the `regex` crate's is several, with a caret under the
/// pattern): `unclosed group (at character 2 of the pattern)`.
pub fn regex_error(e: &regex::Error) -> String {
    let regex::Error::Syntax(text) = e else {
        return e.to_string();
    };
    let lines: Vec<&str> = text.lines().collect();
    let what = lines
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .map(str::trim);
    // The caret line: spaces, then `^` (or `^---^`), under the pattern indented by 4.
    let caret = lines.iter().find_map(|l| {
        let trimmed = l.trim_start();
        (trimmed.starts_with('^') && trimmed.trim_end().chars().all(|c| c == '^' || c == '-'))
            .then(|| l.chars().take_while(|c| *c == ' ').count())
    });
    match (what, caret) {
        (Some(what), Some(indent)) if indent >= 4 => {
            format!("{what} (at character {} of the pattern)", indent - 3)
        }
        (Some(what), _) => what.to_string(),
        _ => lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_keep_offsets() {
        let d = decode(b"ab\xffc\xe4\xb8d".to_vec());
        assert_eq!(d.text.len(), 7);
        assert_eq!(d.first_invalid, Some(2));
        assert_eq!(&d.text[3..4], "c");
    }

    #[test]
    fn positions_count_chars_and_skip_bom() {
        let text = "\u{feff}ab\r\n中文x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 3), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 4), Position { line: 1, column: 2 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, x), Position { line: 2, column: 3 });
        // inside a multi-byte character: moved back to its start
        assert_eq!(idx.position(text, x - 1), Position { line: 2, column: 2 });
        assert_eq!(idx.position(text, 999).line, 3);
        let all = [x, 3, 0, 4, x - 1, 999];
        let one_by_one: Vec<Position> = all.iter().map(|&o| idx.position(text, o)).collect();
        assert_eq!(idx.positions(text, &all), one_by_one);
    }

    #[test]
    fn regex_errors_on_one_line() {
        // Built at run time: clippy refuses invalid regex literals.
        let bad = |p: &str| regex::Regex::new(p).unwrap_err();
        let e = bad("^(\\d{4}");
        assert_eq!(
            regex_error(&e),
            "unclosed group (at character 2 of the pattern)"
        );
        let e = bad("ab[");
        assert_eq!(
            regex_error(&e),
            "unclosed character class (at character 3 of the pattern)"
        );
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape_controls("plain 中文 \\ text"), "plain 中文 \\ text");
        assert!(matches!(
            escape_controls("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            escape_controls("a\u{1b}[31mb\nc\rd\te\u{7f}\u{85}\u{202e}f\u{2066}\u{2028}"),
            "a\\u{1b}[31mb\\nc\\rd\\te\\u{7f}\\u{85}\\u{202e}f\\u{2066}\\u{2028}"
        );
    }

    #[test]
    fn shown_text_keeps_line_ends_and_maps_offsets() {
        let text = "ab\u{1b}c\r\nd\re\u{202e}f\tg\u{1a}h\n";
        let shown = Shown::new(text);
        assert_eq!(shown.text, "ab\\u{1b}c\r\nd\\re\\u{202e}f\tg?h\n");
        for (orig, ch) in text.char_indices() {
            let at = shown.to_shown(orig);
            assert_eq!(shown.to_original(at), orig, "{orig}");
            if !is_unsafe_for_terminal(ch) && ch != '\u{1a}' {
                assert!(shown.text[at..].starts_with(ch), "{orig} {ch:?}");
            }
        }
        assert_eq!(shown.to_shown(text.len()), shown.text.len());
        let plain = Shown::new("no controls\r\n");
        assert_eq!(plain.text, "no controls\r\n");
        assert_eq!(plain.to_shown(5), 5);
    }
}
