//! The whole service: store, follower and HTTP server, started together and shut down
//! gracefully (the server drains in-flight requests, the follower stops between steps).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use alloy::providers::{Provider, RootProvider};
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};
use tracing::info;

use crate::{
    api::{self, ApiConfig, AppState},
    follower::{Follower, FollowerConfig, SyncStatus},
    metrics::Metrics,
    store::{Store, Target},
    Error, Result,
};

/// Everything the service needs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The node's JSON-RPC endpoint.
    pub rpc_url: String,
    /// `sqlite:PATH` or `postgres://...`.
    pub database_url: String,
    /// Database connections in the pool.
    pub max_connections: u32,
    /// Where to listen.
    pub listen: SocketAddr,
    /// What to follow.
    pub target: Target,
    /// Run the follower (false: serve what another indexer writes into the same Postgres).
    pub follow: bool,
    /// How to follow.
    pub follower: FollowerConfig,
    /// API limits.
    pub api: ApiConfig,
}

/// A started service.
pub struct Running {
    /// The address the server listens on.
    pub addr: SocketAddr,
    /// The store (for tests and tools).
    pub store: Store,
    /// The follower's status.
    pub status: watch::Receiver<SyncStatus>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    follower: JoinHandle<Result<()>>,
}

impl Running {
    /// Stops the follower and drains the server.
    pub async fn shutdown(self) -> Result<()> {
        let _ = self.shutdown.send(true);
        let served = self.server.await;
        let followed = self.follower.await;
        self.store.close().await;
        served.map_err(|e| Error::Config { what: "server task", reason: e.to_string() })??;
        followed.map_err(|e| Error::Config { what: "follower task", reason: e.to_string() })?
    }

    /// Resolves when the follower stops on its own (it only does on a fatal error).
    pub fn follower_finished(&self) -> bool {
        self.follower.is_finished()
    }
}

/// Connects to the node and the database, checks the chain id, binds the listener and
/// starts the follower and the server.
pub async fn start(config: Config) -> Result<Running> {
    let url = config
        .rpc_url
        .parse()
        .map_err(|e| Error::Config { what: "rpc url", reason: format!("{e}") })?;
    let provider = RootProvider::new_http(url);
    let chain_id = provider
        .get_chain_id()
        .await
        .map_err(|source| Error::Rpc { method: "eth_chainId", source })?;
    if chain_id != config.target.chain_id {
        return Err(Error::DeploymentMismatch {
            stored: format!("chain {chain_id} at {}", config.rpc_url),
            configured: format!("chain {}", config.target.chain_id),
        });
    }
    let store = Store::connect(&config.database_url, config.max_connections).await?;
    store.init(config.target).await?;
    let (tip, generation) = store.tip().await?;
    let (status_tx, status) = watch::channel(SyncStatus { tip, ready: false, generation });
    let metrics = Arc::new(Metrics::default());
    let (shutdown, shutdown_rx) = watch::channel(false);

    let follower = if config.follow {
        let follower = Follower::new(
            provider,
            store.clone(),
            config.target,
            config.follower.clone(),
            metrics.clone(),
            status_tx,
        );
        tokio::spawn(follower.run(shutdown_rx.clone()))
    } else {
        tokio::spawn(poll_store(
            store.clone(),
            status_tx,
            config.follower.confirmations,
            shutdown_rx.clone(),
        ))
    };

    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let app = api::router(AppState {
        store: store.clone(),
        status: status.clone(),
        metrics: metrics.clone(),
        config: Arc::new(config.api.clone()),
        cache: Arc::new(api::ResponseCache::new(config.api.cache_entries)),
        registry: config.target.registry,
    });
    let mut stop = shutdown_rx;
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
    });
    info!(%addr, backend = store.backend_name(), "serving");
    Ok(Running { addr, store, status, metrics, shutdown, server, follower })
}

/// Without a follower in this process: mirror the stored state every half second.
async fn poll_store(
    store: Store,
    status: watch::Sender<SyncStatus>,
    confirmations: u64,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    loop {
        if let Ok((tip, generation)) = store.tip().await {
            let ready = tip.indexed_block + confirmations >= tip.head_block;
            status.send_replace(SyncStatus { tip, ready, generation });
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = shutdown.changed() => return Ok(()),
        }
    }
}
