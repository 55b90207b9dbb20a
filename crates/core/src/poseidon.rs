//! Native Poseidon over BN254 `Fr`, bit-for-bit the permutation halo2-base runs in-circuit.
//!
//! Parameters: width T = 3, rate 2, x^5 S-box, R_F = 8 full rounds, R_P = 57 partial
//! rounds, round constants and MDS matrix from the Grain LFSR of `poseidon-primitives`
//! (the generator halo2-base's `OptimizedPoseidonSpec::new::<8, 57, 0>()` uses).
//! `lineage-circuits` pins the native and in-circuit permutations together on fixed
//! vectors with MockProver.
//!
//! ## Evaluation
//! The textbook form applies the dense 3x3 MDS matrix after every round. Like halo2-base,
//! [`permute`] evaluates the equivalent optimised form of the Poseidon paper
//! (Supplementary Material B, <https://eprint.iacr.org/2019/458.pdf>), precomputed once
//! ([`Schedule`]): each partial round costs one S-box and a sparse matrix (an inner
//! product of three plus two multiply-adds) instead of the dense matrix. The arithmetic
//! runs on `Fr`'s Montgomery limbs (the private `mont` module), where each inner product
//! is reduced once. Together: ~17 us -> ~? us per permutation. The tests check the result
//! against a textbook reference on random states.
//!
//! ## Domain separation
//! Every hash Lineage takes starts from the state `[tag, 0, 0]`, where the capacity element
//! `tag = domain << 32 | input_length` names what is hashed and how many elements it has.
//! Inputs are added two at a time into the rate elements, each pair followed by one
//! permutation; the digest is `state[1]`. With the length in the tag no padding is needed,
//! so a 2-to-1 Merkle node costs exactly ONE permutation (halo2-base's padded sponge would
//! spend two).

mod mont;

use crate::field::Fr;
use ff::{Field, PrimeField};
use mont::Elem;
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
        val.pow_vartime([5])
    }
    fn secure_mds() -> usize {
        0
    }
}

struct Constants {
    round: Vec<[Fr; T]>,
    mds: Matrix,
}

type Matrix = [[Fr; T]; T];

static CONSTANTS: LazyLock<Constants> = LazyLock::new(|| {
    let (round, mds, _mds_inv) = Halo2BaseSpec::constants();
    Constants { round, mds }
});

/// Round constants and MDS matrix of the textbook form, as generated (useful to circuits
/// that re-derive them). [`permute`] runs on a [`Schedule`] derived from them.
pub fn constants() -> (&'static [[Fr; T]], &'static [[Fr; T]; T]) {
    (&CONSTANTS.round, &CONSTANTS.mds)
}

/// One partial round of the optimised form: `s[0] = (s[0] + constant)^5`, then the sparse
/// matrix `[[row], [col | identity]]`.
#[derive(Debug)]
struct PartialRound {
    constant: Elem,
    row: [Elem; T],
    col: [Elem; T - 1],
}

/// The permutation in the optimised form, in Montgomery limbs.
///
/// Textbook round `r` is `s = M * sbox_r(s + c_r)`; in a partial round `sbox_r` raises
/// `s[0]` only. Two rewrites, each exact:
///
/// 1. Constant folding. In a partial round the constants of `s[1]` and `s[2]` pass through
///    the S-box untouched, so `M * (0, c_r[1], c_r[2])` can be added to the next round's
///    constants instead. Done forward from the first partial round, this leaves one
///    constant per partial round and moves the remainder into the first full round after
///    them.
/// 2. Sparse matrices. Any matrix `A` whose lower-right 2x2 block `Â` is invertible
///    factors as `A = S * D`, with `D = [[1, 0], [0, Â]]` and
///    `S = [[a00, v], [w, I]]` (`w` = `A`'s first column below `a00`,
///    `v = A[0][1..] * Â^-1`). `D` leaves `s[0]` alone, so it commutes with a partial
///    round's S-box and constant and can be pushed into the previous round: from the
///    last partial round backwards, factor `acc = S_r * D_r` (starting from `acc = M`),
///    keep `S_r` and carry `acc = D_r * M`. The last full round before the partial rounds
///    then multiplies by the final `acc` (`pre_sparse`) instead of `M`.
///
/// halo2-base's `OptimizedPoseidonSpec` computes the same factorisation in transposed form
/// and folds the partial constants backwards through `M^-1`; both give the same function.
#[derive(Debug)]
struct Schedule {
    /// Constants of the first `R_F / 2` full rounds (unchanged).
    first: [[Elem; T]; R_F / 2],
    /// Linear layer of the last full round before the partial rounds.
    pre_sparse: [[Elem; T]; T],
    partial: Vec<PartialRound>,
    /// Constants of the last `R_F / 2` full rounds (the first absorbs the folded ones).
    last: [[Elem; T]; R_F / 2],
    mds: [[Elem; T]; T],
}

static SCHEDULE: LazyLock<Schedule> = LazyLock::new(|| {
    let Constants { round, mds } = &*CONSTANTS;
    let half = R_F / 2;
    let mut round = round.clone();

    // 1. Constant folding, forward.
    for r in half..half + R_P {
        let carry = mat_vec(mds, &[Fr::ZERO, round[r][1], round[r][2]]);
        round[r][1] = Fr::ZERO;
        round[r][2] = Fr::ZERO;
        for (c, x) in round[r + 1].iter_mut().zip(carry) {
            *c += x;
        }
    }

    // 2. Sparse factorisation, backward.
    let mut acc = *mds;
    let mut partial: Vec<PartialRound> = (half..half + R_P)
        .rev()
        .map(|r| {
            let (row, col, d) = factor(&acc);
            acc = mat_mat(&d, mds);
            PartialRound { constant: Elem::from_fr(&round[r][0]), row, col }
        })
        .collect();
    partial.reverse();

    let to_elems = |rows: &[[Fr; T]]| -> [[Elem; T]; R_F / 2] {
        std::array::from_fn(|i| rows[i].map(|x| Elem::from_fr(&x)))
    };
    let matrix = |m: &Matrix| m.map(|row| row.map(|x| Elem::from_fr(&x)));
    Schedule {
        first: to_elems(&round[..half]),
        pre_sparse: matrix(&acc),
        partial,
        last: to_elems(&round[half + R_P..]),
        mds: matrix(mds),
    }
});

fn mat_vec(m: &Matrix, v: &[Fr; T]) -> [Fr; T] {
    m.map(|row| row.iter().zip(v).map(|(a, b)| *a * b).sum())
}

fn mat_mat(a: &Matrix, b: &Matrix) -> Matrix {
    std::array::from_fn(|i| std::array::from_fn(|j| (0..T).map(|k| a[i][k] * b[k][j]).sum()))
}

/// Factors `a = S * D` (see [`Schedule`]); returns `S`'s first row, `S`'s first column
/// below the diagonal, and `D`.
fn factor(a: &Matrix) -> ([Elem; T], [Elem; T - 1], Matrix) {
    let [[a00, a01, a02], [a10, a11, a12], [a20, a21, a22]] = *a;
    let det = a11 * a22 - a12 * a21;
    // The generated MDS matrix is a Cauchy matrix, all of whose minors are non-zero, and the
    // accumulated matrices inherit invertible blocks; halo2-base relies on the same.
    #[allow(clippy::expect_used)]
    let inv = Option::<Fr>::from(det.invert()).expect("Poseidon MDS minor is singular");
    // v = (a01, a02) * Â^-1, with Â^-1 = [[a22, -a12], [-a21, a11]] / det.
    let v = [(a01 * a22 - a02 * a21) * inv, (a02 * a11 - a01 * a12) * inv];
    let e = |x: Fr| Elem::from_fr(&x);
    let d = [[Fr::ONE, Fr::ZERO, Fr::ZERO], [Fr::ZERO, a11, a12], [Fr::ZERO, a21, a22]];
    ([e(a00), e(v[0]), e(v[1])], [e(a10), e(a20)], d)
}

/// A full round: all three S-boxes, then the dense matrix `m`.
#[inline(always)]
fn full_round(s: [Elem; T], rc: &[Elem; T], m: &[[Elem; T]; T]) -> [Elem; T] {
    let x = [s[0].add(rc[0]).pow5(), s[1].add(rc[1]).pow5(), s[2].add(rc[2]).pow5()];
    [mont::dot(&m[0], &x), mont::dot(&m[1], &x), mont::dot(&m[2], &x)]
}

/// Applies the Poseidon permutation in place.
pub fn permute(state: &mut [Fr; T]) {
    let c = &*SCHEDULE;
    let mut s = state.map(|x| Elem::from_fr(&x));
    let (before, last) = c.first.split_at(R_F / 2 - 1);
    for rc in before {
        s = full_round(s, rc, &c.mds);
    }
    for rc in last {
        s = full_round(s, rc, &c.pre_sparse);
    }
    for p in &c.partial {
        let x0 = s[0].add(p.constant).pow5();
        s = [
            mont::dot(&p.row, &[x0, s[1], s[2]]),
            s[1].add(p.col[0].mul(x0)),
            s[2].add(p.col[1].mul(x0)),
        ];
    }
    for rc in &c.last {
        s = full_round(s, rc, &c.mds);
    }
    *state = s.map(Elem::to_fr);
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
    use proptest::prelude::*;

    /// The textbook permutation, straight from [`constants`]: the definition [`permute`]
    /// must agree with.
    fn reference_permute(state: &mut [Fr; T]) {
        let (round, mds) = constants();
        let half = R_F / 2;
        for (r, rc) in round.iter().enumerate() {
            let full = r < half || r >= half + R_P;
            for (i, (x, k)) in state.iter_mut().zip(rc).enumerate() {
                *x += k;
                if full || i == 0 {
                    *x = x.pow_vartime([5]);
                }
            }
            *state = mds.map(|row| row.iter().zip(&*state).map(|(m, x)| *m * x).sum());
        }
    }

    /// Random field elements, with 0, 1 and p - 1 drawn often.
    fn fr() -> impl Strategy<Value = Fr> {
        prop_oneof![
            1 => Just(Fr::ZERO),
            1 => Just(Fr::ONE),
            1 => Just(-Fr::ONE),
            6 => any::<[u8; 64]>().prop_map(|b| <Fr as ff::FromUniformBytes<64>>::from_uniform_bytes(&b)),
        ]
    }

    proptest! {
        #[test]
        fn optimised_form_matches_textbook(a in fr(), b in fr(), c in fr()) {
            let (mut fast, mut slow) = ([a, b, c], [a, b, c]);
            permute(&mut fast);
            reference_permute(&mut slow);
            prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn schedule_shape() {
        assert_eq!(SCHEDULE.partial.len(), R_P);
    }

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
