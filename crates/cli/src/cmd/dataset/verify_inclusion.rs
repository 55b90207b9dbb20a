//! `lineage dataset verify-inclusion`.

use crate::io::{print_json, read_json};
use anyhow::Result;
use lineage_core::{content::hash_file, field::fr_to_hex, Fr, InclusionProof};
use serde_json::json;
use std::{path::PathBuf, process::ExitCode};

/// Arguments of `lineage dataset verify-inclusion`. Exit code 0: valid; 1: rejected or
/// unreadable input.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The inclusion proof (from `prove-inclusion`).
    proof: PathBuf,
    /// The dataset root it must open to (e.g. the root registered on-chain).
    #[arg(long, value_parser = lineage_core::field::fr_from_hex)]
    root: Option<Fr>,
    /// Also check that this file is the work the record commits to.
    #[arg(long)]
    content: Option<PathBuf>,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) fn run(self) -> Result<ExitCode> {
        let proof: InclusionProof = read_json(&self.proof, "inclusion proof")?;
        let mut verdict = proof.verify(self.root).map_err(|e| e.to_string());
        if let (Ok(()), Some(file)) = (&verdict, &self.content) {
            let hash = hash_file(file)?;
            if hash != proof.record.content {
                verdict = Err(format!(
                    "{} hashes to {hash}, but the record commits to {}",
                    file.display(),
                    proof.record.content
                ));
            }
        }
        if self.json {
            print_json(&json!({
                "valid": verdict.is_ok(),
                "reason": verdict.as_ref().err(),
                "root": fr_to_hex(&proof.root),
                "index": proof.index,
                "record": proof.record,
            }))?;
        }
        match verdict {
            Ok(()) => {
                if !self.json {
                    println!(
                        "valid: record {} opens to root {}",
                        proof.index,
                        fr_to_hex(&proof.root)
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(reason) => {
                if !self.json {
                    eprintln!("invalid: {reason}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
