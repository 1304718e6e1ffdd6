//! Read JSON lines `{"text": …}` on stdin, print `{"tree": …, "html": …}` per line
//! (the same shape as oracle/kramdown_oracle.rb) for quick differential runs.
use std::io::{BufRead, Write};

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or(serde_json::Value::Null);
        let text = v.get("text").and_then(|t| t.as_str()).unwrap_or("");
        let mut o = kramdown::Options::jekyll();
        if let Some(m) = v.get("opts").and_then(|x| x.as_object()) {
            for (k, val) in m {
                let b = val.as_bool().unwrap_or(false);
                match k.as_str() {
                    "hard_wrap" => o.hard_wrap = b,
                    "parse_block_html" => o.parse_block_html = b,
                    "parse_span_html" => o.parse_span_html = b,
                    "auto_ids" => o.auto_ids = b,
                    "input" if val.as_str() == Some("kramdown") => {
                        o.input = kramdown::Input::Kramdown
                    }
                    "gfm_quirks" => {
                        let q = val.as_str().unwrap_or("");
                        o.gfm_quirk_paragraph_end = q.contains("paragraph_end");
                        o.gfm_quirk_no_auto_typographic = q.contains("no_auto_typographic");
                    }
                    "math_engine" => o.math_engine = val.as_str().map(|v| v.to_string().into()),
                    "auto_id_prefix" => {
                        o.auto_id_prefix = val.as_str().unwrap_or("").to_string().into()
                    }
                    _ => {}
                }
            }
        }
        let doc = kramdown::parse(text, &o);
        let tree = common::ser(&doc, doc.root);
        let html = kramdown::to_html(&doc);
        let _ = writeln!(out, "{}", serde_json::json!({"tree": tree, "html": html}));
    }
}
