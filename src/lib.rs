//! postlint: a fast, site-aware linter for Jekyll posts.
//!
//! The library returns data; only [`cli`] prints.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod body;
pub mod cli;
pub mod config;
pub mod cross;
pub mod diagnostic;
pub mod engine;
pub mod fix;
pub mod html;
pub mod infer;
pub mod loader;
pub mod online;
pub mod paths;
pub mod report;
pub mod rules;
pub mod selfcheck;
pub mod site;
pub mod source;
pub mod suppress;
pub mod taxonomy;
pub mod yaml;
