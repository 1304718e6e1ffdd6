//! Text sources the parser scans: the normalised base text, block-level
//! virtual texts (lists of line pieces, so nested containers never copy
//! bytes) and materialised span texts with an offset map back to the base.

use std::cell::Cell;

/// Random access to the bytes of a text being parsed.
pub(crate) trait Src {
    /// Length in bytes.
    fn len(&self) -> usize;
    /// Byte at `i`, `None` past the end.
    fn at(&self, i: usize) -> Option<u8>;
    /// First position >= `from` where `pat` starts (cached per text where
    /// the implementation supports it, so forward re-queries are amortised).
    fn next_pat(&self, from: usize, pat: Pat) -> Option<usize> {
        scan_pat(self, from, self.len(), pat)
    }
    /// The bytes `a..b` when they are one contiguous slice (no synthetic
    /// bytes), for fast scanning; `None` otherwise.
    fn contiguous(&self, _a: usize, _b: usize) -> Option<&[u8]> {
        None
    }
    /// Position of the first `\n` at or after `i` (or `len()`).
    fn line_end(&self, i: usize) -> usize {
        let mut j = i;
        while let Some(b) = self.at(j) {
            if b == b'\n' {
                return j;
            }
            j += 1;
        }
        self.len()
    }
}

/// Patterns searched forward with a cache.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Pat {
    /// `>`
    Gt,
    /// `}`
    RBrace,
    /// `\n`
    Nl,
    /// `]`
    RBracket,
    /// `-->`
    CommentEnd,
    /// `?>`
    PiEnd,
    /// `$$`
    Dollar2,
    /// `~~` preceded by a character that is neither white space nor `~`
    StrikeEnd,
}

const NPAT: usize = 8;

fn pat_at<S: Src + ?Sized>(s: &S, i: usize, pat: Pat) -> bool {
    match pat {
        Pat::Gt => s.at(i) == Some(b'>'),
        Pat::RBrace => s.at(i) == Some(b'}'),
        Pat::Nl => s.at(i) == Some(b'\n'),
        Pat::RBracket => s.at(i) == Some(b']'),
        Pat::CommentEnd => {
            s.at(i) == Some(b'-') && s.at(i + 1) == Some(b'-') && s.at(i + 2) == Some(b'>')
        }
        Pat::PiEnd => s.at(i) == Some(b'?') && s.at(i + 1) == Some(b'>'),
        Pat::Dollar2 => s.at(i) == Some(b'$') && s.at(i + 1) == Some(b'$'),
        Pat::StrikeEnd => {
            s.at(i) == Some(b'~')
                && s.at(i + 1) == Some(b'~')
                && i > 0
                && s.at(i - 1).is_some_and(|b| !is_ws(b) && b != b'~')
        }
    }
}

/// First position in `from..to` where `pat` starts.
pub(crate) fn scan_pat<S: Src + ?Sized>(s: &S, from: usize, to: usize, pat: Pat) -> Option<usize> {
    let to = to.min(s.len());
    if from < to
        && let Some(sl) = s.contiguous(from, to)
    {
        let one = |c: u8| memchr::memchr(c, sl).map(|k| from + k);
        match pat {
            Pat::Gt => return one(b'>'),
            Pat::RBrace => return one(b'}'),
            Pat::Nl => return one(b'\n'),
            Pat::RBracket => return one(b']'),
            _ => {
                let first = match pat {
                    Pat::CommentEnd => b'-',
                    Pat::PiEnd => b'?',
                    Pat::Dollar2 => b'$',
                    _ => b'~',
                };
                for k in memchr::memchr_iter(first, sl) {
                    if pat_at(s, from + k, pat) {
                        return Some(from + k);
                    }
                }
                return None;
            }
        }
    }
    (from..to).find(|&i| pat_at(s, i, pat))
}

/// Forward-search caches: for each pattern the last query and its answer
/// (allocated on first use).
#[derive(Clone, Default, Debug)]
pub(crate) struct Caches {
    slots: std::cell::OnceCell<Box<[Cell<(usize, usize, bool)>; NPAT]>>,
}

impl Caches {
    fn find<S: Src + ?Sized>(&self, s: &S, from: usize, pat: Pat) -> Option<usize> {
        let slots = self.slots.get_or_init(Box::default);
        let Some(slot) = slots.get(pat as usize) else {
            return scan_pat(s, from, s.len(), pat);
        };
        let (q, a, valid) = slot.get();
        let ans = |a: usize| if a == usize::MAX { None } else { Some(a) };
        let res = if valid && from >= q && (a == usize::MAX || from <= a) {
            return ans(a);
        } else if valid && from < q {
            scan_pat(s, from, q, pat).or(ans(a))
        } else {
            scan_pat(s, from, s.len(), pat)
        };
        slot.set((from, res.unwrap_or(usize::MAX), true));
        res
    }
}

impl Src for [u8] {
    fn contiguous(&self, a: usize, b: usize) -> Option<&[u8]> {
        self.get(a..b)
    }
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn at(&self, i: usize) -> Option<u8> {
        self.get(i).copied()
    }
    fn line_end(&self, i: usize) -> usize {
        match self.get(i..) {
            Some(rest) => rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(self.len(), |p| i + p),
            None => self.len(),
        }
    }
}

/// Ruby `\s`.
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Characters removed by Ruby's `strip`/`lstrip`/`rstrip`.
pub(crate) fn is_strip(b: u8) -> bool {
    is_ws(b) || b == 0
}

/// Ruby `\w` (ASCII only).
pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Decode the UTF-8 character starting at `i` (the text is valid UTF-8 at
/// character boundaries; on a stray byte returns U+FFFD and length 1).
pub(crate) fn char_at<S: Src + ?Sized>(s: &S, i: usize) -> Option<(char, usize)> {
    let b0 = s.at(i)?;
    if b0 < 0x80 {
        return Some((b0 as char, 1));
    }
    let (len, init) = if b0 & 0xE0 == 0xC0 {
        (2, u32::from(b0 & 0x1F))
    } else if b0 & 0xF0 == 0xE0 {
        (3, u32::from(b0 & 0x0F))
    } else if b0 & 0xF8 == 0xF0 {
        (4, u32::from(b0 & 0x07))
    } else {
        return Some(('\u{FFFD}', 1));
    };
    let mut cp = init;
    for k in 1..len {
        match s.at(i + k) {
            Some(b) if b & 0xC0 == 0x80 => cp = (cp << 6) | u32::from(b & 0x3F),
            _ => return Some(('\u{FFFD}', 1)),
        }
    }
    Some((char::from_u32(cp).unwrap_or('\u{FFFD}'), len))
}

/// Decode the character ending just before `i`.
pub(crate) fn char_before<S: Src + ?Sized>(s: &S, i: usize) -> Option<(char, usize)> {
    if i == 0 {
        return None;
    }
    let mut start = i - 1;
    let mut k = 0;
    while k < 3 && start > 0 && s.at(start).is_some_and(|b| b & 0xC0 == 0x80) {
        start -= 1;
        k += 1;
    }
    match char_at(s, start) {
        Some((c, l)) if start + l == i => Some((c, l)),
        _ => s
            .at(i - 1)
            .map(|b| (if b < 0x80 { b as char } else { '\u{FFFD}' }, 1)),
    }
}

/// Onigmo `[[:alpha:]]` for UTF-8 strings: the Unicode Alphabetic property.
pub(crate) fn is_alpha(c: char) -> bool {
    c.is_alphabetic()
}

fn is_nd(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.is_ascii_digit() || (!c.is_ascii() && c.general_category() == GeneralCategory::DecimalNumber)
}

/// Onigmo `[[:alnum:]]`: Alphabetic or decimal number.
pub(crate) fn is_alnum(c: char) -> bool {
    c.is_alphabetic() || is_nd(c)
}

/// Onigmo `\p{Word}`: letters, marks, decimal numbers and connector punctuation.
pub(crate) fn is_pword(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    if c.is_alphabetic() || is_nd(c) {
        return true;
    }
    let g = c.general_category_group();
    g == GeneralCategoryGroup::Mark
        || c.general_category() == unicode_properties::GeneralCategory::ConnectorPunctuation
}

/// Word character for Onigmo's `\b` (Unicode aware, unlike `\w`).
pub(crate) fn is_bword(c: char) -> bool {
    is_pword(c)
}

/// One line (or line tail) of a block-level virtual text: `synth` spaces
/// (from tab expansion or re-indentation) followed by `base[start..end]`.
/// `base[start..end]` holds at most one `\n`, at its end.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub synth: u32,
    pub start: usize,
    pub end: usize,
}

impl Line {
    pub fn len(&self) -> usize {
        self.synth as usize + (self.end - self.start)
    }
}

/// A single line piece as a text (no allocation).
pub(crate) struct LineSrc<'b> {
    pub base: &'b [u8],
    pub line: Line,
}

impl LineSrc<'_> {
    /// Materialise `a..b` of the line.
    pub fn mtext(&self, a: usize, b: usize) -> MText {
        let b = b.min(self.line.len());
        let mut m = MText::default();
        if a < b {
            m.push_line(self.base, truncate(advance(self.line, a), b - a));
        }
        m
    }
}

impl Src for LineSrc<'_> {
    fn len(&self) -> usize {
        self.line.len()
    }
    fn line_end(&self, i: usize) -> usize {
        let n = self.line.len();
        let nl =
            self.line.end > self.line.start && self.base.get(self.line.end - 1) == Some(&b'\n');
        if nl && i < n { n - 1 } else { n }
    }
    fn at(&self, i: usize) -> Option<u8> {
        let s = self.line.synth as usize;
        if i < s {
            Some(b' ')
        } else if i < self.line.len() {
            self.base.get(self.line.start + i - s).copied()
        } else {
            None
        }
    }
}

/// A block-level text: a sequence of line pieces over the base text.
pub(crate) struct VText<'b> {
    pub base: &'b [u8],
    pub lines: Vec<Line>,
    /// Virtual start of each line; one extra entry with the total length.
    pub vstart: Vec<usize>,
    cache: Cell<usize>,
    caches: Caches,
    /// `Some(o)` when the text is the contiguous base range `o..o + len`
    /// (no synthetic bytes): byte access and searches go straight to the slice.
    flat: Option<usize>,
    /// The length (the last entry of `vstart`).
    n: usize,
    /// Lazily built index of possible closing fence lines: for '`' and '~',
    /// (line start, run length, end after newline) and the suffix maxima of
    /// the run lengths.
    pub fence_idx: std::cell::OnceCell<[FenceIdx; 2]>,
}

/// Closing-fence candidates of one fence character.
#[derive(Default, Debug)]
pub(crate) struct FenceIdx {
    pub cands: Vec<(usize, usize, usize)>,
    pub suffix_max: Vec<usize>,
}

impl<'b> VText<'b> {
    pub fn new(base: &'b [u8], lines: Vec<Line>) -> Self {
        let lines: Vec<Line> = lines.into_iter().filter(|l| l.len() > 0).collect();
        let mut vstart = Vec::with_capacity(lines.len() + 1);
        let mut acc = 0;
        for l in &lines {
            vstart.push(acc);
            acc += l.len();
        }
        vstart.push(acc);
        let contiguous = lines.iter().all(|l| l.synth == 0)
            && lines.windows(2).all(|w| match w {
                [a, b] => a.end == b.start,
                _ => true,
            });
        let flat = if contiguous {
            Some(lines.first().map_or(0, |l| l.start))
        } else {
            None
        };
        VText {
            base,
            lines,
            vstart,
            cache: Cell::new(0),
            caches: Caches::default(),
            flat,
            n: acc,
            fence_idx: std::cell::OnceCell::new(),
        }
    }

    /// Index of the line containing virtual position `i` (`i < len`).
    pub fn line_of(&self, i: usize) -> usize {
        let c = self.cache.get();
        if let (Some(&s), Some(&e)) = (self.vstart.get(c), self.vstart.get(c + 1)) {
            if s <= i && i < e {
                return c;
            }
            if let Some(&e2) = self.vstart.get(c + 2)
                && e <= i
                && i < e2
            {
                self.cache.set(c + 1);
                return c + 1;
            }
        }
        // binary search: last line with vstart <= i
        let n = self.lines.len();
        let mut lo = 0usize;
        let mut hi = n;
        while lo + 1 < hi {
            let mid = (lo + hi) / 2;
            if self.vstart.get(mid).is_some_and(|&v| v <= i) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        self.cache.set(lo);
        lo
    }

    /// Base offset of virtual position `i` (synthetic spaces map to the
    /// start of their line's base part).
    pub fn to_base(&self, i: usize) -> usize {
        if self.lines.is_empty() {
            return 0;
        }
        if let Some(o) = self.flat {
            return o + i.min(self.len());
        }
        if i >= self.len() {
            return self.lines.last().map_or(0, |l| l.end);
        }
        let li = self.line_of(i);
        let (Some(l), Some(&vs)) = (self.lines.get(li), self.vstart.get(li)) else {
            return 0;
        };
        let off = i - vs;
        if off < l.synth as usize {
            l.start
        } else {
            l.start + off - l.synth as usize
        }
    }

    /// Base offset for the end of a virtual range ending at `i` (exclusive).
    pub fn to_base_end(&self, i: usize) -> usize {
        if i == 0 {
            return self.to_base(0);
        }
        self.to_base(i - 1) + 1
    }

    /// The line pieces covering virtual range `a..b`, clipped.
    pub fn slice_lines(&self, a: usize, b: usize) -> Vec<Line> {
        let mut out = Vec::new();
        if a >= b || self.lines.is_empty() {
            return out;
        }
        let mut li = self.line_of(a);
        while let (Some(l), Some(&vs)) = (self.lines.get(li), self.vstart.get(li)) {
            if vs >= b {
                break;
            }
            let ve = vs + l.len();
            let mut piece = *l;
            // clip front
            if a > vs {
                let cut = a - vs;
                piece = advance(piece, cut);
            }
            // clip back
            if b < ve {
                let keep = piece.len() - (ve - b);
                piece = truncate(piece, keep);
            }
            out.push(piece);
            li += 1;
        }
        out
    }

    /// The base range of virtual range `a..b` when it is contiguous source
    /// text (no synthetic bytes, one line piece or a flat text).
    pub fn base_range(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        if a >= b || b > self.len() {
            return None;
        }
        if let Some(o) = self.flat {
            return Some((o + a, o + b));
        }
        let li = self.line_of(a);
        let l = self.lines.get(li)?;
        let vs = *self.vstart.get(li)?;
        let off = a - vs;
        let sy = l.synth as usize;
        if off >= sy && b <= vs + l.len() {
            Some((l.start + off - sy, l.start + (b - vs) - sy))
        } else {
            None
        }
    }

    /// Materialise virtual range `a..b` as a span text.
    pub fn mtext(&self, a: usize, b: usize) -> MText {
        let mut m = MText::default();
        if let Some(o) = self.flat {
            let b = b.min(self.len());
            if a < b {
                m.push_line(
                    self.base,
                    Line {
                        synth: 0,
                        start: o + a,
                        end: o + b,
                    },
                );
            }
            return m;
        }
        for l in self.slice_lines(a, b) {
            m.push_line(self.base, l);
        }
        m
    }

    /// Copy of the bytes of `a..b`.
    pub fn bytes(&self, a: usize, b: usize) -> Vec<u8> {
        if let Some(o) = self.flat {
            let b = b.min(self.len());
            return self
                .base
                .get(o + a.min(b)..o + b)
                .unwrap_or_default()
                .to_vec();
        }
        let mut v = Vec::with_capacity(b.saturating_sub(a));
        for l in self.slice_lines(a, b) {
            v.extend(std::iter::repeat_n(b' ', l.synth as usize));
            if let Some(s) = self.base.get(l.start..l.end) {
                v.extend_from_slice(s);
            }
        }
        v
    }
}

/// Drop the first `n` virtual bytes of a line.
pub(crate) fn advance(mut l: Line, n: usize) -> Line {
    let s = l.synth as usize;
    if n <= s {
        l.synth = (s - n) as u32;
    } else {
        l.synth = 0;
        l.start = (l.start + (n - s)).min(l.end);
    }
    l
}

/// Keep only the first `n` virtual bytes of a line.
pub(crate) fn truncate(mut l: Line, n: usize) -> Line {
    let s = l.synth as usize;
    if n <= s {
        l.synth = n as u32;
        l.end = l.start;
    } else {
        l.end = (l.start + (n - s)).min(l.end);
    }
    l
}

impl Src for VText<'_> {
    fn contiguous(&self, a: usize, b: usize) -> Option<&[u8]> {
        let o = self.flat?;
        if b > self.len() || a > b {
            return None;
        }
        self.base.get(o + a..o + b)
    }
    fn next_pat(&self, from: usize, pat: Pat) -> Option<usize> {
        self.caches.find(self, from, pat)
    }
    #[inline]
    fn len(&self) -> usize {
        self.n
    }
    #[inline]
    fn at(&self, i: usize) -> Option<u8> {
        if i >= self.len() {
            return None;
        }
        if let Some(o) = self.flat {
            return self.base.get(o + i).copied();
        }
        let li = self.line_of(i);
        let l = self.lines.get(li)?;
        let off = i - self.vstart.get(li)?;
        if off < l.synth as usize {
            Some(b' ')
        } else {
            self.base.get(l.start + off - l.synth as usize).copied()
        }
    }
    fn line_end(&self, i: usize) -> usize {
        if i >= self.len() {
            return self.len();
        }
        if self.flat.is_some() {
            // the block parsers ask for the end of the same line several times: cached
            return self.caches.find(self, i, Pat::Nl).unwrap_or(self.len());
        }
        let li = self.line_of(i);
        match (self.lines.get(li), self.vstart.get(li)) {
            (Some(l), Some(&vs)) => {
                let e = vs + l.len();
                if l.end > l.start && self.base.get(l.end - 1) == Some(&b'\n') {
                    e - 1
                } else {
                    // a line piece without newline: continue into the next pieces
                    let mut j = e;
                    while j < self.len() {
                        let lj = self.line_of(j);
                        match (self.lines.get(lj), self.vstart.get(lj)) {
                            (Some(l2), Some(&v2)) => {
                                let e2 = v2 + l2.len();
                                if l2.end > l2.start && self.base.get(l2.end - 1) == Some(&b'\n') {
                                    return e2 - 1;
                                }
                                j = e2;
                            }
                            _ => break,
                        }
                    }
                    self.len()
                }
            }
            _ => self.len(),
        }
    }
}

/// A materialised span-level text with a map back to base offsets.
#[derive(Default, Clone, Debug)]
pub(crate) struct MText {
    pub bytes: Vec<u8>,
    /// Pieces: (virtual start, base start, synthetic?) sorted by virtual start.
    pub map: Vec<(usize, usize, bool)>,
    caches: Caches,
}

impl MText {
    /// The text of the base bytes `span`, as one piece.
    pub fn of_span(base: &[u8], span: &std::ops::Range<usize>) -> MText {
        let mut mt = MText::default();
        mt.push_line(
            base,
            Line {
                synth: 0,
                start: span.start,
                end: span.end,
            },
        );
        mt
    }

    pub fn push_line(&mut self, base: &[u8], l: Line) {
        self.caches = Caches::default();
        if l.synth > 0 {
            self.map.push((self.bytes.len(), l.start, true));
            self.bytes
                .extend(std::iter::repeat_n(b' ', l.synth as usize));
        }
        if l.end > l.start {
            // a piece continuing the previous one in the base extends it
            let cont = self
                .map
                .last()
                .is_some_and(|&(v, b, synth)| !synth && b + (self.bytes.len() - v) == l.start);
            if !cont {
                self.map.push((self.bytes.len(), l.start, false));
            }
            if let Some(s) = base.get(l.start..l.end) {
                self.bytes.extend_from_slice(s);
            }
        }
    }

    /// Append synthetic bytes mapped to base offset `at`.
    pub fn push_synth(&mut self, s: &[u8], at: usize) {
        self.caches = Caches::default();
        if s.is_empty() {
            return;
        }
        self.map.push((self.bytes.len(), at, true));
        self.bytes.extend_from_slice(s);
    }

    /// Append another text.
    pub fn append(&mut self, o: &MText) {
        self.caches = Caches::default();
        let off = self.bytes.len();
        for &(v, b, s) in &o.map {
            self.map.push((v + off, b, s));
        }
        self.bytes.extend_from_slice(&o.bytes);
    }

    /// Sub-text `a..b`.
    pub fn sub(&self, a: usize, b: usize) -> MText {
        let b = b.min(self.bytes.len());
        let a = a.min(b);
        let mut m = MText {
            bytes: self.bytes.get(a..b).map(<[u8]>::to_vec).unwrap_or_default(),
            map: Vec::new(),
            caches: Caches::default(),
        };
        if a == b {
            return m;
        }
        let mut idx = self.piece_of(a);
        let (_, b0, s0) = self.map.get(idx).copied().unwrap_or((0, 0, true));
        let v0 = self.map.get(idx).map_or(0, |p| p.0);
        m.map.push((0, if s0 { b0 } else { b0 + (a - v0) }, s0));
        idx += 1;
        while let Some(&(v, bb, s)) = self.map.get(idx) {
            if v >= b {
                break;
            }
            m.map.push((v - a, bb, s));
            idx += 1;
        }
        m
    }

    /// The base range of `a..b` when it lies in one piece of source text.
    pub fn base_range(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        if a >= b || b > self.bytes.len() {
            return None;
        }
        let k = self.piece_of(a);
        let &(v, bs, synth) = self.map.get(k)?;
        if synth || a < v {
            return None;
        }
        let next = self.map.get(k + 1).map_or(self.bytes.len(), |p| p.0);
        if b > next {
            return None;
        }
        Some((bs + (a - v), bs + (b - v)))
    }

    fn piece_of(&self, i: usize) -> usize {
        match self.map.binary_search_by(|p| p.0.cmp(&i)) {
            Ok(k) => {
                // last piece starting at i
                let mut k = k;
                while self.map.get(k + 1).is_some_and(|p| p.0 == i) {
                    k += 1;
                }
                k
            }
            Err(0) => 0,
            Err(k) => k - 1,
        }
    }

    /// Base offset of position `i`.
    pub fn to_base(&self, i: usize) -> usize {
        if self.map.is_empty() {
            return 0;
        }
        if i >= self.bytes.len() {
            return self.to_base_end(self.bytes.len());
        }
        let k = self.piece_of(i);
        match self.map.get(k) {
            Some(&(v, b, s)) => {
                if s {
                    b
                } else {
                    b + (i - v)
                }
            }
            None => 0,
        }
    }

    /// Base offset for the end of a range ending at `i` (exclusive).
    pub fn to_base_end(&self, i: usize) -> usize {
        if i == 0 || self.map.is_empty() {
            return self.map.first().map_or(0, |p| p.1);
        }
        let k = self.piece_of(i - 1);
        match self.map.get(k) {
            Some(&(v, b, s)) => {
                if s {
                    b
                } else {
                    b + (i - v)
                }
            }
            None => 0,
        }
    }

    /// Ruby `rstrip!`.
    pub fn rstrip(&mut self) {
        self.caches = Caches::default();
        while self.bytes.last().is_some_and(|&b| is_strip(b)) {
            self.bytes.pop();
        }
        let n = self.bytes.len();
        while self.map.last().is_some_and(|p| p.0 >= n && n > 0) {
            self.map.pop();
        }
        if n == 0 {
            self.map.truncate(1);
        }
    }

    /// Ruby `lstrip!`.
    pub fn lstrip(&mut self) {
        let k = self.bytes.iter().take_while(|&&b| is_strip(b)).count();
        if k > 0 {
            *self = self.sub_keep_empty(k);
        }
    }

    fn sub_keep_empty(&self, k: usize) -> MText {
        if k >= self.bytes.len() {
            let b = self.to_base_end(self.bytes.len());
            return MText {
                bytes: Vec::new(),
                map: vec![(0, b, true)],
                caches: Caches::default(),
            };
        }
        self.sub(k, self.bytes.len())
    }

    /// Ruby `strip`.
    pub fn strip(&mut self) {
        self.rstrip();
        self.lstrip();
    }
}

impl Src for MText {
    fn contiguous(&self, a: usize, b: usize) -> Option<&[u8]> {
        self.bytes.get(a..b)
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }
    fn line_end(&self, i: usize) -> usize {
        self.caches
            .find(self, i, Pat::Nl)
            .unwrap_or(self.bytes.len())
    }
    fn next_pat(&self, from: usize, pat: Pat) -> Option<usize> {
        self.caches.find(self, from, pat)
    }
}
