//! `lineage dataset certify ID`: a certifier certifies a registered dataset.

use crate::{
    chain::{block_on, ChainArgs, SignerArgs},
    io::print_json,
};
use anyhow::Result;

/// Arguments of `lineage dataset certify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The dataset id (`lineage dataset register` printed it).
    id: u32,
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
            Ok(client.certify(self.id).await?)
        })?;
        if self.json {
            print_json(&sent)?;
        } else {
            eprintln!("certified dataset {} (tx {})", self.id, sent.tx_hash);
        }
        Ok(())
    }
}
