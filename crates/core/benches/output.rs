//! The pure part of `lineage verify-image` on a 1-megapixel PNG: the pixel content hash
//! (and the share of SHA-256 in it), reading the embedded receipt, and the whole local
//! check (hash + receipt + proof + verdict), RPC round trips excluded. Target: <= 50 ms.
//!
//! `cargo bench --workspace --bench output`; with `LINEAGE_BENCH_PNG_OUT=FILE` it also
//! writes the PNG it times to FILE, for `node sdk/js/scripts/bench.mjs FILE`.

#![allow(missing_docs, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lineage_core::output::{
    content_hash, embed_receipt, judge, read_receipt, Anchor, AttestationStatus, Batch, ChainFacts,
    DatasetFact, DatasetStatus, OnChainBatch, Policy,
};
use lineage_core::Address;
use std::hint::black_box;

const SIDE: u32 = 1024;

/// A 1024x1024 8-bit RGBA PNG (default compression) with smooth gradients and some
/// noise, closer to a generated picture than pure noise or a flat colour.
fn megapixel_png() -> Vec<u8> {
    let mut data = Vec::with_capacity((SIDE * SIDE * 4) as usize);
    let mut x: u32 = 0x9e37_79b9;
    for row in 0..SIDE {
        for col in 0..SIDE {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let noise = (x & 0x0f) as u8;
            data.extend_from_slice(&[
                (row / 4) as u8 ^ noise,
                (col / 4) as u8,
                ((row + col) / 8) as u8 ^ (noise >> 1),
                255,
            ]);
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, SIDE, SIDE);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().expect("header");
    w.write_image_data(&data).expect("image data");
    w.finish().expect("finish");
    out
}

fn verify_image(c: &mut Criterion) {
    let png = megapixel_png();
    let hash = content_hash(&png).expect("hash");
    let mut hashes = vec![hash; 64];
    hashes[17] = content_hash(b"another output").expect("hash");
    let batch = Batch::new(hashes).expect("batch");
    let anchor = Anchor {
        chain_id: 31337,
        registry: Address::repeat_byte(0x11),
        model_id: [0x22; 32].into(),
        batch_index: 0,
        tx_hash: [0x33; 32].into(),
        block_number: 1,
    };
    let receipt = batch.receipt(5, &anchor).expect("receipt");
    let with_receipt = embed_receipt(&png, &receipt).expect("embed");
    let facts = ChainFacts {
        batch: Some(OnChainBatch { root: batch.root(), count: batch.count() }),
        attestation: AttestationStatus::Valid,
        training: None,
        datasets: vec![DatasetFact { id: 1, status: DatasetStatus::Certified }],
        bases: vec![],
        confirmations: Some(3),
    };
    eprintln!("1-megapixel RGBA PNG: {} bytes", with_receipt.len());
    // The same file for the other implementations' benches (sdk/js: scripts/bench.mjs FILE).
    if let Some(path) = std::env::var_os("LINEAGE_BENCH_PNG_OUT") {
        std::fs::write(&path, &with_receipt).expect("write LINEAGE_BENCH_PNG_OUT");
    }

    let mut g = c.benchmark_group("verify_image_1mp");
    g.sample_size(30);
    g.throughput(Throughput::Elements(u64::from(SIDE * SIDE)));
    g.bench_function("content_hash", |b| b.iter(|| content_hash(black_box(&with_receipt))));
    // The SHA-256 share alone: the canonical RGBA bytes of a 1-megapixel image.
    let canonical = vec![0x5au8; (SIDE * SIDE * 4) as usize];
    g.bench_function("sha256_of_4mib", |b| {
        b.iter(|| <sha2::Sha256 as sha2::Digest>::digest(black_box(&canonical)))
    });
    // The PDQ fingerprint a version-2 receipt is checked against: decode, then PDQ.
    g.bench_function("fingerprint", |b| {
        b.iter(|| lineage_core::output::decode::fingerprint_file(black_box(&with_receipt)))
    });
    g.bench_function("read_receipt", |b| b.iter(|| read_receipt(black_box(&with_receipt))));
    g.bench_function("hash_receipt_verdict", |b| {
        b.iter(|| {
            let file = content_hash(black_box(&with_receipt)).expect("hash");
            let receipt = read_receipt(&with_receipt).expect("read").expect("a receipt");
            judge(&file, None, &receipt, &facts, &Policy::default())
        })
    });
    g.finish();
}

criterion_group!(benches, verify_image);
criterion_main!(benches);
