//! Pathological inputs must parse in (close to) linear time, and never panic.

use std::time::{Duration, Instant};

fn timed(name: &str, text: &str, bound: Duration) {
    let t = Instant::now();
    let doc = kramdown::parse(text, &kramdown::Options::jekyll());
    let el = t.elapsed();
    println!(
        "{name:28} {:>9} bytes {:>8.3}s {} nodes",
        text.len(),
        el.as_secs_f64(),
        doc.nodes.len()
    );
    assert!(el < bound, "{name}: {el:?} exceeds {bound:?}");
}

const N: usize = 100_000;

fn bound() -> Duration {
    // generous: the test machine is shared; optimised test builds take well under 1s
    Duration::from_secs(
        std::env::var("KRAMDOWN_PATHO_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20),
    )
}

#[test]
fn nested_divs() {
    timed(
        "100k nested <div>",
        &("<div>".repeat(N) + &"</div>".repeat(N)),
        bound(),
    );
    timed(
        "100k nested <div markdown=1>",
        &"<div markdown=\"1\">\n".repeat(N),
        bound(),
    );
}

#[test]
fn nested_quotes() {
    timed("100k nested >", &(">".repeat(N) + " x\n"), bound());
    timed("100k nested > (spaced)", &("> ".repeat(N) + "x\n"), bound());
}

#[test]
fn nested_lists() {
    timed("100k nested - lists", &("- ".repeat(N) + "x\n"), bound());
    timed("100k nested 1. lists", &("1. ".repeat(N) + "x\n"), bound());
    timed("100k list items", &"- item\n".repeat(N), bound());
}

#[test]
fn span_repetitions() {
    timed("<a b x 40k", &("<a b".repeat(40_000) + "\n"), bound());
    timed("[ x 100k", &"[".repeat(N), bound());
    timed("![ x 100k", &"![".repeat(N), bound());
    timed("* x 100k", &"*".repeat(N), bound());
    timed(
        "* x 100k in text",
        &("a ".to_string() + &"*".repeat(N)),
        bound(),
    );
    timed("_ x 100k", &"_".repeat(N), bound());
    timed("` x 100k", &"`".repeat(N), bound());
    timed(
        "` x 100k in text",
        &("a ".to_string() + &"`".repeat(N)),
        bound(),
    );
    timed("<!-- x 100k", &"<!--".repeat(N), bound());
    timed("{: x 100k", &"{:".repeat(N), bound());
    timed("~~a x 100k", &"~~a ".repeat(N), bound());
    timed("<http: x 100k", &"<http:".repeat(N), bound());
    timed("$$ x 100k", &"a $$".repeat(N), bound());
    timed("quotes x 100k", &"\"'".repeat(N), bound());
    timed("entities x 100k", &"&amp;".repeat(N), bound());
}

#[test]
fn block_repetitions() {
    timed("``` lines x 100k", &"```x\n".repeat(N), bound());
    timed("{: lines x 100k", &"{: a\n".repeat(N), bound());
    timed("$$ lines x 100k", &"$$\n".repeat(N), bound());
    timed("[a]: x 100k", &"[a]: ".repeat(N), bound());
    timed("table rows x 100k", &"a|b\n".repeat(N), bound());
    timed("setext x 100k", &"a\n=\n".repeat(N), bound());
    timed("definition x 100k", &"a\n: b\n".repeat(N), bound());
}

#[test]
fn ten_megabytes() {
    let post = include_str!("fixtures/post.md");
    let mut text = String::new();
    while text.len() < 10_000_000 {
        text.push_str(post);
        text.push('\n');
    }
    timed("10 MB of posts", &text, bound());
    let t = Instant::now();
    let doc = kramdown::parse(&text, &kramdown::Options::jekyll());
    let html = kramdown::to_html(&doc);
    println!(
        "10 MB parse + to_html: {:.3}s, {} bytes of HTML",
        t.elapsed().as_secs_f64(),
        html.len()
    );
}

#[test]
fn random_bytes_never_panic() {
    let alphabet: &[&str] = &[
        "<",
        ">",
        "/",
        "!",
        "-",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        ":",
        "*",
        "_",
        "`",
        "~",
        "$",
        "&",
        "#",
        ";",
        "|",
        "\\",
        "\"",
        "'",
        "=",
        ".",
        "^",
        "+",
        "1",
        "a",
        "Z",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "\u{b}",
        "\u{a0}",
        "é",
        "日",
        "\u{10FFFF}",
        "\0",
        "div",
        "span",
        "script",
        "markdown=\"1\"",
        "{::",
        "{:/}",
        "http://",
        "@",
        "    ",
        "> ",
        "- ",
        "1. ",
        ": ",
        "```",
        "~~~",
        "<!--",
        "-->",
        "&#",
        "x",
        "](",
        "![",
    ];
    let mut state: u64 = 0x1234_5678;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 200) as usize;
        let mut s = String::new();
        for _ in 0..len {
            s.push_str(alphabet[(next() % alphabet.len() as u64) as usize]);
        }
        let doc = kramdown::parse(&s, &kramdown::Options::jekyll());
        let _ = kramdown::to_html(&doc);
        for n in &doc.nodes {
            assert!(n.span.start <= n.span.end && n.span.end <= s.len());
        }
    }
}

/// Doubling the input must not quadruple the time (catches accidental
/// quadratic scans; the bound allows for timing noise on a shared machine).
#[test]
fn scaling_is_linear() {
    type Gen = fn(usize) -> String;
    let cases: &[(&str, Gen)] = &[
        ("nested - lists", |n| "- ".repeat(n) + "x\n"),
        ("nested 1. lists", |n| "1. ".repeat(n) + "x\n"),
        ("nested >", |n| ">".repeat(n) + " x\n"),
        ("nested <div>", |n| "<div>".repeat(n) + &"</div>".repeat(n)),
        ("list items", |n| "- item\n".repeat(n)),
        ("paragraph lines", |n| {
            "some *text* with [a](b) `c`\n".repeat(n)
        }),
        ("``` lines", |n| "```x\n".repeat(n)),
    ];
    for (name, g) in cases {
        let best = |n: usize| {
            let t = g(n);
            (0..3)
                .map(|_| {
                    let s = Instant::now();
                    let d = kramdown::parse(&t, &kramdown::Options::jekyll());
                    std::hint::black_box(d.nodes.len());
                    s.elapsed().as_secs_f64()
                })
                .fold(f64::MAX, f64::min)
        };
        let small = best(25_000).max(1e-4);
        let large = best(100_000);
        println!(
            "{name:20} 25k {small:.4}s 100k {large:.4}s ratio {:.1}",
            large / small
        );
        // 100,000 levels of nesting outgrow the caches (measured 8-15x on a loaded 2-core
        // machine, 1.4 s); a quadratic scan over 100,000 items (10^10 steps) takes far longer
        // than 2.5 s.
        assert!(
            large / small < 10.0 || large < 2.5,
            "{name}: 4x input took {:.1}x time ({large:.2} s)",
            large / small
        );
    }
}
