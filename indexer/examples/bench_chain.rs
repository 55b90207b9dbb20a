//! Fills a local anvil (with Lineage deployed) with at least `--events` registry and vault
//! events, for the ingest benchmark (`script/bench-indexer.sh`): two certified datasets
//! with the demo proof's roots, four attestations of the committed demo proof, then
//! blocks of royalty payments (3 events each: two RoyaltyDistributed and RoyaltyPaid),
//! dataset registrations, certifications and output anchors, from anvil's unlocked dev
//! accounts with automine off and `evm_mine` per block.
//!
//! `cargo run --release -p lineage-indexer --example bench_chain -- RPC REGISTRY VAULT EVENTS`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{collections::HashMap, path::PathBuf, time::Instant};

use alloy::{
    network::TransactionBuilder,
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::{Provider, RootProvider},
    rpc::types::TransactionRequest,
    sol_types::SolCall,
};
use lineage_chain::bindings::{ILineageRegistry, LineageRegistry, RoyaltyVault};

struct Sender {
    provider: RootProvider,
    nonces: HashMap<Address, u64>,
}

impl Sender {
    async fn send(&mut self, from: Address, to: Address, input: Vec<u8>, value: U256, gas: u64) {
        let nonce = match self.nonces.get(&from) {
            Some(n) => *n,
            None => self.provider.get_transaction_count(from).pending().await.unwrap(),
        };
        self.nonces.insert(from, nonce + 1);
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(input)
            .with_value(value)
            .with_gas_limit(gas)
            .with_nonce(nonce)
            .with_max_fee_per_gas(100_000_000_000)
            .with_max_priority_fee_per_gas(1);
        let _hash: B256 =
            self.provider.raw_request("eth_sendTransaction".into(), (tx,)).await.unwrap();
    }

    async fn mine(&self) {
        let _: serde_json::Value = self.provider.raw_request("evm_mine".into(), ()).await.unwrap();
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert!(args.len() == 5, "usage: bench_chain RPC REGISTRY VAULT EVENTS");
    let provider = RootProvider::new_http(args[1].parse().unwrap());
    let registry: Address = args[2].parse().unwrap();
    let vault: Address = args[3].parse().unwrap();
    let target: u64 = args[4].parse().unwrap();
    let a = provider.get_accounts().await.unwrap();
    let mut s = Sender { provider: provider.clone(), nonces: HashMap::new() };

    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/test/fixtures/demo-proof.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let w: Vec<U256> = v["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().parse().unwrap())
        .collect();
    let proof: Bytes = v["proof"].as_str().unwrap().parse().unwrap();
    let mut creators = vec![a[5], a[6], a[7]];
    creators.sort();

    let register = |root: U256, uri: String| {
        LineageRegistry::registerDatasetCall {
            root,
            leafCount: 24,
            uri,
            creators: creators.clone(),
            weights: vec![1, 2, 3],
        }
        .abi_encode()
    };
    let started = Instant::now();
    let _: serde_json::Value =
        provider.raw_request("evm_setAutomine".into(), (false,)).await.unwrap();
    s.send(a[4], registry, register(w[12], "ipfs://a".into()), U256::ZERO, 1_000_000).await;
    s.send(a[4], registry, register(w[13], "ipfs://b".into()), U256::ZERO, 1_000_000).await;
    s.mine().await;
    for id in [1u32, 2] {
        let call = LineageRegistry::certifyCall { datasetId: id }.abi_encode();
        s.send(a[0], registry, call, U256::ZERO, 200_000).await;
    }
    s.mine().await;
    let publishers = [a[1], a[2], a[3], a[8]];
    let mut models = Vec::new();
    for p in publishers {
        let request = ILineageRegistry::AttestRequest {
            profileId: 1,
            datasetIds: vec![1, 2],
            counts: vec![w[16].to(), w[17].to()],
            trainRoot: w[20],
            licenseMask: w[21].to(),
            nRecords: w[22].to(),
            w0Hash: w[23],
            baseModelId: Default::default(),
            wHash: w[24],
            hyperHash: w[25],
            accumulator: w[..12].to_vec(),
        };
        let call = LineageRegistry::attestCall { request, proof: proof.clone() }.abi_encode();
        s.send(p, registry, call, U256::ZERO, 1_500_000).await;
        let id = keccak256(
            [B256::left_padding_from(p.as_slice()).as_slice(), &w[24].to_be_bytes::<32>()].concat(),
        );
        models.push((p, id));
    }
    s.mine().await;

    // Blocks of 400 transactions: 3 of 4 pay royalties (3 events), the 4th registers,
    // certifies or anchors (1 event).
    let mut events = 2 + 2 + 4 * 3; // registrations, certifications, attestations (+admin)
    let mut tx = 0u64;
    let mut next_dataset = 3u32;
    let mut batch = vec![0u64; models.len()];
    while events < target {
        for _ in 0..400 {
            let payer = a[9 - (tx % 2) as usize];
            let (publisher, model) = models[(tx % models.len() as u64) as usize];
            match tx % 8 {
                3 => {
                    // One creator per bulk dataset, each a distinct address.
                    let creator = Address::from_slice(&keccak256(tx.to_be_bytes())[12..]);
                    let call = LineageRegistry::registerDatasetCall {
                        root: U256::from(1_000_000 + tx),
                        leafCount: 24,
                        uri: format!("bulk-{tx}"),
                        creators: vec![creator],
                        weights: vec![1],
                    }
                    .abi_encode();
                    s.send(a[4], registry, call, U256::ZERO, 600_000).await;
                    next_dataset += 1;
                }
                7 if next_dataset > 3 => {
                    let call =
                        LineageRegistry::certifyCall { datasetId: next_dataset - 1 }.abi_encode();
                    s.send(a[0], registry, call, U256::ZERO, 200_000).await;
                }
                7 => {}
                _ if tx % 8 == 5 => {
                    let i = (tx % models.len() as u64) as usize;
                    let call = LineageRegistry::anchorOutputsCall {
                        modelId: model,
                        batchRoot: keccak256(tx.to_be_bytes()),
                        count: 16,
                        uri: String::new(),
                    }
                    .abi_encode();
                    s.send(publisher, registry, call, U256::ZERO, 200_000).await;
                    batch[i] += 1;
                }
                _ => {
                    let call = RoyaltyVault::payRoyaltyCall { modelId: model }.abi_encode();
                    s.send(payer, vault, call, U256::from(1_000_000 + tx), 300_000).await;
                    events += 2;
                }
            }
            events += 1;
            tx += 1;
        }
        s.mine().await;
    }
    let _: serde_json::Value =
        provider.raw_request("evm_setAutomine".into(), (true,)).await.unwrap();
    let head = provider.get_block_number().await.unwrap();
    let filter = alloy::rpc::types::Filter::new()
        .address(vec![registry, vault])
        .from_block(0)
        .to_block(head);
    let logs = provider.get_logs(&filter).await.unwrap().len();
    eprintln!(
        "{tx} transactions, {logs} logs in {head} blocks, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("{logs}");
}
