//! The category registry (the `categories:` section): explicit categories by slug, and the
//! defaults of an open registry that derives a category from its source name.

/// Whether a post must carry something (attribution, source link, back links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Need {
    #[default]
    Required,
    Optional,
    None,
}

impl Need {
    pub fn parse(s: &str) -> Option<Need> {
        match s {
            "required" => Some(Need::Required),
            "optional" => Some(Need::Optional),
            "none" => Some(Need::None),
            _ => None,
        }
    }
}

/// One category of the registry. Unset fields come from the `"*"` entry.
#[derive(Debug, Clone, Default)]
pub struct Category {
    pub name: Option<String>,
    pub tag: Option<String>,
    pub source_hosts: Option<Vec<String>>,
    pub attribution: Option<Need>,
    /// Whether the attribution must name this category's source (`match`) or any (`any`).
    pub attribution_any: Option<bool>,
    pub source_link: Option<Need>,
    pub back_links: Option<Need>,
    /// Accepted targets of the category back link (templates with `{slug}`).
    pub category_links: Option<Vec<String>>,
    /// Accepted targets of the home back link.
    pub home_links: Option<Vec<String>>,
}

/// How a category not in the registry must look, and the texts rules look for.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// `pinyin`: the slug is the pinyin of the source name (open registry); `none`: closed.
    pub derive_pinyin: bool,
    /// The tag of a source (`{name}新闻`).
    pub tag: String,
    /// The attribution line (`（文章来源：{name}）`).
    pub attribution_format: String,
    /// The text of the category back link (`返回{tag}`) and of the home link (`返回首页`).
    pub back_link_text: String,
    pub home_link_text: String,
    pub category: Category,
}

impl Defaults {
    /// The texts that make a link a back link.
    pub fn back_link_texts(&self) -> crate::jekyll::article::BackLinkTexts<'_> {
        crate::jekyll::article::BackLinkTexts {
            category: &self.back_link_text,
            home: &self.home_link_text,
        }
    }
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            derive_pinyin: false,
            tag: "{name}".into(),
            attribution_format: String::new(),
            back_link_text: String::new(),
            home_link_text: String::new(),
            category: Category::default(),
        }
    }
}

/// The registry: explicit categories by slug, and the defaults.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub categories: Vec<(String, Category)>,
    pub defaults: Defaults,
}

impl Registry {
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && !self.defaults.derive_pinyin
    }

    /// A closed registry lists every category (no derivation).
    pub fn is_closed(&self) -> bool {
        !self.categories.is_empty() && !self.defaults.derive_pinyin
    }

    pub fn get(&self, slug: &str) -> Option<&Category> {
        self.categories
            .iter()
            .find(|(s, _)| s == slug)
            .map(|(_, c)| c)
    }

    /// The tags the registry knows.
    pub fn known_tags(&self) -> impl Iterator<Item = String> + '_ {
        self.categories.iter().filter_map(|(_, c)| self.tag_of(c))
    }

    /// A category's tag: its own, or the default template applied to its name.
    pub fn tag_of(&self, c: &Category) -> Option<String> {
        c.tag.clone().or_else(|| {
            c.name
                .as_ref()
                .map(|n| self.defaults.tag.replace("{name}", n))
        })
    }

    /// The source name a tag implies under the default template (`X新闻` → `X`).
    pub fn name_from_tag<'t>(&self, tag: &'t str) -> Option<&'t str> {
        let (pre, post) = self.defaults.tag.split_once("{name}")?;
        let name = tag.strip_prefix(pre)?.strip_suffix(post)?;
        (!name.is_empty()).then_some(name)
    }
}

/// The resolved requirements for one post's category.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub slug: String,
    pub name: Option<String>,
    pub tag: Option<String>,
    pub source_hosts: Vec<String>,
    pub attribution: Need,
    pub attribution_any: bool,
    pub source_link: Need,
    pub back_links: Need,
    pub category_links: Vec<String>,
    pub home_links: Vec<String>,
    /// Whether the registry lists the category (else it was derived).
    pub listed: bool,
}

impl Registry {
    /// Requirements for `slug`, from its entry (or the derivation, with `name` from the post).
    pub fn resolve(&self, slug: &str, derived_name: Option<&str>) -> Resolved {
        let entry = self.get(slug);
        let d = &self.defaults.category;
        let pick = |f: fn(&Category) -> Option<Need>, default: Need| {
            entry.and_then(f).or_else(|| f(d)).unwrap_or(default)
        };
        let name = entry
            .and_then(|c| c.name.clone())
            .or_else(|| derived_name.map(str::to_string));
        let tag = match entry {
            Some(c) => self.tag_of(c).or_else(|| {
                name.as_ref()
                    .map(|n| self.defaults.tag.replace("{name}", n))
            }),
            None => name
                .as_ref()
                .map(|n| self.defaults.tag.replace("{name}", n)),
        };
        let list = |f: fn(&Category) -> Option<Vec<String>>| {
            entry.and_then(f).or_else(|| f(d)).unwrap_or_default()
        };
        Resolved {
            slug: slug.to_string(),
            name,
            tag,
            source_hosts: list(|c| c.source_hosts.clone()),
            attribution: pick(|c| c.attribution, Need::None),
            attribution_any: entry
                .and_then(|c| c.attribution_any)
                .or(d.attribution_any)
                .unwrap_or(false),
            source_link: pick(|c| c.source_link, Need::None),
            back_links: pick(|c| c.back_links, Need::None),
            category_links: list(|c| c.category_links.clone())
                .into_iter()
                .map(|t| t.replace("{slug}", slug))
                .collect(),
            home_links: list(|c| c.home_links.clone()),
            listed: entry.is_some(),
        }
    }
}
