//! `lineage-circuits`: the halo2-base circuits and gadgets of Lineage.
//!
//! Circuits take plain witness structs (built natively from `lineage-core`) and return
//! assigned cells; they never read files, the environment or a chain.
//!
//! - [`builder`]: the circuit type of every proof, halo2-base's builder beside the Poseidon
//!   lanes;
//! - [`chunk`]: the chunk circuit, the one proof per chunk of a training set that an
//!   aggregation verifies (the dataset circuit, with the training circuit for proven
//!   training);
//! - [`circuit`]: the [`LineageCircuit`] trait and the keygen / prover / mock builders;
//! - [`dataset`]: the dataset circuit and its native witness builder;
//! - [`layout`]: the public instances of each circuit and of the aggregated proof, defined
//!   once (and rendered for Solidity);
//! - [`profile`]: the fixed circuit shapes (`demo`, `standard`);
//! - [`poseidon`]: Lineage's domain-tagged Poseidon in-circuit (the one-permutation Merkle
//!   node), bit-for-bit `lineage_core::poseidon`, and its dedicated chip ([`poseidon::lane`]);
//! - [`merkle`]: record leaves, Merkle roots and openings in-circuit;
//! - [`training`]: the training circuit (fixed-point logistic-regression SGD re-executed
//!   bit for bit) and its native witness builder;
//! - [`tree`]: the proof tree's merge rules (a training set proven in chunks).

pub mod builder;
pub mod chunk;
pub mod circuit;
pub mod dataset;
pub mod layout;
pub mod merkle;
pub mod poseidon;
pub mod profile;
pub mod training;
pub mod tree;

pub use circuit::LineageCircuit;
pub use halo2_base;
pub use poseidon::PoseidonChip;
pub use profile::Profile;
