//! Subcommands, one file each.

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod anchor;
mod attest;
mod dataset;
mod demo;
mod model_hash;
mod prove;
mod prove_task;
mod royalties;
mod sample;
pub(crate) mod setup;
mod status;
mod train;
mod verify;
mod verify_image;

/// Lineage: prove what a model was trained on, without revealing the data.
#[derive(Debug, Parser)]
#[command(name = "lineage", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Commit to datasets and prove a record's inclusion.
    #[command(subcommand)]
    Dataset(dataset::DatasetCommand),
    /// Write the bundled sample corpus (two small datasets) to a folder.
    Sample(sample::Args),
    /// The SHA-256 identity of a model file or folder whose training is declared.
    ModelHash(model_hash::Args),
    /// Train the fixed-point logistic-regression model a training proof can re-execute.
    Train(train::Args),
    /// Generate (or load the cached) SRS parameters and keys of a profile.
    Setup(setup::Args),
    /// Prove a trained model's datasets and training run: one aggregated proof.
    Prove(prove::Args),
    /// Run one task of a proof tree's plan (`prove --plan-only`) from its input files.
    ProveTask(prove_task::Args),
    /// Verify an attestation off-chain (exit 0: valid, 1: not, with the reason).
    Verify(verify::Args),
    /// Submit an attestation on-chain: the registry verifies its proof in the transaction.
    Attest(attest::Args),
    /// A model's attestation status and lineage (exit 0: valid, 1: revoked or tainted).
    Status(status::Args),
    /// The whole product on a local chain: deploy, datasets, prove, attest, anchor, verify
    /// an image, pay and claim royalties; then a summary.
    Demo(demo::Args),
    /// Anchor a batch of generated files on-chain and write a receipt for each.
    Anchor(anchor::Args),
    /// Verify a generated image back to its model, datasets and creators (exit 0 valid,
    /// 1 invalid, 2 cannot tell).
    VerifyImage(verify_image::Args),
    /// Pay, show and claim attribution royalties.
    #[command(subcommand)]
    Royalties(royalties::RoyaltiesCommand),
}

impl Cli {
    /// Runs the chosen subcommand; the exit code distinguishes verdicts where one applies.
    pub(crate) fn run(self) -> Result<ExitCode> {
        match self.command {
            Command::Dataset(cmd) => cmd.run(),
            Command::Sample(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::ModelHash(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::Train(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::Setup(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::Prove(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::ProveTask(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::Verify(args) => args.run(),
            Command::Attest(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::Status(args) => args.run(),
            Command::Demo(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::Anchor(args) => args.run().map(|()| ExitCode::SUCCESS),
            Command::VerifyImage(args) => args.run(),
            Command::Royalties(cmd) => cmd.run().map(|()| ExitCode::SUCCESS),
        }
    }
}
