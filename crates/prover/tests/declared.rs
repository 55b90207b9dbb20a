//! The demo's declared-training profile in the prover: the dataset proof aggregated with a
//! model file's SHA-256 into ONE proof that verifies natively and not for another model
//! hash (nor any other public value); the committed verifier is what this setup generates.
//!
//! The proof is the committed fixture, which this test makes and commits under
//! `LINEAGE_BLESS=1`; otherwise it checks the committed one against the same inputs
//! (`tests/demo.sh` proves the profile anew through `lineage demo`). Its own test binary,
//! so that a key generation here (cold cache) never runs beside `aggregate.rs`'s (each
//! takes 8 GB or more).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{committed, inputs, Fixture};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::{
    layout::{AggregateLayout, DeclaredLayout},
    profile::{TrainingKind, DEMO, DEMO_DECLARED},
};
use lineage_core::{
    attestation::{Attestation, DeclaredModel, ModelValues},
    content::hash_bytes,
};
use lineage_prover::{
    aggregate::{self, AggregateProof},
    artifacts::{vk_sha256, VerifierArtifacts},
    pipeline::{check_attestation, verifier_contract_name, Rejection, Setup},
    Error,
};

const VERIFIER: &str = "contracts/verifiers/LineageVerifierDemoDeclared.sol";
const FIXTURE: Fixture = Fixture {
    json: "contracts/test/fixtures/demo-declared-proof.json",
    sol: "contracts/test/fixtures/DemoDeclaredProof.sol",
    library: "DemoDeclaredProof",
    what: "aggregated demo-declared proof (a model file's training set)",
    generator: "crates/prover/tests/declared.rs",
};

#[test]
fn declared_proof_binds_the_model_hash_and_matches_the_committed_verifier() {
    let mut log = common::logger();
    assert_eq!(verifier_contract_name(&DEMO_DECLARED), "LineageVerifierDemoDeclared");
    let setup = common::cached_setup(&DEMO_DECLARED, &mut log);
    assert!(setup.chunk.training.is_none(), "a declared profile's chunk has no training");

    let (datasets, training) = inputs();
    let dw = setup.chunk.dataset.witness(&datasets, &training, 0b11).unwrap();
    let model = hash_bytes(b"a diffusion model's weights");
    let proof =
        common::fixture_proof(&FIXTURE, || setup.prove_declared(&dw, model, &mut log).unwrap().0);

    let inst = &proof.instances;
    assert_eq!(inst.len(), DeclaredLayout::LEN);
    assert_eq!(inst[AggregateLayout::cert_root(0)], datasets[0].root);
    assert_eq!(inst[AggregateLayout::count(1)], Fr::from(24));
    assert_eq!(inst[AggregateLayout::TRAIN_ROOT], DEMO.train_root_of_chunk(dw.public.train_root));
    assert_eq!(inst[AggregateLayout::N_RECORDS], Fr::from(48));
    let (hi, lo) = model.to_fields();
    assert_eq!(
        (inst[DeclaredLayout::MODEL_HASH_HI], inst[DeclaredLayout::MODEL_HASH_LO]),
        (hi, lo)
    );
    assert!(setup.verify(&proof), "the honest declared proof verifies");

    for (what, i) in [
        ("the model hash's high half", DeclaredLayout::MODEL_HASH_HI),
        ("the model hash's low half", DeclaredLayout::MODEL_HASH_LO),
        ("a count", AggregateLayout::count(0)),
        ("the train root", AggregateLayout::TRAIN_ROOT),
        ("an accumulator limb", AggregateLayout::ACCUMULATOR),
    ] {
        let mut other = proof.clone();
        other.instances[i] += Fr::one();
        assert!(!setup.verify(&other), "changing {what} must not verify");
    }
    // Another model's hash in place of this one's, both halves.
    let mut other = proof.clone();
    let (hi, lo) = hash_bytes(b"another model").to_fields();
    other.instances[DeclaredLayout::MODEL_HASH_HI] = hi;
    other.instances[DeclaredLayout::MODEL_HASH_LO] = lo;
    assert!(!setup.verify(&other), "the proof must not verify for another model");

    // The proven path is refused on a declared setup, with a typed error.
    let err = setup.prove_timed(&dw, &dummy_training(), &mut log).unwrap_err();
    assert!(matches!(err, Error::Kind { kind: TrainingKind::Declared, .. }), "{err}");

    check_attestation_of_declared(&setup, &proof, model);

    committed(VERIFIER, &setup.verifier_solidity(), common::bless());
    log("done");
}

/// A training witness of the demo's shape (never proven: the declared setup refuses it).
fn dummy_training() -> lineage_circuits::training::TrainingWitness {
    let (_, training) = inputs();
    let one = lineage_core::train::Bounds::new(DEMO.training.frac_bits).one();
    lineage_circuits::training::TrainingCircuit::new(&DEMO)
        .witness(training, one / 4, lineage_core::train::Weights::zeros(DEMO.training.features))
        .unwrap()
}

/// `lineage verify`'s checks on a declared attestation: the honest one passes and names
/// the model's SHA-256 beside its halves; a hash in hex that is not its halves, a kind that
/// is not the profile's, and a proven profile's verifier are each refused.
fn check_attestation_of_declared(
    setup: &Setup,
    proof: &AggregateProof,
    model: lineage_core::ContentHash,
) {
    let vk = setup.aggregate_keys.vk();
    let verifier = VerifierArtifacts {
        params: setup.params[&DEMO_DECLARED.aggregation_k].clone(),
        vk: vk.clone(),
        vk_sha256: vk_sha256(vk),
        srs: setup.srs.clone(),
    };
    let att = setup.attestation(proof, Default::default());
    assert_eq!(att.kind, TrainingKind::Declared);
    assert_eq!(att.public.model, ModelValues::Declared(DeclaredModel::new(model)));
    check_attestation(&DEMO_DECLARED, &verifier, &att).unwrap();
    let refused = |change: &dyn Fn(&mut Attestation)| {
        let mut a = att.clone();
        change(&mut a);
        check_attestation(&DEMO_DECLARED, &verifier, &a).unwrap_err()
    };
    // The hex names another model than the halves the proof is for.
    let other_hex = |a: &mut Attestation| {
        if let ModelValues::Declared(d) = &mut a.public.model {
            d.model_sha256.0[31] ^= 1;
        }
    };
    assert!(matches!(refused(&other_hex), Rejection::Instances));
    // Both the hex and the halves of another model: the instances agree, the proof does not.
    let other_model = |a: &mut Attestation| {
        a.public.model = ModelValues::Declared(DeclaredModel::new(hash_bytes(b"another model")));
        a.instances = lineage_prover::pipeline::instances_of(&a.public);
        a.calldata = aggregate::calldata(&AggregateProof {
            instances: a.instances.clone(),
            proof: a.proof.clone(),
        });
    };
    assert!(matches!(refused(&other_model), Rejection::Proof));
    // Presented as proven training.
    assert!(matches!(refused(&|a| a.kind = TrainingKind::Proven), Rejection::Kind { .. }));
    assert!(matches!(
        check_attestation(&DEMO, &verifier, &att).unwrap_err(),
        Rejection::Profile { .. }
    ));
}
