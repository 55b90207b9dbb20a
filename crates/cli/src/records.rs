//! Training records in: JSONL records or dataset manifests, as `lineage train` and
//! `lineage prove` read them.

use crate::io::{read_json, Bar};
use anyhow::{bail, Context, Result};
use lineage_core::{
    ingest::{read_records, Defaults},
    record::sort_training_order,
    Address, DatasetManifest, License, Record,
};
use std::path::Path;

/// Where records come from and the defaults for JSONL records that omit a field.
pub(crate) struct Source<'a> {
    /// The profile name, for messages.
    pub(crate) profile: &'a str,
    /// Fractional bits of the profile.
    pub(crate) frac_bits: u32,
    /// Creator for JSONL records that name none.
    pub(crate) creator: Option<Address>,
    /// License for JSONL records that name none.
    pub(crate) license: Option<License>,
}

impl Source<'_> {
    /// The records of `path`: a dataset manifest (`.json`; verified, with the profile's
    /// fractional bits) or JSONL records.
    pub(crate) fn load(&self, path: &Path) -> Result<Vec<Record>> {
        if path.extension().is_some_and(|e| e == "json") {
            let manifest: DatasetManifest = read_json(path, "dataset manifest")?;
            manifest.verify().with_context(|| format!("{}", path.display()))?;
            if manifest.frac_bits != self.frac_bits {
                bail!(
                    "{}: features have frac_bits {}, the {} profile trains at {} \
                     (rebuild the dataset with --frac-bits {})",
                    path.display(),
                    manifest.frac_bits,
                    self.profile,
                    self.frac_bits,
                    self.frac_bits
                );
            }
            return Ok(manifest.records.into_iter().map(|r| r.record).collect());
        }
        let defaults =
            Defaults { creator: self.creator, license: self.license, frac_bits: self.frac_bits };
        let bar = Bar::new("hashing");
        let records = read_records(path, &defaults, &bar);
        bar.finish();
        Ok(records?.into_iter().map(|r| r.record).collect())
    }

    /// The training set: the records of every path, in the training order (ascending
    /// content hash, `sort_training_order`), the order the circuits require and SGD uses.
    pub(crate) fn load_training_set(&self, paths: &[impl AsRef<Path>]) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        for p in paths {
            out.extend(self.load(p.as_ref())?);
        }
        sort_training_order(&mut out);
        Ok(out)
    }
}
