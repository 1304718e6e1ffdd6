//! Liquid 5.4.0 as Jekyll 4.3.1 runs it on a post body.
//!
//! * [`parse`] builds the block structure and reports what stops `jekyll build`
//!   ([`Template::errors`], Ruby-exact messages and Liquid's line numbers, with byte
//!   spans) and what Jekyll prints as `Liquid Warning:` ([`Template::warnings`]).
//! * [`render`] renders it with `site`/`page` values and a [`Host`] for includes and
//!   posts, producing the text Jekyll hands to the Markdown converter and a source map
//!   ([`Rendered::map`]) from every output byte back to source bytes.
//!
//! No I/O, no panics on any input, no recursion on input depth while parsing (explicit
//! stacks); rendering recurses at most `MAX_DEPTH` (100) levels, the nesting Liquid
//! itself allows.
//!
//! See NOTES.md for the rule-by-rule correspondence with the Ruby source.

mod excerpt;
mod expr;
pub mod filters;
mod parse;
mod render;
mod syntax;
mod tokenize;
mod value;

pub use excerpt::{Excerpt, excerpt};
pub use expr::{Expr, Filter, Lookup, MethodLit, Variable};
pub use parse::{
    Branch, Condition, ForNode, IncludeNode, Node, NodeId, NodeKind, ParseOptions, Template, parse,
};
pub use render::{Host, NoHost, RenderOptions, Rendered, Segment, SegmentKind, render};

use std::ops::Range;

/// A `site` or `page` JSON object holding this key (any value) is *open*: a key it lacks is
/// unknown, not `nil` — for the values Jekyll computes that the caller does not model
/// (`site.posts`, `page.date`, a plugin's `site.github`…). Printing or measuring an open
/// object is unknown too.
pub const OPEN_KEY: &str = "\u{0}open";

/// A JSON object holding this key (any value) is an *unknown value*: what Liquid would find
/// there is not known (Jekyll computes it: `page.date`, `site.posts`).
pub const UNKNOWN_KEY: &str = "\u{0}unknown";

/// Liquid's nesting limit (`Liquid::Block::MAX_DEPTH`).
pub const MAX_DEPTH: usize = 100;

/// The class of the Ruby exception, which decides how Jekyll prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// `Liquid::SyntaxError`: printed `Liquid syntax error (line N): …`.
    LiquidSyntax,
    /// Another `Liquid::Error` (`StackLevelError`, `ArgumentError`, `ZeroDivisionError`,
    /// `FileSystemError`, …): printed `Liquid error (line N): …`. The string is the
    /// Ruby class name without `Liquid::`.
    Liquid(String),
    /// A Ruby or Jekyll exception raised from a tag (`ArgumentError`, `IOError`,
    /// `Jekyll::Errors::PostURLError`, Ruby's `SyntaxError`): printed as its message.
    Ruby(String),
}

/// An error as Jekyll reports it (`Liquid Exception: MESSAGE in PATH`), or a warning
/// (`Liquid Warning: MESSAGE in PATH`).
#[derive(Clone, Debug, PartialEq)]
pub struct LiquidError {
    /// Exactly what Ruby's `Exception#message` gives (with the `Liquid syntax error
    /// (line N): ` prefix for Liquid errors).
    pub message: String,
    /// Liquid's line number as it reports it (`None` where Liquid gives none).
    pub line: Option<u32>,
    /// The source bytes at fault: the tag or variable token (for an unclosed block, its
    /// opening tag).
    pub span: Range<usize>,
    pub class: ErrorClass,
}

impl LiquidError {
    pub(crate) fn syntax(msg: impl Into<String>, line: Option<u32>, span: Range<usize>) -> Self {
        let msg = msg.into();
        LiquidError {
            message: prefixed("Liquid syntax error", line, &msg),
            line,
            span,
            class: ErrorClass::LiquidSyntax,
        }
    }

    pub(crate) fn liquid(
        class: &str,
        msg: impl Into<String>,
        line: Option<u32>,
        span: Range<usize>,
    ) -> Self {
        let msg = msg.into();
        LiquidError {
            message: prefixed("Liquid error", line, &msg),
            line,
            span,
            class: ErrorClass::Liquid(class.to_string()),
        }
    }

    pub(crate) fn ruby(class: &str, msg: impl Into<String>, span: Range<usize>) -> Self {
        LiquidError {
            message: msg.into(),
            line: None,
            span,
            class: ErrorClass::Ruby(class.to_string()),
        }
    }

    /// The Ruby class name as `e.class.name` prints it.
    pub fn class_name(&self) -> String {
        match &self.class {
            ErrorClass::LiquidSyntax => "Liquid::SyntaxError".into(),
            ErrorClass::Liquid(c) => format!("Liquid::{c}"),
            ErrorClass::Ruby(c) => c.clone(),
        }
    }
}

fn prefixed(kind: &str, line: Option<u32>, msg: &str) -> String {
    match line {
        Some(l) => format!("{kind} (line {l}): {msg}"),
        None => format!("{kind}: {msg}"),
    }
}

/// `Jekyll::Utils.has_liquid_construct?`: Jekyll renders a document's Liquid only when
/// its content holds `{%` or `{{` (and front matter does not say
/// `render_with_liquid: false`).
pub fn has_liquid_construct(content: &str) -> bool {
    content.contains("{%") || content.contains("{{")
}

/// Jekyll's `PostComparer`: whether `{% post_url NAME %}` names the post at
/// `relative_path` (e.g. `_posts/2021-01-01-hello.md`). `None` when NAME does not
/// parse (a parse error of the tag).
/// Jekyll's `PostComparer` for a `{% post_url NAME %}`, compiled once: a test of a post's
/// relative path (`None` when NAME is not a post name at all).
pub fn post_url_matcher(name: &str) -> Option<impl Fn(&str) -> bool> {
    render::post_comparer(name).map(|re| move |rel: &str| re.is_match(rel))
}

pub fn post_url_matches(name: &str, relative_path: &str) -> Option<bool> {
    render::post_comparer(name).map(|re| re.is_match(relative_path))
}
