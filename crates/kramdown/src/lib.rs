//! A kramdown parser that sees a Jekyll post body exactly as Jekyll 4.3 does
//! (kramdown 2.4.0 with kramdown-parser-gfm 1.1.0), with byte spans, and an
//! HTML renderer reproducing kramdown's HTML converter.
//!
//! ```
//! let doc = kramdown::parse("Hello *world* <b onclick=x>!</b>\n", &kramdown::Options::jekyll());
//! assert_eq!(kramdown::to_html(&doc), "<p>Hello <em>world</em> <b onclick=\"x\">!</b></p>\n");
//! ```

// The parser ports Ruby methods with many locals one to one; these lints
// would force restructuring that obscures the mapping to the Ruby source.
#![allow(
    clippy::type_complexity,
    clippy::too_many_arguments,
    clippy::while_let_loop
)]

mod block;
mod entities;
mod html;
mod ial;
mod options;
mod render;
mod scan;
mod span;
mod table;
mod text;
mod tree;

pub use tree::{
    Align, Attr, AttrOrigin, Category, Children, ContentModel, Descendants, Document, Kind, Node,
    NodeId,
};

/// Input flavour (`input` option).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// `input: GFM` (kramdown-parser-gfm; Jekyll's default).
    Gfm,
    /// `input: kramdown`.
    Kramdown,
}

/// How entities are output (`entity_output`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityOutput {
    /// `:as_char` (Jekyll's default)
    AsChar,
    /// `:as_input`
    AsInput,
    /// `:numeric`
    Numeric,
    /// `:symbolic`
    Symbolic,
}

/// An option's text: the defaults are borrowed, so cloning [`Options`] (once per parsed
/// document) allocates nothing.
pub type OptStr = std::borrow::Cow<'static, str>;

/// kramdown options that change parsing or HTML output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `input`.
    pub input: Input,
    /// `hard_wrap` (GFM; Jekyll sets false).
    pub hard_wrap: bool,
    /// `parse_block_html` (default false).
    pub parse_block_html: bool,
    /// `parse_span_html` (default true).
    pub parse_span_html: bool,
    /// `html_to_native` (default false; not implemented: treated as false).
    pub html_to_native: bool,
    /// `auto_ids`.
    pub auto_ids: bool,
    /// `auto_id_prefix`.
    pub auto_id_prefix: OptStr,
    /// `auto_id_stripping` (forced on by the GFM parser).
    pub auto_id_stripping: bool,
    /// `smart_quotes`: entity names for lsquo, rsquo, ldquo, rdquo.
    pub smart_quotes: [OptStr; 4],
    /// `gfm_quirks` contains `paragraph_end`.
    pub gfm_quirk_paragraph_end: bool,
    /// `gfm_quirks` contains `no_auto_typographic`.
    pub gfm_quirk_no_auto_typographic: bool,
    /// `math_engine`: `Some("mathjax")` (kramdown's default) or `None`.
    pub math_engine: Option<OptStr>,
    /// `entity_output`.
    pub entity_output: EntityOutput,
    /// `footnote_nr`.
    pub footnote_nr: i64,
    /// `footnote_backlink`.
    pub footnote_backlink: OptStr,
    /// `footnote_backlink_inline`.
    pub footnote_backlink_inline: bool,
    /// `footnote_prefix`.
    pub footnote_prefix: OptStr,
    /// `header_offset`.
    pub header_offset: i64,
    /// `toc_levels`.
    pub toc_levels: std::borrow::Cow<'static, [u8]>,
    /// `transliterated_header_ids` (only ASCII handling is implemented).
    pub transliterated_header_ids: bool,
    /// `remove_line_breaks_for_cjk`.
    pub remove_line_breaks_for_cjk: bool,
    /// `typographic_symbols` overrides (symbol name, replacement).
    pub typographic_symbols: Vec<(String, String)>,
}

impl Options {
    /// Jekyll 4.3's kramdown options (`input: GFM`, `hard_wrap: false`,
    /// `auto_ids: true`, …) with `syntax_highlighter: nil`.
    pub fn jekyll() -> Options {
        Options {
            input: Input::Gfm,
            hard_wrap: false,
            parse_block_html: false,
            parse_span_html: true,
            html_to_native: false,
            auto_ids: true,
            auto_id_prefix: OptStr::Borrowed(""),
            auto_id_stripping: false,
            smart_quotes: [
                OptStr::Borrowed("lsquo"),
                OptStr::Borrowed("rsquo"),
                OptStr::Borrowed("ldquo"),
                OptStr::Borrowed("rdquo"),
            ],
            gfm_quirk_paragraph_end: true,
            gfm_quirk_no_auto_typographic: false,
            math_engine: Some(OptStr::Borrowed("mathjax")),
            entity_output: EntityOutput::AsChar,
            footnote_nr: 1,
            footnote_backlink: OptStr::Borrowed("&#8617;"),
            footnote_backlink_inline: false,
            footnote_prefix: OptStr::Borrowed(""),
            header_offset: 0,
            toc_levels: std::borrow::Cow::Borrowed(&[1, 2, 3, 4, 5, 6]),
            transliterated_header_ids: false,
            remove_line_breaks_for_cjk: false,
            typographic_symbols: Vec::new(),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::jekyll()
    }
}

/// Parse `text` as kramdown does (`Kramdown::Document.new(text, options)`).
pub fn parse<'a>(text: &'a str, options: &Options) -> Document<'a> {
    block::parse_document(text, options)
}

/// Render the document as kramdown's HTML converter does (no syntax
/// highlighter).
pub fn to_html(doc: &Document) -> String {
    render::to_html(doc)
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn node_size() {
        println!(
            "Node {} MText {} Ial {}",
            std::mem::size_of::<crate::Node>(),
            std::mem::size_of::<crate::text::MText>(),
            std::mem::size_of::<crate::tree::Ial>()
        );
    }
}
