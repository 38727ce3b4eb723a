//! The `iamscope` command-line tool.

use std::process::ExitCode;

use clap::Parser;
use iamscope::cli::{run, Cli};

// Linting and auditing build and drop many small strings and vectors; mimalloc's
// thread-local free lists make that about twice as cheap as glibc's malloc (see
// docs/performance.md). Only the binary opts in; the library leaves the choice to its user.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
