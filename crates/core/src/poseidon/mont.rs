//! Montgomery arithmetic on the limbs of BN254 `Fr`, for the hot loop of the permutation.
//!
//! [`Elem`] holds exactly the four little-endian limbs `halo2curves` keeps inside an `Fr`:
//! the Montgomery form `a * 2^256 mod p`, fully reduced below `p`. Converting between the
//! two is a copy through `SerdeObject`'s raw (Montgomery) bytes.
//!
//! Why not `Fr`'s own (assembly) multiplication: the permutation's linear layers are
//! inner products of three terms, and here each costs three schoolbook products added as
//! 512-bit integers and ONE Montgomery reduction ([`dot`]) instead of three reductions and
//! two modular additions. Plain `u128` arithmetic also lets the compiler keep whole rounds
//! in registers, where each assembly call round-trips its operands through memory.
//!
//! Bounds: `p < 2^254` and `3p < 2^256`, so a sum of three products of reduced elements
//! is below `p * 2^256` and one reduction brings it below `2p`; one conditional
//! subtraction then makes every result fully reduced again.

use crate::field::Fr;
use halo2curves_axiom::serde::SerdeObject;

/// The modulus `p`, little-endian limbs.
const P: [u64; 4] =
    [0x43e1_f593_f000_0001, 0x2833_e848_79b9_7091, 0xb850_45b6_8181_585d, 0x3064_4e72_e131_a029];
/// `-p^-1 mod 2^64`.
const INV: u64 = 0xc2e1_f593_efff_ffff;

/// An `Fr` in Montgomery form (the same limbs as `Fr`), always below `p`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Elem([u64; 4]);

/// `a + b * c + carry` as (low, high) words; cannot overflow.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + (b as u128) * (c as u128) + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// `a + b + carry` as (sum, carry out).
#[inline(always)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + b as u128 + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// `a - b - borrow` where `borrow` is 0 or all ones; returns (difference, borrow out).
#[inline(always)]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = (a as u128).wrapping_sub(b as u128 + (borrow >> 63) as u128);
    (t as u64, (t >> 64) as u64)
}

/// `r mod p` for `r < 2p`, without a data-dependent branch.
#[inline(always)]
fn reduce_once(r: [u64; 4]) -> Elem {
    let (d0, b) = sbb(r[0], P[0], 0);
    let (d1, b) = sbb(r[1], P[1], b);
    let (d2, b) = sbb(r[2], P[2], b);
    let (d3, b) = sbb(r[3], P[3], b);
    // b is all ones when r < p: keep r, else keep r - p.
    Elem([
        (r[0] & b) | (d0 & !b),
        (r[1] & b) | (d1 & !b),
        (r[2] & b) | (d2 & !b),
        (r[3] & b) | (d3 & !b),
    ])
}

impl Elem {
    /// The limbs of `x` (no arithmetic: `Fr` stores the same Montgomery form).
    #[inline]
    pub(super) fn from_fr(x: &Fr) -> Self {
        let mut limbs = [0u64; 4];
        for (limb, bytes) in limbs.iter_mut().zip(x.to_raw_bytes().chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(bytes);
            *limb = u64::from_le_bytes(word);
        }
        Elem(limbs)
    }

    /// Back to `Fr`; the limbs are below `p`, so the unchecked constructor is sound.
    #[inline]
    pub(super) fn to_fr(self) -> Fr {
        let mut bytes = [0u8; 32];
        for (chunk, limb) in bytes.chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        Fr::from_raw_bytes_unchecked(&bytes)
    }

    /// `self + rhs mod p`.
    #[inline(always)]
    pub(super) fn add(self, rhs: Self) -> Self {
        let (a, b) = (self.0, rhs.0);
        // Both are below p < 2^254: the sum fits in four limbs.
        let (r0, c) = adc(a[0], b[0], 0);
        let (r1, c) = adc(a[1], b[1], c);
        let (r2, c) = adc(a[2], b[2], c);
        let (r3, _) = adc(a[3], b[3], c);
        reduce_once([r0, r1, r2, r3])
    }

    /// `self * rhs mod p`: CIOS Montgomery multiplication with the "no-carry" shortcut,
    /// valid because the top limb of `p` is below `2^63 - 1`
    /// (<https://hackmd.io/@gnark/modular_multiplication>).
    #[inline(always)]
    pub(super) fn mul(self, rhs: Self) -> Self {
        let (a, b) = (self.0, rhs.0);
        let mut t = [0u64; 4];
        for bi in b {
            let (t0, mut hi) = mac(t[0], a[0], bi, 0);
            let m = t0.wrapping_mul(INV);
            let (_, mut c) = mac(t0, m, P[0], 0);
            for j in 1..4 {
                let (tj, h) = mac(t[j], a[j], bi, hi);
                hi = h;
                (t[j - 1], c) = mac(tj, m, P[j], c);
            }
            t[3] = c + hi;
        }
        reduce_once(t)
    }

    /// `self^5`, the S-box.
    #[inline(always)]
    pub(super) fn pow5(self) -> Self {
        let x2 = self.mul(self);
        x2.mul(x2).mul(self)
    }

    /// The 512-bit product `self * rhs`, unreduced.
    #[inline(always)]
    fn mul_wide(self, rhs: Self) -> [u64; 8] {
        let (a, b) = (self.0, rhs.0);
        let mut r = [0u64; 8];
        for i in 0..4 {
            let mut c = 0;
            for j in 0..4 {
                (r[i + j], c) = mac(r[i + j], a[i], b[j], c);
            }
            r[i + 4] = c;
        }
        r
    }
}

/// `a + b` on 512-bit integers; the callers' bounds rule out overflow.
#[inline(always)]
fn add_wide(a: [u64; 8], b: [u64; 8]) -> [u64; 8] {
    let mut r = [0u64; 8];
    let mut c = 0;
    for i in 0..8 {
        (r[i], c) = adc(a[i], b[i], c);
    }
    r
}

/// Montgomery reduction `t * 2^-256 mod p` of `t < p * 2^256`.
#[inline(always)]
fn redc(mut t: [u64; 8]) -> Elem {
    let mut top = 0;
    for i in 0..4 {
        let m = t[i].wrapping_mul(INV);
        let (_, mut c) = mac(t[i], m, P[0], 0);
        for j in 1..4 {
            (t[i + j], c) = mac(t[i + j], m, P[j], c);
        }
        (t[i + 4], top) = adc(t[i + 4], c, top);
    }
    // (t + m * p) / 2^256 < 2p: the final carry is zero and one subtraction suffices.
    reduce_once([t[4], t[5], t[6], t[7]])
}

/// The inner product `a[0] * b[0] + a[1] * b[1] + a[2] * b[2] mod p`, reduced once.
#[inline(always)]
pub(super) fn dot(a: &[Elem; 3], b: &[Elem; 3]) -> Elem {
    redc(add_wide(add_wide(a[0].mul_wide(b[0]), a[1].mul_wide(b[1])), a[2].mul_wide(b[2])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::{Field, PrimeField};
    use proptest::prelude::*;

    /// Random field elements, with the edge cases 0, 1 and p - 1 drawn often.
    fn fr() -> impl Strategy<Value = Fr> {
        prop_oneof![
            1 => Just(Fr::ZERO),
            1 => Just(Fr::ONE),
            1 => Just(-Fr::ONE),
            6 => any::<[u8; 64]>().prop_map(|b| <Fr as ff::FromUniformBytes<64>>::from_uniform_bytes(&b)),
        ]
    }

    #[test]
    fn modulus_constants() {
        let minus_one = Elem::from_fr(&-Fr::ONE).to_fr();
        assert_eq!(minus_one + Fr::ONE, Fr::ZERO);
        assert_eq!(INV.wrapping_mul(P[0]), u64::MAX, "INV * p = -1 mod 2^64");
        let hex = format!("0x{:016x}{:016x}{:016x}{:016x}", P[3], P[2], P[1], P[0]);
        assert_eq!(hex, Fr::MODULUS);
    }

    proptest! {
        #[test]
        fn matches_fr(a in fr(), b in fr(), c in fr(), x in fr(), y in fr(), z in fr()) {
            let e = Elem::from_fr;
            prop_assert_eq!(e(&a).to_fr(), a);
            prop_assert_eq!(e(&a).add(e(&b)).to_fr(), a + b);
            prop_assert_eq!(e(&a).mul(e(&b)).to_fr(), a * b);
            prop_assert_eq!(e(&a).pow5().to_fr(), a.pow_vartime([5]));
            prop_assert_eq!(dot(&[e(&a), e(&b), e(&c)], &[e(&x), e(&y), e(&z)]).to_fr(), a * x + b * y + c * z);
        }
    }
}
