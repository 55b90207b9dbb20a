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
    tree::{
        bind_inner_child, bind_root_child, extend_root, extend_root_from, merge_ablated,
        run_commitments, Ablate, Body, Height, Level, NodeTail, Segments,
    },
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
    Level::of(C_BITS, h)
}

/// A merge to run: `(left, right, pad, level)`, where left and right index earlier bodies.
type Step = (usize, usize, u64, Level);

/// Loads `leaves`, runs `steps` (each appends its body), and checks the last body's words
/// against `expected` (or, with `None`, only that the constraints hold).
/// MockProver's verdict on a small circuit laid out by `lay_out`, whose returned cells are
/// the public words `expected`.
fn mock(
    lay_out: impl FnOnce(
        &mut Context<Fr>,
        &GateChip<Fr>,
        &PoseidonChip<GatePermutation>,
    ) -> Vec<AssignedValue<Fr>>,
    expected: Vec<Fr>,
) -> bool {
    let mut b = BaseCircuitBuilder::<Fr>::from_stage(CircuitBuilderStage::Mock)
        .use_k(K as usize)
        .use_instance_columns(1);
    let gate = GateChip::default();
    let chip = PoseidonChip::new(GatePermutation::new());
    let out = lay_out(b.main(0), &gate, &chip);
    b.assigned_instances[0].extend(out);
    b.calculate_params(Some(BLINDING_ROWS));
    MockProver::run(K, &b, vec![expected]).unwrap().verify().is_ok()
}

fn accepts(
    leaves: &[Body<Fr>],
    steps: &[Step],
    ablate: Ablate,
    expected: Option<&Body<Fr>>,
) -> bool {
    let lay_out = |ctx: &mut Context<Fr>, gate: &GateChip<Fr>, chip: &PoseidonChip<_>| {
        let load = |ctx: &mut Context<Fr>, body: &Body<Fr>| -> Body<AssignedValue<Fr>> {
            let cells = ctx.assign_witnesses(body.words());
            Body::from_words(&cells, body.epochs()).unwrap()
        };
        let mut bodies: Vec<_> = leaves.iter().map(|l| load(ctx, l)).collect();
        for &(l, r, pad, lvl) in steps {
            let pad = ctx.load_witness(Fr::from(pad));
            let lvl = lvl.assign(ctx);
            let body = merge_ablated(ctx, gate, chip, &lvl, &bodies[l], &bodies[r], pad, ablate);
            bodies.push(body);
        }
        match expected {
            Some(_) => bodies.last().unwrap().words(),
            None => vec![],
        }
    };
    mock(lay_out, expected.map_or_else(Vec::new, Body::words))
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
        mock(
            |ctx, _, chip| {
                let root = ctx.load_witness(chunk_root);
                vec![extend_root(ctx, chip, root, height, 20)]
            },
            vec![expected],
        )
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
        mock(
            |ctx, gate, chip| {
                let [lr, n] =
                    [Fr::from(lr as u64), Fr::from(n as u64)].map(|v| ctx.load_witness(v));
                let (w_in, w_out) = (ctx.assign_witnesses(w_in), ctx.assign_witnesses(w_out));
                run_commitments(ctx, gate, chip, &shape, lr, n, &w_in, &w_out).to_vec()
            },
            vec![w(0, 0), w(3, 0), hyper.hash()],
        )
    };
    assert!(run(honest_in, honest_out));
    let mut broken = honest_in;
    broken[2] += Fr::one();
    assert!(!run(broken, honest_out), "epoch 2 does not start where epoch 1 ended");
    let mut broken = honest_out;
    broken[0] += Fr::one();
    assert!(!run(honest_in, broken), "epoch 0 does not end where epoch 1 starts");
}

/// A witness height selects each height's level and is refused outside its range.
#[test]
fn a_witness_height_selects_its_level_and_stays_in_range() {
    let run = |h: u64, expected: Level| {
        mock(
            |ctx, gate, _| {
                let value = ctx.load_witness(Fr::from(h));
                let height = Height::new(ctx, gate, value, 2, 5);
                let level = height.level(ctx, gate, C_BITS);
                vec![level.child_capacity, level.child_empty]
            },
            vec![Fr::from(expected.child_capacity), empty_root(expected.child_height)],
        )
    };
    for h in 2..=5 {
        assert!(run(u64::from(h), level(h)), "height {h}");
        assert!(!run(u64::from(h), level(if h == 2 { 3 } else { h - 1 })), "another level {h}");
    }
    // Outside 2..=5 no indicator bit is set: refused whatever the level claimed.
    for h in [0, 1, 6, 7] {
        assert!(!run(h, level(2)) && !run(h, level(5)), "height {h} out of range");
    }
}

/// A node's root extended from a witness height equals the constant-height extension, and
/// the same root claimed one level higher or lower does not.
#[test]
fn a_root_extends_from_a_witness_height() {
    let recs = records(9);
    let leaves: Vec<Fr> = recs.iter().map(|r| r.leaf).collect();
    let expected = MerkleTree::new(leaves.clone(), 20).unwrap().root();
    // Nine records in chunks of 4: a subtree of height C_BITS + 2 under a height-2 node.
    let root = MerkleTree::new(leaves, C_BITS + 2).unwrap().root();
    let run = |h: u64| {
        mock(
            |ctx, gate, chip| {
                let value = ctx.load_witness(Fr::from(h));
                let height = Height::new(ctx, gate, value, 1, 6);
                let root = ctx.load_witness(root);
                vec![extend_root_from(ctx, gate, chip, root, &height, C_BITS, 20)]
            },
            vec![expected],
        )
    };
    assert!(run(2));
    assert!(!run(1) && !run(3), "the node's subtree at another height");
}

const LEAF_VK: u64 = 1_001;
const INNER_VK: u64 = 2_002;

/// An inner node at `height` binding a child `(height, vk word, digest)`.
fn inner_binds(height: u64, own: u64, child: [u64; 3]) -> bool {
    mock(
        |ctx, gate, _| {
            let value = ctx.load_witness(Fr::from(height));
            let height = Height::new(ctx, gate, value, 2, 6);
            let own = ctx.load_witness(Fr::from(own));
            let [h, vk, digest] = child.map(|v| ctx.load_witness(Fr::from(v)));
            let tail = NodeTail { height: h, vk };
            bind_inner_child(ctx, gate, &height, own, Fr::from(LEAF_VK), &tail, digest);
            vec![]
        },
        vec![],
    )
}

#[test]
fn an_inner_node_binds_its_childrens_keys_and_heights() {
    // Height 2: height-1 children under the leaf key (their vk word is 0).
    assert!(inner_binds(2, INNER_VK, [1, 0, LEAF_VK]));
    assert!(!inner_binds(2, INNER_VK, [1, 0, INNER_VK]), "an inner child at height 2");
    assert!(!inner_binds(2, INNER_VK, [2, 0, LEAF_VK]), "a child at the node's own height");
    // Height 3: inner children under the node's own key, vouching for it.
    assert!(inner_binds(3, INNER_VK, [2, INNER_VK, INNER_VK]));
    assert!(!inner_binds(3, INNER_VK, [2, INNER_VK, LEAF_VK]), "a height-1 key at height 3");
    assert!(!inner_binds(3, INNER_VK, [2, INNER_VK, 7]), "another key");
    assert!(!inner_binds(3, INNER_VK, [2, 7, INNER_VK]), "a child vouching for another key");
    assert!(!inner_binds(3, INNER_VK, [1, INNER_VK, INNER_VK]), "a child two levels down");
    // A node claiming another key for itself only passes if its children agree: the root
    // decides (next test).
    assert!(inner_binds(3, 7, [2, 7, 7]));
}

/// The root binding a child `(height, vk word, digest)`.
fn root_binds(child: [u64; 3]) -> bool {
    mock(
        |ctx, gate, _| {
            let [h, vk, digest] = child.map(|v| ctx.load_witness(Fr::from(v)));
            let height = Height::new(ctx, gate, h, 1, 6);
            let tail = NodeTail { height: h, vk };
            let keys = [Fr::from(LEAF_VK), Fr::from(INNER_VK)];
            bind_root_child(ctx, gate, &height, keys, &tail, digest);
            vec![]
        },
        vec![],
    )
}

#[test]
fn the_root_binds_its_child_to_the_profiles_node_keys() {
    assert!(root_binds([1, 0, LEAF_VK]));
    assert!(root_binds([4, INNER_VK, INNER_VK]));
    assert!(!root_binds([1, 0, INNER_VK]), "a height-1 node under the inner key");
    assert!(!root_binds([4, INNER_VK, LEAF_VK]), "an inner node under the leaf key");
    assert!(!root_binds([4, 7, 7]), "an inner node of another key");
    assert!(!root_binds([4, 7, INNER_VK]), "an inner node vouching for another key");
    assert!(!root_binds([7, INNER_VK, INNER_VK]), "a height out of range");
}
