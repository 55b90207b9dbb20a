//! The proof tree's merge rules: what a node proves about the two bodies it combines.
//!
//! A training set of any size is proven in chunks of a profile's capacity `C = 2^c`
//! records. Each chunk proof exposes a [`Body`] ([`BodyLayout`]); a node at height `h ≥ 1`
//! verifies two child proofs, a left `A` and a right `B` of height `h − 1`, and exposes
//! their merged body. The root of the tree re-exposes the top body as the attestation's
//! public values. The rules below make the root's body the body the whole set would have
//! as one chunk; `crates/prover/docs/proof-tree-plan.md` has the design and its figures.
//!
//! A node's height fixes the child capacity `cap = C·2^(h−1)` and the empty subtree root
//! `EMPTY[c+h−1]` ([`Level`]): constants in a height-1 node's key, selected by the witness
//! height in the one inner-node key of every height above ([`Height`]). A boolean witness
//! `pad` says that the node has no right subtree: `B` is then the left proof verified a
//! second time, and only the equalities of rule 1 read it, which a duplicate satisfies.
//! With `nB' = (1 − pad)·n_B`:
//!
//! 1. **The same datasets and licenses** (and learning rate): `cert_root[s]`,
//!    `license_mask` (and `lr`) of `A` and `B` are equal.
//! 2. **Totals**: `count[s] = count_A[s] + (1 − pad)·count_B[s]`, `n = n_A + nB'`.
//! 3. **A prefix**: `nB' · (1 − [n_A = cap]) = 0`. Only the last non-empty chunk may end in
//!    padding, so the active records are leaf positions `0..n` of the whole set's tree.
//! 4. **The subtree root**: `root = merkle_node(root_A, pad ? EMPTY[c+h−1] : root_B)`, the
//!    node of `lineage_core::merkle` at height `c + h`: whatever the chunking, the top
//!    body's root, extended with empty siblings, is `MerkleTree::new(all leaves, D).root()`.
//! 5. **No record twice**: when `nB' ≠ 0`, `B.first` is greater than `A.last` (the dataset
//!    circuit's step check, `content_increases`). Every neighbouring pair of active records
//!    has a constrained step, inside a chunk or at a node boundary, so its argument (no
//!    content repeats among fewer than 2^125 records) holds for the whole set.
//!    `first = A.first`, `last = nB' ≠ 0 ? B.last : A.last`.
//! 6. **One SGD run** (proven training), per epoch segment `e`:
//!    `(1 − pad)·(A.w_out[e] − B.w_in[e]) = 0`, `w_in[e] = A.w_in[e]`,
//!    `w_out[e] = pad ? A.w_out[e] : B.w_out[e]`. The root chains `w_out[e] = w_in[e+1]`.
//!
//! So no chunk can be left out, repeated or reordered without changing the root's body:
//! a dropped or repeated chunk changes `root` and `n` (or breaks rule 5 or 6), swapped
//! chunks break rule 5, and a chunk under other datasets or licenses breaks rule 1.
//!
//! ## Assumptions
//! The children's words are their proofs' public instances, copied in by the node's
//! aggregation; each chunk proof enforces its own body (`n ≤ C`, first/last, counts).

use crate::{
    dataset::content_increases,
    layout::{BodyLayout, DatasetLayout, SLOTS},
    poseidon::{Permute, PoseidonChip},
    profile::TrainingShape,
};
use halo2_base::{
    gates::{GateChip, GateInstructions},
    halo2_proofs::halo2curves::bn256::Fr,
    AssignedValue, Context,
    QuantumCell::Constant,
};
use lineage_core::{merkle::empty_root, poseidon::Domain};

/// The root of the depth-`depth` tree whose leftmost subtree of `height` has the root
/// `root` and whose other positions are empty: `lineage_core::merkle::root_of_subtrees` of
/// one subtree, one `merkle_node` with a constant `EMPTY[ℓ]` per level `ℓ`. A chunk's or
/// the top node's subtree root becomes `train_root` this way.
pub fn extend_root(
    ctx: &mut Context<Fr>,
    chip: &PoseidonChip<impl Permute>,
    root: AssignedValue<Fr>,
    height: u32,
    depth: u32,
) -> AssignedValue<Fr> {
    (height..depth).fold(root, |node, level| {
        let empty = ctx.load_constant(empty_root(level));
        chip.merkle_node(ctx, node, empty)
    })
}

/// The training run's three commitments from its epoch segments, as the attestation
/// states them: `w0_hash = w_in[0]`, `w_hash = w_out[E − 1]` and
/// `hyper_hash = H_Hyper(lr, E, F, d, n)` with `E`, `F`, `d` constants of `shape`. The
/// segments are constrained to chain, `w_out[e] = w_in[e + 1]`: one SGD run, epoch after
/// epoch. (Within an epoch, across chunks, [`merge`] chains them.)
pub fn run_commitments(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    chip: &PoseidonChip<impl Permute>,
    shape: &TrainingShape,
    lr: AssignedValue<Fr>,
    n: AssignedValue<Fr>,
    w_in: &[AssignedValue<Fr>],
    w_out: &[AssignedValue<Fr>],
) -> [AssignedValue<Fr>; 3] {
    let epochs = shape.epochs as usize;
    assert!(epochs >= 1 && w_in.len() == epochs && w_out.len() == epochs, "one segment per epoch");
    for e in 1..epochs {
        ctx.constrain_equal(&w_out[e - 1], &w_in[e]);
    }
    let [e, f, d] = [u64::from(shape.epochs), u64::from(shape.frac_bits), shape.features as u64]
        .map(|c| ctx.load_constant(Fr::from(c)));
    let hyper = chip.hash(ctx, gate, Domain::Hyper, &[lr, e, f, d, n]);
    [w_in[0], w_out[epochs - 1], hyper]
}

/// A body's training words (proven training): the learning rate and each epoch segment's
/// start and end weight hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segments<T> {
    /// The learning rate.
    pub lr: T,
    /// `w_in[e]`: where epoch `e`'s segment starts.
    pub w_in: Vec<T>,
    /// `w_out[e]`: where epoch `e`'s segment ends.
    pub w_out: Vec<T>,
}

/// The words of a chunk proof or a node, by name ([`BodyLayout`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body<T> {
    /// The certified root of each dataset slot.
    pub cert_root: [T; SLOTS],
    /// The active records of each slot.
    pub count: [T; SLOTS],
    /// The root of the body's subtree of the training-set tree.
    pub root: T,
    /// The allowed licenses.
    pub license_mask: T,
    /// The active records.
    pub n: T,
    /// The first active record's content halves `(hi, lo)`.
    pub first: [T; 2],
    /// The last active record's content halves.
    pub last: [T; 2],
    /// The training words (proven training).
    pub training: Option<Segments<T>>,
}

impl<T: Copy> Body<T> {
    /// Reads a body from its words: `epochs` segments for proven training, `None` for
    /// declared. `None` unless the length is [`BodyLayout::len`].
    pub fn from_words(words: &[T], epochs: Option<usize>) -> Option<Self> {
        if words.len() != BodyLayout::len(epochs) {
            return None;
        }
        let training = epochs.map(|e| Segments {
            lr: words[BodyLayout::LR],
            w_in: (0..e).map(|i| words[BodyLayout::w_in(i)]).collect(),
            w_out: (0..e).map(|i| words[BodyLayout::w_out(i, e)]).collect(),
        });
        Some(Self {
            cert_root: std::array::from_fn(|s| words[DatasetLayout::cert_root(s)]),
            count: std::array::from_fn(|s| words[DatasetLayout::count(s)]),
            root: words[DatasetLayout::TRAIN_ROOT],
            license_mask: words[DatasetLayout::LICENSE_MASK],
            n: words[DatasetLayout::N_RECORDS],
            first: [words[BodyLayout::FIRST_HI], words[BodyLayout::FIRST_LO]],
            last: [words[BodyLayout::LAST_HI], words[BodyLayout::LAST_LO]],
            training,
        })
    }

    /// The words in [`BodyLayout`] order.
    pub fn words(&self) -> Vec<T> {
        let mut w = Vec::with_capacity(BodyLayout::len(self.epochs()));
        w.extend(self.cert_root);
        w.extend(self.count);
        w.extend([self.root, self.license_mask, self.n]);
        w.extend(self.first);
        w.extend(self.last);
        if let Some(t) = &self.training {
            w.push(t.lr);
            w.extend(&t.w_in);
            w.extend(&t.w_out);
        }
        w
    }

    /// The number of epoch segments (`None` for declared training).
    pub fn epochs(&self) -> Option<usize> {
        self.training.as_ref().map(|t| t.w_in.len())
    }
}

/// What a node's height fixes about its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level {
    /// The most active records a child holds: `C · 2^(h−1)`.
    pub child_capacity: u64,
    /// The height of a child's subtree root above the leaves: `c + h − 1`.
    pub child_height: u32,
}

impl Level {
    /// The level of a node at `height ≥ 1` over chunks of `2^chunk_depth` records.
    pub const fn of(chunk_depth: u32, height: u32) -> Self {
        assert!(height >= 1, "nodes start at height 1");
        Self {
            child_capacity: 1 << (chunk_depth + height - 1),
            child_height: chunk_depth + height - 1,
        }
    }

    /// The level as constants, for a node whose key fixes its height.
    pub fn assign(self, ctx: &mut Context<Fr>) -> LevelCells {
        LevelCells {
            child_capacity: ctx.load_constant(Fr::from(self.child_capacity)),
            child_empty: ctx.load_constant(empty_root(self.child_height)),
        }
    }
}

/// A node's [`Level`] as circuit values: constants ([`Level::assign`]) where the key fixes
/// the height, selected by a witness height ([`Height::level`]) where it does not.
#[derive(Clone, Copy, Debug)]
pub struct LevelCells {
    /// The most active records a child holds.
    pub child_capacity: AssignedValue<Fr>,
    /// The root of an empty subtree of a child's height: what a padded node combines with.
    pub child_empty: AssignedValue<Fr>,
}

/// A height that is a witness, constrained to `lo..=hi` and held as a one-hot indicator,
/// so that values depending on it are selected from constant tables.
#[derive(Clone, Debug)]
pub struct Height {
    /// The height.
    pub value: AssignedValue<Fr>,
    lo: u32,
    indicator: Vec<AssignedValue<Fr>>,
}

impl Height {
    /// `value`, constrained to `lo..=hi` (exactly one indicator bit is set).
    pub fn new(
        ctx: &mut Context<Fr>,
        gate: &GateChip<Fr>,
        value: AssignedValue<Fr>,
        lo: u32,
        hi: u32,
    ) -> Self {
        assert!(lo <= hi, "an empty range of heights");
        let index = gate.sub(ctx, value, Constant(Fr::from(u64::from(lo))));
        let indicator = gate.idx_to_indicator(ctx, index, (hi - lo + 1) as usize);
        let set = gate.sum(ctx, indicator.iter().copied());
        gate.assert_is_const(ctx, &set, &Fr::one());
        Self { value, lo, indicator }
    }

    fn hi(&self) -> u32 {
        self.lo + self.indicator.len() as u32 - 1
    }

    /// 1 if the height is `h`, else 0.
    pub fn is(&self, ctx: &mut Context<Fr>, h: u32) -> AssignedValue<Fr> {
        match h.checked_sub(self.lo).and_then(|i| self.indicator.get(i as usize)) {
            Some(bit) => *bit,
            None => ctx.load_zero(),
        }
    }

    /// 1 if the height is at most `h`, else 0.
    pub fn at_most(&self, ctx: &mut Context<Fr>, gate: &GateChip<Fr>, h: u32) -> AssignedValue<Fr> {
        if h < self.lo {
            return ctx.load_zero();
        }
        let upto = ((h - self.lo) as usize + 1).min(self.indicator.len());
        gate.sum(ctx, self.indicator[..upto].iter().copied())
    }

    /// `table(height)`, from the constants of every height in range.
    pub fn select(
        &self,
        ctx: &mut Context<Fr>,
        gate: &GateChip<Fr>,
        table: impl Fn(u32) -> Fr,
    ) -> AssignedValue<Fr> {
        let values: Vec<_> = (self.lo..=self.hi()).map(|h| Constant(table(h))).collect();
        gate.select_by_indicator(ctx, values, self.indicator.iter().copied())
    }

    /// The [`Level`] of a node at this height over chunks of `2^chunk_depth` records.
    pub fn level(
        &self,
        ctx: &mut Context<Fr>,
        gate: &GateChip<Fr>,
        chunk_depth: u32,
    ) -> LevelCells {
        assert!(self.lo >= 1, "nodes start at height 1");
        let of = |h| Level::of(chunk_depth, h);
        LevelCells {
            child_capacity: self.select(ctx, gate, |h| Fr::from(of(h).child_capacity)),
            child_empty: self.select(ctx, gate, |h| empty_root(of(h).child_height)),
        }
    }
}

/// [`extend_root`] from a witness height: `root` is the root of a node at `height` over
/// chunks of `2^chunk_depth` records (a subtree of height `chunk_depth + height`), extended
/// with empty siblings to `depth`. Each level is hashed and kept only at and above the
/// node's own: `depth − chunk_depth − lo` hashes, one selection each.
pub fn extend_root_from(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    chip: &PoseidonChip<impl Permute>,
    root: AssignedValue<Fr>,
    height: &Height,
    chunk_depth: u32,
    depth: u32,
) -> AssignedValue<Fr> {
    assert!(chunk_depth + height.hi() <= depth, "a node above the tree's depth");
    (chunk_depth + height.lo..depth).fold(root, |node, level| {
        let empty = ctx.load_constant(empty_root(level));
        let up = chip.merkle_node(ctx, node, empty);
        let reached = height.at_most(ctx, gate, level - chunk_depth);
        gate.select(ctx, up, node, reached)
    })
}

/// The words a node exposes after its body: its height, and the digest of the inner
/// nodes' verifying key (0 from a height-1 node, which has no node children).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeTail<T> {
    /// The node's height.
    pub height: T,
    /// The inner nodes' verifying-key digest the node vouches for.
    pub vk: T,
}

/// A verifying key's digest from its preprocessed limbs and transcript initial state, as
/// an aggregation loads them when the key is a witness (`PreprocessedAsWitness`): the
/// Poseidon hash in `Domain::VerifyingKey`. Equal limbs are equal integers, so the digest
/// names one key.
pub fn vk_digest(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    chip: &PoseidonChip<impl Permute>,
    limbs: &[AssignedValue<Fr>],
) -> AssignedValue<Fr> {
    chip.hash(ctx, gate, Domain::VerifyingKey, limbs)
}

/// In an inner node (a witness `height ≥ 2`, the one key of every height above 1), binds
/// a child it verified with the key of digest `child_digest`:
/// - the child is one level down: `child.height = height − 1`;
/// - at height 2 the children are height-1 nodes, verified under the constant key digest
///   `leaf_vk`; above, they are inner nodes verified under `own_vk`, which they vouch for
///   too (`child.vk = own_vk`).
///
/// The node exposes `own_vk`; the root fixes it to the inner key's digest, so by induction
/// every inner node of the tree was verified under the inner key.
pub fn bind_inner_child(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    height: &Height,
    own_vk: AssignedValue<Fr>,
    leaf_vk: Fr,
    child: &NodeTail<AssignedValue<Fr>>,
    child_digest: AssignedValue<Fr>,
) {
    let below = gate.sub(ctx, height.value, Constant(Fr::one()));
    ctx.constrain_equal(&child.height, &below);
    let leaves = height.is(ctx, 2);
    let leaf_vk = ctx.load_constant(leaf_vk);
    bind_key(ctx, gate, leaves, leaf_vk, own_vk, child, child_digest);
}

/// The child was verified under `leaf_vk` where `leaf` is set; else under `inner_vk`,
/// which it vouches for too.
fn bind_key(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    leaf: AssignedValue<Fr>,
    leaf_vk: AssignedValue<Fr>,
    inner_vk: AssignedValue<Fr>,
    child: &NodeTail<AssignedValue<Fr>>,
    child_digest: AssignedValue<Fr>,
) {
    let expected = gate.select(ctx, leaf_vk, inner_vk, leaf);
    ctx.constrain_equal(&child_digest, &expected);
    let gap = gate.sub(ctx, child.vk, inner_vk);
    let inner = gate.not(ctx, leaf);
    let gap = gate.mul(ctx, inner, gap);
    gate.assert_is_const(ctx, &gap, &Fr::zero());
}

/// At the root, binds its one child, verified with the key of digest `child_digest`, whose
/// height is `height` (from its words): a height-1 node under the constant `leaf_vk`, an
/// inner node under the constant `inner_vk`, vouching for `inner_vk` too.
pub fn bind_root_child(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    height: &Height,
    [leaf_vk, inner_vk]: [Fr; 2],
    child: &NodeTail<AssignedValue<Fr>>,
    child_digest: AssignedValue<Fr>,
) {
    ctx.constrain_equal(&child.height, &height.value);
    let leaf = height.is(ctx, 1);
    let [leaf_vk, inner_vk] = [leaf_vk, inner_vk].map(|v| ctx.load_constant(v));
    bind_key(ctx, gate, leaf, leaf_vk, inner_vk, child, child_digest);
}

/// Rules [`merge`] can leave out, for tests that show which rule refuses a tampered tree.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Ablate {
    /// Rule 1: equal `cert_root`s, `license_mask` and `lr`.
    pub same_datasets: bool,
    /// Rule 3: only a full left child may have a non-empty right sibling.
    pub prefix: bool,
    /// Rule 5: contents step up across the boundary.
    pub distinct: bool,
    /// Rule 6: the right child's segments start where the left's end.
    pub chain: bool,
    /// `pad` constrained to a bit.
    pub pad_bit: bool,
}

/// The body of a node over `a` (left) and `b` (right) at `level`, with `pad` set when the
/// node has no right subtree (module docs, rules 1-6). Both bodies must be of one kind
/// and epoch count (the node's key fixes them).
pub fn merge(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    chip: &PoseidonChip<impl Permute>,
    level: &LevelCells,
    a: &Body<AssignedValue<Fr>>,
    b: &Body<AssignedValue<Fr>>,
    pad: AssignedValue<Fr>,
) -> Body<AssignedValue<Fr>> {
    merge_ablated(ctx, gate, chip, level, a, b, pad, Ablate::default())
}

#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn merge_ablated(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    chip: &PoseidonChip<impl Permute>,
    level: &LevelCells,
    a: &Body<AssignedValue<Fr>>,
    b: &Body<AssignedValue<Fr>>,
    pad: AssignedValue<Fr>,
    ablate: Ablate,
) -> Body<AssignedValue<Fr>> {
    assert_eq!(a.epochs(), b.epochs(), "both children of one node key");
    if !ablate.pad_bit {
        gate.assert_bit(ctx, pad);
    }
    let real = gate.not(ctx, pad);

    // 1. The same datasets, licenses and learning rate.
    if !ablate.same_datasets {
        for s in 0..SLOTS {
            ctx.constrain_equal(&a.cert_root[s], &b.cert_root[s]);
        }
        ctx.constrain_equal(&a.license_mask, &b.license_mask);
        if let (Some(ta), Some(tb)) = (&a.training, &b.training) {
            ctx.constrain_equal(&ta.lr, &tb.lr);
        }
    }

    // 2. Totals, the right child's only when real.
    let count = std::array::from_fn(|s| gate.mul_add(ctx, real, b.count[s], a.count[s]));
    let n_b = gate.mul(ctx, real, b.n);
    let n = gate.add(ctx, a.n, n_b);

    // 3. A prefix: a non-empty right child needs a full left one.
    if !ablate.prefix {
        let full = gate.is_equal(ctx, a.n, level.child_capacity);
        let short = gate.not(ctx, full);
        let leak = gate.mul(ctx, n_b, short);
        gate.assert_is_const(ctx, &leak, &Fr::zero());
    }

    // 4. The subtree root one level up.
    let right = gate.select(ctx, level.child_empty, b.root, pad);
    let root = chip.merkle_node(ctx, a.root, right);

    // 5. No record twice: the right child's first content steps up from the left's last.
    let b_empty = gate.is_zero(ctx, n_b);
    let b_used = gate.not(ctx, b_empty);
    if !ablate.distinct {
        content_increases(ctx, gate, a.last, b.first, b_used);
    }
    let last = std::array::from_fn(|i| gate.select(ctx, b.last[i], a.last[i], b_used));

    // 6. One SGD run: per epoch, the right segment starts where the left one ends.
    let training = match (&a.training, &b.training) {
        (Some(ta), Some(tb)) => {
            let mut w_out = Vec::with_capacity(ta.w_out.len());
            for (a_out, (b_in, b_out)) in ta.w_out.iter().zip(tb.w_in.iter().zip(&tb.w_out)) {
                if !ablate.chain {
                    let gap = gate.sub(ctx, *a_out, *b_in);
                    let gap = gate.mul(ctx, real, gap);
                    gate.assert_is_const(ctx, &gap, &Fr::zero());
                }
                w_out.push(gate.select(ctx, *a_out, *b_out, pad));
            }
            Some(Segments { lr: ta.lr, w_in: ta.w_in.clone(), w_out })
        }
        _ => None,
    };

    Body {
        cert_root: a.cert_root,
        count,
        root,
        license_mask: a.license_mask,
        n,
        first: a.first,
        last,
        training,
    }
}
