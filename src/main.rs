//! The `iamscope` command-line tool.

use std::process::ExitCode;

use clap::Parser;
use iamscope::cli::{run, Cli};

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with status 2.
    let cli = Cli::parse();
    match run(&cli) {
        Ok(status) => status.into(),
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(help) = error.help() {
                eprintln!("help: {help}");
            }
            error.status().into()
        }
    }
}
