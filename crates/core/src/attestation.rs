//! The attestation file (`lineage prove` writes it, `lineage verify` and `lineage attest`
//! read it): one aggregated proof with its public values by name, the verifier calldata,
//! and where it came from (profile, SRS, keys, versions, timings).
//!
//! This crate only defines the format; `lineage-prover` fills it and checks that the named
//! values, the instance list and the calldata agree.

use crate::field::{fr_hex, fr_hex_vec, Fr};
use crate::record::ContentHash;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Format version written and read by this build.
pub const ATTESTATION_VERSION: u32 = 1;

/// What an attestation says about the model's training.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrainingKind {
    /// The training is re-executed in a circuit: the proof binds the trained weights'
    /// commitment (`w_hash`) to the training set.
    #[default]
    Proven,
    /// The training is the publisher's declaration; the training set is proven and bound
    /// to the model file's SHA-256.
    Declared,
}

impl TrainingKind {
    /// The kind's code in the registry (`ProfileKinds.sol`, `Attestation.kind`): 1 proven,
    /// 2 declared (0 is an unknown profile).
    pub const fn code(self) -> u8 {
        match self {
            TrainingKind::Proven => 1,
            TrainingKind::Declared => 2,
        }
    }

    /// The kind of a registry code; `None` for 0 or an unknown code.
    pub const fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(TrainingKind::Proven),
            2 => Some(TrainingKind::Declared),
            _ => None,
        }
    }

    /// `"proven"` or `"declared"`, as serialized.
    pub const fn as_str(self) -> &'static str {
        match self {
            TrainingKind::Proven => "proven",
            TrainingKind::Declared => "declared",
        }
    }
}

impl std::fmt::Display for TrainingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The public values that name the model: the weight commitments of a proven training, or
/// a declared model file's SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ModelValues {
    /// [`TrainingKind::Proven`].
    Trained(Trained),
    /// [`TrainingKind::Declared`].
    Declared(DeclaredModel),
}

/// The commitments of a proven training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trained {
    /// Commitment to the initial weights.
    #[serde(with = "fr_hex")]
    pub w0_hash: Fr,
    /// Commitment to the trained weights: the model.
    #[serde(with = "fr_hex")]
    pub w_hash: Fr,
    /// Commitment to the hyperparameters.
    #[serde(with = "fr_hex")]
    pub hyper_hash: Fr,
}

/// A declared model: its file's SHA-256 and the two public values that encode it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredModel {
    /// The model file's SHA-256 (`model-sha256-v1`, [`crate::model`]) in hex.
    pub model_sha256: ContentHash,
    /// Its first 16 bytes as a big-endian integer: the public value.
    #[serde(with = "fr_hex")]
    pub model_hash_hi: Fr,
    /// Its last 16 bytes, likewise.
    #[serde(with = "fr_hex")]
    pub model_hash_lo: Fr,
}

impl DeclaredModel {
    /// The declared values of a model hash: the hash and its two halves.
    pub fn new(model: ContentHash) -> Self {
        let (hi, lo) = model.to_fields();
        DeclaredModel { model_sha256: model, model_hash_hi: hi, model_hash_lo: lo }
    }
}

impl ModelValues {
    /// The kind these values belong to.
    pub const fn kind(&self) -> TrainingKind {
        match self {
            ModelValues::Trained(_) => TrainingKind::Proven,
            ModelValues::Declared(_) => TrainingKind::Declared,
        }
    }

    /// The commitments of a proven training; `None` for a declared one.
    pub const fn trained(&self) -> Option<&Trained> {
        match self {
            ModelValues::Trained(t) => Some(t),
            ModelValues::Declared(_) => None,
        }
    }

    /// The declared model; `None` for a proven training.
    pub const fn declared(&self) -> Option<&DeclaredModel> {
        match self {
            ModelValues::Trained(_) => None,
            ModelValues::Declared(d) => Some(d),
        }
    }
}

/// The aggregated proof's public values, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicValues {
    /// The KZG accumulator limbs (12).
    #[serde(with = "fr_hex_vec")]
    pub accumulator: Vec<Fr>,
    /// Certified dataset root per slot; 0 for an unused slot.
    #[serde(with = "fr_hex_vec")]
    pub cert_roots: Vec<Fr>,
    /// Training records proven to come from each slot.
    pub counts: Vec<u64>,
    /// Poseidon Merkle root of the training records.
    #[serde(with = "fr_hex")]
    pub train_root: Fr,
    /// Allowed licenses, bit `c` for license code `c` (a `0x` hex string: above 2^53).
    #[serde(with = "u64_hex")]
    pub license_mask: u64,
    /// Number of training records.
    pub n_records: u64,
    /// What names the model (by kind), beside the values above in the same JSON object.
    #[serde(flatten)]
    pub model: ModelValues,
}

/// Which SRS the proof was made under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrsInfo {
    /// `dev` (INSECURE, public seed) or `ceremony`.
    pub kind: String,
    /// SHA-256 of the SRS file (ceremony) or of the dev seed.
    pub sha256: String,
    /// True for the dev SRS: proofs under it can be forged.
    pub insecure: bool,
}

/// One attestation: everything needed to verify it off-chain or submit it on-chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// Format version ([`ATTESTATION_VERSION`]).
    pub version: u32,
    /// Circuit profile name.
    pub profile: String,
    /// The registry's id of that profile.
    pub profile_id: u32,
    /// Whether the training is proven or declared (the profile's kind; files without the
    /// field are of proven training, the only kind before it).
    #[serde(default)]
    pub kind: TrainingKind,
    /// The SRS.
    pub srs: SrsInfo,
    /// SHA-256 of the aggregation verifying key (halo2 `RawBytes` encoding).
    pub vk_sha256: String,
    /// The public values by name.
    pub public: PublicValues,
    /// The same values as the verifier's instance list, in layout order.
    #[serde(with = "fr_hex_vec")]
    pub instances: Vec<Fr>,
    /// The proof.
    #[serde(with = "bytes_hex")]
    pub proof: Vec<u8>,
    /// What the verifier contract is called with: the instances as 32-byte words, then the
    /// proof.
    #[serde(with = "bytes_hex")]
    pub calldata: Vec<u8>,
    /// Versions of the software that made it.
    pub versions: BTreeMap<String, String>,
    /// Milliseconds per proving stage.
    pub timings_ms: BTreeMap<String, u64>,
}

/// Serde adapter: bytes as `0x` hex.
pub mod bytes_hex {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    /// Serializes as `0x` + hex.
    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(b)))
    }

    /// Deserializes `0x` + hex.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        let digits = s.strip_prefix("0x").ok_or_else(|| D::Error::custom("expected 0x hex"))?;
        hex::decode(digits).map_err(D::Error::custom)
    }
}

/// Serde adapter: a `u64` as a `0x` hex string.
pub mod u64_hex {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    /// Serializes as `0x` + hex.
    pub fn serialize<S: Serializer>(x: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{x:#x}"))
    }

    /// Deserializes `0x` + hex.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let s = String::deserialize(d)?;
        let digits = s.strip_prefix("0x").ok_or_else(|| D::Error::custom("expected 0x hex"))?;
        u64::from_str_radix(digits, 16).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let one = Fr::from(1u64);
        let a = Attestation {
            version: ATTESTATION_VERSION,
            profile: "demo".into(),
            profile_id: 1,
            kind: TrainingKind::Proven,
            srs: SrsInfo { kind: "dev".into(), sha256: "ab".into(), insecure: true },
            vk_sha256: "cd".into(),
            public: PublicValues {
                accumulator: vec![one; 12],
                cert_roots: vec![one, Fr::zero()],
                counts: vec![3, 0],
                train_root: one,
                license_mask: u64::MAX,
                n_records: 3,
                model: ModelValues::Trained(Trained { w0_hash: one, w_hash: one, hyper_hash: one }),
            },
            instances: vec![one],
            proof: vec![1, 2, 255],
            calldata: vec![],
            versions: BTreeMap::from([("lineage".into(), "0.1.0".into())]),
            timings_ms: BTreeMap::new(),
        };
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert!(json.contains("\"license_mask\":\"0xffffffffffffffff\""));
        assert!(json.contains("\"proof\":\"0x0102ff\""));
        let back: Attestation = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, a);

        // A file of before the kind reads as proven training.
        let old = json.replace("\"kind\":\"proven\",", "");
        assert_ne!(old, json);
        let back: Attestation = serde_json::from_str(&old).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, a);

        // Declared training: the hash in hex beside its two halves.
        let model = ContentHash([0xab; 32]);
        let d = Attestation {
            kind: TrainingKind::Declared,
            public: PublicValues {
                model: ModelValues::Declared(DeclaredModel::new(model)),
                ..a.public.clone()
            },
            ..a
        };
        let json = serde_json::to_string(&d).unwrap_or_default();
        assert!(json.contains(&format!("\"model_sha256\":\"{model}\"")), "{json}");
        assert!(!json.contains("w_hash"));
        let back: Attestation = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, d);
        assert_eq!(back.public.model.kind(), TrainingKind::Declared);
    }
}
