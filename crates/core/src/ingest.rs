//! Reading a dataset's records from a folder of works or from a JSONL file.
//!
//! A folder: every regular file below it is one work. Hidden files and folders are
//! skipped; symlinks are followed, and a dangling link or a loop is an error, never
//! silently dropped. Records are ordered by relative path (byte order), so the root does
//! not depend on the order the file system lists entries in.
//!
//! A JSONL file: one record per non-empty line, in file order:
//! `{"path": "works/a.png", "creator": "0x…", "license": 1, "features": [0.5, -1.25], "label": 1}`
//! with exactly one of `path` (relative to the JSONL file's folder; hashed) or `content`
//! (a SHA-256 given as hex). `creator` and `license` fall back to the defaults; features
//! are real numbers stored as fixed-point integers `round(x * 2^frac_bits)`.

use crate::{
    content::{hash_files, list_files},
    manifest::SourcedRecord,
    record::{parse_address, ContentHash, License, Record},
    Error, Result,
};
use alloy_primitives::Address;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Largest supported `frac_bits`.
pub const MAX_FRAC_BITS: u32 = 32;
/// Fixed-point magnitudes must stay below 2^62.
const MAX_FIXED_ABS: f64 = (1u64 << 62) as f64;

/// Values applied to records that do not carry their own.
#[derive(Clone, Debug, Default)]
pub struct Defaults {
    /// Creator for records without one.
    pub creator: Option<Address>,
    /// License for records without one.
    pub license: Option<License>,
    /// Fractional bits used to quantise features.
    pub frac_bits: u32,
}

/// Receives progress while files are hashed.
pub trait Progress: Sync {
    /// Hashing of `total` files begins.
    fn begin(&self, _total: u64) {}
    /// One more file is hashed.
    fn advance(&self) {}
}

impl Progress for () {}

/// Reads records from a folder or a `.jsonl` file.
pub fn read_records(
    source: &Path,
    defaults: &Defaults,
    progress: &dyn Progress,
) -> Result<Vec<SourcedRecord>> {
    if defaults.frac_bits > MAX_FRAC_BITS {
        return Err(Error::InvalidFeature {
            value: f64::from(defaults.frac_bits),
            reason: format!("frac_bits must be at most {MAX_FRAC_BITS}"),
        });
    }
    let meta = std::fs::metadata(source).map_err(|e| Error::io(source, e))?;
    if meta.is_dir() {
        from_dir(source, defaults, progress)
    } else {
        from_jsonl(source, defaults, progress)
    }
}

/// Quantises a real feature to fixed point with `frac_bits` fractional bits.
pub fn quantize(x: f64, frac_bits: u32) -> Result<i64> {
    let invalid = |reason: &str| Error::InvalidFeature { value: x, reason: reason.to_owned() };
    if !x.is_finite() {
        return Err(invalid("not a finite number"));
    }
    let scaled = (x * 2f64.powi(frac_bits as i32)).round();
    if scaled.abs() >= MAX_FIXED_ABS {
        return Err(invalid("too large for the fixed-point range (|x| * 2^frac_bits < 2^62)"));
    }
    Ok(scaled as i64)
}

fn from_dir(
    dir: &Path,
    defaults: &Defaults,
    progress: &dyn Progress,
) -> Result<Vec<SourcedRecord>> {
    let files = list_files(dir)?;
    if files.is_empty() {
        return Err(Error::EmptyDataset { path: dir.to_path_buf() });
    }
    let creator = defaults.creator.ok_or_else(|| missing(dir.display().to_string(), "creator"))?;
    let license = defaults.license.ok_or_else(|| missing(dir.display().to_string(), "license"))?;
    let paths: Vec<PathBuf> = files.iter().map(|(_, p)| p.clone()).collect();
    progress.begin(paths.len() as u64);
    let hashes = hash_files(&paths, &|| progress.advance())?;
    Ok(files
        .into_iter()
        .zip(hashes)
        .map(|((rel, _), content)| SourcedRecord {
            record: Record { content, creator, license, features: vec![], label: 0 },
            source: Some(rel),
        })
        .collect())
}

/// One JSONL line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    path: Option<String>,
    content: Option<String>,
    creator: Option<String>,
    license: Option<u64>,
    #[serde(default)]
    features: Vec<f64>,
    #[serde(default)]
    label: u32,
}

enum Content {
    Given(ContentHash),
    File(PathBuf),
}

fn from_jsonl(
    path: &Path,
    defaults: &Defaults,
    progress: &dyn Progress,
) -> Result<Vec<SourcedRecord>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut pending: Vec<(Content, Record, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let bad =
            |message: String| Error::Jsonl { path: path.to_path_buf(), line: line_no, message };
        let line: Line = serde_json::from_str(raw).map_err(|e| bad(e.to_string()))?;
        let at = format!("{}:{line_no}", path.display());
        let (content, source) = match (line.path, line.content) {
            (Some(p), None) => (Content::File(base.join(&p)), p),
            (None, Some(h)) => {
                let hash: ContentHash = h.parse().map_err(|e: Error| bad(e.to_string()))?;
                (Content::Given(hash), at.clone())
            }
            _ => return Err(bad("give exactly one of \"path\" or \"content\"".into())),
        };
        let creator = match line.creator {
            Some(s) => parse_address(&s).map_err(|e| bad(e.to_string()))?,
            None => defaults.creator.ok_or_else(|| missing(at.clone(), "creator"))?,
        };
        let license = match line.license {
            Some(code) => u32::try_from(code)
                .map_err(|_| Error::InvalidLicense {
                    value: code.to_string(),
                    max: License::BITS - 1,
                })
                .and_then(License::new)
                .map_err(|e| bad(e.to_string()))?,
            None => defaults.license.ok_or_else(|| missing(at.clone(), "license"))?,
        };
        let features = line
            .features
            .iter()
            .map(|&x| quantize(x, defaults.frac_bits))
            .collect::<Result<Vec<_>>>()
            .map_err(|e| bad(e.to_string()))?;
        let record = Record {
            content: ContentHash::default(),
            creator,
            license,
            features,
            label: line.label,
        };
        pending.push((content, record, source));
    }
    if pending.is_empty() {
        return Err(Error::EmptyDataset { path: path.to_path_buf() });
    }
    let files: Vec<PathBuf> = pending
        .iter()
        .filter_map(|(c, _, _)| match c {
            Content::File(p) => Some(p.clone()),
            Content::Given(_) => None,
        })
        .collect();
    progress.begin(files.len() as u64);
    let mut hashes = hash_files(&files, &|| progress.advance())?.into_iter();
    Ok(pending
        .into_iter()
        .map(|(content, mut record, source)| {
            record.content = match content {
                Content::Given(h) => h,
                Content::File(_) => hashes.next().unwrap_or_default(),
            };
            SourcedRecord { record, source: Some(source) }
        })
        .collect())
}

fn missing(at: String, field: &'static str) -> Error {
    Error::MissingField { at, field }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantisation() {
        assert_eq!(quantize(1.5, 16).unwrap(), 98304);
        assert_eq!(quantize(-0.25, 4).unwrap(), -4);
        assert!(quantize(f64::NAN, 16).is_err());
        assert!(quantize(1e30, 16).is_err());
    }
}
