//! The distinctions postlint relies on: live HTML vs raw vs code.

use kramdown::{ContentModel, Kind, Options, parse};

fn kinds(t: &str) -> Vec<(Kind, String)> {
    let d = parse(t, &Options::jekyll());
    d.descendants(d.root)
        .map(|i| (d.node(i).kind, d.node(i).value.to_string()))
        .collect()
}

fn has(t: &str, k: Kind, v: &str) -> bool {
    kinds(t).iter().any(|(kk, vv)| *kk == k && vv == v)
}

#[test]
fn live_html_and_links() {
    let t = "<script>alert(1)</script>\n";
    let d = parse(t, &Options::jekyll());
    let s = d
        .nodes
        .iter()
        .find(|n| n.kind == Kind::HtmlElement && n.value == "script")
        .unwrap();
    assert_eq!(d.node(s.children[0]).kind, Kind::Raw);
    assert_eq!(d.node(s.children[0]).value, "alert(1)");
    assert!(has("[x](javascript:alert(1))\n", Kind::A, ""));
    let d = parse("[x](javascript:alert(1))\n", &Options::jekyll());
    assert_eq!(
        d.nodes
            .iter()
            .find(|n| n.kind == Kind::A)
            .unwrap()
            .attr("href"),
        Some("javascript:alert(1)")
    );
    // raw <div>: Markdown inside is not parsed, nested tags are elements
    let d = parse(
        "<div>[x](javascript:a) <b onclick=\"y\">z</b>\n</div>\n",
        &Options::jekyll(),
    );
    assert!(!d.nodes.iter().any(|n| n.kind == Kind::A));
    let div = d.nodes.iter().find(|n| n.value == "div").unwrap();
    assert_eq!(div.content_model, Some(ContentModel::Raw));
    assert!(
        d.nodes.iter().any(|n| n.kind == Kind::HtmlElement
            && n.value == "b"
            && n.attr("onclick") == Some("y"))
    );
    // markdown="1" turns parsing on
    assert!(has(
        "<div markdown=\"1\">[x](javascript:a)</div>\n",
        Kind::A,
        ""
    ));
    // {::nomarkdown} is verbatim output
    assert!(has(
        "{::nomarkdown}<script>x()</script>{:/}\n",
        Kind::Raw,
        "<script>x()</script>"
    ));
}

#[test]
fn not_live() {
    let k = kinds("a `<script>` b\n");
    assert!(
        k.iter()
            .any(|(k, v)| *k == Kind::Codespan && v == "<script>")
    );
    assert!(!k.iter().any(|(k, _)| *k == Kind::HtmlElement));
    assert!(has(
        "{::comment}<b>x</b>{:/comment}\n",
        Kind::Comment,
        "<b>x</b>"
    ));
    assert!(has(
        "<!-- <script> -->\n",
        Kind::XmlComment,
        "<!-- <script> -->"
    ));
    let k = kinds("    <script>x</script>\n");
    assert!(k.iter().any(|(k, _)| *k == Kind::Codeblock));
    assert!(!k.iter().any(|(k, _)| *k == Kind::HtmlElement));
}
