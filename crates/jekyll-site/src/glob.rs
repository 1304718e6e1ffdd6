//! Ruby's `File.fnmatch?` (dir.c `fnmatch`) and a `Dir.glob` for the patterns of
//! `_config.yml` (`exclude`/`include` entries, `defaults` scope paths).

use std::path::Path;

/// `File.fnmatch?(pattern, string, flags)` with `FNM_PATHNAME` = `pathname`, `FNM_DOTMATCH` =
/// `dotmatch`, no `FNM_NOESCAPE`, no `FNM_CASEFOLD`, no `FNM_EXTGLOB` (braces are literal).
/// Linear in practice: `*` keeps one backtrack point per path segment.
pub fn fnmatch(pattern: &str, string: &str, pathname: bool, dotmatch: bool) -> bool {
    if !pathname {
        return fnmatch_segment(pattern.as_bytes(), string.as_bytes(), false, dotmatch);
    }
    // FNM_PATHNAME: match segment by segment ("**/" matches zero or more directories).
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = string.split('/').collect();
    // Iterative matching with backtracking over `**` (explicit stack of (pi, si)).
    let mut stack = vec![(0usize, 0usize)];
    let mut seen = std::collections::HashSet::new();
    while let Some((pi, si)) = stack.pop() {
        if !seen.insert((pi, si)) {
            continue;
        }
        if pi == pat.len() {
            if si == segs.len() {
                return true;
            }
            continue;
        }
        let p = pat[pi];
        if p == "**" && pi + 1 < pat.len() {
            // zero directories
            stack.push((pi + 1, si));
            // one more directory (not a hidden one unless dotmatch)
            if si < segs.len().saturating_sub(1) {
                let s = segs[si];
                if dotmatch || !s.starts_with('.') {
                    stack.push((pi, si + 1));
                }
            }
            continue;
        }
        if si < segs.len() && fnmatch_segment(p.as_bytes(), segs[si].as_bytes(), true, dotmatch) {
            stack.push((pi + 1, si + 1));
        }
    }
    false
}

/// Decodes one UTF-8 character at `i` (a lone invalid byte counts as one character).
fn char_len(s: &[u8], i: usize) -> usize {
    let b = s.get(i).copied().unwrap_or(0);
    let n = match b {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    };
    if i + n <= s.len() && std::str::from_utf8(&s[i..i + n]).is_ok() {
        n
    } else {
        1
    }
}

fn decode(s: &[u8], i: usize) -> (u32, usize) {
    let n = char_len(s, i);
    let c = std::str::from_utf8(&s[i..i + n])
        .ok()
        .and_then(|t| t.chars().next())
        .map_or(u32::from(s[i]), |c| c as u32);
    (c, n)
}

/// Matches a bracket expression at `p[pi]` (just after `[`) against character `c`.
/// Returns (matched, index after `]`), or None when the bracket is not closed.
fn bracket(p: &[u8], mut pi: usize, c: u32, pathname: bool) -> Option<(bool, usize)> {
    let negate = matches!(p.get(pi), Some(b'!') | Some(b'^'));
    if negate {
        pi += 1;
    }
    let mut ok = false;
    let mut first = true;
    loop {
        let b = *p.get(pi)?;
        if b == b']' && !first {
            pi += 1;
            break;
        }
        first = false;
        if pathname && b == b'/' {
            return None;
        }
        let mut lo_i = pi;
        if b == b'\\' && pi + 1 < p.len() {
            lo_i = pi + 1;
        }
        let (lo, n) = decode(p, lo_i);
        pi = lo_i + n;
        let mut hi = lo;
        if p.get(pi) == Some(&b'-') && p.get(pi + 1).is_some_and(|&x| x != b']') {
            let mut hi_i = pi + 1;
            if p.get(hi_i) == Some(&b'\\') && hi_i + 1 < p.len() {
                hi_i += 1;
            }
            let (h, n) = decode(p, hi_i);
            hi = h;
            pi = hi_i + n;
        }
        if lo <= c && c <= hi {
            ok = true;
        }
    }
    Some((ok != negate, pi))
}

/// One segment (or the whole string without FNM_PATHNAME): `*`, `?`, `[…]`, `\`.
fn fnmatch_segment(p: &[u8], s: &[u8], pathname: bool, dotmatch: bool) -> bool {
    // Leading period rule.
    if !dotmatch && s.first() == Some(&b'.') {
        let pc = if p.first() == Some(&b'\\') {
            p.get(1)
        } else {
            p.first()
        };
        if pc != Some(&b'.') {
            return false;
        }
    }
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    while p.get(pi) == Some(&b'*') {
                        pi += 1;
                    }
                    star = Some((pi, si));
                    continue;
                }
                b'?' if si < s.len() && !(pathname && s[si] == b'/') => {
                    pi += 1;
                    si += char_len(s, si);
                    continue;
                }
                b'[' if si < s.len() => {
                    let (c, n) = decode(s, si);
                    match bracket(p, pi + 1, c, pathname) {
                        Some((true, next)) => {
                            pi = next;
                            si += n;
                            continue;
                        }
                        Some((false, _)) => {}
                        None => {
                            // Unclosed bracket: `[` is literal.
                            if s[si] == b'[' {
                                pi += 1;
                                si += 1;
                                continue;
                            }
                        }
                    }
                }
                b'?' | b'[' => {}
                _ => {
                    let lit_i = if p[pi] == b'\\' && pi + 1 < p.len() {
                        pi + 1
                    } else {
                        pi
                    };
                    let n = char_len(p, lit_i);
                    if si + n <= s.len() && s[si..si + n] == p[lit_i..lit_i + n] {
                        pi = lit_i + n;
                        si += n;
                        continue;
                    }
                }
            }
        } else if si == s.len() {
            return true;
        }
        // Mismatch: backtrack to the last star.
        match star {
            Some((sp, ss)) if ss < s.len() && !(pathname && s[ss] == b'/') => {
                let n = char_len(s, ss);
                star = Some((sp, ss + n));
                pi = sp;
                si = ss + n;
            }
            _ => return false,
        }
    }
}

/// Expands `{a,b}` alternatives (nested too), as `Dir.glob` does, iteratively.
pub fn expand_braces(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut work = vec![pattern.to_string()];
    let mut budget = 10_000usize;
    while let Some(p) = work.pop() {
        budget = budget.saturating_sub(1);
        let b = p.as_bytes();
        // Find the first top-level `{` with its matching `}`.
        let mut open = None;
        let mut depth = 0usize;
        let mut found = None;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 1,
                b'{' => {
                    if depth == 0 {
                        open = Some(i);
                    }
                    depth += 1;
                }
                b'}' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        found = open.map(|o| (o, i));
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let Some((o, c)) = found.filter(|_| budget > 0) else {
            out.push(p);
            continue;
        };
        let inner = &p[o + 1..c];
        let mut parts = Vec::new();
        let (mut d, mut start) = (0usize, 0usize);
        let ib = inner.as_bytes();
        let mut j = 0;
        while j < ib.len() {
            match ib[j] {
                b'\\' => j += 1,
                b'{' => d += 1,
                b'}' => d = d.saturating_sub(1),
                b',' if d == 0 => {
                    parts.push(&inner[start..j]);
                    start = j + 1;
                }
                _ => {}
            }
            j += 1;
        }
        parts.push(&inner[start.min(inner.len())..]);
        for part in parts.into_iter().rev() {
            work.push(format!("{}{}{}", &p[..o], part, &p[c + 1..]));
        }
    }
    out
}

fn has_magic(seg: &str) -> bool {
    seg.bytes().any(|b| matches!(b, b'*' | b'?' | b'[' | b'\\'))
}

/// `Dir.glob(pattern)` for a pattern relative to `root`: the matching paths (files and
/// folders), relative to `root`. `**/` does not descend into hidden folders nor follow
/// symbolic links, as Ruby's.
pub fn dir_glob(root: &Path, pattern: &str) -> Vec<String> {
    let mut results = Vec::new();
    for pat in expand_braces(pattern) {
        let segs: Vec<&str> = pat.split('/').filter(|s| !s.is_empty()).collect();
        // (segment index, relative path so far)
        let mut stack: Vec<(usize, String)> = vec![(0, String::new())];
        let mut steps = 0usize;
        while let Some((si, rel)) = stack.pop() {
            steps += 1;
            if steps > 2_000_000 {
                break;
            }
            let dir = if rel.is_empty() {
                root.to_path_buf()
            } else {
                root.join(&rel)
            };
            if si == segs.len() {
                if !rel.is_empty() {
                    results.push(rel);
                }
                continue;
            }
            let seg = segs[si];
            let join = |name: &str| {
                if rel.is_empty() {
                    name.to_string()
                } else {
                    format!("{rel}/{name}")
                }
            };
            if seg == "**" && si + 1 < segs.len() {
                stack.push((si + 1, rel.clone()));
                if let Ok(rd) = std::fs::read_dir(&dir) {
                    for e in rd.flatten() {
                        let name = e.file_name().to_string_lossy().into_owned();
                        if name.starts_with('.') {
                            continue;
                        }
                        if e.file_type().is_ok_and(|t| t.is_dir()) {
                            stack.push((si, join(&name)));
                        }
                    }
                }
                continue;
            }
            if !has_magic(seg) {
                let p = dir.join(seg);
                if std::fs::symlink_metadata(&p).is_ok() {
                    stack.push((si + 1, join(seg)));
                }
                continue;
            }
            if let Ok(rd) = std::fs::read_dir(&dir) {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if fnmatch_segment(seg.as_bytes(), name.as_bytes(), true, false) {
                        if si + 1 < segs.len() && !dir.join(&name).is_dir() {
                            continue;
                        }
                        stack.push((si + 1, join(&name)));
                    }
                }
            }
        }
    }
    results.sort();
    results.dedup();
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_fnmatch_examples() {
        // From Ruby's File.fnmatch documentation.
        assert!(fnmatch("cat", "cat", false, false));
        assert!(!fnmatch("cat", "category", false, false));
        assert!(!fnmatch("c{at,ub}s", "cats", false, false));
        assert!(fnmatch("c?t", "cat", false, false));
        assert!(!fnmatch("c??t", "cat", false, false));
        assert!(fnmatch("c*", "cats", false, false));
        assert!(fnmatch("c*t", "c/a/b/t", false, false));
        assert!(fnmatch("ca[a-z]", "cat", false, false));
        assert!(!fnmatch("ca[^t]", "cat", false, false));
        assert!(!fnmatch("*", ".profile", false, false));
        assert!(fnmatch("*", ".profile", false, true));
        assert!(fnmatch(".*", ".profile", false, false));
        assert!(fnmatch("*", "dave/.profile", false, false));
        assert!(!fnmatch("*/*", "dave/.profile", true, false));
        assert!(fnmatch("**/foo", "a/b/c/foo", true, false));
        assert!(fnmatch("**/foo", "foo", true, false));
        assert!(!fnmatch("**/foo", "a/.b/c/foo", true, false));
        assert!(fnmatch("**/foo", "a/.b/c/foo", true, true));
        assert!(fnmatch("\\*", "*", false, false));
        assert!(fnmatch("/src/*.md", "/src/a/b.md", false, false));
    }

    #[test]
    fn star_is_linear() {
        let s = "a".repeat(100_000);
        let p = format!("{}b", "*a".repeat(50));
        let t = std::time::Instant::now();
        assert!(!fnmatch(&p, &s, false, false));
        assert!(t.elapsed().as_secs() < 5);
    }

    #[test]
    fn braces() {
        assert_eq!(expand_braces("a{b,c{d,e}}f"), vec!["abf", "acdf", "acef"]);
    }
}
