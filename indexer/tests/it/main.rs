//! The indexer's integration tests, in one test binary so that the helpers they share
//! (`common`: anvil, the deployed contracts, the scenario, SQLite and Postgres databases)
//! and the indexer are compiled and linked once. Each module is one suite; run one with
//! `cargo test -p lineage-indexer --test it api::` (or `follower::`, `schemathesis::`,
//! `web::`).

// First, so that its macros are in scope in the suites.
#[macro_use]
mod common;

mod api;
mod follower;
mod schemathesis;
mod web;
