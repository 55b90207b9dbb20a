//! Output batches: the anchored batch a manifest must reproduce, posted manifests, and
//! outputs by content hash with their lineage.

use alloy::primitives::B256;

use super::DbRow;
use crate::{
    events::LogPosition,
    model::{CreatorWeight, DatasetCreators, Model, Output, OutputAnchor, OutputBatch, Tip},
    outputs,
    store::{int, with_db, Store},
    Error, Result,
};

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

    /// A model's anchored batch, whether or not its manifest was posted.
    pub async fn output_batch(
        &self,
        model: B256,
        index: u64,
        tip: &Tip,
    ) -> Result<Option<OutputBatch>> {
        with_db!(self, pool => {
            let row = sqlx::query(
                "SELECT o.batch_root, o.count, o.uri, o.block_number, o.block_hash, o.tx_hash, \
                 o.log_index, CASE WHEN EXISTS (SELECT 1 FROM output_entries e \
                 WHERE e.model_id = o.model_id AND e.batch_index = o.batch_index \
                 AND e.batch_root = o.batch_root) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) \
                 END FROM output_batches o WHERE o.model_id = $1 AND o.batch_index = $2",
            )
            .bind(model.as_slice())
            .bind(int(index))
            .fetch_optional(pool)
            .await?;
            row.map(|r| {
                Ok(OutputBatch {
                    model_id: model,
                    batch_index: index,
                    batch_root: r.b256(0)?,
                    count: r.text(1)?,
                    uri: r.text(2)?,
                    manifest_posted: r.int(7)? == 1,
                    provenance: tip.provenance(r.position(3)?),
                })
            })
            .transpose()
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
}
