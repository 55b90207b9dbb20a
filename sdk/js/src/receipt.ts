/**
 * Receipts: the JSON a wallet needs to verify one output (a sidecar `FILE.lineage.json`,
 * or the text of the PNG's `iTXt` chunk `lineage-receipt`, the JPEG's `APP9` segment or
 * the WebP's `LNRC` chunk), as `lineage_core::output::{Receipt, read_receipt}`.
 */

import { bytesEqual, fromHex, type Hex, toHex } from './bytes.js'
import {
  PngMalformedError,
  ReceiptChunkCrcError,
  ReceiptChunkDuplicateError,
  ReceiptChunkMalformedError,
  ReceiptInconsistentError,
  ReceiptParseError,
  ReceiptVersionError,
} from './errors.js'
import { HASH_KINDS, type HashKind } from './hash.js'
import { isJpeg, jpegReceiptText } from './jpeg.js'
import { JsonNumber, JsonObject, type JsonValue, parseJson } from './json.js'
import { leafV2 } from './merkle.js'
import { type Chunk, chunkAt, computedCrc, isPng } from './png.js'
import { isWebp, webpReceiptText } from './webp.js'

/** Receipt version 1: the leaf is the content hash. */
export const RECEIPT_V1 = 1

/**
 * Receipt version 2: the receipt carries the output's PDQ fingerprint (`perceptualHash`)
 * and the leaf is `leafV2(contentHash, perceptualHash)`.
 */
export const RECEIPT_V2 = 2

/** The newest receipt version this package reads (it reads 1 and 2). */
export const RECEIPT_VERSION = RECEIPT_V2

/** The iTXt keyword of the receipt chunk. */
export const RECEIPT_KEYWORD = 'lineage-receipt'

/** Appended to an output's file name to name its sidecar receipt. */
export const SIDECAR_SUFFIX = '.lineage.json'

/** One receipt per output. Hashes and addresses are lowercase `0x` hex. */
export interface Receipt {
  /** 2 with a `perceptualHash`, 1 without. */
  version: 1 | 2
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
  /** The output's content hash. */
  contentHash: Hex
  /** How `contentHash` was taken. */
  hashKind: HashKind
  /** The Merkle siblings from the leaf level up. */
  proof: Hex[]
  /** The anchoring transaction. */
  anchorTx: Hex
  /** The block the anchoring transaction was mined in (a hint). */
  anchorBlock: number
  /**
   * Version 2 only: the output's PDQ fingerprint as anchored, which the leaf commits to; a
   * verifier recomputes it.
   */
  perceptualHash?: Hex
}

/**
 * The receipt's Merkle leaf: its content hash (version 1), or {@link leafV2} of the content
 * hash and the fingerprint (version 2).
 */
export function receiptLeaf(receipt: Receipt): Hex {
  if (receipt.perceptualHash === undefined) return receipt.contentHash
  return leafV2(receipt.contentHash, receipt.perceptualHash) ?? receipt.contentHash
}

const U64_MAX = 2n ** 64n - 1n

/** A `u64` as serde reads one: a JSON integer (never `1.0` or `1e0`) from 0 to 2^64 - 1. */
function u64(v: JsonValue | undefined): bigint | undefined {
  const n = v instanceof JsonNumber ? v.integer() : undefined
  return n !== undefined && n >= 0n && n <= U64_MAX ? n : undefined
}

/** Receipt fields in serde's order. */
const FIELDS = [
  'version',
  'chainId',
  'registry',
  'modelId',
  'batchIndex',
  'batchRoot',
  'batchCount',
  'leafIndex',
  'contentHash',
  'hashKind',
  'proof',
  'anchorTx',
  'anchorBlock',
] as const

/**
 * The version as `Receipt::from_json`'s probe reads it before the fields, so that a later
 * receipt gets a version error: an object's `version` (absent or `null`: none; given twice:
 * a parse error), or the one element of a one-element array (serde reads a struct from a
 * sequence in field order); anything else is a parse error.
 */
function probeVersion(value: JsonValue): bigint | null {
  let v: JsonValue
  if (value instanceof JsonObject) {
    const all = value.all('version')
    if (all.length > 1) throw new ReceiptParseError('duplicate field `version`')
    v = all.length ? all[0]! : null
  } else if (Array.isArray(value)) {
    if (value.length !== 1) throw new ReceiptParseError('expected a JSON object')
    v = value[0]!
  } else {
    throw new ReceiptParseError('expected a JSON object')
  }
  if (v === null) return null
  const n = u64(v)
  if (n === undefined) throw new ReceiptParseError('version: expected an integer')
  return n
}

/**
 * Parses a receipt (a sidecar's or an embedded chunk's text) exactly as
 * `Receipt::from_json`: unknown fields are ignored; a known field given twice, a number
 * written as a float (`1.0`, `1e0`, `-0`) where an integer belongs, or a receipt written
 * as an array is a parse error (see `crates/core/tests/vectors/receipts.json`). One
 * difference remains: an integer field past 2^53 - 1 (which serde reads as a `u64`) is a
 * parse error here, as a JavaScript number cannot hold it exactly.
 *
 * @throws {ReceiptVersionError} a version other than 1 and 2.
 * @throws {ReceiptParseError} anything that is not a receipt.
 * @throws {ReceiptInconsistentError} a version 2 without `perceptualHash`, or a version 1
 *   with one.
 */
export function parseReceipt(json: string | Uint8Array): Receipt {
  let value: JsonValue
  try {
    const text = typeof json === 'string' ? json : new TextDecoder('utf-8', { fatal: true }).decode(json)
    value = parseJson(text)
  } catch (e) {
    throw new ReceiptParseError(e instanceof Error ? e.message : String(e), { cause: e })
  }
  const version = probeVersion(value)
  if (version !== null && version !== BigInt(RECEIPT_V1) && version !== BigInt(RECEIPT_V2)) {
    throw new ReceiptVersionError(Number(version), RECEIPT_VERSION)
  }
  if (!(value instanceof JsonObject)) throw new ReceiptParseError('expected a JSON object')
  const o: Partial<Record<(typeof FIELDS)[number], JsonValue>> = {}
  for (const key of FIELDS) {
    const all = value.all(key)
    if (all.length > 1) throw new ReceiptParseError(`duplicate field \`${key}\``)
    if (all.length === 0) throw new ReceiptParseError(`missing field \`${key}\``)
    o[key] = all[0]
  }
  const int = (key: (typeof FIELDS)[number]): number => {
    const n = u64(o[key])
    if (n === undefined) throw new ReceiptParseError(`${key}: expected a non-negative integer`)
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ReceiptParseError(`${key}: ${n} is past 2^53 - 1`)
    return Number(n)
  }
  const hex = (key: (typeof FIELDS)[number], length: number): Hex => {
    const bytes = fromHex(o[key], length)
    if (!bytes) throw new ReceiptParseError(`${key}: expected ${length} bytes of hex`)
    return toHex(bytes)
  }
  if (version === null) throw new ReceiptParseError('version: expected 1 or 2')
  // Optional, as serde's `Option` with `default`: absent or null is none.
  const perceptual = value.all('perceptualHash')
  if (perceptual.length > 1) throw new ReceiptParseError('duplicate field `perceptualHash`')
  let perceptualHash: Hex | undefined
  if (perceptual.length === 1 && perceptual[0] !== null) {
    const bytes = fromHex(perceptual[0], 32)
    if (!bytes) throw new ReceiptParseError('perceptualHash: expected 32 bytes of hex')
    perceptualHash = toHex(bytes)
  }
  const hashKind = HASH_KINDS.find((k) => k === o.hashKind)
  if (hashKind === undefined) throw new ReceiptParseError(`hashKind: expected one of ${HASH_KINDS.join(', ')}`)
  if (!Array.isArray(o.proof)) throw new ReceiptParseError('proof: expected an array')
  const proof = o.proof.map((p, i) => {
    const bytes = fromHex(p, 32)
    if (!bytes) throw new ReceiptParseError(`proof[${i}]: expected 32 bytes of hex`)
    return toHex(bytes)
  })
  const receipt: Receipt = {
    version: version === 2n ? RECEIPT_V2 : RECEIPT_V1,
    chainId: int('chainId'),
    registry: hex('registry', 20),
    modelId: hex('modelId', 32),
    batchIndex: int('batchIndex'),
    batchRoot: hex('batchRoot', 32),
    batchCount: int('batchCount'),
    leafIndex: int('leafIndex'),
    contentHash: hex('contentHash', 32),
    hashKind,
    proof,
    anchorTx: hex('anchorTx', 32),
    anchorBlock: int('anchorBlock'),
  }
  if (receipt.version === RECEIPT_V2 && perceptualHash === undefined) {
    throw new ReceiptInconsistentError('a version 2 receipt needs a perceptualHash')
  }
  if (receipt.version === RECEIPT_V1 && perceptualHash !== undefined) {
    throw new ReceiptInconsistentError('a version 1 receipt has no perceptualHash (its leaf is the content hash)')
  }
  if (perceptualHash !== undefined) receipt.perceptualHash = perceptualHash
  return receipt
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
 * Reads the receipt embedded in a PNG, a JPEG or a WebP (by its first bytes), or `null`
 * when there is none. A damaged PNG receipt chunk is an error here, while
 * {@link contentHash} skips it as any damaged ancillary chunk.
 *
 * @throws {PngMalformedError} no format that embeds, or a PNG chunk layout broken before
 *   `IEND`.
 * @throws {JpegMalformedError} / {WebpMalformedError} / {WebpUnsupportedError} a JPEG's or
 *   WebP's that does not parse.
 * @throws {ReceiptChunkDuplicateError} more than one receipt.
 * @throws {ReceiptChunkCrcError} the PNG's receipt chunk was damaged.
 * @throws {ReceiptChunkMalformedError} not an uncompressed iTXt chunk, or not UTF-8.
 * @throws {ReceiptParseError} / {ReceiptVersionError} its text is not a receipt this reads.
 */
export function readReceipt(bytes: Uint8Array): Receipt | null {
  if (isJpeg(bytes) || isWebp(bytes)) {
    const text = isJpeg(bytes) ? jpegReceiptText(bytes) : webpReceiptText(bytes)
    return text === null ? null : parseReceipt(text)
  }
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
