//! postlint: a fast, site-aware linter for Jekyll posts.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod diagnostic;
pub mod loader;
pub mod rules;
pub mod source;
pub mod yaml;
