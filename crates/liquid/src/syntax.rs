//! Ruby's character classes and Liquid's regular expressions.
//!
//! Ruby (Onigmo) `\s` is `[ \t\n\v\f\r]` and `\w` is `[A-Za-z0-9_]` on these patterns; the
//! `regex` crate's are Unicode, so every pattern here spells them out. The `regex` crate
//! uses leftmost-first alternation and greedy/lazy repetition like Ruby, so patterns
//! without look-around or atomic groups match (and capture) the same text; the few
//! look-arounds Liquid uses are written by hand where they are needed.

use regex::Regex;
use std::sync::LazyLock;

/// Ruby `\s` as a class body.
pub const WS: &str = r"\t\n\x0B\x0C\r ";
/// Ruby `\w` as a class body.
pub const W: &str = "0-9A-Za-z_";

pub fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

pub fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Ruby `String#strip` (whitespace and NUL).
pub fn rstrip(s: &str) -> &str {
    s.trim_end_matches(|c: char| c == '\0' || (c.is_ascii() && is_ws(c as u8)))
}

pub fn lstrip(s: &str) -> &str {
    s.trim_start_matches(|c: char| c == '\0' || (c.is_ascii() && is_ws(c as u8)))
}

pub fn strip(s: &str) -> &str {
    rstrip(lstrip(s))
}

/// Liquid's `QuotedString`.
pub const QUOTED_STRING: &str = r#""[^"]*"|'[^']*'"#;

/// Liquid's `QuotedFragment`: `QuotedString|(?:[^\s,\|'"]|QuotedString)+`.
pub fn quoted_fragment() -> String {
    format!(r#"(?:"[^"]*"|'[^']*'|(?:[^{WS},|'"]|"[^"]*"|'[^']*')+)"#)
}

fn re(p: &str) -> Regex {
    // All patterns are fixed strings of this module; a failure is a programming error
    // caught by the unit test below, so fall back to a never-matching pattern.
    Regex::new(p).unwrap_or_else(|_| Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!()))
}

macro_rules! lazy_re {
    ($name:ident, $pat:expr) => {
        pub static $name: LazyLock<Regex> = LazyLock::new(|| {
            let p: String = $pat;
            re(&p)
        });
    };
}

// Tag tokens: `\A{%-?(\s*)(#|\w+)(\s*)(.*?)-?%}\z` (m).
lazy_re!(
    FULL_TOKEN,
    format!(r"(?s)\A\{{%-?([{WS}]*)(#|[{W}]+)([{WS}]*)(.*?)-?%\}}\z")
);
// `\A{{-?(.*?)-?}}\z` (m).
lazy_re!(
    CONTENT_OF_VARIABLE,
    r"(?s)\A\{\{-?(.*?)-?\}\}\z".to_string()
);
// Lines of `{% liquid %}`: `\A\s*(#|\w+)\s*(.*?)\z`.
lazy_re!(
    LIQUID_TAG_TOKEN,
    format!(r"\A[{WS}]*(#|[{W}]+)[{WS}]*(.*?)\z")
);
// Raw's end: `\A(.*){%\s*(\w+)\s*(.*)?%}\z` (m).
lazy_re!(
    RAW_END,
    format!(r"(?s)\A(.*)\{{%[{WS}]*([{W}]+)[{WS}]*(.*)?%\}}\z")
);
// Variable (lax): `(QF)(.*)` (m), `\|\s*(.*)` (m), filter chunks and args.
lazy_re!(MARKUP_WITH_QF, format!(r"(?s)({})(.*)", quoted_fragment()));
lazy_re!(FILTER_MARKUP, format!(r"(?s)\|[{WS}]*(.*)"));
lazy_re!(
    FILTER_PARSER,
    format!(r"(?:[{WS}]+|{}|,)+", quoted_fragment())
);
lazy_re!(
    FILTER_ARGS,
    format!(
        r"(?::|,)[{WS}]*((?:[{W}]+[{WS}]*:[{WS}]*)?{})",
        quoted_fragment()
    )
);
lazy_re!(WORD_RUN, format!(r"[{W}]+"));
lazy_re!(
    JUST_TAG_ATTRIBUTES,
    format!(r"\A([{W}][{W}-]*)[{WS}]*:[{WS}]*({})\z", quoted_fragment())
);
lazy_re!(
    TAG_ATTRIBUTES,
    format!(r"([{W}][{W}-]*)[{WS}]*:[{WS}]*({})", quoted_fragment())
);
// Expression.
lazy_re!(INTEGER, r"\A(-?[0-9]+)\z".to_string());
lazy_re!(FLOAT, r"\A(-?[0-9][0-9.]+)\z".to_string());
lazy_re!(VARIABLE_PARSER, format!(r"\[[^\]]+\]|[{W}-]+\??"));
// Tags.
lazy_re!(
    IF_SYNTAX,
    format!(
        r"({qf})[{WS}]*([=!<>a-z_]+)?[{WS}]*({qf})?",
        qf = quoted_fragment()
    )
);
lazy_re!(
    FOR_SYNTAX,
    format!(
        r"\A([{W}-]+)[{WS}]+in[{WS}]+((?:{qf})+)[{WS}]*(reversed)?",
        qf = quoted_fragment()
    )
);
lazy_re!(
    TABLEROW_SYNTAX,
    format!(
        r"([{W}]+)[{WS}]+in[{WS}]+((?:{qf})+)",
        qf = quoted_fragment()
    )
);
lazy_re!(CASE_SYNTAX, format!(r"({})", quoted_fragment()));
// VariableSignature+ = (\(?[\w\-\.\[\]]\)?)+
lazy_re!(CAPTURE_SYNTAX, format!(r"((?:\(?[{W}\-.\[\]]\)?)+)"));
lazy_re!(
    ASSIGN_SYNTAX,
    format!(r"(?s)((?:\(?[{W}\-.\[\]]\)?)+)[{WS}]*=[{WS}]*(.*)[{WS}]*")
);
lazy_re!(
    CYCLE_NAMED,
    format!(r"(?s)\A({qf})[{WS}]*:[{WS}]*(.*)", qf = quoted_fragment())
);
lazy_re!(CYCLE_SIMPLE, format!(r"\A(?:{})+", quoted_fragment()));
lazy_re!(CYCLE_VAR, format!(r"[{WS}]*({})[{WS}]*", quoted_fragment()));
lazy_re!(
    RENDER_SYNTAX,
    format!(
        r"((?:{qs})+)([{WS}]+(with|for)[{WS}]+((?:{qf})+))?([{WS}]+(?:as)[{WS}]+([{W}-]+))?",
        qs = QUOTED_STRING,
        qf = quoted_fragment()
    )
);
lazy_re!(INLINE_COMMENT_BAD, format!(r"\n[{WS}]*[^#{WS}]"));
// Jekyll include.
lazy_re!(
    INCLUDE_VARIABLE_SYNTAX,
    format!(
        r"(?s)(?P<variable>[^{{]*(?:\{{\{{[{WS}]*[{W}\-.]+[{WS}]*(?:\|.*)?\}}\}}[^{WS}{{}}]*)+)(?P<params>.*)"
    )
);
lazy_re!(
    INCLUDE_VALID_PARAM,
    format!(
        r#"\A([{W}-]+)[{WS}]*=[{WS}]*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([{W}.-]+))"#
    )
);
lazy_re!(
    INCLUDE_PARAM_SCAN,
    format!(
        r#"([{W}-]+)[{WS}]*=[{WS}]*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([{W}.-]+))"#
    )
);
lazy_re!(INCLUDE_FILENAME_OK, format!(r"(?m)^[{W}/.\-()+~#@]+$"));
lazy_re!(INCLUDE_BAD_SEQUENCE, r"[./]{2,}".to_string());
lazy_re!(
    HIGHLIGHT_SYNTAX,
    format!(
        r#"(?m)^([a-zA-Z0-9.+#_-]+)((?:[{WS}]+[{W}]+(?:=(?:[{W}]+|"(?:[0-9]+[{WS}])*[0-9]+"))?)*)$"#
    )
);
lazy_re!(
    POST_MATCHER,
    r"(?m)^(.+/)*([0-9]+-[0-9]+-[0-9]+)-(.*)$".to_string()
);

/// Ruby's `String#inspect` for the messages that quote a token.
pub fn ruby_inspect(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            '\x0B' => o.push_str("\\v"),
            '\x0C' => o.push_str("\\f"),
            '\x07' => o.push_str("\\a"),
            '\x08' => o.push_str("\\b"),
            '\x1B' => o.push_str("\\e"),
            '#' => {
                o.push('#');
                if let Some(&n) = it.peek()
                    && (n == '{' || n == '$' || n == '@')
                {
                    o.pop();
                    o.push_str("\\#");
                }
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7F => {
                o.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        for r in [
            &*FULL_TOKEN,
            &*CONTENT_OF_VARIABLE,
            &*LIQUID_TAG_TOKEN,
            &*RAW_END,
            &*MARKUP_WITH_QF,
            &*FILTER_MARKUP,
            &*FILTER_PARSER,
            &*FILTER_ARGS,
            &*JUST_TAG_ATTRIBUTES,
            &*TAG_ATTRIBUTES,
            &*VARIABLE_PARSER,
            &*IF_SYNTAX,
            &*FOR_SYNTAX,
            &*TABLEROW_SYNTAX,
            &*CAPTURE_SYNTAX,
            &*ASSIGN_SYNTAX,
            &*CYCLE_NAMED,
            &*CYCLE_SIMPLE,
            &*RENDER_SYNTAX,
            &*INCLUDE_VARIABLE_SYNTAX,
            &*INCLUDE_VALID_PARAM,
            &*INCLUDE_FILENAME_OK,
            &*HIGHLIGHT_SYNTAX,
            &*POST_MATCHER,
        ] {
            assert!(Regex::new(r.as_str()).is_ok(), "{}", r.as_str());
            assert!(!r.as_str().contains(r"[^\s\S]"));
        }
    }
}
