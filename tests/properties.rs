//! Property tests: arbitrary bytes and structured mutations of real-shaped posts through the
//! loader, the YAML parser, the HTML scanner, the link extractor, every rule, every output
//! format and the fixer. The invariants are in `postlint::selfcheck` (shared with the fuzz
//! targets in `fuzz/`): no panic, every span inside the file and on character boundaries,
//! JSON and SARIF that parse, and `--fix` output that has nothing fixable left.

use postlint::selfcheck;
use proptest::prelude::*;

/// Pieces that real posts of the finews site and Jekyll's test posts are made of.
const PIECES: &[&str] = &[
    "沪指午后震荡走高，创业板指涨超1%。",
    "<p>消费者协会提醒，购物节期间应理性消费。</p>",
    "<p>未闭合的段落",
    "</p>",
    "<p class=\"em_media\">（文章来源：中国消费者报）</p>",
    "（文章来源：东方财富网）",
    "<https://finance.eastmoney.com/news/1345,202112080000000001.html>",
    "<http://finance.eastmoney.com/a/202112082207557766.html>",
    "<>",
    "[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)",
    "[原文](https://example.com/a b.html)",
    "[x](javascript:alert(1))",
    "![图](../emnews/a.png)",
    "<img src=\"https://dfscdn.dfcfw.com/a.jpg\"alt=\"图\">",
    "<img src='a.png' onerror=\"alert(1)\">",
    "<div><span>交叉</div></span>",
    "<script>alert(1)</script>",
    "<!-- postlint-disable-next-line HT001 -->",
    "<!-- postlint-disable -->",
    "<!-- 未闭合的注释",
    "{% highlight ruby %}\n<p>\n{% endhighlight %}",
    "{{ site.url }}/emnews/",
    "```\n<p>code</p>\n```",
    "`<p>`",
    "&amp;&#106;&#x3C;&bogus;",
    "[ref]: https://example.com/ref \"t\"",
    "[ref][ref]",
    "\r\n",
    "\n\n",
    "\u{feff}",
    "\u{0}",
    "---",
    "é",
    "<a href=\"\"></a>",
    "<a href=\"/2021/12/08/a.html\">站内</a>",
    "<table><tr><td>1<td>2</table>",
];

const FRONT: &[&str] = &[
    "layout: post",
    "title: \"沪指午后震荡走高\"",
    "title: 沪指: 震荡",
    "title: \"\"",
    "date: 2021-12-08 10:30:00 +0800",
    "date: 2021-12-08 10:18:31",
    "date: 2021-02-30 10:00:00 +0800",
    "date: 2021-12-08T10:30:00+08:00",
    "date: +0800",
    "categories: emnews",
    "categories: [emnews, zhongguoxiaofeizhebao]",
    "category: tianfengyanjiu",
    "tags: 东财滚动新闻",
    "tags: [中国消费者报新闻, 东财滚动新闻]",
    "tag: x",
    "permalink: /a/b/",
    "published: false",
    "a: &x [*x, *x]",
    "b: *undefined",
    "c: {d: [e, {f: g}]}",
    "title: \"未闭合",
    "  indented: wrongly",
    "- list at top",
];

/// A real-shaped post: front matter lines and body pieces, as chosen.
fn post() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(prop::sample::select(FRONT), 0..8),
        prop::collection::vec(prop::sample::select(PIECES), 0..14),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(front, body, fenced, crlf)| {
            let mut s = String::new();
            if fenced {
                s.push_str("---\n");
                for line in front {
                    s.push_str(line);
                    s.push('\n');
                }
                s.push_str("---\n\n");
            }
            for piece in body {
                s.push_str(piece);
                s.push('\n');
            }
            if crlf {
                s = s.replace('\n', "\r\n");
            }
            s.into_bytes()
        })
}

/// An edit of a post's bytes: at a fraction of its length, insert, delete or overwrite.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(f64, Vec<u8>),
    Delete(f64, usize),
    Overwrite(f64, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
        prop::sample::select(FRONT).prop_map(|p| p.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 1..6),
        Just(b"<".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n---\n".to_vec()),
        Just(vec![0xE4, 0xB8]),
        Just(vec![0xFF]),
    ];
    prop_oneof![
        (0.0..1.0f64, token).prop_map(|(at, t)| Mutation::Insert(at, t)),
        (0.0..1.0f64, 1..40usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Mutation::Overwrite(at, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let at = |f: f64| ((bytes.len() as f64) * f) as usize;
        match m {
            Mutation::Insert(f, t) => {
                let i = at(*f).min(bytes.len());
                bytes.splice(i..i, t.iter().copied());
            }
            Mutation::Delete(f, n) => {
                let i = at(*f).min(bytes.len());
                let j = (i + n).min(bytes.len());
                bytes.drain(i..j);
            }
            Mutation::Overwrite(f, b) => {
                if !bytes.is_empty() {
                    let i = at(*f).min(bytes.len() - 1);
                    bytes[i] = *b;
                }
            }
        }
    }
    bytes
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    selfcheck::all(bytes).map_err(TestCaseError::fail)?;
    let text = String::from_utf8_lossy(bytes);
    selfcheck::yaml_invariants(&text).map_err(TestCaseError::fail)?;
    selfcheck::body_invariants(&text).map_err(TestCaseError::fail)?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1500)) {
        check(&bytes)?;
    }

    #[test]
    fn real_shaped_posts(bytes in post()) {
        check(&bytes)?;
    }

    #[test]
    fn mutated_posts(bytes in post(), mutations in prop::collection::vec(mutation(), 1..6)) {
        check(&apply(bytes, &mutations))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn yaml_on_yaml_like_text(text in "([a-z]{1,4}|: |- |\\[|\\]|\\{|\\}|, |&a |\\*a|!!str |\"|'|#|\\n|  |\\||>|中|é|\\t|---|\\.\\.\\.|\\?){0,40}") {
        selfcheck::yaml_invariants(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn body_on_tag_soup(text in "(<|>|/|!|-|\\?|=|\"|'|[a-z]{1,3}| |\\n|&|#|;|\\[|\\]|\\(|\\)|`|\\{%|%\\}|\\{\\{|中|é|p|div|a href|img src|http://x|\\*|_){0,60}") {
        selfcheck::body_invariants(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn yaml_on_any_text(text in any::<String>()) {
        selfcheck::yaml_invariants(&text).map_err(TestCaseError::fail)?;
    }
}

/// Inputs the fuzzers crashed on, kept as regressions (see `fuzz/README.md`).
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if let Err(e) = check(&bytes) {
            panic!("{}: {e}", path.display());
        }
        n += 1;
    }
    assert!(n >= 6, "the regression inputs are missing");
}

/// A post whose only defect is fixable passes the fix invariants; mutations do what they say.
#[test]
fn fixable_post_and_mutations() {
    assert!(
        selfcheck::fix_invariants(
            &selfcheck::packs()[0],
            &postlint::SiteModel::default(),
            "_posts/2021-12-08-a.md",
            b"---\ndate: 2021-12-08 10:18:31\n---\n",
        )
        .is_ok()
    );
    let mutated = apply(
        b"abcdef".to_vec(),
        &[
            Mutation::Delete(0.5, 2),
            Mutation::Insert(0.0, b"<".to_vec()),
        ],
    );
    assert_eq!(mutated, b"<abcf");
}

/// Thousands of generated and mutated posts through the binary in one run, then `--fix` on
/// them: the JSON parses, no panic, and every file is either byte-identical or exactly what
/// the in-memory fixer makes of it, with nothing fixable left.
#[test]
fn hostile_corpus_through_the_binary() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("postlint.yaml"), "extends: finews\n").unwrap();
    let posts = dir.path().join("_posts");
    std::fs::create_dir(&posts).unwrap();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = (post(), prop::collection::vec(mutation(), 0..5));
    let mut originals = Vec::new();
    for i in 0..2000 {
        let (bytes, mutations) = strategy.new_tree(&mut runner).unwrap().current();
        let bytes = apply(bytes, &mutations);
        let name = format!("2021-12-08-{i:04}.md");
        std::fs::write(posts.join(&name), &bytes).unwrap();
        originals.push((name, bytes));
    }
    let run = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_postlint"))
            .current_dir(dir.path())
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            matches!(o.status.code(), Some(0..=2)),
            "{:?} {stderr}",
            o.status
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON parses");
        v
    };
    let before = run(&[]);
    assert_eq!(before["summary"]["files"], 2000);
    run(&["--fix"]);
    let settings = postlint::discover(dir.path(), dir.path()).unwrap();
    let (settings, site) =
        postlint::prepare(&settings, &postlint::RunOptions::default(), dir.path());
    let mut changed = 0;
    for (name, original) in &originals {
        let now = std::fs::read(posts.join(name)).unwrap();
        let display = format!("_posts/{name}");
        let (expected, count) = postlint::testing::fix_bytes(
            &postlint::RunContext::new(&settings, &site),
            &display,
            &posts.join(name),
            original,
        );
        if count == 0 {
            assert_eq!(&now, original, "{name} changed without a fix");
        } else {
            assert_eq!(now, expected, "{name} is not what the fixer makes of it");
            changed += 1;
        }
    }
    assert!(
        changed > 50,
        "only {changed} files were fixed: the corpus is too tame"
    );
    let after = run(&[]);
    let fixable = after["summary"]["fixable"].as_u64().unwrap();
    assert_eq!(fixable, 0, "fixable findings remain after --fix");
}
