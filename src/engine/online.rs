//! `--online`: check that external links answer (LK006), the way lychee does it, but safe to
//! run on untrusted posts in CI.
//!
//! - Every distinct URL is requested once per run, by a bounded pool of workers with a limit of
//!   requests in flight per host (and an optional pause between requests to one host).
//! - HEAD first, GET when the server refuses HEAD (400, 403, 405, 501); redirects are followed by
//!   hand up to a limit, with loops detected; 429 and 5xx are retried with exponential backoff,
//!   honouring `Retry-After`; timeouts and dropped connections are retried too.
//! - The resolver that the HTTP client connects through refuses loopback, private, link-local,
//!   unique-local and other non-public addresses (unless `allow_private`), so a redirect to one
//!   and a name that re-resolves to one (DNS rebinding) are refused at connection time: the
//!   address checked is the address connected to.
//! - Results are cached in a JSON file with a maximum age; a corrupt cache is a warning.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use url::Url;

use crate::rules::links::LinkProblem;
use crate::settings::external_links::ExternalLinks;

/// The file name of the cache, beside the config (or in the working directory).
pub const CACHE_NAME: &str = ".postlint-cache.json";
/// The longest `Retry-After` honoured; a server asking for longer is reported as it answered.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// A result: alive (with its final status) or a problem.
type Verdict = Result<u16, LinkProblem>;

/// What an online pass did, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Distinct URLs found in the posts.
    pub urls: usize,
    /// Of those, answered from the cache.
    pub cached: usize,
    /// Not checked (excluded by pattern).
    pub excluded: usize,
    /// HTTP requests sent (HEAD, GET, retries and redirect hops each count; a request refused
    /// by the address policy or that never connected does not).
    pub requests: usize,
    /// URLs reported (dead or blocked).
    pub problems: usize,
    /// No request reached a server (no network): the links were not judged.
    pub offline: bool,
}

/// A name resolver: `host:port` → addresses (the system's, or a test's).
pub type Resolve = Arc<dyn Fn(&str) -> io::Result<Vec<SocketAddr>> + Send + Sync>;
/// Whether an address must not be connected to.
pub type Forbid = Arc<dyn Fn(IpAddr) -> bool + Send + Sync>;

/// The error a resolver returns for a refused address; found again in the client's error.
#[derive(Debug)]
struct BlockedAddress {
    host: String,
    ip: IpAddr,
}

impl std::fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = super::addresses::refused(self.ip)
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        if self.host.trim_matches(['[', ']']) == self.ip.to_string() {
            write!(f, "not requested: {} is a non-public address{why}", self.ip)
        } else {
            write!(
                f,
                "not requested: `{}` resolves to the non-public address {}{why}",
                self.host, self.ip
            )
        }
    }
}

impl std::error::Error for BlockedAddress {}

/// Whether an address is not on the public internet: every range of IANA's special-purpose
/// registries, multicast, reserved space, and IPv6 addresses that embed such an IPv4 address
/// (see [`super::addresses`]).
pub fn is_non_public(ip: IpAddr) -> bool {
    super::addresses::is_non_public(ip)
}

/// The system resolver.
pub fn system_resolver() -> Resolve {
    Arc::new(|netloc: &str| netloc.to_socket_addrs().map(Iterator::collect))
}

/// Checks URLs over HTTP.
pub struct Checker {
    options: ExternalLinks,
    agent: ureq::Agent,
    requests: std::sync::atomic::AtomicUsize,
}

impl Checker {
    /// A checker that resolves names with the system and refuses non-public addresses unless
    /// `allow_private`.
    pub fn new(options: &ExternalLinks) -> Checker {
        let forbid: Forbid = if options.allow_private {
            Arc::new(|_| false)
        } else {
            Arc::new(is_non_public)
        };
        Checker::with_network(options, system_resolver(), forbid)
    }

    /// A checker with its own resolver and address policy (for tests).
    pub fn with_network(options: &ExternalLinks, resolve: Resolve, forbid: Forbid) -> Checker {
        let resolver = move |netloc: &str| -> io::Result<Vec<SocketAddr>> {
            let addrs = resolve(netloc)?;
            let host = netloc
                .rsplit_once(':')
                .map_or(netloc, |(h, _)| h)
                .to_string();
            let allowed: Vec<SocketAddr> =
                addrs.iter().copied().filter(|a| !forbid(a.ip())).collect();
            match (allowed.is_empty(), addrs.first()) {
                (true, Some(first)) => Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    BlockedAddress {
                        host,
                        ip: first.ip(),
                    },
                )),
                _ => Ok(allowed),
            }
        };
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(options.timeout)
            .timeout(options.timeout)
            .redirects(0)
            .user_agent(concat!(
                "postlint/",
                env!("CARGO_PKG_VERSION"),
                " (link check)"
            ))
            .max_idle_connections_per_host(options.per_host.max(1))
            .resolver(resolver)
            .build();
        Checker {
            options: options.clone(),
            agent,
            requests: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Count a request that reached a server.
    fn sent(&self) {
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Requests sent so far: those that reached a server over an open connection (not those
    /// refused by the address policy, that could not be resolved or connected).
    pub fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Check one URL: HEAD (GET when HEAD is refused), retries, redirects.
    pub fn check(&self, url: &str) -> Verdict {
        let mut method = "HEAD";
        let mut attempt = 0u32;
        loop {
            let answer = self.follow(url, method);
            let retry_after = match &answer {
                Answer::Status { code, .. } if self.options.accepts(*code) => return Ok(*code),
                Answer::Status { code, .. }
                    if method == "HEAD" && matches!(code, 400 | 403 | 405 | 501) =>
                {
                    method = "GET";
                    continue;
                }
                Answer::Status {
                    code, retry_after, ..
                } if *code == 429 || (500..=599).contains(code) => Some(*retry_after),
                Answer::Transient(_) => Some(None),
                _ => None,
            };
            let wait = match retry_after {
                Some(after) if attempt < self.options.retries => match after {
                    Some(after) if after > MAX_RETRY_AFTER => None,
                    Some(after) => Some(after),
                    None => Some(self.options.retry_wait.saturating_mul(1 << attempt.min(16))),
                },
                _ => None,
            };
            match wait {
                Some(wait) => {
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                None => return Err(answer.into_problem()),
            }
        }
    }

    /// One request, following redirects by hand.
    fn follow(&self, url: &str, method: &str) -> Answer {
        let Ok(mut current) = Url::parse(url) else {
            return Answer::Final(LinkProblem::Failed("not a valid URL".into()));
        };
        let mut seen: HashSet<Url> = HashSet::new();
        seen.insert(current.clone());
        let mut hops = 0;
        loop {
            let response = match self.agent.request(method, current.as_str()).call() {
                Ok(r) | Err(ureq::Error::Status(_, r)) => {
                    self.sent();
                    r
                }
                Err(ureq::Error::Transport(t)) => {
                    if reached_server(&t) {
                        self.sent();
                    }
                    return transport(&t);
                }
            };
            let code = response.status();
            let location = response.header("location").map(str::to_string);
            if (300..=399).contains(&code)
                && code != 304
                && let Some(location) = location
            {
                let Ok(next) = current.join(&location) else {
                    return Answer::Final(LinkProblem::Failed(format!(
                        "HTTP {code} redirects to an invalid URL `{}`",
                        clean(&location, 80)
                    )));
                };
                if !matches!(next.scheme(), "http" | "https") {
                    return Answer::Final(LinkProblem::Failed(format!(
                        "HTTP {code} redirects to an unsupported scheme `{}:`",
                        next.scheme()
                    )));
                }
                if !seen.insert(next.clone()) {
                    return Answer::Final(LinkProblem::Failed(format!(
                        "redirect loop (back to `{}`)",
                        clean(next.as_str(), 80)
                    )));
                }
                hops += 1;
                if hops > self.options.max_redirects {
                    return Answer::Final(LinkProblem::Failed(format!(
                        "more than {} redirects",
                        self.options.max_redirects
                    )));
                }
                current = next;
                continue;
            }
            let retry_after = response.header("retry-after").and_then(parse_retry_after);
            return Answer::Status {
                code,
                reason: clean(response.status_text(), 40),
                retry_after,
            };
        }
    }
}

/// What one request (with its redirects) came to.
enum Answer {
    Status {
        code: u16,
        reason: String,
        retry_after: Option<Duration>,
    },
    /// A failure worth retrying (timeout, dropped or refused connection).
    Transient(String),
    /// A failure that retrying will not change.
    Final(LinkProblem),
}

impl Answer {
    fn into_problem(self) -> LinkProblem {
        match self {
            Answer::Status { code, reason, .. } => LinkProblem::Status { code, reason },
            Answer::Transient(m) => LinkProblem::Failed(m),
            Answer::Final(p) => p,
        }
    }
}

/// Whether a failed request got as far as an open connection to a server (so it was sent, or
/// being sent): not a refused address, a name that does not resolve, a connection that could
/// not be made (refused, timed out, TLS handshake) or a URL the client would not request.
fn reached_server(t: &ureq::Transport) -> bool {
    !matches!(
        t.kind(),
        ureq::ErrorKind::Dns
            | ureq::ErrorKind::ConnectionFailed
            | ureq::ErrorKind::InvalidUrl
            | ureq::ErrorKind::UnknownScheme
            | ureq::ErrorKind::InsecureRequestHttpsOnly
            | ureq::ErrorKind::InvalidProxyUrl
            | ureq::ErrorKind::ProxyConnect
            | ureq::ErrorKind::ProxyUnauthorized
    )
}

fn transport(t: &ureq::Transport) -> Answer {
    // The resolver's refusal travels as the source of the error.
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(t);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            if let Some(blocked) = io
                .get_ref()
                .and_then(|i| i.downcast_ref::<BlockedAddress>())
            {
                return Answer::Final(LinkProblem::Blocked(blocked.to_string()));
            }
            return match io.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                    Answer::Transient("timed out".into())
                }
                io::ErrorKind::ConnectionRefused => Answer::Transient("connection refused".into()),
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::UnexpectedEof
                | io::ErrorKind::BrokenPipe => {
                    Answer::Transient("the server closed the connection without answering".into())
                }
                _ if t.kind() == ureq::ErrorKind::Dns => Answer::Final(LinkProblem::Failed(
                    format!("cannot resolve the host: {io}"),
                )),
                _ => Answer::Transient(clean(&io.to_string(), 80)),
            };
        }
        source = e.source();
    }
    let message = t
        .message()
        .map_or_else(|| t.kind().to_string(), str::to_string);
    match t.kind() {
        ureq::ErrorKind::Dns => Answer::Final(LinkProblem::Failed(format!(
            "cannot resolve the host: {}",
            clean(&message, 80)
        ))),
        ureq::ErrorKind::InvalidUrl | ureq::ErrorKind::UnknownScheme => {
            Answer::Final(LinkProblem::Failed(clean(&message, 80)))
        }
        ureq::ErrorKind::BadStatus | ureq::ErrorKind::BadHeader => Answer::Transient(format!(
            "the server sent a malformed answer ({})",
            clean(&message, 60)
        )),
        _ => Answer::Transient(clean(&message, 80)),
    }
}

/// A server's text made safe for a message: no control characters, at most `max` chars.
fn clean(s: &str, max: usize) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?;
    let now = jiff::Timestamp::now();
    let secs = when.timestamp().as_second() - now.as_second();
    Some(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

/// Check many URLs with bounded concurrency overall and per host. `done` is called after each.
pub fn check_all(
    checker: &Checker,
    urls: &[String],
    done: &(dyn Fn() + Sync),
) -> HashMap<String, Verdict> {
    let options = &checker.options;
    // Pending URLs by host, and the hosts in the order they were first seen.
    let mut by_host: HashMap<String, VecDeque<usize>> = HashMap::new();
    let mut hosts: Vec<String> = Vec::new();
    for (i, u) in urls.iter().enumerate() {
        let host = Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        let queue = by_host.entry(host.clone()).or_default();
        if queue.is_empty() {
            hosts.push(host);
        }
        queue.push_back(i);
    }
    struct State {
        by_host: HashMap<String, VecDeque<usize>>,
        hosts: Vec<String>,
        in_flight: HashMap<String, usize>,
        last_start: HashMap<String, Instant>,
        left: usize,
    }
    let state = Mutex::new(State {
        by_host,
        hosts,
        in_flight: HashMap::new(),
        last_start: HashMap::new(),
        left: urls.len(),
    });
    let wake = Condvar::new();
    let results: Mutex<HashMap<String, Verdict>> = Mutex::new(HashMap::new());
    let per_host = options.per_host.max(1);
    let workers = options.max_concurrency.clamp(1, 256).min(urls.len().max(1));

    // Take the next URL whose host has a free slot, waiting while every host is busy.
    let next = |state: &Mutex<State>| -> Option<(usize, String)> {
        let mut st = state.lock().ok()?;
        loop {
            if st.left == 0 || st.hosts.is_empty() {
                return None;
            }
            let now = Instant::now();
            let mut soonest: Option<Duration> = None;
            let pick = st.hosts.iter().position(|h| {
                let busy = st.in_flight.get(h).copied().unwrap_or(0) >= per_host;
                let wait = st
                    .last_start
                    .get(h)
                    .map(|t| options.per_host_interval.saturating_sub(now - *t))
                    .unwrap_or_default();
                if !busy && !wait.is_zero() {
                    soonest = Some(soonest.map_or(wait, |s| s.min(wait)));
                }
                !busy && wait.is_zero()
            });
            if let Some(p) = pick {
                let host = st.hosts[p].clone();
                let index = st.by_host.get_mut(&host).and_then(VecDeque::pop_front);
                if st.by_host.get(&host).is_none_or(VecDeque::is_empty) {
                    st.hosts.remove(p);
                }
                *st.in_flight.entry(host.clone()).or_default() += 1;
                st.last_start.insert(host.clone(), now);
                if let Some(i) = index {
                    return Some((i, host));
                }
                continue;
            }
            st = match soonest {
                Some(d) => wake.wait_timeout(st, d).ok()?.0,
                None => wake.wait(st).ok()?,
            };
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((i, host)) = next(&state) {
                    let url = &urls[i];
                    let verdict = checker.check(url);
                    if let Ok(mut r) = results.lock() {
                        r.insert(url.clone(), verdict);
                    }
                    if let Ok(mut st) = state.lock() {
                        if let Some(n) = st.in_flight.get_mut(&host) {
                            *n = n.saturating_sub(1);
                        }
                        st.left = st.left.saturating_sub(1);
                    }
                    wake.notify_all();
                    done();
                }
                wake.notify_all();
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

/// The cache file: URL → when it was checked and what it gave.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Cache {
    version: u32,
    entries: std::collections::BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CacheEntry {
    /// Seconds since the Unix epoch.
    checked: u64,
    status: u16,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    reason: String,
}

const CACHE_VERSION: u32 = 1;

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Cache {
    /// Load the cache; a missing file is an empty cache, anything else wrong is a warning.
    pub fn load(path: &Path) -> (Cache, Option<String>) {
        let empty = Cache {
            version: CACHE_VERSION,
            ..Cache::default()
        };
        let bytes = match crate::base::fs::read_no_follow(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return (empty, None),
            Err(e) if crate::base::fs::refusal(&e).is_some() => {
                let why = crate::base::fs::refusal(&e).unwrap_or_default();
                return (
                    empty,
                    Some(format!(
                        "the link cache is not read: {why}; checking every link again"
                    )),
                );
            }
            Err(e) => {
                return (
                    empty,
                    Some(format!(
                        "cannot read the link cache `{}` ({e}); checking every link again",
                        path.display()
                    )),
                );
            }
        };
        match serde_json::from_slice::<Cache>(&bytes) {
            Ok(c) if c.version == CACHE_VERSION => (c, None),
            Ok(_) => (empty, None),
            Err(e) => (
                empty,
                Some(format!(
                    "the link cache `{}` is corrupt ({e}); it will be rebuilt",
                    path.display()
                )),
            ),
        }
    }

    /// A fresh cached result for `url`.
    fn get(&self, url: &str, options: &ExternalLinks) -> Option<Verdict> {
        let e = self.entries.get(url)?;
        let age = now_secs().saturating_sub(e.checked);
        if age > options.cache_max_age.as_secs() {
            return None;
        }
        Some(if options.accepts(e.status) {
            Ok(e.status)
        } else {
            Err(LinkProblem::Status {
                code: e.status,
                reason: e.reason.clone(),
            })
        })
    }

    /// Record a result worth keeping: alive, or a status that will not change by itself
    /// (4xx but 408 and 429). Timeouts, 5xx and refusals are asked again next time.
    fn put(&mut self, url: &str, verdict: &Verdict) {
        let (status, reason) = match verdict {
            Ok(code) => (*code, String::new()),
            Err(LinkProblem::Status { code, reason })
                if (400..=499).contains(code) && !matches!(code, 408 | 429) =>
            {
                (*code, reason.clone())
            }
            _ => return,
        };
        self.entries.insert(
            url.to_string(),
            CacheEntry {
                checked: now_secs(),
                status,
                reason,
            },
        );
    }

    /// Drop the entries older than `max_age`, and write the cache atomically, in its own
    /// folder and never through a symbolic link.
    pub fn save(&mut self, path: &Path, max_age: Duration) -> io::Result<()> {
        let now = now_secs();
        self.entries
            .retain(|_, e| now.saturating_sub(e.checked) <= max_age.as_secs());
        self.version = CACHE_VERSION;
        let mut bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        bytes.push(b'\n');
        let root = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let guard = crate::base::fs::Guard {
            root: Some(root),
            expected: None,
        };
        crate::base::fs::write_guarded(path, &bytes, &guard, |file, bytes| {
            io::Write::write_all(file, bytes)
        })
    }
}

/// Where the cache lives: beside the config, else in the working directory.
pub fn cache_path(config_dir: &Path) -> PathBuf {
    config_dir.join(CACHE_NAME)
}

/// Check every URL (cached results first), and return the problems by URL, with warnings
/// about the cache and the run's numbers.
pub fn run(
    options: &ExternalLinks,
    urls: Vec<String>,
    cache_file: Option<&Path>,
    checker: &Checker,
    progress: bool,
) -> (HashMap<String, LinkProblem>, Stats, Vec<String>) {
    let mut warnings = Vec::new();
    let mut stats = Stats {
        urls: urls.len(),
        ..Stats::default()
    };
    let (mut cache, warning) = match cache_file {
        Some(path) => Cache::load(path),
        None => (Cache::default(), None),
    };
    warnings.extend(warning);
    let mut problems = HashMap::new();
    let mut to_check = Vec::new();
    for url in urls {
        if !options.is_checked(&url) {
            stats.excluded += 1;
            continue;
        }
        match cache.get(&url, options) {
            Some(verdict) => {
                stats.cached += 1;
                if let Err(p) = verdict {
                    problems.insert(url, p);
                }
            }
            None => to_check.push(url),
        }
    }
    let bar = if progress && !to_check.is_empty() {
        let bar = indicatif::ProgressBar::new(to_check.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} links, {elapsed} (ETA {eta})",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let verdicts = check_all(checker, &to_check, &|| bar.inc(1));
    bar.finish_and_clear();
    stats.requests = checker.requests();
    // No network: not one request reached a server, on two hosts or more, and every one
    // failed to resolve or connect. Then nothing is known about the links (the site's own
    // included): say so once, report none of them, cache nothing.
    let hosts: std::collections::HashSet<&str> = to_check
        .iter()
        .filter_map(|u| u.split("://").nth(1))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(rest))
        .collect();
    let unreachable = stats.requests == 0
        && hosts.len() >= 2
        && !verdicts.is_empty()
        && verdicts.values().all(|v| {
            matches!(
                v,
                Err(LinkProblem::Failed(_)) | Err(LinkProblem::Blocked(_))
            )
        })
        && verdicts
            .values()
            .any(|v| matches!(v, Err(LinkProblem::Failed(_))));
    if unreachable {
        stats.offline = true;
        let one = verdicts.values().find_map(|v| match v {
            Err(LinkProblem::Failed(m)) => Some(m.clone()),
            _ => None,
        });
        warnings.push(format!(
            "no external link could be checked: none of the {} requests to {} hosts reached a server ({}); is this machine offline? LK006 reports nothing this run",
            verdicts.len(),
            hosts.len(),
            one.unwrap_or_default()
        ));
        stats.problems = problems.len();
        return (problems, stats, warnings);
    }
    for (url, verdict) in verdicts {
        cache.put(&url, &verdict);
        if let Err(p) = verdict {
            problems.insert(url, p);
        }
    }
    stats.problems = problems.len();
    if let Some(path) = cache_file
        && let Err(e) = cache.save(path, options.cache_max_age)
    {
        warnings.push(match crate::base::fs::refusal(&e) {
            Some(why) => format!("the link cache is not written: {why}"),
            None => format!("cannot write the link cache `{}`: {e}", path.display()),
        });
    }
    (problems, stats, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn cleaning_server_text() {
        assert_eq!(clean("Not\r\nFound", 40), "Not  Found");
        assert_eq!(clean("ééééé", 3), "ééé…");
    }

    #[test]
    fn cache_keeps_only_lasting_results() {
        let mut c = Cache::default();
        let o = ExternalLinks::default();
        c.put("https://a/", &Ok(200));
        c.put(
            "https://b/",
            &Err(LinkProblem::Status {
                code: 404,
                reason: "Not Found".into(),
            }),
        );
        c.put(
            "https://c/",
            &Err(LinkProblem::Status {
                code: 503,
                reason: String::new(),
            }),
        );
        c.put("https://d/", &Err(LinkProblem::Failed("timed out".into())));
        assert_eq!(c.get("https://a/", &o), Some(Ok(200)));
        assert!(matches!(
            c.get("https://b/", &o),
            Some(Err(LinkProblem::Status { code: 404, .. }))
        ));
        assert_eq!(c.get("https://c/", &o), None);
        assert_eq!(c.get("https://d/", &o), None);
        if let Some(e) = c.entries.get_mut("https://a/") {
            e.checked -= 100;
        }
        assert_eq!(
            c.get(
                "https://a/",
                &ExternalLinks {
                    cache_max_age: Duration::from_secs(10),
                    ..ExternalLinks::default()
                }
            ),
            None
        );
    }
}
