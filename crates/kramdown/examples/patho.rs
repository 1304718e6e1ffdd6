//! Time the pathological inputs: `patho [N]`.
use std::time::Instant;

fn cases(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("nested div", "<div>".repeat(n) + &"</div>".repeat(n)),
        ("nested div md=1", "<div markdown=\"1\">\n".repeat(n)),
        ("nested >", ">".repeat(n) + " x\n"),
        ("nested > spaced", "> ".repeat(n) + "x\n"),
        ("nested list", "- ".repeat(n) + "x\n"),
        ("nested ol", "1. ".repeat(n) + "x\n"),
        ("<a b x40k", "<a b".repeat(n * 4 / 10)),
        ("[ x", "[".repeat(n)),
        ("[ x ]", "[".repeat(n) + "]"),
        ("![ x ]", "![".repeat(n) + "]"),
        ("[a]( x", "[a](".repeat(n)),
        ("emph nest _", "_a __b ".repeat(n / 4)),
        ("emph nest ***", "***a ".repeat(n / 4)),
        ("*a [b x", "*a [b ".repeat(n / 4) + "]"),
        ("![ x", "![".repeat(n)),
        ("* x", "*".repeat(n)),
        ("_ x", "_".repeat(n)),
        ("` x", "`".repeat(n)),
        ("` ` x", "` ".repeat(n)),
        ("~~ x", "~~a ".repeat(n)),
        ("$$ lines", "$$\n".repeat(n)),
        ("$$ inline", "a $$".repeat(n)),
        ("<!-- x", "<!--".repeat(n)),
        ("{: x", "{:".repeat(n)),
        ("{: lines", "{: a\n".repeat(n)),
        ("``` lines", "```x\n".repeat(n)),
        ("[a]: lines", "[a]: ".repeat(n)),
        ("<http x", "<http:".repeat(n)),
        ("quotes", "\"'".repeat(n)),
        (
            "lazy quote",
            "> ".repeat(1000) + "x\n" + &"lazy\n".repeat(n),
        ),
        ("lazy list", "- ".repeat(1000) + "x\n" + &"lazy\n".repeat(n)),
        ("table pipes", "|".repeat(n) + "\n"),
        ("table rows", "a|b\n".repeat(n)),
        ("emph nest", "*a **b ".repeat(n / 4)),
        ("links", "[a](b) ".repeat(n / 4)),
        ("html attrs", format!("<div {}>", "a=\"b\" ".repeat(n))),
        ("list items", "- a\n".repeat(n)),
        (
            "indented list",
            (0..2000)
                .map(|i| format!("{}- x\n", " ".repeat(i)))
                .collect(),
        ),
        ("setext", "a\n=\n".repeat(n)),
        ("entities", "&amp;".repeat(n)),
        ("autolink mail", "<a@".repeat(n)),
        ("footnotes", "[^1]".repeat(n) + "\n\n[^1]: x\n"),
        ("abbr", "*[A]: b\n\n".to_string() + &"A ".repeat(n)),
    ]
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|x| x.parse().ok())
        .unwrap_or(100_000);
    let filter = std::env::args().nth(2).unwrap_or_default();
    let html_too = std::env::var("PATHO_HTML").is_ok();
    let opts = kramdown::Options::jekyll();
    for (name, text) in cases(n) {
        if !name.contains(filter.as_str()) {
            continue;
        }
        let t = Instant::now();
        let doc = kramdown::parse(&text, &opts);
        let tp = t.elapsed();
        let t2 = Instant::now();
        let html = if html_too {
            kramdown::to_html(&doc)
        } else {
            String::new()
        };
        let th = t2.elapsed();
        println!(
            "{name:20} {:>9} bytes parse {:>8.3}s html {:>8.3}s nodes {} out {}",
            text.len(),
            tp.as_secs_f64(),
            th.as_secs_f64(),
            doc.nodes.len(),
            html.len()
        );
    }
}
