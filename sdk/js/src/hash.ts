/**
 * Content hashes of output files, exactly as `lineage_core::output::content_hash`:
 * `png-pixels-v1` over a PNG's decoded pixels, `jpeg-v1` and `webp-v1` over a JPEG or
 * WebP less its receipt (and C2PA) segments or chunks, `bytes-v1` over any other file's
 * bytes. The conventions are written down in `crates/core/src/output/mod.rs`.
 */

import { sha256 } from '@noble/hashes/sha2'
import { type Hex, toHex } from './bytes.js'
import { PngDecodeError } from './errors.js'
import { isJpeg, JPEG_DOMAIN, jpegHashedParts } from './jpeg.js'
import { decodeCanonical, isPng } from './png.js'
import { isWebp, WEBP_DOMAIN, webpHashedParts } from './webp.js'

/** Which convention a content hash follows. */
export type HashKind = 'png-pixels-v1' | 'jpeg-v1' | 'webp-v1' | 'bytes-v1'

/** Every hash kind, as receipts name them. */
export const HASH_KINDS: readonly HashKind[] = ['png-pixels-v1', 'jpeg-v1', 'webp-v1', 'bytes-v1']

/** The kind a file's first bytes call for: its format's, or `bytes-v1`. */
export function sniffKind(bytes: Uint8Array): HashKind {
  if (isPng(bytes)) return 'png-pixels-v1'
  if (isJpeg(bytes)) return 'jpeg-v1'
  if (isWebp(bytes)) return 'webp-v1'
  return 'bytes-v1'
}

/** An output's content hash and the convention it was taken under. */
export interface OutputHash {
  kind: HashKind
  /** The 32-byte SHA-256 digest, lowercase `0x` hex. */
  hash: Hex
}

const encoder = new TextEncoder()
/** Domain prefix of `bytes-v1`, hashed before the file's bytes. */
export const BYTES_DOMAIN: Uint8Array = encoder.encode('lineage.output.bytes.v1\0')
/** Domain prefix of `png-pixels-v1`, hashed before the canonical pixel encoding. */
export const PNG_PIXELS_DOMAIN: Uint8Array = encoder.encode('lineage.output.png-rgba.v1\0')

/** SHA-256 of the concatenation of `parts`: WebCrypto when there is one, else @noble/hashes. */
async function sha256Of(parts: Uint8Array[]): Promise<Hex> {
  const subtle = globalThis.crypto?.subtle
  if (subtle) {
    const total = parts.reduce((n, p) => n + p.length, 0)
    const buf = new Uint8Array(total)
    let o = 0
    for (const p of parts) {
      buf.set(p, o)
      o += p.length
    }
    return toHex(new Uint8Array(await subtle.digest('SHA-256', buf)))
  }
  const h = sha256.create()
  for (const p of parts) h.update(p)
  return toHex(h.digest())
}

/**
 * The content hash of an output file's bytes under the kind its format calls for
 * ({@link sniffKind}): what `lineage anchor` takes.
 *
 * @throws as {@link contentHashAs}: a file that starts as a PNG, a JPEG or a WebP but does
 *   not parse as one is an error, never hashed as bytes.
 */
export async function contentHash(bytes: Uint8Array): Promise<OutputHash> {
  return contentHashAs(bytes, sniffKind(bytes))
}

/**
 * The content hash of an output file's bytes under `kind`, whatever their format: a
 * verifier takes the kind its receipt names (a JPEG anchored as `bytes-v1` keeps its
 * receipt).
 *
 * @throws {PngDecodeError} the bytes do not decode as a PNG.
 * @throws {PngTooLargeError} a PNG over the size limit ({@link MAX_DIMENSION} a side,
 *   {@link MAX_DECODED_BYTES} of canonical RGBA).
 * @throws {PngUnsupportedError} an animated PNG.
 * @throws {JpegMalformedError} / {WebpMalformedError} / {WebpUnsupportedError} likewise.
 */
export async function contentHashAs(bytes: Uint8Array, kind: HashKind): Promise<OutputHash> {
  switch (kind) {
    case 'bytes-v1':
      return { kind, hash: await sha256Of([BYTES_DOMAIN, bytes]) }
    case 'jpeg-v1':
      return { kind, hash: await sha256Of([JPEG_DOMAIN, ...jpegHashedParts(bytes)]) }
    case 'webp-v1':
      return { kind, hash: await sha256Of([WEBP_DOMAIN, ...webpHashedParts(bytes)]) }
    case 'png-pixels-v1': {
      if (!isPng(bytes)) throw new PngDecodeError('no PNG signature')
      const img = await decodeCanonical(bytes)
      const header = new Uint8Array(9)
      const view = new DataView(header.buffer)
      view.setUint32(0, img.width)
      view.setUint32(4, img.height)
      header[8] = img.depth
      return { kind, hash: await sha256Of([PNG_PIXELS_DOMAIN, header, img.pixels]) }
    }
  }
}
