//! The dataset circuit: MockProver accepts honest witnesses and rejects each tampering,
//! and each negative test is shown to target its constraint: with that constraint relaxed
//! (`Relax`), the same tampered witness is accepted.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::halo2_proofs::{dev::MockProver, halo2curves::bn256::Fr};
use lineage_circuits::{
    circuit,
    dataset::{license_mask, DatasetCircuit, DatasetWitness, RecordWitness, Relax, WitnessError},
    layout::{BodyLayout, DatasetLayout, SLOTS},
    profile::{DatasetShape, DEMO},
};
use lineage_core::{
    content::hash_bytes,
    manifest::{DatasetManifest, SourcedRecord},
    merkle::MerkleTree,
    poseidon::{self, Domain},
    record::sort_training_order,
    Address, License, Record,
};

const DEPTH: u32 = 4;
const CAPACITY: usize = 8;

fn small() -> DatasetCircuit {
    DatasetCircuit {
        capacity: CAPACITY,
        shape: DatasetShape { slots: SLOTS, depth: DEPTH, k: 15, lookup_bits: 8 },
        relax: Relax::default(),
    }
}

fn relaxed(f: impl FnOnce(&mut Relax)) -> DatasetCircuit {
    let mut c = small();
    f(&mut c.relax);
    c
}

fn record(dataset: &str, i: usize, creator: u8, license: u32) -> Record {
    Record {
        content: hash_bytes(format!("{dataset}/{i}").as_bytes()),
        creator: Address::repeat_byte(creator),
        license: License::new(license).unwrap(),
        features: vec![i as i64 - 3, -(1 << 16), 42],
        label: (i % 2) as u32,
    }
}

/// Dataset `name` with `n` records by creator `creator`, licenses cycling through
/// `licenses`.
fn dataset(name: &str, n: usize, creator: u8, licenses: &[u32]) -> DatasetManifest {
    let recs = (0..n)
        .map(|i| SourcedRecord {
            record: record(name, i, creator, licenses[i % licenses.len()]),
            source: None,
        })
        .collect();
    DatasetManifest::build(recs, DEPTH, 16).unwrap().0
}

/// Three datasets: A (licenses 0, 1), B (license 2), C (license 0).
fn datasets() -> Vec<DatasetManifest> {
    vec![dataset("a", 5, 0xa, &[0, 1]), dataset("b", 6, 0xb, &[2]), dataset("c", 3, 0xc, &[0])]
}

/// The records `picks` names, in the training order (ascending content).
fn pick(ds: &[DatasetManifest], picks: &[(usize, usize)]) -> Vec<Record> {
    sorted(picks.iter().map(|&(d, i)| ds[d].records[i].record.clone()).collect())
}

fn sorted(mut records: Vec<Record>) -> Vec<Record> {
    sort_training_order(&mut records);
    records
}

/// Every record of `m`, in the training order.
fn all_of(m: &DatasetManifest) -> Vec<Record> {
    sorted(m.records.iter().map(|r| r.record.clone()).collect())
}

const ALL_THREE: u64 = 0b111;

/// Five records from A, B and C (partial use: 5 of 8 positions).
fn honest() -> DatasetWitness {
    let ds = datasets();
    let training = pick(&ds, &[(0, 1), (1, 0), (0, 4), (2, 2), (1, 5)]);
    small().witness(&ds, &training, ALL_THREE).unwrap()
}

fn accepts(c: &DatasetCircuit, w: &DatasetWitness) -> bool {
    let (builder, instances) = circuit::mock(c, w);
    assert_eq!(instances, w.public.to_instances(), "exposed instances are the claimed ones");
    MockProver::run(c.shape.k, &builder, vec![instances]).unwrap().verify().is_ok()
}

/// `w` is rejected, and accepted once `relax` removes the constraint the test targets.
fn rejected_by(w: &DatasetWitness, relax: impl FnOnce(&mut Relax)) {
    assert!(!accepts(&small(), w), "the circuit must reject this witness");
    assert!(
        accepts(&relaxed(relax), w),
        "without the targeted constraint the witness must pass (else the test targets nothing)"
    );
}

fn leaf_of(preimage: &[Fr; 6]) -> Fr {
    poseidon::hash(Domain::RecordLeaf, preimage)
}

/// Recomputes the claimed `train_root` over the positions `include` keeps (others are 0),
/// and the ends the circuit exposes: position 0's content and the last active one's.
fn reroot(w: &mut DatasetWitness, include: impl Fn(&RecordWitness) -> bool) {
    let leaves = w
        .records
        .iter()
        .map(|r| if include(r) { leaf_of(&r.preimage) } else { Fr::zero() })
        .collect();
    w.public.train_root = MerkleTree::new(leaves, CAPACITY.trailing_zeros()).unwrap().root();
    let content = |r: &RecordWitness| [r.preimage[0], r.preimage[1]];
    w.public.first = content(&w.records[0]);
    w.public.last =
        w.records.iter().skip(1).filter(|r| r.active).last().map_or(w.public.first, content);
}

fn slot_of(r: &RecordWitness) -> usize {
    r.selector.iter().position(|b| *b == Fr::one()).unwrap()
}

fn move_to_slot(w: &mut DatasetWitness, i: usize, slot: usize) {
    let from = slot_of(&w.records[i]);
    w.records[i].selector = [Fr::zero(); SLOTS];
    w.records[i].selector[slot] = Fr::one();
    w.public.counts[from] -= 1;
    w.public.counts[slot] += 1;
}

// ------------------------------------------------------------------ honest witnesses

#[test]
fn accepts_partial_use_of_several_slots() {
    let w = honest();
    assert_eq!(w.public.n_records, 5);
    assert_eq!(w.public.counts, [2, 2, 1, 0]);
    assert_eq!(w.public.cert_roots[3], Fr::zero());
    assert!(accepts(&small(), &w));
}

#[test]
fn accepts_full_use_of_one_slot() {
    let ds = vec![dataset("full", 8, 1, &[5])];
    let w = small().witness(&ds, &all_of(&ds[0]), 1 << 5).unwrap();
    assert_eq!(w.public.counts, [8, 0, 0, 0]);
    assert!(accepts(&small(), &w));
}

#[test]
fn accepts_an_empty_training_set() {
    let w = small().witness(&datasets(), &[], ALL_THREE).unwrap();
    assert_eq!(w.public.train_root, MerkleTree::new(vec![], 3).unwrap().root());
    assert!(accepts(&small(), &w));
}

#[test]
fn train_root_is_the_native_training_set_root() {
    let ds = datasets();
    let training = pick(&ds, &[(0, 1), (1, 0), (0, 4), (2, 2), (1, 5)]);
    let w = small().witness(&ds, &training, ALL_THREE).unwrap();
    let leaves = training.iter().map(Record::leaf).collect();
    assert_eq!(w.public.train_root, MerkleTree::new(leaves, 3).unwrap().root());
    let inst = w.public.to_instances();
    assert_eq!(inst[DatasetLayout::TRAIN_ROOT], w.public.train_root);
    assert_eq!(inst[DatasetLayout::cert_root(1)], ds[1].root);
    assert_eq!(inst[DatasetLayout::count(0)], Fr::from(2));
}

/// The exposed `first`/`last` are the first and last active records' content halves,
/// whatever the padding holds: another record's, a padding slot's or swapped halves are
/// refused.
#[test]
fn first_and_last_are_the_active_records_ends() {
    let w = honest();
    let c = small();
    let (builder, instances) = circuit::mock(&c, &w);
    let pre = |i: usize| w.records[i].preimage;
    let n = w.public.n_records as usize;
    assert!(n < CAPACITY, "the honest witness has padding");
    assert_eq!(&instances[BodyLayout::FIRST_HI..BodyLayout::FIRST_LO + 1], &pre(0)[..2]);
    assert_eq!(&instances[BodyLayout::LAST_HI..BodyLayout::LAST_LO + 1], &pre(n - 1)[..2]);
    let run = |inst: Vec<Fr>| MockProver::run(c.shape.k, &builder, vec![inst]).unwrap().verify();
    assert!(run(instances.clone()).is_ok());
    let with = |at: usize, words: [Fr; 2]| {
        let mut inst = instances.clone();
        inst[at..at + 2].copy_from_slice(&words);
        inst
    };
    let second = [pre(1)[0], pre(1)[1]];
    assert!(run(with(BodyLayout::FIRST_HI, second)).is_err(), "first from the second record");
    assert!(run(with(BodyLayout::LAST_HI, [Fr::zero(); 2])).is_err(), "last from padding");
    let before_last = [pre(n - 2)[0], pre(n - 2)[1]];
    assert!(run(with(BodyLayout::LAST_HI, before_last)).is_err(), "last one record early");
    let swapped = [pre(n - 1)[1], pre(n - 1)[0]];
    assert!(run(with(BodyLayout::LAST_HI, swapped)).is_err(), "halves swapped");

    // No active record: both are zero.
    let empty = small().witness(&datasets(), &[], ALL_THREE).unwrap();
    assert_eq!(empty.public.first, [Fr::zero(); 2]);
    assert!(accepts(&small(), &empty));
}

#[test]
fn the_sample_witness_is_accepted() {
    use lineage_circuits::LineageCircuit;
    let c = small();
    assert!(accepts(&c, &c.sample_witness()));
}

// ------------------------------------------------------------------ tampered witnesses

#[test]
fn rejects_a_leaf_not_in_its_dataset() {
    let mut w = honest();
    w.records[2].preimage[0] += Fr::one();
    reroot(&mut w, |r| r.active);
    rejected_by(&w, |r| r.opening = true);
}

#[test]
fn rejects_a_wrong_slot() {
    let mut w = honest();
    move_to_slot(&mut w, 0, 1); // an A record counted for B
    rejected_by(&w, |r| r.opening = true);
}

#[test]
fn rejects_a_non_boolean_slot_selector() {
    // With the same root in slots 0 and 1, selectors of 1/2 keep every opening valid.
    let ds = vec![dataset("a", 5, 0xa, &[0])];
    let training = pick(&ds, &[(0, 0), (0, 1), (0, 2)]);
    let mut w = small().witness(&ds, &training, 1).unwrap();
    w.public.cert_roots[1] = w.public.cert_roots[0];
    let half = Fr::from(2).invert().unwrap();
    for i in 0..2 {
        w.records[i].selector[0] = half;
        w.records[i].selector[1] = half;
    }
    w.public.counts = [2, 1, 0, 0];
    rejected_by(&w, |r| r.selector = true);
}

#[test]
fn rejects_a_license_outside_the_mask() {
    let mut w = honest();
    w.public.license_mask = 0b011; // B's records have license 2
    rejected_by(&w, |r| r.license = true);
}

#[test]
fn rejects_a_license_code_out_of_range() {
    // A leaf whose license field is 66 = 64 + 2: only the 6-bit range check stops bit 2 of
    // the mask from being read for it.
    let mut pre = record("x", 0, 1, 2).leaf_preimage();
    pre[3] = Fr::from(66);
    let tree = MerkleTree::new(vec![leaf_of(&pre)], DEPTH).unwrap();
    let path = tree.proof(0).unwrap();
    let mut w = small().witness(&[], &[], 0).unwrap();
    let mut selector = [Fr::zero(); SLOTS];
    selector[0] = Fr::one();
    w.records[0] =
        RecordWitness { active: true, preimage: pre, selector, index: 0, siblings: path.siblings };
    w.public.cert_roots[0] = tree.root();
    w.public.counts[0] = 1;
    w.public.n_records = 1;
    w.public.license_mask = 1 << 2;
    reroot(&mut w, |r| r.active);
    rejected_by(&w, |r| r.license = true);
}

#[test]
fn rejects_a_tampered_count() {
    let mut w = honest();
    w.public.counts[1] += 1;
    rejected_by(&w, |r| r.counts = true);
}

#[test]
fn rejects_a_tampered_train_root() {
    let mut w = honest();
    w.public.train_root += Fr::one();
    rejected_by(&w, |r| r.train_root = true);
}

#[test]
fn rejects_a_padding_record_smuggled_into_the_root() {
    // Position 5 is padding; its preimage is an uncertified work the model was trained on.
    // The claimed root takes every position's leaf, as a circuit that forgot to zero
    // padding leaves would.
    let mut w = honest();
    w.records[5].preimage = record("uncertified", 0, 9, 0).leaf_preimage();
    reroot(&mut w, |_| true);
    rejected_by(&w, |r| r.padding_leaf = true);
}

#[test]
fn rejects_a_padding_record_smuggled_into_a_count() {
    let mut w = honest();
    w.records[6].selector[2] = Fr::one();
    w.public.counts[2] += 1;
    rejected_by(&w, |r| r.padding_count = true);
}

#[test]
fn rejects_a_record_opening_to_an_unused_slot() {
    // Slot 3 is unused (root 0). Two constraints stop this independently: the opening (no
    // leaf opens to root 0) and "an unused slot has count 0"; only without both it passes.
    let mut w = honest();
    move_to_slot(&mut w, 3, 3);
    assert!(!accepts(&small(), &w));
    assert!(!accepts(&relaxed(|r| r.unused_slot = true), &w), "the opening still rejects");
    assert!(!accepts(&relaxed(|r| r.opening = true), &w), "the unused-slot rule rejects");
    assert!(accepts(
        &relaxed(|r| {
            r.opening = true;
            r.unused_slot = true;
        }),
        &w
    ));
}

#[test]
fn rejects_n_records_above_capacity() {
    let ds = vec![dataset("full", 8, 1, &[0])];
    let mut w = small().witness(&ds, &all_of(&ds[0]), 1).unwrap();
    w.public.n_records = CAPACITY as u64 + 1;
    rejected_by(&w, |r| r.n_records = true);
}

#[test]
fn rejects_a_work_counted_twice() {
    // The attack the distinctness constraint stops: copy one active position over another
    // and move the count to the copied record's slot, inflating that slot's royalty share.
    let mut w = honest();
    let slots: Vec<usize> = w.records[..5].iter().map(slot_of).collect();
    let (from, to) = (0..5)
        .flat_map(|a| (0..5).map(move |b| (a, b)))
        .find(|&(a, b)| slots[a] != slots[b])
        .unwrap();
    let (slot_from, slot_to) = (slots[from], slots[to]);
    w.records[to] = w.records[from].clone();
    w.public.counts[slot_to] -= 1;
    w.public.counts[slot_from] += 1;
    reroot(&mut w, |r| r.active);
    rejected_by(&w, |r| r.distinct = true);
}

#[test]
fn rejects_one_work_counted_under_two_leaves() {
    // The same work certified in two datasets as two different leaves (another creator):
    // distinctness is by work (content), so it still counts once.
    let a = dataset("a", 5, 0xa, &[0]);
    let mut twin = a.records[2].record.clone();
    twin.creator = Address::repeat_byte(0xb);
    let b = DatasetManifest::build(
        vec![SourcedRecord { record: twin.clone(), source: None }],
        DEPTH,
        16,
    )
    .unwrap()
    .0;
    let ds = vec![a, b];
    // Honest: the work once, from A. Then a second position with B's leaf of it.
    let mut w = small().witness(&ds, &pick(&ds, &[(0, 2)]), 0b11).unwrap();
    // B's leaf of the work, opened in slot 1 (a builder over [A, B] would pick A's entry).
    let other = small().witness(&[dataset("z", 1, 0xc, &[0]), ds[1].clone()], &[twin], 1).unwrap();
    w.records[1] = other.records[0].clone();
    w.public.counts[1] = 1;
    w.public.n_records = 2;
    reroot(&mut w, |r| r.active);
    rejected_by(&w, |r| r.distinct = true);
}

#[test]
fn rejects_records_out_of_order() {
    // Distinct works, but in another order than the training order.
    let mut w = honest();
    w.records.swap(0, 4);
    reroot(&mut w, |r| r.active);
    rejected_by(&w, |r| r.distinct = true);
}

#[test]
fn rejects_padding_before_an_active_record() {
    let mut w = honest();
    w.records.swap(4, 5);
    reroot(&mut w, |r| r.active);
    rejected_by(&w, |r| r.prefix = true);
}

// ------------------------------------------------------------------ native refusals

#[test]
fn builder_refuses_a_record_in_no_dataset() {
    let ds = datasets();
    let mut training = pick(&ds, &[(0, 0)]);
    training.push(record("nowhere", 0, 1, 0));
    let err = small().witness(&ds, &sorted(training), ALL_THREE).unwrap_err();
    assert!(matches!(err, WitnessError::NotCertified { .. }), "{err}");
}

#[test]
fn builder_refuses_a_disallowed_license() {
    let ds = datasets();
    let training = pick(&ds, &[(0, 0), (1, 0)]);
    let err = small().witness(&ds, &training, license_mask([License::new(0).unwrap()]));
    let err = err.unwrap_err();
    assert!(matches!(err, WitnessError::LicenseNotAllowed { license: 2, .. }), "{err}");
    assert!(err.to_string().contains("license 2"));
}

#[test]
fn builder_refuses_more_records_than_the_profile_holds() {
    let ds = vec![dataset("big", 9, 1, &[0])];
    let training: Vec<Record> = ds[0].records.iter().map(|r| r.record.clone()).collect();
    let err = small().witness(&ds, &training, 1).unwrap_err();
    assert!(matches!(err, WitnessError::TooManyRecords { given: 9, capacity: 8 }), "{err}");
}

#[test]
fn builder_refuses_more_datasets_than_slots() {
    let ds: Vec<_> = (0..SLOTS + 1).map(|i| dataset(&format!("d{i}"), 1, 1, &[0])).collect();
    let err = small().witness(&ds, &[], 1).unwrap_err();
    assert!(matches!(err, WitnessError::TooManyDatasets { given: 5, slots: 4 }), "{err}");
}

#[test]
fn builder_refuses_a_dataset_of_another_depth() {
    let recs = vec![SourcedRecord { record: record("d", 0, 1, 0), source: None }];
    let other = DatasetManifest::build(recs, DEPTH + 1, 16).unwrap().0;
    let err = small().witness(&[other], &[], 1).unwrap_err();
    assert!(matches!(err, WitnessError::WrongDepth { slot: 0, .. }), "{err}");
}

#[test]
fn builder_refuses_a_dataset_named_twice() {
    let a = dataset("a", 2, 1, &[0]);
    let err = small().witness(&[a.clone(), a], &[], 1).unwrap_err();
    assert!(matches!(err, WitnessError::DuplicateDataset { first: 0, second: 1 }), "{err}");
}

#[test]
fn builder_refuses_a_record_differing_from_its_dataset_entry() {
    let ds = datasets();
    let mut training = pick(&ds, &[(0, 0)]);
    training[0].label += 1;
    let err = small().witness(&ds, &training, ALL_THREE).unwrap_err();
    assert!(matches!(err, WitnessError::RecordMismatch { index: 0, slot: 0, .. }), "{err}");
}

#[test]
fn builder_refuses_a_work_twice() {
    let ds = datasets();
    let training = pick(&ds, &[(0, 0), (1, 1), (0, 0)]);
    let err = small().witness(&ds, &training, ALL_THREE).unwrap_err();
    assert!(
        matches!(err, WitnessError::DuplicateRecord { first, second, .. } if second == first + 1)
    );
}

#[test]
fn builder_refuses_records_out_of_training_order() {
    let ds = datasets();
    let mut training = pick(&ds, &[(0, 0), (1, 1), (2, 0)]);
    training.swap(1, 2);
    let err = small().witness(&ds, &training, ALL_THREE).unwrap_err();
    assert!(matches!(err, WitnessError::OutOfOrder { index: 2, .. }), "{err}");
    assert!(err.to_string().contains("ascending content order"), "{err}");
}

#[test]
fn builder_refuses_a_tampered_manifest() {
    let mut ds = datasets();
    ds[1].records[0].record.label += 1;
    let err = small().witness(&ds, &[], ALL_THREE).unwrap_err();
    assert!(matches!(err, WitnessError::InvalidManifest { slot: 1, .. }), "{err}");
}

#[test]
fn demo_profile_capacity_matches_the_training_tree() {
    let c = DatasetCircuit::new(&DEMO);
    assert_eq!(c.capacity, DEMO.records);
    assert_eq!(c.shape.depth, DEMO.dataset.depth);
}
