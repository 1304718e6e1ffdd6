//! `postlint server` as a whole process, driven by a real LSP client over stdio: JSON-RPC
//! with `Content-Length` framing, as an editor speaks it. The diagnostics it publishes are
//! compared with what `postlint check --format json` gives for the same file.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

/// How long the client waits for one answer.
const WAIT: Duration = Duration::from_secs(120);

/// A post of the finews pack's shape: its date line, its source id and its text.
fn post(date: &str, id: &str, text: &str) -> String {
    format!(
        "---\nlayout: post\ntitle: \"沪指午后震荡走高\"\ndate: {date}\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n{text}\n\n<https://finance.eastmoney.com/news/1345,{id}.html>\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n"
    )
}

/// A post with a time Jekyll reads without a zone (DT007, fixable) and a 😀 before it, so that
/// UTF-16 columns differ from character and byte columns.
fn no_zone(id: &str, text: &str) -> String {
    post("2021-12-08 10:18:31", id, text).replace("title: \"", "title: \"😀")
}

fn clean(id: &str, text: &str) -> String {
    post("2021-12-08 10:30:00 +0800", id, text)
}

fn site(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, content) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn uri_of(path: &Path) -> String {
    // Percent-encoded, as editors send it (a fixture's name has full-width digits).
    url::Url::from_file_path(path).unwrap().to_string()
}

/// A language client speaking to `postlint server`.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: mpsc::Receiver<Value>,
    /// Notifications (and requests from the server) received while waiting for something else.
    queue: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_postlint"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                assert_eq!(v["jsonrpc"], "2.0");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            queue: Vec::new(),
            next_id: 1,
        };
        let root = uri_of(dir);
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "capabilities": {
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                    "textDocument": {"publishDiagnostics": {"versionSupport": true}},
                },
            }),
        );
        let caps = &init["result"]["capabilities"];
        assert_eq!(caps["hoverProvider"], true, "{init}");
        assert_eq!(caps["textDocumentSync"]["change"], 1);
        client.notify("initialized", json!({}));
        // The server asks to watch the configuration and the site's files.
        let register = client.wait_for(|m| m["method"] == "client/registerCapability");
        let watchers =
            register["params"]["registrations"][0]["registerOptions"]["watchers"].to_string();
        assert!(watchers.contains("postlint.yaml"), "{watchers}");
        let id = register["id"].clone();
        client.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
        client
    }

    fn send_raw(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(body).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, v: &Value) {
        self.send_raw(v.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and wait for its response (the whole response object).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id)
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message (queued or new) that `pred` accepts.
    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.queue.iter().position(&pred) {
            return self.queue.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self
                .incoming
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no awaited message; queued: {:?}", self.queue));
            if pred(&m) {
                return m;
            }
            self.queue.push(m);
        }
    }

    /// Set aside what was published for `uri` so far (received or on its way).
    fn forget(&mut self, uri: &str) {
        while let Ok(m) = self.incoming.try_recv() {
            self.queue.push(m);
        }
        self.queue.retain(|m| {
            !(m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        });
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri_of(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        uri
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown`, then `exit`: the process ends with status 0.
    fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0));
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The LSP position of a 1-based line and character column in `text`.
fn lsp_position(text: &str, line: u64, column: u64) -> Value {
    let l = text.split('\n').nth(line as usize - 1).unwrap_or("");
    let units: usize = l
        .chars()
        .take(column as usize - 1)
        .map(char::len_utf16)
        .sum();
    json!({"line": line - 1, "character": units})
}

/// What `postlint check --format json` (run in the site's folder, over the whole site) says
/// of `rel`, as LSP diagnostics would say it: code, severity, message, range.
fn check_json(dir: &Path, rel: &str, text: &str) -> Vec<Value> {
    let o = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .args(["check", "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == rel)
        .map(|d| {
            json!({
                "code": d["code"],
                "severity": if d["severity"] == "error" { 1 } else { 2 },
                "message": d["message"],
                "range": {
                    "start": lsp_position(text, d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()),
                    "end": lsp_position(text, d["end_line"].as_u64().unwrap(), d["end_column"].as_u64().unwrap()),
                },
            })
        })
        .collect::<Vec<_>>()
        .sorted()
}

/// Findings in position order (a whole-site run writes the ones that need the whole site —
/// LK004, the cross-file rules — after the file's own).
trait Sorted {
    fn sorted(self) -> Self;
}

impl Sorted for Vec<Value> {
    fn sorted(mut self) -> Self {
        let key = |d: &Value| {
            (
                d["range"]["start"]["line"].as_u64(),
                d["range"]["start"]["character"].as_u64(),
                d["code"].as_str().map(str::to_string),
                d["message"].as_str().map(str::to_string),
            )
        };
        self.sort_by_key(key);
        self
    }
}

/// The fields of a published diagnostic that `check` also gives.
fn comparable(d: &[Value]) -> Vec<Value> {
    d.iter()
        .map(|d| {
            assert_eq!(d["source"], "postlint");
            json!({"code": d["code"], "severity": d["severity"], "message": d["message"], "range": d["range"]})
        })
        .collect::<Vec<_>>()
        .sorted()
}

fn codes(d: &[Value]) -> Vec<String> {
    d.iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Apply LSP text edits (UTF-16 ranges) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

#[test]
fn diagnostics_are_checks_and_follow_edits_and_the_config() {
    let original = no_zone("202112080000000001", "沪指午后震荡走高。");
    // The same article again: XF001 on the later file, a finding only the whole site shows.
    let copy = no_zone("202112080000000001", "沪指午后震荡走高。");
    // A custom rule on the title's 😀: its end column differs in UTF-16 units (2) and characters (1).
    let config = "extends: finews\ncustom:\n  - { code: CU001, name: no-emoji, field: title, forbid: \"😀\", message: \"no emoji in titles\" }\n";
    let dir = site(&[
        ("postlint.yaml", config),
        ("_config.yml", "timezone: Asia/Shanghai\n"),
        ("_posts/2021-12-08-1.md", &original),
        ("_posts/2021-12-08-2.md", &copy),
    ]);
    let rel = "_posts/2021-12-08-2.md";
    let path = dir.path().join(rel);
    let expected = check_json(dir.path(), rel, &copy);
    assert!(
        codes(&expected).contains(&"XF001".to_string()),
        "{expected:?}"
    );
    assert!(
        codes(&expected).contains(&"DT007".to_string()),
        "{expected:?}"
    );
    let cu = expected.iter().find(|d| d["code"] == "CU001").unwrap();
    assert_eq!(cu["range"]["start"]["line"], 2, "{cu}");

    let mut client = Client::start(dir.path());
    let uri = client.open(&path, &copy);
    let published = client.diagnostics(&uri, 1);
    assert_eq!(comparable(&published), expected);

    // An edit that is not saved: a new source and text, the zone added. Nothing is left.
    let fixed = clean("202112080000000002", "深成指收涨。");
    client.change(&uri, 2, &fixed);
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());

    // Back to the copy: the findings again.
    client.change(&uri, 3, &copy);
    assert_eq!(comparable(&client.diagnostics(&uri, 3)), expected);

    // The configuration changes on disk: DT007 off, and the client says so.
    std::fs::write(
        dir.path().join("postlint.yaml"),
        format!("{config}rules:\n  DT007: off\n"),
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&dir.path().join("postlint.yaml")), "type": 2}]}),
    );
    let after = client.diagnostics(&uri, 3);
    assert!(!codes(&after).contains(&"DT007".to_string()), "{after:?}");
    assert!(codes(&after).contains(&"XF001".to_string()), "{after:?}");
    assert_eq!(comparable(&after), check_json(dir.path(), rel, &copy));
    client.stop();
}

#[test]
fn fixes_are_code_actions_and_rule_docs_are_hovers() {
    let text = no_zone("202112080000000001", "沪指午后震荡走高。");
    let dir = site(&[
        ("postlint.yaml", "extends: finews\n"),
        ("_config.yml", "timezone: Asia/Shanghai\n"),
        ("_posts/2021-12-08-1.md", &text),
    ]);
    let path = dir.path().join("_posts/2021-12-08-1.md");
    let mut client = Client::start(dir.path());
    let uri = client.open(&path, &text);
    let found = client.diagnostics(&uri, 1);
    let dt = found
        .iter()
        .find(|d| d["code"] == "DT007")
        .cloned()
        .unwrap_or_else(|| panic!("no DT007 in {found:?}"));
    assert_eq!(dt["data"]["fixable"], true);

    // Hover over the finding: the rule's documentation, as `postlint rule DT007` prints it.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": dt["range"]["start"]}),
    );
    let doc = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .args(["rule", "DT007"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        hover["result"]["contents"]["value"].as_str(),
        Some(String::from_utf8_lossy(&doc.stdout).as_ref()),
        "{hover}"
    );
    assert_eq!(hover["result"]["range"], dt["range"]);
    // Nowhere near a finding: nothing.
    let none = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(none["result"], Value::Null, "{none}");

    // The quick fix of the finding.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": dt["range"], "context": {"diagnostics": [dt]}}),
    );
    let list = actions["result"].as_array().unwrap();
    let quick = list
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .unwrap_or_else(|| panic!("no quick fix in {actions}"));
    assert_eq!(quick["diagnostics"][0]["code"], "DT007");
    let edits = quick["edit"]["changes"][uri.as_str()].as_array().unwrap();
    let fixed = apply(&text, edits);
    assert!(fixed.contains("date: 2021-12-08 10:18:31 +0800"), "{fixed}");
    client.change(&uri, 2, &fixed);
    let after = client.diagnostics(&uri, 2);
    assert!(!codes(&after).contains(&"DT007".to_string()), "{after:?}");

    // "Fix all" as a source action: the text `postlint check --fix` writes.
    client.change(&uri, 3, &text);
    client.diagnostics(&uri, 3);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let list = actions["result"].as_array().unwrap();
    assert!(list.iter().all(|a| a["kind"] != "quickfix"), "{actions}");
    let all = list
        .iter()
        .find(|a| a["kind"] == "source.fixAll.postlint")
        .unwrap_or_else(|| panic!("no fix-all in {actions}"));
    let fixed_all = apply(
        &text,
        all["edit"]["changes"][uri.as_str()].as_array().unwrap(),
    );
    let o = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .args(["check", "--fix", "--format", "short"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.code().is_some(), "{o:?}");
    assert_eq!(fixed_all, std::fs::read_to_string(&path).unwrap());
    client.stop();
}

#[test]
fn malformed_messages_get_errors_and_the_server_goes_on() {
    let text = no_zone("202112080000000001", "沪指午后震荡走高。");
    let dir = site(&[("_posts/2021-12-08-1.md", &text)]);
    let mut client = Client::start(dir.path());
    // Not JSON: a parse error, with a null id.
    client.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\"");
    let e = client.wait_for(|m| m["error"]["code"] == -32700);
    assert_eq!(e["id"], Value::Null);
    // JSON, but no message.
    client.send_raw(b"[1, 2, 3]");
    client.wait_for(|m| m["error"]["code"] == -32600);
    // A request with parameters of the wrong shape, and one the server does not know.
    let bad = client.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let unknown = client.request("textDocument/formatting", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    // A notification with nonsense parameters is dropped.
    client.notify("textDocument/didOpen", json!({"textDocument": "x"}));
    // A change to a buffer never opened, a non-file URI: nothing, and no crash.
    client.change("file:///nowhere/at/all.md", 2, "x");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:1", "languageId": "markdown", "version": 1, "text": "---\n"}}),
    );
    // Still serving: a buffer is checked.
    let uri = client.open(&dir.path().join("_posts/2021-12-08-1.md"), &text);
    let found = client.diagnostics(&uri, 1);
    // The `jekyll` pack, no `timezone`: DT002.
    assert_eq!(codes(&found), ["DT002"], "{found:?}");
    // Hover on a position past the end of the text.
    let far = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 9999, "character": 9999}}),
    );
    assert!(far.get("error").is_none(), "{far}");
    client.stop();
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = site(&[]);
    let mut client = Client::start(dir.path());
    client.notify("exit", Value::Null);
    drop(client.stdin.take());
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(1));
            return;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The cross-file rules see the other open buffers' text (not their files'), and the site's
/// files as they change on disk.
#[test]
fn other_buffers_and_changed_files_count_for_cross_file_findings() {
    let first = clean("202112080000000001", "沪指午后震荡走高。");
    let second = clean("202112080000000002", "深成指收涨。");
    let dir = site(&[
        ("postlint.yaml", "extends: finews\n"),
        ("_config.yml", "timezone: Asia/Shanghai\n"),
        ("_posts/2021-12-08-1.md", &first),
        ("_posts/2021-12-08-2.md", &second),
    ]);
    let mut client = Client::start(dir.path());
    let uri2 = client.open(&dir.path().join("_posts/2021-12-08-2.md"), &second);
    assert_eq!(client.diagnostics(&uri2, 1), Vec::<Value>::new());
    let uri1 = client.open(&dir.path().join("_posts/2021-12-08-1.md"), &first);
    assert_eq!(client.diagnostics(&uri1, 1), Vec::<Value>::new());

    // The first buffer, unsaved, becomes the second's article: the second (later by path) is
    // now a duplicate of it.
    client.change(&uri1, 2, &second);
    assert_eq!(client.diagnostics(&uri1, 2), Vec::<Value>::new());
    let dup = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri2
            && m["params"]["diagnostics"].to_string().contains("XF001")
    });
    let d = &dup["params"]["diagnostics"][0];
    assert_eq!(
        d["message"], "same source as `_posts/2021-12-08-1.md`",
        "{dup}"
    );

    // Closed unsaved, the first is the disk's again: the duplicate is gone.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri1}}),
    );
    client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri2
            && m["params"]["diagnostics"] == json!([])
    });

    // A new file on disk with the second's article: the site is read again when the editor
    // reports it, and the new file comes first by path (`2021-12-07`), so the second is a copy.
    let new = dir.path().join("_posts/2021-12-07-0.md");
    std::fs::write(&new, &second).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&new), "type": 1}]}),
    );
    let dup = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri2
            && m["params"]["diagnostics"].to_string().contains("XF001")
    });
    assert_eq!(
        dup["params"]["diagnostics"][0]["message"],
        "same source as `_posts/2021-12-07-0.md`"
    );
    // Saved: the same (the disk and the buffer agree). (What was published for it before is
    // set aside first: the answer to the save is the next one.)
    std::thread::sleep(Duration::from_millis(300));
    client.forget(&uri2);
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri2}}),
    );
    let saved = client.diagnostics(&uri2, 1);
    assert_eq!(codes(&saved), ["XF001"], "{saved:?}");
    // The new file deleted: no duplicate any more.
    std::fs::remove_file(&new).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&new), "type": 3}]}),
    );
    assert_eq!(client.diagnostics(&uri2, 1), Vec::<Value>::new());
    // Changed on disk to another article, then back: the facts follow the file.
    let first_path = dir.path().join("_posts/2021-12-08-1.md");
    std::fs::write(&first_path, &second).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&first_path), "type": 2}]}),
    );
    assert_eq!(codes(&client.diagnostics(&uri2, 1)), ["XF001"]);
    client.stop();
}

/// A configuration with errors is reported on its own file, nothing is checked until it is
/// fixed, and then the buffers are.
#[test]
fn configuration_errors_are_shown_on_the_configuration() {
    let text = no_zone("202112080000000001", "沪指午后震荡走高。");
    let dir = site(&[
        ("postlint.yaml", "extends: finews\nrules:\n  XX999: error\n"),
        ("_config.yml", "timezone: Asia/Shanghai\n"),
        ("_posts/2021-12-08-1.md", &text),
    ]);
    let config_uri = uri_of(&dir.path().join("postlint.yaml"));
    let mut client = Client::start(dir.path());
    let uri = client.open(&dir.path().join("_posts/2021-12-08-1.md"), &text);
    let shown = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == config_uri
    });
    let d = &shown["params"]["diagnostics"][0];
    assert_eq!(d["severity"], 1, "{shown}");
    assert!(
        d["message"].as_str().unwrap_or("").contains("XX999"),
        "{shown}"
    );
    assert_eq!(d["range"]["start"]["line"], 2, "{shown}");
    client.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new());

    std::fs::write(dir.path().join("postlint.yaml"), "extends: finews\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let found = client.diagnostics(&uri, 1);
    assert!(codes(&found).contains(&"DT007".to_string()), "{found:?}");
    // The configuration's findings are cleared.
    client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == config_uri
            && m["params"]["diagnostics"] == json!([])
    });
    client.stop();
}

/// Parameters of every wrong shape, to every method the server knows: errors for requests,
/// nothing for notifications, and the server still answers afterwards.
#[test]
fn parameters_of_any_shape_do_not_stop_the_server() {
    let text = no_zone("202112080000000001", "沪指午后震荡走高。");
    let dir = site(&[("_posts/2021-12-08-1.md", &text)]);
    let mut client = Client::start(dir.path());
    let uri = client.open(&dir.path().join("_posts/2021-12-08-1.md"), &text);
    client.diagnostics(&uri, 1);
    let pos = |line: i64, character: i64| json!({"line": line, "character": character});
    let shapes = [
        Value::Null,
        json!(1),
        json!("x"),
        json!([]),
        json!({}),
        json!({"textDocument": {"uri": 5}}),
        json!({"textDocument": {"uri": "not a uri"}, "position": pos(0, 0)}),
        json!({"textDocument": {"uri": uri}, "position": pos(-1, 0)}),
        json!({"textDocument": {"uri": uri}, "position": pos(4_294_967_296, 0)}),
        json!({"textDocument": {"uri": uri}, "position": pos(2, 100_000)}),
        json!({"textDocument": {"uri": uri}, "range": {"start": pos(9, 9), "end": pos(0, 0)}, "context": {"diagnostics": []}}),
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": pos(99, 0), "end": pos(0, 3)}, "text": "😀"}]}),
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": {"start": pos(2, 9), "end": pos(2, 10)}, "text": ""}]}),
        json!({"changes": [{"uri": "file:///", "type": 9}]}),
        json!({"changes": [{"uri": uri_of(&dir.path().join("gone.md")), "type": 3}]}),
    ];
    let requests = [
        "textDocument/hover",
        "textDocument/codeAction",
        "initialize",
    ];
    let notifications = [
        "textDocument/didChange",
        "textDocument/didSave",
        "workspace/didChangeWatchedFiles",
        "textDocument/didOpen",
        "$/cancelRequest",
        "initialized",
    ];
    for params in &shapes {
        for method in requests {
            let r = client.request(method, params.clone());
            assert!(
                r.get("result").is_some() || r["error"]["code"].is_i64(),
                "{method} {params}: {r}"
            );
        }
        for method in notifications {
            client.notify(method, params.clone());
        }
    }
    // The buffer is whatever those edits made it; the server still checks it and answers.
    client.change(&uri, 10, &text);
    assert!(!client.diagnostics(&uri, 10).is_empty());
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(3, 7)}),
    );
    assert!(hover.get("error").is_none(), "{hover}");
    client.stop();
}

/// Every file of every rule fixture with a finding, opened in the server, gets the findings
/// `postlint check --format json` gives it in that fixture's site (cross-file and site rules
/// included).
#[test]
fn every_fixture_file_gets_the_findings_of_check() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut folders = Vec::new();
    for pack in std::fs::read_dir(&fixtures).unwrap() {
        for rule in std::fs::read_dir(pack.unwrap().path()).unwrap() {
            let path = rule.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            }
        }
    }
    folders.sort();
    let mut compared = 0;
    for folder in &folders {
        let o = Command::new(env!("CARGO_BIN_EXE_postlint"))
            .args(["check", "--format", "json"])
            .current_dir(folder)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut paths: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] != "io")
            .filter_map(|d| d["path"].as_str().map(str::to_string))
            .collect();
        paths.sort();
        paths.dedup();
        let mut client = Client::start(folder);
        for rel in paths {
            let path = folder.join(&rel);
            // LSP carries text: a file that is not UTF-8 (PF001) cannot be opened as a buffer.
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let expected = check_json(folder, &rel, &text);
            let uri = client.open(&path, &text);
            let published = client.diagnostics(&uri, 1);
            assert_eq!(comparable(&published), expected, "{}", path.display());
            client.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
            compared += 1;
        }
        client.stop();
    }
    assert!(compared > 100, "{compared} files compared");
}
