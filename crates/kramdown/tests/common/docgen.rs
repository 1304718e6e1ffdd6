//! Random kramdown/GFM/HTML documents from a small grammar (deterministic per seed).
#![allow(dead_code)]

/// xorshift64* PRNG.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(0x1234_5678_9ABC_DEF1)
            | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs.get(self.below(xs.len())).copied().unwrap_or("")
    }
}

const WORDS: &[&str] = &[
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "Jekyll",
    "post",
    "x",
    "foo_bar",
    "snake_case_word",
    "a-b",
    "3.14",
    "naïve",
    "café",
    "日本語",
    "über",
    "B2B",
    "it's",
    "don't",
    "rock'n'roll",
    "1990s",
    "'90s",
    "TODO",
    "HTML",
    "CSS",
    "W3C",
    "e.g.",
    "i.e.",
    "user@example.org",
    "http://example.com",
    "www.example.com",
    "C++",
    "C#",
    "50%",
    "$5",
    "a|b",
    "::",
    "--",
    "...",
    "<<",
    ">>",
    "->",
    "=>",
    "~~",
    "~",
    "^",
    "@",
    "#tag",
    "a*b",
    "2*3*4",
    "x_y_z",
];

const URLS: &[&str] = &[
    "http://example.com/",
    "https://example.com/path?q=1&r=2#frag",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "  javascript:void(0)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "/relative/path.html",
    "../up.png",
    "#anchor",
    "mailto:someone@example.org",
    "{{ site.baseurl }}/page",
    "{% link _posts/2020-01-01-x.md %}",
    "<http://angle.example.com>",
    "http://example.com/a_(b)_c",
    "http://x.com/\"onmouseover=\"alert(1)",
    "foo bar",
    "",
];

const ATTR_NAMES: &[&str] = &[
    "class",
    "id",
    "href",
    "src",
    "onclick",
    "onmouseover",
    "ONLOAD",
    "onError",
    "style",
    "title",
    "data-x",
    "x_y",
    "a:b",
    "a.b",
    "xlink:href",
    "formaction",
    "srcdoc",
    "lang",
    "markdown",
    "dir",
    "ñame",
    "v-on:click",
    "@click",
];

const TAGS: &[&str] = &[
    "div",
    "span",
    "p",
    "a",
    "b",
    "i",
    "em",
    "strong",
    "script",
    "style",
    "iframe",
    "svg",
    "math",
    "img",
    "br",
    "table",
    "td",
    "tr",
    "section",
    "details",
    "summary",
    "H1",
    "DIV",
    "Script",
    "SPAN",
    "custom-el",
    "x_y",
    "a:b",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "textarea",
    "pre",
    "code",
    "kbd",
    "video",
    "audio",
    "source",
    "noscript",
    "template",
    "select",
    "option",
    "center",
    "font",
    "ul",
    "li",
    "dl",
    "dt",
    "blockquote",
    "figure",
];

fn word(r: &mut Rng) -> String {
    r.pick(WORDS).to_string()
}

fn attr_value(r: &mut Rng) -> String {
    match r.below(8) {
        0 => r.pick(URLS).to_string(),
        1 => "alert(1)".into(),
        2 => "x\ny".into(),
        3 => "a&amp;b".into(),
        4 => "it's".into(),
        5 => "say \"hi\"".into(),
        6 => String::new(),
        _ => word(r),
    }
}

fn html_attrs(r: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..r.below(4) {
        s.push(if r.chance(10) {
            '\n'
        } else if r.chance(5) {
            '\t'
        } else {
            ' '
        });
        if r.chance(3) {
            s.push('\u{b}');
        }
        let n = r.pick(ATTR_NAMES);
        s.push_str(n);
        match r.below(6) {
            0 => {}
            1 => {
                s.push('=');
                s.push_str(&word(r).replace(['\'', '"', '>', '<', ' '], ""));
            }
            2 => {
                s.push_str("='");
                s.push_str(&attr_value(r).replace('\'', ""));
                s.push('\'');
            }
            3 if r.chance(30) => {
                s.push_str("=\"unterminated");
            }
            _ => {
                s.push_str("=\"");
                s.push_str(&attr_value(r).replace('"', ""));
                s.push('"');
            }
        }
    }
    if r.chance(8) {
        s.push_str(" onclick=\"a()\" onclick=\"b()\"");
    }
    if r.chance(8) {
        s.push_str(" markdown=\"1\"");
    }
    s
}

fn html_inline(r: &mut Rng, depth: usize) -> String {
    let tag = r.pick(TAGS);
    let mut s = format!("<{tag}{}", html_attrs(r));
    if r.chance(10) {
        s.push_str(" /");
    }
    s.push('>');
    if r.chance(80) {
        s.push_str(&inline(r, depth + 1, 3));
        if r.chance(85) {
            let close = if r.chance(20) {
                tag.to_uppercase()
            } else {
                tag.to_string()
            };
            s.push_str(&format!("</{close}>"));
        }
    }
    s
}

fn link(r: &mut Rng, depth: usize) -> String {
    let text = if depth < 3 {
        inline(r, depth + 1, 2)
    } else {
        word(r)
    };
    let url = r.pick(URLS);
    let bang = if r.chance(25) { "!" } else { "" };
    match r.below(9) {
        0 => format!("{bang}[{text}]({url})"),
        1 => format!("{bang}[{text}]({url} \"title {}\")", word(r)),
        2 => format!("{bang}[{text}](<{url}>)"),
        3 => format!("{bang}[{text}][ref{}]", r.below(3)),
        4 => format!("{bang}[ref{}]", r.below(3)),
        5 => format!("{bang}[{text}][]"),
        6 => format!("<{}>", url.trim()),
        7 => format!(
            "<{}@{}.org>",
            word(r).replace([' ', '\'', '<', '>', '@'], ""),
            word(r).replace([' ', '\'', '<', '>', '@'], "")
        ),
        _ => format!("{bang}[{text}]({url}){{:target=\"_blank\" onclick=\"x()\"}}"),
    }
}

/// Inline content.
pub fn inline(r: &mut Rng, depth: usize, max_items: usize) -> String {
    let mut s = String::new();
    let n = 1 + r.below(max_items.max(1));
    for i in 0..n {
        if i > 0 {
            s.push_str(r.pick(&[" ", " ", " ", "", "  ", "\t", "\n", "  \n", "\\\n"]));
        }
        let k = if depth > 3 { r.below(6) } else { r.below(40) };
        let piece = match k {
            0..=5 => word(r),
            6 => format!("*{}*", inline(r, depth + 1, 2)),
            7 => format!("**{}**", inline(r, depth + 1, 2)),
            8 => format!("_{}_", inline(r, depth + 1, 2)),
            9 => format!("__{}__", inline(r, depth + 1, 2)),
            10 => format!(
                "`{}`",
                r.pick(&[
                    "code",
                    "a < b",
                    "<script>x</script>",
                    "`",
                    "x` `y",
                    "[l](javascript:x)"
                ])
            ),
            11 => format!("`` {} ``", r.pick(&["a`b", "`", "<b>"])),
            12..=14 => link(r, depth),
            15..=17 => html_inline(r, depth),
            18 => r
                .pick(&[
                    "&amp;",
                    "&lt;",
                    "&copy;",
                    "&#169;",
                    "&#x41;",
                    "&nbsp;",
                    "&bogus;",
                    "&#0;",
                    "&",
                    "&#1114111;",
                    "&quot;",
                    "&#60;",
                ])
                .to_string(),
            19 => r
                .pick(&[
                    "{{ page.title }}",
                    "{% if x %}y{% endif %}",
                    "{{ '<b>' | escape }}",
                    "{% raw %}{{x}}{% endraw %}",
                    "{%- include x.html -%}",
                ])
                .to_string(),
            20 => format!("\"{}\"", word(r)),
            21 => format!("'{}'", word(r)),
            22 => r
                .pick(&["--", "---", "...", "<< x >>", "\\<<", "a -- b", " >>"])
                .to_string(),
            23 => r
                .pick(&[
                    "\\*", "\\_", "\\[", "\\<", "\\`", "\\\\", "\\~", "\\|", "\\{", "\\$", "\\q",
                ])
                .to_string(),
            24 => format!("[^{}]", r.pick(&["1", "note", "x", "missing"])),
            25 => format!("$${}$$", r.pick(&["x^2", "a<b", "\\frac{1}{2}", ""])),
            26 => r.pick(&["HTML", "W3C", "CSS"]).to_string(),
            27 => format!("~~{}~~", inline(r, depth + 1, 2)),
            28 => format!("{}{{: .cls #id}}", word(r)),
            29 => format!("*{}**", word(r)),
            30 => r
                .pick(&[
                    "<!-- comment -->",
                    "<!-- <script>alert(1)</script> -->",
                    "<!--x",
                    "<?php echo 1 ?>",
                    "<![CDATA[x]]>",
                ])
                .to_string(),
            31 => r
                .pick(&[
                    "{::nomarkdown}<script>a()</script>{:/}",
                    "{::comment}hidden <b>x</b>{:/comment}",
                    "{::options parse_span_html=\"false\" /}",
                    "{::bogus}x{:/}",
                    "{:/}",
                ])
                .to_string(),
            32 => r
                .pick(&[
                    "<a b",
                    "< a",
                    "<a href=x>",
                    "</a>",
                    "<3",
                    "a<b>c",
                    "<b>unclosed",
                    "<span\nclass=x>y</span>",
                ])
                .to_string(),
            33 => r
                .pick(&["[", "]", "![", "(", ")", "[x]", "[x](", "[x](y", "[]()"])
                .to_string(),
            34 => r
                .pick(&["*", "**", "_", "__", "***", "* x *", "_x", "x_"])
                .to_string(),
            35 => r
                .pick(&[
                    "<script>alert(1)</script>",
                    "<iframe src=\"javascript:alert(1)\"></iframe>",
                    "<svg onload=alert(1)>",
                    "<img src=x onerror=alert(1)>",
                    "<a href=\"javascript:alert(1)\">x</a>",
                ])
                .to_string(),
            36 => r
                .pick(&["[x]: http://a.b", "*[HTML]: Hyper", "[^1]: note"])
                .to_string(),
            37 => "ünïcödé text «quoted»".into(),
            38 => r
                .pick(&["\u{a0}", "\u{200b}", "\u{feff}", "\t", "\u{b}", "\u{c}"])
                .to_string(),
            _ => word(r),
        };
        s.push_str(&piece);
    }
    s
}

fn indent_lines(s: &str, ind: &str, first: &str) -> String {
    let mut out = String::new();
    for (i, l) in s.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str(first);
        } else if !l.trim().is_empty() {
            out.push_str(ind);
        }
        out.push_str(l);
    }
    out
}

/// One block (ending with a newline).
pub fn block(r: &mut Rng, depth: usize) -> String {
    let k = if depth > 4 { r.below(8) } else { r.below(45) };
    let mut s = match k {
        0..=4 => format!("{}\n", inline(r, depth, 6)),
        5 => format!(
            "{} {}\n",
            "#".repeat(1 + r.below(7)),
            inline(r, depth + 2, 3)
        ),
        6 => format!(
            "{}\n{}\n",
            inline(r, depth + 2, 2),
            r.pick(&["===", "---", "=-=", "--- ", "="])
        ),
        7 => format!(
            "{} {}{}\n",
            "#".repeat(1 + r.below(3)),
            word(r),
            r.pick(&[" {#my-id}", " ##", " {#1bad}", "{#x}", ""])
        ),
        8 | 9 => {
            let inner = blocks(r, depth + 1, 2);
            indent_lines(&inner, r.pick(&["> ", ">", "", "  > "]), "> ")
        }
        10..=13 => {
            let marker = r.pick(&["-", "*", "+", "1.", "2.", "10."]);
            let sp = r.pick(&[" ", "  ", "   ", "    ", "     ", "\t", " \t"]);
            let mut out = String::new();
            for _ in 0..1 + r.below(3) {
                let inner = blocks(r, depth + 1, 2);
                let ind = " ".repeat(marker.len() + sp.len().min(4));
                let first = format!(
                    "{marker}{sp}{}",
                    if r.chance(10) {
                        "[ ] "
                    } else if r.chance(8) {
                        "[x] "
                    } else {
                        ""
                    }
                );
                out.push_str(&indent_lines(
                    &inner,
                    if r.chance(15) { "\t" } else { &ind },
                    &first,
                ));
                if r.chance(30) {
                    out.push('\n');
                }
            }
            out
        }
        14 => {
            let lang = r.pick(&["", "ruby", "html", "js?x=1", " python ", "c++ extra"]);
            let fence = r.pick(&["```", "~~~", "````", "~~~~~"]);
            let body = r.pick(&[
                "code <b>\n",
                "<script>alert(1)</script>\n",
                "a\n\n  b\n",
                "",
                "``` not end\n",
                "{{ x }}\n",
            ]);
            let close = if r.chance(85) { fence } else { "" };
            format!("{fence}{lang}\n{body}{close}\n")
        }
        15 => format!(
            "    {}\n    {}\n",
            r.pick(&["code", "<div>x</div>", "\tx"]),
            word(r)
        ),
        16 => r
            .pick(&["***\n", "- - -\n", "___\n", "* * *\n"])
            .to_string(),
        17..=20 => {
            let tag = r.pick(&[
                "div", "DIV", "section", "details", "table", "script", "style", "iframe", "svg",
                "p", "pre", "H1", "form", "custom", "x_y", "math", "noscript", "textarea",
            ]);
            let attrs = html_attrs(r);
            let inner = if r.chance(50) {
                blocks(r, depth + 1, 2)
            } else {
                format!("{}\n", inline(r, depth + 1, 3))
            };
            let sep = r.pick(&["\n", "", "\n\n", "\n\t"]);
            let close = if r.chance(85) {
                format!("</{tag}>")
            } else {
                String::new()
            };
            let inner = if r.chance(20) {
                indent_lines(&inner, "\t", "\t")
            } else {
                inner
            };
            format!(
                "{}<{tag}{attrs}>{sep}{inner}{sep}{close}{}\n",
                r.pick(&["", " ", "   "]),
                r.pick(&["", " trailing", "  "])
            )
        }
        21 => r
            .pick(&[
                "<!-- block comment -->\n",
                "<!--\nmulti\n\nline\n-->\n",
                "<!-- a --> after\n",
                "<?xml version=\"1.0\"?>\n",
            ])
            .to_string(),
        22 => format!(
            "[ref{}]: {}{}\n",
            r.below(3),
            r.pick(URLS),
            r.pick(&[
                "",
                " \"Title\"",
                " 'T'",
                "\n  \"Next line title\"",
                " (paren)"
            ])
        ),
        23 => format!(
            "*[{}]: {}\n",
            r.pick(&["HTML", "W3C", "CSS"]),
            r.pick(&["Hyper Text", "", "<b>x</b>"])
        ),
        24 => format!(
            "[^{}]: {}\n{}",
            r.pick(&["1", "note", "x"]),
            inline(r, depth + 1, 3),
            if r.chance(40) {
                format!("    {}\n", inline(r, depth + 1, 2))
            } else {
                String::new()
            }
        ),
        25 => format!("$$\n{}\n$$\n", r.pick(&["x^2", "a < b", "\\sum_i"])),
        26 => format!(
            "{{: {}}}\n",
            r.pick(&[
                ".cls",
                "#id",
                "onclick=\"alert(1)\"",
                "style=\"x\" .a .b",
                "ref",
                "title=\"t\\\"q\""
            ])
        ),
        27 => format!(
            "{{:ref: {}}}\n",
            r.pick(&[".fromald", "onmouseover=\"x()\"", "#aldid"])
        ),
        28 => r
            .pick(&[
                "{::nomarkdown}\n<div onclick=\"x\">raw</div>\n{:/nomarkdown}\n",
                "{::comment}\nhidden <script>x</script>\n{:/comment}\n",
                "{::options parse_block_html=\"true\" /}\n",
                "{::options auto_ids=\"false\" /}\n",
                "{::nomarkdown type=\"latex\"}\n\\x\n{:/}\n",
                "{::comment}\nunclosed\n",
            ])
            .to_string(),
        29 => format!("{}\n: {}\n", word(r), inline(r, depth + 1, 2)),
        30 | 31 => {
            let cols = 1 + r.below(3);
            let mut out = String::new();
            let lead = r.chance(50);
            for row in 0..2 + r.below(3) {
                if lead {
                    out.push('|');
                }
                for c in 0..cols {
                    out.push_str(&format!(
                        " {} ",
                        if r.chance(20) {
                            "`a|b`".to_string()
                        } else {
                            inline(r, depth + 3, 1).replace('\n', " ")
                        }
                    ));
                    if c + 1 < cols || r.chance(50) {
                        out.push('|');
                    }
                }
                out.push('\n');
                if row == 0 && r.chance(70) {
                    out.push_str(&format!(
                        "{}\n",
                        r.pick(&["|---|---|", "|:--|--:|", "| :-: |", "---|---", "|===|"])
                    ));
                }
            }
            out
        }
        32 => "^\n".into(),
        33 => format!(
            "<{}{}>\n",
            r.pick(&["div", "p", "img", "br", "hr", "input"]),
            html_attrs(r)
        ),
        34 => format!("</{}>\n", r.pick(&["div", "p", "span"])),
        35 => r
            .pick(&[
                "<div markdown=\"1\">\n*md* [x](javascript:y)\n</div>\n",
                "<div markdown=\"0\">*x*</div>\n",
                "<span markdown=\"span\">*x*</span>\n",
                "<div markdown=\"block\">\n\n# H\n\n</div>\n",
            ])
            .to_string(),
        36 => "* TOC\n{:toc}\n".into(),
        37 => format!("![{}]({}){{:standalone}}\n", word(r), r.pick(URLS)),
        38 => format!(
            "{}\n{}\n",
            inline(r, depth + 1, 2),
            r.pick(&[
                "> quote after para",
                "- list after para",
                "# head after para",
                "```\ncode\n```",
                "<div>x</div>",
                "    indented"
            ])
        ),
        _ => format!("{}\n", inline(r, depth, 4)),
    };
    if r.chance(10) {
        s.push_str(r.pick(&["{: .after}\n", "{:#blockid}\n", "{: onclick=\"x\"}\n"]));
    }
    s
}

/// Several blocks separated by blank lines (mostly).
pub fn blocks(r: &mut Rng, depth: usize, max: usize) -> String {
    let mut s = String::new();
    let n = 1 + r.below(max.max(1));
    for i in 0..n {
        if i > 0 {
            s.push_str(r.pick(&["\n", "\n", "\n", "", "\n\n", "  \n"]));
        }
        s.push_str(&block(r, depth));
    }
    s
}

/// A whole document for `seed`.
pub fn document(seed: u64) -> String {
    let mut r = Rng::new(seed);
    let mut s = blocks(&mut r, 0, 8);
    if r.chance(10) {
        s = s.replace('\n', "\r\n");
    }
    if r.chance(10) {
        s.pop();
    }
    s
}
