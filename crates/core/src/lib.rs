//! `lineage-core`: the commitments every part of Lineage shares.
//!
//! - [`poseidon`]: halo2-base's Poseidon permutation over BN254 `Fr`, domain-tagged hashes
//!   and the one-permutation Merkle node;
//! - [`record`]: records (content hash, creator, license, features, label) and leaves;
//! - [`merkle`]: fixed-depth Merkle trees with inclusion proofs;
//! - [`manifest`]: the versioned dataset manifest and inclusion-proof files;
//! - [`content`] and [`ingest`]: SHA-256 of files in parallel, folders and JSONL in;
//! - [`sample`]: a small deterministic corpus for tests and the demo;
//! - [`attestation`]: the attestation file format (an aggregated proof, its named public
//!   values and calldata);
//! - [`train`]: the bit-exact fixed-point logistic-regression trainer the training circuit
//!   re-executes, and the weight and hyperparameter commitments;
//! - [`output`]: content hashes of generated files (PNG pixels or bytes), the keccak Merkle
//!   tree of an anchored batch, receipts (JSON sidecar and PNG iTXt chunk), and the wallet's
//!   verdict from facts read off the chain.
//!
//! This crate must never talk to a network or a chain, and never depends on a proving
//! system; the only IO it does is reading the files it is asked to hash.

pub mod attestation;
pub mod content;
mod error;
pub mod field;
pub mod ingest;
pub mod manifest;
pub mod merkle;
pub mod model;
pub mod output;
pub mod poseidon;
pub mod record;
pub mod sample;
pub mod train;

pub use alloy_primitives::Address;
pub use error::{Error, Result};
pub use field::Fr;
pub use manifest::{DatasetManifest, InclusionProof, ManifestRecord, SourcedRecord};
pub use merkle::{MerkleProof, MerkleTree};
pub use output::{OutputHash, Receipt, Verdict};
pub use record::{ContentHash, License, Record};
