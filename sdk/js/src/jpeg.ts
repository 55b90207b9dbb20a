/**
 * JPEG files, as `lineage_core::output::jpeg`: the `jpeg-v1` content hash (the file less
 * its Lineage receipt `APP9` segments and C2PA `APP11` JUMBF boxes) and the receipt's
 * text. Only the header, the segments from `SOI` to the first `SOS`, is parsed.
 */

import { bytesEqual } from './bytes.js'
import { JpegMalformedError, ReceiptChunkDuplicateError, ReceiptChunkMalformedError } from './errors.js'

/** Domain prefix of `jpeg-v1`. */
export const JPEG_DOMAIN: Uint8Array = new TextEncoder().encode('lineage.output.jpeg.v1\0')

/** What starts the payload of a receipt's `APP9` segment or `LNRC` chunk, before its JSON. */
export const RECEIPT_ID: Uint8Array = new TextEncoder().encode('lineage-receipt\0')

const APP9 = 0xe9
const APP11 = 0xeb
const SOS = 0xda
const JUMB = new TextEncoder().encode('jumb')

/** Whether the bytes start as a JPEG does: `FF D8 FF`. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
}

interface Segment {
  code: number
  /** From the marker's (last) `FF` to the end of the payload. */
  start: number
  end: number
  payload: Uint8Array
}

const isSof = (c: number) => c >= 0xc0 && c <= 0xcf && c !== 0xc4 && c !== 0xc8 && c !== 0xcc
const isReceipt = (s: Segment) => s.code === APP9 && startsWith(s.payload, RECEIPT_ID)
const isC2pa = (s: Segment) =>
  s.code === APP11 &&
  s.payload.length >= 16 &&
  s.payload[0] === 0x4a &&
  s.payload[1] === 0x50 &&
  bytesEqual(s.payload.subarray(12, 16), JUMB)

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  return b.length >= prefix.length && bytesEqual(b.subarray(0, prefix.length), prefix)
}

const hex2 = (b: number) => b.toString(16).toUpperCase().padStart(2, '0')

/** The header's segments, from `SOI` to the first `SOS`. */
function header(b: Uint8Array): Segment[] {
  if (b.length < 2 || b[0] !== 0xff || b[1] !== 0xd8) throw new JpegMalformedError(0, 'no SOI marker (FF D8)')
  const segments: Segment[] = []
  let frame = false
  let at = 2
  for (;;) {
    if (at >= b.length) throw new JpegMalformedError(at, 'the file ends before its first scan (SOS)')
    if (b[at] !== 0xff) throw new JpegMalformedError(at, `0x${hex2(b[at]!).toLowerCase()} where a marker is due`)
    while (b[at + 1] === 0xff) at++
    if (at + 1 >= b.length) throw new JpegMalformedError(at, 'the file ends inside a marker')
    const code = b[at + 1]!
    if (code === 0x00 || code === 0x01 || (code >= 0xd0 && code <= 0xd9)) {
      throw new JpegMalformedError(at, `marker FF ${hex2(code)} before the first scan`)
    }
    if (at + 4 > b.length) throw new JpegMalformedError(at, 'the file ends inside a segment length')
    const len = (b[at + 2]! << 8) | b[at + 3]!
    if (len < 2) throw new JpegMalformedError(at, `segment length ${len} (at least 2)`)
    const end = at + 2 + len
    if (end > b.length) {
      throw new JpegMalformedError(at, `segment FF ${hex2(code)} of ${len} bytes runs past the end of the file`)
    }
    if (code === SOS) {
      if (!frame) throw new JpegMalformedError(at, 'a scan before any frame header (SOFn)')
      return segments
    }
    frame ||= isSof(code)
    segments.push({ code, start: at, end, payload: b.subarray(at + 4, end) })
    at = end
  }
}

/**
 * The pieces `jpeg-v1` hashes after {@link JPEG_DOMAIN}: the file less its receipt and
 * C2PA segments.
 *
 * @throws {JpegMalformedError} the header does not parse.
 */
export function jpegHashedParts(b: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = []
  let from = 0
  for (const s of header(b)) {
    if (!isReceipt(s) && !isC2pa(s)) continue
    parts.push(b.subarray(from, s.start))
    from = s.end
  }
  parts.push(b.subarray(from))
  return parts
}

/**
 * The text of the JPEG's receipt segment, or `null` when there is none.
 *
 * @throws {JpegMalformedError} the header does not parse.
 * @throws {ReceiptChunkDuplicateError} more than one receipt segment.
 * @throws {ReceiptChunkMalformedError} its text is not UTF-8.
 */
export function jpegReceiptText(b: Uint8Array): string | null {
  const found = header(b).filter(isReceipt)
  if (found.length === 0) return null
  if (found.length > 1) throw new ReceiptChunkDuplicateError(found.length)
  const s = found[0]!
  return utf8(s.payload.subarray(RECEIPT_ID.length), s.start)
}

/** UTF-8 text, or a {@link ReceiptChunkMalformedError} at `offset`. */
export function utf8(bytes: Uint8Array, offset: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ReceiptChunkMalformedError(offset, 'text is not UTF-8')
  }
}
