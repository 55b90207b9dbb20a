//! The Poseidon lane chip inside a real circuit: MockProver on honest and tampered lanes,
//! the gates' degree, and a real KZG keygen / prove / verify (which MockProver does not
//! exercise: the double synthesis of keygen and the witness-only prover stage).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::{
    gates::{
        circuit::CircuitBuilderStage, flex_gate::MultiPhaseThreadBreakPoints, GateChip,
        GateInstructions,
    },
    halo2_proofs::{
        dev::{MockProver, VerifyFailure},
        halo2curves::bn256::{Bn256, Fr, G1Affine},
        plonk::{keygen_pk, keygen_vk, Circuit, ConstraintSystem, Error, ProvingKey},
        poly::kzg::commitment::ParamsKZG,
    },
    utils::testing::{check_proof_with_instances, gen_proof_with_instances},
    AssignedValue,
};
use lineage_circuits::builder::{LineageBuilder, LineageParams};
use lineage_circuits::circuit::BLINDING_ROWS;
use lineage_circuits::poseidon::lane::{
    blocks_per_lane, Nudge, Point, PoseidonTape, Tamper, TamperKind, OUTPUT,
};
use lineage_core::poseidon::{permute, T};
use rand::{rngs::StdRng, SeedableRng};

const K: u32 = 10;

fn inputs() -> Vec<[Fr; T]> {
    let big = -Fr::one();
    vec![
        [Fr::zero(), Fr::zero(), Fr::zero()],
        [Fr::from(1), Fr::from(2), Fr::from(3)],
        [big, big, big],
        [Fr::from(u64::MAX), Fr::from(7), big],
        [Fr::from(11), big, Fr::zero()],
        [big, Fr::from(13), Fr::from(1 << 40)],
    ]
}

/// Lays out one permutation per input, then one chained on the previous output, one of a
/// constant-led state, and a last one whose output only feeds a builder gate (so only the
/// builder↔lane copy binds it); every other output is public.
fn lay_out(b: &mut LineageBuilder) -> Vec<AssignedValue<Fr>> {
    b.base.set_k(K as usize);
    b.base.set_instance_columns(1);
    let tape = b.poseidon.clone();
    let ctx = b.base.main(0);
    let gate = GateChip::default();
    let mut public = Vec::new();
    let mut last = None;
    for input in inputs() {
        let state = ctx.assign_witnesses(input).try_into().unwrap();
        let out = tape.permute(ctx, state);
        public.extend(out);
        last = Some(out);
    }
    let chained = tape.permute(ctx, last.unwrap());
    public.extend(chained);
    let tag = ctx.load_constant(Fr::from(2));
    let constant_led = tape.permute(ctx, [tag, chained[1], chained[2]]);
    public.extend(constant_led);
    let one = ctx.load_constant(Fr::one());
    public.push(gate.add(ctx, constant_led[0], one));
    let hidden = tape.permute(ctx, constant_led);
    public.push(gate.add(ctx, hidden[2], one));
    b.base.assigned_instances[0] = public.clone();
    public
}

fn calls() -> usize {
    inputs().len() + 3
}

/// The call whose outputs are not public.
fn hidden_call() -> usize {
    calls() - 1
}

/// The chained call (its input is the previous call's output, lane to lane).
fn chained_call() -> usize {
    inputs().len()
}

/// The instances the honest circuit must expose, computed natively.
fn expected() -> Vec<Fr> {
    let mut out = Vec::new();
    let mut last = [Fr::zero(); T];
    for mut s in inputs() {
        permute(&mut s);
        out.extend(s);
        last = s;
    }
    permute(&mut last);
    out.extend(last);
    let mut c = [Fr::from(2), last[1], last[2]];
    permute(&mut c);
    out.extend(c);
    out.push(c[0] + Fr::one());
    permute(&mut c);
    out.push(c[2] + Fr::one());
    out
}

/// MockProver's verdict on the circuit recording on `tape`, and the exposed instances.
fn mock(tape: PoseidonTape) -> (Result<(), Vec<VerifyFailure>>, Vec<Fr>) {
    let mut b = LineageBuilder::with_base(
        halo2_base::gates::circuit::builder::BaseCircuitBuilder::from_stage(
            CircuitBuilderStage::Mock,
        ),
        tape,
    );
    let public: Vec<Fr> = lay_out(&mut b).iter().map(|x| *x.value()).collect();
    let params = b.calculate_params(BLINDING_ROWS);
    assert_eq!(params.lanes, calls().div_ceil(blocks_per_lane(K)));
    (MockProver::run(K, &b, vec![public.clone()]).unwrap().verify(), public)
}

fn tampered(call: usize, kind: TamperKind) -> Result<(), Vec<VerifyFailure>> {
    mock(PoseidonTape::with_tamper(Tamper { call, kind })).0
}

fn describe(failures: &[VerifyFailure]) -> String {
    failures.iter().map(|f| format!("{f}\n")).collect()
}

#[test]
fn honest_lanes_give_the_permutation() {
    let (verdict, public) = mock(PoseidonTape::new());
    assert_eq!(public, expected());
    verdict.unwrap();
    // More calls than one lane holds, so that two lanes run side by side.
    assert!(calls() > blocks_per_lane(K));
}

#[test]
fn a_moved_cell_breaks_the_gate_that_pins_it() {
    let delta = Fr::from(3);
    // (row, the gate that must fail), one per part of the block, on a call in the second
    // lane; the chained call's moved cell is also checked.
    let cases = [
        (1, "full round"),
        (8, "full round"),
        (19, "entry"),
        (25, "entry"),
        (24 + 2 * 20, "partial round"),
        (24 + 2 * 20 + 1, "partial round"),
        (135, "exit"),
        (138, "exit"),
        (140, "exit"),
        (151, "full round"),
        (OUTPUT + 4, "full round"),
    ];
    for call in [blocks_per_lane(K), chained_call(), hidden_call()] {
        for (row, gate) in cases {
            let failures = tampered(call, TamperKind::Cell { row, delta }).unwrap_err();
            let text = describe(&failures);
            assert!(text.contains(&format!("poseidon lane: {gate}")), "row {row}: {text}");
        }
    }
}

#[test]
fn a_wrong_constant_or_mds_row_is_rejected() {
    let delta = Fr::from(7);
    // (deviation, the gate that must fail first): full rounds of both halves, the entry
    // round, partial rounds, the exit and the last round.
    let cases = [
        (Point::Constant(2), "full round"),
        (Point::Constant(150), "full round"),
        (Point::Constant(24 + 2 * 30), "partial round"),
        (Point::Mds(1, 2), "full round"),
        (Point::Mds(3, 0), "entry"),
        (Point::Mds(4 + 20, 0), "partial round"),
        (Point::Mds(4 + 20, 1), "partial round"),
        (Point::Mds(4 + 56, 2), "exit"),
        (Point::Mds(64, 1), "full round"),
    ];
    for (point, gate) in cases {
        let kind = TamperKind::Trace(Nudge { point, delta });
        let text = describe(&tampered(chained_call(), kind).unwrap_err());
        assert!(text.contains(&format!("poseidon lane: {gate}")), "{point:?}: {text}");
    }
}

#[test]
fn the_lane_is_bound_to_the_callers_state_and_output() {
    let delta = Fr::from(5);
    let permutation_failure = |r: Result<(), Vec<VerifyFailure>>| {
        r.unwrap_err().iter().any(|f| matches!(f, VerifyFailure::Permutation { .. }))
    };
    // The first call reads builder cells; the chained call reads the previous lane's
    // output (a lane-to-lane copy); the constant-led call's word 0 is a builder constant.
    for (call, word) in [(0, 1), (chained_call(), 2), (chained_call() + 1, 0)] {
        // The lane permutes another state (an honest trace of it).
        assert!(permutation_failure(tampered(call, TamperKind::Input { word, delta })));
        // The same without the copy constraints into the lane is accepted, so the copy
        // constraints are what caught it.
        tampered(call, TamperKind::UnboundInput { word, delta }).unwrap();
    }
    // The caller is handed a value the lane does not hold: caught through the instances
    // (a public output) and through the builder↔lane copy alone (the hidden call).
    for call in [0, hidden_call()] {
        assert!(permutation_failure(tampered(call, TamperKind::Output { delta })));
    }
}

/// A shape with fewer lanes than the tape needs is refused at synthesis, with no lanes at
/// all too (the chip's columns are then not even configured).
#[test]
fn too_few_lanes_are_refused() {
    let (_, _, params, break_points) = real_keys();
    assert_eq!(params.lanes, 2);
    for lanes in [1, 0] {
        let mut b =
            LineageBuilder::prover(LineageParams { lanes, ..params.clone() }, break_points.clone());
        let public: Vec<Fr> = lay_out(&mut b).iter().map(|x| *x.value()).collect();
        let refused = MockProver::run(K, &b, vec![public]).err();
        assert!(
            matches!(refused, Some(Error::NotEnoughRowsAvailable { current_k: K })),
            "{lanes} lanes: {refused:?}"
        );
    }
}

#[test]
fn every_chip_gate_has_degree_four_and_fits_the_blinding_rows() {
    let mut b = LineageBuilder::from_stage(CircuitBuilderStage::Mock);
    lay_out(&mut b);
    let params = b.calculate_params(BLINDING_ROWS);
    let mut cs = ConstraintSystem::<Fr>::default();
    LineageBuilder::configure_with_params(&mut cs, params);
    let lane_gates: Vec<_> =
        cs.gates().iter().filter(|g| g.name().starts_with("poseidon lane")).collect();
    assert_eq!(lane_gates.len(), 4 * 2, "four gates per lane, two lanes");
    let degree =
        lane_gates.iter().flat_map(|g| g.polynomials().iter().map(|p| p.degree())).max().unwrap();
    // Not `cs.degree()`, which this fork clamps to MAX_DEGREE (5): a degree-6 gate would
    // pass MockProver and make every real proof fail.
    assert_eq!(degree, 4);
    assert!(cs.minimum_rows() <= BLINDING_ROWS, "{}", cs.minimum_rows());
}

/// Keys of the test circuit and the SRS they were made with.
fn real_keys(
) -> (ParamsKZG<Bn256>, ProvingKey<G1Affine>, LineageParams, MultiPhaseThreadBreakPoints) {
    let srs = ParamsKZG::<Bn256>::setup(K, StdRng::seed_from_u64(7));
    let mut keygen = LineageBuilder::from_stage(CircuitBuilderStage::Keygen);
    lay_out(&mut keygen);
    let params = keygen.calculate_params(BLINDING_ROWS);
    let vk = keygen_vk(&srs, &keygen).unwrap();
    let pk = keygen_pk(&srs, vk, &keygen).unwrap();
    let break_points = keygen.base.break_points();
    (srs, pk, params, break_points)
}

#[test]
fn real_proof_with_lanes_verifies_and_binds_its_instances() {
    let (srs, pk, params, break_points) = real_keys();
    let mut prover = LineageBuilder::prover(params.clone(), break_points.clone());
    let public: Vec<Fr> = lay_out(&mut prover).iter().map(|x| *x.value()).collect();
    assert_eq!(public, expected());
    let proof = gen_proof_with_instances(&srs, &pk, prover, &[&public]);
    check_proof_with_instances(&srs, pk.get_vk(), &proof, &[&public], true);
    let mut wrong = public.clone();
    wrong[0] += Fr::one();
    check_proof_with_instances(&srs, pk.get_vk(), &proof, &[&wrong], false);

    // A dishonest prover-stage witness against the real keys: a wrong round constant in a
    // partial round, a lane that permutes another state, a caller handed a value the lane
    // does not hold (the hidden call: only the builder↔lane copy binds it).
    let delta = Fr::from(3);
    for tamper in [
        Tamper { call: 1, kind: TamperKind::Trace(Nudge { point: Point::Constant(60), delta }) },
        Tamper { call: chained_call(), kind: TamperKind::Input { word: 2, delta } },
        Tamper { call: hidden_call(), kind: TamperKind::Output { delta } },
    ] {
        let mut prover = LineageBuilder::prover(params.clone(), break_points.clone());
        prover.poseidon = PoseidonTape::with_tamper(tamper);
        let values: Vec<Fr> = lay_out(&mut prover).iter().map(|x| *x.value()).collect();
        let proof = gen_proof_with_instances(&srs, &pk, prover, &[&values]);
        check_proof_with_instances(&srs, pk.get_vk(), &proof, &[&values], false);
    }
}
