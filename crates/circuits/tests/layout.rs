//! The committed Solidity libraries are exactly what `layout::solidity()`,
//! `layout::start_solidity()` and `layout::kinds_solidity()` render.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use lineage_circuits::layout::{
    kinds_solidity, solidity, start_solidity, KINDS_SOLIDITY_PATH, SOLIDITY_PATH,
    START_SOLIDITY_PATH,
};
use std::path::PathBuf;

fn committed(relative: &str, want: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative);
    if std::env::var_os("LINEAGE_BLESS").is_some() {
        std::fs::write(&path, want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{relative} is stale; run `LINEAGE_BLESS=1 cargo test -p lineage-circuits --test layout`"
    );
}

#[test]
fn committed_solidity_layout_matches_the_rust_layout() {
    committed(SOLIDITY_PATH, &solidity());
}

#[test]
fn committed_public_start_matches_the_profiles() {
    committed(START_SOLIDITY_PATH, &start_solidity());
}

#[test]
fn committed_profile_kinds_match_the_profiles() {
    committed(KINDS_SOLIDITY_PATH, &kinds_solidity());
}
