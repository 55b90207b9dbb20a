//! `lineage attest attestation.json`: submits an attestation (`lineage prove`) to the
//! registry, which rebuilds its public values from the certified datasets and has the
//! profile's verifier check the proof in the same transaction. Idempotent: a model the
//! sender already attested is reported, not attested twice.
//!
//! A model fine-tuned from an attested one (`lineage train --base`) names that model with
//! `--base MODEL_ID`: the registry accepts a training start that is either the profile's
//! zero weights or the weights of a `Valid` base of the same profile, any publisher's.
//!
//! An attestation of declared training (`lineage prove --model-file`) is sent to
//! `attestDeclared`; its model id is `keccak256(publisher, model file SHA-256)`, and it has
//! no base.

use crate::{chain::TxArgs, io::read_json};
use alloy::primitives::B256;
use anyhow::{bail, Context, Result};
use lineage_chain::{
    client::{model_word, AttestationStatus},
    ChainError, Client, Sent,
};
use lineage_core::{
    attestation::{Attestation, Trained, TrainingKind},
    field::fr_to_hex,
};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `lineage attest`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The attestation file (`lineage prove`).
    attestation: PathBuf,
    /// The dataset id of each used slot, in order [default: the certified dataset with
    /// each proven root].
    #[arg(long, value_delimiter = ',')]
    dataset_ids: Option<Vec<u32>>,
    /// The attested model this one was fine-tuned from: the model whose weights its
    /// training started from (omit for training from zero weights).
    #[arg(long, value_name = "MODEL_ID")]
    base: Option<B256>,
    #[command(flatten)]
    tx: TxArgs,
}

/// What `attest` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attested {
    pub(crate) model_id: String,
    pub(crate) kind: TrainingKind,
    pub(crate) dataset_ids: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) base_model_id: Option<String>,
    pub(crate) already_attested: bool,
    pub(crate) tx: Option<Sent>,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let att: Attestation = read_json(&self.attestation, "attestation")?;
        self.tx.run(
            async |client| attest(client, &att, self.dataset_ids.clone(), self.base).await,
            |out| {
                match &out.tx {
                    None => eprintln!("model {} is already attested", out.model_id),
                    Some(tx) => eprintln!(
                        "attested model {} (training {}) on datasets {:?}{} ({} gas, tx {})",
                        out.model_id,
                        out.kind,
                        out.dataset_ids,
                        match &out.base_model_id {
                            Some(b) => format!(", fine-tuned from model {b}"),
                            None => String::new(),
                        },
                        tx.gas_used,
                        tx.tx_hash
                    ),
                }
                println!("{}", out.model_id);
            },
        )
    }
}

/// Attests `att` unless the sender already has; `ids` default to the certified datasets
/// with the proven roots; `base` is the model it was fine-tuned from.
pub(crate) async fn attest(
    client: &Client,
    att: &Attestation,
    ids: Option<Vec<u32>>,
    base: Option<B256>,
) -> Result<Attested> {
    let sender = client.sender().context("attest needs a signer")?;
    if att.kind != att.public.model.kind() {
        return Err(ChainError::KindMismatch { kind: att.kind }.into());
    }
    match (att.kind, base) {
        (TrainingKind::Declared, Some(_)) => return Err(ChainError::DeclaredWithBase.into()),
        (TrainingKind::Proven, None) => check_zero_start(att)?,
        _ => {}
    }
    let base_model_id = base.map(|b| b.to_string());
    let model_id = Client::model_id(sender, model_word(&att.public.model));
    let dataset_ids = match ids {
        Some(ids) => ids,
        None => client.resolve_datasets(att).await?,
    };
    if let Ok((status, _)) = client.attestation(model_id).await {
        if status != AttestationStatus::None {
            return Ok(Attested {
                model_id: model_id.to_string(),
                kind: att.kind,
                dataset_ids,
                base_model_id,
                already_attested: true,
                tx: None,
            });
        }
    }
    let (model_id, sent) = client.attest(att, &dataset_ids, base).await?;
    Ok(Attested {
        model_id: model_id.to_string(),
        kind: att.kind,
        dataset_ids,
        base_model_id,
        already_attested: false,
        tx: Some(sent),
    })
}

/// What `lineage prove` and `lineage verify` say of a proven training that did not start from
/// zero weights.
pub(crate) fn fine_tune_hint(t: &Trained) -> String {
    format!(
        "training started from the weights with w0_hash {} (a fine-tune): attest it with --base \
         MODEL_ID, the attested model with those weights",
        fr_to_hex(&t.w0_hash)
    )
}

/// Without a base, training must have started from the profile's zero weights: says so
/// before the registry refuses it (`RegistryStartNotPublic`).
fn check_zero_start(att: &Attestation) -> Result<()> {
    let profile = lineage_circuits::profile::by_name(&att.profile)
        .with_context(|| format!("the attestation's profile {:?} is unknown", att.profile))?;
    let zero = lineage_circuits::layout::zero_start_hash(&profile);
    let t = att.public.model.trained().ok_or(ChainError::KindMismatch { kind: att.kind })?;
    if t.w0_hash != zero {
        bail!(
            "this model's training started from weights with w0_hash {}, not from the {} \
             profile's zero weights ({}): name the attested model it was fine-tuned from with \
             --base MODEL_ID",
            fr_to_hex(&t.w0_hash),
            profile.name,
            fr_to_hex(&zero)
        );
    }
    Ok(())
}
