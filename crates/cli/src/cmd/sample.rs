//! `lineage sample`: write a sample corpus made by code.

use crate::io::write_atomic;
use anyhow::Result;
use lineage_core::{
    merkle::min_depth,
    sample::{sample_corpus, DATASETS, DEFAULT_RECORDS},
};
use std::path::PathBuf;

/// Arguments of `lineage sample`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folder to write into (created if missing; sample files in it are overwritten).
    #[arg(short, long, default_value = "sample")]
    out: PathBuf,
    /// Records in all, split between the two datasets (the default is the demo's
    /// sample). Deterministic: the same number gives the same files.
    #[arg(long, default_value_t = DEFAULT_RECORDS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(2..=1 << 24))]
    records: usize,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let files = sample_corpus(self.records);
        for f in &files {
            write_atomic(&self.out.join(&f.path), &f.bytes)?;
        }
        let largest = self.records.div_ceil(DATASETS.len()) as u64;
        eprintln!(
            "wrote {} files ({} records) to {}; build each dataset with --depth {} or more",
            files.len(),
            self.records,
            self.out.display(),
            min_depth(largest)
        );
        for d in DATASETS {
            println!("{}", self.out.join(d).join("records.jsonl").display());
        }
        Ok(())
    }
}
