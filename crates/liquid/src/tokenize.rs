//! `Liquid::Tokenizer`: `source.split(TemplateParser)` with byte offsets.
//!
//! `TemplateParser = /({%.*?%}|{{.*?}}?|{%|{{)/m`: at the leftmost `{%` or `{{`, a tag
//! runs to the first `%}` after it, a variable to the first `}` after it (plus one more
//! `}` if it follows); with no such end the token is the two-byte opener alone. The
//! searches for `%}` and `}` remember the last hit, so the whole split is linear even
//! on 100,000 unclosed openers.

use memchr_lite::{find_byte, find_pair};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    Text,
    Tag,
    Var,
}

#[derive(Clone, Copy, Debug)]
pub struct Token {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

pub struct Tokenizer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Cached next `%}` at or after some offset: (from, hit).
    pct: Option<(usize, Option<usize>)>,
    brace: Option<(usize, Option<usize>)>,
    pending: Option<Token>,
}

mod memchr_lite {
    pub fn find_byte(h: &[u8], from: usize, b: u8) -> Option<usize> {
        h.get(from..)?
            .iter()
            .position(|&x| x == b)
            .map(|p| p + from)
    }

    pub fn find_pair(h: &[u8], from: usize, a: u8, b: u8) -> Option<usize> {
        let mut i = from;
        while let Some(p) = find_byte(h, i, a) {
            if h.get(p + 1) == Some(&b) {
                return Some(p);
            }
            i = p + 1;
        }
        None
    }
}

impl<'a> Tokenizer<'a> {
    pub fn new(src: &'a str) -> Self {
        Tokenizer {
            src: src.as_bytes(),
            pos: 0,
            pct: None,
            brace: None,
            pending: None,
        }
    }

    fn next_pct_close(&mut self, from: usize) -> Option<usize> {
        if let Some((f, hit)) = self.pct
            && f <= from
            && hit.is_none_or(|h| h >= from)
        {
            return hit;
        }
        let hit = find_pair(self.src, from, b'%', b'}');
        self.pct = Some((from, hit));
        hit
    }

    fn next_brace(&mut self, from: usize) -> Option<usize> {
        if let Some((f, hit)) = self.brace
            && f <= from
            && hit.is_none_or(|h| h >= from)
        {
            return hit;
        }
        let hit = find_byte(self.src, from, b'}');
        self.brace = Some((from, hit));
        hit
    }

    /// The next non-empty token.
    pub fn next_token(&mut self) -> Option<Token> {
        if let Some(t) = self.pending.take() {
            return Some(t);
        }
        let s = self.src;
        if self.pos >= s.len() {
            return None;
        }
        // Leftmost `{%` or `{{`.
        let mut i = self.pos;
        let open = loop {
            match find_byte(s, i, b'{') {
                Some(p) if p + 1 < s.len() && (s[p + 1] == b'%' || s[p + 1] == b'{') => {
                    break Some(p);
                }
                Some(p) => i = p + 1,
                None => break None,
            }
        };
        let Some(p) = open else {
            let t = Token {
                kind: TokKind::Text,
                start: self.pos,
                end: s.len(),
            };
            self.pos = s.len();
            return Some(t);
        };
        let (kind, end) = if s[p + 1] == b'%' {
            match self.next_pct_close(p + 2) {
                Some(q) => (TokKind::Tag, q + 2),
                None => (TokKind::Tag, p + 2),
            }
        } else {
            match self.next_brace(p + 2) {
                Some(q) if s.get(q + 1) == Some(&b'}') => (TokKind::Var, q + 2),
                Some(q) => (TokKind::Var, q + 1),
                None => (TokKind::Var, p + 2),
            }
        };
        let tok = Token {
            kind,
            start: p,
            end,
        };
        let text_start = self.pos;
        self.pos = end;
        if p > text_start {
            self.pending = Some(tok);
            return Some(Token {
                kind: TokKind::Text,
                start: text_start,
                end: p,
            });
        }
        Some(tok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        let mut t = Tokenizer::new(s);
        let mut v = Vec::new();
        while let Some(x) = t.next_token() {
            v.push(&s[x.start..x.end]);
        }
        v
    }

    #[test]
    fn splits_like_ruby() {
        assert_eq!(
            toks("a{% b %}c{{ d }}e"),
            ["a", "{% b %}", "c", "{{ d }}", "e"]
        );
        assert_eq!(toks("{{ a }b }}"), ["{{ a }", "b }}"]);
        assert_eq!(toks("{% a"), ["{%", " a"]);
        assert_eq!(toks("{{ {% endraw %}"), ["{{ {% endraw %}"]);
        assert_eq!(toks("{%}%}"), ["{%}%}"]);
        assert_eq!(toks("x{{"), ["x", "{{"]);
        assert_eq!(toks("{{{%a%}"), ["{{{%a%}"]);
    }
}
