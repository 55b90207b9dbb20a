//! The demo-declared proof tree as the chain sees it: a training set of 80 records, two
//! chunks of the demo-declared chunk circuit (64 + 16), one height-1 node and the root,
//! proven under profile `demo-declared-tree` (id 7). The root's words are those of a single
//! declared proof over the same 80 records (`train_root` at depth 20 over all of them, the
//! counts summed, the model hash's halves); it verifies natively and not for other words;
//! the committed verifier `LineageVerifierDemoDeclaredTree.sol` is what the cached keys
//! render; `lineage verify`'s checks accept its attestation and refuse it under the single
//! profile.
//!
//! The inputs are those `script/e2e.sh` proves as a tree from the command line: `lineage
//! sample --records 80`, each dataset built at depth 10, all 80 records trained, a model
//! file of 65,536 bytes `w`. So this proof is the local result (`prove_set` with one job,
//! what `lineage prove --jobs 1` runs) of the plan that `tests/ray.sh` proves on a Ray
//! cluster, which checks that its root carries these same public words.
//!
//! The proof is the committed fixture (`contracts/test/fixtures/demo-declared-tree-proof.json`,
//! read by `RealVerifierDeclaredTree.t.sol`), which this test proves and commits under
//! `LINEAGE_BLESS=1` (~8 min); otherwise it checks the committed one against the same
//! inputs. Its own test binary:
//! with a cold cache it generates the tree's keys (~10 min, 12.6 GB), which must never run
//! beside another key generation.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{committed, Fixture};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::{
    layout::{AggregateLayout, DeclaredLayout},
    profile::{DEMO_DECLARED, DEMO_DECLARED_TREE},
};
use lineage_core::{
    content::hash_bytes,
    ingest::{read_records, Defaults},
    record::sort_training_order,
    sample::sample_corpus,
    ContentHash, DatasetManifest, MerkleTree, Record,
};
use lineage_prover::{
    artifacts::{vk_sha256, VerifierArtifacts},
    inputs::{witnesses, Claim},
    pipeline::{check_attestation, verifier_contract_name, Rejection},
};

const VERIFIER: &str = "contracts/verifiers/LineageVerifierDemoDeclaredTree.sol";
const FIXTURE: Fixture = Fixture {
    json: "contracts/test/fixtures/demo-declared-tree-proof.json",
    sol: "contracts/test/fixtures/DemoDeclaredTreeProof.sol",
    library: "DemoDeclaredTreeProof",
    what: "demo-declared-tree root proof (80 records in two chunks)",
    generator: "crates/prover/tests/tree_fixture.rs",
};

#[test]
fn a_two_chunk_tree_root_has_the_words_of_one_proof_and_matches_the_committed_verifier() {
    let mut log = common::logger();
    let profile = DEMO_DECLARED_TREE;
    assert_eq!(verifier_contract_name(&profile), "LineageVerifierDemoDeclaredTree");
    let setup = common::cached_setup(&profile, &mut log);
    assert!(setup.tree.is_some(), "a tree profile's setup holds its node keys");

    let (datasets, training, model) = e2e_inputs(profile.training.frac_bits);
    assert_eq!(training.len(), 80);
    // The licenses the records carry, as `lineage prove` allows them without --licenses.
    let mask = training.iter().fold(0, |m, r| m | r.license.mask_bit());
    let set = witnesses(&profile, &datasets, &training, mask, &Claim::Declared { model }).unwrap();
    assert_eq!(set.chunks.len(), 2);
    let proof =
        common::fixture_proof(&FIXTURE, || setup.prove_set(&set, None, 1, &mut log).unwrap().0);

    let w = &proof.instances;
    assert_eq!(w.len(), DeclaredLayout::LEN, "the words of a single declared proof");
    let leaves = training.iter().map(Record::leaf).collect();
    let root = MerkleTree::new(leaves, profile.train_depth()).unwrap().root();
    assert_eq!(w[AggregateLayout::TRAIN_ROOT], root, "all 80 records at depth 20");
    assert_eq!(w[AggregateLayout::N_RECORDS], Fr::from(80));
    assert_eq!([w[AggregateLayout::count(0)], w[AggregateLayout::count(1)]], [Fr::from(40); 2]);
    assert_eq!(w[AggregateLayout::cert_root(1)], datasets[1].root);
    let (hi, lo) = model.to_fields();
    assert_eq!([w[DeclaredLayout::MODEL_HASH_HI], w[DeclaredLayout::MODEL_HASH_LO]], [hi, lo]);
    assert!(setup.verify(&proof), "the root proof verifies");
    for (what, i) in [
        ("n_records", AggregateLayout::N_RECORDS),
        ("a count", AggregateLayout::count(0)),
        ("the train root", AggregateLayout::TRAIN_ROOT),
        ("the model hash", DeclaredLayout::MODEL_HASH_LO),
        ("an accumulator limb", AggregateLayout::ACCUMULATOR),
    ] {
        let mut other = proof.clone();
        other.instances[i] += Fr::one();
        assert!(!setup.verify(&other), "changing {what} must not verify");
    }

    // `lineage verify`: accepted under the tree profile, refused as the single profile's.
    let vk = setup.aggregate_keys.vk();
    let verifier = VerifierArtifacts {
        params: setup.aggregate_params().clone(),
        vk: vk.clone(),
        vk_sha256: vk_sha256(vk),
        srs: setup.srs.clone(),
    };
    let att = setup.attestation(&proof, Default::default());
    assert_eq!((att.profile.as_str(), att.profile_id), ("demo-declared-tree", 7));
    check_attestation(&profile, &verifier, &att).unwrap();
    let refused = check_attestation(&DEMO_DECLARED, &verifier, &att).unwrap_err();
    assert!(matches!(refused, Rejection::Profile { .. }), "{refused}");

    committed(VERIFIER, &setup.verifier_solidity(), common::bless());
    log("done");
}

/// `script/e2e.sh`'s proof tree inputs, made as its commands make them: the sample corpus of
/// 80 works, each dataset's `records.jsonl` built at depth 10, the training set all their
/// records in the training order, and the SHA-256 of 65,536 bytes `w` (its model file).
fn e2e_inputs(frac_bits: u32) -> (Vec<DatasetManifest>, Vec<Record>, ContentHash) {
    let dir = tempfile::tempdir().unwrap();
    for f in sample_corpus(80) {
        let path = dir.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, f.bytes).unwrap();
    }
    let defaults = Defaults { creator: None, license: None, frac_bits };
    let datasets: Vec<DatasetManifest> = ["atelier", "harbor"]
        .iter()
        .map(|d| {
            let jsonl = dir.path().join(d).join("records.jsonl");
            let records = read_records(&jsonl, &defaults, &()).unwrap();
            DatasetManifest::build(records, 10, frac_bits).unwrap().0
        })
        .collect();
    let mut training: Vec<Record> =
        datasets.iter().flat_map(|m| m.records.iter().map(|r| r.record.clone())).collect();
    sort_training_order(&mut training);
    (datasets, training, hash_bytes(&[b'w'; 65536]))
}
