use std::process::ExitCode;

use clap::Parser;
use postlint::cli::{main_with, Cli};

fn main() -> ExitCode {
    ExitCode::from(main_with(Cli::parse()))
}
