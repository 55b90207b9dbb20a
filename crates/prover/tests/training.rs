//! A real KZG (SHPLONK) keygen, proof and verification of the training circuit of the demo
//! profile under the dev SRS: the public values are the native trainer's, and the proof
//! does not verify for another model, learning rate or training set.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::{layout::TrainingLayout, profile::DEMO, training::TrainingCircuit};
use lineage_core::{
    content::hash_bytes,
    train::{Bounds, Weights},
    Address, License, MerkleTree, Record,
};
use lineage_prover::{kzg, srs};

#[test]
fn demo_training_proof_verifies_and_binds_its_public_values() {
    let circuit = TrainingCircuit::new(&DEMO);
    let (d, f) = (DEMO.training.features, DEMO.training.frac_bits);
    let one = Bounds::new(f).one();
    // 40 of the 64 slots, features of both signs, a label that depends on them.
    let records: Vec<Record> = (0..40i64)
        .map(|i| {
            let features: Vec<i64> =
                (0..d as i64).map(|j| ((i * 7 + j * 13) % 17 - 8) * one / 8).collect();
            let label = u32::from(features[0] - features[3] + features[5] > 0);
            Record {
                content: hash_bytes(format!("work {i}").as_bytes()),
                creator: Address::repeat_byte(1 + (i % 3) as u8),
                license: License::new((i % 2) as u32).unwrap(),
                features,
                label,
            }
        })
        .collect();
    let witness = circuit.witness(records.clone(), one / 4, Weights::zeros(d)).unwrap();
    assert!(witness.weights().accuracy(&records, f) > 0.8);

    let params = srs::dev_params(DEMO.training.k);
    let keys = kzg::keygen(&params, &circuit).unwrap();
    let (proof, instances) = kzg::prove(&params, &keys, &circuit, &witness).unwrap();
    assert_eq!(instances, circuit.instances(&witness));
    let leaves = records.iter().map(Record::leaf).collect();
    let root = MerkleTree::new(leaves, DEMO.chunk_depth()).unwrap().root();
    assert_eq!(instances[TrainingLayout::TRAIN_ROOT], root);
    let last =
        TrainingLayout::w_out(DEMO.training.epochs as usize - 1, DEMO.training.epochs as usize);
    assert_eq!(instances[last], witness.weights().hash());
    assert!(kzg::verify(&params, keys.vk(), &proof, &instances));

    for (what, i, value) in [
        ("another model", last, Weights::zeros(d).hash()),
        ("another start", TrainingLayout::w_in(0), Weights::zeros(d).hash() + Fr::one()),
        ("another learning rate", TrainingLayout::LR, Fr::from((one / 8) as u64)),
        ("another count", TrainingLayout::N_RECORDS, Fr::from(41u64)),
        ("another training set", TrainingLayout::TRAIN_ROOT, instances[0] + Fr::one()),
    ] {
        let mut other = instances.clone();
        other[i] = value;
        assert!(!kzg::verify(&params, keys.vk(), &proof, &other), "{what} must not verify");
    }
}
