//! `{::options}` handling: `Kramdown::Options.parse` for the options modelled.

use crate::{EntityOutput, Input, Options};

fn boolean(v: &str) -> bool {
    let d = v.to_lowercase();
    d.trim() != "false" && !v.is_empty()
}

fn sym(v: &str) -> Option<crate::OptStr> {
    let d = v.trim();
    let d = d.strip_prefix(':').unwrap_or(d);
    if d.is_empty() || d == "nil" {
        None
    } else {
        Some(d.to_string().into())
    }
}

fn integer(v: &str) -> Option<i64> {
    // Ruby Integer(): allows surrounding whitespace, underscores, 0x/0b/0o prefixes
    let t = v.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (radix, digits) = if let Some(r) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        (2, r)
    } else if let Some(r) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        (8, r)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, t.get(1..).unwrap_or_default())
    } else {
        (10, t)
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let n = i64::from_str_radix(&clean, radix).ok()?;
    Some(if neg { -n } else { n })
}

/// Set option `name` from an inline `{::options}` value (errors leave it unchanged).
impl Options {
    /// Sets one option from its text, as `Kramdown::Options.parse` reads a `{::options}` value
    /// or a String of Jekyll's `kramdown:` config (unknown names are ignored).
    pub fn set(&mut self, name: &str, value: &str) {
        set_option(self, name, value);
    }
}

pub(crate) fn set_option(o: &mut Options, name: &str, v: &str) {
    match name {
        "parse_block_html" => o.parse_block_html = boolean(v),
        "parse_span_html" => o.parse_span_html = boolean(v),
        "html_to_native" => o.html_to_native = boolean(v),
        "auto_ids" => o.auto_ids = boolean(v),
        "auto_id_prefix" => o.auto_id_prefix = v.to_string().into(),
        "auto_id_stripping" => o.auto_id_stripping = boolean(v),
        "hard_wrap" => o.hard_wrap = boolean(v),
        "transliterated_header_ids" => o.transliterated_header_ids = boolean(v),
        "remove_line_breaks_for_cjk" => o.remove_line_breaks_for_cjk = boolean(v),
        "footnote_backlink_inline" => o.footnote_backlink_inline = boolean(v),
        "footnote_backlink" => o.footnote_backlink = v.to_string().into(),
        "footnote_prefix" => o.footnote_prefix = v.to_string().into(),
        "footnote_nr" => {
            if let Some(n) = integer(v) {
                o.footnote_nr = n;
            }
        }
        "header_offset" => {
            if let Some(n) = integer(v) {
                o.header_offset = n;
            }
        }
        "math_engine" => o.math_engine = sym(v),
        "entity_output" => {
            o.entity_output = match sym(v).as_deref() {
                Some("as_input") => EntityOutput::AsInput,
                Some("numeric") => EntityOutput::Numeric,
                Some("symbolic") => EntityOutput::Symbolic,
                Some("as_char") => EntityOutput::AsChar,
                // unknown symbols fall through to kramdown's default branch (numeric)
                _ => EntityOutput::Numeric,
            }
        }
        "input" => {
            o.input = if v.eq_ignore_ascii_case("kramdown") {
                Input::Kramdown
            } else {
                o.input
            };
        }
        "smart_quotes" => {
            let parts: Vec<&str> = v.split(',').collect();
            if parts.len() == 4 {
                let mut sq: [crate::OptStr; 4] = Default::default();
                for (i, p) in parts.iter().enumerate() {
                    if let Some(x) = sq.get_mut(i) {
                        *x = p.to_string().into();
                    }
                }
                o.smart_quotes = sq;
            }
        }
        "toc_levels" => {
            let t = v;
            let b = t.as_bytes();
            if b.len() == 4
                && b.get(1..3) == Some(b"..")
                && b[0].is_ascii_digit()
                && b[3].is_ascii_digit()
            {
                let (a, z) = (b[0] - b'0', b[3] - b'0');
                let lv: Vec<u8> = (a..=z).collect();
                if lv.iter().all(|&x| (1..=6).contains(&x)) {
                    o.toc_levels = lv.into();
                }
            } else if !t.is_empty()
                && t.split(',')
                    .all(|x| x.len() == 1 && x.as_bytes()[0].is_ascii_digit())
            {
                let mut lv: Vec<u8> = Vec::new();
                for x in t.split(',') {
                    let d = x.as_bytes()[0] - b'0';
                    if !lv.contains(&d) {
                        lv.push(d);
                    }
                }
                if lv.iter().all(|&x| (1..=6).contains(&x)) {
                    o.toc_levels = lv.into();
                }
            }
        }
        "gfm_quirks" => {
            let q: Vec<crate::OptStr> = v.split(',').filter_map(sym).collect();
            o.gfm_quirk_paragraph_end = q.iter().any(|x| x == "paragraph_end");
            o.gfm_quirk_no_auto_typographic = q.iter().any(|x| x == "no_auto_typographic");
        }
        _ => {}
    }
}
