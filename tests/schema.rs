//! The JSON Schema of `postlint.yaml` (`postlint.schema.json`): committed, generated from the
//! config types (`src/config/schema.rs`), and a schema editors can use.
//! `UPDATE_SCHEMA=1 cargo test --test schema` rewrites the committed file.

use std::path::PathBuf;

use serde_json::json;

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("postlint.schema.json")
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let generated = postlint::config_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(committed(), &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(committed()).unwrap_or_default();
    assert!(
        on_disk == generated,
        "postlint.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --test schema` and review the change"
    );
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&postlint::config_schema()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// The README's example configuration (as JSON) is valid; what the loader rejects for its
/// shape is not.
#[test]
fn the_schema_accepts_the_documented_config_and_rejects_unknown_keys() {
    let v = validator();
    let good = json!({
        "extends": "finews",
        "posts": ["_posts/**/*.md"],
        "exclude": ["_posts/drafts/**"],
        "site": {"url": "https://finews.withounder.com", "timezone": "+08:00", "future": false,
                 "hosts": ["finews.zning.me"]},
        "rules": {"DT004": "warn", "LK003": "warning", "HT": "off",
                  "filename-pattern": {"level": "error", "pattern": "^[0-9]{4}-.*$"},
                  "DT001": {"format": "YYYY-MM-DD"}},
        "categories": {"zhongguoxiaofeizhebao": {"name": "中国消费者报", "tag": "中国消费者报新闻",
                        "source_hosts": ["finews.zning.xyz"], "attribution": "required"},
                       "*": {"derive": "pinyin", "attribution_format": "（文章来源：{name}）"}},
        "custom": [{"code": "CU001", "name": "no-brackets-in-title", "field": "title",
                    "forbid": "[【】]", "message": "no brackets"}],
        "per_file_ignores": {"_posts/2021-12-01-init.md": ["SA"]},
        "links": {"online": true, "timeout": "5s", "max_concurrency": 8, "accept": [200, "429"]}
    });
    let errors: Vec<String> = v.iter_errors(&good).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    for bad in [
        json!({"rule": {}}),
        json!({"site": {"zone": "+08:00"}}),
        json!({"rules": {"DT004": "warnn"}}),
        json!({"categories": {"x": {"nmae": "X"}}}),
        json!({"custom": [{"code": "cu1", "name": "x"}]}),
        json!({"links": {"max_concurrency": 0}}),
    ] {
        assert!(!v.is_valid(&bad), "accepted {bad}");
    }
}
