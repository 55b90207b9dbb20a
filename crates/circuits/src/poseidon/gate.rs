//! The Poseidon permutation on halo2-base's generic gate (about 2,250 advice cells), for
//! circuits that have no Poseidon lanes: the proof tree's aggregation nodes, which hash a
//! handful of Merkle nodes each and would not fill a lane's column.
//!
//! halo2-base keeps its permutation state private and its public hashers always pad (a
//! 2-element hash costs two permutations), so this evaluates the same optimised
//! permutation (sparse MDS matrices, constants from halo2-base's own
//! `OptimizedPoseidonSpec::new::<R_F, R_P, 0>()`) on a state it controls. It is
//! `lineage_core::poseidon::permute` bit for bit (tested in `tests/poseidon.rs`).

use super::{Permute, State};
use halo2_base::{
    gates::{GateChip, GateInstructions},
    halo2_proofs::halo2curves::bn256::Fr,
    poseidon::hasher::spec::OptimizedPoseidonSpec,
    AssignedValue, Context,
    QuantumCell::Constant,
};
use lineage_core::poseidon::{RATE, R_F, R_P, T};

/// The permutation on the generic gate.
#[derive(Clone, Debug)]
pub struct GatePermutation {
    spec: OptimizedPoseidonSpec<Fr, T, RATE>,
    gate: GateChip<Fr>,
}

impl Default for GatePermutation {
    fn default() -> Self {
        Self::new()
    }
}

impl GatePermutation {
    /// Builds the constants (a few milliseconds; build once and share).
    pub fn new() -> Self {
        Self { spec: OptimizedPoseidonSpec::new::<R_F, R_P, 0>(), gate: GateChip::default() }
    }
}

impl Permute for GatePermutation {
    fn permute(&self, ctx: &mut Context<Fr>, state: State) -> State {
        let gate = &self.gate;
        let consts = self.spec.constants();
        let matrices = self.spec.mds_matrices();
        let mds = matrices.mds().as_ref();
        let pre_sparse = matrices.pre_sparse_mds().as_ref();
        let start = consts.start();
        let mut s = state;
        for (x, c) in s.iter_mut().zip(start[0].iter()) {
            *x = gate.add(ctx, *x, Constant(*c));
        }
        // `start` holds R_F/2 + 1 rows: the last one folds in the first partial round's
        // constants and goes with the pre-sparse matrix below.
        for c in start.iter().skip(1).take(R_F / 2 - 1) {
            sbox_full(ctx, gate, &mut s, c);
            apply_mds(ctx, gate, &mut s, mds);
        }
        sbox_full(ctx, gate, &mut s, start.last().unwrap_or(&[Fr::zero(); T]));
        apply_mds(ctx, gate, &mut s, pre_sparse);
        for (c, sparse) in consts.partial().iter().zip(matrices.sparse_matrices()) {
            s[0] = pow5_plus(ctx, gate, s[0], *c);
            let row = sparse.row();
            let first = gate.inner_product(ctx, s, row.iter().map(|c| Constant(*c)));
            let col = sparse.col_hat();
            let rest: [AssignedValue<Fr>; RATE] =
                std::array::from_fn(|i| gate.mul_add(ctx, s[0], Constant(col[i]), s[i + 1]));
            s = [first, rest[0], rest[1]];
        }
        for c in consts.end() {
            sbox_full(ctx, gate, &mut s, c);
            apply_mds(ctx, gate, &mut s, mds);
        }
        sbox_full(ctx, gate, &mut s, &[Fr::zero(); T]);
        apply_mds(ctx, gate, &mut s, mds);
        s
    }
}

fn pow5_plus(
    ctx: &mut Context<Fr>,
    gate: &impl GateInstructions<Fr>,
    x: AssignedValue<Fr>,
    c: Fr,
) -> AssignedValue<Fr> {
    let x2 = gate.mul(ctx, x, x);
    let x4 = gate.mul(ctx, x2, x2);
    gate.mul_add(ctx, x, x4, Constant(c))
}

fn sbox_full(ctx: &mut Context<Fr>, gate: &impl GateInstructions<Fr>, s: &mut State, c: &[Fr; T]) {
    for (x, c) in s.iter_mut().zip(c) {
        *x = pow5_plus(ctx, gate, *x, *c);
    }
}

fn apply_mds(
    ctx: &mut Context<Fr>,
    gate: &impl GateInstructions<Fr>,
    s: &mut State,
    m: &[[Fr; T]; T],
) {
    let cur = *s;
    *s = std::array::from_fn(|i| gate.inner_product(ctx, cur, m[i].iter().map(|c| Constant(*c))));
}
