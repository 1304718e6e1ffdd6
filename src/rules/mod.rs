//! The rules: pure functions of a parsed file (and the settings) to findings. Every rule is
//! declared once in its group's file (`file`, `front_matter`, `dates`, `taxonomy`, `html`,
//! `layouts`, `links`, `attribution`, `cross_file`, `liquid`, `suppression`): its [`RuleDef`] with the doc text, and
//! its check function beside it; the group file keeps only a parse-once prelude its rules share.
//! [`registry`] lists them all. A rule never reads files, prints, or knows an output format.

pub mod attribution;
pub mod cross_file;
pub mod custom;
pub mod dates;
pub mod file;
pub mod front_matter;
pub mod html;
pub mod layouts;
pub mod links;
pub mod liquid;
pub mod registry;
pub mod select;
pub mod suppression;
pub mod taxonomy;

use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;

pub use registry::{FixKind, OptionDef, RULES, Rule, RuleDef, Scope};

use crate::diagnostic::{Diagnostic, Severity};
use crate::jekyll::body::Body;
use crate::jekyll::document::Post;
use crate::jekyll::site::SiteModel;
use crate::settings::Settings;

/// What a per-file rule sees: the file, the settings, the site, and the results of the run's
/// online pass; the body and each group's prelude are computed once, when a rule first asks.
pub struct Context<'a> {
    pub post: &'a Post,
    pub settings: &'a Settings,
    pub site: &'a SiteModel,
    /// `--online`: the external links that failed, by [`links::online_key`] (`None` when links
    /// are not checked online).
    pub online: Option<&'a HashMap<String, links::LinkProblem>>,
    /// Whether links that only a post could serve are left for after the run (which gathers
    /// every post) instead of reading every post now.
    pub defer_links: bool,
    /// The links left for after the run (paths of the site, decoded).
    pub(crate) deferred: std::cell::RefCell<Vec<String>>,
    body: OnceCell<Option<Body>>,
    pub(crate) dates: OnceCell<Option<dates::Prelude>>,
    pub(crate) html: OnceCell<Vec<crate::jekyll::markup::Balance>>,
    pub(crate) links: OnceCell<Vec<links::Prelude>>,
    pub(crate) taxonomy: OnceCell<taxonomy::Prelude>,
    pub(crate) attribution: OnceCell<Option<attribution::Prelude>>,
    pub(crate) liquid: OnceCell<Option<liquid::Prelude>>,
}

impl<'a> Context<'a> {
    pub fn new(
        post: &'a Post,
        settings: &'a Settings,
        site: &'a SiteModel,
        online: Option<&'a HashMap<String, links::LinkProblem>>,
    ) -> Self {
        Context {
            post,
            settings,
            site,
            online,
            defer_links: false,
            deferred: std::cell::RefCell::new(Vec::new()),
            body: OnceCell::new(),
            dates: OnceCell::new(),
            html: OnceCell::new(),
            links: OnceCell::new(),
            taxonomy: OnceCell::new(),
            attribution: OnceCell::new(),
            liquid: OnceCell::new(),
        }
    }

    /// The body's HTML and links, analysed on first use; `None` for a page (body rules are for
    /// posts: pages are the site's own templates, and a 404 page may run a script).
    pub fn body(&self) -> Option<&Body> {
        self.body
            .get_or_init(|| {
                self.post.is_post().then(|| {
                    // Jekyll renders Liquid first: the converter reads its output.
                    self.site.analyse_body(self.post, liquid::rendered(self))
                })
            })
            .as_ref()
    }
}

/// Where a rule's findings go: each is given the rule's code, name and configured severity,
/// and dropped when the rule is off.
pub struct Report {
    rule: Rule,
    severity: Option<Severity>,
    found: Vec<Diagnostic>,
}

impl Report {
    pub fn new(rule: Rule, settings: &Settings) -> Report {
        Report {
            rule,
            severity: rule.level(settings).severity(),
            found: Vec::new(),
        }
    }

    /// A finding of the current rule at `span`; push it with [`Report::push`].
    pub fn diag(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let def = self.rule.def();
        let severity = self.severity.unwrap_or(Severity::Warning);
        Diagnostic::new(def.code, def.name, severity, span, message)
    }

    pub fn push(&mut self, d: Diagnostic) {
        if self.severity.is_some() {
            self.found.push(d);
        }
    }

    /// Switch to another rule, keeping what was found so far.
    fn switch(&mut self, rule: Rule, settings: &Settings) {
        self.rule = rule;
        self.severity = rule.level(settings).severity();
    }

    pub fn into_findings(self) -> Vec<Diagnostic> {
        self.found
    }
}

/// What the per-file rules give for one file.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    /// The file's facts for the cross-file pass (when a cross-file rule is on).
    pub facts: Option<cross_file::Facts>,
    /// Links into the site left for after the run (see [`Context::defer_links`]).
    pub deferred: Vec<String>,
}

/// Run every per-file rule that is on, and the custom rules, on one file; and, when a
/// cross-file rule is on, gather the file's facts for the cross-file pass.
pub fn check(
    post: &Post,
    settings: &Settings,
    site: &SiteModel,
    online: Option<&HashMap<String, links::LinkProblem>>,
    defer_links: bool,
) -> Checked {
    let mut cx = Context::new(post, settings, site, online);
    cx.defer_links = defer_links;
    let mut report: Option<Report> = None;
    for &rule in Rule::ALL {
        let def = rule.def();
        let Some(check) = def.check else { continue };
        if !rule.is_on(settings) {
            continue;
        }
        let out = match &mut report {
            Some(r) => {
                r.switch(rule, settings);
                r
            }
            None => report.insert(Report::new(rule, settings)),
        };
        check(&cx, out);
    }
    let mut found = report.map(Report::into_findings).unwrap_or_default();
    custom::check(&cx, &mut found);
    let facts = registry::any_on(settings, Scope::CrossFile).then(|| cross_file::facts(&cx));
    Checked {
        diagnostics: found,
        facts,
        deferred: cx.deferred.into_inner(),
    }
}
