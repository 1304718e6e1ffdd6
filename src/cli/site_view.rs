//! `postlint site` and `postlint inspect`: the site model and one file, as postlint reads
//! them (what the oracles compare with Jekyll; what a user debugging a finding looks at).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::Value as J;

use super::{EXIT_FAILURE, EXIT_OK, SiteArgs, ViewFormat};
use crate::base::paths::normalize;
use crate::config;
use crate::engine::{self, RunOptions};
use crate::jekyll::site::{BuildOptions, find_root, whole_site_json};

fn cwd() -> Option<PathBuf> {
    match std::env::current_dir() {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("error: cannot read the current directory: {e}");
            None
        }
    }
}

fn print_json(v: &J) -> u8 {
    let mut out = io::stdout().lock();
    if serde_json::to_writer_pretty(&mut out, v).is_err() || writeln!(out).is_err() {
        return EXIT_FAILURE;
    }
    EXIT_OK
}

fn text(v: &J) -> String {
    match v {
        J::Null => "-".into(),
        J::String(s) => s.clone(),
        J::Bool(b) => if *b { "yes" } else { "no" }.into(),
        other => other.to_string(),
    }
}

pub fn site(args: &SiteArgs) -> u8 {
    let Some(cwd) = cwd() else {
        return EXIT_FAILURE;
    };
    let start = normalize(&cwd.join(args.path.as_deref().unwrap_or(Path::new("."))));
    if !start.is_dir() {
        eprintln!("error: `{}` is not a folder", start.display());
        return EXIT_FAILURE;
    }
    let root = if args.path.is_some() && start.join("_config.yml").is_file() {
        start
    } else {
        find_root(&[&start]).unwrap_or(start)
    };
    let build = BuildOptions {
        drafts: args.drafts,
        future: args.future,
        unpublished: args.unpublished,
        safe: args.safe,
        limit_posts: args.limit_posts,
        config_files: (!args.jekyll_config.is_empty()).then(|| {
            args.jekyll_config
                .iter()
                .map(|p| normalize(&cwd.join(p)))
                .collect()
        }),
        time: args.time.clone(),
        timezone: args.timezone.clone(),
    };
    let v = match whole_site_json(&root, &build) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILURE;
        }
    };
    if args.format == ViewFormat::Json {
        return print_json(&v);
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    if site_human(&mut out, &root, &v)
        .and_then(|()| out.flush())
        .is_err()
    {
        return EXIT_FAILURE;
    }
    EXIT_OK
}

fn site_human(out: &mut impl Write, root: &Path, v: &J) -> io::Result<()> {
    let files = v["files"].as_array().map_or(&[][..], Vec::as_slice);
    let unread = v["unread_reasons"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let written = files.iter().filter(|f| f["written"] == true).count();
    let generated = files.iter().filter(|f| f["path"].is_null()).count();
    writeln!(
        out,
        "site {}: {} files ({} written, {} generated), {} not read",
        root.display(),
        files.len(),
        written,
        generated,
        unread.len()
    )?;
    if let Some(f) = v.get("fatal").filter(|f| !f.is_null()) {
        writeln!(out, "jekyll stops: {}", text(f))?;
    }
    let url_width = files
        .iter()
        .map(|f| text(&f["url"]).chars().count())
        .max()
        .unwrap_or(3)
        .clamp(3, 60);
    writeln!(
        out,
        "{:<9} {:<11} {:<url_width$} {:<25} PATH",
        "KIND", "WRITTEN", "URL", "DATE"
    )?;
    for f in files {
        let written = match (&f["written"], &f["skipped"]) {
            (J::Bool(true), _) => "yes".to_string(),
            (_, J::String(why)) => why.clone(),
            _ => "no".to_string(),
        };
        let path = match &f["path"] {
            J::String(p) => p.clone(),
            _ => format!("({})", text(&f["generator"])),
        };
        writeln!(
            out,
            "{:<9} {:<11} {:<url_width$} {:<25} {}",
            text(&f["kind"]),
            written,
            text(&f["url"]),
            text(&f["date"]),
            path
        )?;
    }
    for u in unread {
        match u {
            J::Array(pair) => writeln!(
                out,
                "not read: {} ({})",
                pair.first().map(text).unwrap_or_default(),
                pair.get(1).map(text).unwrap_or_default()
            )?,
            other => writeln!(out, "not read: {}", text(other))?,
        }
    }
    Ok(())
}

pub fn inspect(file: &Path, format: ViewFormat, config_file: Option<&Path>) -> u8 {
    let Some(cwd) = cwd() else {
        return EXIT_FAILURE;
    };
    let full = normalize(&cwd.join(file));
    let start = full.parent().map_or_else(|| cwd.clone(), Path::to_path_buf);
    let loaded = match config_file {
        Some(path) => config::load(path, &cwd),
        None => config::discover(&start, &cwd),
    };
    let settings = match loaded {
        Ok(s) => s,
        Err(diags) => {
            for d in &diags {
                eprintln!("error: {}", d.message);
            }
            return EXIT_FAILURE;
        }
    };
    let options = RunOptions {
        paths: vec![file.to_path_buf()],
        ..RunOptions::default()
    };
    let (_, site) = engine::prepare(&settings, &options, &cwd);
    let bytes = match jekyll_site::frontmatter::read_regular(&full) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", file.display());
            return EXIT_FAILURE;
        }
    };
    let display = file.to_string_lossy();
    let placed = site.place(&display, &full, bytes);
    let v = site.inspect(&full, &placed);
    if format == ViewFormat::Json {
        return print_json(&v);
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    if inspect_human(&mut out, &v)
        .and_then(|()| out.flush())
        .is_err()
    {
        return EXIT_FAILURE;
    }
    EXIT_OK
}

fn inspect_human(out: &mut impl Write, v: &J) -> io::Result<()> {
    writeln!(out, "file:        {}", text(&v["path"]))?;
    writeln!(out, "site:        {}", text(&v["site"]))?;
    writeln!(out, "in the site: {}", text(&v["site_path"]))?;
    if v["read"] == false {
        writeln!(
            out,
            "read:        no: Jekyll does not read it ({})",
            text(&v["unread_because"])
        )?;
    } else {
        writeln!(out, "read:        yes, as a {}", text(&v["kind"]))?;
    }
    let e = &v["entry"];
    if e.is_object() {
        let written = match (&e["written"], &e["skipped"]) {
            (J::Bool(true), _) => "yes".to_string(),
            (_, J::String(why)) => format!("no ({why})"),
            _ => "no".to_string(),
        };
        writeln!(out, "written:     {written}")?;
        writeln!(out, "url:         {}", text(&e["url"]))?;
        writeln!(out, "destination: {}", text(&e["destination"]))?;
        writeln!(out, "date:        {}", text(&e["date"]))?;
        for key in ["slug", "categories", "tags"] {
            if !e[key].is_null() {
                writeln!(out, "{:<13}{}", format!("{key}:"), text(&e[key]))?;
            }
        }
        if e["read_error"] == true {
            writeln!(out, "read error:  Jekyll goes on without its front matter")?;
        }
    }
    let fm = &v["front_matter"];
    match fm["state"].as_str() {
        Some("parsed") => {
            writeln!(out, "front matter (as Psych types it):")?;
            let pretty = serde_json::to_string_pretty(&fm["value"]).unwrap_or_default();
            for line in pretty.lines() {
                writeln!(out, "  {line}")?;
            }
        }
        Some(state) => {
            write!(out, "front matter: {state}")?;
            if !fm["error"].is_null() {
                write!(out, ": {}", text(&fm["error"]))?;
            }
            writeln!(out)?;
        }
        None => {}
    }
    let body = &v["body"];
    if let Some(nodes) = body["nodes"].as_array() {
        writeln!(out, "body (as {} reads it):", text(&body["converter"]))?;
        for n in nodes {
            let depth = usize::try_from(n["depth"].as_u64().unwrap_or(0)).unwrap_or(0);
            let attrs: Vec<String> = n["attrs"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|a| {
                    format!(
                        "{}={:?} ({})",
                        text(&a["name"]),
                        text(&a["value"]),
                        text(&a["origin"])
                    )
                })
                .collect();
            let value = text(&n["value"]);
            writeln!(
                out,
                "  {:indent$}{} {}..{}{}{}",
                "",
                text(&n["kind"]),
                n["span"][0],
                n["span"][1],
                if value.is_empty() {
                    String::new()
                } else {
                    format!(" {value:?}")
                },
                if attrs.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", attrs.join(", "))
                },
                indent = depth.min(40) * 2
            )?;
        }
    } else if !body.is_null() {
        writeln!(out, "body: read as {}", text(&body["converter"]))?;
    }
    Ok(())
}
