//! The body pass on any text: Markdown structure, the HTML tag scanner and balance checker,
//! and the link extractor.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = postlint::selfcheck::body_invariants(&text) {
        panic!("{e}");
    }
});
