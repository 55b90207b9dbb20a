//! The one error type of `lineage-core`.

use std::path::PathBuf;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while committing to data.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A string is not a canonical BN254 scalar field element.
    #[error("invalid field element {value:?}: {reason}")]
    InvalidFieldElement {
        /// The offending text.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A string is not a 32-byte hex SHA-256 digest.
    #[error("invalid content hash {value:?}: expected 0x followed by 64 hex digits")]
    InvalidContentHash {
        /// The offending text.
        value: String,
    },
    /// A string is not an Ethereum address.
    #[error("invalid address {value:?}: {reason}")]
    InvalidAddress {
        /// The offending text.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A license code is not an integer in `0..=max`.
    #[error("invalid license {value:?}: expected an integer code from 0 to {max}")]
    InvalidLicense {
        /// The offending text.
        value: String,
        /// The largest accepted code.
        max: u32,
    },
    /// A feature value cannot be represented in fixed point.
    #[error("invalid feature value {value}: {reason}")]
    InvalidFeature {
        /// The offending value.
        value: f64,
        /// Why it was refused.
        reason: String,
    },
    /// More leaves than a tree of this depth holds.
    #[error("depth {depth} holds at most 2^{depth} records but there are {leaves}; use --depth {min} or more")]
    DepthTooSmall {
        /// The requested depth.
        depth: u32,
        /// The number of leaves.
        leaves: u64,
        /// The smallest depth that fits.
        min: u32,
    },
    /// A depth beyond what Lineage supports.
    #[error("depth {depth} is larger than the maximum {max}")]
    DepthTooLarge {
        /// The requested depth.
        depth: u32,
        /// The maximum.
        max: u32,
    },
    /// A leaf index past the end of the tree.
    #[error("leaf index {index} is out of range for {len} leaves")]
    LeafIndexOutOfRange {
        /// The requested index.
        index: u64,
        /// The number of leaves.
        len: u64,
    },
    /// A folder or JSONL file with no records in it.
    #[error("{}: no records found", path.display())]
    EmptyDataset {
        /// The source.
        path: PathBuf,
    },
    /// A model folder with no files in it.
    #[error("{}: no files found: a model folder holds its weights", path.display())]
    EmptyModel {
        /// The folder.
        path: PathBuf,
    },
    /// A model file whose relative path has a newline or a backslash, which the folder
    /// hash's `sha256sum` lines cannot name unambiguously.
    #[error("{}: a model file's path may not contain a newline or a backslash", path.display())]
    ModelPathUnhashable {
        /// The file.
        path: PathBuf,
    },
    /// A JSONL line that is not a valid record.
    #[error("{}:{line}: {message}", path.display())]
    Jsonl {
        /// The JSONL file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A record has no value for a field and no default was given.
    #[error("{at}: no {field} given for this record and no --{field} default")]
    MissingField {
        /// Which record ("file x" or "path:line").
        at: String,
        /// The field name.
        field: &'static str,
    },
    /// The same content appears twice in one dataset.
    #[error("content {content} appears twice in the dataset: {first} and {second}")]
    DuplicateContent {
        /// The repeated content hash.
        content: String,
        /// Where it was first seen.
        first: String,
        /// Where it was seen again.
        second: String,
    },
    /// A manifest file that cannot be parsed.
    #[error("{}: not a valid dataset manifest: {source}", path.display())]
    ManifestParse {
        /// The manifest file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A manifest (or proof) of a format version this build does not read.
    #[error("unsupported {what} version {found} (this build reads version {expected})")]
    UnsupportedVersion {
        /// Which file format.
        what: &'static str,
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
    /// A manifest whose stored values disagree with its records.
    #[error("manifest is inconsistent: {what} is {stored} but the records give {computed}")]
    ManifestMismatch {
        /// The field that disagrees.
        what: String,
        /// The stored value.
        stored: String,
        /// The recomputed value.
        computed: String,
    },
    /// No record with this content hash.
    #[error("no record with content {content} in the dataset")]
    ContentNotFound {
        /// The content hash looked for.
        content: String,
    },
    /// The trainer refused its inputs or stopped (see [`crate::train::TrainError`]).
    #[error(transparent)]
    Training(#[from] crate::train::TrainError),
    /// An inclusion proof that does not check out.
    #[error("inclusion proof rejected: {reason}")]
    InclusionRejected {
        /// Why.
        reason: String,
    },
}

impl Error {
    /// Wraps an IO error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
