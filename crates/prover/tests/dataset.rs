//! A real KZG (SHPLONK) keygen, proof and verification of the dataset circuit of the demo
//! profile, under the dev SRS; a proof does not verify for other public values.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::{dataset::DatasetCircuit, layout::DatasetLayout, profile::DEMO};
use lineage_core::{
    content::hash_bytes,
    manifest::{DatasetManifest, SourcedRecord},
    record::sort_training_order,
    Address, License, Record,
};
use lineage_prover::{kzg, srs};

fn dataset(name: &str, n: usize, creator: u8, license: u32) -> DatasetManifest {
    let recs = (0..n)
        .map(|i| SourcedRecord {
            record: Record {
                content: hash_bytes(format!("{name}/{i}").as_bytes()),
                creator: Address::repeat_byte(creator),
                license: License::new(license).unwrap(),
                features: vec![i as i64, -7],
                label: (i % 2) as u32,
            },
            source: None,
        })
        .collect();
    DatasetManifest::build(recs, DEMO.dataset.depth, 16).unwrap().0
}

#[test]
fn demo_dataset_proof_verifies_and_binds_its_public_values() {
    let circuit = DatasetCircuit::new(&DEMO);
    let ds = vec![dataset("atelier", 24, 1, 1), dataset("harbor", 24, 2, 0)];
    let mut training: Vec<Record> =
        ds.iter().flat_map(|d| d.records.iter().map(|r| r.record.clone())).collect();
    sort_training_order(&mut training);
    let witness = circuit.witness(&ds, &training, 0b11).unwrap();

    let params = srs::dev_params(DEMO.dataset.k);
    let keys = kzg::keygen(&params, &circuit).unwrap();
    let (proof, instances) = kzg::prove(&params, &keys, &circuit, &witness).unwrap();
    assert_eq!(instances, witness.public.to_instances());
    assert_eq!(instances[DatasetLayout::count(0)], Fr::from(24));
    assert!(kzg::verify(&params, keys.vk(), &proof, &instances));

    let mut other = instances.clone();
    other[DatasetLayout::count(1)] += Fr::one();
    assert!(!kzg::verify(&params, keys.vk(), &proof, &other), "a changed count must fail");
    let mut flipped = proof.clone();
    flipped[40] ^= 1;
    assert!(!kzg::verify(&params, keys.vk(), &flipped, &instances), "a changed proof must fail");
}
