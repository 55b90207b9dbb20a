//! `lineage-chain`: Lineage's contracts seen from Rust.
//!
//! - [`bindings`]: alloy `sol!` bindings generated from the forge artifacts' ABIs;
//! - [`deployment`]: the `deployments/<chainid>.json` file the deploy script writes.
//!
//! The indexer depends on this crate, so it never depends on a proving system.

pub mod bindings;
pub mod deployment;
mod error;

pub use deployment::Deployment;
pub use error::ChainError;
