//! `lineage dataset …`: commit to datasets and prove inclusion.

use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

mod build;
mod prove_inclusion;
mod verify_inclusion;

#[derive(Debug, Subcommand)]
pub(crate) enum DatasetCommand {
    /// Hash a folder of works or a JSONL of records into a manifest and its Merkle root.
    Build(build::Args),
    /// Print the inclusion proof of one record of a manifest.
    ProveInclusion(prove_inclusion::Args),
    /// Check an inclusion proof against a dataset root.
    VerifyInclusion(verify_inclusion::Args),
}

impl DatasetCommand {
    pub(crate) fn run(self) -> Result<ExitCode> {
        match self {
            Self::Build(args) => args.run().map(|()| ExitCode::SUCCESS),
            Self::ProveInclusion(args) => args.run().map(|()| ExitCode::SUCCESS),
            Self::VerifyInclusion(args) => args.run(),
        }
    }
}
