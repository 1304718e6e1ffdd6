//! The `links:` section: how external links are checked online (`--online`, LK006).

use std::ops::RangeInclusive;
use std::time::Duration;

use regex::Regex;

/// The `links:` section of the configuration.
#[derive(Debug, Clone)]
pub struct ExternalLinks {
    /// Check external links (also `--online`).
    pub online: bool,
    /// For one request, connect to last byte.
    pub timeout: Duration,
    /// Requests in flight at once, overall.
    pub max_concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// The least time between the starts of two requests to one host.
    pub per_host_interval: Duration,
    /// Retries after a 429, a 5xx, a timeout or a dropped connection.
    pub retries: u32,
    /// The first wait before a retry; doubled for each further one.
    pub retry_wait: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
    /// Read and write the cache file.
    pub cache: bool,
    /// How long a cached result is trusted.
    pub cache_max_age: Duration,
    /// Status codes that count as alive.
    pub accept: Vec<RangeInclusive<u16>>,
    /// URLs matching any of these are not checked.
    pub exclude: Vec<Regex>,
    /// When not empty, only URLs matching one of these are checked.
    pub include: Vec<Regex>,
    /// Allow connections to loopback, private and link-local addresses.
    pub allow_private: bool,
}

impl Default for ExternalLinks {
    fn default() -> Self {
        Self {
            online: false,
            timeout: Duration::from_secs(10),
            max_concurrency: 32,
            per_host: 4,
            per_host_interval: Duration::ZERO,
            retries: 2,
            retry_wait: Duration::from_secs(1),
            max_redirects: 5,
            cache: true,
            cache_max_age: Duration::from_secs(24 * 3600),
            accept: vec![200..=299],
            exclude: Vec::new(),
            include: Vec::new(),
            allow_private: false,
        }
    }
}

impl ExternalLinks {
    pub fn accepts(&self, status: u16) -> bool {
        self.accept.iter().any(|r| r.contains(&status))
    }

    /// Whether the URL (a cache key) is to be checked at all.
    pub fn is_checked(&self, url: &str) -> bool {
        !self.exclude.iter().any(|r| r.is_match(url))
            && (self.include.is_empty() || self.include.iter().any(|r| r.is_match(url)))
    }
}

/// Parse a duration such as `500ms`, `5s`, `2m`, `12h`, `7d` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        "w" => n * 7.0 * 86400.0,
        _ => return None,
    };
    (0.0..1e10)
        .contains(&seconds)
        .then(|| Duration::from_secs_f64(seconds))
}

/// Parse one `accept` item: `200`, `200..=299` or `200..300`.
pub fn parse_accept(s: &str) -> Option<RangeInclusive<u16>> {
    let s = s.trim();
    let code = |t: &str| {
        t.trim()
            .parse::<u16>()
            .ok()
            .filter(|c| (100..=999).contains(c))
    };
    if let Some((a, b)) = s.split_once("..=") {
        let (a, b) = (code(a)?, code(b)?);
        return (a <= b).then_some(a..=b);
    }
    if let Some((a, b)) = s.split_once("..") {
        let (a, b) = (code(a)?, code(b)?);
        return (a < b).then(|| a..=b - 1);
    }
    code(s).map(|c| c..=c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_accept() {
        assert_eq!(parse_duration("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("7d"), Some(Duration::from_secs(7 * 86400)));
        assert_eq!(parse_duration("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5m"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("5 parsecs"), None);
        assert_eq!(parse_duration("-1s"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_accept("200..=299"), Some(200..=299));
        assert_eq!(parse_accept("200..300"), Some(200..=299));
        assert_eq!(parse_accept("429"), Some(429..=429));
        assert_eq!(parse_accept("300..=200"), None);
        assert_eq!(parse_accept("abc"), None);
        assert_eq!(parse_accept("70000"), None);
    }
}
