//! The chunk circuit: what one proof says about one chunk of a training set, for either
//! kind of profile. Every proof the aggregation (or a proof tree) verifies is one of these.
//!
//! - **Declared training**: the dataset circuit alone.
//! - **Proven training**: the dataset circuit and the training circuit laid out on one
//!   builder (their Poseidon lanes shared), with the two chunk roots and the two record
//!   counts constrained equal. One proof instead of two halves what an aggregation
//!   verifies per chunk (BENCHMARKS.md, "Proof tree, step S0": ~3.2M aggregation cells per
//!   verified proof), which is what the proof tree's cost per record follows.
//!
//! Public instances: the chunk's body ([`BodyLayout`]): the dataset circuit's 15 words,
//! then, for proven training, the training circuit's `lr ‖ w_in[E] ‖ w_out[E]` (its
//! `train_root` and `n` are the dataset's, constrained equal).
//!
//! ## Assumptions
//! Those of [`crate::dataset`] and [`crate::training`]; the equalities here are copy
//! constraints between their public cells.

use crate::{
    builder::LineageBuilder,
    dataset::{DatasetCircuit, DatasetWitness},
    layout::{BodyLayout, DatasetLayout, TrainingLayout},
    profile::{Profile, TrainingKind},
    training::{TrainingCircuit, TrainingWitness},
    LineageCircuit,
};
use halo2_base::{halo2_proofs::halo2curves::bn256::Fr, AssignedValue};

/// The chunk circuit of one profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkCircuit {
    /// The dataset circuit.
    pub dataset: DatasetCircuit,
    /// The training circuit, for proven training.
    pub training: Option<TrainingCircuit>,
    /// Test-only: leave the two circuits unlinked (no equal roots and counts), to show a
    /// negative test targets the link. Default: linked.
    #[doc(hidden)]
    pub unlinked: bool,
}

/// The private inputs of one chunk proof (a file of them is what `lineage prove-task`
/// proves a chunk from).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChunkWitness {
    /// The dataset circuit's.
    pub dataset: DatasetWitness,
    /// The training circuit's, for proven training (the same records, in the same order).
    pub training: Option<TrainingWitness>,
}

impl ChunkCircuit {
    /// The chunk circuit of `profile`.
    pub fn new(profile: &Profile) -> Self {
        let training = match profile.kind {
            TrainingKind::Proven => Some(TrainingCircuit::new(profile)),
            TrainingKind::Declared => None,
        };
        Self { dataset: DatasetCircuit::new(profile), training, unlinked: false }
    }

    /// The public words of a chunk proof: [`BodyLayout::len`].
    pub fn instances_len(&self) -> usize {
        BodyLayout::len(self.epochs())
    }

    /// The epochs of the training segments (`None` for declared training).
    pub fn epochs(&self) -> Option<usize> {
        self.training.as_ref().map(|t| t.shape.epochs as usize)
    }

    /// The public instances of `witness`, computed natively, in [`BodyLayout`] order.
    pub fn instances(&self, witness: &ChunkWitness) -> Vec<Fr> {
        let mut out = witness.dataset.public.to_instances();
        if let (Some(c), Some(w)) = (&self.training, &witness.training) {
            out.extend_from_slice(&c.instances(w)[TrainingLayout::LR..]);
        }
        out
    }
}

impl LineageCircuit for ChunkCircuit {
    type Witness = ChunkWitness;

    /// The larger of the two circuits' (they share the rows).
    fn k(&self) -> u32 {
        let training = self.training.as_ref().map_or(0, |t| t.k());
        self.dataset.k().max(training)
    }

    fn lookup_bits(&self) -> Option<usize> {
        self.training.as_ref().and_then(LineageCircuit::lookup_bits)
    }

    /// The two circuits' own sample witnesses: key generation needs the layout, which does
    /// not depend on the values.
    fn sample_witness(&self) -> ChunkWitness {
        ChunkWitness {
            dataset: self.dataset.sample_witness(),
            training: self.training.as_ref().map(LineageCircuit::sample_witness),
        }
    }

    fn synthesize(&self, builder: &mut LineageBuilder, w: &ChunkWitness) -> Vec<AssignedValue<Fr>> {
        let mut out = self.dataset.synthesize(builder, &w.dataset);
        match (&self.training, &w.training) {
            (Some(c), Some(tw)) => {
                let t = c.synthesize(builder, tw);
                if !self.unlinked {
                    let ctx = builder.base.main(0);
                    let pairs = [
                        (DatasetLayout::TRAIN_ROOT, TrainingLayout::TRAIN_ROOT),
                        (DatasetLayout::N_RECORDS, TrainingLayout::N_RECORDS),
                    ];
                    for (d, t_at) in pairs {
                        ctx.constrain_equal(&out[d], &t[t_at]);
                    }
                }
                out.extend_from_slice(&t[TrainingLayout::LR..]);
            }
            (None, None) => {}
            _ => panic!("a chunk witness of the other kind"),
        }
        debug_assert_eq!(out.len(), self.instances_len());
        out
    }
}
