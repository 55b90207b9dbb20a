//! `lineage sample`: write the sample corpus made by code.

use crate::io::write_atomic;
use anyhow::Result;
use lineage_core::sample::{sample_files, DATASETS};
use std::path::PathBuf;

/// Arguments of `lineage sample`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folder to write into (created if missing; sample files in it are overwritten).
    #[arg(short, long, default_value = "sample")]
    out: PathBuf,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let files = sample_files();
        for f in &files {
            write_atomic(&self.out.join(&f.path), &f.bytes)?;
        }
        eprintln!("wrote {} files to {}", files.len(), self.out.display());
        for d in DATASETS {
            println!("{}", self.out.join(d).join("records.jsonl").display());
        }
        Ok(())
    }
}
