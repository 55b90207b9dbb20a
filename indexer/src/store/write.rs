//! Writing one indexed block range: its events, block hashes and the checkpoint, in one
//! transaction.

use std::collections::{BTreeMap, HashMap};

use alloy::primitives::{Address, BlockNumber, B256, U256};
use sqlx::{QueryBuilder, Row};

use super::{int, with_db, Store};
use crate::{
    events::{AttestCall, Body, Event, LogPosition, RegistryEvents, VaultEvents},
    Error, Result,
};
use lineage_core::attestation::TrainingKind;

/// One block range read from the chain, ready to store.
#[derive(Clone, Debug, Default)]
pub struct IndexedRange {
    /// First block of the range.
    pub from: BlockNumber,
    /// Last block of the range.
    pub to: BlockNumber,
    /// The hash of block `to`.
    pub to_hash: B256,
    /// The events, in chain order.
    pub events: Vec<Event>,
    /// Calldata of attesting transactions, by transaction hash.
    pub attest_calls: HashMap<B256, AttestCall>,
    /// The chain head when the range was read.
    pub head: BlockNumber,
    /// The finalized block then.
    pub finalized: BlockNumber,
}

/// Rows per multi-row INSERT: large enough to amortise round trips, small enough for
/// SQLite's variable limit.
const CHUNK: usize = 256;

type Blob = Vec<u8>;

fn h(v: B256) -> Blob {
    v.as_slice().to_vec()
}

fn a(v: Address) -> Blob {
    v.as_slice().to_vec()
}

fn w(v: U256) -> Blob {
    v.to_be_bytes::<32>().to_vec()
}

/// Provenance columns of a row: block_number, block_hash, tx_hash, log_index.
#[derive(Clone)]
struct Pos {
    block: i64,
    block_hash: Blob,
    tx: Blob,
    log: i64,
}

impl From<LogPosition> for Pos {
    fn from(p: LogPosition) -> Self {
        Self {
            block: int(p.block_number),
            block_hash: h(p.block_hash),
            tx: h(p.tx_hash),
            log: int(p.log_index),
        }
    }
}

/// dataset_id, kind, certifier, root, reason, position.
type DatasetEventRow = (i64, &'static str, Blob, Option<Blob>, Option<String>, Pos);

/// The rows of one range, per table.
#[derive(Default)]
struct Rows {
    datasets: Vec<(i64, Blob, Blob, String, String, String, Pos)>,
    creators: Vec<(i64, i64, Blob, String, i64)>,
    dataset_events: Vec<DatasetEventRow>,
    attestations: Vec<AttestationRow>,
    attestation_datasets: Vec<(Blob, i64, i64, i64, i64)>,
    revocations: Vec<(Blob, Blob, Pos)>,
    /// model_id, base_model_id, position of `ModelFineTuned`.
    bases: Vec<(Blob, Blob, Pos)>,
    batches: Vec<(Blob, i64, Blob, String, String, Pos)>,
    payments: Vec<(Blob, Blob, Blob, String, Pos)>,
    credits: Vec<(Blob, i64, Blob, i64, String, String, Pos)>,
    claims: Vec<(i64, Blob, Blob, String, String, Pos)>,
    releases: Vec<(i64, Blob, Blob, String, Pos)>,
    admin: Vec<(Blob, &'static str, String, Pos)>,
}

struct AttestationRow {
    model_id: Blob,
    publisher: Blob,
    profile_id: i64,
    w_hash: Blob,
    train_root: Blob,
    license_mask: String,
    n_records: i64,
    w0_hash: Blob,
    hyper_hash: Blob,
    verifier: Blob,
    submitter: Blob,
    accumulator: Option<Blob>,
    proof: Option<Blob>,
    /// `proven` or `declared` ([`TrainingKind::as_str`]).
    kind: &'static str,
    /// The declared model file's SHA-256 (`ModelDeclared`); `None` for proven training.
    model_hash: Option<Blob>,
    pos: Pos,
}

/// Running totals the range adds to: (dataset, token, held) credits and
/// (dataset, token, creator) claims, starting from the latest stored row.
#[derive(Default)]
struct Totals {
    credits: HashMap<(u32, Address, bool), U256>,
    claims: HashMap<(u32, Address, Address), U256>,
}

fn admin_args(e: &RegistryEvents) -> Option<String> {
    use serde_json::json;
    let v = match e {
        RegistryEvents::CertifierUpdated(e) => json!({"account": e.account, "enabled": e.enabled}),
        RegistryEvents::VerifierUpdated(e) => json!({
            "profileId": e.profileId, "previousVerifier": e.previousVerifier, "verifier": e.verifier
        }),
        RegistryEvents::RoyaltyVaultUpdated(e) => {
            json!({"previousVault": e.previousVault, "vault": e.vault})
        }
        RegistryEvents::OwnershipTransferStarted(e) => {
            json!({"previousOwner": e.previousOwner, "newOwner": e.newOwner})
        }
        RegistryEvents::OwnershipTransferred(e) => {
            json!({"previousOwner": e.previousOwner, "newOwner": e.newOwner})
        }
        RegistryEvents::EIP712DomainChanged(_) => json!({}),
        _ => return None,
    };
    Some(v.to_string())
}

fn vault_admin_args(e: &VaultEvents) -> Option<String> {
    use serde_json::json;
    let v = match e {
        VaultEvents::OwnershipTransferStarted(e) => {
            json!({"previousOwner": e.previousOwner, "newOwner": e.newOwner})
        }
        VaultEvents::OwnershipTransferred(e) => {
            json!({"previousOwner": e.previousOwner, "newOwner": e.newOwner})
        }
        _ => return None,
    };
    Some(v.to_string())
}

/// The declared models of a range: `ModelDeclared`'s model hash by model id. The event
/// follows its `ModelAttested` in the same transaction, so in the same block and range.
fn declared_models(events: &[Event]) -> HashMap<B256, B256> {
    events
        .iter()
        .filter_map(|e| match &e.body {
            Body::Registry(RegistryEvents::ModelDeclared(d)) => Some((d.modelId, d.modelHash)),
            _ => None,
        })
        .collect()
}

impl Rows {
    fn push(
        &mut self,
        event: &Event,
        calls: &HashMap<B256, AttestCall>,
        declared: &HashMap<B256, B256>,
        totals: &mut Totals,
    ) {
        let pos = Pos::from(event.at);
        let block = pos.block;
        match &event.body {
            Body::Registry(e) => match e {
                RegistryEvents::DatasetRegistered(e) => {
                    let id = i64::from(e.datasetId);
                    for (i, (creator, weight)) in e.creators.iter().zip(&e.weights).enumerate() {
                        self.creators.push((
                            id,
                            i64::try_from(i).unwrap_or(i64::MAX),
                            a(*creator),
                            weight.to_string(),
                            block,
                        ));
                    }
                    self.datasets.push((
                        id,
                        a(e.curator),
                        w(e.root),
                        e.leafCount.to_string(),
                        e.totalWeight.to_string(),
                        e.uri.clone(),
                        pos,
                    ));
                }
                RegistryEvents::DatasetCertified(e) => self.dataset_events.push((
                    i64::from(e.datasetId),
                    "certified",
                    a(e.certifier),
                    Some(w(e.root)),
                    None,
                    pos,
                )),
                RegistryEvents::DatasetRevoked(e) => self.dataset_events.push((
                    i64::from(e.datasetId),
                    "revoked",
                    a(e.certifier),
                    None,
                    Some(e.reason.clone()),
                    pos,
                )),
                RegistryEvents::ModelAttested(e) => {
                    // Declared when its `ModelDeclared` follows; the calldata only when it is
                    // a call of the same kind for the same model (another kind's public
                    // values have another layout).
                    let model_hash = declared.get(&e.modelId);
                    let kind = match model_hash {
                        Some(_) => TrainingKind::Declared,
                        None => TrainingKind::Proven,
                    };
                    let call = calls
                        .get(&event.at.tx_hash)
                        .filter(|c| c.w_hash == e.wHash && c.kind == kind);
                    for (slot, (id, count)) in e.datasetIds.iter().zip(&e.counts).enumerate() {
                        self.attestation_datasets.push((
                            h(e.modelId),
                            i64::try_from(slot).unwrap_or(i64::MAX),
                            i64::from(*id),
                            i64::from(*count),
                            block,
                        ));
                    }
                    self.attestations.push(AttestationRow {
                        model_id: h(e.modelId),
                        publisher: a(e.publisher),
                        profile_id: i64::from(e.profileId),
                        w_hash: w(e.wHash),
                        train_root: w(e.trainRoot),
                        license_mask: e.licenseMask.to_string(),
                        n_records: i64::from(e.nRecords),
                        w0_hash: w(e.w0Hash),
                        hyper_hash: w(e.hyperHash),
                        verifier: a(e.verifier),
                        submitter: a(e.submitter),
                        accumulator: call
                            .map(|c| c.accumulator.iter().flat_map(|l| w(*l)).collect()),
                        proof: call.map(|c| c.proof.to_vec()),
                        kind: kind.as_str(),
                        model_hash: model_hash.map(|m| h(*m)),
                        pos,
                    });
                }
                // Read with its `ModelAttested` (`declared_models`).
                RegistryEvents::ModelDeclared(_) => {}
                RegistryEvents::ModelFineTuned(e) => {
                    self.bases.push((h(e.modelId), h(e.baseModelId), pos))
                }
                RegistryEvents::AttestationRevoked(e) => {
                    self.revocations.push((h(e.modelId), a(e.publisher), pos))
                }
                RegistryEvents::OutputsAnchored(e) => self.batches.push((
                    h(e.modelId),
                    int(e.batchIndex.saturating_to::<u64>()),
                    h(e.batchRoot),
                    e.count.to_string(),
                    e.uri.clone(),
                    pos,
                )),
                other => {
                    if let Some(args) = admin_args(other) {
                        self.admin.push((a(event.contract), event.name(), args, pos));
                    }
                }
            },
            Body::Vault(e) => match e {
                VaultEvents::RoyaltyPaid(e) => self.payments.push((
                    h(e.modelId),
                    a(e.token),
                    a(e.payer),
                    e.amount.to_string(),
                    pos,
                )),
                VaultEvents::RoyaltyDistributed(e) => {
                    self.credit(totals, e.modelId, e.datasetId, e.token, false, e.amount, pos)
                }
                VaultEvents::RoyaltyHeld(e) => {
                    self.credit(totals, e.modelId, e.datasetId, e.token, true, e.amount, pos)
                }
                VaultEvents::RoyaltyClaimed(e) => {
                    let total = totals.claims.entry((e.datasetId, e.token, e.creator)).or_default();
                    *total = total.saturating_add(e.amount);
                    self.claims.push((
                        i64::from(e.datasetId),
                        a(e.token),
                        a(e.creator),
                        e.amount.to_string(),
                        total.to_string(),
                        pos,
                    ));
                }
                VaultEvents::HeldRoyaltyReleased(e) => self.releases.push((
                    i64::from(e.datasetId),
                    a(e.token),
                    a(e.to),
                    e.amount.to_string(),
                    pos,
                )),
                other => {
                    if let Some(args) = vault_admin_args(other) {
                        self.admin.push((a(event.contract), event.name(), args, pos));
                    }
                }
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn credit(
        &mut self,
        totals: &mut Totals,
        model: B256,
        dataset: u32,
        token: Address,
        held: bool,
        amount: U256,
        pos: Pos,
    ) {
        let total = totals.credits.entry((dataset, token, held)).or_default();
        *total = total.saturating_add(amount);
        self.credits.push((
            h(model),
            i64::from(dataset),
            a(token),
            i64::from(held),
            amount.to_string(),
            total.to_string(),
            pos,
        ));
    }
}

/// Multi-row INSERT of `$rows` in chunks: `$push` binds one row's values.
macro_rules! insert_rows {
    ($tx:expr, $head:expr, $rows:expr, |$b:ident, $r:ident| $push:expr) => {
        insert_rows!($tx, $head, $rows, |$b, $r| $push, "")
    };
    ($tx:expr, $head:expr, $rows:expr, |$b:ident, $r:ident| $push:expr, $tail:expr) => {
        for chunk in $rows.chunks(CHUNK) {
            let mut qb = QueryBuilder::<Db>::new($head);
            qb.push_values(chunk, |mut $b, $r| {
                $push;
            });
            qb.push($tail);
            qb.build().execute(&mut *$tx).await?;
        }
    };
}

/// Parses a stored decimal amount.
fn amount(column: &'static str, v: &str) -> Result<U256> {
    v.parse().map_err(|e| Error::Corrupt { column, reason: format!("{v:?}: {e}") })
}

impl Store {
    /// Stores one range and moves the checkpoint past it, atomically. Refuses a range
    /// that does not start right after the checkpoint (so nothing is ever stored twice).
    pub async fn apply(&self, range: &IndexedRange) -> Result<()> {
        // Blocks whose hashes to keep: every block holding an event, and the range's end.
        let mut blocks: BTreeMap<BlockNumber, B256> =
            range.events.iter().map(|e| (e.at.block_number, e.at.block_hash)).collect();
        blocks.insert(range.to, range.to_hash);
        let changed = !range.events.is_empty();

        with_db!(self, pool => {
            let mut tx = pool.begin().await?;
            let indexed: i64 = sqlx::query("SELECT indexed_block FROM sync_state WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            if indexed + 1 != int(range.from) {
                return Err(Error::Corrupt {
                    column: "sync_state.indexed_block",
                    reason: format!(
                        "range {}..={} does not follow the checkpoint {indexed}",
                        range.from, range.to
                    ),
                });
            }

            // Running totals start from the latest stored row of each key the range touches.
            let mut totals = Totals::default();
            for e in &range.events {
                match &e.body {
                    Body::Vault(VaultEvents::RoyaltyDistributed(v)) => {
                        totals.credits.entry((v.datasetId, v.token, false)).or_default();
                    }
                    Body::Vault(VaultEvents::RoyaltyHeld(v)) => {
                        totals.credits.entry((v.datasetId, v.token, true)).or_default();
                    }
                    Body::Vault(VaultEvents::RoyaltyClaimed(v)) => {
                        totals.claims.entry((v.datasetId, v.token, v.creator)).or_default();
                    }
                    _ => {}
                }
            }
            for (&(dataset, token, held), total) in totals.credits.iter_mut() {
                let row = sqlx::query(
                    "SELECT cumulative FROM royalty_totals WHERE dataset_id = $1 AND token = $2 \
                     AND held = $3",
                )
                .bind(i64::from(dataset))
                .bind(token.as_slice())
                .bind(i64::from(held))
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = row {
                    *total = amount("royalty_totals.cumulative", row.try_get(0)?)?;
                }
            }
            for (&(dataset, token, creator), total) in totals.claims.iter_mut() {
                let row = sqlx::query(
                    "SELECT cumulative FROM claim_totals WHERE creator = $1 AND dataset_id = $2 \
                     AND token = $3",
                )
                .bind(creator.as_slice())
                .bind(i64::from(dataset))
                .bind(token.as_slice())
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = row {
                    *total = amount("claim_totals.cumulative", row.try_get(0)?)?;
                }
            }

            let mut rows = Rows::default();
            let declared = declared_models(&range.events);
            for event in &range.events {
                rows.push(event, &range.attest_calls, &declared, &mut totals);
            }

            insert_rows!(tx, "INSERT INTO datasets (dataset_id, curator, root, leaf_count, \
                total_weight, uri, block_number, block_hash, tx_hash, log_index) ",
                rows.datasets, |b, r| {
                    b.push_bind(r.0).push_bind(&r.1).push_bind(&r.2).push_bind(&r.3)
                        .push_bind(&r.4).push_bind(&r.5).push_bind(r.6.block)
                        .push_bind(&r.6.block_hash).push_bind(&r.6.tx).push_bind(r.6.log)
                });
            insert_rows!(tx, "INSERT INTO dataset_creators (dataset_id, position, creator, \
                weight, block_number) ", rows.creators, |b, r| {
                    b.push_bind(r.0).push_bind(r.1).push_bind(&r.2).push_bind(&r.3).push_bind(r.4)
                });
            insert_rows!(tx, "INSERT INTO dataset_events (dataset_id, kind, certifier, root, \
                reason, block_number, block_hash, tx_hash, log_index) ",
                rows.dataset_events, |b, r| {
                    b.push_bind(r.0).push_bind(r.1).push_bind(&r.2).push_bind(&r.3)
                        .push_bind(&r.4).push_bind(r.5.block).push_bind(&r.5.block_hash)
                        .push_bind(&r.5.tx).push_bind(r.5.log)
                });
            insert_rows!(tx, "INSERT INTO attestations (model_id, publisher, profile_id, w_hash, \
                train_root, license_mask, n_records, w0_hash, hyper_hash, verifier, submitter, \
                accumulator, proof, kind, model_hash, block_number, block_hash, tx_hash, \
                log_index) ",
                rows.attestations, |b, r| {
                    b.push_bind(&r.model_id).push_bind(&r.publisher).push_bind(r.profile_id)
                        .push_bind(&r.w_hash).push_bind(&r.train_root).push_bind(&r.license_mask)
                        .push_bind(r.n_records).push_bind(&r.w0_hash).push_bind(&r.hyper_hash)
                        .push_bind(&r.verifier).push_bind(&r.submitter).push_bind(&r.accumulator)
                        .push_bind(&r.proof).push_bind(r.kind).push_bind(&r.model_hash)
                        .push_bind(r.pos.block).push_bind(&r.pos.block_hash)
                        .push_bind(&r.pos.tx).push_bind(r.pos.log)
                });
            insert_rows!(tx, "INSERT INTO attestation_datasets (model_id, slot, dataset_id, count, \
                block_number) ", rows.attestation_datasets, |b, r| {
                    b.push_bind(&r.0).push_bind(r.1).push_bind(r.2).push_bind(r.3).push_bind(r.4)
                });
            insert_rows!(tx, "INSERT INTO model_bases (model_id, base_model_id, block_number, \
                block_hash, tx_hash, log_index) ", rows.bases, |b, r| {
                    b.push_bind(&r.0).push_bind(&r.1).push_bind(r.2.block)
                        .push_bind(&r.2.block_hash).push_bind(&r.2.tx).push_bind(r.2.log)
                });
            insert_rows!(tx, "INSERT INTO attestation_revocations (model_id, publisher, \
                block_number, block_hash, tx_hash, log_index) ", rows.revocations, |b, r| {
                    b.push_bind(&r.0).push_bind(&r.1).push_bind(r.2.block)
                        .push_bind(&r.2.block_hash).push_bind(&r.2.tx).push_bind(r.2.log)
                });
            insert_rows!(tx, "INSERT INTO output_batches (model_id, batch_index, batch_root, count, \
                uri, block_number, block_hash, tx_hash, log_index) ", rows.batches, |b, r| {
                    b.push_bind(&r.0).push_bind(r.1).push_bind(&r.2).push_bind(&r.3)
                        .push_bind(&r.4).push_bind(r.5.block).push_bind(&r.5.block_hash)
                        .push_bind(&r.5.tx).push_bind(r.5.log)
                });
            insert_rows!(tx, "INSERT INTO royalty_payments (model_id, token, payer, amount, \
                block_number, block_hash, tx_hash, log_index) ", rows.payments, |b, r| {
                    b.push_bind(&r.0).push_bind(&r.1).push_bind(&r.2).push_bind(&r.3)
                        .push_bind(r.4.block).push_bind(&r.4.block_hash).push_bind(&r.4.tx)
                        .push_bind(r.4.log)
                });
            insert_rows!(tx, "INSERT INTO royalty_credits (model_id, dataset_id, token, held, \
                amount, cumulative, block_number, block_hash, tx_hash, log_index) ",
                rows.credits, |b, r| {
                    b.push_bind(&r.0).push_bind(r.1).push_bind(&r.2).push_bind(r.3)
                        .push_bind(&r.4).push_bind(&r.5).push_bind(r.6.block)
                        .push_bind(&r.6.block_hash).push_bind(&r.6.tx).push_bind(r.6.log)
                });
            insert_rows!(tx, "INSERT INTO royalty_claims (dataset_id, token, creator, amount, \
                cumulative, block_number, block_hash, tx_hash, log_index) ", rows.claims, |b, r| {
                    b.push_bind(r.0).push_bind(&r.1).push_bind(&r.2).push_bind(&r.3)
                        .push_bind(&r.4).push_bind(r.5.block).push_bind(&r.5.block_hash)
                        .push_bind(&r.5.tx).push_bind(r.5.log)
                });
            insert_rows!(tx, "INSERT INTO held_releases (dataset_id, token, recipient, amount, \
                block_number, block_hash, tx_hash, log_index) ", rows.releases, |b, r| {
                    b.push_bind(r.0).push_bind(&r.1).push_bind(&r.2).push_bind(&r.3)
                        .push_bind(r.4.block).push_bind(&r.4.block_hash).push_bind(&r.4.tx)
                        .push_bind(r.4.log)
                });
            insert_rows!(tx, "INSERT INTO admin_events (contract, name, args, block_number, \
                block_hash, tx_hash, log_index) ", rows.admin, |b, r| {
                    b.push_bind(&r.0).push_bind(r.1).push_bind(&r.2).push_bind(r.3.block)
                        .push_bind(&r.3.block_hash).push_bind(&r.3.tx).push_bind(r.3.log)
                });

            // The totals take the last row of each key in this range.
            let mut credit_totals: BTreeMap<(i64, &Blob, i64), (&String, &Pos)> = BTreeMap::new();
            for r in &rows.credits {
                credit_totals.insert((r.1, &r.2, r.3), (&r.5, &r.6));
            }
            let credit_totals: Vec<_> = credit_totals.into_iter().collect();
            insert_rows!(tx, "INSERT INTO royalty_totals (dataset_id, token, held, cumulative, \
                block_number, block_hash, tx_hash, log_index) ", credit_totals, |b, r| {
                    b.push_bind(r.0 .0).push_bind(r.0 .1).push_bind(r.0 .2).push_bind(r.1 .0)
                        .push_bind(r.1 .1.block).push_bind(&r.1 .1.block_hash)
                        .push_bind(&r.1 .1.tx).push_bind(r.1 .1.log)
                }, " ON CONFLICT (dataset_id, token, held) DO UPDATE SET \
                    cumulative = excluded.cumulative, block_number = excluded.block_number, \
                    block_hash = excluded.block_hash, tx_hash = excluded.tx_hash, \
                    log_index = excluded.log_index");
            let mut claim_totals: BTreeMap<(&Blob, i64, &Blob), (&String, &Pos)> = BTreeMap::new();
            for r in &rows.claims {
                claim_totals.insert((&r.2, r.0, &r.1), (&r.4, &r.5));
            }
            let claim_totals: Vec<_> = claim_totals.into_iter().collect();
            insert_rows!(tx, "INSERT INTO claim_totals (creator, dataset_id, token, cumulative, \
                block_number, block_hash, tx_hash, log_index) ", claim_totals, |b, r| {
                    b.push_bind(r.0 .0).push_bind(r.0 .1).push_bind(r.0 .2).push_bind(r.1 .0)
                        .push_bind(r.1 .1.block).push_bind(&r.1 .1.block_hash)
                        .push_bind(&r.1 .1.tx).push_bind(r.1 .1.log)
                }, " ON CONFLICT (creator, dataset_id, token) DO UPDATE SET \
                    cumulative = excluded.cumulative, block_number = excluded.block_number, \
                    block_hash = excluded.block_hash, tx_hash = excluded.tx_hash, \
                    log_index = excluded.log_index");

            let blocks: Vec<(i64, Blob)> = blocks.into_iter().map(|(n, x)| (int(n), h(x))).collect();
            for chunk in blocks.chunks(CHUNK) {
                let mut qb = QueryBuilder::<Db>::new("INSERT INTO blocks (number, hash) ");
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(r.0).push_bind(&r.1);
                });
                qb.push(" ON CONFLICT (number) DO UPDATE SET hash = excluded.hash");
                qb.build().execute(&mut *tx).await?;
            }

            // Hashes below the finalized block are never needed again, except the newest of
            // them: the ancestor a reorg walk ends at.
            sqlx::query(
                "DELETE FROM blocks WHERE number < \
                 (SELECT MAX(number) FROM blocks WHERE number <= $1)",
            )
            .bind(int(range.finalized))
            .execute(&mut *tx)
            .await?;

            sqlx::query(
                "UPDATE sync_state SET indexed_block = $1, indexed_hash = $2, head_block = $3, \
                 finalized_block = $4, generation = generation + $5 WHERE id = 1",
            )
            .bind(int(range.to))
            .bind(range.to_hash.as_slice())
            .bind(int(range.head))
            .bind(int(range.finalized))
            .bind(i64::from(changed))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
