//! A whole file through the loader and every rule of both packs, as a post and as a page:
//! spans inside the file on character boundaries, every output format renders, JSON parses.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use postlint::selfcheck;
use postlint::SiteModel;

static PACKS: LazyLock<Vec<postlint::Settings>> = LazyLock::new(selfcheck::packs);

fuzz_target!(|data: &[u8]| {
    let site = SiteModel::default();
    for (settings, display) in PACKS.iter().zip(["_posts/2021-12-08-a.md", "index.md"]) {
        if let Err(e) = selfcheck::check_invariants(settings, &site, display, data) {
            panic!("{display}: {e}");
        }
    }
});
