//! `lineage verify`: checks an attestation off-chain, exactly as the verifier contract
//! would, against the local artifacts of its profile. Exit 0: valid; 1: not valid (or it
//! cannot be checked), with the reason.

use crate::{
    cmd::setup::profile_named,
    io::{print_json, read_json},
};
use anyhow::Result;
use lineage_core::attestation::Attestation;
use lineage_prover::{artifacts, pipeline::check_attestation};
use serde::Serialize;
use std::{path::PathBuf, process::ExitCode};

/// Arguments of `lineage verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The attestation file (`lineage prove`).
    attestation: PathBuf,
    /// Artifacts cache [default: $LINEAGE_CACHE or ~/.cache/lineage].
    #[arg(long)]
    cache: Option<PathBuf>,
    /// Print the verdict as JSON on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Verdict {
    valid: bool,
    reason: Option<String>,
    profile: String,
    insecure_srs: bool,
    w_hash: String,
    train_root: String,
}

impl Args {
    pub(crate) fn run(self) -> Result<ExitCode> {
        let att: Attestation = read_json(&self.attestation, "attestation")?;
        let root = self.cache.clone().unwrap_or_else(artifacts::default_root);
        let reason = profile_named(&att.profile)
            .and_then(|p| {
                let v = artifacts::load_verifier(&root, &p, &att.srs)?;
                Ok(check_attestation(&p, &v, &att).err().map(|r| r.to_string()))
            })
            .unwrap_or_else(|e| Some(format!("cannot check: {e:#}")));
        let verdict = Verdict {
            valid: reason.is_none(),
            reason,
            profile: att.profile.clone(),
            insecure_srs: att.srs.insecure,
            w_hash: lineage_core::field::fr_to_hex(&att.public.w_hash),
            train_root: lineage_core::field::fr_to_hex(&att.public.train_root),
        };
        if self.json {
            print_json(&verdict)?;
        } else if let Some(reason) = &verdict.reason {
            eprintln!("INVALID: {reason}");
        } else {
            eprintln!(
                "VALID: weights with w_hash {} trained on {} records (train_root {}), profile {}{}",
                verdict.w_hash,
                att.public.n_records,
                verdict.train_root,
                verdict.profile,
                if verdict.insecure_srs { " -- under the INSECURE dev SRS" } else { "" }
            );
        }
        Ok(if verdict.valid { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    }
}
