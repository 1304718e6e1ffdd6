//! Differential test against Ruby Liquid 5.4.0 inside Jekyll 4.3.1 on generated
//! templates (fixed seed). Runs when `POSTLINT_ORACLES=1`; skips with a note otherwise.
//! `LIQUID_DIFF_CASES` (default 3000) and `LIQUID_DIFF_SEED` (default 1) choose the run;
//! `LIQUID_DIFF_SHOW` how many disagreements to print (default 15).

mod common;

fn env_u64(k: &str, d: u64) -> u64 {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
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
        println!(
            "seed {}: {}\n  template: {:?}",
            seed + *i as u64,
            f,
            cases[*i]["template"]
        );
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
    println!(
        "excerpts: {} cases, text {}/{e}, parse outcome {}/{e}; {} fail to parse although their post parses",
        st.excerpt_cases,
        st.excerpt_text_ok,
        st.excerpt_error_ok,
        st.excerpt_only_errors,
        e = st.excerpt_cases
    );
    assert_eq!(
        st.excerpt_text_ok, st.excerpt_cases,
        "excerpt texts must agree"
    );
    assert_eq!(
        st.excerpt_error_ok, st.excerpt_cases,
        "excerpt parse outcomes must agree"
    );
    assert_eq!(
        st.error_presence_ok, ok,
        "whether Jekyll stops must agree on every case"
    );
    assert_eq!(
        st.error_message_ok, ok,
        "error messages must agree on every case"
    );
    assert_eq!(st.error_line_ok, ok, "error lines must agree on every case");
    assert_eq!(
        st.warnings_ok, st.rendered_cases,
        "warnings must agree on every case"
    );
    assert_eq!(
        st.exact_ok, st.exact_cases,
        "output (or render error) must agree wherever the crate claims it exact"
    );
}

/// Hand-written cases for the corners of Liquid's parser (each one a rule of the Ruby
/// source), compared with the oracle the same way.
#[test]
fn corner_cases_agree_with_jekyll() {
    if !common::oracle_wanted() {
        return;
    }
    let deep_ok = "{% if x %}".repeat(100) + &"{% endif %}".repeat(100);
    let deep_bad = "{% if x %}".repeat(101) + &"{% endif %}".repeat(101);
    let templates: Vec<String> = vec![
        deep_ok,
        deep_bad,
        "{% raw %}a{%- endraw %}b{% endraw %}".into(),
        "{% raw %}{{ {% endraw %}x".into(),
        "{% raw -%}  a  {% endraw %}  b".into(),
        "{%- raw %}x{% endraw -%}\n\n y".into(),
        "{% liquid assign x = 1 %}{% if %}".into(),
        "{% liquid\nassign x = 1\n\n\n%}\n{% foo %}".into(),
        "{% liquid\nif x\necho 1\n%}".into(),
        "{% liquid\nendif\n%}".into(),
        "{% liquid\nelse\n%}".into(),
        "{% liquid\n{{ x }}\n%}".into(),
        "{% liquid\nliquid\n%}".into(),
        "{% liquid\nraw\n%}".into(),
        "{% for i in (1..3) %}a{% else %}b{% else %}c{% endfor %}".into(),
        "{% comment %}{% if x %}{% endcomment %}".into(),
        "{% comment %}{% else %}{% endif %}{% endcomment %}ok".into(),
        "{% case x %}{% when 1 %}a{% else %}b{% when 2 %}c{% endcase %}".into(),
        "{% case 1 %}{% when 1, 1 %}a{% endcase %}".into(),
        "{% capture %}{% endcapture %}".into(),
        "{% if x %}{% else %}{% else %}{% endif %}".into(),
        "{% unless x %}{% elsif y %}{% endunless %}".into(),
        "{% if x %}{% when 1 %}{% endif %}".into(),
        "{% capture x %}{% else %}{% endcapture %}".into(),
        "{%- if true -%}  a  {%- endif -%}  b".into(),
        "a  {{- 'x' -}}  b".into(),
        "{{ 'a' }}}".into(),
        "{{ a }b }}".into(),
        "{% if x %}\n\n{% endif".into(),
        "text\n{{\n".into(),
        "{%\n\nif\n\nx\n%}\n{% bogus %}".into(),
        "{% # a\n  # b %}x".into(),
        "{% # a\n  b %}".into(),
        "{{ empty }}|{{ blank | size }}|{{ empty | default: 'd' }}|{% if '' == empty %}e{% endif %}".into(),
        "{% assign e = empty %}{% if e %}t{% endif %}{% if 'ab' contains empty %}c{% endif %}".into(),
        "{{ 1 | plus: 2.5 }} {{ 0.1 | plus: 0.2 }} {{ 7 | divided_by: -2 }} {{ 7 | modulo: -2 }}".into(),
        "{{ 1e3 }} {{ 1.0 }} {{ 3.0 | times: 2 }} {{ 10000000000000000.0 }}".into(),
        "{{ 'a,b,,' | split: ',' | join: '-' }}|{{ ' a  b ' | split: ' ' | size }}".into(),
        "{{ 'x' | nosuchfilter: 1 }}{{ 'x' | append }}".into(),
        "{{ 'a' | truncatewords: 'x' }}".into(),
        "{% for i in (1..5) limit: 2 %}{{ i }}{% endfor %}{% for i in (1..5) offset: continue %}{{ i }}{% endfor %}".into(),
        "{% for i in (1..3) %}{% for j in (1..2) %}{{ forloop.parentloop.index }}{{ forloop.index }}{% endfor %}{% endfor %}".into(),
        "{% for i in (1..4) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}".into(),
        "{% break %}after".into(),
        "{% increment a %}{% increment a %}{% decrement b %}{{ a }}".into(),
        "{% cycle 'a', 'b' %}{% cycle 'a', 'b' %}{% cycle 'a', 'b' %}".into(),
        "{% tablerow i in (1..5) cols: 2 %}{{ i }}{% endtablerow %}".into(),
        "{% if 1 < 'a' %}x{% endif %}".into(),
        "{% if 'a' < 1 %}x{% endif %}".into(),
        "{% if a = b %}x{% endif %}".into(),
        "{% if x %}x{% endif %}{% if a = b %}y{% endif %}".into(),
        "{{ page.title | upcase }} {{ page.tags | join: ', ' }} {{ page.tags.size }} {{ page.tags | first }}".into(),
        "{{ page.tags }} {{ page.h }} {{ page.h | inspect }}".into(),
        "{{ '/a b' | relative_url }} {{ 'about/' | relative_url }} {{ 'x' | absolute_url }}".into(),
        "{% post_url 2021-01-01-hello %} {% link about.md %}".into(),
        "{% include a.html x=page.title %}{% include b.html y=1 %}".into(),
        "{% include broken.html %}".into(),
        "{% include a.html x=1 y %}".into(),
        "{% include ../a.html %}".into(),
        "{% include %}".into(),
        "{% render 'a' %}".into(),
        "{% highlight ruby %}x{% endhighlight %}".into(),
        "{% highlight %}x{% endhighlight %}".into(),
        "{% post_url nodate %}".into(),
        "{% post_url 2021-01-01-nope %}".into(),
        "{% link nope.md %}".into(),
        "{{ 'a' | slugify }} {{ 'Hello, 世界!' | slugify }} {{ '<b>x</b>' | strip_html }}".into(),
        "{{ '\"<&>' | xml_escape }} {{ \"'\" | escape }} {{ 'a b/é' | url_encode }} {{ '%E4%B8%AD+x' | url_decode }}".into(),
        "{{ x | jsonify }}{{ page.tags | jsonify }}{{ 'a\"b' | jsonify }}".into(),
        "{{ 'abc' | slice: 1 }}{{ 'abc' | slice: -2, 5 }}{{ 'abcdef' | truncate: 4 }}{{ 'a b c d' | truncatewords: 2 }}".into(),
    ];
    let cases: Vec<serde_json::Value> = templates
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut c = common::templates::case(i as u64);
            c["template"] = serde_json::Value::String(t.clone());
            c
        })
        .collect();
    let oracle = common::run_oracle(&cases);
    assert_eq!(oracle.len(), cases.len(), "the oracle answered every case");
    let st = common::compare(&cases, &oracle);
    for (i, f) in st.failures.iter() {
        println!("corner {i}: {f}\n  template: {:?}", cases[*i]["template"]);
    }
    println!(
        "{} corner cases: errors {}/{n}, lines {}/{n}; rendered {}: exact {} of which agree {}",
        st.cases,
        st.error_message_ok,
        st.error_line_ok,
        st.rendered_cases,
        st.exact_cases,
        st.exact_ok,
        n = st.cases
    );
    assert!(st.failures.is_empty());
}
