//! Ruby's `File.join` and `File.basename` on `/`-separated paths.

/// `File.join(a, b)` as Ruby writes it: one slash between (`File.join("", "x")` is `/x`,
/// `File.join("a", "")` is `a/`).
pub fn rb_join(a: &str, b: &str) -> String {
    if b.is_empty() {
        return if a.ends_with('/') {
            a.to_string()
        } else {
            concat3(a, "/", "")
        };
    }
    concat3(a.trim_end_matches('/'), "/", b.trim_start_matches('/'))
}

/// `a + b + c` in one allocation.
pub(crate) fn concat3(a: &str, b: &str, c: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len() + c.len());
    s.push_str(a);
    s.push_str(b);
    s.push_str(c);
    s
}

/// `File.basename` of a slash-separated path.
pub fn basename(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    t.rsplit('/').next().unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins() {
        assert_eq!(rb_join("", "x"), "/x");
        assert_eq!(rb_join("/src", "/foo"), "/src/foo");
        assert_eq!(rb_join("/src", "foo/"), "/src/foo/");
        assert_eq!(rb_join("/src", ""), "/src/");
        assert_eq!(basename("a/b/c.md"), "c.md");
    }
}
