//! The follower against a real anvil with the contracts deployed by the deploy script:
//! backfill then live, reorgs of depth 1..=20 (and one orphaning a fine-tuned model), and a
//! `kill -9` mid-backfill — each on SQLite and on Postgres.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use alloy::primitives::Address;
use common::{caught_up, fresh_dump, get, open, scenario, spawn_indexer, Chain, TestDb};

/// Reorgs at every depth from 1 to 20 leave the index equal to a fresh re-index.
async fn reorgs_equal_a_fresh_index(db: TestDb) {
    let chain = Chain::deploy().await;
    let world = scenario::populate(&chain).await;
    let running = spawn_indexer(&chain, &db).await;
    caught_up(&running, &chain).await;
    for depth in 1..=20u64 {
        eprintln!("depth {depth}");
        let snapshot = chain.snapshot().await;
        let fork = chain.head().await;
        // The orphaned branch: a claim, payments and registrations (running totals and
        // plain rows both have to be rolled back).
        for i in 0..depth {
            match i % 3 {
                0 => scenario::claim(&chain, world.creators[1], 1).await,
                1 => scenario::pay(&chain, world.models[0], depth * 1000 + i).await,
                _ => scenario::register_seeded(&chain, chain.accounts[2], depth * 1000 + i).await,
            }
        }
        // The indexer has seen the blocks that are about to disappear.
        caught_up(&running, &chain).await;
        assert_eq!(running.status.borrow().tip.indexed_block, fork + depth);
        chain.revert(snapshot).await;
        for i in 0..=depth {
            if i % 2 == 0 {
                scenario::pay(&chain, world.models[2], depth * 1000 + 500 + i).await;
            } else {
                scenario::register_seeded(&chain, chain.accounts[3], depth * 1000 + 500 + i).await;
            }
        }
        caught_up(&running, &chain).await;
        let dump = running.store.dump().await.unwrap();
        assert_eq!(dump, fresh_dump(&chain, &db).await, "after a reorg of depth {depth}");
        assert!(!dump.iter().any(|l| l.contains(&hex::encode(format!("seed-{}", depth * 1000)))));
    }
    let reorgs = running.metrics.reorgs.load(std::sync::atomic::Ordering::Relaxed);
    assert!(reorgs >= 20, "{reorgs} reorgs detected for 20 reverts");
    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(reorgs, reorgs_equal_a_fresh_index);

/// A fine-tuned model on an orphaned branch leaves nothing behind: its base is gone with its
/// attestation, even when the new branch attests the same model id from zero weights.
async fn a_reorg_drops_an_orphaned_base(db: TestDb) {
    let chain = Chain::deploy().await;
    scenario::populate(&chain).await;
    let a = &chain.accounts;
    let root = scenario::attest_stub(&chain, a[5], [1, 2], 7_000, None).await;
    let running = spawn_indexer(&chain, &db).await;
    caught_up(&running, &chain).await;
    let derived = format!("/v1/models/{}/derived", root.id);

    let snapshot = chain.snapshot().await;
    let tuned = scenario::attest_stub(&chain, a[6], [1, 2], 7_001, Some(root)).await;
    caught_up(&running, &chain).await;
    let (_, model) = get(&running, &format!("/v1/models/{}", tuned.id)).await;
    assert_eq!(model["data"]["base_model_id"], serde_json::json!(root.id), "{model}");
    let (_, page) = get(&running, &derived).await;
    assert_eq!(page["data"][0]["model_id"], serde_json::json!(tuned.id), "{page}");

    chain.revert(snapshot).await;
    // The same publisher and weights, so the same model id, trained from zero weights.
    let again = scenario::attest_stub(&chain, a[6], [1, 2], 7_001, None).await;
    assert_eq!(again.id, tuned.id);
    scenario::register_seeded(&chain, a[3], 7_002).await;
    caught_up(&running, &chain).await;
    assert!(running.metrics.reorgs.load(std::sync::atomic::Ordering::Relaxed) >= 1);
    let (status, model) = get(&running, &format!("/v1/models/{}", tuned.id)).await;
    assert_eq!(status, 200, "{model}");
    assert_eq!(model["data"]["base_model_id"], serde_json::Value::Null, "{model}");
    assert_eq!(model["data"]["bases"], serde_json::json!([]), "{model}");
    let (_, page) = get(&running, &derived).await;
    assert_eq!(page["data"], serde_json::json!([]), "{page}");
    assert_eq!(running.store.dump().await.unwrap(), fresh_dump(&chain, &db).await);
    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(orphaned_base, a_reorg_drops_an_orphaned_base);

/// Many blocks of events, mined in batches (automine off).
async fn fill(chain: &Chain, blocks: u64, per_block: u64) -> u64 {
    chain.set_automine(false).await;
    let creator = [chain.accounts[9]];
    for b in 0..blocks {
        for i in 0..per_block {
            let seed = b * per_block + i;
            let call = scenario::register_call(
                alloy::primitives::U256::from(5_000_000 + seed),
                1,
                "bulk",
                &creator,
                &[1],
            );
            scenario::submit(
                chain,
                chain.accounts[(seed % 5) as usize + 1],
                chain.registry,
                call,
                400_000,
            )
            .await;
        }
        chain.mine().await;
    }
    chain.set_automine(true).await;
    blocks * per_block
}

fn indexer_process(chain: &Chain, db: &TestDb, port: u16) -> std::process::Child {
    let t = chain.target();
    Command::new(env!("CARGO_BIN_EXE_lineage-indexer"))
        .args(["--rpc-url", &chain.anvil.url, "--database-url", &db.url()])
        .args(["--registry", &t.registry.to_string(), "--vault", &t.vault.to_string()])
        .args(["--start-block", &t.start_block.to_string()])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--confirmations", "0", "--initial-range", "3", "--max-range", "3"])
        .args(["--poll-interval-ms", "50"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn lineage-indexer")
}

/// A `kill -9` in the middle of a backfill, then a restart: nothing lost, nothing twice.
async fn kill_9_mid_backfill_loses_nothing(db: TestDb) {
    let chain = Chain::deploy().await;
    let events = fill(&chain, 150, 8).await;
    let head = chain.head().await;

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = indexer_process(&chain, &db, port);
    // Once it serves, its migrations are done: open the database alongside it (two
    // processes migrating one fresh database at once is not what is tested here).
    let started = Instant::now();
    let status = format!("http://127.0.0.1:{port}/v1/status");
    while alloy::transports::http::reqwest::get(&status).await.is_err() {
        assert!(child.try_wait().unwrap().is_none(), "the indexer exited");
        assert!(started.elapsed() < Duration::from_secs(60), "the indexer never served");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let store = lineage_indexer::Store::connect(&db.url(), 2).await.unwrap();
    let middle = chain.start_block + (head - chain.start_block) / 3;
    loop {
        let next = store.checkpoint().await.unwrap().next_block;
        if next > middle {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "stuck at {next}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = store.checkpoint().await.unwrap().next_block;
    assert!(at_kill < head, "killed after the backfill ended ({at_kill} of {head})");

    let mut child = indexer_process(&chain, &db, port);
    loop {
        if store.checkpoint().await.unwrap().next_block > head {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(180), "restart did not catch up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let dump = store.dump().await.unwrap();
    let registered = dump.iter().filter(|l| l.starts_with("datasets:")).count() as u64;
    assert_eq!(registered, events, "datasets indexed after the restart");
    assert_eq!(dump, fresh_dump(&chain, &db).await);
    store.close().await;
    db.cleanup().await;
}
on_both_backends!(kill_9, kill_9_mid_backfill_loses_nothing);

/// The store refuses a database indexed for another deployment.
#[tokio::test]
async fn a_database_of_another_deployment_is_refused() {
    let db = TestDb::sqlite();
    let store = open(&db).await;
    let target = lineage_indexer::Target {
        chain_id: 31337,
        registry: Address::repeat_byte(1),
        vault: Address::repeat_byte(2),
        start_block: 0,
    };
    store.init(target).await.unwrap();
    let other = lineage_indexer::Target { registry: Address::repeat_byte(3), ..target };
    assert!(matches!(
        store.init(other).await,
        Err(lineage_indexer::Error::DeploymentMismatch { .. })
    ));
}

/// Processes opening one fresh database at once (a follower and an `--api-only` replica,
/// say) all find it migrated and initialised: none fails on tables another one created.
async fn concurrent_first_opens_agree(db: TestDb) {
    let target = lineage_indexer::Target {
        chain_id: 31337,
        registry: Address::repeat_byte(1),
        vault: Address::repeat_byte(2),
        start_block: 0,
    };
    let opens: Vec<_> = (0..8)
        .map(|_| {
            let url = db.url();
            tokio::spawn(async move {
                let store = lineage_indexer::Store::connect(&url, 1).await?;
                store.init(target).await
            })
        })
        .collect();
    for open in opens {
        let checkpoint = open.await.unwrap().expect("open and initialise");
        assert_eq!((checkpoint.next_block, checkpoint.indexed_hash), (0, None));
    }
    db.cleanup().await;
}
on_both_backends!(concurrent_opens, concurrent_first_opens_agree);

/// A database indexed before attestations had a kind (migrations up to 0003) is migrated
/// with each attestation's kind: those of the declared profiles (3 and 4) declared, their
/// `wHash` (the model hash, for a declared model) as their model hash, the others proven.
async fn an_index_from_before_the_kind_gets_the_kinds(db: TestDb) {
    use alloy::primitives::B256;
    use lineage_indexer::model::{Tip, TrainingKind};
    let backend = match db {
        TestDb::Sqlite(_) => "sqlite",
        TestDb::Postgres { .. } => "postgres",
    };
    let before = tempfile::tempdir().unwrap();
    let all = common::root().join("indexer/migrations").join(backend);
    for name in ["0001_init.sql", "0002_totals.sql", "0003_model_bases.sql"] {
        std::fs::copy(all.join(name), before.path().join(name)).unwrap();
    }
    let migrator = sqlx::migrate::Migrator::new(before.path()).await.unwrap();
    let (declared, proven) = (B256::repeat_byte(0xd1), B256::repeat_byte(0xb1));
    let model_hash = B256::repeat_byte(0x5a);
    let insert = "INSERT INTO attestations (model_id, publisher, profile_id, w_hash, train_root, \
        license_mask, n_records, w0_hash, hyper_hash, verifier, submitter, block_number, \
        block_hash, tx_hash, log_index) VALUES ($1, $2, $3, $4, $5, '1', 10, $6, $6, $2, $2, \
        $7, $5, $5, $7)";
    // model id, profile, w_hash, w0_hash, block number and log index.
    let rows = [
        (declared, 3i64, model_hash, B256::ZERO, 1i64),
        (proven, 1, B256::repeat_byte(7), B256::repeat_byte(8), 2),
    ];
    macro_rules! old_index {
        ($pool:expr) => {{
            let pool = $pool;
            migrator.run(&pool).await.unwrap();
            for (id, profile, w_hash, w0_hash, at) in rows {
                sqlx::query(insert)
                    .bind(id.as_slice())
                    .bind(Address::repeat_byte(1).as_slice())
                    .bind(profile)
                    .bind(w_hash.as_slice())
                    .bind(B256::repeat_byte(9).as_slice())
                    .bind(w0_hash.as_slice())
                    .bind(at)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }};
    }
    match &db {
        TestDb::Sqlite(_) => {
            use std::str::FromStr;
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&db.url())
                .unwrap()
                .create_if_missing(true);
            old_index!(sqlx::SqlitePool::connect_with(options).await.unwrap())
        }
        TestDb::Postgres { .. } => old_index!(sqlx::PgPool::connect(&db.url()).await.unwrap()),
    }

    let store = open(&db).await;
    let tip = Tip::default();
    let model = store.model(declared, &tip).await.unwrap().unwrap();
    assert_eq!((model.kind, model.model_hash), (TrainingKind::Declared, Some(model_hash)));
    assert_eq!((model.w_hash, model.w0_hash, model.hyper_hash), (None, None, None));
    assert_eq!(model.bases, None);
    let model = store.model(proven, &tip).await.unwrap().unwrap();
    assert_eq!((model.kind, model.model_hash), (TrainingKind::Proven, None));
    assert_eq!(model.w_hash, Some(B256::repeat_byte(7)));
    assert_eq!(model.bases, Some(vec![]));
    store.close().await;
    db.cleanup().await;
}
on_both_backends!(kinds_migrated, an_index_from_before_the_kind_gets_the_kinds);

/// A JSON-RPC proxy to `upstream` that refuses `eth_getLogs` over more than `max_blocks`
/// blocks, as hosted nodes do.
async fn refusing_proxy(upstream: String, max_blocks: u64) -> String {
    use axum::{routing::post, Json, Router};
    use serde_json::{json, Value};
    let client = alloy::transports::http::reqwest::Client::new();
    let app = Router::new().route(
        "/",
        post(move |Json(req): Json<Value>| {
            let (client, upstream) = (client.clone(), upstream.clone());
            async move {
                if req["method"] == "eth_getLogs" {
                    let block = |k: &str| {
                        let hex = req["params"][0][k].as_str().unwrap_or("0x0");
                        u64::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap_or(0)
                    };
                    if block("toBlock") - block("fromBlock") + 1 > max_blocks {
                        return Json(json!({"jsonrpc": "2.0", "id": req["id"], "error": {
                            "code": -32005,
                            "message": format!("block range is too large (max {max_blocks})")
                        }}));
                    }
                }
                let r = client.post(&upstream).json(&req).send().await.unwrap();
                Json(r.json::<Value>().await.unwrap())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// A node that refuses large ranges: the follower halves its range until the node
/// answers, and indexes exactly what a direct follower does.
async fn refused_ranges_are_halved(db: TestDb) {
    let chain = Chain::deploy().await;
    fill(&chain, 40, 3).await;
    let proxy = refusing_proxy(chain.anvil.url.clone(), 5).await;
    let mut config = common::config(&chain, &db, common::fast_follower());
    config.rpc_url = proxy;
    config.follower.initial_range = 64;
    let running = lineage_indexer::start(config).await.unwrap();
    caught_up(&running, &chain).await;
    let shrinks = running.metrics.range_shrinks.load(std::sync::atomic::Ordering::Relaxed);
    assert!(shrinks >= 4, "64 -> 32 -> 16 -> 8 -> 4 takes 4 refusals, saw {shrinks}");
    assert_eq!(running.store.dump().await.unwrap(), fresh_dump(&chain, &db).await);
    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(refused_ranges, refused_ranges_are_halved);

/// With N confirmations the follower stays N blocks behind the head, so a reorg shallower
/// than N never reaches the index.
async fn confirmations_keep_shallow_reorgs_out(db: TestDb) {
    let chain = Chain::deploy().await;
    for seed in 0..4 {
        scenario::register_seeded(&chain, chain.accounts[1], seed).await;
    }
    let mut config = common::config(&chain, &db, common::fast_follower());
    config.follower.confirmations = 3;
    let running = lineage_indexer::start(config).await.unwrap();
    let settled = |running: &lineage_indexer::Running, block: u64| {
        let s = *running.status.borrow();
        s.ready && s.tip.indexed_block == block
    };
    let wait = |block: u64| {
        let running = &running;
        async move {
            let started = Instant::now();
            while !settled(running, block) {
                assert!(started.elapsed() < Duration::from_secs(30), "not at {block}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let head = chain.head().await;
    wait(head - 3).await;
    let snapshot = chain.snapshot().await;
    for i in 0..2 {
        scenario::register_seeded(&chain, chain.accounts[2], 100 + i).await;
    }
    wait(head - 1).await; // the two new blocks are not yet deep enough
    chain.revert(snapshot).await;
    for i in 0..3 {
        scenario::register_seeded(&chain, chain.accounts[3], 200 + i).await;
    }
    wait(head).await;
    assert_eq!(running.metrics.reorgs.load(std::sync::atomic::Ordering::Relaxed), 0);
    let dump = running.store.dump().await.unwrap();
    assert!(!dump.iter().any(|l| l.contains(&hex::encode("seed-100"))), "an orphan was indexed");
    assert_eq!(dump.iter().filter(|l| l.starts_with("datasets:")).count(), 4);
    running.shutdown().await.unwrap();
    db.cleanup().await;
}
on_both_backends!(confirmations, confirmations_keep_shallow_reorgs_out);
