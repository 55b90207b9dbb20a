//! `lineage dataset revoke ID --reason TEXT`: a certifier revokes a dataset's
//! certification; every model trained on it becomes `tainted`.

use crate::{
    chain::{block_on, ChainArgs, SignerArgs},
    io::print_json,
};
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
    chain: ChainArgs,
    #[command(flatten)]
    signer: SignerArgs,
    /// Print the transaction as JSON on stdout.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let sent = block_on(async {
            let client = self.chain.connect(Some(self.signer.signer()?)).await?;
            Ok(client.revoke_dataset(self.id, &self.reason).await?)
        })?;
        if self.json {
            print_json(&sent)?;
        } else {
            eprintln!("revoked dataset {} (tx {})", self.id, sent.tx_hash);
        }
        Ok(())
    }
}
