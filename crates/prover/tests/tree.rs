//! A height-1 proof-tree node over real demo-declared chunk proofs: 140 records in chunks
//! of 64 (64 + 64 + 12). The node over chunks 0 and 1 exposes the body of their 128
//! records as one subtree; the node over chunk 2 alone (padded) the body of its 12.
//! Heavy (one node key and two node proofs, ~10 min on 2 cores): run with `--ignored`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::{
    chunk::ChunkWitness, layout::ACCUMULATOR_LEN, profile::DEMO_DECLARED, tree::Body,
    LineageCircuit,
};
use lineage_core::{
    manifest::{DatasetManifest, SourcedRecord},
    record::sort_training_order,
    Address, ContentHash, License, MerkleTree, Record,
};
use lineage_prover::{
    artifacts::{self, SrsSource},
    kzg, srs, tree,
};
use std::time::Instant;

fn inputs() -> (Vec<DatasetManifest>, Vec<Record>) {
    let mut datasets = Vec::new();
    for k in 0..2u8 {
        let records = (0..70u8)
            .map(|i| SourcedRecord {
                record: Record {
                    content: ContentHash([i; 32].map(|b| b ^ (k * 0x80))),
                    creator: Address::repeat_byte(k + 1),
                    license: License::new(u32::from(k)).unwrap(),
                    features: vec![],
                    label: 0,
                },
                source: None,
            })
            .collect();
        datasets.push(DatasetManifest::build(records, DEMO_DECLARED.dataset.depth, 16).unwrap().0);
    }
    let mut training: Vec<Record> =
        datasets.iter().flat_map(|d| d.records.iter().map(|r| r.record.clone())).collect();
    sort_training_order(&mut training);
    (datasets, training)
}

#[test]
#[ignore = "heavy: a node key and two node proofs (~10 min on 2 cores)"]
fn a_height_one_node_exposes_the_body_of_its_two_chunks() {
    let t0 = Instant::now();
    let mut log = |s: &str| eprintln!("[{:>7.1?}] {s}", t0.elapsed());
    let profile = DEMO_DECLARED;
    let (setup, _, _) =
        artifacts::open(&artifacts::default_root(), &profile, &SrsSource::Dev, false, &mut log)
            .unwrap();
    let (datasets, training) = inputs();
    assert_eq!(training.len(), 140);
    let cp = &setup.params[&setup.chunk.k()];
    let chunks: Vec<_> = training
        .chunks(profile.records)
        .map(|part| {
            let dataset = setup.chunk.dataset.witness(&datasets, part, 0b11).unwrap();
            let w = ChunkWitness { dataset, training: None };
            let (proof, inst) = kzg::prove(cp, &setup.chunk_keys, &setup.chunk, &w).unwrap();
            kzg::snark(cp, setup.chunk_keys.vk(), proof, inst)
        })
        .collect();
    log("three chunk proofs");

    let params = srs::dev_params(profile.aggregation_k);
    let keys = tree::keygen(&params, &profile, 1, chunks[0].clone(), None).unwrap();
    log(&format!("node keys, config {:?}", keys.config));

    let expect = |recs: &[Record], height: u32| {
        let leaves = recs.iter().map(Record::leaf).collect();
        let root = MerkleTree::new(leaves, height).unwrap().root();
        let dw = setup.chunk.dataset.witness(&datasets, &recs[..recs.len().min(64)], 0b11).unwrap();
        let mut body = Body::from_words(&dw.public.to_instances(), None).unwrap();
        body.root = root;
        body.n = Fr::from(recs.len() as u64);
        body.last = {
            let pre = recs[recs.len() - 1].leaf_preimage();
            [pre[0], pre[1]]
        };
        let mut count = [0u64; 4];
        for r in recs {
            count[usize::from(r.creator == Address::repeat_byte(2))] += 1;
        }
        body.count = count.map(Fr::from);
        body
    };

    let node =
        tree::prove(&params, &keys, &profile, chunks[0].clone(), Some(chunks[1].clone())).unwrap();
    log("node over chunks 0 and 1");
    assert!(tree::verify(&params, keys.vk(), &node));
    let words = &node.instances[0][ACCUMULATOR_LEN..];
    assert_eq!(Body::from_words(words, None).unwrap(), expect(&training[..128], 7));

    let padded = tree::prove(&params, &keys, &profile, chunks[2].clone(), None).unwrap();
    log("node over chunk 2, padded");
    assert!(tree::verify(&params, keys.vk(), &padded));
    let words = &padded.instances[0][ACCUMULATOR_LEN..];
    assert_eq!(Body::from_words(words, None).unwrap(), expect(&training[128..], 7));

    let mut wrong = node.clone();
    wrong.instances[0][ACCUMULATOR_LEN] += Fr::one();
    assert!(!tree::verify(&params, keys.vk(), &wrong), "a changed word does not verify");
    log("done");
}
