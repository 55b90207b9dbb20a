//! The command line (flags override `LINEAGE_*` environment variables).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use alloy::{
    primitives::Address,
    providers::{Provider, RootProvider},
};
use anyhow::{bail, Context};
use clap::Parser;
use lineage_chain::Deployment;
use lineage_indexer::{api::ApiConfig, Config, FollowerConfig, Target};
use tracing_subscriber::EnvFilter;

/// Follows Lineage's registry and royalty vault and serves provenance lookups over REST.
#[derive(Debug, Parser)]
#[command(name = "lineage-indexer", version)]
struct Args {
    /// The node's JSON-RPC endpoint.
    #[arg(long, env = "LINEAGE_RPC_URL", default_value = "http://127.0.0.1:8545")]
    rpc_url: String,
    /// sqlite:PATH (the default, a file) or postgres://USER:PASS@HOST/DB.
    #[arg(long, env = "LINEAGE_DATABASE_URL", default_value = "sqlite:lineage-indexer.db")]
    database_url: String,
    /// The deploy script's deployments/<chainid>.json (default: that file for the node's
    /// chain, if it exists).
    #[arg(long, env = "LINEAGE_DEPLOYMENT")]
    deployment: Option<PathBuf>,
    /// The registry's address (instead of a deployments file).
    #[arg(long, requires_all = ["vault"])]
    registry: Option<Address>,
    /// The vault's address (instead of a deployments file).
    #[arg(long)]
    vault: Option<Address>,
    /// First block to index (with --registry; default 0).
    #[arg(long, default_value_t = 0)]
    start_block: u64,
    /// Where to listen.
    #[arg(long, env = "LINEAGE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Blocks on top of a block before it is indexed.
    #[arg(long, env = "LINEAGE_CONFIRMATIONS", default_value_t = 2)]
    confirmations: u64,
    /// Depth treated as final when the node reports no finalized block.
    #[arg(long, default_value_t = 64)]
    finality_depth: u64,
    /// Milliseconds between polls once caught up.
    #[arg(long, default_value_t = 2000)]
    poll_interval_ms: u64,
    /// First block range size.
    #[arg(long, default_value_t = 2000)]
    initial_range: u64,
    /// Largest block range size.
    #[arg(long, default_value_t = 100_000)]
    max_range: u64,
    /// Aim for at most this many logs per range (the next range is sized from the last).
    #[arg(long, default_value_t = 20_000)]
    max_logs: usize,
    /// Seconds a request may take.
    #[arg(long, default_value_t = 10)]
    request_timeout_secs: u64,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    body_limit: usize,
    /// Answers kept by the response cache, valid until the next block (0: no cache).
    #[arg(long, default_value_t = 10_000)]
    cache_entries: usize,
    /// Database connections.
    #[arg(long, default_value_t = 8)]
    max_connections: u32,
    /// Serve only, reading what another indexer writes into the same database.
    #[arg(long)]
    api_only: bool,
    /// A JSON-RPC URL of the chain for the web page to read when it verifies an image in
    /// the browser (http or https, reachable from visitors' browsers, no credentials). Its
    /// origin is added to the page's Content-Security-Policy. Without it, the page judges
    /// on this indexer's facts (the image stays in the browser either way).
    #[arg(long, env = "LINEAGE_PAGE_RPC_URL")]
    page_rpc_url: Option<lineage_indexer::web::PageRpc>,
}

async fn target(args: &Args) -> anyhow::Result<Target> {
    let url = args.rpc_url.parse().context("--rpc-url")?;
    let chain_id = RootProvider::<alloy::network::Ethereum>::new_http(url)
        .get_chain_id()
        .await
        .with_context(|| format!("eth_chainId at {}", args.rpc_url))?;
    if let (Some(registry), Some(vault)) = (args.registry, args.vault) {
        return Ok(Target { chain_id, registry, vault, start_block: args.start_block });
    }
    let path = args
        .deployment
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("deployments/{chain_id}.json")));
    let d = Deployment::load(&path)
        .context("no --registry/--vault given, and the deployments file could not be used")?;
    if d.chain_id != chain_id {
        bail!("{} is for chain {}, the node is chain {chain_id}", path.display(), d.chain_id);
    }
    Ok(Target { chain_id, registry: d.registry, vault: d.vault, start_block: d.start_block })
}

pub(crate) async fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config {
        rpc_url: args.rpc_url.clone(),
        database_url: args.database_url.clone(),
        max_connections: args.max_connections,
        listen: args.listen,
        target: target(&args).await?,
        follow: !args.api_only,
        follower: FollowerConfig {
            confirmations: args.confirmations,
            finality_depth: args.finality_depth,
            poll_interval: Duration::from_millis(args.poll_interval_ms),
            initial_range: args.initial_range,
            max_range: args.max_range,
            max_logs: args.max_logs,
            retry_delay: Duration::from_secs(1),
        },
        api: ApiConfig {
            request_timeout: Duration::from_secs(args.request_timeout_secs),
            body_limit: args.body_limit,
            cache_entries: args.cache_entries,
            page_rpc_url: args.page_rpc_url.clone(),
        },
    };
    let running = lineage_indexer::start(config).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
