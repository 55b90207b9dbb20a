/**
 * Receipts: the JSON a wallet needs to verify one output (a sidecar `FILE.lineage.json`,
 * or the text of the PNG's `iTXt` chunk `lineage-receipt`), as
 * `lineage_core::output::{Receipt, read_receipt}`.
 */

import { bytesEqual, fromHex, type Hex, toHex } from './bytes.js'
import {
  PngMalformedError,
  ReceiptChunkCrcError,
  ReceiptChunkDuplicateError,
  ReceiptChunkMalformedError,
  ReceiptParseError,
  ReceiptVersionError,
} from './errors.js'
import type { HashKind } from './hash.js'
import { type Chunk, chunkAt, computedCrc, isPng } from './png.js'

/** The receipt format version this package reads. */
export const RECEIPT_VERSION = 1

/** The iTXt keyword of the receipt chunk. */
export const RECEIPT_KEYWORD = 'lineage-receipt'

/** Appended to an output's file name to name its sidecar receipt. */
export const SIDECAR_SUFFIX = '.lineage.json'

/** One receipt per output. Hashes and addresses are lowercase `0x` hex. */
export interface Receipt {
  version: 1
  /** The chain's EIP-155 id. */
  chainId: number
  /** The `LineageRegistry` holding the batch. */
  registry: Hex
  /** The model that made the output. */
  modelId: Hex
  /** The batch's index among the model's batches. */
  batchIndex: number
  /** The batch's Merkle root, as anchored; the chain's copy is authoritative. */
  batchRoot: Hex
  /** The number of outputs in the batch. */
  batchCount: number
  /** The output's leaf index. */
  leafIndex: number
  /** The output's content hash: the leaf. */
  contentHash: Hex
  /** How `contentHash` was taken. */
  hashKind: HashKind
  /** The Merkle siblings from the leaf level up. */
  proof: Hex[]
  /** The anchoring transaction. */
  anchorTx: Hex
  /** The block the anchoring transaction was mined in (a hint). */
  anchorBlock: number
}

function hexField(o: Record<string, unknown>, key: string, length: number): Hex {
  const bytes = fromHex(o[key], length)
  if (!bytes) throw new ReceiptParseError(`${key}: expected ${length} bytes of hex`)
  return toHex(bytes)
}

function intField(o: Record<string, unknown>, key: string): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ReceiptParseError(`${key}: expected a non-negative integer`)
  }
  return v
}

/**
 * Parses a receipt (a sidecar's or an embedded chunk's text). Unknown fields are ignored.
 *
 * @throws {ReceiptVersionError} a version other than {@link RECEIPT_VERSION}.
 * @throws {ReceiptParseError} anything that is not a receipt.
 */
export function parseReceipt(json: string | Uint8Array): Receipt {
  let value: unknown
  try {
    const text = typeof json === 'string' ? json : new TextDecoder('utf-8', { fatal: true }).decode(json)
    value = JSON.parse(text)
  } catch (e) {
    throw new ReceiptParseError(e instanceof Error ? e.message : String(e), { cause: e })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReceiptParseError('expected a JSON object')
  }
  const o = value as Record<string, unknown>
  const version = o.version
  if (typeof version === 'number' && Number.isInteger(version) && version >= 0 && version !== RECEIPT_VERSION) {
    throw new ReceiptVersionError(version, RECEIPT_VERSION)
  }
  if (version !== RECEIPT_VERSION) throw new ReceiptParseError('version: expected 1')
  const hashKind = o.hashKind
  if (hashKind !== 'png-pixels-v1' && hashKind !== 'bytes-v1') {
    throw new ReceiptParseError('hashKind: expected "png-pixels-v1" or "bytes-v1"')
  }
  if (!Array.isArray(o.proof)) throw new ReceiptParseError('proof: expected an array')
  const proof = o.proof.map((p, i) => {
    const bytes = fromHex(p, 32)
    if (!bytes) throw new ReceiptParseError(`proof[${i}]: expected 32 bytes of hex`)
    return toHex(bytes)
  })
  return {
    version: RECEIPT_VERSION,
    chainId: intField(o, 'chainId'),
    registry: hexField(o, 'registry', 20),
    modelId: hexField(o, 'modelId', 32),
    batchIndex: intField(o, 'batchIndex'),
    batchRoot: hexField(o, 'batchRoot', 32),
    batchCount: intField(o, 'batchCount'),
    leafIndex: intField(o, 'leafIndex'),
    contentHash: hexField(o, 'contentHash', 32),
    hashKind,
    proof,
    anchorTx: hexField(o, 'anchorTx', 32),
    anchorBlock: intField(o, 'anchorBlock'),
  }
}

const KEYWORD = new TextEncoder().encode(RECEIPT_KEYWORD)

function isReceiptChunk(c: Chunk): boolean {
  return (
    c.type === 'iTXt' &&
    c.data.length > KEYWORD.length &&
    bytesEqual(c.data.subarray(0, KEYWORD.length), KEYWORD) &&
    c.data[KEYWORD.length] === 0
  )
}

/**
 * Reads the receipt embedded in a PNG, or `null` when there is none. A damaged receipt
 * chunk is an error here, while {@link contentHash} skips it as any damaged ancillary chunk.
 *
 * @throws {PngMalformedError} no PNG signature, or a chunk layout broken before `IEND`.
 * @throws {ReceiptChunkDuplicateError} more than one receipt chunk.
 * @throws {ReceiptChunkCrcError} the receipt chunk was damaged.
 * @throws {ReceiptChunkMalformedError} not an uncompressed UTF-8 iTXt chunk.
 * @throws {ReceiptParseError} / {ReceiptVersionError} its text is not a receipt this reads.
 */
export function readReceipt(bytes: Uint8Array): Receipt | null {
  if (!isPng(bytes)) throw new PngMalformedError(0, 'no PNG signature')
  const found: Chunk[] = []
  let at = 8
  for (;;) {
    const chunk = chunkAt(bytes, at)
    if (typeof chunk === 'string') throw new PngMalformedError(at, chunk)
    if (at === 8 && chunk.type !== 'IHDR') {
      throw new PngMalformedError(at, `first chunk is ${chunk.type} instead of IHDR`)
    }
    if (isReceiptChunk(chunk)) found.push(chunk)
    at += chunk.raw.length
    if (chunk.type === 'IEND') break
  }
  if (found.length === 0) return null
  if (found.length > 1) throw new ReceiptChunkDuplicateError(found.length)
  const chunk = found[0]!
  const computed = computedCrc(bytes, chunk)
  if (computed !== chunk.storedCrc) throw new ReceiptChunkCrcError(chunk.offset, chunk.storedCrc, computed)
  const malformed = (reason: string) => new ReceiptChunkMalformedError(chunk.offset, reason)
  const rest = chunk.data.subarray(KEYWORD.length + 1)
  if (rest.length < 2) throw malformed('ends before its compression fields')
  if (rest[0] !== 0 || rest[1] !== 0) throw malformed('compressed; receipts are written uncompressed')
  const tail = rest.subarray(2)
  const language = tail.indexOf(0)
  const translated = language < 0 ? -1 : tail.indexOf(0, language + 1)
  if (translated < 0) throw malformed('missing the language tag or translated keyword terminator')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(tail.subarray(translated + 1))
  } catch {
    throw malformed('text is not UTF-8')
  }
  return parseReceipt(text)
}
