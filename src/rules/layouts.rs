//! HT009: front matter values the site's layouts print without escaping. The layouts and the
//! includes they reach are read once by the site model (`src/jekyll/site/layouts.rs`), which
//! gives each `{{ page.KEY }}` printed with no escaping filter and its HTML context; the rule
//! compares the post's own values with what ends each context.

use super::{Context, FixKind, Report, RuleDef, Scope};
use crate::jekyll::yaml::NodeExt;
use crate::settings::Level;

pub static HT009: RuleDef = RuleDef {
    code: "HT009",
    name: "unescaped-front-matter",
    default: Level::Error,
    fix: FixKind::None,
    scope: Scope::FrontMatter,
    reads_body: false,
    summary: "a front matter value holding markup that the site's layouts print without `escape` (e.g. `content=\"{{ page.title }}\"`)",
    doc: "\
## What it does
Reads the site's layouts (`_layouts/`, following each one's own `layout:`) and the includes
they reach, finds where they print a front matter value with no escaping filter
(`{{ page.title }}` rather than `{{ page.title | escape }}`; `escape`, `xml_escape`, `jsonify`,
`cgi_escape`, `url_encode`, `slugify` and the number and date filters escape or replace the
value; `strip_html` removes tags but not quotes), and the HTML context of each print: text,
an attribute value and its quote, `<script>`/`<style>`, `<title>`/`<textarea>`, a comment. It
reports a value of the post that ends that context: markup (a tag) printed as text, a `\"` in a
double-quoted attribute, `</script` in a script, `</title` in the title. The layout the post is
rendered in is its `layout:`, else the front matter defaults'. A layout postlint cannot read
(a theme gem's) is not judged.

## Why is this bad?
Jekyll prints the value as it is: `title: '\"><script>…'` in `<meta content=\"{{ page.title }}\">`
closes the attribute and runs script on the published page; a title with a `\"` alone breaks the
tag. A scraped headline is exactly such a value.

## Example
`title: 'Shares \"rise\"'` with a layout holding `<meta property=\"og:title\" content=\"{{ page.title }}\">`.
Escape in the layout (`{{ page.title | escape }}`), or change the value.
",
    options: &[],
    check: Some(ht009),
};

fn ht009(cx: &Context, out: &mut Report) {
    if !cx.post.is_post() {
        return;
    }
    let Some(root) = cx.post.root() else { return };
    let Some(prints) = cx.site.unescaped_prints(cx.post) else {
        return;
    };
    // One finding per value and context.
    let mut done: Vec<(std::ops::Range<usize>, crate::jekyll::site::PrintContext)> = Vec::new();
    for p in prints {
        let mut node = Some(root);
        for k in &p.keys {
            node = node.and_then(|n| n.get(k));
        }
        let Some(node) = node else { continue };
        let values: Vec<&psych::Node> = match node.as_seq() {
            Some(items) => items.iter().collect(),
            None => vec![node],
        };
        for v in values {
            if v.scalar_type() != Some(crate::jekyll::yaml::ScalarType::Str) {
                continue;
            }
            let Some(text) = v.as_str() else { continue };
            let Some(what) = p.context.broken_by(text) else {
                continue;
            };
            let span = v.content_span(&cx.post.text);
            if done.iter().any(|(s, c)| *s == span && *c == p.context) {
                continue;
            }
            done.push((span.clone(), p.context));
            let key = p.keys.join(".");
            out.push(
                out.diag(
                    span,
                    format!(
                        "`{key}` holds {what}, and `{}` prints it unescaped {} (line {}: `{}`)",
                        p.file,
                        p.context.words(),
                        p.line,
                        p.written
                    ),
                )
                .with_label(format!("printed unescaped by {}", p.file))
                .with_help(format!(
                    "escape it in the layout (`{{{{ page.{key} | escape }}}}`), or remove {what} from the value"
                )),
            );
        }
    }
}
