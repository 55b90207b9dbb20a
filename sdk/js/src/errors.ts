import { MAX_DECODED_BYTES, MAX_DIMENSION } from './limits.js'

/**
 * Typed errors. Each has a stable `code`, the same string the conformance vectors use
 * for the Rust `lineage_core::output::Error` variant it mirrors. A verdict is never an
 * error: {@link judge} and {@link verifyImage} return invalid outputs as data; an error
 * means no verdict could be reached (the CLI's "cannot tell", exit code 2).
 */

/** Every error code this package throws. */
export type ErrorCode =
  | 'png.decode'
  | 'png.unsupported'
  | 'png.too_large'
  | 'png.malformed'
  | 'jpeg.malformed'
  | 'webp.malformed'
  | 'webp.unsupported'
  | 'receipt.chunk_crc'
  | 'receipt.chunk_malformed'
  | 'receipt.chunk_duplicate'
  | 'receipt.parse'
  | 'receipt.version'
  | 'receipt.inconsistent'
  | 'chain.mismatch'
  | 'chain.read'
  | 'status.unknown'

/** The base class: `code` is stable, `message` is for people. */
export class LineageError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** The bytes start with the PNG signature but the image does not decode; never hashed as bytes. */
export class PngDecodeError extends LineageError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('png.decode', `not a valid PNG (it starts with the PNG signature but does not decode): ${reason}`, options)
  }
}

/** An animated PNG, or (here, not in Rust) one this runtime cannot allocate memory for. */
export class PngUnsupportedError extends LineageError {
  constructor(readonly reason: string) {
    super('png.unsupported', `unsupported PNG: ${reason}`)
  }
}

/**
 * A PNG over the size limit every implementation shares ({@link MAX_DIMENSION} pixels a
 * side, {@link MAX_DECODED_BYTES} of canonical RGBA), refused from its IHDR before any
 * image data is decoded or allocated.
 */
export class PngTooLargeError extends LineageError {
  constructor(
    readonly width: number,
    readonly height: number,
    /** Bytes of its canonical RGBA: width x height x 4, or x 8 at 16 bits. */
    readonly bytes: number,
  ) {
    super(
      'png.too_large',
      `PNG of ${width}x${height} pixels is over the size limit (${bytes} bytes of canonical RGBA; ` +
        `at most ${MAX_DIMENSION} pixels a side and ${MAX_DECODED_BYTES} bytes)`,
    )
  }
}

/** The PNG's chunk layout is broken where the receipt is read. */
export class PngMalformedError extends LineageError {
  constructor(readonly offset: number, readonly reason: string) {
    super('png.malformed', `malformed PNG at byte ${offset}: ${reason}`)
  }
}

/** The embedded receipt chunk's CRC does not match: it was damaged after it was written. */
export class ReceiptChunkCrcError extends LineageError {
  constructor(readonly offset: number, readonly stored: number, readonly computed: number) {
    super(
      'receipt.chunk_crc',
      `the embedded receipt (iTXt chunk at byte ${offset}) is corrupted: CRC ${hex32(stored)} stored, ${hex32(computed)} computed`,
    )
  }
}

/**
 * The embedded receipt is not well-formed: a PNG's is not an uncompressed iTXt chunk, or
 * any format's text is not UTF-8.
 */
export class ReceiptChunkMalformedError extends LineageError {
  constructor(readonly offset: number, readonly reason: string) {
    super('receipt.chunk_malformed', `the embedded receipt (at byte ${offset}) is malformed: ${reason}`)
  }
}

/** More than one receipt chunk (or JPEG segment) in one file. */
export class ReceiptChunkDuplicateError extends LineageError {
  constructor(readonly count: number) {
    super('receipt.chunk_duplicate', `the file holds ${count} embedded receipts; expected at most one`)
  }
}

/** The file starts as a JPEG but its header (the segments up to the first scan) does not parse. */
export class JpegMalformedError extends LineageError {
  constructor(readonly offset: number, readonly reason: string) {
    super('jpeg.malformed', `malformed JPEG at byte ${offset}: ${reason}`)
  }
}

/** The file starts as a WebP but its RIFF container does not parse. */
export class WebpMalformedError extends LineageError {
  constructor(readonly offset: number, readonly reason: string) {
    super('webp.malformed', `malformed WebP at byte ${offset}: ${reason}`)
  }
}

/** A WebP this convention does not hash: an animated one. */
export class WebpUnsupportedError extends LineageError {
  constructor(readonly reason: string) {
    super('webp.unsupported', `unsupported WebP: ${reason}`)
  }
}

/** Not a valid Lineage receipt. */
export class ReceiptParseError extends LineageError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('receipt.parse', `not a valid Lineage receipt: ${reason}`, options)
  }
}

/** A receipt of a format version this package does not read. */
export class ReceiptVersionError extends LineageError {
  constructor(readonly found: number, readonly expected: number) {
    super('receipt.version', `unsupported receipt version ${found} (this build reads versions 1 to ${expected})`)
  }
}

/** A receipt whose fields do not fit its version: a version 2 without `perceptualHash`, or a version 1 with one. */
export class ReceiptInconsistentError extends LineageError {
  constructor(reason: string) {
    super('receipt.inconsistent', `inconsistent receipt: ${reason}`)
  }
}

/** The receipt names another chain than the one the client serves. */
export class ChainMismatchError extends LineageError {
  constructor(readonly receipt: number, readonly rpc: number) {
    super('chain.mismatch', `the receipt is for chain ${receipt} but the RPC endpoint serves chain ${rpc}`)
  }
}

/** A chain read failed (RPC error, revert, bad answer). */
export class ChainReadError extends LineageError {
  constructor(readonly what: string, options?: { cause?: unknown }) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message.split('\n')[0]}` : ''
    super('chain.read', `reading ${what} from the chain failed${cause}`, options)
  }
}

/** A status the registry's enums do not have. */
export class UnknownStatusError extends LineageError {
  constructor(readonly what: 'attestation' | 'dataset', readonly value: number) {
    super('status.unknown', `unknown ${what} status ${value}`)
  }
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`
}
