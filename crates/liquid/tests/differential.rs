//! Differential test against Ruby Liquid 5.4.0 inside Jekyll 4.3.1 on generated
//! templates (fixed seed). Runs when `POSTLINT_ORACLES=1`; skips with a note otherwise.
//! `LIQUID_DIFF_CASES` (default 3000) and `LIQUID_DIFF_SEED` (default 1) choose the run;
//! `LIQUID_DIFF_SHOW` how many disagreements to print (default 15).

mod common;

fn env_u64(k: &str, d: u64) -> u64 {
    std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d)
}

#[test]
fn generated_templates_agree_with_jekyll() {
    if !common::oracle_wanted() {
        return;
    }
    let n = env_u64("LIQUID_DIFF_CASES", 3000);
    let seed = env_u64("LIQUID_DIFF_SEED", 1);
    let show = env_u64("LIQUID_DIFF_SHOW", 15) as usize;
    let cases: Vec<serde_json::Value> = (seed..seed + n).map(common::templates::case).collect();
    let oracle = common::run_oracle(&cases);
    assert_eq!(oracle.len(), cases.len(), "the oracle answered every case");
    if let Ok(path) = std::env::var("LIQUID_DIFF_DUMP") {
        let mut text = String::new();
        for (c, o) in cases.iter().zip(&oracle) {
            text.push_str(&serde_json::json!({"case": c, "ruby": o}).to_string());
            text.push('\n');
        }
        std::fs::write(path, text).expect("write LIQUID_DIFF_DUMP");
    }
    let st = common::compare(&cases, &oracle);
    for (i, f) in st.failures.iter().take(show) {
        println!("seed {}: {}\n  template: {:?}", seed + *i as u64, f, cases[*i]["template"]);
    }
    let ok = st.cases - st.oracle_failed;
    println!(
        "{} cases ({} oracle timeouts); Jekyll fails to parse {}; \
         error or not {}/{ok}, message {}/{ok}, line {}/{ok}; \
         parsed: warnings {}/{r}, render outcome {}/{r}, output {}/{r}; \
         exact (no unknown segment) {}/{r}, of which agree {}",
        st.cases,
        st.oracle_failed,
        st.parse_error_cases,
        st.error_presence_ok,
        st.error_message_ok,
        st.error_line_ok,
        st.warnings_ok,
        st.render_outcome_ok,
        st.output_ok,
        st.exact_cases,
        st.exact_ok,
        r = st.rendered_cases,
    );
    assert_eq!(st.error_presence_ok, ok, "whether Jekyll stops must agree on every case");
    assert_eq!(st.error_message_ok, ok, "error messages must agree on every case");
    assert_eq!(st.error_line_ok, ok, "error lines must agree on every case");
    assert_eq!(st.warnings_ok, st.rendered_cases, "warnings must agree on every case");
    assert_eq!(
        st.exact_ok, st.exact_cases,
        "output (or render error) must agree wherever the crate claims it exact"
    );
}
