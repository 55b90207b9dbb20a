//! The receipt a wallet needs to verify one output: where its batch is anchored and the
//! Merkle proof from its content hash to the batch root.

use super::{
    merkle::{leaf_v2, verify_proof, OutputTree},
    Error, HashKind, OutputHash, Result,
};
use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Receipt version 1: the leaf is the content hash; no fingerprint.
pub const RECEIPT_V1: u32 = 1;

/// Receipt version 2: the receipt carries the output's PDQ fingerprint (`perceptualHash`)
/// and the leaf is [`leaf_v2`] of the content hash and the fingerprint. The newest version
/// this build writes; it reads both.
pub const RECEIPT_V2: u32 = 2;

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
///   "version": 2,
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
///   "anchorBlock": 42,
///   "perceptualHash": "0x…"
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Format version: [`RECEIPT_V2`] with a `perceptualHash`, [`RECEIPT_V1`] without.
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
    /// The output's content hash.
    pub content_hash: B256,
    /// How [`Self::content_hash`] was taken.
    pub hash_kind: HashKind,
    /// The Merkle siblings from the leaf level up: `tree_depth(batch_count)` of them.
    pub proof: Vec<B256>,
    /// The anchoring transaction.
    pub anchor_tx: B256,
    /// The block the anchoring transaction was mined in (a hint: a reorg may move it).
    pub anchor_block: u64,
    /// The output's PDQ fingerprint as anchored (version 2 only): the publisher's claim of
    /// what the image looks like, committed to by the leaf; a verifier recomputes it. Last,
    /// so that a version-1 receipt's fields keep their places.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perceptual_hash: Option<B256>,
}

impl Receipt {
    /// The output hash this receipt is for.
    pub fn output_hash(&self) -> OutputHash {
        OutputHash { kind: self.hash_kind, hash: self.content_hash }
    }

    /// The Merkle leaf: the content hash (version 1), or [`leaf_v2`] of the content hash
    /// and the fingerprint (version 2).
    pub fn leaf(&self) -> B256 {
        leaf(self.content_hash, self.perceptual_hash)
    }

    /// Whether the proof leads from the leaf to the receipt's own `batch_root`,
    /// with the registry's checks (index below count, exact proof length). This says
    /// nothing about the chain; [`super::judge`] checks against the anchored root.
    pub fn proof_is_consistent(&self) -> bool {
        verify_proof(self.batch_root, self.leaf(), self.leaf_index, self.batch_count, &self.proof)
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
    /// [`Error::ReceiptVersion`] for a version other than [`RECEIPT_V1`] and
    /// [`RECEIPT_V2`], [`Error::ReceiptParse`] for anything that is not a receipt,
    /// [`Error::ReceiptInconsistent`] for a version 2 without a `perceptualHash` or a
    /// version 1 with one.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        /// Read first, so a newer receipt gets a version error and not a field error.
        #[derive(Deserialize)]
        struct Probe {
            version: Option<u64>,
        }
        let probe: Probe =
            serde_json::from_slice(bytes).map_err(|source| Error::ReceiptParse { source })?;
        if let Some(found) =
            probe.version.filter(|&v| v != u64::from(RECEIPT_V1) && v != u64::from(RECEIPT_V2))
        {
            return Err(Error::ReceiptVersion { found, expected: RECEIPT_V2 });
        }
        let receipt: Self =
            serde_json::from_slice(bytes).map_err(|source| Error::ReceiptParse { source })?;
        match (receipt.version, receipt.perceptual_hash) {
            (RECEIPT_V2, None) => Err(Error::ReceiptInconsistent {
                reason: "a version 2 receipt needs a perceptualHash".into(),
            }),
            (RECEIPT_V1, Some(_)) => Err(Error::ReceiptInconsistent {
                reason: "a version 1 receipt has no perceptualHash (its leaf is the content hash)"
                    .into(),
            }),
            _ => Ok(receipt),
        }
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

/// The leaf of an output: its content hash, or [`leaf_v2`] with its fingerprint.
pub fn leaf(content_hash: B256, perceptual_hash: Option<B256>) -> B256 {
    match perceptual_hash {
        Some(p) => leaf_v2(&content_hash, &p),
        None => content_hash,
    }
}

/// One output of a batch: its content hash and, for a version-2 leaf, its fingerprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Output {
    /// The content hash.
    pub hash: OutputHash,
    /// The PDQ fingerprint the leaf commits to, or `None` for a version-1 leaf.
    pub perceptual_hash: Option<B256>,
}

impl Output {
    /// The output's Merkle leaf ([`leaf`]).
    pub fn leaf(&self) -> B256 {
        leaf(self.hash.hash, self.perceptual_hash)
    }
}

impl From<OutputHash> for Output {
    fn from(hash: OutputHash) -> Self {
        Self { hash, perceptual_hash: None }
    }
}

/// A batch of outputs ready to anchor: the outputs in order and the tree over their leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    outputs: Vec<Output>,
    tree: OutputTree,
}

impl Batch {
    /// Builds the batch's tree over `outputs` (leaf `i` is `outputs[i].leaf()`). The same
    /// content twice is allowed: each copy gets its own leaf and receipt.
    ///
    /// # Errors
    /// [`Error::EmptyBatch`] when `outputs` is empty.
    pub fn new(outputs: Vec<impl Into<Output>>) -> Result<Self> {
        let outputs: Vec<Output> = outputs.into_iter().map(Into::into).collect();
        let tree = OutputTree::new(outputs.iter().map(Output::leaf).collect())?;
        Ok(Self { outputs, tree })
    }

    /// The root to anchor (`anchorOutputs(modelId, root, count, uri)`).
    pub fn root(&self) -> B256 {
        self.tree.root()
    }

    /// The number of outputs: the `count` to anchor.
    pub fn count(&self) -> u64 {
        self.tree.count()
    }

    /// The outputs in batch order.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
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
        let output = self.outputs[index as usize];
        let hash = output.hash;
        Ok(Receipt {
            version: if output.perceptual_hash.is_some() { RECEIPT_V2 } else { RECEIPT_V1 },
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
            perceptual_hash: output.perceptual_hash,
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
            assert_eq!(r.output_hash(), batch.outputs()[i].hash);
            assert!(r.proof_is_consistent());
        }
        assert!(matches!(
            batch.receipt(5, &anchor()),
            Err(Error::LeafIndexOutOfRange { index: 5, count: 5 })
        ));
        assert!(matches!(Batch::new(Vec::<Output>::new()), Err(Error::EmptyBatch)));
    }

    #[test]
    fn a_fingerprint_makes_a_version_2_receipt_whose_leaf_commits_to_it() {
        let (c, p) = (content_hash(b"a").unwrap(), B256::repeat_byte(0xab));
        let outputs = vec![
            Output { hash: c, perceptual_hash: Some(p) },
            Output::from(content_hash(b"b").unwrap()),
        ];
        let batch = Batch::new(outputs).unwrap();
        let (v2, v1) = (batch.receipt(0, &anchor()).unwrap(), batch.receipt(1, &anchor()).unwrap());
        assert_eq!((v2.version, v2.perceptual_hash), (RECEIPT_V2, Some(p)));
        assert_eq!(v2.leaf(), leaf_v2(&c.hash, &p));
        assert_eq!(batch.tree().leaves()[0], v2.leaf());
        assert!(v2.proof_is_consistent());
        assert_eq!(
            (v1.version, v1.perceptual_hash, v1.leaf()),
            (RECEIPT_V1, None, v1.content_hash)
        );
        let json = v2.to_json().unwrap();
        assert!(json.contains("\"version\":2") && json.contains("\"perceptualHash\":\"0xabab"));
        assert_eq!(Receipt::from_json(json.as_bytes()).unwrap(), v2);
        assert!(!v1.to_json().unwrap().contains("perceptualHash"));
        // Another fingerprint is another leaf: the proof no longer holds.
        let forged = Receipt { perceptual_hash: Some(B256::repeat_byte(0xac)), ..v2 };
        assert!(!forged.proof_is_consistent());
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
        v["version"] = 3.into();
        assert!(matches!(
            Receipt::from_json(v.to_string().as_bytes()),
            Err(Error::ReceiptVersion { found: 3, expected: 2 })
        ));
        v["version"] = 2.into();
        assert!(matches!(
            Receipt::from_json(v.to_string().as_bytes()),
            Err(Error::ReceiptInconsistent { .. })
        ));
        v["perceptualHash"] = serde_json::to_value(B256::repeat_byte(1)).unwrap();
        assert!(Receipt::from_json(v.to_string().as_bytes()).is_ok());
        v["version"] = 1.into();
        assert!(matches!(
            Receipt::from_json(v.to_string().as_bytes()),
            Err(Error::ReceiptInconsistent { .. })
        ));
        v.as_object_mut().unwrap().remove("perceptualHash");
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
