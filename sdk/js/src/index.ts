/**
 * `@lineage/verify`: verify Lineage outputs where wallets run. Content hashes
 * (`png-pixels-v1`, `jpeg-v1`, `webp-v1`, `bytes-v1`), receipts, the batch's Merkle proof and the verdict, as
 * `lineage_core::output` (crates/core/src/output/mod.rs writes the conventions down; the
 * committed conformance vectors pin them), reading the chain through a viem client.
 *
 * No network of its own and no global state; nothing here uploads the image.
 */

export { checksumAddress, fromHex, type Hex, toHex } from './bytes.js'
export { type LineageClient, MAX_BASES, type ReadOptions, checkChain, readChainFacts } from './chain.js'
export {
  ChainMismatchError,
  ChainReadError,
  type ErrorCode,
  LineageError,
  JpegMalformedError,
  PngDecodeError,
  PngMalformedError,
  PngTooLargeError,
  PngUnsupportedError,
  ReceiptChunkCrcError,
  ReceiptChunkDuplicateError,
  ReceiptChunkMalformedError,
  ReceiptInconsistentError,
  ReceiptParseError,
  ReceiptVersionError,
  UnknownStatusError,
  WebpMalformedError,
  WebpUnsupportedError,
} from './errors.js'
export {
  BYTES_DOMAIN,
  contentHash,
  contentHashAs,
  HASH_KINDS,
  type HashKind,
  type OutputHash,
  PNG_PIXELS_DOMAIN,
  sniffKind,
} from './hash.js'
export { isJpeg, JPEG_DOMAIN, RECEIPT_ID } from './jpeg.js'
export { MAX_DECODED_BYTES, MAX_DIMENSION } from './limits.js'
export { computeRoot, LEAF_V2_DOMAIN, leafV2, treeDepth, verifyProof } from './merkle.js'
export { type Fingerprint, fingerprint, MIN_QUALITY, pngFingerprint } from './pdq.js'
export { isPng, PNG_SIGNATURE } from './png.js'
export {
  parseReceipt,
  RECEIPT_KEYWORD,
  RECEIPT_V1,
  RECEIPT_V2,
  RECEIPT_VERSION,
  type Receipt,
  readReceipt,
  receiptLeaf,
  SIDECAR_SUFFIX,
} from './receipt.js'
export {
  ATTESTATION_STATUSES,
  type AttestationStatus,
  type BaseFact,
  type Candidate,
  type ChainFacts,
  type Check,
  type Code,
  CODE_OUTCOMES,
  DATASET_STATUSES,
  type DatasetFact,
  type DatasetStatus,
  DEFAULT_POLICY,
  exitCode,
  hammingDistance,
  judge,
  MATCH_DISTANCE,
  noReceipt,
  type OnChainBatch,
  type Outcome,
  type Policy,
  similar,
  TRAINING_KIND_CODES,
  type TrainingKind,
  trainingKind,
  type Verdict,
} from './verdict.js'
export { type Pixels, type VerifyOptions, verifyImage } from './verify.js'
export { isWebp, RECEIPT_FOURCC, WEBP_DOMAIN } from './webp.js'
