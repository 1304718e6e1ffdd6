//! Jekyll's front matter split: `Document::YAML_FRONT_MATTER_REGEXP`
//! (`%r!\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)!m`, lib/jekyll/document.rb; the same regex in
//! lib/jekyll/convertible.rb for pages), matched in linear time.

use std::ops::Range;

/// Where the parts of a front matter are, as byte ranges of the text given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    /// The regex's first group: what Jekyll hands to `safe_load`, *from the opening `---`
    /// line* through the line break before the closing line. Parse it with
    /// [`crate::parse`]`(&text[yaml.clone()], yaml.start)` and Psych's line numbers are the
    /// file's (the BOM, which Jekyll's `bom|utf-8` read drops, excluded).
    pub yaml: Range<usize>,
    /// The opening `---` line (without its line break).
    pub open: Range<usize>,
    /// The closing `---` or `...` line (without its line break).
    pub close: Range<usize>,
    /// Where the body (`Regexp.last_match.post_match`) starts. The closing group's `\s*$\n?`
    /// also swallows blank lines right after the closing delimiter.
    pub body_start: usize,
}

/// Ruby's `\s`: `[ \t\n\v\f\r]`.
fn is_ruby_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Split `text` as Jekyll's `YAML_FRONT_MATTER_REGEXP` does. A leading UTF-8 BOM is skipped
/// (Jekyll reads files with `bom|utf-8`). `None` when the regex does not match: Jekyll then
/// sees no front matter at all.
pub fn front_matter(text: &str) -> Option<FrontMatter> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let b = text.as_bytes();
    let rest = b.get(start..)?;
    if !rest.starts_with(b"---") {
        return None;
    }
    // `---\s*\n`: the greedy `\s*` backs off to the last line break of the white space run.
    let mut i = start + 3;
    let mut last_nl = None;
    while i < b.len() && is_ruby_space(b[i]) {
        if b[i] == b'\n' {
            last_nl = Some(i);
        }
        i += 1;
    }
    let open_nl = last_nl?;
    let open_line_end = b[start + 3..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| start + 3 + p);
    let open = start..open_line_end;
    // `.*?\n?^`: the first line start at or after the opening whose line is a delimiter.
    let mut p = open_nl + 1;
    loop {
        if p > b.len() {
            return None;
        }
        let line_end = b[p..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |q| p + q);
        let line = &b[p..line_end];
        if (line.starts_with(b"---") || line.starts_with(b"..."))
            && line[3..].iter().all(|&c| is_ruby_space(c))
        {
            // `\s*$\n?`: white space (blank lines too) up to a line end, then one break.
            let mut j = p + 3;
            let mut k = j;
            let mut last_break_before = None;
            while k < b.len() && is_ruby_space(b[k]) {
                if b[k] == b'\n' {
                    last_break_before = Some(k);
                }
                k += 1;
            }
            // The greedy `\s*` stops where `$` holds: the end, or before a `\n`.
            if k == b.len() {
                j = k;
            } else if let Some(nl) = last_break_before {
                // `$` before that last `\n`, then `\n?` takes it.
                j = nl + 1;
            }
            return Some(FrontMatter {
                yaml: start..p,
                open,
                close: p..line_end.min(b.len()),
                body_start: j,
            });
        }
        if line_end >= b.len() {
            return None;
        }
        p = line_end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_jekyll() {
        let t = "---\ntitle: a\n---\nbody";
        let fm = front_matter(t).unwrap();
        assert_eq!(&t[fm.yaml.clone()], "---\ntitle: a\n");
        assert_eq!(&t[fm.body_start..], "body");
        let t = "---\n---\n\n\nbody";
        let fm = front_matter(t).unwrap();
        assert_eq!(&t[fm.yaml.clone()], "---\n");
        assert_eq!(&t[fm.body_start..], "body");
        assert!(front_matter("---\ntitle: a\n").is_none());
        assert!(front_matter("--- x\n---\n").is_none());
        let t = "\u{feff}---\r\na: 1\r\n...\r\nb";
        let fm = front_matter(t).unwrap();
        assert_eq!(&t[fm.yaml.clone()], "---\r\na: 1\r\n");
        assert_eq!(&t[fm.body_start..], "b");
        let t = "---\na: --- x\n--- \n";
        let fm = front_matter(t).unwrap();
        assert_eq!(&t[fm.yaml.clone()], "---\na: --- x\n");
        assert_eq!(fm.body_start, t.len());
    }
}
