//! `lineage model-hash PATH`: the identity of a model file or folder whose training is
//! declared rather than proven (a diffusion checkpoint, an LLM, a LoRA adapter): the
//! SHA-256 of the file, or of a folder's sorted `sha256sum` listing (`model-sha256-v1`,
//! documented in `lineage_core::model`).

use crate::io::{print_json, Bar};
use anyhow::{Context, Result};
use lineage_core::model::{model_hash, ModelLayout};
use std::path::PathBuf;

/// Arguments of `lineage model-hash`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The model: one weights file, or a folder of them (shards, adapter and config).
    path: PathBuf,
    /// Print the hash, the layout and every file with its SHA-256 as JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let bar = Bar::new("hashing the model");
        let m = model_hash(&self.path, &bar)
            .with_context(|| format!("hashing the model at {}", self.path.display()))?;
        bar.finish();
        if self.json {
            return print_json(&m);
        }
        let bytes: u64 = m.files.iter().map(|f| f.bytes).sum();
        eprintln!(
            "{} {}: {} file{}, {} bytes (model-sha256-v1)",
            match m.layout {
                ModelLayout::File => "file",
                ModelLayout::Folder => "folder",
            },
            self.path.display(),
            m.files.len(),
            if m.files.len() == 1 { "" } else { "s" },
            bytes
        );
        println!("{}", m.sha256);
        Ok(())
    }
}
