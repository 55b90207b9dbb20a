//! `lineage dataset register MANIFEST`: registers a dataset's root, leaf count and
//! creators (weighted by their number of works) in the registry. A root has one dataset id,
//! forever (the registry refuses it again, even after a revocation), so this is idempotent:
//! a root the sender already registered is reported with its id and status, and one that
//! another curator registered is an error naming that dataset's id.

use crate::{chain::TxArgs, io::read_json};
use anyhow::{bail, Result};
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

/// Registers `manifest` unless its root is registered already: the sender's own dataset is
/// reported as it is, another curator's is an error naming its id.
pub(crate) async fn register(
    client: &lineage_chain::Client,
    manifest: &DatasetManifest,
    uri: &str,
) -> Result<Registered> {
    let root = word(&manifest.root);
    let root_hex = format!("{root:#066x}");
    if let Some((id, d)) = client.find_dataset(root, None).await? {
        let status = lineage_chain::client::dataset_status(d.status);
        if Some(d.curator) != client.sender() {
            bail!(
                "root {root_hex} is already registered as dataset {id} ({status:?}) by curator \
                 {}: the registry keeps one dataset id per root, forever",
                d.curator
            );
        }
        return Ok(Registered {
            dataset_id: id,
            root: root_hex,
            status,
            already_registered: true,
            tx: None,
        });
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
