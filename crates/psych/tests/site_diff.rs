//! Differential test of `psych::site_keys` against Jekyll's own helpers
//! (oracle/site_oracle.rb: `Utils.safe_load_yaml`, `Utils.pluralized_array_from_hash`,
//! `published?`, `to_s`), on generated front matters built from the site keys with every
//! kind of value (strings to split, nested lists, nils, aliases, recursive lists, merge
//! keys, duplicates, dates, errors). `PSYCH_CASES` (default 3000) and `PSYCH_SEED`.

mod common;

use common::{Rng, run_oracle, seed_and_cases};
use serde_json::{Value as J, json};

const TZ: &str = "Asia/Shanghai";

const KEYS: &[&str] = &[
    "date",
    "categories",
    "category",
    "tags",
    "tag",
    "slug",
    "permalink",
    "published",
    "title",
    "<<",
    "\"tags\"",
    "!!str tag",
];

const VALUES: &[&str] = &[
    "foo",
    "foo bar",
    "\"  a  b\\tc \"",
    "\"a\\u3000b\"",
    "[a, b]",
    "[a, [b, [c, ~]], d]",
    "[a, ~, b]",
    "[]",
    "{}",
    "~",
    "",
    "false",
    "true",
    "no",
    "2021",
    "1.5",
    "0x1F",
    "2014-09-08",
    "2014-09-08 10:00:00 +0800",
    "2014-09-08 10:00:00",
    "[2014-09-08, 2014-09-08 10:00:00]",
    "{a: 1, b: [x]}",
    "\n  - x\n  - [y, z]",
    "\n  - ~\n  - false",
    "&x [a, b]",
    "*x",
    "&y foo bar",
    "*y",
    "&r [1, *r]",
    "\"中文 标签\"",
    "东财滚动新闻",
    "'x y'",
    ":sym",
    "!!float abc",
    "*nope",
    "/:categories/:title",
    "\n  tags: a b\n  category: c",
    "{tags: [m, n], published: false}",
    "&m {tag: z, slug: s}",
    "*m",
];

fn generate(r: &mut Rng) -> String {
    let mut s = String::from("---\n");
    for _ in 0..1 + r.below(6) {
        let k = r.pick(KEYS);
        let v = r.pick(VALUES);
        if v.starts_with('\n') {
            s.push_str(&format!("{k}:{v}\n"));
        } else {
            s.push_str(&format!("{k}: {v}\n"));
        }
    }
    if r.chance(3) {
        s = format!("---\n- {}\n", r.pick(VALUES));
    }
    if r.chance(2) {
        s = "---\n# nothing\n".into();
    }
    s
}

fn ours(yaml: &str, tz: &jiff::tz::TimeZone) -> J {
    let keys = match psych::site::site_keys_of_yaml(yaml, 0, tz) {
        Ok(k) => k,
        Err(psych::SiteKeysError::Syntax(_)) => return json!({"err": "Psych::SyntaxError"}),
        Err(psych::SiteKeysError::Load(e)) => return json!({"err": e.kind.class_name()}),
        Err(psych::SiteKeysError::NotAHash) => return json!({"notahash": true}),
    };
    let present: Vec<&str> = psych::SITE_KEYS
        .iter()
        .copied()
        .filter(|k| keys.get(k).is_some())
        .collect();
    let plural = |s: &str, p: &str| match keys.pluralized(s, p) {
        Some(v) => json!(v),
        None => json!("raise"),
    };
    json!({
        "keys": present,
        "published": keys.published(),
        "cats": plural("category", "categories"),
        "tags": plural("tag", "tags"),
        "slug": keys.to_s("slug"),
        "permalink": keys.to_s("permalink"),
        "date": keys.to_s("date"),
    })
}

#[test]
fn site_keys_agree_with_jekyll() {
    let (seed, cases) = seed_and_cases(3000);
    let mut r = Rng::new(seed);
    let inputs: Vec<String> = (0..cases).map(|_| generate(&mut r)).collect();
    let json_in: Vec<J> = inputs.iter().map(|y| json!({ "yaml": y })).collect();
    let Some(theirs) = run_oracle("site_oracle.rb", TZ, &json_in) else {
        return;
    };
    let tz = jiff::tz::TimeZone::get(TZ).expect("tzdb");
    let mut bad = Vec::new();
    for (y, t) in inputs.iter().zip(&theirs) {
        let o = ours(y, &tz);
        if &o != t {
            bad.push(format!("{y:?}\n  ours   {o}\n  jekyll {t}"));
        }
    }
    eprintln!(
        "site keys: {}/{} agree",
        inputs.len() - bad.len(),
        inputs.len()
    );
    assert!(bad.is_empty(), "{}", bad[..bad.len().min(10)].join("\n"));
}

/// The keys and spans of a usual front matter (no Ruby needed).
#[test]
fn site_keys_of_a_post() {
    let text = "---\nlayout: post\ntitle: \"x\"\ndate: 2021-12-08 10:30:00 +0800\ncategories: emnews\ntags: 东财滚动新闻\n---\nbody\n";
    let tz = jiff::tz::TimeZone::get(TZ).expect("tzdb");
    let keys = psych::site_keys(text, &tz)
        .expect("front matter")
        .expect("loads");
    let date = keys.get("date").expect("date");
    assert_eq!(&text[date.span.clone()], "2021-12-08 10:30:00 +0800");
    assert_eq!(&text[date.key_span.clone()], "date");
    assert_eq!(
        keys.pluralized("tag", "tags"),
        Some(vec!["东财滚动新闻".to_string()])
    );
    assert_eq!(
        keys.pluralized("category", "categories"),
        Some(vec!["emnews".to_string()])
    );
    assert!(keys.published());
    assert!(keys.get("slug").is_none());
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("now");
    let d = keys.date(now, &tz).expect("date").expect("valid");
    assert_eq!(d.civil(), (2021, 12, 8, 10, 30, 0));
    assert!(psych::site_keys("no front matter", &tz).is_none());
    let empty = psych::site_keys("---\n---\n", &tz)
        .expect("fm")
        .expect("ok");
    assert!(empty.keys.iter().all(Option::is_none));
}
