//! `Jekyll::FrontmatterDefaults` (frontmatter_defaults.rb): the `defaults:` sets of
//! `_config.yml`, matched by path and type, merged by precedence.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::config::deep_merge;
use crate::value::{Value, ValueKind};

/// One valid set: `scope` (optional) and `values` (a hash).
#[derive(Debug, Clone)]
struct Set {
    scope: Option<Value>,
    values: Value,
}

/// The defaults of a site.
#[derive(Debug)]
pub struct Defaults {
    sets: Vec<Set>,
    source: PathBuf,
    collections_dir: String,
    glob_cache: Mutex<HashMap<String, Vec<String>>>,
}

/// The `type` of a file for the defaults: `pages`, a collection label (`posts` for posts and
/// drafts), or none (static files outside collections).
pub type Kind<'a> = Option<&'a str>;

fn sanitize_path(path: Option<&str>) -> String {
    match path {
        None | Some("") => String::new(),
        Some(p) => p.strip_prefix('/').unwrap_or(p).to_string(),
    }
}

impl Defaults {
    /// The valid sets of `defaults` (`valid_sets`, frontmatter_defaults.rb:212), with the
    /// deprecated types renamed (`page` → `pages`, `post` → `posts`, `draft` → `drafts`).
    pub fn new(defaults: &Value, source: PathBuf, collections_dir: String) -> Defaults {
        let mut sets = Vec::new();
        if let ValueKind::Seq(items) = &defaults.kind {
            for set in items {
                let valid = matches!(set.kind, ValueKind::Map(_))
                    && set
                        .get("values")
                        .is_some_and(|v| matches!(v.kind, ValueKind::Map(_)));
                if !valid {
                    // Jekyll warns and skips it.
                    continue;
                }
                let mut scope = set.get("scope").cloned();
                if let Some(sc) = &mut scope
                    && let ValueKind::Map(m) = &mut sc.kind
                    && let Some(i) = m.iter().rposition(|(k, _)| k.as_str() == Some("type"))
                {
                    let renamed = match m[i].1.as_str() {
                        Some("page") => Some("pages"),
                        Some("post") => Some("posts"),
                        Some("draft") => Some("drafts"),
                        _ => None,
                    };
                    if let Some(r) = renamed {
                        m[i].1 = Value::string(r);
                    }
                }
                let values = set.get("values").cloned().unwrap_or_else(Value::null);
                sets.push(Set { scope, values });
            }
        }
        Defaults {
            sets,
            source,
            collections_dir,
            glob_cache: Mutex::new(HashMap::new()),
        }
    }

    /// The `values` hashes, to check their `date`s (`ensure_time!`).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.sets.iter_mut().map(|s| &mut s.values)
    }

    fn strip_collections_dir(&self, path: &str) -> String {
        if self.collections_dir.is_empty() {
            return path.to_string();
        }
        let slashed = format!("{}/", self.collections_dir);
        match path.strip_prefix(&slashed) {
            Some(rest) => rest.to_string(),
            None => path.to_string(),
        }
    }

    fn glob(&self, rel_scope_path: &str) -> Vec<String> {
        if let Ok(cache) = self.glob_cache.lock()
            && let Some(v) = cache.get(rel_scope_path)
        {
            return v.clone();
        }
        // Pathname(source).join(rel): an absolute scope path globs from the root, and its
        // results never lie under the source.
        let results = if rel_scope_path.starts_with('/') {
            Vec::new()
        } else {
            crate::glob::dir_glob(&self.source, rel_scope_path)
        };
        if let Ok(mut cache) = self.glob_cache.lock() {
            cache.insert(rel_scope_path.to_string(), results.clone());
        }
        results
    }

    fn applies_path(&self, scope: &Value, path: &str) -> bool {
        let Some(rel) = scope.get("path").and_then(|p| p.as_str()) else {
            return true;
        };
        if rel.is_empty() {
            return true;
        }
        let sanitized = sanitize_path(Some(path));
        if rel.contains('*') {
            self.glob(rel)
                .iter()
                .any(|r| sanitized.starts_with(&self.strip_collections_dir(r)))
        } else {
            sanitized.starts_with(&self.strip_collections_dir(rel))
        }
    }

    fn applies_type(scope: &Value, kind: Kind<'_>) -> bool {
        match scope.get("type") {
            None => true,
            Some(t) => {
                let t = t.ruby_to_s();
                kind.is_some_and(|k| k == t)
            }
        }
    }

    fn matching(&self, path: &str, kind: Kind<'_>) -> Vec<&Set> {
        self.sets
            .iter()
            .filter(|s| match &s.scope {
                None => true,
                Some(sc) => Self::applies_type(sc, kind) && self.applies_path(sc, path),
            })
            .collect()
    }

    /// `has_precedence?` (frontmatter_defaults.rb:179); `Err` where Jekyll raises (a set
    /// without `scope` after another matching set: `nil["path"]`).
    fn has_precedence(old: Option<&Option<Value>>, new: &Option<Value>) -> Result<bool, String> {
        // `old_scope.nil?`: no set yet, or a set without scope.
        let Some(old @ Some(_)) = old else {
            return Ok(true);
        };
        let Some(new) = new else {
            return Err(
                "NoMethodError: undefined method `[]' for nil (a defaults set without scope)"
                    .into(),
            );
        };
        let path_of = |v: &Option<Value>| -> Result<String, String> {
            match v.as_ref().and_then(|s| s.get("path")) {
                None => Ok(String::new()),
                Some(p) => match &p.kind {
                    ValueKind::Null => Ok(String::new()),
                    ValueKind::Str(s) => Ok(sanitize_path(Some(s))),
                    _ => Err("NoMethodError: a defaults scope path that is not a String".into()),
                },
            }
        };
        let new_path = path_of(&Some(new.clone()))?;
        let old_path = path_of(old)?;
        if new_path.len() != old_path.len() {
            return Ok(new_path.len() >= old_path.len());
        }
        if new.get("type").is_some() {
            return Ok(true);
        }
        Ok(old.as_ref().is_none_or(|o| o.get("type").is_none()))
    }

    /// `all(path, type)` (frontmatter_defaults.rb:78): every matching set merged, the one
    /// with precedence over the other.
    pub fn all(&self, path: &str, kind: Kind<'_>) -> Result<Value, String> {
        let mut defaults = Value::synthetic(ValueKind::Map(Vec::new()));
        let mut old_scope: Option<&Option<Value>> = None;
        for set in self.matching(path, kind) {
            if Self::has_precedence(old_scope, &set.scope)? {
                deep_merge(&mut defaults, &set.values);
                old_scope = Some(&set.scope);
            } else {
                let mut merged = set.values.clone();
                deep_merge(&mut merged, &defaults);
                defaults = merged;
            }
        }
        Ok(defaults)
    }

    /// `find(path, type, setting)` (frontmatter_defaults.rb:59): the value of the matching set
    /// with the highest precedence that has the key.
    pub fn find(&self, path: &str, kind: Kind<'_>, key: &str) -> Result<Option<Value>, String> {
        let mut value = None;
        let mut old_scope: Option<&Option<Value>> = None;
        for set in self.matching(path, kind) {
            if let Some(v) = set.values.get(key)
                && Self::has_precedence(old_scope, &set.scope)?
            {
                value = Some(v.clone());
                old_scope = Some(&set.scope);
            }
        }
        Ok(value)
    }
}
