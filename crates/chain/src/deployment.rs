//! `deployments/<chainid>.json`: the addresses `script/Deploy.s.sol` writes.

use std::path::Path;

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use crate::ChainError;

/// The verifier of each proof profile (the zero address: none deployed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verifiers {
    /// Profile 1, `demo`.
    pub demo: Address,
    /// Profile 2, `standard`.
    pub standard: Address,
    /// Profile 3, `demo-declared` (absent from files of before it: zero).
    #[serde(default)]
    pub demo_declared: Address,
    /// Profile 4, `standard-declared` (likewise).
    #[serde(default)]
    pub standard_declared: Address,
    /// Profile 5, `demo-tree` (likewise for every proof-tree profile).
    #[serde(default)]
    pub demo_tree: Address,
    /// Profile 6, `standard-tree`.
    #[serde(default)]
    pub standard_tree: Address,
    /// Profile 7, `demo-declared-tree`.
    #[serde(default)]
    pub demo_declared_tree: Address,
    /// Profile 8, `standard-declared-tree`.
    #[serde(default)]
    pub standard_declared_tree: Address,
}

/// One deployment of Lineage on one chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The chain the contracts live on.
    pub chain_id: u64,
    /// The block the deployment started from: an indexer follows the chain from here.
    pub start_block: u64,
    /// The account that deployed.
    pub deployer: Address,
    /// The owner of the registry and the vault.
    pub owner: Address,
    /// The account made certifier at deployment.
    pub certifier: Address,
    /// `LineageRegistry`.
    pub registry: Address,
    /// `RoyaltyVault`.
    pub vault: Address,
    /// The verifier per profile.
    pub verifiers: Verifiers,
}

impl Deployment {
    /// A deployment known only by its registry: what a wallet holding a receipt knows.
    /// Enough for the registry's reads; the vault and verifiers are unknown (zero).
    pub fn registry_only(chain_id: u64, registry: Address) -> Self {
        Self {
            chain_id,
            start_block: 0,
            deployer: Address::ZERO,
            owner: Address::ZERO,
            certifier: Address::ZERO,
            registry,
            vault: Address::ZERO,
            verifiers: Verifiers::default(),
        }
    }

    /// Reads a deployments file.
    pub fn load(path: &Path) -> Result<Self, ChainError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ChainError::DeploymentRead { path: path.to_owned(), source })?;
        serde_json::from_str(&text)
            .map_err(|source| ChainError::DeploymentParse { path: path.to_owned(), source })
    }
}
