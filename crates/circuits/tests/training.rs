//! The training circuit against the native trainer: bit-for-bit agreement on random runs
//! (negative features and weights included), and one negative test per attack, each
//! rejected by the honest circuit and accepted once the one constraint it targets is
//! removed (so the test can fail).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::halo2_proofs::{dev::MockProver, halo2curves::bn256::Fr};
use lineage_circuits::{
    circuit,
    layout::TrainingLayout,
    profile::{TrainingShape, DEMO},
    training::{Ablate, Tamper, TrainingCircuit, TrainingWitness},
    LineageCircuit,
};
use lineage_core::{
    record::{ContentHash, License, Record},
    train::{self, div_floor, hard_sigmoid, Bounds, TrainError, Weights},
    Address,
};
use rand::rngs::StdRng as Rng64;
use rand::{Rng, SeedableRng};

const F: u32 = 16;
const ONE: i64 = 1 << F;

/// A small shape for fast MockProver runs: 4 slots, 3 features, 2 epochs.
fn small() -> TrainingCircuit {
    TrainingCircuit::with_shape(
        4,
        TrainingShape { features: 3, epochs: 2, frac_bits: F, k: 15, lookup_bits: 14 },
    )
}

fn record(i: usize, features: Vec<i64>, label: u32) -> Record {
    let mut content = ContentHash::default();
    content.0[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
    Record {
        content,
        creator: Address::from([i as u8 + 1; 20]),
        license: License::new(i as u32 % 4).unwrap(),
        features,
        label,
    }
}

/// A random run: `n ≤ N` records with features in (−4, 4) and random labels, initial
/// weights in (−2, 2), a learning rate in [2^-6, 1/2].
fn random_run(c: &TrainingCircuit, rng: &mut Rng64) -> (Vec<Record>, i64, Weights) {
    let d = c.shape.features;
    let n = rng.gen_range(1..=c.records);
    let records = (0..n)
        .map(|i| {
            let x = (0..d).map(|_| rng.gen_range(-4 * ONE + 1..4 * ONE)).collect();
            record(i, x, rng.gen_range(0..=1))
        })
        .collect();
    let w0 = Weights {
        w: (0..d).map(|_| rng.gen_range(-2 * ONE..2 * ONE)).collect(),
        bias: rng.gen_range(-2 * ONE..2 * ONE),
    };
    let lr = rng.gen_range(ONE >> 6..=ONE >> 1);
    (records, lr, w0)
}

/// Whether MockProver accepts `witness` with public `instances`.
fn accepts(c: &TrainingCircuit, witness: &TrainingWitness, instances: &[Fr]) -> bool {
    let (builder, _) = circuit::mock(c, witness);
    MockProver::run(c.k(), &builder, vec![instances.to_vec()]).unwrap().verify().is_ok()
}

fn honest(seed: u64) -> (TrainingCircuit, TrainingWitness) {
    let c = small();
    let mut rng = Rng64::seed_from_u64(seed);
    loop {
        let (records, lr, w0) = random_run(&c, &mut rng);
        if records.len() >= 3 {
            if let Ok(w) = c.witness(records, lr, w0) {
                return (c, w);
            }
        }
    }
}

/// The native SGD from `w`'s initial weights, step by step, with `hook` run after every
/// step `t = epoch·N + i` and the logit's quotient moved by `shift(t)`; returns the
/// weights at the end of each epoch. With no hook and no shift it is `train::step`
/// (checked below), so tests can build what a dishonest run yields.
fn run(
    c: &TrainingCircuit,
    w: &TrainingWitness,
    records: &[Record],
    lr: i64,
    mut hook: impl FnMut(usize, &mut Weights),
    shift: impl Fn(usize) -> i64,
) -> Vec<Weights> {
    let b = Bounds::new(F);
    let mut weights = w.w0().clone();
    let mut ends = Vec::new();
    for epoch in 0..c.shape.epochs as usize {
        for (i, r) in records.iter().enumerate() {
            let t = epoch * c.records + i;
            let (q, _) = div_floor(weights.score(&r.features, F), b.logit_shift());
            let p = hard_sigmoid(q as i64 + shift(t), F);
            let e = p - if r.label == 1 { ONE } else { 0 };
            let g = div_floor(i128::from(lr) * i128::from(e), F).0 as i64;
            for (wj, &x) in weights.w.iter_mut().zip(&r.features) {
                *wj -= div_floor(i128::from(g) * i128::from(x), F).0 as i64;
            }
            weights.bias -= g;
            hook(t, &mut weights);
        }
        ends.push(weights.clone());
    }
    ends
}

/// Sets `w`'s segments to one chained run from its initial weights with these epoch ends.
fn chain(w: &mut TrainingWitness, ends: Vec<Weights>) {
    w.starts = std::iter::once(w.w0().clone()).chain(ends[..ends.len() - 1].to_vec()).collect();
    w.ends = ends;
}

/// `w`'s instances with the segments of a chained run with these epoch ends.
fn with_run(c: &TrainingCircuit, w: &TrainingWitness, ends: Vec<Weights>) -> Vec<Fr> {
    let mut run = w.clone();
    chain(&mut run, ends);
    let mut inst = c.instances(w);
    let epochs = c.shape.epochs as usize;
    for e in 0..epochs {
        inst[TrainingLayout::w_in(e)] = run.starts[e].hash();
        inst[TrainingLayout::w_out(e, epochs)] = run.ends[e].hash();
    }
    inst
}

#[test]
fn native_and_circuit_agree_bit_for_bit_over_many_seeds() {
    let c = small();
    let (mut proved, mut negative_features, mut negative_weights) = (0, 0, 0);
    for seed in 0..64u64 {
        let mut rng = Rng64::seed_from_u64(seed);
        let (records, lr, w0) = random_run(&c, &mut rng);
        let Ok(w) = c.witness(records, lr, w0) else { continue };
        // The restated step used by the negative tests is the trainer's.
        assert_eq!(run(&c, &w, &w.records, w.lr, |_, _| {}, |_| 0), w.ends);
        assert_eq!(w.starts[1..], w.ends[..w.ends.len() - 1], "one chained run");
        let native = c.instances(&w);
        let (builder, values) = circuit::mock(&c, &w);
        assert_eq!(values, native, "seed {seed}: the circuit computed other public values");
        let prover = MockProver::run(c.k(), &builder, vec![native]).unwrap();
        assert!(prover.verify().is_ok(), "seed {seed}: honest witness rejected");
        negative_features +=
            usize::from(w.records.iter().flat_map(|r| &r.features).any(|&x| x < 0));
        negative_weights +=
            usize::from(w.weights().w.iter().chain([&w.weights().bias]).any(|&v| v < 0));
        proved += 1;
    }
    assert!(proved >= 48, "only {proved} of 64 random runs trained within bounds");
    println!("{proved} runs, {negative_features} with negative features, {negative_weights} with negative final weights");
    assert!(4 * negative_features > 3 * proved && 4 * negative_weights > 3 * proved);
}

#[test]
fn demo_profile_accepts_an_honest_run_with_padding() {
    let c = TrainingCircuit::new(&DEMO);
    let mut rng = Rng64::seed_from_u64(7);
    let truth: Vec<f64> = (0..8).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let records: Vec<Record> = (0..48)
        .map(|i| {
            let x: Vec<i64> = (0..8).map(|_| rng.gen_range(-ONE..=ONE)).collect();
            let z: f64 = truth.iter().zip(&x).map(|(w, &x)| w * x as f64).sum();
            record(i, x, u32::from(z > 0.0))
        })
        .collect();
    let w = c.witness(records, ONE / 4, Weights::zeros(8)).unwrap();
    assert!(w.weights().accuracy(&w.records, F) > 0.85);
    let native = c.instances(&w);
    let (builder, values) = circuit::mock(&c, &w);
    assert_eq!(values, native);
    assert!(MockProver::run(c.k(), &builder, vec![native.clone()]).unwrap().verify().is_ok());
    // The same instances with one more (padding) sample claimed active are refused.
    let mut other = native;
    other[TrainingLayout::N_RECORDS] = Fr::from(49u64);
    assert!(MockProver::run(c.k(), &builder, vec![other]).unwrap().verify().is_err());
}

#[test]
fn tampered_segment_end_weights_are_rejected() {
    let (c, w) = honest(1);
    let ablated = TrainingCircuit {
        ablate: Ablate { final_weights: true, ..Ablate::default() },
        ..c.clone()
    };
    for e in 0..c.shape.epochs as usize {
        let mut w = w.clone();
        w.ends[e].w[1] += 1;
        let inst = c.instances(&w); // w_out[e] of the tampered weights
        assert!(!accepts(&c, &w, &inst), "epoch {e}");
        assert!(accepts(&ablated, &w, &inst), "must pass once the end equality is removed");
    }
}

/// A segment may start from any weights (the next chunk's or epoch's link is checked
/// where proofs are combined), and what it proves is the run from exactly those.
#[test]
fn a_segment_starts_from_its_committed_weights() {
    let (c, mut w) = honest(9);
    w.starts[1].bias += ONE / 8;
    let from_other = c.witness(w.records.clone(), w.lr, w.starts[1].clone()).unwrap();
    w.ends[1] = from_other.ends[0].clone(); // epoch 1 run from the moved start
    let inst = c.instances(&w);
    assert!(accepts(&c, &w, &inst));
    assert_ne!(inst[TrainingLayout::w_in(1)], inst[TrainingLayout::w_out(0, 2)]);
    let mut claimed = inst.clone();
    claimed[TrainingLayout::w_in(1)] = w.ends[0].hash(); // the chained start
    assert!(!accepts(&c, &w, &claimed));
}

#[test]
fn one_tampered_intermediate_update_is_rejected() {
    let (c, mut w) = honest(2);
    let t = 1; // epoch 0, slot 1: an update with more steps after it
    let delta = ONE / 2;
    let ends = run(
        &c,
        &w,
        &w.records,
        w.lr,
        |s, wt| {
            if s == t {
                wt.w[0] += delta;
            }
        },
        |_| 0,
    );
    chain(&mut w, ends);
    w.tamper = Tamper { update: Some((t, 0, delta)), ..Tamper::default() };
    let inst = c.instances(&w);
    assert!(!accepts(&c, &w, &inst));
    let ablated =
        TrainingCircuit { ablate: Ablate { update_gate: true, ..Ablate::default() }, ..c };
    assert!(accepts(&ablated, &w, &inst), "must pass once the update gate is removed");
}

#[test]
fn a_learning_rate_other_than_the_committed_one_is_rejected() {
    let (c, w) = honest(3);
    let other_lr = w.lr + ONE / 16;
    let trained = run(&c, &w, &w.records, other_lr, |_, _| {}, |_| 0);
    let claimed = with_run(&c, &w, trained.clone()); // lr is still w.lr

    // Training honestly with the other rate cannot produce the committed lr.
    let mut honest_other = c.witness(w.records.clone(), other_lr, w.w0().clone()).unwrap();
    assert_eq!(honest_other.ends, trained);
    assert!(!accepts(&c, &honest_other, &claimed));

    // Hashing the committed rate while training with the other one breaks the link.
    honest_other.lr = w.lr;
    honest_other.tamper = Tamper { train_lr: Some(other_lr), ..Tamper::default() };
    assert!(!accepts(&c, &honest_other, &claimed));
    let ablated = TrainingCircuit { ablate: Ablate { lr_link: true, ..Ablate::default() }, ..c };
    assert!(accepts(&ablated, &honest_other, &claimed), "must pass once the lr link is removed");
}

#[test]
fn a_swapped_sample_is_rejected() {
    let (c, w) = honest(4);
    let mut swapped = w.records.clone();
    swapped[1] = record(9, w.records[0].features.iter().map(|x| -x).collect(), 1);
    let trained = run(&c, &w, &swapped, w.lr, |_, _| {}, |_| 0);
    assert_ne!(trained, w.ends);
    let claimed = with_run(&c, &w, trained); // train_root of the original records

    let mut on_swapped = c.witness(swapped.clone(), w.lr, w.w0().clone()).unwrap();
    assert!(!accepts(&c, &on_swapped, &claimed), "train_root must not match");

    on_swapped.records = w.records.clone();
    on_swapped.tamper = Tamper { train_record: Some((1, swapped[1].clone())), ..Tamper::default() };
    assert!(!accepts(&c, &on_swapped, &claimed));
    let ablated =
        TrainingCircuit { ablate: Ablate { sample_link: true, ..Ablate::default() }, ..c };
    assert!(accepts(&ablated, &on_swapped, &claimed), "must pass once the leaf link is removed");
}

#[test]
fn a_feature_outside_its_bound_is_rejected() {
    let (c, w) = honest(5);
    let mut records = w.records.clone();
    records[0].features[2] = 1 << (F + train::FEATURE_INT_BITS); // one past the bound
    assert!(matches!(
        c.witness(records.clone(), w.lr, w.w0().clone()),
        Err(TrainError::FeatureOutOfRange { sample: 0, feature: 2, .. })
    ));
    let ends = run(&c, &w, &records, w.lr, |_, _| {}, |_| 0);
    let mut bad = TrainingWitness { records, ..w };
    chain(&mut bad, ends);
    let inst = c.instances(&bad);
    assert!(!accepts(&c, &bad, &inst));
    let ablated =
        TrainingCircuit { ablate: Ablate { feature_range: true, ..Ablate::default() }, ..c };
    assert!(accepts(&ablated, &bad, &inst), "must pass once the feature range check is removed");
}

#[test]
fn a_rounding_other_than_floor_is_rejected() {
    // The prover moves one unit from the logit's remainder to its quotient (r < 0).
    let (c, mut w) = honest(6);
    let t = 2;
    let ends = run(&c, &w, &w.records, w.lr, |_, _| {}, |s| i64::from(s == t));
    chain(&mut w, ends);
    w.tamper = Tamper { rounding: Some((t, 1)), ..Tamper::default() };
    let inst = c.instances(&w);
    assert!(!accepts(&c, &w, &inst));
    let ablated =
        TrainingCircuit { ablate: Ablate { remainder_range: true, ..Ablate::default() }, ..c };
    assert!(accepts(&ablated, &w, &inst), "must pass once the remainder range check is removed");
}

#[test]
fn sample_witness_is_valid_and_independent_of_data() {
    let c = small();
    let a = c.sample_witness();
    assert_eq!(a, c.sample_witness());
    assert_eq!(a.records.len(), c.records);
    assert!(accepts(&c, &a, &c.instances(&a)));
    assert!(matches!(
        c.witness(vec![record(0, vec![0; 3], 0); 5], 1, Weights::zeros(3)),
        Err(TrainError::Capacity { samples: 5, capacity: 4 })
    ));
}

#[test]
fn train_root_is_the_dataset_circuits() {
    use lineage_circuits::dataset::DatasetCircuit;
    use lineage_core::manifest::{DatasetManifest, SourcedRecord};
    // Two certified datasets of records with features and labels; the model trains on a
    // subset of both, in the training order (ascending content).
    let mut rng = Rng64::seed_from_u64(11);
    let mut datasets = Vec::new();
    for (k, license) in [(0usize, 1u32), (1, 0)] {
        let records = (0..20)
            .map(|i| {
                let x = (0..8).map(|_| rng.gen_range(-ONE..=ONE)).collect();
                let mut r = record(100 * k + i, x, rng.gen_range(0..=1));
                r.license = License::new(license).unwrap();
                SourcedRecord { record: r, source: None }
            })
            .collect();
        datasets.push(DatasetManifest::build(records, DEMO.dataset.depth, F).unwrap().0);
    }
    let mut training: Vec<Record> =
        (0..30).map(|i| datasets[i % 2].records[(7 * (i / 2)) % 20].record.clone()).collect();
    lineage_core::record::sort_training_order(&mut training);

    let data = DatasetCircuit::new(&DEMO).witness(&datasets, &training, 0b11).unwrap();
    let c = TrainingCircuit::new(&DEMO);
    let w = c.witness(training, ONE / 4, Weights::zeros(8)).unwrap();
    let native = c.instances(&w);
    assert_eq!(native[TrainingLayout::TRAIN_ROOT], data.public.train_root);
    let (_, in_circuit) = circuit::mock(&c, &w);
    assert_eq!(in_circuit[TrainingLayout::TRAIN_ROOT], data.public.train_root);
}

#[test]
fn a_hole_in_the_active_prefix_is_rejected() {
    // Slot 1 of n = 3+ marked inactive: the root would have a 0 leaf between records,
    // which no `train_root` of the dataset circuit (active records in order) can match.
    let (c, mut w) = honest(8);
    let kept: Vec<Record> =
        w.records.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, r)| r.clone()).collect();
    let ends = run(&c, &w, &kept, w.lr, |_, _| {}, |_| 0);
    chain(&mut w, ends);
    let mut leaves: Vec<Fr> = w.records.iter().map(Record::leaf).collect();
    leaves[1] = Fr::zero();
    let mut inst = c.instances(&w);
    inst[TrainingLayout::TRAIN_ROOT] =
        lineage_core::MerkleTree::new(leaves, c.depth()).unwrap().root();
    inst[TrainingLayout::N_RECORDS] = Fr::from(w.records.len() as u64 - 1);
    w.tamper = Tamper { hole: Some(1), ..Tamper::default() };
    assert!(!accepts(&c, &w, &inst));
    let ablated = TrainingCircuit { ablate: Ablate { prefix: true, ..Ablate::default() }, ..c };
    assert!(accepts(&ablated, &w, &inst), "must pass once the prefix constraint is removed");
}
