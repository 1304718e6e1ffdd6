//! Rule selectors: the one grammar of `--select`/`--ignore`, the config's `rules:` and
//! `per_file_ignores:`, and suppression comments. A selector is `ALL`, a rule's code (any
//! case) or kebab-case name, or a code prefix (`DT`, `dt00`); custom rules are selected the same
//! way, by their own code and name.

use super::registry::{RULES, Rule};

/// A parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// As written (names are compared as written).
    text: String,
    /// Upper-cased, when it can be a code prefix (it starts with a letter).
    prefix: Option<String>,
}

impl Selector {
    /// A selector, or `None` for an empty one.
    pub fn parse(text: &str) -> Option<Selector> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let prefix = text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            .then(|| text.to_ascii_uppercase());
        Some(Selector {
            text: text.to_string(),
            prefix,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it selects the rule (or custom rule) with this code and name.
    pub fn matches(&self, code: &str, name: &str) -> bool {
        self.text == "ALL"
            || self.text == name
            || self.prefix.as_ref().is_some_and(|p| {
                code.len() >= p.len()
                    && code.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
            })
    }

    /// The registry's rules it selects.
    pub fn rules(&self) -> Vec<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .filter(|r| self.matches(r.def().code, r.def().name))
            .collect()
    }

    /// Whether it selects any rule: of the registry, or one of `custom` (code, name).
    pub fn is_known(&self, custom: &[(String, String)]) -> bool {
        RULES.iter().any(|r| self.matches(r.code, r.name))
            || custom.iter().any(|(c, n)| self.matches(c, n))
    }
}

/// The registry's rules a selector names (none for an empty selector).
pub fn select(selector: &str) -> Vec<Rule> {
    Selector::parse(selector).map_or_else(Vec::new, |s| s.rules())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert_eq!(select("DT002"), vec![Rule::DT002]);
        assert_eq!(select("dt002"), vec![Rule::DT002]);
        assert_eq!(select("missing-timezone"), vec![Rule::DT002]);
        assert_eq!(select("dt"), select("DT"));
        assert_eq!(select("PF").len(), 2);
        assert_eq!(select("ALL").len(), Rule::ALL.len());
        assert!(select("XX").is_empty());
        assert!(select("").is_empty());
        assert!(select("2").is_empty());
        // Every code of the design's catalogue is a rule.
        for code in ["LK006", "dead-link", "TX007", "HT", "LK003", "XF", "SU001"] {
            assert!(!select(code).is_empty(), "{code}");
        }
        let custom = vec![("CU001".to_string(), "no-brackets".to_string())];
        for s in ["CU", "cu001", "no-brackets", "ALL"] {
            let sel = Selector::parse(s).unwrap();
            assert!(sel.is_known(&custom), "{s}");
            assert!(sel.matches("CU001", "no-brackets"), "{s}");
        }
        assert!(!Selector::parse("CV").unwrap().is_known(&custom));
    }
}
