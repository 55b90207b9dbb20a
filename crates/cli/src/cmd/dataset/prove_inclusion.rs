//! `lineage dataset prove-inclusion`.

use crate::io::{print_json, read_json, write_json};
use anyhow::{bail, Result};
use lineage_core::{content::hash_file, ContentHash, DatasetManifest};
use std::path::PathBuf;

/// Arguments of `lineage dataset prove-inclusion`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["content", "content_hash", "index"])))]
pub(crate) struct Args {
    /// The dataset manifest.
    manifest: PathBuf,
    /// The work whose record to prove (its SHA-256 is looked up).
    #[arg(long)]
    content: Option<PathBuf>,
    /// The record's content hash (0x + 64 hex digits).
    #[arg(long)]
    content_hash: Option<ContentHash>,
    /// The record's position in the manifest.
    #[arg(long)]
    index: Option<u64>,
    /// Write the proof to this file instead of stdout.
    #[arg(short, long)]
    out: Option<PathBuf>,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let manifest: DatasetManifest = read_json(&self.manifest, "dataset manifest")?;
        let tree = manifest.verify()?;
        let index = match (self.content, self.content_hash, self.index) {
            (Some(file), _, _) => manifest.index_of(&hash_file(&file)?)?,
            (_, Some(hash), _) => manifest.index_of(&hash)?,
            (_, _, Some(index)) => index,
            _ => bail!("give --content, --content-hash or --index"),
        };
        let proof = manifest.inclusion_proof(&tree, index)?;
        match self.out {
            Some(path) => {
                write_json(&path, &proof)?;
                eprintln!("record {index} -> {}", path.display());
            }
            None => print_json(&proof)?,
        }
        Ok(())
    }
}
