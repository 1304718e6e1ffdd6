//! The facts of one post that the TX, SA and XF rules and `init --infer` read: its categories
//! and tags with their spans, the attribution line, the back links, the source link and the
//! article's text hash.

use std::ops::Range;

use super::body::{Body, LinkSource};
use super::document::Post;
use super::yaml::NodeExt;

/// A value of `categories`/`tags` with its span (a string is split on white space, as Jekyll does).
#[derive(Debug, Clone)]
pub struct Item {
    pub value: String,
    pub span: Range<usize>,
}

/// The items of `categories` (and `category`) or `tags` (and `tag`).
pub fn items(post: &Post, plural: &str, singular: &str) -> (Vec<Item>, Option<Range<usize>>) {
    let Some(root) = post.root() else {
        return (Vec::new(), None);
    };
    let mut out = Vec::new();
    let mut span = None;
    for key in [singular, plural] {
        let Some(node) = root.get(key) else { continue };
        span.get_or_insert(node.span.clone());
        match node.as_seq() {
            Some(list) => out.extend(list.iter().filter_map(|n| {
                n.as_str().filter(|_| !n.is_null()).map(|v| Item {
                    value: v.to_string(),
                    span: n.content_span(&post.text),
                })
            })),
            None => {
                let Some(v) = node.as_str().filter(|_| !node.is_null()) else {
                    continue;
                };
                let content = node.content_span(&post.text);
                let literal = post.text.get(content.clone()) == Some(v);
                if key == singular {
                    out.push(Item {
                        value: v.to_string(),
                        span: content,
                    });
                    continue;
                }
                // Jekyll splits a string on white space.
                let mut offset = 0;
                for part in v.split(char::is_whitespace) {
                    if !part.is_empty() {
                        let span = if literal {
                            content.start + offset..content.start + offset + part.len()
                        } else {
                            content.clone()
                        };
                        out.push(Item {
                            value: part.to_string(),
                            span,
                        });
                    }
                    offset += part.len() + 1;
                }
            }
        }
    }
    (out, span)
}

/// The attribution found in a body: the credited name and where it is.
#[derive(Debug, Clone)]
pub struct Attribution {
    pub name: String,
    /// The whole line (`（文章来源：…）`) and the name's raw bytes (which may hold HTML).
    pub span: Range<usize>,
    pub name_span: Range<usize>,
}

/// Find the last attribution in the body, with HTML inside it stripped
/// (`（文章来源：上海<span>证券</span>报）` credits 上海证券报).
pub fn attribution(post: &Post, format: &str) -> Option<Attribution> {
    let (prefix, suffix) = format.split_once("{name}")?;
    if prefix.is_empty() {
        return None;
    }
    let body = post.text.get(post.body.clone())?;
    let at = body.rfind(prefix)?;
    let name_start = at + prefix.len();
    let rel_end = body[name_start..]
        .find(suffix)
        .filter(|_| !suffix.is_empty())?;
    let raw = &body[name_start..name_start + rel_end];
    let name = strip_tags(raw).trim().to_string();
    let base = post.body.start;
    Some(Attribution {
        name,
        span: base + at..base + name_start + rel_end + suffix.len(),
        name_span: base + name_start..base + name_start + rel_end,
    })
}

pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A back link of the footer.
#[derive(Debug, Clone)]
pub struct BackLink {
    pub text: String,
    pub text_span: Range<usize>,
    pub target: String,
    pub target_span: Range<usize>,
    pub home: bool,
}

/// The texts that make a link a back link: the category link's template (`返回{tag}`) and
/// the home link's text (`返回首页`).
#[derive(Debug, Clone, Copy)]
pub struct BackLinkTexts<'a> {
    pub category: &'a str,
    pub home: &'a str,
}

/// The footer's back links: Markdown links whose text is the home text, or starts like the
/// category text (`返回…`).
pub fn back_links(body: &Body, text: &str, texts: BackLinkTexts) -> Vec<BackLink> {
    let prefix = texts.category.split('{').next().unwrap_or("");
    if texts.home.is_empty() && prefix.is_empty() {
        return Vec::new();
    }
    body.links
        .iter()
        .filter(|l| matches!(l.source, LinkSource::Inline | LinkSource::Reference))
        .filter_map(|l| {
            let span = l.text_span.clone()?;
            let t = text.get(span.clone())?.trim().to_string();
            let home = t == texts.home;
            (home || (!prefix.is_empty() && t.starts_with(prefix))).then(|| BackLink {
                text: t,
                text_span: span,
                target: l.url.clone(),
                target_span: l.span.clone(),
                home,
            })
        })
        .collect()
}

/// Whether a back link's target is one of the accepted ones: the same URL, or the same path
/// relative (`../emnews/` for `//finews.withounder.com/emnews/`).
pub fn target_matches(target: &str, accepted: &[String]) -> bool {
    let t = target.trim();
    accepted.iter().any(|a| {
        if a == t {
            return true;
        }
        let path = a
            .strip_prefix("//")
            .or_else(|| a.split_once("://").map(|(_, r)| r))
            .map_or(a.as_str(), |r| r.find('/').map_or("/", |i| &r[i..]));
        let rel = t.trim_start_matches("./");
        let mut rel = rel;
        while let Some(r) = rel.strip_prefix("../") {
            rel = r;
        }
        let is_relative = !t.starts_with('/') && !t.contains("//");
        (is_relative && path.trim_start_matches('/') == rel) || t == path
    })
}

/// The source link: the first autolink that is not a back link (or `<>`).
pub fn source_link(body: &Body) -> Option<&super::body::Link> {
    body.links
        .iter()
        .find(|l| matches!(l.source, LinkSource::Autolink | LinkSource::EmptyAutolink))
}

/// An identifier of the source article: the `infoCode` parameter, or the numeric id of an
/// eastmoney-style `…/NNNN,ID.html` URL, or the URL itself without scheme.
pub fn source_key(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    if let Some(code) = url
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("infoCode="))
    {
        return Some(format!("infoCode={code}"));
    }
    let last = url.rsplit('/').next().unwrap_or("");
    if let Some((_, id)) = last.trim_end_matches(".html").rsplit_once(',')
        && id.len() >= 8
        && id.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(format!("id={id}"));
    }
    Some(
        url.split_once("//")
            .map_or(url, |(_, r)| r)
            .trim_end_matches('/')
            .to_string(),
    )
}

/// A hash of the article's text for duplicate detection: the body without links, HTML tags and
/// white space (hashed as it is read, with no copy). `None` for a body of fewer than 20 such
/// characters (a line of filler is no evidence of a duplicate).
pub fn article_hash(post: &Post, body: &Body) -> Option<u64> {
    let text = &post.text;
    let mut cuts: Vec<Range<usize>> = body.links.iter().map(|l| l.whole.clone()).collect();
    cuts.sort_by_key(|r| r.start);
    // The kept characters go through a small stack buffer into SipHash (fixed keys: the same
    // text, the same hash, in every run): a byte loop with a decode only for non-ASCII
    // characters (this runs for every post; char-by-char FNV was 10% of a run).
    let mut hasher = std::hash::DefaultHasher::new();
    let mut kept = [0u8; 256];
    let mut n = 0usize;
    let mut keep = |hasher: &mut std::hash::DefaultHasher, piece: &[u8]| {
        if n + piece.len() > kept.len() {
            std::hash::Hasher::write(hasher, &kept[..n]);
            n = 0;
        }
        match kept.get_mut(n..n + piece.len()) {
            Some(slot) => {
                slot.copy_from_slice(piece);
                n += piece.len();
            }
            // Longer than the buffer (emptied above): straight into the hasher.
            None => std::hash::Hasher::write(hasher, piece),
        }
    };
    // ASCII that is never kept: white space and the Markdown/HTML punctuation of links.
    let dropped = |b: u8| {
        char::from(b).is_whitespace() || matches!(b, b'[' | b']' | b'(' | b')' | b'|' | b'>' | b'<')
    };
    let mut count = 0usize;
    let mut in_tag = false;
    let mut feed = |piece: &str| {
        let bytes = piece.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                if b == b'<' {
                    in_tag = true;
                } else if in_tag {
                    in_tag = b != b'>';
                } else if !dropped(b) {
                    // A run of kept ASCII bytes, copied at once.
                    let run = bytes[i..]
                        .iter()
                        .take_while(|&&c| c.is_ascii() && !dropped(c))
                        .count();
                    keep(&mut hasher, &bytes[i..i + run]);
                    count += run;
                    i += run;
                    continue;
                }
                i += 1;
                continue;
            }
            let Some(c) = piece.get(i..).and_then(|r| r.chars().next()) else {
                i += 1;
                continue;
            };
            let len = c.len_utf8();
            if !in_tag && !c.is_whitespace() && c != '｜' {
                keep(&mut hasher, &bytes[i..i + len]);
                count += 1;
            }
            i += len;
        }
    };
    let mut pos = post.body.start;
    for cut in cuts {
        if cut.start >= pos && cut.end <= post.body.end {
            feed(&text[pos..cut.start]);
            pos = cut.end;
        }
    }
    feed(&text[pos..post.body.end]);
    if count < 20 {
        return None;
    }
    std::hash::Hasher::write(&mut hasher, &kept[..n]);
    Some(std::hash::Hasher::finish(&hasher))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_keys() {
        assert_eq!(
            source_key(
                "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202203172312490766"
            )
            .as_deref(),
            Some("infoCode=NW202203172312490766")
        );
        assert_eq!(
            source_key("http://finance.eastmoney.com/news/11060,202112082206672930.html")
                .as_deref(),
            Some("id=202112082206672930")
        );
    }

    #[test]
    fn back_link_targets() {
        let acc = vec!["//finews.withounder.com/emnews/".to_string()];
        assert!(target_matches("//finews.withounder.com/emnews/", &acc));
        assert!(target_matches("../emnews/", &acc));
        assert!(!target_matches("//finews.withounder.com/other/", &acc));
        let home = vec!["//finews.withounder.com/".to_string()];
        assert!(target_matches("../", &home));
    }
}
