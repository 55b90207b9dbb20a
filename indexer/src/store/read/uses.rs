//! Uses of datasets by models, in chain order and in pages: a dataset's models, a
//! creator's usage. Both lists grow with every attestation, so detail answers embed only
//! the first page.

use alloy::primitives::{Address, BlockNumber};

use super::{models::model_status, DbRow, Page, PageKey};
use crate::{
    model::{ModelUse, Tip},
    store::{int, with_db, Store},
    Result,
};

/// Whose uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsesOf {
    /// The models trained on one dataset.
    Dataset(u32),
    /// The models trained on any dataset naming this creator.
    Creator(Address),
}

impl Store {
    /// The uses of `of`, ordered by attestation position then dataset slot, after `after`
    /// (a [`PageKey::Use`]).
    pub async fn uses(
        &self,
        of: UsesOf,
        after: Option<(BlockNumber, u64, u32)>,
        limit: u32,
        tip: &Tip,
    ) -> Result<Page<ModelUse>> {
        let (join, filter) = match of {
            UsesOf::Dataset(_) => ("", "ad.dataset_id"),
            UsesOf::Creator(_) => {
                ("JOIN dataset_creators c ON c.dataset_id = ad.dataset_id", "c.creator")
            }
        };
        let sql = format!(
            "SELECT ad.model_id, ad.dataset_id, ad.count, {}, a.block_number, a.block_hash, \
             a.tx_hash, a.log_index, ad.slot, a.kind FROM attestation_datasets ad \
             JOIN attestations a ON a.model_id = ad.model_id {join} \
             WHERE {filter} = $1 AND (a.block_number, a.log_index, ad.slot) > ($2, $3, $4) \
             ORDER BY a.block_number, a.log_index, ad.slot LIMIT $5",
            model_status("ad.model_id")
        );
        let (block, log, slot) =
            after.map_or((-1, -1, -1), |(b, l, s)| (int(b), int(l), i64::from(s)));
        let mut rows = with_db!(self, pool => {
            let query = sqlx::query(&sql);
            let query = match of {
                UsesOf::Dataset(id) => query.bind(i64::from(id)),
                UsesOf::Creator(who) => query.bind(who.as_slice().to_vec()),
            };
            let rows = query
                .bind(block)
                .bind(log)
                .bind(slot)
                .bind(i64::from(limit) + 1)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    let use_ = ModelUse {
                        model_id: r.b256(0)?,
                        dataset_id: r.u32(1)?,
                        count: r.u32(2)?,
                        status: r.text(3)?,
                        kind: r.training(9)?,
                        provenance: tip.provenance(r.position(4)?),
                    };
                    Ok((use_, r.u32(8)?))
                })
                .collect::<Result<Vec<_>>>()?
        });
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|(u, slot)| {
                PageKey::Use(u.provenance.block_number, u.provenance.log_index, *slot)
            })
        } else {
            None
        };
        Ok(Page { items: rows.into_iter().map(|(u, _)| u).collect(), next })
    }
}
