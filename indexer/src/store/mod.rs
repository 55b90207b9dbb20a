//! Storage: SQLite (a file, the default) or Postgres, through sqlx.
//!
//! The two schemas (`migrations/sqlite`, `migrations/postgres`) are column for column the
//! same and every statement is written once, with `$n` placeholders both backends accept;
//! [`with_db!`] runs the same code on whichever pool the store holds. Writes happen in
//! one transaction per block range, together with the checkpoint, so a crash at any point
//! leaves either the whole range or none of it.

mod migrations;
mod read;
mod write;

use std::{
    fs::File,
    io::ErrorKind,
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

use alloy::primitives::{Address, BlockNumber, B256};
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, Row, SqlitePool,
};

pub use read::{AnchoredBatch, ManifestEntry, Page, PageKey, ProofLookup, UsesOf};
pub use write::IndexedRange;

use crate::{model::Tip, Error, Result};

/// The database behind a [`Store`].
#[derive(Clone, Debug)]
pub enum Backend {
    /// A SQLite file.
    Sqlite(SqlitePool),
    /// A Postgres server.
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the store's pool and the type `Db` to its sqlx
/// database: the same statements on both backends.
macro_rules! with_db {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite($pool) => {
                #[allow(dead_code)]
                type Db = sqlx::Sqlite;
                $body
            }
            $crate::store::Backend::Postgres($pool) => {
                #[allow(dead_code)]
                type Db = sqlx::Postgres;
                $body
            }
        }
    };
}
pub(crate) use with_db;

/// The chain-derived tables: what a rollback deletes from and what a re-index must
/// reproduce exactly.
pub const CHAIN_TABLES: &[&str] = &[
    "datasets",
    "dataset_creators",
    "dataset_events",
    "attestations",
    "attestation_datasets",
    "model_bases",
    "attestation_revocations",
    "output_batches",
    "royalty_payments",
    "royalty_credits",
    "royalty_claims",
    "held_releases",
    "admin_events",
];

/// Running totals derived from the event tables: a rollback recomputes the keys it
/// touches; a re-index must reproduce them too.
pub const TOTAL_TABLES: &[&str] = &["royalty_totals", "claim_totals"];

/// Where the follower stands, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The first block to index next.
    pub next_block: BlockNumber,
    /// The hash of the block before it, if it was indexed.
    pub indexed_hash: Option<B256>,
    /// The block the deployment started at.
    pub start_block: BlockNumber,
}

/// What the indexer follows: one deployment on one chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// The chain id.
    pub chain_id: u64,
    /// `LineageRegistry`.
    pub registry: Address,
    /// `RoyaltyVault`.
    pub vault: Address,
    /// The first block to index.
    pub start_block: BlockNumber,
}

/// The indexer's database.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

pub(crate) fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn uint(column: &'static str, v: i64) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::Corrupt { column, reason: format!("negative: {v}") })
}

pub(crate) fn b256(column: &'static str, v: &[u8]) -> Result<B256> {
    B256::try_from(v)
        .map_err(|_| Error::Corrupt { column, reason: format!("{} bytes, not 32", v.len()) })
}

pub(crate) fn address(column: &'static str, v: &[u8]) -> Result<Address> {
    Address::try_from(v)
        .map_err(|_| Error::Corrupt { column, reason: format!("{} bytes, not 20", v.len()) })
}

/// An exclusive lock on `FILE.migrate-lock`, held while the SQLite file is created and
/// migrated. Postgres migrations take an advisory lock; SQLite's do not, and two processes
/// opening one fresh file at once would both apply the first migration, one of them
/// failing on the tables the other created. None for an in-memory database, or where the
/// lock file cannot be created for lack of write access (nothing can migrate there).
async fn migration_lock(file: &Path) -> Result<Option<File>> {
    if file == Path::new(":memory:") {
        return Ok(None);
    }
    let mut path = file.as_os_str().to_owned();
    path.push(".migrate-lock");
    let path = PathBuf::from(path);
    let at = path.clone();
    let taken = tokio::task::spawn_blocking(move || {
        let file = match File::options().create(true).truncate(false).write(true).open(&at) {
            Ok(file) => file,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        file.lock()?;
        Ok(Some(file))
    })
    .await
    .unwrap_or_else(|e| Err(std::io::Error::other(e)));
    taken.map_err(|source| Error::MigrationLock { path, source })
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`:
    /// `sqlite:PATH` (or `sqlite://PATH`) or `postgres://...`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        let backend = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10));
            let lock = migration_lock(options.get_filename()).await?;
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .connect_with(options)
                .await?;
            migrations::migrator(migrations::SQLITE).run(&pool).await?;
            drop(lock);
            Backend::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            migrations::migrator(migrations::POSTGRES).run(&pool).await?;
            Backend::Postgres(pool)
        } else {
            return Err(Error::DatabaseUrl { url: url.to_owned() });
        };
        Ok(Self { backend })
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        with_db!(self, pool => pool.close().await)
    }

    /// Records the deployment the database indexes on first use, and refuses a database
    /// that indexes another one. Returns the checkpoint to continue from. Processes that
    /// initialise one database at once agree: the first insert wins, the others compare.
    pub async fn init(&self, target: Target) -> Result<Checkpoint> {
        const STORED: &str =
            "SELECT chain_id, registry, vault, start_block FROM sync_state WHERE id = 1";
        with_db!(self, pool => {
            // Read first: a database already initialised is never written to here (a
            // read-only replica can open it).
            let mut row = sqlx::query(STORED).fetch_optional(pool).await?;
            if row.is_none() {
                sqlx::query(
                    "INSERT INTO sync_state (id, chain_id, registry, vault, start_block, \
                     indexed_block, indexed_hash, head_block, finalized_block, generation) \
                     VALUES (1, $1, $2, $3, $4, $5, NULL, 0, 0, 0) ON CONFLICT (id) DO NOTHING",
                )
                .bind(int(target.chain_id))
                .bind(target.registry.as_slice())
                .bind(target.vault.as_slice())
                .bind(int(target.start_block))
                .bind(int(target.start_block) - 1)
                .execute(pool)
                .await?;
                row = sqlx::query(STORED).fetch_optional(pool).await?;
            }
            let row = row.ok_or(Error::Corrupt {
                column: "sync_state",
                reason: "no row after inserting it".into(),
            })?;
            let stored = Target {
                chain_id: uint("sync_state.chain_id", row.try_get(0)?)?,
                registry: address("sync_state.registry", row.try_get(1)?)?,
                vault: address("sync_state.vault", row.try_get(2)?)?,
                start_block: uint("sync_state.start_block", row.try_get(3)?)?,
            };
            if stored != target {
                return Err(Error::DeploymentMismatch {
                    stored: format!("{stored:?}"),
                    configured: format!("{target:?}"),
                });
            }
            Ok::<_, Error>(())
        })?;
        self.checkpoint().await
    }

    /// The stored checkpoint.
    pub async fn checkpoint(&self) -> Result<Checkpoint> {
        with_db!(self, pool => {
            let row = sqlx::query(
                "SELECT indexed_block, indexed_hash, start_block FROM sync_state WHERE id = 1",
            )
            .fetch_one(pool)
            .await?;
            let indexed: i64 = row.try_get(0)?;
            let hash: Option<Vec<u8>> = row.try_get(1)?;
            Ok(Checkpoint {
                next_block: uint("sync_state.indexed_block", indexed + 1)?,
                indexed_hash: hash.map(|h| b256("sync_state.indexed_hash", &h)).transpose()?,
                start_block: uint("sync_state.start_block", row.try_get(2)?)?,
            })
        })
    }

    /// Where the index stands, and its generation (bumped by every change to the
    /// indexed data).
    pub async fn tip(&self) -> Result<(Tip, u64)> {
        with_db!(self, pool => {
            let row = sqlx::query(
                "SELECT chain_id, head_block, finalized_block, indexed_block, indexed_hash, \
                 generation FROM sync_state WHERE id = 1",
            )
            .fetch_optional(pool)
            .await?;
            let Some(row) = row else { return Ok((Tip::default(), 0)) };
            let indexed: i64 = row.try_get(3)?;
            let hash: Option<Vec<u8>> = row.try_get(4)?;
            Ok((
                Tip {
                    chain_id: uint("sync_state.chain_id", row.try_get(0)?)?,
                    head_block: uint("sync_state.head_block", row.try_get(1)?)?,
                    finalized_block: uint("sync_state.finalized_block", row.try_get(2)?)?,
                    indexed_block: u64::try_from(indexed).unwrap_or(0),
                    indexed_block_hash: hash
                        .map(|h| b256("sync_state.indexed_hash", &h))
                        .transpose()?,
                },
                uint("sync_state.generation", row.try_get(5)?)?,
            ))
        })
    }

    /// Records the chain's head and finalized block without indexing anything.
    pub async fn set_head(&self, head: BlockNumber, finalized: BlockNumber) -> Result<()> {
        with_db!(self, pool => {
            sqlx::query("UPDATE sync_state SET head_block = $1, finalized_block = $2 WHERE id = 1")
                .bind(int(head))
                .bind(int(finalized))
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Stored block hashes at or below `at`, newest first: where a reorg is looked for.
    pub async fn recent_blocks(
        &self,
        at: BlockNumber,
        limit: u32,
    ) -> Result<Vec<(BlockNumber, B256)>> {
        with_db!(self, pool => {
            let rows = sqlx::query(
                "SELECT number, hash FROM blocks WHERE number <= $1 ORDER BY number DESC LIMIT $2",
            )
            .bind(int(at))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        uint("blocks.number", r.try_get(0)?)?,
                        b256("blocks.hash", r.try_get::<&[u8], _>(1)?)?,
                    ))
                })
                .collect()
        })
    }

    /// Deletes everything derived from blocks after `ancestor` (`None`: before the start
    /// block, i.e. everything) and moves the checkpoint back to it.
    pub async fn rollback(&self, ancestor: Option<(BlockNumber, B256)>) -> Result<u64> {
        let keep = ancestor.map_or(-1, |(n, _)| int(n));
        with_db!(self, pool => {
            let mut tx = pool.begin().await?;
            let credit_keys = sqlx::query(
                "SELECT DISTINCT dataset_id, token, held FROM royalty_credits WHERE block_number > $1",
            )
            .bind(keep)
            .fetch_all(&mut *tx)
            .await?;
            let claim_keys = sqlx::query(
                "SELECT DISTINCT creator, dataset_id, token FROM royalty_claims WHERE block_number > $1",
            )
            .bind(keep)
            .fetch_all(&mut *tx)
            .await?;
            let mut deleted = 0;
            for table in CHAIN_TABLES {
                deleted += sqlx::query(&format!("DELETE FROM {table} WHERE block_number > $1"))
                    .bind(keep)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            sqlx::query("DELETE FROM blocks WHERE number > $1").bind(keep).execute(&mut *tx).await?;
            // Recompute the totals of the keys whose latest rows may be gone.
            for key in &credit_keys {
                let (dataset, token, held): (i64, Vec<u8>, i64) =
                    (key.try_get(0)?, key.try_get(1)?, key.try_get(2)?);
                sqlx::query("DELETE FROM royalty_totals WHERE dataset_id = $1 AND token = $2 AND held = $3")
                    .bind(dataset).bind(&token).bind(held).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO royalty_totals SELECT dataset_id, token, held, cumulative, \
                     block_number, block_hash, tx_hash, log_index FROM royalty_credits \
                     WHERE dataset_id = $1 AND token = $2 AND held = $3 \
                     ORDER BY block_number DESC, log_index DESC LIMIT 1",
                )
                .bind(dataset).bind(&token).bind(held).execute(&mut *tx).await?;
            }
            for key in &claim_keys {
                let (creator, dataset, token): (Vec<u8>, i64, Vec<u8>) =
                    (key.try_get(0)?, key.try_get(1)?, key.try_get(2)?);
                sqlx::query("DELETE FROM claim_totals WHERE creator = $1 AND dataset_id = $2 AND token = $3")
                    .bind(&creator).bind(dataset).bind(&token).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO claim_totals SELECT creator, dataset_id, token, cumulative, \
                     block_number, block_hash, tx_hash, log_index FROM royalty_claims \
                     WHERE creator = $1 AND dataset_id = $2 AND token = $3 \
                     ORDER BY block_number DESC, log_index DESC LIMIT 1",
                )
                .bind(&creator).bind(dataset).bind(&token).execute(&mut *tx).await?;
            }
            // Before the start block, "indexed" is start_block - 1 with no hash.
            let hash = ancestor.map(|(_, h)| h);
            sqlx::query(
                "UPDATE sync_state SET indexed_block = CASE WHEN $1 < start_block - 1 \
                 THEN start_block - 1 ELSE $1 END, indexed_hash = $2, \
                 generation = generation + 1 WHERE id = 1",
            )
            .bind(keep)
            .bind(hash.as_ref().map(|h| h.as_slice()))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(deleted)
        })
    }

    /// Every row of the chain-derived tables, in a canonical order and rendering: two
    /// indexes of the same chain give the same dump whatever ranges and reorgs led there.
    pub async fn dump(&self) -> Result<Vec<String>> {
        with_db!(self, pool => {
            let mut out = Vec::new();
            for table in CHAIN_TABLES.iter().chain(TOTAL_TABLES) {
                let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(pool).await?;
                let mut lines = Vec::with_capacity(rows.len());
                for row in &rows {
                    lines.push(format!("{table}: {}", read::render_row(row)?));
                }
                lines.sort();
                out.extend(lines);
            }
            Ok(out)
        })
    }

    /// Number of rows in the chain-derived tables.
    pub async fn count_rows(&self) -> Result<u64> {
        with_db!(self, pool => {
            let mut total = 0;
            for table in CHAIN_TABLES {
                let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(pool)
                    .await?
                    .try_get(0)?;
                total += uint("count", n)?;
            }
            Ok(total)
        })
    }
}
