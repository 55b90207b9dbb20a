//! Datasets: pages by id, and one with its creators, history and models.

use super::{status_of, uses::UsesOf, DbRow, Page, PageKey};
use crate::{
    model::{CertificationEvent, CreatorWeight, Dataset, Tip},
    store::{b256, with_db, Store},
    Result,
};

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
        models_next_cursor: None,
    })
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

    /// One dataset with its creators, certification history and the first `uses_limit`
    /// models using it.
    pub async fn dataset(&self, id: u32, uses_limit: u32, tip: &Tip) -> Result<Option<Dataset>> {
        let sql = format!("SELECT {DATASET_COLUMNS} FROM datasets d WHERE d.dataset_id = $1");
        let mut dataset = with_db!(self, pool => {
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
            dataset
        });
        let uses = self.uses(UsesOf::Dataset(id), None, uses_limit, tip).await?;
        dataset.models = Some(uses.items);
        dataset.models_next_cursor = uses.next.map(PageKey::cursor);
        Ok(Some(dataset))
    }
}
