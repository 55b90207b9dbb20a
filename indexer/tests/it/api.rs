//! The REST API: answers checked against the chain's own views after a backfill and live
//! following (on SQLite and Postgres), and bad requests answered 4xx in the error shape.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::{collections::BTreeMap, sync::Arc};

use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
};
use axum::{body::Body, http::Request};
use common::{caught_up, fresh_dump, get, post, scenario, spawn_indexer, Chain, TestDb};
use lineage_chain::bindings::{LineageRegistry, RoyaltyVault};
use lineage_indexer::{
    api::{self, ApiConfig, AppState},
    metrics::Metrics,
    SyncStatus,
};
use serde_json::{json, Value};
use tower::ServiceExt;

fn b256(v: &Value) -> B256 {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).parse().unwrap()
}

/// Checks a provenance object against the chain: the block's hash, the confirmations
/// and the transaction's position.
async fn check_provenance(chain: &Chain, p: &Value, head: u64) {
    let n = p["block_number"].as_u64().unwrap();
    let block = chain.provider.get_block_by_number(n.into()).await.unwrap().unwrap();
    assert_eq!(b256(&p["block_hash"]), block.header.hash, "block hash of {n}");
    assert_eq!(p["confirmations"].as_u64().unwrap(), head + 1 - n);
    let finalized = chain
        .provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Finalized)
        .await
        .unwrap()
        .map_or(0, |b| b.header.number);
    assert_eq!(p["final"].as_bool(), Some(n <= finalized), "finality of block {n}");
    let receipt =
        chain.provider.get_transaction_receipt(b256(&p["tx_hash"])).await.unwrap().unwrap();
    assert_eq!(receipt.block_number, Some(n));
    let logs = receipt.inner.logs();
    assert!(logs.iter().any(|l| l.log_index == p["log_index"].as_u64()), "log index {p}");
}

/// Backfill, then live events, then every endpoint's answer against the chain.
async fn api_answers_match_the_chain(db: TestDb) {
    let chain = Chain::deploy().await;
    let world = scenario::populate(&chain).await;
    let running = spawn_indexer(&chain, &db).await;
    caught_up(&running, &chain).await;

    // Live: events after the backfill.
    let a = &chain.accounts;
    scenario::register_seeded(&chain, a[4], 1).await;
    let pay = RoyaltyVault::payRoyaltyCall { modelId: world.models[0] };
    use alloy::sol_types::SolCall;
    scenario::send(&chain, a[3], chain.vault, pay.abi_encode(), U256::from(999u64), None).await;
    caught_up(&running, &chain).await;
    let head = chain.head().await;

    let registry = LineageRegistry::new(chain.registry, &chain.provider);
    let vault = RoyaltyVault::new(chain.vault, &chain.provider);

    // Datasets, paged two at a time.
    let mut ids = Vec::new();
    for d in all_pages(&running, "/v1/datasets", 2, head).await {
        let id = d["dataset_id"].as_u64().unwrap() as u32;
        ids.push(id);
        let on_chain = registry.dataset(id).call().await.unwrap();
        let status = ["none", "registered", "certified", "revoked"][on_chain.status as usize];
        assert_eq!(d["status"], status, "dataset {id}");
        assert_eq!(b256(&d["root"]), B256::from(on_chain.root));
        assert_eq!(d["uri"], on_chain.uri);
        check_provenance(&chain, &d["provenance"], head).await;
        // The models using it, a page of one at a time, are the detail's list (all of it:
        // fewer than a page, so no cursor).
        let (_, detail) = get(&running, &format!("/v1/datasets/{id}")).await;
        let models = all_pages(&running, &format!("/v1/datasets/{id}/models"), 1, head).await;
        assert_eq!(detail["data"]["models"], Value::Array(models), "dataset {id}");
        assert!(detail["data"].get("models_next_cursor").is_none());
    }
    let count = registry.datasetCount().call().await.unwrap();
    assert_eq!(ids, (1..=count).collect::<Vec<_>>());

    let (_, d4) = get(&running, "/v1/datasets/4").await;
    let history: Vec<&str> = d4["data"]["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["certified", "revoked"]);
    assert_eq!(d4["data"]["certifications"][1]["reason"], "works without consent");
    assert_eq!(d4["data"]["models"][0]["model_id"], json!(world.models[2]));
    for e in d4["data"]["certifications"].as_array().unwrap() {
        check_provenance(&chain, &e["provenance"], head).await;
    }

    // Models: status, datasets and counts as the registry says.
    for (m, expected) in world.models.iter().zip(["valid", "revoked", "tainted"]) {
        let (status, body) = get(&running, &format!("/v1/models/{m}")).await;
        assert_eq!(status, 200, "{body}");
        let model = &body["data"];
        let on_chain = registry.attestationStatus(*m).call().await.unwrap();
        assert_eq!(model["status"], ["none", "valid", "revoked", "tainted"][on_chain as usize]);
        assert_eq!(model["status"], expected);
        let att = registry.attestation(*m).call().await.unwrap();
        let ids: Vec<u32> = model["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["dataset_id"].as_u64().unwrap() as u32)
            .collect();
        let counts: Vec<u32> = model["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["count"].as_u64().unwrap() as u32)
            .collect();
        assert_eq!(ids, att.datasetIds);
        assert_eq!(counts, att.counts);
        assert_eq!(model["publisher"], json!(att.publisher));
        check_provenance(&chain, &model["provenance"], head).await;
        for d in model["datasets"].as_array().unwrap() {
            check_provenance(&chain, &d["provenance"], head).await;
        }
        let (_, alias) = get(&running, &format!("/v1/attestations/{m}")).await;
        assert_eq!(alias["data"], body["data"]);
        // Only the revoked model has a revocation (tainted is its datasets' doing).
        assert_eq!(model["revocation"].is_null(), expected != "revoked", "{model}");
    }
    let (_, revoked) = get(&running, &format!("/v1/models/{}", world.models[1])).await;
    check_provenance(&chain, &revoked["data"]["revocation"], head).await;
    let (_, models) = get(&running, "/v1/models?limit=2").await;
    assert_eq!(models["data"].as_array().unwrap().len(), 2);
    let (_, rest) =
        get(&running, &format!("/v1/models?cursor={}", models["next_cursor"].as_str().unwrap()))
            .await;
    assert_eq!(rest["data"][0]["model_id"], json!(world.models[2]));
    assert!(rest["next_cursor"].is_null());

    // The proof for auditors: exactly the fixture's words and proof.
    let proof = scenario::demo_proof();
    let (status, body) = get(&running, &format!("/v1/models/{}/proof", world.models[0])).await;
    assert_eq!(status, 200, "{body}");
    let instances: Vec<U256> = body["data"]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| U256::from_be_bytes(b256(w).0))
        .collect();
    assert_eq!(instances, proof.words);
    assert_eq!(
        body["data"]["proof"].as_str().unwrap().parse::<alloy::primitives::Bytes>().unwrap(),
        proof.proof
    );
    assert_eq!(body["data"]["public_values"]["n_records"], json!(proof.words[22].to::<u64>()));
    // The calldata is what the verifier accepts.
    let calldata: alloy::primitives::Bytes =
        body["data"]["calldata"].as_str().unwrap().parse().unwrap();
    let verifier: Address = body["data"]["verifier"].as_str().unwrap().parse().unwrap();
    let call = |data: Vec<u8>| {
        alloy::rpc::types::TransactionRequest::default().to(verifier).input(data.into())
    };
    chain
        .provider
        .call(call(calldata.to_vec()))
        .await
        .expect("the verifier rejects the indexed calldata");
    let mut tampered = calldata.to_vec();
    tampered[24 * 32 + 31] ^= 1; // w_hash
    assert!(chain.provider.call(call(tampered)).await.is_err(), "the verifier accepts anything");

    // Outputs: a manifest that does not reproduce the root is refused; the right one is
    // accepted and each output resolves with a proof the registry accepts.
    let m0 = world.models[0];
    let mut wrong = world.outputs.clone();
    wrong.swap(0, 1);
    let manifest = |outs: &[B256]| json!({"model_id": m0, "batch_index": 0, "outputs": outs});
    let (status, body) = post(&running, "/v1/outputs/batches", &manifest(&wrong)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("root_mismatch")));
    let (status, body) =
        post(&running, "/v1/outputs/batches", &manifest(&world.outputs[..4])).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("count_mismatch")));
    let (status, body) = get(&running, &format!("/v1/outputs/{}", world.outputs[2])).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("output_not_found")));
    // The batch as the chain has it, before and after its manifest.
    let batch0 = format!("/v1/models/{m0}/batches/0");
    let (status, before) = get(&running, &batch0).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(b256(&before["data"]["batch_root"]), world.batch_root);
    assert_eq!(
        (&before["data"]["count"], &before["data"]["manifest_posted"]),
        (&json!("5"), &json!(false))
    );
    for (path, want) in [
        (format!("/v1/models/{m0}/batches/1"), (404, "batch_not_found")),
        (format!("/v1/models/{m0}/batches/01"), (400, "invalid_batch_index")),
        (format!("/v1/models/{m0}/batches/18446744073709551616"), (400, "invalid_batch_index")),
        (format!("/v1/models/{m0}/batches/-1"), (400, "invalid_batch_index")),
    ] {
        let (status, body) = get(&running, &path).await;
        assert_eq!((status, body["error"]["code"].as_str().unwrap()), want, "{path}");
    }
    let (status, body) = post(&running, "/v1/outputs/batches", &manifest(&world.outputs)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(b256(&body["data"]["batch_root"]), world.batch_root);
    let (_, after) = get(&running, &batch0).await;
    let (_, output) = get(&running, &format!("/v1/outputs/{}", world.outputs[0])).await;
    assert_eq!(after["data"], output["data"]["anchors"][0]["batch"], "one batch, two answers");
    assert_eq!(after["data"]["manifest_posted"], true);
    for (i, hash) in world.outputs.iter().enumerate() {
        let (status, body) = get(&running, &format!("/v1/outputs/{hash}")).await;
        assert_eq!(status, 200, "{body}");
        let anchor = &body["data"]["anchors"][0];
        assert_eq!(anchor["leaf_index"].as_u64(), Some(i as u64));
        assert_eq!(anchor["model"]["status"], "valid");
        assert_eq!(anchor["creators"][0]["creators"].as_array().unwrap().len(), 2);
        let proof: Vec<B256> =
            anchor["merkle_proof"].as_array().unwrap().iter().map(b256).collect();
        let ok = registry
            .verifyOutput(m0, U256::ZERO, *hash, U256::from(i), proof)
            .call()
            .await
            .unwrap();
        assert!(ok, "the registry rejects the indexer's proof for output {i}");
        check_provenance(&chain, &anchor["batch"]["provenance"], head).await;
    }

    // Creators: paid, claimed and claimable as the vault computes them.
    for c in &world.creators {
        let (status, body) = get(&running, &format!("/v1/creators/{c}")).await;
        assert_eq!(status, 200, "{body}");
        let data = &body["data"];
        assert!(!data["usage"].as_array().unwrap().is_empty());
        let usage = all_pages(&running, &format!("/v1/creators/{c}/usage"), 1, head).await;
        assert_eq!(data["usage"], Value::Array(usage), "creator {c}");
        assert!(data.get("usage_next_cursor").is_none());
        for u in data["usage"].as_array().unwrap() {
            check_provenance(&chain, &u["provenance"], head).await;
        }
        let mut total_claimable = U256::ZERO;
        for d in data["datasets"].as_array().unwrap() {
            let id = d["dataset_id"].as_u64().unwrap() as u32;
            let claimable = vault.claimable(id, Address::ZERO, *c).call().await.unwrap();
            let claimed = vault.claimed(id, Address::ZERO, *c).call().await.unwrap();
            let row = data["royalties"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["dataset_id"].as_u64() == Some(id as u64));
            match row {
                Some(r) => {
                    assert_eq!(
                        r["claimable"].as_str().unwrap().parse::<U256>().unwrap(),
                        claimable,
                        "{c} in {id}"
                    );
                    assert_eq!(
                        r["claimed"].as_str().unwrap().parse::<U256>().unwrap(),
                        claimed,
                        "{c} in {id}"
                    );
                    let paid: U256 = r["paid"].as_str().unwrap().parse().unwrap();
                    assert_eq!(paid, claimable + claimed);
                    check_provenance(&chain, &r["provenance"], head).await;
                }
                None => assert_eq!((claimable, claimed), (U256::ZERO, U256::ZERO), "{c} in {id}"),
            }
            total_claimable += claimable;
        }
        let totals = data["totals"].as_array().unwrap();
        assert_eq!(
            totals[0]["claimable"].as_str().unwrap().parse::<U256>().unwrap(),
            total_claimable
        );
        // The royalty events, one per page, in chain order: each running total is the sum
        // of its kind's amounts so far, and the last ones are the detail's paid and claimed.
        let events = all_pages(&running, &format!("/v1/creators/{c}/royalties"), 1, head).await;
        let mut sums: BTreeMap<(String, u64, String), U256> = BTreeMap::new();
        let mut last = (0, 0);
        for e in &events {
            let at = (
                e["provenance"]["block_number"].as_u64().unwrap(),
                e["provenance"]["log_index"].as_u64().unwrap(),
            );
            assert!(at > last || last == (0, 0), "{c}: events out of order: {events:?}");
            last = at;
            let key = (
                e["event"].as_str().unwrap().to_owned(),
                e["dataset_id"].as_u64().unwrap(),
                e["token"].as_str().unwrap().to_owned(),
            );
            let sum = sums.entry(key).or_default();
            *sum += e["amount"].as_str().unwrap().parse::<U256>().unwrap();
            assert_eq!(*sum, e["cumulative"].as_str().unwrap().parse::<U256>().unwrap(), "{e}");
            check_provenance(&chain, &e["provenance"], head).await;
        }
        for r in data["royalties"].as_array().unwrap() {
            let (d, t) = (r["dataset_id"].as_u64().unwrap(), r["token"].as_str().unwrap());
            for (event, field) in [("credited", "paid"), ("claimed", "claimed")] {
                let sum = sums.remove(&(event.to_owned(), d, t.to_owned())).unwrap_or_default();
                assert_eq!(sum.to_string(), r[field].as_str().unwrap(), "{c} {event} {d}");
            }
        }
        assert!(sums.values().all(|s| s.is_zero()), "{c}: events of no royalty row: {sums:?}");
    }
    // The creator who claimed has both kinds of event; a cursor of another list is refused.
    let (_, c0) =
        get(&running, &format!("/v1/creators/{}/royalties?limit=100", world.creators[0])).await;
    let kinds: Vec<&str> =
        c0["data"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"credited") && kinds.contains(&"claimed"), "{c0}");
    let other = format!("/v1/creators/{}/royalties?cursor=m{}", world.creators[0], "0".repeat(32));
    assert_eq!(get(&running, &other).await.0, 400);
    // The creator who claimed shows it.
    let (_, c0) = get(&running, &format!("/v1/creators/{}", world.creators[0])).await;
    assert_ne!(c0["data"]["totals"][0]["claimed"], "0");

    let (status, metrics) = {
        let url = format!("http://{}/metrics", running.addr);
        let r = alloy::transports::http::reqwest::get(&url).await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(
        metrics.contains("lineage_indexer_events_processed_total{event=\"ModelAttested\"} 3"),
        "{metrics}"
    );
    assert!(metrics.contains(
        "lineage_indexer_http_request_duration_seconds_bucket{route=\"/v1/models/{id}\""
    ));
    let (status, ready) = get(&running, "/ready").await;
    assert_eq!((status, &ready["ready"]), (200, &json!(true)));

    // Cached answers are served until the index or the head moves, never after.
    let fetch = |path: &'static str| {
        let url = format!("http://{}{path}", running.addr);
        async move {
            let r = alloy::transports::http::reqwest::get(&url).await.unwrap();
            let cache = r.headers()["x-cache"].to_str().unwrap().to_owned();
            (cache, r.text().await.unwrap())
        }
    };
    let (first, before) = fetch("/v1/datasets?limit=100").await;
    let (second, again) = fetch("/v1/datasets?limit=100").await;
    assert_eq!((first.as_str(), second.as_str(), &before), ("miss", "hit", &again));
    scenario::register_seeded(&chain, a[4], 2).await;
    caught_up(&running, &chain).await;
    let (third, after) = fetch("/v1/datasets?limit=100").await;
    assert_eq!(third, "miss");
    assert!(after.contains("seed-2") && !before.contains("seed-2"));

    assert_eq!(running.store.dump().await.unwrap(), fresh_dump(&chain, &db).await);
    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(answers, api_answers_match_the_chain);

/// Every item of the list at `path`, fetched `limit` at a time; each page as of `head`.
async fn all_pages(
    running: &lineage_indexer::Running,
    path: &str,
    limit: u32,
    head: u64,
) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = get(running, &format!("{path}?limit={limit}{cursor}")).await;
        assert_eq!(status, 200, "{path}: {page}");
        assert_eq!(page["chain"]["indexed_block"].as_u64(), Some(head));
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= limit as usize);
        items.extend(data.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return items,
        }
    }
}

/// A router over an empty store, for requests that need no chain.
async fn bare_router(db: &TestDb, ready: bool) -> axum::Router {
    bare_router_with(db, ready, ApiConfig { body_limit: 4096, ..ApiConfig::default() }).await
}

async fn bare_router_with(db: &TestDb, ready: bool, config: ApiConfig) -> axum::Router {
    let store = common::open(db).await;
    store
        .init(lineage_indexer::Target {
            chain_id: 31337,
            registry: Address::repeat_byte(1),
            vault: Address::repeat_byte(2),
            start_block: 0,
        })
        .await
        .unwrap();
    let (tx, status) = tokio::sync::watch::channel(SyncStatus { ready, ..Default::default() });
    std::mem::forget(tx);
    api::router(AppState {
        store,
        status,
        metrics: Arc::new(Metrics::default()),
        config: Arc::new(config),
        cache: Arc::new(api::ResponseCache::new(0)),
        registry: Address::repeat_byte(1),
    })
}

async fn call(router: &axum::Router, req: Request<Body>) -> (u16, Value) {
    let r = router.clone().oneshot(req).await.unwrap();
    let status = r.status().as_u16();
    let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes))),
    )
}

/// Malformed hashes, unknown ids, bad cursors, oversized and non-JSON bodies: 4xx, one
/// shape, never a 500.
async fn bad_requests_get_4xx_json(db: TestDb) {
    let router = bare_router(&db, false).await;
    let zero = B256::ZERO;
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("GET", "/v1/models/0x1234".into(), 400, "invalid_hash"),
        ("GET", format!("/v1/models/0x{}", "zz".repeat(32)), 400, "invalid_hash"),
        ("GET", format!("/v1/models/{zero}"), 404, "model_not_found"),
        ("GET", format!("/v1/attestations/{zero}"), 404, "model_not_found"),
        ("GET", format!("/v1/models/{zero}/proof"), 404, "model_not_found"),
        ("GET", "/v1/models/0x12/derived".into(), 400, "invalid_hash"),
        ("GET", format!("/v1/models/{zero}/derived?cursor=d00000007"), 400, "invalid_cursor"),
        ("GET", format!("/v1/models/{zero}/derived?limit=0"), 400, "invalid_limit"),
        ("GET", format!("/v1/models/{zero}/derived"), 200, ""),
        ("GET", "/v1/datasets/0".into(), 400, "invalid_dataset_id"),
        ("GET", "/v1/datasets/abc".into(), 400, "invalid_dataset_id"),
        ("GET", "/v1/datasets/99999999999".into(), 400, "invalid_dataset_id"),
        ("GET", "/v1/datasets/7".into(), 404, "dataset_not_found"),
        ("GET", "/v1/datasets/01".into(), 400, "invalid_dataset_id"),
        ("GET", "/v1/datasets/+7".into(), 400, "invalid_dataset_id"),
        ("GET", "/v1/datasets?cursor=garbage!".into(), 400, "invalid_cursor"),
        ("GET", "/v1/datasets?cursor=ZDE6Nw".into(), 400, "invalid_cursor"),
        ("GET", "/v1/datasets?cursor=D00000007".into(), 400, "invalid_cursor"),
        ("GET", format!("/v1/datasets?cursor=m{}", "0".repeat(32)), 400, "invalid_cursor"),
        ("GET", "/v1/models?cursor=d00000007".into(), 400, "invalid_cursor"),
        ("GET", "/v1/datasets?cursor=d00000007".into(), 200, ""),
        ("GET", "/v1/datasets?limit=0".into(), 400, "invalid_limit"),
        ("GET", "/v1/datasets?limit=101".into(), 400, "invalid_limit"),
        ("GET", "/v1/datasets?limit=x".into(), 400, "invalid_limit"),
        ("GET", "/v1/datasets?limit=05".into(), 400, "invalid_limit"),
        ("GET", "/v1/datasets?colour=red".into(), 400, "invalid_query"),
        ("GET", "/v1/creators/0x12".into(), 400, "invalid_address"),
        ("GET", format!("/v1/creators/{}", Address::ZERO), 404, "creator_not_found"),
        ("GET", "/v1/creators/0x12/usage".into(), 400, "invalid_address"),
        (
            "GET",
            format!("/v1/creators/{}/usage?cursor=d00000007", Address::ZERO),
            400,
            "invalid_cursor",
        ),
        ("GET", "/v1/datasets/0/models".into(), 400, "invalid_dataset_id"),
        ("GET", "/v1/datasets/7/models?limit=101".into(), 400, "invalid_limit"),
        ("GET", "/v1/outputs/nothex".into(), 400, "invalid_hash"),
        ("GET", format!("/v1/outputs/{zero}"), 404, "output_not_found"),
        ("GET", "/v2/anything".into(), 404, "route_not_found"),
        ("GET", "/v1/models/%FF%FE".into(), 400, "invalid_path"),
        ("GET", "/v1/datasets/%C3%28".into(), 400, "invalid_path"),
        ("DELETE", "/v1/datasets".into(), 405, "method_not_allowed"),
    ];
    for (method, path, status, code) in cases {
        let req = Request::builder().method(method).uri(&path).body(Body::empty()).unwrap();
        let (got, body) = call(&router, req).await;
        if status == 200 {
            assert_eq!(got, 200, "{method} {path}: {body}");
            continue;
        }
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {body}"
        );
        assert_eq!(body["error"]["status"].as_u64(), Some(status as u64));
        assert!(body["error"]["message"].is_string());
    }

    let post_to = |uri: &str, body: Body, content_type: &str| {
        Request::builder()
            .method("POST")
            .uri(uri)
            .header("content-type", content_type)
            .body(body)
            .unwrap()
    };
    let post = |body: Body, content_type: &str| post_to("/v1/outputs/batches", body, content_type);
    let manifest = json!({"model_id": zero, "batch_index": 0, "outputs": [zero]}).to_string();
    let bodies: Vec<(Request<Body>, u16, &str)> = vec![
        (post(Body::from(manifest.clone()), "application/json"), 404, "batch_not_found"),
        (post(Body::from(manifest), "text/plain"), 415, "unsupported_media_type"),
        (post(Body::from("{not json"), "application/json"), 400, "invalid_json"),
        (post(Body::from(r#"{"model_id": 1}"#), "application/json"), 422, "invalid_json"),
        (
            post(
                Body::from(
                    json!({"model_id": "0x12", "batch_index": 0, "outputs": []}).to_string(),
                ),
                "application/json",
            ),
            400,
            "invalid_hash",
        ),
        (
            post(
                Body::from(json!({"model_id": zero, "batch_index": 0, "outputs": []}).to_string()),
                "application/json",
            ),
            400,
            "empty_manifest",
        ),
        (
            post(
                Body::from(
                    json!({"model_id": zero, "batch_index": 0, "outputs": [zero], "x": 1})
                        .to_string(),
                ),
                "application/json",
            ),
            422,
            "invalid_json",
        ),
        (post(Body::from(vec![b' '; 10_000]), "application/json"), 413, "payload_too_large"),
        (
            post_to(
                "/v1/verify-image",
                Body::from(scenario::png(2, 0)),
                "application/octet-stream",
            ),
            415,
            "unsupported_media_type",
        ),
        (post_to("/v1/verify-image", Body::from(&b"GIF89a"[..]), "image/png"), 415, "not_an_image"),
        (
            post(Body::from(vec![0x89u8, b'P', b'N', b'G', 0, 1, 2]), "image/png"),
            415,
            "unsupported_media_type",
        ),
    ];
    for (req, status, code) in bodies {
        let (got, body) = call(&router, req).await;
        assert_eq!((got, body["error"]["code"].as_str()), (status, Some(code)), "{body}");
    }

    let (status, body) = call(&router, Request::get("/ready").body(Body::empty()).unwrap()).await;
    assert_eq!((status, &body["ready"]), (503, &json!(false)));
    let (status, _) = call(&router, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 200);
    db.cleanup().await;
}
on_both_backends!(bad_requests, bad_requests_get_4xx_json);

/// Every path in /openapi.json is routed (no route_not_found), and the document lists
/// every /v1 route.
#[tokio::test]
async fn openapi_documents_the_routes() {
    let db = TestDb::sqlite();
    let router = bare_router(&db, true).await;
    let (status, doc) =
        call(&router, Request::get("/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 200);
    let paths = doc["paths"].as_object().unwrap();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete =
                path.replace("{id}", "1").replace("{hash}", "0x1").replace("{address}", "0x1");
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&concrete)
                .body(Body::empty())
                .unwrap();
            let r = router.clone().oneshot(req).await.unwrap();
            let status = r.status().as_u16();
            let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            assert_ne!(body["error"]["code"], "route_not_found", "{method} {path} is not routed");
            assert_ne!(status, 405, "{method} {path}");
        }
    }
    for documented in [
        "/v1/datasets",
        "/v1/datasets/{id}",
        "/v1/models",
        "/v1/models/{id}",
        "/v1/attestations/{id}",
        "/v1/models/{id}/proof",
        "/v1/models/{id}/derived",
        "/v1/models/{id}/batches/{index}",
        "/v1/outputs/batches",
        "/v1/outputs/{hash}",
        "/v1/creators/{address}",
        "/v1/creators/{address}/royalties",
        "/v1/verify-image",
        "/",
        "/health",
        "/ready",
        "/metrics",
    ] {
        assert!(paths.contains_key(documented), "{documented} missing from /openapi.json");
    }
}

/// Posts a body over the limit on a raw connection, reading the answer while the body is
/// still being written: the server may answer 413 and hang up before it has read it all
/// (an HTTP client would then report a broken pipe instead of the answer).
async fn post_oversized(running: &lineage_indexer::Running, bytes: &[u8]) -> (u16, Value) {
    let head = format!(
        "POST /v1/verify-image HTTP/1.1\r\nhost: {}\r\ncontent-type: image/png\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        running.addr,
        bytes.len()
    );
    raw_request(running, head, bytes.to_vec()).await
}

/// Writes `head` then `body` on a raw connection, keeping it open like a slow client, and
/// reads the answer meanwhile (for at most 30 s): (status, JSON body).
async fn raw_request(
    running: &lineage_indexer::Running,
    head: String,
    body: Vec<u8>,
) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let stream = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let writer = tokio::spawn(async move {
        // Errors are expected once the server has answered and closed.
        let _ = write.write_all(head.as_bytes()).await;
        let _ = write.write_all(&body).await;
        std::future::pending::<()>().await;
    });
    let mut answer = Vec::new();
    let read_all = read.read_to_end(&mut answer);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), read_all).await;
    writer.abort();
    let text = String::from_utf8_lossy(&answer);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (headers, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let len = headers
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(rest.len());
    let json = serde_json::from_str(&rest[..len.min(rest.len())]).unwrap_or(Value::Null);
    (status, json)
}

/// A client that stalls halfway through its body gets the 503 `timeout` answer once the
/// request timeout has passed, and the service goes on answering others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_request_times_out() {
    let db = TestDb::sqlite();
    let chain = Chain::deploy().await;
    let mut config = common::config(&chain, &db, common::fast_follower());
    config.api.request_timeout = std::time::Duration::from_millis(300);
    let running = lineage_indexer::start(config).await.unwrap();
    let head = format!(
        "POST /v1/outputs/batches HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
         content-length: 200\r\nconnection: close\r\n\r\n",
        running.addr
    );
    let started = std::time::Instant::now();
    let (status, body) = raw_request(&running, head, br#"{"model_id": "0x"#.to_vec()).await;
    let waited = started.elapsed();
    assert_eq!((status, body["error"]["code"].as_str()), (503, Some("timeout")), "{body}");
    assert!(waited >= std::time::Duration::from_millis(300), "answered after {waited:?}");
    let (status, _) = get(&running, "/health").await;
    assert_eq!(status, 200);
    running.shutdown().await.unwrap();
    db.cleanup().await;
}

async fn post_image(running: &lineage_indexer::Running, bytes: Vec<u8>) -> (u16, Value) {
    post_image_as(running, bytes, "image/png").await
}

async fn post_image_as(
    running: &lineage_indexer::Running,
    bytes: Vec<u8>,
    content_type: &str,
) -> (u16, Value) {
    let url = format!("http://{}/v1/verify-image", running.addr);
    let r = alloy::transports::http::reqwest::Client::new()
        .post(&url)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, serde_json::from_str(&r.text().await.unwrap()).unwrap())
}

/// An image with an embedded receipt, one known only by a posted manifest, one not
/// anchored and a tampered one get `lineage verify-image`'s verdicts.
async fn verify_image_gives_the_cli_verdicts(db: TestDb) {
    use lineage_core::output::{content_hash, embed_receipt, HashKind};
    let chain = Chain::deploy().await;
    let world = scenario::populate(&chain).await;
    let a = &chain.accounts;
    let image = scenario::png(16, 1);
    let unanchored = scenario::png(16, 2);
    let hash = content_hash(&image).unwrap();
    assert_eq!(hash.kind, HashKind::PngPixels);
    let leaves = vec![hash.hash, B256::repeat_byte(7), B256::repeat_byte(8)];
    let (index, tx) = scenario::anchor(&chain, a[1], world.models[0], &leaves).await;
    let running = spawn_indexer(&chain, &db).await;
    caught_up(&running, &chain).await;

    // Not anchored as far as the index knows: no receipt, cannot tell.
    let (status, body) = post_image(&running, image.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["receipt"], "none");
    assert_eq!(body["data"]["verdict"]["outcome"], "cannotTell", "{body}");

    // With its receipt embedded: valid, anchored, attested, datasets certified.
    let receipt =
        scenario::first_output_receipt(&chain, world.models[0], (index, tx), &leaves, &hash);
    let with_receipt = embed_receipt(&image, &receipt).unwrap();
    let (status, body) = post_image(&running, with_receipt.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["receipt"], "embedded");
    assert_eq!(body["data"]["verdict"]["outcome"], "valid", "{body}");
    let codes = body["data"]["verdict"]["codes"].to_string();
    assert!(codes.contains("output.anchored") && codes.contains("model.attested"), "{codes}");
    assert!(codes.contains("\"model.training_proven\""), "{codes}");
    assert!(!codes.contains("model.training_declared"), "{codes}");
    assert_eq!(body["data"]["model"]["model_id"], json!(world.models[0]));
    assert_eq!(body["data"]["model"]["kind"], "proven");
    assert_eq!(body["data"]["verdict"], cli_verdict(&chain, &hash, &receipt).await);

    // The same receipt on other pixels: the hash no longer matches.
    let tampered = scenario::graft_receipt(&with_receipt, &unanchored);
    let (_, body) = post_image(&running, tampered).await;
    assert_eq!(body["data"]["verdict"]["outcome"], "invalid", "{body}");
    assert!(
        body["data"]["verdict"]["codes"].to_string().contains("output.hash_mismatch"),
        "{body}"
    );

    // Without a receipt, once the publisher posted the batch's manifest: found by hash.
    let manifest = json!({"model_id": world.models[0], "batch_index": index, "outputs": leaves});
    let (status, _) = post(&running, "/v1/outputs/batches", &manifest).await;
    assert_eq!(status, 201);
    let (_, body) = post_image(&running, image.clone()).await;
    assert_eq!(body["data"]["receipt"], "index");
    assert_eq!(body["data"]["verdict"]["outcome"], "valid", "{body}");

    // A revoked model's output: invalid with model.revoked.
    let hash2 = content_hash(&unanchored).unwrap();
    let leaves2 = vec![hash2.hash];
    let anchored2 = scenario::anchor(&chain, a[1], world.models[0], &leaves2).await;
    let revoke = LineageRegistry::revokeAttestationCall { modelId: world.models[0] };
    use alloy::sol_types::SolCall;
    scenario::send(&chain, a[1], chain.registry, revoke.abi_encode(), U256::ZERO, None).await;
    caught_up(&running, &chain).await;
    let receipt2 =
        scenario::first_output_receipt(&chain, world.models[0], anchored2, &leaves2, &hash2);
    let (_, body) = post_image(&running, embed_receipt(&unanchored, &receipt2).unwrap()).await;
    assert_eq!(body["data"]["verdict"]["outcome"], "invalid", "{body}");
    assert!(body["data"]["verdict"]["codes"].to_string().contains("model.revoked"), "{body}");

    // Not images, broken images, too large.
    let (status, body) = post_image(&running, b"GIF89a not a png".to_vec()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (415, Some("not_an_image")));
    let mut broken = image.clone();
    broken.truncate(40);
    let (status, body) = post_image(&running, broken).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_image")));
    let mut huge = image;
    huge.resize(17 << 20, 0);
    let (status, body) = post_oversized(&running, &huge).await;
    assert_eq!((status, body["error"]["code"].as_str()), (413, Some("payload_too_large")));

    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(verify_image, verify_image_gives_the_cli_verdicts);

/// `fingerprint` with `bits` bits flipped, `per_word` of them in each 16-bit word from the
/// first (`bits <= 16 * per_word`).
fn flipped(fingerprint: B256, per_word: usize, bits: usize) -> B256 {
    let mut out = fingerprint;
    for n in 0..bits {
        let (word, bit) = (n / per_word, n % per_word);
        out.0[2 * word + bit / 8] ^= 1 << (bit % 8);
    }
    out
}

/// Fingerprints posted in a manifest (version-2 leaves) are found by similarity: by
/// `GET /v1/outputs/similar` within 31 bits, and by `POST /v1/verify-image` for a JPEG
/// re-encoding of an anchored PNG that carries no receipt (`output.similar`).
async fn fingerprints_find_re_encoded_copies(db: TestDb) {
    use lineage_core::output::{
        content_hash, decode::fingerprint_file, embed_receipt, leaf_v2, pdq::distance, Receipt,
    };
    let chain = Chain::deploy().await;
    let world = scenario::populate(&chain).await;
    let model = world.models[0];
    let rgb = scenario::picture(120, 90, 5);
    let png = scenario::png_of(120, 90, &rgb);
    let c = content_hash(&png).unwrap();
    let fp = fingerprint_file(&png).unwrap().unwrap();
    assert!(fp.quality >= 50, "{fp:?}");
    let other = B256::repeat_byte(7);
    let leaves = vec![leaf_v2(&c.hash, &fp.hash), other];
    let (index, tx) = scenario::anchor(&chain, chain.accounts[1], model, &leaves).await;
    let running = spawn_indexer(&chain, &db).await;
    caught_up(&running, &chain).await;

    // A manifest claiming another fingerprint does not reproduce the root.
    let entry = |p: B256| json!({"content_hash": c.hash, "perceptual_hash": p});
    let wrong = json!({"model_id": model, "batch_index": index,
        "outputs": [entry(flipped(fp.hash, 1, 1)), other]});
    let (status, body) = post(&running, "/v1/outputs/batches", &wrong).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("root_mismatch")), "{body}");
    let bare = json!({"model_id": model, "batch_index": index, "outputs": [c.hash, other]});
    let (status, _) = post(&running, "/v1/outputs/batches", &bare).await;
    assert_eq!(status, 422, "the content hash alone is not the version-2 leaf");
    let manifest = json!({"model_id": model, "batch_index": index,
        "outputs": [entry(fp.hash), {"content_hash": other}]});
    let (status, body) = post(&running, "/v1/outputs/batches", &manifest).await;
    assert_eq!(status, 201, "{body}");

    // By content hash: the anchor carries the fingerprint; its proof is from the v2 leaf.
    let (status, body) = get(&running, &format!("/v1/outputs/{}", c.hash)).await;
    assert_eq!(status, 200, "{body}");
    let anchor = &body["data"]["anchors"][0];
    assert_eq!(b256(&anchor["perceptual_hash"]), fp.hash);
    let proof: Vec<B256> = anchor["merkle_proof"].as_array().unwrap().iter().map(b256).collect();
    assert!(lineage_indexer::outputs::verify(
        lineage_indexer::outputs::root(&leaves),
        leaves[0],
        0,
        &proof
    ));

    // By similarity: 20 bits off, and the worst case the index must still find (31 bits,
    // two in each of 15 words and one in the last); 32 bits (two in every word) is past
    // the threshold.
    let similar = |q: B256, extra: &str| {
        let path = format!("/v1/outputs/similar?fingerprint={q}{extra}");
        let running = &running;
        async move { get(running, &path).await }
    };
    for (q, want) in [
        (fp.hash, Some(0)),
        (flipped(fp.hash, 2, 20), Some(20)),
        (flipped(fp.hash, 2, 31), Some(31)),
        (flipped(fp.hash, 2, 32), None),
    ] {
        let (status, body) = similar(q, "").await;
        assert_eq!(status, 200, "{body}");
        let found = body["data"]["candidates"].as_array().unwrap();
        assert_eq!(distance(&q, &fp.hash), want.unwrap_or(32));
        match want {
            Some(d) => {
                assert_eq!(found.len(), 1, "{body}");
                assert_eq!(found[0]["distance"], d);
                assert_eq!(b256(&found[0]["content_hash"]), c.hash);
                assert_eq!(found[0]["anchor"]["model"]["model_id"], json!(model));
                assert_eq!(found[0]["anchor"]["leaf_index"], 0);
            }
            None => assert!(found.is_empty(), "{body}"),
        }
    }
    let (_, body) = similar(flipped(fp.hash, 2, 20), "&max_distance=19").await;
    assert_eq!(body["data"]["candidates"], json!([]), "{body}");
    for bad in ["&max_distance=32", "&limit=0"] {
        let (status, _) = similar(fp.hash, bad).await;
        assert_eq!(status, 400, "{bad}");
    }
    let (status, body) = get(&running, "/v1/outputs/similar").await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("missing_fingerprint")));

    // A JPEG re-encoding (quality 80) without a receipt: output.similar, cannot tell, with
    // the anchored PNG's lineage.
    let jpeg = scenario::jpeg_of(120, 90, &rgb, 80);
    let (status, body) = post_image_as(&running, jpeg.clone(), "image/jpeg").await;
    assert_eq!(status, 200, "{body}");
    let data = &body["data"];
    assert_eq!(data["verdict"]["codes"], json!(["output.similar"]), "{body}");
    assert_eq!(
        (data["verdict"]["outcome"].as_str(), data["receipt"].as_str()),
        (Some("cannotTell"), Some("none"))
    );
    assert_eq!(data["verdict"]["modelId"], json!(model));
    assert_eq!(b256(&data["similar"][0]["content_hash"]), c.hash);
    assert!(data["similar"][0]["distance"].as_u64().unwrap() <= 31);
    assert_eq!(data["model"]["model_id"], json!(model));
    // An unrelated picture's JPEG: nothing near, output.unknown.
    let unrelated = scenario::jpeg_of(120, 90, &scenario::picture(120, 90, 40), 80);
    let (_, body) = post_image_as(&running, unrelated, "image/jpeg").await;
    assert_eq!(body["data"]["verdict"]["codes"], json!(["output.unknown"]), "{body}");
    assert_eq!(body["data"]["similar"], json!([]));
    // The body must be the format its content type names.
    let (status, body) = post_image_as(&running, png.clone(), "image/jpeg").await;
    assert_eq!((status, body["error"]["code"].as_str()), (415, Some("not_an_image")));

    // The PNG with its version-2 receipt embedded: valid, its fingerprint its own.
    let receipt = Receipt {
        version: 2,
        perceptual_hash: Some(fp.hash),
        batch_root: lineage_indexer::outputs::root(&leaves),
        proof: lineage_indexer::outputs::proof(&leaves, 0),
        ..scenario::first_output_receipt(&chain, model, (index, tx), &[c.hash], &c)
    };
    let receipt = Receipt { batch_count: 2, ..receipt };
    let (_, body) = post_image(&running, embed_receipt(&png, &receipt).unwrap()).await;
    let verdict = &body["data"]["verdict"];
    assert_eq!(verdict["outcome"], "valid", "{body}");
    assert_eq!(verdict["codes"][1], "output.fingerprint_match", "{body}");

    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(fingerprints, fingerprints_find_re_encoded_copies);

/// A second service with `follow: false` (`--api-only`) on the same database serves what
/// the follower wrote: the replica path.
async fn an_api_only_replica_serves_the_same_answers(db: TestDb) {
    let chain = Chain::deploy().await;
    let world = scenario::populate(&chain).await;
    let writer = spawn_indexer(&chain, &db).await;
    caught_up(&writer, &chain).await;
    let mut config = common::config(&chain, &db, common::fast_follower());
    config.follow = false;
    let replica = lineage_indexer::start(config).await.unwrap();
    let started = std::time::Instant::now();
    while !replica.status.borrow().ready {
        assert!(started.elapsed().as_secs() < 10, "the replica never became ready");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for path in [
        format!("/v1/models/{}", world.models[2]),
        "/v1/datasets?limit=3".to_owned(),
        format!("/v1/creators/{}", world.creators[0]),
    ] {
        let (a, from_writer) = get(&writer, &path).await;
        let (b, from_replica) = get(&replica, &path).await;
        assert_eq!((a, b), (200, 200));
        assert_eq!(from_writer, from_replica, "{path}");
    }
    replica.shutdown().await.unwrap();
    writer.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(replica, an_api_only_replica_serves_the_same_answers);

const STATUS: [&str; 4] = ["none", "valid", "revoked", "tainted"];

/// The registry's `attestation(id).kind` (`ProfileKinds`), as the API writes it.
const KIND: [&str; 3] = ["none", "proven", "declared"];

/// Every model the index lists, and every use of a dataset by a model, against the
/// registry: the status is `attestationStatus`, the kind `attestation(id).kind`, the base
/// `attestation(id).baseModelId`, and the detail's bases the walk up those with each one's
/// publisher and `attestationStatus`, nearest first (a declared model has no bases at all).
/// Returns the models by id.
async fn models_match_the_chain(
    running: &lineage_indexer::Running,
    chain: &Chain,
) -> std::collections::HashMap<B256, Value> {
    let registry = LineageRegistry::new(chain.registry, &chain.provider);
    let head = chain.head().await;
    let registry = &registry;
    let status_of = |id: B256| async move {
        STATUS[registry.attestationStatus(id).call().await.unwrap() as usize]
    };
    let kind_of = |id: B256| async move {
        KIND[registry.attestation(id).call().await.unwrap().kind as usize]
    };
    let mut by_id = std::collections::HashMap::new();
    for item in all_pages(running, "/v1/models", 7, head).await {
        let id = b256(&item["model_id"]);
        assert_eq!(item["status"], status_of(id).await, "status of {id}");
        let att = registry.attestation(id).call().await.unwrap();
        assert_eq!(item["kind"], KIND[att.kind as usize], "kind of {id}");
        let base = (att.baseModelId != B256::ZERO).then_some(att.baseModelId);
        assert_eq!(item["base_model_id"], json!(base), "base of {id}");
        assert!(item.get("bases").is_none(), "a list item carries no bases: {item}");
        // Each kind's own values, the other kind's null: a declared model's event carries
        // its model hash as `wHash`, which is no weight commitment.
        let declared = item["kind"] == "declared";
        assert_eq!(item["model_hash"].is_null(), !declared, "{item}");
        for proven_only in ["w_hash", "w0_hash", "hyper_hash"] {
            assert_eq!(item[proven_only].is_null(), declared, "{proven_only}: {item}");
        }

        let (status, detail) = get(running, &format!("/v1/models/{id}")).await;
        assert_eq!(status, 200, "{detail}");
        let detail = &detail["data"];
        if declared {
            assert!(detail.get("bases").is_none(), "a declared model has no bases: {detail}");
            assert_eq!(detail, &item, "the declared detail is its list item");
            by_id.insert(id, detail.clone());
            continue;
        }
        let mut walked = Vec::new();
        let mut next = att.baseModelId;
        while next != B256::ZERO {
            let base = registry.attestation(next).call().await.unwrap();
            walked.push((next, base.publisher, status_of(next).await));
            next = base.baseModelId;
        }
        let shown: Vec<(B256, Address, &str)> = detail["bases"]
            .as_array()
            .unwrap_or_else(|| panic!("no bases in the detail: {detail}"))
            .iter()
            .map(|b| {
                (b256(&b["model_id"]), b["publisher"].as_str().unwrap().parse().unwrap(), {
                    let s = b["status"].as_str().unwrap();
                    STATUS.into_iter().find(|x| *x == s).unwrap()
                })
            })
            .collect();
        assert_eq!(shown, walked, "bases of {id}");
        for b in detail["bases"].as_array().unwrap() {
            check_provenance(chain, &b["provenance"], head).await;
        }
        let mut listed = detail.clone();
        listed.as_object_mut().unwrap().remove("bases");
        assert_eq!(listed, item, "the detail is the list item plus its bases");
        by_id.insert(id, detail.clone());
    }
    assert_eq!(by_id.len() as u64, attested_count(chain).await, "every attestation is listed");

    // The same status wherever a model is listed as a user of a dataset or of a creator's.
    let count = registry.datasetCount().call().await.unwrap();
    let mut creators = std::collections::BTreeSet::new();
    for dataset in 1..=count {
        let (_, detail) = get(running, &format!("/v1/datasets/{dataset}")).await;
        for c in detail["data"]["creators"].as_array().unwrap() {
            creators.insert(c["address"].as_str().unwrap().to_owned());
        }
        for u in all_pages(running, &format!("/v1/datasets/{dataset}/models"), 100, head).await {
            let id = b256(&u["model_id"]);
            assert_eq!(u["status"], status_of(id).await, "{id} as a user of dataset {dataset}");
            assert_eq!(u["kind"], kind_of(id).await, "{id} as a user of dataset {dataset}");
        }
    }
    for c in creators {
        for u in all_pages(running, &format!("/v1/creators/{c}/usage"), 100, head).await {
            let id = b256(&u["model_id"]);
            assert_eq!(u["status"], status_of(id).await, "{id} as a user of {c}'s data");
            assert_eq!(u["kind"], kind_of(id).await, "{id} as a user of {c}'s data");
        }
    }
    by_id
}

/// Checks `value` against `schema` of the API document `doc`, for the keywords the document
/// uses; returns where it breaks it.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if !schema.is_object() {
        return Err(format!("{at}: no schema ({schema})"));
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return conforms(doc, &doc["components"]["schemas"][name], value, at);
    }
    if let Some(any) = schema["anyOf"].as_array() {
        return match any.iter().any(|s| conforms(doc, s, value, at).is_ok()) {
            true => Ok(()),
            false => Err(format!("{at}: {value} matches no anyOf of {schema}")),
        };
    }
    let fail = |why: &str| Err(format!("{at}: {why}: {value} against {schema}"));
    let typed = match schema["type"].as_str() {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_u64() || value.is_i64(),
        Some("boolean") => value.is_boolean(),
        Some("null") => value.is_null(),
        Some(other) => return fail(&format!("type {other} unknown here")),
    };
    if !typed {
        return fail("type");
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(value) {
            return fail("enum");
        }
    }
    if let (Some(pattern), Some(s)) = (schema["pattern"].as_str(), value.as_str()) {
        if !regex::Regex::new(pattern).unwrap().is_match(s) {
            return fail("pattern");
        }
    }
    if let (Some(min), Some(n)) = (schema["minimum"].as_u64(), value.as_u64()) {
        if n < min {
            return fail("minimum");
        }
    }
    if let (Some(max), Some(n)) = (schema["maximum"].as_u64(), value.as_u64()) {
        if n > max {
            return fail("maximum");
        }
    }
    if let Some(items) = value.as_array() {
        if schema["maxItems"].as_u64().is_some_and(|m| items.len() as u64 > m) {
            return fail("maxItems");
        }
        for (i, item) in items.iter().enumerate() {
            conforms(doc, &schema["items"], item, &format!("{at}[{i}]"))?;
        }
    }
    if let Some(fields) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            if !fields.contains_key(name.as_str().unwrap()) {
                return fail(&format!("missing {name}"));
            }
        }
        for (name, v) in fields {
            match schema["properties"].get(name) {
                Some(s) => conforms(doc, s, v, &format!("{at}.{name}"))?,
                None if schema["additionalProperties"] == false => {
                    return fail(&format!("undocumented {name}"))
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// The answer to `GET path` conforms to what the API document says of `route`.
async fn answer_conforms(running: &lineage_indexer::Running, route: &str, path: &str) {
    let (_, doc) = get(running, "/openapi.json").await;
    let (status, body) = get(running, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    let schema =
        &doc["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{route} is not documented");
    conforms(&doc, schema, &body, path).unwrap();
}

/// ModelAttested events so far.
async fn attested_count(chain: &Chain) -> u64 {
    let filter = alloy::rpc::types::Filter::new()
        .address(chain.registry)
        .event_signature(
            <LineageRegistry::ModelAttested as alloy::sol_types::SolEvent>::SIGNATURE_HASH,
        )
        .from_block(0);
    chain.provider.get_logs(&filter).await.unwrap().len() as u64
}

/// The model ids of the list at `path`, fetched `limit` at a time.
async fn ids_of(
    running: &lineage_indexer::Running,
    path: &str,
    limit: u32,
    head: u64,
) -> Vec<B256> {
    all_pages(running, path, limit, head).await.iter().map(|m| b256(&m["model_id"])).collect()
}

/// `lineage verify-image`'s verdict for `receipt` on `file`, read from the chain.
async fn cli_verdict(
    chain: &Chain,
    file: &lineage_core::output::OutputHash,
    receipt: &lineage_core::output::Receipt,
) -> Value {
    use lineage_chain::{Client, Deployment, Options};
    let options = Options { rpc_url: chain.anvil.url.clone(), ..Options::default() };
    let client = Client::connect(options, Deployment::registry_only(31337, chain.registry), None)
        .await
        .unwrap();
    let facts = client.output_facts(receipt).await.unwrap();
    let verdict = lineage_core::output::judge(file, None, receipt, &facts, &Default::default());
    serde_json::to_value(verdict).unwrap()
}

/// Fine-tuned models: each one's base and bases, the models derived from a base, and the
/// status a revoked base or a revoked dataset of a base passes down the lineage, exactly as
/// the registry has them; an output of a fine-tuned model gets the CLI's verdict, base
/// checks included.
async fn fine_tuned_models_match_the_chain(db: TestDb) {
    use alloy::sol_types::SolCall;
    use lineage_core::output::{content_hash, embed_receipt};
    let chain = Chain::deploy().await;
    let registry = LineageRegistry::new(chain.registry, &chain.provider);
    let max_depth = registry.MAX_BASE_DEPTH().call().await.unwrap();
    assert_eq!(max_depth, U256::from(lineage_indexer::model::MAX_BASES));
    let world = scenario::populate(&chain).await;
    let tunes = scenario::fine_tunes(&chain).await;
    let (root, near) = (tunes.root, tunes.chain[0]);
    let (f2, deepest) = (tunes.chain[1], tunes.chain[7]);
    // An output of f2 (two bases: near, then root), with its receipt.
    let image = scenario::png(8, 3);
    let hash = content_hash(&image).unwrap();
    let leaves = vec![hash.hash, B256::repeat_byte(3)];
    let anchored = scenario::anchor(&chain, f2.publisher, f2.id, &leaves).await;
    let receipt = scenario::first_output_receipt(&chain, f2.id, anchored, &leaves, &hash);
    let image = embed_receipt(&image, &receipt).unwrap();

    let running = spawn_indexer(&chain, &db).await;
    caught_up(&running, &chain).await;
    let head = chain.head().await;

    // All valid: the bases as the registry has them.
    let models = models_match_the_chain(&running, &chain).await;
    assert!(models.values().filter(|m| m["base_model_id"].is_null()).count() >= 5);
    assert_eq!(models[&root.id]["bases"], json!([]));
    let bases_of = |id: B256| -> Vec<B256> {
        models[&id]["bases"].as_array().unwrap().iter().map(|b| b256(&b["model_id"])).collect()
    };
    assert_eq!(models[&f2.id]["base_model_id"], json!(near.id));
    assert_eq!(bases_of(f2.id), [near.id, root.id]);
    let mut up: Vec<B256> = tunes.chain[..7].iter().rev().map(|m| m.id).collect();
    up.push(root.id);
    assert_eq!(bases_of(deepest.id), up, "the deepest has the registry's maximum of bases");
    assert!(models.values().all(|m| m["status"] == "valid" || m["base_model_id"].is_null()));

    // The models fine-tuned directly from one, paged.
    assert_eq!(
        ids_of(&running, &format!("/v1/models/{}/derived", root.id), 1, head).await,
        [near.id, tunes.sibling.id]
    );
    assert_eq!(
        ids_of(&running, &format!("/v1/models/{}/derived", near.id), 5, head).await,
        [f2.id]
    );
    assert!(ids_of(&running, &format!("/v1/models/{}/derived", deepest.id), 5, head)
        .await
        .is_empty());
    assert!(ids_of(&running, &format!("/v1/models/{}/derived", B256::ZERO), 5, head)
        .await
        .is_empty());
    let (_, derived) = get(&running, &format!("/v1/models/{}/derived", tunes.other_root.id)).await;
    let mut listed = models[&tunes.other_child.id].clone();
    listed.as_object_mut().unwrap().remove("bases");
    assert_eq!(derived["data"], json!([listed]));

    // The answers are as the API document says, bases included.
    for (route, path) in [
        ("/v1/models/{id}", format!("/v1/models/{}", deepest.id)),
        ("/v1/models/{id}/derived", format!("/v1/models/{}/derived", root.id)),
        ("/v1/models", "/v1/models?limit=100".to_owned()),
        ("/v1/datasets/{id}", "/v1/datasets/1".to_owned()),
    ] {
        answer_conforms(&running, route, &path).await;
    }

    // An output of a fine-tuned model: its bases are checked, as the CLI checks them.
    let (status, body) = post_image(&running, image.clone()).await;
    assert_eq!(status, 200, "{body}");
    let verdict = &body["data"]["verdict"];
    assert_eq!(verdict["outcome"], "valid", "{verdict}");
    let codes: Vec<&str> =
        verdict["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(codes[codes.len() - 2..], ["base.attested", "base.attested"], "{verdict}");
    assert_eq!(*verdict, cli_verdict(&chain, &hash, &receipt).await);
    assert_eq!(body["data"]["model"], models[&f2.id]);

    // The second root revoked by its publisher: revoked itself, its child tainted.
    let revoke = LineageRegistry::revokeAttestationCall { modelId: tunes.other_root.id };
    let root_publisher = tunes.other_root.publisher;
    scenario::send(&chain, root_publisher, chain.registry, revoke.abi_encode(), U256::ZERO, None)
        .await;
    caught_up(&running, &chain).await;
    let models = models_match_the_chain(&running, &chain).await;
    assert_eq!(models[&tunes.other_root.id]["status"], "revoked");
    assert_eq!(models[&tunes.other_child.id]["status"], "tainted");
    assert_eq!(models[&tunes.other_child.id]["revocation"], Value::Null);
    assert_eq!(models[&root.id]["status"], "valid");

    // The root's own dataset revoked: every descendant tainted, 8 levels down.
    let revoke =
        LineageRegistry::revokeDatasetCall { datasetId: tunes.dataset, reason: "x".into() };
    scenario::send(
        &chain,
        chain.accounts[0],
        chain.registry,
        revoke.abi_encode(),
        U256::ZERO,
        None,
    )
    .await;
    caught_up(&running, &chain).await;
    let models = models_match_the_chain(&running, &chain).await;
    for m in tunes.chain.iter().chain([&root, &tunes.sibling]) {
        assert_eq!(models[&m.id]["status"], "tainted", "{}", m.id);
    }
    assert_eq!(models[&world.models[0]]["status"], "valid");
    assert!(models[&deepest.id]["bases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["status"] == "tainted"));
    // A use of a clean dataset by a tainted descendant is tainted.
    let (_, d1) = get(&running, "/v1/datasets/1").await;
    let use_of_deepest = d1["data"]["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| b256(&u["model_id"]) == deepest.id)
        .cloned();
    assert_eq!(use_of_deepest.unwrap()["status"], "tainted");

    let (_, body) = post_image(&running, image).await;
    let verdict = &body["data"]["verdict"];
    assert_eq!(verdict["outcome"], "invalid", "{verdict}");
    let codes: Vec<&str> =
        verdict["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert!(codes.contains(&"model.tainted"), "{verdict}");
    assert_eq!(codes[codes.len() - 2..], ["base.tainted", "base.tainted"], "{verdict}");
    assert_eq!(*verdict, cli_verdict(&chain, &hash, &receipt).await);

    assert_eq!(running.store.dump().await.unwrap(), fresh_dump(&chain, &db).await);
    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(fine_tuned, fine_tuned_models_match_the_chain);

/// The calls made in transaction `tx` to `to`, by the node's call tracer: their inputs.
async fn traced_inputs(chain: &Chain, tx: B256, to: Address) -> Vec<alloy::primitives::Bytes> {
    fn walk(frame: &Value, to: Address, out: &mut Vec<alloy::primitives::Bytes>) {
        if frame["to"].as_str().and_then(|t| t.parse::<Address>().ok()) == Some(to) {
            out.push(frame["input"].as_str().unwrap().parse().unwrap());
        }
        for call in frame["calls"].as_array().into_iter().flatten() {
            walk(call, to, out);
        }
    }
    let trace: Value =
        chain.rpc("debug_traceTransaction", json!([tx, {"tracer": "callTracer"}])).await;
    let mut out = Vec::new();
    walk(&trace, to, &mut out);
    out
}

/// Declared training (`attestDeclared`, `attestDeclaredBySig`) is indexed as declared, with
/// its model hash, and never shown as proven training: no weight commitments, no bases, a
/// proof in the declared layout (exactly what the registry gave the verifier), and
/// `model.training_declared` in an output's verdict, as the CLI has it. Proven models beside
/// it stay proven.
async fn declared_models_are_indexed_as_declared(db: TestDb) {
    use lineage_core::output::{content_hash, embed_receipt};
    let chain = Chain::deploy().await;
    let world = scenario::populate(&chain).await;
    let declared = scenario::declared_models(&chain).await;
    let (direct, by_sig) = (declared.direct, declared.by_sig);
    assert_eq!(by_sig.publisher, declared.signer.address());
    // An output of the directly attested model, with its receipt.
    let image = scenario::png(12, 4);
    let hash = content_hash(&image).unwrap();
    let leaves = vec![hash.hash, B256::repeat_byte(4)];
    let anchored = scenario::anchor(&chain, direct.publisher, direct.id, &leaves).await;
    let receipt = scenario::first_output_receipt(&chain, direct.id, anchored, &leaves, &hash);
    let image = embed_receipt(&image, &receipt).unwrap();

    let running = spawn_indexer(&chain, &db).await;
    caught_up(&running, &chain).await;
    let registry = LineageRegistry::new(chain.registry, &chain.provider);

    // Kinds, model hashes, bases and the uses of datasets, against the registry.
    let models = models_match_the_chain(&running, &chain).await;
    for m in [direct, by_sig] {
        let model = &models[&m.id];
        let att = registry.attestation(m.id).call().await.unwrap();
        assert_eq!((att.kind, model["kind"].as_str()), (2, Some("declared")), "{model}");
        assert_eq!(model["profile_id"], scenario::DECLARED_PROFILE, "{model}");
        assert_eq!(b256(&model["model_hash"]), m.model_hash, "{model}");
        assert_eq!(model["publisher"], json!(m.publisher));
        assert_eq!(model["submitter"], json!(m.submitter));
        assert_eq!(model["status"], "valid");
        for proven_only in ["w_hash", "w0_hash", "hyper_hash", "base_model_id"] {
            assert_eq!(model[proven_only], Value::Null, "{proven_only}: {model}");
        }
        assert!(model.get("bases").is_none(), "{model}");
        // The calldata was read although it is not `attest`'s.
        assert_eq!(model["proof_available"], true, "{model}");
    }
    let proven = &models[&world.models[0]];
    assert_eq!((proven["kind"].as_str(), &proven["model_hash"]), (Some("proven"), &Value::Null));
    assert_eq!(b256(&proven["w_hash"]), B256::from(scenario::demo_proof().words[24]));
    assert_eq!(proven["bases"], json!([]));
    // The dataset's uses say which model's training is declared.
    let (_, d1) = get(&running, "/v1/datasets/1").await;
    let kinds: std::collections::HashMap<B256, &str> = d1["data"]["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (b256(&u["model_id"]), u["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds[&direct.id], "declared");
    assert_eq!(kinds[&world.models[0]], "proven");

    // The proof in the declared layout: 25 words, the model hash's halves last, and with
    // the proof exactly what the registry handed the verifier.
    for m in [direct, by_sig] {
        let (status, body) = get(&running, &format!("/v1/models/{}/proof", m.id)).await;
        assert_eq!(status, 200, "{body}");
        let data = &body["data"];
        assert_eq!(data["kind"], "declared", "{data}");
        let values = &data["public_values"];
        for proven_only in ["w0_hash", "w_hash", "hyper_hash"] {
            assert!(values.get(proven_only).is_none(), "{proven_only}: {values}");
        }
        let (hi, lo) = (b256(&values["model_hash_hi"]), b256(&values["model_hash_lo"]));
        assert_eq!(hi, B256::left_padding_from(&m.model_hash[..16]));
        assert_eq!(lo, B256::left_padding_from(&m.model_hash[16..]));
        let instances: Vec<B256> = data["instances"].as_array().unwrap().iter().map(b256).collect();
        assert_eq!(instances.len(), 25);
        assert_eq!(instances[23..], [hi, lo]);
        let calldata: alloy::primitives::Bytes =
            data["calldata"].as_str().unwrap().parse().unwrap();
        let sent = traced_inputs(&chain, m.tx, scenario::DECLARED_STUB).await;
        assert_eq!(sent, [calldata], "the verifier's input in {}", m.tx);
    }
    let (_, body) = get(&running, &format!("/v1/models/{}/proof", world.models[0])).await;
    assert_eq!(body["data"]["kind"], "proven");
    assert_eq!(body["data"]["instances"].as_array().unwrap().len(), 26);

    // The answers are as the API document says.
    for (route, path) in [
        ("/v1/models/{id}", format!("/v1/models/{}", direct.id)),
        ("/v1/models/{id}", format!("/v1/models/{}", world.models[0])),
        ("/v1/models", "/v1/models?limit=100".to_owned()),
        ("/v1/models/{id}/proof", format!("/v1/models/{}/proof", by_sig.id)),
        ("/v1/models/{id}/proof", format!("/v1/models/{}/proof", world.models[0])),
        ("/v1/datasets/{id}", "/v1/datasets/1".to_owned()),
    ] {
        answer_conforms(&running, route, &path).await;
    }

    // An output of the declared model: valid, and its verdict says the training is
    // declared, exactly as `lineage verify-image` says it.
    let (status, body) = post_image(&running, image).await;
    assert_eq!(status, 200, "{body}");
    let verdict = &body["data"]["verdict"];
    assert_eq!(verdict["outcome"], "valid", "{verdict}");
    let codes: Vec<&str> =
        verdict["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert!(codes.contains(&"model.training_declared"), "{verdict}");
    assert!(!codes.contains(&"model.training_proven"), "{verdict}");
    assert_eq!(*verdict, cli_verdict(&chain, &hash, &receipt).await);
    assert_eq!(body["data"]["model"], models[&direct.id]);

    assert_eq!(running.store.dump().await.unwrap(), fresh_dump(&chain, &db).await);
    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(declared, declared_models_are_indexed_as_declared);
