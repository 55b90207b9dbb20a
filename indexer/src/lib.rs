//! `lineage-indexer`: follows Lineage's registry and royalty vault on a chain and serves
//! provenance lookups over REST.
//!
//! - [`follower`]: reads the contracts' logs from a start block in adaptive ranges, with
//!   checkpoints, follows the head with confirmations, rolls back reorgs;
//! - [`store`]: SQLite (default) or Postgres through sqlx, embedded migrations for both,
//!   one transaction per range;
//! - [`api`]: the axum router: `/v1` lookups with provenance and cursor pagination,
//!   `/openapi.json`, `/health`, `/ready`, `/metrics`;
//! - `web`: the small page at `/` (browse, lineage, verify an image);
//! - [`service`]: all of it started together, with graceful shutdown.
//!
//! This crate must never depend on a proving system (halo2, the prover, the circuits):
//! it reads what the chain says about proofs, it does not check them.

pub mod api;
mod error;
pub mod events;
pub mod follower;
pub mod metrics;
pub mod model;
pub mod outputs;
pub mod service;
pub mod store;
pub mod web;

pub use error::{Error, Result};
pub use follower::{Follower, FollowerConfig, SyncStatus};
pub use service::{start, Config, Running};
pub use store::{Store, Target};
