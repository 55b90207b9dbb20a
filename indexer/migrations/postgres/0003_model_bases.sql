-- Fine-tuning (`ModelFineTuned`): the model each fine-tuned model started from, the
-- registry's `attestation(id).baseModelId`. A model trained from zero weights has no row,
-- as it has no entry in the registry's `_baseOf`. Kept column for column identical to
-- migrations/sqlite/0003_model_bases.sql; only the type names differ.
--
-- The event comes in the attesting transaction, right after `ModelAttested`: a row and
-- its attestation are always stored, and rolled back, together (both by block_number).
CREATE TABLE model_bases (
    model_id      BYTEA   PRIMARY KEY,
    base_model_id BYTEA   NOT NULL,
    block_number  BIGINT  NOT NULL,
    block_hash    BYTEA   NOT NULL,
    tx_hash       BYTEA   NOT NULL,
    log_index     BIGINT  NOT NULL
);
-- The models fine-tuned from one base (`/v1/models/{id}/derived`); the walk up a model's
-- bases (its status) follows the primary key.
CREATE INDEX model_bases_base ON model_bases (base_model_id);
CREATE INDEX model_bases_block ON model_bases (block_number);
