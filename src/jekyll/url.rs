//! URLs as Jekyll makes them: the permalink styles, a page's URL, and the regex that recognises
//! a post's permalink in a link.

use regex::Regex;

/// Jekyll's built-in permalink styles.
pub fn expand_style(style: &str) -> String {
    match style {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        other => other,
    }
    .to_string()
}

/// The regex of a posts' permalink template, with named groups for the date and title.
pub fn permalink_regex(template: &str) -> Option<Regex> {
    let mut re = String::from("^");
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("/:categories") {
            re.push_str("(?:/[^?#]+?)?");
            rest = r;
            continue;
        }
        if let Some(stripped) = rest.strip_prefix(':') {
            let name_len = stripped
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            let name = &stripped[..name_len];
            re.push_str(match name {
                "year" => r"(?P<year>[0-9]{4})",
                "month" => r"(?P<month>[0-9]{2})",
                "day" => r"(?P<day>[0-9]{2})",
                "title" | "slug" => r"(?P<title>[^/]+?)",
                "output_ext" => r"(?:\.html)?",
                _ => "[^/]*?",
            });
            rest = &stripped[name_len..];
            continue;
        }
        let c = rest.chars().next()?;
        re.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        rest = &rest[c.len_utf8()..];
    }
    re.push('$');
    Regex::new(&re).ok()
}

/// Append `piece` to a URL path, without doubled slashes (an empty `:categories` leaves none).
pub fn push_path(url: &mut String, piece: &str) {
    for c in piece.chars() {
        if !(c == '/' && url.ends_with('/')) {
            url.push(c);
        }
    }
}

/// Jekyll's `URL#sanitize_url`: a leading `/`, `..` made `/`, `./` removed, runs of `/`
/// squeezed.
pub fn sanitize_url(url: &str) -> String {
    let out = format!("/{url}").replace("..", "/").replace("./", "");
    let mut squeezed = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '/' && squeezed.ends_with('/')) {
            squeezed.push(c);
        }
    }
    squeezed
}

/// The URL of a page (a file with front matter outside `_posts/`) at `rel` (its path in the
/// site): its `permalink` (sanitised as Jekyll does), else its path with `.html` instead of
/// its extension (`index` → its folder). The one page-URL function.
pub fn page_url(rel: &str, permalink: Option<&str>) -> String {
    if let Some(p) = permalink {
        return sanitize_url(p);
    }
    let rel = rel.trim_start_matches("./");
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    match stem.strip_suffix("index") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{stem}.html"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalink_templates() {
        let re = permalink_regex(&expand_style("date")).unwrap();
        let c = re
            .captures("/emnews/2021/12/08/202112082206672930.html")
            .unwrap();
        assert_eq!(&c["title"], "202112082206672930");
        assert!(re.is_match("/2021/12/08/x.html"));
        assert!(!re.is_match("/emnews/"));
    }

    #[test]
    fn page_urls() {
        assert_eq!(page_url("index.md", None), "/");
        assert_eq!(page_url("about/index.html", None), "/about/");
        assert_eq!(page_url("emnews.md", None), "/emnews.html");
        assert_eq!(page_url("./a/b.markdown", None), "/a/b.html");
        assert_eq!(page_url("x.md", Some("/feed/")), "/feed/");
        assert_eq!(page_url("x.md", Some("about")), "/about");
        assert_eq!(page_url("x.md", Some("//a/../b")), "/a/b");
    }
}
