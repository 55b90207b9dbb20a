//! The receipt a wallet needs to verify one output: where its batch is anchored and the
//! Merkle proof from its content hash to the batch root.

use super::{
    merkle::{verify_proof, OutputTree},
    Error, HashKind, OutputHash, Result,
};
use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The receipt format version this build writes and reads.
pub const RECEIPT_VERSION: u32 = 1;

/// Appended to an output's file name to name its sidecar receipt: `out.png` ->
/// `out.png.lineage.json`.
pub const SIDECAR_SUFFIX: &str = ".lineage.json";

/// The sidecar receipt path of an output file: the full file name with
/// [`SIDECAR_SUFFIX`] appended (`a/out.png` -> `a/out.png.lineage.json`).
pub fn sidecar_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(SIDECAR_SUFFIX);
    PathBuf::from(name)
}

/// Where and how a batch was anchored: what `lineage anchor` learns from the chain after
/// `anchorOutputs` is mined, shared by every receipt of the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The chain's EIP-155 id.
    pub chain_id: u64,
    /// The `LineageRegistry` the batch was anchored in.
    pub registry: Address,
    /// The model whose outputs these are.
    pub model_id: B256,
    /// The batch index `anchorOutputs` returned (its `OutputsAnchored` event).
    pub batch_index: u64,
    /// The anchoring transaction.
    pub tx_hash: B256,
    /// The block the transaction was mined in.
    pub block_number: u64,
}

/// One receipt per output: a JSON sidecar, and for a PNG, a JPEG or a WebP also embedded in
/// the file (an iTXt chunk, an APP9 segment, an LNRC chunk).
///
/// Serialized in camelCase; hashes and addresses as `0x` hex strings, integers as JSON
/// numbers. Unknown fields are ignored so that later minor additions stay readable.
///
/// ```json
/// {
///   "version": 1,
///   "chainId": 31337,
///   "registry": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
///   "modelId": "0x…",
///   "batchIndex": 0,
///   "batchRoot": "0x…",
///   "batchCount": 5,
///   "leafIndex": 3,
///   "contentHash": "0x…",
///   "hashKind": "png-pixels-v1",
///   "proof": ["0x…", "0x…", "0x…"],
///   "anchorTx": "0x…",
///   "anchorBlock": 42
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Format version, [`RECEIPT_VERSION`].
    pub version: u32,
    /// The chain's EIP-155 id; a verifier checks its RPC endpoint serves this chain.
    pub chain_id: u64,
    /// The `LineageRegistry` holding the batch.
    pub registry: Address,
    /// The model that made the output (`keccak256(abi.encode(publisher, wHash))`).
    pub model_id: B256,
    /// The batch's index among the model's batches (`outputBatch(modelId, batchIndex)`).
    pub batch_index: u64,
    /// The batch's Merkle root, as anchored; the chain's copy is authoritative.
    pub batch_root: B256,
    /// The number of outputs in the batch.
    pub batch_count: u64,
    /// The output's position in the batch: its leaf index.
    pub leaf_index: u64,
    /// The output's content hash: the leaf.
    pub content_hash: B256,
    /// How [`Self::content_hash`] was taken.
    pub hash_kind: HashKind,
    /// The Merkle siblings from the leaf level up: `tree_depth(batch_count)` of them.
    pub proof: Vec<B256>,
    /// The anchoring transaction.
    pub anchor_tx: B256,
    /// The block the anchoring transaction was mined in (a hint: a reorg may move it).
    pub anchor_block: u64,
}

impl Receipt {
    /// The output hash this receipt is for.
    pub fn output_hash(&self) -> OutputHash {
        OutputHash { kind: self.hash_kind, hash: self.content_hash }
    }

    /// Whether the proof leads from the content hash to the receipt's own `batch_root`,
    /// with the registry's checks (index below count, exact proof length). This says
    /// nothing about the chain; [`super::judge`] checks against the anchored root.
    pub fn proof_is_consistent(&self) -> bool {
        verify_proof(
            self.batch_root,
            self.content_hash,
            self.leaf_index,
            self.batch_count,
            &self.proof,
        )
    }

    /// Checks the receipt is for the chain an RPC endpoint serves.
    ///
    /// # Errors
    /// [`Error::ChainMismatch`] when `chain_id` differs from the receipt's.
    pub fn check_chain(&self, chain_id: u64) -> Result<()> {
        if self.chain_id == chain_id {
            Ok(())
        } else {
            Err(Error::ChainMismatch { receipt: self.chain_id, rpc: chain_id })
        }
    }

    /// Parses a receipt (a sidecar's or an embedded chunk's text).
    ///
    /// # Errors
    /// [`Error::ReceiptVersion`] for a version other than [`RECEIPT_VERSION`],
    /// [`Error::ReceiptParse`] for anything that is not a receipt.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        /// Read first, so a newer receipt gets a version error and not a field error.
        #[derive(Deserialize)]
        struct Probe {
            version: Option<u64>,
        }
        let probe: Probe =
            serde_json::from_slice(bytes).map_err(|source| Error::ReceiptParse { source })?;
        if let Some(found) = probe.version.filter(|&v| v != u64::from(RECEIPT_VERSION)) {
            return Err(Error::ReceiptVersion { found, expected: RECEIPT_VERSION });
        }
        serde_json::from_slice(bytes).map_err(|source| Error::ReceiptParse { source })
    }

    /// The receipt as compact JSON (what the PNG chunk holds).
    ///
    /// # Errors
    /// [`Error::ReceiptEncode`], which plain data like this does not produce in practice.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|source| Error::ReceiptEncode { source })
    }

    /// The receipt as indented JSON with a final newline (what the sidecar holds).
    ///
    /// # Errors
    /// As [`Self::to_json`].
    pub fn to_json_pretty(&self) -> Result<String> {
        let mut s =
            serde_json::to_string_pretty(self).map_err(|source| Error::ReceiptEncode { source })?;
        s.push('\n');
        Ok(s)
    }
}

/// A batch of outputs ready to anchor: their hashes in order and the tree over them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    hashes: Vec<OutputHash>,
    tree: OutputTree,
}

impl Batch {
    /// Builds the batch's tree over `hashes` (leaf `i` is `hashes[i].hash`). The same
    /// content twice is allowed: each copy gets its own leaf and receipt.
    ///
    /// # Errors
    /// [`Error::EmptyBatch`] when `hashes` is empty.
    pub fn new(hashes: Vec<OutputHash>) -> Result<Self> {
        let tree = OutputTree::new(hashes.iter().map(|h| h.hash).collect())?;
        Ok(Self { hashes, tree })
    }

    /// The root to anchor (`anchorOutputs(modelId, root, count, uri)`).
    pub fn root(&self) -> B256 {
        self.tree.root()
    }

    /// The number of outputs: the `count` to anchor.
    pub fn count(&self) -> u64 {
        self.tree.count()
    }

    /// The outputs' hashes in batch order.
    pub fn hashes(&self) -> &[OutputHash] {
        &self.hashes
    }

    /// The tree.
    pub fn tree(&self) -> &OutputTree {
        &self.tree
    }

    /// The receipt of output `index` once the batch is anchored as `anchor` says.
    ///
    /// # Errors
    /// [`Error::LeafIndexOutOfRange`] when `index >= count`.
    pub fn receipt(&self, index: u64, anchor: &Anchor) -> Result<Receipt> {
        let proof = self.tree.proof(index)?;
        let hash = self.hashes[index as usize];
        Ok(Receipt {
            version: RECEIPT_VERSION,
            chain_id: anchor.chain_id,
            registry: anchor.registry,
            model_id: anchor.model_id,
            batch_index: anchor.batch_index,
            batch_root: self.root(),
            batch_count: self.count(),
            leaf_index: index,
            content_hash: hash.hash,
            hash_kind: hash.kind,
            proof,
            anchor_tx: anchor.tx_hash,
            anchor_block: anchor.block_number,
        })
    }

    /// Every output's receipt, in batch order.
    pub fn receipts(&self, anchor: &Anchor) -> Vec<Receipt> {
        (0..self.count()).filter_map(|i| self.receipt(i, anchor).ok()).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::output::content_hash;
    use alloy_primitives::{address, b256};

    pub(crate) fn anchor() -> Anchor {
        Anchor {
            chain_id: 31337,
            registry: address!("5FbDB2315678afecb367f032d93F642f64180aa3"),
            model_id: b256!("1111111111111111111111111111111111111111111111111111111111111111"),
            batch_index: 2,
            tx_hash: b256!("2222222222222222222222222222222222222222222222222222222222222222"),
            block_number: 42,
        }
    }

    pub(crate) fn batch(n: u8) -> Batch {
        Batch::new((0..n).map(|i| content_hash(&[i]).unwrap()).collect()).unwrap()
    }

    #[test]
    fn receipts_carry_valid_proofs() {
        let batch = batch(5);
        let receipts = batch.receipts(&anchor());
        assert_eq!(receipts.len(), 5);
        for (i, r) in receipts.iter().enumerate() {
            assert_eq!(r.leaf_index, i as u64);
            assert_eq!(r.batch_root, batch.root());
            assert_eq!(r.batch_count, 5);
            assert_eq!(r.output_hash(), batch.hashes()[i]);
            assert!(r.proof_is_consistent());
        }
        assert!(matches!(
            batch.receipt(5, &anchor()),
            Err(Error::LeafIndexOutOfRange { index: 5, count: 5 })
        ));
        assert!(matches!(Batch::new(vec![]), Err(Error::EmptyBatch)));
    }

    #[test]
    fn json_is_camel_case_and_round_trips() {
        let r = batch(3).receipt(1, &anchor()).unwrap();
        let json = r.to_json_pretty().unwrap();
        for key in [
            "\"version\": 1",
            "\"chainId\": 31337",
            "\"registry\": \"0x5fbdb2315678afecb367f032d93f642f64180aa3\"",
            "\"modelId\": \"0x1111",
            "\"batchIndex\": 2",
            "\"batchRoot\"",
            "\"batchCount\": 3",
            "\"leafIndex\": 1",
            "\"contentHash\"",
            "\"hashKind\": \"bytes-v1\"",
            "\"proof\"",
            "\"anchorTx\": \"0x2222",
            "\"anchorBlock\": 42",
        ] {
            assert!(json.contains(key), "{key} missing from {json}");
        }
        assert_eq!(Receipt::from_json(json.as_bytes()).unwrap(), r);
        assert_eq!(Receipt::from_json(r.to_json().unwrap().as_bytes()).unwrap(), r);
    }

    #[test]
    fn bad_receipts_get_typed_errors() {
        let r = batch(2).receipt(0, &anchor()).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
        v["version"] = 2.into();
        assert!(matches!(
            Receipt::from_json(v.to_string().as_bytes()),
            Err(Error::ReceiptVersion { found: 2, expected: 1 })
        ));
        v["version"] = 1.into();
        v["contentHash"] = "0x12".into();
        let err = Receipt::from_json(v.to_string().as_bytes()).unwrap_err();
        assert!(matches!(err, Error::ReceiptParse { .. }), "{err}");
        let err = Receipt::from_json(b"{\"version\": 1, \"chainId\": ").unwrap_err();
        assert!(matches!(err, Error::ReceiptParse { .. }), "{err}");
        assert!(matches!(Receipt::from_json(b"[]"), Err(Error::ReceiptParse { .. })));
    }

    #[test]
    fn chain_check_and_sidecar_name() {
        let r = batch(1).receipt(0, &anchor()).unwrap();
        assert!(r.check_chain(31337).is_ok());
        assert!(matches!(r.check_chain(1), Err(Error::ChainMismatch { receipt: 31337, rpc: 1 })));
        assert_eq!(sidecar_path(Path::new("a/out.png")), PathBuf::from("a/out.png.lineage.json"));
        assert_eq!(sidecar_path(Path::new("noext")), PathBuf::from("noext.lineage.json"));
    }
}
