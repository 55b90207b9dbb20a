//! `lineage dataset certify ID`: a certifier certifies a registered dataset.

use crate::chain::TxArgs;
use anyhow::Result;

/// Arguments of `lineage dataset certify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The dataset id (`lineage dataset register` printed it).
    id: u32,
    #[command(flatten)]
    tx: TxArgs,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        self.tx.run(
            async |client| Ok(client.certify(self.id).await?),
            |sent| eprintln!("certified dataset {} (tx {})", self.id, sent.tx_hash),
        )
    }
}
