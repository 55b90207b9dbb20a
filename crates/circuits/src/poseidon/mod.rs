//! In-circuit Poseidon with Lineage's domain tags: the one-permutation Merkle node and the
//! tagged fixed-length hash of `lineage_core::poseidon`.
//!
//! halo2-base keeps its permutation state private and its public hashers always pad (a
//! 2-element hash costs two permutations), so this chip evaluates the same optimised
//! permutation (sparse MDS matrices, constants from halo2-base's own
//! `OptimizedPoseidonSpec::new::<8, 57, 0>()`) on a state it controls.
//!
//! ## Assumptions
//! Inputs are field elements; nothing is range-checked here. Soundness of the commitments
//! rests on Poseidon's collision resistance and on the capacity tag, which is a constant
//! of the circuit (never a witness), so a prover cannot move a value between domains.

pub mod lane;

use halo2_base::{
    gates::GateInstructions, halo2_proofs::halo2curves::bn256::Fr,
    poseidon::hasher::spec::OptimizedPoseidonSpec, AssignedValue, Context, QuantumCell::Constant,
};
use lineage_core::poseidon::{Domain, RATE, R_F, R_P, T};

/// An assigned Poseidon state.
pub type State = [AssignedValue<Fr>; T];

/// Poseidon gadgets over halo2-base's gate.
#[derive(Clone, Debug)]
pub struct PoseidonChip {
    spec: OptimizedPoseidonSpec<Fr, T, RATE>,
}

impl Default for PoseidonChip {
    fn default() -> Self {
        Self::new()
    }
}

impl PoseidonChip {
    /// Builds the constants (a few milliseconds; build once and share).
    pub fn new() -> Self {
        Self { spec: OptimizedPoseidonSpec::new::<R_F, R_P, 0>() }
    }

    /// The Poseidon permutation of `state` (about 2.2k advice cells).
    pub fn permute(
        &self,
        ctx: &mut Context<Fr>,
        gate: &impl GateInstructions<Fr>,
        state: State,
    ) -> State {
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

    /// `permute([domain.tag(2), a, b])[1]`: one permutation.
    pub fn compress(
        &self,
        ctx: &mut Context<Fr>,
        gate: &impl GateInstructions<Fr>,
        domain: Domain,
        a: AssignedValue<Fr>,
        b: AssignedValue<Fr>,
    ) -> AssignedValue<Fr> {
        let tag = ctx.load_constant(domain.tag(2));
        self.permute(ctx, gate, [tag, a, b])[1]
    }

    /// A Merkle node: [`Self::compress`] in `Domain::MerkleNode`.
    pub fn merkle_node(
        &self,
        ctx: &mut Context<Fr>,
        gate: &impl GateInstructions<Fr>,
        left: AssignedValue<Fr>,
        right: AssignedValue<Fr>,
    ) -> AssignedValue<Fr> {
        self.compress(ctx, gate, Domain::MerkleNode, left, right)
    }

    /// The tagged fixed-length hash (`lineage_core::poseidon::hash`): `ceil(n / 2)`
    /// permutations, one for an empty input.
    pub fn hash(
        &self,
        ctx: &mut Context<Fr>,
        gate: &impl GateInstructions<Fr>,
        domain: Domain,
        inputs: &[AssignedValue<Fr>],
    ) -> AssignedValue<Fr> {
        let tag = ctx.load_constant(domain.tag(inputs.len()));
        let mut chunks = inputs.chunks(RATE);
        let first = chunks.next().unwrap_or(&[]);
        let mut rate = [None; RATE];
        for (slot, x) in rate.iter_mut().zip(first) {
            *slot = Some(*x);
        }
        let mut pad = || ctx.load_zero();
        let [a, b] = rate;
        let (a, b) = (a.unwrap_or_else(&mut pad), b.unwrap_or_else(&mut pad));
        let mut s = self.permute(ctx, gate, [tag, a, b]);
        for chunk in chunks {
            for (i, x) in chunk.iter().enumerate() {
                s[i + 1] = gate.add(ctx, s[i + 1], *x);
            }
            s = self.permute(ctx, gate, s);
        }
        s[1]
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
