//! `lineage-circuits`: the halo2-base circuits and gadgets of Lineage.
//!
//! Circuits take plain witness structs (built natively from `lineage-core`) and return
//! assigned cells; they never read files, the environment or a chain.
//!
//! - [`poseidon`]: Lineage's domain-tagged Poseidon in-circuit (the one-permutation Merkle
//!   node), bit-for-bit `lineage_core::poseidon`.

pub mod poseidon;

pub use halo2_base;
pub use poseidon::PoseidonChip;
