//! `lineage royalties pay|show|claim`: pay ETH royalties to a model (split across its
//! datasets by the proven counts, then by creator weights), see what a creator can claim,
//! and claim it.

use crate::{
    chain::{block_on, ChainArgs, TxArgs},
    io::print_json,
};
use alloy::primitives::{utils::format_ether, utils::parse_ether, Address, B256, U256};
use anyhow::{Context, Result};
use clap::Subcommand;
use serde::Serialize;

#[derive(Debug, Subcommand)]
pub(crate) enum RoyaltiesCommand {
    /// Pay ETH royalties to a model.
    Pay(PayArgs),
    /// What a creator has claimed and can claim, per dataset of a model.
    Show(ShowArgs),
    /// Claim the sender's royalties from a dataset.
    Claim(ClaimArgs),
}

/// Arguments of `lineage royalties pay`.
#[derive(Debug, clap::Args)]
pub(crate) struct PayArgs {
    /// The model id.
    #[arg(long)]
    model: B256,
    /// The amount in ETH (e.g. 0.5).
    #[arg(long)]
    amount: String,
    #[command(flatten)]
    tx: TxArgs,
}

/// Arguments of `lineage royalties show`.
#[derive(Debug, clap::Args)]
pub(crate) struct ShowArgs {
    /// The model id.
    #[arg(long)]
    model: B256,
    /// The creator [default: every creator of the model's datasets].
    #[arg(long)]
    creator: Option<Address>,
    #[command(flatten)]
    chain: ChainArgs,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// Arguments of `lineage royalties claim`.
#[derive(Debug, clap::Args)]
pub(crate) struct ClaimArgs {
    /// The dataset to claim from.
    #[arg(long)]
    dataset: u32,
    #[command(flatten)]
    tx: TxArgs,
}

/// One creator's position in one dataset.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Position {
    pub(crate) dataset_id: u32,
    pub(crate) creator: Address,
    #[serde(serialize_with = "decimal")]
    pub(crate) claimed_wei: U256,
    #[serde(serialize_with = "decimal")]
    pub(crate) claimable_wei: U256,
}

/// Wei amounts in JSON as decimal strings (numbers would overflow JavaScript's).
fn decimal<S: serde::Serializer>(x: &U256, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&x.to_string())
}

impl RoyaltiesCommand {
    pub(crate) fn run(self) -> Result<()> {
        match self {
            Self::Pay(a) => a.run(),
            Self::Show(a) => a.run(),
            Self::Claim(a) => a.run(),
        }
    }
}

impl PayArgs {
    fn run(self) -> Result<()> {
        let wei = parse_ether(&self.amount)
            .with_context(|| format!("{:?} is not an amount of ETH", self.amount))?;
        self.tx.run(
            async |client| Ok(client.pay_royalty(self.model, wei).await?),
            |sent| {
                eprintln!("paid {} ETH to model {} (tx {})", self.amount, self.model, sent.tx_hash)
            },
        )
    }
}

/// Every creator position of model `id` (or only `creator`'s).
pub(crate) async fn positions(
    client: &lineage_chain::Client,
    id: B256,
    creator: Option<Address>,
) -> Result<Vec<Position>> {
    let lineage = client.lineage(id).await?;
    let mut out = Vec::new();
    for d in &lineage.datasets {
        for c in d.creators.iter().filter(|c| creator.is_none_or(|w| w == c.address)) {
            out.push(Position {
                dataset_id: d.id,
                creator: c.address,
                claimed_wei: client.claimed(d.id, c.address).await?,
                claimable_wei: client.claimable(d.id, c.address).await?,
            });
        }
    }
    Ok(out)
}

impl ShowArgs {
    fn run(self) -> Result<()> {
        let rows = block_on(async {
            let client = self.chain.connect(None).await?;
            positions(&client, self.model, self.creator).await
        })?;
        if self.json {
            print_json(&rows)?;
        } else {
            for r in &rows {
                println!(
                    "dataset {} creator {}: claimable {} ETH, claimed {} ETH",
                    r.dataset_id,
                    r.creator,
                    format_ether(r.claimable_wei),
                    format_ether(r.claimed_wei)
                );
            }
        }
        Ok(())
    }
}

impl ClaimArgs {
    fn run(self) -> Result<()> {
        self.tx.run(
            async |client| {
                let (amount, tx) = client.claim(self.dataset).await?;
                Ok(Claimed { amount_wei: amount.to_string(), eth: format_ether(amount), tx })
            },
            |c| {
                eprintln!(
                    "claimed {} ETH from dataset {} (tx {})",
                    c.eth, self.dataset, c.tx.tx_hash
                )
            },
        )
    }
}

/// What `claim` got.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Claimed {
    amount_wei: String,
    eth: String,
    tx: lineage_chain::Sent,
}
