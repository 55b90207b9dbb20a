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
use lineage_core::attestation::TrainingKind;

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
    /// The function called: `attest`/`attestBySig` (proven training) or
    /// `attestDeclared`/`attestDeclaredBySig` (declared training). Its public values have
    /// that kind's layout, so a call is used only for an attestation of the same kind.
    pub kind: TrainingKind,
    /// The 12 KZG accumulator limbs (`request.accumulator`).
    pub accumulator: Vec<U256>,
    /// The aggregated proof.
    pub proof: Bytes,
    /// What the event's `wHash` is, to match the call to its event: `request.wHash`, or for
    /// a declared model `uint256(request.modelHash)`.
    pub w_hash: U256,
}

/// Decodes a direct `attest`, `attestBySig`, `attestDeclared` or `attestDeclaredBySig` call
/// to the registry; `None` for anything else (a call through another contract leaves the
/// proof unavailable).
pub fn decode_attest_call(input: &[u8]) -> Option<AttestCall> {
    use LineageRegistry::{
        attestBySigCall, attestCall, attestDeclaredBySigCall, attestDeclaredCall,
    };
    let proven = |accumulator, proof, w_hash| AttestCall {
        kind: TrainingKind::Proven,
        accumulator,
        proof,
        w_hash,
    };
    let declared = |accumulator, proof, model_hash: B256| AttestCall {
        kind: TrainingKind::Declared,
        accumulator,
        proof,
        w_hash: U256::from_be_bytes(model_hash.0),
    };
    if let Ok(c) = attestCall::abi_decode(input) {
        return Some(proven(c.request.accumulator, c.proof, c.request.wHash));
    }
    if let Ok(c) = attestBySigCall::abi_decode(input) {
        return Some(proven(c.request.accumulator, c.proof, c.request.wHash));
    }
    if let Ok(c) = attestDeclaredCall::abi_decode(input) {
        return Some(declared(c.request.accumulator, c.proof, c.request.modelHash));
    }
    if let Ok(c) = attestDeclaredBySigCall::abi_decode(input) {
        return Some(declared(c.request.accumulator, c.proof, c.request.modelHash));
    }
    None
}

/// `LineageRegistry` events are re-exported for the store.
pub use LineageRegistry::LineageRegistryEvents as RegistryEvents;
/// `RoyaltyVault` events are re-exported for the store.
pub use RoyaltyVault::RoyaltyVaultEvents as VaultEvents;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloy::{
        primitives::{Address, Bytes, B256, U256},
        sol_types::SolCall,
    };
    use lineage_chain::bindings::{
        ILineageRegistry::{AttestRequest, DeclaredRequest},
        LineageRegistry,
    };
    use lineage_core::attestation::TrainingKind;

    use super::decode_attest_call;

    fn accumulator() -> Vec<U256> {
        (1..=12u64).map(U256::from).collect()
    }

    fn proven() -> AttestRequest {
        AttestRequest {
            profileId: 1,
            datasetIds: vec![1],
            counts: vec![3],
            trainRoot: U256::from(5u64),
            licenseMask: 1,
            nRecords: 3,
            w0Hash: U256::from(6u64),
            baseModelId: B256::ZERO,
            wHash: U256::from(7u64),
            hyperHash: U256::from(8u64),
            accumulator: accumulator(),
        }
    }

    fn declared() -> DeclaredRequest {
        DeclaredRequest {
            profileId: 3,
            datasetIds: vec![1],
            counts: vec![3],
            trainRoot: U256::from(5u64),
            licenseMask: 1,
            nRecords: 3,
            modelHash: B256::repeat_byte(0xab),
            accumulator: accumulator(),
        }
    }

    /// Each of the four attesting functions is read with its kind, its accumulator and
    /// proof, and the `wHash` its `ModelAttested` carries; anything else is not.
    #[test]
    fn every_attesting_call_is_read_with_its_kind() {
        let proof = Bytes::from_static(b"proof");
        let (publisher, deadline, signature) = (Address::repeat_byte(1), U256::MAX, Bytes::new());
        let model_word = U256::from_be_bytes([0xab; 32]);
        let calls = [
            (
                LineageRegistry::attestCall { request: proven(), proof: proof.clone() }
                    .abi_encode(),
                TrainingKind::Proven,
                U256::from(7u64),
            ),
            (
                LineageRegistry::attestBySigCall {
                    request: proven(),
                    proof: proof.clone(),
                    publisher,
                    deadline,
                    signature: signature.clone(),
                }
                .abi_encode(),
                TrainingKind::Proven,
                U256::from(7u64),
            ),
            (
                LineageRegistry::attestDeclaredCall { request: declared(), proof: proof.clone() }
                    .abi_encode(),
                TrainingKind::Declared,
                model_word,
            ),
            (
                LineageRegistry::attestDeclaredBySigCall {
                    request: declared(),
                    proof: proof.clone(),
                    publisher,
                    deadline,
                    signature,
                }
                .abi_encode(),
                TrainingKind::Declared,
                model_word,
            ),
        ];
        for (input, kind, w_hash) in calls {
            let call = decode_attest_call(&input).unwrap();
            assert_eq!((call.kind, call.w_hash), (kind, w_hash), "{:x?}", &input[..4]);
            assert_eq!((call.accumulator, &call.proof), (accumulator(), &proof));
        }
        let other = LineageRegistry::revokeAttestationCall { modelId: B256::ZERO }.abi_encode();
        assert_eq!(decode_attest_call(&other), None);
    }
}
