//! The machine formats: SARIF validated against the official SARIF 2.1.0 JSON schema (vendored in
//! tests/schemas/ from the npm package @microsoft/jest-sarif), and GitHub workflow commands.

use std::path::Path;
use std::process::Command;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w("postlint.yaml", "extends: finews\n");
    w(
        "_posts/2021-12-08-a b.md",
        "---\nlayout: posts\ntitle: \"沪指, 午后: 走高\"\ndate: 2021-12-08 10:18:31\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n<div>正文\n\n<https://finance.eastmoney.com/news/1345,202112080000000001.html>\n\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n",
    );
    dir
}

fn run(dir: &Path, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_postlint"))
        .current_dir(dir)
        .args(["check", "--format", format])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn sarif_is_valid_against_the_schema() {
    let dir = site();
    let (status, out) = run(dir.path(), "sarif");
    assert_eq!(status, 1);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0-rtm.5.json"),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // And it says what it should: rules with help, results with regions.
    let run0 = &report["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| {
        r["id"] == "DT007"
            && r["help"]["text"]
                .as_str()
                .unwrap()
                .contains("## Why is this bad?")
    }));
    let results = run0["results"].as_array().unwrap();
    let dt = results.iter().find(|r| r["ruleId"] == "DT007").unwrap();
    let loc = &dt["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "_posts/2021-12-08-a%20b.md");
    assert_eq!(loc["region"]["startLine"], 4);
    assert_eq!(loc["region"]["startColumn"], 7);
    assert_eq!(loc["region"]["endColumn"], 26);
    let idx = dt["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "DT007");
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let codes: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    // The unclosed `<div>` takes the rest of the post with it (kramdown reads the links after it
    // as the div's raw content): the source link and the back links are not links on the page.
    assert_eq!(codes, ["FM007", "DT007", "HT001", "SA003", "SA005"]);
}

#[test]
fn github_workflow_commands() {
    let dir = site();
    let (status, out) = run(dir.path(), "github");
    assert_eq!(status, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(
        lines[1],
        "::error file=_posts/2021-12-08-a b.md,line=4,col=7,endLine=4,endColumn=26,title=DT007 (misread-time)::Jekyll reads a timestamp without a zone as UTC: `2021-12-08 10:18:31` is published as 2021-12-08 18:18:31 +0800%0Ahelp: add the site's offset: `2021-12-08 10:18:31 +0800`"
    );
    assert!(
        lines[0].starts_with("::error file=_posts/2021-12-08-a b.md,line=2,col=9,"),
        "{}",
        lines[0]
    );
}
