//! `lineage dataset build`.

use crate::io::{print_json, write_json, Bar};
use anyhow::{Context, Result};
use lineage_core::{
    field::fr_to_hex,
    ingest::{read_records, Defaults},
    record::parse_address,
    DatasetManifest, License,
};
use serde_json::json;
use std::path::PathBuf;

/// Arguments of `lineage dataset build`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A folder of works (every file is one record) or a `.jsonl` file of records.
    source: PathBuf,
    /// Creator address for records that do not name one.
    #[arg(long, env = "LINEAGE_CREATOR", value_parser = parse_address)]
    creator: Option<lineage_core::Address>,
    /// License code (0-63) for records that do not name one.
    #[arg(long, env = "LINEAGE_LICENSE")]
    license: Option<License>,
    /// Merkle tree depth: the dataset holds at most 2^depth records.
    #[arg(long, env = "LINEAGE_DEPTH", default_value_t = 16)]
    depth: u32,
    /// Fractional bits used to store features as fixed-point integers.
    #[arg(long, env = "LINEAGE_FRAC_BITS", default_value_t = 16)]
    frac_bits: u32,
    /// Where to write the manifest.
    #[arg(short, long)]
    out: PathBuf,
    /// Print a JSON summary on stdout instead of the bare root.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let defaults =
            Defaults { creator: self.creator, license: self.license, frac_bits: self.frac_bits };
        let bar = Bar::new("hashing");
        let records = read_records(&self.source, &defaults, &bar);
        bar.finish();
        let records = records?;
        let (manifest, _tree) = DatasetManifest::build(records, self.depth, self.frac_bits)?;
        write_json(&self.out, &manifest).context("writing the manifest")?;
        let root = fr_to_hex(&manifest.root);
        if self.json {
            print_json(&json!({
                "root": root,
                "depth": manifest.depth,
                "leaf_count": manifest.leaf_count,
                "counts": manifest.counts,
                "manifest": self.out,
            }))?;
        } else {
            eprintln!(
                "{} records from {} creator(s) under {} license(s), depth {} -> {}",
                manifest.leaf_count,
                manifest.counts.by_creator.len(),
                manifest.counts.by_license.len(),
                manifest.depth,
                self.out.display()
            );
            println!("{root}");
        }
        Ok(())
    }
}
