//! Circuit profiles: the fixed shapes (and so the keys and the verifier) of the dataset
//! and training circuits. Both circuits of a profile commit the training set with the
//! same capacity `records`, so their `train_root`s talk about the same records.

use crate::layout::SLOTS;
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_core::merkle::root_of_subtrees;

/// Shape of the dataset circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatasetShape {
    /// Dataset slots `M` (always [`SLOTS`]).
    pub slots: usize,
    /// Depth `D` of every certified dataset's tree.
    pub depth: u32,
    /// Circuit size: 2^k rows.
    pub k: u32,
    /// Bits of the range-check lookup table.
    pub lookup_bits: usize,
}

/// Shape of the training circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainingShape {
    /// Features per sample `d`.
    pub features: usize,
    /// Epochs `E`.
    pub epochs: u32,
    /// Fractional bits `F` of the fixed-point arithmetic.
    pub frac_bits: u32,
    /// Circuit size: 2^k rows.
    pub k: u32,
    /// Bits of the range-check lookup table.
    pub lookup_bits: usize,
}

/// What a profile's aggregated proof says about the model's training: proven (the
/// training circuit re-executes it, [`crate::layout::AggregateLayout`]) or declared (the
/// dataset proof alone, bound to a model file's SHA-256, [`crate::layout::DeclaredLayout`];
/// the training circuit is not used).
pub use lineage_core::attestation::TrainingKind;

/// A profile: one pair of circuit shapes, one set of keys, one verifier contract.
///
/// Profile ids are allocated in [`ALL`] once and never renumbered: the registry maps each
/// to its verifier, and attestations name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Name used on the command line and in artifact paths.
    pub name: &'static str,
    /// Id under which the registry maps this profile to its verifier.
    pub id: u32,
    /// Whether the training is proven or declared.
    pub kind: TrainingKind,
    /// Chunk capacity `C` (a power of two): at most this many records per dataset or
    /// training proof. A larger training set is proven in chunks of `C` (a proof tree).
    pub records: usize,
    /// The most records a training set may hold (a power of two): its tree's leaf
    /// positions, so `train_root` has depth `log2(max_records)` however the set is chunked.
    pub max_records: usize,
    /// The dataset circuit.
    pub dataset: DatasetShape,
    /// The training circuit (of a [`TrainingKind::Proven`] profile; a declared profile keeps
    /// its proven twin's shape and never builds it).
    pub training: TrainingShape,
    /// The aggregation circuit has 2^k rows (k = 21 keeps it at few advice columns, and
    /// its verifier under EIP-170's 24,576 bytes). A tree profile's nodes and root too.
    pub aggregation_k: u32,
    /// Whether the final proof is a proof tree's root (any number of chunks, up to
    /// `max_records` records) rather than the single aggregation of one chunk. A tree
    /// profile is the twin of a single one ([`Profile::tree_twin`]): the same chunk circuit,
    /// its own id, keys and verifier, and the same public words.
    pub tree: bool,
}

impl Profile {
    /// Depth of the training-set tree, `log2(max_records)`: the depth of `train_root`.
    pub const fn train_depth(&self) -> u32 {
        self.max_records.trailing_zeros()
    }

    /// Depth of one chunk's subtree, `log2(records)`: what a dataset or training proof's
    /// root covers before the aggregation extends it to [`Self::train_depth`].
    pub const fn chunk_depth(&self) -> u32 {
        self.records.trailing_zeros()
    }

    /// `train_root` of a training set that fits one chunk: the chunk proofs' root
    /// (depth [`Self::chunk_depth`]) extended with empty subtrees to [`Self::train_depth`],
    /// as the aggregation extends it in-circuit.
    pub fn train_root_of_chunk(&self, chunk_root: Fr) -> Fr {
        // chunk_depth ≤ train_depth ≤ MAX_DEPTH for every profile (tested).
        root_of_subtrees(&[chunk_root], self.chunk_depth(), self.train_depth()).unwrap_or_default()
    }

    /// Whether the profile proves its training (has a training circuit).
    pub const fn proves_training(&self) -> bool {
        matches!(self.kind, TrainingKind::Proven)
    }

    /// The declared-training twin of a proven profile: the same dataset circuit (so the
    /// same dataset keys) under its own id, name and aggregation.
    const fn declared(&self, name: &'static str, id: u32) -> Profile {
        Profile { name, id, kind: TrainingKind::Declared, ..*self }
    }

    /// The proof-tree twin of a single-chunk profile: the same chunk circuit and kind under
    /// its own id and name, with a root over a tree of chunks as its final proof.
    const fn with_tree(&self, name: &'static str, id: u32) -> Profile {
        Profile { name, id, tree: true, ..*self }
    }

    /// The profile that proves this one's records in a proof tree: the tree profile of the
    /// same kind and chunk circuit (itself for a tree profile).
    pub fn tree_twin(&self) -> Option<Profile> {
        ALL.into_iter().find(|p| {
            p.tree
                && p.kind == self.kind
                && (p.records, p.max_records, p.dataset, p.training, p.aggregation_k)
                    == (
                        self.records,
                        self.max_records,
                        self.dataset,
                        self.training,
                        self.aggregation_k,
                    )
        })
    }
}

/// The training-set tree's leaf positions in every profile: 2^20 = 1,048,576 records, so
/// `train_root` has depth 20. A creator's inclusion proof in it has 20 siblings whatever
/// the set's size or chunking.
pub const MAX_RECORDS: usize = 1 << 20;

/// Seconds to a minute on 2 cores: tests and the demo.
pub const DEMO: Profile = Profile {
    name: "demo",
    id: 1,
    kind: TrainingKind::Proven,
    records: 64,
    max_records: MAX_RECORDS,
    // 895 permutations in Poseidon lanes (149k cells) and 117k builder cells: 1 builder
    // column and 2 lanes at k = 17 (11 s to prove on 2 cores; k = 18 has 1 lane and takes
    // 17 s). Before the lanes: 2.13M cells, 3 columns at k = 20, 65 s.
    dataset: DatasetShape { slots: SLOTS, depth: 10, k: 17, lookup_bits: 8 },
    // 524 permutations (88k cells) and 70k builder cells: 1 builder column, 1 lookup column
    // and 1 lane at k = 17, the smallest the 2^16-row range table allows (15 s; k = 19 with
    // 18 lookup bits takes 47 s). Before the lanes: 1.25M cells, 3 + 1 columns at k = 19, 54 s.
    training: TrainingShape { features: 8, epochs: 2, frac_bits: 16, k: 17, lookup_bits: 16 },
    aggregation_k: 21,
    tree: false,
};

/// Larger shapes (4x the demo's records), benchmarked on the 2-core, 24 GiB dev machine
/// (BENCHMARKS.md); not run in CI. Each circuit stays at 3-4 advice columns, and each
/// proves in under 10 GB.
pub const STANDARD: Profile = Profile {
    name: "standard",
    id: 2,
    kind: TrainingKind::Proven,
    records: 256,
    max_records: MAX_RECORDS,
    // 5,119 permutations (N·(3 + D) plus the training-set tree; 855k cells in lanes) and
    // 507k builder cells: 1 builder column and 2 lanes at k = 19. Before the lanes: 11.8M
    // cells, 3 columns at k = 22.
    dataset: DatasetShape { slots: SLOTS, depth: 16, k: 19, lookup_bits: 8 },
    // 3,092 permutations (516k cells) and 906k builder cells (843k of them SGD): 2 builder
    // columns, 1 lookup column and 1 lane at k = 19. Before the lanes: 7.9M cells, 4 + 1
    // columns at k = 21.
    training: TrainingShape { features: 16, epochs: 4, frac_bits: 16, k: 19, lookup_bits: 18 },
    // The inner circuits are as wide as the demo's (3 + 4 advice columns against 3 + 3), and
    // the aggregation's size follows the inner widths, not their k: the demo's k = 21 should
    // fit (not run; k = 22 would double the demo aggregation's 8.5 GB).
    aggregation_k: 21,
    tree: false,
};

/// The demo's datasets with training declared: a model file of any kind (issue 15's
/// "diffusion model" in the demo) bound to a proven training set of up to 64 records.
pub const DEMO_DECLARED: Profile = DEMO.declared("demo-declared", 3);

/// [`STANDARD`]'s dataset circuit with training declared.
pub const STANDARD_DECLARED: Profile = STANDARD.declared("standard-declared", 4);

/// [`DEMO`]'s chunks in a proof tree: any number of records up to `max_records`.
pub const DEMO_TREE: Profile = DEMO.with_tree("demo-tree", 5);

/// [`STANDARD`]'s chunks in a proof tree.
pub const STANDARD_TREE: Profile = STANDARD.with_tree("standard-tree", 6);

/// [`DEMO_DECLARED`]'s chunks in a proof tree: the training set of any model, of any size
/// up to `max_records` (the CI's multi-chunk test).
pub const DEMO_DECLARED_TREE: Profile = DEMO_DECLARED.with_tree("demo-declared-tree", 7);

/// [`STANDARD_DECLARED`]'s chunks in a proof tree.
pub const STANDARD_DECLARED_TREE: Profile =
    STANDARD_DECLARED.with_tree("standard-declared-tree", 8);

/// Every profile, by id. Ids are never renumbered or reused.
pub const ALL: [Profile; 8] = [
    DEMO,
    STANDARD,
    DEMO_DECLARED,
    STANDARD_DECLARED,
    DEMO_TREE,
    STANDARD_TREE,
    DEMO_DECLARED_TREE,
    STANDARD_DECLARED_TREE,
];

/// The profile called `name`.
pub fn by_name(name: &str) -> Option<Profile> {
    ALL.into_iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_well_formed() {
        for p in ALL {
            assert!(p.records.is_power_of_two(), "{}", p.name);
            assert!(p.max_records.is_power_of_two() && p.max_records >= p.records);
            assert!(p.train_depth() <= lineage_core::merkle::MAX_DEPTH);
            assert_eq!(p.dataset.slots, SLOTS);
            assert!(p.dataset.lookup_bits < p.dataset.k as usize);
            assert!(p.training.lookup_bits < p.training.k as usize);
            assert_eq!(by_name(p.name), Some(p));
        }
        let ids: std::collections::BTreeSet<u32> = ALL.iter().map(|p| p.id).collect();
        assert_eq!(ids.len(), ALL.len());
        for (i, p) in ALL.iter().enumerate() {
            assert_eq!(p.id as usize, i + 1, "ids are allocated in order, never reused");
        }
        assert_eq!(DEMO_DECLARED.dataset, DEMO.dataset);
        assert_eq!(STANDARD_DECLARED.records, STANDARD.records);
        assert!(!DEMO_DECLARED.proves_training() && DEMO.proves_training());
    }

    #[test]
    fn each_single_profile_has_one_tree_twin_of_its_kind_and_chunk() {
        for p in ALL {
            let twin = p.tree_twin().unwrap_or_else(|| panic!("{} has no tree twin", p.name));
            assert!(twin.tree && twin.kind == p.kind && twin.records == p.records, "{}", p.name);
            assert_eq!(
                twin.name,
                if p.tree { p.name.to_owned() } else { format!("{}-tree", p.name) }
            );
            assert_eq!(
                ALL.iter()
                    .filter(|q| q.tree
                        && q.kind == p.kind
                        && q.dataset == p.dataset
                        && q.records == p.records)
                    .count(),
                1
            );
        }
        assert_eq!(DEMO_DECLARED.tree_twin(), Some(DEMO_DECLARED_TREE));
        assert_eq!(DEMO.tree_twin(), Some(DEMO_TREE));
    }
}
