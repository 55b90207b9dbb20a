-- Running totals per key, so that a creator's royalties are a few indexed lookups
-- however many payments a dataset received. Each row copies the latest event row of its
-- key (its cumulative amount and provenance); a rollback recomputes the keys it touched.

-- The latest royalty_credits row per (dataset_id, token, held).
CREATE TABLE royalty_totals (
    dataset_id   INTEGER NOT NULL,
    token        BLOB    NOT NULL,
    held         INTEGER NOT NULL,
    cumulative   TEXT    NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash   BLOB    NOT NULL,
    tx_hash      BLOB    NOT NULL,
    log_index    INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, token, held)
);

-- The latest royalty_claims row per (creator, dataset_id, token).
CREATE TABLE claim_totals (
    creator      BLOB    NOT NULL,
    dataset_id   INTEGER NOT NULL,
    token        BLOB    NOT NULL,
    cumulative   TEXT    NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash   BLOB    NOT NULL,
    tx_hash      BLOB    NOT NULL,
    log_index    INTEGER NOT NULL,
    PRIMARY KEY (creator, dataset_id, token)
);

INSERT INTO royalty_totals
SELECT r.dataset_id, r.token, r.held, r.cumulative, r.block_number, r.block_hash, r.tx_hash,
       r.log_index
FROM royalty_credits r
WHERE NOT EXISTS (
    SELECT 1 FROM royalty_credits n
    WHERE n.dataset_id = r.dataset_id AND n.token = r.token AND n.held = r.held
      AND (n.block_number > r.block_number
           OR (n.block_number = r.block_number AND n.log_index > r.log_index)));

INSERT INTO claim_totals
SELECT r.creator, r.dataset_id, r.token, r.cumulative, r.block_number, r.block_hash, r.tx_hash,
       r.log_index
FROM royalty_claims r
WHERE NOT EXISTS (
    SELECT 1 FROM royalty_claims n
    WHERE n.creator = r.creator AND n.dataset_id = r.dataset_id AND n.token = r.token
      AND (n.block_number > r.block_number
           OR (n.block_number = r.block_number AND n.log_index > r.log_index)));
