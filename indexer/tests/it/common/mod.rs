//! Test harness: a real anvil with the contracts deployed by the real deploy script, a
//! fresh database per test on either backend, and the indexer started in-process.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

pub mod scenario;

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Mutex,
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
};
use lineage_indexer::{api::ApiConfig, Config, FollowerConfig, Running, Store, Target};

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A Foundry tool's native binary, linked by script/bootstrap.sh: `node_modules/.bin/<tool>`
/// is a Node wrapper that always exits 0, and killing it would leave the tool running.
fn foundry_binary(tool: &str) -> PathBuf {
    let bin = root().join("node_modules/.foundry-native").join(tool);
    assert!(bin.exists(), "{} missing: run script/bootstrap.sh", bin.display());
    bin
}

/// An anvil process on a port of its own, killed on drop.
pub struct Anvil {
    child: Child,
    pub url: String,
}

impl Anvil {
    /// Starts anvil on port 0 and reads the port it bound from its `Listening on` line. A
    /// port chosen here and handed over would race: two tests could be given the same
    /// one, and the loser's deploy would land on the winner's chain (whose automine may
    /// be off: the deploy then waits forever).
    pub async fn start() -> Self {
        let bin = foundry_binary("anvil");
        let mut child = Command::new(bin)
            .args(["--port", "0", "--gas-limit", "300000000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn anvil");
        let stdout = child.stdout.take().expect("anvil's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the address, then drains anvil's request log so that it never blocks.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("Listening on ") {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(addr.trim().to_owned());
                    }
                }
            }
        });
        let addr = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
            .await
            .unwrap()
            .expect("anvil did not say where it listens");
        let url = format!("http://{addr}");
        let anvil = Self { child, url };
        let provider = ProviderBuilder::new().connect_http(anvil.url.parse().unwrap());
        let started = Instant::now();
        while provider.get_block_number().await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "anvil did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anvil
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serialises forge runs inside one test process (they share cache/ and broadcast/).
static FORGE: Mutex<()> = Mutex::new(());

/// A chain with Lineage deployed.
pub struct Chain {
    pub anvil: Anvil,
    pub provider: DynProvider,
    pub registry: Address,
    pub vault: Address,
    pub start_block: u64,
    /// anvil's unlocked dev accounts; [0] deployed and certifies.
    pub accounts: Vec<Address>,
}

impl Chain {
    /// A fresh anvil with the contracts deployed by `script/Deploy.s.sol`.
    pub async fn deploy() -> Self {
        let anvil = Anvil::start().await;
        // Nonces are asked from the node each time (a cache would survive evm_revert).
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .with_simple_nonce_management()
            .with_gas_estimation()
            .with_chain_id(31337)
            .connect_http(anvil.url.parse().unwrap())
            .erased();
        let start_block = provider.get_block_number().await.unwrap();
        let url = anvil.url.clone();
        let out = tokio::task::spawn_blocking(move || {
            let _guard = FORGE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let root = root();
            let log = tempfile::NamedTempFile::new().unwrap();
            let mut child = Command::new(foundry_binary("forge"))
                .current_dir(&root)
                .env("FOUNDRY_SOLC", root.join("script/solc-shim.js"))
                .args(["script", "script/Deploy.s.sol", "--rpc-url", &url, "--broadcast", "--json"])
                .stdout(log.reopen().unwrap())
                .stderr(Stdio::null())
                .spawn()
                .expect("run forge script");
            // A cold compile takes ~15 s here; never wait forever on a stuck forge.
            let started = Instant::now();
            let status = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break status;
                }
                if started.elapsed() > Duration::from_secs(300) {
                    let _ = child.kill();
                    panic!("forge script did not finish in 300 s");
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            (status, std::fs::read_to_string(log.path()).unwrap())
        })
        .await
        .unwrap();
        let (status, stdout) = out;
        assert!(status.success(), "forge script failed:\n{stdout}");
        // The script returns (deployer, owner, certifier, registry, vault, verifiers[8]).
        let returned = stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find_map(|v| v.get("returned").and_then(|r| r.as_str()).map(str::to_owned))
            .expect("forge script --json printed no return value");
        let words = hex::decode(returned.trim_start_matches("0x")).unwrap();
        let word = |i: usize| Address::from_slice(&words[i * 32 + 12..i * 32 + 32]);
        let accounts = provider.get_accounts().await.unwrap();
        Self { anvil, provider, registry: word(3), vault: word(4), start_block, accounts }
    }

    pub fn target(&self) -> Target {
        Target {
            chain_id: 31337,
            registry: self.registry,
            vault: self.vault,
            start_block: self.start_block,
        }
    }

    pub async fn head(&self) -> u64 {
        self.provider.get_block_number().await.unwrap()
    }

    pub async fn rpc<R: serde::de::DeserializeOwned>(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> R {
        let v: serde_json::Value = self
            .provider
            .raw_request(method.into(), params)
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        serde_json::from_value(v).unwrap()
    }

    pub async fn snapshot(&self) -> U256 {
        self.rpc("evm_snapshot", serde_json::json!([])).await
    }

    pub async fn revert(&self, id: U256) {
        let ok: bool = self.rpc("evm_revert", serde_json::json!([id])).await;
        assert!(ok, "evm_revert failed");
    }

    pub async fn set_automine(&self, on: bool) {
        let _: serde_json::Value = self.rpc("evm_setAutomine", serde_json::json!([on])).await;
    }

    pub async fn mine(&self) {
        let _: serde_json::Value = self.rpc("evm_mine", serde_json::json!([])).await;
    }
}

/// A fresh database on one backend.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { admin: String, name: String },
}

impl TestDb {
    pub fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().unwrap())
    }

    /// A fresh Postgres database, or `None` when no server is configured
    /// (`LINEAGE_TEST_POSTGRES_URL`); with `LINEAGE_REQUIRE_POSTGRES=1` (CI) that fails.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin) = std::env::var("LINEAGE_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("LINEAGE_REQUIRE_POSTGRES").is_err(),
                "LINEAGE_REQUIRE_POSTGRES is set but LINEAGE_TEST_POSTGRES_URL is not"
            );
            eprintln!(
                "skipped: LINEAGE_TEST_POSTGRES_URL is not set (script/postgres.sh prints it)"
            );
            return None;
        };
        use sqlx::Connection;
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let name = format!(
            "lineage_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros()
                % 1_000_000
        );
        let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect to Postgres");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        Some(Self::Postgres { admin, name })
    }

    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(dir) => format!("sqlite:{}", dir.path().join("index.db").display()),
            Self::Postgres { admin, name } => {
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                format!("{base}/{name}")
            }
        }
    }

    /// Another fresh database on the same backend (for re-index comparisons).
    pub async fn sibling(&self) -> Self {
        match self {
            Self::Sqlite(_) => Self::sqlite(),
            Self::Postgres { .. } => Self::postgres().await.unwrap(),
        }
    }

    /// Drops a Postgres database (best effort).
    pub async fn cleanup(self) {
        if let Self::Postgres { admin, name } = self {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

/// Follower settings for tests: no confirmations, fast polls, small first ranges.
pub fn fast_follower() -> FollowerConfig {
    FollowerConfig {
        confirmations: 0,
        finality_depth: 64,
        poll_interval: Duration::from_millis(50),
        initial_range: 16,
        max_range: 10_000,
        max_logs: 20_000,
        retry_delay: Duration::from_millis(100),
    }
}

pub fn config(chain: &Chain, db: &TestDb, follower: FollowerConfig) -> Config {
    Config {
        rpc_url: chain.anvil.url.clone(),
        database_url: db.url(),
        max_connections: 4,
        listen: "127.0.0.1:0".parse().unwrap(),
        target: chain.target(),
        follow: true,
        follower,
        api: ApiConfig::default(),
    }
}

/// Starts the indexer in-process.
pub async fn spawn_indexer(chain: &Chain, db: &TestDb) -> Running {
    lineage_indexer::start(config(chain, db, fast_follower())).await.expect("start the indexer")
}

/// Waits until the indexer has indexed the chain's head and says it is ready.
pub async fn caught_up(running: &Running, chain: &Chain) {
    let head = chain.head().await;
    let started = Instant::now();
    loop {
        let s = *running.status.borrow();
        if s.ready && s.tip.indexed_block >= head && s.tip.head_block >= head {
            return;
        }
        assert!(!running.follower_finished(), "the follower stopped");
        assert!(started.elapsed() < Duration::from_secs(60), "not caught up with {head}: {s:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Indexes the chain from scratch into a new database and returns its dump.
pub async fn fresh_dump(chain: &Chain, like: &TestDb) -> Vec<String> {
    let db = like.sibling().await;
    let running = spawn_indexer(chain, &db).await;
    caught_up(&running, chain).await;
    let dump = running.store.dump().await.unwrap();
    running.shutdown().await.unwrap();
    db.cleanup().await;
    dump
}

/// Opens a store on `db` (already migrated by a service, or migrated now).
pub async fn open(db: &TestDb) -> Store {
    Store::connect(&db.url(), 2).await.unwrap()
}

/// `GET` on a running service: (status, JSON body).
pub async fn get(running: &Running, path: &str) -> (u16, serde_json::Value) {
    let url = format!("http://{}{path}", running.addr);
    let r = alloy::transports::http::reqwest::get(&url).await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}")))
}

/// `POST` JSON on a running service.
pub async fn post(
    running: &Running,
    path: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let url = format!("http://{}{path}", running.addr);
    let r = alloy::transports::http::reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}")))
}

/// Runs a test body on SQLite and, when configured, on Postgres.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$body($crate::common::TestDb::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::common::TestDb::postgres().await {
                    super::$body(db).await;
                }
            }
        }
    };
}
