//! Reading answers out of the store.

use std::collections::BTreeMap;

use alloy::primitives::{Address, BlockNumber, Bytes, B256, U256, U512};
use sqlx::{postgres::PgRow, sqlite::SqliteRow, Row};

use super::{address, b256, int, uint, with_db, Store};
use crate::{
    events::LogPosition,
    model::{
        Amount, AttestedDataset, CertificationEvent, Creator, CreatorDataset, CreatorRoyalty,
        CreatorWeight, Dataset, DatasetCreators, Model, ModelProof, ModelUse, Output, OutputAnchor,
        OutputBatch, PublicValues, Tip, TokenTotals, DATASET_SLOTS,
    },
    outputs, Error, Result,
};

/// Typed column access shared by both backends' rows.
pub(crate) trait DbRow {
    /// An integer column.
    fn int(&self, i: usize) -> Result<i64>;
    /// A nullable blob column.
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>>;
    /// A nullable text column.
    fn opt_text(&self, i: usize) -> Result<Option<String>>;
    /// Any column, rendered for comparisons (`dump`).
    fn render(&self, i: usize) -> String;
    /// Number of columns.
    fn width(&self) -> usize;

    /// A blob column.
    fn blob(&self, i: usize) -> Result<Vec<u8>> {
        self.opt_blob(i)?.ok_or(Error::Corrupt { column: "blob", reason: "NULL".into() })
    }
    /// A text column.
    fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?.ok_or(Error::Corrupt { column: "text", reason: "NULL".into() })
    }
    /// A 32-byte column.
    fn b256(&self, i: usize) -> Result<B256> {
        b256("hash", &self.blob(i)?)
    }
    /// A 20-byte column.
    fn address(&self, i: usize) -> Result<Address> {
        address("address", &self.blob(i)?)
    }
    /// A non-negative integer column.
    fn uint(&self, i: usize) -> Result<u64> {
        uint("integer", self.int(i)?)
    }
    /// A u32 column.
    fn u32(&self, i: usize) -> Result<u32> {
        let v = self.int(i)?;
        u32::try_from(v).map_err(|_| Error::Corrupt { column: "u32", reason: v.to_string() })
    }
    /// Four columns starting at `i`: block_number, block_hash, tx_hash, log_index.
    fn position(&self, i: usize) -> Result<LogPosition> {
        Ok(LogPosition {
            block_number: self.uint(i)?,
            block_hash: self.b256(i + 1)?,
            tx_hash: self.b256(i + 2)?,
            log_index: self.uint(i + 3)?,
        })
    }
}

macro_rules! impl_db_row {
    ($row:ty) => {
        impl DbRow for $row {
            fn int(&self, i: usize) -> Result<i64> {
                Ok(self.try_get(i)?)
            }
            fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>> {
                Ok(self.try_get(i)?)
            }
            fn opt_text(&self, i: usize) -> Result<Option<String>> {
                Ok(self.try_get(i)?)
            }
            fn render(&self, i: usize) -> String {
                if let Ok(v) = self.try_get::<Option<i64>, _>(i) {
                    return format!("{v:?}");
                }
                if let Ok(v) = self.try_get::<Option<String>, _>(i) {
                    return format!("{v:?}");
                }
                if let Ok(v) = self.try_get::<Option<Vec<u8>>, _>(i) {
                    return format!("{:?}", v.map(hex::encode));
                }
                "?".into()
            }
            fn width(&self) -> usize {
                self.columns().len()
            }
        }
    };
}
impl_db_row!(SqliteRow);
impl_db_row!(PgRow);

/// A row rendered column by column.
pub(crate) fn render_row(row: &impl DbRow) -> Result<String> {
    Ok((0..row.width()).map(|i| row.render(i)).collect::<Vec<_>>().join(" | "))
}

/// Where a page starts: the key of the last item of the previous page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKey {
    /// Datasets, by id.
    Dataset(u32),
    /// Models, by the position of their attestation.
    Model(BlockNumber, u64),
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next: Option<PageKey>,
}

fn status_of(kind: Option<String>) -> String {
    kind.unwrap_or_else(|| "registered".into())
}

const DATASET_COLUMNS: &str = "d.dataset_id, d.curator, d.root, d.leaf_count, d.total_weight, \
    d.uri, d.block_number, d.block_hash, d.tx_hash, d.log_index, \
    (SELECT e.kind FROM dataset_events e WHERE e.dataset_id = d.dataset_id \
     ORDER BY e.block_number DESC, e.log_index DESC LIMIT 1)";

fn dataset_row(r: &impl DbRow, tip: &Tip) -> Result<Dataset> {
    Ok(Dataset {
        dataset_id: r.u32(0)?,
        curator: r.address(1)?,
        root: r.b256(2)?,
        leaf_count: r.text(3)?,
        total_weight: r.text(4)?,
        uri: r.text(5)?,
        provenance: tip.provenance(r.position(6)?),
        status: status_of(r.opt_text(10)?),
        creators: None,
        certifications: None,
        models: None,
    })
}

const MODEL_COLUMNS: &str = "a.model_id, a.publisher, a.submitter, a.profile_id, a.verifier, \
    a.w_hash, a.w0_hash, a.hyper_hash, a.train_root, a.license_mask, a.n_records, \
    a.block_number, a.block_hash, a.tx_hash, a.log_index, \
    CAST(CASE WHEN a.proof IS NULL THEN 0 ELSE 1 END AS BIGINT), \
    (SELECT COUNT(*) FROM output_batches o WHERE o.model_id = a.model_id)";

/// The status of model `$id` as a SQL expression.
const MODEL_STATUS: &str = "CASE \
    WHEN EXISTS (SELECT 1 FROM attestation_revocations r WHERE r.model_id = $id) THEN 'revoked' \
    WHEN EXISTS (SELECT 1 FROM attestation_datasets ad JOIN dataset_events e \
        ON e.dataset_id = ad.dataset_id AND e.kind = 'revoked' WHERE ad.model_id = $id) \
        THEN 'tainted' \
    ELSE 'valid' END";

fn model_status(id: &str) -> String {
    MODEL_STATUS.replace("$id", id)
}

fn model_row(r: &impl DbRow, tip: &Tip) -> Result<Model> {
    Ok(Model {
        model_id: r.b256(0)?,
        publisher: r.address(1)?,
        submitter: r.address(2)?,
        profile_id: r.u32(3)?,
        verifier: r.address(4)?,
        w_hash: r.b256(5)?,
        w0_hash: r.b256(6)?,
        hyper_hash: r.b256(7)?,
        train_root: r.b256(8)?,
        license_mask: r.text(9)?,
        n_records: r.u32(10)?,
        provenance: tip.provenance(r.position(11)?),
        proof_available: r.int(15)? != 0,
        output_batches: r.uint(16)?,
        status: r.text(17)?,
        datasets: Vec::new(),
        revocation: None,
    })
}

fn amount(v: &str) -> Result<U256> {
    v.parse().map_err(|e| Error::Corrupt { column: "amount", reason: format!("{v:?}: {e}") })
}

/// The outcome of a proof lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofLookup {
    /// No such model.
    UnknownModel,
    /// The model exists but its attesting calldata was not a direct registry call.
    Unavailable,
    /// The proof.
    Found(Box<ModelProof>),
}

/// An anchored batch, as needed to accept a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnchoredBatch {
    /// The on-chain root.
    pub root: B256,
    /// The on-chain count.
    pub count: u64,
    /// Its provenance.
    pub at: LogPosition,
}

impl Store {
    /// Datasets in id order, after `after`.
    pub async fn datasets(
        &self,
        after: Option<u32>,
        limit: u32,
        tip: &Tip,
    ) -> Result<Page<Dataset>> {
        let sql = format!(
            "SELECT {DATASET_COLUMNS} FROM datasets d WHERE d.dataset_id > $1 \
             ORDER BY d.dataset_id LIMIT $2"
        );
        let mut items = with_db!(self, pool => {
            let rows = sqlx::query(&sql)
                .bind(after.map_or(-1, i64::from))
                .bind(i64::from(limit) + 1)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| dataset_row(r, tip)).collect::<Result<Vec<_>>>()?
        });
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|d| PageKey::Dataset(d.dataset_id))
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// One dataset with its creators, certification history and the models using it.
    pub async fn dataset(&self, id: u32, tip: &Tip) -> Result<Option<Dataset>> {
        let sql = format!("SELECT {DATASET_COLUMNS} FROM datasets d WHERE d.dataset_id = $1");
        let uses_sql = format!(
            "SELECT ad.model_id, ad.dataset_id, ad.count, {}, a.block_number, a.block_hash, \
             a.tx_hash, a.log_index FROM attestation_datasets ad \
             JOIN attestations a ON a.model_id = ad.model_id WHERE ad.dataset_id = $1 \
             ORDER BY a.block_number, a.log_index",
            model_status("ad.model_id")
        );
        with_db!(self, pool => {
            let Some(row) = sqlx::query(&sql).bind(i64::from(id)).fetch_optional(pool).await?
            else {
                return Ok(None);
            };
            let mut dataset = dataset_row(&row, tip)?;
            let creators = sqlx::query(
                "SELECT creator, weight FROM dataset_creators WHERE dataset_id = $1 \
                 ORDER BY position",
            )
            .bind(i64::from(id))
            .fetch_all(pool)
            .await?;
            dataset.creators = Some(
                creators
                    .iter()
                    .map(|r| Ok(CreatorWeight { address: r.address(0)?, weight: r.text(1)? }))
                    .collect::<Result<_>>()?,
            );
            let events = sqlx::query(
                "SELECT kind, certifier, root, reason, block_number, block_hash, tx_hash, \
                 log_index FROM dataset_events WHERE dataset_id = $1 \
                 ORDER BY block_number, log_index",
            )
            .bind(i64::from(id))
            .fetch_all(pool)
            .await?;
            dataset.certifications = Some(
                events
                    .iter()
                    .map(|r| {
                        Ok(CertificationEvent {
                            event: r.text(0)?,
                            certifier: r.address(1)?,
                            root: r.opt_blob(2)?.map(|b| b256("dataset_events.root", &b)).transpose()?,
                            reason: r.opt_text(3)?,
                            provenance: tip.provenance(r.position(4)?),
                        })
                    })
                    .collect::<Result<_>>()?,
            );
            let uses = sqlx::query(&uses_sql).bind(i64::from(id)).fetch_all(pool).await?;
            dataset.models = Some(
                uses.iter()
                    .map(|r| {
                        Ok(ModelUse {
                            model_id: r.b256(0)?,
                            dataset_id: r.u32(1)?,
                            count: r.u32(2)?,
                            status: r.text(3)?,
                            provenance: tip.provenance(r.position(4)?),
                        })
                    })
                    .collect::<Result<_>>()?,
            );
            Ok(Some(dataset))
        })
    }

    /// Attested models in chain order, after `after` (block, log index).
    pub async fn models(
        &self,
        after: Option<(BlockNumber, u64)>,
        limit: u32,
        tip: &Tip,
    ) -> Result<Page<Model>> {
        let (block, log) = after.map_or((-1, -1), |(b, l)| (int(b), int(l)));
        let sql = format!(
            "SELECT {MODEL_COLUMNS}, {} FROM attestations a \
             WHERE a.block_number > $1 OR (a.block_number = $1 AND a.log_index > $2) \
             ORDER BY a.block_number, a.log_index LIMIT $3",
            model_status("a.model_id")
        );
        let mut items = with_db!(self, pool => {
            let rows = sqlx::query(&sql)
                .bind(block)
                .bind(log)
                .bind(i64::from(limit) + 1)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| model_row(r, tip)).collect::<Result<Vec<_>>>()?
        });
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|m| PageKey::Model(m.provenance.block_number, m.provenance.log_index))
        } else {
            None
        };
        for model in &mut items {
            self.fill_model(model, tip).await?;
        }
        Ok(Page { items, next })
    }

    /// One model (attestation) with its datasets and status.
    pub async fn model(&self, id: B256, tip: &Tip) -> Result<Option<Model>> {
        let sql = format!(
            "SELECT {MODEL_COLUMNS}, {} FROM attestations a WHERE a.model_id = $1",
            model_status("a.model_id")
        );
        let model = with_db!(self, pool => {
            let row = sqlx::query(&sql).bind(id.as_slice()).fetch_optional(pool).await?;
            row.map(|r| model_row(&r, tip)).transpose()?
        });
        let Some(mut model) = model else { return Ok(None) };
        self.fill_model(&mut model, tip).await?;
        Ok(Some(model))
    }

    async fn fill_model(&self, model: &mut Model, tip: &Tip) -> Result<()> {
        with_db!(self, pool => {
            // Each dataset with its latest certification or revocation, if any.
            let rows = sqlx::query(
                "SELECT ad.dataset_id, ad.count, d.root, e.kind, \
                 COALESCE(e.block_number, d.block_number), COALESCE(e.block_hash, d.block_hash), \
                 COALESCE(e.tx_hash, d.tx_hash), COALESCE(e.log_index, d.log_index) \
                 FROM attestation_datasets ad JOIN datasets d ON d.dataset_id = ad.dataset_id \
                 LEFT JOIN dataset_events e ON e.dataset_id = ad.dataset_id AND NOT EXISTS \
                   (SELECT 1 FROM dataset_events n WHERE n.dataset_id = e.dataset_id \
                    AND (n.block_number > e.block_number \
                         OR (n.block_number = e.block_number AND n.log_index > e.log_index))) \
                 WHERE ad.model_id = $1 ORDER BY ad.slot",
            )
            .bind(model.model_id.as_slice())
            .fetch_all(pool)
            .await?;
            model.datasets = rows
                .iter()
                .map(|r| {
                    Ok(AttestedDataset {
                        dataset_id: r.u32(0)?,
                        count: r.u32(1)?,
                        root: r.b256(2)?,
                        status: status_of(r.opt_text(3)?),
                        provenance: tip.provenance(r.position(4)?),
                    })
                })
                .collect::<Result<_>>()?;
            let revocation = sqlx::query(
                "SELECT block_number, block_hash, tx_hash, log_index FROM attestation_revocations \
                 WHERE model_id = $1",
            )
            .bind(model.model_id.as_slice())
            .fetch_optional(pool)
            .await?;
            model.revocation = revocation.map(|r| r.position(0)).transpose()?.map(|p| tip.provenance(p));
            Ok(())
        })
    }

    /// An attestation's proof and public values.
    pub async fn model_proof(&self, id: B256, tip: &Tip) -> Result<ProofLookup> {
        let row = with_db!(self, pool => {
            let row = sqlx::query(
                "SELECT profile_id, verifier, proof, accumulator, train_root, license_mask, \
                 n_records, w0_hash, w_hash, hyper_hash, block_number, block_hash, tx_hash, \
                 log_index FROM attestations WHERE model_id = $1",
            )
            .bind(id.as_slice())
            .fetch_optional(pool)
            .await?;
            let Some(r) = row else { return Ok(ProofLookup::UnknownModel) };
            let (Some(proof), Some(acc)) = (r.opt_blob(2)?, r.opt_blob(3)?) else {
                return Ok(ProofLookup::Unavailable);
            };
            let slots = sqlx::query(
                "SELECT ad.count, d.root FROM attestation_datasets ad \
                 JOIN datasets d ON d.dataset_id = ad.dataset_id \
                 WHERE ad.model_id = $1 ORDER BY ad.slot",
            )
            .bind(id.as_slice())
            .fetch_all(pool)
            .await?;
            let mut cert_root = vec![B256::ZERO; DATASET_SLOTS];
            let mut count = vec![0u32; DATASET_SLOTS];
            for (i, s) in slots.iter().enumerate().take(DATASET_SLOTS) {
                count[i] = s.u32(0)?;
                cert_root[i] = s.b256(1)?;
            }
            let accumulator: Vec<B256> = acc.chunks(32).map(B256::left_padding_from).collect();
            let license_mask = r.text(5)?;
            let values = PublicValues {
                accumulator,
                cert_root,
                count,
                train_root: r.b256(4)?,
                license_mask: license_mask.clone(),
                n_records: r.u32(6)?,
                w0_hash: r.b256(7)?,
                w_hash: r.b256(8)?,
                hyper_hash: r.b256(9)?,
            };
            (r.u32(0)?, r.address(1)?, Bytes::from(proof), values, r.position(10)?)
        });
        let (profile_id, verifier, proof, values, at) = row;
        let mask: u64 = values.license_mask.parse().map_err(|_| Error::Corrupt {
            column: "license_mask",
            reason: values.license_mask.clone(),
        })?;
        let mut instances = values.accumulator.clone();
        instances.extend(&values.cert_root);
        instances.extend(values.count.iter().map(|c| B256::from(U256::from(*c))));
        instances.push(values.train_root);
        instances.push(B256::from(U256::from(mask)));
        instances.push(B256::from(U256::from(values.n_records)));
        instances.push(values.w0_hash);
        instances.push(values.w_hash);
        instances.push(values.hyper_hash);
        let mut calldata: Vec<u8> = instances.iter().flat_map(|w| w.0).collect();
        calldata.extend_from_slice(&proof);
        Ok(ProofLookup::Found(Box::new(ModelProof {
            model_id: id,
            profile_id,
            verifier,
            proof,
            public_values: values,
            instances,
            calldata: calldata.into(),
            provenance: tip.provenance(at),
        })))
    }

    /// An anchored batch, if any.
    pub async fn batch(&self, model: B256, index: u64) -> Result<Option<AnchoredBatch>> {
        with_db!(self, pool => {
            let row = sqlx::query(
                "SELECT batch_root, count, block_number, block_hash, tx_hash, log_index \
                 FROM output_batches WHERE model_id = $1 AND batch_index = $2",
            )
            .bind(model.as_slice())
            .bind(int(index))
            .fetch_optional(pool)
            .await?;
            row.map(|r| {
                let count = r.text(1)?;
                Ok(AnchoredBatch {
                    root: r.b256(0)?,
                    count: count.parse().map_err(|_| Error::Corrupt {
                        column: "output_batches.count",
                        reason: count.clone(),
                    })?,
                    at: r.position(2)?,
                })
            })
            .transpose()
        })
    }

    /// Stores a batch manifest (already checked against the batch root). Idempotent.
    pub async fn insert_manifest(
        &self,
        model: B256,
        index: u64,
        root: B256,
        hashes: &[B256],
    ) -> Result<()> {
        with_db!(self, pool => {
            let mut tx = pool.begin().await?;
            let rows: Vec<(usize, &B256)> = hashes.iter().enumerate().collect();
            for chunk in rows.chunks(256) {
                let mut qb = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO output_entries (model_id, batch_index, batch_root, leaf_index, \
                     content_hash) ",
                );
                qb.push_values(chunk, |mut b, (i, hash)| {
                    b.push_bind(model.as_slice())
                        .push_bind(int(index))
                        .push_bind(root.as_slice())
                        .push_bind(i64::try_from(*i).unwrap_or(i64::MAX))
                        .push_bind(hash.as_slice());
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Every anchored batch holding `hash` whose manifest was posted, with its model's
    /// lineage.
    pub async fn output(&self, hash: B256, tip: &Tip) -> Result<Option<Output>> {
        let found = with_db!(self, pool => {
            let rows = sqlx::query(
                "SELECT o.model_id, o.batch_index, o.batch_root, o.count, o.uri, o.block_number, \
                 o.block_hash, o.tx_hash, o.log_index, e.leaf_index \
                 FROM output_entries e JOIN output_batches o ON o.model_id = e.model_id \
                 AND o.batch_index = e.batch_index AND o.batch_root = e.batch_root \
                 WHERE e.content_hash = $1 ORDER BY o.block_number, o.log_index, e.leaf_index",
            )
            .bind(hash.as_slice())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        OutputBatch {
                            model_id: r.b256(0)?,
                            batch_index: r.uint(1)?,
                            batch_root: r.b256(2)?,
                            count: r.text(3)?,
                            uri: r.text(4)?,
                            manifest_posted: true,
                            provenance: tip.provenance(r.position(5)?),
                        },
                        r.uint(9)?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?
        });
        if found.is_empty() {
            return Ok(None);
        }
        let mut anchors = Vec::with_capacity(found.len());
        for (batch, leaf_index) in found {
            let leaves = self.manifest(batch.model_id, batch.batch_index, batch.batch_root).await?;
            let merkle_proof = outputs::proof(&leaves, leaf_index as usize);
            let Some(model) = self.model(batch.model_id, tip).await? else { continue };
            let creators = self.creators_of(&model).await?;
            anchors.push(OutputAnchor { batch, leaf_index, merkle_proof, model, creators });
        }
        Ok(Some(Output { content_hash: hash, anchors }))
    }

    async fn manifest(&self, model: B256, index: u64, root: B256) -> Result<Vec<B256>> {
        with_db!(self, pool => {
            let rows = sqlx::query(
                "SELECT content_hash FROM output_entries WHERE model_id = $1 AND batch_index = $2 \
                 AND batch_root = $3 ORDER BY leaf_index",
            )
            .bind(model.as_slice())
            .bind(int(index))
            .bind(root.as_slice())
            .fetch_all(pool)
            .await?;
            rows.iter().map(|r| r.b256(0)).collect()
        })
    }

    async fn creators_of(&self, model: &Model) -> Result<Vec<DatasetCreators>> {
        let mut out = Vec::with_capacity(model.datasets.len());
        for d in &model.datasets {
            let creators = with_db!(self, pool => {
                let rows = sqlx::query(
                    "SELECT creator, weight FROM dataset_creators WHERE dataset_id = $1 \
                     ORDER BY position",
                )
                .bind(i64::from(d.dataset_id))
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|r| Ok(CreatorWeight { address: r.address(0)?, weight: r.text(1)? }))
                    .collect::<Result<Vec<_>>>()?
            });
            out.push(DatasetCreators { dataset_id: d.dataset_id, creators });
        }
        Ok(out)
    }

    /// A creator: their datasets, the models trained on them, and royalties per dataset
    /// and token. `None` when no dataset names the address.
    pub async fn creator(&self, who: Address, tip: &Tip) -> Result<Option<Creator>> {
        let uses_sql = format!(
            "SELECT ad.model_id, ad.dataset_id, ad.count, {}, a.block_number, a.block_hash, \
             a.tx_hash, a.log_index FROM dataset_creators c \
             JOIN attestation_datasets ad ON ad.dataset_id = c.dataset_id \
             JOIN attestations a ON a.model_id = ad.model_id \
             WHERE c.creator = $1 ORDER BY a.block_number, a.log_index, ad.slot",
            model_status("ad.model_id")
        );
        with_db!(self, pool => {
            let rows = sqlx::query(
                "SELECT c.dataset_id, c.weight, d.total_weight, d.block_number, d.block_hash, \
                 d.tx_hash, d.log_index, \
                 (SELECT e.kind FROM dataset_events e WHERE e.dataset_id = d.dataset_id \
                  ORDER BY e.block_number DESC, e.log_index DESC LIMIT 1) \
                 FROM dataset_creators c JOIN datasets d ON d.dataset_id = c.dataset_id \
                 WHERE c.creator = $1 ORDER BY c.dataset_id",
            )
            .bind(who.as_slice())
            .fetch_all(pool)
            .await?;
            if rows.is_empty() {
                return Ok(None);
            }
            let datasets = rows
                .iter()
                .map(|r| {
                    Ok(CreatorDataset {
                        dataset_id: r.u32(0)?,
                        weight: r.text(1)?,
                        total_weight: r.text(2)?,
                        provenance: tip.provenance(r.position(3)?),
                        status: status_of(r.opt_text(7)?),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let uses = sqlx::query(&uses_sql).bind(who.as_slice()).fetch_all(pool).await?;
            let usage = uses
                .iter()
                .map(|r| {
                    Ok(ModelUse {
                        model_id: r.b256(0)?,
                        dataset_id: r.u32(1)?,
                        count: r.u32(2)?,
                        status: r.text(3)?,
                        provenance: tip.provenance(r.position(4)?),
                    })
                })
                .collect::<Result<Vec<_>>>()?;

            // The running totals of the creator's datasets, and the creator's claims.
            let credits = sqlx::query(
                "SELECT t.dataset_id, t.token, t.cumulative, t.block_number, t.block_hash, \
                 t.tx_hash, t.log_index FROM royalty_totals t \
                 JOIN dataset_creators c ON c.dataset_id = t.dataset_id AND c.creator = $1 \
                 WHERE t.held = 0",
            )
            .bind(who.as_slice())
            .fetch_all(pool)
            .await?;
            let claims = sqlx::query(
                "SELECT dataset_id, token, cumulative, block_number, block_hash, tx_hash, \
                 log_index FROM claim_totals WHERE creator = $1",
            )
            .bind(who.as_slice())
            .fetch_all(pool)
            .await?;

            let weights: BTreeMap<u32, (U256, U256)> = datasets
                .iter()
                .map(|d| Ok((d.dataset_id, (amount(&d.weight)?, amount(&d.total_weight)?))))
                .collect::<Result<_>>()?;
            // (dataset, token) -> (distributed, claimed, latest position)
            let mut acc: BTreeMap<(u32, Address), (U256, U256, LogPosition)> = BTreeMap::new();
            for r in &credits {
                let pos = r.position(3)?;
                acc.insert((r.u32(0)?, r.address(1)?), (amount(&r.text(2)?)?, U256::ZERO, pos));
            }
            for r in &claims {
                let pos = r.position(3)?;
                let e = acc.entry((r.u32(0)?, r.address(1)?)).or_insert((U256::ZERO, U256::ZERO, pos));
                e.1 = amount(&r.text(2)?)?;
                if (pos.block_number, pos.log_index) > (e.2.block_number, e.2.log_index) {
                    e.2 = pos;
                }
            }
            let mut royalties = Vec::with_capacity(acc.len());
            let mut totals: BTreeMap<Address, TokenTotals> = BTreeMap::new();
            for ((dataset_id, token), (distributed, claimed, pos)) in acc {
                let (weight, total) = weights.get(&dataset_id).copied().unwrap_or_default();
                let paid = if total.is_zero() {
                    U256::ZERO
                } else {
                    // floor(distributed * weight / total), as the vault's Math.mulDiv.
                    U256::saturating_from(
                        U512::from(distributed) * U512::from(weight) / U512::from(total),
                    )
                };
                let claimable = paid.saturating_sub(claimed);
                let t = totals.entry(token).or_insert(TokenTotals {
                    token,
                    paid: Amount::default(),
                    claimed: Amount::default(),
                    claimable: Amount::default(),
                });
                t.paid.0 += paid;
                t.claimed.0 += claimed;
                t.claimable.0 += claimable;
                royalties.push(CreatorRoyalty {
                    dataset_id,
                    token,
                    paid: Amount(paid),
                    claimed: Amount(claimed),
                    claimable: Amount(claimable),
                    provenance: tip.provenance(pos),
                });
            }
            Ok(Some(Creator {
                address: who,
                datasets,
                usage,
                royalties,
                totals: totals.into_values().collect(),
            }))
        })
    }
}
