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
}
