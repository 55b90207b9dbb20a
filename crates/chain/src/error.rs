use std::path::PathBuf;

/// What can go wrong talking to Lineage's contracts.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// A deployments file could not be read.
    #[error("cannot read the deployments file {path}: {source}")]
    DeploymentRead {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A deployments file is not the JSON the deploy script writes.
    #[error("{path} is not a Lineage deployments file: {source}")]
    DeploymentParse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}
