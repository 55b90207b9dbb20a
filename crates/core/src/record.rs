//! Records and their leaves: what a certified dataset commits to, one leaf per work.

use crate::{
    field::{fr_from_i64, Fr},
    poseidon::{self, Domain},
    Error, Result,
};
use alloy_primitives::Address;
use ff::{Field, PrimeField};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// SHA-256 of a work's bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ContentHash(pub [u8; 32]);

impl ContentHash {
    /// The two 128-bit big-endian halves `(hi, lo)` as field elements, as the leaf uses them.
    pub fn to_fields(&self) -> (Fr, Fr) {
        let half = |b: &[u8]| {
            let mut x = [0u8; 16];
            x.copy_from_slice(b);
            Fr::from_u128(u128::from_be_bytes(x))
        };
        (half(&self.0[..16]), half(&self.0[16..]))
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for ContentHash {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let digits = s.strip_prefix("0x").unwrap_or(s);
        let mut out = [0u8; 32];
        hex::decode_to_slice(digits, &mut out)
            .map_err(|_| Error::InvalidContentHash { value: s.to_owned() })?;
        Ok(Self(out))
    }
}

impl Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses an Ethereum address: 40 hex digits with `0x`; mixed case must be a valid
/// EIP-55 checksum (an all-lower or all-upper spelling carries no checksum).
pub fn parse_address(s: &str) -> Result<Address> {
    let invalid =
        |reason: &str| Error::InvalidAddress { value: s.to_owned(), reason: reason.to_owned() };
    let digits = s.strip_prefix("0x").ok_or_else(|| invalid("missing 0x prefix"))?;
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid("expected 0x followed by 40 hex digits"));
    }
    let lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    let upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    if lower && upper {
        Address::parse_checksummed(s, None).map_err(|_| invalid("bad EIP-55 checksum"))
    } else {
        Address::from_str(s).map_err(|_| invalid("not an address"))
    }
}

/// The creator address as a field element (its 160-bit big-endian integer).
pub fn address_to_field(a: &Address) -> Fr {
    let mut be = [0u8; 32];
    be[12..].copy_from_slice(a.as_slice());
    crate::field::fr_from_be_bytes(be).unwrap_or(Fr::ZERO) // < 2^160 < p: always Some
}

/// A license code: an index into the 64-bit license mask a training policy allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct License(u32);

impl License {
    /// Number of distinct license codes (the width of `license_mask`).
    pub const BITS: u32 = 64;

    /// A license code, refused unless below [`License::BITS`].
    pub fn new(code: u32) -> Result<Self> {
        if code < Self::BITS {
            Ok(Self(code))
        } else {
            Err(Error::InvalidLicense { value: code.to_string(), max: Self::BITS - 1 })
        }
    }

    /// The numeric code.
    pub fn code(self) -> u32 {
        self.0
    }

    /// This license's bit in a license mask.
    pub fn mask_bit(self) -> u64 {
        1u64 << self.0
    }
}

impl TryFrom<u32> for License {
    type Error = Error;
    fn try_from(code: u32) -> Result<Self> {
        Self::new(code)
    }
}

impl From<License> for u32 {
    fn from(l: License) -> u32 {
        l.0
    }
}

impl FromStr for License {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let code: u32 = s
            .trim()
            .parse()
            .map_err(|_| Error::InvalidLicense { value: s.to_owned(), max: Self::BITS - 1 })?;
        Self::new(code)
    }
}

/// One work in a dataset: its content hash, creator, license, and optional training data
/// (a fixed-point feature vector and a label).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// SHA-256 of the work's bytes.
    pub content: ContentHash,
    /// The creator paid for this work.
    pub creator: Address,
    /// The license the work is offered under.
    pub license: License,
    /// Fixed-point features (integers scaled by 2^frac_bits of the manifest); may be empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<i64>,
    /// Class label; 0 when the work carries none.
    #[serde(default)]
    pub label: u32,
}

impl Record {
    /// Poseidon digest of the features (`Domain::Features`), or 0 when there are none.
    pub fn features_digest(&self) -> Fr {
        features_digest(&self.features)
    }

    /// The six leaf inputs, in order.
    pub fn leaf_preimage(&self) -> [Fr; 6] {
        let (hi, lo) = self.content.to_fields();
        [
            hi,
            lo,
            address_to_field(&self.creator),
            Fr::from(u64::from(self.license.code())),
            self.features_digest(),
            Fr::from(u64::from(self.label)),
        ]
    }

    /// `H_leaf(content_hi, content_lo, creator, license, features_digest, label)`: three
    /// permutations in `Domain::RecordLeaf`.
    pub fn leaf(&self) -> Fr {
        poseidon::hash(Domain::RecordLeaf, &self.leaf_preimage())
    }
}

/// Puts a training set in the training order: ascending content hash, that is ascending
/// `(content_hi, content_lo)` (the hash's big-endian halves, compared as integers).
///
/// The dataset circuit proves each work is counted once by requiring every record's
/// content to be strictly greater than the previous record's in this order, and the
/// training circuit visits records in the same order (both commit to it in `train_root`),
/// so `lineage train` and `lineage prove` sort with this. The sort is stable: a work
/// listed twice stays twice, side by side, for the witness builder to refuse by name.
pub fn sort_training_order(records: &mut [Record]) {
    records.sort_by_key(|r| r.content);
}

/// Poseidon digest of a fixed-point feature vector; 0 for an empty vector.
pub fn features_digest(features: &[i64]) -> Fr {
    if features.is_empty() {
        return Fr::ZERO;
    }
    let xs: Vec<Fr> = features.iter().map(|&x| fr_from_i64(x)).collect();
    poseidon::hash(Domain::Features, &xs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            content: ContentHash([7; 32]),
            creator: parse_address("0x00000000000000000000000000000000000000aa").unwrap(),
            license: License::new(3).unwrap(),
            features: vec![-3, 0, 65536],
            label: 1,
        }
    }

    #[test]
    fn every_field_changes_the_leaf() {
        let base = record().leaf();
        let mut r = record();
        r.content.0[31] ^= 1;
        assert_ne!(r.leaf(), base);
        let mut r = record();
        r.license = License::new(4).unwrap();
        assert_ne!(r.leaf(), base);
        let mut r = record();
        r.features[0] = 3;
        assert_ne!(r.leaf(), base);
        let mut r = record();
        r.label = 0;
        assert_ne!(r.leaf(), base);
    }

    #[test]
    fn addresses_checksummed_or_uniform_case() {
        assert!(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").is_ok());
        assert!(parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").is_ok());
        assert!(parse_address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED").is_ok());
        assert!(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").is_err());
        assert!(parse_address("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").is_err());
        assert!(parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea").is_err());
    }

    #[test]
    fn licenses_fit_the_mask() {
        assert_eq!(License::new(63).unwrap().mask_bit(), 1 << 63);
        assert!(License::new(64).is_err());
        assert!("x".parse::<License>().is_err());
        assert!("-1".parse::<License>().is_err());
    }

    #[test]
    fn json_round_trip() {
        let r = record();
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), r);
        assert!(serde_json::from_str::<Record>(&json.replace("\"license\":3", "\"license\":99"))
            .is_err());
    }
}
