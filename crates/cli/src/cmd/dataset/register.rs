//! `lineage dataset register MANIFEST`: registers a dataset's root, leaf count and
//! creators (weighted by their number of works) in the registry. Idempotent: a dataset
//! with the same root already registered by the same curator is reported, not duplicated.

use crate::{chain::TxArgs, io::read_json};
use anyhow::Result;
use lineage_chain::client::{word, DatasetStatus};
use lineage_core::manifest::DatasetManifest;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `lineage dataset register`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The dataset manifest (`lineage dataset build`).
    manifest: PathBuf,
    /// Where the dataset can be found (recorded on-chain as is).
    #[arg(long, default_value = "")]
    uri: String,
    #[command(flatten)]
    tx: TxArgs,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Registered {
    pub(crate) dataset_id: u32,
    root: String,
    pub(crate) status: DatasetStatus,
    pub(crate) already_registered: bool,
    pub(crate) tx: Option<lineage_chain::Sent>,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let manifest: DatasetManifest = read_json(&self.manifest, "dataset manifest")?;
        manifest.verify()?;
        self.tx.run(
            async |client| register(client, &manifest, &self.uri).await,
            |out| {
                if out.already_registered {
                    eprintln!(
                        "dataset {} is already registered ({:?})",
                        out.dataset_id, out.status
                    );
                } else {
                    eprintln!("registered dataset {} (root {})", out.dataset_id, out.root);
                }
                println!("{}", out.dataset_id);
            },
        )
    }
}

/// Registers `manifest` unless its sender already registered the same root.
pub(crate) async fn register(
    client: &lineage_chain::Client,
    manifest: &DatasetManifest,
    uri: &str,
) -> Result<Registered> {
    let root = word(&manifest.root);
    let root_hex = format!("{root:#066x}");
    if let Some((id, d)) = client.find_dataset(root, None).await? {
        if Some(d.curator) == client.sender() {
            let status = lineage_chain::client::dataset_status(d.status);
            return Ok(Registered {
                dataset_id: id,
                root: root_hex,
                status,
                already_registered: true,
                tx: None,
            });
        }
    }
    let (id, sent) = client.register_dataset(manifest, uri).await?;
    Ok(Registered {
        dataset_id: id,
        root: root_hex,
        status: DatasetStatus::Registered,
        already_registered: false,
        tx: Some(sent),
    })
}
