//! From a training set to its chunks' witnesses: everything that can be checked natively,
//! checked before any key is loaded. The records come from the named datasets under
//! allowed licenses, in the training order and each once across the whole set (what the
//! circuits constrain within a chunk and the proof tree across chunks), and, for proven
//! training, training them as claimed runs (the caller compares the end weights with the
//! model's).
//!
//! A single-chunk profile takes at most its capacity `C` records; its proof-tree twin
//! ([`Profile::tree_twin`]) takes any number up to `max_records`, in chunks of `C`.

use crate::plan::{PlanError, Tree};
use lineage_circuits::{
    chunk::{ChunkCircuit, ChunkWitness},
    dataset::{check_order, WitnessError},
    profile::TrainingKind,
    Profile,
};
use lineage_core::{
    record::ContentHash,
    train::{Hyper, TrainError, Weights},
    DatasetManifest, Record,
};

/// What is proven about the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Proven training: one SGD run over the records from `w0` at learning rate `lr` (fixed
    /// point), re-executed in the circuits.
    Trained {
        /// The learning rate.
        lr: i64,
        /// The start weights (zeros, or a base model's for a fine-tune).
        w0: Weights,
    },
    /// Declared training: the training set proven and bound to a model file's SHA-256.
    Declared {
        /// The model hash (`model-sha256-v1`).
        model: ContentHash,
    },
}

impl Claim {
    /// The kind of training it claims.
    pub fn kind(&self) -> TrainingKind {
        match self {
            Self::Trained { .. } => TrainingKind::Proven,
            Self::Declared { .. } => TrainingKind::Declared,
        }
    }
}

/// A training set's chunk witnesses, in training order.
#[derive(Clone, Debug)]
pub struct Witnesses {
    /// One per chunk of `C` records (the last may be shorter).
    pub chunks: Vec<ChunkWitness>,
    /// The records in all.
    pub n_records: usize,
    /// Declared training: the model hash the proof binds.
    pub model: Option<ContentHash>,
    /// Proven training: the run's hyperparameters and end weights (`lineage_core::train`'s
    /// result over all the records).
    pub run: Option<(Hyper, Weights)>,
}

/// Why a training set cannot be proven as claimed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// More records than one chunk under a single-chunk profile.
    #[error(
        "{records} training records do not fit profile {profile:?}'s one chunk of {capacity}; \
         its proof-tree profile {twin:?} proves up to {max}"
    )]
    OneChunk {
        /// The set's size.
        records: usize,
        /// The profile.
        profile: &'static str,
        /// Its chunk capacity.
        capacity: usize,
        /// Its tree twin.
        twin: &'static str,
        /// The twin's maximum.
        max: usize,
    },
    /// No records, or more than the profile's maximum.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The claim is of the other kind than the profile's.
    #[error("profile {profile:?} proves {kind} training, the claim is of the other kind")]
    Kind {
        /// The profile.
        profile: &'static str,
        /// Its kind.
        kind: TrainingKind,
    },
    /// The set as a whole is out of order or holds a work twice.
    #[error("{0}")]
    Order(#[source] WitnessError),
    /// A chunk's records do not all come from the datasets under allowed licenses.
    #[error("{}{source}", chunk_prefix(*.chunk, .first))]
    Dataset {
        /// The chunk.
        chunk: usize,
        /// Its first record's position in the set.
        first: usize,
        /// Why (positions within the chunk).
        #[source]
        source: WitnessError,
    },
    /// The records cannot be trained as claimed.
    #[error("these records cannot be trained as claimed: {0}")]
    Training(#[source] TrainError),
}

fn chunk_prefix(chunk: usize, first: &usize) -> String {
    if chunk == 0 {
        String::new()
    } else {
        format!("chunk {chunk} (records from position {first}; positions below are the chunk's): ")
    }
}

/// The chunk witnesses of `records` (in training order) drawn from `datasets` (slot order)
/// under the licenses of `license_mask`, for `claim` under `profile`.
pub fn witnesses(
    profile: &Profile,
    datasets: &[DatasetManifest],
    records: &[Record],
    license_mask: u64,
    claim: &Claim,
) -> Result<Witnesses, InputError> {
    if claim.kind() != profile.kind {
        return Err(InputError::Kind { profile: profile.name, kind: profile.kind });
    }
    let capacity = profile.records;
    if !profile.tree && records.len() > capacity {
        let twin = profile.tree_twin().unwrap_or(*profile);
        return Err(InputError::OneChunk {
            records: records.len(),
            profile: profile.name,
            capacity,
            twin: twin.name,
            max: twin.max_records,
        });
    }
    Tree::new(records.len(), capacity, profile.max_records)?;
    check_order(records).map_err(InputError::Order)?;
    let circuit = ChunkCircuit::new(profile);
    let (training, model, run) = match (claim, &circuit.training) {
        (Claim::Trained { lr, w0 }, Some(t)) => {
            let (segments, end) = t.segments(records, *lr, w0).map_err(InputError::Training)?;
            let run = (t.hyper(*lr, records.len()), end);
            (segments.into_iter().map(Some).collect(), None, Some(run))
        }
        (Claim::Declared { model }, None) => {
            (vec![None; records.len().div_ceil(capacity)], Some(*model), None)
        }
        _ => return Err(InputError::Kind { profile: profile.name, kind: profile.kind }),
    };
    let chunks = records
        .chunks(capacity)
        .zip(training)
        .enumerate()
        .map(|(i, (part, training))| {
            let dataset = circuit
                .dataset
                .witness(datasets, part, license_mask)
                .map_err(|source| InputError::Dataset { chunk: i, first: i * capacity, source })?;
            Ok(ChunkWitness { dataset, training })
        })
        .collect::<Result<_, InputError>>()?;
    Ok(Witnesses { chunks, n_records: records.len(), model, run })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lineage_circuits::profile::{DEMO, DEMO_DECLARED, DEMO_DECLARED_TREE, DEMO_TREE};
    use lineage_core::{
        manifest::SourcedRecord,
        record::sort_training_order,
        train::{self, Bounds},
        Address, License,
    };

    /// Two datasets of `per` learnable records each, at the demo depth, and all of them in
    /// training order.
    fn set(per: i64) -> (Vec<DatasetManifest>, Vec<Record>) {
        let (d, f) = (DEMO.training.features, DEMO.training.frac_bits);
        let one = Bounds::new(f).one();
        let datasets: Vec<DatasetManifest> = (0..2)
            .map(|s| {
                let records = (0..per)
                    .map(|i| {
                        let i = i + per * s;
                        let features: Vec<i64> =
                            (0..d as i64).map(|j| ((i * 7 + j * 13) % 17 - 8) * one / 8).collect();
                        let label = u32::from(features[0] > features[3]);
                        let content = lineage_core::content::hash_bytes(&i.to_le_bytes());
                        let (creator, license) =
                            (Address::repeat_byte(s as u8 + 1), License::new(s as u32));
                        let record =
                            Record { content, creator, license: license.unwrap(), features, label };
                        SourcedRecord { record, source: None }
                    })
                    .collect();
                DatasetManifest::build(records, DEMO.dataset.depth, f).unwrap().0
            })
            .collect();
        let mut records: Vec<Record> =
            datasets.iter().flat_map(|m| m.records.iter().map(|r| r.record.clone())).collect();
        sort_training_order(&mut records);
        (datasets, records)
    }

    fn declared() -> Claim {
        Claim::Declared { model: ContentHash([7; 32]) }
    }

    #[test]
    fn a_set_larger_than_one_chunk_needs_the_tree_twin() {
        let (datasets, records) = set(40);
        let err = witnesses(&DEMO_DECLARED, &datasets, &records, 0b11, &declared()).unwrap_err();
        assert!(
            matches!(
                err,
                InputError::OneChunk { records: 80, capacity: 64, twin: "demo-declared-tree", .. }
            ),
            "{err}"
        );
        let w = witnesses(&DEMO_DECLARED_TREE, &datasets, &records, 0b11, &declared()).unwrap();
        assert_eq!((w.chunks.len(), w.n_records, w.model), (2, 80, Some(ContentHash([7; 32]))));
        assert_eq!(w.chunks[0].dataset.public.n_records, 64);
        assert_eq!(w.chunks[1].dataset.public.n_records, 16);
        assert!(w.chunks.iter().all(|c| c.training.is_none()));
        // Under one chunk, the single profile keeps its path.
        let (datasets, records) = set(20);
        let w = witnesses(&DEMO_DECLARED, &datasets, &records, 0b11, &declared()).unwrap();
        assert_eq!(w.chunks.len(), 1);
    }

    #[test]
    fn a_claim_of_the_other_kind_is_refused() {
        let (datasets, records) = set(4);
        let trained = Claim::Trained { lr: 1 << 14, w0: Weights::zeros(DEMO.training.features) };
        let err = witnesses(&DEMO_DECLARED_TREE, &datasets, &records, 0b11, &trained).unwrap_err();
        assert!(matches!(err, InputError::Kind { .. }), "{err}");
        let err = witnesses(&DEMO_TREE, &datasets, &records, 0b11, &declared()).unwrap_err();
        assert!(matches!(err, InputError::Kind { .. }), "{err}");
    }

    #[test]
    fn a_record_repeated_or_out_of_order_across_chunks_is_refused() {
        let (datasets, mut records) = set(40);
        // Each chunk on its own is in order; the set is not.
        let mut repeated = records.clone();
        repeated[64] = repeated[63].clone();
        let err = witnesses(&DEMO_DECLARED_TREE, &datasets, &repeated, 0b11, &declared());
        assert!(
            matches!(
                err,
                Err(InputError::Order(WitnessError::DuplicateRecord { first: 63, second: 64, .. }))
            ),
            "{err:?}"
        );
        records.swap(0, 79);
        let err = witnesses(&DEMO_DECLARED_TREE, &datasets, &records, 0b11, &declared());
        assert!(
            matches!(err, Err(InputError::Order(WitnessError::OutOfOrder { index: 1, .. }))),
            "{err:?}"
        );
    }

    #[test]
    fn a_chunks_refusal_names_the_chunk() {
        let (datasets, records) = set(40);
        // Only license 0 allowed: the first record of license 1 falls in some chunk.
        let err =
            witnesses(&DEMO_DECLARED_TREE, &datasets, &records, 0b01, &declared()).unwrap_err();
        let InputError::Dataset { chunk, first, source } = &err else { panic!("{err}") };
        assert_eq!(*first, chunk * 64);
        assert!(matches!(source, WitnessError::LicenseNotAllowed { .. }), "{err}");
        let err = witnesses(&DEMO_DECLARED_TREE, &datasets, &[], 0b11, &declared()).unwrap_err();
        assert!(matches!(err, InputError::Plan(PlanError::Empty)), "{err}");
    }

    #[test]
    fn a_trained_set_is_one_run_cut_into_chunk_segments() {
        let (datasets, records) = set(70);
        let (lr, w0) = (1 << 14, Weights::zeros(DEMO.training.features));
        let claim = Claim::Trained { lr, w0: w0.clone() };
        let w = witnesses(&DEMO_TREE, &datasets, &records, 0b11, &claim).unwrap();
        let (hyper, end) = w.run.clone().unwrap();
        assert_eq!(hyper.samples, 140);
        assert_eq!(end, train::train(&hyper, &records, &w0).unwrap(), "the whole run's weights");
        assert_eq!(w.chunks.len(), 3);
        let seg = |i: usize| w.chunks[i].training.as_ref().unwrap();
        for e in 0..DEMO.training.epochs as usize {
            assert_eq!(seg(0).ends[e], seg(1).starts[e], "epoch {e}: chunk 0 ends where 1 starts");
            assert_eq!(seg(1).ends[e], seg(2).starts[e]);
        }
        assert_eq!(seg(0).starts[0], w0);
        assert_eq!(seg(2).ends[1], end);
        assert_eq!(seg(2).ends[0], seg(0).starts[1], "epoch 1 starts where epoch 0 ended");
        // One chunk: the segments are the single circuit's witness.
        let (datasets, records) = set(20);
        let one = witnesses(&DEMO, &datasets, &records, 0b11, &claim).unwrap();
        let circuit = lineage_circuits::training::TrainingCircuit::new(&DEMO);
        let single = circuit.witness(records.clone(), lr, w0).unwrap();
        let got = one.chunks[0].training.as_ref().unwrap();
        assert_eq!(
            (&got.starts, &got.ends, &got.records),
            (&single.starts, &single.ends, &single.records)
        );
    }
}
