//! The dataset circuit: every record a model was trained on comes from a certified dataset
//! under an allowed license, with this many records from each dataset.
//!
//! Shape: `N` record positions, [`SLOTS`] dataset slots, dataset trees of depth `D`.
//! Public instances: [`DatasetLayout`]'s `cert_root[M] ‖ count[M] ‖ train_root ‖
//! license_mask ‖ n_records`, then `first_hi ‖ first_lo ‖ last_hi ‖ last_lo`, the content
//! halves of the first and last active record (zeros without one; [`BodyLayout`]), which a
//! proof tree compares across chunk boundaries. A single-chunk aggregation exposes only
//! the first 11.
//!
//! For every position `i` (active records first, then padding) the circuit:
//! - recomputes the leaf `H_leaf(preimage)`;
//! - opens it along its path (index bits constrained to `D` bits) and, when active,
//!   requires the root to equal `Σ_s sel[s] · cert_root[s]`, where the selector `sel` is
//!   boolean with `Σ_s sel[s] = active` (one slot for an active record, none for padding);
//! - constrains the license code to 6 bits and, when active, requires its bit of
//!   `license_mask` (itself constrained to 64 bits) to be set;
//! - counts `sel[s]` into slot `s` and puts `active · leaf` into the training tree.
//!
//! - when active, requires its content `(hi, lo)` to be greater than the previous
//!   record's (see `content_increases`): records are in strictly ascending content order,
//!   so **no work is counted twice**, whatever leaf or dataset it is opened in.
//!
//! Then `count[s] = Σ_i sel_i[s]`; a slot whose root is 0 (unused) must have count 0;
//! `train_root` is the depth-`log2 N` root over `active · leaf`; `active` is boolean and
//! prefix-shaped; `n_records = Σ active` (so `n_records ≤ N`).
//!
//! A work certified in several of the named datasets counts once (distinctness is by
//! content), for the slot whose leaf the prover opens: the circuit proves that slot
//! certifies it under an allowed license, not that no other slot does.
//!
//! Across chunks of one training set (a proof tree), the same properties hold if each
//! node also checks: the first content of a chunk steps up from the last content of the
//! chunk before it (so chunks must expose their first and last content), at most
//! `2^125` records in all (see `content_increases`), counts and `n_records` summed,
//! `cert_root`s and `license_mask` equal, and only the last non-empty chunk may end in
//! padding.
//!
//! Cost per position at depth `D`: the leaf (3 permutations) plus `D` Merkle nodes (one
//! permutation each) dominate; see BENCHMARKS.md.

mod witness;

pub use witness::{
    check_order, license_mask, DatasetPublic, DatasetWitness, RecordWitness, WitnessError,
};

use crate::{
    builder::LineageBuilder,
    circuit::LineageCircuit,
    layout::{BodyLayout, DatasetLayout, SLOTS},
    merkle,
    poseidon::PoseidonChip,
    profile::{DatasetShape, Profile},
};
use halo2_base::{
    gates::{GateChip, GateInstructions},
    halo2_proofs::halo2curves::bn256::Fr,
    AssignedValue, Context,
};
use lineage_core::{
    content::hash_bytes,
    manifest::{DatasetManifest, SourcedRecord},
    record::{sort_training_order, License},
    Address, Record,
};

/// Bits of a license code: codes are `0..License::BITS`.
pub const LICENSE_CODE_BITS: usize = License::BITS.trailing_zeros() as usize;

/// Constraints a test may switch off, to show that each negative test is rejected by the
/// constraint it targets (and would pass without it). Production code never sets these:
/// any relaxed circuit has different keys, which no deployed verifier accepts.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relax {
    /// Skip "an active record's root equals its slot's certified root".
    pub opening: bool,
    /// Skip the booleanity of the slot selector.
    pub selector: bool,
    /// Skip "padding selects no slot" (a selector sums to at most 1 instead of `active`).
    pub padding_count: bool,
    /// Skip "padding adds nothing to `train_root`" (every position's leaf goes in).
    pub padding_leaf: bool,
    /// Skip the license range and mask checks.
    pub license: bool,
    /// Skip "`count[s]` equals the records selecting slot `s`".
    pub counts: bool,
    /// Skip "`train_root` is the root of the active leaves".
    pub train_root: bool,
    /// Skip "a slot with root 0 has count 0".
    pub unused_slot: bool,
    /// Skip "`n_records` is the number of active records".
    pub n_records: bool,
    /// Skip "active records come first".
    pub prefix: bool,
    /// Skip "each active record's content is greater than the previous record's" (what
    /// makes every work count once).
    pub distinct: bool,
}

/// The dataset circuit of one profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatasetCircuit {
    /// Record positions `N`.
    pub capacity: usize,
    /// Slots, depth and size.
    pub shape: DatasetShape,
    #[doc(hidden)]
    pub relax: Relax,
}

impl DatasetCircuit {
    /// The dataset circuit of `profile`.
    pub fn new(profile: &Profile) -> Self {
        Self { capacity: profile.records, shape: profile.dataset, relax: Relax::default() }
    }

    /// Builds the witness for `training` drawn from `datasets` (see [`DatasetWitness::build`]).
    pub fn witness(
        &self,
        datasets: &[DatasetManifest],
        training: &[Record],
        license_mask: u64,
    ) -> Result<DatasetWitness, WitnessError> {
        DatasetWitness::build(&self.shape, self.capacity, datasets, training, license_mask)
    }
}

impl LineageCircuit for DatasetCircuit {
    type Witness = DatasetWitness;

    fn k(&self) -> u32 {
        self.shape.k
    }

    fn lookup_bits(&self) -> Option<usize> {
        None
    }

    /// One dataset of `N` synthetic records, all used, license 0 allowed.
    fn sample_witness(&self) -> DatasetWitness {
        let license = License::new(0).unwrap_or_else(|e| panic!("{e}"));
        let mut training: Vec<Record> = (0..self.capacity as u64)
            .map(|i| Record {
                content: hash_bytes(&i.to_le_bytes()),
                creator: Address::ZERO,
                license,
                features: vec![],
                label: 0,
            })
            .collect();
        sort_training_order(&mut training);
        let sourced =
            training.iter().map(|r| SourcedRecord { record: r.clone(), source: None }).collect();
        let witness = DatasetManifest::build(sourced, self.shape.depth, 0)
            .map_err(|e| e.to_string())
            .and_then(|(m, _)| {
                self.witness(&[m], &training, license.mask_bit()).map_err(|e| e.to_string())
            });
        witness.unwrap_or_else(|e| panic!("the sample witness of a valid profile builds: {e}"))
    }

    fn synthesize(
        &self,
        builder: &mut LineageBuilder,
        w: &DatasetWitness,
    ) -> Vec<AssignedValue<Fr>> {
        assert_eq!(w.records.len(), self.capacity, "the witness must have N record positions");
        let gate = GateChip::<Fr>::default();
        let chip = PoseidonChip::new(builder.poseidon.clone());
        let ctx = builder.base.main(0);
        let r = self.relax;

        // The claimed public values.
        let cert_roots = ctx.assign_witnesses(w.public.cert_roots);
        let counts = ctx.assign_witnesses(w.public.counts.map(Fr::from));
        let train_root = ctx.load_witness(w.public.train_root);
        let mask = ctx.load_witness(Fr::from(w.public.license_mask));
        let n_records = ctx.load_witness(Fr::from(w.public.n_records));
        let mask_bits = gate.num_to_bits(ctx, mask, 64);

        let mut slot_totals = vec![ctx.load_zero(); SLOTS];
        let mut tree_leaves = Vec::with_capacity(self.capacity);
        let mut actives: Vec<AssignedValue<Fr>> = Vec::with_capacity(self.capacity);
        let mut previous: Option<[AssignedValue<Fr>; 6]> = None;
        // The first position's content and the last active one's (the proof tree's
        // boundary check between chunks).
        let mut ends: Option<([AssignedValue<Fr>; 2], [AssignedValue<Fr>; 2])> = None;
        for rec in &w.records {
            let active = ctx.load_witness(Fr::from(u64::from(rec.active)));
            gate.assert_bit(ctx, active);
            if let (Some(&prev), false) = (actives.last(), r.prefix) {
                // active[i] => active[i - 1]
                let gap = gate.mul_not(ctx, prev, active);
                gate.assert_is_const(ctx, &gap, &Fr::zero());
            }
            actives.push(active);

            let preimage = ctx.assign_witnesses(rec.preimage);
            let preimage: [AssignedValue<Fr>; 6] = std::array::from_fn(|i| preimage[i]);
            let leaf = merkle::record_leaf(ctx, &gate, &chip, &preimage);
            if let (Some(prev), false) = (previous, r.distinct) {
                content_increases(
                    ctx,
                    &gate,
                    [prev[0], prev[1]],
                    [preimage[0], preimage[1]],
                    active,
                );
            }
            previous = Some(preimage);
            let content = [preimage[0], preimage[1]];
            ends = Some(match ends {
                None => (content, content),
                Some((first, last)) => {
                    (first, std::array::from_fn(|i| gate.select(ctx, content[i], last[i], active)))
                }
            });

            let index = ctx.load_witness(Fr::from(rec.index));
            let bits = gate.num_to_bits(ctx, index, self.shape.depth as usize);
            let siblings = ctx.assign_witnesses(rec.siblings.iter().copied());
            let root = merkle::open(ctx, &gate, &chip, leaf, &bits, &siblings);

            let selector = ctx.assign_witnesses(rec.selector);
            if !r.selector {
                selector.iter().for_each(|b| gate.assert_bit(ctx, *b));
            }
            let chosen = gate.sum(ctx, selector.iter().copied());
            if r.padding_count {
                gate.assert_bit(ctx, chosen);
            } else {
                ctx.constrain_equal(&chosen, &active);
            }
            if !r.opening {
                let slot_root = gate.inner_product(
                    ctx,
                    selector.iter().copied(),
                    cert_roots.iter().copied().map(Into::into),
                );
                let diff = gate.sub(ctx, root, slot_root);
                let off = gate.mul(ctx, active, diff);
                gate.assert_is_const(ctx, &off, &Fr::zero());
            }
            if !r.license {
                let allowed = license_bit(ctx, &gate, &mask_bits, preimage[3]);
                let refused = gate.mul_not(ctx, allowed, active);
                gate.assert_is_const(ctx, &refused, &Fr::zero());
            }
            for (total, b) in slot_totals.iter_mut().zip(&selector) {
                *total = gate.add(ctx, *total, *b);
            }
            tree_leaves.push(if r.padding_leaf { leaf } else { gate.mul(ctx, active, leaf) });
        }

        if !r.counts {
            for (total, claimed) in slot_totals.iter().zip(&counts) {
                ctx.constrain_equal(total, claimed);
            }
        }
        if !r.unused_slot {
            for (root, total) in cert_roots.iter().zip(&slot_totals) {
                let unused = gate.is_zero(ctx, *root);
                let used_while_unused = gate.mul(ctx, unused, *total);
                gate.assert_is_const(ctx, &used_while_unused, &Fr::zero());
            }
        }
        let computed_root = merkle::root(ctx, &chip, &tree_leaves);
        if !r.train_root {
            ctx.constrain_equal(&computed_root, &train_root);
        }
        if !r.n_records {
            let n = gate.sum(ctx, actives.iter().copied());
            ctx.constrain_equal(&n, &n_records);
        }

        let mut out = vec![train_root; DatasetLayout::LEN];
        for s in 0..SLOTS {
            out[DatasetLayout::cert_root(s)] = cert_roots[s];
            out[DatasetLayout::count(s)] = counts[s];
        }
        out[DatasetLayout::TRAIN_ROOT] = train_root;
        out[DatasetLayout::LICENSE_MASK] = mask;
        out[DatasetLayout::N_RECORDS] = n_records;
        let (first, last) = ends.unwrap_or_else(|| {
            let zero = ctx.load_zero();
            ([zero; 2], [zero; 2])
        });
        out.extend(first.into_iter().chain(last));
        debug_assert_eq!(out.len(), BodyLayout::DATASET_LEN);
        out
    }
}

/// Bits of the step between neighbouring records' contents: each content half is 128 bits.
pub const CONTENT_STEP_BITS: usize = 128;

/// When `active`: `(hi, lo)` of `cur` is greater than that of `prev` as a pair compared
/// lexicographically, where `hi`, `lo` are the content hash's halves (a record leaf's
/// preimage words 0, 1). The proof tree applies it across chunk boundaries too.
///
/// With `e = [prev.hi == cur.hi]` and `step = e ? cur.lo - prev.lo : cur.hi - prev.hi`, it
/// constrains `active · (step - 1)` to [`CONTENT_STEP_BITS`] bits, i.e. `step ∈ [1, 2^128]`
/// for an active record and nothing for padding.
///
/// ## Assumptions
/// None on the halves' range: soundness of "no work twice" does not need them. Between two
/// active records `i < j`, either `hi` stepped somewhere in between, and `hi_j - hi_i` is a
/// sum of at most `N` steps of `[1, 2^128]`, nonzero as an integer below `N · 2^128 < p`
/// (for `N < 2^125`); or `hi` never stepped, and the same holds for `lo`. Either way the two
/// contents differ, so no work appears twice. For honest SHA-256 halves (below 2^128) it is
/// exactly ascending order of the 256-bit hash.
pub(crate) fn content_increases(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    prev: [AssignedValue<Fr>; 2],
    cur: [AssignedValue<Fr>; 2],
    active: AssignedValue<Fr>,
) {
    let same_hi = gate.is_equal(ctx, prev[0], cur[0]);
    let hi_step = gate.sub(ctx, cur[0], prev[0]);
    let lo_step = gate.sub(ctx, cur[1], prev[1]);
    let step = gate.select(ctx, lo_step, hi_step, same_hi);
    let gap = gate.sub(ctx, step, halo2_base::QuantumCell::Constant(Fr::one()));
    let gap = gate.mul(ctx, active, gap);
    gate.num_to_bits(ctx, gap, CONTENT_STEP_BITS);
}

/// `mask_bits[license]`, with `license` constrained to [`LICENSE_CODE_BITS`] bits: a binary
/// multiplexer over the 64 mask bits (63 selects).
fn license_bit(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    mask_bits: &[AssignedValue<Fr>],
    license: AssignedValue<Fr>,
) -> AssignedValue<Fr> {
    let code_bits = gate.num_to_bits(ctx, license, LICENSE_CODE_BITS);
    let mut level = mask_bits.to_vec();
    for bit in code_bits {
        level = level.chunks(2).map(|p| gate.select(ctx, p[1], p[0], bit)).collect();
    }
    level[0]
}
