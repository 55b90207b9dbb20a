//! The native witness builder of the dataset circuit: from dataset manifests and the
//! ordered training records to the witness and the public instances the proof exposes.

use crate::{
    layout::{BodyLayout, DatasetLayout, SLOTS},
    profile::DatasetShape,
};
use lineage_core::{
    field::{fr_hex, fr_hex_array, fr_hex_vec, Fr},
    manifest::DatasetManifest,
    merkle::MerkleTree,
    record::License,
    ContentHash, Record,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The public values of one dataset proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetPublic {
    /// Certified root per slot; 0 for an unused slot.
    #[serde(with = "fr_hex_array")]
    pub cert_roots: [Fr; SLOTS],
    /// Active records per slot.
    pub counts: [u64; SLOTS],
    /// Merkle root (depth `log2 N`) of the active records' leaves in order.
    #[serde(with = "fr_hex")]
    pub train_root: Fr,
    /// Allowed licenses: bit `c` allows license code `c`.
    pub license_mask: u64,
    /// Number of active records.
    pub n_records: u64,
    /// The first active record's content halves `(hi, lo)`; zeros without records.
    #[serde(with = "fr_hex_array")]
    pub first: [Fr; 2],
    /// The last active record's content halves; zeros without records.
    #[serde(with = "fr_hex_array")]
    pub last: [Fr; 2],
}

impl DatasetPublic {
    /// The values the dataset proof exposes: [`DatasetLayout`]'s, then `first` and `last`
    /// ([`BodyLayout`]'s declared-training body).
    pub fn to_instances(&self) -> Vec<Fr> {
        let mut out = vec![Fr::zero(); BodyLayout::DATASET_LEN];
        for s in 0..SLOTS {
            out[DatasetLayout::cert_root(s)] = self.cert_roots[s];
            out[DatasetLayout::count(s)] = Fr::from(self.counts[s]);
        }
        out[DatasetLayout::TRAIN_ROOT] = self.train_root;
        out[DatasetLayout::LICENSE_MASK] = Fr::from(self.license_mask);
        out[DatasetLayout::N_RECORDS] = Fr::from(self.n_records);
        out[BodyLayout::FIRST_HI..BodyLayout::DATASET_LEN].copy_from_slice(&[
            self.first[0],
            self.first[1],
            self.last[0],
            self.last[1],
        ]);
        out
    }
}

/// One record position of the circuit: an active training record with its opening, or
/// padding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordWitness {
    /// Whether this position holds a training record (the active ones come first).
    pub active: bool,
    /// The leaf preimage (`Record::leaf_preimage`); zeros for padding.
    #[serde(with = "fr_hex_array")]
    pub preimage: [Fr; 6],
    /// Slot selector: one-hot on the record's dataset slot; all zero for padding.
    #[serde(with = "fr_hex_array")]
    pub selector: [Fr; SLOTS],
    /// Leaf index in its dataset.
    pub index: u64,
    /// Merkle siblings in its dataset, leaves first (`depth` of them).
    #[serde(with = "fr_hex_vec")]
    pub siblings: Vec<Fr>,
}

impl RecordWitness {
    /// A padding position for trees of `depth`.
    pub fn padding(depth: u32) -> Self {
        Self {
            active: false,
            preimage: [Fr::zero(); 6],
            selector: [Fr::zero(); SLOTS],
            index: 0,
            siblings: vec![Fr::zero(); depth as usize],
        }
    }
}

/// Everything the dataset circuit needs: the claimed public values and one
/// [`RecordWitness`] per record position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetWitness {
    /// The public values this witness claims (the circuit constrains them).
    pub public: DatasetPublic,
    /// Exactly `N` positions: the active records in training order, then padding.
    pub records: Vec<RecordWitness>,
}

/// Why a dataset witness cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    /// More datasets than the profile has slots.
    #[error("{given} datasets given but the profile has {slots} dataset slots")]
    TooManyDatasets {
        /// Datasets given.
        given: usize,
        /// Slots of the profile.
        slots: usize,
    },
    /// More training records than the profile holds.
    #[error("{given} training records but the profile proves at most {capacity}")]
    TooManyRecords {
        /// Records given.
        given: usize,
        /// Capacity `N` of the profile.
        capacity: usize,
    },
    /// A dataset's tree depth is not the profile's.
    #[error("dataset {slot} has depth {depth} but the profile needs depth {expected}; rebuild it with --depth {expected}")]
    WrongDepth {
        /// Slot of the dataset.
        slot: usize,
        /// Its depth.
        depth: u32,
        /// The profile's depth.
        expected: u32,
    },
    /// A manifest failed re-verification.
    #[error("dataset {slot}: {source}")]
    InvalidManifest {
        /// Slot of the dataset.
        slot: usize,
        /// What was wrong.
        #[source]
        source: lineage_core::Error,
    },
    /// The same dataset (root) twice.
    #[error("datasets {first} and {second} have the same root; name each dataset once")]
    DuplicateDataset {
        /// First slot.
        first: usize,
        /// Second slot.
        second: usize,
    },
    /// A training record whose content is in none of the datasets.
    #[error("training record {index} (content {content}) is in none of the given datasets")]
    NotCertified {
        /// Position in the training set.
        index: usize,
        /// Its content hash.
        content: ContentHash,
    },
    /// A training record whose content is in a dataset, but with other fields.
    #[error("training record {index} (content {content}) differs from its entry in dataset {slot} (creator, license, features or label)")]
    RecordMismatch {
        /// Position in the training set.
        index: usize,
        /// Its content hash.
        content: ContentHash,
        /// The dataset holding that content.
        slot: usize,
    },
    /// A training record whose license the mask does not allow.
    #[error("training record {index} (content {content}) has license {license}, which the license mask {mask:#x} does not allow")]
    LicenseNotAllowed {
        /// Position in the training set.
        index: usize,
        /// Its content hash.
        content: ContentHash,
        /// Its license code.
        license: u32,
        /// The mask.
        mask: u64,
    },
    /// The training set does not fit its tree (a capacity that is not a power of two).
    #[error("training-set tree: {0}")]
    TrainingTree(#[source] lineage_core::Error),
    /// The same work twice in the training set.
    #[error("training records {first} and {second} are the same work (content {content})")]
    DuplicateRecord {
        /// First position.
        first: usize,
        /// Second position.
        second: usize,
        /// The content hash.
        content: ContentHash,
    },
    /// The training records are not in the training order (ascending content hash,
    /// `lineage_core::record::sort_training_order`), which the circuit requires.
    #[error(
        "training record {index} (content {content}) comes after {previous}: records must be \
         in ascending content order (sort them with sort_training_order)"
    )]
    OutOfOrder {
        /// Position of the record.
        index: usize,
        /// Its content hash.
        content: ContentHash,
        /// The previous record's content hash, which is greater.
        previous: ContentHash,
    },
}

/// Refuses a training set that holds a work twice or is not in the training order
/// (strictly ascending content hash): what the circuit constrains within a chunk and the
/// proof tree across chunks. Positions are `training`'s.
pub fn check_order(training: &[Record]) -> Result<(), WitnessError> {
    let mut seen: HashMap<ContentHash, usize> = HashMap::new();
    for (i, r) in training.iter().enumerate() {
        if let Some(first) = seen.insert(r.content, i) {
            return Err(WitnessError::DuplicateRecord { first, second: i, content: r.content });
        }
        if let Some(previous) = i.checked_sub(1).map(|p| training[p].content) {
            if previous > r.content {
                return Err(WitnessError::OutOfOrder { index: i, content: r.content, previous });
            }
        }
    }
    Ok(())
}

impl DatasetWitness {
    /// Builds the witness proving that `training` (in order) comes from `datasets` (slot
    /// `s` = `datasets[s]`) under licenses allowed by `license_mask`.
    ///
    /// `training` must be in the training order, strictly ascending content hash (the
    /// circuit constrains it; `lineage_core::record::sort_training_order` sorts a set). Each
    /// manifest is re-verified. A work present in several datasets is attributed to the
    /// first one that holds it (a choice of the prover's: see the circuit's docs).
    pub fn build(
        shape: &DatasetShape,
        capacity: usize,
        datasets: &[DatasetManifest],
        training: &[Record],
        license_mask: u64,
    ) -> Result<Self, WitnessError> {
        if datasets.len() > SLOTS {
            return Err(WitnessError::TooManyDatasets { given: datasets.len(), slots: SLOTS });
        }
        if training.len() > capacity {
            return Err(WitnessError::TooManyRecords { given: training.len(), capacity });
        }
        let mut trees: Vec<MerkleTree> = Vec::with_capacity(datasets.len());
        let mut index: HashMap<ContentHash, (usize, u64)> = HashMap::new();
        for (slot, m) in datasets.iter().enumerate() {
            if m.depth != shape.depth {
                return Err(WitnessError::WrongDepth {
                    slot,
                    depth: m.depth,
                    expected: shape.depth,
                });
            }
            let tree =
                m.verify().map_err(|source| WitnessError::InvalidManifest { slot, source })?;
            if let Some(first) = trees.iter().position(|t| t.root() == tree.root()) {
                return Err(WitnessError::DuplicateDataset { first, second: slot });
            }
            for (i, r) in m.records.iter().enumerate() {
                index.entry(r.record.content).or_insert((slot, i as u64));
            }
            trees.push(tree);
        }

        check_order(training)?;
        let mut records = Vec::with_capacity(capacity);
        let mut counts = [0u64; SLOTS];
        for (i, r) in training.iter().enumerate() {
            let &(slot, leaf_index) = index
                .get(&r.content)
                .ok_or(WitnessError::NotCertified { index: i, content: r.content })?;
            if datasets[slot].records[leaf_index as usize].record != *r {
                return Err(WitnessError::RecordMismatch { index: i, content: r.content, slot });
            }
            if license_mask & r.license.mask_bit() == 0 {
                return Err(WitnessError::LicenseNotAllowed {
                    index: i,
                    content: r.content,
                    license: r.license.code(),
                    mask: license_mask,
                });
            }
            let path = trees[slot]
                .proof(leaf_index)
                .map_err(|source| WitnessError::InvalidManifest { slot, source })?;
            let mut selector = [Fr::zero(); SLOTS];
            selector[slot] = Fr::one();
            counts[slot] += 1;
            records.push(RecordWitness {
                active: true,
                preimage: r.leaf_preimage(),
                selector,
                index: path.index,
                siblings: path.siblings,
            });
        }
        let train_leaves: Vec<Fr> = training.iter().map(Record::leaf).collect();
        let train_depth = capacity.trailing_zeros();
        let train_root =
            MerkleTree::new(train_leaves, train_depth).map_err(WitnessError::TrainingTree)?.root();
        records.resize_with(capacity, || RecordWitness::padding(shape.depth));

        let mut cert_roots = [Fr::zero(); SLOTS];
        for (slot, t) in trees.iter().enumerate() {
            cert_roots[slot] = t.root();
        }
        let public = DatasetPublic {
            cert_roots,
            counts,
            train_root,
            license_mask,
            n_records: training.len() as u64,
            first: content_halves(training.first()),
            last: content_halves(training.last()),
        };
        Ok(Self { public, records })
    }
}

/// A record's content hash halves (its leaf preimage's first two words); zeros for none.
fn content_halves(record: Option<&Record>) -> [Fr; 2] {
    record.map_or([Fr::zero(); 2], |r| {
        let pre = r.leaf_preimage();
        [pre[0], pre[1]]
    })
}

/// A license mask allowing exactly `licenses`.
pub fn license_mask(licenses: impl IntoIterator<Item = License>) -> u64 {
    licenses.into_iter().fold(0, |m, l| m | l.mask_bit())
}
