//! Categories, tags, attribution and back links: the category registry (with its open-registry
//! derivation from the source name), the pinyin match, and the facts of one post that the TX,
//! SA and XF rules and `init --infer` read.

use std::ops::Range;

use pinyin::{ToPinyin, ToPinyinMulti};

use crate::body::{Body, LinkSource};
use crate::loader::Post;

/// Whether a post must carry something (attribution, source link, back links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Need {
    #[default]
    Required,
    Optional,
    None,
}

impl Need {
    pub fn parse(s: &str) -> Option<Need> {
        match s {
            "required" => Some(Need::Required),
            "optional" => Some(Need::Optional),
            "none" => Some(Need::None),
            _ => None,
        }
    }
}

/// One category of the registry. Unset fields come from the `"*"` entry.
#[derive(Debug, Clone, Default)]
pub struct Category {
    pub name: Option<String>,
    pub tag: Option<String>,
    pub source_hosts: Option<Vec<String>>,
    pub attribution: Option<Need>,
    /// Whether the attribution must name this category's source (`match`) or any (`any`).
    pub attribution_any: Option<bool>,
    pub source_link: Option<Need>,
    pub back_links: Option<Need>,
    /// Accepted targets of the category back link (templates with `{slug}`).
    pub category_links: Option<Vec<String>>,
    /// Accepted targets of the home back link.
    pub home_links: Option<Vec<String>>,
}

/// How a category not in the registry must look, and the texts rules look for.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// `pinyin`: the slug is the pinyin of the source name (open registry); `none`: closed.
    pub derive_pinyin: bool,
    /// The tag of a source (`{name}新闻`).
    pub tag: String,
    /// The attribution line (`（文章来源：{name}）`).
    pub attribution_format: String,
    /// The text of the category back link (`返回{tag}`) and of the home link (`返回首页`).
    pub back_link_text: String,
    pub home_link_text: String,
    pub category: Category,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            derive_pinyin: false,
            tag: "{name}".into(),
            attribution_format: String::new(),
            back_link_text: String::new(),
            home_link_text: String::new(),
            category: Category::default(),
        }
    }
}

/// The registry: explicit categories by slug, and the defaults.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub categories: Vec<(String, Category)>,
    pub defaults: Defaults,
}

impl Registry {
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && !self.defaults.derive_pinyin
    }

    /// A closed registry lists every category (no derivation).
    pub fn is_closed(&self) -> bool {
        !self.categories.is_empty() && !self.defaults.derive_pinyin
    }

    pub fn get(&self, slug: &str) -> Option<&Category> {
        self.categories
            .iter()
            .find(|(s, _)| s == slug)
            .map(|(_, c)| c)
    }

    /// The tags the registry knows.
    pub fn known_tags(&self) -> impl Iterator<Item = String> + '_ {
        self.categories.iter().filter_map(|(_, c)| self.tag_of(c))
    }

    /// A category's tag: its own, or the default template applied to its name.
    pub fn tag_of(&self, c: &Category) -> Option<String> {
        c.tag.clone().or_else(|| {
            c.name
                .as_ref()
                .map(|n| self.defaults.tag.replace("{name}", n))
        })
    }

    /// The source name a tag implies under the default template (`X新闻` → `X`).
    pub fn name_from_tag<'t>(&self, tag: &'t str) -> Option<&'t str> {
        let (pre, post) = self.defaults.tag.split_once("{name}")?;
        let name = tag.strip_prefix(pre)?.strip_suffix(post)?;
        (!name.is_empty()).then_some(name)
    }
}

/// The resolved requirements for one post's category.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub slug: String,
    pub name: Option<String>,
    pub tag: Option<String>,
    pub source_hosts: Vec<String>,
    pub attribution: Need,
    pub attribution_any: bool,
    pub source_link: Need,
    pub back_links: Need,
    pub category_links: Vec<String>,
    pub home_links: Vec<String>,
    /// Whether the registry lists the category (else it was derived).
    pub listed: bool,
}

impl Registry {
    /// Requirements for `slug`, from its entry (or the derivation, with `name` from the post).
    pub fn resolve(&self, slug: &str, derived_name: Option<&str>) -> Resolved {
        let entry = self.get(slug);
        let d = &self.defaults.category;
        let pick = |f: fn(&Category) -> Option<Need>, default: Need| {
            entry.and_then(f).or_else(|| f(d)).unwrap_or(default)
        };
        let name = entry
            .and_then(|c| c.name.clone())
            .or_else(|| derived_name.map(str::to_string));
        let tag = match entry {
            Some(c) => self.tag_of(c).or_else(|| {
                name.as_ref()
                    .map(|n| self.defaults.tag.replace("{name}", n))
            }),
            None => name
                .as_ref()
                .map(|n| self.defaults.tag.replace("{name}", n)),
        };
        let list = |f: fn(&Category) -> Option<Vec<String>>| {
            entry.and_then(f).or_else(|| f(d)).unwrap_or_default()
        };
        Resolved {
            slug: slug.to_string(),
            name,
            tag,
            source_hosts: list(|c| c.source_hosts.clone()),
            attribution: pick(|c| c.attribution, Need::None),
            attribution_any: entry
                .and_then(|c| c.attribution_any)
                .or(d.attribution_any)
                .unwrap_or(false),
            source_link: pick(|c| c.source_link, Need::None),
            back_links: pick(|c| c.back_links, Need::None),
            category_links: list(|c| c.category_links.clone())
                .into_iter()
                .map(|t| t.replace("{slug}", slug))
                .collect(),
            home_links: list(|c| c.home_links.clone()),
            listed: entry.is_some(),
        }
    }
}

/// Whether `slug` is the pinyin of `name` as the site's generator writes it (xpinyin: syllables
/// joined without separators, other characters kept), accepting any reading of a polyphonic
/// character and `v`/`u`/`ü` for `ü`.
pub fn pinyin_matches(name: &str, slug: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    let slug = slug.as_bytes();
    // Depth-first over (character, slug position), each state once: O(chars × slug × readings).
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(0usize, 0usize)];
    while let Some((ci, si)) = stack.pop() {
        if !seen.insert((ci, si)) {
            continue;
        }
        if ci == chars.len() {
            if si == slug.len() {
                return true;
            }
            continue;
        }
        let c = chars[ci];
        match c.to_pinyin_multi() {
            Some(multi) => {
                for reading in multi {
                    for variant in spellings(reading.plain()) {
                        if slug[si..].starts_with(variant.as_bytes()) {
                            stack.push((ci + 1, si + variant.len()));
                        }
                    }
                }
            }
            None => {
                let mut buf = [0u8; 4];
                let lit = c.encode_utf8(&mut buf).as_bytes();
                if slug[si..].starts_with(lit) {
                    stack.push((ci + 1, si + lit.len()));
                }
            }
        }
    }
    false
}

fn spellings(reading: &str) -> Vec<String> {
    if reading.contains('ü') {
        vec![
            reading.replace('ü', "v"),
            reading.replace('ü', "u"),
            reading.to_string(),
        ]
    } else {
        vec![reading.to_string()]
    }
}

/// The slug the generator would most likely write for `name` (each character's most common
/// reading; `ü` as `v`, as xpinyin writes it).
pub fn pinyin_slug(name: &str) -> String {
    name.chars()
        .map(|c| match c.to_pinyin() {
            Some(p) => p.plain().replace('ü', "v"),
            None => c.to_string(),
        })
        .collect()
}

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

/// The footer's back links: Markdown links whose text is the home text, or starts like the
/// category text (`返回…`).
pub fn back_links(body: &Body, text: &str, defaults: &Defaults) -> Vec<BackLink> {
    let prefix = defaults.back_link_text.split('{').next().unwrap_or("");
    if defaults.home_link_text.is_empty() && prefix.is_empty() {
        return Vec::new();
    }
    body.links
        .iter()
        .filter(|l| matches!(l.source, LinkSource::Inline | LinkSource::Reference))
        .filter_map(|l| {
            let span = l.text_span.clone()?;
            let t = text.get(span.clone())?.trim().to_string();
            let home = t == defaults.home_link_text;
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
pub fn source_link(body: &Body) -> Option<&crate::body::Link> {
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
    fn pinyin_as_the_generator_writes_it() {
        // Slugs from xpinyin 0.7.6 (`Pinyin().get_pinyin(name)` without `-`).
        for (name, slug) in [
            ("中国消费者报", "zhongguoxiaofeizhebao"),
            ("21财经", "21caijing"),
            ("36氪", "36ke"),
            ("安信国际证券(香港)", "anxinguojizhengquan(xianggang)"),
            (
                "21世纪经济报道 21财经APP",
                "21shijijingjibaodao 21caijingAPP",
            ),
            (
                "21世纪经济报道  南财理财通",
                "21shijijingjibaodao  nancailicaitong",
            ),
            ("Career In 投行PEVC", "Career In touxingPEVC"),
            ("东财滚动新闻", "dongcaigundongxinwen"),
            ("银行", "yinxing"),
            ("重庆", "zhongqing"),
            ("站长消息", "zhanchangxiaoxi"),
            ("TechWeb", "TechWeb"),
        ] {
            assert!(pinyin_matches(name, slug), "{name} → {slug}");
        }
        // Other readings of polyphonic characters are accepted too.
        assert!(pinyin_matches("银行", "yinhang"));
        assert!(pinyin_matches("重庆", "chongqing"));
        assert!(!pinyin_matches("中国消费者报", "zhongguoxiaofeizhe"));
        assert!(!pinyin_matches("天风研究", "zhongguoxiaofeizhebao"));
        assert_eq!(pinyin_slug("中国消费者报"), "zhongguoxiaofeizhebao");
    }

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
