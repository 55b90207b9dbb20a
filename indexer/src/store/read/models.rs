//! Models (attestations): pages in chain order, one with its datasets and status, and
//! its proof with the public values.

use alloy::primitives::{BlockNumber, Bytes, B256, U256};

use super::{status_of, DbRow, Page, PageKey};
use crate::{
    model::{AttestedDataset, Model, ModelProof, PublicValues, Tip, DATASET_SLOTS},
    store::{int, with_db, Store},
    Error, Result,
};

const MODEL_COLUMNS: &str = "a.model_id, a.publisher, a.submitter, a.profile_id, a.verifier, \
    a.w_hash, a.w0_hash, a.hyper_hash, a.train_root, a.license_mask, a.n_records, \
    a.block_number, a.block_hash, a.tx_hash, a.log_index, \
    CAST(CASE WHEN a.proof IS NULL THEN 0 ELSE 1 END AS BIGINT), \
    (SELECT COUNT(*) FROM output_batches o WHERE o.model_id = a.model_id)";

/// The revocation's position, NULLs when there is none (after the status in [`model_row`]).
const REVOCATION_COLUMNS: &str = "rv.block_number, rv.block_hash, rv.tx_hash, rv.log_index";

/// The attestations with their revocation, if any.
const MODEL_FROM: &str =
    "FROM attestations a LEFT JOIN attestation_revocations rv ON rv.model_id = a.model_id";

/// The status of model `$id` as a SQL expression.
const MODEL_STATUS: &str = "CASE \
    WHEN EXISTS (SELECT 1 FROM attestation_revocations r WHERE r.model_id = $id) THEN 'revoked' \
    WHEN EXISTS (SELECT 1 FROM attestation_datasets ad JOIN dataset_events e \
        ON e.dataset_id = ad.dataset_id AND e.kind = 'revoked' WHERE ad.model_id = $id) \
        THEN 'tainted' \
    ELSE 'valid' END";

pub(super) fn model_status(id: &str) -> String {
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
        revocation: match r.opt_blob(19)? {
            Some(_) => Some(tip.provenance(r.position(18)?)),
            None => None,
        },
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
        let (block, log) = after.map_or((-1, -1), |(b, l)| (int(b), int(l)));
        let sql = format!(
            "SELECT {MODEL_COLUMNS}, {}, {REVOCATION_COLUMNS} {MODEL_FROM} \
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
            "SELECT {MODEL_COLUMNS}, {}, {REVOCATION_COLUMNS} {MODEL_FROM} WHERE a.model_id = $1",
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
}
