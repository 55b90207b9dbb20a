//! The verdict on an output, from facts read off the chain and the recomputed hash.
//!
//! Pure: the caller (`lineage verify-image`) reads the chain and fills [`ChainFacts`];
//! [`judge`] decides. Every check yields a [`Check`] with a stable [`Code`]; the overall
//! [`Outcome`] is the worst of them (Invalid over CannotTell over Valid).

use super::{
    merkle::verify_proof,
    pdq::{distance, MATCH_DISTANCE},
    OutputHash, Receipt,
};
use crate::attestation::TrainingKind;
use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};
use std::fmt;

/// `ILineageRegistry.AttestationStatus`, in the contract's order (`None` = 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttestationStatus {
    /// No attestation has this model id.
    None,
    /// Attested and neither revoked nor tainted.
    Valid,
    /// Withdrawn by its publisher.
    Revoked,
    /// Not revoked, but a dataset it names has had its certification revoked since, or a
    /// base model it was fine-tuned from (directly or through other bases) is revoked or
    /// names such a dataset.
    Tainted,
}

impl TryFrom<u8> for AttestationStatus {
    type Error = super::Error;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Ok(match value {
            0 => Self::None,
            1 => Self::Valid,
            2 => Self::Revoked,
            3 => Self::Tainted,
            _ => return Err(super::Error::UnknownStatus { what: "attestation", value }),
        })
    }
}

/// `ILineageRegistry.DatasetStatus`, in the contract's order (`None` = 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DatasetStatus {
    /// No dataset has this id.
    None,
    /// Registered by its curator, not certified.
    Registered,
    /// Certified.
    Certified,
    /// Certification revoked (final).
    Revoked,
}

impl TryFrom<u8> for DatasetStatus {
    type Error = super::Error;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Ok(match value {
            0 => Self::None,
            1 => Self::Registered,
            2 => Self::Certified,
            3 => Self::Revoked,
            _ => return Err(super::Error::UnknownStatus { what: "dataset", value }),
        })
    }
}

/// The anchored batch as `outputBatch(modelId, batchIndex)` returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnChainBatch {
    /// The anchored Merkle root.
    pub root: B256,
    /// The anchored number of outputs.
    pub count: u64,
}

/// One dataset the model's attestation names, and its status now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetFact {
    /// The dataset id.
    pub id: u32,
    /// `dataset(id).status`.
    pub status: DatasetStatus,
}

/// A model the receipt's model was fine-tuned from, and its status now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseFact {
    /// The base's model id (`attestation(modelId).baseModelId`, then that one's, ...).
    pub model_id: B256,
    /// `attestationStatus(model_id)`: its own status, which includes its own bases'.
    pub status: AttestationStatus,
}

/// What the chain says, read at one block by the caller for the receipt's registry and
/// model (after checking the RPC serves the receipt's chain, [`Receipt::check_chain`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainFacts {
    /// `outputBatch(modelId, batchIndex)`, or `None` when the registry has no such batch
    /// (`batchIndex >= outputBatchCount(modelId)`).
    pub batch: Option<OnChainBatch>,
    /// `attestationStatus(modelId)`.
    pub attestation: AttestationStatus,
    /// `attestation(modelId).kind`: whether the model's training is proven or declared;
    /// `None` when there is no attestation (or a registry of before the kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingKind>,
    /// `attestation(modelId).datasetIds` with each one's `dataset(id).status`, in slot
    /// order; empty when there is no attestation.
    pub datasets: Vec<DatasetFact>,
    /// The model's bases, nearest first: the model it was fine-tuned from, that model's
    /// base, and so on (at most the registry's `MAX_BASE_DEPTH`); empty for a model trained
    /// from zero weights, or when there is no attestation.
    #[serde(default)]
    pub bases: Vec<BaseFact>,
    /// Confirmations of the anchoring transaction (`head - block + 1`), or `None` when its
    /// receipt could not be found (the batch read above still stands).
    pub confirmations: Option<u64>,
}

/// How strict [`judge`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// Fewer confirmations than this give `output.unconfirmed` (CannotTell). Default 1.
    pub min_confirmations: u64,
    /// Refuse a model whose training is declared rather than proven: its
    /// `model.training_declared` check is then Invalid (exit 1) instead of Valid. Default
    /// false.
    #[serde(default)]
    pub require_proven_training: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self { min_confirmations: 1, require_proven_training: false }
    }
}

/// The overall answer, and each check's contribution to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Everything checked out. Exit code 0.
    Valid,
    /// Something could not be established either way (no receipt, no such batch on this
    /// chain, an unknown model, too few confirmations). Exit code 2.
    CannotTell,
    /// Positive evidence against the output or its lineage. Exit code 1.
    Invalid,
}

impl Outcome {
    /// The process exit code: Valid 0, Invalid 1, CannotTell 2. (A CLI that cannot reach
    /// a verdict at all, e.g. unreadable input or an unreachable RPC, should also not
    /// exit 0; 2 fits "cannot tell".)
    pub const fn exit_code(self) -> i32 {
        match self {
            Self::Valid => 0,
            Self::Invalid => 1,
            Self::CannotTell => 2,
        }
    }

    /// `"valid"`, `"invalid"` or `"cannotTell"`, as in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::CannotTell => "cannotTell",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable verdict code. The strings never change meaning; new codes may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Code {
    /// `output.anchored`: the file's hash is in the anchored batch (Valid).
    #[serde(rename = "output.anchored")]
    OutputAnchored,
    /// `output.hash_mismatch`: the file's hash is not the receipt's; the file was altered
    /// or the receipt is another file's (Invalid).
    #[serde(rename = "output.hash_mismatch")]
    OutputHashMismatch,
    /// `output.unknown`: no receipt, or the registry has no such batch (CannotTell).
    #[serde(rename = "output.unknown")]
    OutputUnknown,
    /// `output.proof_invalid`: the receipt's proof does not lead to the anchored root
    /// (Invalid).
    #[serde(rename = "output.proof_invalid")]
    OutputProofInvalid,
    /// `output.unconfirmed`: anchored, but with fewer confirmations than asked
    /// (CannotTell).
    #[serde(rename = "output.unconfirmed")]
    OutputUnconfirmed,
    /// `output.fingerprint_match`: the file's own PDQ fingerprint is within
    /// [`MATCH_DISTANCE`] of the one anchored with it (a version-2 receipt) (Valid).
    #[serde(rename = "output.fingerprint_match")]
    OutputFingerprintMatch,
    /// `output.fingerprint_mismatch`: the anchored fingerprint does not describe this file:
    /// the publisher anchored another picture's fingerprint beside its content hash
    /// (Invalid).
    #[serde(rename = "output.fingerprint_mismatch")]
    OutputFingerprintMismatch,
    /// `output.fingerprint_unchecked`: the receipt anchors a fingerprint this verifier did
    /// not recompute (it could not decode the image). The file is still the anchored one;
    /// only the publisher's fingerprint claim is untested (Valid).
    #[serde(rename = "output.fingerprint_unchecked")]
    OutputFingerprintUnchecked,
    /// `output.similar`: no receipt and no exact match, but the file's fingerprint is
    /// within [`MATCH_DISTANCE`] of an anchored output's: a lead to that output's lineage,
    /// never a proof (CannotTell).
    #[serde(rename = "output.similar")]
    OutputSimilar,
    /// `model.attested`: the model's attestation is valid (Valid).
    #[serde(rename = "model.attested")]
    ModelAttested,
    /// `model.revoked`: its publisher revoked the attestation (Invalid).
    #[serde(rename = "model.revoked")]
    ModelRevoked,
    /// `model.tainted`: a dataset the model was trained on lost its certification
    /// (Invalid).
    #[serde(rename = "model.tainted")]
    ModelTainted,
    /// `model.unknown`: no attestation has this model id (CannotTell).
    #[serde(rename = "model.unknown")]
    ModelUnknown,
    /// `model.training_proven`: the model's training was re-executed in the proof: its
    /// weights come from that training on the proven training set (Valid).
    #[serde(rename = "model.training_proven")]
    ModelTrainingProven,
    /// `model.training_declared`: the model's training is its publisher's declaration; its
    /// training set is proven (certified datasets, allowed licenses, the counts) and bound
    /// to the model file's SHA-256, the weights are not. Valid by default; Invalid under
    /// [`Policy::require_proven_training`].
    #[serde(rename = "model.training_declared")]
    ModelTrainingDeclared,
    /// `dataset.certified`: a training dataset is certified (Valid).
    #[serde(rename = "dataset.certified")]
    DatasetCertified,
    /// `dataset.revoked`: a training dataset's certification was revoked (Invalid).
    #[serde(rename = "dataset.revoked")]
    DatasetRevoked,
    /// `dataset.uncertified`: a training dataset is unknown or was never certified, which
    /// a consistent registry does not allow for an attested model (CannotTell).
    #[serde(rename = "dataset.uncertified")]
    DatasetUncertified,
    /// `base.attested`: the model was fine-tuned from this base, whose attestation is valid
    /// (Valid).
    #[serde(rename = "base.attested")]
    BaseAttested,
    /// `base.revoked`: a base the model was fine-tuned from was revoked by its publisher
    /// (Invalid; the model is `model.tainted`).
    #[serde(rename = "base.revoked")]
    BaseRevoked,
    /// `base.tainted`: a base the model was fine-tuned from is tainted (Invalid; so is the
    /// model).
    #[serde(rename = "base.tainted")]
    BaseTainted,
    /// `base.unknown`: the registry names a base it has no attestation of, which a
    /// consistent registry does not allow (CannotTell).
    #[serde(rename = "base.unknown")]
    BaseUnknown,
}

impl Code {
    /// The stable string, e.g. `"output.anchored"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OutputAnchored => "output.anchored",
            Self::OutputHashMismatch => "output.hash_mismatch",
            Self::OutputUnknown => "output.unknown",
            Self::OutputProofInvalid => "output.proof_invalid",
            Self::OutputUnconfirmed => "output.unconfirmed",
            Self::OutputFingerprintMatch => "output.fingerprint_match",
            Self::OutputFingerprintMismatch => "output.fingerprint_mismatch",
            Self::OutputFingerprintUnchecked => "output.fingerprint_unchecked",
            Self::OutputSimilar => "output.similar",
            Self::ModelAttested => "model.attested",
            Self::ModelRevoked => "model.revoked",
            Self::ModelTainted => "model.tainted",
            Self::ModelUnknown => "model.unknown",
            Self::ModelTrainingProven => "model.training_proven",
            Self::ModelTrainingDeclared => "model.training_declared",
            Self::DatasetCertified => "dataset.certified",
            Self::DatasetRevoked => "dataset.revoked",
            Self::DatasetUncertified => "dataset.uncertified",
            Self::BaseAttested => "base.attested",
            Self::BaseRevoked => "base.revoked",
            Self::BaseTainted => "base.tainted",
            Self::BaseUnknown => "base.unknown",
        }
    }

    /// What this code contributes to the overall outcome under the default [`Policy`]
    /// (`model.training_declared` is Invalid under [`Policy::require_proven_training`]).
    pub const fn outcome(self) -> Outcome {
        match self {
            Self::OutputAnchored
            | Self::OutputFingerprintMatch
            | Self::OutputFingerprintUnchecked
            | Self::ModelAttested
            | Self::ModelTrainingProven
            | Self::ModelTrainingDeclared
            | Self::DatasetCertified
            | Self::BaseAttested => Outcome::Valid,
            Self::OutputUnknown
            | Self::OutputSimilar
            | Self::OutputUnconfirmed
            | Self::ModelUnknown
            | Self::DatasetUncertified
            | Self::BaseUnknown => Outcome::CannotTell,
            Self::OutputHashMismatch
            | Self::OutputFingerprintMismatch
            | Self::OutputProofInvalid
            | Self::ModelRevoked
            | Self::ModelTainted
            | Self::DatasetRevoked
            | Self::BaseRevoked
            | Self::BaseTainted => Outcome::Invalid,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// The stable code.
    pub code: Code,
    /// Its contribution to the overall outcome ([`Code::outcome`]).
    pub outcome: Outcome,
    /// The dataset concerned, for `dataset.*` codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_id: Option<u32>,
    /// The base model concerned, for `base.*` codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_model_id: Option<B256>,
    /// The Hamming distance between two fingerprints, for `output.fingerprint_*` codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<u32>,
    /// A sentence for people; not stable, do not parse it.
    pub detail: String,
}

impl Check {
    fn new(code: Code, detail: String) -> Self {
        Self {
            code,
            outcome: code.outcome(),
            dataset_id: None,
            base_model_id: None,
            distance: None,
            detail,
        }
    }
}

/// The verdict on one output. As JSON (camelCase) it is what `verify-image --json` prints:
///
/// ```json
/// {
///   "outcome": "invalid",
///   "exitCode": 1,
///   "codes": ["output.anchored", "model.tainted", "dataset.certified", "dataset.revoked"],
///   "checks": [{"code": "output.anchored", "outcome": "valid", "detail": "…"}, …],
///   "contentHash": "0x…", "hashKind": "png-pixels-v1",
///   "chainId": 31337, "registry": "0x…", "modelId": "0x…",
///   "batchIndex": 0, "leafIndex": 3, "anchorTx": "0x…", "confirmations": 12
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The worst of the checks' outcomes.
    pub outcome: Outcome,
    /// [`Outcome::exit_code`] of [`Self::outcome`].
    pub exit_code: i32,
    /// The checks' codes, in check order: output, model, datasets in slot order, then the
    /// bases the model was fine-tuned from, nearest first.
    pub codes: Vec<Code>,
    /// Each check with its detail.
    pub checks: Vec<Check>,
    /// The file's recomputed content hash.
    pub content_hash: B256,
    /// How it was taken.
    pub hash_kind: super::HashKind,
    /// The file's recomputed PDQ fingerprint, when the verifier computed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perceptual_hash: Option<B256>,
    /// The receipt's chain, when there is a receipt.
    pub chain_id: Option<u64>,
    /// The receipt's registry.
    pub registry: Option<Address>,
    /// The receipt's model.
    pub model_id: Option<B256>,
    /// The receipt's batch index.
    pub batch_index: Option<u64>,
    /// The receipt's leaf index.
    pub leaf_index: Option<u64>,
    /// The receipt's anchoring transaction.
    pub anchor_tx: Option<B256>,
    /// Confirmations of the anchoring transaction, when known.
    pub confirmations: Option<u64>,
}

impl Verdict {
    fn from_checks(file: &OutputHash, checks: Vec<Check>) -> Self {
        let outcome = checks.iter().map(|c| c.outcome).max().unwrap_or(Outcome::CannotTell);
        Self {
            outcome,
            exit_code: outcome.exit_code(),
            codes: checks.iter().map(|c| c.code).collect(),
            checks,
            content_hash: file.hash,
            hash_kind: file.kind,
            perceptual_hash: None,
            chain_id: None,
            registry: None,
            model_id: None,
            batch_index: None,
            leaf_index: None,
            anchor_tx: None,
            confirmations: None,
        }
    }

    /// The verdict on a file that has no receipt (neither embedded nor a sidecar):
    /// `output.unknown`, CannotTell. Nothing on the chain can be looked up without one.
    pub fn no_receipt(file: &OutputHash) -> Self {
        Self::from_checks(
            file,
            vec![Check::new(
                Code::OutputUnknown,
                "no receipt: neither embedded in the file nor in a sidecar".into(),
            )],
        )
    }

    /// The verdict on a file with no receipt and no exact match whose fingerprint
    /// (`fingerprint`) is near an anchored output's (`nearest`, found by similarity):
    /// `output.similar`, CannotTell, naming that output's model, batch and leaf. A
    /// fingerprint is evidence, not proof: this is never Valid.
    pub fn similar(file: &OutputHash, fingerprint: B256, nearest: &Candidate) -> Self {
        let check = Check::new(
            Code::OutputSimilar,
            format!(
                "no receipt; the file's fingerprint is {} bits from that of output {} of batch {} \
                 of model {} (content {}): a lead, not a proof",
                nearest.distance,
                nearest.leaf_index,
                nearest.batch_index,
                nearest.model_id,
                nearest.content_hash
            ),
        );
        Self {
            perceptual_hash: Some(fingerprint),
            model_id: Some(nearest.model_id),
            batch_index: Some(nearest.batch_index),
            leaf_index: Some(nearest.leaf_index),
            ..Self::from_checks(file, vec![Check { distance: Some(nearest.distance), ..check }])
        }
    }

    /// Whether `code` is among the checks.
    pub fn has(&self, code: Code) -> bool {
        self.codes.contains(&code)
    }
}

/// An anchored output found by its fingerprint ([`Verdict::similar`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Bits between its anchored fingerprint and the file's.
    pub distance: u32,
    /// Its model.
    pub model_id: B256,
    /// Its batch.
    pub batch_index: u64,
    /// Its leaf.
    pub leaf_index: u64,
    /// Its content hash.
    pub content_hash: B256,
}

/// Judges an output: `file` is its recomputed hash, `fingerprint` its recomputed PDQ hash
/// (`None` when the verifier did not decode it), `receipt` the receipt found with it,
/// `chain` what the chain says about the receipt's batch and model.
///
/// Checks, in order:
/// 1. output: `output.hash_mismatch` when the file's hash (or kind) is not the receipt's;
///    else `output.unknown` when the batch is not on chain; else `output.proof_invalid`
///    unless the proof leads from the receipt's [leaf](Receipt::leaf) to the *anchored*
///    root with the registry's checks (index below the anchored count, exact proof
///    length); else `output.anchored`, plus `output.unconfirmed` below
///    `policy.min_confirmations`, plus for a version-2 receipt `output.fingerprint_match`
///    (distance at most [`MATCH_DISTANCE`]), `output.fingerprint_mismatch` or
///    `output.fingerprint_unchecked`;
/// 2. model: `model.attested` / `model.revoked` / `model.tainted` / `model.unknown`, then,
///    when the chain says which, `model.training_proven` or `model.training_declared`
///    (Invalid under `policy.require_proven_training`);
/// 3. each dataset: `dataset.certified` / `dataset.revoked` / `dataset.uncertified`;
/// 4. each base, nearest first: `base.attested` / `base.revoked` / `base.tainted` /
///    `base.unknown`.
pub fn judge(
    file: &OutputHash,
    fingerprint: Option<B256>,
    receipt: &Receipt,
    chain: &ChainFacts,
    policy: &Policy,
) -> Verdict {
    let mut checks = Vec::new();
    let claimed = receipt.output_hash();
    if *file != claimed {
        checks.push(Check::new(
            Code::OutputHashMismatch,
            format!("the file hashes to {file} but the receipt is for {claimed}"),
        ));
    } else if let Some(batch) = chain.batch {
        if verify_proof(batch.root, receipt.leaf(), receipt.leaf_index, batch.count, &receipt.proof)
        {
            checks.push(Check::new(
                Code::OutputAnchored,
                format!(
                    "output {} of {} in batch {} (root {})",
                    receipt.leaf_index, batch.count, receipt.batch_index, batch.root
                ),
            ));
            if let Some(c) = chain.confirmations.filter(|&c| c < policy.min_confirmations) {
                checks.push(Check::new(
                    Code::OutputUnconfirmed,
                    format!("{c} confirmations, {} required", policy.min_confirmations),
                ));
            }
            if let Some(anchored) = receipt.perceptual_hash {
                checks.push(fingerprint_check(anchored, fingerprint));
            }
        } else {
            checks.push(Check::new(
                Code::OutputProofInvalid,
                format!(
                    "the receipt's proof for output {} does not lead to batch {}'s anchored root {} (count {})",
                    receipt.leaf_index, receipt.batch_index, batch.root, batch.count
                ),
            ));
        }
    } else {
        checks.push(Check::new(
            Code::OutputUnknown,
            format!(
                "registry {} has no batch {} for model {}",
                receipt.registry, receipt.batch_index, receipt.model_id
            ),
        ));
    }

    let (code, detail) = match chain.attestation {
        AttestationStatus::Valid => (Code::ModelAttested, "the model's attestation is valid"),
        AttestationStatus::Revoked => {
            (Code::ModelRevoked, "the publisher revoked the model's attestation")
        }
        AttestationStatus::Tainted
            if chain.datasets.iter().any(|d| d.status == DatasetStatus::Revoked) =>
        {
            (Code::ModelTainted, "a dataset the model was trained on has been revoked")
        }
        AttestationStatus::Tainted => (
            Code::ModelTainted,
            "a base the model was fine-tuned from is revoked or was trained on a revoked dataset",
        ),
        AttestationStatus::None => (Code::ModelUnknown, "no attestation has this model id"),
    };
    checks.push(Check::new(code, format!("{detail} ({})", receipt.model_id)));
    match chain.training {
        Some(TrainingKind::Proven) => checks.push(Check::new(
            Code::ModelTrainingProven,
            "its training is proven: the proof re-executes it on the proven training set".into(),
        )),
        Some(TrainingKind::Declared) => {
            let mut check = Check::new(
                Code::ModelTrainingDeclared,
                "its training is declared by its publisher, not proven; its training set is \
                 proven and bound to the model file's SHA-256"
                    .into(),
            );
            if policy.require_proven_training {
                check.outcome = Outcome::Invalid;
                check.detail.push_str(" (the policy requires proven training)");
            }
            checks.push(check);
        }
        None => {}
    }

    for d in &chain.datasets {
        let (code, detail) = match d.status {
            DatasetStatus::Certified => (Code::DatasetCertified, "certified"),
            DatasetStatus::Revoked => (Code::DatasetRevoked, "certification revoked"),
            DatasetStatus::Registered => (Code::DatasetUncertified, "registered, never certified"),
            DatasetStatus::None => (Code::DatasetUncertified, "not registered"),
        };
        checks.push(Check {
            dataset_id: Some(d.id),
            ..Check::new(code, format!("dataset {}: {detail}", d.id))
        });
    }

    for (depth, b) in chain.bases.iter().enumerate() {
        let (code, detail) = match b.status {
            AttestationStatus::Valid => (Code::BaseAttested, "its attestation is valid"),
            AttestationStatus::Revoked => (Code::BaseRevoked, "its publisher revoked it"),
            AttestationStatus::Tainted => (Code::BaseTainted, "it is tainted"),
            AttestationStatus::None => (Code::BaseUnknown, "no attestation has this id"),
        };
        let which = match depth {
            0 => "fine-tuned from model".to_owned(),
            d => format!("{} levels up, fine-tuned from model", d + 1),
        };
        checks.push(Check {
            base_model_id: Some(b.model_id),
            ..Check::new(code, format!("{which} {}: {detail}", b.model_id))
        });
    }

    Verdict {
        perceptual_hash: fingerprint,
        chain_id: Some(receipt.chain_id),
        registry: Some(receipt.registry),
        model_id: Some(receipt.model_id),
        batch_index: Some(receipt.batch_index),
        leaf_index: Some(receipt.leaf_index),
        anchor_tx: Some(receipt.anchor_tx),
        confirmations: chain.confirmations,
        ..Verdict::from_checks(file, checks)
    }
}

/// The check of an anchored fingerprint against the file's own.
fn fingerprint_check(anchored: B256, file: Option<B256>) -> Check {
    let Some(file) = file else {
        return Check::new(
            Code::OutputFingerprintUnchecked,
            format!(
                "the anchored fingerprint {anchored} was not checked: the image was not decoded"
            ),
        );
    };
    let d = distance(&anchored, &file);
    let check = if d <= MATCH_DISTANCE {
        Check::new(
            Code::OutputFingerprintMatch,
            format!("the file's fingerprint is {d} bits from the anchored one (at most {MATCH_DISTANCE})"),
        )
    } else {
        Check::new(
            Code::OutputFingerprintMismatch,
            format!(
                "the anchored fingerprint {anchored} is {d} bits from the file's {file} (more than \
                 {MATCH_DISTANCE}): it describes another picture"
            ),
        )
    };
    Check { distance: Some(d), ..check }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{
        content_hash,
        receipt::tests::{anchor, batch},
    };

    fn setup() -> (OutputHash, Receipt, ChainFacts) {
        let batch = batch(5);
        let receipt = batch.receipt(3, &anchor()).unwrap();
        let facts = ChainFacts {
            batch: Some(OnChainBatch { root: batch.root(), count: 5 }),
            attestation: AttestationStatus::Valid,
            training: None,
            datasets: vec![
                DatasetFact { id: 1, status: DatasetStatus::Certified },
                DatasetFact { id: 2, status: DatasetStatus::Certified },
            ],
            bases: vec![],
            confirmations: Some(3),
        };
        (batch.outputs()[3].hash, receipt, facts)
    }

    #[test]
    fn the_training_kind_is_named_and_a_policy_can_require_proven_training() {
        let (file, receipt, facts) = setup();
        let strict = Policy { require_proven_training: true, ..Policy::default() };
        let proven = ChainFacts { training: Some(TrainingKind::Proven), ..facts.clone() };
        for policy in [Policy::default(), strict] {
            let v = judge(&file, None, &receipt, &proven, &policy);
            assert_eq!(v.outcome, Outcome::Valid);
            assert_eq!(codes(&v)[1..3], ["model.attested", "model.training_proven"]);
        }
        let declared = ChainFacts { training: Some(TrainingKind::Declared), ..facts };
        let v = judge(&file, None, &receipt, &declared, &Policy::default());
        assert_eq!(v.outcome, Outcome::Valid, "declared training is valid by default");
        assert_eq!(codes(&v)[2], "model.training_declared");
        let v = judge(&file, None, &receipt, &declared, &strict);
        assert_eq!((v.outcome, v.exit_code), (Outcome::Invalid, 1));
        assert_eq!(v.checks[2].outcome, Outcome::Invalid);
        assert!(v.checks[2].detail.contains("requires proven training"));
    }

    fn codes(v: &Verdict) -> Vec<&'static str> {
        v.codes.iter().map(|c| c.as_str()).collect()
    }

    #[test]
    fn all_good_is_valid() {
        let (file, receipt, facts) = setup();
        let v = judge(&file, None, &receipt, &facts, &Policy::default());
        assert_eq!(v.outcome, Outcome::Valid);
        assert_eq!(v.exit_code, 0);
        assert_eq!(
            codes(&v),
            ["output.anchored", "model.attested", "dataset.certified", "dataset.certified"]
        );
        assert_eq!(v.confirmations, Some(3));
        assert_eq!(v.checks[3].dataset_id, Some(2));
    }

    #[test]
    fn a_changed_file_is_a_hash_mismatch() {
        let (_, receipt, facts) = setup();
        let tampered = content_hash(b"tampered").unwrap();
        let v = judge(&tampered, None, &receipt, &facts, &Policy::default());
        assert_eq!(v.outcome, Outcome::Invalid);
        assert_eq!(v.exit_code, 1);
        assert_eq!(codes(&v)[0], "output.hash_mismatch");
        assert!(!v.has(Code::OutputAnchored));
        // Same digest under another kind is a mismatch too.
        let (file, ..) = setup();
        let other_kind = OutputHash { kind: super::super::HashKind::PngPixels, ..file };
        assert!(judge(&other_kind, None, &receipt, &facts, &Policy::default())
            .has(Code::OutputHashMismatch));
    }

    #[test]
    fn proof_checked_against_the_anchored_root_not_the_receipts() {
        let (file, receipt, mut facts) = setup();
        // A forged receipt whose own root is consistent, but not the one on chain.
        facts.batch = Some(OnChainBatch { root: B256::repeat_byte(7), count: 5 });
        assert!(receipt.proof_is_consistent());
        let v = judge(&file, None, &receipt, &facts, &Policy::default());
        assert_eq!(codes(&v)[0], "output.proof_invalid");
        assert_eq!(v.outcome, Outcome::Invalid);
        // The anchored count decides the proof length and index range.
        let (file, receipt, mut facts) = setup();
        facts.batch = facts.batch.map(|b| OnChainBatch { count: 3, ..b });
        assert!(
            judge(&file, None, &receipt, &facts, &Policy::default()).has(Code::OutputProofInvalid)
        );
        // A flipped proof element.
        let (file, mut receipt, facts) = setup();
        receipt.proof[1].0[0] ^= 1;
        assert!(
            judge(&file, None, &receipt, &facts, &Policy::default()).has(Code::OutputProofInvalid)
        );
        // Another leaf index.
        let (file, mut receipt, facts) = setup();
        receipt.leaf_index = 2;
        assert!(
            judge(&file, None, &receipt, &facts, &Policy::default()).has(Code::OutputProofInvalid)
        );
    }

    #[test]
    fn model_statuses() {
        for (status, code, outcome) in [
            (AttestationStatus::Revoked, "model.revoked", Outcome::Invalid),
            (AttestationStatus::Tainted, "model.tainted", Outcome::Invalid),
            (AttestationStatus::None, "model.unknown", Outcome::CannotTell),
        ] {
            let (file, receipt, mut facts) = setup();
            facts.attestation = status;
            let v = judge(&file, None, &receipt, &facts, &Policy::default());
            assert_eq!(codes(&v)[1], code);
            assert_eq!(v.outcome, outcome, "{code}");
        }
    }

    #[test]
    fn a_revoked_dataset_taints_the_verdict() {
        let (file, receipt, mut facts) = setup();
        facts.attestation = AttestationStatus::Tainted;
        facts.datasets[1].status = DatasetStatus::Revoked;
        let v = judge(&file, None, &receipt, &facts, &Policy::default());
        assert_eq!(
            codes(&v),
            ["output.anchored", "model.tainted", "dataset.certified", "dataset.revoked"]
        );
        assert_eq!(v.outcome, Outcome::Invalid);
        assert_eq!(v.checks[3].dataset_id, Some(2));
    }

    #[test]
    fn bases_are_checked_nearest_first() {
        let (file, receipt, mut facts) = setup();
        let (near, far) = (B256::repeat_byte(0xb1), B256::repeat_byte(0xb2));
        facts.bases = vec![
            BaseFact { model_id: near, status: AttestationStatus::Valid },
            BaseFact { model_id: far, status: AttestationStatus::Valid },
        ];
        let v = judge(&file, None, &receipt, &facts, &Policy::default());
        assert_eq!(v.outcome, Outcome::Valid);
        assert_eq!(codes(&v)[4..], ["base.attested", "base.attested"]);
        assert_eq!((v.checks[4].base_model_id, v.checks[5].base_model_id), (Some(near), Some(far)));
        assert!(v.checks[4].detail.starts_with(&format!("fine-tuned from model {near}")));
        assert!(v.checks[5].detail.starts_with("2 levels up"));

        // The far base's dataset was revoked: the chain taints every model below it.
        facts.attestation = AttestationStatus::Tainted;
        facts.bases[0].status = AttestationStatus::Tainted;
        facts.bases[1].status = AttestationStatus::Tainted;
        let v = judge(&file, None, &receipt, &facts, &Policy::default());
        assert_eq!(v.outcome, Outcome::Invalid);
        assert_eq!(codes(&v)[1], "model.tainted");
        assert!(v.checks[1].detail.contains("a base the model was fine-tuned from"), "{v:?}");
        assert_eq!(codes(&v)[4..], ["base.tainted", "base.tainted"]);

        facts.bases[0].status = AttestationStatus::Revoked;
        facts.bases[1].status = AttestationStatus::None;
        let v = judge(&file, None, &receipt, &facts, &Policy::default());
        assert_eq!(codes(&v)[4..], ["base.revoked", "base.unknown"]);
        assert_eq!(v.outcome, Outcome::Invalid);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["checks"][4]["baseModelId"], serde_json::to_value(near).unwrap());
        assert!(json["checks"][1].get("baseModelId").is_none());
        for c in &v.codes {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }

    #[test]
    fn a_version_2_receipt_is_proven_from_its_leaf_and_its_fingerprint_checked() {
        use crate::output::receipt::Output;
        let anchored = B256::repeat_byte(0x0f);
        let file = content_hash(b"picture").unwrap();
        let outputs = vec![
            Output::from(content_hash(b"other").unwrap()),
            Output { hash: file, perceptual_hash: Some(anchored) },
        ];
        let batch = crate::output::Batch::new(outputs).unwrap();
        let receipt = batch.receipt(1, &anchor()).unwrap();
        let (_, _, mut facts) = setup();
        facts.batch = Some(OnChainBatch { root: batch.root(), count: 2 });
        let judged =
            |fp: Option<B256>, r: &Receipt| judge(&file, fp, r, &facts, &Policy::default());

        // 31 bits off: still the picture.
        let mut near = anchored;
        for b in 0..31 {
            near.0[b / 8] ^= 1 << (b % 8);
        }
        let v = judged(Some(near), &receipt);
        assert_eq!(
            (v.outcome, codes(&v)[..2].to_vec()),
            (Outcome::Valid, vec!["output.anchored", "output.fingerprint_match"])
        );
        assert_eq!((v.checks[1].distance, v.perceptual_hash), (Some(31), Some(near)));
        // 32 bits off: the anchored fingerprint is another picture's.
        near.0[3] ^= 0x80;
        let v = judged(Some(near), &receipt);
        assert_eq!((v.outcome, v.codes[1]), (Outcome::Invalid, Code::OutputFingerprintMismatch));
        assert_eq!(v.checks[1].distance, Some(32));
        // Not decoded: the file is still the anchored one.
        let v = judged(None, &receipt);
        assert_eq!((v.outcome, v.codes[1]), (Outcome::Valid, Code::OutputFingerprintUnchecked));
        // The leaf commits to the fingerprint: a receipt claiming another one, or none
        // (its leaf would be the bare content hash), does not prove.
        let swapped = Receipt { perceptual_hash: Some(near), ..receipt.clone() };
        assert_eq!(judged(Some(near), &swapped).codes[0], Code::OutputProofInvalid);
        let stripped = Receipt { perceptual_hash: None, version: 1, ..receipt.clone() };
        assert_eq!(judged(None, &stripped).codes[0], Code::OutputProofInvalid);
        // A version-1 receipt has no fingerprint check.
        let (file1, receipt1, facts1) = setup();
        let v = judge(&file1, Some(anchored), &receipt1, &facts1, &Policy::default());
        assert!(!v.codes.iter().any(|c| c.as_str().starts_with("output.fingerprint")));
    }

    #[test]
    fn cannot_tell_cases() {
        let (file, receipt, mut facts) = setup();
        facts.batch = None;
        let v = judge(&file, None, &receipt, &facts, &Policy::default());
        assert_eq!(codes(&v)[0], "output.unknown");
        assert_eq!((v.outcome, v.exit_code), (Outcome::CannotTell, 2));

        let (file, receipt, facts) = setup();
        let v = judge(
            &file,
            None,
            &receipt,
            &facts,
            &Policy { min_confirmations: 12, ..Policy::default() },
        );
        assert_eq!(codes(&v)[..2], ["output.anchored", "output.unconfirmed"]);
        assert_eq!(v.outcome, Outcome::CannotTell);

        let (file, receipt, mut facts) = setup();
        facts.datasets[0].status = DatasetStatus::Registered;
        assert_eq!(
            judge(&file, None, &receipt, &facts, &Policy::default()).outcome,
            Outcome::CannotTell
        );

        // Invalid wins over CannotTell.
        let (file, receipt, mut facts) = setup();
        facts.batch = None;
        facts.attestation = AttestationStatus::Revoked;
        assert_eq!(
            judge(&file, None, &receipt, &facts, &Policy::default()).outcome,
            Outcome::Invalid
        );

        let v = Verdict::no_receipt(&file);
        assert_eq!((codes(&v), v.exit_code), (vec!["output.unknown"], 2));

        let near = Candidate {
            distance: 12,
            model_id: B256::repeat_byte(0x11),
            batch_index: 4,
            leaf_index: 7,
            content_hash: B256::repeat_byte(0x22),
        };
        let v = Verdict::similar(&file, B256::repeat_byte(3), &near);
        assert_eq!((codes(&v), v.outcome), (vec!["output.similar"], Outcome::CannotTell));
        assert_eq!(
            (v.model_id, v.batch_index, v.leaf_index),
            (Some(near.model_id), Some(4), Some(7))
        );
        assert_eq!(
            (v.checks[0].distance, v.perceptual_hash),
            (Some(12), Some(B256::repeat_byte(3)))
        );
    }

    #[test]
    fn json_shape_is_stable() {
        let (file, receipt, mut facts) = setup();
        facts.attestation = AttestationStatus::Tainted;
        facts.datasets[1].status = DatasetStatus::Revoked;
        let v = judge(&file, None, &receipt, &facts, &Policy::default());
        let json: serde_json::Value = serde_json::to_value(&v).unwrap();
        assert_eq!(json["outcome"], "invalid");
        assert_eq!(json["exitCode"], 1);
        assert_eq!(
            json["codes"],
            serde_json::json!([
                "output.anchored",
                "model.tainted",
                "dataset.certified",
                "dataset.revoked"
            ])
        );
        assert_eq!(json["checks"][3]["code"], "dataset.revoked");
        assert_eq!(json["checks"][3]["outcome"], "invalid");
        assert_eq!(json["checks"][3]["datasetId"], 2);
        assert!(json["checks"][0].get("datasetId").is_none());
        assert_eq!(json["confirmations"], 3);
        assert_eq!(json["chainId"], 31337);
        assert_eq!(json["hashKind"], "bytes-v1");
        assert_eq!(json["leafIndex"], 3);
        let back: Verdict = serde_json::from_value(json).unwrap();
        assert_eq!(back, v);
        // Every code's string is its serde name.
        for c in &v.codes {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }

    #[test]
    fn statuses_follow_the_contract_enums() {
        assert_eq!(AttestationStatus::try_from(3).unwrap(), AttestationStatus::Tainted);
        assert_eq!(DatasetStatus::try_from(2).unwrap(), DatasetStatus::Certified);
        assert!(matches!(
            AttestationStatus::try_from(4),
            Err(crate::output::Error::UnknownStatus { what: "attestation", value: 4 })
        ));
        assert!(DatasetStatus::try_from(9).is_err());
    }
}
