-- Fine-tuning (`ModelFineTuned`): the model each fine-tuned model started from, the
-- registry's `attestation(id).baseModelId`. A model trained from zero weights has no row,
-- as it has no entry in the registry's `_baseOf`. Kept column for column identical to
-- migrations/postgres/0003_model_bases.sql; only the type names differ.
--
-- The event comes in the attesting transaction, right after `ModelAttested`: a row and
-- its attestation are always stored, and rolled back, together (both by block_number).
CREATE TABLE model_bases (
    model_id      BLOB    PRIMARY KEY,
    base_model_id BLOB    NOT NULL,
    block_number  INTEGER NOT NULL,
    block_hash    BLOB    NOT NULL,
    tx_hash       BLOB    NOT NULL,
    log_index     INTEGER NOT NULL
);
-- The models fine-tuned from one base (`/v1/models/{id}/derived`); the walk up a model's
-- bases (its status) follows the primary key.
CREATE INDEX model_bases_base ON model_bases (base_model_id);
CREATE INDEX model_bases_block ON model_bases (block_number);
