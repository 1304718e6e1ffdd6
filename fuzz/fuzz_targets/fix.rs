//! `--fix` in memory on any file: nothing fixable remains, a second fix changes nothing.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use postlint::selfcheck;
use postlint::SiteModel;

static PACKS: LazyLock<Vec<postlint::Settings>> = LazyLock::new(selfcheck::packs);

fuzz_target!(|data: &[u8]| {
    let site = SiteModel::default();
    for settings in PACKS.iter() {
        if let Err(e) = selfcheck::fix_invariants(settings, &site, "_posts/2021-12-08-a.md", data) {
            panic!("{e}");
        }
    }
});
