//! `lineage-chain`: Lineage's contracts seen from Rust.
//!
//! - [`bindings`]: alloy `sol!` bindings generated from the forge artifacts' ABIs;
//! - [`deployment`]: the `deployments/<chainid>.json` file the deploy script writes;
//! - [`client`]: the registry and vault of one deployment: register, certify, attest,
//!   anchor, pay and claim, and the reads behind status and lineage; reverts decoded into
//!   the contracts' custom errors.
//!
//! The indexer depends on this crate, so it must never depend on a proving system.

pub mod bindings;
pub mod client;
pub mod deployment;
mod error;

pub use client::{Client, Options, Sent};
pub use deployment::Deployment;
pub use error::{ChainError, Result, Revert};
