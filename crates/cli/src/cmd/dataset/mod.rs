//! `lineage dataset …`: commit to datasets and prove inclusion.

use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

mod build;
mod certify;
mod prove_inclusion;
pub(crate) mod register;
mod revoke;
mod verify_inclusion;

#[derive(Debug, Subcommand)]
pub(crate) enum DatasetCommand {
    /// Hash a folder of works or a JSONL of records into a manifest and its Merkle root.
    Build(build::Args),
    /// Print the inclusion proof of one record of a manifest.
    ProveInclusion(prove_inclusion::Args),
    /// Check an inclusion proof against a dataset root.
    VerifyInclusion(verify_inclusion::Args),
    /// Register a dataset's commitment on-chain (root, size, creators and weights).
    Register(register::Args),
    /// Certify a registered dataset (certifiers only).
    Certify(certify::Args),
    /// Revoke a dataset's certification (certifiers only): its models become tainted.
    Revoke(revoke::Args),
}

impl DatasetCommand {
    pub(crate) fn run(self) -> Result<ExitCode> {
        match self {
            Self::Build(args) => args.run().map(|()| ExitCode::SUCCESS),
            Self::ProveInclusion(args) => args.run().map(|()| ExitCode::SUCCESS),
            Self::VerifyInclusion(args) => args.run(),
            Self::Register(args) => args.run().map(|()| ExitCode::SUCCESS),
            Self::Certify(args) => args.run().map(|()| ExitCode::SUCCESS),
            Self::Revoke(args) => args.run().map(|()| ExitCode::SUCCESS),
        }
    }
}
