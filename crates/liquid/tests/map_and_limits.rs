//! The source map's invariants, linear time on pathological inputs, and no panics on
//! any input.

mod common;

use jekyll_liquid::{ParseOptions, RenderOptions, Rendered, SegmentKind, parse, render};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// Every output byte is in exactly one segment, in order; literal segments copy their
/// source bytes; every source range lies in the source.
fn check_map(src: &str, r: &Rendered) -> Result<(), String> {
    let mut pos = 0;
    for s in &r.map {
        if s.out.start != pos {
            return Err(format!("gap or overlap at {pos}: {s:?}"));
        }
        if s.out.end < s.out.start || s.out.end > r.output.len() {
            return Err(format!("bad out range {s:?}"));
        }
        if s.out.start == s.out.end && s.kind != SegmentKind::Unknown {
            return Err(format!("empty known segment {s:?}"));
        }
        if s.src.start > s.src.end || s.src.end > src.len() {
            return Err(format!("source range out of bounds {s:?}"));
        }
        if s.kind == SegmentKind::Literal
            && r.output.as_bytes()[s.out.clone()] != src.as_bytes()[s.src.clone()]
        {
            return Err(format!("literal segment differs from its source {s:?}"));
        }
        pos = s.out.end;
    }
    if pos != r.output.len() {
        return Err(format!("map covers {pos} of {} bytes", r.output.len()));
    }
    for b in 0..r.output.len() {
        let Some(range) = r.source_of(b) else {
            return Err(format!("byte {b} maps nowhere"));
        };
        if range.end > src.len() {
            return Err(format!("byte {b} maps outside the source"));
        }
    }
    Ok(())
}

#[test]
fn generated_templates_map_back_into_the_source() {
    let opts = ParseOptions::default();
    let ropts = RenderOptions::default();
    let mut rendered = 0;
    for seed in 0..600u64 {
        let c = common::templates::case(seed);
        let src = c["template"].as_str().unwrap_or("");
        let t = parse(src, &opts);
        let host = common::FixtureHost {
            includes: &c["includes"],
        };
        let r = render(&t, &c["site"], &c["page"], &host, &ropts);
        if r.error.is_none() {
            rendered += 1;
        }
        if let Err(e) = check_map(src, &r) {
            panic!("seed {seed}: {e}\n{src:?}");
        }
    }
    assert!(rendered > 100, "only {rendered} templates rendered");
}

#[test]
fn literal_text_maps_identically() {
    let src = "价格 {{ page.n }} 上涨 {% if true %}yes{% endif %}\n{% raw %}{{ x }}{% endraw %}";
    let t = parse(src, &ParseOptions::default());
    assert!(t.errors.is_empty());
    let page = serde_json::json!({"n": 42});
    let r = render(
        &t,
        &serde_json::json!({}),
        &page,
        &jekyll_liquid::NoHost,
        &RenderOptions::default(),
    );
    assert_eq!(r.output, "价格 42 上涨 yes\n{{ x }}");
    check_map(src, &r).unwrap();
    let kinds: Vec<(&str, &str, SegmentKind)> = r
        .map
        .iter()
        .map(|s| (&r.output[s.out.clone()], &src[s.src.clone()], s.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("价格 ", "价格 ", SegmentKind::Literal),
            ("42", "{{ page.n }}", SegmentKind::Output),
            (" 上涨 ", " 上涨 ", SegmentKind::Literal),
            ("yes", "yes", SegmentKind::Literal),
            ("\n", "\n", SegmentKind::Literal),
            ("{{ x }}", "{{ x }}", SegmentKind::Literal),
        ]
    );
    // An unknown filter's output is marked, not guessed.
    let t = parse("a{{ page.n | date: '%Y' }}b", &ParseOptions::default());
    let r = render(
        &t,
        &serde_json::json!({}),
        &page,
        &jekyll_liquid::NoHost,
        &RenderOptions::default(),
    );
    assert!(r.map.iter().any(|s| s.is_unknown()));
    assert_eq!(r.output, "ab");
}

#[test]
fn includes_map_to_the_include_tag() {
    let c = common::templates::case(0);
    let src = "x{% include a.html x='q' %}y";
    let t = parse(src, &ParseOptions::default());
    let host = common::FixtureHost {
        includes: &c["includes"],
    };
    let r = render(&t, &c["site"], &c["page"], &host, &RenderOptions::default());
    assert_eq!(r.output, "xA[q]y");
    check_map(src, &r).unwrap();
    let inc = &r.map[1];
    assert_eq!(inc.kind, SegmentKind::Include);
    assert_eq!(&src[inc.src.clone()], "{% include a.html x='q' %}");
    assert_eq!(&r.output[inc.out.clone()], "A[q]");
}

fn time<F: FnMut()>(mut f: F) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// Parse (and render) `make(n)` and `make(2n)`: the larger must not take more than
/// ~3× the smaller (plus slack for timer noise), and the large one must finish fast.
fn assert_linear(name: &str, make: impl Fn(usize) -> String) {
    let n = 50_000;
    let small = make(n);
    let big = make(2 * n);
    let run = |s: &str| {
        let t = parse(s, &ParseOptions::default());
        let _ = render(
            &t,
            &serde_json::json!({}),
            &serde_json::json!({}),
            &jekyll_liquid::NoHost,
            &RenderOptions::default(),
        );
    };
    run(&small);
    let a = time(|| run(&small));
    let b = time(|| run(&big));
    assert!(
        b < a * 4 + Duration::from_millis(50),
        "{name}: {n} → {a:?}, {} → {b:?}",
        2 * n
    );
    assert!(b < Duration::from_secs(3), "{name}: {b:?}");
}

#[test]
fn linear_on_pathological_inputs() {
    assert_linear("nested if", |n| "{% if x %}".repeat(n));
    assert_linear("nested if closed", |n| {
        "{% if x %}".repeat(n) + &"{% endif %}".repeat(n)
    });
    assert_linear("open variables", |n| "{{".repeat(n));
    assert_linear("open tags", |n| "{%".repeat(n));
    assert_linear("open variables with prose", |n| "价格{{上涨 ".repeat(n));
    assert_linear("variables", |n| "{{ x }}".repeat(n));
    assert_linear("sequential ifs", |n| "{% if true %}a{% endif %}".repeat(n));
    assert_linear("trim", |n| {
        "   {%- if true -%}   ".repeat(n) + &"{% endif %}".repeat(0)
    });
    assert_linear("raw", |n| format!("{{% raw %}}{}", "{{ {% x %} ".repeat(n)));
    assert_linear("comment", |n| {
        format!("{{% comment %}}{}", "{% x %}".repeat(n))
    });
    assert_linear("liquid lines", |n| {
        format!("{{% liquid\n{}%}}", "echo 'a'\n".repeat(n))
    });
    assert_linear("long markup", |n| {
        format!("{{% if {} %}}{{% endif %}}", "a and ".repeat(n))
    });
    assert_linear("long filter chain", |n| {
        format!("{{{{ x{} }}}}", " | append: 'a'".repeat(n))
    });
    assert_linear("spaces before and", |n| {
        format!("{{% if a{}and b %}}{{% endif %}}", " ".repeat(n))
    });
    // Strict parsing fails on `=`, so the lax scan runs over the spaces.
    assert_linear("spaces before and, lax", |n| {
        format!("{{% if a{}and b = c %}}{{% endif %}}", " ".repeat(n))
    });
    assert_linear("lax words", |n| {
        format!("{{% if {} = %}}{{% endif %}}", "a ".repeat(n))
    });
    assert_linear("excerpt of many open blocks", |n| {
        let e = jekyll_liquid::excerpt(
            &format!("{}\n\nx", "{% if a %}{% for b in c %}".repeat(n)),
            "\n\n",
            &ParseOptions::default(),
        );
        e.map(|e| e.text).unwrap_or_default()
    });
    assert_linear("when list", |n| {
        format!(
            "{{% case x %}}{{% when {} %}}{{% endcase %}}",
            "1, ".repeat(n)
        )
    });
}

#[test]
fn nesting_limit_is_liquids_own() {
    let t = parse(&"{% if x %}".repeat(100_000), &ParseOptions::default());
    assert_eq!(t.errors.len(), 1);
    assert_eq!(t.errors[0].message, "Liquid error: Nesting too deep");
    let t = parse(&"{{".repeat(100_000), &ParseOptions::default());
    assert_eq!(
        t.errors[0].message,
        "Liquid syntax error (line 1): Variable '{{' was not properly terminated with regexp: /\\}\\}/"
    );
}

#[test]
fn plugin_tags_are_kept_opaque() {
    let opts = ParseOptions::with_tags(["seo"], ["mermaid"]);
    let src = "a{% seo %}b{% mermaid %}graph {{ x }}{% endmermaid %}c";
    let t = parse(src, &opts);
    assert!(t.errors.is_empty(), "{:?}", t.errors);
    let r = render(
        &t,
        &serde_json::json!({}),
        &serde_json::json!({}),
        &jekyll_liquid::NoHost,
        &RenderOptions::default(),
    );
    assert_eq!(r.output, "abc");
    assert_eq!(r.map.iter().filter(|s| s.is_unknown()).count(), 2);
    let t = parse(src, &ParseOptions::default());
    assert_eq!(
        t.errors[0].message,
        "Liquid syntax error (line 1): Unknown tag 'seo'"
    );
    assert_eq!(&src[t.errors[0].span.clone()], "{% seo %}");
}

const ALPHABET: &[&str] = &[
    "{%",
    "%}",
    "{{",
    "}}",
    "{",
    "}",
    "-",
    " ",
    "\n",
    "if",
    "endif",
    "for",
    "endfor",
    "in",
    "raw",
    "endraw",
    "comment",
    "endcomment",
    "liquid",
    "x",
    "'",
    "\"",
    "|",
    ":",
    ",",
    "(",
    "..",
    ")",
    "[",
    "]",
    "include",
    "a.html",
    "=",
    "<",
    "case",
    "when",
    "else",
    "elsif",
    "capture",
    "价格",
    "#",
    "assign",
    "echo",
    "cycle",
    "tablerow",
    "highlight",
    "post_url",
    "link",
    "1",
    "page.n",
    "empty",
    "and",
    "or",
    "contains",
    "\r",
    "\t",
    "é",
    "9223372036854775807",
    "-9223372036854775808",
    "-1",
    "0",
    "| divided_by:",
    "| modulo:",
    "| plus:",
    "| times:",
    "| size",
    "| slice:",
    "| truncate:",
    "| truncatewords:",
    "limit:",
    "offset:",
    "(-5..",
    "page.tags",
    "| join:",
    "| split:",
    "| first",
    "| reverse",
    "| default:",
    "| append:",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn never_panics_on_token_soup(parts in prop::collection::vec(0..ALPHABET.len(), 0..60)) {
        let src: String = parts.iter().map(|&i| ALPHABET[i]).collect();
        let c = common::templates::case(1);
        let t = parse(&src, &ParseOptions::default());
        let host = common::FixtureHost { includes: &c["includes"] };
        let r = render(&t, &c["site"], &c["page"], &host, &RenderOptions::default());
        prop_assert!(check_map(&src, &r).is_ok(), "{:?}", check_map(&src, &r));
    }

    #[test]
    fn never_panics_on_any_string(src in "\\PC{0,200}") {
        let t = parse(&src, &ParseOptions::default());
        let r = render(&t, &serde_json::json!({}), &serde_json::json!({}), &jekyll_liquid::NoHost, &RenderOptions::default());
        prop_assert!(check_map(&src, &r).is_ok());
    }
}

#[test]
fn filter_uses_name_unknown_filters() {
    let t = parse(
        "{{ x | upcase | md5 }}{% assign y = z | nosuch: 1 %}",
        &ParseOptions::default(),
    );
    let unknown: Vec<&str> = t
        .filter_uses()
        .into_iter()
        .filter(|(n, _)| !jekyll_liquid::filters::is_filter(n))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(unknown, ["md5", "nosuch"]);
}

#[test]
fn extreme_numbers_do_not_overflow() {
    let min = i64::MIN;
    let max = i64::MAX;
    for src in [
        format!("{{{{ {min} | divided_by: -1 }}}}{{{{ {min} | modulo: -1 }}}}"),
        format!("{{{{ ({min}..{max}) | size }}}}{{{{ ({min}..{max}).size }}}}"),
        format!("{{% for i in (1..{max}) limit: {max} offset: {max} %}}x{{% endfor %}}"),
        format!("{{% for i in ({min}..{max}) limit: 2 %}}{{{{ i }}}}{{% endfor %}}"),
        format!("{{% for i in (1..3) limit: {min} offset: {min} %}}x{{% endfor %}}"),
        format!("{{{{ 'abc' | slice: 1, {max} }}}}{{{{ 'abc' | slice: {min}, {max} }}}}"),
        format!("{{{{ {max} | plus: 1 }}}}{{{{ {min} | minus: 1 }}}}{{{{ {max} | times: 2 }}}}"),
        format!(
            "{{% tablerow i in (1..3) offset: {max} limit: {max} cols: {min} %}}x{{% endtablerow %}}"
        ),
        format!("{{{{ 'a' | truncate: {min} }}}}{{{{ 'a b' | truncatewords: {max} }}}}"),
        format!("{{% increment x %}}{{{{ {min} | abs }}}}{{{{ {min} | at_least: {max} }}}}"),
        format!("{{% cycle {max}, {min} %}}{{{{ page.tags[{min}] }}}}{{{{ page.tags[{max}] }}}}"),
        "{{ 99999999999999999999 | plus: 1 }}{{ 1e400 }}{{ -0.0 }}".to_string(),
    ] {
        let t = parse(&src, &ParseOptions::default());
        let page = serde_json::json!({"tags": ["a"]});
        let r = render(
            &t,
            &serde_json::json!({}),
            &page,
            &jekyll_liquid::NoHost,
            &RenderOptions::default(),
        );
        check_map(&src, &r).unwrap();
    }
}

/// Values the caller marks unknown (`UNKNOWN_KEY`) and open objects (`OPEN_KEY`: a key they
/// lack is unknown) render as unknown segments, and a branch on them as unknown flow; a closed
/// object's missing key is nil, as in Jekyll.
#[test]
fn unknown_values_and_open_objects() {
    use jekyll_liquid::{NoHost, OPEN_KEY, UNKNOWN_KEY};
    let page = serde_json::json!({"title": "T", "date": {UNKNOWN_KEY: true}, OPEN_KEY: true});
    let site = serde_json::json!({"url": "https://e.example", "posts": {UNKNOWN_KEY: true}});
    let go = |src: &str| {
        let t = parse(src, &ParseOptions::default());
        render(&t, &site, &page, &NoHost, &RenderOptions::default())
    };
    let r = go("a{{ page.title }}b");
    assert_eq!(r.output, "aTb");
    assert!(r.map.iter().all(|s| s.kind != SegmentKind::Unknown));
    for src in [
        "a{{ page.date }}b",
        "a{{ page.nothing }}b",
        "a{{ page }}b",
        "a{{ site.posts.size }}b",
    ] {
        let r = go(src);
        assert_eq!(r.output, "ab", "{src}");
        assert!(
            r.map.iter().any(|s| s.kind == SegmentKind::Unknown),
            "{src}: {:?}",
            r.map
        );
        assert!(!r.unknown_flow, "{src}");
    }
    // `site` is closed: a key it lacks is nil.
    let r = go("a{{ site.nothing }}b{% if site.nothing %}x{% endif %}");
    assert_eq!(r.output, "ab");
    assert!(!r.unknown_flow);
    assert!(r.map.iter().all(|s| s.kind != SegmentKind::Unknown));
    let r = go("{% if page.nothing %}x{% endif %}");
    assert!(r.unknown_flow);
}

/// `post_url`/`link` to a target the host knows exists but cannot give the URL of render as
/// unknown instead of raising; to one it does not know, they raise as Jekyll does.
#[test]
fn post_url_and_link_to_existing_targets_without_urls() {
    struct Exists;
    impl jekyll_liquid::Host for Exists {
        fn post_exists(&self, name: &str) -> bool {
            name == "2020-01-01-a"
        }
        fn link_exists(&self, path: &str) -> bool {
            path == "about.md"
        }
    }
    let go = |src: &str| {
        let t = parse(src, &ParseOptions::default());
        let null = serde_json::Value::Null;
        render(&t, &null, &null, &Exists, &RenderOptions::default())
    };
    for src in ["{% post_url 2020-01-01-a %}", "{% link about.md %}"] {
        let r = go(src);
        assert!(r.error.is_none(), "{src}: {:?}", r.error);
        assert!(
            r.map.iter().any(|s| s.kind == SegmentKind::Unknown),
            "{src}"
        );
    }
    for src in ["{% post_url 2020-01-01-b %}", "{% link other.md %}"] {
        assert!(go(src).error.is_some(), "{src}");
    }
}
