//! postlint: libyaml's reader over a string given whole. The scanner reads characters by
//! index from the input bytes (no per-character buffer). What libyaml's reader makes
//! observable is *when* a control character is reported: libyaml decodes its input one raw
//! chunk at a time (`INPUT_RAW_BUFFER_SIZE` = 16384 bytes), checking every character of the
//! chunk, and only when the scanner needs characters beyond what is decoded
//! (`yaml_parser_update_buffer`). `Input` keeps that: `avail` is the end of the decoded part,
//! extended region by region exactly as the chunks are decoded, and a region's characters
//! are checked when it is decoded.
//!
//! The regions: each raw chunk is the 16384 bytes after what is decoded (a character split
//! at a chunk's end is carried to the front of the next chunk), decoded up to its last
//! complete character. (The earlier `BufReader` emulation cut chunks at multiples of 16384
//! and so reported a control character up to 3 bytes too early after a split character;
//! Ruby confirms the drift, see `special_cases_agree_with_psych`.)

use crate::libyaml::{Error, INPUT_RAW_BUFFER_SIZE, Result};

pub(crate) struct Input<'a> {
    /// The whole input.
    text: &'a str,
    /// Its bytes.
    src: &'a [u8],
    /// Byte offset of the next character.
    pub(crate) pos: usize,
    /// End of the decoded (checked) part.
    avail: usize,
}

/// The length of the UTF-8 sequence a leading byte starts.
fn width(b: u8) -> usize {
    if b < 0x80 {
        1
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        3
    } else {
        4
    }
}

/// Whether libyaml's reader accepts a character (`yaml_parser_update_buffer`).
fn printable(ch: char) -> bool {
    ch == '\x09'
        || ch == '\x0A'
        || ch == '\x0D'
        || ('\x20'..='\x7E').contains(&ch)
        || ch == '\u{0085}'
        || ('\u{00A0}'..='\u{D7FF}').contains(&ch)
        || ('\u{E000}'..='\u{FFFD}').contains(&ch)
        || ('\u{10000}'..='\u{10FFFF}').contains(&ch)
}

impl<'a> Input<'a> {
    pub(crate) fn new(src: &'a str) -> Input<'a> {
        Input {
            text: src,
            src: src.as_bytes(),
            pos: 0,
            avail: 0,
        }
    }

    /// The character starting at byte `i` (a character boundary), if decoded.
    #[inline]
    fn decode(&self, i: usize) -> Option<char> {
        if i >= self.avail {
            return None;
        }
        self.decode_raw(i)
    }

    /// The character starting at byte `i` (a character boundary).
    #[inline]
    fn decode_raw(&self, i: usize) -> Option<char> {
        let b0 = *self.src.get(i)?;
        if b0 < 0x80 {
            return Some(char::from(b0));
        }
        let cont = |k: usize| u32::from(self.src.get(i + k).copied().unwrap_or(0x80) & 0x3F);
        let c = match width(b0) {
            2 => (u32::from(b0 & 0x1F) << 6) | cont(1),
            3 => (u32::from(b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2),
            _ => (u32::from(b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
        };
        char::from_u32(c)
    }

    /// The `k`-th character ahead (0 = the current one), or `None` past the decoded part.
    #[inline]
    pub(crate) fn at(&self, k: usize) -> Option<char> {
        let mut i = self.pos;
        for _ in 0..k {
            i += width(*self.src.get(i)?);
        }
        self.decode(i)
    }

    /// The current character's byte, when it is ASCII and decoded.
    #[inline]
    pub(crate) fn byte(&self) -> Option<u8> {
        if self.pos < self.avail {
            self.src.get(self.pos).copied()
        } else {
            None
        }
    }

    /// The decoded bytes from `start` to the current position.
    pub(crate) fn slice_from(&self, start: usize) -> &'a str {
        self.text.get(start..self.pos).unwrap_or("")
    }

    /// Whether `n` characters are decoded from the current position on.
    #[inline]
    fn has(&self, n: usize) -> bool {
        let left = self.avail.saturating_sub(self.pos);
        if left >= 4 * n {
            return true;
        }
        let mut i = self.pos;
        for _ in 0..n {
            if i >= self.avail {
                return false;
            }
            i += self.src.get(i).map_or(1, |&b| width(b));
        }
        i <= self.avail
    }

    /// `yaml_parser_update_buffer(parser, n)`: decode regions until `n` characters are
    /// available or the input is exhausted; a control character in a decoded region is an
    /// error.
    #[inline]
    pub(crate) fn cache(&mut self, n: usize) -> Result<()> {
        if self.has(n) {
            return Ok(());
        }
        self.fill(n)
    }

    fn fill(&mut self, n: usize) -> Result<()> {
        while !self.has(n) {
            if self.avail >= self.src.len() {
                return Ok(());
            }
            let end = self.next_cut();
            self.check(self.avail, end)?;
            self.avail = end;
        }
        Ok(())
    }

    /// The end of the region decoded after `avail`: libyaml's raw buffer then holds the
    /// 16384 bytes from `avail` on (the undecoded rest of a split character moved to its
    /// front, `yaml_parser_update_raw_buffer`), and every complete character is decoded.
    fn next_cut(&self) -> usize {
        let len = self.src.len();
        let mut end = (self.avail + INPUT_RAW_BUFFER_SIZE).min(len);
        while end > self.avail && end < len && self.src.get(end).is_some_and(|&b| b & 0xC0 == 0x80)
        {
            end -= 1;
        }
        end
    }

    /// Check the characters of `[from, to)` (a decoded region of valid UTF-8): the ones
    /// libyaml rejects are the C0 controls but tab, LF and CR; DEL; the C1 controls but NEL
    /// (`C2 80`–`C2 9F` but `C2 85`); U+FFFE and U+FFFF (`EF BF BE`, `EF BF BF`).
    fn check(&self, from: usize, to: usize) -> Result<()> {
        /// 0: accepted; 1: rejected; 2: look at the next bytes.
        const CLASS: [u8; 256] = {
            let mut t = [0u8; 256];
            let mut b = 0;
            while b < 0x20 {
                t[b] = 1;
                b += 1;
            }
            t[b'\t' as usize] = 0;
            t[b'\n' as usize] = 0;
            t[b'\r' as usize] = 0;
            t[0x7F] = 1;
            t[0xC2] = 2;
            t[0xEF] = 2;
            t
        };
        let bytes = self.src.get(from..to).unwrap_or(&[]);
        let mut i = 0;
        while let Some(k) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| CLASS[b as usize] != 0))
        {
            i += k;
            let bad = match bytes[i] {
                0xC2 => bytes
                    .get(i + 1)
                    .is_some_and(|&c| (0x80..=0x9F).contains(&c) && c != 0x85),
                0xEF => {
                    bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
                }
                _ => true,
            };
            if bad {
                let ch = self.decode_raw(from + i).unwrap_or('\0');
                return Err(Error::reader(
                    "control characters are not allowed",
                    from + i,
                    ch as _,
                ));
            }
            i += 1;
        }
        Ok(())
    }

    /// postlint: move past a run of characters that the scalar scanners would each just
    /// read: ASCII bytes for which `stop` is false and non-ASCII characters but the line
    /// breaks NEL, LS and PS. It stays 9 bytes short of the decoded end, where every
    /// `CACHE(parser, 2)` after a character is a no-op (the scanners' per-character loop
    /// takes over from there). Returns the bytes and characters passed.
    #[inline]
    pub(crate) fn skip_run(&mut self, stop: impl Fn(u8) -> bool) -> (usize, usize) {
        let start = self.pos;
        let mut i = self.pos;
        let mut chars = 0;
        while i + 9 <= self.avail {
            let Some(&b) = self.src.get(i) else { break };
            if b < 0x80 {
                if stop(b) {
                    break;
                }
                i += 1;
            } else {
                let (b1, b2) = (self.src.get(i + 1), self.src.get(i + 2));
                if (b == 0xC2 && b1 == Some(&0x85))
                    || (b == 0xE2 && b1 == Some(&0x80) && matches!(b2, Some(0xA8 | 0xA9)))
                {
                    break;
                }
                i += width(b);
            }
            chars += 1;
        }
        self.pos = i;
        (i - start, chars)
    }

    /// Move past the current character; its width in bytes (0 at the end).
    #[inline]
    pub(crate) fn advance(&mut self) -> usize {
        match self.byte() {
            Some(b) => {
                let w = width(b);
                self.pos += w;
                w
            }
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte classifier of `check` rejects exactly the characters libyaml rejects.
    #[test]
    fn check_agrees_with_printable() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            let mut input = Input::new(&s);
            input.avail = s.len();
            let bad = input.check(0, s.len()).is_err();
            assert_eq!(bad, !printable(c), "{:X}", c as u32);
        }
    }

    /// The regions follow libyaml's raw chunks, a split character carried over.
    #[test]
    fn regions() {
        let s = format!("{}é{}", "x".repeat(16383), "y".repeat(20000));
        let mut input = Input::new(&s);
        input.fill(1).unwrap();
        assert_eq!(input.avail, 16383);
        input.pos = 16383;
        input.fill(2).unwrap();
        assert_eq!(input.avail, 16383 + 16384);
        input.pos = input.avail;
        input.fill(1).unwrap();
        assert_eq!(input.avail, s.len());
    }
}
