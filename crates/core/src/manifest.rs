//! The versioned dataset manifest: a dataset's records, its Merkle root and its counts.
//!
//! ```json
//! { "version": 1, "depth": 16, "frac_bits": 16, "root": "0x…", "leaf_count": 24,
//!   "counts": { "by_creator": { "0x…": 24 }, "by_license": { "1": 24 } },
//!   "records": [ { "content": "0x…", "creator": "0x…", "license": 1,
//!                  "features": [65536, -3277], "label": 1, "source": "work-000.txt",
//!                  "leaf": "0x…" } ] }
//! ```
//! `root` and `leaf` are derived values kept for readers; [`DatasetManifest::verify`]
//! recomputes them and refuses a manifest whose stored values disagree.

use crate::{
    field::{fr_hex, fr_hex_vec, fr_to_hex, Fr},
    merkle::{check_capacity, MerkleProof, MerkleTree},
    record::{ContentHash, Record},
    Error, Result,
};
use alloy_primitives::Address;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Manifest format version written and read by this build.
pub const MANIFEST_VERSION: u32 = 1;
/// Inclusion-proof format version written and read by this build.
pub const INCLUSION_PROOF_VERSION: u32 = 1;

/// A record as it sits in a manifest: where it came from and its leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRecord {
    /// The committed record.
    #[serde(flatten)]
    pub record: Record,
    /// Where the record came from (a path relative to the dataset source), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The record's leaf.
    #[serde(with = "fr_hex")]
    pub leaf: Fr,
}

/// Records per creator and per license.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Number of records per creator address.
    pub by_creator: BTreeMap<Address, u64>,
    /// Number of records per license code.
    pub by_license: BTreeMap<u32, u64>,
}

impl Counts {
    fn of<'a>(records: impl Iterator<Item = &'a Record>) -> Self {
        let mut c = Self::default();
        for r in records {
            *c.by_creator.entry(r.creator).or_default() += 1;
            *c.by_license.entry(r.license.code()).or_default() += 1;
        }
        c
    }
}

/// A committed dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetManifest {
    /// Format version ([`MANIFEST_VERSION`]).
    pub version: u32,
    /// Merkle tree depth.
    pub depth: u32,
    /// Fractional bits of the fixed-point features.
    pub frac_bits: u32,
    /// Poseidon Merkle root over the leaves in order.
    #[serde(with = "fr_hex")]
    pub root: Fr,
    /// Number of records.
    pub leaf_count: u64,
    /// Records per creator and per license.
    pub counts: Counts,
    /// The records, in leaf order.
    pub records: Vec<ManifestRecord>,
}

/// A record with the place it came from, before it is committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourcedRecord {
    /// The record.
    pub record: Record,
    /// Where it came from, for messages and the manifest.
    pub source: Option<String>,
}

impl DatasetManifest {
    /// Commits `records` (in this order) in a tree of `depth`. Refuses duplicate content
    /// and more records than the depth holds.
    pub fn build(
        records: Vec<SourcedRecord>,
        depth: u32,
        frac_bits: u32,
    ) -> Result<(Self, MerkleTree)> {
        check_capacity(records.len(), depth)?;
        let mut seen: HashMap<ContentHash, usize> = HashMap::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            if let Some(first) = seen.insert(r.record.content, i) {
                return Err(Error::DuplicateContent {
                    content: r.record.content.to_string(),
                    first: describe(&records[first], first),
                    second: describe(r, i),
                });
            }
        }
        let leaves: Vec<Fr> = records.par_iter().map(|r| r.record.leaf()).collect();
        let tree = MerkleTree::new(leaves, depth)?;
        let counts = Counts::of(records.iter().map(|r| &r.record));
        let records = records
            .into_iter()
            .zip(tree.leaves())
            .map(|(r, leaf)| ManifestRecord { record: r.record, source: r.source, leaf: *leaf })
            .collect();
        let manifest = Self {
            version: MANIFEST_VERSION,
            depth,
            frac_bits,
            root: tree.root(),
            leaf_count: tree.len() as u64,
            counts,
            records,
        };
        Ok((manifest, tree))
    }

    /// Recomputes every leaf, the root and the counts; returns the tree when all agree.
    pub fn verify(&self) -> Result<MerkleTree> {
        if self.version != MANIFEST_VERSION {
            return Err(Error::UnsupportedVersion {
                what: "manifest",
                found: self.version,
                expected: MANIFEST_VERSION,
            });
        }
        let leaves: Vec<Fr> = self.records.par_iter().map(|r| r.record.leaf()).collect();
        if let Some((i, (r, leaf))) =
            self.records.iter().zip(&leaves).enumerate().find(|(_, (r, l))| r.leaf != **l)
        {
            return Err(mismatch(
                format!("leaf of record {i}"),
                fr_to_hex(&r.leaf),
                fr_to_hex(leaf),
            ));
        }
        let tree = MerkleTree::new(leaves, self.depth)?;
        if tree.root() != self.root {
            return Err(mismatch("root".into(), fr_to_hex(&self.root), fr_to_hex(&tree.root())));
        }
        if self.leaf_count != self.records.len() as u64 {
            return Err(mismatch(
                "leaf_count".into(),
                self.leaf_count.to_string(),
                self.records.len().to_string(),
            ));
        }
        let counts = Counts::of(self.records.iter().map(|r| &r.record));
        if counts != self.counts {
            return Err(mismatch(
                "counts".into(),
                format!("{:?}", self.counts),
                format!("{counts:?}"),
            ));
        }
        Ok(tree)
    }

    /// Position of the record with this content.
    pub fn index_of(&self, content: &ContentHash) -> Result<u64> {
        self.records
            .iter()
            .position(|r| r.record.content == *content)
            .map(|i| i as u64)
            .ok_or_else(|| Error::ContentNotFound { content: content.to_string() })
    }

    /// The inclusion proof of record `index`, given this manifest's tree.
    pub fn inclusion_proof(&self, tree: &MerkleTree, index: u64) -> Result<InclusionProof> {
        let path = tree.proof(index)?;
        let entry = &self.records[index as usize];
        Ok(InclusionProof {
            version: INCLUSION_PROOF_VERSION,
            root: tree.root(),
            depth: tree.depth(),
            index,
            record: entry.record.clone(),
            leaf: entry.leaf,
            siblings: path.siblings,
        })
    }
}

fn describe(r: &SourcedRecord, i: usize) -> String {
    r.source.clone().unwrap_or_else(|| format!("record {i}"))
}

fn mismatch(what: String, stored: String, computed: String) -> Error {
    Error::ManifestMismatch { what, stored, computed }
}

/// A self-contained proof that one record is in a dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    /// Format version ([`INCLUSION_PROOF_VERSION`]).
    pub version: u32,
    /// The dataset root the proof opens to.
    #[serde(with = "fr_hex")]
    pub root: Fr,
    /// Tree depth.
    pub depth: u32,
    /// Leaf position.
    pub index: u64,
    /// The record (the leaf's preimage).
    pub record: Record,
    /// The record's leaf.
    #[serde(with = "fr_hex")]
    pub leaf: Fr,
    /// Siblings from the leaves up.
    #[serde(with = "fr_hex_vec")]
    pub siblings: Vec<Fr>,
}

impl InclusionProof {
    /// Checks the proof: the leaf is the record's, the path has the stated depth, and it
    /// opens to `expected_root` (or, when `None`, to the root the proof names).
    pub fn verify(&self, expected_root: Option<Fr>) -> Result<()> {
        let reject = |reason: String| Err(Error::InclusionRejected { reason });
        if self.version != INCLUSION_PROOF_VERSION {
            return Err(Error::UnsupportedVersion {
                what: "inclusion proof",
                found: self.version,
                expected: INCLUSION_PROOF_VERSION,
            });
        }
        let leaf = self.record.leaf();
        if leaf != self.leaf {
            return reject(format!(
                "the record hashes to leaf {}, not {}",
                fr_to_hex(&leaf),
                fr_to_hex(&self.leaf)
            ));
        }
        if self.siblings.len() != self.depth as usize {
            return reject(format!("{} siblings for depth {}", self.siblings.len(), self.depth));
        }
        let path = MerkleProof { index: self.index, siblings: self.siblings.clone() };
        let Some(root) = path.root_from(leaf) else {
            return reject(format!("index {} does not fit depth {}", self.index, self.depth));
        };
        if root != self.root {
            return reject(format!(
                "the path opens to {}, not the stated root {}",
                fr_to_hex(&root),
                fr_to_hex(&self.root)
            ));
        }
        match expected_root {
            Some(expected) if expected != root => reject(format!(
                "the proof is for root {}, not {}",
                fr_to_hex(&root),
                fr_to_hex(&expected)
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::License;
    use ff::Field;

    fn built() -> (DatasetManifest, MerkleTree) {
        let records = (0..5u8)
            .map(|i| SourcedRecord {
                record: Record {
                    content: ContentHash([i; 32]),
                    creator: Address::from([i % 2; 20]),
                    license: License::new(u32::from(i % 3)).unwrap(),
                    features: vec![],
                    label: 0,
                },
                source: None,
            })
            .collect();
        DatasetManifest::build(records, 3, 16).unwrap()
    }

    #[test]
    fn verify_refuses_every_stored_value_that_disagrees() {
        let (m, _) = built();
        assert!(m.verify().is_ok());
        let mut bad = m.clone();
        bad.root += Fr::ONE;
        assert!(
            matches!(bad.verify(), Err(Error::ManifestMismatch { what, .. }) if what == "root")
        );
        let mut bad = m.clone();
        bad.leaf_count += 1;
        assert!(
            matches!(bad.verify(), Err(Error::ManifestMismatch { what, .. }) if what == "leaf_count")
        );
        let mut bad = m.clone();
        *bad.counts.by_license.entry(0).or_default() += 1;
        assert!(
            matches!(bad.verify(), Err(Error::ManifestMismatch { what, .. }) if what == "counts")
        );
        let mut bad = m.clone();
        bad.records[2].leaf += Fr::ONE;
        assert!(
            matches!(bad.verify(), Err(Error::ManifestMismatch { what, .. }) if what == "leaf of record 2")
        );
        let mut bad = m;
        bad.version = 2;
        assert!(matches!(bad.verify(), Err(Error::UnsupportedVersion { found: 2, .. })));
    }

    #[test]
    fn inclusion_proof_shape_is_checked() {
        let (m, tree) = built();
        let good = m.inclusion_proof(&tree, 4).unwrap();
        assert!(good.verify(Some(m.root)).is_ok());
        let mut bad = good.clone();
        bad.siblings.pop();
        assert!(bad.verify(None).unwrap_err().to_string().contains("siblings for depth"));
        let mut bad = good.clone();
        bad.index = 8;
        assert!(bad.verify(None).unwrap_err().to_string().contains("does not fit depth"));
        let mut bad = good;
        bad.version = 0;
        assert!(matches!(bad.verify(None), Err(Error::UnsupportedVersion { .. })));
    }

    #[test]
    fn duplicate_content_is_refused() {
        let (m, _) = built();
        let mut records: Vec<SourcedRecord> = m
            .records
            .iter()
            .map(|r| SourcedRecord { record: r.record.clone(), source: r.source.clone() })
            .collect();
        records.push(records[1].clone());
        assert!(matches!(
            DatasetManifest::build(records, 3, 16),
            Err(Error::DuplicateContent { first, second, .. }) if first == "record 1" && second == "record 5"
        ));
    }
}
