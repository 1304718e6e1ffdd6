//! `--online` (LK006) against HTTP servers this test starts on 127.0.0.1 (and 127.0.0.2): dead,
//! slow, flaky, rate-limited and redirecting endpoints, the cache, and the address policy.
//! No outside network is used.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postlint::testing::online::{self, Checker};
use postlint::testing::{ExternalLinks as Options, LinkProblem as Problem};

/// Status, reason and headers of an answer.
type Reply = (u16, &'static str, Vec<(&'static str, String)>);

/// A tiny HTTP/1.1 server: every connection gets one answer, chosen by the path.
#[derive(Clone)]
struct Server {
    addr: SocketAddr,
    /// (method, path, when) of every request, in order.
    hits: Arc<Mutex<Vec<(String, String, Instant)>>>,
    connections: Arc<AtomicUsize>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
}

impl Server {
    fn start(ip: &str) -> Server {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let server = Server {
            addr: listener.local_addr().unwrap(),
            hits: Arc::default(),
            connections: Arc::default(),
            in_flight: Arc::default(),
            max_in_flight: Arc::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                s.connections.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || s.serve(stream));
            }
        });
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many requests reached `path` (any method, any query).
    fn count(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p, _)| p.split('?').next() == Some(path))
            .count()
    }

    fn methods(&self, path: &str) -> Vec<String> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p, _)| p == path)
            .map(|(m, _, _)| m.clone())
            .collect()
    }

    fn times(&self, path: &str) -> Vec<Instant> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p, _)| p == path)
            .map(|(_, _, t)| *t)
            .collect()
    }

    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut reader = BufReader::new(match stream.try_clone() {
            Ok(s) => s,
            Err(_) => return,
        });
        let mut first = String::new();
        if reader.read_line(&mut first).is_err() {
            return;
        }
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) if line == "\r\n" || line == "\n" => break,
                Ok(_) => {}
            }
        }
        let mut parts = first.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let seen_before = self.count(&path);
        self.hits
            .lock()
            .unwrap()
            .push((method.clone(), path.clone(), Instant::now()));
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let base = path.split('?').next().unwrap_or("");
        let answer: Option<Reply> = match base {
            "/ok" => Some((200, "OK", vec![])),
            "/dead" => Some((404, "Not Found", vec![])),
            "/gone" => Some((410, "Gone", vec![])),
            "/flaky" if seen_before == 0 => Some((500, "Internal Server Error", vec![])),
            "/flaky" => Some((200, "OK", vec![])),
            "/always-500" => Some((503, "Service Unavailable", vec![])),
            "/busy" if seen_before == 0 => Some((
                429,
                "Too Many Requests",
                vec![("Retry-After", "1".to_string())],
            )),
            "/busy" => Some((200, "OK", vec![])),
            "/nohead" if method == "HEAD" => Some((405, "Method Not Allowed", vec![])),
            "/nohead" => Some((200, "OK", vec![])),
            "/loop-a" => Some((302, "Found", vec![("Location", "/loop-b".into())])),
            "/loop-b" => Some((302, "Found", vec![("Location", "/loop-a".into())])),
            "/to-dead" => Some((301, "Moved", vec![("Location", "/dead".into())])),
            "/pause" => {
                std::thread::sleep(Duration::from_millis(150));
                Some((200, "OK", vec![]))
            }
            "/slow" => {
                std::thread::sleep(Duration::from_secs(3));
                Some((200, "OK", vec![]))
            }
            "/close" => None,
            p if p.starts_with("/chain/") => {
                let n: u32 = p["/chain/".len()..].parse().unwrap_or(0);
                if n == 0 {
                    Some((200, "OK", vec![]))
                } else {
                    Some((
                        302,
                        "Found",
                        vec![("Location", format!("/chain/{}", n - 1))],
                    ))
                }
            }
            p if p.starts_with("/redirect-to/") => Some((
                302,
                "Found",
                vec![("Location", p["/redirect-to/".len()..].replace("%3A", ":"))],
            )),
            _ => Some((404, "Not Found", vec![])),
        };
        let mut stream = stream;
        // Out of flight before the answer leaves, so the gauge never counts a request the
        // client has already seen answered.
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some((code, reason, headers)) = answer {
            let mut text =
                format!("HTTP/1.1 {code} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n");
            for (k, v) in headers {
                text.push_str(&format!("{k}: {v}\r\n"));
            }
            text.push_str("\r\n");
            let _ = stream.write_all(text.as_bytes());
        }
        let _ = stream.shutdown(std::net::Shutdown::Both);
    }
}

fn options() -> Options {
    Options {
        online: true,
        allow_private: true,
        timeout: Duration::from_millis(600),
        retries: 2,
        retry_wait: Duration::from_millis(50),
        ..Options::default()
    }
}

fn post(body: &str) -> String {
    format!("---\nlayout: post\ntitle: \"t\"\ndate: 2024-01-01 10:00:00 +0800\n---\n\n{body}\n")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postlint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// The LK006 findings of a JSON run: (file, line, column, end column, message).
fn findings(o: &Output) -> Vec<(String, u64, u64, u64, String)> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let mut out: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "LK006")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

const CONFIG: &str = "links:\n  online: true\n  allow_private: true\n  timeout: 600ms\n  retries: 2\n  retry_wait: 50ms\n";

#[test]
fn dead_links_are_reported_at_their_place_and_each_url_is_fetched_once() {
    let s = Server::start("127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "postlint.yaml", CONFIG);
    let links = [
        "/ok",
        "/dead",
        "/gone",
        "/flaky",
        "/always-500",
        "/busy",
        "/nohead",
        "/loop-a",
        "/to-dead",
        "/slow",
        "/close",
        "/chain/3",
        "/chain/9",
    ];
    let mut body = String::new();
    for (i, l) in links.iter().enumerate() {
        // Markdown links, autolinks and HTML attributes, one per line.
        match i % 3 {
            0 => body.push_str(&format!("- [link {i}]({})\n", s.url(l))),
            1 => body.push_str(&format!("- <{}>\n", s.url(l))),
            _ => body.push_str(&format!("- <a href=\"{}#part\">link {i}</a>\n", s.url(l))),
        }
    }
    write(dir.path(), "_posts/2024-01-01-a.md", &post(&body));
    // A second post repeats two of the URLs: they are requested once all the same.
    let second = format!(
        "重复：[死链]({}) 和 [活链]({})。",
        s.url("/dead"),
        s.url("/ok")
    );
    write(dir.path(), "_posts/2024-01-02-b.md", &post(&second));

    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let found = findings(&o);
    let a = "_posts/2024-01-01-a.md";
    let b = "_posts/2024-01-02-b.md";
    // The line of each link: front matter is 5 lines, a blank line, then the list.
    let line = |l: &str| 7 + links.iter().position(|x| *x == l).unwrap() as u64;
    let col = |l: &str| {
        let i = links.iter().position(|x| *x == l).unwrap();
        match i % 3 {
            0 => 3 + format!("[link {i}](").len() as u64,
            1 => 4,
            _ => 3 + "<a href=\"".len() as u64,
        }
    };
    let width = |l: &str| s.url(l).chars().count() as u64;
    let expect_dead = [
        ("/dead", "HTTP 404 Not Found"),
        ("/gone", "HTTP 410 Gone"),
        ("/always-500", "HTTP 503 Service Unavailable"),
        ("/loop-a", "redirect loop"),
        ("/to-dead", "HTTP 404 Not Found"),
        ("/slow", "timed out"),
        ("/close", "closed the connection"),
        ("/chain/9", "more than 5 redirects"),
    ];
    let mut expected: Vec<(String, u64, u64, u64, String)> = expect_dead
        .iter()
        .map(|(l, why)| {
            let mut end = col(l) + width(l);
            if links.iter().position(|x| x == l).unwrap() % 3 == 2 {
                end += "#part".len() as u64;
            }
            (a.to_string(), line(l), col(l), end, why.to_string())
        })
        .collect();
    let dead_col = "重复：[死链](".chars().count() as u64 + 1;
    expected.push((
        b.to_string(),
        7,
        dead_col,
        dead_col + width("/dead"),
        "HTTP 404 Not Found".into(),
    ));
    expected.sort();
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (f, e) in found.iter().zip(&expected) {
        assert_eq!(
            (&f.0, f.1, f.2, f.3),
            (&e.0, e.1, e.2, e.3),
            "{f:?} vs {e:?}"
        );
        assert!(f.4.contains(&e.4), "{:?} should say {:?}", f.4, e.4);
        assert!(f.4.starts_with("dead link `http://127.0.0.1:"), "{}", f.4);
    }

    // Once per URL: a HEAD each, GET only where HEAD is refused, and retries only for
    // 5xx, 429, timeouts and dropped connections.
    assert_eq!(s.methods("/ok"), ["HEAD"]);
    assert_eq!(
        s.methods("/dead"),
        ["HEAD", "HEAD"],
        "itself and via /to-dead"
    );
    assert_eq!(s.methods("/gone"), ["HEAD"]);
    assert_eq!(s.methods("/nohead"), ["HEAD", "GET"]);
    assert_eq!(s.count("/flaky"), 2, "500 then 200");
    assert_eq!(s.count("/always-500"), 3, "1 + 2 retries");
    assert_eq!(s.count("/slow"), 3, "1 + 2 retries");
    assert_eq!(s.count("/close"), 3, "1 + 2 retries");
    assert_eq!(s.count("/loop-a"), 1);
    assert_eq!(s.count("/loop-b"), 1);
    for n in 0..=3 {
        assert_eq!(s.count(&format!("/chain/{n}")), 1);
    }
    // 429 waits for Retry-After (1 s) before asking again.
    let busy = s.times("/busy");
    assert_eq!(busy.len(), 2);
    assert!(
        busy[1] - busy[0] >= Duration::from_millis(950),
        "{:?}",
        busy[1] - busy[0]
    );
    assert!(
        stderr.contains("online: 13 distinct external links, 0 from the cache"),
        "{stderr}"
    );

    // Second run: the lasting results come from the cache; only what may have been
    // transient (timeouts, 5xx, dropped connections) is asked again.
    let cache = std::fs::read_to_string(dir.path().join(".postlint-cache.json")).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&cache).unwrap();
    assert!(parsed["entries"][s.url("/ok")]["status"] == 200, "{cache}");
    let before: HashMap<&str, usize> = links.iter().map(|l| (*l, s.count(l))).collect();
    let o2 = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    assert_eq!(findings(&o2), found, "same findings from the cache");
    for l in [
        "/ok", "/dead", "/gone", "/flaky", "/busy", "/nohead", "/chain/3",
    ] {
        assert_eq!(s.count(l), before[l], "{l} should come from the cache");
    }
    for l in ["/always-500", "/slow", "/close"] {
        assert!(s.count(l) > before[l], "{l} is not cached");
    }
    let stderr2 = String::from_utf8_lossy(&o2.stderr);
    assert!(stderr2.contains("from the cache"), "{stderr2}");

    // --no-cache asks again.
    let ok_before = s.count("/ok");
    let o3 = run(
        dir.path(),
        &[
            "check",
            "--select",
            "LK006",
            "--format",
            "json",
            "--no-cache",
            "--ignore",
            "LK006",
        ],
    );
    assert_eq!(o3.status.code(), Some(0));
    assert_eq!(s.count("/ok"), ok_before, "LK006 off: nothing is requested");
    let o4 = run(
        dir.path(),
        &[
            "check",
            "--select",
            "LK006",
            "--format",
            "json",
            "--no-cache",
        ],
    );
    assert_eq!(findings(&o4).len(), found.len());
    assert_eq!(s.count("/ok"), ok_before + 1);
}

#[test]
fn private_addresses_are_never_contacted_unless_allowed() {
    let s = Server::start("127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "postlint.yaml",
        "links:\n  online: true\n  timeout: 600ms\n",
    );
    let port = s.addr.port();
    let body = format!(
        "[a](http://127.0.0.1:{port}/ok) [b](http://localhost:{port}/ok) [c](http://[::1]:{port}/ok) [d](http://0.0.0.0:{port}/ok) [e](http://169.254.169.254/latest/meta-data/) [f](http://10.0.0.1/x)\n"
    );
    write(dir.path(), "_posts/2024-01-01-a.md", &post(&body));
    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    let found = findings(&o);
    assert_eq!(found.len(), 6, "{found:#?}");
    for f in &found {
        assert!(f.4.contains("non-public address"), "{}", f.4);
    }
    assert!(
        found
            .iter()
            .any(|f| f.4.contains("`localhost` resolves to"))
    );
    assert_eq!(
        s.connections.load(Ordering::SeqCst),
        0,
        "nothing reached the server"
    );

    // `--online` on the command line with the same policy.
    write(dir.path(), "postlint.yaml", "links:\n  timeout: 600ms\n");
    let o = run(
        dir.path(),
        &[
            "check",
            "--online",
            "--no-cache",
            "--select",
            "LK006",
            "--format",
            "json",
        ],
    );
    assert_eq!(findings(&o).len(), 6);
    assert_eq!(s.connections.load(Ordering::SeqCst), 0);

    // Allowed: the two loopback URLs (the same one, twice spelled) are requested.
    write(
        dir.path(),
        "postlint.yaml",
        "links:\n  online: true\n  allow_private: true\n  timeout: 600ms\n  retries: 0\n  exclude: ['169\\.254', '10\\.0\\.0\\.1', '0\\.0\\.0\\.0', '\\[::1\\]']\n",
    );
    let o = run(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "--select",
            "LK006",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        findings(&o),
        vec![],
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(s.count("/ok"), 2, "127.0.0.1 and localhost");
}

#[test]
fn a_redirect_or_a_name_that_leads_to_a_forbidden_address_is_refused_at_connect_time() {
    let public = Server::start("127.0.0.1");
    let private = Server::start("127.0.0.2");
    // In this test 127.0.0.2 plays the private network, and 127.0.0.1 the internet.
    let forbid: online::Forbid = Arc::new(|ip: IpAddr| ip == IpAddr::from([127, 0, 0, 2]));
    let (pub_addr, priv_addr) = (public.addr, private.addr);
    // `rebind.test` resolves to the private address; `good.test` to the public one.
    let resolve: online::Resolve = Arc::new(move |netloc: &str| {
        let (host, _) = netloc.rsplit_once(':').unwrap();
        match host {
            "good.test" => Ok(vec![pub_addr]),
            "rebind.test" => Ok(vec![priv_addr]),
            "both.test" => Ok(vec![priv_addr, pub_addr]),
            _ => netloc
                .parse::<SocketAddr>()
                .map(|a| vec![a])
                .map_err(std::io::Error::other),
        }
    });
    let checker = Checker::with_network(&options(), resolve, forbid);
    let to_private = public.url(&format!("/redirect-to/http%3A//{priv_addr}/ok"));
    let urls = vec![
        to_private.clone(),
        format!("http://rebind.test:{}/ok", priv_addr.port()),
        format!("http://good.test:{}/ok", pub_addr.port()),
        format!("http://both.test:{}/ok", pub_addr.port()),
        private.url("/ok"),
    ];
    let verdicts = online::check_all(&checker, &urls, &|| {});
    assert!(
        matches!(&verdicts[&urls[0]], Err(Problem::Blocked(m)) if m.contains("127.0.0.2")),
        "{verdicts:?}"
    );
    assert!(
        matches!(&verdicts[&urls[1]], Err(Problem::Blocked(m)) if m.contains("`rebind.test` resolves to"))
    );
    assert_eq!(
        verdicts[&urls[2]],
        Ok(200),
        "connects to the address the resolver gave"
    );
    assert_eq!(
        verdicts[&urls[3]],
        Ok(200),
        "only the allowed address is used"
    );
    assert!(matches!(&verdicts[&urls[4]], Err(Problem::Blocked(_))));
    assert_eq!(private.connections.load(Ordering::SeqCst), 0);
    assert_eq!(public.count("/redirect-to/http%3A"), 0);
    assert_eq!(public.count("/ok"), 2);
}

#[test]
fn requests_in_flight_are_bounded_overall_and_per_host() {
    let s = Server::start("127.0.0.1");
    let urls: Vec<String> = (0..12).map(|i| s.url(&format!("/pause?{i}"))).collect();
    let checker = Checker::new(&Options {
        per_host: 2,
        max_concurrency: 8,
        ..options()
    });
    let done = AtomicUsize::new(0);
    let verdicts = online::check_all(&checker, &urls, &|| {
        done.fetch_add(1, Ordering::SeqCst);
    });
    assert!(verdicts.values().all(|v| *v == Ok(200)), "{verdicts:?}");
    assert_eq!(done.load(Ordering::SeqCst), 12);
    assert_eq!(s.count("/pause"), 12);
    let max = s.max_in_flight.load(Ordering::SeqCst);
    assert_eq!(max, 2, "per host");

    // Overall: three host names for one server, four per host, three in all.
    let s = Server::start("127.0.0.1");
    let addr = s.addr;
    let urls: Vec<String> = (0..18)
        .map(|i| format!("http://host{}.test:{}/pause?{i}", i % 3, addr.port()))
        .collect();
    let resolve: online::Resolve = Arc::new(move |_: &str| Ok(vec![addr]));
    let checker = Checker::with_network(
        &Options {
            per_host: 4,
            max_concurrency: 3,
            ..options()
        },
        resolve,
        Arc::new(|_| false),
    );
    let verdicts = online::check_all(&checker, &urls, &|| {});
    assert!(verdicts.values().all(|v| *v == Ok(200)), "{verdicts:?}");
    assert_eq!(s.count("/pause"), 18);
    let max = s.max_in_flight.load(Ordering::SeqCst);
    assert!((2..=3).contains(&max), "overall: {max}");
}

#[test]
fn a_per_host_interval_spaces_out_requests() {
    let s = Server::start("127.0.0.1");
    let urls: Vec<String> = (0..4).map(|i| s.url(&format!("/ok?{i}"))).collect();
    let checker = Checker::new(&Options {
        per_host_interval: Duration::from_millis(200),
        ..options()
    });
    let verdicts = online::check_all(&checker, &urls, &|| {});
    assert!(verdicts.values().all(|v| *v == Ok(200)));
    let mut times: Vec<Instant> = s.hits.lock().unwrap().iter().map(|h| h.2).collect();
    times.sort();
    for w in times.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(180),
            "{:?}",
            w[1] - w[0]
        );
    }
}

#[test]
fn a_corrupt_cache_is_a_warning_and_is_rebuilt() {
    let s = Server::start("127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "postlint.yaml", CONFIG);
    write(dir.path(), ".postlint-cache.json", "{ this is not json");
    write(
        dir.path(),
        "_posts/2024-01-01-a.md",
        &post(&format!("[x]({})", s.url("/dead"))),
    );
    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("warning: the link cache") && stderr.contains("corrupt"),
        "{stderr}"
    );
    assert_eq!(findings(&o).len(), 1);
    let cache = std::fs::read_to_string(dir.path().join(".postlint-cache.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&cache).unwrap();
    assert_eq!(v["entries"][s.url("/dead")]["status"], 404);

    // An expired entry is asked again.
    let mut v = v;
    v["entries"][s.url("/dead")]["checked"] = serde_json::json!(1_000);
    std::fs::write(dir.path().join(".postlint-cache.json"), v.to_string()).unwrap();
    let before = s.count("/dead");
    run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    assert_eq!(s.count("/dead"), before + 1);
}

#[test]
fn links_config_is_validated() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "postlint.yaml",
        "links:\n  online: maybe\n  timeout: 5 parsecs\n  accept: [200..=299, 99999]\n  per_hots: 2\n  exclude: ['(']\n",
    );
    write(dir.path(), "_posts/2024-01-01-a.md", &post("x"));
    let o = run(dir.path(), &["check", "--color", "never"]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let all = format!("{stdout}{stderr}");
    assert_eq!(o.status.code(), Some(2), "{all}");
    for needle in [
        "`links.online` must be true or false",
        "`links.timeout` must be a duration",
        "not a status code or range",
        "unknown key `links.per_hots`",
        "did you mean `per_host`?",
        "invalid regular expression",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in\n{all}");
    }
}

#[test]
fn offline_runs_request_nothing() {
    let s = Server::start("127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "postlint.yaml",
        "links:\n  allow_private: true\n",
    );
    write(
        dir.path(),
        "_posts/2024-01-01-a.md",
        &post(&format!("[x]({})", s.url("/dead"))),
    );
    let o = run(dir.path(), &["check", "--format", "json"]);
    assert!(findings(&o).is_empty());
    assert_eq!(s.connections.load(Ordering::SeqCst), 0);
    assert!(!dir.path().join(".postlint-cache.json").exists());
}

#[test]
fn human_output_of_a_dead_link() {
    let s = Server::start("127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "postlint.yaml", CONFIG);
    let body = format!(
        "沪指午后震荡走高。\n\n（文章来源：[中国消费者报]({})）\n\n<img src=\"{}\">\n",
        s.url("/dead"),
        s.url("/gone")
    );
    write(dir.path(), "_posts/2024-01-01-a.md", &post(&body));
    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--color", "never"],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT");
    settings.add_filter(r"in \d+\.\d+s", "in [TIME]s");
    // Ephemeral ports have five digits (Linux: 32768–60999), so the underline keeps its width.
    assert_eq!(s.addr.port().to_string().len(), 5);
    settings.bind(|| insta::assert_snapshot!("online_human_dead_link", out));
}

/// The summary line of an online run on stderr: (requests sent, failed).
fn summary_counts(o: &Output) -> (usize, usize) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("online: "))
        .unwrap_or_else(|| panic!("no online summary in {stderr}"));
    let number = |before: &str| -> usize {
        let head = line.split(before).next().unwrap();
        head.rsplit(' ')
            .find(|w| !w.is_empty())
            .unwrap()
            .parse()
            .unwrap()
    };
    (number(" request"), number(" failed"))
}

#[test]
fn the_summary_counts_only_requests_that_were_sent() {
    let s = Server::start("127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: connections are refused (and retried), nothing is sent.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let body = format!(
        "[a](http://10.0.0.1/x) [b](http://169.254.169.254/latest/) [c](http://[64:ff9b:1::a9fe:a9fe]/) [d]({}) [e](http://127.0.0.1:{closed}/ok) [f](https://excluded.example/)\n",
        s.url("/ok")
    );
    write(dir.path(), "_posts/2024-01-01-a.md", &post(&body));
    // The policy refuses every address: no request is sent.
    write(
        dir.path(),
        "postlint.yaml",
        "links:\n  online: true\n  timeout: 600ms\n  cache: false\n  retries: 2\n  retry_wait: 10ms\n  exclude: ['excluded']\n",
    );
    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    assert_eq!(
        findings(&o).len(),
        5,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(summary_counts(&o), (0, 5));
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 excluded"));
    assert_eq!(s.connections.load(Ordering::SeqCst), 0);

    // Private addresses allowed: the live page costs one request; the closed port three
    // attempts, none of which was sent; 10.0.0.1 and the NAT64 address are excluded here
    // (they would time out).
    write(
        dir.path(),
        "postlint.yaml",
        "links:\n  online: true\n  allow_private: true\n  timeout: 600ms\n  cache: false\n  retries: 2\n  retry_wait: 10ms\n  exclude: ['excluded', '10\\.0\\.0\\.1', '169\\.254', 'ff9b']\n",
    );
    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    let found = findings(&o);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].4.contains("connection refused"), "{}", found[0].4);
    assert_eq!(summary_counts(&o), (1, 1));
    assert_eq!(s.count("/ok"), 1);
}

#[test]
fn refused_addresses_say_which_registry_range() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "postlint.yaml",
        "links:\n  online: true\n  timeout: 600ms\n  cache: false\n",
    );
    let body = "[a](http://[64:ff9b:1::a9fe:a9fe]/) [b](http://[2001:0:808:808::3f57:fefe]/) [c](http://[::ffff:0:a9fe:a9fe]/) [d](http://198.18.0.1/)\n";
    write(dir.path(), "_posts/2024-01-01-a.md", &post(body));
    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    let messages: Vec<String> = findings(&o).into_iter().map(|f| f.4).collect();
    let expected = [
        "64:ff9b:1::a9fe:a9fe is a non-public address (local-use IPv4/IPv6 translation, NAT64 (RFC 8215))",
        "2001:0:808:808::3f57:fefe is a non-public address (Teredo (RFC 4380) of 192.168.1.1: private use (RFC 1918))",
        "::ffff:0:a9fe:a9fe is a non-public address (IPv4-translated, SIIT (RFC 2765 §2.1) of 169.254.169.254: link local, cloud metadata (RFC 3927))",
        "198.18.0.1 is a non-public address (benchmarking (RFC 2544))",
    ];
    assert_eq!(messages.len(), expected.len(), "{messages:#?}");
    for e in expected {
        assert!(
            messages.iter().any(|m| m.ends_with(e)),
            "{e} not in {messages:#?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_cache_file_that_is_a_symbolic_link_is_neither_read_nor_written() {
    let s = Server::start("127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.json");
    // A valid cache that says the dead link is alive: it must not be believed either.
    let planted = format!(
        "{{\"version\":1,\"entries\":{{\"{}\":{{\"checked\":{},\"status\":200}}}}}}",
        s.url("/dead"),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    );
    std::fs::write(&victim, &planted).unwrap();
    write(dir.path(), "postlint.yaml", CONFIG);
    std::os::unix::fs::symlink(&victim, dir.path().join(".postlint-cache.json")).unwrap();
    write(
        dir.path(),
        "_posts/2024-01-01-a.md",
        &post(&format!("[x]({})", s.url("/dead"))),
    );
    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(findings(&o).len(), 1, "{stderr}");
    assert_eq!(
        s.count("/dead"),
        1,
        "asked, not taken from the planted cache"
    );
    assert!(
        stderr.contains("warning: the link cache is not read: `")
            && stderr.contains("is a symbolic link (to `"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: the link cache is not written: `"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), planted);
    assert!(
        std::fs::symlink_metadata(dir.path().join(".postlint-cache.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// Without a network (here: two hosts whose ports refuse every connection, so no request
/// reaches a server), `--online` says so once and reports none of the links as dead — not
/// the site's own either — instead of one LK006 per link.
#[test]
fn no_network_is_said_once_and_reports_no_dead_link() {
    let closed = |host: &str| {
        // A port that was free a moment ago: nothing listens there.
        let l = std::net::TcpListener::bind((host, 0)).unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        port
    };
    let (p1, p2) = (closed("127.0.0.1"), closed("127.0.0.2"));
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "postlint.yaml",
        "links:\n  online: true\n  allow_private: true\n  timeout: 600ms\n  retries: 0\n",
    );
    let body = format!(
        "[a](http://127.0.0.1:{p1}/a) [b](http://127.0.0.2:{p2}/b) [c](http://127.0.0.1:{p1}/c)\n"
    );
    write(dir.path(), "_posts/2024-01-01-a.md", &post(&body));
    let o = run(
        dir.path(),
        &["check", "--select", "LK006", "--format", "json"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(findings(&o).is_empty(), "{:?}", findings(&o));
    assert_eq!(
        stderr.matches("no external link could be checked").count(),
        1,
        "{stderr}"
    );
    // One host that refuses is a dead link, as before: the network may well be there.
    write(
        dir.path(),
        "_posts/2024-01-01-a.md",
        &post(&format!("[a](http://127.0.0.1:{p1}/a)\n")),
    );
    let o = run(
        dir.path(),
        &[
            "check",
            "--select",
            "LK006",
            "--format",
            "json",
            "--no-cache",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(findings(&o).len(), 1);
}
