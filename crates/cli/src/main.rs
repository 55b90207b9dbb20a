//! `lineage`: the command-line tool. Thin: parse, run, report.

use clap::Parser;
use std::process::ExitCode;

mod chain;
mod cmd;
mod indexer;
mod io;
mod records;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cli.run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", io::render_error(&err));
            ExitCode::FAILURE
        }
    }
}
