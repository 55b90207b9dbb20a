//! The answers the indexer gives: plain serializable data, read from the store and sent
//! by the API as they are.

use alloy::primitives::{Address, BlockNumber, Bytes, B256, U256};
pub use lineage_core::attestation::TrainingKind;
use serde::Serialize;

/// Dataset slots in the aggregated proof's public values (`PublicLayout.SLOTS`).
pub const DATASET_SLOTS: usize = 4;

/// The most bases a model has: its base, that one's base, and so on (the registry's
/// `MAX_BASE_DEPTH`, which `attest` enforces; a test reads it from the deployed registry).
pub const MAX_BASES: usize = 8;

/// Where the index stands relative to the chain: every answer carries it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tip {
    /// The chain's id.
    pub chain_id: u64,
    /// The newest block the follower has seen.
    pub head_block: BlockNumber,
    /// The newest block the node reports finalized (or the head minus the finality depth).
    pub finalized_block: BlockNumber,
    /// The last block whose events are all indexed.
    pub indexed_block: BlockNumber,
    /// That block's hash.
    pub indexed_block_hash: Option<B256>,
}

impl Tip {
    /// Provenance of a fact resting on the log at `at`.
    pub fn provenance(&self, at: crate::events::LogPosition) -> Provenance {
        Provenance {
            block_number: at.block_number,
            block_hash: at.block_hash,
            confirmations: self.confirmations(at.block_number),
            is_final: at.block_number <= self.finalized_block,
            tx_hash: at.tx_hash,
            log_index: at.log_index,
        }
    }

    /// Blocks on top of and including `block` (1 for a log in the head block).
    pub fn confirmations(&self, block: BlockNumber) -> u64 {
        (self.head_block + 1).saturating_sub(block)
    }
}

/// The event a fact rests on, and how final it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The block holding the event.
    pub block_number: BlockNumber,
    /// Its hash.
    pub block_hash: B256,
    /// The head's height above the block, plus one.
    pub confirmations: u64,
    /// Whether the block is at or below the finalized block.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The transaction that emitted the event.
    pub tx_hash: B256,
    /// The event's index in its block.
    pub log_index: u64,
}

/// A creator's weight in a dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreatorWeight {
    /// The creator.
    pub address: Address,
    /// Its weight (the royalty share is weight / total_weight).
    pub weight: String,
}

/// A certification or revocation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificationEvent {
    /// `certified` or `revoked`.
    pub event: String,
    /// The certifier who acted.
    pub certifier: Address,
    /// The root certified (certifications only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<B256>,
    /// The reason given (revocations only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where it happened.
    pub provenance: Provenance,
}

/// A registered dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dataset {
    /// Its registry id.
    pub dataset_id: u32,
    /// `registered`, `certified` or `revoked`.
    pub status: String,
    /// Who registered it.
    pub curator: Address,
    /// The Poseidon Merkle root of its records.
    pub root: B256,
    /// Its number of records.
    pub leaf_count: String,
    /// The sum of its creators' weights.
    pub total_weight: String,
    /// Where its manifest lives.
    pub uri: String,
    /// The registration event.
    pub provenance: Provenance,
    /// Its creators (in the detail view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creators: Option<Vec<CreatorWeight>>,
    /// Certifications and revocations in chain order (in the detail view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certifications: Option<Vec<CertificationEvent>>,
    /// The models attested on it (in the detail view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<ModelUse>>,
    /// Present when more models use the dataset than `models` shows: the cursor for
    /// `/v1/datasets/{id}/models`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models_next_cursor: Option<String>,
}

/// One model's use of a dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelUse {
    /// The model.
    pub model_id: B256,
    /// The dataset.
    pub dataset_id: u32,
    /// How many of the dataset's records are in the model's training set (proven, whatever
    /// the kind: for a declared model the training on that set is declared, not proven).
    pub count: u32,
    /// The model's attestation status.
    pub status: String,
    /// The model's training: `proven` or `declared` ([`Model::kind`]).
    pub kind: TrainingKind,
    /// The attestation event.
    pub provenance: Provenance,
}

/// A dataset named by an attestation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttestedDataset {
    /// The dataset.
    pub dataset_id: u32,
    /// Records of it in the training set (proven).
    pub count: u32,
    /// Its certified root.
    pub root: B256,
    /// Its status now.
    pub status: String,
    /// The event its status rests on: the latest certification or revocation (the
    /// registration while it has neither).
    pub provenance: Provenance,
}

/// An attested model.
///
/// Its `kind` says what the proof covers. `proven` (`attest`): the training was
/// re-executed in the proof, from the start `w0_hash` to the weights `w_hash` under the
/// hyperparameters `hyper_hash`. `declared` (`attestDeclared`: training declared, training
/// set proven): the proof covers the training set (datasets, counts, licenses) of the model
/// file whose SHA-256 is `model_hash`, and the training itself is the publisher's
/// declaration. The fields of proven training are `null` for a declared model (it has no
/// weight commitments and no base), and `model_hash` is `null` for a proven one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Model {
    /// `keccak256(abi.encode(publisher, wHash))`, where `wHash` is the weights' commitment
    /// (proven) or the model file's SHA-256 as a number (declared).
    pub model_id: B256,
    /// `proven` or `declared`: the registry's `attestation(id).kind`.
    pub kind: TrainingKind,
    /// `valid`, `revoked` (by its publisher) or `tainted` (not revoked, but a dataset it
    /// names was revoked since, or a base it was fine-tuned from, directly or through other
    /// bases, is revoked or names such a dataset), as the registry's `attestationStatus`.
    pub status: String,
    /// The model it was fine-tuned from (its training started from that model's weights);
    /// `None` when trained from the profile's zero weights, and always for a declared model
    /// (fine-tuning is a property of proven training).
    pub base_model_id: Option<B256>,
    /// Who published it.
    pub publisher: Address,
    /// Who sent the transaction (differs for delegated attestations).
    pub submitter: Address,
    /// The proof profile (1 demo, 2 standard: proven; 3 demo-declared, 4
    /// standard-declared: declared).
    pub profile_id: u32,
    /// The verifier contract that accepted the proof.
    pub verifier: Address,
    /// The declared model file's SHA-256 (`ModelDeclared`); `None` for proven training.
    pub model_hash: Option<B256>,
    /// The model's weight commitment; `None` for a declared model.
    pub w_hash: Option<B256>,
    /// The initial weights' commitment; `None` for a declared model.
    pub w0_hash: Option<B256>,
    /// The hyperparameters' commitment; `None` for a declared model.
    pub hyper_hash: Option<B256>,
    /// The training set's Poseidon root.
    pub train_root: B256,
    /// The allowed licenses.
    pub license_mask: String,
    /// Records in the training set.
    pub n_records: u32,
    /// Its datasets, in the attestation's order.
    pub datasets: Vec<AttestedDataset>,
    /// Output batches anchored for it.
    pub output_batches: u64,
    /// Whether the proof can be downloaded (`/v1/models/{id}/proof`).
    pub proof_available: bool,
    /// The attestation event.
    pub provenance: Provenance,
    /// The revocation event, if any.
    pub revocation: Option<Provenance>,
    /// The models it was fine-tuned from, nearest first: its base, that one's base, and so
    /// on (at most the registry's `MAX_BASE_DEPTH`; empty when trained from zero weights).
    /// In the detail view of a proven model; never for a declared one (no training start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bases: Option<Vec<ModelBase>>,
}

/// A model another was fine-tuned from, directly or through other bases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelBase {
    /// The base.
    pub model_id: B256,
    /// Who published it.
    pub publisher: Address,
    /// Its own status (which includes its own bases'): `valid`, `revoked` or `tainted`.
    pub status: String,
    /// Its attestation event.
    pub provenance: Provenance,
}

/// An attestation's proof and public values, for re-verification off-chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelProof {
    /// The model.
    pub model_id: B256,
    /// `proven` or `declared`: which layout the public values have.
    pub kind: TrainingKind,
    /// The proof profile.
    pub profile_id: u32,
    /// The verifier that accepted it.
    pub verifier: Address,
    /// The aggregated proof.
    pub proof: Bytes,
    /// The public values by name.
    pub public_values: PublicValues,
    /// The public words in the verifier's order: 26 for proven training (`PublicLayout`),
    /// 25 for declared training (`PublicLayout.DECLARED_*`: the accumulator and dataset
    /// words at the same positions, then the model hash's halves).
    pub instances: Vec<B256>,
    /// What the registry sent the verifier: the words followed by the proof.
    pub calldata: Bytes,
    /// The attestation event.
    pub provenance: Provenance,
}

/// The aggregated proof's public values (`PublicLayout`): the accumulator and dataset
/// words both kinds share, and the words that name the model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicValues {
    /// KZG accumulator limbs.
    pub accumulator: Vec<B256>,
    /// Certified root per dataset slot (0 for unused slots).
    pub cert_root: Vec<B256>,
    /// Record count per dataset slot.
    pub count: Vec<u32>,
    /// The training set's root.
    pub train_root: B256,
    /// The allowed licenses.
    pub license_mask: String,
    /// Records in the training set.
    pub n_records: u32,
    /// The words naming the model, by kind.
    #[serde(flatten)]
    pub model: ModelWords,
}

/// The public values that name the model: one kind's or the other's, never both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ModelWords {
    /// Proven training (`PublicLayout.W0_HASH`, `W_HASH`, `HYPER_HASH`).
    Trained {
        /// Initial weights' commitment.
        w0_hash: B256,
        /// Weights' commitment.
        w_hash: B256,
        /// Hyperparameters' commitment.
        hyper_hash: B256,
    },
    /// Declared training (`PublicLayout.DECLARED_MODEL_HASH_HI`, `_LO`): the model file's
    /// SHA-256 as two 128-bit big-endian halves.
    Declared {
        /// Its first 16 bytes as a number.
        model_hash_hi: B256,
        /// Its last 16 bytes as a number.
        model_hash_lo: B256,
    },
}

/// An anchored output batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutputBatch {
    /// The model.
    pub model_id: B256,
    /// The batch's index for the model.
    pub batch_index: u64,
    /// The keccak Merkle root of its outputs' leaves (content hashes, or version-2 leaves
    /// over a content hash and a fingerprint).
    pub batch_root: B256,
    /// Outputs in the batch.
    pub count: String,
    /// Where its manifest lives.
    pub uri: String,
    /// Whether a manifest reproducing the root was posted.
    pub manifest_posted: bool,
    /// The anchoring event.
    pub provenance: Provenance,
}

/// One output found by content hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutputAnchor {
    /// Its batch.
    pub batch: OutputBatch,
    /// Its leaf index in the batch.
    pub leaf_index: u64,
    /// The PDQ fingerprint its version-2 leaf commits to, as the manifest gave it; `null`
    /// for a version-1 leaf (the content hash).
    pub perceptual_hash: Option<B256>,
    /// The Merkle proof from the leaf to the batch root (`OutputMerkle`).
    pub merkle_proof: Vec<B256>,
    /// The model that produced it, with its datasets and status.
    pub model: Model,
    /// The creators of those datasets.
    pub creators: Vec<DatasetCreators>,
}

/// A dataset's creators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DatasetCreators {
    /// The dataset.
    pub dataset_id: u32,
    /// Its creators.
    pub creators: Vec<CreatorWeight>,
}

/// An anchored output near a fingerprint: what `GET /v1/outputs/similar` lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimilarOutput {
    /// Bits between its anchored fingerprint and the one asked about.
    pub distance: u32,
    /// Its content hash.
    pub content_hash: B256,
    /// Where it is anchored, its fingerprint, proof and lineage.
    pub anchor: OutputAnchor,
}

/// The anchored outputs near a fingerprint, nearest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Similar {
    /// The fingerprint asked about.
    pub fingerprint: B256,
    /// The largest distance listed.
    pub max_distance: u32,
    /// The outputs within `max_distance`, nearest first, then earliest anchored.
    pub candidates: Vec<SimilarOutput>,
}

/// What an output's content hash resolves to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Output {
    /// The content hash asked for.
    pub content_hash: B256,
    /// Every anchored batch holding it.
    pub anchors: Vec<OutputAnchor>,
}

/// A token amount, written as a decimal string (exact in every JSON parser).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amount(pub U256);

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A creator's share in one dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreatorDataset {
    /// The dataset.
    pub dataset_id: u32,
    /// The dataset's status.
    pub status: String,
    /// The creator's weight.
    pub weight: String,
    /// The dataset's total weight.
    pub total_weight: String,
    /// The dataset's registration.
    pub provenance: Provenance,
}

/// A creator's royalties in one dataset and token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreatorRoyalty {
    /// The dataset.
    pub dataset_id: u32,
    /// The token (the zero address: ETH).
    pub token: Address,
    /// The creator's share of everything credited to the dataset (what was paid to them).
    pub paid: Amount,
    /// What they claimed.
    pub claimed: Amount,
    /// What they can claim now (`RoyaltyVault.claimable`).
    pub claimable: Amount,
    /// The latest credit or claim this rests on.
    pub provenance: Provenance,
}

/// One of a creator's royalty events (`/v1/creators/{address}/royalties`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoyaltyEvent {
    /// `credited`: a `RoyaltyDistributed` to a dataset naming the creator (a payment to a
    /// model trained on it); `claimed`: the creator's `RoyaltyClaimed`.
    pub event: &'static str,
    /// The dataset.
    pub dataset_id: u32,
    /// The token (the zero address for ETH).
    pub token: Address,
    /// The creator's amount: their share of the distribution, or what they claimed.
    pub amount: Amount,
    /// The creator's running total of this kind for the dataset and token after the event:
    /// paid (`credited`) or claimed (`claimed`), as the vault's views compute them.
    pub cumulative: Amount,
    /// The event.
    pub provenance: Provenance,
}

/// Totals per token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenTotals {
    /// The token (the zero address: ETH).
    pub token: Address,
    /// Sum of `paid`.
    pub paid: Amount,
    /// Sum of `claimed`.
    pub claimed: Amount,
    /// Sum of `claimable`.
    pub claimable: Amount,
}

/// A creator, by address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Creator {
    /// The address.
    pub address: Address,
    /// The datasets naming it.
    pub datasets: Vec<CreatorDataset>,
    /// The models trained on those datasets (the first page).
    pub usage: Vec<ModelUse>,
    /// Present when there are more uses than `usage` shows: the cursor for
    /// `/v1/creators/{address}/usage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_next_cursor: Option<String>,
    /// Royalties per dataset and token.
    pub royalties: Vec<CreatorRoyalty>,
    /// Royalties per token.
    pub totals: Vec<TokenTotals>,
}
