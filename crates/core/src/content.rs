//! SHA-256 content hashing of files, streamed and spread over all cores.
//!
//! This module and [`crate::ingest`] are the only parts of `lineage-core` that touch the
//! file system, and they only read.

use crate::{record::ContentHash, Error, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::{
    fs::File,
    io::Read,
    path::{Path, PathBuf},
};

/// SHA-256 of a byte slice.
pub fn hash_bytes(bytes: &[u8]) -> ContentHash {
    ContentHash(Sha256::digest(bytes).into())
}

/// SHA-256 of one file, read in 64 KiB blocks.
pub fn hash_file(path: &Path) -> Result<ContentHash> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(ContentHash(hasher.finalize().into()))
}

/// Hashes `paths` in parallel, calling `on_done` after each file; results keep the input
/// order. The first failing path in input order is reported.
pub fn hash_files(paths: &[PathBuf], on_done: &(dyn Fn() + Sync)) -> Result<Vec<ContentHash>> {
    paths
        .par_iter()
        .map(|p| {
            let h = hash_file(p);
            on_done();
            h
        })
        .collect()
}

/// Every regular file below `dir`, as `(relative path, path)`, sorted by relative path
/// (`/`-separated, compared as bytes), so that nothing depends on the order the file
/// system lists entries in. Hidden files and folders (a name starting with `.`) are
/// skipped; symlinks are followed, and a dangling link or a loop is an error, never
/// silently dropped. Dataset folders ([`crate::ingest`]) and model folders
/// ([`crate::model`]) are read this way.
pub fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(
                path,
                e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop")),
            )
        })?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((rel, entry.into_path()));
        }
    }
    files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        assert_eq!(
            hash_bytes(b"abc").to_string(),
            "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn file_matches_bytes_and_missing_file_names_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bin");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &data).unwrap();
        assert_eq!(hash_file(&p).unwrap(), hash_bytes(&data));
        let missing = dir.path().join("nope");
        let err = hash_files(&[p, missing.clone()], &|| {}).unwrap_err();
        assert!(err.to_string().contains(&missing.display().to_string()));
    }
}
