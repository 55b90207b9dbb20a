//! The development SRS: KZG parameters from a fixed, PUBLIC seed. INSECURE: anyone can
//! recompute the secret and forge proofs. It exists for tests and the local demo only.
//!
//! The parameters are the ones `ParamsKZG::setup(k, ChaCha20Rng::from_seed(DEV_SEED))`
//! would produce (a test pins this), computed much faster: every point is a multiple of
//! the G1 generator, so instead of `2 * 2^k` variable-base multiplications this takes the
//! scalars (powers of the secret and the Lagrange coefficients, with one batch inversion)
//! and multiplies a precomputed fixed-base table, in parallel.

use halo2_base::halo2_proofs::{
    arithmetic::Field,
    halo2curves::{
        bn256::{Bn256, Fr, G1Affine, G2Affine, G1},
        ff::{BatchInvert, PrimeField},
        group::{prime::PrimeCurveAffine, Curve, Group},
    },
    poly::kzg::commitment::ParamsKZG,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;

/// The public seed of the development SRS.
pub const DEV_SEED: [u8; 32] = *b"lineage-dev-srs-INSECURE-DO-NOT!";

/// The warning every file and message carrying the dev SRS repeats.
pub const DEV_WARNING: &str =
    "INSECURE development SRS (public seed): proofs under it can be forged; never deploy it";

/// Window width of the fixed-base table, in bits.
const WINDOW: usize = 8;
/// Windows covering a 256-bit scalar.
const WINDOWS: usize = 256 / WINDOW;

/// `table[w][j] = (j + 1) * 2^(WINDOW * w) * G1`.
struct FixedBase {
    table: Vec<Vec<G1Affine>>,
}

impl FixedBase {
    fn generator() -> Self {
        let mut base = G1::generator();
        let table = (0..WINDOWS)
            .map(|_| {
                let mut row = Vec::with_capacity((1 << WINDOW) - 1);
                let mut acc = base;
                for _ in 0..(1 << WINDOW) - 1 {
                    row.push(acc);
                    acc += base;
                }
                base = acc;
                let mut affine = vec![G1Affine::identity(); row.len()];
                G1::batch_normalize(&row, &mut affine);
                affine
            })
            .collect();
        Self { table }
    }

    fn mul(&self, scalar: &Fr) -> G1 {
        let bytes = scalar.to_bytes();
        let mut acc = G1::identity();
        for (row, &byte) in self.table.iter().zip(bytes.iter()) {
            if byte != 0 {
                acc += row[usize::from(byte) - 1];
            }
        }
        acc
    }

    fn mul_all(&self, scalars: &[Fr]) -> Vec<G1Affine> {
        let projective: Vec<G1> = scalars.par_iter().map(|s| self.mul(s)).collect();
        let mut affine = vec![G1Affine::identity(); projective.len()];
        affine
            .par_chunks_mut(1 << 12)
            .zip(projective.par_chunks(1 << 12))
            .for_each(|(out, inp)| G1::batch_normalize(inp, out));
        affine
    }
}

/// The secret of the dev SRS, drawn exactly as `ParamsKZG::setup` draws it.
fn dev_secret() -> Fr {
    Fr::random(ChaCha20Rng::from_seed(DEV_SEED))
}

/// `[1, s, s^2, ..., s^(n-1)]`, in parallel chunks.
fn powers(s: Fr, n: usize) -> Vec<Fr> {
    const CHUNK: usize = 1 << 12;
    let mut out = vec![Fr::ZERO; n];
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, chunk)| {
        let mut x = s.pow_vartime([(c * CHUNK) as u64]);
        for y in chunk {
            *y = x;
            x *= s;
        }
    });
    out
}

/// The Lagrange basis of the size-`n` domain evaluated at `s`:
/// `L_i(s) = (s^n - 1) / n * w^i / (s - w^i)`.
fn lagrange_at(s: Fr, k: u32) -> Vec<Fr> {
    let n = 1usize << k;
    let mut omega = Fr::ROOT_OF_UNITY;
    for _ in k..Fr::S {
        omega = omega.square();
    }
    let roots = powers(omega, n);
    let mut denominators: Vec<Fr> = roots.par_iter().map(|w| s - w).collect();
    denominators.par_chunks_mut(1 << 12).for_each(|chunk| {
        chunk.iter_mut().batch_invert();
    });
    let n_inv = Fr::from(n as u64).invert().unwrap_or(Fr::ZERO);
    let multiplier = (s.pow_vartime([n as u64]) - Fr::ONE) * n_inv;
    roots.par_iter().zip(denominators.par_iter()).map(|(w, d)| multiplier * w * d).collect()
}

/// The dev SRS for circuits of 2^k rows (k in 1..=28).
pub fn dev_params(k: u32) -> ParamsKZG<Bn256> {
    assert!((1..=Fr::S).contains(&k), "k = {k} out of range");
    let s = dev_secret();
    let table = FixedBase::generator();
    let g = table.mul_all(&powers(s, 1 << k));
    let g_lagrange = table.mul_all(&lagrange_at(s, k));
    let g2 = G2Affine::generator();
    let s_g2 = (g2 * s).to_affine();
    // `from_parts` is a method; any small params do as the receiver.
    let any = ParamsKZG::<Bn256>::setup(1, ChaCha20Rng::from_seed([0; 32]));
    any.from_parts(k, g, Some(g_lagrange), g2, s_g2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_base::halo2_proofs::{poly::commitment::Params, SerdeFormat};

    fn bytes(p: &ParamsKZG<Bn256>) -> Vec<u8> {
        let mut v = Vec::new();
        p.write_custom(&mut v, SerdeFormat::RawBytesUnchecked).unwrap_or_default();
        v
    }

    #[test]
    fn dev_params_equal_halo2_setup_from_the_same_seed() {
        for k in [1, 2, 5, 8] {
            let fast = dev_params(k);
            let slow = ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::from_seed(DEV_SEED));
            assert_eq!(fast.k(), k);
            assert!(bytes(&fast) == bytes(&slow), "k = {k}");
        }
    }
}
