//! Reading answers out of the store: one module per kind of answer, on rows both
//! backends decode alike ([`DbRow`]).

mod creators;
mod datasets;
mod models;
mod outputs;
mod royalties;
mod uses;

use alloy::primitives::{Address, BlockNumber, B256, U256, U512};
use sqlx::{postgres::PgRow, sqlite::SqliteRow, Row};

pub use models::ProofLookup;
pub use outputs::{AnchoredBatch, ManifestEntry};
pub use uses::UsesOf;

use super::{address, b256, uint};
use crate::{events::LogPosition, model::TrainingKind, Error, Result};

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
    /// An attestation's `kind` column: `proven` or `declared`.
    fn training(&self, i: usize) -> Result<TrainingKind> {
        let v = self.text(i)?;
        match v.as_str() {
            "proven" => Ok(TrainingKind::Proven),
            "declared" => Ok(TrainingKind::Declared),
            _ => Err(Error::Corrupt { column: "attestations.kind", reason: v }),
        }
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
    /// Uses of datasets by models: the attestation's position, then the dataset's slot.
    Use(BlockNumber, u64, u32),
    /// A creator's royalty events, by their position.
    Royalty(BlockNumber, u64),
}

impl PageKey {
    /// The pattern of every datasets cursor, and of nothing else [`PageKey::from_cursor`]
    /// reads as a [`PageKey::Dataset`].
    pub const DATASET_CURSOR: &'static str = "^d[0-9a-f]{8}$";
    /// The same for [`PageKey::Model`].
    pub const MODEL_CURSOR: &'static str = "^m[0-9a-f]{32}$";
    /// The same for [`PageKey::Use`].
    pub const USE_CURSOR: &'static str = "^u[0-9a-f]{40}$";
    /// The same for [`PageKey::Royalty`].
    pub const ROYALTY_CURSOR: &'static str = "^r[0-9a-f]{32}$";

    /// The cursor clients pass back (`?cursor=`): a letter for the kind of list, then the
    /// key's numbers in fixed-width lowercase hex, so that the API document can state the
    /// exact pattern of each list's cursors ([`PageKey::DATASET_CURSOR`] and the others).
    pub fn cursor(self) -> String {
        match self {
            Self::Dataset(id) => format!("d{id:08x}"),
            Self::Model(block, log) => format!("m{block:016x}{log:016x}"),
            Self::Use(block, log, slot) => format!("u{block:016x}{log:016x}{slot:08x}"),
            Self::Royalty(block, log) => format!("r{block:016x}{log:016x}"),
        }
    }

    /// The key behind a cursor [`PageKey::cursor`] made; `None` for anything else.
    pub fn from_cursor(raw: &str) -> Option<Self> {
        let (kind, hex) = raw.split_at_checked(1)?;
        // `from_str_radix` alone would also take a sign and upper case.
        if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let u64_at = |at: usize| u64::from_str_radix(&hex[at..at + 16], 16).ok();
        let u32_at = |at: usize| u32::from_str_radix(&hex[at..at + 8], 16).ok();
        Some(match (kind, hex.len()) {
            ("d", 8) => Self::Dataset(u32_at(0)?),
            ("m", 32) => Self::Model(u64_at(0)?, u64_at(16)?),
            ("u", 40) => Self::Use(u64_at(0)?, u64_at(16)?, u32_at(32)?),
            ("r", 32) => Self::Royalty(u64_at(0)?, u64_at(16)?),
            _ => return None,
        })
    }
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next: Option<PageKey>,
}

/// An amount column (a decimal string).
fn amount(v: &str) -> Result<U256> {
    v.parse().map_err(|e| Error::Corrupt { column: "amount", reason: format!("{v:?}: {e}") })
}

/// `floor(distributed * weight / total)`, as the vault's `Math.mulDiv`: a creator's part of
/// what a dataset was distributed.
fn share(distributed: U256, weight: U256, total: U256) -> U256 {
    if total.is_zero() {
        return U256::ZERO;
    }
    U256::saturating_from(U512::from(distributed) * U512::from(weight) / U512::from(total))
}

pub(super) fn status_of(kind: Option<String>) -> String {
    kind.unwrap_or_else(|| "registered".into())
}
