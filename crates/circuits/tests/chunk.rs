//! The chunk circuit of a proven profile: the dataset and training circuits on one builder,
//! linked. An honest chunk is accepted with its body as public words; a training run over
//! other records than the dataset proof's is refused by the link (and accepted without it).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::halo2_proofs::dev::MockProver;
use lineage_circuits::{
    chunk::{ChunkCircuit, ChunkWitness},
    circuit,
    layout::BodyLayout,
    profile::{DEMO, DEMO_DECLARED},
    LineageCircuit,
};
use lineage_core::{
    manifest::{DatasetManifest, SourcedRecord},
    record::sort_training_order,
    train::{Bounds, Weights},
    Address, ContentHash, License, Record,
};

/// Two certified datasets of 20 records with features, and 30 of their records in the
/// training order.
fn inputs() -> (Vec<DatasetManifest>, Vec<Record>) {
    let one = Bounds::new(DEMO.training.frac_bits).one();
    let mut datasets = Vec::new();
    for k in 0..2u8 {
        let records = (0..20u8)
            .map(|i| {
                let features = (0..8).map(|j| (i64::from(i) * 5 + j * 3) % 11 * one / 8 - one / 2);
                let record = Record {
                    content: ContentHash([k * 100 + i; 32]),
                    creator: Address::repeat_byte(k + 1),
                    license: License::new(u32::from(k)).unwrap(),
                    features: features.collect(),
                    label: u32::from(i % 3 == 0),
                };
                SourcedRecord { record, source: None }
            })
            .collect();
        datasets.push(DatasetManifest::build(records, DEMO.dataset.depth, 16).unwrap().0);
    }
    let mut training: Vec<Record> =
        (0..30).map(|i| datasets[i % 2].records[i / 2].record.clone()).collect();
    sort_training_order(&mut training);
    (datasets, training)
}

fn witness(c: &ChunkCircuit, training_on: &[Record]) -> ChunkWitness {
    let (datasets, training) = inputs();
    let one = Bounds::new(DEMO.training.frac_bits).one();
    let tw = c
        .training
        .as_ref()
        .map(|t| t.witness(training_on.to_vec(), one / 4, Weights::zeros(8)).unwrap());
    ChunkWitness { dataset: c.dataset.witness(&datasets, &training, 0b11).unwrap(), training: tw }
}

fn accepts(c: &ChunkCircuit, w: &ChunkWitness) -> bool {
    let (builder, values) = circuit::mock(c, w);
    assert_eq!(values, c.instances(w), "the exposed words are the native body");
    MockProver::run(c.k(), &builder, vec![values]).unwrap().verify().is_ok()
}

#[test]
fn an_honest_proven_chunk_exposes_its_body() {
    let c = ChunkCircuit::new(&DEMO);
    let (_, training) = inputs();
    let w = witness(&c, &training);
    assert_eq!(c.instances(&w).len(), BodyLayout::len(Some(2)));
    assert!(accepts(&c, &w));
}

#[test]
fn training_on_other_records_is_refused_by_the_link() {
    let c = ChunkCircuit::new(&DEMO);
    let (_, training) = inputs();
    // The dataset proof's 30 records; the run skips the last one.
    let w = witness(&c, &training[..29]);
    assert!(!accepts(&c, &w));
    assert!(accepts(&ChunkCircuit { unlinked: true, ..c }, &w), "accepted without the link");
}

#[test]
fn a_declared_chunk_is_the_dataset_circuit() {
    let c = ChunkCircuit::new(&DEMO_DECLARED);
    assert_eq!(c.k(), DEMO.dataset.k);
    assert_eq!(c.lookup_bits(), None);
    let (_, training) = inputs();
    let w = witness(&c, &training);
    assert_eq!(c.instances(&w), w.dataset.public.to_instances());
    assert!(accepts(&c, &w));
}
