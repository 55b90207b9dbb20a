//! The training circuit: one chunk of a training set's SGD run. For each epoch `e`, the
//! weights behind `w_out[e]` are what the declared fixed-point logistic-regression SGD
//! gives when run from the weights behind `w_in[e]` over the chunk's samples (behind
//! `train_root`), at the learning rate `lr`.
//!
//! Public instances ([`TrainingLayout`]): `train_root ‖ n ‖ lr ‖ w_in[E] ‖ w_out[E]`, where
//! `train_root` is the chunk's subtree root and `w_in`/`w_out` are `H_Weights` hashes.
//!
//! A run over one chunk is the chain `w_in[e + 1] = w_out[e]`; over many, epoch `e` runs
//! through every chunk in order before epoch `e + 1` starts. The circuit does not chain
//! its own segments: whoever combines chunk proofs does (the aggregation, or the proof
//! tree's nodes and root), and commits to `w0_hash = w_in[0]` of the first chunk,
//! `w_hash = w_out[E − 1]` of the last, and `hyper_hash = H_Hyper(lr, E, F, d, n)`.
//!
//! ## What is constrained
//! 1. **Samples.** `N` slots (the profile's `records`); slot `i` is active when
//!    `a_i = 1`. Every `a_i` is boolean and the flags are prefix-shaped
//!    (`a_{i+1}·(1 − a_i) = 0`), so the active samples are slots `0..n`, `n = Σ a_i`.
//!    Each slot's leaf is rebuilt with the dataset circuit's own gadgets
//!    ([`merkle::record_leaf`] over [`merkle::features_digest`] of the very feature cells
//!    the SGD uses, and the label cell it uses) and multiplied by `a_i`, so padding slots
//!    contribute the leaf 0; `train_root` is the depth-`log2 N` root over them
//!    ([`merkle::root`]): `lineage_core::MerkleTree::new(active leaves, log2 N).root()`.
//!    Labels are constrained boolean; features are range-checked to `F + 4` bits.
//! 2. **Learning rate.** `lr` is range-checked to `[1, 2^F]` and exposed; `n` is exposed.
//! 3. **Segment starts.** Each `w_in[e]`'s weights are range-checked to `F + 8` bits and
//!    hashed. Which initial weights an attestation may use is the registry's check on
//!    the public `w0_hash` (`LineageRegistry._publicStart`): the profile's zero weights
//!    ([`crate::layout::zero_start_hash`]), or, with `baseModelId`, the weights of an
//!    attested `Valid` base of the same profile (`keccak256(base publisher, w0_hash)` must
//!    be the base's id, so `w0_hash` is the base's `w_hash`).
//! 4. **SGD.** Per epoch, `N` steps in slot order, each exactly
//!    `lineage_core::train::step`: every division by a power of two is witnessed as
//!    `a = q·2^k + r` with `r` range-checked to `[0, 2^k)` and `q` to its signed bound (so
//!    `q = ⌊a / 2^k⌋`, the native arithmetic shift); the hard sigmoid's two comparisons
//!    are sign bits proven by range checks; the gradient is multiplied by `a_i`, so an
//!    inactive slot changes nothing (`⌊0·x / 2^F⌋ = 0`, as the native trainer, which
//!    skips it). Every weight and the bias is range-checked to `F + 8` bits after every
//!    step, as natively.
//! 5. **Segment ends.** Each epoch's claimed end weights are range-checked, hashed into
//!    `w_out[e]`, and constrained equal to the re-executed ones.
//!
//! ## Assumptions
//! Soundness of the arithmetic: every cell is either range-checked or a sum/product of
//! range-checked cells, so (by the bounds table of `lineage_core::train`) every value is
//! an integer below `2^70` in absolute value, far below half the field modulus: no field
//! operation wraps, and each `(q, r)` decomposition has exactly one solution. The hashes
//! rest on Poseidon's collision resistance (see [`crate::poseidon`]).
//!
//! ## Test hooks
//! [`Tamper`] (in the witness) and [`Ablate`] (in the circuit) exist only for the negative
//! tests: the first makes the prover assign a dishonest value where the honest circuit
//! computes one, the second removes one constraint so a test can show that this very
//! constraint is what rejects the tampered witness. Both are `#[doc(hidden)]`, default to
//! "honest, fully constrained", and nothing outside the tests sets them.

use crate::{
    builder::LineageBuilder,
    layout::TrainingLayout,
    merkle,
    poseidon::PoseidonChip,
    profile::{Profile, TrainingShape},
    LineageCircuit,
};
use halo2_base::{
    gates::{GateChip, GateInstructions, RangeChip, RangeInstructions},
    halo2_proofs::halo2curves::{
        bn256::Fr,
        ff::{Field, PrimeField},
    },
    AssignedValue, Context,
    QuantumCell::{Constant, Existing, Witness},
};
use lineage_core::{
    field::fr_from_i64,
    poseidon::Domain,
    record::{ContentHash, License, Record},
    train::{self, Bounds, Hyper, TrainError, Weights},
    Address, MerkleTree,
};

/// The training circuit of one shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingCircuit {
    /// Training-set capacity `N` (a power of two).
    pub records: usize,
    /// `d`, `E`, `F`, `k`, lookup bits.
    pub shape: TrainingShape,
    /// Test-only: constraints to leave out (see the module docs). Default: none.
    #[doc(hidden)]
    pub ablate: Ablate,
}

/// The private inputs of one training proof.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrainingWitness {
    /// The `n ≤ N` training records, in training order (the `train_root` leaf order).
    pub records: Vec<Record>,
    /// Fixed-point learning rate.
    pub lr: i64,
    /// Where each epoch's segment starts (public through `w_in[e]`); `starts[0]` is the
    /// initial weights of a one-chunk run.
    pub starts: Vec<Weights>,
    /// Where each epoch's segment ends (public through `w_out[e]`); the last is the
    /// trained model of a one-chunk run.
    pub ends: Vec<Weights>,
    /// Test-only: dishonest assignments (see the module docs). Default: none; never
    /// written to or read from a file.
    #[doc(hidden)]
    #[serde(skip)]
    pub tamper: Tamper,
}

impl TrainingWitness {
    /// The initial weights (segment 0's start).
    pub fn w0(&self) -> &Weights {
        &self.starts[0]
    }

    /// The trained weights (the last segment's end).
    pub fn weights(&self) -> &Weights {
        self.ends.last().unwrap_or(&self.starts[0])
    }
}

/// Test-only dishonest assignments. Step `t` is SGD step `epoch · N + slot`.
#[doc(hidden)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tamper {
    /// `(t, j, δ)`: after step `t`, weight `j` (the bias when `j = d`) is assigned `δ` more
    /// than its update gives.
    pub update: Option<(usize, usize, i64)>,
    /// Train with this learning rate while the exposed `lr` is the witness's.
    pub train_lr: Option<i64>,
    /// `(i, r)`: train slot `i` on record `r` while its leaf is built from the witness's.
    pub train_record: Option<(usize, Record)>,
    /// `(t, k)`: at step `t` the logit's rescale is witnessed as `(q + k, r − k·2^(F+2))`.
    pub rounding: Option<(usize, i64)>,
    /// Mark this slot inactive although it holds a record (a hole in the prefix).
    pub hole: Option<usize>,
}

/// Test-only: constraints to remove.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ablate {
    /// Each segment's claimed end weights equal the re-executed ones.
    pub final_weights: bool,
    /// The weight update gate `w' + Δ = w`.
    pub update_gate: bool,
    /// The learning rate trained with is the hashed one (only with `Tamper::train_lr`).
    pub lr_link: bool,
    /// The sample trained on is the hashed one (only with `Tamper::train_record`).
    pub sample_link: bool,
    /// Features within `F + 4` bits.
    pub feature_range: bool,
    /// Rescale remainders within `[0, 2^k)`.
    pub remainder_range: bool,
    /// Active flags prefix-shaped.
    pub prefix: bool,
}

impl TrainingCircuit {
    /// The training circuit of `profile`.
    pub fn new(profile: &Profile) -> Self {
        Self::with_shape(profile.records, profile.training)
    }

    /// A training circuit of any shape (tests use small ones).
    pub fn with_shape(records: usize, shape: TrainingShape) -> Self {
        assert!(records.is_power_of_two(), "the training capacity must be a power of two");
        Self { records, shape, ablate: Ablate::default() }
    }

    /// Depth of the training-set tree: `log2 N`.
    pub fn depth(&self) -> u32 {
        self.records.trailing_zeros()
    }

    /// The hyperparameters of a run on `samples` samples at learning rate `lr`.
    pub fn hyper(&self, lr: i64, samples: usize) -> Hyper {
        Hyper {
            lr,
            epochs: self.shape.epochs,
            frac_bits: self.shape.frac_bits,
            features: self.shape.features,
            samples,
        }
    }

    /// Trains natively from `w0` over `records` as one chunk (refusing what the circuit
    /// cannot prove) and returns the witness: its segments chain, `starts[e + 1] =
    /// ends[e]`.
    pub fn witness(
        &self,
        records: Vec<Record>,
        lr: i64,
        w0: Weights,
    ) -> Result<TrainingWitness, TrainError> {
        if records.len() > self.records {
            return Err(TrainError::Capacity { samples: records.len(), capacity: self.records });
        }
        let hyper = self.hyper(lr, records.len());
        let cp = train::checkpoints(&hyper, &records, &w0, records.len().max(1))?;
        let epochs = self.shape.epochs as usize;
        let starts = cp.starts.iter().map(|s| s[0].clone()).collect();
        let ends = (0..epochs).map(|e| cp.end_of(e, 0).clone()).collect();
        Ok(TrainingWitness { records, lr, starts, ends, tamper: Tamper::default() })
    }

    /// Trains natively from `w0` over `records` (any number of them) as ONE SGD run, cut
    /// into chunks of this circuit's capacity: chunk `i`'s witness proves its segment of
    /// every epoch, from the run's checkpoint before it to the one after it
    /// (`lineage_core::train::checkpoints`), so that a proof tree chains them back into the
    /// whole run. Returns the chunks' witnesses and the run's end weights ([`train::train`]'s).
    pub fn segments(
        &self,
        records: &[Record],
        lr: i64,
        w0: &Weights,
    ) -> Result<(Vec<TrainingWitness>, Weights), TrainError> {
        let hyper = self.hyper(lr, records.len());
        let run = train::checkpoints(&hyper, records, w0, self.records)?;
        let epochs = self.shape.epochs as usize;
        let chunks = records
            .chunks(self.records)
            .enumerate()
            .map(|(i, part)| TrainingWitness {
                records: part.to_vec(),
                lr,
                starts: (0..epochs).map(|e| run.starts[e][i].clone()).collect(),
                ends: (0..epochs).map(|e| run.end_of(e, i).clone()).collect(),
                tamper: Tamper::default(),
            })
            .collect();
        Ok((chunks, run.end))
    }

    /// The public instances of `witness`, computed natively, in [`TrainingLayout`] order.
    pub fn instances(&self, witness: &TrainingWitness) -> Vec<Fr> {
        let leaves = witness.records.iter().map(Record::leaf).collect();
        // The depth is log2 of a power of two and the witness holds at most N records.
        let root = MerkleTree::new(leaves, self.depth()).map(|t| t.root()).unwrap_or_default();
        let epochs = self.shape.epochs as usize;
        let mut out = vec![Fr::zero(); TrainingLayout::len(epochs)];
        out[TrainingLayout::TRAIN_ROOT] = root;
        out[TrainingLayout::N_RECORDS] = Fr::from(witness.records.len() as u64);
        out[TrainingLayout::LR] = fr_from_i64(witness.lr);
        for e in 0..epochs {
            out[TrainingLayout::w_in(e)] =
                witness.starts.get(e).map(Weights::hash).unwrap_or_default();
            out[TrainingLayout::w_out(e, epochs)] =
                witness.ends.get(e).map(Weights::hash).unwrap_or_default();
        }
        out
    }
}

/// A padding slot's record: all zeros.
fn padding(features: usize) -> Record {
    Record {
        content: ContentHash::default(),
        creator: Address::ZERO,
        license: License::new(0).unwrap_or_else(|_| unreachable!("0 is a valid license code")),
        features: vec![0; features],
        label: 0,
    }
}

impl LineageCircuit for TrainingCircuit {
    type Witness = TrainingWitness;

    fn k(&self) -> u32 {
        self.shape.k
    }

    fn lookup_bits(&self) -> Option<usize> {
        Some(self.shape.lookup_bits)
    }

    /// `N` synthetic records (content `i`, features cycling through a fixed pattern,
    /// alternating labels), learning rate 1/8, zero initial weights.
    fn sample_witness(&self) -> TrainingWitness {
        let d = self.shape.features;
        let one = Bounds::new(self.shape.frac_bits).one();
        let records: Vec<Record> = (0..self.records)
            .map(|i| {
                let mut r = padding(d);
                r.content.0[..8].copy_from_slice(&(i as u64).to_be_bytes());
                r.features = (0..d).map(|j| ((i + j) % 5) as i64 * one / 4 - one / 2).collect();
                r.label = (i % 2) as u32;
                r
            })
            .collect();
        let w0 = Weights::zeros(d);
        let lr = one / 8;
        self.witness(records.clone(), lr, w0.clone()).unwrap_or_else(|_| {
            // Unreachable for these small inputs; any shape-correct witness lays out the same.
            let segments = vec![w0; self.shape.epochs as usize];
            TrainingWitness {
                records,
                lr,
                starts: segments.clone(),
                ends: segments,
                tamper: Tamper::default(),
            }
        })
    }

    fn synthesize(
        &self,
        builder: &mut LineageBuilder,
        witness: &TrainingWitness,
    ) -> Vec<AssignedValue<Fr>> {
        let range = builder.base.range_chip();
        let chip = PoseidonChip::new(builder.poseidon.clone());
        let ctx = builder.base.main(0);
        Synth { range: &range, gate: range.gate(), chip: &chip, c: self, w: witness }.run(ctx)
    }
}

/// One sample slot's cells.
struct Slot {
    active: AssignedValue<Fr>,
    features: Vec<AssignedValue<Fr>>,
    label: AssignedValue<Fr>,
}

struct Synth<'a> {
    range: &'a RangeChip<Fr>,
    gate: &'a GateChip<Fr>,
    chip: &'a PoseidonChip,
    c: &'a TrainingCircuit,
    w: &'a TrainingWitness,
}

impl Synth<'_> {
    fn bounds(&self) -> Bounds {
        Bounds::new(self.c.shape.frac_bits)
    }

    fn run(&self, ctx: &mut Context<Fr>) -> Vec<AssignedValue<Fr>> {
        let (gate, chip, shape, b) = (self.gate, self.chip, &self.c.shape, self.bounds());
        let d = shape.features;

        // 1. Samples, leaves, train_root.
        let mut slots: Vec<Slot> = Vec::with_capacity(self.c.records);
        let mut leaves = Vec::with_capacity(self.c.records);
        for i in 0..self.c.records {
            let pad = padding(d);
            let record = self.w.records.get(i).unwrap_or(&pad);
            let is_active = i < self.w.records.len() && self.w.tamper.hole != Some(i);
            let active = ctx.load_witness(Fr::from(u64::from(is_active)));
            gate.assert_bit(ctx, active);
            if let Some(prev) = slots.last().filter(|_| !self.c.ablate.prefix) {
                // a_i · (1 − a_{i−1}) = 0: no active slot after an inactive one.
                let gap = gate.mul_not(ctx, prev.active, active);
                gate.assert_is_const(ctx, &gap, &Fr::zero());
            }
            let pre = record.leaf_preimage();
            let fixed = ctx.assign_witnesses(pre[..4].iter().copied());
            let features = self.load_features(ctx, &record.features, d);
            let label = ctx.load_witness(fr_from_i64(i64::from(record.label)));
            gate.assert_bit(ctx, label);
            let digest = merkle::features_digest(ctx, gate, chip, &features);
            let leaf = merkle::record_leaf(
                ctx,
                gate,
                chip,
                &[fixed[0], fixed[1], fixed[2], fixed[3], digest, label],
            );
            leaves.push(gate.mul(ctx, leaf, active));
            let mut slot = Slot { active, features, label };
            if let Some((_, other)) = self.w.tamper.train_record.as_ref().filter(|(j, _)| *j == i) {
                slot = self.retrain_on(ctx, slot, other);
            }
            slots.push(slot);
        }
        let train_root = merkle::root(ctx, chip, &leaves);
        let n = gate.sum(ctx, slots.iter().map(|s| s.active));

        // 2. The learning rate.
        let lr = ctx.load_witness(fr_from_i64(self.w.lr));
        let lr_minus_one = gate.sub(ctx, lr, Constant(Fr::one()));
        self.range.range_check(ctx, lr_minus_one, b.frac_bits as usize); // 1 ≤ lr ≤ 2^F
        let exposed_lr = lr;
        let lr = match self.w.tamper.train_lr {
            Some(other) => {
                let used = ctx.load_witness(fr_from_i64(other));
                if !self.c.ablate.lr_link {
                    ctx.constrain_equal(&used, &lr);
                }
                used
            }
            None => lr,
        };

        // 3-5. Per epoch: the segment's start, N steps in slot order, its end.
        let epochs = shape.epochs as usize;
        let (mut w_in, mut w_out) = (Vec::with_capacity(epochs), Vec::with_capacity(epochs));
        for epoch in 0..epochs {
            let start = self.w.starts.get(epoch).unwrap_or(&self.w.starts[0]);
            let mut weights = self.load_weights(ctx, start, d);
            w_in.push(chip.hash(ctx, gate, Domain::Weights, &weights));
            for (i, slot) in slots.iter().enumerate() {
                self.step(ctx, epoch * self.c.records + i, &mut weights, slot, lr);
            }
            let end = self.w.ends.get(epoch).unwrap_or(&self.w.starts[0]);
            let claimed = self.load_weights(ctx, end, d);
            if !self.c.ablate.final_weights {
                for (c, w) in claimed.iter().zip(&weights) {
                    ctx.constrain_equal(c, w);
                }
            }
            w_out.push(chip.hash(ctx, gate, Domain::Weights, &claimed));
        }

        let mut out = vec![train_root, n, exposed_lr];
        out.extend(w_in);
        out.extend(w_out);
        debug_assert_eq!(out.len(), TrainingLayout::len(epochs));
        out
    }
    /// `d` feature cells (a missing feature is 0), each within `F + 4` bits.
    fn load_features(
        &self,
        ctx: &mut Context<Fr>,
        features: &[i64],
        d: usize,
    ) -> Vec<AssignedValue<Fr>> {
        let cells = ctx
            .assign_witnesses((0..d).map(|j| fr_from_i64(features.get(j).copied().unwrap_or(0))));
        if !self.c.ablate.feature_range {
            for x in &cells {
                self.signed_range(ctx, *x, self.bounds().feature());
            }
        }
        cells
    }

    /// `d` weights then the bias, each within `F + 8` bits.
    fn load_weights(
        &self,
        ctx: &mut Context<Fr>,
        weights: &Weights,
        d: usize,
    ) -> Vec<AssignedValue<Fr>> {
        let values = (0..d).map(|j| weights.w.get(j).copied().unwrap_or(0)).chain([weights.bias]);
        let cells = ctx.assign_witnesses(values.map(fr_from_i64));
        for w in &cells {
            self.signed_range(ctx, *w, self.bounds().weight());
        }
        cells
    }

    /// Test hook: slot `i` trains on `other`'s features and label, linked to the hashed
    /// ones unless the link is ablated.
    fn retrain_on(&self, ctx: &mut Context<Fr>, slot: Slot, other: &Record) -> Slot {
        let features = self.load_features(ctx, &other.features, slot.features.len());
        let label = ctx.load_witness(fr_from_i64(i64::from(other.label)));
        self.gate.assert_bit(ctx, label);
        if !self.c.ablate.sample_link {
            for (a, b) in features.iter().zip(&slot.features) {
                ctx.constrain_equal(a, b);
            }
            ctx.constrain_equal(&label, &slot.label);
        }
        Slot { active: slot.active, features, label }
    }

    /// SGD step `t` on `slot` (see `lineage_core::train::step`).
    fn step(
        &self,
        ctx: &mut Context<Fr>,
        t: usize,
        weights: &mut [AssignedValue<Fr>],
        slot: &Slot,
        lr: AssignedValue<Fr>,
    ) {
        let (gate, b) = (self.gate, self.bounds());
        let d = slot.features.len();
        let one = Fr::from(b.one() as u64);
        // s = Σ w_j·x_j + b·2^F
        let dot = gate.inner_product(
            ctx,
            weights[..d].iter().copied(),
            slot.features.iter().map(|x| Existing(*x)),
        );
        let s = gate.mul_add(ctx, weights[d], Constant(one), dot);
        // h = ⌊s / 2^(F+2)⌋, p = clamp(2^(F-1) + h, 0, 2^F)
        let shift = match self.w.tamper.rounding {
            Some((at, k)) if at == t => k,
            _ => 0,
        };
        let h = self.div_floor(ctx, s, b.logit_shift(), b.logit(), shift);
        let v = gate.add(ctx, h, Constant(Fr::from((b.one() / 2) as u64)));
        let below = self.is_negative(ctx, v, b.clamp());
        let u = gate.sub(ctx, Constant(one), v);
        let above = self.is_negative(ctx, u, b.clamp());
        let capped = gate.select(ctx, Constant(one), v, above);
        let p = gate.select(ctx, Constant(Fr::zero()), capped, below);
        // e = p − y·2^F, g = ⌊lr·e / 2^F⌋, gated by the slot's flag
        let e = gate.mul_add(ctx, slot.label, Constant(-one), p);
        let lr_e = gate.mul(ctx, lr, e);
        let g = self.div_floor(ctx, lr_e, b.frac_bits, b.grad(), 0);
        let g = gate.mul(ctx, g, slot.active);
        // w_j ← w_j − ⌊g·x_j / 2^F⌋, b ← b − g
        for (j, weight) in weights.iter_mut().enumerate() {
            let delta = match slot.features.get(j) {
                Some(&x) => {
                    let gx = gate.mul(ctx, g, x);
                    self.div_floor(ctx, gx, b.frac_bits, b.delta(), 0)
                }
                None => g, // the bias
            };
            *weight = self.update(ctx, t, j, *weight, delta);
            self.signed_range(ctx, *weight, b.weight());
        }
    }

    /// `w − Δ`, with the gate `out + Δ·1 = w` (see [`Tamper::update`], [`Ablate::update_gate`]).
    fn update(
        &self,
        ctx: &mut Context<Fr>,
        t: usize,
        j: usize,
        w: AssignedValue<Fr>,
        delta: AssignedValue<Fr>,
    ) -> AssignedValue<Fr> {
        let tamper = match self.w.tamper.update {
            Some((at, jj, by)) if at == t && jj == j => fr_from_i64(by),
            _ => Fr::zero(),
        };
        let out = *w.value() - delta.value() + tamper;
        let gates: &[isize] = if self.c.ablate.update_gate { &[] } else { &[0] };
        ctx.assign_region(
            [Witness(out), Existing(delta), Constant(Fr::one()), Existing(w)],
            gates.iter().copied(),
        );
        ctx.get(-4)
    }

    /// `q = ⌊a / 2^shift⌋`: witnesses `a = q·2^shift + r`, `r ∈ [0, 2^shift)`, `q` within
    /// `q_bits` (signed). `tamper` moves `k` units from `r` to `q` (tests only).
    fn div_floor(
        &self,
        ctx: &mut Context<Fr>,
        a: AssignedValue<Fr>,
        shift: u32,
        q_bits: u32,
        tamper: i64,
    ) -> AssignedValue<Fr> {
        let (q, r) = train::div_floor(to_i128(a.value()), shift);
        let (q, r) = (q + i128::from(tamper), r - (i128::from(tamper) << shift));
        ctx.assign_region(
            [
                Witness(fr_from_i128(r)),
                Witness(fr_from_i128(q)),
                Constant(pow2(shift)),
                Existing(a),
            ],
            [0],
        );
        let (r, q) = (ctx.get(-4), ctx.get(-3));
        if !self.c.ablate.remainder_range {
            self.range.range_check(ctx, r, shift as usize);
        }
        self.signed_range(ctx, q, q_bits);
        q
    }

    /// Constrains `−2^bits ≤ v < 2^bits`: `v + 2^bits ∈ [0, 2^(bits+1))`.
    fn signed_range(&self, ctx: &mut Context<Fr>, v: AssignedValue<Fr>, bits: u32) {
        let shifted = self.gate.add(ctx, v, Constant(pow2(bits)));
        self.range.range_check(ctx, shifted, bits as usize + 1);
    }

    /// The bit `[v < 0]` for `−2^bits ≤ v < 2^bits`: with `t = v − bit·(2v + 1)` (that is
    /// `v` when the bit is 0 and `−v − 1` when it is 1), `t ∈ [0, 2^bits)` holds for
    /// exactly one value of the bit.
    fn is_negative(
        &self,
        ctx: &mut Context<Fr>,
        v: AssignedValue<Fr>,
        bits: u32,
    ) -> AssignedValue<Fr> {
        let gate = self.gate;
        let bit = ctx.load_witness(Fr::from(u64::from(to_i128(v.value()) < 0)));
        gate.assert_bit(ctx, bit);
        let two_v_plus_one = gate.mul_add(ctx, v, Constant(Fr::from(2u64)), Constant(Fr::one()));
        let t = gate.sub_mul(ctx, v, bit, two_v_plus_one);
        self.range.range_check(ctx, t, bits as usize);
        bit
    }
}

/// `2^k` in the field.
fn pow2(k: u32) -> Fr {
    Fr::from(2u64).pow_vartime([u64::from(k)])
}

/// A signed `i128` as a field element.
fn fr_from_i128(v: i128) -> Fr {
    let magnitude = Fr::from_u128(v.unsigned_abs());
    if v < 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// The signed integer a field element stands for, when its magnitude is below 2^127
/// (every honest value of this circuit is); 0 otherwise (the constraints then fail).
fn to_i128(x: &Fr) -> i128 {
    let small = |y: &Fr| {
        let bytes = y.to_repr();
        let (lo, hi) = bytes.as_ref().split_at(16);
        let mut le = [0u8; 16];
        le.copy_from_slice(lo);
        let v = u128::from_le_bytes(le);
        (hi.iter().all(|&b| b == 0) && v < 1 << 127).then_some(v as i128)
    };
    small(x).or_else(|| small(&-*x).map(|v| -v)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_field_encoding_round_trips() {
        for v in [0i128, 1, -1, 1 << 100, -(1 << 100), i128::from(i64::MIN)] {
            assert_eq!(to_i128(&fr_from_i128(v)), v);
        }
        assert_eq!(to_i128(&pow2(200)), 0);
    }
}
