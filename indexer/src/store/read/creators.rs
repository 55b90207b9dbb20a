//! Creators: their datasets, the models trained on them, and royalties as the vault
//! computes them.

use std::collections::BTreeMap;

use alloy::primitives::{Address, U256};

use super::{amount, share, status_of, uses::UsesOf, DbRow, PageKey};
use crate::{
    events::LogPosition,
    model::{Amount, Creator, CreatorDataset, CreatorRoyalty, Tip, TokenTotals},
    store::{with_db, Store},
    Result,
};

impl Store {
    /// A creator: their datasets, the first `uses_limit` uses of them by models, and
    /// royalties per dataset and token. `None` when no dataset names the address.
    pub async fn creator(
        &self,
        who: Address,
        uses_limit: u32,
        tip: &Tip,
    ) -> Result<Option<Creator>> {
        let mut creator = with_db!(self, pool => {
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
                let paid = share(distributed, weight, total);
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
            Creator {
                address: who,
                datasets,
                usage: Vec::new(),
                usage_next_cursor: None,
                royalties,
                totals: totals.into_values().collect(),
            }
        });
        let uses = self.uses(UsesOf::Creator(who), None, uses_limit, tip).await?;
        creator.usage = uses.items;
        creator.usage_next_cursor = uses.next.map(PageKey::cursor);
        Ok(Some(creator))
    }
}
