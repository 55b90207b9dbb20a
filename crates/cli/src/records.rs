//! Training records in, as `lineage train` and `lineage prove` read them: JSONL records,
//! dataset manifests, or records named by their works (a list of content hashes or paths,
//! or a folder of the works) and looked up in the named datasets' manifests.

use crate::io::{read_json, Bar};
use anyhow::{bail, Context, Result};
use lineage_core::{
    content::{hash_file, hash_files, list_files},
    ingest::{read_records, Defaults, Progress},
    record::sort_training_order,
    Address, ContentHash, DatasetManifest, License, Record,
};
use std::collections::HashMap;
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
    /// The datasets' manifests in which named works are looked up (empty: none can be).
    pub(crate) lookup: &'a [DatasetManifest],
}

impl Source<'_> {
    /// The records of `path`:
    /// - a folder: every file below it (as dataset folders are read) is a work, named by
    ///   its SHA-256;
    /// - a `.txt` list: one work a line, a content hash (`0x` and 64 hex digits) or a path
    ///   (relative to the list's folder); empty lines and lines starting with `#` skipped;
    /// - a dataset manifest (`.json`; verified, with the profile's fractional bits);
    /// - otherwise JSONL records.
    ///
    /// A named work's record (creator, license, features, label) is its entry in the first
    /// of [`Self::lookup`]'s manifests that holds its content hash.
    pub(crate) fn load(&self, path: &Path) -> Result<Vec<Record>> {
        if path.is_dir() {
            let files = list_files(path)?;
            let paths: Vec<_> = files.iter().map(|(_, p)| p.clone()).collect();
            let bar = Bar::new("hashing the training works");
            bar.begin(paths.len() as u64);
            let hashes = hash_files(&paths, &|| bar.advance());
            bar.finish();
            let names = files.iter().map(|(name, _)| format!("{}/{name}", path.display()));
            let hashes = hashes?;
            return self.named(hashes.into_iter().zip(names));
        }
        if path.extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the list {}", path.display()))?;
            let base = path.parent().unwrap_or(Path::new("."));
            let mut works = Vec::new();
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let at = format!("{}:{}", path.display(), i + 1);
                let hash = if line.starts_with("0x") && line.len() == 66 {
                    line.parse::<ContentHash>().with_context(|| at.clone())?
                } else {
                    hash_file(&base.join(line)).with_context(|| at.clone())?
                };
                works.push((hash, at));
            }
            return self.named(works);
        }
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

    /// The records of works named by content hash (`at` says where each was named).
    fn named(&self, works: impl IntoIterator<Item = (ContentHash, String)>) -> Result<Vec<Record>> {
        let mut index: HashMap<ContentHash, &Record> = HashMap::new();
        for m in self.lookup {
            for r in &m.records {
                index.entry(r.record.content).or_insert(&r.record);
            }
        }
        works
            .into_iter()
            .map(|(hash, at)| match index.get(&hash) {
                Some(r) => Ok((*r).clone()),
                None => bail!(
                    "{at}: no named dataset holds the work {hash}{}",
                    if self.lookup.is_empty() {
                        " (give the manifests with --datasets)"
                    } else {
                        ""
                    }
                ),
            })
            .collect()
    }

    /// The training set: the records of every path, in the training order (ascending
    /// content hash, `sort_training_order`), the order the circuits require and SGD uses.
    pub(crate) fn load_training_set(&self, paths: &[impl AsRef<Path>]) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        for p in paths {
            out.extend(self.load(p.as_ref())?);
        }
        sort_training_order(&mut out);
        // The proofs count every work once (ascending content, strictly): refuse a repeat
        // here, where the user can still see which one.
        if let Some(pair) = out.windows(2).find(|p| p[0].content == p[1].content) {
            bail!(
                "work {} appears more than once in the training data: each work is trained \
                 on (and counted for royalties) once",
                pair[0].content
            );
        }
        Ok(out)
    }
}
