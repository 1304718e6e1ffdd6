//! The command line: argument parsing and the commands. Only this module (and `main`) prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod infer;
mod output;
pub mod report;
pub mod selfcheck;
mod server;
mod show_settings;
mod site_view;
mod stdin;

use crate::base::fs::write_atomic;
use crate::base::suggest::did_you_mean;
use crate::base::text::escape_controls;
use crate::config;
use crate::diagnostic::Diagnostic;
use crate::engine::{self, RunOptions, baseline, fix};
use crate::rules::select::Selector;
use crate::rules::{RULES, Rule};
use crate::settings::{Level, Settings};
use report::{Format, HumanStyle};

/// Exit statuses.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "postlint",
    version,
    about = "A fast, site-aware linter for Jekyll posts"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check posts (default: the config's `posts` globs, else the current directory).
    Check(CheckArgs),
    /// List every rule: code, name, default level, fixable.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
    /// Print a rule's documentation.
    Rule {
        /// A rule code (DT002) or name (missing-timezone).
        rule: String,
    },
    /// Show the site as Jekyll reads it: every file with its kind, whether it is written, its
    /// URL and date; the generated pages; the files Jekyll does not read, and why.
    Site(SiteArgs),
    /// Show one file as postlint reads it: its place in the site, its front matter typed as
    /// Psych types it, Jekyll's date, its URL and destination.
    Inspect {
        /// The file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
        format: ViewFormat,
        /// Use this config file instead of discovering postlint.yaml.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Write a starter postlint.yaml in the current directory.
    Init {
        /// The pack to extend.
        #[arg(long, default_value = "jekyll")]
        pack: String,
        /// Learn the category registry from existing posts (PATHS, else the current directory).
        #[arg(long)]
        infer: bool,
        /// Posts to learn from (with --infer).
        paths: Vec<PathBuf>,
        /// Overwrite an existing postlint.yaml.
        #[arg(long)]
        force: bool,
    },
    /// Run a Language Server over standard input and output, for editors: the diagnostics of
    /// `check`, fixes as code actions, rule documentation on hover.
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewFormat {
    Human,
    Json,
}

#[derive(Args, Debug)]
pub struct SiteArgs {
    /// The site's source folder (default: the nearest folder up from here with a
    /// `_config.yml`, else with a `_posts` folder).
    pub path: Option<PathBuf>,
    /// Output format (json: the schema the oracle compares, see the README).
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    pub format: ViewFormat,
    /// As `jekyll build --drafts`.
    #[arg(long)]
    pub drafts: bool,
    /// As `jekyll build --future`.
    #[arg(long)]
    pub future: bool,
    /// As `jekyll build --unpublished`.
    #[arg(long)]
    pub unpublished: bool,
    /// As `jekyll build --safe` (GitHub Pages).
    #[arg(long)]
    pub safe: bool,
    /// As `jekyll build --limit_posts N`.
    #[arg(long, value_name = "N")]
    pub limit_posts: Option<u64>,
    /// As `jekyll build --config a.yml,b.yml`.
    #[arg(long, value_delimiter = ',', value_name = "FILES")]
    pub jekyll_config: Vec<PathBuf>,
    /// `site.time` (default: now, or POSTLINT_NOW), read as Ruby's `Time.parse` reads it.
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// The build machine's zone when `_config.yml` sets none (default: UTC).
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check.
    pub paths: Vec<PathBuf>,
    /// Use this config file instead of discovering postlint.yaml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Only these rules (codes, names or prefixes, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Not these rules (codes, names or prefixes, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Apply safe fixes in place, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Show the fixes as a unified diff instead of writing them (exit 1 if there are any).
    #[arg(long)]
    pub diff: bool,
    /// Report only the findings that this baseline file does not record.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Exit 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Colour in human output (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Report errors only, without the summary line.
    #[arg(long)]
    pub quiet: bool,
    /// Also request every external link once (LK006; see the config's `links:` section).
    #[arg(long)]
    pub online: bool,
    /// With --online: neither read nor write the link cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Exit 0 even when there are findings (a run that fails to read or write still exits 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Write the report to FILE instead of standard output (written whole, then renamed).
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// After the report, print how many findings each rule has (to standard error).
    #[arg(long)]
    pub statistics: bool,
    /// Print the configuration in effect (every rule's level and options after packs,
    /// `extends`, --select and --ignore) instead of checking.
    #[arg(long)]
    pub show_settings: bool,
    /// With `-` as the path: check standard input as if it were the file at PATH in its site.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

/// Run the CLI; returns the exit status.
pub fn main_with(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => {
            match format {
                // The levels of the configuration in effect here, and its custom rules.
                RulesFormat::Table => {
                    print!("{}", effective_rules_table(here_settings().as_ref()))
                }
                RulesFormat::Markdown => print!("{}", rules_table(format)),
            }
            EXIT_OK
        }
        Command::Rule { rule } => rule_doc(&rule, here_settings().as_ref()),
        Command::Site(args) => site_view::site(&args),
        Command::Inspect {
            file,
            format,
            config,
        } => site_view::inspect(&file, format, config.as_deref()),
        Command::Init {
            pack,
            infer,
            paths,
            force,
        } => init(&pack, infer, &paths, force),
        Command::Server => server::serve(),
    }
}

fn human_style(choice: ColorChoice) -> HumanStyle {
    let tty = io::stdout().is_terminal();
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let width = if tty {
        terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0))
    } else {
        100
    };
    HumanStyle { color, width }
}

fn print_config_diagnostics(diags: &[Diagnostic], style: HumanStyle) {
    let mut err = io::stderr().lock();
    let _ = report::human(&mut err, diags, style);
}

/// Where config discovery starts: the first path's directory (a file's parent), so that
/// `postlint check other-site/_posts` uses that site's config; the working directory when no
/// path is given.
fn discovery_start(cwd: &Path, paths: &[PathBuf]) -> PathBuf {
    let Some(first) = paths.first() else {
        return cwd.to_path_buf();
    };
    let full = crate::base::paths::normalize(&cwd.join(first));
    if full.is_dir() {
        full
    } else {
        full.parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
    }
}

/// Apply --select and --ignore to the configured levels (custom rules included).
pub fn apply_selection(
    settings: &mut Settings,
    select: &[String],
    ignore: &[String],
) -> Result<(), String> {
    let parse = |list: &[String]| -> Result<Vec<Selector>, String> {
        list.iter()
            .filter_map(|s| Selector::parse(s))
            .map(|s| {
                if s.is_known(&settings.custom_names()) {
                    Ok(s)
                } else {
                    Err(format!(
                        "unknown rule selector `{}` (see `postlint rules`)",
                        s.as_str()
                    ))
                }
            })
            .collect()
    };
    let select = parse(select)?;
    let ignore = parse(ignore)?;
    if !select.is_empty() {
        for rule in Rule::ALL {
            let def = rule.def();
            if !select.iter().any(|s| s.matches(def.code, def.name)) {
                rule.set_level(settings, Level::Off);
            } else if rule.level(settings) == Level::Off {
                rule.set_level(settings, Level::Warning);
            }
        }
        for c in &mut settings.custom {
            if !select.iter().any(|s| s.matches(&c.code, &c.name)) {
                c.level = Level::Off;
            } else if c.level == Level::Off {
                c.level = Level::Warning;
            }
        }
    }
    for s in &ignore {
        for rule in s.rules() {
            rule.set_level(settings, Level::Off);
        }
        for c in &mut settings.custom {
            if s.matches(&c.code, &c.name) {
                c.level = Level::Off;
            }
        }
    }
    Ok(())
}

fn check(mut args: CheckArgs) -> u8 {
    let buffer = match stdin::take(&mut args) {
        Ok(buffer) => buffer,
        Err(status) => return status,
    };
    let style = human_style(args.color);
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(e) => {
            eprintln!("error: cannot read the current directory: {e}");
            return EXIT_FAILURE;
        }
    };
    let loaded = match &args.config {
        Some(path) => config::load(path, &cwd),
        None => config::discover(&discovery_start(&cwd, &args.paths), &cwd),
    };
    let mut settings = match loaded {
        Ok(settings) => settings,
        Err(diags) => {
            print_config_diagnostics(&diags, style);
            eprintln!(
                "postlint: the configuration has {} error(s); nothing was checked",
                diags.len()
            );
            return EXIT_FAILURE;
        }
    };
    if !args.quiet {
        print_config_diagnostics(&settings.warnings, style);
    }
    if let Err(message) = apply_selection(&mut settings, &args.select, &args.ignore) {
        eprintln!("error: {message}");
        return EXIT_FAILURE;
    }
    settings.links.online |= args.online;
    if args.no_cache {
        settings.links.cache = false;
    }
    if args.show_settings {
        print!("{}", show_settings::render(&settings));
        return EXIT_OK;
    }
    let options = RunOptions {
        paths: args.paths.clone(),
        keep_source: args.format == Format::Human,
        progress: !args.quiet && io::stderr().is_terminal(),
    };
    if args.diff {
        let (text, files) = fix::diff(&settings, &options, &cwd);
        print!("{text}");
        if !args.quiet {
            eprintln!(
                "{} file{} would be fixed",
                files,
                if files == 1 { "" } else { "s" }
            );
        }
        return if files > 0 { EXIT_FINDINGS } else { EXIT_OK };
    }
    let baseline = match &args.baseline {
        Some(path) => match baseline::load(&cwd.join(path)) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_FAILURE;
            }
        },
        None => None,
    };
    let file_out = match &args.output_file {
        Some(path) if args.write_baseline.is_none() => match tempfile::NamedTempFile::new_in(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        ) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return EXIT_FAILURE;
            }
        },
        _ => None,
    };
    let mode = if args.write_baseline.is_some() {
        output::Mode::Record(baseline::Recorder::default())
    } else {
        // The report goes to --output-file when given: a temporary file beside it, renamed
        // over it once written, so that a reader never sees half a report.
        let sink: Box<dyn Write + Send> = match &file_out {
            Some(f) => match f.as_file().try_clone() {
                Ok(f) => Box::new(f),
                Err(e) => {
                    let path = args.output_file.as_deref().unwrap_or(Path::new("-"));
                    eprintln!("error: cannot write `{}`: {e}", path.display());
                    return EXIT_FAILURE;
                }
            },
            None => Box::new(io::stdout()),
        };
        output::Mode::Report {
            reporter: report::reporter(args.format, style, &settings),
            out: BufWriter::with_capacity(1 << 16, sink),
        }
    };
    let mut stream = output::Stream::new(
        mode,
        report::preparer(args.format, style, &settings),
        baseline.as_ref().map(baseline::Filter::new),
        args.quiet,
    );
    stream.begin();
    let run = |stream: &mut output::Stream| {
        if let Some(bytes) = &buffer {
            // Standard input checked as the file at --stdin-filename: one file's findings.
            let mut outcome = engine::buffer::run_buffer(&settings, &options, &cwd, bytes.clone());
            let mut found = std::mem::take(&mut outcome.diagnostics);
            found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            if let Some(prepare) = engine::Sink::preparer(stream) {
                prepare(&mut found);
            }
            engine::Sink::file(stream, found);
            return (outcome, fix::Fixed::default());
        }
        if args.fix {
            fix::run_into(&settings, &options, &cwd, stream)
        } else {
            (
                engine::run_into(&settings, &options, &cwd, stream),
                fix::Fixed::default(),
            )
        }
    };
    let (outcome, fixed) = match args.jobs {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(|| run(&mut stream)),
            Err(_) => run(&mut stream),
        },
        None => run(&mut stream),
    };
    if !args.quiet {
        for notice in &outcome.notices {
            eprintln!("warning: {}", escape_controls(notice));
        }
        if let Some((n, one)) = &outcome.posts_missed {
            eprintln!(
                "warning: no post was checked, but the site has {n} (e.g. `{}`): check the `posts` globs of the configuration",
                escape_controls(one)
            );
        }
        for (file, why) in &outcome.unread {
            eprintln!(
                "note: `{}` is not checked: Jekyll does not read it ({why})",
                escape_controls(file)
            );
        }
        if let Some(s) = &outcome.online {
            eprintln!(
                "online: {} distinct external link{}, {} from the cache, {} excluded, {} request{} sent, {} failed",
                s.urls,
                if s.urls == 1 { "" } else { "s" },
                s.cached,
                s.excluded,
                s.requests,
                if s.requests == 1 { "" } else { "s" },
                s.problems
            );
        }
    }
    let tally = std::mem::take(&mut stream.tally);
    if let (Some(path), Some(recorder)) = (&args.write_baseline, stream.take_recorder()) {
        let findings = recorder.findings();
        if let Err(e) = baseline::save(&cwd.join(path), &recorder.finish()) {
            eprintln!("error: {e}");
            return EXIT_FAILURE;
        }
        eprintln!(
            "wrote baseline `{}` with {} findings",
            path.display(),
            findings
        );
        return if outcome.failures > 0 {
            EXIT_FAILURE
        } else {
            EXIT_OK
        };
    }
    let summary = report::Summary {
        files: outcome.files,
        posts: outcome.posts,
        errors: tally.errors,
        warnings: tally.warnings,
        fixable: tally.fixable,
        failures: outcome.failures,
        elapsed: outcome.elapsed,
        fixed: (fixed.problems, fixed.files),
        quiet: args.quiet,
    };
    let written = stream.end(&summary);
    drop(stream);
    if !args.quiet && args.format == Format::Human && tally.dropped > 0 {
        eprintln!(
            "{} findings recorded in the baseline are not shown",
            tally.dropped
        );
    }
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write output: {e}");
        return EXIT_FAILURE;
    }
    if let (Some(f), Some(path)) = (file_out, &args.output_file)
        && let Err(e) = f.persist(path)
    {
        eprintln!("error: cannot write `{}`: {}", path.display(), e.error);
        return EXIT_FAILURE;
    }
    if args.statistics {
        eprint!("{}", tally.statistics.table());
    }

    let errors = tally.errors - tally.failures.min(tally.errors);
    let warnings = tally.warnings;
    let over = args.max_warnings.filter(|max| warnings > *max);
    if outcome.failures > 0 {
        EXIT_FAILURE
    } else if args.exit_zero {
        EXIT_OK
    } else if errors > 0 || over.is_some() {
        if let (Some(max), 0) = (over, errors) {
            // Say why the run fails when only the warnings do it.
            eprintln!(
                "error: {warnings} warning{} found, more than --max-warnings {max} allows",
                if warnings == 1 { "" } else { "s" }
            );
        }
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The rule table: `postlint rules`, and (as Markdown) the README's table.
pub fn rules_table(format: RulesFormat) -> String {
    let mut out = String::new();
    match format {
        RulesFormat::Table => out = effective_rules_table(None),
        RulesFormat::Markdown => {
            out.push_str("| code | name | `jekyll` | `finews` | fix | what it finds |\n|---|---|---|---|---|---|\n");
            let finews = config::builtin("finews", PathBuf::from(".")).ok();
            for (rule, m) in Rule::ALL.iter().zip(RULES) {
                let fin = finews
                    .as_ref()
                    .map_or(String::new(), |s| rule.level(s).to_string());
                // Each row carries an anchor (`#dt002`): SARIF's `helpUri` points there.
                out.push_str(&format!(
                    "| <a id=\"{}\"></a>{} | {} | {} | {} | {} | {} |\n",
                    m.code.to_ascii_lowercase(),
                    m.code,
                    m.name,
                    m.default,
                    fin,
                    if m.fixable() { "yes" } else { "" },
                    m.summary.replace('|', "\\|")
                ));
            }
        }
    }
    out
}

/// The configuration in effect in the working directory (the nearest `postlint.yaml`, else
/// the `jekyll` pack); the `jekyll` pack when it cannot be read.
fn here_settings() -> Option<Settings> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    config::discover(&cwd, &cwd)
        .or_else(|_| config::builtin("jekyll", cwd.clone()))
        .ok()
}

/// `postlint rules`: every rule at its level in `settings` (the `jekyll` pack's without), then
/// the configuration's custom rules.
fn effective_rules_table(settings: Option<&Settings>) -> String {
    let mut out = format!(
        "{:<7} {:<26} {:<6} {:<7} {}\n",
        "code", "name", "level", "fixable", "what it finds"
    );
    for (rule, m) in Rule::ALL.iter().zip(RULES) {
        out.push_str(&format!(
            "{:<7} {:<26} {:<6} {:<7} {}\n",
            m.code,
            m.name,
            settings.map_or(m.default, |s| rule.level(s)).to_string(),
            if m.fixable() { "yes" } else { "" },
            m.summary
        ));
    }
    for c in settings.map_or(&[][..], |s| &s.custom) {
        out.push_str(&format!(
            "{:<7} {:<26} {:<6} {:<7} {} (custom rule of the configuration)\n",
            c.code,
            c.name,
            c.level.to_string(),
            "",
            c.message
        ));
    }
    out
}

fn rule_doc(name: &str, settings: Option<&Settings>) -> u8 {
    if let Some(text) = rule_doc_text(name, settings) {
        print!("{text}");
        return EXIT_OK;
    }
    let names = RULES.iter().flat_map(|r| [r.code, r.name]);
    match did_you_mean(name, names) {
        Some(s) => eprintln!("error: unknown rule `{name}`; did you mean `{s}`?"),
        None => eprintln!("error: unknown rule `{name}` (`postlint rules` lists them)"),
    }
    EXIT_FAILURE
}

/// What `postlint rule NAME` prints (also the language server's hover): a built-in rule's
/// documentation with its level in `settings`, or a custom rule's description; `None` for
/// an unknown rule.
pub(crate) fn rule_doc_text(name: &str, settings: Option<&Settings>) -> Option<String> {
    use std::fmt::Write as _;
    let mut out = String::new();
    if let Some(c) = settings.and_then(|s| {
        s.custom
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(name) || c.name == name)
    }) {
        let _ = writeln!(out, "# {} ({})\n", c.code, c.name);
        let _ = writeln!(
            out,
            "A custom rule of the configuration. Level: {}.\n",
            c.level
        );
        let target = match &c.target {
            crate::settings::custom_rules::Target::Field(f) => {
                format!("the front matter field `{f}`")
            }
            crate::settings::custom_rules::Target::Body => "the body".to_string(),
        };
        let _ = writeln!(
            out,
            "Reports {target} when it {} `{}`: {}",
            if c.forbid {
                "matches"
            } else {
                "does not match"
            },
            c.regex.as_str(),
            c.message
        );
        if let Some(h) = &c.help {
            let _ = writeln!(out, "\nHelp: {h}");
        }
        return Some(out);
    }
    let rule = Rule::from_code_or_name(name)?;
    let m = rule.def();
    let _ = writeln!(out, "# {} ({})\n", m.code, m.name);
    let _ = writeln!(
        out,
        "Default level: {}; here: {}. Fixable: {}.\n",
        m.default,
        settings.map_or(m.default, |s| rule.level(s)),
        if m.fixable() { "yes" } else { "no" }
    );
    out.push_str(m.doc);
    Some(out)
}

fn init(pack: &str, infer: bool, paths: &[PathBuf], force: bool) -> u8 {
    if !config::PACKS.iter().any(|(n, _)| *n == pack) {
        eprintln!("error: unknown pack `{pack}`");
        return EXIT_FAILURE;
    }
    let path = Path::new("postlint.yaml");
    if path.exists() && !force {
        eprintln!("error: postlint.yaml already exists (use --force to overwrite)");
        return EXIT_FAILURE;
    }
    if infer {
        let cwd = match std::env::current_dir() {
            Ok(cwd) => cwd,
            Err(e) => {
                eprintln!("error: cannot read the current directory: {e}");
                return EXIT_FAILURE;
            }
        };
        let settings = match config::builtin(pack, cwd.clone()) {
            Ok(s) => s,
            Err(_) => return EXIT_FAILURE,
        };
        let options = RunOptions {
            paths: paths.to_vec(),
            keep_source: false,
            progress: false,
        };
        let learned = infer::infer(&settings, pack, &options, &cwd);
        return match write_atomic(path, learned.yaml.as_bytes()) {
            Ok(()) => {
                println!(
                    "wrote postlint.yaml: {} categories learned from {} posts ({} ambiguous, marked in the file)",
                    learned.categories, learned.posts, learned.ambiguous
                );
                EXIT_OK
            }
            Err(e) => {
                eprintln!("error: cannot write postlint.yaml: {e}");
                EXIT_FAILURE
            }
        };
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let site = crate::jekyll::site::SiteModel::load(
        crate::jekyll::site::find_root(&[&cwd]),
        &[],
        None,
        None,
    );
    let globs = site
        .post_globs()
        .iter()
        .map(|g| format!("\"{g}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "{}# postlint configuration: see `postlint rules` and `postlint rule CODE`.\n\
         extends: {pack}\n\
         # Where the site's posts are (found by `postlint init`). Without `posts`, postlint\n\
         # checks every file Jekyll reads, and decides links to other posts in one pass.\n\
         posts: [{globs}]\n\
         # exclude: [\"_posts/drafts/**\"]\n\
         # site: {{ url: \"https://example.com\", timezone: \"+08:00\" }}\n\
         # rules:\n\
         #   DT002: error\n",
        config::schema::modeline()
    );
    match write_atomic(path, text.as_bytes()) {
        Ok(()) => {
            println!("wrote postlint.yaml (extends {pack})");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write postlint.yaml: {e}");
            EXIT_FAILURE
        }
    }
}
