/**
 * Content hashes of output files, exactly as `lineage_core::output::content_hash`:
 * `png-pixels-v1` over a PNG's decoded pixels, `bytes-v1` over any other file's bytes.
 * The conventions are written down in `crates/core/src/output/mod.rs`.
 */

import { sha256 } from '@noble/hashes/sha2'
import { type Hex, toHex } from './bytes.js'
import { decodeCanonical, isPng } from './png.js'

/** Which convention a content hash follows. */
export type HashKind = 'png-pixels-v1' | 'bytes-v1'

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
 * The content hash of an output file's bytes: `png-pixels-v1` when they start with the
 * PNG signature, `bytes-v1` otherwise.
 *
 * @throws {PngDecodeError} the bytes start with the PNG signature but do not decode (they
 *   are never hashed as bytes then).
 * @throws {PngTooLargeError} a PNG over the size limit ({@link MAX_DIMENSION} a side,
 *   {@link MAX_DECODED_BYTES} of canonical RGBA).
 * @throws {PngUnsupportedError} an animated PNG.
 */
export async function contentHash(bytes: Uint8Array): Promise<OutputHash> {
  if (!isPng(bytes)) return { kind: 'bytes-v1', hash: await sha256Of([BYTES_DOMAIN, bytes]) }
  const img = await decodeCanonical(bytes)
  const header = new Uint8Array(9)
  const view = new DataView(header.buffer)
  view.setUint32(0, img.width)
  view.setUint32(4, img.height)
  header[8] = img.depth
  return { kind: 'png-pixels-v1', hash: await sha256Of([PNG_PIXELS_DOMAIN, header, img.pixels]) }
}
