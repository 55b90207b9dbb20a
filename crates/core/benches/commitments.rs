//! Commitment throughput: Poseidon permutations and Merkle tree builds.
//!
//! `cargo bench -p lineage-core --bench commitments`

#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use lineage_core::{merkle::MerkleTree, poseidon, Fr};

fn permutation(c: &mut Criterion) {
    let mut g = c.benchmark_group("poseidon");
    g.throughput(Throughput::Elements(1));
    let mut state = [Fr::from(1u64), Fr::from(2u64), Fr::from(3u64)];
    g.bench_function("permutation", |b| {
        b.iter(|| poseidon::permute(std::hint::black_box(&mut state)))
    });
    g.finish();
}

fn tree(c: &mut Criterion) {
    let mut g = c.benchmark_group("merkle");
    g.sample_size(10);
    for log_n in [16u32, 20] {
        let leaves: Vec<Fr> = (0..1u64 << log_n).map(Fr::from).collect();
        g.throughput(Throughput::Elements(1 << log_n));
        g.bench_function(format!("build_2^{log_n}_leaves"), |b| {
            b.iter_batched(|| leaves.clone(), |l| MerkleTree::new(l, log_n), BatchSize::LargeInput)
        });
    }
    g.finish();
}

criterion_group!(benches, permutation, tree);
criterion_main!(benches);
