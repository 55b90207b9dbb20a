//! The indexer library's error type.

use alloy::primitives::BlockNumber;

/// What can go wrong in the indexer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database refused or failed a statement.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The embedded migrations could not be applied.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The lock that serialises migrations of a SQLite file could not be taken.
    #[error("locking {path} for the migration: {source}")]
    MigrationLock {
        /// The lock file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database URL names no supported backend.
    #[error("unsupported database URL {url:?}: expected sqlite:PATH or postgres://...")]
    DatabaseUrl {
        /// The URL given.
        url: String,
    },
    /// The database was indexed for another chain or other contracts.
    #[error("the database indexes {stored}, but this indexer was started for {configured}")]
    DeploymentMismatch {
        /// What the database holds.
        stored: String,
        /// What the indexer was configured with.
        configured: String,
    },
    /// A stored value could not be read back.
    #[error("corrupt stored value in {column}: {reason}")]
    Corrupt {
        /// The table and column.
        column: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The RPC endpoint failed.
    #[error("rpc {method}: {source}")]
    Rpc {
        /// The JSON-RPC method.
        method: &'static str,
        /// The transport or node error.
        source: alloy::transports::TransportError,
    },
    /// The node does not have a block it should have.
    #[error("the node has no block {number}")]
    MissingBlock {
        /// The block number asked for.
        number: BlockNumber,
    },
    /// A log from the node lacks a field a mined log has.
    #[error("log without {field} in block range {from}..={to}")]
    IncompleteLog {
        /// The missing field.
        field: &'static str,
        /// First block of the range.
        from: BlockNumber,
        /// Last block of the range.
        to: BlockNumber,
    },
    /// The RPC endpoint or listen address could not be used.
    #[error("{what}: {reason}")]
    Config {
        /// The setting.
        what: &'static str,
        /// Why it is unusable.
        reason: String,
    },
    /// Serving HTTP failed.
    #[error("http server: {0}")]
    Serve(#[from] std::io::Error),
}

/// The indexer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
