//! The BN254 scalar field `Fr` and its canonical encodings.
//!
//! Every field element Lineage writes to a file or prints is a `0x`-prefixed, 64-digit,
//! big-endian hex string: the same encoding as a Solidity `bytes32`/`uint256`, so a root
//! printed here can be pasted into a contract call unchanged.

use crate::{Error, Result};
use ff::PrimeField;
pub use halo2curves_axiom::bn256::Fr;

/// Encodes `x` as `0x` + 64 big-endian hex digits.
pub fn fr_to_hex(x: &Fr) -> String {
    let mut bytes = x.to_repr();
    bytes.as_mut().reverse();
    format!("0x{}", hex::encode(bytes.as_ref()))
}

/// Encodes `x` as 32 big-endian bytes (the EVM's `uint256` layout).
pub fn fr_to_be_bytes(x: &Fr) -> [u8; 32] {
    let mut bytes: [u8; 32] = x.to_repr();
    bytes.reverse();
    bytes
}

/// Decodes 32 big-endian bytes; fails when the integer is not below the field modulus.
pub fn fr_from_be_bytes(be: [u8; 32]) -> Option<Fr> {
    let mut le = be;
    le.reverse();
    Option::from(Fr::from_repr(le))
}

/// Parses a `0x`-prefixed (or bare) hex string of at most 64 digits as a canonical field
/// element. Values at or above the modulus are refused rather than reduced, so every
/// element has exactly one accepted spelling.
pub fn fr_from_hex(s: &str) -> Result<Fr> {
    let invalid = |reason: &str| Error::InvalidFieldElement {
        value: s.to_owned(),
        reason: reason.to_owned(),
    };
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    if digits.is_empty() || digits.len() > 64 {
        return Err(invalid("expected 1 to 64 hex digits"));
    }
    let padded = format!("{digits:0>64}");
    let mut be = [0u8; 32];
    hex::decode_to_slice(&padded, &mut be).map_err(|_| invalid("not hexadecimal"))?;
    fr_from_be_bytes(be).ok_or_else(|| invalid("not below the BN254 scalar field modulus"))
}

/// Embeds a signed integer: `x` for `x >= 0`, `p - |x|` for `x < 0`.
pub fn fr_from_i64(x: i64) -> Fr {
    let magnitude = Fr::from(x.unsigned_abs());
    if x < 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// Serde adapter for one `Fr` as a hex string (`#[serde(with = "fr_hex")]`).
pub mod fr_hex {
    use super::{fr_from_hex, fr_to_hex, Fr};
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    /// Serializes as `0x` + 64 hex digits.
    pub fn serialize<S: Serializer>(x: &Fr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fr_to_hex(x))
    }

    /// Deserializes a canonical hex field element.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fr, D::Error> {
        let s = String::deserialize(d)?;
        fr_from_hex(&s).map_err(D::Error::custom)
    }
}

/// Serde adapter for a `Vec<Fr>` as hex strings.
pub mod fr_hex_vec {
    use super::{fr_from_hex, fr_to_hex, Fr};
    use serde::{de::Error as _, ser::SerializeSeq, Deserialize, Deserializer, Serializer};

    /// Serializes as a list of `0x` + 64 hex digits.
    pub fn serialize<S: Serializer>(xs: &[Fr], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(xs.len()))?;
        for x in xs {
            seq.serialize_element(&fr_to_hex(x))?;
        }
        seq.end()
    }

    /// Deserializes a list of canonical hex field elements.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Fr>, D::Error> {
        let items = Vec::<String>::deserialize(d)?;
        items.iter().map(|s| fr_from_hex(s).map_err(D::Error::custom)).collect()
    }
}

/// Serde adapter for a `[Fr; N]` as hex strings; a list of another length is refused.
pub mod fr_hex_array {
    use super::{fr_hex_vec, Fr};
    use serde::{de::Error as _, Deserializer, Serializer};

    /// Serializes as a list of `0x` + 64 hex digits.
    pub fn serialize<S: Serializer, const N: usize>(xs: &[Fr; N], s: S) -> Result<S::Ok, S::Error> {
        fr_hex_vec::serialize(xs, s)
    }

    /// Deserializes exactly `N` canonical hex field elements.
    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        d: D,
    ) -> Result<[Fr; N], D::Error> {
        let items = fr_hex_vec::deserialize(d)?;
        let got = items.len();
        items.try_into().map_err(|_| D::Error::custom(format!("{got} field elements, not {N}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_big_endian() {
        let x = Fr::from(0x0102u64);
        let s = fr_to_hex(&x);
        assert_eq!(s, format!("0x{}0102", "0".repeat(60)));
        assert_eq!(fr_from_hex(&s).unwrap(), x);
        assert_eq!(fr_from_hex("0x102").unwrap(), x);
        assert_eq!(fr_from_be_bytes(fr_to_be_bytes(&x)), Some(x));
    }

    #[test]
    fn refuses_non_canonical_and_garbage() {
        // The modulus itself is not a canonical element.
        let p = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
        assert!(fr_from_hex(p).is_err());
        assert!(fr_from_hex("0x").is_err());
        assert!(fr_from_hex("0xzz").is_err());
        assert!(fr_from_hex(&format!("0x{}", "1".repeat(65))).is_err());
    }

    #[test]
    fn negative_integers_wrap() {
        assert_eq!(fr_from_i64(-5) + Fr::from(5u64), Fr::zero());
        assert_eq!(fr_from_i64(i64::MIN) + fr_from_i64(i64::MAX), -Fr::one());
    }
}
