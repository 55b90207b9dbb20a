//! `lineage-indexer`: parse the command line, run the service until SIGINT/SIGTERM.

use std::process::ExitCode;

mod cli;

#[tokio::main]
async fn main() -> ExitCode {
    match cli::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lineage-indexer: {e:#}");
            ExitCode::FAILURE
        }
    }
}
