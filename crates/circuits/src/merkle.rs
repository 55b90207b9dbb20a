//! Record leaves and Merkle trees in-circuit: the same functions as `lineage_core::record`
//! and `lineage_core::merkle`, shared by the dataset and training circuits so both
//! rebuild the very same `train_root`.

use crate::poseidon::{Permute, PoseidonChip};
use halo2_base::{
    gates::GateInstructions, halo2_proofs::halo2curves::bn256::Fr, AssignedValue, Context,
};
use lineage_core::poseidon::Domain;

/// `H_leaf(content_hi, content_lo, creator, license, features_digest, label)`.
pub fn record_leaf(
    ctx: &mut Context<Fr>,
    gate: &impl GateInstructions<Fr>,
    chip: &PoseidonChip<impl Permute>,
    preimage: &[AssignedValue<Fr>; 6],
) -> AssignedValue<Fr> {
    chip.hash(ctx, gate, Domain::RecordLeaf, preimage)
}

/// Digest of a fixed-point feature vector (already mapped into the field); 0 when empty.
pub fn features_digest(
    ctx: &mut Context<Fr>,
    gate: &impl GateInstructions<Fr>,
    chip: &PoseidonChip<impl Permute>,
    features: &[AssignedValue<Fr>],
) -> AssignedValue<Fr> {
    if features.is_empty() {
        return ctx.load_zero();
    }
    chip.hash(ctx, gate, Domain::Features, features)
}

/// Root of the complete tree over `leaves` (a power-of-two count; padding leaves are 0).
pub fn root(
    ctx: &mut Context<Fr>,
    chip: &PoseidonChip<impl Permute>,
    leaves: &[AssignedValue<Fr>],
) -> AssignedValue<Fr> {
    assert!(leaves.len().is_power_of_two(), "a complete tree needs 2^h leaves");
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| chip.merkle_node(ctx, p[0], p[1])).collect();
    }
    level[0]
}

/// The root `leaf` opens to along `siblings` (leaves first), where `bits[h]` says whether
/// the node at height `h` is a right child. The caller constrains `bits` to be boolean.
pub fn open(
    ctx: &mut Context<Fr>,
    gate: &impl GateInstructions<Fr>,
    chip: &PoseidonChip<impl Permute>,
    leaf: AssignedValue<Fr>,
    bits: &[AssignedValue<Fr>],
    siblings: &[AssignedValue<Fr>],
) -> AssignedValue<Fr> {
    assert_eq!(bits.len(), siblings.len(), "one index bit per level");
    bits.iter().zip(siblings).fold(leaf, |node, (&bit, &sib)| {
        // bit = 1: (sib, node); bit = 0: (node, sib). right = node + sib - left.
        let left = gate.select(ctx, sib, node, bit);
        let sum = gate.add(ctx, node, sib);
        let right = gate.sub(ctx, sum, left);
        chip.merkle_node(ctx, left, right)
    })
}
