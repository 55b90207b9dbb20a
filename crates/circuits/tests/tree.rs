//! The proof tree's merge rules under MockProver, on hand-made chunk bodies (no snark):
//! an honest tree of three chunks gives the body of the whole set, and each tampered tree
//! is refused by the rule that must refuse it (the same tree passes with that rule
//! ablated), or ends in another statement than the honest one.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::{
    gates::{
        circuit::{builder::BaseCircuitBuilder, CircuitBuilderStage},
        GateChip,
    },
    halo2_proofs::{dev::MockProver, halo2curves::bn256::Fr},
    AssignedValue, Context,
};
use lineage_circuits::{
    circuit::BLINDING_ROWS,
    poseidon::GatePermutation,
    profile::TrainingShape,
    tree::{extend_root, merge_ablated, run_commitments, Ablate, Body, Level, Segments},
    PoseidonChip,
};
use lineage_core::merkle::{empty_root, MerkleTree};

const K: u32 = 13;
/// Chunks of `2^C_BITS = 4` records.
const C_BITS: u32 = 2;
const C: usize = 1 << C_BITS;
const EPOCHS: usize = 2;

/// A training record as the tree sees it: its leaf, content halves and dataset slot.
#[derive(Clone, Copy)]
struct Rec {
    leaf: Fr,
    content: [Fr; 2],
    slot: usize,
}

/// `n` records in strictly ascending content order, in slots 0 and 1 alternately.
fn records(n: usize) -> Vec<Rec> {
    (0..n)
        .map(|i| Rec {
            leaf: Fr::from(7_000 + i as u64),
            content: [Fr::from(10 + i as u64 / 3), Fr::from(i as u64 % 3)],
            slot: i % 2,
        })
        .collect()
}

/// The weight hash at the start of chunk `i` in epoch `e` (a stand-in value: the tree only
/// compares them).
fn w(e: usize, i: usize) -> Fr {
    Fr::from((100 * e + i) as u64 + 1)
}

/// The body a chunk proof of `recs` (chunk `index`) exposes.
fn chunk(index: usize, recs: &[Rec]) -> Body<Fr> {
    body(index, recs, C_BITS)
}

/// The body of `recs` as one subtree of `height`, starting at chunk `index`.
fn body(index: usize, recs: &[Rec], height: u32) -> Body<Fr> {
    let mut count = [Fr::zero(); 4];
    for r in recs {
        count[r.slot] += Fr::one();
    }
    let leaves = recs.iter().map(|r| r.leaf).collect();
    let zero = [Fr::zero(); 2];
    Body {
        cert_root: [Fr::from(11u64), Fr::from(22u64), Fr::zero(), Fr::zero()],
        count,
        root: MerkleTree::new(leaves, height).unwrap().root(),
        license_mask: Fr::from(0b101u64),
        n: Fr::from(recs.len() as u64),
        first: recs.first().map_or(zero, |r| r.content),
        last: recs.last().map_or(zero, |r| r.content),
        training: Some(Segments {
            lr: Fr::from(16_384u64),
            w_in: (0..EPOCHS).map(|e| w(e, index)).collect(),
            w_out: (0..EPOCHS).map(|e| w(e, index + 1)).collect(),
        }),
    }
}

/// The chunks of `recs`.
fn chunks(recs: &[Rec]) -> Vec<Body<Fr>> {
    recs.chunks(C).enumerate().map(|(i, c)| chunk(i, c)).collect()
}

/// The body the whole set has at `height` levels above its chunks, `chunks` of them.
fn whole(recs: &[Rec], chunks: usize, height: u32) -> Body<Fr> {
    let mut b = body(0, recs, C_BITS + height);
    let t = b.training.as_mut().unwrap();
    t.w_out = (0..EPOCHS).map(|e| w(e, chunks)).collect();
    b
}

/// The same body without training words (declared training).
fn declared(mut body: Body<Fr>) -> Body<Fr> {
    body.training = None;
    body
}

const fn level(h: u32) -> Level {
    Level { child_capacity: (C as u64) << (h - 1), child_height: C_BITS + h - 1 }
}

/// A merge to run: `(left, right, pad, level)`, where left and right index earlier bodies.
type Step = (usize, usize, u64, Level);

/// Loads `leaves`, runs `steps` (each appends its body), and checks the last body's words
/// against `expected` (or, with `None`, only that the constraints hold).
fn accepts(
    leaves: &[Body<Fr>],
    steps: &[Step],
    ablate: Ablate,
    expected: Option<&Body<Fr>>,
) -> bool {
    let mut b = BaseCircuitBuilder::<Fr>::from_stage(CircuitBuilderStage::Mock)
        .use_k(K as usize)
        .use_instance_columns(1);
    let gate = GateChip::default();
    let chip = PoseidonChip::new(GatePermutation::new());
    let ctx: &mut Context<Fr> = b.main(0);
    let load = |ctx: &mut Context<Fr>, body: &Body<Fr>| -> Body<AssignedValue<Fr>> {
        let cells = ctx.assign_witnesses(body.words());
        Body::from_words(&cells, body.epochs()).unwrap()
    };
    let mut bodies: Vec<Body<AssignedValue<Fr>>> = leaves.iter().map(|l| load(ctx, l)).collect();
    for &(l, r, pad, lvl) in steps {
        let pad = ctx.load_witness(Fr::from(pad));
        let body = merge_ablated(ctx, &gate, &chip, lvl, &bodies[l], &bodies[r], pad, ablate);
        bodies.push(body);
    }
    let top = bodies.last().unwrap().words();
    let instances = match expected {
        Some(e) => {
            b.assigned_instances[0].extend(top);
            e.words()
        }
        None => vec![],
    };
    b.calculate_params(Some(BLINDING_ROWS));
    MockProver::run(K, &b, vec![instances]).unwrap().verify().is_ok()
}

/// Three chunks (4 + 4 + 2 records): two merges at height 1, the right one padded, and
/// one at height 2.
const TREE: [Step; 3] = [(0, 1, 0, level(1)), (2, 2, 1, level(1)), (3, 4, 0, level(2))];

#[test]
fn an_honest_tree_has_the_whole_sets_body() {
    let recs = records(10);
    let cs = chunks(&recs);
    let expected = whole(&recs, 3, 2);
    assert!(accepts(&cs, &TREE, Ablate::default(), Some(&expected)));
    // Its root, extended with empty siblings, is the set's root at any depth.
    let leaves: Vec<Fr> = recs.iter().map(|r| r.leaf).collect();
    assert_eq!(
        lineage_core::merkle::root_of_subtrees(&[expected.root], C_BITS + 2, 20).unwrap(),
        MerkleTree::new(leaves, 20).unwrap().root()
    );
    // Every output word is checked: one changed word is refused.
    for i in 0..expected.words().len() {
        let mut words = expected.words();
        words[i] += Fr::one();
        let wrong = Body::from_words(&words, Some(EPOCHS)).unwrap();
        assert!(!accepts(&cs, &TREE, Ablate::default(), Some(&wrong)), "word {i}");
    }
}

/// Refused with every rule, accepted with `rule` ablated: `rule` is what refuses it.
fn refused_by(leaves: &[Body<Fr>], steps: &[Step], rule: Ablate) {
    assert!(!accepts(leaves, steps, Ablate::default(), None), "refused");
    assert!(accepts(leaves, steps, rule, None), "accepted without the rule");
}

const ONE: [Step; 1] = [(0, 1, 0, level(1))];

#[test]
fn swapped_or_duplicated_chunks_are_refused_by_distinctness() {
    let cs = chunks(&records(8));
    let distinct = Ablate { distinct: true, chain: true, ..Ablate::default() };
    refused_by(&[cs[1].clone(), cs[0].clone()], &ONE, distinct);
    refused_by(&[cs[0].clone(), cs[0].clone()], &ONE, distinct);
    // A right chunk starting at the left's last content: equal, not greater.
    let mut b = cs[1].clone();
    b.first = cs[0].last;
    refused_by(&[cs[0].clone(), b], &ONE, Ablate { distinct: true, ..Ablate::default() });
}

#[test]
fn a_right_chunk_after_a_short_left_one_is_refused_by_the_prefix_rule() {
    let recs = records(12);
    let short = chunk(0, &recs[..3]);
    let next = chunk(1, &recs[4..8]);
    refused_by(&[short, next], &ONE, Ablate { prefix: true, ..Ablate::default() });
}

#[test]
fn other_datasets_licenses_or_learning_rate_are_refused() {
    let cs = chunks(&records(8));
    let same = Ablate { same_datasets: true, ..Ablate::default() };
    let mut b = cs[1].clone();
    b.cert_root[1] += Fr::one();
    refused_by(&[cs[0].clone(), b], &ONE, same);
    let mut b = cs[1].clone();
    b.license_mask = Fr::from(0b111u64);
    refused_by(&[cs[0].clone(), b], &ONE, same);
    let mut b = cs[1].clone();
    b.training.as_mut().unwrap().lr += Fr::one();
    refused_by(&[cs[0].clone(), b], &ONE, same);
}

#[test]
fn a_broken_weight_chain_is_refused() {
    let cs = chunks(&records(8));
    for e in 0..EPOCHS {
        let mut b = cs[1].clone();
        b.training.as_mut().unwrap().w_in[e] += Fr::one();
        refused_by(&[cs[0].clone(), b], &ONE, Ablate { chain: true, ..Ablate::default() });
    }
}

#[test]
fn pad_must_be_a_bit() {
    let cs = chunks(&records(8));
    // pad = 2 would count the right child negatively.
    let steps = [(0, 1, 2, level(1))];
    refused_by(&cs, &steps, Ablate { pad_bit: true, ..Ablate::default() });
}

/// Trees that satisfy every rule but prove another, truthful set: never the honest
/// statement.
#[test]
fn dropped_padded_or_foreign_chunks_prove_another_statement() {
    let recs = records(10);
    let cs = chunks(&recs);
    let expected = whole(&recs, 3, 2);
    let ok = Ablate::default();
    // The middle chunk dropped: chunks 0 and 2 only. The weight chain breaks; with
    // declared training it holds the shorter set (contents still step up).
    let dropped = [cs[0].clone(), cs[2].clone()];
    refused_by(&dropped, &ONE, Ablate { chain: true, ..Ablate::default() });
    let dropped = dropped.map(declared);
    let two = [(0, 1, 0, level(1)), (2, 2, 1, level(2))];
    assert!(accepts(&dropped, &two, ok, None));
    assert!(!accepts(&dropped, &two, ok, Some(&declared(expected.clone()))));
    // The right subtree padded away although it is real.
    let padded = [(0, 1, 0, level(1)), (2, 2, 1, level(1)), (3, 4, 1, level(2))];
    assert!(accepts(&cs, &padded, ok, None));
    assert!(!accepts(&cs, &padded, ok, Some(&expected)));
    // A chunk of another training set in the middle (other leaves, same contents).
    let mut foreign = cs.clone();
    foreign[1].root += Fr::one();
    assert!(accepts(&foreign, &TREE, ok, None));
    assert!(!accepts(&foreign, &TREE, ok, Some(&expected)));
    // The empty subtree of the wrong height under a padded node.
    let wrong_level = Level { child_height: C_BITS + 1, ..level(1) };
    let steps = [(0, 1, 0, level(1)), (2, 2, 1, wrong_level), (3, 4, 0, level(2))];
    assert!(!accepts(&cs, &steps, ok, Some(&expected)));
    assert_ne!(empty_root(C_BITS), empty_root(C_BITS + 1));
}

/// A chunk's root extended to depth 20 is the whole set's `train_root` (for a set that
/// fits the chunk), and a root extended from the wrong height is not.
#[test]
fn a_chunk_root_extends_to_the_training_set_root() {
    let recs = records(3);
    let leaves: Vec<Fr> = recs.iter().map(|r| r.leaf).collect();
    let chunk_root = MerkleTree::new(leaves.clone(), C_BITS).unwrap().root();
    let expected = MerkleTree::new(leaves, 20).unwrap().root();
    let run = |height: u32| {
        let mut b = BaseCircuitBuilder::<Fr>::from_stage(CircuitBuilderStage::Mock)
            .use_k(K as usize)
            .use_instance_columns(1);
        let chip = PoseidonChip::new(GatePermutation::new());
        let ctx = b.main(0);
        let root = ctx.load_witness(chunk_root);
        let top = extend_root(ctx, &chip, root, height, 20);
        b.assigned_instances[0].push(top);
        b.calculate_params(Some(BLINDING_ROWS));
        MockProver::run(K, &b, vec![vec![expected]]).unwrap().verify().is_ok()
    };
    assert!(run(C_BITS));
    assert!(!run(C_BITS + 1), "one level short");
    assert!(!run(C_BITS - 1), "one level too many");
}

/// The run's commitments: `w0_hash` is the first segment's start, `w_hash` the last one's
/// end, `hyper_hash` the native `Hyper::hash` with the shape's constants; segments that do
/// not chain from one epoch to the next are refused.
#[test]
fn run_commitments_chain_the_epochs() {
    let shape = TrainingShape { features: 3, epochs: 3, frac_bits: 16, k: 15, lookup_bits: 14 };
    let (lr, n) = (16_384i64, 10usize);
    let hyper = lineage_core::train::Hyper {
        lr,
        epochs: shape.epochs,
        frac_bits: shape.frac_bits,
        features: shape.features,
        samples: n,
    };
    let honest_in = [w(0, 0), w(1, 0), w(2, 0)];
    let honest_out = [w(1, 0), w(2, 0), w(3, 0)];
    let run = |w_in: [Fr; 3], w_out: [Fr; 3]| {
        let mut b = BaseCircuitBuilder::<Fr>::from_stage(CircuitBuilderStage::Mock)
            .use_k(K as usize)
            .use_instance_columns(1);
        let gate = GateChip::default();
        let chip = PoseidonChip::new(GatePermutation::new());
        let ctx = b.main(0);
        let [lr, n] = [Fr::from(lr as u64), Fr::from(n as u64)].map(|v| ctx.load_witness(v));
        let (w_in, w_out) = (ctx.assign_witnesses(w_in), ctx.assign_witnesses(w_out));
        let out = run_commitments(ctx, &gate, &chip, &shape, lr, n, &w_in, &w_out);
        b.assigned_instances[0].extend(out);
        b.calculate_params(Some(BLINDING_ROWS));
        let expected = vec![w(0, 0), w(3, 0), hyper.hash()];
        MockProver::run(K, &b, vec![expected]).unwrap().verify().is_ok()
    };
    assert!(run(honest_in, honest_out));
    let mut broken = honest_in;
    broken[2] += Fr::one();
    assert!(!run(broken, honest_out), "epoch 2 does not start where epoch 1 ended");
    let mut broken = honest_out;
    broken[0] += Fr::one();
    assert!(!run(honest_in, broken), "epoch 0 does not end where epoch 1 starts");
}
