//! A model's identity when its training is declared, not proven: the SHA-256 of its
//! weights (`model-sha256-v1`), for any model a circuit cannot re-train (a diffusion
//! checkpoint, an LLM, a LoRA adapter).
//!
//! - **One file** (a `.safetensors`, a `.gguf`, a `.ckpt`): the SHA-256 of its bytes,
//!   exactly what `sha256sum FILE` prints.
//! - **A folder** (safetensors shards with their index, an adapter with its config): every
//!   regular file below it, read as dataset folders are ([`crate::content::list_files`]:
//!   hidden files and folders skipped, symlinks followed, sorted by `/`-separated relative
//!   path compared as bytes). The model hash is the SHA-256 of the line
//!   `lineage-model-folder-v1` followed by one line per file, `<sha256 hex>  <relative
//!   path>`, each line ending in `\n`: the lines `sha256sum` prints, so the names are
//!   part of the hash and anyone can recompute it with standard tools:
//!
//!   ```sh
//!   cd FOLDER && find -L . -type f -not -path '*/.*' | sed 's|^\./||' | LC_ALL=C sort \
//!     | while IFS= read -r f; do sha256sum "$f"; done \
//!     | { echo lineage-model-folder-v1; cat; } | sha256sum
//!   ```
//!
//!   A relative path with a newline or a backslash is refused (`sha256sum` escapes those,
//!   so the line would be ambiguous), and so is a folder with no files.
//!
//! A single file and a folder holding only that file hash differently: the folder's hash
//! names the file. The hash enters a proof as its two 128-bit big-endian halves, as a
//! work's content hash does ([`ContentHash::to_fields`]).

use crate::{
    content::{hash_file, hash_files, list_files},
    ingest::Progress,
    record::ContentHash,
    Error, Result,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The first line hashed for a folder: the convention's name and version.
pub const FOLDER_DOMAIN: &str = "lineage-model-folder-v1";

/// The SHA-256 identity of a model's weights, and what it was taken over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelHash {
    /// The hash (`model-sha256-v1`).
    pub sha256: ContentHash,
    /// `file` or `folder`.
    pub layout: ModelLayout,
    /// The files hashed, by relative path with each one's SHA-256; for a single file, its
    /// name.
    pub files: Vec<ModelFile>,
}

/// Whether a model hash was taken over one file or a folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ModelLayout {
    /// One file: the hash of its bytes.
    File,
    /// A folder: the hash of its `sha256sum` listing.
    Folder,
}

/// One file of a model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Its path relative to the model folder (its file name for a single file).
    pub path: String,
    /// Its SHA-256.
    pub sha256: ContentHash,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Hashes the model at `path`, a file or a folder (see the module docs), reporting each
/// file hashed to `progress` (large checkpoints take a while).
pub fn model_hash(path: &Path, progress: &dyn Progress) -> Result<ModelHash> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        progress.begin(1);
        let sha256 = hash_file(path)?;
        progress.advance();
        let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into());
        let files = vec![ModelFile { path: name, sha256, bytes: meta.len() }];
        return Ok(ModelHash { sha256, layout: ModelLayout::File, files });
    }
    let listed = list_files(path)?;
    if listed.is_empty() {
        return Err(Error::EmptyModel { path: path.to_path_buf() });
    }
    if let Some((rel, _)) = listed.iter().find(|(rel, _)| rel.contains(['\n', '\\'])) {
        return Err(Error::ModelPathUnhashable { path: path.join(rel) });
    }
    let paths: Vec<_> = listed.iter().map(|(_, p)| p.clone()).collect();
    progress.begin(paths.len() as u64);
    let hashes = hash_files(&paths, &|| progress.advance())?;
    let mut files = Vec::with_capacity(listed.len());
    for ((rel, p), sha256) in listed.into_iter().zip(hashes) {
        let bytes = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?.len();
        files.push(ModelFile { path: rel, sha256, bytes });
    }
    Ok(ModelHash { sha256: folder_hash(&files), layout: ModelLayout::Folder, files })
}

/// The folder hash of `files` (already sorted by path): SHA-256 of the domain line and
/// their `sha256sum` lines.
fn folder_hash(files: &[ModelFile]) -> ContentHash {
    let mut h = Sha256::new();
    h.update(FOLDER_DOMAIN.as_bytes());
    h.update(b"\n");
    for f in files {
        h.update(hex::encode(f.sha256.0).as_bytes());
        h.update(b"  ");
        h.update(f.path.as_bytes());
        h.update(b"\n");
    }
    ContentHash(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::hash_bytes;
    use std::fs;

    fn write(dir: &Path, rel: &str, bytes: &[u8]) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    #[test]
    fn a_file_is_the_sha256_of_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "model.safetensors", b"weights");
        let m = model_hash(&dir.path().join("model.safetensors"), &()).unwrap();
        assert_eq!(m.sha256, hash_bytes(b"weights"));
        assert_eq!(m.layout, ModelLayout::File);
        assert_eq!((m.files[0].path.as_str(), m.files[0].bytes), ("model.safetensors", 7));
    }

    #[test]
    fn a_folder_is_its_sorted_sha256sum_listing_whatever_the_creation_order() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let files: [(&str, &[u8]); 4] = [
            ("model-00002-of-00002.safetensors", b"shard two"),
            ("config.json", b"{}"),
            ("model-00001-of-00002.safetensors", b"shard one"),
            ("tokenizer/vocab.txt", b"a b c"),
        ];
        for (rel, bytes) in files {
            write(a.path(), rel, bytes);
        }
        for (rel, bytes) in files.iter().rev() {
            write(b.path(), rel, bytes);
        }
        write(b.path(), ".git/HEAD", b"hidden: not part of the model");
        let (ma, mb) = (model_hash(a.path(), &()).unwrap(), model_hash(b.path(), &()).unwrap());
        assert_eq!(ma, mb);
        assert_eq!(ma.layout, ModelLayout::Folder);
        let listing = "lineage-model-folder-v1\n".to_owned()
            + &format!("{}  config.json\n", hex::encode(hash_bytes(b"{}").0))
            + &format!(
                "{}  model-00001-of-00002.safetensors\n",
                hex::encode(hash_bytes(b"shard one").0)
            )
            + &format!(
                "{}  model-00002-of-00002.safetensors\n",
                hex::encode(hash_bytes(b"shard two").0)
            )
            + &format!("{}  tokenizer/vocab.txt\n", hex::encode(hash_bytes(b"a b c").0));
        assert_eq!(ma.sha256, hash_bytes(listing.as_bytes()));

        // A renamed file is another model, as is one changed byte.
        fs::rename(a.path().join("config.json"), a.path().join("config2.json")).unwrap();
        assert_ne!(model_hash(a.path(), &()).unwrap().sha256, mb.sha256);
        write(b.path(), "tokenizer/vocab.txt", b"a b d");
        assert_ne!(model_hash(b.path(), &()).unwrap().sha256, ma.sha256);
    }

    /// The shell recipe in the module docs gives the same hash (coreutils' sha256sum).
    #[test]
    fn the_documented_shell_recipe_agrees() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b/w.bin", &[0u8, 1, 2, 255]);
        write(dir.path(), "a b.json", b"{\"r\": 8}");
        write(dir.path(), "B.txt", b"upper case sorts first in byte order");
        write(dir.path(), ".cache/x", b"hidden");
        let recipe = "find -L . -type f -not -path '*/.*' | sed 's|^\\./||' | LC_ALL=C sort \
            | while IFS= read -r f; do sha256sum \"$f\"; done \
            | { echo lineage-model-folder-v1; cat; } | sha256sum";
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(recipe)
            .current_dir(dir.path())
            .output()
            .expect("sh runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8(out.stdout).unwrap();
        let m = model_hash(dir.path(), &()).unwrap();
        assert_eq!(printed.split_whitespace().next(), Some(hex::encode(m.sha256.0).as_str()));
    }

    #[test]
    fn refuses_an_empty_folder_and_an_ambiguous_name() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(model_hash(dir.path(), &()), Err(Error::EmptyModel { .. })));
        write(dir.path(), "new\nline.bin", b"x");
        assert!(matches!(model_hash(dir.path(), &()), Err(Error::ModelPathUnhashable { .. })));
        assert!(model_hash(&dir.path().join("missing"), &()).is_err());
    }
}
