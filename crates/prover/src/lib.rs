//! `lineage-prover`: parameters, keys, and KZG (SHPLONK, BN254) proofs of the Lineage
//! circuits.
//!
//! - [`srs`]: the deterministic, INSECURE development SRS, generated fast;
//! - [`kzg`]: key generation, proving and verification of a [`LineageCircuit`];
//! - [`aggregate`]: a chunk proof (the dataset, and the training run for proven training)
//!   aggregated into one EVM-verifiable proof, its Solidity verifier and its native
//!   verification;
//! - [`artifacts`]: the SRS parameters and keys cached on disk, reused while consistent;
//! - [`inputs`]: a training set checked natively and cut into its chunks' witnesses;
//! - [`pipeline`]: a profile's whole setup and the path from witnesses to that one proof
//!   (a tree profile's: chunk proofs, nodes, root);
//! - [`plan`]: the proof tree's shape over a training set (its chunks and nodes);
//! - [`task`]: the proof tree as a plan of tasks, each runnable alone from its input files
//!   (`lineage prove --plan-only`, `lineage prove-task`);
//! - [`tree`]: the proof tree's node and root keys and proofs, for training sets of more
//!   than one chunk (issue 17, design in `docs/proof-tree-plan.md`);
//! - [`work`]: a tree's finished proofs on disk, named by what they prove, reused by a rerun.
//!
//! [`LineageCircuit`]: lineage_circuits::LineageCircuit

pub mod aggregate;
pub mod artifacts;
mod error;
pub mod inputs;
pub mod kzg;
pub mod pipeline;
pub mod plan;
pub mod srs;
pub mod task;
pub mod tree;
pub mod work;

pub use error::Error;
