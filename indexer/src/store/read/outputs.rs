//! Output batches: the anchored batch a manifest must reproduce, posted manifests, outputs
//! by content hash with their lineage, and outputs near a fingerprint (multi-index hashing,
//! `migrations/*/0005_fingerprints.sql`).

use alloy::primitives::B256;
use lineage_core::output::pdq::MATCH_DISTANCE;

use super::DbRow;
use crate::{
    events::LogPosition,
    model::{
        CreatorWeight, DatasetCreators, Model, Output, OutputAnchor, OutputBatch, Similar,
        SimilarOutput, Tip,
    },
    outputs,
    store::{int, with_db, Store},
    Error, Result,
};

/// One output of a posted manifest: its content hash and, for a version-2 leaf, its
/// fingerprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The content hash.
    pub content_hash: B256,
    /// The PDQ fingerprint the leaf commits to, if any.
    pub perceptual_hash: Option<B256>,
}

impl ManifestEntry {
    /// The Merkle leaf (`lineage_core::output::leaf`).
    pub fn leaf(&self) -> B256 {
        lineage_core::output::leaf(self.content_hash, self.perceptual_hash)
    }
}

/// The 16 index keys of a fingerprint: word `w` (bytes `2w`, `2w + 1`, big-endian) as
/// `w * 65536 + value`.
fn word_keys(fingerprint: &B256) -> [i64; 16] {
    std::array::from_fn(|w| {
        ((w as i64) << 16)
            | i64::from(u16::from_be_bytes([fingerprint[2 * w], fingerprint[2 * w + 1]]))
    })
}

/// The 272 keys a query probes: each word and its 16 one-bit neighbours. Any fingerprint
/// within [`MATCH_DISTANCE`] bits has a word within one bit of the query's, so it holds
/// one of these keys.
fn probe_keys(fingerprint: &B256) -> Vec<i64> {
    word_keys(fingerprint)
        .into_iter()
        .flat_map(|key| std::iter::once(key).chain((0..16).map(move |bit| key ^ (1 << bit))))
        .collect()
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

    /// Stores a batch manifest (already checked against the batch root): each output's
    /// content hash and, for a version-2 leaf, its fingerprint, whose 16 words are indexed.
    /// Idempotent.
    pub async fn insert_manifest(
        &self,
        model: B256,
        index: u64,
        root: B256,
        outputs: &[ManifestEntry],
    ) -> Result<()> {
        let leaf = |i: usize| i64::try_from(i).unwrap_or(i64::MAX);
        with_db!(self, pool => {
            let mut tx = pool.begin().await?;
            let rows: Vec<(usize, &ManifestEntry)> = outputs.iter().enumerate().collect();
            for chunk in rows.chunks(256) {
                let mut qb = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO output_entries (model_id, batch_index, batch_root, leaf_index, \
                     content_hash, perceptual_hash) ",
                );
                qb.push_values(chunk, |mut b, (i, e)| {
                    b.push_bind(model.as_slice())
                        .push_bind(int(index))
                        .push_bind(root.as_slice())
                        .push_bind(leaf(*i))
                        .push_bind(e.content_hash.as_slice())
                        .push_bind(e.perceptual_hash.map(|p| p.to_vec()));
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            let mut words: Vec<(i64, B256)> = outputs
                .iter()
                .filter_map(|e| e.perceptual_hash)
                .flat_map(|p| word_keys(&p).map(|k| (k, p)))
                .collect();
            // One row per word of each distinct fingerprint (a batch may repeat one).
            words.sort_unstable();
            words.dedup();
            for chunk in words.chunks(512) {
                let mut qb = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO output_fingerprint_words (word_key, perceptual_hash) ",
                );
                qb.push_values(chunk, |mut b, (key, p)| {
                    b.push_bind(*key).push_bind(p.as_slice());
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The anchored outputs whose fingerprints are within `max_distance` (at most
    /// [`MATCH_DISTANCE`]) of `fingerprint`, nearest first, then earliest anchored; at most
    /// `limit`. Only batches whose manifest reproduced the root anchored now count.
    pub async fn similar(
        &self,
        fingerprint: B256,
        max_distance: u32,
        limit: usize,
        tip: &Tip,
    ) -> Result<Similar> {
        let max_distance = max_distance.min(MATCH_DISTANCE);
        // The distinct fingerprints holding one of the probe keys, read from the words'
        // index alone; the near ones' entries after.
        let near: Vec<(B256, u32)> = with_db!(self, pool => {
            let mut qb = sqlx::QueryBuilder::<Db>::new(
                "SELECT DISTINCT perceptual_hash FROM output_fingerprint_words \
                 WHERE word_key IN (",
            );
            let mut keys = qb.separated(", ");
            for key in probe_keys(&fingerprint) {
                keys.push_bind(key);
            }
            qb.push(")");
            let rows = qb.build().fetch_all(pool).await?;
            let mut near = Vec::new();
            for r in &rows {
                let p = crate::store::b256("output_fingerprint_words.perceptual_hash", &r.blob(0)?)?;
                let d = lineage_core::output::pdq::distance(&fingerprint, &p);
                if d <= max_distance {
                    near.push((p, d));
                }
            }
            near
        });
        if near.is_empty() {
            return Ok(Similar { fingerprint, max_distance, candidates: vec![] });
        }
        let found = with_db!(self, pool => {
            let mut qb = sqlx::QueryBuilder::<Db>::new(
                "SELECT e.model_id, e.batch_index, e.batch_root, e.leaf_index, e.content_hash, \
                 e.perceptual_hash, o.block_number, o.log_index \
                 FROM output_entries e JOIN output_batches o ON o.model_id = e.model_id \
                 AND o.batch_index = e.batch_index AND o.batch_root = e.batch_root \
                 WHERE e.perceptual_hash IN (",
            );
            let mut hashes = qb.separated(", ");
            for (p, _) in &near {
                hashes.push_bind(p.as_slice());
            }
            qb.push(")");
            let rows = qb.build().fetch_all(pool).await?;
            let mut found = Vec::with_capacity(rows.len());
            for r in &rows {
                let p = r.b256(5)?;
                let Some(&(_, distance)) = near.iter().find(|(q, _)| *q == p) else { continue };
                let key = (distance, r.int(6)?, r.int(7)?, r.int(3)?);
                found.push((key, r.b256(0)?, r.uint(1)?, r.b256(2)?, r.uint(3)?, r.b256(4)?));
            }
            found.sort_by_key(|n| n.0);
            found.truncate(limit);
            found
        });
        let mut candidates = Vec::with_capacity(found.len());
        for ((distance, ..), model, index, root, leaf_index, content_hash) in found {
            let Some(batch) = self.output_batch(model, index, tip).await? else { continue };
            if batch.batch_root != root {
                continue;
            }
            let Some(anchor) = self.anchor(batch, leaf_index, tip).await? else { continue };
            candidates.push(SimilarOutput { distance, content_hash, anchor });
        }
        Ok(Similar { fingerprint, max_distance, candidates })
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
            anchors.extend(self.anchor(batch, leaf_index, tip).await?);
        }
        Ok(Some(Output { content_hash: hash, anchors }))
    }

    /// Output `leaf_index` of a batch whose manifest was posted: its fingerprint, proof and
    /// lineage (`None` when its model is not indexed).
    async fn anchor(
        &self,
        batch: OutputBatch,
        leaf_index: u64,
        tip: &Tip,
    ) -> Result<Option<OutputAnchor>> {
        let entries = self.manifest(batch.model_id, batch.batch_index, batch.batch_root).await?;
        let leaves: Vec<B256> = entries.iter().map(ManifestEntry::leaf).collect();
        let merkle_proof = outputs::proof(&leaves, leaf_index as usize);
        let perceptual_hash = entries.get(leaf_index as usize).and_then(|e| e.perceptual_hash);
        let Some(model) = self.model(batch.model_id, tip).await? else { return Ok(None) };
        let creators = self.creators_of(&model).await?;
        Ok(Some(OutputAnchor { batch, leaf_index, perceptual_hash, merkle_proof, model, creators }))
    }

    async fn manifest(&self, model: B256, index: u64, root: B256) -> Result<Vec<ManifestEntry>> {
        with_db!(self, pool => {
            let rows = sqlx::query(
                "SELECT content_hash, perceptual_hash FROM output_entries WHERE model_id = $1 \
                 AND batch_index = $2 AND batch_root = $3 ORDER BY leaf_index",
            )
            .bind(model.as_slice())
            .bind(int(index))
            .bind(root.as_slice())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let perceptual_hash = r
                        .opt_blob(1)?
                        .map(|p| crate::store::b256("output_entries.perceptual_hash", &p))
                        .transpose()?;
                    Ok(ManifestEntry { content_hash: r.b256(0)?, perceptual_hash })
                })
                .collect()
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
