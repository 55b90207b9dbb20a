//! Logs from the node, decoded into the registry's and vault's events.

use alloy::{
    primitives::{Address, BlockNumber, Bytes, B256, U256},
    rpc::types::Log,
    sol_types::{SolCall, SolEventInterface},
};
use lineage_chain::bindings::{
    LineageRegistry::{self, LineageRegistryEvents},
    RoyaltyVault::{self, RoyaltyVaultEvents},
};

use crate::{Error, Result};

/// Where an event sits in the chain: the provenance of everything derived from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogPosition {
    /// The block's number.
    pub block_number: BlockNumber,
    /// The block's hash.
    pub block_hash: B256,
    /// The transaction's hash.
    pub tx_hash: B256,
    /// The log's index in the block.
    pub log_index: u64,
}

/// An event of one of the two contracts.
#[derive(Clone, Debug)]
pub enum Body {
    /// Emitted by `LineageRegistry`.
    Registry(LineageRegistryEvents),
    /// Emitted by `RoyaltyVault`.
    Vault(RoyaltyVaultEvents),
}

/// One decoded log.
#[derive(Clone, Debug)]
pub struct Event {
    /// Its position in the chain.
    pub at: LogPosition,
    /// The contract that emitted it.
    pub contract: Address,
    /// What it says.
    pub body: Body,
}

impl Event {
    /// The event's name, as in the contracts (a metrics label).
    pub fn name(&self) -> &'static str {
        match &self.body {
            Body::Registry(e) => match e {
                LineageRegistryEvents::DatasetRegistered(_) => "DatasetRegistered",
                LineageRegistryEvents::DatasetCertified(_) => "DatasetCertified",
                LineageRegistryEvents::DatasetRevoked(_) => "DatasetRevoked",
                LineageRegistryEvents::ModelAttested(_) => "ModelAttested",
                LineageRegistryEvents::ModelFineTuned(_) => "ModelFineTuned",
                LineageRegistryEvents::ModelDeclared(_) => "ModelDeclared",
                LineageRegistryEvents::AttestationRevoked(_) => "AttestationRevoked",
                LineageRegistryEvents::OutputsAnchored(_) => "OutputsAnchored",
                LineageRegistryEvents::CertifierUpdated(_) => "CertifierUpdated",
                LineageRegistryEvents::VerifierUpdated(_) => "VerifierUpdated",
                LineageRegistryEvents::RoyaltyVaultUpdated(_) => "RoyaltyVaultUpdated",
                LineageRegistryEvents::OwnershipTransferStarted(_) => "OwnershipTransferStarted",
                LineageRegistryEvents::OwnershipTransferred(_) => "OwnershipTransferred",
                LineageRegistryEvents::EIP712DomainChanged(_) => "EIP712DomainChanged",
            },
            Body::Vault(e) => match e {
                RoyaltyVaultEvents::RoyaltyPaid(_) => "RoyaltyPaid",
                RoyaltyVaultEvents::RoyaltyDistributed(_) => "RoyaltyDistributed",
                RoyaltyVaultEvents::RoyaltyHeld(_) => "RoyaltyHeld",
                RoyaltyVaultEvents::RoyaltyClaimed(_) => "RoyaltyClaimed",
                RoyaltyVaultEvents::HeldRoyaltyReleased(_) => "HeldRoyaltyReleased",
                RoyaltyVaultEvents::OwnershipTransferStarted(_) => "OwnershipTransferStarted",
                RoyaltyVaultEvents::OwnershipTransferred(_) => "OwnershipTransferred",
            },
        }
    }
}

/// Decodes the logs of one range. Logs of other contracts or with unknown topics are
/// skipped (a node may answer more than asked); a log missing its position is an error.
pub fn decode_logs(
    logs: &[Log],
    registry: Address,
    vault: Address,
    from: BlockNumber,
    to: BlockNumber,
) -> Result<Vec<Event>> {
    let missing = |field| Error::IncompleteLog { field, from, to };
    let mut events = Vec::with_capacity(logs.len());
    for log in logs {
        if log.removed {
            continue;
        }
        let contract = log.address();
        let body = if contract == registry {
            match LineageRegistryEvents::decode_raw_log(log.topics(), &log.data().data) {
                Ok(e) => Body::Registry(e),
                Err(_) => continue,
            }
        } else if contract == vault {
            match RoyaltyVaultEvents::decode_raw_log(log.topics(), &log.data().data) {
                Ok(e) => Body::Vault(e),
                Err(_) => continue,
            }
        } else {
            continue;
        };
        let at = LogPosition {
            block_number: log.block_number.ok_or_else(|| missing("blockNumber"))?,
            block_hash: log.block_hash.ok_or_else(|| missing("blockHash"))?,
            tx_hash: log.transaction_hash.ok_or_else(|| missing("transactionHash"))?,
            log_index: log.log_index.ok_or_else(|| missing("logIndex"))?,
        };
        events.push(Event { at, contract, body });
    }
    Ok(events)
}

/// What an attesting transaction's calldata adds to its `ModelAttested` event: the
/// accumulator limbs and the proof an auditor re-verifies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttestCall {
    /// The 12 KZG accumulator limbs (`request.accumulator`).
    pub accumulator: Vec<U256>,
    /// The aggregated proof.
    pub proof: Bytes,
    /// `request.wHash`, to match the call to its event.
    pub w_hash: U256,
}

/// Decodes a direct `attest` or `attestBySig` call to the registry; `None` for anything
/// else (a call through another contract leaves the proof unavailable).
pub fn decode_attest_call(input: &[u8]) -> Option<AttestCall> {
    if let Ok(call) = LineageRegistry::attestCall::abi_decode(input) {
        return Some(AttestCall {
            accumulator: call.request.accumulator,
            proof: call.proof,
            w_hash: call.request.wHash,
        });
    }
    if let Ok(call) = LineageRegistry::attestBySigCall::abi_decode(input) {
        return Some(AttestCall {
            accumulator: call.request.accumulator,
            proof: call.proof,
            w_hash: call.request.wHash,
        });
    }
    None
}

/// `LineageRegistry` events are re-exported for the store.
pub use LineageRegistry::LineageRegistryEvents as RegistryEvents;
/// `RoyaltyVault` events are re-exported for the store.
pub use RoyaltyVault::RoyaltyVaultEvents as VaultEvents;
