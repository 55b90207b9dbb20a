/**
 * WebP files, as `lineage_core::output::webp`: the `webp-v1` content hash (a flags byte,
 * then every top-level chunk but `VP8X`, the Lineage receipt `LNRC` and C2PA's, as FourCC,
 * size and payload) and the receipt's text. The RIFF container is parsed strictly; no
 * chunk is descended into and no image data is decoded.
 */

import { bytesEqual } from './bytes.js'
import { ReceiptChunkDuplicateError, WebpMalformedError, WebpUnsupportedError } from './errors.js'
import { RECEIPT_ID, utf8 } from './jpeg.js'

/** Domain prefix of `webp-v1`. */
export const WEBP_DOMAIN: Uint8Array = new TextEncoder().encode('lineage.output.webp.v1\0')

/** The FourCC of the receipt's chunk. */
export const RECEIPT_FOURCC = 'LNRC'

const FLAG_BITS = 0x3e
const FLAG_ALPHA = 0x10
const FLAG_ANIMATION = 0x02

const ascii = (b: Uint8Array) => String.fromCharCode(...b)

/** Whether the bytes start as a WebP does: `RIFF`, a size, `WEBP`. */
export function isWebp(b: Uint8Array): boolean {
  return b.length >= 12 && ascii(b.subarray(0, 4)) === 'RIFF' && ascii(b.subarray(8, 12)) === 'WEBP'
}

interface Chunk {
  fourcc: string
  /** Offset of its FourCC. */
  start: number
  data: Uint8Array
}

const le32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
const le24 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)
const isReceipt = (c: Chunk) =>
  c.fourcc === RECEIPT_FOURCC &&
  c.data.length >= RECEIPT_ID.length &&
  bytesEqual(c.data.subarray(0, RECEIPT_ID.length), RECEIPT_ID)
const isExcluded = (c: Chunk) => c.fourcc === 'VP8X' || c.fourcc === 'C2PA' || isReceipt(c)

/** The top-level chunks and the flags byte `webp-v1` hashes. */
function parse(b: Uint8Array): { chunks: Chunk[]; flags: number } {
  const bad = (at: number, reason: string) => new WebpMalformedError(at, reason)
  if (!isWebp(b)) throw bad(0, 'not a RIFF file of form WEBP')
  const size = le32(b, 4)
  if (size < 4 || size % 2 === 1) throw bad(4, `RIFF size ${size} (even, at least 4)`)
  if (8 + size > b.length) throw bad(4, `RIFF size ${size} runs past the end of the file (${b.length} bytes)`)
  const riffEnd = 8 + size
  const chunks: Chunk[] = []
  let at = 12
  while (at < riffEnd) {
    if (riffEnd - at < 8) throw bad(at, "a chunk header runs past the RIFF's end")
    const fourcc = ascii(b.subarray(at, at + 4))
    const len = le32(b, at + 4)
    const room = riffEnd - at - 8
    if (len > room || (len % 2 === 1 && len === room)) {
      throw bad(at, `chunk ${fourcc} of ${len} bytes (and its pad byte) runs past the RIFF's end`)
    }
    chunks.push({ fourcc, start: at, data: b.subarray(at + 8, at + 8 + len) })
    at += 8 + len + (len % 2)
  }
  if (chunks.slice(1).some((c) => c.fourcc === 'VP8X')) throw bad(12, 'a VP8X chunk that is not the first')
  const extended = chunks[0]?.fourcc === 'VP8X'
  if (chunks.some((c) => c.fourcc === 'ANIM' || c.fourcc === 'ANMF')) {
    throw new WebpUnsupportedError('an animated WebP')
  }
  const images = chunks.filter((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L')
  if (images.length === 0) throw bad(12, 'no VP8 or VP8L image chunk')
  if (images.length > 1) throw bad(images[1]!.start, 'a second image chunk')
  const [canvas, alpha] = bitstream(images[0]!)
  if (!extended) {
    if (chunks.length !== 1) throw bad(chunks[1]!.start, 'a simple WebP (no VP8X) holds its image chunk alone')
    return { chunks, flags: alpha ? FLAG_ALPHA : 0 }
  }
  const x = chunks[0]!.data
  if (x.length < 10) throw bad(12, `a VP8X chunk of ${x.length} bytes (10)`)
  if (x[0]! & FLAG_ANIMATION) throw new WebpUnsupportedError('an animated WebP')
  const w = le24(x, 4) + 1
  const h = le24(x, 7) + 1
  if (w !== canvas[0] || h !== canvas[1]) {
    throw bad(12, `VP8X canvas ${w}x${h} is not the image's ${canvas[0]}x${canvas[1]}`)
  }
  return { chunks, flags: x[0]! & FLAG_BITS }
}

/** The canvas a `VP8 ` or `VP8L` bitstream gives, and whether a lossless one uses alpha. */
function bitstream(c: Chunk): [[number, number], boolean] {
  const d = c.data
  const bad = (reason: string) => new WebpMalformedError(c.start, reason)
  if (c.fourcc === 'VP8 ') {
    if (d.length < 10 || d[0]! & 1 || d[3] !== 0x9d || d[4] !== 0x01 || d[5] !== 0x2a) {
      throw bad('a VP8 chunk that does not start with a key frame header')
    }
    const w = (d[6]! | (d[7]! << 8)) & 0x3fff
    const h = (d[8]! | (d[9]! << 8)) & 0x3fff
    if (w === 0 || h === 0) throw bad('a VP8 frame of zero width or height')
    return [[w, h], false]
  }
  if (d.length < 5 || d[0] !== 0x2f) throw bad('a VP8L chunk without its signature byte 0x2F')
  const bits = le32(d, 1)
  if (bits >>> 29 !== 0) throw bad('a VP8L bitstream of a version other than 0')
  return [[(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1], ((bits >>> 28) & 1) === 1]
}

/**
 * The pieces `webp-v1` hashes after {@link WEBP_DOMAIN}: the flags byte, then each hashed
 * chunk's FourCC, little-endian size and payload (no pad byte).
 *
 * @throws {WebpMalformedError} the container does not parse.
 * @throws {WebpUnsupportedError} an animated WebP.
 */
export function webpHashedParts(b: Uint8Array): Uint8Array[] {
  const { chunks, flags } = parse(b)
  const parts: Uint8Array[] = [Uint8Array.of(flags)]
  for (const c of chunks) {
    if (isExcluded(c)) continue
    const head = b.slice(c.start, c.start + 8)
    parts.push(head, c.data)
  }
  return parts
}

/**
 * The text of the WebP's receipt chunk, or `null` when there is none.
 *
 * @throws {WebpMalformedError} / {WebpUnsupportedError} as {@link webpHashedParts}.
 * @throws {ReceiptChunkDuplicateError} more than one receipt chunk.
 * @throws {ReceiptChunkMalformedError} its text is not UTF-8.
 */
export function webpReceiptText(b: Uint8Array): string | null {
  const found = parse(b).chunks.filter(isReceipt)
  if (found.length === 0) return null
  if (found.length > 1) throw new ReceiptChunkDuplicateError(found.length)
  const c = found[0]!
  return utf8(c.data.subarray(RECEIPT_ID.length), c.start)
}
