//! Custom declarative rules from the config's `custom:` list: a regex that a front matter field
//! or the body must (`require`) or must not (`forbid`) match.

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::jekyll::yaml::NodeKind;
use crate::settings::Level;
use crate::settings::custom_rules::{CustomRule, Target};

fn diag(rule: &CustomRule, span: std::ops::Range<usize>, label: &str) -> Option<Diagnostic> {
    let severity = rule.level.severity()?;
    let mut d = Diagnostic::new(&rule.code, &rule.name, severity, span, rule.message.clone())
        .with_label(label);
    if let Some(h) = &rule.help {
        d = d.with_help(h.clone());
    }
    Some(d)
}

/// At most this many `forbid` matches per rule and file (a runaway pattern stays readable).
const MAX_MATCHES: usize = 100;

/// Run the custom rules that are on over a post, adding their findings to `out`.
pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if !cx.post.is_post() {
        return;
    }
    let post = cx.post;
    let text = &post.text;
    for rule in &cx.settings.custom {
        if rule.level == Level::Off {
            continue;
        }
        let pattern = rule.regex.as_str();
        match &rule.target {
            Target::Field(field) => {
                let node = post.root().and_then(|r| r.get(field));
                let values: Vec<std::ops::Range<usize>> = match node.map(|n| &n.kind) {
                    Some(NodeKind::Seq { items, .. }) => {
                        items.iter().map(|i| i.content_span(text)).collect()
                    }
                    Some(_) => node.map(|n| n.content_span(text)).into_iter().collect(),
                    None => Vec::new(),
                };
                if rule.forbid {
                    for span in values {
                        let value = &text[span.clone()];
                        for m in rule.regex.find_iter(value).take(MAX_MATCHES) {
                            out.extend(diag(
                                rule,
                                span.start + m.start()..span.start + m.end(),
                                &format!("matches `{pattern}`"),
                            ));
                        }
                    }
                } else if !values.iter().any(|s| rule.regex.is_match(&text[s.clone()])) {
                    let span = match (values.first(), post.closing()) {
                        (Some(s), _) => s.clone(),
                        (None, Some(c)) => c,
                        (None, None) => post.start..post.start,
                    };
                    out.extend(diag(
                        rule,
                        span,
                        &format!("`{field}` must match `{pattern}`"),
                    ));
                }
            }
            Target::Body => {
                let body = &text[post.body.clone()];
                if rule.forbid {
                    for m in rule.regex.find_iter(body).take(MAX_MATCHES) {
                        out.extend(diag(
                            rule,
                            post.body.start + m.start()..post.body.start + m.end(),
                            &format!("matches `{pattern}`"),
                        ));
                    }
                } else if !rule.regex.is_match(body) {
                    let end = text[..post.body.end].trim_end().len().max(post.body.start);
                    out.extend(diag(
                        rule,
                        end..end,
                        &format!("the body must match `{pattern}`"),
                    ));
                }
            }
        }
    }
}
