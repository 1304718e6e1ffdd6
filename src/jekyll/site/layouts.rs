//! Where the site's layouts print front matter values without escaping them (HT009): each
//! layout of `_layouts/` and each include it reaches, parsed as Liquid (crates/liquid), and for
//! every `{{ page.KEY… }}` output with no escaping filter, the HTML context the layout's text
//! puts it in (text, an attribute value and its quote, the raw text of `<script>`, the RCDATA of
//! `<title>`, a comment). A value breaks out of its context when it holds what ends it: a tag
//! in text, the attribute's quote, `</script`, `-->`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use jekyll_liquid::{Expr, NodeKind, ParseOptions};

use super::SiteModel;
use crate::jekyll::document::Post;

/// Where a layout prints a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintContext {
    /// Element content: a tag in the value is live markup.
    Text,
    /// A double-quoted attribute value.
    DoubleQuoted,
    /// A single-quoted attribute value.
    SingleQuoted,
    /// An unquoted attribute value (or right after `=`).
    Unquoted,
    /// The raw text of `<script>` or `<style>`; `quote` is the JavaScript string quote the
    /// value is printed in, if any.
    RawText {
        element: &'static str,
        quote: Option<u8>,
    },
    /// The text of `<title>` or `<textarea>`: only its end tag ends it.
    Rcdata(&'static str),
    /// An HTML comment.
    Comment,
}

impl PrintContext {
    /// What in a value ends this context (in words), if `value` holds it.
    pub fn broken_by(self, value: &str) -> Option<&'static str> {
        let lower = || value.to_ascii_lowercase();
        match self {
            PrintContext::Text => has_tag(value).then_some("markup (a tag)"),
            PrintContext::DoubleQuoted => value.contains('"').then_some("a `\"`"),
            PrintContext::SingleQuoted => value.contains('\'').then_some("a `'`"),
            PrintContext::Unquoted => value
                .contains([' ', '\t', '\n', '\r', '\x0c', '>', '"', '\'', '`', '=', '<'])
                .then_some("white space, a quote or `>`"),
            PrintContext::RawText { element, quote } => {
                if lower().contains(&format!("</{element}")) {
                    return Some(if element == "script" {
                        "`</script`"
                    } else {
                        "`</style`"
                    });
                }
                match quote {
                    Some(q) if value.bytes().any(|b| b == q || b == b'\\' || b == b'\n') => {
                        Some("the script string's quote, a backslash or a line break")
                    }
                    _ => None,
                }
            }
            PrintContext::Rcdata(element) => {
                lower()
                    .contains(&format!("</{element}"))
                    .then_some(if element == "title" {
                        "`</title`"
                    } else {
                        "`</textarea`"
                    })
            }
            PrintContext::Comment => value.contains("--").then_some("`--`"),
        }
    }

    /// The context in words.
    pub fn words(self) -> &'static str {
        match self {
            PrintContext::Text => "as markup",
            PrintContext::DoubleQuoted => "inside a double-quoted attribute value",
            PrintContext::SingleQuoted => "inside a single-quoted attribute value",
            PrintContext::Unquoted => "as an unquoted attribute value",
            PrintContext::RawText {
                element: "style", ..
            } => "inside a `<style>` element",
            PrintContext::RawText { .. } => "inside a `<script>` element",
            PrintContext::Rcdata(_) => "inside a `<title>`/`<textarea>` element",
            PrintContext::Comment => "inside an HTML comment",
        }
    }
}

/// `<` followed by what starts a tag, an end tag, a comment or a declaration.
fn has_tag(value: &str) -> bool {
    let b = value.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

/// One unescaped print of a front matter value.
#[derive(Debug, Clone)]
pub struct Print {
    /// The keys after `page` (`["title"]`, `["author", "name"]`).
    pub keys: Vec<String>,
    pub context: PrintContext,
    /// The layout or include that prints it (relative to the source) and the line.
    pub file: String,
    pub line: usize,
    /// The output as written (`{{ page.title }}`).
    pub written: String,
}

/// The prints of one layout or include file, the includes it names and its parent layout.
#[derive(Debug, Default)]
struct FileModel {
    prints: Vec<Print>,
    includes: Vec<String>,
    parent: Option<String>,
}

/// The site's layouts and includes, read once.
#[derive(Debug, Default)]
pub struct Layouts {
    /// By layout name (the file name without its extension).
    layouts: HashMap<String, FileModel>,
    /// By include path (relative to `_includes/`); `None` when it cannot be read.
    includes: HashMap<String, Option<FileModel>>,
    /// The site may take layouts from a theme gem postlint cannot read.
    theme: bool,
}

/// Filters after which a printed value cannot break out of any context.
const ESCAPING: &[&str] = &[
    "escape",
    "escape_once",
    "xml_escape",
    "cgi_escape",
    "uri_escape",
    "url_encode",
    "url_escape",
    "slugify",
    "jsonify",
    "number_of_words",
    "size",
    "date",
    "date_to_xmlschema",
    "date_to_rfc822",
    "date_to_string",
    "date_to_long_string",
    "plus",
    "minus",
    "times",
    "divided_by",
    "modulo",
    "abs",
    "ceil",
    "floor",
    "round",
    "md5",
];

/// The prints of `{{ page.… }}` in `src` (a layout's body or an include) that no filter escapes.
fn model_of(src: &str, file: &str, opts: &ParseOptions) -> FileModel {
    let t = jekyll_liquid::parse(src, opts);
    let mut out = FileModel::default();
    // (offset, keys, the output as written, whether `strip_html` removed its tags), in
    // source order.
    let mut found: Vec<(usize, Vec<String>, String, bool)> = Vec::new();
    for n in &t.nodes {
        match &n.kind {
            NodeKind::Output(v) => {
                let Some(Expr::Lookup(l)) = &v.name else {
                    continue;
                };
                if !matches!(&l.name, Expr::Str(s) if s == "page") {
                    continue;
                }
                let keys: Option<Vec<String>> = l
                    .lookups
                    .iter()
                    .zip(l.commands.iter().chain(std::iter::repeat(&false)))
                    .map(|(k, command)| match k {
                        Expr::Str(s) if !command => Some(s.clone()),
                        _ => None,
                    })
                    .collect();
                let Some(keys) = keys.filter(|k| !k.is_empty()) else {
                    continue;
                };
                if v.filters
                    .iter()
                    .any(|f| ESCAPING.contains(&f.name.as_str()))
                {
                    continue;
                }
                let stripped = v.filters.iter().any(|f| f.name == "strip_html");
                let written = src.get(n.span.clone()).unwrap_or("").to_string();
                found.push((n.span.start, keys, written, stripped));
            }
            NodeKind::Include(inc) if !inc.relative => {
                if let Some(f) = inc.file.as_deref().map(str::trim)
                    && !f.contains("{{")
                    && !f.is_empty()
                {
                    out.includes.push(f.to_string());
                }
            }
            _ => {}
        }
    }
    let positions: Vec<usize> = found.iter().map(|f| f.0).collect();
    let contexts = contexts(src, &positions);
    // Lines counted in one pass (the outputs are in source order).
    let (mut line, mut counted) = (1, 0);
    for ((at, keys, written, stripped), context) in found.into_iter().zip(contexts) {
        let to = at.min(src.len());
        line += memchr::memchr_iter(b'\n', &src.as_bytes()[counted.min(to)..to]).count();
        counted = to;
        // `strip_html` removes tags: only a quote can still break out.
        if stripped && matches!(context, PrintContext::Text | PrintContext::Rcdata(_)) {
            continue;
        }
        out.prints.push(Print {
            keys,
            context,
            file: file.to_string(),
            line,
            written,
        });
    }
    out
}

/// The HTML context at each of `positions` (sorted byte offsets of Liquid outputs) in `src`:
/// a linear scan with the states of an HTML tokenizer that matter here; Liquid constructs are
/// opaque (they change no state).
fn contexts(src: &str, positions: &[usize]) -> Vec<PrintContext> {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Data,
        Tag { after_eq: bool },
        Dq,
        Sq,
        Unq,
        Raw(&'static str),
        Rc(&'static str),
        Comment,
    }
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(positions.len());
    let mut next = positions.iter().peekable();
    let mut state = S::Data;
    let mut tag_name = String::new();
    let mut i = 0;
    let mut last_significant: Option<u8> = None;
    while i < b.len() {
        if next.peek().is_some_and(|&&p| p == i) {
            next.next();
            out.push(match state {
                S::Data => PrintContext::Text,
                S::Tag { after_eq: true, .. } | S::Unq => PrintContext::Unquoted,
                S::Tag { .. } => PrintContext::Text,
                S::Dq => PrintContext::DoubleQuoted,
                S::Sq => PrintContext::SingleQuoted,
                S::Raw(element) => PrintContext::RawText {
                    element,
                    quote: last_significant.filter(|q| matches!(q, b'"' | b'\'' | b'`')),
                },
                S::Rc(e) => PrintContext::Rcdata(e),
                S::Comment => PrintContext::Comment,
            });
        }
        // Liquid constructs are opaque.
        if b[i] == b'{' && matches!(b.get(i + 1), Some(b'{' | b'%')) {
            let close: &[u8] = if b[i + 1] == b'{' { b"}}" } else { b"%}" };
            let end = memchr::memmem::find(&b[i + 2..], close).map_or(b.len(), |e| i + 2 + e + 2);
            if state == S::Unq || matches!(state, S::Tag { after_eq: true, .. }) {
                state = S::Unq;
            }
            i = end;
            continue;
        }
        let c = b[i];
        match state {
            S::Data => {
                if b[i..].starts_with(b"<!--") {
                    state = S::Comment;
                    i += 4;
                    continue;
                }
                if c == b'<' && b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()) {
                    let end = b[i + 1..]
                        .iter()
                        .position(|x| !x.is_ascii_alphanumeric() && *x != b'-')
                        .map_or(b.len(), |p| i + 1 + p);
                    tag_name = src.get(i + 1..end).unwrap_or("").to_ascii_lowercase();
                    state = S::Tag { after_eq: false };
                    i = end;
                    continue;
                }
                if c == b'<' && b.get(i + 1) == Some(&b'/') {
                    tag_name.clear();
                    state = S::Tag { after_eq: false };
                    i += 2;
                    continue;
                }
            }
            S::Tag { after_eq } => match c {
                b'>' => {
                    state = match tag_name.as_str() {
                        "script" => S::Raw("script"),
                        "style" => S::Raw("style"),
                        "title" => S::Rc("title"),
                        "textarea" => S::Rc("textarea"),
                        _ => S::Data,
                    };
                    last_significant = None;
                }
                b'=' => state = S::Tag { after_eq: true },
                b'"' if after_eq => state = S::Dq,
                b'\'' if after_eq => state = S::Sq,
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {}
                _ if after_eq => state = S::Unq,
                _ => {}
            },
            S::Dq if c == b'"' => state = S::Tag { after_eq: false },
            S::Sq if c == b'\'' => state = S::Tag { after_eq: false },
            S::Unq => match c {
                b'>' => {
                    state = S::Tag { after_eq: false };
                    continue;
                }
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => state = S::Tag { after_eq: false },
                _ => {}
            },
            S::Raw(e) | S::Rc(e) => {
                if c == b'<'
                    && b.get(i + 1) == Some(&b'/')
                    && src
                        .get(i + 2..i + 2 + e.len())
                        .is_some_and(|n| n.eq_ignore_ascii_case(e))
                {
                    tag_name.clear();
                    state = S::Tag { after_eq: false };
                    i += 2 + e.len();
                    continue;
                }
                if !c.is_ascii_whitespace() {
                    last_significant = Some(c);
                }
            }
            S::Comment if b[i..].starts_with(b"-->") => {
                state = S::Data;
                i += 3;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Positions at the very end (or past it).
    while out.len() < positions.len() {
        out.push(PrintContext::Text);
    }
    out
}

/// A file of `dir` named `name` with any extension (Jekyll's layout names drop it).
fn layout_files(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, std::path::PathBuf)> = rd
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let path = e.path();
            let stem = path.file_stem()?.to_str()?.to_string();
            Some((stem, path))
        })
        .collect();
    out.sort();
    out
}

impl SiteModel {
    /// The site's layouts and includes, read on first use.
    fn layouts(&self) -> &Layouts {
        self.layouts.get_or_init(|| {
            let Some(root) = &self.root else {
                return Layouts::default();
            };
            let opts = self.liquid_parse_options();
            let mut l = Layouts {
                theme: self
                    .config
                    .as_ref()
                    .is_some_and(|c| c.unknown().theme.is_some()),
                ..Layouts::default()
            };
            for (name, path) in layout_files(&root.join("_layouts")) {
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let rel = format!(
                    "_layouts/{}",
                    path.file_name()
                        .map_or(String::new(), |f| f.to_string_lossy().into_owned())
                );
                let post = Post::from_bytes(&rel, bytes);
                let body = post.text.get(post.body.clone()).unwrap_or("");
                let mut m = model_of(body, &rel, &opts);
                // Lines count from the top of the file.
                let offset = post
                    .text
                    .get(..post.body.start)
                    .map_or(0, |s| s.matches('\n').count());
                for p in &mut m.prints {
                    p.line += offset;
                }
                m.parent = post
                    .root()
                    .and_then(|r| r.get("layout"))
                    .and_then(|n| n.as_str())
                    .map(str::to_string);
                l.layouts.entry(name).or_insert(m);
            }
            // The includes the layouts reach, transitively.
            let mut todo: Vec<String> = l
                .layouts
                .values()
                .flat_map(|m| m.includes.iter().cloned())
                .collect();
            while let Some(inc) = todo.pop() {
                if l.includes.contains_key(&inc) {
                    continue;
                }
                let model = super::liquid_data::read_inside(&root.join("_includes"), &inc)
                    .map(|text| model_of(&text, &format!("_includes/{inc}"), &opts));
                if let Some(m) = &model {
                    todo.extend(m.includes.iter().cloned());
                }
                l.includes.insert(inc, model);
            }
            l
        })
    }

    /// The unescaped prints of front matter values in the layouts `post` is rendered in (its
    /// `layout`, or the front matter defaults', then each layout's own `layout`), with the
    /// includes they reach. Empty when the post has no layout; `None` when a layout is not
    /// among the site's own (a theme's, or missing: not known).
    pub fn unescaped_prints(&self, post: &Post) -> Option<Vec<&Print>> {
        let layouts = self.layouts();
        let mut name = post
            .root()
            .and_then(|r| r.get("layout"))
            .map(|n| n.as_str().map(str::to_string))
            .unwrap_or_else(|| self.default_layout(post));
        let mut out = Vec::new();
        let mut seen_layouts = HashSet::new();
        let mut seen_includes = HashSet::new();
        while let Some(n) = name.take() {
            if n.is_empty() || n == "none" || n == "null" || !seen_layouts.insert(n.clone()) {
                break;
            }
            let Some(m) = layouts.layouts.get(&n) else {
                return if layouts.theme || !layouts.layouts.is_empty() {
                    None
                } else {
                    Some(out)
                };
            };
            out.extend(m.prints.iter());
            let mut todo: Vec<&String> = m.includes.iter().collect();
            while let Some(inc) = todo.pop() {
                if !seen_includes.insert(inc.clone()) {
                    continue;
                }
                if let Some(Some(im)) = layouts.includes.get(inc) {
                    out.extend(im.prints.iter());
                    todo.extend(im.includes.iter());
                }
            }
            name = m.parent.clone();
        }
        Some(out)
    }

    /// The `layout` the site's front matter defaults give the post.
    fn default_layout(&self, post: &Post) -> Option<String> {
        let config = self.config.as_ref()?;
        let rel = post.rel.as_deref()?;
        let d = config.defaults_for(rel, Some("posts")).ok()?;
        d.get("layout").and_then(|v| match &v.kind {
            jekyll_site::ValueKind::Str(s) => Some(s.clone()),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_of_a_layout() {
        let src = "<title>{{ page.a }}</title><meta content=\"{{ page.b }}\" x='{{ page.c }}' y={{ page.d }}>\
                   <h1>{{ page.e }}</h1><script>var t = \"{{ page.f }}\";</script><!-- {{ page.g }} -->{{ page.h }}";
        let at: Vec<usize> = src.match_indices("{{").map(|(i, _)| i).collect();
        let c = contexts(src, &at);
        assert_eq!(
            c,
            [
                PrintContext::Rcdata("title"),
                PrintContext::DoubleQuoted,
                PrintContext::SingleQuoted,
                PrintContext::Unquoted,
                PrintContext::Text,
                PrintContext::RawText {
                    element: "script",
                    quote: Some(b'"')
                },
                PrintContext::Comment,
                PrintContext::Text,
            ]
        );
    }

    /// Any text (multi-byte characters beside every construct, cut anywhere) scans without a
    /// panic, one context per position.
    #[test]
    fn any_text_scans() {
        let src = "–<!--–-->–<a b='–' c=\"–\" d=–>–{{ page.x }}–<script>–\"{{ page.y }}</script>–<title>–</title–<–/";
        for end in 0..=src.len() {
            let Some(s) = src.get(..end) else { continue };
            let at: Vec<usize> = s.match_indices("{{").map(|(i, _)| i).collect();
            assert_eq!(contexts(s, &at).len(), at.len());
            let _ = model_of(s, "_layouts/x.html", &ParseOptions::default());
        }
    }

    #[test]
    fn what_breaks_out() {
        assert!(PrintContext::Text.broken_by("a <b>").is_some());
        assert!(PrintContext::Text.broken_by("a < b & \"c\"").is_none());
        assert!(PrintContext::DoubleQuoted.broken_by("say \"hi\"").is_some());
        assert!(PrintContext::DoubleQuoted.broken_by("it's <b>").is_none());
        assert!(
            PrintContext::Rcdata("title")
                .broken_by("<b>x</b>")
                .is_none()
        );
        assert!(
            PrintContext::Rcdata("title")
                .broken_by("</TITLE><b>")
                .is_some()
        );
    }

    #[test]
    fn escaped_prints_are_not_reported() {
        let m = model_of(
            "<h1>{{ page.title | escape }}</h1><p>{{ page.sub }}</p><p>{{ page.x | strip_html }}</p><meta content=\"{{ page.x | strip_html }}\">{{ site.title }}{{ page.tags.size }}",
            "_layouts/x.html",
            &ParseOptions::default(),
        );
        let keys: Vec<String> = m.prints.iter().map(|p| p.keys.join(".")).collect();
        assert_eq!(keys, ["sub", "x"]);
    }
}
