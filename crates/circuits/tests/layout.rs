//! The committed Solidity layout library is exactly what `layout::solidity()` renders.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use lineage_circuits::layout::{solidity, SOLIDITY_PATH};
use std::path::PathBuf;

#[test]
fn committed_solidity_layout_matches_the_rust_layout() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(SOLIDITY_PATH);
    let want = solidity();
    if std::env::var_os("LINEAGE_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{SOLIDITY_PATH} is stale; run `LINEAGE_BLESS=1 cargo test -p lineage-circuits --test layout`"
    );
}
