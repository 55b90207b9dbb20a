//! Native Poseidon over BN254 `Fr`, bit-for-bit the permutation halo2-base runs in-circuit.
//!
//! Parameters: width T = 3, rate 2, x^5 S-box, R_F = 8 full rounds, R_P = 57 partial
//! rounds, round constants and MDS matrix from the Grain LFSR of `poseidon-primitives`
//! (the generator halo2-base's `OptimizedPoseidonSpec::new::<8, 57, 0>()` uses). halo2-base
//! evaluates the permutation in its optimised (sparse-matrix) form; this module evaluates
//! the textbook form, which is the same function. `lineage-circuits` pins the two together
//! on fixed vectors with MockProver.
//!
//! ## Domain separation
//! Every hash Lineage takes starts from the state `[tag, 0, 0]`, where the capacity element
//! `tag = domain << 32 | input_length` names what is hashed and how many elements it has.
//! Inputs are added two at a time into the rate elements, each pair followed by one
//! permutation; the digest is `state[1]`. With the length in the tag no padding is needed,
//! so a 2-to-1 Merkle node costs exactly ONE permutation (halo2-base's padded sponge would
//! spend two).

use crate::field::Fr;
use ff::{Field, PrimeField};
use poseidon_primitives::poseidon::primitives::Spec;
use std::sync::LazyLock;

/// State width.
pub const T: usize = 3;
/// Rate (elements absorbed per permutation).
pub const RATE: usize = 2;
/// Full rounds (half before, half after the partial rounds).
pub const R_F: usize = 8;
/// Partial rounds.
pub const R_P: usize = 57;

/// The domains Lineage hashes in; each gets its own capacity tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum Domain {
    /// A 2-to-1 Merkle node: `(left, right)`.
    MerkleNode = 1,
    /// A record leaf: `(content_hi, content_lo, creator, license, features_digest, label)`.
    RecordLeaf = 2,
    /// A record's fixed-point feature vector.
    Features = 3,
}

impl Domain {
    /// The capacity element for hashing `len` elements in this domain.
    pub fn tag(self, len: usize) -> Fr {
        Fr::from(((self as u64) << 32) | len as u64)
    }
}

#[derive(Debug)]
struct Halo2BaseSpec;

impl Spec<Fr, T, RATE> for Halo2BaseSpec {
    fn full_rounds() -> usize {
        R_F
    }
    fn partial_rounds() -> usize {
        R_P
    }
    fn sbox(val: Fr) -> Fr {
        pow5(val)
    }
    fn secure_mds() -> usize {
        0
    }
}

struct Constants {
    round: Vec<[Fr; T]>,
    mds: [[Fr; T]; T],
}

static CONSTANTS: LazyLock<Constants> = LazyLock::new(|| {
    let (round, mds, _mds_inv) = Halo2BaseSpec::constants();
    Constants { round, mds }
});

/// Round constants and MDS matrix, as generated (useful to circuits that re-derive them).
pub fn constants() -> (&'static [[Fr; T]], &'static [[Fr; T]; T]) {
    (&CONSTANTS.round, &CONSTANTS.mds)
}

#[inline(always)]
fn pow5(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

#[inline(always)]
fn mds_mul(m: &[[Fr; T]; T], s: &[Fr; T]) -> [Fr; T] {
    [
        m[0][0] * s[0] + m[0][1] * s[1] + m[0][2] * s[2],
        m[1][0] * s[0] + m[1][1] * s[1] + m[1][2] * s[2],
        m[2][0] * s[0] + m[2][1] * s[1] + m[2][2] * s[2],
    ]
}

/// Applies the Poseidon permutation in place.
pub fn permute(state: &mut [Fr; T]) {
    let c = &*CONSTANTS;
    let half = R_F / 2;
    let mut s = *state;
    for (r, rc) in c.round.iter().enumerate() {
        let full = r < half || r >= half + R_P;
        if full {
            for (x, k) in s.iter_mut().zip(rc) {
                *x = pow5(*x + k);
            }
        } else {
            s[0] = pow5(s[0] + rc[0]);
            s[1] += rc[1];
            s[2] += rc[2];
        }
        s = mds_mul(&c.mds, &s);
    }
    *state = s;
}

/// One-permutation 2-to-1 compression in `domain`: `permute([domain.tag(2), a, b])[1]`.
pub fn compress(domain: Domain, a: Fr, b: Fr) -> Fr {
    let mut s = [domain.tag(2), a, b];
    permute(&mut s);
    s[1]
}

/// A Merkle node: one permutation.
pub fn merkle_node(left: Fr, right: Fr) -> Fr {
    compress(Domain::MerkleNode, left, right)
}

/// Hashes a fixed-length list in `domain` (see the module docs); `ceil(len / 2)`
/// permutations, and one for an empty list.
pub fn hash(domain: Domain, inputs: &[Fr]) -> Fr {
    let mut s = [domain.tag(inputs.len()), Fr::ZERO, Fr::ZERO];
    if inputs.is_empty() {
        permute(&mut s);
    }
    for chunk in inputs.chunks(RATE) {
        s[1] += chunk[0];
        if let Some(b) = chunk.get(1) {
            s[2] += b;
        }
        permute(&mut s);
    }
    s[1]
}

/// halo2-base's own fixed-length sponge (`PoseidonHasher::hash_fix_len_array`): initial
/// capacity 2^64, a `1` padding element, and an extra permutation when the input length
/// is a multiple of the rate. Lineage does not commit with it; it exists so tests can pin
/// this permutation against halo2-base's unmodified in-circuit hasher.
pub fn halo2_base_sponge(inputs: &[Fr]) -> Fr {
    let mut s = [Fr::from_u128(1u128 << 64), Fr::ZERO, Fr::ZERO];
    let absorb = |s: &mut [Fr; T], chunk: &[Fr]| {
        for (i, x) in chunk.iter().enumerate() {
            s[1 + i] += x;
        }
        if chunk.len() < RATE {
            s[1 + chunk.len()] += Fr::ONE;
        }
        permute(s);
    };
    for chunk in inputs.chunks(RATE) {
        absorb(&mut s, chunk);
    }
    if inputs.len() % RATE == 0 {
        absorb(&mut s, &[]);
    }
    s[1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_match_halo2_base() {
        let (round, _mds) = constants();
        assert_eq!(round.len(), R_F + R_P);
    }

    #[test]
    fn domains_separate() {
        let (a, b) = (Fr::from(1u64), Fr::from(2u64));
        assert_ne!(merkle_node(a, b), hash(Domain::Features, &[a, b]));
        assert_eq!(merkle_node(a, b), hash(Domain::MerkleNode, &[a, b]));
        assert_ne!(merkle_node(a, b), merkle_node(b, a));
        // The length is in the tag: a trailing zero is not the same list.
        assert_ne!(hash(Domain::Features, &[a]), hash(Domain::Features, &[a, Fr::ZERO]));
    }
}

#[cfg(test)]
mod pinned {
    //! Fixed vectors, checked against halo2-base's in-circuit hasher by
    //! `lineage-circuits/tests/poseidon.rs`; any change to the permutation breaks them.
    use super::*;
    use crate::field::fr_to_hex;

    #[test]
    fn permutation_vector() {
        // permute([0, 1, 2]) -- its first word is also circomlib's Poseidon([1, 2]), the
        // widely published 0x115cc0f5…189a: the same constants, the same permutation.
        let mut s = [Fr::ZERO, Fr::ONE, Fr::from(2u64)];
        permute(&mut s);
        assert_eq!(
            s.map(|x| fr_to_hex(&x)),
            [
                "0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a",
                "0x0fca49b798923ab0239de1c9e7a4a9a2210312b6a2f616d18b5a87f9b628ae29",
                "0x0e7ae82e40091e63cbd4f16a6d16310b3729d4b6e138fcf54110e2867045a30c",
            ]
        );
    }

    #[test]
    fn hash_vectors() {
        let (one, two, three) = (Fr::ONE, Fr::from(2u64), Fr::from(3u64));
        assert_eq!(
            fr_to_hex(&merkle_node(Fr::ZERO, Fr::ZERO)),
            "0x17521ddf30ff365edc872eeb9cfdfe3f0b7e524306c41d38ec9ccd4bc691b090"
        );
        assert_eq!(
            fr_to_hex(&halo2_base_sponge(&[one, two])),
            "0x305df2f9f9f1c0b591427aa9fd8ff8b8b8ad8a16953065fca066cb6a69deff53"
        );
        assert_eq!(
            fr_to_hex(&hash(Domain::Features, &[one, two, three])),
            "0x2aa17ddb8da9b27b799c70668066563fa088c686b0a4bc3024b257c683f49ffa"
        );
    }
}
