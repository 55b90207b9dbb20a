//! The attestation file (`lineage prove` writes it, `lineage verify` and `lineage attest`
//! read it): one aggregated proof with its public values by name, the verifier calldata,
//! and where it came from (profile, SRS, keys, versions, timings).
//!
//! This crate only defines the format; `lineage-prover` fills it and checks that the named
//! values, the instance list and the calldata agree.

use crate::field::{fr_hex, fr_hex_vec, Fr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Format version written and read by this build.
pub const ATTESTATION_VERSION: u32 = 1;

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
            srs: SrsInfo { kind: "dev".into(), sha256: "ab".into(), insecure: true },
            vk_sha256: "cd".into(),
            public: PublicValues {
                accumulator: vec![one; 12],
                cert_roots: vec![one, Fr::zero()],
                counts: vec![3, 0],
                train_root: one,
                license_mask: u64::MAX,
                n_records: 3,
                w0_hash: one,
                w_hash: one,
                hyper_hash: one,
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
    }
}
