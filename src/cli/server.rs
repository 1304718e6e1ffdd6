//! `postlint server`: a Language Server over standard input and output. Each open buffer is
//! checked as the file at its path in its site (the engine's buffer check: the diagnostics
//! `check` gives for that file, cross-file findings included), on open, change and save; the
//! site (its configuration, its model, the facts of its other files) is loaded once and kept
//! current: a changed configuration reloads it, another changed file has its facts read again
//! and the model's index of outputs rebuilt on first use. Fixes are code actions (a quick fix
//! per finding, and "fix all" as a source action); hovering a finding shows its rule's
//! documentation, as `postlint rule CODE` prints it.
//!
//! Messages are framed by `Content-Length` headers and read on a thread of their own; a
//! malformed message gets an error response (or is dropped, for a notification), and the
//! server goes on.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde_json::{Value, json};

use super::{EXIT_FAILURE, EXIT_OK};
use crate::config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::buffer::{Buffer, SiteFacts, absolute, check_buffer};
use crate::engine::{RunContext, RunOptions, fix, prepare};
use crate::jekyll::site::{SiteModel, find_root};
use crate::settings::Settings;

/// The names of the files whose change reloads the configuration and the site.
const CONFIG_FILES: &[&str] = &["postlint.yaml", ".postlint.yaml", "_config.yml"];

/// The largest message accepted (a header asking for more is refused, not allocated).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// What the reader thread hands the server.
enum Incoming {
    Message(Message),
    /// A message that could not be read: the error to answer with (`id` when known).
    Malformed {
        id: Value,
        code: i32,
        text: String,
    },
}

/// Run the server until `exit` (status 0 after `shutdown`, 1 without) or the end of input.
pub fn serve() -> u8 {
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::Builder::new()
        .name("postlint-lsp-reader".into())
        .spawn(move || read_messages(tx));
    if reader.is_err() {
        eprintln!("error: cannot start the language server's reader");
        return EXIT_FAILURE;
    }
    let mut server = Server::new(io::stdout());
    loop {
        let Ok(first) = rx.recv() else {
            // The input ended without `exit`.
            return if server.shut_down { EXIT_OK } else { 1 };
        };
        // Everything already waiting is handled before the buffers are checked again: a burst
        // of changes is checked once.
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        for incoming in batch {
            if let Some(status) = server.handle(incoming) {
                return status;
            }
        }
        server.publish_dirty();
    }
}

/// Read framed messages from standard input until it ends.
fn read_messages(tx: mpsc::Sender<Incoming>) {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    loop {
        match read_frame(&mut input) {
            Ok(None) => return,
            Ok(Some(body)) => {
                let incoming = parse_message(&body);
                let exit = matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
                if tx.send(incoming).is_err() || exit {
                    return;
                }
            }
            Err(FrameError::Io) => return,
            Err(FrameError::Bad(text)) => {
                let bad = Incoming::Malformed {
                    id: Value::Null,
                    code: ErrorCode::ParseError as i32,
                    text,
                };
                if tx.send(bad).is_err() {
                    return;
                }
            }
        }
    }
}

enum FrameError {
    /// The input failed or ended inside a message.
    Io,
    /// A header the server cannot read (the message is skipped).
    Bad(String),
}

/// One message's body: headers up to an empty line, then `Content-Length` bytes. `Ok(None)`
/// at the end of input.
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, FrameError> {
    let mut length: Option<usize> = None;
    let mut bad: Option<String> = None;
    let mut seen_header = false;
    loop {
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => {
                return if seen_header {
                    Err(FrameError::Io)
                } else {
                    Ok(None)
                };
            }
            Ok(_) => {}
            Err(_) => return Err(FrameError::Io),
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !seen_header {
                // Blank lines between messages.
                continue;
            }
            break;
        }
        seen_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) if n <= MAX_MESSAGE => length = Some(n),
                    _ => bad = Some(format!("bad Content-Length header: {text:?}")),
                }
            }
            Some(_) => {}
            None => bad = Some(format!("malformed header: {text:?}")),
        }
    }
    let Some(length) = length else {
        return Err(FrameError::Bad(
            bad.unwrap_or_else(|| "a message without Content-Length".into()),
        ));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(|_| FrameError::Io)?;
    match bad {
        Some(text) => Err(FrameError::Bad(text)),
        None => Ok(Some(body)),
    }
}

/// A message's body as a request, a response or a notification; anything else is answered
/// with the JSON-RPC error it deserves.
fn parse_message(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError as i32,
                text: format!("the message is not JSON: {e}"),
            };
        }
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(e) => Incoming::Malformed {
            id,
            code: ErrorCode::InvalidRequest as i32,
            text: format!("not a JSON-RPC request, response or notification: {e}"),
        },
    }
}

/// An open buffer.
struct Doc {
    uri: lsp::Uri,
    /// Its file (absolute).
    path: PathBuf,
    text: String,
    version: i32,
    /// Its findings for the current text (`None`: to be checked).
    findings: Option<Vec<Diagnostic>>,
    /// Its findings are to be published.
    dirty: bool,
}

/// A site with its configuration, as the buffers in it are checked.
struct Site {
    /// The folder files are named from (the configuration's, else the site's).
    base: PathBuf,
    /// The configuration (`Err`: its errors, and nothing is checked).
    settings: Result<Settings, Vec<Diagnostic>>,
    model: SiteModel,
    facts: SiteFacts,
}

/// Which site a file belongs to: the folder of its configuration (else its site's folder,
/// else its own), and its site's folder.
type SiteKey = (PathBuf, Option<PathBuf>);

struct Server<W: Write> {
    out: W,
    initialized: bool,
    shut_down: bool,
    docs: HashMap<String, Doc>,
    sites: HashMap<SiteKey, Site>,
    /// Configuration files whose findings are shown (cleared when they have none).
    config_uris: Vec<lsp::Uri>,
    watch_dynamic: bool,
    next_id: i32,
}

impl<W: Write> Server<W> {
    fn new(out: W) -> Self {
        Server {
            out,
            initialized: false,
            shut_down: false,
            docs: HashMap::new(),
            sites: HashMap::new(),
            config_uris: Vec::new(),
            watch_dynamic: false,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Message) {
        // A client that has gone away cannot be told anything.
        let _ = message.write(&mut self.out);
    }

    fn respond(&mut self, id: RequestId, result: Result<Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(value) => Response {
                id,
                response_result: Ok(value),
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response.into());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(
            Notification {
                method: method.to_string(),
                params,
            }
            .into(),
        );
    }

    fn log(&mut self, message: String) {
        self.notify("window/logMessage", json!({"type": 3, "message": message}));
    }

    /// Handle one message; `Some(status)` when the server is to exit.
    fn handle(&mut self, incoming: Incoming) -> Option<u8> {
        let message = match incoming {
            Incoming::Message(m) => m,
            Incoming::Malformed { id, code, text } => {
                // JSON-RPC answers a message it cannot read with `id: null`, or the id it had.
                let body =
                    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": text}});
                let text = body.to_string();
                let _ = write!(self.out, "Content-Length: {}\r\n\r\n{text}", text.len());
                let _ = self.out.flush();
                return None;
            }
        };
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let method = request.method.clone();
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.request(request)
                }));
                let result = outcome.unwrap_or_else(|_| {
                    Err((
                        ErrorCode::InternalError,
                        format!("postlint failed on `{method}` (a bug: please report it)"),
                    ))
                });
                self.respond(id, result);
                None
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Some(if self.shut_down { EXIT_OK } else { 1 });
                }
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notification(n)));
                if outcome.is_err() {
                    self.log("postlint failed on a notification (a bug: please report it)".into());
                }
                None
            }
            // Answers to the server's own requests (the watchers' registration).
            Message::Response(_) => None,
        }
    }

    fn request(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        let params = request.params;
        if request.method == "initialize" {
            if self.initialized {
                return Err((
                    ErrorCode::InvalidRequest,
                    "initialize was sent twice".into(),
                ));
            }
            self.initialized = true;
            // Read leniently: a client's capabilities the types do not know are no reason to
            // refuse it.
            self.watch_dynamic = params
                .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            return Ok(capabilities());
        }
        if !self.initialized {
            return Err((
                ErrorCode::ServerNotInitialized,
                "the server is not initialized".into(),
            ));
        }
        if self.shut_down {
            return Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            ));
        }
        match request.method.as_str() {
            "shutdown" => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => {
                let p: lsp::CodeActionParams = parse(params)?;
                Ok(self.code_actions(&p))
            }
            "textDocument/hover" => {
                let p: lsp::HoverParams = parse(params)?;
                Ok(self.hover(&p))
            }
            "textDocument/diagnostic" => Err((
                ErrorCode::MethodNotFound,
                "diagnostics are published, not pulled".into(),
            )),
            other => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{other}`"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        if !self.initialized || self.shut_down {
            return;
        }
        let params = n.params;
        match n.method.as_str() {
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => {
                if let Ok(p) = parse::<lsp::DidOpenTextDocumentParams>(params) {
                    let doc = p.text_document;
                    self.open(doc.uri, doc.text, doc.version);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = parse::<lsp::DidChangeTextDocumentParams>(params) {
                    self.change(&p);
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = parse::<lsp::DidSaveTextDocumentParams>(params) {
                    if let Some(text) = p.text
                        && let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str())
                    {
                        doc.text = text;
                    }
                    // The disk has the buffer now (the site's outputs may have moved).
                    if let Some(path) = uri_path(&p.text_document.uri) {
                        self.files_changed(&[(path, lsp::FileChangeType::CHANGED)]);
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = parse::<lsp::DidCloseTextDocumentParams>(params) {
                    self.close(&p.text_document.uri);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(p) = parse::<lsp::DidChangeWatchedFilesParams>(params) {
                    let changes: Vec<(PathBuf, lsp::FileChangeType)> = p
                        .changes
                        .iter()
                        .filter_map(|c| Some((uri_path(&c.uri)?, c.typ)))
                        .collect();
                    self.files_changed(&changes);
                }
            }
            _ => {}
        }
    }

    /// Ask the client to tell of changes to the configuration and the site's files.
    fn register_watchers(&mut self) {
        if !self.watch_dynamic {
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        let watchers: Vec<Value> = [
            "**/{postlint.yaml,.postlint.yaml,_config.yml}",
            "**/*.{md,markdown,mkdown,mkdn,mkd,html,htm}",
            "**/_posts/**",
        ]
        .iter()
        .map(|g| json!({"globPattern": g}))
        .collect();
        let params = json!({"registrations": [{
            "id": "postlint-watch",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": watchers},
        }]});
        self.send(
            Request::new(
                RequestId::from(id),
                "client/registerCapability".into(),
                params,
            )
            .into(),
        );
    }

    fn open(&mut self, uri: lsp::Uri, text: String, version: i32) {
        let Some(path) = uri_path(&uri) else {
            self.log(format!("{} is not a file: not checked", uri.as_str()));
            return;
        };
        self.docs.insert(
            uri.as_str().to_string(),
            Doc {
                uri,
                path: path.clone(),
                text,
                version,
                findings: None,
                dirty: true,
            },
        );
        self.buffer_changed(&path);
    }

    fn change(&mut self, p: &lsp::DidChangeTextDocumentParams) {
        let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
            return;
        };
        for change in &p.content_changes {
            match change.range {
                None => doc.text.clone_from(&change.text),
                Some(range) => {
                    let start = offset_of(&doc.text, range.start);
                    let end = offset_of(&doc.text, range.end).max(start);
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.version = p.text_document.version;
        let path = doc.path.clone();
        self.buffer_changed(&path);
    }

    fn close(&mut self, uri: &lsp::Uri) {
        let Some(doc) = self.docs.remove(uri.as_str()) else {
            return;
        };
        // Its facts are the disk's again.
        if let Some(site) = self.sites.get_mut(&site_key(&doc.path))
            && let Ok(settings) = &site.settings
            && let Ok(bytes) = std::fs::read(&doc.path)
        {
            site.facts.update(settings, &site.model, &doc.path, bytes);
        }
        self.notify(
            "textDocument/publishDiagnostics",
            json!({"uri": doc.uri, "diagnostics": []}),
        );
        self.mark_site_dirty(&doc.path);
    }

    /// A buffer has new text: its facts are updated, and every buffer of its site is checked
    /// again (a cross-file finding of one may come or go with another's text).
    fn buffer_changed(&mut self, path: &Path) {
        let key = site_key(path);
        let text = self
            .docs
            .values()
            .find(|d| d.path == path)
            .map(|d| d.text.clone().into_bytes());
        if let (Some(site), Some(bytes)) = (self.sites.get_mut(&key), text)
            && let Ok(settings) = &site.settings
        {
            site.facts.update(settings, &site.model, path, bytes);
        }
        self.mark_site_dirty(path);
    }

    fn mark_site_dirty(&mut self, path: &Path) {
        let key = site_key(path);
        for doc in self.docs.values_mut() {
            if site_key(&doc.path) == key {
                doc.findings = None;
                doc.dirty = true;
            }
        }
    }

    /// Files changed on disk (or a buffer was saved). A configuration file (`postlint.yaml`,
    /// `_config.yml`) reloads every site; any other file makes the sites around it read their
    /// files again on first use, with the facts of the files changed read again (of every
    /// file, when one was created). Every buffer is checked again.
    fn files_changed(&mut self, changes: &[(PathBuf, lsp::FileChangeType)]) {
        if changes.is_empty() {
            return;
        }
        let is_config = |p: &Path| {
            p.file_name()
                .is_some_and(|f| CONFIG_FILES.iter().any(|c| f == *c))
        };
        let names: Vec<String> = changes
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        if changes.iter().any(|(p, _)| is_config(p)) {
            self.log(format!(
                "{}: reading the configuration and the site again",
                names.join(", ")
            ));
            self.sites.clear();
        } else {
            let overlay: HashMap<PathBuf, Vec<u8>> = self
                .docs
                .values()
                .map(|d| (d.path.clone(), d.text.clone().into_bytes()))
                .collect();
            for ((base, root), site) in &mut self.sites {
                let inside = |p: &Path| {
                    p.starts_with(base) || root.as_ref().is_some_and(|r| p.starts_with(r))
                };
                if !changes.iter().any(|(p, _)| inside(p)) {
                    continue;
                }
                let Ok(settings) = &site.settings else {
                    continue;
                };
                site.model.forget_files();
                let created = changes
                    .iter()
                    .any(|(p, t)| inside(p) && *t == lsp::FileChangeType::CREATED);
                if created {
                    site.facts = SiteFacts::gather(settings, &site.model, &site.base, &|p| {
                        overlay.get(p).cloned()
                    });
                    continue;
                }
                for (path, typ) in changes.iter().filter(|(p, _)| inside(p)) {
                    if *typ == lsp::FileChangeType::DELETED && !overlay.contains_key(path) {
                        site.facts.remove(path);
                        continue;
                    }
                    let bytes = match overlay.get(path) {
                        Some(b) => Some(b.clone()),
                        None => std::fs::read(path).ok(),
                    };
                    match bytes {
                        Some(b) => site.facts.update(settings, &site.model, path, b),
                        None => site.facts.remove(path),
                    }
                }
            }
        }
        for doc in self.docs.values_mut() {
            doc.findings = None;
            doc.dirty = true;
        }
    }

    /// The site of a file, loaded on first use.
    fn site(&mut self, path: &Path) -> &Site {
        let key = site_key(path);
        if !self.sites.contains_key(&key) {
            let overlay: HashMap<PathBuf, Vec<u8>> = self
                .docs
                .values()
                .map(|d| (d.path.clone(), d.text.clone().into_bytes()))
                .collect();
            let site = load_site(&key, path, &overlay);
            let (Err(found)
            | Ok(Settings {
                warnings: found, ..
            })) = &site.settings;
            let found = found.clone();
            self.show_config_findings(&site.base, &found);
            self.sites.insert(key.clone(), site);
        }
        let base = key.0.clone();
        self.sites.entry(key).or_insert_with(|| Site {
            base,
            settings: Err(Vec::new()),
            model: SiteModel::default(),
            facts: SiteFacts::default(),
        })
    }

    /// The configuration's own findings (errors, or warnings), on the configuration file.
    fn show_config_findings(&mut self, base: &Path, found: &[Diagnostic]) {
        let Some(config) = config::find_config(base) else {
            return;
        };
        let Some(uri) = path_uri(&config) else {
            return;
        };
        let text = std::fs::read_to_string(&config).unwrap_or_default();
        let diagnostics: Vec<Value> = found.iter().map(|d| lsp_diagnostic(d, &text)).collect();
        if diagnostics.is_empty() && !self.config_uris.contains(&uri) {
            return;
        }
        if !self.config_uris.contains(&uri) {
            self.config_uris.push(uri.clone());
        }
        if found.iter().any(|d| d.severity == Severity::Error) {
            self.notify(
                "window/showMessage",
                json!({"type": 1, "message": format!(
                    "postlint: {} has {} error(s); nothing is checked until they are fixed",
                    config.display(), found.len()
                )}),
            );
        }
        self.notify(
            "textDocument/publishDiagnostics",
            json!({"uri": uri, "diagnostics": diagnostics}),
        );
    }

    /// The findings of an open buffer, checked now if its text changed since.
    fn findings(&mut self, uri: &str) -> Vec<Diagnostic> {
        let Some(doc) = self.docs.get(uri) else {
            return Vec::new();
        };
        if let Some(found) = &doc.findings {
            return found.clone();
        }
        let (path, bytes) = (doc.path.clone(), doc.text.clone().into_bytes());
        let site = self.site(&path);
        let found = match &site.settings {
            Ok(settings) => {
                let display = display_of(&path, &site.base);
                let checked = check_buffer(
                    settings,
                    &site.model,
                    &site.base,
                    Buffer {
                        display: &display,
                        path: &path,
                        bytes,
                    },
                    &site.facts,
                    false,
                );
                checked.diagnostics
            }
            Err(_) => Vec::new(),
        };
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.findings = Some(found.clone());
        }
        found
    }

    /// Publish the findings of every buffer whose findings may have changed.
    fn publish_dirty(&mut self) {
        let mut uris: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.dirty)
            .map(|(u, _)| u.clone())
            .collect();
        uris.sort();
        for uri in uris {
            let found = self.findings(&uri);
            let Some(doc) = self.docs.get_mut(&uri) else {
                continue;
            };
            doc.dirty = false;
            let diagnostics: Vec<Value> =
                found.iter().map(|d| lsp_diagnostic(d, &doc.text)).collect();
            let params =
                json!({"uri": doc.uri, "version": doc.version, "diagnostics": diagnostics});
            self.notify("textDocument/publishDiagnostics", params);
        }
    }

    fn code_actions(&mut self, p: &lsp::CodeActionParams) -> Value {
        let uri = p.text_document.uri.as_str().to_string();
        let found = self.findings(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return json!([]);
        };
        let wants = |kind: &str| {
            p.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|k| {
                    let k = k.as_str();
                    kind == k || kind.starts_with(&format!("{k}."))
                })
            })
        };
        let (text, doc_uri, path) = (doc.text.clone(), doc.uri.clone(), doc.path.clone());
        let from = offset_of(&text, p.range.start);
        let to = offset_of(&text, p.range.end);
        let mut actions: Vec<Value> = Vec::new();
        if wants("quickfix") {
            for d in &found {
                let Some(fix) = &d.fix else { continue };
                // The finding's span meets the range asked about.
                if d.span.start > to || d.span.end < from {
                    continue;
                }
                let edits: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| text_edit(&text, e.range.clone(), &e.replacement))
                    .collect();
                actions.push(json!({
                    "title": format!("Fix {}: {}", d.code, d.help.as_deref().unwrap_or(&d.message)),
                    "kind": "quickfix",
                    "diagnostics": [lsp_diagnostic(d, &text)],
                    "isPreferred": true,
                    "edit": {"changes": {doc_uri.as_str(): edits}},
                }));
            }
        }
        if wants("source.fixAll.postlint") && found.iter().any(Diagnostic::fixable) {
            let site = self.site(&path);
            if let Ok(settings) = &site.settings {
                let display = display_of(&path, &site.base);
                let run = RunContext::new(settings, &site.model);
                let (fixed, count) = fix::fix_bytes(&run, &display, &path, text.as_bytes());
                if count > 0 {
                    let fixed = String::from_utf8_lossy(&fixed).into_owned();
                    let edit = whole_edit(&text, &fixed);
                    actions.push(json!({
                        "title": format!("Fix all postlint problems ({count})"),
                        "kind": "source.fixAll.postlint",
                        "edit": {"changes": {doc_uri.as_str(): [edit]}},
                    }));
                }
            }
        }
        Value::Array(actions)
    }

    fn hover(&mut self, p: &lsp::HoverParams) -> Value {
        let at = &p.text_document_position_params;
        let uri = at.text_document.uri.as_str().to_string();
        let found = self.findings(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return Value::Null;
        };
        let (text, path) = (doc.text.clone(), doc.path.clone());
        let offset = offset_of(&text, at.position);
        let here: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| d.span.start <= offset && offset <= d.span.end.max(d.span.start + 1))
            .collect();
        let Some(first) = here.first() else {
            return Value::Null;
        };
        let site = self.site(&path);
        let settings = site.settings.as_ref().ok();
        let mut codes: Vec<&str> = here.iter().map(|d| &*d.code).collect();
        codes.dedup();
        let docs: Vec<String> = codes
            .iter()
            .filter_map(|c| super::rule_doc_text(c, settings))
            .collect();
        if docs.is_empty() {
            return Value::Null;
        }
        let range = range_of(&text, first.span.clone());
        json!({
            "contents": {"kind": "markdown", "value": docs.join("\n---\n\n")},
            "range": range,
        })
    }
}

/// Parse a message's parameters, or say what is wrong with them.
fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

/// What the server offers.
fn capabilities() -> Value {
    json!({
        "capabilities": {
            "positionEncoding": "utf-16",
            "textDocumentSync": {
                "openClose": true,
                "change": 1,
                "save": {"includeText": false},
            },
            "codeActionProvider": {
                "codeActionKinds": ["quickfix", "source.fixAll.postlint"],
            },
            "hoverProvider": true,
        },
        "serverInfo": {"name": "postlint", "version": env!("CARGO_PKG_VERSION")},
    })
}

/// The site key of a file: its configuration's folder (else its site's, else its own) and its
/// site's folder.
fn site_key(path: &Path) -> SiteKey {
    let dir = path.parent().unwrap_or(path).to_path_buf();
    let root = find_root(&[&dir]);
    let base = match config::find_config(&dir) {
        Some(c) => c.parent().map_or_else(|| dir.clone(), Path::to_path_buf),
        None => root.clone().unwrap_or_else(|| dir.clone()),
    };
    (base, root)
}

/// Read a site: its configuration (as `check` discovers it from the file's folder), its model,
/// and the facts of its files (open buffers' text in place of the disk's).
fn load_site(key: &SiteKey, path: &Path, overlay: &HashMap<PathBuf, Vec<u8>>) -> Site {
    let base = key.0.clone();
    let dir = path.parent().unwrap_or(path);
    let loaded = config::discover(dir, &base);
    let options = RunOptions {
        paths: vec![path.to_path_buf()],
        ..RunOptions::default()
    };
    match loaded {
        Ok(settings) => {
            let (settings, model) = prepare(&settings, &options, &base);
            let facts = SiteFacts::gather(&settings, &model, &base, &|p| overlay.get(p).cloned());
            Site {
                base,
                settings: Ok(settings),
                model,
                facts,
            }
        }
        Err(errors) => Site {
            base,
            settings: Err(errors),
            model: SiteModel::default(),
            facts: SiteFacts::default(),
        },
    }
}

/// How a file is named in findings: relative to `base` when inside it (as `postlint check`
/// run there names it).
fn display_of(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
        _ => path.to_string_lossy().into_owned(),
    }
}

/// The file a `file:` URI names.
fn uri_path(uri: &lsp::Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok().map(|p| absolute(&p))
}

/// The `file:` URI of a path.
fn path_uri(path: &Path) -> Option<lsp::Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    url.as_str().parse().ok()
}

/// The byte offset of an LSP position (UTF-16 code units) in `text`: a line past the end is
/// the end; a column past the line's end is the line's end.
fn offset_of(text: &str, pos: lsp::Position) -> usize {
    let mut line_start = 0usize;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= pos.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// The LSP position (line, UTF-16 code units) of a byte offset (moved back to a character
/// boundary).
fn position_of(text: &str, offset: usize) -> Value {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

fn range_of(text: &str, span: std::ops::Range<usize>) -> Value {
    json!({"start": position_of(text, span.start), "end": position_of(text, span.end.max(span.start))})
}

fn text_edit(text: &str, range: std::ops::Range<usize>, replacement: &str) -> Value {
    json!({"range": range_of(text, range), "newText": replacement})
}

/// One edit from `old` to `new`: the part between their common start and common end.
fn whole_edit(old: &str, new: &str) -> Value {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let max_end = (old.len() - start).min(new.len() - start);
    let mut end = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_end)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - end) || !new.is_char_boundary(new.len() - end) {
        end -= 1;
    }
    text_edit(old, start..old.len() - end, &new[start..new.len() - end])
}

/// A finding as an LSP diagnostic.
fn lsp_diagnostic(d: &Diagnostic, text: &str) -> Value {
    let severity = match d.severity {
        Severity::Error => 1,
        Severity::Warning => 2,
    };
    let mut v = json!({
        "range": range_of(text, d.span.clone()),
        "severity": severity,
        "code": &*d.code,
        "source": "postlint",
        "message": d.message,
        "data": {"name": &*d.name, "help": d.help, "fixable": d.fixable()},
    });
    // A finding without a span (a configuration's own) is at its line and column.
    if d.span.is_empty() && d.span.start == 0 && d.start.line > 1 {
        let pos = json!({"line": d.start.line - 1, "character": d.start.column.saturating_sub(1)});
        v["range"] = json!({"start": pos, "end": pos});
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "a😀b\n中c\r\nd";
        // 😀 is two UTF-16 units and four bytes.
        assert_eq!(position_of(text, 5), json!({"line": 0, "character": 3}));
        assert_eq!(
            offset_of(
                text,
                lsp::Position {
                    line: 0,
                    character: 3
                }
            ),
            5
        );
        assert_eq!(position_of(text, 10), json!({"line": 1, "character": 1}));
        assert_eq!(
            offset_of(
                text,
                lsp::Position {
                    line: 1,
                    character: 9
                }
            ),
            12
        );
        assert_eq!(
            offset_of(
                text,
                lsp::Position {
                    line: 7,
                    character: 0
                }
            ),
            text.len()
        );
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        let mut input =
            io::Cursor::new(b"Content-Length: x\r\n\r\nContent-Length: 2\r\n\r\n{}".to_vec());
        assert!(matches!(read_frame(&mut input), Err(FrameError::Bad(_))));
        assert!(matches!(read_frame(&mut input), Ok(Some(b)) if b == b"{}"));
        assert!(matches!(read_frame(&mut input), Ok(None)));
        assert!(matches!(parse_message(b"{"), Incoming::Malformed { .. }));
        assert!(matches!(
            parse_message(b"{\"id\": 1}"),
            Incoming::Malformed { .. }
        ));
    }

    #[test]
    fn whole_edit_is_the_changed_middle() {
        let e = whole_edit("a 中 b", "a 中X b");
        assert_eq!(e["newText"], "X");
    }
}
