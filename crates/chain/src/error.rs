use std::path::PathBuf;

use alloy::primitives::{Address, B256, U256};

use crate::{
    bindings::{LineageRegistry::LineageRegistryErrors, RoyaltyVault::RoyaltyVaultErrors},
    client::{AttestationStatus, DatasetStatus},
};

/// `Result` with [`ChainError`].
pub type Result<T, E = ChainError> = std::result::Result<T, E>;

/// A contract's custom error, decoded from revert data.
#[derive(Debug)]
pub enum Revert {
    /// `LineageRegistry` (`Registry*` errors).
    Registry(LineageRegistryErrors),
    /// `RoyaltyVault` (`Royalty*` errors).
    Vault(RoyaltyVaultErrors),
}

impl std::fmt::Display for Revert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The derived Debug reads `Name(Name { field: value, .. })`: keep the inner part.
        let debug = match self {
            Self::Registry(e) => format!("{e:?}"),
            Self::Vault(e) => format!("{e:?}"),
        };
        let inner =
            debug.split_once('(').and_then(|(_, rest)| rest.strip_suffix(')')).unwrap_or(&debug);
        f.write_str(inner)
    }
}

impl Revert {
    /// The error's Solidity name, e.g. `RegistryCountSumMismatch`.
    pub fn name(&self) -> String {
        let debug = match self {
            Self::Registry(e) => format!("{e:?}"),
            Self::Vault(e) => format!("{e:?}"),
        };
        debug.split('(').next().unwrap_or_default().to_owned()
    }
}

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
    /// The RPC URL does not parse.
    #[error("not an RPC URL: {url:?}")]
    RpcUrl {
        /// What was given.
        url: String,
    },
    /// The endpoint did not answer (refused, unresolvable, or silent past the timeout).
    #[error("the RPC endpoint {url} is unreachable: {reason}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// What happened.
        reason: String,
    },
    /// The endpoint serves another chain than the deployment's.
    #[error("{url} serves chain {got}, but the deployment is on chain {expected}")]
    WrongChain {
        /// The endpoint.
        url: String,
        /// The deployment's chain id.
        expected: u64,
        /// The endpoint's chain id.
        got: u64,
    },
    /// No contract at a deployment's address.
    #[error("no contract at {address} on chain {chain_id}: is this the right deployments file?")]
    NoContract {
        /// The address.
        address: Address,
        /// The chain.
        chain_id: u64,
    },
    /// A transaction was asked for without a key to sign it.
    #[error("{what} sends a transaction: give a key (LINEAGE_PRIVATE_KEY or --keystore)")]
    NoSigner {
        /// The operation.
        what: &'static str,
    },
    /// The sender cannot pay for the transaction.
    #[error("{what}: insufficient funds: {reason}")]
    InsufficientFunds {
        /// The operation.
        what: &'static str,
        /// The node's message.
        reason: String,
    },
    /// A contract reverted with one of its custom errors.
    #[error("{what} reverted: {error}")]
    Reverted {
        /// The operation.
        what: &'static str,
        /// The decoded error.
        error: Revert,
    },
    /// A contract reverted with data that is none of the known errors.
    #[error("{what} reverted with unknown data 0x{}", hex::encode(data))]
    RevertedUnknown {
        /// The operation.
        what: &'static str,
        /// The revert data.
        data: Vec<u8>,
    },
    /// A mined transaction failed.
    #[error("{what}: transaction {tx_hash} was mined but failed")]
    Failed {
        /// The operation.
        what: &'static str,
        /// The transaction.
        tx_hash: B256,
    },
    /// A sent transaction did not get its confirmations in time.
    #[error("{what}: transaction {tx_hash} was sent but not confirmed: {reason}")]
    Unconfirmed {
        /// The operation.
        what: &'static str,
        /// The transaction.
        tx_hash: B256,
        /// Why.
        reason: String,
    },
    /// An expected event is missing from a receipt or the logs.
    #[error("{what}: no {event} event found")]
    EventMissing {
        /// The operation.
        what: &'static str,
        /// The event signature.
        event: &'static str,
    },
    /// Any other JSON-RPC failure.
    #[error("{what}: {reason}")]
    Rpc {
        /// The operation.
        what: &'static str,
        /// The node's message.
        reason: String,
    },
    /// No dataset was registered with a root the attestation proves against.
    #[error("no dataset has root {root:#x}: register it and have it certified first")]
    DatasetNotFound {
        /// The root.
        root: U256,
    },
    /// The dataset of a root the attestation proves against is not certified. A root has one
    /// dataset id, forever: a revoked one cannot be registered again.
    #[error(
        "dataset {dataset_id} (root {root:#x}) is {status:?}, not certified{}",
        if_revoked(.status)
    )]
    DatasetNotCertified {
        /// The root.
        root: U256,
        /// The dataset registered with it.
        dataset_id: u32,
        /// Its status.
        status: DatasetStatus,
    },
    /// The dataset ids given do not match the attestation's used slots.
    #[error("the attestation uses {slots} dataset slots but {given} dataset ids were given")]
    DatasetIdsMismatch {
        /// Used slots.
        slots: usize,
        /// Ids given.
        given: usize,
    },
    /// A public value does not fit the registry's type for it.
    #[error("{name} = {value} does not fit in 32 bits")]
    ValueTooLarge {
        /// The value's name.
        name: &'static str,
        /// The value.
        value: u64,
    },
    /// The registry has no attestation under this model id.
    #[error("no model {model_id} is attested in this registry")]
    ModelUnknown {
        /// The id asked for.
        model_id: B256,
    },
    /// The base model named for a fine-tuned attestation is not where its training started:
    /// its id is not `keccak256(its publisher, w0_hash)`.
    #[error(
        "model {base} was not this training's start: its weights are not the ones with \
         w0_hash {w0_hash:#x} (keccak256(its publisher {publisher}, w0_hash) is another id)"
    )]
    BaseNotStart {
        /// The base named.
        base: B256,
        /// Its publisher.
        publisher: Address,
        /// The attestation's `w0_hash`.
        w0_hash: U256,
    },
    /// The base model named is not `Valid`: nothing can be fine-tuned from it any more.
    #[error("base model {base} is {status:?}: only a valid model can be fine-tuned from")]
    BaseNotValid {
        /// The base named.
        base: B256,
        /// Its status now.
        status: AttestationStatus,
    },
    /// An attestation of declared training named a base model: fine-tuning is a property of
    /// proven training, a declared model has no base on-chain.
    #[error("a model of declared training has no base model: attest it without --base")]
    DeclaredWithBase,
    /// The attestation's public values are not of its kind of training.
    #[error("the attestation says training {kind}, but its public values are of the other kind")]
    KindMismatch {
        /// The kind the attestation names.
        kind: lineage_core::attestation::TrainingKind,
    },
    /// The base model named was attested under another profile.
    #[error(
        "base model {base} is of profile {base_profile}, this attestation of profile {profile}"
    )]
    BaseProfileMismatch {
        /// The base named.
        base: B256,
        /// Its profile.
        base_profile: u32,
        /// The attestation's.
        profile: u32,
    },
}

/// What to add to [`ChainError::DatasetNotCertified`]'s message for a revoked dataset.
fn if_revoked(status: &DatasetStatus) -> &'static str {
    match status {
        DatasetStatus::Revoked => ": revocation is final, and its root cannot be registered again",
        _ => "",
    }
}
