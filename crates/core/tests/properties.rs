//! Property tests of the commitments: inclusion proofs verify for every leaf, any change
//! to a record or a proof is rejected, and a build is deterministic.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use lineage_core::{
    ingest::{read_records, Defaults},
    record::parse_address,
    Address, ContentHash, DatasetManifest, Fr, InclusionProof, License, MerkleTree, Record,
    SourcedRecord,
};
use proptest::prelude::*;

fn record(seed: u8, i: usize) -> Record {
    let mut content = [seed; 32];
    content[..8].copy_from_slice(&(i as u64).to_be_bytes());
    Record {
        content: ContentHash(content),
        creator: Address::from([seed.wrapping_add(i as u8 % 3); 20]),
        license: License::new((i % 5) as u32).expect("license"),
        features: vec![i as i64 - 3, -i64::from(seed)],
        label: (i % 2) as u32,
    }
}

fn manifest(n: usize, extra_depth: u32, seed: u8) -> (DatasetManifest, MerkleTree) {
    let records = (0..n).map(|i| SourcedRecord { record: record(seed, i), source: None }).collect();
    let depth = lineage_core::merkle::min_depth(n as u64) + extra_depth;
    DatasetManifest::build(records, depth, 16).expect("build")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_leaf_has_a_verifying_proof(n in 1usize..70, extra in 0u32..4, seed: u8) {
        let (m, tree) = manifest(n, extra, seed);
        for i in 0..n as u64 {
            let proof = m.inclusion_proof(&tree, i).expect("proof");
            prop_assert!(proof.verify(Some(m.root)).is_ok());
            // Through JSON, as a user would carry it.
            let json = serde_json::to_string(&proof).expect("json");
            let back: InclusionProof = serde_json::from_str(&json).expect("parse");
            prop_assert!(back.verify(Some(m.root)).is_ok());
        }
    }

    #[test]
    fn any_change_is_rejected(
        n in 2usize..40,
        pick: prop::sample::Index,
        byte in 0usize..32,
        bit in 0u8..8,
        seed: u8,
    ) {
        let (m, tree) = manifest(n, 1, seed);
        let i = pick.index(n) as u64;
        let good = m.inclusion_proof(&tree, i).expect("proof");
        let flip = 1u8 << bit;

        let mut p = good.clone();
        p.record.content.0[byte] ^= flip;
        prop_assert!(p.verify(Some(m.root)).is_err(), "content byte");
        p.leaf = p.record.leaf(); // even with a consistent leaf, the path must fail
        prop_assert!(p.verify(Some(m.root)).is_err(), "content byte, leaf recomputed");

        let mut p = good.clone();
        let mut creator = p.record.creator.0 .0;
        creator[byte % 20] ^= flip;
        p.record.creator = Address::from(creator);
        p.leaf = p.record.leaf();
        prop_assert!(p.verify(Some(m.root)).is_err(), "creator byte");

        let mut p = good.clone();
        let code = (p.record.license.code() + 1 + u32::from(bit)) % License::BITS;
        p.record.license = License::new(code).expect("license");
        p.leaf = p.record.leaf();
        prop_assert!(p.verify(Some(m.root)).is_err(), "license");

        let mut p = good.clone();
        let h = byte % p.siblings.len();
        p.siblings[h] += Fr::from(u64::from(flip));
        prop_assert!(p.verify(Some(m.root)).is_err(), "sibling");

        let mut p = good.clone();
        p.index ^= 1 << (byte as u32 % p.depth);
        prop_assert!(p.verify(Some(m.root)).is_err(), "index");

        let mut p = good.clone();
        p.root += Fr::one();
        prop_assert!(p.verify(None).is_err(), "stated root");
        prop_assert!(good.verify(Some(m.root + Fr::one())).is_err(), "expected root");
    }

    #[test]
    fn folder_builds_are_deterministic(n in 1usize..24, order_seed: u64) {
        let dir = tempfile::tempdir().expect("tempdir");
        // Create the files in a shuffled order (some in a subfolder), so the file system's
        // listing order differs from case to case.
        let mut names: Vec<String> = (0..n)
            .map(|i| if i % 4 == 0 { format!("sub/w{i:02}") } else { format!("w{i:02}") })
            .collect();
        let mut x = order_seed | 1;
        for i in (1..names.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            names.swap(i, (x % (i as u64 + 1)) as usize);
        }
        for name in &names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, name.as_bytes()).expect("write");
        }
        let creator = parse_address("0x00000000000000000000000000000000000000aa").expect("address");
        let defaults = Defaults {
            creator: Some(creator),
            license: Some(License::new(1).expect("license")),
            frac_bits: 16,
        };
        let build = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            pool.install(|| {
                let records = read_records(dir.path(), &defaults, &()).expect("records");
                DatasetManifest::build(records, 10, 16).expect("build").0
            })
        };
        let one = build(1);
        let two = build(2);
        prop_assert_eq!(&one, &two);
        prop_assert_eq!(one.root, build(1).root);
    }
}

#[test]
fn full_tree_of_2_pow_20_leaves_matches_sparse_build() {
    // 2^20 leaves, the size the foundation must handle. Leaves only in the first half give
    // the same root as the sparse build of just those leaves.
    let n = 1usize << 20;
    let mut leaves: Vec<Fr> = (0..n as u64 / 2).map(Fr::from).collect();
    let sparse = MerkleTree::new(leaves.clone(), 20).expect("sparse");
    leaves.resize(n, Fr::zero());
    let full = MerkleTree::new(leaves, 20).expect("full");
    assert_eq!(full.root(), sparse.root());
    let p = full.proof(n as u64 - 1).expect("proof");
    assert!(p.verify(Fr::zero(), full.root()));
    let p = full.proof(12345).expect("proof");
    assert!(p.verify(Fr::from(12345u64), full.root()));
}
