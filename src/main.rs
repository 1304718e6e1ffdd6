use std::process::ExitCode;

use clap::Parser;
use postlint::{Cli, main_with};

fn main() -> ExitCode {
    ExitCode::from(main_with(Cli::parse()))
}
