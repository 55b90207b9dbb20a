//! `lineage-prover`: parameters, keys, and KZG (SHPLONK, BN254) proofs of the Lineage
//! circuits.
//!
//! - [`srs`]: the deterministic, INSECURE development SRS, generated fast;
//! - [`kzg`]: key generation, proving and verification of a [`LineageCircuit`].
//!
//! [`LineageCircuit`]: lineage_circuits::LineageCircuit

pub mod kzg;
pub mod srs;
