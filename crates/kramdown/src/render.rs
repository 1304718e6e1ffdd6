//! HTML output: converter/html.rb (`Kramdown::Converter::Html`) with no
//! syntax highlighter, as an explicit stack machine.

use std::collections::HashMap;

use crate::html::ELEMENTS_WITHOUT_BODY;
use crate::tree::{Align, Category, ContentModel, Document, Kind, NodeId};
use crate::{EntityOutput, entities};

/// REXML `REFERENCE_RE` at i: end.
fn reference_at(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'&') {
        return None;
    }
    let is_w = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let a = i + 1;
    match b.get(a) {
        Some(&c) if is_w(c) || c == b':' => {
            let mut k = a + 1;
            while b
                .get(k)
                .is_some_and(|&c| is_w(c) || c == b'-' || c == b'.' || c == b':')
            {
                k += 1;
            }
            if b.get(k) == Some(&b';') {
                Some(k + 1)
            } else {
                None
            }
        }
        Some(b'#') => {
            if b.get(a + 1) == Some(&b'x') {
                let mut k = a + 2;
                while b.get(k).is_some_and(|c| c.is_ascii_hexdigit()) {
                    k += 1;
                }
                if k > a + 2 && b.get(k) == Some(&b';') {
                    return Some(k + 1);
                }
            }
            let mut k = a + 1;
            while b.get(k).is_some_and(|c| c.is_ascii_digit()) {
                k += 1;
            }
            if k > a + 1 && b.get(k) == Some(&b';') {
                Some(k + 1)
            } else {
                None
            }
        }
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Esc {
    All,
    Text,
    Attr,
}

/// `escape_html(str, type)`.
pub(crate) fn escape_html(s: &str, ty: Esc, out: &mut String) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut st = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        let rep = match c {
            b'<' => Some("&lt;"),
            b'>' => Some("&gt;"),
            b'"' if ty == Esc::Attr => Some("&quot;"),
            b'&' => {
                if ty != Esc::All
                    && let Some(e) = reference_at(b, i)
                {
                    i = e;
                    continue;
                }
                Some("&amp;")
            }
            _ => None,
        };
        if let Some(r) = rep {
            out.push_str(s.get(st..i).unwrap_or_default());
            out.push_str(r);
            i += 1;
            st = i;
        } else {
            i += 1;
        }
    }
    out.push_str(s.get(st..).unwrap_or_default());
}

fn esc(s: &str, ty: Esc) -> String {
    let mut o = String::with_capacity(s.len());
    escape_html(s, ty, &mut o);
    o
}

/// `html_attributes(attr)`.
fn html_attributes(attrs: &[(String, String)], out: &mut String) {
    for (k, v) in attrs {
        if k == "id"
            && v.trim_matches(|c: char| c.is_ascii() && crate::text::is_strip(c as u8))
                .is_empty()
        {
            continue;
        }
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape_html(v, Esc::Attr, out);
        out.push('"');
    }
}

enum Task {
    Open(NodeId, i64),
    Close(NodeId, i64, usize),
    Str(String),
}

struct R<'a> {
    doc: &'a Document<'a>,
    out: String,
    stack: Vec<NodeId>,
    used_ids: HashMap<String, i64>,
    footnote_counter: i64,
    footnotes: Vec<(String, NodeId, i64, i64)>,
    fn_by_name: HashMap<String, usize>,
    toc: Vec<(u8, String, NodeId)>,
    toc_code: Option<(Kind, Vec<(String, String)>, String)>,
    footnote_location: Option<String>,
    /// raw HTML appended to a node's children (footnote backlinks)
    extra: HashMap<NodeId, String>,
    toc_mode: bool,
    placeholder_n: usize,
}

fn attrs_of(doc: &Document, id: NodeId) -> Vec<(String, String)> {
    doc.node(id)
        .attrs
        .iter()
        .map(|a| (a.name.to_string(), a.value.to_string()))
        .collect()
}

pub(crate) fn to_html(doc: &Document) -> String {
    let mut r = R {
        doc,
        out: String::new(),
        stack: Vec::new(),
        used_ids: HashMap::new(),
        footnote_counter: doc.options.footnote_nr,
        footnotes: Vec::new(),
        fn_by_name: HashMap::new(),
        toc: Vec::new(),
        toc_code: None,
        footnote_location: None,
        extra: HashMap::new(),
        toc_mode: false,
        placeholder_n: 0,
    };
    let mut result = r.render(doc.root, -2);
    let fc = r.footnote_content();
    match r.footnote_location.take() {
        Some(loc) => result = result.replacen(&loc, &fc, 1),
        None => result.push_str(&fc),
    }
    if let Some((kind, attrs, code)) = r.toc_code.take() {
        let text = r.toc_html(kind, attrs);
        result = result.replacen(&code, &text, 1);
    }
    result
}

impl R<'_> {
    fn ws(&mut self, indent: i64) {
        for _ in 0..indent.max(0) {
            self.out.push(' ');
        }
    }

    fn placeholder(&mut self) -> String {
        self.placeholder_n += 1;
        format!("\u{1}kramdown-placeholder-{}\u{1}", self.placeholder_n)
    }

    fn parent_is_raw_html(&self) -> bool {
        match self.stack.last() {
            Some(&p) => {
                let n = self.doc.node(p);
                n.kind == Kind::HtmlElement && n.content_model == Some(ContentModel::Raw)
            }
            None => false,
        }
    }

    /// Render node `root` at `indent` into a fresh string.
    fn render(&mut self, root: NodeId, indent: i64) -> String {
        let saved = std::mem::take(&mut self.out);
        let mut tasks = vec![Task::Open(root, indent)];
        while let Some(t) = tasks.pop() {
            match t {
                Task::Str(s) => self.out.push_str(&s),
                Task::Open(id, ind) => self.open(id, ind, &mut tasks),
                Task::Close(id, ind, marker) => {
                    self.stack.pop();
                    self.close(id, ind, marker);
                }
            }
        }
        std::mem::replace(&mut self.out, saved)
    }

    fn push_children(&mut self, id: NodeId, ind: i64, tasks: &mut Vec<Task>, marker: usize) {
        tasks.push(Task::Close(id, ind, marker));
        self.stack.push(id);
        if let Some(x) = self.extra.get(&id) {
            tasks.push(Task::Str(x.clone()));
        }
        for &c in self.doc.node(id).children.iter().rev() {
            tasks.push(Task::Open(c, ind + 2));
        }
    }

    fn open(&mut self, id: NodeId, ind: i64, tasks: &mut Vec<Task>) {
        let doc = self.doc;
        let n = doc.node(id);
        let o = &doc.options;
        match n.kind {
            Kind::Root | Kind::FootnoteDef | Kind::Temp | Kind::RawText | Kind::Eob => {
                let m = self.out.len();
                self.push_children(id, ind, tasks, m);
            }
            Kind::Blank => self.out.push('\n'),
            Kind::Text => {
                let mut e = esc(&n.value, Esc::Text);
                if o.remove_line_breaks_for_cjk {
                    e = fix_cjk(&e);
                }
                self.out.push_str(&e);
            }
            Kind::P => {
                if n.transparent {
                    let m = self.out.len();
                    self.push_children(id, ind, tasks, m);
                } else if n.children.len() == 1
                    && n.children.first().is_some_and(|&c| {
                        let cn = doc.node(c);
                        cn.kind == Kind::Img
                            && cn
                                .ial
                                .as_ref()
                                .is_some_and(|i| i.refs.iter().any(|r| r == "standalone"))
                    })
                {
                    self.standalone_image(id, ind);
                } else {
                    self.ws(ind);
                    self.out.push_str("<p");
                    html_attributes(&attrs_of(doc, id), &mut self.out);
                    self.out.push('>');
                    let m = self.out.len();
                    self.push_children(id, ind, tasks, m);
                }
            }
            Kind::Codeblock => {
                let mut attrs = attrs_of(doc, id);
                let lang = extract_code_language_bang(&mut attrs);
                let mut result = esc(&n.value, Esc::All);
                if result.ends_with('\n') {
                    result.pop();
                }
                let orig_class = n.attr("class").unwrap_or("");
                if has_word(orig_class, "show-whitespaces") {
                    result = show_whitespaces(&result);
                }
                self.ws(ind);
                self.out.push_str("<pre");
                html_attributes(&attrs, &mut self.out);
                self.out.push_str("><code");
                if let Some(l) = lang {
                    html_attributes(&[("class".into(), format!("language-{l}"))], &mut self.out);
                }
                self.out.push('>');
                self.out.push_str(&result);
                self.out.push_str("\n</code></pre>\n");
            }
            Kind::Blockquote
            | Kind::Dl
            | Kind::Table
            | Kind::Thead
            | Kind::Tbody
            | Kind::Tfoot
            | Kind::Tr => {
                self.ws(ind);
                self.out.push('<');
                self.out.push_str(n.kind.name());
                html_attributes(&attrs_of(doc, id), &mut self.out);
                self.out.push_str(">\n");
                let m = self.out.len();
                self.push_children(id, ind, tasks, m);
            }
            Kind::Ul | Kind::Ol => {
                let refs: &[String] = n.ial.as_ref().map_or(&[], |i| i.refs.as_slice());
                if self.toc_code.is_none() && refs.iter().any(|r| r == "toc") && !self.toc_mode {
                    let code = self.placeholder();
                    self.toc_code = Some((n.kind, attrs_of(doc, id), code.clone()));
                    self.out.push_str(&code);
                } else if self.footnote_location.is_none()
                    && refs.iter().any(|r| r == "footnotes")
                    && !self.toc_mode
                {
                    let code = self.placeholder();
                    self.footnote_location = Some(code.clone());
                    self.out.push_str(&code);
                } else {
                    self.ws(ind);
                    self.out.push('<');
                    self.out.push_str(n.kind.name());
                    html_attributes(&attrs_of(doc, id), &mut self.out);
                    self.out.push_str(">\n");
                    let m = self.out.len();
                    self.push_children(id, ind, tasks, m);
                }
            }
            Kind::Header => {
                let mut attrs = attrs_of(doc, id);
                if o.auto_ids && !attrs.iter().any(|(k, _)| k == "id") {
                    let gid = self.generate_id(n.raw_text().unwrap_or(""));
                    attrs.push(("id".into(), gid));
                }
                let idv = attrs
                    .iter()
                    .find(|(k, _)| k == "id")
                    .map(|(_, v)| v.clone());
                if let Some(idv) = idv {
                    let class = attrs
                        .iter()
                        .find(|(k, _)| k == "class")
                        .map_or("", |(_, v)| v.as_str());
                    if o.toc_levels.contains(&n.level) && !has_word(class, "no_toc") {
                        self.toc.push((n.level, idv, id));
                    }
                }
                let level = (i64::from(n.level) + o.header_offset).clamp(1, 6);
                self.ws(ind);
                self.out.push_str(&format!("<h{level}"));
                html_attributes(&attrs, &mut self.out);
                self.out.push('>');
                let m = self.out.len();
                self.push_children(id, ind, tasks, m);
            }
            Kind::Hr => {
                self.ws(ind);
                self.out.push_str("<hr");
                html_attributes(&attrs_of(doc, id), &mut self.out);
                self.out.push_str(" />\n");
            }
            Kind::Li | Kind::Dd => {
                self.ws(ind);
                self.out.push('<');
                self.out.push_str(n.kind.name());
                html_attributes(&attrs_of(doc, id), &mut self.out);
                self.out.push('>');
                let tight = n.children.is_empty()
                    || n.children.first().is_some_and(|&c| {
                        let cn = doc.node(c);
                        cn.kind == Kind::P && cn.transparent
                    });
                if !tight {
                    self.out.push('\n');
                }
                let m = self.out.len();
                self.push_children(id, ind, tasks, m);
            }
            Kind::Dt => {
                let mut attrs = attrs_of(doc, id);
                if !attrs.iter().any(|(k, _)| k == "id")
                    && let Some(&dl) = self.stack.last()
                    && let Some(ial) = &doc.node(dl).ial
                {
                    for r in &ial.refs {
                        if let Some(rest) = r.strip_prefix("auto_ids") {
                            let pre = rest
                                .strip_prefix('-')
                                .map(|x| {
                                    x.chars()
                                        .take_while(|c| {
                                            c.is_ascii_alphanumeric() || *c == '_' || *c == '-'
                                        })
                                        .collect::<String>()
                                })
                                .unwrap_or_default();
                            let v =
                                format!("{pre}{}", basic_generate_id(n.raw_text().unwrap_or("")));
                            attrs.push(("id".into(), v.trim_start().to_string()));
                            break;
                        }
                    }
                }
                self.ws(ind);
                self.out.push_str("<dt");
                html_attributes(&attrs, &mut self.out);
                self.out.push('>');
                let m = self.out.len();
                self.push_children(id, ind, tasks, m);
            }
            Kind::Td => {
                let th = self.stack.len() >= 2
                    && self
                        .stack
                        .get(self.stack.len() - 2)
                        .is_some_and(|&g| doc.node(g).kind == Kind::Thead);
                let mut attrs = attrs_of(doc, id);
                let align = (|| {
                    let tr = *self.stack.last()?;
                    let table = *self.stack.get(self.stack.len().checked_sub(3)?)?;
                    let idx = doc.node(tr).children.iter().position(|&c| c == id)?;
                    doc.node(table).alignment().get(idx).copied()
                })()
                .unwrap_or(Align::Default);
                if align != Align::Default {
                    let a = match align {
                        Align::Left => "left",
                        Align::Right => "right",
                        Align::Center => "center",
                        Align::Default => "",
                    };
                    match attrs.iter_mut().find(|(k, _)| k == "style") {
                        Some((_, v)) => *v = format!("{v}; text-align: {a}"),
                        None => attrs.push(("style".into(), format!("text-align: {a}"))),
                    }
                }
                self.ws(ind);
                let t = if th { "th" } else { "td" };
                self.out.push('<');
                self.out.push_str(t);
                html_attributes(&attrs, &mut self.out);
                self.out.push('>');
                let m = self.out.len();
                self.push_children(id, ind, tasks, m);
            }
            Kind::HtmlElement => {
                let name = &n.value;
                if n.category == Some(Category::Span) {
                    self.out.push('<');
                    self.out.push_str(name);
                    html_attributes(&attrs_of(doc, id), &mut self.out);
                    self.out.push('>');
                    let m = self.out.len();
                    self.push_children(id, ind, tasks, m);
                } else {
                    if !self.parent_is_raw_html() {
                        self.ws(ind);
                    }
                    self.out.push('<');
                    self.out.push_str(name);
                    html_attributes(&attrs_of(doc, id), &mut self.out);
                    if n.is_closed && n.content_model == Some(ContentModel::Raw) {
                        // res is computed but unused
                        self.out.push_str(" />");
                        let m = usize::MAX;
                        self.push_children(id, ind, tasks, m);
                    } else {
                        if n.content_model == Some(ContentModel::Block) {
                            self.out.push_str(">\n");
                        } else {
                            self.out.push('>');
                        }
                        let m = self.out.len();
                        self.push_children(id, ind, tasks, m);
                    }
                }
            }
            Kind::XmlComment | Kind::XmlPi => {
                if n.category == Some(Category::Block) && !self.parent_is_raw_html() {
                    self.ws(ind);
                    self.out.push_str(&n.value);
                    self.out.push('\n');
                } else {
                    self.out.push_str(&n.value);
                }
            }
            Kind::Comment => {
                if n.category == Some(Category::Block) {
                    self.ws(ind);
                    self.out.push_str(&format!("<!-- {} -->\n", n.value));
                } else {
                    self.out.push_str(&format!("<!-- {} -->", n.value));
                }
            }
            Kind::Br => self.out.push_str("<br />"),
            Kind::A => {
                if self.toc_mode {
                    let m = self.out.len();
                    self.push_children(id, ind, tasks, m);
                } else {
                    self.out.push_str("<a");
                    html_attributes(&attrs_of(doc, id), &mut self.out);
                    self.out.push('>');
                    let m = self.out.len();
                    self.push_children(id, ind, tasks, m);
                }
            }
            Kind::Em | Kind::Strong => {
                self.out.push('<');
                self.out.push_str(n.kind.name());
                html_attributes(&attrs_of(doc, id), &mut self.out);
                self.out.push('>');
                let m = self.out.len();
                self.push_children(id, ind, tasks, m);
            }
            Kind::Img => {
                self.out.push_str("<img");
                html_attributes(&attrs_of(doc, id), &mut self.out);
                self.out.push_str(" />");
            }
            Kind::Codespan => {
                self.out.push_str("<code");
                html_attributes(&attrs_of(doc, id), &mut self.out);
                self.out.push('>');
                escape_html(&n.value, Esc::All, &mut self.out);
                self.out.push_str("</code>");
            }
            Kind::Footnote => {
                if self.toc_mode {
                    return;
                }
                let name = format!("{}{}", o.footnote_prefix, n.value);
                let (number, repeat) = match self.fn_by_name.get(&name) {
                    Some(&i) => match self.footnotes.get_mut(i) {
                        Some(f) => {
                            f.3 += 1;
                            (f.2, format!(":{}", f.3))
                        }
                        None => (0, String::new()),
                    },
                    None => {
                        let nr = self.footnote_counter;
                        self.footnote_counter += 1;
                        self.fn_by_name.insert(name.clone(), self.footnotes.len());
                        self.footnotes
                            .push((name.clone(), n.footnote.unwrap_or(0), nr, 0));
                        (nr, String::new())
                    }
                };
                self.out.push_str(&format!(
                    "<sup id=\"fnref:{name}{repeat}\" role=\"doc-noteref\"><a href=\"#fn:{name}\" class=\"footnote\" rel=\"footnote\">{number}</a></sup>"
                ));
            }
            Kind::Raw => {
                if n.raw_type().is_empty() || n.raw_type().iter().any(|t| t == "html") {
                    self.out.push_str(&n.value);
                    if n.category == Some(Category::Block) {
                        self.out.push('\n');
                    }
                }
            }
            Kind::Entity => {
                let (_, name) = entities::by_cp(n.code_point);
                let orig = if n.value.is_empty() {
                    None
                } else {
                    Some(n.value.as_ref())
                };
                let s = entity_to_str(o.entity_output, n.code_point, name, orig);
                self.out.push_str(&s);
            }
            Kind::TypographicSym => {
                if let Some((_, v)) = o.typographic_symbols.iter().find(|(k, _)| *k == n.value) {
                    escape_html(v, Esc::Text, &mut self.out);
                } else {
                    let names: &[&str] = match n.value.as_ref() {
                        "mdash" => &["mdash"],
                        "ndash" => &["ndash"],
                        "hellip" => &["hellip"],
                        "laquo_space" => &["laquo", "nbsp"],
                        "raquo_space" => &["nbsp", "raquo"],
                        "laquo" => &["laquo"],
                        "raquo" => &["raquo"],
                        _ => &[],
                    };
                    for nm in names {
                        let cp = entities::by_name(nm.as_bytes()).unwrap_or(0);
                        let s = entity_to_str(o.entity_output, cp, Some(nm), None);
                        self.out.push_str(&s);
                    }
                }
            }
            Kind::SmartQuote => {
                let idx = match n.value.as_ref() {
                    "lsquo" => 0,
                    "rsquo" => 1,
                    "ldquo" => 2,
                    _ => 3,
                };
                let res = o.smart_quotes.get(idx).cloned().unwrap_or_default();
                let (cp, name) = match res.parse::<u32>() {
                    Ok(cp) => {
                        let (c, nm) = entities::by_cp(cp);
                        (c, nm)
                    }
                    Err(_) => match entities::by_name(res.as_bytes()) {
                        Some(cp) => (cp, Some(entities::by_cp(cp).1.unwrap_or(""))),
                        None => (0, None),
                    },
                };
                let name = name.filter(|x| !x.is_empty());
                let s = entity_to_str(o.entity_output, cp, name, None);
                self.out.push_str(&s);
            }
            Kind::Math => {
                let block = n.category == Some(Category::Block);
                let attrs = attrs_of(doc, id);
                if o.math_engine.as_deref() == Some("mathjax") {
                    let v = esc(&n.value, Esc::All);
                    let result = if block {
                        format!("\\[{v}\\]\n")
                    } else {
                        format!("\\({v}\\)")
                    };
                    if attrs.is_empty() {
                        self.out.push_str(&result);
                    } else if block {
                        self.ws(ind);
                        self.out.push_str("<div");
                        html_attributes(&attrs, &mut self.out);
                        self.out.push('>');
                        self.out.push_str(&result);
                        self.out.push_str("</div>\n");
                    } else {
                        self.out.push_str("<span");
                        html_attributes(&attrs, &mut self.out);
                        self.out.push_str(&format!(">${}$</span>", n.value));
                    }
                } else {
                    let mut attrs = attrs;
                    match attrs.iter_mut().find(|(k, _)| k == "class") {
                        Some((_, v)) => *v = format!("{v} kdmath").trim_start().to_string(),
                        None => attrs.push(("class".into(), "kdmath".into())),
                    }
                    if block {
                        self.ws(ind);
                        self.out.push_str("<div");
                        html_attributes(&attrs, &mut self.out);
                        self.out.push_str(&format!(">$$\n{}\n$$</div>\n", n.value));
                    } else {
                        self.out.push_str("<span");
                        html_attributes(&attrs, &mut self.out);
                        self.out.push_str(&format!(">${}$</span>", n.value));
                    }
                }
            }
            Kind::Abbreviation => {
                let (title, mut attrs) = match doc.abbrevs.iter().find(|a| a.0 == n.value) {
                    Some((_, t, a)) => (
                        t.clone(),
                        a.iter()
                            .map(|x| (x.name.to_string(), x.value.to_string()))
                            .collect::<Vec<_>>(),
                    ),
                    None => (String::new(), Vec::new()),
                };
                if !title.is_empty() {
                    match attrs.iter_mut().find(|(k, _)| k == "title") {
                        Some((_, v)) => *v = title,
                        None => attrs.push(("title".into(), title)),
                    }
                }
                self.out.push_str("<abbr");
                html_attributes(&attrs, &mut self.out);
                self.out.push('>');
                self.out.push_str(&n.value);
                self.out.push_str("</abbr>");
            }
        }
    }

    fn close(&mut self, id: NodeId, ind: i64, marker: usize) {
        let doc = self.doc;
        let n = doc.node(id);
        match n.kind {
            Kind::P if !n.transparent => {
                self.out.push_str("</p>\n");
            }
            Kind::Blockquote
            | Kind::Dl
            | Kind::Table
            | Kind::Thead
            | Kind::Tbody
            | Kind::Tfoot
            | Kind::Tr
            | Kind::Ul
            | Kind::Ol => {
                self.ws(ind);
                self.out.push_str("</");
                self.out.push_str(n.kind.name());
                self.out.push_str(">\n");
            }
            Kind::Header => {
                let level = (i64::from(n.level) + doc.options.header_offset).clamp(1, 6);
                self.out.push_str(&format!("</h{level}>\n"));
            }
            Kind::Li | Kind::Dd => {
                let tight = n.children.is_empty()
                    || n.children.first().is_some_and(|&c| {
                        let cn = doc.node(c);
                        cn.kind == Kind::P && cn.transparent
                    });
                if tight {
                    if self.out.len() > marker && self.out.ends_with('\n') {
                        self.ws(ind);
                    }
                } else {
                    self.ws(ind);
                }
                self.out.push_str("</");
                self.out.push_str(n.kind.name());
                self.out.push_str(">\n");
            }
            Kind::Dt => self.out.push_str("</dt>\n"),
            Kind::Td => {
                let th = self.stack.len() >= 2
                    && self
                        .stack
                        .get(self.stack.len() - 2)
                        .is_some_and(|&g| doc.node(g).kind == Kind::Thead);
                if self.out.len() == marker {
                    let s = entity_to_str(doc.options.entity_output, 160, Some("nbsp"), None);
                    self.out.push_str(&s);
                }
                self.out.push_str(if th { "</th>\n" } else { "</td>\n" });
            }
            Kind::HtmlElement => {
                let name = &n.value;
                let without_body = ELEMENTS_WITHOUT_BODY.contains(&name.as_ref());
                if n.category == Some(Category::Span) {
                    if self.out.len() == marker && without_body {
                        self.out.pop();
                        self.out.push_str(" />");
                    } else {
                        self.out.push_str("</");
                        self.out.push_str(name);
                        self.out.push('>');
                    }
                } else {
                    let raw_parent = self.parent_is_raw_html();
                    if marker == usize::MAX {
                        // self-closed raw element
                    } else if self.out.len() == marker {
                        // empty body: undo the speculative '>' / '>\n'
                        let undo = if n.content_model == Some(ContentModel::Block) {
                            2
                        } else {
                            1
                        };
                        self.out.truncate(marker - undo);
                        if without_body {
                            self.out.push_str(" />");
                        } else {
                            self.out.push_str("></");
                            self.out.push_str(name);
                            self.out.push('>');
                        }
                    } else if n.content_model != Some(ContentModel::Block) {
                        self.out.push_str("</");
                        self.out.push_str(name);
                        self.out.push('>');
                    } else {
                        if self.out.ends_with('\n') {
                            self.out.pop();
                        }
                        self.out.push('\n');
                        self.ws(ind);
                        self.out.push_str("</");
                        self.out.push_str(name);
                        self.out.push('>');
                    }
                    if !raw_parent {
                        self.out.push('\n');
                    }
                }
            }
            Kind::A if !self.toc_mode => {
                self.out.push_str("</a>");
            }
            Kind::Em | Kind::Strong => {
                self.out.push_str("</");
                self.out.push_str(n.kind.name());
                self.out.push('>');
            }
            _ => {}
        }
    }

    fn standalone_image(&mut self, id: NodeId, ind: i64) {
        let doc = self.doc;
        let n = doc.node(id);
        let Some(&img) = n.children.first() else {
            return;
        };
        let mut figure_attr = attrs_of(doc, id);
        let mut image_attr = attrs_of(doc, img);
        let take = |v: &mut Vec<(String, String)>, k: &str| -> Option<String> {
            let i = v.iter().position(|(x, _)| x == k)?;
            Some(v.remove(i).1)
        };
        if image_attr.iter().any(|(k, _)| k == "class")
            && !figure_attr.iter().any(|(k, _)| k == "class")
            && let Some(c) = take(&mut image_attr, "class")
        {
            figure_attr.push(("class".into(), c));
        }
        if image_attr.iter().any(|(k, _)| k == "id")
            && !figure_attr.iter().any(|(k, _)| k == "id")
            && let Some(c) = take(&mut image_attr, "id")
        {
            figure_attr.push(("id".into(), c));
        }
        let alt = image_attr
            .iter()
            .find(|(k, _)| k == "alt")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        self.ws(ind);
        self.out.push_str("<figure");
        html_attributes(&figure_attr, &mut self.out);
        self.out.push_str(">\n");
        self.ws(ind + 2);
        self.out.push_str("<img");
        html_attributes(&image_attr, &mut self.out);
        self.out.push_str(" />\n");
        self.ws(ind + 2);
        self.out
            .push_str(&format!("<figcaption>{alt}</figcaption>\n"));
        self.ws(ind);
        self.out.push_str("</figure>\n");
    }

    fn generate_id(&mut self, s: &str) -> String {
        let mut gen_id = basic_generate_id(s);
        if gen_id.is_empty() {
            gen_id = "section".into();
        }
        if let Some(c) = self.used_ids.get_mut(&gen_id) {
            *c += 1;
            gen_id = format!("{gen_id}-{c}");
        } else {
            self.used_ids.insert(gen_id.clone(), 0);
        }
        format!("{}{}", self.doc.options.auto_id_prefix, gen_id)
    }

    fn footnote_content(&mut self) -> String {
        let o = &self.doc.options;
        let backlink_text = esc(&o.footnote_backlink, Esc::Text);
        let nbsp = entity_to_str(o.entity_output, 160, Some("nbsp"), None);
        let mut lis = String::new();
        let mut i = 0;
        while let Some((name, data, _, repeat)) = self.footnotes.get(i).cloned() {
            let kids = self.doc.node(data).children.clone();
            let last_is_p = kids
                .last()
                .is_some_and(|&c| self.doc.node(c).kind == Kind::P);
            let mut para = None;
            let mut insert_space = false;
            if last_is_p || o.footnote_backlink_inline {
                let mut parent_kids = kids.clone();
                let mut last = None;
                loop {
                    let Some(&l) = parent_kids.last() else { break };
                    last = Some(l);
                    let k = self.doc.node(l).kind;
                    if k == Kind::P || k == Kind::Header {
                        break;
                    }
                    parent_kids = self.doc.node(l).children.clone();
                    if parent_kids.is_empty() {
                        break;
                    }
                }
                para = last;
                insert_space = true;
            }
            let mut back = String::new();
            if !o.footnote_backlink.is_empty() {
                back.push_str(&format!(
                    "{}<a href=\"#fnref:{name}\" class=\"reversefootnote\" role=\"doc-backlink\">{backlink_text}</a>",
                    if insert_space { nbsp.as_str() } else { "" }
                ));
                for index in 1..=repeat {
                    back.push_str(&format!(
                        "{nbsp}<a href=\"#fnref:{name}:{index}\" class=\"reversefootnote\" role=\"doc-backlink\">{backlink_text}<sup>{}</sup></a>",
                        index + 1
                    ));
                }
            }
            // render <li> at indent 4
            let mut li = String::new();
            li.push_str("    <li id=\"fn:");
            escape_html(&name, Esc::Attr, &mut li);
            li.push_str("\" role=\"doc-endnote\">");
            let tight = kids.is_empty()
                || kids.first().is_some_and(|&c| {
                    let cn = self.doc.node(c);
                    cn.kind == Kind::P && cn.transparent
                });
            if !tight {
                li.push('\n');
            }
            let mark = li.len();
            if let Some(p) = para {
                self.extra.insert(p, back.clone());
            }
            for &c in &kids {
                let s = self.render(c, 6);
                li.push_str(&s);
            }
            if let Some(p) = para {
                self.extra.remove(&p);
            } else {
                li.push_str(&format!("      <p>{back}</p>\n"));
            }
            if tight {
                if li.len() > mark && li.ends_with('\n') {
                    li.push_str("    ");
                }
            } else {
                li.push_str("    ");
            }
            li.push_str("</li>\n");
            lis.push_str(&li);
            i += 1;
        }
        if self.footnotes.is_empty() {
            return String::new();
        }
        let start = if o.footnote_nr != 1 {
            format!(" start=\"{}\"", o.footnote_nr)
        } else {
            String::new()
        };
        format!(
            "<div class=\"footnotes\" role=\"doc-endnotes\">\n  <ol{start}>\n{lis}  </ol>\n</div>\n"
        )
    }

    fn toc_html(&mut self, kind: Kind, attrs: Vec<(String, String)>) -> String {
        struct Li {
            level: u8,
            id: String,
            node: NodeId,
            kids: Vec<usize>,
        }
        let mut items: Vec<Li> = Vec::new();
        let mut top: Vec<usize> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let toc = std::mem::take(&mut self.toc);
        for (level, id, node) in toc {
            let li = items.len();
            items.push(Li {
                level,
                id,
                node,
                kids: Vec::new(),
            });
            loop {
                match stack.last() {
                    None => {
                        top.push(li);
                        stack.push(li);
                        break;
                    }
                    Some(&s) if items.get(s).is_some_and(|x| x.level < level) => {
                        if let Some(x) = items.get_mut(s) {
                            x.kids.push(li);
                        }
                        stack.push(li);
                        break;
                    }
                    Some(_) => {
                        stack.pop();
                    }
                }
            }
        }
        if top.is_empty() {
            return String::new();
        }
        let mut attrs = attrs;
        let sid = match attrs.iter().find(|(k, _)| k == "id") {
            Some((_, v)) => v.clone(),
            None => {
                attrs.push(("id".into(), "markdown-toc".into()));
                "markdown-toc".into()
            }
        };
        let tag = kind.name();
        // iterative rendering of the nested lists
        enum T {
            OpenList(Vec<usize>, i64, bool),
            Item(usize, i64),
            Str(String),
        }
        let mut out = String::new();
        let mut tasks = vec![T::OpenList(top, 0, true)];
        while let Some(t) = tasks.pop() {
            match t {
                T::Str(s) => out.push_str(&s),
                T::OpenList(lis, ind, is_top) => {
                    out.push_str(&" ".repeat(ind.max(0) as usize));
                    out.push('<');
                    out.push_str(tag);
                    if is_top {
                        html_attributes(&attrs, &mut out);
                    }
                    out.push_str(">\n");
                    tasks.push(T::Str(format!(
                        "{}</{tag}>\n",
                        " ".repeat(ind.max(0) as usize)
                    )));
                    for &l in lis.iter().rev() {
                        tasks.push(T::Item(l, ind + 2));
                    }
                }
                T::Item(l, ind) => {
                    let Some(li) = items.get(l) else { continue };
                    let node = li.node;
                    let id = li.id.clone();
                    let kids = li.kids.clone();
                    out.push_str(&" ".repeat(ind.max(0) as usize));
                    out.push_str("<li><a");
                    html_attributes(
                        &[
                            ("href".into(), format!("#{id}")),
                            ("id".into(), format!("{sid}-{id}")),
                        ],
                        &mut out,
                    );
                    out.push('>');
                    self.toc_mode = true;
                    let hkids = self.doc.node(node).children.clone();
                    for c in hkids {
                        let s = self.render(c, ind + 4);
                        out.push_str(&s);
                    }
                    self.toc_mode = false;
                    out.push_str("</a>");
                    if kids.is_empty() {
                        tasks.push(T::Str("</li>\n".into()));
                    } else {
                        tasks.push(T::Str(format!(
                            "{}</li>\n",
                            " ".repeat(ind.max(0) as usize)
                        )));
                        tasks.push(T::OpenList(kids, ind + 2, false));
                    }
                }
            }
        }
        out
    }
}

fn has_word(s: &str, w: &str) -> bool {
    // /\bWORD\b/ (word chars: Unicode-aware)
    let b = s.as_bytes();
    let wb = w.as_bytes();
    let mut i = 0;
    while i + wb.len() <= b.len() {
        if b.get(i..i + wb.len()) == Some(wb) {
            let before = s.get(..i).and_then(|x| x.chars().next_back());
            let after = s.get(i + wb.len()..).and_then(|x| x.chars().next());
            let first_w = wb
                .first()
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
            let last_w = wb
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
            let okb = !first_w || !before.is_some_and(crate::text::is_bword);
            let oka = !last_w || !after.is_some_and(crate::text::is_bword);
            if okb && oka {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// `extract_code_language!(attr)`.
fn extract_code_language_bang(attrs: &mut Vec<(String, String)>) -> Option<String> {
    let pos = attrs.iter().position(|(k, _)| k == "class")?;
    let class = attrs.get(pos).map(|(_, v)| v.clone())?;
    // /\blanguage-\S+/
    let b = class.as_bytes();
    let mut i = 0;
    while i + 9 <= b.len() {
        if b.get(i..i + 9) == Some(b"language-") {
            let before = class.get(..i).and_then(|x| x.chars().next_back());
            if !before.is_some_and(crate::text::is_bword) {
                let mut e = i + 9;
                while b.get(e).is_some_and(|&c| !crate::text::is_ws(c)) {
                    e += 1;
                }
                if e > i + 9 {
                    let lang = class.get(i + 9..e).unwrap_or_default().to_string();
                    let rest = format!(
                        "{}{}",
                        class.get(..i).unwrap_or_default(),
                        class.get(e..).unwrap_or_default()
                    );
                    let rest = rest
                        .trim_matches(|c: char| c.is_ascii() && crate::text::is_strip(c as u8))
                        .to_string();
                    if rest.is_empty() {
                        attrs.remove(pos);
                    } else if let Some(x) = attrs.get_mut(pos) {
                        x.1 = rest;
                    }
                    return Some(lang);
                }
            }
        }
        i += 1;
    }
    None
}

fn show_whitespaces(s: &str) -> String {
    // gsub(/(?:(^[ \t]+)|([ \t]+$)|([ \t]+))/) with ws-tab / ws-space spans
    let mut out = String::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        if c == b' ' || c == b'\t' {
            let st = i;
            while matches!(b.get(i), Some(b' ') | Some(b'\t')) {
                i += 1;
            }
            let at_start = st == 0 || b.get(st - 1) == Some(&b'\n');
            let at_end = i == b.len() || b.get(i) == Some(&b'\n');
            let suffix = if at_start {
                "-l"
            } else if at_end {
                "-r"
            } else {
                ""
            };
            for k in st..i {
                if b.get(k) == Some(&b'\t') {
                    out.push_str(&format!("<span class=\"ws-tab{suffix}\">\t</span>"));
                } else {
                    out.push_str(&format!("<span class=\"ws-space{suffix}\">&#8901;</span>"));
                }
            }
        } else {
            let st = i;
            while i < b.len() && !matches!(b.get(i), Some(b' ') | Some(b'\t')) {
                i += 1;
            }
            out.push_str(s.get(st..i).unwrap_or_default());
        }
    }
    out
}

fn fix_cjk(s: &str) -> String {
    let is_cjk = |c: char| matches!(c as u32, 0x3040..=0x309F | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF | 0x2E80..=0x2FDF | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B | 0xFF66..=0xFF9D);
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in cs.iter().enumerate() {
        if c == '\n'
            && i > 0
            && cs.get(i - 1).is_some_and(|&p| is_cjk(p))
            && cs.get(i + 1).is_some_and(|&n| is_cjk(n))
        {
            continue;
        }
        out.push(c);
    }
    out
}

/// `basic_generate_id`.
pub(crate) fn basic_generate_id(s: &str) -> String {
    // gsub(/^[^a-zA-Z]+/, '') at every line start
    let mut t = String::with_capacity(s.len());
    let mut at_start = true;
    for c in s.chars() {
        if at_start && !c.is_ascii_alphabetic() {
            if c == '\n' {
                // newline is also [^a-zA-Z]; it is removed and the next line starts
                at_start = true;
            }
            continue;
        }
        at_start = false;
        if c == '\n' {
            at_start = true;
        }
        t.push(c);
    }
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' || c == '-' {
            out.push(if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            });
        }
    }
    out
}

/// `entity_to_str(e, original)`.
pub(crate) fn entity_to_str(
    mode: EntityOutput,
    cp: u32,
    name: Option<&str>,
    original: Option<&str>,
) -> String {
    let ch = char::from_u32(cp);
    let escapes = |c: char| matches!(c, '<' | '>' | '&' | '"');
    if mode == EntityOutput::AsChar
        && let Some(c) = ch
        && (c == '"' || !escapes(c))
    {
        return c.to_string();
    }
    if matches!(mode, EntityOutput::AsInput | EntityOutput::AsChar)
        && let Some(o) = original
    {
        return o.to_string();
    }
    if (mode == EntityOutput::Symbolic || ch.is_some_and(escapes)) && name.is_some() {
        return format!("&{};", name.unwrap_or_default());
    }
    format!("&#{cp};")
}
