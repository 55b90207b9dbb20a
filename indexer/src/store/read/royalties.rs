//! A creator's royalty events in chain order and in pages: each distribution to a dataset
//! naming the creator (their share of it, as the vault computes it) and each of their
//! claims. The web page draws paid and claimed over blocks from them.

use alloy::primitives::{Address, BlockNumber};

use super::{amount, share, DbRow, Page, PageKey};
use crate::{
    model::{Amount, RoyaltyEvent, Tip},
    store::{int, with_db, Store},
    Result,
};

impl Store {
    /// `who`'s royalty events after `after` (a [`PageKey::Royalty`]), in chain order:
    /// `credited` for each `RoyaltyDistributed` to a dataset naming them (held payments
    /// are nobody's yet), `claimed` for each of their `RoyaltyClaimed`.
    pub async fn royalty_events(
        &self,
        who: Address,
        after: Option<(BlockNumber, u64)>,
        limit: u32,
        tip: &Tip,
    ) -> Result<Page<RoyaltyEvent>> {
        let (block, log) = after.map_or((-1, -1), |(b, l)| (int(b), int(l)));
        let mut items = with_db!(self, pool => {
            let rows = sqlx::query(
                "SELECT * FROM (\
                 SELECT CAST(0 AS BIGINT) AS claim, r.dataset_id, r.token, r.amount, \
                 r.cumulative, c.weight, d.total_weight, r.block_number, r.block_hash, \
                 r.tx_hash, r.log_index FROM royalty_credits r \
                 JOIN dataset_creators c ON c.dataset_id = r.dataset_id AND c.creator = $1 \
                 JOIN datasets d ON d.dataset_id = r.dataset_id WHERE r.held = 0 \
                 UNION ALL \
                 SELECT CAST(1 AS BIGINT) AS claim, k.dataset_id, k.token, k.amount, \
                 k.cumulative, '0' AS weight, '0' AS total_weight, k.block_number, \
                 k.block_hash, k.tx_hash, k.log_index FROM royalty_claims k \
                 WHERE k.creator = $1) e \
                 WHERE (e.block_number, e.log_index) > ($2, $3) \
                 ORDER BY e.block_number, e.log_index LIMIT $4",
            )
            .bind(who.as_slice())
            .bind(block)
            .bind(log)
            .bind(i64::from(limit) + 1)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let (dataset_id, token) = (r.u32(1)?, r.address(2)?);
                    let (moved, cumulative) = (amount(&r.text(3)?)?, amount(&r.text(4)?)?);
                    let provenance = tip.provenance(r.position(7)?);
                    if r.u32(0)? == 1 {
                        return Ok(RoyaltyEvent {
                            event: "claimed",
                            dataset_id,
                            token,
                            amount: Amount(moved),
                            cumulative: Amount(cumulative),
                            provenance,
                        });
                    }
                    // The dataset's running total before and after this distribution, and
                    // the creator's share of each.
                    let (weight, total) = (amount(&r.text(5)?)?, amount(&r.text(6)?)?);
                    let now = share(cumulative, weight, total);
                    let before = share(cumulative.saturating_sub(moved), weight, total);
                    Ok(RoyaltyEvent {
                        event: "credited",
                        dataset_id,
                        token,
                        amount: Amount(now - before),
                        cumulative: Amount(now),
                        provenance,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items
                .last()
                .map(|e| PageKey::Royalty(e.provenance.block_number, e.provenance.log_index))
        } else {
            None
        };
        Ok(Page { items, next })
    }
}
