//! A proof tree over real demo-declared chunk proofs: 140 records in chunks of 64
//! (64 + 64 + 12). The height-1 node over chunks 0 and 1 exposes the body of their 128
//! records as one subtree, the one over chunk 2 alone (padded) the body of its 12, and the
//! height-2 node over both the body of all 140. Children that do not verify under the key
//! of their position are refused before proving.
//! The root over the height-2 node, and over the padded height-1 node, exposes the
//! attestation's words for those records, verified as the EVM verifier would.
//! Heavy (node and root keys, three node and two root proofs, ~30 min on 2 cores): run
//! with `--ignored`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::{
    chunk::ChunkWitness,
    layout::{DatasetLayout, DeclaredLayout, NodeLayout, ACCUMULATOR_LEN},
    profile::{TrainingKind, DEMO_DECLARED},
    tree::Body,
    LineageCircuit,
};
use lineage_core::{
    manifest::{DatasetManifest, SourcedRecord},
    record::sort_training_order,
    Address, ContentHash, License, MerkleTree, Record,
};
use lineage_prover::{
    aggregate, kzg, srs,
    tree::{self, Proof},
};

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
#[ignore = "heavy: node and root keys, three node and two root proofs (~30 min on 2 cores)"]
fn a_tree_of_three_chunks_exposes_the_body_of_all_its_records() {
    let mut log = common::logger();
    let profile = DEMO_DECLARED;
    let setup = common::cached_setup(&profile, &mut log);
    let (datasets, training) = inputs();
    assert_eq!(training.len(), 140);
    let cp = &setup.params[&setup.chunk.k()];
    let chunk = (cp, setup.chunk_keys.vk());
    let chunks: Vec<Proof> = training
        .chunks(profile.records)
        .map(|part| {
            let dataset = setup.chunk.dataset.witness(&datasets, part, 0b11).unwrap();
            let w = ChunkWitness { dataset, training: None };
            let (proof, instances) = kzg::prove(cp, &setup.chunk_keys, &setup.chunk, &w).unwrap();
            Proof { instances, proof }
        })
        .collect();
    log("three chunk proofs");

    let params = srs::dev_params(profile.aggregation_k);
    let keys = tree::keygen(&params, &profile, chunk).unwrap();
    log(&format!("node keys, config {:?}", keys.inner.config));

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
    let tail = |node: &Proof| {
        let w = &node.instances;
        [w[NodeLayout::height(None)], w[NodeLayout::vk(None)]]
    };

    // A chunk proof with a flipped byte, or a changed word, is refused before proving.
    let mut flipped = chunks[1].clone();
    flipped.proof[40] ^= 1;
    let err = tree::prove_leaf(&params, &keys, &profile, chunk, &chunks[0], Some(&flipped));
    assert!(matches!(err, Err(lineage_prover::Error::Child { side: "right", .. })), "{err:?}");
    let mut changed = chunks[0].clone();
    changed.instances[0] += Fr::one();
    let err = tree::prove_leaf(&params, &keys, &profile, chunk, &changed, None);
    assert!(matches!(err, Err(lineage_prover::Error::Child { side: "left", .. })), "{err:?}");

    let left =
        tree::prove_leaf(&params, &keys, &profile, chunk, &chunks[0], Some(&chunks[1])).unwrap();
    log("height-1 node over chunks 0 and 1");
    assert!(tree::verify(&params, keys.leaf.vk(), &left));
    assert_eq!(tree::body_of(&profile, &left).unwrap(), expect(&training[..128], 7));
    assert_eq!(tail(&left), [Fr::one(), Fr::zero()]);

    let right = tree::prove_leaf(&params, &keys, &profile, chunk, &chunks[2], None).unwrap();
    log("height-1 node over chunk 2, padded");
    assert_eq!(tree::body_of(&profile, &right).unwrap(), expect(&training[128..], 7));

    let mut wrong = left.clone();
    wrong.instances[NodeLayout::BODY] += Fr::one();
    assert!(!tree::verify(&params, keys.leaf.vk(), &wrong), "a changed word does not verify");
    assert!(!tree::verify(&params, keys.inner.vk(), &left), "not under the inner key");
    // Children refused before proving: a changed word, one of another height.
    let err = tree::prove_inner(&params, &keys, &profile, &left, Some(&wrong));
    assert!(matches!(err, Err(lineage_prover::Error::Child { side: "right", .. })), "{err:?}");
    let err = tree::prove_inner(&params, &keys, &profile, &chunks[0], Some(&right));
    assert!(matches!(err, Err(lineage_prover::Error::Child { side: "left", .. })), "{err:?}");

    let top = tree::prove_inner(&params, &keys, &profile, &left, Some(&right)).unwrap();
    log("height-2 node over both");
    assert!(tree::verify(&params, keys.inner.vk(), &top));
    assert_eq!(tree::body_of(&profile, &top).unwrap(), expect(&training, 8));
    assert_eq!(tail(&top), [Fr::from(2u64), keys.digests[1]]);
    assert_eq!(tree::height_of(&profile, &top), Some(2));
    // A height-3 node over it alone would need a sibling of height 2: the left of another
    // height is refused.
    let err = tree::prove_inner(&params, &keys, &profile, &top, Some(&left));
    assert!(matches!(err, Err(lineage_prover::Error::Child { side: "right", .. })), "{err:?}");

    // The root: the attestation's words over a node of any height, EVM-verifiable.
    let root = tree::keygen_root(&params, &profile, &keys).unwrap();
    log(&format!("root keys, config {:?}", root.config));
    let model = ContentHash([0x5a; 32]);
    let statement = |recs: &[Record], body: &Body<Fr>| {
        let leaves = recs.iter().map(Record::leaf).collect();
        let mut words = body.words()[..DatasetLayout::LEN].to_vec();
        words[DatasetLayout::TRAIN_ROOT] = MerkleTree::new(leaves, 20).unwrap().root();
        let (hi, lo) = model.to_fields();
        words.extend([hi, lo]);
        words
    };
    for (node, recs) in [(&top, &training[..]), (&right, &training[128..])] {
        let proof = tree::prove_root(&params, &root, &keys, &profile, node, Some(model)).unwrap();
        log(&format!("root over a node of height {:?}", tree::height_of(&profile, node)));
        assert!(aggregate::verify(&params, root.vk(), TrainingKind::Declared, &proof));
        let body = tree::body_of(&profile, node).unwrap();
        assert_eq!(proof.instances[ACCUMULATOR_LEN..], statement(recs, &body)[..]);
        let mut wrong = proof.clone();
        wrong.instances[DeclaredLayout::MODEL_HASH_LO] += Fr::one();
        assert!(!aggregate::verify(&params, root.vk(), TrainingKind::Declared, &wrong));
    }
    let err = tree::prove_root(&params, &root, &keys, &profile, &wrong, Some(model));
    assert!(matches!(err, Err(lineage_prover::Error::Child { side: "top", .. })), "{err:?}");
    let err = tree::prove_root(&params, &root, &keys, &profile, &top, None);
    assert!(matches!(err, Err(lineage_prover::Error::Kind { .. })), "{err:?}");
    log("done");
}
