//! The public instances of every circuit and of the aggregated proof, defined once.
//!
//! The prover, the Rust tests, the registry contract and its forge tests all read their
//! positions from here: the Solidity side through `contracts/generated/PublicLayout.sol`,
//! which [`solidity`] renders and a test keeps in sync byte for byte.
//!
//! Every profile has [`SLOTS`] dataset slots, so one registry encodes the public values of
//! every profile the same way. An unused slot has root 0 and count 0.

use std::fmt::Write as _;

/// Dataset slots per attestation (`M`), the same in every profile.
pub const SLOTS: usize = 4;

/// Field elements of the KZG accumulator the aggregation exposes first (4 coordinates of
/// 3 limbs each).
pub const ACCUMULATOR_LEN: usize = 12;

/// Positions of the dataset circuit's public instances:
/// `cert_root[M] ‖ count[M] ‖ train_root ‖ license_mask ‖ n_records`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatasetLayout;

impl DatasetLayout {
    /// The certified root in slot `s`.
    pub const fn cert_root(s: usize) -> usize {
        assert!(s < SLOTS);
        s
    }
    /// The number of active records from slot `s`.
    pub const fn count(s: usize) -> usize {
        assert!(s < SLOTS);
        SLOTS + s
    }
    /// The Merkle root of the active records' leaves.
    pub const TRAIN_ROOT: usize = 2 * SLOTS;
    /// The allowed licenses, one bit per code.
    pub const LICENSE_MASK: usize = 2 * SLOTS + 1;
    /// The number of active records.
    pub const N_RECORDS: usize = 2 * SLOTS + 2;
    /// Number of instances.
    pub const LEN: usize = 2 * SLOTS + 3;
}

/// Positions of the training circuit's public instances, for `E` epochs:
/// `train_root ‖ n ‖ lr ‖ w_in[E] ‖ w_out[E]` (the chunk's subtree root, its active
/// samples, the learning rate, and each epoch segment's start and end weight hashes; see
/// [`crate::training`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainingLayout;

impl TrainingLayout {
    /// The Merkle root of the chunk's samples' leaves (the dataset circuit's `train_root`).
    pub const TRAIN_ROOT: usize = 0;
    /// The number of active samples.
    pub const N_RECORDS: usize = 1;
    /// The learning rate.
    pub const LR: usize = 2;
    /// `H_Weights` of the weights where epoch `e`'s segment starts.
    pub const fn w_in(e: usize) -> usize {
        Self::LR + 1 + e
    }
    /// `H_Weights` of the weights where epoch `e`'s segment ends, of `epochs`.
    pub const fn w_out(e: usize, epochs: usize) -> usize {
        assert!(e < epochs);
        Self::LR + 1 + epochs + e
    }
    /// Number of instances for `epochs` epochs.
    pub const fn len(epochs: usize) -> usize {
        Self::LR + 1 + 2 * epochs
    }
}

/// Positions of the aggregated proof's public instances: the accumulator, the dataset
/// instances, then the training run's three commitments: `w0_hash` (the first segment's
/// start), `w_hash` (the last segment's end) and `hyper_hash` (`H_Hyper(lr, E, F, d, n)`,
/// computed by the aggregation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AggregateLayout;

impl AggregateLayout {
    /// First accumulator limb.
    pub const ACCUMULATOR: usize = 0;
    /// Offset of the dataset instances.
    pub const DATASET: usize = ACCUMULATOR_LEN;
    /// The certified root in slot `s`.
    pub const fn cert_root(s: usize) -> usize {
        Self::DATASET + DatasetLayout::cert_root(s)
    }
    /// The number of active records from slot `s`.
    pub const fn count(s: usize) -> usize {
        Self::DATASET + DatasetLayout::count(s)
    }
    /// `train_root`, shared by both proofs.
    pub const TRAIN_ROOT: usize = Self::DATASET + DatasetLayout::TRAIN_ROOT;
    /// `license_mask`.
    pub const LICENSE_MASK: usize = Self::DATASET + DatasetLayout::LICENSE_MASK;
    /// `n_records`.
    pub const N_RECORDS: usize = Self::DATASET + DatasetLayout::N_RECORDS;
    /// `w0_hash`.
    pub const W0_HASH: usize = Self::DATASET + DatasetLayout::LEN;
    /// `w_hash`.
    pub const W_HASH: usize = Self::W0_HASH + 1;
    /// `hyper_hash`.
    pub const HYPER_HASH: usize = Self::W0_HASH + 2;
    /// Number of instances.
    pub const LEN: usize = Self::HYPER_HASH + 1;
}

/// Positions of a declared-training aggregated proof's public instances
/// ([`crate::profile::TrainingKind::Declared`]): the accumulator, the dataset instances at
/// the same positions as in [`AggregateLayout`], then the model file's SHA-256 as two
/// 128-bit big-endian halves (`model_hash_hi ‖ model_hash_lo`), each range-checked to 128
/// bits in the aggregation circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeclaredLayout;

impl DeclaredLayout {
    /// First accumulator limb.
    pub const ACCUMULATOR: usize = AggregateLayout::ACCUMULATOR;
    /// Offset of the dataset instances (as in [`AggregateLayout`]).
    pub const DATASET: usize = AggregateLayout::DATASET;
    /// The high 128 bits of the model file's SHA-256 (its first 16 bytes, big-endian).
    pub const MODEL_HASH_HI: usize = Self::DATASET + DatasetLayout::LEN;
    /// The low 128 bits (its last 16 bytes, big-endian).
    pub const MODEL_HASH_LO: usize = Self::MODEL_HASH_HI + 1;
    /// Number of instances.
    pub const LEN: usize = Self::MODEL_HASH_LO + 1;
}

/// Positions of a proof-tree body: the words a chunk proof or a tree node exposes (after
/// its accumulator, for a node), see [`crate::tree`]:
/// `dataset[11] ‖ first_hi ‖ first_lo ‖ last_hi ‖ last_lo ‖ [lr ‖ w_in[E] ‖ w_out[E]]`.
///
/// The dataset words sit at [`DatasetLayout`]'s positions, with `TRAIN_ROOT` the root of
/// the body's subtree of the training-set tree. `first`/`last` are the content-hash halves
/// of its first and last active record. The training words (proven training only) are the
/// learning rate and, per epoch `e`, the weight hashes where the body's segment of epoch
/// `e` starts and ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLayout;

impl BodyLayout {
    /// The first active record's content, high half.
    pub const FIRST_HI: usize = DatasetLayout::LEN;
    /// The first active record's content, low half.
    pub const FIRST_LO: usize = Self::FIRST_HI + 1;
    /// The last active record's content, high half.
    pub const LAST_HI: usize = Self::FIRST_HI + 2;
    /// The last active record's content, low half.
    pub const LAST_LO: usize = Self::FIRST_HI + 3;
    /// Number of words of a declared-training body.
    pub const DATASET_LEN: usize = Self::FIRST_HI + 4;
    /// The learning rate (proven training).
    pub const LR: usize = Self::DATASET_LEN;
    /// The weight hash where epoch `e`'s segment starts.
    pub const fn w_in(e: usize) -> usize {
        Self::LR + 1 + e
    }
    /// The weight hash where epoch `e`'s segment ends, of `epochs`.
    pub const fn w_out(e: usize, epochs: usize) -> usize {
        assert!(e < epochs);
        Self::LR + 1 + epochs + e
    }
    /// Number of words of a body: `training` with `epochs` segments, or a declared one.
    pub const fn len(epochs: Option<usize>) -> usize {
        match epochs {
            Some(e) => Self::LR + 1 + 2 * e,
            None => Self::DATASET_LEN,
        }
    }
}

/// Positions of a proof-tree node proof's public words (`lineage_prover::tree`): its
/// folded accumulator, the merged body ([`BodyLayout`]), then its height and the digest of
/// the inner nodes' verifying key it vouches for (`crate::tree::NodeTail`):
/// `accumulator[12] ‖ body ‖ height ‖ vk`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeLayout;

impl NodeLayout {
    /// Offset of the body.
    pub const BODY: usize = ACCUMULATOR_LEN;
    /// The node's height, for a body of `epochs` segments (`None`: declared training).
    pub const fn height(epochs: Option<usize>) -> usize {
        Self::BODY + BodyLayout::len(epochs)
    }
    /// The inner nodes' verifying-key digest.
    pub const fn vk(epochs: Option<usize>) -> usize {
        Self::height(epochs) + 1
    }
    /// Number of words.
    pub const fn len(epochs: Option<usize>) -> usize {
        Self::vk(epochs) + 1
    }
}

/// Path of the rendered Solidity library, relative to the repository root.
pub const SOLIDITY_PATH: &str = "contracts/generated/PublicLayout.sol";

/// The Solidity library of [`AggregateLayout`]'s and [`DeclaredLayout`]'s positions
/// (indices into the verifier's instance words), as committed at [`SOLIDITY_PATH`].
pub fn solidity() -> String {
    let consts: [(&str, usize, &str); 16] = [
        ("SLOTS", SLOTS, "Dataset slots per attestation; an unused slot has root 0 and count 0."),
        ("ACCUMULATOR", AggregateLayout::ACCUMULATOR, "First of the KZG accumulator limbs."),
        ("ACCUMULATOR_LEN", ACCUMULATOR_LEN, "Number of accumulator limbs."),
        (
            "CERT_ROOT",
            AggregateLayout::cert_root(0),
            "Certified root of slot 0; slot s is at CERT_ROOT + s.",
        ),
        (
            "COUNT",
            AggregateLayout::count(0),
            "Proven record count of slot 0; slot s is at COUNT + s.",
        ),
        (
            "TRAIN_ROOT",
            AggregateLayout::TRAIN_ROOT,
            "Poseidon Merkle root of the training records.",
        ),
        (
            "LICENSE_MASK",
            AggregateLayout::LICENSE_MASK,
            "Allowed licenses, bit c for license code c.",
        ),
        ("N_RECORDS", AggregateLayout::N_RECORDS, "Number of training records."),
        ("W0_HASH", AggregateLayout::W0_HASH, "Commitment to the initial weights."),
        ("W_HASH", AggregateLayout::W_HASH, "Commitment to the trained weights (the model)."),
        ("HYPER_HASH", AggregateLayout::HYPER_HASH, "Commitment to the training hyperparameters."),
        (
            "LEN",
            AggregateLayout::LEN,
            "Number of instance words before the proof in the verifier calldata.",
        ),
        ("DATASET_LEN", DatasetLayout::LEN, "Number of dataset-circuit instances."),
        (
            "DECLARED_MODEL_HASH_HI",
            DeclaredLayout::MODEL_HASH_HI,
            "Declared training: the model file's SHA-256, high 128 bits (big-endian).",
        ),
        (
            "DECLARED_MODEL_HASH_LO",
            DeclaredLayout::MODEL_HASH_LO,
            "Declared training: the model file's SHA-256, low 128 bits.",
        ),
        (
            "DECLARED_LEN",
            DeclaredLayout::LEN,
            "Declared training: instance words before the proof (the dataset words sit at the \
             same positions as above).",
        ),
    ];
    let mut s = String::new();
    s.push_str("// SPDX-License-Identifier: MIT\n");
    s.push_str("// GENERATED by lineage-circuits (crates/circuits/src/layout.rs). Do not edit:\n");
    s.push_str("// `LINEAGE_BLESS=1 cargo test -p lineage-circuits --test layout` rewrites it.\n");
    s.push_str("pragma solidity ^0.8.24;\n\n");
    s.push_str("/// @title PublicLayout\n");
    s.push_str(
        "/// @notice Positions of the aggregated proof's public values: the verifier's calldata\n",
    );
    s.push_str("///         is these LEN words (32 bytes each, big-endian field elements), then the proof.\n");
    s.push_str("library PublicLayout {\n");
    for (i, (name, value, doc)) in consts.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        let _ = writeln!(s, "    /// @dev {doc}");
        let _ = writeln!(s, "    uint256 internal constant {name} = {value};");
    }
    s.push_str("}\n");
    s
}

/// Path of the rendered public-start library, relative to the repository root.
pub const START_SOLIDITY_PATH: &str = "contracts/generated/PublicStart.sol";

/// The `w0_hash` a training run from scratch starts from, per profile: the hash of the
/// profile's zero weights (`d` zeros and a zero bias). The registry accepts it, or the
/// `w_hash` of an attested base model the attestation names (fine-tuning), and no other
/// start, so a model is proven trained from a public start, never from weights the
/// publisher chose.
pub fn zero_start_hash(profile: &crate::profile::Profile) -> lineage_core::Fr {
    lineage_core::train::Weights::zeros(profile.training.features).hash()
}

/// The Solidity library of every profile's [`zero_start_hash`], by profile id, as committed
/// at [`START_SOLIDITY_PATH`].
pub fn start_solidity() -> String {
    let mut s = String::new();
    s.push_str("// SPDX-License-Identifier: MIT\n");
    s.push_str("// GENERATED by lineage-circuits (crates/circuits/src/layout.rs). Do not edit:\n");
    s.push_str("// `LINEAGE_BLESS=1 cargo test -p lineage-circuits --test layout` rewrites it.\n");
    s.push_str("pragma solidity ^0.8.24;\n\n");
    s.push_str("/// @title PublicStart\n");
    s.push_str("/// @notice The initial-weights commitment (`w0_hash`) of training from scratch: the hash\n");
    s.push_str(
        "///         of the profile's zero weights. The only other start the registry accepts\n",
    );
    s.push_str("///         is an attested base model's weights (`AttestRequest.baseModelId`).\n");
    s.push_str("library PublicStart {\n");
    s.push_str(
        "    /// @dev The zero weights' hash of profile `profileId`; 0 (no valid start) for an\n",
    );
    s.push_str("    ///      unknown profile.\n");
    s.push_str(
        "    function zeroWeightsHash(uint32 profileId) internal pure returns (uint256) {\n",
    );
    for p in crate::profile::ALL.into_iter().filter(|p| p.proves_training()) {
        let _ = writeln!(s, "        // {}: d = {}", p.name, p.training.features);
        let _ = writeln!(s, "        if (profileId == {}) {{", p.id);
        let _ = writeln!(
            s,
            "            return {};",
            lineage_core::field::fr_to_hex(&zero_start_hash(&p))
        );
        s.push_str("        }\n");
    }
    s.push_str("        return 0;\n    }\n}\n");
    s
}

/// Path of the rendered profile-kind library, relative to the repository root.
pub const KINDS_SOLIDITY_PATH: &str = "contracts/generated/ProfileKinds.sol";

/// The Solidity library of every profile's [`crate::profile::TrainingKind`], by profile id,
/// as committed at [`KINDS_SOLIDITY_PATH`]. The registry takes an attestation's kind from
/// here, never from its caller.
pub fn kinds_solidity() -> String {
    use crate::profile::TrainingKind;
    let mut s = String::new();
    s.push_str("// SPDX-License-Identifier: MIT\n");
    s.push_str("// GENERATED by lineage-circuits (crates/circuits/src/layout.rs). Do not edit:\n");
    s.push_str("// `LINEAGE_BLESS=1 cargo test -p lineage-circuits --test layout` rewrites it.\n");
    s.push_str("pragma solidity ^0.8.24;\n\n");
    s.push_str("/// @title ProfileKinds\n");
    s.push_str("/// @notice What each circuit profile's proof says about the model: PROVEN (the training\n");
    s.push_str("///         is re-executed in a circuit, `PublicLayout.LEN` words) or DECLARED (training\n");
    s.push_str("///         declared, training set proven, `PublicLayout.DECLARED_LEN` words).\n");
    s.push_str("library ProfileKinds {\n");
    s.push_str("    /// @dev Not a profile.\n    uint8 internal constant UNKNOWN = 0;\n\n");
    for kind in [TrainingKind::Proven, TrainingKind::Declared] {
        let _ = writeln!(
            s,
            "    /// @dev Training {}.\n    uint8 internal constant {} = {};\n",
            kind.as_str(),
            kind.as_str().to_uppercase(),
            kind.code()
        );
    }
    s.push_str("    /// @dev The kind of profile `profileId`; UNKNOWN for an id no profile has.\n");
    s.push_str("    function kindOf(uint32 profileId) internal pure returns (uint8) {\n");
    for p in crate::profile::ALL {
        let _ = writeln!(
            s,
            "        if (profileId == {}) return {}; // {}",
            p.id,
            p.kind.as_str().to_uppercase(),
            p.name
        );
    }
    s.push_str("        return UNKNOWN;\n    }\n}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_dense_and_disjoint() {
        let mut seen = [false; AggregateLayout::LEN];
        let mut mark = |i: usize| {
            assert!(!seen[i], "position {i} used twice");
            seen[i] = true;
        };
        (0..ACCUMULATOR_LEN).for_each(|i| mark(AggregateLayout::ACCUMULATOR + i));
        (0..DatasetLayout::LEN).for_each(|i| mark(AggregateLayout::DATASET + i));
        [AggregateLayout::W0_HASH, AggregateLayout::W_HASH, AggregateLayout::HYPER_HASH]
            .into_iter()
            .for_each(&mut mark);
        assert!(seen.iter().all(|&b| b));
    }

    #[test]
    fn chunk_layouts_are_dense() {
        for epochs in 1..=4 {
            let mut seen = vec![false; TrainingLayout::len(epochs)];
            let fixed = [TrainingLayout::TRAIN_ROOT, TrainingLayout::N_RECORDS, TrainingLayout::LR];
            let segments = (0..epochs)
                .flat_map(|e| [TrainingLayout::w_in(e), TrainingLayout::w_out(e, epochs)]);
            for i in fixed.into_iter().chain(segments) {
                assert!(!seen[i], "training position {i} used twice");
                seen[i] = true;
            }
            assert!(seen.iter().all(|&b| b));
            assert_eq!(
                BodyLayout::len(Some(epochs)),
                BodyLayout::DATASET_LEN + TrainingLayout::len(epochs) - 2
            );
        }
        assert_eq!(BodyLayout::len(None), DatasetLayout::LEN + 4);
    }

    #[test]
    fn the_declared_layout_is_dense_and_shares_the_dataset_positions() {
        assert_eq!(DeclaredLayout::DATASET, AggregateLayout::DATASET);
        assert_eq!(DeclaredLayout::MODEL_HASH_HI, ACCUMULATOR_LEN + DatasetLayout::LEN);
        assert_eq!(DeclaredLayout::LEN, ACCUMULATOR_LEN + DatasetLayout::LEN + 2);
    }
}
