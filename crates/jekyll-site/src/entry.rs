//! What Jekyll makes of one file it reads, from the file's own front matter and the
//! configuration: document.rb (`read`, `merge_data!`, `populate_*`, `url`, `destination`,
//! `date`), page.rb, static_file.rb, publisher.rb, readers/post_reader.rb (`processable?`),
//! collection.rb (`read_document`), frontmatter_defaults.rb.

use std::path::Path;
use std::time::SystemTime;

use crate::classify::Role;
use crate::data::{Data, MergeError, ruby_split};
use crate::filter::{basename, rb_join};
use crate::frontmatter::read_head;
use crate::site_config::SiteConfig;
use crate::time::JekyllTime;
use crate::url::{
    add_permalink_suffix, dest_relative, generate_from_drop, generate_from_hash, sanitize_url,
    slugify,
};
use crate::value::{Value, ValueKind};
use crate::{Entry, Kind, Skip, YamlError};

/// What was read of a file, for [`SiteConfig::entry`].
#[derive(Debug, Clone, Copy)]
pub struct FileInput<'a> {
    /// The front matter as [`crate::FrontMatterReader::front_matter`] reads it from the
    /// content (`Ok(None)`: the file has none; `Err`: Psych raised). For a `.yml`/`.yaml`
    /// document (a post or collection document Jekyll loads as data): the whole file, as
    /// [`crate::FrontMatterReader::yaml_document`] reads it.
    pub front_matter: Result<Option<&'a Value>, &'a YamlError>,
    /// Whether the whole content is valid UTF-8 (Jekyll skips a post that is not, and reads a
    /// page's front matter as empty).
    pub valid_utf8: bool,
    /// The file's modification time (a draft without a `date` is dated by it).
    pub mtime: Option<SystemTime>,
    /// The file could not be read (the error).
    pub io_error: Option<&'a str>,
}

impl Default for FileInput<'_> {
    fn default() -> Self {
        FileInput {
            front_matter: Ok(None),
            valid_utf8: true,
            mtime: None,
            io_error: None,
        }
    }
}

/// A [`FileInput`] that owns what it holds ([`SiteConfig::read_input`]).
#[derive(Debug, Clone)]
pub struct OwnedInput {
    /// See [`FileInput::front_matter`].
    pub front_matter: Result<Option<Value>, YamlError>,
    /// See [`FileInput::valid_utf8`].
    pub valid_utf8: bool,
    /// See [`FileInput::mtime`].
    pub mtime: Option<SystemTime>,
    /// See [`FileInput::io_error`].
    pub io_error: Option<String>,
}

impl OwnedInput {
    /// The input, borrowed.
    pub fn as_input(&self) -> FileInput<'_> {
        FileInput {
            front_matter: match &self.front_matter {
                Ok(v) => Ok(v.as_ref()),
                Err(e) => Err(e),
            },
            valid_utf8: self.valid_utf8,
            mtime: self.mtime,
            io_error: self.io_error.as_deref(),
        }
    }
}

/// `File.extname` (of the last component; a leading dot does not start an extension; a
/// trailing dot is an extension `.`).
pub fn extname(path: &str) -> &str {
    let base = basename(path);
    let trimmed = base.trim_start_matches('.');
    match trimmed.rfind('.') {
        Some(i) => {
            let start = base.len() - trimmed.len() + i;
            &base[start..]
        }
        None => "",
    }
}

/// `File.basename(path, ".*")`.
pub fn basename_without_ext(path: &str) -> &str {
    let base = basename(path);
    let ext = extname(base);
    if ext.is_empty() || ext == "." {
        return base
            .strip_suffix('.')
            .filter(|_| ext == ".")
            .unwrap_or(base);
    }
    &base[..base.len() - ext.len()]
}

fn strip_trailing_dots(s: &str) -> &str {
    s.trim_end_matches('.')
}

/// `Document::DATE_FILENAME_MATCHER` (document.rb:15) =~ `s`: `(date, slug, ext)`.
pub fn date_filename_match(s: &str) -> Option<(&str, &str, &str)> {
    fn at(s: &str) -> Option<(&str, &str, &str)> {
        let b = s.as_bytes();
        let digits = |from: usize| {
            b.get(from..)
                .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
        };
        let n1 = digits(0);
        if !(2..=4).contains(&n1) || b.get(n1) != Some(&b'-') {
            return None;
        }
        let p2 = n1 + 1;
        let n2 = digits(p2);
        if !(1..=2).contains(&n2) || b.get(p2 + n2) != Some(&b'-') {
            return None;
        }
        let p3 = p2 + n2 + 1;
        let n3 = digits(p3);
        if !(1..=2).contains(&n3) || b.get(p3 + n3) != Some(&b'-') {
            return None;
        }
        let date = s.get(..p3 + n3)?;
        let rest = s.get(p3 + n3 + 1..)?;
        // ([^/]*)(\.[^.]+)$ : the last dot, with no '/' before it and a character after.
        let dot = rest.rfind('.')?;
        if dot + 1 >= rest.len() || rest[..dot].contains('/') {
            return None;
        }
        Some((date, &rest[..dot], &rest[dot..]))
    }
    if s.contains('\n') {
        return None;
    }
    at(s).or_else(|| {
        let slash = s.rfind('/')?;
        if slash == 0 {
            return None;
        }
        at(&s[slash + 1..])
    })
}

/// `Document::DATELESS_FILENAME_MATCHER` (document.rb:14) =~ `s`: `(slug, ext)`.
pub fn dateless_filename_match(s: &str) -> Option<(&str, &str)> {
    if s.contains('\n') {
        return None;
    }
    let dot = s.rfind('.')?;
    if dot + 1 >= s.len() {
        return None;
    }
    let start = match s[..dot].rfind('/') {
        Some(sl) if sl >= 1 => sl + 1,
        _ => 0,
    };
    Some((&s[start..dot], &s[dot..]))
}

impl SiteConfig<'_> {
    /// `site.collections_path`: the source, or `<source>/<collections_dir>`.
    fn collections_path(&self) -> String {
        if self.config.collections_dir.is_empty() {
            self.source_str.clone()
        } else {
            self.in_source(&self.config.collections_dir)
                .to_string_lossy()
                .into_owned()
        }
    }

    /// `Document#relative_path` of the file at `rel`: `path.sub("#{collections_path}/", "")`.
    fn document_relative_path(&self, abs: &str) -> String {
        let mut prefix = self.collections_path();
        prefix.push('/');
        // `sub` replaces the first occurrence: at the start, when the path starts with it.
        match abs.strip_prefix(prefix.as_str()) {
            Some(rest) => rest.to_string(),
            None => abs.replacen(&prefix, "", 1),
        }
    }
}

impl SiteConfig<'_> {
    /// A document's absolute path (`site.in_source_dir(rel)`) and `relative_path`. A clean
    /// `rel` (no empty, `.` or `..` segment) in a plain source without `collections_dir` is
    /// `<source>/<rel>`, and its relative path is `rel`.
    fn document_paths(&self, rel: &str) -> (String, String) {
        let clean = !rel.is_empty()
            && rel
                .split('/')
                .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
        if clean && self.source_plain && self.config.collections_dir.is_empty() {
            let mut abs = String::with_capacity(self.source_str.len() + 1 + rel.len());
            abs.push_str(&self.source_str);
            abs.push('/');
            abs.push_str(rel);
            return (abs, rel.to_string());
        }
        let abs = self.in_source(rel).to_string_lossy().into_owned();
        let relative_path = self.document_relative_path(&abs);
        (abs, relative_path)
    }
}

/// `Document#draft?` from the path, and `categories_from_path` (document.rb:426) of a
/// document of the collection `label` at `rel`.
fn path_draft_and_categories(
    c: &SiteConfig<'_>,
    relative_path: &str,
    label: &str,
) -> (bool, Vec<String>) {
    let relative_directory: std::borrow::Cow<'_, str> = if label == "posts" {
        std::borrow::Cow::Borrowed("_posts")
    } else {
        std::borrow::Cow::Owned(format!("_{label}"))
    };
    let path_draft = label == "posts" && !relative_path.contains(&*relative_directory);
    let special: &str = if path_draft {
        "_drafts"
    } else {
        &relative_directory
    };
    let _ = c;
    let base = basename(relative_path);
    let superdirs: Vec<String> = if relative_path.starts_with(special) {
        Vec::new()
    } else {
        let cut = relative_path
            .find(special)
            .map_or(relative_path, |i| &relative_path[..i]);
        cut.split('/')
            .filter(|x| !x.is_empty() && *x != special && *x != base)
            .map(str::to_string)
            .collect()
    };
    (path_draft, superdirs)
}

/// The categories a document of collection `label` at `rel` (relative to the source) gets
/// from its folders.
pub(crate) fn document_path_categories(c: &SiteConfig<'_>, rel: &str, label: &str) -> Vec<String> {
    let (_, relative_path) = c.document_paths(rel);
    path_draft_and_categories(c, &relative_path, label).1
}

/// A document after `Document#read`.
#[derive(Debug, Clone)]
struct DocRead {
    rel_source: String,
    relative_path: String,
    coll: usize,
    abs: String,
    data: Data,
    path_draft: bool,
    content_nil: bool,
    invalid_encoding: bool,
    read_error: Option<String>,
    fatal: Option<String>,
    /// The date once `Document#date` was asked (`data["date"] ||= …`).
    date: Option<JekyllTime>,
}

fn seq(items: Vec<Value>) -> Value {
    Value::synthetic(ValueKind::Seq(items))
}

/// `Utils.pluralized_array_from_hash(data, singular, plural)` (utils.rb:70).
fn pluralized(data: &Data, singular: &str, plural: &str) -> Vec<Value> {
    let mut out = Vec::new();
    // `Array(value).flatten.compact` of the singular, else of the plural (`split` when a
    // String; its items but nil when an Array) — flattened in place, no copy in between.
    if let Some(v) = data.get(singular).filter(|v| v.truthy()) {
        flatten_into(v, &mut out);
    } else {
        match data.get(plural).map(|v| &v.kind) {
            // The words of a split are Strings: nothing to flatten or drop.
            Some(ValueKind::Str(s)) => return ruby_split(s),
            Some(ValueKind::Seq(items)) => {
                for i in items.iter().filter(|i| !i.is_null()) {
                    flatten_into(i, &mut out);
                }
            }
            _ => {}
        }
    }
    out.retain(|v| !v.is_null());
    out
}

/// `Array#flatten` of one value into `out` (iterative).
fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    let mut stack = vec![v];
    let mut rev: Vec<Value> = Vec::new();
    while let Some(x) = stack.pop() {
        match &x.kind {
            ValueKind::Seq(items) => {
                for i in items.iter().rev() {
                    stack.push(i);
                }
            }
            _ => rev.push(x.clone()),
        }
    }
    out.extend(rev);
}

fn read_document(c: &SiteConfig<'_>, rel: &str, coll: usize, input: &FileInput<'_>) -> DocRead {
    let label = c
        .config
        .collections
        .get(coll)
        .map_or("posts", |x| x.label.as_str());
    let (abs, relative_path) = c.document_paths(rel);
    let (path_draft, superdirs) = path_draft_and_categories(c, &relative_path, label);
    let mut doc = DocRead {
        rel_source: rel.to_string(),
        relative_path,
        coll,
        abs,
        data: Data::default(),
        path_draft,
        content_nil: false,
        invalid_encoding: false,
        read_error: None,
        fatal: None,
        date: None,
    };
    let parse = |v: &Value| c.parse_date(v);
    // initialize: draft?, categories_from_path (document.rb:426). `merge_data!` of
    // `{"categories" => [...]}` into data holding only `draft`: the key is set (no categories
    // to unite with, no date to parse).
    doc.data
        .set("draft", Value::synthetic(ValueKind::Bool(path_draft)));
    doc.data.set(
        "categories",
        seq(superdirs.into_iter().map(Value::string).collect()),
    );
    let ext = extname(&doc.abs);
    if ext == ".yml" || ext == ".yaml" {
        // Document#read of a YAML file: data is the file (no content).
        doc.content_nil = true;
        if let Some(e) = input.io_error {
            doc.fatal = Some(e.to_string());
            return doc;
        }
        match input.front_matter {
            Ok(v) => {
                let v = v.cloned().unwrap_or_else(Value::null);
                doc.data = Data::from_map(&v);
                if !matches!(v.kind, ValueKind::Map(_)) {
                    doc.fatal = Some("a YAML document that is not a hash".into());
                }
            }
            Err(e) => {
                doc.fatal = Some(format!("YAML Exception reading {}: {}", doc.abs, e.message))
            }
        }
        return doc;
    }
    // merge_defaults
    match c.defaults.all(&doc.relative_path, Some(label)) {
        Ok(d) => {
            let d = Data::from_map(&d);
            if (d.iter().next().is_some() || d.date.is_some())
                && let Err(e) = doc.data.merge(d, &parse)
            {
                set_merge_error(&mut doc, e);
                return doc;
            }
        }
        Err(e) => {
            doc.fatal = Some(e);
            return doc;
        }
    }
    // read_content
    if let Some(e) = input.io_error {
        doc.content_nil = true;
        doc.read_error = Some(format!("could not read file {}: {e}", doc.abs));
        return doc;
    }
    if !input.valid_utf8 {
        doc.invalid_encoding = true;
        doc.read_error = Some(format!(
            "could not read file {}: invalid byte sequence in UTF-8",
            doc.abs
        ));
        return doc;
    }
    match input.front_matter {
        Ok(Some(v)) => {
            if v.truthy() {
                if !matches!(v.kind, ValueKind::Map(_)) {
                    doc.read_error = Some(format!(
                        "could not read file {}: undefined method `key?' for {}",
                        doc.abs,
                        v.inspect()
                    ));
                    return doc;
                }
                if let Err(e) = doc.data.merge(Data::from_map(v), &parse) {
                    set_merge_error(&mut doc, e);
                    return doc;
                }
            }
        }
        Ok(None) => {}
        Err(e) => {
            doc.read_error = Some(format!("YAML Exception reading {}: {}", doc.abs, e.message));
            return doc;
        }
    }
    // read_post_data: populate_title, populate_categories, populate_tags
    if let Err(e) = populate(c, &mut doc) {
        set_merge_error(&mut doc, e);
    }
    doc
}

fn set_merge_error(doc: &mut DocRead, e: MergeError) {
    match e {
        MergeError::Read(m) => {
            doc.read_error = Some(format!("could not read file {}: {m}", doc.abs));
        }
        MergeError::Fatal(m) => doc.fatal = Some(m),
    }
}

fn populate(c: &SiteConfig<'_>, doc: &mut DocRead) -> Result<(), MergeError> {
    let parse = |v: &Value| c.parse_date(v);
    let rp = std::mem::take(&mut doc.relative_path);
    let slug = populate_slug(c, doc, &rp, &parse);
    doc.relative_path = rp;
    let slug = slug?;
    // data["title"] ||= titleize_slug(slug) and data["ext"] ||= ext: not kept (no output
    // depends on them).
    if doc.data.get("slug").is_none_or(|t| !t.truthy()) {
        doc.data.set("slug", Value::string(slug));
    }
    // populate_categories (document.rb:438)
    let mut cats: Vec<Value> = match doc.data.get("categories") {
        Some(v) => ruby_array(v),
        None => Vec::new(),
    };
    cats.extend(pluralized(&doc.data, "category", "categories"));
    let texts: Vec<String> = cats.iter().map(Value::ruby_to_s).collect();
    let keep = crate::data::first_occurrences(texts.iter().map(String::as_str));
    let strs: Vec<Value> = texts
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(t, _)| Value::string(t))
        .collect();
    let mut d = Data::default();
    d.set("categories", seq(strs));
    doc.data.merge(d, &parse)?;
    // populate_tags (document.rb:449)
    let tags = pluralized(&doc.data, "tag", "tags");
    let mut d = Data::default();
    d.set("tags", seq(tags));
    doc.data.merge(d, &parse)?;
    Ok(())
}

/// `read_post_data`'s slug (document.rb:412): the filename's, after `modify_date` set the
/// date from it when the data has none.
fn populate_slug(
    c: &SiteConfig<'_>,
    doc: &mut DocRead,
    rp: &str,
    parse: &dyn Fn(&Value) -> Result<JekyllTime, String>,
) -> Result<String, MergeError> {
    let slug = if let Some((date, slug, _ext)) = date_filename_match(rp) {
        // modify_date
        let current = doc.data.parsed_date();
        let replace = match (&doc.data.date, current) {
            (None, _) => true,
            (Some(crate::data::DateSlot::Raw(v)), _) => !v.truthy(),
            (Some(_), Some(t)) => t.unix == c.time.unix,
            _ => false,
        };
        if replace {
            let mut d = Data::default();
            d.set("date", Value::string(date));
            doc.data.merge(d, parse)?;
        }
        Some(slug)
    } else {
        dateless_filename_match(rp).map(|(slug, _)| slug)
    };
    let slug = slug.unwrap_or_else(|| basename_without_ext(&doc.abs));
    Ok(strip_trailing_dots(slug).to_string())
}

/// `Array(x)`.
fn ruby_array(v: &Value) -> Vec<Value> {
    match &v.kind {
        ValueKind::Null => Vec::new(),
        ValueKind::Seq(items) => items.clone(),
        ValueKind::Map(m) => m
            .iter()
            .map(|(k, val)| seq(vec![k.clone(), val.clone()]))
            .collect(),
        _ => vec![v.clone()],
    }
}

impl DocRead {
    fn draft(&self) -> bool {
        self.data.get("draft").is_some_and(Value::truthy) || self.path_draft
    }

    /// `Document#date`: `data["date"] ||= (draft? ? source_file_mtime : site.time)`.
    fn resolve_date(&mut self, c: &SiteConfig<'_>, mtime: Option<SystemTime>) -> JekyllTime {
        if let Some(d) = self.date {
            return d;
        }
        let d = match self.data.parsed_date() {
            Some(t) => t,
            None => {
                if self.draft() {
                    mtime.and_then(|m| local_mtime(c, m)).unwrap_or(c.time)
                } else {
                    c.time
                }
            }
        };
        self.date = Some(d);
        d
    }

    fn can_be_published(&self, c: &SiteConfig<'_>) -> bool {
        // data.fetch("published", true) || site.unpublished
        match self.data.get("published") {
            Some(v) => v.truthy() || c.config.unpublished,
            None => true,
        }
    }

    /// `Document#published?`: not `published: false` exactly.
    fn published(&self) -> bool {
        !matches!(
            self.data.get("published").map(|v| &v.kind),
            Some(ValueKind::Bool(false))
        )
    }
}

fn local_mtime(c: &SiteConfig<'_>, m: SystemTime) -> Option<JekyllTime> {
    let (unix, nanos) = match m.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let secs = -i64::try_from(d.as_secs()).ok()?;
            if d.subsec_nanos() == 0 {
                (secs, 0)
            } else {
                (secs - 1, 1_000_000_000 - d.subsec_nanos())
            }
        }
    };
    Some(c.fm.local_time(unix, nanos, c.tz.as_deref()))
}

/// The document's URL (`Document#url`) and output extension.
fn document_url(
    c: &SiteConfig<'_>,
    doc: &DocRead,
    date: JekyllTime,
) -> (Result<String, String>, String) {
    let Some(coll) = c.config.collections.get(doc.coll) else {
        return (Err("no such collection".into()), String::new());
    };
    let ext = extname(&doc.abs);
    let permalink = doc.data.get("permalink").filter(|p| p.truthy());
    let output_ext = match permalink.and_then(|p| p.as_str()) {
        Some(p) if !p.ends_with('/') && !extname(p).is_empty() => extname(p).to_string(),
        _ => c.converter_output_ext(ext),
    };
    let template: &str = match permalink {
        Some(p) => match p.as_str() {
            Some(s) => s,
            None => {
                return (
                    Err(format!(
                        "NoMethodError: undefined method `gsub' for {}",
                        p.inspect()
                    )),
                    output_ext,
                );
            }
        },
        None => match &coll.url_template {
            Ok(t) => t,
            Err(e) => return (Err(e.clone()), output_ext),
        },
    };
    let basename_no_ext = basename_without_ext(&doc.abs);
    let slug = doc.data.get("slug");
    // Each placeholder's value is made when the template names it.
    let cats = || -> Vec<Value> {
        doc.data
            .get("categories")
            .map(ruby_array)
            .unwrap_or_default()
    };
    let rel = &doc.relative_path;
    let cleaned = || {
        let no_ext = rel.strip_suffix(ext).unwrap_or(rel);
        let subbed = no_ext.replacen(&format!("_{}", coll.label), "", 1);
        strip_trailing_dots(&subbed).to_string()
    };
    let label = &coll.label;
    let slug_err = std::cell::RefCell::new(None::<String>);
    let slug_with = |mode: &str, cased: bool| -> Option<String> {
        match slug.map(|s| &s.kind) {
            None | Some(ValueKind::Null) => Some(slugify(basename_no_ext, mode, cased)),
            Some(ValueKind::Str(s)) => Some(slugify(s, mode, cased)),
            Some(_) => {
                *slug_err.borrow_mut() = Some(format!(
                    "NoMethodError: undefined method `gsub' for {}",
                    slug.map_or(String::new(), Value::inspect)
                ));
                None
            }
        }
    };
    let lookup = |name: &str| -> Option<Option<String>> {
        let v = match name {
            "collection" => label.clone(),
            "name" => slugify(basename_no_ext, "default", false),
            "title" => slug_with("pretty", true)?,
            "slug" => slug_with("default", false)?,
            "categories" => join_unique(
                cats()
                    .iter()
                    .map(|c| c.ruby_to_s().to_lowercase())
                    .collect(),
            ),
            "slugified_categories" => join_unique(
                cats()
                    .iter()
                    .map(|c| slugify(&c.ruby_to_s(), "default", false))
                    .collect(),
            ),
            "path" => cleaned(),
            "output_ext" => output_ext.clone(),
            "year" => date.strftime("%Y"),
            "month" => date.strftime("%m"),
            "day" => date.strftime("%d"),
            "hour" => date.strftime("%H"),
            "minute" => date.strftime("%M"),
            "second" => date.strftime("%S"),
            "i_day" => date.strftime("%-d"),
            "i_month" => date.strftime("%-m"),
            "short_month" => date.strftime("%b"),
            "long_month" => date.strftime("%B"),
            "short_year" => date.strftime("%y"),
            "w_year" => date.strftime("%G"),
            "week" => date.strftime("%V"),
            "w_day" => date.strftime("%u"),
            "short_day" => date.strftime("%a"),
            "long_day" => date.strftime("%A"),
            "y_day" => date.strftime("%j"),
            _ => return None,
        };
        Some(Some(v))
    };
    let url = generate_from_drop(template, &lookup);
    if let Some(e) = slug_err.into_inner() {
        return (Err(e), output_ext);
    }
    (url.map(|u| sanitize_url(&u)).map_err(|e| e.0), output_ext)
}

/// `list.uniq.join("/")`.
fn join_unique(list: Vec<String>) -> String {
    let keep = crate::data::first_occurrences(list.iter().map(String::as_str));
    let mut out = String::new();
    for (i, (item, _)) in list.iter().zip(keep).filter(|(_, k)| *k).enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(item);
    }
    out
}

fn dest_join(p: &str, name: &str) -> String {
    if p.is_empty() {
        name.to_string()
    } else {
        format!("{p}/{name}")
    }
}

/// `Document#destination`.
fn document_destination(url: &Result<String, String>, output_ext: &str) -> Result<String, String> {
    let url = url.as_ref().map_err(Clone::clone)?;
    let path = dest_relative(url);
    if url.ends_with('/') {
        Ok(dest_join(&path, "index.html"))
    } else if path.ends_with(output_ext) {
        Ok(path)
    } else {
        Ok(format!("{path}{output_ext}"))
    }
}

/// `Page#destination`.
pub(crate) fn page_destination(
    url: &Result<String, String>,
    output_ext: &str,
) -> Result<String, String> {
    let url = url.as_ref().map_err(Clone::clone)?;
    let mut path = dest_relative(url);
    if url.ends_with('/') {
        path = dest_join(&path, "index");
    }
    if !path.ends_with(output_ext) {
        path.push_str(output_ext);
    }
    Ok(path)
}

/// A page's URL inputs.
pub(crate) struct PageUrl<'a> {
    pub dir: &'a str,
    pub name: &'a str,
    /// `data["permalink"]` (front matter, else the defaults).
    pub permalink: Option<&'a Value>,
}

/// `Page#url` and `Page#output_ext` (page.rb:92).
pub(crate) fn page_url(c: &SiteConfig<'_>, p: &PageUrl<'_>) -> (Result<String, String>, String) {
    let ext = extname(p.name);
    let basename = {
        let b = p.name.strip_suffix(ext).unwrap_or(p.name);
        strip_trailing_dots(b).to_string()
    };
    let permalink = p.permalink.filter(|v| v.truthy());
    let output_ext = match permalink.and_then(|v| v.as_str()) {
        Some(s) if !s.ends_with('/') && !extname(s).is_empty() => extname(s).to_string(),
        _ => c.converter_output_ext(ext),
    };
    let template = match permalink {
        Some(v) => match v.as_str() {
            Some(s) => s.to_string(),
            None => {
                return (
                    Err(format!(
                        "NoMethodError: undefined method `index' for {}",
                        v.inspect()
                    )),
                    output_ext,
                );
            }
        },
        None => {
            let html = matches!(output_ext.as_str(), ".html" | ".xhtml" | ".htm");
            if !html {
                "/:path/:basename:output_ext".to_string()
            } else if basename == "index" {
                "/:path/".to_string()
            } else {
                add_permalink_suffix("/:path/:basename", &c.config.permalink)
            }
        }
    };
    let url = generate_from_hash(
        &template,
        &[
            ("path", Some(p.dir)),
            ("basename", Some(&basename)),
            ("output_ext", Some(&output_ext)),
        ],
    )
    .map(|u| sanitize_url(&u))
    .map_err(|e| e.0);
    (url, output_ext)
}

/// `redirect_from` as jekyll-redirect-from reads it: an array (compacted) or one value.
fn redirect_values(v: Option<&Value>) -> Vec<Value> {
    match v.map(|v| &v.kind) {
        None | Some(ValueKind::Null) => Vec::new(),
        Some(ValueKind::Seq(items)) => items.iter().filter(|i| !i.is_null()).cloned().collect(),
        Some(_) => v.into_iter().cloned().collect(),
    }
}

/// `page.to_liquid[key]`: the front matter's value, else the defaults' (a `nil` front matter
/// value keeps the default: `deep_merge_hashes`).
fn page_liquid_value(c: &SiteConfig<'_>, rel: &str, data: &Data, key: &str) -> Option<Value> {
    let own = data.get(key).filter(|v| !v.is_null()).cloned();
    own.or_else(|| {
        c.defaults
            .all(rel, Some("pages"))
            .ok()
            .and_then(|d| d.get(key).cloned())
    })
}

/// `(dir, name)` of a page or static file outside collections: `@dir` as Jekyll writes it
/// (`""`, `/a/b`).
fn split_dir(rel: &str) -> (String, &str) {
    match rel.rsplit_once('/') {
        Some((d, n)) => (format!("/{d}"), n),
        None => (String::new(), rel),
    }
}

fn empty_entry(kind: Kind, rel: &str) -> Entry {
    Entry {
        kind,
        collection: None,
        path: Some(rel.to_string()),
        written: false,
        skipped: None,
        url: Err(String::new()),
        destination: Err(String::new()),
        date: None,
        slug: None,
        categories: None,
        tags: None,
        read_error: None,
        generator: None,
        fatal: None,
        redirect_from: Vec::new(),
        hidden: false,
        redirect_page: false,
        page_path: None,
    }
}

impl SiteConfig<'_> {
    /// Reads what [`SiteConfig::entry`] needs of the file at `rel_path` for `role`: nothing
    /// for a static file; the front matter (through the [`crate::FrontMatterReader`]) and,
    /// with [`crate::ReadOptions::check_encoding`], whether the rest is valid UTF-8, for the
    /// others; the whole YAML file for a `.yml` document; the mtime for a draft.
    pub fn read_input(&self, rel_path: &str, role: &Role) -> OwnedInput {
        let mut out = OwnedInput {
            front_matter: Ok(None),
            valid_utf8: true,
            mtime: None,
            io_error: None,
        };
        if matches!(role, Role::Static { .. }) {
            return out;
        }
        let abs = self.in_source(rel_path);
        if matches!(role, Role::Draft { .. }) {
            out.mtime = std::fs::metadata(&abs).and_then(|m| m.modified()).ok();
        }
        let ext = extname(rel_path);
        let is_doc = !matches!(role, Role::Page);
        if is_doc && (ext == ".yml" || ext == ".yaml") {
            match crate::frontmatter::read_regular(&abs) {
                Ok(bytes) => {
                    out.front_matter = self.fm.yaml_document(&bytes, self.tz.as_deref()).map(Some);
                }
                Err(e) => out.io_error = Some(e.to_string()),
            }
            return out;
        }
        self.read_head_into(&abs, &mut out);
        out
    }

    fn read_head_into(&self, abs: &Path, out: &mut OwnedInput) {
        match read_head(abs, self.opts.check_encoding) {
            Ok(head) => {
                out.valid_utf8 = head.valid_utf8;
                if head.valid_utf8 && head.bounds.is_some() {
                    out.front_matter = self
                        .fm
                        .front_matter(&head.bytes, self.tz.as_deref())
                        .map(|o| o.map(|(v, _)| v));
                }
            }
            Err(e) => out.io_error = Some(e.to_string()),
        }
    }

    /// [`SiteConfig::read_input`] then [`SiteConfig::entry`].
    pub fn read_entry(&self, rel_path: &str, role: &Role) -> Entry {
        let input = self.read_input(rel_path, role);
        self.entry(rel_path, role, &input.as_input())
    }

    /// What Jekyll makes of the file at `rel_path` in `role` ([`SiteConfig::classify`]),
    /// from what was read of it (`input`) and the configuration alone: URL, destination,
    /// date, slug, categories, tags, whether it is written and why not, and what stops the
    /// build ([`Entry::fatal`]). Defaults apply by path and type. Not known per file:
    /// `limit_posts` (see [`crate::Documents`]).
    pub fn entry(&self, rel_path: &str, role: &Role, input: &FileInput<'_>) -> Entry {
        let rel = rel_path.trim_start_matches("./").trim_start_matches('/');
        match role {
            Role::Post { .. } | Role::Draft { .. } => {
                let posts = self
                    .config
                    .collections
                    .iter()
                    .position(|c| c.label == "posts")
                    .unwrap_or(0);
                self.document_entry(rel, posts, false, input)
            }
            Role::Document { collection, .. } => self.document_entry(rel, *collection, true, input),
            Role::Page => self.page_entry(rel, input),
            Role::Static { collection } => self.static_entry(rel, *collection),
        }
    }

    fn document_entry(
        &self,
        rel: &str,
        coll: usize,
        is_coll: bool,
        input: &FileInput<'_>,
    ) -> Entry {
        let mut d = read_document(self, rel, coll, input);
        let Some(collection) = self.config.collections.get(coll) else {
            return empty_entry(Kind::Document, rel);
        };
        let date = d.resolve_date(self, input.mtime);
        let kind = if is_coll {
            Kind::Document
        } else if d.draft() {
            Kind::Draft
        } else {
            Kind::Post
        };
        let (url, output_ext) = document_url(self, &d, date);
        let destination = document_destination(&url, &output_ext);
        let can_be_published = d.can_be_published(self);
        let future = !self.config.future && date.unix > self.time.unix;
        let (written, skipped) = if is_coll {
            // Collection#read_document keeps it when `unpublished || published?`; then
            // Document#write? is `collection.write? && publisher.publish?`.
            if !(self.config.unpublished || d.published()) {
                (false, Some(Skip::Unpublished))
            } else if !collection.output {
                (false, Some(Skip::OutputFalse))
            } else if !can_be_published {
                (false, Some(Skip::Unpublished))
            } else if future {
                (false, Some(Skip::Future))
            } else {
                (true, None)
            }
        } else {
            // PostReader#processable? (post_reader.rb:60)
            let skip = if d.content_nil {
                Some(Skip::NilContent)
            } else if d.invalid_encoding {
                Some(Skip::InvalidEncoding)
            } else if !can_be_published {
                Some(Skip::Unpublished)
            } else {
                future.then_some(Skip::Future)
            };
            (skip.is_none(), skip)
        };
        let redirect_from = redirect_values(d.data.get("redirect_from"));
        let hidden = d.data.get("hidden").is_some_and(Value::truthy);
        let mut take = |k: &str| d.data.take(k).unwrap_or_else(Value::null);
        let (slug, categories, tags) = (take("slug"), take("categories"), take("tags"));
        let fatal = d.fatal.take().or_else(|| {
            d.read_error
                .clone()
                .filter(|_| self.config.strict_front_matter)
        });
        Entry {
            kind,
            collection: Some(collection.label.clone()),
            path: Some(std::mem::take(&mut d.rel_source)),
            written,
            skipped,
            url,
            destination,
            date: Some(date),
            slug: Some(slug),
            categories: Some(categories),
            tags: Some(tags),
            read_error: d.read_error.take(),
            generator: None,
            fatal,
            redirect_from,
            hidden,
            redirect_page: false,
            page_path: None,
        }
    }

    fn page_entry(&self, rel: &str, input: &FileInput<'_>) -> Entry {
        let abs = self.in_source(rel).to_string_lossy().into_owned();
        let (dir, name) = split_dir(rel);
        let mut data = Data::default();
        let mut read_error = None;
        let mut fatal = None;
        // Convertible#read_yaml (convertible.rb:37)
        if let Some(e) = input.io_error {
            read_error = Some(format!("Error reading file {abs}: {e}"));
        } else if !input.valid_utf8 {
            read_error = Some(format!(
                "Error reading file {abs}: invalid byte sequence in UTF-8"
            ));
        } else {
            match input.front_matter {
                Ok(Some(v)) => match &v.kind {
                    ValueKind::Map(_) => data = Data::from_map(v),
                    ValueKind::Null => {}
                    _ => fatal = Some(format!("Invalid YAML front matter in {abs}")),
                },
                Ok(None) => {}
                Err(e) => read_error = Some(format!("YAML Exception reading {abs}: {}", e.message)),
            }
        }
        if fatal.is_none() && data.get("permalink").and_then(|p| p.as_str()) == Some("") {
            fatal = Some(format!("Invalid permalink in {abs}"));
        }
        if fatal.is_none() && self.config.strict_front_matter {
            fatal.clone_from(&read_error);
        }
        let published = match data.get("published") {
            Some(v) => v.truthy() || self.config.unpublished,
            None => true,
        };
        let permalink = if data.has("permalink") {
            data.get("permalink").cloned()
        } else {
            match self.defaults.find(rel, Some("pages"), "permalink") {
                Ok(v) => v,
                Err(e) => {
                    fatal.get_or_insert(e);
                    None
                }
            }
        };
        let (url, output_ext) = page_url(
            self,
            &PageUrl {
                dir: &dir,
                name,
                permalink: permalink.as_ref(),
            },
        );
        let destination = page_destination(&url, &output_ext);
        let redirect_from = page_liquid_value(self, rel, &data, "redirect_from");
        Entry {
            kind: Kind::Page,
            collection: None,
            path: Some(rel.to_string()),
            written: published,
            skipped: (!published).then_some(Skip::Unpublished),
            url,
            destination,
            date: None,
            slug: None,
            categories: None,
            tags: None,
            read_error,
            generator: None,
            fatal,
            redirect_from: redirect_values(redirect_from.as_ref()),
            hidden: false,
            redirect_page: false,
            page_path: data.get("path").and_then(Value::as_str).map(str::to_string),
        }
    }

    /// A static file's entry (`StaticFile#url`, `#destination`, `#write?`).
    fn static_entry(&self, rel: &str, coll: Option<usize>) -> Entry {
        let collection = coll.and_then(|i| self.config.collections.get(i));
        let (dir, name) = match collection {
            None => {
                let (d, n) = split_dir(rel);
                (d, n.to_string())
            }
            Some(col) => {
                // relative_dir = Jekyll.sanitized_path(relative_directory,
                //   File.dirname(file_path)).chomp("/.")
                let f = rel
                    .strip_prefix(&format!("{}/", col.directory))
                    .unwrap_or(rel);
                let rel_dir = format!("_{}", col.label);
                let dir = match f.rsplit_once('/') {
                    Some((d, _)) if !d.is_empty() => {
                        format!("{rel_dir}{}", crate::url::expand_path_root(d))
                    }
                    _ => format!("{rel_dir}/"),
                };
                (dir, basename(f).to_string())
            }
        };
        let ext = extname(&name).to_string();
        let relative_path = rb_join(&dir, &name);
        let cleaned_base = {
            let no_ext = relative_path
                .strip_suffix(ext.as_str())
                .unwrap_or(&relative_path);
            strip_trailing_dots(no_ext).to_string()
        };
        let basename =
            strip_trailing_dots(name.strip_suffix(ext.as_str()).unwrap_or(&name)).to_string();
        let url = match collection {
            None => Ok(format!("{cleaned_base}{ext}")),
            Some(col) => {
                let cleaned = cleaned_base.replacen(&format!("_{}", col.label), "", 1);
                match &col.url_template {
                    Ok(t) => generate_from_hash(
                        t,
                        &[
                            ("collection", Some(&col.label)),
                            ("path", Some(&cleaned)),
                            ("output_ext", Some("")),
                            ("name", Some(&basename)),
                            ("title", Some("")),
                        ],
                    )
                    .map(|u| {
                        let u = sanitize_url(&u);
                        let u = u.strip_suffix('/').map(str::to_string).unwrap_or(u);
                        format!("{u}{ext}")
                    })
                    .map_err(|e| e.0),
                    Err(e) => Err(e.clone()),
                }
            }
        };
        let destination = url.as_ref().map(|u| dest_relative(u)).map_err(Clone::clone);
        let mut fatal = None;
        let publishable = match &url {
            Ok(u) => match self.defaults.all(u, collection.map(|c| c.label.as_str())) {
                Ok(d) => d.get("published").is_none_or(Value::truthy),
                Err(e) => {
                    fatal = Some(e);
                    true
                }
            },
            Err(_) => true,
        };
        let output = collection.is_none_or(|c| c.output);
        let written = publishable && output;
        let skipped = if written {
            None
        } else if !output {
            Some(Skip::OutputFalse)
        } else {
            Some(Skip::Unpublished)
        };
        Entry {
            kind: Kind::Static,
            collection: collection.map(|c| c.label.clone()),
            path: Some(rel.to_string()),
            written,
            skipped,
            url,
            destination,
            date: None,
            slug: None,
            categories: None,
            tags: None,
            read_error: None,
            generator: None,
            fatal,
            redirect_from: Vec::new(),
            hidden: false,
            redirect_page: false,
            page_path: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn filename_matchers() {
        assert_eq!(
            date_filename_match("_posts/2010-01-09-foo.md"),
            Some(("2010-01-09", "foo", ".md"))
        );
        assert_eq!(
            date_filename_match("2017-2-5-i-dont-like-zeroes.md"),
            Some(("2017-2-5", "i-dont-like-zeroes", ".md"))
        );
        assert_eq!(
            date_filename_match("2013-03-19-not-a-post.markdown/x.md"),
            None
        );
        assert_eq!(
            date_filename_match("2010-01-01-a.b/c"),
            Some(("2010-01-01", "a", ".b/c"))
        );
        assert_eq!(date_filename_match("12345-01-01-x.md"), None);
        assert_eq!(date_filename_match("2010-01-01-x"), None);
        assert_eq!(
            dateless_filename_match("_drafts/v1.0/readme"),
            Some(("v1", ".0/readme"))
        );
        assert_eq!(dateless_filename_match("_drafts/x.md"), Some(("x", ".md")));
        assert_eq!(dateless_filename_match("foo."), None);
    }

    #[test]
    fn document_paths_are_in_source_and_relative_path() {
        let dir = std::env::temp_dir().join(format!("jekyll-site-paths-{}", std::process::id()));
        let sub = dir.join("sub");
        let _ = std::fs::create_dir_all(&sub);
        let _ = std::fs::write(sub.join("_config.yml"), "collections_dir: sub\n");
        let rels = [
            "_posts/2021-01-01-x.md",
            "a/_posts/b/2021-01-01-x.md",
            "x.md",
            "./x.md",
            "a//b.md",
            "a/./b.md",
            "a/../b.md",
            "/a/b.md",
            "a/",
            "",
            "日本/_posts/x.md",
            "sub/_posts/x.md",
        ];
        for root in [
            dir.clone(),
            sub.clone(),
            dir.join("x/.."),
            PathBuf::from("/"),
        ] {
            let opts = crate::ReadOptions::default();
            let c = SiteConfig::load_lenient(&root, &opts, &crate::PSYCH);
            for rel in rels {
                let abs = c.in_source(rel).to_string_lossy().into_owned();
                let want = (abs.clone(), c.document_relative_path(&abs));
                assert_eq!(c.document_paths(rel), want, "{root:?} {rel:?}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn extnames() {
        assert_eq!(extname("foo."), ".");
        assert_eq!(extname(".profile"), "");
        assert_eq!(extname("a.b.c"), ".c");
        assert_eq!(extname(".a.b"), ".b");
        assert_eq!(basename_without_ext("foo."), "foo");
        assert_eq!(basename_without_ext("foo..md"), "foo.");
        assert_eq!(basename_without_ext(".profile"), ".profile");
        assert_eq!(extname("dir.x/file"), "");
    }
}
