-- Lineage indexer schema (Postgres). Kept column for column identical to
-- migrations/sqlite/0001_init.sql; only the type names differ.
--
-- Conventions: hashes and addresses are BLOBs (32 / 20 bytes); uint64 and uint256
-- amounts are decimal TEXT (exact on both backends; arithmetic happens in Rust);
-- every row derived from a log carries the log's block_number, block_hash, tx_hash and
-- log_index, which is both its provenance and what a reorg rollback deletes by.

-- Where the follower stands: one row.
CREATE TABLE sync_state (
    id              BIGINT  PRIMARY KEY CHECK (id = 1),
    chain_id        BIGINT NOT NULL,
    registry        BYTEA    NOT NULL,
    vault           BYTEA    NOT NULL,
    start_block     BIGINT NOT NULL,
    -- The last block whose logs are all stored (start_block - 1 before the first range).
    indexed_block   BIGINT NOT NULL,
    indexed_hash    BYTEA,
    -- The chain as last seen by the follower.
    head_block      BIGINT NOT NULL,
    finalized_block BIGINT NOT NULL,
    -- Bumped by every change to the indexed data (ranges with events, rollbacks).
    generation      BIGINT NOT NULL
);

-- Hashes of the processed blocks that held events or ended a range: what a reorg is
-- detected against and rolled back to.
CREATE TABLE blocks (
    number BIGINT PRIMARY KEY,
    hash   BYTEA    NOT NULL
);

CREATE TABLE datasets (
    dataset_id   BIGINT PRIMARY KEY,
    curator      BYTEA    NOT NULL,
    root         BYTEA    NOT NULL,
    leaf_count   TEXT    NOT NULL,
    total_weight TEXT    NOT NULL,
    uri          TEXT    NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    log_index    BIGINT NOT NULL
);
CREATE INDEX datasets_block ON datasets (block_number);
CREATE INDEX datasets_curator ON datasets (curator, dataset_id);

CREATE TABLE dataset_creators (
    dataset_id   BIGINT NOT NULL,
    position     BIGINT NOT NULL,
    creator      BYTEA    NOT NULL,
    weight       TEXT    NOT NULL,
    block_number BIGINT NOT NULL,
    PRIMARY KEY (dataset_id, position)
);
CREATE INDEX dataset_creators_creator ON dataset_creators (creator, dataset_id);
CREATE INDEX dataset_creators_block ON dataset_creators (block_number);

-- Certifications and revocations, in chain order.
CREATE TABLE dataset_events (
    block_number BIGINT NOT NULL,
    log_index    BIGINT NOT NULL,
    dataset_id   BIGINT NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('certified', 'revoked')),
    certifier    BYTEA    NOT NULL,
    root         BYTEA,
    reason       TEXT,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX dataset_events_dataset ON dataset_events (dataset_id, block_number, log_index);

CREATE TABLE attestations (
    model_id     BYTEA    PRIMARY KEY,
    publisher    BYTEA    NOT NULL,
    profile_id   BIGINT NOT NULL,
    w_hash       BYTEA    NOT NULL,
    train_root   BYTEA    NOT NULL,
    license_mask TEXT    NOT NULL,
    n_records    BIGINT NOT NULL,
    w0_hash      BYTEA    NOT NULL,
    hyper_hash   BYTEA    NOT NULL,
    verifier     BYTEA    NOT NULL,
    submitter    BYTEA    NOT NULL,
    -- From the attesting transaction's calldata (NULL when it was not a direct call).
    accumulator  BYTEA,
    proof        BYTEA,
    block_number BIGINT NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    log_index    BIGINT NOT NULL
);
CREATE UNIQUE INDEX attestations_order ON attestations (block_number, log_index);
CREATE INDEX attestations_publisher ON attestations (publisher);

CREATE TABLE attestation_datasets (
    model_id     BYTEA    NOT NULL,
    slot         BIGINT NOT NULL,
    dataset_id   BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    PRIMARY KEY (model_id, slot)
);
CREATE INDEX attestation_datasets_dataset ON attestation_datasets (dataset_id);
CREATE INDEX attestation_datasets_block ON attestation_datasets (block_number);

CREATE TABLE attestation_revocations (
    model_id     BYTEA    PRIMARY KEY,
    publisher    BYTEA    NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    log_index    BIGINT NOT NULL
);
CREATE INDEX attestation_revocations_block ON attestation_revocations (block_number);

CREATE TABLE output_batches (
    model_id     BYTEA    NOT NULL,
    batch_index  BIGINT NOT NULL,
    batch_root   BYTEA    NOT NULL,
    count        TEXT    NOT NULL,
    uri          TEXT    NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    log_index    BIGINT NOT NULL,
    PRIMARY KEY (model_id, batch_index)
);
CREATE INDEX output_batches_block ON output_batches (block_number);

CREATE TABLE royalty_payments (
    block_number BIGINT NOT NULL,
    log_index    BIGINT NOT NULL,
    model_id     BYTEA    NOT NULL,
    token        BYTEA    NOT NULL,
    payer        BYTEA    NOT NULL,
    amount       TEXT    NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX royalty_payments_model ON royalty_payments (model_id);

-- RoyaltyDistributed (held = 0) and RoyaltyHeld (held = 1); `cumulative` is the total
-- for (dataset_id, token, held) up to and including this row, so the latest row is the
-- vault's `distributed` (or `held`) and a rollback needs no recomputation.
CREATE TABLE royalty_credits (
    block_number BIGINT NOT NULL,
    log_index    BIGINT NOT NULL,
    model_id     BYTEA    NOT NULL,
    dataset_id   BIGINT NOT NULL,
    token        BYTEA    NOT NULL,
    held         BIGINT NOT NULL,
    amount       TEXT    NOT NULL,
    cumulative   TEXT    NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX royalty_credits_latest
    ON royalty_credits (dataset_id, token, held, block_number, log_index);
CREATE INDEX royalty_credits_model ON royalty_credits (model_id);

-- RoyaltyClaimed; `cumulative` per (dataset_id, token, creator) as above.
CREATE TABLE royalty_claims (
    block_number BIGINT NOT NULL,
    log_index    BIGINT NOT NULL,
    dataset_id   BIGINT NOT NULL,
    token        BYTEA    NOT NULL,
    creator      BYTEA    NOT NULL,
    amount       TEXT    NOT NULL,
    cumulative   TEXT    NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX royalty_claims_latest
    ON royalty_claims (creator, dataset_id, token, block_number, log_index);

CREATE TABLE held_releases (
    block_number BIGINT NOT NULL,
    log_index    BIGINT NOT NULL,
    dataset_id   BIGINT NOT NULL,
    token        BYTEA    NOT NULL,
    recipient    BYTEA    NOT NULL,
    amount       TEXT    NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- Administrative events (certifiers, verifiers, vault, ownership), kept for audit.
CREATE TABLE admin_events (
    block_number BIGINT NOT NULL,
    log_index    BIGINT NOT NULL,
    contract     BYTEA    NOT NULL,
    name         TEXT    NOT NULL,
    args         TEXT    NOT NULL,
    block_hash   BYTEA    NOT NULL,
    tx_hash      BYTEA    NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- Output manifests posted by publishers (off-chain data: never rolled back; a manifest
-- only shows while an anchored batch with the same model, index and root exists).
CREATE TABLE output_entries (
    model_id     BYTEA    NOT NULL,
    batch_index  BIGINT NOT NULL,
    batch_root   BYTEA    NOT NULL,
    leaf_index   BIGINT NOT NULL,
    content_hash BYTEA    NOT NULL,
    PRIMARY KEY (model_id, batch_index, batch_root, leaf_index)
);
CREATE INDEX output_entries_hash ON output_entries (content_hash);
