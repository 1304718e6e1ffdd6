//! The front matter keys Jekyll's site model reads — `date`, `categories`, `category`,
//! `tags`, `tag`, `slug`, `permalink`, `published` — as `safe_load` gives them.
//!
//! Exact by construction: the same split, parse and load as everywhere else (one YAML
//! grammar), then a look-up of the keys in the loaded Hash (so duplicate keys, merge keys
//! and aliases resolve as in Ruby). What Jekyll does next with them (front matter
//! defaults, categories from the path, `merge_categories!`) is the site model's business;
//! [`SiteKeys::pluralized`], [`SiteKeys::published`] and [`SiteKeys::date`] are the
//! Jekyll helpers that read these values (lib/jekyll/utils.rb, document.rb).

use std::ops::Range;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::jekyll::{JekyllDate, JekyllDateError, date_input, jekyll_date_of};
use crate::load::{LoadError, Loaded, Value, load};
use crate::scalar::Typed;
use crate::tree::{SyntaxError, parse};

/// The keys [`site_keys`] reads.
pub const SITE_KEYS: [&str; 8] = [
    "date",
    "categories",
    "category",
    "tags",
    "tag",
    "slug",
    "permalink",
    "published",
];

/// One key's value in the loaded front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteKey {
    /// The value: an index into [`SiteKeys::loaded`]'s `values`.
    pub value: usize,
    /// The byte span in the file of the node the value was built from.
    pub span: Range<usize>,
    /// The byte span of the key's node.
    pub key_span: Range<usize>,
}

/// The site keys of a front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteKeys {
    /// The whole loaded front matter (the keys' values point into it).
    pub loaded: Loaded,
    /// Each key of [`SITE_KEYS`] present in the front matter's Hash, in that order.
    pub keys: [Option<SiteKey>; 8],
}

/// Why the front matter gives Jekyll no data.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteKeysError {
    /// `Psych::SyntaxError`.
    Syntax(SyntaxError),
    /// `safe_load` raised.
    Load(LoadError),
    /// The YAML is a truthy non-Hash (a String, an Array…): `merge_data!` raises
    /// `NoMethodError` (`undefined method 'key?'`) for a post, a page stops the build
    /// (`InvalidYAMLFrontMatterError`).
    NotAHash,
}

/// Split `text` as Jekyll does ([`crate::front_matter()`]), parse and load its front matter
/// (`local`: the process zone, for zone-less timestamps), and find the site keys. `None`
/// when there is no front matter. A front matter that loads as `nil` or `false` (empty, or
/// only comments) gives no keys, as Jekyll merges nothing then.
pub fn site_keys(text: &str, local: &TimeZone) -> Option<Result<SiteKeys, SiteKeysError>> {
    let fm = crate::front_matter(text)?;
    let yaml = text.get(fm.yaml.clone())?;
    Some(site_keys_of_yaml(yaml, fm.yaml.start, local))
}

/// [`site_keys`] of the YAML already split out (`base`: its offset in the file).
pub fn site_keys_of_yaml(
    yaml: &str,
    base: usize,
    local: &TimeZone,
) -> Result<SiteKeys, SiteKeysError> {
    let doc = parse(yaml, base).map_err(SiteKeysError::Syntax)?;
    let mut keys: [Option<SiteKey>; 8] = Default::default();
    let Some(doc) = doc else {
        return Ok(SiteKeys {
            loaded: Loaded {
                values: vec![Value::Scalar(Typed::Null)],
                spans: std::iter::once(base..base).collect(),
                root: 0,
            },
            keys,
        });
    };
    let loaded = load(&doc, local).map_err(SiteKeysError::Load)?;
    match loaded.values.get(loaded.root) {
        Some(Value::Map(pairs)) => {
            for &(k, v) in pairs {
                if let Some(Value::Scalar(Typed::Str(name))) = loaded.values.get(k)
                    && let Some(i) = SITE_KEYS.iter().position(|s| s == name)
                    && let Some(slot) = keys.get_mut(i)
                {
                    *slot = Some(SiteKey {
                        value: v,
                        span: loaded.spans.get(v).cloned().unwrap_or_default(),
                        key_span: loaded.spans.get(k).cloned().unwrap_or_default(),
                    });
                }
            }
        }
        Some(Value::Scalar(Typed::Null | Typed::Bool(false))) | None => {}
        Some(_) => return Err(SiteKeysError::NotAHash),
    }
    Ok(SiteKeys { loaded, keys })
}

/// Most elements [`SiteKeys::pluralized`] returns (alias fan-out can make Ruby's
/// `flatten` huge); beyond, it gives up (`None`).
const MAX_ITEMS: usize = 100_000;

impl SiteKeys {
    /// The entry of a key of [`SITE_KEYS`] (`None` for other names or when absent).
    pub fn get(&self, key: &str) -> Option<&SiteKey> {
        let i = SITE_KEYS.iter().position(|s| *s == key)?;
        self.keys.get(i)?.as_ref()
    }

    /// The typed scalar of a key, when its value is a scalar.
    pub fn scalar(&self, key: &str) -> Option<&Typed> {
        self.loaded.scalar(self.get(key)?.value)
    }

    /// `Document#published?`: `!(data.key?("published") && data["published"] == false)`.
    pub fn published(&self) -> bool {
        !matches!(self.scalar("published"), Some(Typed::Bool(false)))
    }

    /// `value.to_s` of a key (`slug`, `permalink`): what Jekyll interpolates.
    pub fn to_s(&self, key: &str) -> Option<String> {
        Some(date_input(&self.loaded, self.get(key)?.value).0)
    }

    /// `Utils.parse_date(data["date"].to_s)`, see [`crate::jekyll_date()`]: `None` when the
    /// front matter has no `date`.
    pub fn date(
        &self,
        now: Timestamp,
        site_tz: &TimeZone,
    ) -> Option<Result<JekyllDate, JekyllDateError>> {
        let id = self.get("date")?.value;
        Some(jekyll_date_of(&self.loaded, id, now, site_tz))
    }

    /// `Utils.pluralized_array_from_hash(data, singular, plural)` on the front matter alone
    /// (`("category", "categories")`, `("tag", "tags")`), each element as its `to_s`: the
    /// singular key's value unless it is `nil`/`false`, else the plural key's (a String
    /// `split` on ASCII white space, an Array without its `nil`s), flattened, `nil`s
    /// removed. `None` where Ruby raises (`flatten` of a recursive array) or the result
    /// would exceed 100,000 elements.
    pub fn pluralized(&self, singular: &str, plural: &str) -> Option<Vec<String>> {
        let l = &self.loaded;
        let is_falsy = |id: usize| {
            matches!(
                l.values.get(id),
                Some(Value::Scalar(Typed::Null | Typed::Bool(false))) | None
            )
        };
        let singular_value = self.get(singular).map(|k| k.value);
        let start = match singular_value {
            Some(id) if !is_falsy(id) => id,
            _ => {
                let Some(id) = self.get(plural).map(|k| k.value) else {
                    return Some(Vec::new());
                };
                match l.values.get(id) {
                    Some(Value::Scalar(Typed::Str(s))) => {
                        return Some(
                            s.split([' ', '\t', '\n', '\x0b', '\x0c', '\r'])
                                .filter(|w| !w.is_empty())
                                .map(str::to_string)
                                .collect(),
                        );
                    }
                    Some(Value::Seq(_)) => id,
                    _ => return Some(Vec::new()),
                }
            }
        };
        // [value].flatten.compact, without recursion: a stack of (array, next index).
        let mut out = Vec::new();
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let visit = |id: usize, stack: &mut Vec<(usize, usize)>, out: &mut Vec<String>| {
            match l.values.get(id) {
                Some(Value::Seq(_)) => {
                    if stack.iter().any(|&(a, _)| a == id) {
                        return false;
                    }
                    stack.push((id, 0));
                }
                Some(Value::Scalar(Typed::Null)) | None => {}
                Some(_) => out.push(date_input(l, id).0),
            }
            true
        };
        if !visit(start, &mut stack, &mut out) {
            return None;
        }
        while let Some(&mut (a, ref mut i)) = stack.last_mut() {
            let Some(Value::Seq(items)) = l.values.get(a) else {
                stack.pop();
                continue;
            };
            let Some(&next) = items.get(*i) else {
                stack.pop();
                continue;
            };
            *i += 1;
            if !visit(next, &mut stack, &mut out) || out.len() > MAX_ITEMS {
                return None;
            }
        }
        Some(out)
    }
}
