-- Declared training (issue 15): each attestation's kind, the registry's
-- `attestation(id).kind`. `proven`: `attest`/`attestBySig`, whose proof re-executes the
-- training (w_hash, w0_hash, hyper_hash are the weights' and hyperparameters'
-- commitments). `declared`: `attestDeclared`/`attestDeclaredBySig`, whose proof covers the
-- training set of a model file named by its SHA-256: `model_hash`, from `ModelDeclared`.
-- For a declared model `ModelAttested` carries that hash as `wHash` and 0 as `w0Hash` and
-- `hyperHash`; the columns keep the event as it is, and the API shows none of them as
-- weight commitments. Kept column for column identical to
-- migrations/postgres/0004_training_kind.sql; only the type names differ.
--
-- `ModelDeclared` comes in the attesting transaction, right after `ModelAttested`: both
-- are in one block, so a row is written with its kind and rolled back with it.
ALTER TABLE attestations ADD COLUMN kind TEXT NOT NULL DEFAULT 'proven'
    CHECK (kind IN ('proven', 'declared'));
-- The declared model file's SHA-256; NULL exactly when the training is proven.
ALTER TABLE attestations ADD COLUMN model_hash BLOB
    CHECK ((kind = 'declared') = (model_hash IS NOT NULL));

-- Rows indexed before this migration: the registry derives the kind from the profile
-- (`contracts/generated/ProfileKinds.sol`: 3 demo-declared and 4 standard-declared are
-- DECLARED, and `attest` refuses them), and a declared model's `wHash` is its model hash.
-- Their accumulator and proof stay NULL (the calldata of `attestDeclared` was not read
-- then): a fresh index fills them.
UPDATE attestations SET kind = 'declared', model_hash = w_hash WHERE profile_id IN (3, 4);
