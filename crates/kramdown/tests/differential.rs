//! Differential test against kramdown 2.4.0 + kramdown-parser-gfm 1.1.0 (Ruby)
//! on generated documents. `KRAMDOWN_DIFF_CASES` (default 1500) and
//! `KRAMDOWN_DIFF_SEED` (default 1) choose the run.

mod common;

#[test]
fn generated_documents_agree_with_kramdown() {
    if !common::oracle::available() {
        return;
    }
    let cases: u64 = std::env::var("KRAMDOWN_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let seed: u64 = std::env::var("KRAMDOWN_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let texts: Vec<String> = (seed..seed + cases).map(common::docgen::document).collect();
    let st = common::oracle::compare(&texts);
    let ok = st.docs - st.oracle_errors;
    println!(
        "generated: {} docs, {} oracle errors/timeouts, tree {}/{}, html {}/{}",
        st.docs, st.oracle_errors, st.tree_ok, ok, st.html_ok, ok
    );
    for &(i, t, h) in st.failures.iter().take(10) {
        println!(
            "  seed {} differs: tree {} html {}",
            seed + i as u64,
            if t { "ok" } else { "DIFF" },
            if h { "ok" } else { "DIFF" }
        );
    }
    assert!(ok * 10 >= st.docs * 9, "too many oracle errors");
    assert_eq!(st.tree_ok, ok, "element trees must agree on every document");
    assert!(
        st.html_ok * 1000 >= ok * 995,
        "HTML must agree on >= 99.5% of documents"
    );
}

/// The same generator with other option values (what `{::options}` or a site's
/// `kramdown:` config can set).
#[test]
fn generated_documents_agree_with_option_variants() {
    if !common::oracle::available() {
        return;
    }
    let cases: u64 = std::env::var("KRAMDOWN_DIFF_OPT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let mut texts = Vec::new();
    let mut oj = Vec::new();
    let mut os = Vec::new();
    for s in 0..cases {
        texts.push(common::docgen::document(100_000 + s));
        let mut o = kramdown::Options::jekyll();
        let j = match s % 6 {
            0 => {
                o.hard_wrap = true;
                serde_json::json!({"hard_wrap": true})
            }
            1 => {
                o.parse_block_html = true;
                serde_json::json!({"parse_block_html": true})
            }
            2 => {
                o.parse_span_html = false;
                serde_json::json!({"parse_span_html": false})
            }
            3 => {
                o.gfm_quirk_paragraph_end = false;
                o.gfm_quirk_no_auto_typographic = true;
                serde_json::json!({"gfm_quirks": "no_auto_typographic"})
            }
            4 => {
                o.auto_ids = false;
                o.math_engine = None;
                serde_json::json!({"auto_ids": false, "math_engine": null})
            }
            _ => {
                o.auto_id_prefix = "p-".into();
                serde_json::json!({"auto_id_prefix": "p-"})
            }
        };
        oj.push(j);
        os.push(o);
    }
    let st = common::oracle::compare_with(&texts, &oj, &os);
    let ok = st.docs - st.oracle_errors;
    println!(
        "option variants: {} docs, {} oracle errors, tree {}/{}, html {}/{}",
        st.docs, st.oracle_errors, st.tree_ok, ok, st.html_ok, ok
    );
    for &(i, t, h) in st.failures.iter().take(10) {
        println!("  case {i} ({}) differs: tree {t} html {h}", oj[i]);
    }
    assert!(ok * 10 >= st.docs * 9, "too many oracle errors");
    assert_eq!(st.tree_ok, ok);
    assert!(st.html_ok * 1000 >= ok * 995);
}
