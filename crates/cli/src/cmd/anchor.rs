//! `lineage anchor --model ID FILES...`: hashes each generated file (a PNG over its decoded
//! pixels, a JPEG or WebP less its receipt, anything else over its bytes), anchors the
//! batch's keccak Merkle root on-chain, then writes a receipt per file: a
//! `FILE.lineage.json` sidecar, and for a PNG, a JPEG or a WebP also the receipt embedded in
//! the file (an iTXt chunk, an APP9 segment, an LNRC chunk), which leaves its content hash
//! unchanged.

use crate::{chain::TxArgs, io::write_atomic};
use alloy::primitives::B256;
use anyhow::{Context, Result};
use lineage_chain::{Client, Sent};
use lineage_core::output::{
    content_hash, embed_receipt, sidecar_path, Anchor, Batch, HashKind, OutputHash,
};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `lineage anchor`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The model that generated the files (its attestation's model id).
    #[arg(long)]
    model: B256,
    /// The generated files of the batch, in leaf order.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where the batch can be found (recorded on-chain as is).
    #[arg(long, default_value = "")]
    uri: String,
    #[command(flatten)]
    tx: TxArgs,
}

/// What `anchor` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Anchored {
    pub(crate) batch_index: u64,
    pub(crate) batch_root: B256,
    pub(crate) count: u64,
    pub(crate) tx: Sent,
    pub(crate) receipts: Vec<PathBuf>,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        self.tx.run(
            async |client| anchor(client, self.model, &self.files, &self.uri).await,
            |out| {
                eprintln!(
                    "anchored {} outputs as batch {} of model {} (root {}, {} gas, tx {})",
                    out.count,
                    out.batch_index,
                    self.model,
                    out.batch_root,
                    out.tx.gas_used,
                    out.tx.tx_hash
                );
                for r in &out.receipts {
                    println!("{}", r.display());
                }
            },
        )
    }
}

/// Hashes `files`, anchors their batch for `model`, writes the receipts.
pub(crate) async fn anchor(
    client: &Client,
    model: B256,
    files: &[PathBuf],
    uri: &str,
) -> Result<Anchored> {
    let mut contents = Vec::with_capacity(files.len());
    let mut hashes: Vec<OutputHash> = Vec::with_capacity(files.len());
    for file in files {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        hashes.push(content_hash(&bytes).with_context(|| format!("hashing {}", file.display()))?);
        contents.push(bytes);
    }
    let batch = Batch::new(hashes)?;
    let (batch_index, tx) = client.anchor_outputs(model, batch.root(), batch.count(), uri).await?;
    let anchor = Anchor {
        chain_id: client.deployment().chain_id,
        registry: client.deployment().registry,
        model_id: model,
        batch_index,
        tx_hash: tx.tx_hash,
        block_number: tx.block_number,
    };
    let mut receipts = Vec::with_capacity(files.len());
    for (i, (file, bytes)) in files.iter().zip(&contents).enumerate() {
        let receipt = batch.receipt(i as u64, &anchor)?;
        let sidecar = sidecar_path(file);
        write_atomic(&sidecar, receipt.to_json_pretty()?.as_bytes())?;
        if receipt.hash_kind != HashKind::Bytes {
            write_atomic(file, &embed_receipt(bytes, &receipt)?)?;
        }
        receipts.push(sidecar);
    }
    Ok(Anchored { batch_index, batch_root: batch.root(), count: batch.count(), tx, receipts })
}
