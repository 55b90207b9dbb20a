//! A proof tree of the proven kind (plan step S7): 140 demo records with features, trained
//! as ONE SGD run of two epochs, proven in chunks of 64 (64 + 64 + 12). Each chunk proves
//! its segment of each epoch from the run's checkpoints (`lineage_core::train::checkpoints`);
//! the nodes chain the segments across chunks, and the root chains the epochs and exposes
//! `w0_hash`, `w_hash` and `hyper_hash` of the whole run, as `lineage_core::train` computes
//! them for all 140 records.
//!
//! Its own test binary, so that its keys are never generated beside `tree.rs`'s. Heavy
//! (node and root keys, three node proofs and a root proof, ~30 min on 2 cores): run with
//! `--ignored`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::{
    chunk::ChunkWitness,
    layout::{AggregateLayout, DatasetLayout, ACCUMULATOR_LEN},
    profile::{TrainingKind, DEMO},
    training::TrainingWitness,
    LineageCircuit,
};
use lineage_core::{
    train::{self, Bounds, Weights},
    MerkleTree, Record,
};
use lineage_prover::{
    aggregate, kzg, srs,
    tree::{self, Proof},
};

#[test]
#[ignore = "heavy: node and root keys, three node proofs and a root proof (~30 min on 2 cores)"]
fn a_proven_tree_exposes_the_whole_runs_commitments() {
    let mut log = common::logger();
    let profile = DEMO;
    let setup = common::cached_setup(&profile, &mut log);
    let (datasets, training) = common::inputs_of(70);
    assert_eq!(training.len(), 140);
    let circuit = setup.chunk.training.as_ref().expect("a proven profile's chunk trains");
    let lr = Bounds::new(profile.training.frac_bits).one() / 4;
    let w0 = Weights::zeros(profile.training.features);
    let hyper = circuit.hyper(lr, training.len());
    let run = train::checkpoints(&hyper, &training, &w0, profile.records).unwrap();
    assert_eq!(run.end, train::train(&hyper, &training, &w0).unwrap(), "one run, chunked");
    let epochs = profile.training.epochs as usize;

    let cp = &setup.params[&setup.chunk.k()];
    let chunk = (cp, setup.chunk_keys.vk());
    let chunks: Vec<Proof> = training
        .chunks(profile.records)
        .enumerate()
        .map(|(i, part)| {
            let dataset = setup.chunk.dataset.witness(&datasets, part, 0b11).unwrap();
            let segments = TrainingWitness {
                records: part.to_vec(),
                lr,
                starts: (0..epochs).map(|e| run.starts[e][i].clone()).collect(),
                ends: (0..epochs).map(|e| run.end_of(e, i).clone()).collect(),
                tamper: Default::default(),
            };
            let w = ChunkWitness { dataset, training: Some(segments) };
            let (proof, instances) = kzg::prove(cp, &setup.chunk_keys, &setup.chunk, &w).unwrap();
            Proof { instances, proof }
        })
        .collect();
    log("three chunk proofs");

    let params = srs::dev_params(profile.aggregation_k);
    let keys = tree::keygen(&params, &profile, chunk).unwrap();
    log(&format!("node keys, config {:?}", keys.inner.config));
    let left =
        tree::prove_leaf(&params, &keys, &profile, chunk, &chunks[0], Some(&chunks[1])).unwrap();
    log("height-1 node over chunks 0 and 1");
    let right = tree::prove_leaf(&params, &keys, &profile, chunk, &chunks[2], None).unwrap();
    log("height-1 node over chunk 2, padded");
    let top = tree::prove_inner(&params, &keys, &profile, &left, Some(&right)).unwrap();
    log("height-2 node over both");

    // The top body: all 140 records, each epoch's segment from its start to its end.
    let body = tree::body_of(&profile, &top).unwrap();
    let leaves: Vec<_> = training.iter().map(Record::leaf).collect();
    assert_eq!(body.n, Fr::from(140u64));
    assert_eq!(body.count[..2], [Fr::from(70u64); 2]);
    assert_eq!(body.root, MerkleTree::new(leaves.clone(), 8).unwrap().root());
    let segments = body.training.as_ref().unwrap();
    for e in 0..epochs {
        assert_eq!(segments.w_in[e], run.starts[e][0].hash(), "epoch {e} starts");
        assert_eq!(segments.w_out[e], run.end_of(e, 2).hash(), "epoch {e} ends");
    }

    let root = tree::keygen_root(&params, &profile, &keys).unwrap();
    log(&format!("root keys, config {:?}", root.config));
    let proof = tree::prove_root(&params, &root, &keys, &profile, &top, None).unwrap();
    log("root over the height-2 node");
    assert!(aggregate::verify(&params, root.vk(), TrainingKind::Proven, &proof));
    let words = &proof.instances;
    assert_eq!(words.len(), AggregateLayout::LEN);
    assert_eq!(
        words[ACCUMULATOR_LEN..][..DatasetLayout::LEN],
        {
            let mut d = body.words()[..DatasetLayout::LEN].to_vec();
            d[DatasetLayout::TRAIN_ROOT] = MerkleTree::new(leaves, 20).unwrap().root();
            d
        }[..]
    );
    assert_eq!(
        [words[AggregateLayout::W0_HASH], words[AggregateLayout::W_HASH]],
        [w0.hash(), run.end.hash()]
    );
    assert_eq!(words[AggregateLayout::HYPER_HASH], hyper.hash(), "over all 140 records");
    for i in [AggregateLayout::W_HASH, AggregateLayout::HYPER_HASH, AggregateLayout::N_RECORDS] {
        let mut wrong = proof.clone();
        wrong.instances[i] += Fr::one();
        assert!(!aggregate::verify(&params, root.vk(), TrainingKind::Proven, &wrong), "word {i}");
    }
    let err = tree::prove_root(&params, &root, &keys, &profile, &top, Some(Default::default()));
    assert!(matches!(err, Err(lineage_prover::Error::Kind { .. })), "{err:?}");
    log("done");
}
