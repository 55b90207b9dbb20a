//! `lineage dataset revoke ID --reason TEXT`: a certifier revokes a dataset's
//! certification; every model trained on it becomes `tainted`.

use crate::chain::TxArgs;
use anyhow::Result;

/// Arguments of `lineage dataset revoke`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The dataset id.
    id: u32,
    /// Why (recorded in the `DatasetRevoked` event).
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    tx: TxArgs,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        self.tx.run(
            async |client| Ok(client.revoke_dataset(self.id, &self.reason).await?),
            |sent| eprintln!("revoked dataset {} (tx {})", self.id, sent.tx_hash),
        )
    }
}
