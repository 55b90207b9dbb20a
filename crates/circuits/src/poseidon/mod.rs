//! In-circuit Poseidon with Lineage's domain tags: the one-permutation Merkle node and the
//! tagged fixed-length hash of `lineage_core::poseidon`.
//!
//! A permutation runs where the circuit can afford it ([`Permute`]):
//! - in the dedicated chip of [`lane`] (167 cells instead of ~2,250), in the dataset and
//!   training circuits, whose builder has the lanes;
//! - on halo2-base's generic gate ([`gate`]), in circuits with no lanes: the proof tree's
//!   aggregation nodes, which hash a few Merkle nodes each.
//!
//! The sponge around it (the tag, the padding, the absorbed words) is the same for both and
//! stays in halo2-base's builder.
//!
//! ## Assumptions
//! Inputs are field elements; nothing is range-checked here. Soundness of the commitments
//! rests on Poseidon's collision resistance and on the capacity tag, which is a constant
//! of the circuit (never a witness), so a prover cannot move a value between domains.

pub mod gate;
pub mod lane;

use halo2_base::{
    gates::GateInstructions, halo2_proofs::halo2curves::bn256::Fr, AssignedValue, Context,
};
use lineage_core::poseidon::{Domain, RATE, T};

pub use gate::GatePermutation;
pub use lane::PoseidonTape;

/// An assigned Poseidon state.
pub type State = [AssignedValue<Fr>; T];

/// Where a circuit evaluates the Poseidon permutation.
pub trait Permute {
    /// The permutation of `state`, constrained.
    fn permute(&self, ctx: &mut Context<Fr>, state: State) -> State;
}

impl Permute for PoseidonTape {
    /// One block of a lane.
    fn permute(&self, ctx: &mut Context<Fr>, state: State) -> State {
        PoseidonTape::permute(self, ctx, state)
    }
}

/// Poseidon gadgets over a permutation: by default a circuit's [`PoseidonTape`] (its
/// lanes); [`GatePermutation`] in a circuit without lanes.
#[derive(Clone, Debug)]
pub struct PoseidonChip<P = PoseidonTape> {
    permutation: P,
}

impl<P: Permute> PoseidonChip<P> {
    /// Gadgets whose permutations `permutation` evaluates (a `LineageBuilder`'s
    /// `poseidon` tape, or a [`GatePermutation`]).
    pub fn new(permutation: P) -> Self {
        Self { permutation }
    }

    /// The Poseidon permutation of `state`.
    pub fn permute(&self, ctx: &mut Context<Fr>, state: State) -> State {
        self.permutation.permute(ctx, state)
    }

    /// `permute([domain.tag(2), a, b])[1]`: one permutation.
    pub fn compress(
        &self,
        ctx: &mut Context<Fr>,
        domain: Domain,
        a: AssignedValue<Fr>,
        b: AssignedValue<Fr>,
    ) -> AssignedValue<Fr> {
        let tag = ctx.load_constant(domain.tag(2));
        self.permute(ctx, [tag, a, b])[1]
    }

    /// A Merkle node: [`Self::compress`] in `Domain::MerkleNode`.
    pub fn merkle_node(
        &self,
        ctx: &mut Context<Fr>,
        left: AssignedValue<Fr>,
        right: AssignedValue<Fr>,
    ) -> AssignedValue<Fr> {
        self.compress(ctx, Domain::MerkleNode, left, right)
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
        let mut s = self.permute(ctx, [tag, a, b]);
        for chunk in chunks {
            for (i, x) in chunk.iter().enumerate() {
                s[i + 1] = gate.add(ctx, s[i + 1], *x);
            }
            s = self.permute(ctx, s);
        }
        s[1]
    }
}
