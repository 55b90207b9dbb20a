//! [`Client`]: the registry and the royalty vault of one deployment, over JSON-RPC.
//!
//! Every transaction waits for the configured number of confirmations, and a revert comes
//! back as [`ChainError::Reverted`] carrying the contract's decoded custom error.

use std::time::Duration;

pub use alloy::signers::local::PrivateKeySigner as Signer;

use alloy::{
    contract::{CallBuilder, CallDecoder},
    network::EthereumWallet,
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{Filter, Log, TransactionReceipt},
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use lineage_core::{
    attestation::{Attestation, ModelValues, TrainingKind},
    field::fr_to_be_bytes,
    manifest::DatasetManifest,
    output::{
        verdict::{BaseFact, ChainFacts, DatasetFact, OnChainBatch},
        Receipt,
    },
};

/// The registry's status enums, shared with the wallet verdict (`lineage_core::output`).
pub use lineage_core::output::verdict::{AttestationStatus, DatasetStatus};
use serde::Serialize;

use crate::{
    bindings::{
        ILineageRegistry::{AttestRequest, Dataset, DeclaredRequest, OutputBatch},
        LineageRegistry::{self, LineageRegistryErrors, LineageRegistryInstance},
        RoyaltyVault::{self, RoyaltyVaultErrors, RoyaltyVaultInstance},
    },
    ChainError, Deployment, Result,
};

/// How to reach the chain.
#[derive(Clone, Debug)]
pub struct Options {
    /// The JSON-RPC endpoint (http or https).
    pub rpc_url: String,
    /// Confirmations every transaction waits for (1: included in a block).
    pub confirmations: u64,
    /// The longest any one RPC exchange or confirmation wait may take.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            rpc_url: "http://127.0.0.1:8545".into(),
            confirmations: 1,
            timeout: Duration::from_secs(30),
        }
    }
}

/// A mined transaction: what a summary or a receipt file records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    /// The transaction hash.
    pub tx_hash: B256,
    /// The block it was mined in.
    pub block_number: u64,
    /// The gas it used.
    pub gas_used: u64,
}

/// A creator of a dataset and their weight in its royalty split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Creator {
    /// The creator's address.
    pub address: Address,
    /// Their weight (their number of works in the dataset).
    pub weight: u64,
}

/// One dataset a model was trained on, as the chain records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetLineage {
    /// The dataset id.
    pub id: u32,
    /// Its Merkle root.
    pub root: U256,
    /// Its status now.
    pub status: DatasetStatus,
    /// Its URI.
    pub uri: String,
    /// The records the proof counted from it.
    pub count: u32,
    /// Its creators and weights.
    pub creators: Vec<Creator>,
}

/// A model, its attestation and everything it was trained on: what a wallet or an
/// auditor walks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelLineage {
    /// The model id.
    pub model_id: B256,
    /// Its status now.
    pub status: AttestationStatus,
    /// Who attested it.
    pub publisher: Address,
    /// The proof profile it was attested under.
    pub profile_id: u32,
    /// Whether its training is proven or declared (`attestation(id).kind`; `None` for a
    /// code this build does not know).
    pub training: Option<TrainingKind>,
    /// A declared model's file SHA-256 (from its `ModelDeclared` event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_hash: Option<B256>,
    /// Records it was trained on.
    pub n_records: u32,
    /// The licenses allowed (bit i: license code i).
    pub license_mask: u64,
    /// The block of its `ModelAttested` event.
    pub attested_block: Option<u64>,
    /// That block's confirmations now.
    pub confirmations: Option<u64>,
    /// The datasets, in slot order.
    pub datasets: Vec<DatasetLineage>,
    /// The models it was fine-tuned from, nearest first (its base, that one's base, ...);
    /// empty when it was trained from zero weights.
    pub bases: Vec<BaseModel>,
}

/// A model another was fine-tuned from, directly or through other bases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseModel {
    /// Its model id.
    pub model_id: B256,
    /// Its status now (which includes its own bases').
    pub status: AttestationStatus,
    /// Who attested it.
    pub publisher: Address,
}

/// The most bases [`Client::bases`] follows: the registry's `MAX_BASE_DEPTH` (8) allows no
/// more, so a longer chain is a node's error, not a lineage.
const MAX_BASES: usize = 8;

/// The client of one deployment.
#[derive(Clone, Debug)]
pub struct Client {
    provider: DynProvider,
    deployment: Deployment,
    options: Options,
    sender: Option<Address>,
}

impl Client {
    /// Connects to `options.rpc_url` and checks that it serves `deployment`: the chain id
    /// must match and the registry must have code. `signer` is needed only to transact.
    ///
    /// An endpoint that does not answer fails with [`ChainError::Unreachable`] within
    /// `options.timeout`.
    pub async fn connect(
        options: Options,
        deployment: Deployment,
        signer: Option<PrivateKeySigner>,
    ) -> Result<Self> {
        let sender = signer.as_ref().map(PrivateKeySigner::address);
        let provider = provider(&options, signer)?;
        let client = Self { provider, deployment, options, sender };
        let chain_id = client.rpc("eth_chainId", client.provider.get_chain_id()).await?;
        if chain_id != client.deployment.chain_id {
            return Err(ChainError::WrongChain {
                url: client.options.rpc_url.clone(),
                expected: client.deployment.chain_id,
                got: chain_id,
            });
        }
        let registry = client.deployment.registry;
        let code = client.rpc("eth_getCode", client.provider.get_code_at(registry)).await?;
        if code.is_empty() {
            return Err(ChainError::NoContract { address: registry, chain_id });
        }
        Ok(client)
    }

    /// The chain id `options.rpc_url` serves (to find its deployments file).
    pub async fn chain_id(options: &Options) -> Result<u64> {
        let provider = provider(options, None)?;
        bounded(options, "eth_chainId", provider.get_chain_id()).await
    }

    /// The deployment this client talks to.
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// The account transactions are sent from, when a signer was given.
    pub fn sender(&self) -> Option<Address> {
        self.sender
    }

    /// The underlying provider, for reads this client does not wrap.
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    fn registry(&self) -> LineageRegistryInstance<DynProvider> {
        LineageRegistry::new(self.deployment.registry, self.provider.clone())
    }

    fn vault(&self) -> RoyaltyVaultInstance<DynProvider> {
        RoyaltyVault::new(self.deployment.vault, self.provider.clone())
    }

    /// Awaits one RPC exchange, bounded by the timeout.
    async fn rpc<T, E: std::fmt::Display>(
        &self,
        method: &'static str,
        fut: impl std::future::IntoFuture<Output = std::result::Result<T, E>>,
    ) -> Result<T> {
        bounded(&self.options, method, fut).await
    }

    /// Awaits a view call, decoding a revert into the contracts' custom errors.
    async fn view<D: CallDecoder>(
        &self,
        what: &'static str,
        call: CallBuilder<&DynProvider, D>,
    ) -> Result<D::CallOutput> {
        match tokio::time::timeout(self.options.timeout, call.call()).await {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(err)) => Err(self.contract_error(what, err)),
            Err(_) => Err(self.timed_out(what)),
        }
    }

    /// Sends a transaction and waits for its confirmations; a revert (seen when the node
    /// estimates its gas) comes back decoded.
    async fn transact<D: CallDecoder>(
        &self,
        what: &'static str,
        call: CallBuilder<&DynProvider, D>,
    ) -> Result<(Sent, TransactionReceipt)> {
        if self.sender.is_none() {
            return Err(ChainError::NoSigner { what });
        }
        let pending = match tokio::time::timeout(self.options.timeout, call.send()).await {
            Ok(Ok(pending)) => pending,
            Ok(Err(err)) => return Err(self.contract_error(what, err)),
            Err(_) => return Err(self.timed_out(what)),
        };
        let tx_hash = *pending.tx_hash();
        let receipt = pending
            .with_required_confirmations(self.options.confirmations)
            .with_timeout(Some(self.options.timeout))
            .get_receipt()
            .await
            .map_err(|err| ChainError::Unconfirmed { what, tx_hash, reason: err.to_string() })?;
        if !receipt.status() {
            return Err(ChainError::Failed { what, tx_hash });
        }
        let sent = Sent {
            tx_hash,
            block_number: receipt.block_number.unwrap_or_default(),
            gas_used: receipt.gas_used,
        };
        Ok((sent, receipt))
    }

    fn timed_out(&self, what: &'static str) -> ChainError {
        ChainError::Unreachable {
            url: self.options.rpc_url.clone(),
            reason: format!("{what} got no answer within {:?}", self.options.timeout),
        }
    }

    fn contract_error(&self, what: &'static str, err: alloy::contract::Error) -> ChainError {
        if let Some(e) = err.as_decoded_interface_error::<LineageRegistryErrors>() {
            return ChainError::Reverted { what, error: crate::Revert::Registry(e) };
        }
        if let Some(e) = err.as_decoded_interface_error::<RoyaltyVaultErrors>() {
            return ChainError::Reverted { what, error: crate::Revert::Vault(e) };
        }
        if let Some(data) = err.as_revert_data() {
            return ChainError::RevertedUnknown { what, data: data.to_vec() };
        }
        match err {
            alloy::contract::Error::TransportError(t) => {
                classify_rpc_error(&self.options.rpc_url, what, &t)
            }
            other => ChainError::Rpc { what, reason: other.to_string() },
        }
    }

    /// The first log of event `E` in `receipt`.
    fn event<E: SolEvent>(receipt: &TransactionReceipt, what: &'static str) -> Result<E> {
        receipt
            .inner
            .logs()
            .iter()
            .find_map(|log| log.log_decode::<E>().ok())
            .map(|log| log.inner.data)
            .ok_or(ChainError::EventMissing { what, event: E::SIGNATURE })
    }

    // ------------------------------------------------------------ datasets

    /// Registers a dataset from its manifest: its root, leaf count, and its creators
    /// weighted by their number of works. Returns the new dataset id.
    pub async fn register_dataset(
        &self,
        manifest: &DatasetManifest,
        uri: &str,
    ) -> Result<(u32, Sent)> {
        let (creators, weights): (Vec<Address>, Vec<u64>) =
            manifest.counts.by_creator.iter().map(|(a, n)| (*a, *n)).unzip();
        let registry = self.registry();
        let call = registry.registerDataset(
            word(&manifest.root),
            manifest.leaf_count,
            uri.to_owned(),
            creators,
            weights,
        );
        let (sent, receipt) = self.transact("registerDataset", call).await?;
        let event = Self::event::<LineageRegistry::DatasetRegistered>(&receipt, "registerDataset")?;
        Ok((event.datasetId, sent))
    }

    /// Certifies dataset `id` (the sender must be a certifier).
    pub async fn certify(&self, id: u32) -> Result<Sent> {
        let registry = self.registry();
        Ok(self.transact("certify", registry.certify(id)).await?.0)
    }

    /// Revokes dataset `id`'s certification (the sender must be a certifier).
    pub async fn revoke_dataset(&self, id: u32, reason: &str) -> Result<Sent> {
        let registry = self.registry();
        Ok(self.transact("revokeDataset", registry.revokeDataset(id, reason.to_owned())).await?.0)
    }

    /// The number of registered datasets (ids run from 1 to it).
    pub async fn dataset_count(&self) -> Result<u32> {
        let registry = self.registry();
        self.view("datasetCount", registry.datasetCount()).await
    }

    /// Dataset `id` as the registry stores it.
    pub async fn dataset(&self, id: u32) -> Result<Dataset> {
        let registry = self.registry();
        self.view("dataset", registry.dataset(id)).await
    }

    /// The dataset registered with `root`, with its id, if its status is `wanted` (or any
    /// status when `None`). A root has one dataset id, forever (`datasetOfRoot`): the
    /// registry refuses to register it again, even once that dataset is revoked.
    pub async fn find_dataset(
        &self,
        root: U256,
        wanted: Option<DatasetStatus>,
    ) -> Result<Option<(u32, Dataset)>> {
        let registry = self.registry();
        let id = self.view("datasetOfRoot", registry.datasetOfRoot(root)).await?;
        if id == 0 {
            return Ok(None);
        }
        let d = self.dataset(id).await?;
        Ok(wanted.is_none_or(|w| dataset_status(d.status) == w).then_some((id, d)))
    }

    /// The creators registered with dataset `id` and their weights (from its
    /// `DatasetRegistered` event: the registry keeps only per-creator lookups).
    pub async fn dataset_creators(&self, id: u32) -> Result<Vec<(Address, u64)>> {
        let logs = self
            .logs(LineageRegistry::DatasetRegistered::SIGNATURE_HASH, U256::from(id).into())
            .await?;
        let event = logs
            .iter()
            .find_map(|l| l.log_decode::<LineageRegistry::DatasetRegistered>().ok())
            .ok_or(ChainError::EventMissing {
                what: "dataset creators",
                event: LineageRegistry::DatasetRegistered::SIGNATURE,
            })?;
        let e = event.inner.data;
        Ok(e.creators.into_iter().zip(e.weights).collect())
    }

    /// The registry's logs with `signature` and first indexed topic `topic1`, from the
    /// deployment's start block.
    pub async fn logs(&self, signature: B256, topic1: B256) -> Result<Vec<Log>> {
        let filter = Filter::new()
            .address(self.deployment.registry)
            .event_signature(signature)
            .topic1(topic1)
            .from_block(self.deployment.start_block);
        self.rpc("eth_getLogs", self.provider.get_logs(&filter)).await
    }

    // ------------------------------------------------------------ attestations

    /// The ids of the certified datasets behind the attestation's roots, in slot order.
    pub async fn resolve_datasets(&self, att: &Attestation) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        for root in att.public.cert_roots.iter().filter(|r| **r != Default::default()) {
            let root = word(root);
            let (id, d) =
                self.find_dataset(root, None).await?.ok_or(ChainError::DatasetNotFound { root })?;
            let status = dataset_status(d.status);
            if status != DatasetStatus::Certified {
                return Err(ChainError::DatasetNotCertified { root, dataset_id: id, status });
            }
            ids.push(id);
        }
        Ok(ids)
    }

    /// Attests `att` on-chain for `dataset_ids` (one per used slot, in slot order): the
    /// registry rebuilds the public values and the profile's verifier checks the proof in
    /// the same transaction. Returns the model id.
    ///
    /// Proven training goes to `attest`; `base` is the attested model it was fine-tuned
    /// from (its weights are the training's start), checked first as the registry will
    /// ([`Self::check_base`]), or `None` for training from the profile's zero weights.
    /// Declared training goes to `attestDeclared` and has no base.
    pub async fn attest(
        &self,
        att: &Attestation,
        dataset_ids: &[u32],
        base: Option<B256>,
    ) -> Result<(B256, Sent)> {
        let registry = self.registry();
        let proof = att.proof.clone().into();
        let (sent, receipt) = if att.public.model.declared().is_some() {
            if base.is_some() {
                return Err(ChainError::DeclaredWithBase);
            }
            let call = registry.attestDeclared(declared_request(att, dataset_ids)?, proof);
            self.transact("attestDeclared", call).await?
        } else {
            if let Some(base) = base {
                self.check_base(att, base).await?;
            }
            let call = registry.attest(attest_request(att, dataset_ids, base)?, proof);
            self.transact("attest", call).await?
        };
        let event = Self::event::<LineageRegistry::ModelAttested>(&receipt, "attest")?;
        Ok((event.modelId, sent))
    }

    /// The model id an attestation by `publisher` of weights `w_hash` (proven training) or of
    /// a model file hash (declared training, [`model_word`]) has.
    pub fn model_id(publisher: Address, w_hash: U256) -> B256 {
        alloy::primitives::keccak256(
            [publisher.into_word().as_slice(), &w_hash.to_be_bytes::<32>()].concat(),
        )
    }

    /// The registry's record of model `id`, with its derived status.
    pub async fn attestation(
        &self,
        id: B256,
    ) -> Result<(AttestationStatus, crate::bindings::ILineageRegistry::Attestation)> {
        let registry = self.registry();
        let status = self.view("attestationStatus", registry.attestationStatus(id)).await?;
        let status = attestation_status(status);
        if status == AttestationStatus::None {
            return Err(ChainError::ModelUnknown { model_id: id });
        }
        let record = self.view("attestation", registry.attestation(id)).await?;
        Ok((status, record))
    }

    /// Checks that `att` may be attested as fine-tuned from `base`: `base` is attested under
    /// the same profile, `Valid`, and its weights are the training's start (its id is
    /// `keccak256(its publisher, w0_hash)`).
    pub async fn check_base(&self, att: &Attestation, base: B256) -> Result<()> {
        let (status, record) = self.attestation(base).await?;
        if status != AttestationStatus::Valid {
            return Err(ChainError::BaseNotValid { base, status });
        }
        if record.profileId != att.profile_id {
            return Err(ChainError::BaseProfileMismatch {
                base,
                base_profile: record.profileId,
                profile: att.profile_id,
            });
        }
        let t = att.public.model.trained().ok_or(ChainError::KindMismatch { kind: att.kind })?;
        let w0_hash = word(&t.w0_hash);
        if Self::model_id(record.publisher, w0_hash) != base {
            return Err(ChainError::BaseNotStart { base, publisher: record.publisher, w0_hash });
        }
        Ok(())
    }

    /// The models `id` was fine-tuned from, nearest first, each with its status now.
    pub async fn bases(&self, id: B256) -> Result<Vec<BaseModel>> {
        let registry = self.registry();
        let mut bases = Vec::new();
        let mut next = self.view("attestation", registry.attestation(id)).await?.baseModelId;
        while next != B256::ZERO {
            if bases.len() == MAX_BASES {
                return Err(ChainError::Rpc {
                    what: "attestation",
                    reason: format!("model {id} has more than {MAX_BASES} bases"),
                });
            }
            let raw = self.view("attestationStatus", registry.attestationStatus(next)).await?;
            let record = self.view("attestation", registry.attestation(next)).await?;
            bases.push(BaseModel {
                model_id: next,
                status: attestation_status(raw),
                publisher: record.publisher,
            });
            next = record.baseModelId;
        }
        Ok(bases)
    }

    /// The block model `id` was attested in (from its `ModelAttested` event).
    pub async fn attested_block(&self, id: B256) -> Result<Option<u64>> {
        let logs = self.logs(LineageRegistry::ModelAttested::SIGNATURE_HASH, id).await?;
        Ok(logs.first().and_then(|l| l.block_number))
    }

    /// The model file SHA-256 a declared model `id` was attested with (its `ModelDeclared`
    /// event), if there is one.
    pub async fn declared_model_hash(&self, id: B256) -> Result<Option<B256>> {
        let logs = self.logs(LineageRegistry::ModelDeclared::SIGNATURE_HASH, id).await?;
        let Some(log) = logs.first() else { return Ok(None) };
        let decoded = log
            .log_decode::<LineageRegistry::ModelDeclared>()
            .map_err(|e| ChainError::Rpc { what: "ModelDeclared", reason: e.to_string() })?;
        Ok(Some(decoded.inner.data.modelHash))
    }

    /// Model `id` with its datasets and their creators.
    pub async fn lineage(&self, id: B256) -> Result<ModelLineage> {
        let (status, record) = self.attestation(id).await?;
        let mut datasets = Vec::with_capacity(record.datasetIds.len());
        for (&ds, &count) in record.datasetIds.iter().zip(&record.counts) {
            let d = self.dataset(ds).await?;
            let creators = self
                .dataset_creators(ds)
                .await?
                .into_iter()
                .map(|(address, weight)| Creator { address, weight })
                .collect();
            datasets.push(DatasetLineage {
                id: ds,
                root: d.root,
                status: dataset_status(d.status),
                uri: d.uri,
                count,
                creators,
            });
        }
        let attested_block = self.attested_block(id).await?;
        let confirmations = match attested_block {
            Some(b) => Some(self.confirmations(b).await?),
            None => None,
        };
        let training = TrainingKind::from_code(record.kind);
        let model_hash = match training {
            Some(TrainingKind::Declared) => self.declared_model_hash(id).await?,
            _ => None,
        };
        Ok(ModelLineage {
            model_id: id,
            status,
            publisher: record.publisher,
            profile_id: record.profileId,
            training,
            model_hash,
            n_records: record.nRecords,
            license_mask: record.licenseMask,
            attested_block,
            confirmations,
            datasets,
            bases: self.bases(id).await?,
        })
    }

    /// Revokes the sender's attestation of model `id`.
    pub async fn revoke_attestation(&self, id: B256) -> Result<Sent> {
        let registry = self.registry();
        Ok(self.transact("revokeAttestation", registry.revokeAttestation(id)).await?.0)
    }

    // ------------------------------------------------------------ outputs

    /// Anchors a batch of outputs of model `id`: its keccak Merkle root and size. Returns
    /// the batch index.
    pub async fn anchor_outputs(
        &self,
        id: B256,
        root: B256,
        count: u64,
        uri: &str,
    ) -> Result<(u64, Sent)> {
        let registry = self.registry();
        let call = registry.anchorOutputs(id, root, count, uri.to_owned());
        let (sent, receipt) = self.transact("anchorOutputs", call).await?;
        let event = Self::event::<LineageRegistry::OutputsAnchored>(&receipt, "anchorOutputs")?;
        let index = u64::try_from(event.batchIndex)
            .map_err(|_| ChainError::Rpc { what: "anchorOutputs", reason: "batch index".into() })?;
        Ok((index, sent))
    }

    /// Output batch `index` of model `id`, if it exists.
    pub async fn output_batch(&self, id: B256, index: u64) -> Result<Option<OutputBatch>> {
        let registry = self.registry();
        let count = self.view("outputBatchCount", registry.outputBatchCount(id)).await?;
        if U256::from(index) >= count {
            return Ok(None);
        }
        let call = registry.outputBatch(id, U256::from(index));
        Ok(Some(self.view("outputBatch", call).await?))
    }

    /// What the chain says about the output a receipt is for: its batch as anchored, the
    /// model's status, its datasets' status, and the anchoring's confirmations.
    pub async fn output_facts(&self, receipt: &Receipt) -> Result<ChainFacts> {
        let batch = self
            .output_batch(receipt.model_id, receipt.batch_index)
            .await?
            .map(|b| OnChainBatch { root: b.root, count: b.count });
        let registry = self.registry();
        let raw =
            self.view("attestationStatus", registry.attestationStatus(receipt.model_id)).await?;
        let attestation = AttestationStatus::try_from(raw)
            .map_err(|e| ChainError::Rpc { what: "attestationStatus", reason: e.to_string() })?;
        let mut datasets = Vec::new();
        let mut bases = Vec::new();
        let mut training = None;
        if attestation != AttestationStatus::None {
            bases = self
                .bases(receipt.model_id)
                .await?
                .into_iter()
                .map(|b| BaseFact { model_id: b.model_id, status: b.status })
                .collect();
            let record = self.view("attestation", registry.attestation(receipt.model_id)).await?;
            training = TrainingKind::from_code(record.kind);
            for id in record.datasetIds {
                let raw = self.dataset(id).await?.status;
                let status = DatasetStatus::try_from(raw)
                    .map_err(|e| ChainError::Rpc { what: "dataset", reason: e.to_string() })?;
                datasets.push(DatasetFact { id, status });
            }
        }
        let confirmations = match batch {
            None => None,
            Some(_) => {
                let filter = Filter::new()
                    .address(self.deployment.registry)
                    .event_signature(LineageRegistry::OutputsAnchored::SIGNATURE_HASH)
                    .topic1(receipt.model_id)
                    .topic2(B256::from(U256::from(receipt.batch_index)))
                    .from_block(self.deployment.start_block);
                let logs = self.rpc("eth_getLogs", self.provider.get_logs(&filter)).await?;
                match logs.first().and_then(|l| l.block_number) {
                    Some(block) => Some(self.confirmations(block).await?),
                    None => None,
                }
            }
        };
        Ok(ChainFacts { batch, attestation, training, datasets, bases, confirmations })
    }

    // ------------------------------------------------------------ royalties

    /// Pays `wei` of ETH royalties to model `id`; the vault splits it across its datasets by
    /// the proven counts.
    pub async fn pay_royalty(&self, id: B256, wei: U256) -> Result<Sent> {
        let vault = self.vault();
        Ok(self.transact("payRoyalty", vault.payRoyalty(id).value(wei)).await?.0)
    }

    /// Claims the sender's ETH royalties from dataset `dataset_id`; returns the amount.
    pub async fn claim(&self, dataset_id: u32) -> Result<(U256, Sent)> {
        let vault = self.vault();
        let (sent, receipt) =
            self.transact("claim", vault.claim(dataset_id, Address::ZERO)).await?;
        let event = Self::event::<RoyaltyVault::RoyaltyClaimed>(&receipt, "claim")?;
        Ok((event.amount, sent))
    }

    /// The ETH royalties `creator` can claim from dataset `dataset_id`.
    pub async fn claimable(&self, dataset_id: u32, creator: Address) -> Result<U256> {
        let vault = self.vault();
        self.view("claimable", vault.claimable(dataset_id, Address::ZERO, creator)).await
    }

    /// The ETH royalties `creator` has claimed from dataset `dataset_id`.
    pub async fn claimed(&self, dataset_id: u32, creator: Address) -> Result<U256> {
        let vault = self.vault();
        self.view("claimed", vault.claimed(dataset_id, Address::ZERO, creator)).await
    }

    // ------------------------------------------------------------ chain

    /// The latest block number.
    pub async fn block_number(&self) -> Result<u64> {
        self.rpc("eth_blockNumber", self.provider.get_block_number()).await
    }

    /// The confirmations a block has now (1: it is the latest block).
    pub async fn confirmations(&self, block: u64) -> Result<u64> {
        Ok(self.block_number().await?.saturating_sub(block) + 1)
    }

    /// The balance of `account`, in wei.
    pub async fn balance(&self, account: Address) -> Result<U256> {
        self.rpc("eth_getBalance", self.provider.get_balance(account)).await
    }
}

fn provider(options: &Options, signer: Option<PrivateKeySigner>) -> Result<DynProvider> {
    let url: alloy::transports::http::reqwest::Url =
        options.rpc_url.parse().map_err(|_| ChainError::RpcUrl { url: options.rpc_url.clone() })?;
    Ok(match signer {
        Some(signer) => {
            ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url).erased()
        }
        None => ProviderBuilder::new().connect_http(url).erased(),
    })
}

/// Awaits one RPC exchange, bounded by `options.timeout`.
async fn bounded<T, E: std::fmt::Display>(
    options: &Options,
    method: &'static str,
    fut: impl std::future::IntoFuture<Output = std::result::Result<T, E>>,
) -> Result<T> {
    match tokio::time::timeout(options.timeout, fut.into_future()).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(classify_rpc_error(&options.rpc_url, method, &err)),
        Err(_) => Err(ChainError::Unreachable {
            url: options.rpc_url.clone(),
            reason: format!("{method} got no answer within {:?}", options.timeout),
        }),
    }
}

/// A field element as the contracts' `uint256`.
pub fn word(x: &lineage_core::field::Fr) -> U256 {
    U256::from_be_bytes(fr_to_be_bytes(x))
}

/// The registry's `AttestRequest` for `att` (proven training) with its used slots bound
/// to `dataset_ids`, fine-tuned from `base` (`None`: from the profile's zero weights).
pub fn attest_request(
    att: &Attestation,
    dataset_ids: &[u32],
    base: Option<B256>,
) -> Result<AttestRequest> {
    let p = &att.public;
    let t = p.model.trained().ok_or(ChainError::KindMismatch { kind: att.kind })?;
    let d = dataset_fields(att, dataset_ids)?;
    Ok(AttestRequest {
        profileId: att.profile_id,
        datasetIds: d.dataset_ids,
        counts: d.counts,
        trainRoot: d.train_root,
        licenseMask: p.license_mask,
        nRecords: d.n_records,
        w0Hash: word(&t.w0_hash),
        baseModelId: base.unwrap_or_default(),
        wHash: word(&t.w_hash),
        hyperHash: word(&t.hyper_hash),
        accumulator: d.accumulator,
    })
}

/// The registry's `DeclaredRequest` for `att` (declared training) with its used slots
/// bound to `dataset_ids`.
pub fn declared_request(att: &Attestation, dataset_ids: &[u32]) -> Result<DeclaredRequest> {
    let m = att.public.model.declared().ok_or(ChainError::KindMismatch { kind: att.kind })?;
    let d = dataset_fields(att, dataset_ids)?;
    Ok(DeclaredRequest {
        profileId: att.profile_id,
        datasetIds: d.dataset_ids,
        counts: d.counts,
        trainRoot: d.train_root,
        licenseMask: att.public.license_mask,
        nRecords: d.n_records,
        modelHash: B256::from(m.model_sha256.0),
        accumulator: d.accumulator,
    })
}

/// The request fields both kinds share, narrowed to the registry's types.
struct DatasetFields {
    dataset_ids: Vec<u32>,
    counts: Vec<u32>,
    train_root: U256,
    n_records: u32,
    accumulator: Vec<U256>,
}

fn dataset_fields(att: &Attestation, dataset_ids: &[u32]) -> Result<DatasetFields> {
    let p = &att.public;
    let used = p.cert_roots.iter().filter(|r| **r != Default::default()).count();
    if dataset_ids.len() != used {
        return Err(ChainError::DatasetIdsMismatch { slots: used, given: dataset_ids.len() });
    }
    let narrow = |name: &'static str, v: u64| {
        u32::try_from(v).map_err(|_| ChainError::ValueTooLarge { name, value: v })
    };
    Ok(DatasetFields {
        dataset_ids: dataset_ids.to_vec(),
        counts: p.counts[..used].iter().map(|c| narrow("count", *c)).collect::<Result<_>>()?,
        train_root: word(&p.train_root),
        n_records: narrow("n_records", p.n_records)?,
        accumulator: p.accumulator.iter().map(word).collect(),
    })
}

/// What a model id is derived from, with the publisher: `w_hash` (proven training) or the
/// model file's SHA-256 as a big-endian word (declared training).
pub fn model_word(model: &ModelValues) -> U256 {
    match model {
        ModelValues::Trained(t) => word(&t.w_hash),
        ModelValues::Declared(d) => U256::from_be_bytes(d.model_sha256.0),
    }
}

fn attestation_status(raw: u8) -> AttestationStatus {
    AttestationStatus::try_from(raw).unwrap_or(AttestationStatus::None)
}

/// The status of a dataset from the registry's enum value (`None` for any other value).
pub fn dataset_status(raw: u8) -> DatasetStatus {
    DatasetStatus::try_from(raw).unwrap_or(DatasetStatus::None)
}

/// Sorts a JSON-RPC failure: no connection, no funds, or anything else.
fn classify_rpc_error(url: &str, method: &'static str, err: &dyn std::fmt::Display) -> ChainError {
    let text = err.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("insufficient funds") {
        ChainError::InsufficientFunds { what: method, reason: text }
    } else if lower.contains("error sending request")
        || lower.contains("connection refused")
        || lower.contains("dns error")
        || lower.contains("timed out")
    {
        ChainError::Unreachable { url: url.to_owned(), reason: text }
    } else {
        ChainError::Rpc { what: method, reason: text }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lineage_core::attestation::{ModelValues, PublicValues, SrsInfo, Trained};
    use lineage_core::field::Fr;

    fn attestation(counts: [u64; 4], roots: usize) -> Attestation {
        let mut cert_roots = vec![Fr::from(0); 4];
        for (i, r) in cert_roots.iter_mut().take(roots).enumerate() {
            *r = Fr::from(100 + i as u64);
        }
        Attestation {
            version: 1,
            profile: "demo".into(),
            profile_id: 1,
            kind: Default::default(),
            srs: SrsInfo { kind: "dev".into(), sha256: String::new(), insecure: true },
            vk_sha256: String::new(),
            public: PublicValues {
                accumulator: (0..12u64).map(Fr::from).collect(),
                cert_roots,
                counts: counts.to_vec(),
                train_root: Fr::from(7),
                license_mask: 0b101,
                n_records: counts.iter().sum(),
                model: ModelValues::Trained(Trained {
                    w0_hash: Fr::from(8),
                    w_hash: Fr::from(9),
                    hyper_hash: Fr::from(10),
                }),
            },
            instances: Vec::new(),
            proof: vec![1, 2, 3],
            calldata: Vec::new(),
            versions: Default::default(),
            timings_ms: Default::default(),
        }
    }

    #[test]
    fn attest_request_takes_the_used_slots_in_order() {
        let att = attestation([3, 5, 0, 0], 2);
        let r = attest_request(&att, &[4, 2], None).unwrap();
        assert_eq!(r.datasetIds, vec![4, 2]);
        assert_eq!(r.baseModelId, B256::ZERO);
        assert_eq!(r.counts, vec![3, 5]);
        assert_eq!(r.nRecords, 8);
        assert_eq!(r.wHash, U256::from(9));
        assert_eq!(r.accumulator.len(), 12);
        assert_eq!(r.licenseMask, 0b101);
        let base = B256::repeat_byte(7);
        assert_eq!(attest_request(&att, &[4, 2], Some(base)).unwrap().baseModelId, base);
    }

    #[test]
    fn declared_request_takes_the_used_slots_and_the_model_hash() {
        let mut att = attestation([3, 5, 0, 0], 2);
        assert!(matches!(
            declared_request(&att, &[4, 2]).unwrap_err(),
            ChainError::KindMismatch { .. }
        ));
        let model = lineage_core::ContentHash([0xab; 32]);
        att.public.model =
            ModelValues::Declared(lineage_core::attestation::DeclaredModel::new(model));
        let r = declared_request(&att, &[4, 2]).unwrap();
        assert_eq!(r.datasetIds, vec![4, 2]);
        assert_eq!(r.counts, vec![3, 5]);
        assert_eq!(r.nRecords, 8);
        assert_eq!(r.modelHash, B256::from([0xab; 32]));
        assert!(matches!(
            attest_request(&att, &[4, 2], None).unwrap_err(),
            ChainError::KindMismatch { .. }
        ));
        assert_eq!(model_word(&att.public.model), U256::from_be_bytes([0xab; 32]));
    }

    #[test]
    fn attest_request_refuses_a_wrong_number_of_dataset_ids() {
        let att = attestation([3, 5, 0, 0], 2);
        assert!(matches!(
            attest_request(&att, &[1], None),
            Err(ChainError::DatasetIdsMismatch { slots: 2, given: 1 })
        ));
    }

    #[test]
    fn attest_request_refuses_counts_beyond_32_bits() {
        let att = attestation([1 << 33, 5, 0, 0], 2);
        assert!(matches!(
            attest_request(&att, &[1, 2], None),
            Err(ChainError::ValueTooLarge { name: "count", .. })
        ));
    }

    #[test]
    fn model_id_is_keccak_of_the_abi_encoded_publisher_and_weights() {
        // keccak256(abi.encode(address(0x…01), uint256(2))), as the registry computes it.
        let publisher = Address::with_last_byte(1);
        let mut pre = [0u8; 64];
        pre[31] = 1;
        pre[63] = 2;
        assert_eq!(Client::model_id(publisher, U256::from(2)), alloy::primitives::keccak256(pre));
    }

    #[test]
    fn reverts_read_as_their_solidity_names() {
        use crate::bindings::LineageRegistry::RegistryCountSumMismatch;
        let e = crate::Revert::Registry(LineageRegistryErrors::RegistryCountSumMismatch(
            RegistryCountSumMismatch { sum: U256::from(47), nRecords: U256::from(48) },
        ));
        assert_eq!(e.name(), "RegistryCountSumMismatch");
        assert_eq!(e.to_string(), "RegistryCountSumMismatch { sum: 47, nRecords: 48 }");
    }

    #[test]
    fn a_root_registered_again_reads_with_the_existing_id() {
        use crate::bindings::LineageRegistry::RegistryRootRegistered;
        use alloy::sol_types::{SolError, SolInterface};
        // The revert data the registry returns, decoded as `contract_error` decodes it.
        let data = RegistryRootRegistered { root: U256::from(0xabc), datasetId: 3 }.abi_encode();
        let e = crate::Revert::Registry(LineageRegistryErrors::abi_decode(&data).unwrap());
        assert_eq!(e.name(), "RegistryRootRegistered");
        assert_eq!(e.to_string(), "RegistryRootRegistered { root: 2748, datasetId: 3 }");
    }

    #[test]
    fn rpc_failures_are_sorted() {
        let url = "http://127.0.0.1:1";
        let refused = classify_rpc_error(url, "eth_chainId", &"error sending request for url");
        assert!(matches!(refused, ChainError::Unreachable { .. }));
        let poor = classify_rpc_error(url, "pay", &"Insufficient funds for gas * price + value");
        assert!(matches!(poor, ChainError::InsufficientFunds { .. }));
        let other = classify_rpc_error(url, "call", &"execution reverted");
        assert!(matches!(other, ChainError::Rpc { .. }));
    }
}
