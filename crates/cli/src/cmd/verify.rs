//! `lineage verify`: checks an attestation off-chain, exactly as the verifier contract
//! would, against the local artifacts of its profile. Exit 0: valid; 1: not valid (or it
//! cannot be checked), with the reason.

use crate::{
    cmd::{attest::fine_tune_hint, setup::profile_named},
    io::{print_json, read_json},
};
use anyhow::Result;
use lineage_circuits::layout::zero_start_hash;
use lineage_core::attestation::{Attestation, ModelValues, TrainingKind};
use lineage_core::field::fr_to_hex;
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
    kind: TrainingKind,
    insecure_srs: bool,
    /// Proven training: the trained weights' commitment.
    #[serde(skip_serializing_if = "Option::is_none")]
    w_hash: Option<String>,
    /// Proven training: the start weights' commitment (a fine-tune's are not zeros).
    #[serde(skip_serializing_if = "Option::is_none")]
    w0_hash: Option<String>,
    /// Proven training from nonzero weights: `lineage attest` needs `--base MODEL_ID`.
    #[serde(skip_serializing_if = "Option::is_none")]
    fine_tune: Option<bool>,
    /// Declared training: the model file's SHA-256 (checked against its two public halves).
    #[serde(skip_serializing_if = "Option::is_none")]
    model_sha256: Option<String>,
    train_root: String,
    /// The records the training set holds.
    n_records: u64,
}

impl Args {
    pub(crate) fn run(self) -> Result<ExitCode> {
        let att: Attestation = read_json(&self.attestation, "attestation")?;
        let root = self.cache.clone().unwrap_or_else(artifacts::default_root);
        let profile = profile_named(&att.profile);
        let reason = profile
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .and_then(|p| {
                let v = artifacts::load_verifier(&root, p, &att.srs)?;
                Ok(check_attestation(p, &v, &att).err().map(|r| r.to_string()))
            })
            .unwrap_or_else(|e| Some(format!("cannot check: {e:#}")));
        let trained = att.public.model.trained();
        // A start other than the profile's zero weights: a fine-tune of an attested model.
        let fine_tune = match (trained, &profile) {
            (Some(t), Ok(p)) => Some(t.w0_hash != zero_start_hash(p)),
            _ => None,
        };
        let verdict = Verdict {
            valid: reason.is_none(),
            reason,
            profile: att.profile.clone(),
            kind: att.kind,
            insecure_srs: att.srs.insecure,
            w_hash: trained.map(|t| fr_to_hex(&t.w_hash)),
            w0_hash: trained.map(|t| fr_to_hex(&t.w0_hash)),
            fine_tune,
            model_sha256: att.public.model.declared().map(|d| d.model_sha256.to_string()),
            train_root: fr_to_hex(&att.public.train_root),
            n_records: att.public.n_records,
        };
        if self.json {
            print_json(&verdict)?;
        } else if let Some(reason) = &verdict.reason {
            eprintln!("INVALID: {reason}");
        } else {
            let model = match &att.public.model {
                ModelValues::Trained(t) => {
                    format!("weights with w_hash {} trained (proven)", fr_to_hex(&t.w_hash))
                }
                ModelValues::Declared(d) => {
                    format!("model file {} declared trained (training set proven)", d.model_sha256)
                }
            };
            eprintln!(
                "VALID: {model} on {} records (train_root {}), profile {}{}",
                att.public.n_records,
                verdict.train_root,
                verdict.profile,
                if verdict.insecure_srs { " -- under the INSECURE dev SRS" } else { "" }
            );
            if let (Some(true), Some(t)) = (verdict.fine_tune, trained) {
                eprintln!("{}", fine_tune_hint(t));
            }
        }
        Ok(if verdict.valid { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    }
}
