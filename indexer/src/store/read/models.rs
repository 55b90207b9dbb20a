//! Models (attestations): pages in chain order (all, or those fine-tuned from one base),
//! one with its datasets, status and bases, and its proof with the public values. Each
//! says its kind of training; a declared model shows none of proven training's values.

use alloy::primitives::{BlockNumber, Bytes, B256, U256};

use super::{status_of, DbRow, Page, PageKey};
use crate::{
    model::{
        AttestedDataset, Model, ModelBase, ModelProof, ModelWords, PublicValues, Tip, TrainingKind,
        DATASET_SLOTS, MAX_BASES,
    },
    store::{b256, int, with_db, Store},
    Error, Result,
};

const MODEL_COLUMNS: &str = "a.model_id, a.publisher, a.submitter, a.profile_id, a.verifier, \
    a.w_hash, a.w0_hash, a.hyper_hash, a.train_root, a.license_mask, a.n_records, \
    a.block_number, a.block_hash, a.tx_hash, a.log_index, \
    CAST(CASE WHEN a.proof IS NULL THEN 0 ELSE 1 END AS BIGINT), \
    (SELECT COUNT(*) FROM output_batches o WHERE o.model_id = a.model_id)";

/// The revocation's position, NULLs when there is none (after the status in [`model_row`]).
const REVOCATION_COLUMNS: &str = "rv.block_number, rv.block_hash, rv.tx_hash, rv.log_index";

/// The model's base, NULL for a model trained from zero weights (after the revocation).
const BASE_COLUMN: &str = "mb.base_model_id";

/// The kind of training and, for a declared model, its model hash (after the base).
const KIND_COLUMNS: &str = "a.kind, a.model_hash";

/// The attestations with their revocation and base, if any.
const MODEL_FROM: &str = "FROM attestations a \
    LEFT JOIN attestation_revocations rv ON rv.model_id = a.model_id \
    LEFT JOIN model_bases mb ON mb.model_id = a.model_id";

/// Whether model `$id` was revoked by its publisher, as a SQL condition.
const REVOKED: &str =
    "EXISTS (SELECT 1 FROM attestation_revocations st_r WHERE st_r.model_id = $id)";

/// Whether model `$id` names a dataset whose certification was revoked (the registry's
/// `_namesRevoked`), as a SQL condition.
const NAMES_REVOKED: &str = "EXISTS (SELECT 1 FROM attestation_datasets st_ad \
    JOIN dataset_events st_e ON st_e.dataset_id = st_ad.dataset_id AND st_e.kind = 'revoked' \
    WHERE st_ad.model_id = $id)";

/// The status of model `$id` as a SQL expression: exactly the registry's
/// `attestationStatus`. Revoked by its publisher; else tainted when it names a revoked
/// dataset or when any of its bases (its base, that one's base, ..., walked up `model_bases`
/// by primary key, at most [`MAX_BASES`] of them as the registry allows) is revoked by its
/// publisher or names a revoked dataset; else valid. The expression's own aliases start
/// with `st_`, so that `$id` may name any other alias of the enclosing query.
pub(super) fn model_status(id: &str) -> String {
    let revoked = |m: &str| REVOKED.replace("$id", m);
    let names_revoked = |m: &str| NAMES_REVOKED.replace("$id", m);
    format!(
        "CASE WHEN {} THEN 'revoked' WHEN {} THEN 'tainted' \
         WHEN EXISTS (WITH RECURSIVE st_up(model_id, depth) AS ( \
             SELECT st_b.base_model_id, 1 FROM model_bases st_b WHERE st_b.model_id = {id} \
             UNION ALL SELECT st_b.base_model_id, st_up.depth + 1 \
             FROM model_bases st_b JOIN st_up ON st_b.model_id = st_up.model_id \
             WHERE st_up.depth < {MAX_BASES}) \
           SELECT 1 FROM st_up WHERE {} OR {}) THEN 'tainted' \
         ELSE 'valid' END",
        revoked(id),
        names_revoked(id),
        revoked("st_up.model_id"),
        names_revoked("st_up.model_id"),
    )
}

/// A declared model's hash, which its row must have.
fn declared_hash(kind: TrainingKind, hash: Option<Vec<u8>>) -> Result<Option<B256>> {
    match (kind, hash) {
        (TrainingKind::Proven, _) => Ok(None),
        (TrainingKind::Declared, Some(h)) => Ok(Some(b256("attestations.model_hash", &h)?)),
        (TrainingKind::Declared, None) => Err(Error::Corrupt {
            column: "attestations.model_hash",
            reason: "NULL for a declared model".into(),
        }),
    }
}

fn model_row(r: &impl DbRow, tip: &Tip) -> Result<Model> {
    let kind = r.training(23)?;
    // The weight commitments are proven training's: a declared model's event carries its
    // model hash as `wHash` and zeros, none of them a commitment to weights.
    let proven = |i: usize| match kind {
        TrainingKind::Proven => r.b256(i).map(Some),
        TrainingKind::Declared => Ok(None),
    };
    Ok(Model {
        model_id: r.b256(0)?,
        kind,
        model_hash: declared_hash(kind, r.opt_blob(24)?)?,
        publisher: r.address(1)?,
        submitter: r.address(2)?,
        profile_id: r.u32(3)?,
        verifier: r.address(4)?,
        w_hash: proven(5)?,
        w0_hash: proven(6)?,
        hyper_hash: proven(7)?,
        train_root: r.b256(8)?,
        license_mask: r.text(9)?,
        n_records: r.u32(10)?,
        provenance: tip.provenance(r.position(11)?),
        proof_available: r.int(15)? != 0,
        output_batches: r.uint(16)?,
        status: r.text(17)?,
        base_model_id: r
            .opt_blob(22)?
            .map(|b| b256("model_bases.base_model_id", &b))
            .transpose()?,
        datasets: Vec::new(),
        revocation: match r.opt_blob(19)? {
            Some(_) => Some(tip.provenance(r.position(18)?)),
            None => None,
        },
        bases: None,
    })
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

impl Store {
    /// Attested models in chain order, after `after` (block, log index).
    pub async fn models(
        &self,
        after: Option<(BlockNumber, u64)>,
        limit: u32,
        tip: &Tip,
    ) -> Result<Page<Model>> {
        self.model_page(None, after, limit, tip).await
    }

    /// The models fine-tuned directly from `base`, in chain order, after `after` (block,
    /// log index of their attestation); an empty page for a model not (yet) attested.
    pub async fn derived(
        &self,
        base: B256,
        after: Option<(BlockNumber, u64)>,
        limit: u32,
        tip: &Tip,
    ) -> Result<Page<Model>> {
        self.model_page(Some(base), after, limit, tip).await
    }

    /// A page of models, all of them or those fine-tuned from `base`.
    async fn model_page(
        &self,
        base: Option<B256>,
        after: Option<(BlockNumber, u64)>,
        limit: u32,
        tip: &Tip,
    ) -> Result<Page<Model>> {
        let (block, log) = after.map_or((-1, -1), |(b, l)| (int(b), int(l)));
        let of_base = if base.is_some() { "AND mb.base_model_id = $4" } else { "" };
        let sql = format!(
            "SELECT {MODEL_COLUMNS}, {}, {REVOCATION_COLUMNS}, {BASE_COLUMN}, {KIND_COLUMNS} \
             {MODEL_FROM} \
             WHERE (a.block_number > $1 OR (a.block_number = $1 AND a.log_index > $2)) \
             {of_base} ORDER BY a.block_number, a.log_index LIMIT $3",
            model_status("a.model_id")
        );
        let mut items = with_db!(self, pool => {
            let mut query = sqlx::query(&sql).bind(block).bind(log).bind(i64::from(limit) + 1);
            if let Some(base) = base {
                query = query.bind(base.as_slice().to_vec());
            }
            let rows = query.fetch_all(pool).await?;
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

    /// One model (attestation) with its datasets, status and bases.
    pub async fn model(&self, id: B256, tip: &Tip) -> Result<Option<Model>> {
        let sql = format!(
            "SELECT {MODEL_COLUMNS}, {}, {REVOCATION_COLUMNS}, {BASE_COLUMN}, {KIND_COLUMNS} \
             {MODEL_FROM} \
             WHERE a.model_id = $1",
            model_status("a.model_id")
        );
        let model = with_db!(self, pool => {
            let row = sqlx::query(&sql).bind(id.as_slice()).fetch_optional(pool).await?;
            row.map(|r| model_row(&r, tip)).transpose()?
        });
        let Some(mut model) = model else { return Ok(None) };
        self.fill_model(&mut model, tip).await?;
        // A declared model has no training start, so no bases (not even an empty list,
        // which would say "trained from zero weights").
        if model.kind == TrainingKind::Proven {
            model.bases = Some(self.bases(id, tip).await?);
        }
        Ok(Some(model))
    }

    /// The models `id` was fine-tuned from, nearest first, each with its own status.
    async fn bases(&self, id: B256, tip: &Tip) -> Result<Vec<ModelBase>> {
        let sql = format!(
            "WITH RECURSIVE up(model_id, depth) AS ( \
                 SELECT b.base_model_id, 1 FROM model_bases b WHERE b.model_id = $1 \
                 UNION ALL SELECT b.base_model_id, up.depth + 1 \
                 FROM model_bases b JOIN up ON b.model_id = up.model_id \
                 WHERE up.depth < {MAX_BASES}) \
             SELECT up.model_id, a.publisher, {}, a.block_number, a.block_hash, a.tx_hash, \
             a.log_index FROM up JOIN attestations a ON a.model_id = up.model_id \
             ORDER BY up.depth",
            model_status("up.model_id")
        );
        with_db!(self, pool => {
            let rows = sqlx::query(&sql).bind(id.as_slice()).fetch_all(pool).await?;
            rows.iter()
                .map(|r| {
                    Ok(ModelBase {
                        model_id: r.b256(0)?,
                        publisher: r.address(1)?,
                        status: r.text(2)?,
                        provenance: tip.provenance(r.position(3)?),
                    })
                })
                .collect()
        })
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
            Ok(())
        })
    }

    /// An attestation's proof and public values.
    pub async fn model_proof(&self, id: B256, tip: &Tip) -> Result<ProofLookup> {
        let row = with_db!(self, pool => {
            let row = sqlx::query(
                "SELECT profile_id, verifier, proof, accumulator, train_root, license_mask, \
                 n_records, w0_hash, w_hash, hyper_hash, block_number, block_hash, tx_hash, \
                 log_index, kind, model_hash FROM attestations WHERE model_id = $1",
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
            let kind = r.training(14)?;
            let model = match declared_hash(kind, r.opt_blob(15)?)? {
                None => ModelWords::Trained {
                    w0_hash: r.b256(7)?,
                    w_hash: r.b256(8)?,
                    hyper_hash: r.b256(9)?,
                },
                // `DeclaredLayout`: the SHA-256 as two 128-bit big-endian halves.
                Some(hash) => ModelWords::Declared {
                    model_hash_hi: B256::left_padding_from(&hash[..16]),
                    model_hash_lo: B256::left_padding_from(&hash[16..]),
                },
            };
            let values = PublicValues {
                accumulator,
                cert_root,
                count,
                train_root: r.b256(4)?,
                license_mask: license_mask.clone(),
                n_records: r.u32(6)?,
                model,
            };
            (kind, r.u32(0)?, r.address(1)?, Bytes::from(proof), values, r.position(10)?)
        });
        let (kind, profile_id, verifier, proof, values, at) = row;
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
        match values.model {
            ModelWords::Trained { w0_hash, w_hash, hyper_hash } => {
                instances.extend([w0_hash, w_hash, hyper_hash])
            }
            ModelWords::Declared { model_hash_hi, model_hash_lo } => {
                instances.extend([model_hash_hi, model_hash_lo])
            }
        }
        let mut calldata: Vec<u8> = instances.iter().flat_map(|w| w.0).collect();
        calldata.extend_from_slice(&proof);
        Ok(ProofLookup::Found(Box::new(ModelProof {
            model_id: id,
            kind,
            profile_id,
            verifier,
            proof,
            public_values: values,
            instances,
            calldata: calldata.into(),
            provenance: tip.provenance(at),
        })))
    }
}
