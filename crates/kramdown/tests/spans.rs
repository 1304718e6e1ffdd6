//! Byte spans point at the source of nodes and attributes.

use kramdown::{AttrOrigin, Kind, Options, parse};

fn slice<'a>(t: &'a str, r: &std::ops::Range<usize>) -> &'a str {
    &t[r.clone()]
}

fn check_attr(text: &str, kind: Kind, name: &str, want_value_src: &str) {
    let doc = parse(text, &Options::jekyll());
    let n = doc
        .nodes
        .iter()
        .find(|n| n.kind == kind && n.attr(name).is_some())
        .unwrap_or_else(|| panic!("no {kind:?} with {name} in {text:?}"));
    let a = n.attr_entry(name).unwrap();
    let vs = a.value_span.clone().expect("value span");
    assert_eq!(
        slice(text, &vs),
        want_value_src,
        "value span of {name} in {text:?}"
    );
}

#[test]
fn link_targets() {
    check_attr(
        "see [x](http://a.example/p \"T\")\n",
        Kind::A,
        "href",
        "http://a.example/p",
    );
    check_attr("see [x](http://a.example/p \"T\")\n", Kind::A, "title", "T");
    check_attr("![alt](/img.png)\n", Kind::Img, "src", "/img.png");
    check_attr(
        "a [x][r] b\n\n[r]: javascript:alert(1) \"t\"\n",
        Kind::A,
        "href",
        "javascript:alert(1)",
    );
    check_attr(
        "mail <me@example.org> now\n",
        Kind::A,
        "href",
        "me@example.org",
    );
    check_attr(
        "<https://e.example/?q=1>\n",
        Kind::A,
        "href",
        "https://e.example/?q=1",
    );
    check_attr("> - nested [x](<u v>) in list\n", Kind::A, "href", "u v");
    check_attr(
        "- a\r\n- b [x](http://crlf) c\r\n",
        Kind::A,
        "href",
        "http://crlf",
    );
}

#[test]
fn html_attributes() {
    let t = "<div onclick=\"evil()\" ID=x>\ncontent\n</div>\n\ntext <b onmouseover='y()'>b</b>\n";
    check_attr(t, Kind::HtmlElement, "onclick", "evil()");
    check_attr(t, Kind::HtmlElement, "id", "x");
    check_attr(t, Kind::HtmlElement, "onmouseover", "y()");
    let doc = parse(t, &Options::jekyll());
    let b = doc
        .nodes
        .iter()
        .find(|n| n.kind == Kind::HtmlElement && n.value == "b")
        .unwrap();
    assert_eq!(slice(t, &b.span), "<b onmouseover='y()'>b</b>");
    let a = b.attr_entry("onmouseover").unwrap();
    assert_eq!(a.origin, AttrOrigin::Html);
    assert_eq!(slice(t, a.name_span.as_ref().unwrap()), "onmouseover");
}

#[test]
fn ial_attributes() {
    let t = "para\n{: onclick=\"x()\" .cls}\n";
    check_attr(t, Kind::P, "onclick", "x()");
    let doc = parse(t, &Options::jekyll());
    let p = doc.nodes.iter().find(|n| n.kind == Kind::P).unwrap();
    assert_eq!(p.attr_entry("onclick").unwrap().origin, AttrOrigin::Ial);
    check_attr("[x](y){:target=\"_blank\"}\n", Kind::A, "target", "_blank");
}

#[test]
fn code_and_comments() {
    let t = "a `<script>` b\n\n```html\n<b>x</b>\n```\n\n{::comment}\nhidden\n{:/comment}\n";
    let doc = parse(t, &Options::jekyll());
    let cs = doc.nodes.iter().find(|n| n.kind == Kind::Codespan).unwrap();
    assert_eq!(slice(t, &cs.span), "`<script>`");
    let cb = doc
        .nodes
        .iter()
        .find(|n| n.kind == Kind::Codeblock)
        .unwrap();
    assert_eq!(slice(t, &cb.span), "```html\n<b>x</b>\n```\n");
    let cm = doc.nodes.iter().find(|n| n.kind == Kind::Comment).unwrap();
    assert!(slice(t, &cm.span).starts_with("{::comment}"));
}

#[test]
fn text_spans_in_containers() {
    let t = "> quoted *em* text\n>\n> - item `c`\n";
    let doc = parse(t, &Options::jekyll());
    let em = doc.nodes.iter().find(|n| n.kind == Kind::Em).unwrap();
    assert_eq!(slice(t, &em.span), "*em*");
    let c = doc.nodes.iter().find(|n| n.kind == Kind::Codespan).unwrap();
    assert_eq!(slice(t, &c.span), "`c`");
    for n in &doc.nodes {
        assert!(n.span.start <= n.span.end && n.span.end <= t.len());
    }
}

#[test]
fn spans_inside_table_cells() {
    // Cells are parsed again from the row's raw text: their nodes keep the source's bytes.
    let t = "| a |\n| - |\n| x ![amet](/r.html) *y* [l](</u v>) |\n";
    let doc = parse(t, &Options::jekyll());
    let img = doc.nodes.iter().find(|n| n.kind == Kind::Img).unwrap();
    assert_eq!(slice(t, &img.span), "![amet](/r.html)");
    let em = doc.nodes.iter().find(|n| n.kind == Kind::Em).unwrap();
    assert_eq!(slice(t, &em.span), "*y*");
    let a = doc.nodes.iter().find(|n| n.kind == Kind::A).unwrap();
    assert_eq!(slice(t, &a.span), "[l](</u v>)");
    check_attr(t, Kind::Img, "src", "/r.html");
    let td = doc.nodes.iter().find(|n| n.kind == Kind::Td).unwrap();
    assert_eq!(slice(t, &td.span), " a ");
}
