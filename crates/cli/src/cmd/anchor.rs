//! `lineage anchor --model ID FILES...`: hashes each generated file (a PNG over its decoded
//! pixels, a JPEG or WebP less its receipt, anything else over its bytes), takes each
//! image's PDQ fingerprint, anchors the batch's keccak Merkle root on-chain, then writes a
//! receipt per file: a `FILE.lineage.json` sidecar, and for a PNG, a JPEG or a WebP also the
//! receipt embedded in the file (an iTXt chunk, an APP9 segment, an LNRC chunk), which
//! leaves its content hash unchanged.
//!
//! An image whose fingerprint has quality [`MIN_QUALITY`] or more gets a version-2 leaf,
//! which commits to the fingerprint, and a version-2 receipt; any other file (not an image,
//! an image under 5 pixels a side or too flat to fingerprint, or every file with
//! `--no-fingerprint`) a version-1 leaf, its content hash. A fingerprint of lower quality
//! says too little to find copies by (Meta's ThreatExchange discards them), so it is not
//! anchored as a claim.
//!
//! With `--indexer URL`, the batch's manifest (content hashes and fingerprints) is posted
//! to that indexer once it has indexed the anchoring (waiting at most `--indexer-wait`
//! seconds), so that the outputs can be found by content hash and by similarity.

use crate::{chain::TxArgs, indexer::Indexer, io::write_atomic};
use alloy::primitives::B256;
use anyhow::{Context, Result};
use lineage_chain::{Client, Sent};
use lineage_core::output::{
    content_hash, decode::fingerprint_file, embed_receipt, pdq::MIN_QUALITY, sidecar_path, Anchor,
    Batch, HashKind, Output,
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
    /// Anchor content hashes only (version-1 leaves), without the images' fingerprints.
    #[arg(long)]
    no_fingerprint: bool,
    /// A Lineage indexer (http://host:port) to post the batch's manifest to, once it has
    /// indexed the anchoring.
    #[arg(long, env = "LINEAGE_INDEXER")]
    indexer: Option<String>,
    /// Seconds to wait for the indexer to index the anchoring.
    #[arg(long, default_value_t = 120, requires = "indexer")]
    indexer_wait: u64,
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
    /// Each file's leaf, in batch order.
    pub(crate) outputs: Vec<Leaf>,
    /// The indexer the manifest was posted to (`--indexer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) manifest_posted_to: Option<String>,
}

/// One anchored file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Leaf {
    pub(crate) file: PathBuf,
    pub(crate) content_hash: B256,
    pub(crate) hash_kind: HashKind,
    /// The fingerprint the leaf commits to (a version-2 leaf).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) perceptual_hash: Option<B256>,
    /// The fingerprint's quality, when the file is an image with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) quality: Option<u8>,
    pub(crate) leaf: B256,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        self.tx.run(
            async |client| {
                let mut out =
                    anchor(client, self.model, &self.files, &self.uri, !self.no_fingerprint)
                        .await?;
                if let Some(url) = &self.indexer {
                    let wait = std::time::Duration::from_secs(self.indexer_wait);
                    post_manifest(url, self.model, &out, wait, self.tx.chain.timeout)
                        .await
                        .with_context(|| {
                            format!(
                                "batch {} is anchored and its receipts are written, but its \
                                 manifest was not posted to {url}",
                                out.batch_index
                            )
                        })?;
                    out.manifest_posted_to = Some(url.clone());
                }
                Ok(out)
            },
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
                let fingerprinted = out.outputs.iter().filter(|o| o.perceptual_hash.is_some());
                eprintln!("{} of them with a fingerprint (version-2 leaf)", fingerprinted.count());
                if let Some(url) = &out.manifest_posted_to {
                    eprintln!("posted the batch's manifest to {url}");
                }
                for r in &out.receipts {
                    println!("{}", r.display());
                }
            },
        )
    }
}

/// Posts `anchored`'s manifest to the indexer at `url` once it has indexed the batch.
async fn post_manifest(
    url: &str,
    model: B256,
    anchored: &Anchored,
    wait: std::time::Duration,
    timeout: u64,
) -> Result<()> {
    let indexer = Indexer::new(url, std::time::Duration::from_secs(timeout))?;
    indexer.wait_for_batch(model, anchored.batch_index, wait).await?;
    let outputs: Vec<serde_json::Value> = anchored
        .outputs
        .iter()
        .map(|o| match o.perceptual_hash {
            Some(p) => serde_json::json!({"content_hash": o.content_hash, "perceptual_hash": p}),
            None => serde_json::json!(o.content_hash),
        })
        .collect();
    let manifest = serde_json::json!({
        "model_id": model, "batch_index": anchored.batch_index, "outputs": outputs,
    });
    indexer.post_manifest(&manifest).await?;
    Ok(())
}

/// Hashes `files` (and fingerprints them when `fingerprints`), anchors their batch for
/// `model`, writes the receipts.
pub(crate) async fn anchor(
    client: &Client,
    model: B256,
    files: &[PathBuf],
    uri: &str,
    fingerprints: bool,
) -> Result<Anchored> {
    let mut contents = Vec::with_capacity(files.len());
    let mut outputs = Vec::with_capacity(files.len());
    let mut leaves = Vec::with_capacity(files.len());
    for file in files {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        let hash = content_hash(&bytes).with_context(|| format!("hashing {}", file.display()))?;
        let fingerprint = match fingerprints {
            true => fingerprint_file(&bytes).with_context(|| {
                format!("fingerprinting {} (--no-fingerprint anchors without)", file.display())
            })?,
            false => None,
        };
        let perceptual_hash = fingerprint.filter(|f| f.usable()).map(|f| f.hash);
        if let Some(f) = fingerprint.filter(|f| !f.usable()) {
            eprintln!(
                "{}: fingerprint quality {} is under {MIN_QUALITY}: anchored without it",
                file.display(),
                f.quality
            );
        }
        let output = Output { hash, perceptual_hash };
        leaves.push(Leaf {
            file: file.clone(),
            content_hash: hash.hash,
            hash_kind: hash.kind,
            perceptual_hash,
            quality: fingerprint.map(|f| f.quality),
            leaf: output.leaf(),
        });
        outputs.push(output);
        contents.push(bytes);
    }
    let batch = Batch::new(outputs)?;
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
    Ok(Anchored {
        batch_index,
        batch_root: batch.root(),
        count: batch.count(),
        tx,
        receipts,
        outputs: leaves,
        manifest_posted_to: None,
    })
}
