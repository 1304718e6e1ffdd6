//! `cargo +nightly fuzz run parse`: parse + render arbitrary UTF-8, check spans.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let doc = kramdown::parse(s, &kramdown::Options::jekyll());
        for n in &doc.nodes {
            assert!(n.span.start <= n.span.end && n.span.end <= s.len());
        }
        let _ = kramdown::to_html(&doc);
    }
});
