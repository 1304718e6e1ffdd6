//! The front matter YAML parser on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = postlint::selfcheck::yaml_invariants(&text) {
        panic!("{e}");
    }
});
