-- Fingerprints (issue 21). A version-2 leaf commits to the output's PDQ fingerprint
-- (keccak256("lineage.output.leaf.v2\0" || content_hash || perceptual_hash)): a posted
-- manifest may give it beside the content hash, and the batch root is then checked over
-- the leaves. NULL for a version-1 leaf (the content hash itself). Kept column for column
-- identical to migrations/sqlite/0005_fingerprints.sql; only the type names differ.
ALTER TABLE output_entries ADD COLUMN perceptual_hash BYTEA;
CREATE INDEX output_entries_perceptual ON output_entries (perceptual_hash)
    WHERE perceptual_hash IS NOT NULL;

-- Multi-index hashing for lookups by Hamming distance: the 256 bits as 16 words of 16 bits
-- (word w is bytes 2w and 2w + 1, big-endian), one row per word of each distinct
-- fingerprint, `word_key` = w * 65536 + the word's value. Two fingerprints within 31 bits
-- share a word within 1 bit (were every word 2 or more bits apart, they would be 32 or
-- more apart), so the candidates of a query are the rows of its 16 words and of their 16
-- one-bit neighbours each: 272 keys, read from this index alone (the fingerprint is in
-- the key), then their distances computed and the entries of the near ones looked up.
CREATE TABLE output_fingerprint_words (
    word_key        BIGINT  NOT NULL,
    perceptual_hash BYTEA   NOT NULL,
    PRIMARY KEY (word_key, perceptual_hash)
);
