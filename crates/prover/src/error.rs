//! The one error type of `lineage-prover`.

use std::path::{Path, PathBuf};

/// Everything that can go wrong while setting up, proving or verifying.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// halo2 refused (for example the witness does not satisfy the circuit).
    #[error("halo2: {0}")]
    Halo2(#[from] halo2_base::halo2_proofs::plonk::Error),
    /// The params are for a different circuit size.
    #[error("params are for k = {params}, the circuit needs k = {circuit}")]
    WrongK {
        /// k of the params.
        params: u32,
        /// k of the circuit.
        circuit: u32,
    },
    /// A chunk proof of another shape than the profile's chunk circuit.
    #[error("the chunk proof has {got} public words, the profile's chunk circuit {expected}")]
    ChunkShape {
        /// The profile's.
        expected: usize,
        /// The proof's.
        got: usize,
    },
    /// A proof-tree node's child was refused before proving.
    #[error("the {side} child {what}")]
    Child {
        /// `left` or `right`.
        side: &'static str,
        /// What is wrong with it.
        what: String,
    },
    /// The proof tree's keys or proofs are not of the shape they must have.
    #[error("proof tree: {0}")]
    TreeShape(String),
    /// A profile asked to prove another kind of training than its own.
    #[error("profile {profile:?} is of {kind} training: it has no keys for the other kind")]
    Kind {
        /// The profile.
        profile: &'static str,
        /// Its kind.
        kind: lineage_circuits::profile::TrainingKind,
    },
    /// A ceremony SRS too small for a circuit.
    #[error("the SRS holds 2^{available} points but a circuit of this profile needs 2^{needed}")]
    SrsTooSmall {
        /// k of the SRS file.
        available: u32,
        /// k needed.
        needed: u32,
    },
    /// A proof-tree plan, task or task input that does not fit.
    #[error("plan: {0}")]
    Plan(String),
    /// A task asked to prove with a key only the verifying key of which was loaded.
    #[error("the {0} proving key is not loaded (this process loaded only the keys its task proves with)")]
    NotLoaded(&'static str),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file is malformed.
    #[error("malformed JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// An artifacts directory does not fit what is asked of it.
    #[error("artifacts in {}: {what}; run `lineage setup` for this profile and SRS", dir.display())]
    Artifacts {
        /// The directory.
        dir: PathBuf,
        /// What does not fit.
        what: String,
    },
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_owned(), source }
    }

    pub(crate) fn json(source: serde_json::Error) -> Self {
        Self::Json(source)
    }
}
