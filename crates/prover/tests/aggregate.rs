//! The demo profile in the prover: its setup (cached, made under the dev SRS if absent),
//! and ONE aggregated proof of the dataset and training chunk that verifies natively
//! (exactly the verifier contract's checks) and not for other public values; the committed
//! Solidity verifier is what this setup generates (no drift).
//!
//! The proof is the committed fixture, which this test makes and commits under
//! `LINEAGE_BLESS=1` (it also rewrites the verifier); otherwise it checks the committed one
//! against the same inputs. `script/e2e.sh` proves the demo profile anew through
//! `lineage prove`, so CI makes that proof once.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{committed, inputs, Fixture};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::profile::STANDARD;
use lineage_circuits::{layout::AggregateLayout, profile::DEMO, training::TrainingCircuit};
use lineage_core::attestation::Attestation;
use lineage_core::train::{Bounds, Weights};
use lineage_prover::{
    aggregate::{self, AggregateProof},
    artifacts::{vk_sha256, VerifierArtifacts},
    pipeline::{check_attestation, Rejection, Setup},
};

const VERIFIER: &str = "contracts/verifiers/LineageVerifierDemo.sol";
const FIXTURE: Fixture = Fixture {
    json: "contracts/test/fixtures/demo-proof.json",
    sol: "contracts/test/fixtures/DemoProof.sol",
    library: "DemoProof",
    what: "aggregated demo-profile proof",
    generator: "crates/prover/tests/aggregate.rs",
};

#[test]
fn demo_aggregated_proof_verifies_binds_its_values_and_matches_the_committed_verifier() {
    let mut log = common::logger();
    let setup = common::cached_setup(&DEMO, &mut log);

    let (datasets, training) = inputs();
    let one = Bounds::new(DEMO.training.frac_bits).one();
    let dw = setup.chunk.dataset.witness(&datasets, &training, 0b11).unwrap();
    let tw = TrainingCircuit::new(&DEMO)
        .witness(training.clone(), one / 4, Weights::zeros(DEMO.training.features))
        .unwrap();
    let proof = common::fixture_proof(&FIXTURE, || setup.prove(&dw, &tw, &mut log).unwrap());

    let inst = &proof.instances;
    assert_eq!(inst.len(), AggregateLayout::LEN);
    assert_eq!(inst[AggregateLayout::cert_root(0)], datasets[0].root);
    assert_eq!(inst[AggregateLayout::count(1)], Fr::from(24));
    assert_eq!(inst[AggregateLayout::TRAIN_ROOT], DEMO.train_root_of_chunk(dw.public.train_root));
    assert_eq!(inst[AggregateLayout::N_RECORDS], Fr::from(48));
    assert_eq!(inst[AggregateLayout::W_HASH], tw.weights().hash());
    assert_eq!(inst[AggregateLayout::W0_HASH], Weights::zeros(DEMO.training.features).hash());
    let hyper = TrainingCircuit::new(&DEMO).hyper(one / 4, 48);
    assert_eq!(inst[AggregateLayout::HYPER_HASH], hyper.hash(), "computed by the aggregation");
    assert!(setup.verify(&proof), "the honest aggregated proof verifies");

    for (what, i) in [
        ("a count", AggregateLayout::count(0)),
        ("a certified root", AggregateLayout::cert_root(1)),
        ("the model hash", AggregateLayout::W_HASH),
        ("the initial weights", AggregateLayout::W0_HASH),
        ("the hyperparameters", AggregateLayout::HYPER_HASH),
        ("the train root", AggregateLayout::TRAIN_ROOT),
        ("an accumulator limb", AggregateLayout::ACCUMULATOR),
    ] {
        let mut other = proof.clone();
        other.instances[i] += Fr::one();
        assert!(!setup.verify(&other), "changing {what} must not verify");
    }

    check_attestation_names_each_refusal(&setup, &proof);

    committed(VERIFIER, &setup.verifier_solidity(), common::bless());
    log("done");
}

/// `lineage verify`'s checks on an attestation file: the honest one passes, and each kind
/// of inconsistency is refused with its own reason.
fn check_attestation_names_each_refusal(setup: &Setup, proof: &AggregateProof) {
    let vk = setup.aggregate_keys.vk();
    let verifier = VerifierArtifacts {
        params: setup.params[&DEMO.aggregation_k].clone(),
        vk: vk.clone(),
        vk_sha256: vk_sha256(vk),
        srs: setup.srs.clone(),
    };
    let att = setup.attestation(proof, Default::default());
    check_attestation(&DEMO, &verifier, &att).unwrap();
    let refused = |change: &dyn Fn(&mut Attestation)| {
        let mut a = att.clone();
        change(&mut a);
        check_attestation(&DEMO, &verifier, &a).unwrap_err()
    };
    assert!(matches!(refused(&|a| a.version += 1), Rejection::Version(_)));
    assert!(matches!(
        check_attestation(&STANDARD, &verifier, &att).unwrap_err(),
        Rejection::Profile { .. }
    ));
    assert!(matches!(refused(&|a| a.vk_sha256 = "00".repeat(32)), Rejection::Key { .. }));
    assert!(matches!(refused(&|a| a.public.counts[0] += 1), Rejection::Instances));
    assert!(matches!(refused(&|a| a.calldata[3] ^= 1), Rejection::Calldata));
    let flipped = |a: &mut Attestation| {
        a.proof[100] ^= 1;
        a.calldata = aggregate::calldata(&AggregateProof {
            instances: a.instances.clone(),
            proof: a.proof.clone(),
        });
    };
    assert!(matches!(refused(&flipped), Rejection::Proof));
}
