//! A proof tree's work folder: every finished chunk and node proof, written as it is made
//! and named by a hash of what it proves, so that a rerun after a crash or `kill -9`
//! reuses every finished proof and redoes none.
//!
//! A file is `<slot>-<first 16 hex of its key>.json` (e.g. `chunk.00001-3f0c….json`,
//! `node.h01.00000-….json`), holding `{"format": "lineage-proof-v1", "slot", "key",
//! "instances": [hex], "proof": hex}`. The key is SHA-256 over:
//! - a chunk: `"lineage-chunk-v1"`, the chunk key's SHA-256 and the chunk's public words,
//!   computed natively from its witness (a proof of the same words under the same key
//!   proves the same statement);
//! - a node: `"lineage-node-v1"`, its node key's SHA-256 and its children's keys (no right
//!   key for a padded node).
//!
//! So other records, another key (a changed circuit, another SRS) or another chunking give
//! other names, and nothing stale is ever picked up. Files are written to a temporary name
//! and renamed, so a killed run leaves whole files or none. A reused proof is still
//! verified natively before a parent is proven over it (the tree verifies every child), and
//! a reused chunk proof must expose exactly its witness's words.

use crate::{plan::Slot, tree::Proof, Error};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_core::field::{fr_from_hex, fr_to_hex};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The format of a proof file.
pub const PROOF_FORMAT: &str = "lineage-proof-v1";

/// What a finished proof is named by.
pub type Key = [u8; 32];

/// A work folder.
#[derive(Clone, Debug)]
pub struct Work {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct ProofFile {
    format: String,
    slot: String,
    key: String,
    instances: Vec<String>,
    proof: String,
}

/// The key of a chunk proof: its chunk key and its public words.
pub fn chunk_key(vk_sha256: &str, instances: &[Fr]) -> Key {
    let mut h = Sha256::new();
    h.update(b"lineage-chunk-v1");
    h.update(vk_sha256.as_bytes());
    for x in instances {
        h.update(x.to_bytes());
    }
    h.finalize().into()
}

/// The key of a node proof: its node key and its children's keys.
pub fn node_key(vk_sha256: &str, left: &Key, right: Option<&Key>) -> Key {
    let mut h = Sha256::new();
    h.update(b"lineage-node-v1");
    h.update(vk_sha256.as_bytes());
    h.update(left);
    if let Some(r) = right {
        h.update(r);
    }
    h.finalize().into()
}

/// The file name of `slot`'s proof under `key` in a work folder.
pub fn file_name(slot: Slot, key: &Key) -> String {
    format!("{slot}-{}.json", &hex::encode(key)[..16])
}

/// The proof in the file at `path` if it is a whole proof file of `slot` under `key`; a file
/// that does not parse, or names another slot or key, is `None`.
pub fn read(path: &Path, slot: Slot, key: &Key) -> Option<Proof> {
    let text = std::fs::read_to_string(path).ok()?;
    let f: ProofFile = serde_json::from_str(&text).ok()?;
    if f.format != PROOF_FORMAT || f.slot != slot.to_string() || f.key != hex::encode(key) {
        return None;
    }
    let instances = f.instances.iter().map(|x| fr_from_hex(x).ok()).collect::<Option<_>>()?;
    let proof = hex::decode(f.proof.trim_start_matches("0x")).ok()?;
    Some(Proof { instances, proof })
}

/// Writes the proof of `slot` under `key` to `path` (a temporary file, then renamed).
pub fn write(path: &Path, slot: Slot, key: &Key, proof: &Proof) -> Result<(), Error> {
    let file = ProofFile {
        format: PROOF_FORMAT.to_owned(),
        slot: slot.to_string(),
        key: hex::encode(key),
        instances: proof.instances.iter().map(fr_to_hex).collect(),
        proof: format!("0x{}", hex::encode(&proof.proof)),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(Error::json)?;
    write_atomic(path, &json)
}

/// Writes `bytes` to a temporary file beside `path` and renames it into place, so a killed
/// process leaves the whole file or none.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".tmp-{}", std::process::id()));
    let tmp = path.with_file_name(name);
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

impl Work {
    /// The work folder at `dir`, created if missing.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Self { dir: dir.to_owned() })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `slot`'s proof under `key`.
    pub fn path(&self, slot: Slot, key: &Key) -> PathBuf {
        self.dir.join(file_name(slot, key))
    }

    /// The finished proof of `slot` under `key`, if one was written whole ([`read`]).
    pub fn load(&self, slot: Slot, key: &Key) -> Option<Proof> {
        read(&self.path(slot, key), slot, key)
    }

    /// Writes the proof of `slot` under `key` ([`write`]).
    pub fn store(&self, slot: Slot, key: &Key, proof: &Proof) -> Result<(), Error> {
        write(&self.path(slot, key), slot, key, proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proof() -> Proof {
        Proof { instances: vec![Fr::from(3), Fr::from(5)], proof: vec![1, 2, 3] }
    }

    #[test]
    fn a_stored_proof_is_loaded_back_under_its_slot_and_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let work = Work::open(&dir.path().join("w")).unwrap();
        let slot = Slot::Chunk(1);
        let key = chunk_key("ab", &proof().instances);
        assert_eq!(work.load(slot, &key), None, "nothing yet");
        work.store(slot, &key, &proof()).unwrap();
        assert_eq!(work.load(slot, &key), Some(proof()));
        assert_eq!(work.load(Slot::Chunk(2), &key), None, "another slot");
        assert_eq!(work.load(slot, &chunk_key("cd", &proof().instances)), None, "another key");
        // A damaged file is ignored, not an error.
        std::fs::write(work.path(slot, &key), "{\"format\": ").unwrap();
        assert_eq!(work.load(slot, &key), None);
    }

    #[test]
    fn keys_change_with_every_input() {
        let words = [Fr::from(1), Fr::from(2)];
        let a = chunk_key("ab", &words);
        assert_ne!(a, chunk_key("ac", &words), "another chunk key");
        assert_ne!(a, chunk_key("ab", &[Fr::from(1), Fr::from(3)]), "other words");
        let b = chunk_key("ab", &[Fr::from(7)]);
        let n = node_key("ee", &a, Some(&b));
        assert_ne!(n, node_key("ee", &b, Some(&a)), "children swapped");
        assert_ne!(n, node_key("ee", &a, None), "padded");
        assert_ne!(n, node_key("ef", &a, Some(&b)), "another node key");
    }
}
