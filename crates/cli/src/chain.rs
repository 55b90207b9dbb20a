//! The options every on-chain subcommand shares, and how they become a [`Client`].
//!
//! Precedence: defaults < `LINEAGE_*` environment variables < flags. Keys never come from
//! flags (they would land in shell histories and process lists): `LINEAGE_PRIVATE_KEY`, or
//! an encrypted keystore file (`--keystore`, password in `LINEAGE_KEYSTORE_PASSWORD`).

use crate::io::print_json;
use anyhow::{bail, Context, Result};
use lineage_chain::{client::Options, Client, Deployment};
use serde::Serialize;
use std::{future::Future, path::PathBuf, time::Duration};

/// Where the chain is and how patient to be with it.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ChainArgs {
    /// JSON-RPC endpoint.
    #[arg(long, env = "LINEAGE_RPC_URL", default_value = "http://127.0.0.1:8545")]
    pub(crate) rpc_url: String,
    /// Deployments file written by script/Deploy.s.sol [default: deployments/<chain id>.json].
    #[arg(long, env = "LINEAGE_DEPLOYMENT")]
    pub(crate) deployment: Option<PathBuf>,
    /// The chain id the endpoint must serve: a guard against talking to the wrong network.
    #[arg(long, env = "LINEAGE_CHAIN_ID")]
    pub(crate) chain_id: Option<u64>,
    /// Confirmations each transaction waits for.
    #[arg(long, env = "LINEAGE_CONFIRMATIONS", default_value_t = 1)]
    pub(crate) confirmations: u64,
    /// Seconds any one RPC exchange or confirmation wait may take.
    #[arg(long, env = "LINEAGE_RPC_TIMEOUT", default_value_t = 30)]
    pub(crate) timeout: u64,
}

/// Who signs.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SignerArgs {
    /// An encrypted JSON keystore (password in LINEAGE_KEYSTORE_PASSWORD); without it the
    /// key comes from LINEAGE_PRIVATE_KEY.
    #[arg(long, env = "LINEAGE_KEYSTORE")]
    pub(crate) keystore: Option<PathBuf>,
}

/// What every transacting subcommand takes: the chain, the signer, and `--json`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct TxArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    #[command(flatten)]
    pub(crate) signer: SignerArgs,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

impl TxArgs {
    /// Runs `f` with a signing client, then prints its result: as JSON with `--json`, else
    /// as `human` puts it.
    pub(crate) fn run<T: Serialize>(
        &self,
        f: impl AsyncFnOnce(&Client) -> Result<T>,
        human: impl FnOnce(&T),
    ) -> Result<()> {
        let out = block_on(async {
            let client = self.chain.connect(Some(self.signer.signer()?)).await?;
            f(&client).await
        })?;
        if self.json {
            print_json(&out)
        } else {
            human(&out);
            Ok(())
        }
    }
}

impl SignerArgs {
    /// The signer, from the keystore or LINEAGE_PRIVATE_KEY.
    pub(crate) fn signer(&self) -> Result<lineage_chain::client::Signer> {
        if let Some(path) = &self.keystore {
            let password = std::env::var("LINEAGE_KEYSTORE_PASSWORD")
                .context("--keystore needs its password in LINEAGE_KEYSTORE_PASSWORD")?;
            return lineage_chain::client::Signer::decrypt_keystore(path, password)
                .with_context(|| format!("cannot open the keystore {}", path.display()));
        }
        let Ok(key) = std::env::var("LINEAGE_PRIVATE_KEY") else {
            bail!("this command sends a transaction: set LINEAGE_PRIVATE_KEY or --keystore");
        };
        Self::parse_key(&key).context("LINEAGE_PRIVATE_KEY")
    }

    /// A signer from a hex private key.
    pub(crate) fn parse_key(hex: &str) -> Result<lineage_chain::client::Signer> {
        hex.trim().parse().context("not a 32-byte hex private key")
    }
}

impl ChainArgs {
    pub(crate) fn options(&self) -> Options {
        Options {
            rpc_url: self.rpc_url.clone(),
            confirmations: self.confirmations.max(1),
            timeout: Duration::from_secs(self.timeout.max(1)),
        }
    }

    /// Connects, read-only unless `signer` is given.
    pub(crate) async fn connect(
        &self,
        signer: Option<lineage_chain::client::Signer>,
    ) -> Result<Client> {
        let options = self.options();
        let served = Client::chain_id(&options).await?;
        if let Some(want) = self.chain_id {
            if want != served {
                bail!("{} serves chain {served}, not the chain {want} asked for", self.rpc_url);
            }
        }
        let path = self
            .deployment
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("deployments/{served}.json")));
        if !path.exists() {
            bail!(
                "no deployments file {} for chain {served}: deploy first (lineage demo, or \
                 forge script script/Deploy.s.sol) or pass --deployment",
                path.display()
            );
        }
        let deployment = Deployment::load(&path)?;
        Ok(Client::connect(options, deployment, signer).await?)
    }
}

/// Runs a future on a fresh single-threaded runtime: the CLI is synchronous elsewhere.
pub(crate) fn block_on<T>(fut: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(fut)
}
