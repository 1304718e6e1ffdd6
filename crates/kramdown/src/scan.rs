//! Block-level regexes of parser/kramdown/*.rb as matchers over a [`Src`].

use crate::html;
use crate::ial::ald_id_name;
use crate::text::{FenceIdx, Src, VText, is_ws};

/// `OPT_SPACE` ` {0,3}` then returns position.
pub(crate) fn opt_space<S: Src + ?Sized>(s: &S, p: usize) -> usize {
    let mut q = p;
    while q < p + 3 && s.at(q) == Some(b' ') {
        q += 1;
    }
    q
}

/// `BLANK_LINE` `(?>^\s*\n)+`: end of match.
pub(crate) fn blank_line<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    let mut q = p;
    let mut last_nl = None;
    while let Some(b) = s.at(q) {
        if !is_ws(b) {
            break;
        }
        if b == b'\n' {
            last_nl = Some(q);
        }
        q += 1;
    }
    last_nl.map(|x| x + 1)
}

/// `EOB_MARKER` `^\^\s*?\n`.
pub(crate) fn eob_marker<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    if s.at(p) != Some(b'^') {
        return None;
    }
    let mut q = p + 1;
    while let Some(b) = s.at(q) {
        if b == b'\n' {
            return Some(q + 1);
        }
        if !is_ws(b) {
            return None;
        }
        q += 1;
    }
    None
}

/// `\Z` at p.
pub(crate) fn at_z<S: Src + ?Sized>(s: &S, p: usize) -> bool {
    p >= s.len() || (p + 1 == s.len() && s.at(p) == Some(b'\n'))
}

/// `IAL_BLOCK` `\{:(?!:|\/)(ALD_ANY_CHARS+)\}\s*?\n` at p: (content range, end).
pub(crate) fn ial_block<S: Src + ?Sized>(s: &S, p: usize) -> Option<((usize, usize), usize)> {
    if s.at(p) != Some(b'{') || s.at(p + 1) != Some(b':') {
        return None;
    }
    if matches!(s.at(p + 2), Some(b':') | Some(b'/')) {
        return None;
    }
    ald_any_close(s, p + 2).map(|(ce, end)| ((p + 2, ce), end))
}

/// `(ALD_ANY_CHARS+)\}\s*?\n` from content start c: (content end, match end).
pub(crate) fn ald_any_close<S: Src + ?Sized>(s: &S, c: usize) -> Option<(usize, usize)> {
    // first '}' not preceded by a backslash (at or after c); escaped ones are
    // backtracking candidates
    let mut i = c;
    let mut escaped: Vec<usize> = Vec::new();
    let mut first = None;
    while let Some(k) = s.next_pat(i, crate::text::Pat::RBrace) {
        if k > c && s.at(k - 1) == Some(b'\\') {
            escaped.push(k);
            i = k + 1;
            continue;
        }
        first = Some(k);
        break;
    }
    let cands = first.into_iter().chain(escaped.into_iter().rev());
    for k in cands {
        if k <= c {
            continue;
        }
        if let Some(e) = ws_then_nl(s, k + 1) {
            return Some((k, e));
        }
    }
    None
}

/// `\s*?\n` at p: end after the newline.
pub(crate) fn ws_then_nl<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    let mut q = p;
    while let Some(b) = s.at(q) {
        if b == b'\n' {
            return Some(q + 1);
        }
        if !is_ws(b) {
            return None;
        }
        q += 1;
    }
    None
}

/// ` *?\n` at p (EXT_BLOCK_STOP_STR uses a literal space).
pub(crate) fn spaces_then_nl<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    let mut q = p;
    while s.at(q) == Some(b' ') {
        q += 1;
    }
    if s.at(q) == Some(b'\n') {
        Some(q + 1)
    } else {
        None
    }
}

/// `IAL_BLOCK_START`.
pub(crate) fn ial_block_start<S: Src + ?Sized>(s: &S, p: usize) -> Option<((usize, usize), usize)> {
    ial_block(s, opt_space(s, p))
}

/// `LAZY_END` at p.
pub(crate) fn lazy_end<S: Src + ?Sized>(s: &S, p: usize) -> bool {
    if blank_line(s, p).is_some() || ial_block_start(s, p).is_some() || eob_marker(s, p).is_some() {
        return true;
    }
    let q = opt_space(s, p);
    if html::lazy_end_html_stop(s, q) || html::lazy_end_html_start(s, q) {
        return true;
    }
    at_z(s, p)
}

/// `PATTERN_TAIL` `[\t| ].*?\n` at p: end.
pub(crate) fn pattern_tail<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    match s.at(p) {
        Some(b'\t') | Some(b'|') | Some(b' ') => {}
        _ => return None,
    }
    let e = s.line_end(p + 1);
    if s.at(e) == Some(b'\n') {
        Some(e + 1)
    } else {
        None
    }
}

/// List marker `^( {0,max}[+*-])` or `^( {0,max}\d+\.)` (ul/ol) or `:`
/// (dl) followed by PATTERN_TAIL: (group1 end, match end).
pub(crate) fn list_start<S: Src + ?Sized>(
    s: &S,
    p: usize,
    kind: u8,
    max_sp: usize,
) -> Option<(usize, usize)> {
    let mut q = p;
    while q < p + max_sp && s.at(q) == Some(b' ') {
        q += 1;
    }
    // backtracking over spaces never helps: marker chars are not spaces
    let g1 = match kind {
        b'u' => match s.at(q) {
            Some(b'+') | Some(b'*') | Some(b'-') => q + 1,
            _ => return None,
        },
        b'o' => {
            let mut r = q;
            while s.at(r).is_some_and(|b| b.is_ascii_digit()) {
                r += 1;
            }
            if r == q || s.at(r) != Some(b'.') {
                return None;
            }
            r + 1
        }
        _ => {
            if s.at(q) != Some(b':') {
                return None;
            }
            q + 1
        }
    };
    pattern_tail(s, g1).map(|e| (g1, e))
}

/// `LIST_START`.
pub(crate) fn list_start_any<S: Src + ?Sized>(s: &S, p: usize) -> bool {
    list_start(s, p, b'u', 3).is_some() || list_start(s, p, b'o', 3).is_some()
}

/// GFM `ATX_HEADER_START` `^(\#{1,6})[\t ]+(.*)\n`: (level, contents range, end).
pub(crate) fn atx_gfm<S: Src + ?Sized>(s: &S, p: usize) -> Option<(usize, (usize, usize), usize)> {
    let mut q = p;
    while q < p + 6 && s.at(q) == Some(b'#') {
        q += 1;
    }
    let level = q - p;
    if level == 0 || !matches!(s.at(q), Some(b' ') | Some(b'\t')) {
        return None;
    }
    while matches!(s.at(q), Some(b' ') | Some(b'\t')) {
        q += 1;
    }
    let e = s.line_end(q);
    if s.at(e) != Some(b'\n') {
        return None;
    }
    Some((level, (q, e), e + 1))
}

/// kramdown `ATX_HEADER_START` `^(\#{1,6})[\t ]*([^ \t].*)\n`.
pub(crate) fn atx_kd<S: Src + ?Sized>(s: &S, p: usize) -> Option<(usize, (usize, usize), usize)> {
    let mut q = p;
    while q < p + 6 && s.at(q) == Some(b'#') {
        q += 1;
    }
    let level = q - p;
    if level == 0 {
        return None;
    }
    while matches!(s.at(q), Some(b' ') | Some(b'\t')) {
        q += 1;
    }
    match s.at(q) {
        None | Some(b' ') | Some(b'\t') => return None,
        Some(b'\n') => {
            // [^ \t] matched the newline; .*\n needs the next line
            let e = s.line_end(q + 1);
            if s.at(e) != Some(b'\n') {
                return None;
            }
            return Some((level, (q, e), e + 1));
        }
        _ => {}
    }
    let e = s.line_end(q);
    if s.at(e) != Some(b'\n') {
        return None;
    }
    Some((level, (q, e), e + 1))
}

/// `HR_START`.
pub(crate) fn hr<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    let q = opt_space(s, p);
    let c = s.at(q)?;
    if !matches!(c, b'*' | b'-' | b'_') {
        return None;
    }
    let mut n = 1;
    let mut r = q + 1;
    loop {
        match s.at(r) {
            Some(b) if b == c => {
                n += 1;
                r += 1;
            }
            Some(b' ') | Some(b'\t') => r += 1,
            Some(b'\n') => break,
            _ => return None,
        }
    }
    if n >= 3 { Some(r + 1) } else { None }
}

/// HR scan after the first marker char `c` at q: Ok(end) or Err(failure position).
pub(crate) fn hr_scan<S: Src + ?Sized>(s: &S, q: usize, c: u8) -> Result<usize, usize> {
    let mut n = 1;
    let mut r = q + 1;
    loop {
        match s.at(r) {
            Some(b) if b == c => {
                n += 1;
                r += 1;
            }
            Some(b' ') | Some(b'\t') => r += 1,
            Some(b'\n') => break,
            _ => return Err(r),
        }
    }
    if n >= 3 { Ok(r + 1) } else { Err(r) }
}

/// `SETEXT_HEADER_START`: (level, contents range, end).
pub(crate) fn setext<S: Src + ?Sized>(s: &S, p: usize) -> Option<(usize, (usize, usize), usize)> {
    let q = opt_space(s, p);
    let c0 = s.at(q)?;
    if c0 == b' ' || c0 == b'\t' {
        return None;
    }
    let (cs, ce) = if c0 == b'\n' {
        // [^ \t] matched the newline: contents spans into the next line
        let e = s.line_end(q + 1);
        (q, e)
    } else {
        (q, s.line_end(q))
    };
    if s.at(ce) != Some(b'\n') {
        return None;
    }
    let u = ce + 1;
    let lc = s.at(u)?;
    if lc != b'-' && lc != b'=' {
        return None;
    }
    let mut r = u + 1;
    while matches!(s.at(r), Some(b'-') | Some(b'=')) {
        r += 1;
    }
    while matches!(
        s.at(r),
        Some(b' ') | Some(b'\t') | Some(b'\r') | Some(0x0c) | Some(0x0b)
    ) {
        r += 1;
    }
    if s.at(r) != Some(b'\n') {
        return None;
    }
    Some((if lc == b'-' { 2 } else { 1 }, (cs, ce), r + 1))
}

/// `INDENT` `^(?:\t| {4})` at p: end.
pub(crate) fn indent<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    if s.at(p) == Some(b'\t') {
        return Some(p + 1);
    }
    if (0..4).all(|k| s.at(p + k) == Some(b' ')) {
        return Some(p + 4);
    }
    None
}

/// `.*\S.*\n` at p (rest of line has a non-space): end.
pub(crate) fn nonblank_line<S: Src + ?Sized>(s: &S, p: usize) -> Option<usize> {
    let e = s.line_end(p);
    if s.at(e) != Some(b'\n') {
        return None;
    }
    let mut q = p;
    while q < e {
        if !s.at(q).is_some_and(is_ws) {
            return Some(e + 1);
        }
        q += 1;
    }
    None
}

/// `CODEBLOCK_MATCH` at p: end (may equal p).
pub(crate) fn codeblock_match<S: Src + ?Sized>(s: &S, p: usize) -> usize {
    let mut end = p;
    let mut pos = p;
    loop {
        let mut q = pos;
        if let Some(e) = blank_line(s, q) {
            q = e;
        }
        let mut n = 0;
        while let Some(i) = indent(s, q) {
            // INDENT[ \t]*\S.*\n
            let mut r = i;
            while matches!(s.at(r), Some(b' ') | Some(b'\t')) {
                r += 1;
            }
            match s.at(r) {
                Some(b) if !is_ws(b) => {}
                _ => break,
            }
            let e = s.line_end(r);
            if s.at(e) != Some(b'\n') {
                break;
            }
            q = e + 1;
            n += 1;
        }
        if n == 0 {
            break;
        }
        // lazy lines
        loop {
            if ial_block_start(s, q).is_some() || eob_marker(s, q).is_some() {
                break;
            }
            let o = opt_space(s, q);
            if html::lazy_end_html_stop(s, o) || html::lazy_end_html_start(s, o) {
                break;
            }
            let mut r = q;
            while matches!(s.at(r), Some(b' ') | Some(b'\t')) {
                r += 1;
            }
            match s.at(r) {
                Some(b) if !is_ws(b) => {}
                _ => break,
            }
            let e = s.line_end(r);
            if s.at(e) != Some(b'\n') {
                break;
            }
            q = e + 1;
        }
        pos = q;
        end = q;
    }
    end
}

/// `(?=\s|\Z)`-free helper: the XML NAME_START_CHAR class.
pub(crate) fn xml_name_start(c: char) -> bool {
    matches!(c, ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// XML NAME_CHAR.
pub(crate) fn xml_name_char(c: char) -> bool {
    xml_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// `ALD_START` `^ {0,3}\{:(ALD_ID_NAME):(ALD_ANY_CHARS+)\}\s*?\n`:
/// (name range, content range, end).
pub(crate) fn ald_start<S: Src + ?Sized>(
    s: &S,
    p: usize,
) -> Option<((usize, usize), (usize, usize), usize)> {
    let q = opt_space(s, p);
    if s.at(q) != Some(b'{') || s.at(q + 1) != Some(b':') {
        return None;
    }
    let ne = ald_id_name(s, q + 2)?;
    if s.at(ne) != Some(b':') {
        return None;
    }
    let (ce, end) = ald_any_close(s, ne + 1)?;
    Some(((q + 2, ne), (ne + 1, ce), end))
}

/// `EXT_START_STR` at p (`{::name attrs /}`): (name, attrs range, self-closed, end).
pub(crate) fn ext_start<S: Src + ?Sized>(
    s: &S,
    p: usize,
) -> Option<((usize, usize), Option<(usize, usize)>, bool, usize)> {
    if !(s.at(p) == Some(b'{') && s.at(p + 1) == Some(b':') && s.at(p + 2) == Some(b':')) {
        return None;
    }
    let ns = p + 3;
    let mut ne = ns;
    while s.at(ne).is_some_and(crate::text::is_word) {
        ne += 1;
    }
    if ne == ns {
        return None;
    }
    // (?:\s(ALD_ANY_CHARS*?)|)(\/)?\}
    // alternative 1: whitespace then lazy attrs
    if s.at(ne).is_some_and(is_ws) {
        let a = ne + 1;
        let mut i = a;
        loop {
            // try to end here: (\/)?\}
            if s.at(i) == Some(b'/') && s.at(i + 1) == Some(b'}') {
                return Some(((ns, ne), Some((a, i)), true, i + 2));
            }
            if s.at(i) == Some(b'}') {
                return Some(((ns, ne), Some((a, i)), false, i + 1));
            }
            // consume one ALD_ANY_CHARS unit
            match s.at(i) {
                None => break,
                Some(b'\\') if s.at(i + 1) == Some(b'}') => i += 2,
                Some(b'}') => break,
                Some(_) => i += 1,
            }
        }
    }
    // alternative 2: empty
    if s.at(ne) == Some(b'/') && s.at(ne + 1) == Some(b'}') {
        return Some(((ns, ne), None, true, ne + 2));
    }
    if s.at(ne) == Some(b'}') {
        return Some(((ns, ne), None, false, ne + 1));
    }
    None
}

/// `EXT_STOP_STR` with a name pattern at p: `{:/name}` / `{:/}`: (name range if any, end).
pub(crate) fn ext_stop_any<S: Src + ?Sized>(
    s: &S,
    p: usize,
) -> Option<(Option<(usize, usize)>, usize)> {
    if !(s.at(p) == Some(b'{') && s.at(p + 1) == Some(b':') && s.at(p + 2) == Some(b'/')) {
        return None;
    }
    if let Some(ne) = ald_id_name(s, p + 3)
        && s.at(ne) == Some(b'}')
    {
        return Some((Some((p + 3, ne)), ne + 1));
    }
    if s.at(p + 3) == Some(b'}') {
        return Some((None, p + 4));
    }
    None
}

/// `{:/ext}` or `{:/}` at p for a fixed extension name: end.
pub(crate) fn ext_stop_named<S: Src + ?Sized>(s: &S, p: usize, name: &[u8]) -> Option<usize> {
    if !(s.at(p) == Some(b'{') && s.at(p + 1) == Some(b':') && s.at(p + 2) == Some(b'/')) {
        return None;
    }
    let q = p + 3;
    if name
        .iter()
        .enumerate()
        .all(|(k, &b)| s.at(q + k) == Some(b))
        && s.at(q + name.len()) == Some(b'}')
    {
        return Some(q + name.len() + 1);
    }
    if s.at(q) == Some(b'}') {
        return Some(q + 1);
    }
    None
}

/// GFM `FENCED_CODEBLOCK_START` `^ {0,3}[~`]{3,}` (or kramdown's `^~{3,}`).
pub(crate) fn fence_start<S: Src + ?Sized>(s: &S, p: usize, gfm: bool) -> bool {
    let q = if gfm { opt_space(s, p) } else { p };
    let mut n = 0;
    while matches!(s.at(q + n), Some(b'~')) || (gfm && s.at(q + n) == Some(b'`')) {
        n += 1;
    }
    n >= 3
}

/// Result of `FENCED_CODEBLOCK_MATCH`.
pub(crate) struct Fence {
    pub lang: Option<(usize, usize)>,
    pub lang4: Option<(usize, usize)>,
    pub body: (usize, usize),
    pub end: usize,
}

/// `FENCED_CODEBLOCK_MATCH` (GFM or kramdown) at p.
pub(crate) fn fenced(s: &VText, p: usize, gfm: bool) -> Option<Fence> {
    let q = if gfm { opt_space(s, p) } else { p };
    let mut run = 0;
    while matches!(s.at(q + run), Some(b'~')) || (gfm && s.at(q + run) == Some(b'`')) {
        run += 1;
    }
    if run < 3 {
        return None;
    }
    let first = s.at(q)?;
    let uniform = (0..run).all(|k| s.at(q + k) == Some(first));
    if uniform {
        return fenced_uniform(s, q, run, first, gfm);
    }
    // mixed fence characters (rare): emulate the backtracking of the greedy
    // run, bounded to short runs
    let lowest = if run <= 16 { 3 } else { run };
    let mut flen = run;
    while flen >= lowest {
        if let Some(f) = fenced_with(s, q, flen, gfm) {
            return Some(f);
        }
        flen -= 1;
    }
    None
}

fn nonws_end(s: &VText, mut x: usize, le: usize) -> usize {
    while x < le && !s.at(x).is_some_and(is_ws) {
        x += 1;
    }
    x
}

fn ws_only(s: &VText, mut x: usize, le: usize) -> bool {
    while x < le {
        if !s.at(x).is_some_and(is_ws) {
            return false;
        }
        x += 1;
    }
    true
}

fn fence_index<'v>(s: &'v VText<'_>, gfm: bool) -> &'v [FenceIdx; 2] {
    s.fence_idx.get_or_init(|| {
        let mut idx: [FenceIdx; 2] = Default::default();
        for (li, &vs) in s.vstart.iter().enumerate() {
            if li >= s.lines.len() {
                break;
            }
            let o = if gfm { opt_space(s, vs) } else { vs };
            let Some(c) = s.at(o) else { continue };
            let slot = match c {
                b'`' => 0,
                b'~' => 1,
                _ => continue,
            };
            let mut m = 0;
            while s.at(o + m) == Some(c) {
                m += 1;
            }
            if m < 3 {
                continue;
            }
            if let Some(e) = ws_then_nl(s, o + m)
                && let Some(ix) = idx.get_mut(slot)
            {
                ix.cands.push((vs, m, e));
            }
        }
        for ix in &mut idx {
            let mut sm = vec![0; ix.cands.len()];
            let mut mx = 0;
            for i in (0..ix.cands.len()).rev() {
                mx = mx.max(ix.cands.get(i).map_or(0, |c| c.1));
                if let Some(x) = sm.get_mut(i) {
                    *x = mx;
                }
            }
            ix.suffix_max = sm;
        }
        idx
    })
}

fn fenced_uniform(s: &VText, q: usize, run: usize, ch: u8, gfm: bool) -> Option<Fence> {
    let le = s.line_end(q + run);
    if s.at(le) != Some(b'\n') {
        return None;
    }
    let body_start = le + 1;
    // opening line for flen == run
    let a_full = {
        let mut a = q + run;
        while a < le && s.at(a).is_some_and(is_ws) {
            a += 1;
        }
        a
    };
    let b_full = nonws_end(s, a_full, le);
    let valid_full = ws_only(s, b_full, le);
    // opening line for flen < run: the token starts inside the run
    let ne = nonws_end(s, q + run, le);
    let valid_short = ws_only(s, ne, le);
    let idx = fence_index(s, gfm);
    let ix = idx.get(if ch == b'`' { 0 } else { 1 })?;
    let start = ix.cands.partition_point(|c| c.0 < body_start);
    let first_with = |k: usize| -> Option<(usize, usize)> {
        if ix.suffix_max.get(start).is_none_or(|&m| m < k) {
            return None;
        }
        ix.cands
            .get(start..)?
            .iter()
            .find(|c| c.1 >= k)
            .map(|c| (c.0, c.2))
    };
    let lang_of = |a: usize, b: usize| -> (Option<(usize, usize)>, Option<(usize, usize)>) {
        if b > a {
            let mut k = a + 1;
            while k < b && s.at(k) != Some(b'?') {
                k += 1;
            }
            (Some((a, b)), Some((a, k)))
        } else {
            (None, None)
        }
    };
    if valid_full && let Some((l, e)) = first_with(run) {
        let (lang, lang4) = lang_of(a_full, b_full);
        return Some(Fence {
            lang,
            lang4,
            body: (body_start, l),
            end: e,
        });
    }
    if valid_short && run > 3 {
        let m = ix.suffix_max.get(start).copied().unwrap_or(0);
        let flen = m.min(run - 1);
        if flen >= 3
            && let Some((l, e)) = first_with(flen)
        {
            let (lang, lang4) = lang_of(q + flen, ne);
            return Some(Fence {
                lang,
                lang4,
                body: (body_start, l),
                end: e,
            });
        }
    }
    None
}

fn fenced_with(s: &VText, q: usize, flen: usize, gfm: bool) -> Option<Fence> {
    let fe = q + flen;
    let last = s.at(fe - 1)?;
    // \s*?((\S+?)(?:\?\S*)?)?\s*?\n on the rest of the opening line
    let le = s.line_end(fe);
    if s.at(le) != Some(b'\n') {
        return None;
    }
    let mut a = fe;
    while a < le && s.at(a).is_some_and(is_ws) {
        a += 1;
    }
    let b = nonws_end(s, a, le);
    if !ws_only(s, b, le) {
        return None;
    }
    let (lang, lang4) = if b > a {
        let mut k = a + 1;
        while k < b && s.at(k) != Some(b'?') {
            k += 1;
        }
        (Some((a, b)), Some((a, k)))
    } else {
        (None, None)
    };
    let body_start = le + 1;
    let mut l = body_start;
    let n = s.len();
    while l < n {
        let o = if gfm { opt_space(s, l) } else { l };
        if (0..flen).all(|k| s.at(o + k) == s.at(q + k)) {
            let mut r = o + flen;
            while s.at(r) == Some(last) {
                r += 1;
            }
            if let Some(e) = ws_then_nl(s, r) {
                return Some(Fence {
                    lang,
                    lang4,
                    body: (body_start, l),
                    end: e,
                });
            }
        }
        let e = s.line_end(l);
        l = e + 1;
    }
    None
}

/// `BLOCK_MATH_START` `^ {0,3}(\\)?\$\$(.*?)\$\$(\s*?\n)?` (multiline):
/// (escaped, content range, has trailing newline group, end).
pub(crate) fn block_math<S: Src + ?Sized>(
    s: &S,
    p: usize,
) -> Option<(bool, (usize, usize), bool, usize)> {
    let q = opt_space(s, p);
    let (esc, d) = if s.at(q) == Some(b'\\') {
        (true, q + 1)
    } else {
        (false, q)
    };
    if s.at(d) != Some(b'$') || s.at(d + 1) != Some(b'$') {
        return None;
    }
    let cs = d + 2;
    let ce = s.next_pat(cs, crate::text::Pat::Dollar2)?;
    let after = ce + 2;
    match ws_then_nl(s, after) {
        Some(e) => Some((esc, (cs, ce), true, e)),
        None => Some((esc, (cs, ce), false, after)),
    }
}

/// `BLOCK_BOUNDARY`.
pub(crate) fn block_boundary<S: Src + ?Sized>(s: &S, p: usize) -> bool {
    blank_line(s, p).is_some()
        || eob_marker(s, p).is_some()
        || ial_block_start(s, p).is_some()
        || at_z(s, p)
}
