//! LK: links in the body — well-formed, safe schemes, https, internal targets that exist, and
//! nothing empty.

use url::Url;

use super::html::{has_scheme, normalized_url, url_view};
use super::{Context, FixKind, OptionDef, Report, RuleDef, Scope};
use crate::jekyll::body::{Link, LinkSource};
use crate::jekyll::site::{SiteModel, Target, categories_of};
use crate::jekyll::yaml::NodeExt;
use crate::settings::Level;
use crate::settings::options::lower;

pub static LK001: RuleDef = RuleDef {
    code: "LK001",
    name: "malformed-url",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "a URL that does not parse (spaces, bad host, bad escapes)",
    doc: "\
## What it does
Reports link destinations that are not valid URLs: white space or control characters, a `%`
not followed by two hex digits, a backslash, a host that is empty or has invalid characters, a
port that is not a number below 65536 — checked with the WHATWG URL parser (the `url` crate)
for `http`, `https`, `ftp`, `ws` and `wss` URLs and protocol-relative ones. Non-ASCII text in a
path or query is fine (browsers encode it), and so is a raw `&` in a query.

## Why is this bad?
Browsers guess at such URLs or refuse them: the reader gets a 404 or nothing happens.

## Example
`[source](http://example.com/a b.html)`, `<http://exa mple.com>`, `[x](http://host:99999/)`.
",
    options: &[],
    check: Some(lk001),
};

pub static LK002: RuleDef = RuleDef {
    code: "LK002",
    name: "disallowed-scheme",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "javascript:, vbscript:, data:, file: …",
    doc: "\
## What it does
Reports Markdown links and HTML link attributes whose scheme the pack forbids, read as a
browser reads it (references decoded, tabs and newlines removed, case folded), whether or not
the URL is well-formed: `[x](javascript:alert(1)//%zz)` is LK001 and LK002. Script schemes in
HTML attributes are HT008's finding, not this one.

## Why is this bad?
`javascript:` and `vbscript:` links run script; `data:` URLs can carry whole pages; `file:`
links point at the writer's own disk and are broken for every reader.

## Example
`[click](javascript:alert(1))`, `![chart](file:///C:/Users/me/chart.png)`.

## Options
- `schemes`: the disallowed schemes (default `javascript`, `vbscript`, `data`, `file`).
",
    options: LK002_OPTIONS,
    check: Some(lk002),
};

pub static LK003: RuleDef = RuleDef {
    code: "LK003",
    name: "insecure-link",
    default: Level::Warning,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "http:// where https is expected (per-host allow list)",
    doc: "\
## What it does
Reports `http://` links, except to hosts in the allow list (hosts that only serve plain
HTTP). `*.example.com` allows every subdomain of `example.com`.

## Why is this bad?
An `http://` image or script on an https page is mixed content that browsers block; an
`http://` link exposes readers to tampering on the way.

## Example
`<img src=\"http://cdn.example.com/a.png\">` on an https site.

## Options
- `allow_hosts`: hosts allowed over `http` (the `finews` pack allows the aggregator and source
  hosts that only serve http).
",
    options: LK003_OPTIONS,
    check: Some(lk003),
};

pub static LK004: RuleDef = RuleDef {
    code: "LK004",
    name: "broken-internal-link",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "a link into the site (relative, protocol-relative or site host) whose target does not exist",
    doc: "\
## What it does
Resolves every link into the site the way the built site will: a relative link against the
post's own permalink (`../emnews/` in a post published at `/emnews/2021/12/08/ID.html` points at
`/emnews/2021/12/emnews/`), a root-relative link against the site root, and absolute or
protocol-relative links to any of the site's hosts (`url` in `_config.yml`, `CNAME`,
`site.hosts`). The target must be a page's permalink, a static file, a post's permalink, or a
page the site generates (the pack's `generated` templates, e.g. the post's category page). Runs
only where the site's source (a folder with `_config.yml`) is found.

## Why is this bad?
Readers click the link and get a 404. Relative links are the usual culprit: they resolve
against the post's URL, not its file.

## Example
`[返回首页](../)` in a post published at `/emnews/2021/12/08/ID.html` points at
`/emnews/2021/12/`, which does not exist; write `(/)` or `(//finews.withounder.com/)`.

## Options
- `generated`: URL templates of pages the site generates, with `{category}` for each of the
  post's categories (e.g. `/category/{category}.html`).
",
    options: LK004_OPTIONS,
    check: Some(lk004),
};

pub static LK005: RuleDef = RuleDef {
    code: "LK005",
    name: "empty-link",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Body,
    reads_body: true,
    summary: "empty target or empty link text",
    doc: "\
## What it does
Reports links with an empty destination (`[text]()`, `<a href=\"\">`, the empty autolink `<>`)
and links without text (`[](url)`, `<a href=\"url\"></a>`; an image inside counts as content).

## Why is this bad?
An empty destination reloads the page; an empty autolink is what a generator writes when the
source URL is missing; a link without text is invisible to readers and to screen readers.

## Example
`<>` on a line of its own, where the source URL should be.
",
    options: &[],
    check: Some(lk005),
};

pub static LK006: RuleDef = RuleDef {
    code: "LK006",
    name: "dead-link",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::Online,
    reads_body: true,
    summary: "`--online` only: HTTP error, timeout or refused connection",
    doc: "\
## What it does
With `--online` (or `links.online: true`), requests every distinct external `http(s)` link of
the posts once per run and reports each link that does not answer with an accepted status
(`links.accept`, default 200–299): an HTTP error after retries, a timeout, a refused or dropped
connection, an unknown host, a redirect loop or too many redirects. HEAD is tried first and GET
when the server refuses HEAD. Links to the site's own hosts are LK004's business and are not
requested. Links whose host is or resolves to a loopback, private, link-local or unique-local
address are reported without being requested, unless `links.allow_private: true`. Results are
cached in `.postlint-cache.json` beside the config (`links.cache_max_age`, `--no-cache`).

## Why is this bad?
Sources move and disappear: a post whose source link is dead cannot be verified by readers.

## Example
`[原文](https://example.com/news/removed.html)` → `HTTP 404 Not Found`.

## Options
The `links:` section of the config (not `rules:`): `online`, `timeout`, `max_concurrency`,
`per_host`, `per_host_interval`, `retries`, `retry_wait`, `max_redirects`, `cache`,
`cache_max_age`, `accept`, `exclude`, `include`, `allow_private` — see the README.
",
    options: &[],
    check: Some(lk006),
};

const LK002_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "schemes",
    set: |s, v| {
        s.links.schemes = lower(v.string_list("schemes")?);
        Ok(())
    },
}];

const LK003_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "allow_hosts",
    set: |s, v| {
        s.links.allow_hosts = lower(v.string_list("allow_hosts")?);
        Ok(())
    },
}];

const LK004_OPTIONS: &[OptionDef] = &[OptionDef {
    key: "generated",
    set: |s, v| {
        let items = v.string_list("generated")?;
        if let Some(bad) = items.iter().find(|t| !t.starts_with('/')) {
            return Err(format!(
                "`generated` templates are URL paths starting with `/`, not `{bad}`"
            ));
        }
        s.links.generated = items;
        Ok(())
    },
}];

/// The key a link is checked and cached under: the parsed URL without its fragment, or `None`
/// for what is not an absolute http(s) URL (protocol-relative links are https).
pub fn request_key(link: &str) -> Option<String> {
    let link = link.trim();
    let full;
    let link = if link.starts_with("//") {
        full = format!("https:{link}");
        &full
    } else {
        link
    };
    let scheme_end = link.find(':')?;
    if !matches!(
        link[..scheme_end].to_ascii_lowercase().as_str(),
        "http" | "https"
    ) {
        return None;
    }
    let mut url = Url::parse(link).ok()?;
    url.host_str().filter(|h| !h.is_empty())?;
    url.set_fragment(None);
    Some(url.into())
}

/// What was wrong with a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// An HTTP status outside `accept` (after retries and redirects).
    Status { code: u16, reason: String },
    /// No answer: timeout, refused or dropped connection, unknown host, redirect loop, …
    Failed(String),
    /// Not requested: the host is (or resolves to) a non-public address.
    Blocked(String),
}

impl LinkProblem {
    pub fn describe(&self) -> String {
        match self {
            LinkProblem::Status { code, reason } if reason.is_empty() => format!("HTTP {code}"),
            LinkProblem::Status { code, reason } => format!("HTTP {code} {reason}"),
            LinkProblem::Failed(m) | LinkProblem::Blocked(m) => m.clone(),
        }
    }
}

/// The key under which `--online` checks a link, or `None` for a link it does not request:
/// not an absolute http(s) URL, templated by Liquid, or on the site's own hosts.
pub fn online_key(url: &str, site: &SiteModel) -> Option<String> {
    let url = url.trim();
    if url.contains("{{") || url.contains("{%") || malformed(url).is_some() {
        return None;
    }
    let key = request_key(url)?;
    let host = host_name(Url::parse(&key).ok()?.host_str()?);
    (!site.is_own_host(&host)).then_some(key)
}

/// One link of the body as every LK rule sees it, read once.
pub(crate) struct Prelude {
    /// The link's index in the body's links.
    index: usize,
    reading: Reading,
}

/// What a link is.
enum Reading {
    /// No destination (`[x]()`, `<a href="">`, `<>`).
    Empty,
    /// A URL that does not parse, and why.
    Malformed(String),
    /// A scheme the pack forbids (a script URL in HTML is HT008's), and why the URL does not
    /// parse, if it does not.
    Disallowed(String, Option<String>),
    /// A URL to look at further: its scheme, and, for http(s) and protocol-relative ones, the
    /// parsed URL and its host.
    Usable {
        scheme: Option<String>,
        parsed: Option<Url>,
        host: Option<String>,
    },
}

/// The body's links with what each is (none for a page), read on first use. Links whose URL
/// Liquid builds at build time are left out.
fn prelude<'c>(cx: &'c Context) -> Option<(&'c [Link], &'c [Prelude])> {
    let body = cx.body()?;
    let schemes = &cx.settings.rules.links.schemes;
    let read = cx.links.get_or_init(|| {
        let mut out = Vec::new();
        for (index, link) in body.links.iter().enumerate() {
            let url = link.url.trim();
            if url.contains("{{") || url.contains("{%") {
                continue;
            }
            // The scheme as a browser reads it, whether the URL parses or not (LK001 and LK002
            // both report `javascript:alert(1)//%zz`). An HTML link's URL is decoded already;
            // a Markdown link's is kramdown's, references and all.
            let lower = if link.source == LinkSource::Html || !body.kramdown {
                url_view(&link.url)
            } else {
                normalized_url(&link.url, true)
            };
            let script_in_html = link.source == LinkSource::Html
                && (lower.starts_with("javascript:") || lower.starts_with("vbscript:"));
            let disallowed = has_scheme(&lower, schemes).filter(|_| !script_in_html);
            let reading = if link.source == LinkSource::EmptyAutolink || url.is_empty() {
                Reading::Empty
            } else {
                match parse_checked(url) {
                    Err(problem) => match disallowed {
                        Some(scheme) => Reading::Disallowed(scheme, Some(problem)),
                        None => Reading::Malformed(problem),
                    },
                    Ok(web) => {
                        match disallowed {
                            Some(scheme) => Reading::Disallowed(scheme, None),
                            None => {
                                let scheme = scheme_of(url).map(str::to_ascii_lowercase);
                                // Parsed by `parse_checked` (ftp and ws(s) URLs are not looked
                                // at further).
                                let parsed = match scheme.as_deref() {
                                    Some("http" | "https") => web,
                                    None if url.starts_with("//") => web,
                                    _ => None,
                                };
                                let host =
                                    parsed.as_ref().and_then(|u| u.host_str().map(host_name));
                                Reading::Usable {
                                    scheme,
                                    parsed,
                                    host,
                                }
                            }
                        }
                    }
                }
            };
            out.push(Prelude { index, reading });
        }
        out
    });
    Some((&body.links, read))
}

/// The links that are usable URLs: the link, its trimmed URL, scheme, parsed URL and host.
fn usable<'c>(
    cx: &'c Context,
) -> impl Iterator<
    Item = (
        &'c Link,
        &'c str,
        &'c Option<String>,
        &'c Option<Url>,
        &'c Option<String>,
    ),
> {
    let (links, read) = prelude(cx).unwrap_or((&[], &[]));
    read.iter().filter_map(move |p| match &p.reading {
        Reading::Usable {
            scheme,
            parsed,
            host,
        } => {
            let link = links.get(p.index)?;
            Some((link, link.url.trim(), scheme, parsed, host))
        }
        _ => None,
    })
}

fn lk001(cx: &Context, out: &mut Report) {
    let Some((links, read)) = prelude(cx) else {
        return;
    };
    for p in read {
        let (Reading::Malformed(problem) | Reading::Disallowed(_, Some(problem)), Some(link)) =
            (&p.reading, links.get(p.index))
        else {
            continue;
        };
        out.push(
            out.diag(link.span.clone(), format!("malformed URL: {problem}"))
                .with_label("malformed URL")
                .with_help(
                    "fix the URL so that it parses; percent-encode spaces and reserved characters",
                ),
        );
    }
}

fn lk002(cx: &Context, out: &mut Report) {
    let Some((links, read)) = prelude(cx) else {
        return;
    };
    for p in read {
        let (Reading::Disallowed(scheme, _), Some(link)) = (&p.reading, links.get(p.index)) else {
            continue;
        };
        out.push(
            out.diag(
                link.span.clone(),
                format!("`{scheme}:` links are not allowed"),
            )
            .with_label(format!("`{scheme}:` URL"))
            .with_help("link to an http(s) page instead"),
        );
    }
}

fn lk003(cx: &Context, out: &mut Report) {
    let allow = &cx.settings.rules.links.allow_hosts;
    for (link, _, scheme, _, host) in usable(cx) {
        if scheme.as_deref() != Some("http") {
            continue;
        }
        let Some(h) = host else { continue };
        if host_allowed(h, allow) {
            continue;
        }
        out.push(
            out.diag(
                link.span.clone(),
                format!("insecure `http://` link to `{h}`"),
            )
            .with_label("http")
            .with_help(format!(
                "use `https://` (or add `{h}` to LK003's `allow_hosts` if it only serves http)"
            )),
        );
    }
}

/// Links into the site.
fn lk004(cx: &Context, out: &mut Report) {
    let site = cx.site;
    if site.root.is_none() || !cx.post.is_post() {
        return;
    }
    let Some(base) = site.post_url(cx.post) else {
        return;
    };
    let base = base.as_str();
    let generated: Vec<String> = cx
        .post
        .root()
        .map(categories_of)
        .unwrap_or_default()
        .iter()
        .flat_map(|c| {
            cx.settings
                .rules
                .links
                .generated
                .iter()
                .map(move |t| t.replace("{category}", c))
        })
        .collect();
    for (link, url, scheme, parsed, host) in usable(cx) {
        let internal_path = match (scheme, parsed, host) {
            (_, Some(u), Some(h)) if site.is_own_host(h) => Some(u.path().to_string()),
            (None, None, _)
                if !url.starts_with('#') && !url.starts_with("//") && !url.starts_with('?') =>
            {
                let path = url.split(['#', '?']).next().unwrap_or("");
                (!path.is_empty()).then(|| resolve_path(base, path))
            }
            _ => None,
        };
        let Some(path) = internal_path else { continue };
        let path = percent_decode(&path);
        if in_generated(&path, &generated) {
            continue;
        }
        match site.lookup_without_posts(&path) {
            Some(_) => continue,
            // A post may serve it: decided after the run, which gathers every post.
            None if cx.defer_links => {
                cx.deferred.borrow_mut().push(path);
                continue;
            }
            None if site.lookup(&path) != Target::Missing => continue,
            None => {}
        }
        let mut d = out
            .diag(
                link.span.clone(),
                format!("`{url}` points at `{path}`, which the site does not have"),
            )
            .with_label("broken link");
        let rooted = format!(
            "/{}",
            url.trim_start_matches("../").trim_start_matches("./")
        );
        d = if scheme.is_none() && !url.starts_with('/') && exists(site, &rooted, &generated) {
            d.with_help(format!(
                "relative links resolve against the post's URL `{base}`; did you mean `{rooted}`?"
            ))
        } else if scheme.is_none() && !url.starts_with('/') {
            d.with_help(format!(
                "relative links resolve against the post's URL `{base}`"
            ))
        } else {
            d.with_help("link to a page, post or file that exists")
        };
        out.push(d);
    }
}

/// Whether a path of the site (decoded) is one of the pack's `generated` pages.
fn in_generated(path: &str, generated: &[String]) -> bool {
    if generated.is_empty() {
        return false;
    }
    let trimmed = path.trim_end_matches('/');
    [
        path.to_string(),
        format!("{trimmed}/"),
        format!("{path}.html"),
        format!("{trimmed}/index.html"),
    ]
    .iter()
    .any(|c| generated.contains(c))
}

/// Whether a path of the site (decoded) is published: by the site (Jekyll's outputs, the
/// plugins' pages; what an unknown plugin could make counts), or by the pack's `generated`
/// templates.
fn exists(site: &SiteModel, path: &str, generated: &[String]) -> bool {
    in_generated(path, generated) || site.lookup(path) != Target::Missing
}

fn lk005(cx: &Context, out: &mut Report) {
    let Some((links, read)) = prelude(cx) else {
        return;
    };
    for p in read {
        let Some(link) = links.get(p.index) else {
            continue;
        };
        if matches!(p.reading, Reading::Empty) {
            let what = if link.source == LinkSource::EmptyAutolink {
                "empty autolink `<>`"
            } else {
                "link has an empty destination"
            };
            out.push(
                out.diag(link.span.start..link.span.end.max(link.span.start), what)
                    .with_label("no URL")
                    .with_help("write the URL, or remove the link"),
            );
        } else if link.empty_text {
            out.push(
                out.diag(link.whole.clone(), "link has no text")
                    .with_label("nothing to click")
                    .with_help("give the link a text that says where it goes"),
            );
        }
    }
}

fn lk006(cx: &Context, out: &mut Report) {
    let Some(problems) = cx.online else { return };
    for (link, url, ..) in usable(cx) {
        let Some(key) = online_key(url, cx.site) else {
            continue;
        };
        let Some(problem) = problems.get(&key) else {
            continue;
        };
        let (label, help) = match problem {
            LinkProblem::Blocked(_) => (
                "not requested",
                "readers cannot reach a private address either; to check it anyway, set `links.allow_private: true`",
            ),
            _ => (
                "dead link",
                "update the link (an archived copy, e.g. web.archive.org, can stand in for a vanished page), or exclude it with `links.exclude`",
            ),
        };
        out.push(
            out.diag(
                link.span.clone(),
                format!("dead link `{}`: {}", shorten(url, 100), problem.describe()),
            )
            .with_label(label)
            .with_help(help),
        );
    }
}

/// A host as compared with others: lowercase, without the one trailing dot of a fully
/// qualified name (`Chat.Example.gov.` is `chat.example.gov`).
fn host_name(host: &str) -> String {
    let host = host.strip_suffix('.').unwrap_or(host);
    host.to_ascii_lowercase()
}

fn host_allowed(host: &str, allow: &[String]) -> bool {
    allow.iter().any(|a| match a.strip_prefix("*.") {
        Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
        None => host == a,
    })
}

/// Split `scheme:rest`, when the URL has a scheme.
fn scheme_of(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some(scheme)
}

/// What is wrong with a URL, if anything.
fn malformed(url: &str) -> Option<String> {
    parse_checked(url).err()
}

/// What is wrong with a URL, or, for a web URL (http(s), ftp, ws(s), protocol-relative as
/// https), the URL parsed: each link is parsed once.
fn parse_checked(url: &str) -> Result<Option<Url>, String> {
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(match c {
            ' ' => "contains a space (write %20)".to_string(),
            '\t' | '\n' | '\r' => "contains a line break or tab".to_string(),
            c => format!("contains the control character U+{:04X}", c as u32),
        });
    }
    if url.contains('\\') {
        return Err("contains a backslash (URLs use `/`)".into());
    }
    let b = url.as_bytes();
    for (i, _) in url.match_indices('%') {
        let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if !ok {
            return Err("has a `%` that is not followed by two hex digits".into());
        }
    }
    let web = match scheme_of(url).map(str::to_ascii_lowercase) {
        Some(s) if matches!(s.as_str(), "http" | "https" | "ftp" | "ws" | "wss") => {
            Some(url.to_string())
        }
        Some(_) => None,
        None if url.starts_with("//") => Some(format!("https:{url}")),
        None => None,
    };
    let Some(web) = web else { return Ok(None) };
    // Browsers read `http:///x` as `http://x/`: certainly not what was meant.
    if web
        .split_once(':')
        .is_some_and(|(_, rest)| rest.starts_with("///"))
    {
        return Err("has three slashes after the scheme".into());
    }
    let u = Url::parse(&web).map_err(|e| format!("cannot be parsed: {e}"))?;
    match u.host_str() {
        None | Some("") => Err("has no host".into()),
        // One trailing dot is a fully qualified name (`example.gov.`), valid in DNS and URLs.
        Some(h) if host_name(h).split('.').any(str::is_empty) && !h.starts_with('[') => {
            Err(format!("has an empty label in the host `{h}`"))
        }
        _ => Ok(Some(u)),
    }
}

/// Percent-decode a path (for comparing with file names).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolve `target` (a path, maybe relative) against the URL path `base`.
fn resolve_path(base: &str, target: &str) -> String {
    let mut segments: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        let dir = base.rsplit_once('/').map_or("", |(d, _)| d);
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    let parts: Vec<&str> = target.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        match *part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            p => segments.push(p),
        }
        let _ = i;
    }
    let mut out = format!("/{}", segments.join("/"));
    if (target.ends_with('/')
        || target.ends_with("/.")
        || target.ends_with("/..")
        || target == ".."
        || target == ".")
        && out != "/"
    {
        out.push('/');
    }
    out
}

/// A URL cut to `max` characters for a message.
fn shorten(url: &str, max: usize) -> String {
    match url.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &url[..i]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_view_is_whatwg() {
        use super::super::html::{normalized_url, url_view};
        assert_eq!(url_view(" \u{1}JavaScript:x "), "javascript:x");
        assert_eq!(url_view("java\tscr\nipt:x\r"), "javascript:x");
        // Other white space and controls stay: no scheme.
        assert_eq!(url_view("java script:x"), "java script:x");
        assert_eq!(url_view("java\u{c}script:x"), "java\u{c}script:x");
        assert_eq!(url_view("\u{a0}javascript:x"), "\u{a0}javascript:x");
        assert_eq!(
            normalized_url("&#14; java&#x09;script&colon;x", false),
            "javascript:x"
        );
        assert_eq!(normalized_url("&#106avascript:x", true), "&#106avascript:x");
    }

    #[test]
    fn malformed_urls() {
        assert!(malformed("http://example.com/a b").is_some());
        assert!(malformed("http://exa mple.com").is_some());
        assert!(malformed("http://host:99999/").is_some());
        assert!(malformed("http://a..b/").is_some());
        assert!(malformed("http:///x").is_some());
        assert!(malformed("/a%zz").is_some());
        assert!(malformed("http://a.b/x?y=1&z=2").is_none());
        assert!(
            malformed("https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid=106.NIO&imageType=k")
                .is_none()
        );
        assert!(malformed("//finews.withounder.com/category/中国.html").is_none());
        assert!(malformed("../emnews/").is_none());
        assert!(malformed("mailto:a@b.c").is_none());
        // A fully qualified name: one trailing dot is valid; an empty label is not.
        assert!(malformed("https://chat.example.gov./x").is_none());
        assert!(malformed("//chat.example.gov./").is_none());
        assert!(malformed("https://chat.example.gov../").is_some());
        assert!(malformed("https://./").is_some());
        assert!(malformed("https://.example.gov/").is_some());
        assert_eq!(host_name("Chat.Example.GOV."), "chat.example.gov");
    }

    #[test]
    fn relative_resolution() {
        let base = "/emnews/2021/12/08/1.html";
        assert_eq!(resolve_path(base, "../emnews/"), "/emnews/2021/12/emnews/");
        assert_eq!(resolve_path(base, "../"), "/emnews/2021/12/");
        assert_eq!(resolve_path(base, "/emnews/"), "/emnews/");
        assert_eq!(resolve_path(base, "x.html"), "/emnews/2021/12/08/x.html");
        assert_eq!(resolve_path(base, "../../../../../.."), "/");
    }

    #[test]
    fn allow_hosts() {
        let allow = vec![
            "*.eastmoney.com".to_string(),
            "finews.zning.xyz".to_string(),
        ];
        assert!(host_allowed("finance.eastmoney.com", &allow));
        assert!(host_allowed("eastmoney.com", &allow));
        assert!(!host_allowed("noteastmoney.com", &allow));
        assert!(host_allowed("finews.zning.xyz", &allow));
    }

    #[test]
    fn keys() {
        assert_eq!(
            request_key("https://Example.com/a#frag").as_deref(),
            Some("https://example.com/a")
        );
        assert_eq!(
            request_key("//cdn.example.com/x.png").as_deref(),
            Some("https://cdn.example.com/x.png")
        );
        assert_eq!(
            request_key("HTTP://example.com").as_deref(),
            Some("http://example.com/")
        );
        assert_eq!(request_key("/local/page.html"), None);
        assert_eq!(request_key("mailto:a@b.c"), None);
        assert_eq!(request_key("javascript:alert(1)"), None);
        assert_eq!(request_key("http://"), None);
        assert_eq!(request_key("http://exa mple.com/"), None);
    }
}
