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

fn schema_errors(file: &str, draft7: bool, report: &serde_json::Value) -> Vec<String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/schemas")
            .join(file),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = if draft7 {
        jsonschema::draft7::new(&schema).unwrap()
    } else {
        jsonschema::draft4::new(&schema).unwrap()
    };
    validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

const POST: &str = "_posts/2021-12-08-a b.md";

/// The test post's text.
fn post_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(POST)).unwrap()
}

/// The byte offset of a 1-based line and column (in characters) of `text`.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    start
        + text[start..]
            .chars()
            .take(column - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn json_is_one_document_with_the_fix_edits() {
    let dir = site();
    let (status, out) = run(dir.path(), "json");
    assert_eq!(status, 1);
    snapshot("formats_json", &out);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 1, "errors": 5, "warnings": 0, "fixable": 1})
    );
    let diags = report["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 5);
    let text = post_text(dir.path());
    for d in diags {
        assert_eq!(d["fixable"], !d["fix"].is_null(), "{d}");
    }
    let fixable = diags.iter().find(|d| d["code"] == "DT007").unwrap();
    let fix = &fixable["fix"];
    assert_eq!(fix["applicability"], "safe");
    let edits = fix["edits"].as_array().unwrap();
    assert!(!edits.is_empty());
    for e in edits {
        for end in ["start", "end"] {
            let p = &e[end];
            let (line, column, offset) = (
                p["line"].as_u64().unwrap() as usize,
                p["column"].as_u64().unwrap() as usize,
                p["offset"].as_u64().unwrap() as usize,
            );
            assert_eq!(offset_of(&text, line, column), offset, "{e}");
        }
        assert_eq!(e["content"], " +0800", "{e}");
        assert_eq!(e["start"], e["end"], "an insertion");
        assert_eq!(e["start"]["line"], 4);
    }
}

#[test]
fn json_lines_are_the_json_diagnostics() {
    let dir = site();
    let (status, out) = run(dir.path(), "json-lines");
    assert_eq!(status, 1);
    snapshot("formats_json_lines", &out);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (_, json) = run(dir.path(), "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(&lines, json["diagnostics"].as_array().unwrap());
}

#[test]
fn sarif_has_help_uris_and_fixes() {
    let dir = site();
    let (_, out) = run(dir.path(), "sarif");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run0 = &report["runs"][0];
    snapshot(
        "formats_sarif_results",
        &serde_json::to_string_pretty(&run0["results"]).unwrap(),
    );
    for rule in run0["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(
            rule["helpUri"].as_str().unwrap(),
            format!(
                "https://github.com/OWNER/postlint/blob/main/README.md#{}",
                id.to_ascii_lowercase()
            )
        );
    }
    // Each anchor is in the README's rule table.
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("| <a id=\"dt007\"></a>DT007 |"));
    let results = run0["results"].as_array().unwrap();
    let dt = results.iter().find(|r| r["ruleId"] == "DT007").unwrap();
    let change = &dt["fixes"][0]["artifactChanges"][0];
    assert_eq!(
        change["artifactLocation"]["uri"],
        "_posts/2021-12-08-a%20b.md"
    );
    let replacement = &change["replacements"][0];
    let text = post_text(dir.path());
    let region = &replacement["deletedRegion"];
    let at = |l: &str, c: &str| {
        offset_of(
            &text,
            region[l].as_u64().unwrap() as usize,
            region[c].as_u64().unwrap() as usize,
        )
    };
    let start = region["byteOffset"].as_u64().unwrap() as usize;
    assert_eq!(at("startLine", "startColumn"), start);
    assert_eq!(
        at("endLine", "endColumn"),
        start + region["byteLength"].as_u64().unwrap() as usize
    );
    assert_eq!(replacement["insertedContent"]["text"], " +0800");
    assert!(
        results
            .iter()
            .all(|r| r["ruleId"] == "DT007" || r.get("fixes").is_none())
    );
}

#[test]
fn gitlab_code_quality_is_valid() {
    let dir = site();
    let (status, out) = run(dir.path(), "gitlab");
    assert_eq!(status, 1);
    snapshot("formats_gitlab", &out);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors = schema_errors("gitlab-codequality.json", true, &report);
    assert!(errors.is_empty(), "{errors:#?}");
    let issues = report.as_array().unwrap();
    assert_eq!(issues.len(), 5);
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
    let dt = issues.iter().find(|i| i["check_name"] == "DT007").unwrap();
    assert_eq!(dt["severity"], "major");
    assert_eq!(dt["location"]["path"], POST);
    assert_eq!(dt["location"]["lines"]["begin"], 4);
    // A run without findings is an empty array.
    let clean = tempfile::tempdir().unwrap();
    let (status, out) = run(clean.path(), "gitlab");
    assert_eq!((status, out.as_str()), (0, "[]\n"));
}

#[test]
fn rdjson_is_valid_with_byte_columns_and_suggestions() {
    let dir = site();
    let (status, out) = run(dir.path(), "rdjson");
    assert_eq!(status, 1);
    snapshot("formats_rdjson", &out);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors = schema_errors("rdjson.json", false, &report);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["source"]["name"], "postlint");
    let diags = report["diagnostics"].as_array().unwrap();
    let (_, json) = run(dir.path(), "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let text = post_text(dir.path());
    // Columns in bytes: the same places as the JSON's character columns.
    let byte_column = |line: usize, column: usize| {
        let start: usize = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        offset_of(&text, line, column) - start + 1
    };
    for (r, j) in diags.iter().zip(json["diagnostics"].as_array().unwrap()) {
        assert_eq!(r["code"]["value"], j["code"]);
        let start = &r["location"]["range"]["start"];
        assert_eq!(start["line"], j["line"]);
        assert_eq!(
            start["column"].as_u64().unwrap() as usize,
            byte_column(
                j["line"].as_u64().unwrap() as usize,
                j["column"].as_u64().unwrap() as usize
            ),
            "{r}"
        );
        assert_eq!(r["severity"], "ERROR");
        assert!(r["code"]["url"].as_str().unwrap().ends_with(&format!(
            "#{}",
            j["code"].as_str().unwrap().to_ascii_lowercase()
        )));
    }
    let dt = diags
        .iter()
        .find(|d| d["code"]["value"] == "DT007")
        .unwrap();
    let suggestion = &dt["suggestions"][0];
    assert_eq!(suggestion["text"], " +0800");
    // `date: 2021-12-08 10:18:31` is 25 bytes: the offset is inserted at column 26.
    assert_eq!(
        suggestion["range"],
        serde_json::json!({"start": {"line": 4, "column": 26}, "end": {"line": 4, "column": 26}})
    );
    // A line with Chinese text: bytes and characters differ.
    let sa3 = diags
        .iter()
        .find(|d| d["code"]["value"] == "SA003")
        .unwrap();
    assert_eq!(sa3["location"]["range"]["start"]["column"], 102);
}

#[test]
fn junit_has_the_structure_its_consumers_read() {
    use quick_xml::events::Event;
    let dir = site();
    let (status, out) = run(dir.path(), "junit");
    assert_eq!(status, 1);
    snapshot("formats_junit", &out);
    let mut reader = quick_xml::Reader::from_str(&out);
    let mut stack: Vec<String> = Vec::new();
    let (mut suites, mut cases, mut failures) = (0, 0, 0);
    let mut declared = (0usize, 0usize);
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
        e.try_get_attribute(name)
            .unwrap()
            .map(|a| a.unescape_value().unwrap().into_owned())
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let parent = stack.last().map(String::as_str);
                match name.as_str() {
                    "testsuites" => assert_eq!(parent, None),
                    "testsuite" => {
                        assert_eq!(parent, Some("testsuites"));
                        suites += 1;
                        assert_eq!(attr(&e, "name").as_deref(), Some(POST));
                        declared.0 += attr(&e, "tests").unwrap().parse::<usize>().unwrap();
                        declared.1 += attr(&e, "failures").unwrap().parse::<usize>().unwrap();
                        assert_eq!(attr(&e, "errors").as_deref(), Some("0"));
                    }
                    "testcase" => {
                        assert_eq!(parent, Some("testsuite"));
                        cases += 1;
                        assert!(attr(&e, "name").is_some());
                        assert_eq!(attr(&e, "classname").as_deref(), Some(POST));
                    }
                    "failure" => {
                        assert_eq!(parent, Some("testcase"));
                        failures += 1;
                        assert!(attr(&e, "type").unwrap().len() == 5);
                        assert!(!attr(&e, "message").unwrap().is_empty());
                    }
                    other => panic!("unexpected element {other}"),
                }
                stack.push(name);
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty());
    assert_eq!((suites, cases, failures), (1, 5, 5));
    assert_eq!(declared, (5, 5));
    // Without findings: still a report with one (empty) suite.
    let clean = tempfile::tempdir().unwrap();
    let (status, out) = run(clean.path(), "junit");
    assert_eq!(status, 0);
    assert!(
        out.contains("<testsuite name=\"postlint\" tests=\"0\""),
        "{out}"
    );
}

#[test]
fn short_carries_the_severity() {
    let dir = site();
    let (_, out) = run(dir.path(), "short");
    snapshot("formats_short", &out);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1],
        "_posts/2021-12-08-a b.md:4:7: DT007 [error] Jekyll reads a timestamp without a zone as UTC: `2021-12-08 10:18:31` is published as 2021-12-08 18:18:31 +0800"
    );
    let warn = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(warn.path().join("_posts")).unwrap();
    std::fs::write(
        warn.path().join("_posts/2021-12-08-x.md"),
        "---\ntitle: x\ndate: 2021-12-08 10:18:31\n---\n",
    )
    .unwrap();
    let (status, out) = run(warn.path(), "short");
    assert_eq!(status, 0);
    assert!(out.contains(": DT002 [warning] "), "{out}");
}

/// Many files, findings in each and across files: every format's output is the same byte
/// for byte whatever the number of threads, run after run.
#[test]
fn every_format_is_deterministic_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("postlint.yaml"), "extends: finews\n").unwrap();
    for i in 0..240 {
        let folder = dir.path().join(format!("_posts/{}", i % 7));
        std::fs::create_dir_all(&folder).unwrap();
        // Every tenth post repeats another's article (XF001, a cross-file finding).
        let body = if i % 10 == 0 { 0 } else { i };
        std::fs::write(
            folder.join(format!("2021-12-08-{i:03}.md")),
            format!(
                "---\nlayout: post\ntitle: \"标题{i}\"\ndate: 2021-12-08 10:18:31\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n沪指午后震荡走高{body}。\n\n<span>再{body}\n\n<https://finance.eastmoney.com/news/1345,20211208{body:08}.html>\n"
            ),
        )
        .unwrap();
    }
    for format in [
        "human",
        "short",
        "json",
        "json-lines",
        "sarif",
        "github",
        "junit",
        "gitlab",
        "rdjson",
    ] {
        let out = |jobs: &str| {
            let o = Command::new(env!("CARGO_BIN_EXE_postlint"))
                .current_dir(dir.path())
                .args([
                    "check", "--color", "never", "--format", format, "--jobs", jobs,
                ])
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(1), "{format}");
            let text = String::from_utf8(o.stdout).unwrap();
            // The human format's summary line says how long the run took.
            text.lines()
                .filter(|l| !l.starts_with("checked "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let one = out("1");
        assert!(one.contains("XF001"), "{format}: {one}");
        assert_eq!(one, out("3"), "{format}");
        assert_eq!(one, out("2"), "{format}");
    }
}
