//! The invariants that property tests, fuzz targets and the hostile-input driver check on any
//! input: no panic, every span inside the file and on character boundaries, output that
//! renders (the human and short formats without any control character but the line ends, the
//! short one a line per finding) and JSON that parses, and `--fix` that leaves nothing fixable.

use crate::config;
use crate::diagnostic::Diagnostic;
use crate::engine::{self, Outcome, RunContext};
use crate::jekyll::site::SiteModel;
use crate::settings::Settings;

/// The settings the checks run under: the `finews` pack and the `jekyll` pack, every rule on
/// at its pack's level, with a fixed "now".
pub fn packs() -> Vec<Settings> {
    ["finews", "jekyll"]
        .iter()
        .filter_map(|p| config::builtin(p, std::path::PathBuf::from(".")).ok())
        .collect()
}

/// The paths a fuzzed file is checked under: a post, a draft and a page.
pub const DISPLAYS: &[&str] = &["_posts/2021-12-08-a.md", "_drafts/b.md", "index.md"];

fn span_ok(text: &str, span: &std::ops::Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// Check one file's bytes and verify every diagnostic and every output format.
pub fn check_invariants(
    settings: &Settings,
    site: &SiteModel,
    display: &str,
    bytes: &[u8],
) -> Result<Vec<Diagnostic>, String> {
    let text = crate::base::text::decode(bytes.to_vec()).text;
    if text.len() != bytes.len() {
        return Err(format!(
            "decoding changed the length: {} → {}",
            bytes.len(),
            text.len()
        ));
    }
    let diags = engine::check_bytes(
        &RunContext::new(settings, site),
        display,
        std::path::Path::new(display),
        bytes.to_vec(),
        true,
    );
    for d in &diags {
        let what = format!("{} {:?} {:?}", d.code, d.span, d.message);
        if !span_ok(&text, &d.span) {
            return Err(format!(
                "span outside the file or inside a character: {what}"
            ));
        }
        for (span, _) in &d.secondary {
            if !span_ok(&text, span) {
                return Err(format!("secondary span {span:?} is bad: {what}"));
            }
        }
        if let Some(fix) = &d.fix {
            for e in &fix.edits {
                if !span_ok(&text, &e.range) {
                    return Err(format!("fix edit {:?} is bad: {what}", e.range));
                }
            }
        }
        if d.start.line == 0
            || d.start.column == 0
            || (d.end.line, d.end.column) < (d.start.line, d.start.column)
        {
            return Err(format!(
                "positions {:?}..{:?} are bad: {what}",
                d.start, d.end
            ));
        }
        let rendered = super::report::render(d, false, 80);
        if rendered.is_empty() {
            return Err(format!("empty rendering: {what}"));
        }
        if let Some(c) = rendered
            .chars()
            .find(|&c| c != '\n' && crate::base::text::is_unsafe_for_terminal(c))
        {
            return Err(format!(
                "the human rendering holds the control character U+{:04X}: {what}",
                u32::from(c)
            ));
        }
    }
    let outcome = Outcome {
        diagnostics: diags.clone(),
        files: 1,
        posts: 1,
        ..Outcome::default()
    };
    let mut json = Vec::new();
    super::report::json(&mut json, &outcome).map_err(|e| e.to_string())?;
    serde_json::from_slice::<serde_json::Value>(&json)
        .map_err(|e| format!("JSON output does not parse: {e}"))?;
    let mut sarif = Vec::new();
    super::report::sarif(&mut sarif, &outcome, super::report::rule_infos(settings))
        .map_err(|e| e.to_string())?;
    serde_json::from_slice::<serde_json::Value>(&sarif)
        .map_err(|e| format!("SARIF output does not parse: {e}"))?;
    let mut out = Vec::new();
    super::report::short(&mut out, &outcome.diagnostics).map_err(|e| e.to_string())?;
    let short = String::from_utf8_lossy(&out);
    if short.lines().count() != outcome.diagnostics.len()
        || short
            .chars()
            .any(|c| c != '\n' && crate::base::text::is_unsafe_for_terminal(c))
    {
        return Err(format!(
            "the short output is not one clean line per finding: {short:?}"
        ));
    }
    super::report::github(&mut out, &outcome.diagnostics).map_err(|e| e.to_string())?;
    Ok(diags)
}

/// `--fix` in memory: nothing fixable remains, a second fix changes nothing, and a file
/// without fixes is returned byte for byte.
pub fn fix_invariants(
    settings: &Settings,
    site: &SiteModel,
    display: &str,
    bytes: &[u8],
) -> Result<(), String> {
    let (fixed, count) = engine::fix::fix_bytes(
        &RunContext::new(settings, site),
        display,
        std::path::Path::new(display),
        bytes,
    );
    if count == 0 && fixed != bytes {
        return Err("no fix applied, yet the bytes changed".into());
    }
    let after = engine::check_bytes(
        &RunContext::new(settings, site),
        display,
        std::path::Path::new(display),
        fixed.clone(),
        false,
    );
    if let Some(d) = after.iter().find(|d| d.fixable()) {
        return Err(format!(
            "a fixable finding remains after --fix: {} {}",
            d.code, d.message
        ));
    }
    let (again, more) = engine::fix::fix_bytes(
        &RunContext::new(settings, site),
        display,
        std::path::Path::new(display),
        &fixed,
    );
    if more != 0 || again != fixed {
        return Err("a second --fix changed the file again".into());
    }
    Ok(())
}

/// Every check on one input, under every pack and path.
pub fn all(bytes: &[u8]) -> Result<(), String> {
    let site = SiteModel::default();
    for settings in packs() {
        for display in DISPLAYS {
            check_invariants(&settings, &site, display, bytes)
                .map_err(|e| format!("{display}: {e}"))?;
            fix_invariants(&settings, &site, display, bytes)
                .map_err(|e| format!("{display} --fix: {e}"))?;
        }
    }
    Ok(())
}

/// The YAML front matter parser on any text: node spans inside the text and on character
/// boundaries, an error's offset inside the text.
pub fn yaml_invariants(text: &str) -> Result<(), String> {
    match crate::jekyll::yaml::parse(text, 0) {
        Ok(Some(root)) => {
            let mut stack = vec![&root];
            while let Some(node) = stack.pop() {
                if !span_ok(text, &node.span) {
                    return Err(format!("YAML node span {:?} is bad", node.span));
                }
                match &node.kind {
                    crate::jekyll::yaml::NodeKind::Seq { items, .. } => stack.extend(items),
                    crate::jekyll::yaml::NodeKind::Map { entries, .. } => {
                        stack.extend(entries.iter().flat_map(|(k, v)| [k, v]));
                    }
                    _ => {}
                }
            }
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) if e.offset <= text.len() => Ok(()),
        Err(e) => Err(format!("YAML error offset {} past the end", e.offset)),
    }
}

/// The body pass (HTML scanner and link extractor) on any text: token, malformed-tag and link
/// spans inside the text and on character boundaries; the balance checker runs.
pub fn body_invariants(text: &str) -> Result<(), String> {
    let body = crate::jekyll::body::analyse(text, 0..text.len());
    for t in &body.html.tokens {
        if !span_ok(text, t.span()) {
            return Err(format!("tag span {:?} is bad", t.span()));
        }
        if let crate::jekyll::markup::Token::Start { attrs, .. } = t {
            for a in attrs {
                if !span_ok(text, &a.name_span)
                    || a.value.as_ref().is_some_and(|v| !span_ok(text, v))
                {
                    return Err(format!("attribute span {:?} is bad", a.name_span));
                }
            }
        }
    }
    for m in &body.html.malformed {
        if !span_ok(text, &m.span) {
            return Err(format!("malformed-tag span {:?} is bad", m.span));
        }
    }
    for l in &body.links {
        if !span_ok(text, &l.span) || !span_ok(text, &l.whole) {
            return Err(format!("link spans {:?} {:?} are bad", l.span, l.whole));
        }
        if l.text_span.as_ref().is_some_and(|s| !span_ok(text, s)) {
            return Err(format!("link text span {:?} is bad", l.text_span));
        }
    }
    let _ = crate::jekyll::markup::balance(&body.html.tokens);
    Ok(())
}
