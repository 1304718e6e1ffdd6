//! [`SiteConfig`]: everything Jekyll knows before it reads a file — `_config.yml` (and the
//! `--config` files) merged over the defaults (configuration.rb), the collections, the
//! `defaults` sets (frontmatter_defaults.rb, their `date`s parsed: `ensure_time!`), the
//! entry filter's patterns (entry_filter.rb), the plugins loaded (plugin_manager.rb), the
//! zone and `site.time` (site.rb `config=`, `reset`).

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::defaults::Defaults;
use crate::filter::{basename, rb_join};
use crate::glob::fnmatch;
use crate::time::JekyllTime;
use crate::value::{Value, ValueKind};
use crate::{Fatal, FrontMatterReader, ReadOptions, UnknownPlugins};

/// The site's configuration, as Jekyll holds it before reading any file. Cheap to make: it
/// reads the config files and nothing else (a `defaults` scope path with `*` globs the
/// source the first time a file asks for it, as Jekyll does).
pub struct SiteConfig<'r> {
    pub(crate) source: PathBuf,
    pub(crate) source_str: String,
    pub(crate) config: Config,
    pub(crate) defaults: Defaults,
    pub(crate) fm: &'r dyn FrontMatterReader,
    pub(crate) tz: Option<String>,
    pub(crate) time: JekyllTime,
    pub(crate) opts: ReadOptions,
    pub(crate) dest: PathBuf,
    /// The destination relative to the source, when it lies inside.
    pub(crate) dest_rel: Option<String>,
    /// `site.include`, each joined to the source (`PathManager.join`).
    pub(crate) include_with_source: Vec<String>,
    /// `site.exclude - site.include`, each joined to the source.
    pub(crate) exclude_with_source: Vec<String>,
    /// The `include` entries as paths relative to the source (`site.in_source_dir(entry)`),
    /// for `read_included_excludes`.
    pub(crate) include_files: Vec<String>,
    /// Whether the source path has no `File.fnmatch` metacharacter (then a pattern joined to
    /// it can be matched without the prefix).
    pub(crate) source_literal: bool,
    /// Whether the source path is UTF-8 and does not end with `/` (then a clean path inside it
    /// is `<source_str>/<rel>`).
    pub(crate) source_plain: bool,
    /// For each of `include_with_source` / `exclude_with_source` (with a literal source):
    /// where the pattern goes on after the source and its `/`, and whether that part has a
    /// `File.fnmatch` metacharacter; `None` when it does not start with them.
    pub(crate) include_meta: Vec<Option<(usize, bool)>>,
    pub(crate) exclude_meta: Vec<Option<(usize, bool)>>,
    pub(crate) coffeescript: bool,
    pub(crate) loaded: Vec<String>,
    pub(crate) unknown: UnknownPlugins,
    pub(crate) disabled_plugins: Vec<String>,
    /// Conditions found while loading that stop the build.
    pub(crate) fatal: Vec<Fatal>,
}

impl std::fmt::Debug for SiteConfig<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteConfig")
            .field("source", &self.source)
            .field("timezone", &self.tz)
            .field("time", &self.time)
            .finish_non_exhaustive()
    }
}

/// `File.expand_path`: absolute, `.`/`..` resolved lexically (symbolic links kept).
pub fn absolutize(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let s = abs.to_string_lossy();
    PathBuf::from(crate::url::expand_path_root(&s))
}

fn now(fm: &dyn FrontMatterReader, tz: Option<&str>) -> JekyllTime {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    fm.local_time(
        i64::try_from(d.as_secs()).unwrap_or(0),
        d.subsec_nanos(),
        tz,
    )
}

impl<'r> SiteConfig<'r> {
    /// Reads the configuration of the site whose source folder is `root` (`_config.yml`, or
    /// the `--config` files of `opts`), as `jekyll build` does before reading any file.
    /// `Err`: Jekyll stops there (a YAML error in a config file, `include`/`exclude`/`plugins`
    /// not lists, a `permalink` that is not a string, a bad `time:` or `defaults` date, …).
    pub fn load(
        root: &Path,
        opts: &ReadOptions,
        fm: &'r dyn FrontMatterReader,
    ) -> Result<SiteConfig<'r>, Fatal> {
        let mut c = SiteConfig::load_lenient(root, opts, fm);
        if c.fatal.is_empty() {
            Ok(c)
        } else {
            Err(c.fatal.swap_remove(0))
        }
    }

    /// [`SiteConfig::load`] that goes on after a fatal condition (kept in `fatal`), for
    /// [`crate::read_site`].
    pub(crate) fn load_lenient(
        root: &Path,
        opts: &ReadOptions,
        fm: &'r dyn FrontMatterReader,
    ) -> SiteConfig<'r> {
        let source = absolutize(root);
        let source_str = source.to_string_lossy().into_owned();
        let config = crate::config::load(&source, opts, fm);
        let tz = config
            .timezone
            .clone()
            .or_else(|| opts.default_timezone.clone());
        let mut fatal: Vec<Fatal> = config
            .fatal
            .iter()
            .map(|m| Fatal {
                path: None,
                message: m.clone(),
            })
            .collect();
        let time = match (&opts.time, &config.time) {
            (Some(t), _) => fm.local_time(t.unix, t.nanos, tz.as_deref()),
            (None, Some(v)) => match fm.parse_date(&Value::string(v.ruby_to_s()), tz.as_deref()) {
                Ok(t) => t,
                Err(e) => {
                    fatal.push(Fatal {
                        path: None,
                        message: format!("Invalid time in _config.yml: {e}"),
                    });
                    now(fm, tz.as_deref())
                }
            },
            (None, None) => now(fm, tz.as_deref()),
        };
        let mut defaults = Defaults::new(
            &config.defaults,
            source.clone(),
            config.collections_dir.clone(),
        );
        // ensure_time! (frontmatter_defaults.rb:40)
        for values in defaults.values_mut() {
            if let ValueKind::Map(m) = &mut values.kind
                && let Some(i) = m.iter().rposition(|(k, _)| k.as_str() == Some("date"))
            {
                let v = &m[i].1;
                match &v.kind {
                    ValueKind::Time { .. } => {}
                    ValueKind::Str(_) => match fm.parse_date(v, tz.as_deref()) {
                        Ok(t) => {
                            m[i].1 = Value {
                                kind: ValueKind::Time {
                                    time: t,
                                    utc: false,
                                },
                                span: v.span.clone(),
                            }
                        }
                        Err(e) => fatal.push(Fatal {
                            path: None,
                            message: format!(
                                "An invalid date format was found in a front-matter default set: {e}"
                            ),
                        }),
                    },
                    _ => fatal.push(Fatal {
                        path: None,
                        message: "TypeError: a front-matter default date that is not a String"
                            .into(),
                    }),
                }
            }
        }
        let dest = match &opts.destination {
            Some(d) => absolutize(d),
            None => source.join("_site"),
        };
        let dest_rel = dest
            .to_string_lossy()
            .strip_prefix(&format!("{}/", source_str.trim_end_matches('/')))
            .map(str::to_string);
        let exclude: Vec<&String> = config
            .exclude
            .iter()
            .filter(|e| !config.include.contains(e))
            .collect();
        let include_with_source: Vec<String> = config
            .include
            .iter()
            .map(|p| rb_join(&source_str, p))
            .collect();
        let exclude_with_source: Vec<String> =
            exclude.iter().map(|p| rb_join(&source_str, p)).collect();
        let include_files = config
            .include
            .iter()
            .map(|e| {
                crate::url::expand_path_root(e)
                    .trim_start_matches('/')
                    .to_string()
            })
            .filter(|e| !e.is_empty())
            .collect();
        let known = crate::plugins::KNOWN;
        let mut unknown = UnknownPlugins {
            toml_config: config.toml,
            theme: config.theme.clone(),
            ..UnknownPlugins::default()
        };
        let mut disabled_plugins = Vec::new();
        let mut loaded: Vec<String> = Vec::new();
        for p in &config.plugins {
            if config.safe && !config.whitelist.contains(p) {
                disabled_plugins.push(p.clone());
                continue;
            }
            loaded.push(p.clone());
            if !known.contains(&p.as_str()) {
                unknown.plugins.push(p.clone());
            }
        }
        if !config.safe {
            let pd = source.join(&config.plugins_dir);
            if pd.is_dir() && !crate::glob::dir_glob(&pd, "**/*.rb").is_empty() {
                unknown.plugins_dir = true;
            }
        }
        let source_literal = !source_str.contains(['*', '?', '[', '\\', '{']);
        let source_plain = source.to_str().is_some() && !source_str.ends_with('/');
        let prefix = source_str.trim_end_matches('/').len();
        let meta = |patterns: &Vec<String>| -> Vec<Option<(usize, bool)>> {
            patterns
                .iter()
                .map(|p| {
                    let pat = p.get(prefix..)?.strip_prefix('/')?;
                    Some((prefix + 1, pat.contains(['*', '?', '[', '\\'])))
                })
                .collect()
        };
        let include_meta = meta(&include_with_source);
        let exclude_meta = meta(&exclude_with_source);
        SiteConfig {
            source,
            source_str,
            defaults,
            fm,
            tz,
            time,
            opts: opts.clone(),
            dest,
            dest_rel,
            include_with_source,
            exclude_with_source,
            include_files,
            source_literal,
            source_plain,
            include_meta,
            exclude_meta,
            coffeescript: loaded.iter().any(|p| p == "jekyll-coffeescript"),
            loaded,
            unknown,
            disabled_plugins,
            fatal,
            config,
        }
    }

    /// The source folder (absolute).
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The output folder (absolute; `-d`, default `<source>/_site`).
    pub fn destination(&self) -> &Path {
        &self.dest
    }

    /// The configuration as read.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// `site.time` (the build time).
    pub fn time(&self) -> JekyllTime {
        self.time
    }

    /// The zone dates are read in (`timezone:`, else [`ReadOptions::default_timezone`]).
    /// The front matter defaults for the file at `rel` (relative to the source) of
    /// collection `collection` (`posts`, `pages`, …): every matching `defaults` set merged
    /// (`FrontmatterDefaults#all`).
    pub fn defaults_for(&self, rel: &str, collection: Option<&str>) -> Result<Value, String> {
        self.defaults.all(rel, collection)
    }

    pub fn timezone(&self) -> Option<&str> {
        self.tz.as_deref()
    }

    /// What may add outputs this crate does not model.
    pub fn unknown(&self) -> &UnknownPlugins {
        &self.unknown
    }

    /// The plugins Jekyll loads (`plugins:`, minus those safe mode leaves out).
    pub fn plugins(&self) -> &[String] {
        &self.loaded
    }

    /// Plugins safe mode does not load (not in `whitelist`).
    pub fn disabled_plugins(&self) -> &[String] {
        &self.disabled_plugins
    }

    /// The options the configuration was read with.
    pub fn options(&self) -> &ReadOptions {
        &self.opts
    }

    pub(crate) fn parse_date(&self, v: &Value) -> Result<JekyllTime, String> {
        self.fm
            .parse_date(v, self.tz.as_deref())
            .map_err(|e| format!("Invalid date '{}': {e}", v.ruby_to_s()))
    }

    /// `site.in_source_dir(rel)`: the source joined with the path made absolute.
    pub(crate) fn in_source(&self, rel: &str) -> PathBuf {
        let clean = crate::url::expand_path_root(rel);
        let t = clean.trim_start_matches('/');
        if t.is_empty() {
            self.source.clone()
        } else {
            self.source.join(t)
        }
    }

    /// `Renderer#converter_output_ext` for an extension: Markdown → `.html`, Sass/SCSS →
    /// `.css` (jekyll-sass-converter), CoffeeScript → `.js` (jekyll-coffeescript), else
    /// the extension itself (Identity).
    pub(crate) fn converter_output_ext(&self, ext: &str) -> String {
        let lower = ext.to_lowercase();
        if self.config.markdown_exts.contains(&lower) {
            ".html".into()
        } else if lower == ".scss" || lower == ".sass" {
            ".css".into()
        } else if self.coffeescript && ext == ".coffee" {
            ".js".into()
        } else {
            ext.to_string()
        }
    }

    /// `EntryFilter#glob_include?(patterns, entry)` (entry_filter.rb:97); `patterns` are
    /// joined to the source. `is_dir` answers `File.directory?(source/entry)`, asked only
    /// when a pattern is `entry + "/"`.
    pub(crate) fn glob_include(
        &self,
        patterns: &[String],
        meta: &[Option<(usize, bool)>],
        entry: &str,
        is_dir: &mut dyn FnMut(&str) -> bool,
    ) -> bool {
        if patterns.is_empty() {
            return false;
        }
        let prefix = self.source_str.trim_end_matches('/').len();
        if !self.source_literal {
            let entry_with_source = rb_join(&self.source_str, entry);
            return patterns.iter().any(|p| {
                fnmatch(p, &entry_with_source, false, false)
                    || entry_with_source.starts_with(p.as_str())
                    || (p.len() == entry_with_source.len() + 1
                        && p.ends_with('/')
                        && p.starts_with(entry_with_source.as_str())
                        && is_dir(&entry_with_source))
            });
        }
        // Both strings start with the same literal source: match what follows it, `/e`
        // (no leading period is at stake after the `/`).
        let e = entry.trim_start_matches('/');
        let full = || format!("{}/{e}", &self.source_str[..prefix]);
        patterns.iter().zip(meta).any(|(p, m)| {
            let Some((start, is_glob)) = *m else {
                return false;
            };
            let rest = &p[prefix..];
            let pat = &p[start..];
            let matched = if is_glob {
                fnmatch(rest, &format!("/{e}"), false, false)
            } else {
                false
            };
            matched
                || e.starts_with(pat)
                || (pat.len() == e.len() + 1
                    && pat.ends_with('/')
                    && pat.starts_with(e)
                    && is_dir(&full()))
        })
    }

    /// `EntryFilter#included?` (entry_filter.rb:54): the entry or its basename.
    pub(crate) fn included(&self, entry: &str, is_dir: &mut dyn FnMut(&str) -> bool) -> bool {
        let (p, m) = (&self.include_with_source, &self.include_meta);
        self.glob_include(p, m, entry, is_dir) || self.glob_include(p, m, basename(entry), is_dir)
    }

    /// `EntryFilter#excluded?` (entry_filter.rb:68): `base_directory/entry` against
    /// `exclude - include`.
    pub(crate) fn excluded(
        &self,
        base_directory: &str,
        entry: &str,
        is_dir: &mut dyn FnMut(&str) -> bool,
    ) -> bool {
        self.glob_include(
            &self.exclude_with_source,
            &self.exclude_meta,
            &rb_join(base_directory, entry),
            is_dir,
        )
    }
}

/// `File.directory?` of an absolute path.
pub(crate) fn disk_is_dir(p: &str) -> bool {
    Path::new(p).is_dir()
}
