//! The native Poseidon of `lineage-core` and the in-circuit one agree, and a Merkle node
//! costs one permutation (one lane block).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::{
    gates::{circuit::CircuitBuilderStage, GateChip},
    halo2_proofs::{dev::MockProver, halo2curves::bn256::Fr},
    poseidon::hasher::{spec::OptimizedPoseidonSpec, PoseidonHasher},
    AssignedValue, Context,
};
use lineage_circuits::{
    builder::LineageBuilder, circuit::BLINDING_ROWS, poseidon::GatePermutation, PoseidonChip,
};
use lineage_core::poseidon::{self as native, Domain, RATE, R_F, R_P, T};

const K: u32 = 14;

/// Fixed vectors: empty, short, odd and even lengths, zeros and the largest element.
fn vectors() -> Vec<Vec<Fr>> {
    let big = -Fr::one();
    vec![
        vec![],
        vec![Fr::zero()],
        vec![Fr::from(1u64), Fr::from(2u64)],
        vec![Fr::from(1u64), Fr::from(2u64), Fr::from(3u64)],
        vec![big, big, Fr::from(7u64), Fr::from(u64::MAX), Fr::zero(), big],
    ]
}

/// Runs MockProver on a circuit whose public instances are `build`'s outputs.
fn mock(
    build: impl FnOnce(&mut Context<Fr>, &GateChip<Fr>, &PoseidonChip) -> Vec<AssignedValue<Fr>>,
    instances: Vec<Fr>,
) -> bool {
    let mut builder = LineageBuilder::from_stage(CircuitBuilderStage::Mock);
    builder.base.set_k(K as usize);
    builder.base.set_instance_columns(1);
    let gate = GateChip::default();
    let chip = PoseidonChip::new(builder.poseidon.clone());
    let outs = build(builder.base.main(0), &gate, &chip);
    builder.base.assigned_instances[0].extend(outs);
    builder.calculate_params(BLINDING_ROWS);
    MockProver::run(K, &builder, vec![instances]).expect("mock prover runs").verify().is_ok()
}

fn load(ctx: &mut Context<Fr>, v: &[Fr]) -> Vec<AssignedValue<Fr>> {
    ctx.assign_witnesses(v.iter().copied())
}

fn bump(mut xs: Vec<Fr>, i: usize) -> Vec<Fr> {
    xs[i] += Fr::one();
    xs
}

#[test]
fn native_permutation_matches_halo2_base_in_circuit_hasher() {
    // halo2-base's own, unmodified in-circuit sponge against the native permutation.
    let vs = vectors();
    let expected: Vec<Fr> = vs.iter().map(|v| native::halo2_base_sponge(v)).collect();
    let circuit = |ctx: &mut Context<Fr>, gate: &GateChip<Fr>, _: &PoseidonChip| {
        let mut hasher =
            PoseidonHasher::<Fr, T, RATE>::new(OptimizedPoseidonSpec::new::<R_F, R_P, 0>());
        hasher.initialize_consts(ctx, gate);
        vs.iter()
            .map(|v| {
                let cells = load(ctx, v);
                hasher.hash_fix_len_array(ctx, gate, &cells)
            })
            .collect()
    };
    assert!(mock(circuit, expected.clone()));
    for i in 0..expected.len() {
        assert!(!mock(circuit, bump(expected.clone(), i)), "a wrong digest {i} must be rejected");
    }
}

#[test]
fn chip_matches_native_tagged_hashes_and_nodes() {
    let vs = vectors();
    let mut expected = Vec::new();
    for v in &vs {
        expected.push(native::hash(Domain::Features, v));
        expected.push(native::hash(Domain::RecordLeaf, v));
    }
    let pairs = [(Fr::zero(), Fr::zero()), (Fr::from(5u64), -Fr::from(9u64))];
    for (l, r) in pairs {
        expected.push(native::merkle_node(l, r));
    }
    let circuit = |ctx: &mut Context<Fr>, gate: &GateChip<Fr>, chip: &PoseidonChip| {
        let mut outs = Vec::new();
        for v in &vs {
            let cells = load(ctx, v);
            outs.push(chip.hash(ctx, gate, Domain::Features, &cells));
            outs.push(chip.hash(ctx, gate, Domain::RecordLeaf, &cells));
        }
        for (l, r) in pairs {
            let [l, r] = [ctx.load_witness(l), ctx.load_witness(r)];
            outs.push(chip.merkle_node(ctx, l, r));
        }
        outs
    };
    assert!(mock(circuit, expected.clone()));
    assert!(!mock(circuit, bump(expected.clone(), 0)));
    assert!(!mock(circuit, bump(expected.clone(), expected.len() - 1)));
}

#[test]
fn merkle_node_costs_one_permutation() {
    let mut builder = LineageBuilder::from_stage(CircuitBuilderStage::Mock);
    let chip = PoseidonChip::new(builder.poseidon.clone());
    let ctx = builder.base.main(0);
    let [a, b] = [ctx.load_witness(Fr::from(1u64)), ctx.load_witness(Fr::from(2u64))];
    let zero = ctx.load_zero();

    let before = ctx.advice.len();
    chip.permute(ctx, [zero, a, b]);
    assert_eq!(ctx.advice.len(), before, "a permutation costs no builder cells");
    assert_eq!(builder.poseidon.len(), 1);

    let ctx = builder.base.main(0);
    let before = ctx.advice.len();
    chip.merkle_node(ctx, a, b);
    let node = ctx.advice.len() - before;
    assert_eq!(builder.poseidon.len(), 2, "a node is one permutation");
    assert!(node <= 1, "plus its tag constant");
}

/// The generic-gate permutation (for circuits without lanes) computes the same tagged
/// hashes and nodes as the native code, and the same sponge over a lane-free builder.
#[test]
fn gate_permutation_matches_native_tagged_hashes_and_nodes() {
    let vs = vectors();
    let mut expected: Vec<Fr> = vs.iter().map(|v| native::hash(Domain::Hyper, v)).collect();
    let pairs = [(Fr::zero(), Fr::zero()), (Fr::from(5u64), -Fr::from(9u64))];
    expected.extend(pairs.map(|(l, r)| native::merkle_node(l, r)));
    let circuit = |ctx: &mut Context<Fr>, gate: &GateChip<Fr>, _: &PoseidonChip| {
        let chip = PoseidonChip::new(GatePermutation::new());
        let mut outs: Vec<_> = vs
            .iter()
            .map(|v| {
                let cells = load(ctx, v);
                chip.hash(ctx, gate, Domain::Hyper, &cells)
            })
            .collect();
        for (l, r) in pairs {
            let [l, r] = [ctx.load_witness(l), ctx.load_witness(r)];
            outs.push(chip.merkle_node(ctx, l, r));
        }
        outs
    };
    assert!(mock(circuit, expected.clone()));
    for i in [0, vs.len(), expected.len() - 1] {
        assert!(!mock(circuit, bump(expected.clone(), i)), "a wrong digest {i} must be rejected");
    }
}
