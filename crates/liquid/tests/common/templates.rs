//! A fixed-seed generator of Liquid templates: prose (Chinese and English news, with
//! stray `{`, `}`, `%`), variables with filters, every tag Liquid and Jekyll know, nested
//! blocks, whitespace control, and the mistakes scraped posts make (unclosed and
//! unmatched tags, bad markup, unknown tags, `{{`/`{%` inside prose).
#![allow(dead_code)]

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }
    pub fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
    pub fn pick_s(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const WORDS: &[&str] = &[
    "离岸人民币",
    "走强",
    "央行",
    "今日",
    "消息",
    "中国消费者报",
    "记者",
    "市场",
    "the",
    "market",
    "rose",
    "Fed",
    "said",
    "on",
    "Tuesday",
    "股市",
    "上涨",
    "3.5%",
    "（文章来源：天风研究）",
    "100",
    "-",
    "|",
    ":",
    ",",
    "\"引号\"",
    "'q'",
    "{",
    "}",
    "%",
    "}}",
    "%}",
    "#",
    "a{b}",
    "50%的",
];

const VARS: &[&str] = &[
    "page.title",
    "page.tags",
    "page.n",
    "page.date",
    "site.url",
    "site.baseurl",
    "site.title",
    "site.list",
    "page.missing",
    "x",
    "y",
    "forloop.index",
    "forloop.last",
    "item",
    "page.tags[0]",
    "page.tags.size",
    "page.tags.first",
    "site.list.last",
    "page['title']",
    "page.h.k",
    "\"lit\"",
    "'s'",
    "42",
    "3.14",
    "-1",
    "nil",
    "true",
    "false",
    "empty",
    "blank",
    "(1..3)",
    "page.empty_s",
    "page.zero",
    "include.x",
];

const FILTERS: &[&str] = &[
    "upcase",
    "downcase",
    "capitalize",
    "escape",
    "escape_once",
    "strip",
    "lstrip",
    "rstrip",
    "strip_html",
    "strip_newlines",
    "newline_to_br",
    "url_encode",
    "url_decode",
    "size",
    "first",
    "last",
    "reverse",
    "sort",
    "uniq",
    "compact",
    "jsonify",
    "xml_escape",
    "slugify",
    "cgi_escape",
    "uri_escape",
    "normalize_whitespace",
    "number_of_words",
    "relative_url",
    "absolute_url",
    "date_to_xmlschema",
    "date_to_string",
    "abs",
    "ceil",
    "floor",
    "md5_unknown",
    "markdownify",
    "smartify",
    "inspect",
    "to_integer",
    "array_to_sentence_string",
    "base64_encode",
];

const FILTERS_ARG: &[&str] = &[
    "append",
    "prepend",
    "remove",
    "remove_first",
    "split",
    "join",
    "default",
    "plus",
    "minus",
    "times",
    "divided_by",
    "modulo",
    "truncate",
    "truncatewords",
    "slice",
    "date",
    "replace",
    "replace_first",
    "round",
    "at_least",
    "at_most",
    "map",
    "where",
    "concat",
    "push",
];

const ARGS: &[&str] = &[
    "\"x\"",
    "'-'",
    "\", \"",
    "1",
    "2",
    "0",
    "page.n",
    "site.title",
    "\"%Y-%m-%d\"",
    "\"\"",
    "\"a\", \"b\"",
    "3, \"…\"",
    "\"title\"",
    "page.tags",
    "\"中\"",
];

pub struct Gen {
    pub rng: Rng,
    depth: usize,
    /// No deliberate mistakes: most such templates render.
    pub clean: bool,
}

impl Gen {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let clean = rng.chance(60);
        Gen {
            rng,
            depth: 0,
            clean,
        }
    }

    fn prose(&mut self, out: &mut String) {
        let n = 1 + self.rng.below(6);
        for _ in 0..n {
            let w = self.rng.pick_s(WORDS);
            if self.clean && (w.contains('{') || w.contains('%')) {
                out.push_str("股市 ");
                continue;
            }
            out.push_str(w);
            match self.rng.below(8) {
                0 => out.push('\n'),
                1 => out.push_str("\n\n"),
                2 | 3 => out.push(' '),
                _ => {}
            }
        }
    }

    /// Pick from `good`, or (not clean) sometimes from `bad`.
    fn pick2(&mut self, good: &[&'static str], bad: &[&'static str]) -> &'static str {
        if !self.clean && !bad.is_empty() && self.rng.chance(30) {
            self.rng.pick_s(bad)
        } else {
            self.rng.pick_s(good)
        }
    }

    fn open(&mut self) -> &'static str {
        self.rng.pick_s(&["{%", "{%", "{%", "{%-"])
    }
    fn close(&mut self) -> &'static str {
        self.rng.pick_s(&["%}", "%}", "%}", "-%}"])
    }
    fn ws(&mut self) -> &'static str {
        self.rng.pick_s(&[" ", " ", " ", "", "\n", "  "])
    }

    fn var_expr(&mut self) -> String {
        self.rng.pick_s(VARS).to_string()
    }

    fn filter_chain(&mut self) -> String {
        let mut s = String::new();
        for _ in 0..self.rng.below(3) {
            s.push_str(" | ");
            if self.rng.chance(50) {
                s.push_str(self.rng.pick_s(FILTERS));
            } else {
                s.push_str(self.rng.pick_s(FILTERS_ARG));
                if self.rng.chance(85) {
                    s.push_str(": ");
                    s.push_str(self.rng.pick_s(ARGS));
                }
            }
        }
        s
    }

    fn variable(&mut self, out: &mut String) {
        let o = self.rng.pick_s(&["{{", "{{", "{{-"]);
        let c = self.rng.pick_s(&["}}", "}}", "}}", "-}}"]);
        out.push_str(o);
        out.push_str(self.ws());
        let e = self.var_expr();
        out.push_str(&e);
        let f = self.filter_chain();
        out.push_str(&f);
        out.push_str(self.ws());
        match if self.clean { 9 } else { self.rng.below(30) } {
            0 => out.push('}'),
            1 => {}
            2 => out.push_str(" } x }}"),
            _ => out.push_str(c),
        }
    }

    fn cond(&mut self) -> String {
        let mut s = self.var_expr();
        match self.rng.below(10) {
            0..=3 => {}
            4..=7 => {
                s.push(' ');
                s.push_str(
                    self.rng
                        .pick_s(&["==", "!=", ">", "<", ">=", "<=", "contains", "<>"]),
                );
                s.push(' ');
                s.push_str(&self.var_expr());
            }
            8 if self.clean => {
                s = self
                    .rng
                    .pick_s(&["(1..2)", "a or b and c", "x==1", "x y", "a = b"])
                    .to_string()
            }
            8 => {
                s = self
                    .rng
                    .pick_s(&[
                        "",
                        "a = b",
                        "x and",
                        "(1..2)",
                        "x y",
                        "\"a",
                        "a or b and c",
                        "a foo b",
                        "x==1",
                    ])
                    .to_string()
            }
            _ => {
                s.push_str(self.rng.pick_s(&[" and ", " or "]));
                s.push_str(&self.var_expr());
            }
        }
        s
    }

    fn tag(&mut self, out: &mut String, name: &str, markup: &str) {
        out.push_str(self.open());
        out.push_str(self.ws());
        out.push_str(name);
        if !markup.is_empty() {
            out.push(' ');
            out.push_str(markup);
        }
        out.push_str(self.ws());
        out.push_str(self.close());
    }

    /// The end tag, sometimes missing or wrong.
    fn end(&mut self, out: &mut String, name: &str) {
        match if self.clean { 9 } else { self.rng.below(40) } {
            0 => {}
            1 => self.tag(out, "endif", ""),
            2 => self.tag(out, "endfor", ""),
            3 => self.tag(out, &format!("end{name}"), "x"),
            _ => self.tag(out, &format!("end{name}"), ""),
        }
    }

    pub fn body(&mut self, out: &mut String) {
        let n = 1 + self.rng.below(4);
        for _ in 0..n {
            self.item(out);
        }
    }

    fn item(&mut self, out: &mut String) {
        let deep = self.depth >= 4;
        let mut r = self.rng.below(if deep { 40 } else { 100 });
        if self.clean && matches!(r, 25..=27 | 36 | 39) {
            r = 0;
        }
        match r {
            0..=14 => self.prose(out),
            15..=24 => self.variable(out),
            25..=27 => {
                // Liquid-looking prose
                out.push_str(self.rng.pick_s(&[
                    "{{",
                    "{%",
                    "{ {",
                    "{{}}",
                    "{%%}",
                    "{% %}",
                    "{%-%}",
                    "价格{{上涨",
                    "{{ 中文 }}",
                    "{% 注 %}",
                    "a {%b c",
                    "{{a}",
                    "{#x#}",
                ]));
            }
            28..=29 => {
                let v = self.pick2(&["x", "y", "page.n", "x[0]"], &["a b", ""]);
                let e = self.var_expr();
                let f = self.filter_chain();
                let m = if self.clean || self.rng.chance(90) {
                    format!("{v} = {e}{f}")
                } else {
                    v.to_string()
                };
                self.tag(out, "assign", &m);
            }
            30 => {
                let m = self.pick2(&["x", "y"], &["", "x y"]);
                {
                    let n = self.rng.pick_s(&["increment", "decrement"]);
                    self.tag(out, n, m);
                }
            }
            31 => {
                let m = self.pick2(&["'a', 'b'", "\"g\": 1, 2", "x, y", "'a'"], &[""]);
                self.tag(out, "cycle", m);
            }
            32 => {
                let e = self.var_expr() + &self.filter_chain();
                self.tag(out, "echo", &e);
            }
            33 => {
                let m = self.pick2(
                    &[
                        "a.html",
                        "a.html x=\"1\"",
                        "a.html x=page.title",
                        "b.html y=1",
                        "{{ page.inc }}",
                        "a.html x='q'",
                    ],
                    &[
                        "missing.html",
                        "a.html x=1 y",
                        "",
                        "../a.html",
                        "broken.html",
                    ],
                );
                {
                    let n = self.pick2(&["include"], &["include_relative"]);
                    self.tag(out, n, m);
                }
            }
            34 => {
                let m = self.pick2(
                    &[
                        "2021-01-01-hello",
                        "2022-03-18-foo-bar",
                        "sub/2020-05-05-nested",
                        "/2021-01-01-hello",
                    ],
                    &["2021-01-01-nope", "nodate"],
                );
                self.tag(out, "post_url", m);
            }
            35 => {
                let m = self.pick2(
                    &["about.md", "assets/a.css", "_posts/2021-01-01-hello.md"],
                    &["nope.md"],
                );
                self.tag(out, "link", m);
            }
            36 => {
                let n = self.rng.pick_s(&[
                    "foo", "endif", "else", "end", "elsif x", "when 1", "endfor", "seo", "liquid",
                    "endraw",
                ]);
                self.tag(out, n, "");
            }
            37 => {
                let m = self.pick2(&["# note", "#note\n# two", "#"], &["# a\nb", ""]);
                out.push_str("{%");
                out.push_str(m);
                out.push_str("%}");
            }
            38 => {
                // liquid tag
                let mut m = String::from("\n");
                for _ in 0..1 + self.rng.below(4) {
                    let l = if self.clean {
                        self.rng.pick_s(&[
                            "assign x = 1",
                            "echo x",
                            "echo 'a' | upcase",
                            "",
                            "  ",
                            "# c",
                            "increment z",
                            "if x\necho x\nelse\necho 'n'\nendif",
                            "for i in (1..2)\necho i\nendfor",
                        ])
                    } else {
                        self.rng.pick_s(&[
                            "assign x = 1",
                            "echo x",
                            "if x",
                            "endif",
                            "echo 'a' | upcase",
                            "",
                            "  ",
                            "for i in (1..2)",
                            "echo i",
                            "endfor",
                            "foo",
                            "{{ x }}",
                            "comment",
                            "endcomment",
                            "# c",
                            "increment z",
                            "else",
                            "unless y",
                            "endunless",
                            "raw",
                        ])
                    };
                    m.push_str(l);
                    m.push('\n');
                }
                self.tag(out, "liquid", &m);
            }
            39 => {
                let m = self.rng.pick_s(&["'a'", "a", ""]);
                self.tag(out, "render", m);
            }
            _ => self.block(out),
        }
    }

    fn block(&mut self, out: &mut String) {
        self.depth += 1;
        match self.rng.below(12) {
            0..=2 => {
                let c = self.cond();
                let name = if self.rng.chance(80) { "if" } else { "unless" };
                self.tag(out, name, &c);
                self.body(out);
                for _ in 0..self.rng.below(3) {
                    if self.rng.chance(60) {
                        let c = self.cond();
                        self.tag(out, "elsif", &c);
                    } else {
                        self.tag(out, "else", "");
                    }
                    self.body(out);
                }
                self.end(out, name);
            }
            3..=4 => {
                let m = self.pick2(
                    &[
                        "i in (1..3)",
                        "t in page.tags",
                        "t in page.tags reversed",
                        "t in site.list limit:2",
                        "t in site.list offset:1",
                        "i in (1..n)",
                        "t in page.tags limit: 1 offset: 1",
                        "i in (3..1)",
                        "t in page.title",
                        "t in page.missing",
                        "t in page.tags foo:1",
                        "t in site.list offset:continue",
                        "t in page.h",
                    ],
                    &["i in", "in x", "i page.tags", ""],
                );
                self.tag(out, "for", m);
                self.body(out);
                if self.rng.chance(20) {
                    if self.rng.chance(20) {
                        out.push_str("{% break %}");
                    } else {
                        out.push_str("{% continue %}");
                    }
                }
                if self.rng.chance(25) {
                    self.tag(out, "else", "");
                    self.body(out);
                }
                self.end(out, "for");
            }
            5 => {
                let v = self.var_expr();
                self.tag(out, "case", &v);
                if self.rng.chance(30) {
                    self.prose(out);
                }
                for _ in 0..1 + self.rng.below(3) {
                    let w = self.pick2(&["1", "'a', 'b'", "page.n or 2", "\"离岸\"", "x"], &[""]);
                    self.tag(out, "when", w);
                    self.body(out);
                }
                if self.rng.chance(40) {
                    {
                        let m = self.pick2(&[""], &["x"]);
                        self.tag(out, "else", m);
                    }
                    self.body(out);
                }
                self.end(out, "case");
            }
            6 => {
                {
                    let m = self.pick2(&["x", "y", "x.y"], &[""]);
                    self.tag(out, "capture", m);
                }
                self.body(out);
                self.end(out, "capture");
                if self.rng.chance(60) {
                    out.push_str("{{ x }}");
                }
            }
            7 => {
                self.tag(out, "comment", "");
                self.body(out);
                self.end(out, "comment");
            }
            8 => {
                {
                    let m = self.pick2(&[""], &["x"]);
                    self.tag(out, "raw", m);
                }
                let mut b = String::new();
                self.body(&mut b);
                out.push_str(&b);
                match if self.clean { 5 } else { self.rng.below(10) } {
                    0 => {}
                    1 => out.push_str("{%- endraw -%}"),
                    _ => out.push_str("{% endraw %}"),
                }
            }
            9 => {
                {
                    let m = self.pick2(&["ruby", "js linenos", "c++ x=1"], &[""]);
                    self.tag(out, "highlight", m);
                }
                self.prose(out);
                self.end(out, "highlight");
            }
            10 => {
                self.tag(out, "ifchanged", "");
                self.body(out);
                self.end(out, "ifchanged");
            }
            _ => {
                {
                    let m = self.pick2(&["t in page.tags cols:2", "i in (1..3)"], &["x"]);
                    self.tag(out, "tablerow", m);
                }
                self.body(out);
                self.end(out, "tablerow");
            }
        }
        self.depth -= 1;
    }
}

/// One generated case: (template, page, site, includes).
pub fn case(seed: u64) -> serde_json::Value {
    let mut g = Gen::new(seed);
    let mut t = String::new();
    g.body(&mut t);
    if g.rng.chance(50) {
        g.body(&mut t);
    }
    let page = serde_json::json!({
        "title": if g.rng.chance(50) { "离岸人民币走强 & <b>\"涨\"</b>" } else { "Fed rate" },
        "tags": ["中国消费者报新闻", "finance", "a b"],
        "n": if g.rng.chance(50) { 3 } else { 0 },
        "zero": 0,
        "empty_s": "",
        "date": "2021-12-08 10:46:18 +0800",
        "h": {"k": "v"},
        "inc": "a.html",
        "path": "_posts/2021-12-08-x.md",
    });
    let site = serde_json::json!({
        "url": if g.rng.chance(70) { "https://example.com" } else { "" },
        "baseurl": g.rng.pick_s(&["", "/blog", "/blog/"]),
        "title": "财经",
        "list": ["x", "y", "z"],
    });
    let includes = serde_json::json!({
        "a.html": "A[{{ include.x }}]",
        "b.html": "B{% if include.y %}y{% endif %}",
        "broken.html": "{% if %}",
    });
    serde_json::json!({"template": t, "page": page, "site": site, "includes": includes,
                       "excerpt_separator": "\n\n"})
}
