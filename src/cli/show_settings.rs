//! `postlint check --show-settings`: the configuration in effect for the run — the file read,
//! then every rule's level and the options of each rule group after the packs, `extends`,
//! `--select`/`--ignore` and `--online` — printed instead of checking (as ruff's
//! `--show-settings` does). Options are shown as the resolved setting types (`{:#?}`).

use std::fmt::Write;

use crate::rules::{RULES, Rule};
use crate::settings::Settings;

pub fn render(settings: &Settings) -> String {
    let mut o = String::new();
    let config = settings.path.as_ref().map_or_else(
        || "none (the built-in jekyll pack)".to_string(),
        |p| p.display().to_string(),
    );
    let _ = writeln!(o, "config file: {config}");
    let _ = writeln!(o, "root: {}", settings.root.display());
    let _ = writeln!(o, "posts: {:?}", settings.posts);
    let _ = writeln!(o, "exclude: {:?}", settings.exclude);
    let _ = writeln!(o, "site: {:#?}", settings.site);
    let _ = writeln!(
        o,
        "\nrules (level after packs, extends, --select and --ignore):"
    );
    for (rule, m) in Rule::ALL.iter().zip(RULES) {
        let _ = writeln!(o, "  {:<7} {:<26} {}", m.code, m.name, rule.level(settings));
    }
    for c in &settings.custom {
        let _ = writeln!(o, "  {:<7} {:<26} {} (custom)", c.code, c.name, c.level);
    }
    let r = &settings.rules;
    let _ = writeln!(o, "\nrule options:");
    let _ = writeln!(o, "file (PF): {:#?}", r.file);
    let _ = writeln!(o, "front matter (FM): {:#?}", r.front_matter);
    let _ = writeln!(o, "dates (DT): {:#?}", r.dates);
    let _ = writeln!(o, "taxonomy (TX): {:#?}", r.taxonomy);
    let _ = writeln!(o, "html (HT): {:#?}", r.html);
    let _ = writeln!(o, "links (LK): {:#?}", r.links);
    let _ = writeln!(o, "\ncategories: {:#?}", settings.categories);
    let _ = writeln!(o, "per_file_ignores: {:?}", settings.per_file_ignores);
    let _ = writeln!(o, "custom: {:#?}", settings.custom);
    let _ = writeln!(o, "links: {:#?}", settings.links);
    o
}
