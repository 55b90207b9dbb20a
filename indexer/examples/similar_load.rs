//! The similarity lookup under load (issue 21), for `script/bench-similar.sh`: anchors
//! `N` fingerprinted outputs for the first model `bench_chain` attested (batches of 1,000
//! version-2 leaves over random content hashes and random 256-bit fingerprints), posts
//! their manifests to a running indexer, then times `QUERIES` lookups through its API,
//! one at a time on one keep-alive connection: half near-duplicates of indexed
//! fingerprints (0 to 31 random bits flipped, each must find its output), half unrelated
//! random fingerprints. Prints the latency percentiles as JSON.
//!
//! `cargo run --release -p lineage-indexer --example similar_load -- RPC REGISTRY INDEXER N QUERIES`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{path::PathBuf, time::Instant};

use alloy::{
    network::TransactionBuilder,
    primitives::{keccak256, Address, B256, U256},
    providers::{Provider, RootProvider},
    rpc::types::TransactionRequest,
    sol_types::SolCall,
    transports::http::reqwest,
};
use lineage_chain::bindings::LineageRegistry;
use lineage_core::{output::leaf_v2, sample::SplitMix};
use serde_json::{json, Value};

const BATCH: usize = 1_000;

/// A reproducible stream (`lineage_core`'s SplitMix64).
struct Rng(SplitMix);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next()
    }

    fn b256(&mut self) -> B256 {
        let mut out = [0u8; 32];
        for chunk in out.chunks_exact_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        B256::from(out)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The percentile `p` (0 to 100) of sorted milliseconds.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p / 100.0).round() as usize]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert!(args.len() == 6, "usage: similar_load RPC REGISTRY INDEXER N QUERIES");
    let provider: RootProvider = RootProvider::new_http(args[1].parse().unwrap());
    let registry: Address = args[2].parse().unwrap();
    let indexer = args[3].trim_end_matches('/').to_owned();
    let n: usize = args[4].parse().unwrap();
    let queries: usize = args[5].parse().unwrap();
    let http = reqwest::Client::new();

    // bench_chain's first model: anvil account 1's attestation of the demo proof.
    let publisher = provider.get_accounts().await.unwrap()[1];
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/test/fixtures/demo-proof.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let w_hash: U256 = v["instances"][24].as_str().unwrap().parse().unwrap();
    let model = keccak256(
        [B256::left_padding_from(publisher.as_slice()).as_slice(), &w_hash.to_be_bytes::<32>()]
            .concat(),
    );
    let first: u64 = LineageRegistry::new(registry, &provider)
        .outputBatchCount(model)
        .call()
        .await
        .unwrap()
        .to();

    // Anchor the batches.
    let mut rng = Rng(SplitMix(21));
    let started = Instant::now();
    let mut batches = Vec::new();
    for b in 0..n.div_ceil(BATCH) {
        let size = BATCH.min(n - b * BATCH);
        let outputs: Vec<(B256, B256)> = (0..size).map(|_| (rng.b256(), rng.b256())).collect();
        let leaves: Vec<B256> = outputs.iter().map(|(c, p)| leaf_v2(c, p)).collect();
        let call = LineageRegistry::anchorOutputsCall {
            modelId: model,
            batchRoot: lineage_indexer::outputs::root(&leaves),
            count: size as u64,
            uri: String::new(),
        }
        .abi_encode();
        let tx = TransactionRequest::default()
            .with_from(publisher)
            .with_to(registry)
            .with_input(call)
            .with_gas_limit(300_000);
        let _: B256 = provider.raw_request("eth_sendTransaction".into(), (tx,)).await.unwrap();
        batches.push(outputs);
    }
    let last = first + batches.len() as u64 - 1;
    eprintln!("anchored {} batches in {:.1} s", batches.len(), started.elapsed().as_secs_f64());

    // Wait for the indexer, then post the manifests.
    let batch_url = format!("{indexer}/v1/models/{model}/batches/{last}");
    while http.get(&batch_url).send().await.unwrap().status() != 200 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let started = Instant::now();
    for (i, outputs) in batches.iter().enumerate() {
        let body = json!({
            "model_id": model,
            "batch_index": first + i as u64,
            "outputs": outputs.iter()
                .map(|(c, p)| json!({"content_hash": c, "perceptual_hash": p}))
                .collect::<Vec<_>>(),
        });
        let r = http
            .post(format!("{indexer}/v1/outputs/batches"))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let posting = started.elapsed().as_secs_f64();
    eprintln!("posted {n} fingerprints in {posting:.1} s");

    // The queries: near-duplicates and unrelated fingerprints, alternating.
    let (mut near_ms, mut far_ms) = (Vec::new(), Vec::new());
    let (mut found, mut false_matches) = (0usize, 0usize);
    for q in 0..queries {
        let near = q % 2 == 0;
        let (query, want) = if near {
            let outputs = &batches[rng.below(batches.len())];
            let (c, p) = outputs[rng.below(outputs.len())];
            let mut query = p;
            for _ in 0..rng.below(32) {
                let bit = rng.below(256);
                query.0[bit / 8] ^= 1 << (bit % 8);
            }
            (query, Some(c))
        } else {
            (rng.b256(), None)
        };
        let url = format!("{indexer}/v1/outputs/similar?fingerprint={query}&limit=5");
        let t = Instant::now();
        let r = http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let candidates = body["data"]["candidates"].as_array().unwrap();
        match want {
            Some(c) => {
                near_ms.push(ms);
                found += usize::from(candidates.iter().any(|x| x["content_hash"] == json!(c)));
            }
            None => {
                far_ms.push(ms);
                false_matches += usize::from(!candidates.is_empty());
            }
        }
    }
    let mut all: Vec<f64> = near_ms.iter().chain(&far_ms).copied().collect();
    for v in [&mut all, &mut near_ms, &mut far_ms] {
        v.sort_by(f64::total_cmp);
    }
    let stats = |v: &[f64]| {
        json!({"p50_ms": percentile(v, 50.0), "p90_ms": percentile(v, 90.0),
               "p99_ms": percentile(v, 99.0), "max_ms": v[v.len() - 1]})
    };
    println!(
        "{}",
        json!({
            "fingerprints": n, "queries": queries, "posting_s": posting,
            "near_found": found, "near_queries": near_ms.len(),
            "unrelated_false_matches": false_matches, "unrelated_queries": far_ms.len(),
            "all": stats(&all), "near": stats(&near_ms), "unrelated": stats(&far_ms),
        })
    );
}
