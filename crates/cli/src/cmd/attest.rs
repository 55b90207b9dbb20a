//! `lineage attest attestation.json`: submits an attestation (`lineage prove`) to the
//! registry, which rebuilds its public values from the certified datasets and has the
//! profile's verifier check the proof in the same transaction. Idempotent: a model the
//! sender already attested is reported, not attested twice.

use crate::{chain::TxArgs, io::read_json};
use anyhow::{Context, Result};
use lineage_chain::{
    client::{word, AttestationStatus},
    Client, Sent,
};
use lineage_core::attestation::Attestation;
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
    #[command(flatten)]
    tx: TxArgs,
}

/// What `attest` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attested {
    pub(crate) model_id: String,
    pub(crate) dataset_ids: Vec<u32>,
    pub(crate) already_attested: bool,
    pub(crate) tx: Option<Sent>,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let att: Attestation = read_json(&self.attestation, "attestation")?;
        self.tx.run(
            async |client| attest(client, &att, self.dataset_ids.clone()).await,
            |out| {
                match &out.tx {
                    None => eprintln!("model {} is already attested", out.model_id),
                    Some(tx) => eprintln!(
                        "attested model {} on datasets {:?} ({} gas, tx {})",
                        out.model_id, out.dataset_ids, tx.gas_used, tx.tx_hash
                    ),
                }
                println!("{}", out.model_id);
            },
        )
    }
}

/// Attests `att` unless the sender already has; `ids` default to the certified datasets
/// with the proven roots.
pub(crate) async fn attest(
    client: &Client,
    att: &Attestation,
    ids: Option<Vec<u32>>,
) -> Result<Attested> {
    let sender = client.sender().context("attest needs a signer")?;
    let model_id = Client::model_id(sender, word(&att.public.w_hash));
    let dataset_ids = match ids {
        Some(ids) => ids,
        None => client.resolve_datasets(att).await?,
    };
    if let Ok((status, _)) = client.attestation(model_id).await {
        if status != AttestationStatus::None {
            return Ok(Attested {
                model_id: model_id.to_string(),
                dataset_ids,
                already_attested: true,
                tx: None,
            });
        }
    }
    let (model_id, sent) = client.attest(att, &dataset_ids).await?;
    Ok(Attested {
        model_id: model_id.to_string(),
        dataset_ids,
        already_attested: false,
        tx: Some(sent),
    })
}
