/**
 * PNG chunks and the exact decode behind `png-pixels-v1`: the chunk rules of the Rust side
 * (the `png` crate as `lineage_core::output::hash` configures it), zlib through `fflate`,
 * then unfiltering, Adam7 and the canonical RGBA written here so that every sample is exact
 * and every error is the one the conformance vectors expect. Never a canvas: browsers'
 * canvases colour-manage and premultiply.
 */

import { Unzlib } from 'fflate'
import { crc32 } from './bytes.js'
import { PngDecodeError, PngTooLargeError, PngUnsupportedError } from './errors.js'
import { MAX_DECODED_BYTES, MAX_DIMENSION } from './limits.js'

/** The 8-byte signature every PNG file starts with. */
export const PNG_SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)

/** Whether `bytes` start with the PNG signature (and so are hashed as pixels). */
export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false
  for (let i = 0; i < 8; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return false
  return true
}

/** One chunk as it lies in the file. */
export interface Chunk {
  /** Offset of the chunk's length field. */
  offset: number
  /** The 4-letter type. */
  type: string
  data: Uint8Array
  storedCrc: number
  /** The whole chunk: length, type, data and CRC. */
  raw: Uint8Array
}

/** The CRC of a chunk's type and data. */
export function computedCrc(bytes: Uint8Array, chunk: Chunk): number {
  return crc32(bytes.subarray(chunk.offset + 4, chunk.offset + 8 + chunk.data.length))
}

const MAX_CHUNK_LEN = 2 ** 31 - 1

/** Reads the chunk at `at`, or says why it cannot (the file ends, or a bad length). */
export function chunkAt(bytes: Uint8Array, at: number): Chunk | string {
  if (at + 8 > bytes.length) return 'file ends before IEND (truncated?)'
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const len = view.getUint32(at)
  const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!)
  if (len > MAX_CHUNK_LEN) return `chunk length ${len} exceeds 2^31-1`
  const end = at + 12 + len
  if (end > bytes.length) return `chunk ${type} of ${len} bytes runs past the end of the file`
  return {
    offset: at,
    type,
    data: bytes.subarray(at + 8, at + 8 + len),
    storedCrc: view.getUint32(at + 8 + len),
    raw: bytes.subarray(at, end),
  }
}

/** A decoded image in the canonical form of `png-pixels-v1`. */
export interface CanonicalImage {
  width: number
  height: number
  /** 16 when the IHDR bit depth is 16, else 8. */
  depth: 8 | 16
  /** Row-major R, G, B, A samples of `depth` bits, 16-bit samples big-endian. */
  pixels: Uint8Array
}

interface Header {
  width: number
  height: number
  depth: number
  colour: number
  interlaced: boolean
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
}
const ADAM7: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
]

function parseHeader(data: Uint8Array): Header {
  if (data.length !== 13) throw new PngDecodeError(`IHDR of ${data.length} bytes`)
  const view = new DataView(data.buffer, data.byteOffset, 13)
  const h: Header = {
    width: view.getUint32(0),
    height: view.getUint32(4),
    depth: data[8]!,
    colour: data[9]!,
    interlaced: data[12] === 1,
  }
  if (h.width === 0 || h.height === 0 || h.width > MAX_CHUNK_LEN || h.height > MAX_CHUNK_LEN) {
    throw new PngDecodeError(`invalid dimensions ${h.width}x${h.height}`)
  }
  if (!DEPTHS[h.colour]?.includes(h.depth)) {
    throw new PngDecodeError(`invalid colour type ${h.colour} with bit depth ${h.depth}`)
  }
  if (data[10] !== 0) throw new PngDecodeError(`unknown compression method ${data[10]}`)
  if (data[11] !== 0) throw new PngDecodeError(`unknown filter method ${data[11]}`)
  if (data[12]! > 1) throw new PngDecodeError(`unknown interlace method ${data[12]}`)
  // The size limit, judged on a well-formed IHDR before any other chunk is read or
  // anything is allocated for the image (crates/core/src/output/mod.rs, "Size limit").
  const bytes = h.width * h.height * (h.depth === 16 ? 8 : 4)
  if (h.width > MAX_DIMENSION || h.height > MAX_DIMENSION || bytes > MAX_DECODED_BYTES) {
    throw new PngTooLargeError(h.width, h.height, bytes)
  }
  return h
}

/** Bytes of one scanline of `width` pixels, without its filter byte. */
function lineBytes(h: Header, width: number): number {
  return Math.ceil((width * CHANNELS[h.colour]! * h.depth) / 8)
}

/** The passes of the image data: (x0, y0, dx, dy, width, height), one for a plain image. */
function passes(h: Header): Array<[number, number, number, number, number, number]> {
  if (!h.interlaced) return [[0, 0, 1, 1, h.width, h.height]]
  const out: Array<[number, number, number, number, number, number]> = []
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((h.width - x0) / dx)
    const hh = Math.ceil((h.height - y0) / dy)
    if (w > 0 && hh > 0) out.push([x0, y0, dx, dy, w, hh])
  }
  return out
}

/**
 * Decodes `bytes` (which start with the PNG signature) to canonical RGBA.
 *
 * Chunk rules, as the Rust side: `IHDR` first; a critical chunk with a bad CRC is an
 * error, an ancillary one is skipped; a PNG over the size limit ({@link MAX_DIMENSION},
 * {@link MAX_DECODED_BYTES}) is refused from its IHDR; `PLTE`, `tRNS` and `acTL` count
 * only before the image data; an animated PNG is refused before any data is decoded; the
 * image data must hold at least the scanlines the header asks for (more, and bytes after
 * the zlib stream, are ignored); the file must reach `IEND`; bytes after it are ignored.
 * The zlib stream's Adler-32 is not checked (the Rust decoder's default).
 */
export async function decodeCanonical(bytes: Uint8Array): Promise<CanonicalImage> {
  let at = 8
  let header: Header | undefined
  let palette: Uint8Array | undefined
  let trns: Uint8Array | undefined
  let animated = false
  let sawData = false
  let dataDone = false
  let expected = 0
  const idat: Uint8Array[] = []

  for (;;) {
    const chunk = chunkAt(bytes, at)
    if (typeof chunk === 'string') throw new PngDecodeError(chunk)
    at += chunk.raw.length
    const critical = (chunk.type.charCodeAt(0) & 0x20) === 0
    if (computedCrc(bytes, chunk) !== chunk.storedCrc) {
      if (critical) throw new PngDecodeError(`CRC error in chunk ${chunk.type}`)
      continue
    }
    if (!header) {
      if (chunk.type !== 'IHDR') throw new PngDecodeError(`chunk ${chunk.type} before IHDR`)
      header = parseHeader(chunk.data)
      continue
    }
    const h = header
    switch (chunk.type) {
      case 'IHDR':
        throw new PngDecodeError('a second IHDR')
      case 'PLTE':
        // Critical: a second one is an error; in a grey or RGB image it plays no part.
        if (palette) throw new PngDecodeError('a second PLTE')
        palette = chunk.data
        break
      case 'tRNS':
        // Ancillary: a malformed or misplaced one is ignored, as the Rust decoder does.
        if (sawData || trns) break
        if (h.colour === 0 && chunk.data.length >= 2) trns = chunk.data
        else if (h.colour === 2 && chunk.data.length >= 6) trns = chunk.data
        else if (h.colour === 3 && palette) trns = chunk.data
        break
      case 'acTL':
        if (!sawData) animated = true
        break
      case 'IDAT': {
        if (dataDone) throw new PngDecodeError('IDAT chunks are not consecutive')
        if (!sawData) {
          sawData = true
          checkBeforeData(h, palette)
          if (animated) {
            throw new PngUnsupportedError('animated PNG (acTL): only still images are hashed as pixels')
          }
          expected = passes(h).reduce((n, p) => n + p[5] * (1 + lineBytes(h, p[4])), 0)
        }
        if (chunk.data.length > 0) idat.push(chunk.data)
        break
      }
      case 'IEND': {
        if (!sawData) throw new PngDecodeError('no image data before IEND')
        const raw = await inflate(idat, expected)
        return canonical(h, raw, palette, trns)
      }
      default:
        if (critical) throw new PngDecodeError(`unknown critical chunk ${chunk.type}`)
    }
    if (chunk.type !== 'IDAT' && sawData) dataDone = true
  }
}

/** Concatenates `parts` into one array (no copy for one part). */
function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1 && parts[0]!.length === length) return parts[0]!
  const out = new Uint8Array(length)
  let o = 0
  for (const p of parts) {
    out.set(p.subarray(0, Math.min(p.length, length - o)), o)
    o += p.length
    if (o >= length) break
  }
  return out
}

/**
 * Inflates the zlib stream split over `idat` until `expected` bytes (the scanlines the
 * header asks for) are out or the stream ends; what follows either (more scanlines, bytes
 * after the stream) is ignored, and so is the Adler-32, as the Rust decoder does. A zlib
 * error matters only when the scanlines are not complete. The platform's native
 * `DecompressionStream` when there is one (browsers, Node 18+), else fflate: the same rules.
 */
async function inflate(idat: Uint8Array[], expected: number): Promise<Uint8Array> {
  const Native = (globalThis as { DecompressionStream?: typeof DecompressionStream }).DecompressionStream
  if (Native) {
    const fast = await inflateNative(Native, idat, expected)
    if (fast) return fast
  }
  const out: Uint8Array[] = []
  let length = 0
  let error: unknown
  let ended = false
  const inflater = new Unzlib((chunk, final) => {
    out.push(chunk)
    length += chunk.length
    if (final) ended = true
  })
  try {
    for (const part of idat) {
      if (ended || length >= expected) break
      inflater.push(part, false)
    }
    if (!ended && length < expected) inflater.push(new Uint8Array(0), true)
  } catch (e) {
    error = e
  }
  if (length < expected && error !== undefined) {
    throw new PngDecodeError('corrupt zlib stream in the image data', { cause: error })
  }
  if (length < expected) throw new PngDecodeError(`image data ends early: ${length} of ${expected} bytes`)
  return concat(out, length)
}

/**
 * The native inflater, for speed: the scanlines when it yields them all, else `null` and
 * {@link inflate} decides with fflate (the native one checks the Adler-32 and refuses
 * bytes after the stream, which the convention ignores).
 */
async function inflateNative(
  Native: typeof DecompressionStream,
  idat: Uint8Array[],
  expected: number,
): Promise<Uint8Array | null> {
  const out: Uint8Array[] = []
  let length = 0
  const ds = new Native('deflate')
  const writer = ds.writable.getWriter()
  const reader = ds.readable.getReader()
  // The writes queue while the reader drains.
  const written = (async () => {
    for (const part of idat) await writer.write(part as Uint8Array<ArrayBuffer>)
    await writer.close()
  })().catch(() => {})
  try {
    while (length < expected) {
      const { done, value } = await reader.read()
      if (done) break
      out.push(value)
      length += value.length
    }
  } catch {
    // Decided by fflate below.
  }
  reader.cancel().catch(() => {})
  writer.abort().catch(() => {})
  await written
  return length >= expected ? concat(out, length) : null
}

function checkBeforeData(h: Header, palette: Uint8Array | undefined): void {
  if (h.colour === 3 && !palette) throw new PngDecodeError('indexed colour without PLTE')
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Undoes the filters of `rows` scanlines of `len` bytes at `start` of `raw`, in place. */
function unfilter(raw: Uint8Array, start: number, rows: number, len: number, bpp: number): void {
  const stride = len + 1
  for (let r = 0; r < rows; r++) {
    const o = start + r * stride + 1
    const prev = r === 0 ? -1 : o - stride
    const type = raw[o - 1]
    switch (type) {
      case 0:
        break
      case 1:
        for (let i = bpp; i < len; i++) raw[o + i] = (raw[o + i]! + raw[o + i - bpp]!) & 0xff
        break
      case 2:
        if (prev >= 0) for (let i = 0; i < len; i++) raw[o + i] = (raw[o + i]! + raw[prev + i]!) & 0xff
        break
      case 3:
        for (let i = 0; i < len; i++) {
          const left = i >= bpp ? raw[o + i - bpp]! : 0
          const up = prev >= 0 ? raw[prev + i]! : 0
          raw[o + i] = (raw[o + i]! + ((left + up) >> 1)) & 0xff
        }
        break
      case 4:
        for (let i = 0; i < len; i++) {
          const left = i >= bpp ? raw[o + i - bpp]! : 0
          const up = prev >= 0 ? raw[prev + i]! : 0
          const upLeft = prev >= 0 && i >= bpp ? raw[prev + i - bpp]! : 0
          raw[o + i] = (raw[o + i]! + paeth(left, up, upLeft)) & 0xff
        }
        break
      default:
        throw new PngDecodeError(`unknown filter type ${type}`)
    }
  }
}

/** The canonical RGBA of unfiltered-on-the-fly image data `raw`. */
function canonical(
  h: Header,
  raw: Uint8Array,
  palette: Uint8Array | undefined,
  trns: Uint8Array | undefined,
): CanonicalImage {
  const channels = CHANNELS[h.colour]!
  const outDepth: 8 | 16 = h.depth === 16 ? 16 : 8
  const px = outDepth === 16 ? 8 : 4
  // At most MAX_DECODED_BYTES (parseHeader enforced the size limit), which a runtime
  // short of memory may still refuse.
  let pixels: Uint8Array
  try {
    pixels = new Uint8Array(h.width * h.height * px)
  } catch {
    throw new PngUnsupportedError(`cannot allocate ${h.width * h.height * px} bytes for a ${h.width}x${h.height} image here`)
  }
  const bpp = Math.max(1, (channels * h.depth) >> 3)
  // The transparent key of grey / RGB at the image's depth (low byte below 16 bits).
  let key: number[] | undefined
  if (trns && (h.colour === 0 || h.colour === 2)) {
    key = []
    for (let c = 0; c < CHANNELS[h.colour]!; c++) {
      key.push(h.depth === 16 ? (trns[2 * c]! << 8) | trns[2 * c + 1]! : trns[2 * c + 1]!)
    }
  }
  // Indexed: 256 RGBA entries. Past the palette's end an index is opaque black; a tRNS
  // with more entries than the palette is ignored whole (the Rust decoder's rules).
  let rgba: Uint8Array | undefined
  if (h.colour === 3) {
    rgba = new Uint8Array(256 * 4)
    for (let i = 0; i < 256; i++) rgba[4 * i + 3] = 255
    const entries = Math.min(256, Math.floor(palette!.length / 3))
    for (let i = 0; i < entries; i++) rgba.set(palette!.subarray(3 * i, 3 * i + 3), 4 * i)
    if (trns && trns.length <= entries) for (let i = 0; i < trns.length; i++) rgba[4 * i + 3] = trns[i]!
  }
  const maxAlpha = h.depth === 16 ? 0xffff : 0xff
  const scale = h.depth < 8 ? 255 / ((1 << h.depth) - 1) : 1
  const mask = (1 << h.depth) - 1
  const sample = (line: number, i: number): number => {
    switch (h.depth) {
      case 16:
        return (raw[line + 2 * i]! << 8) | raw[line + 2 * i + 1]!
      case 8:
        return raw[line + i]!
      default: {
        const bit = i * h.depth
        return (raw[line + (bit >> 3)]! >> (8 - h.depth - (bit & 7))) & mask
      }
    }
  }
  const put = (o: number, v: number): number => {
    if (outDepth === 16) {
      pixels[o] = v >> 8
      pixels[o + 1] = v & 0xff
      return o + 2
    }
    pixels[o] = v
    return o + 1
  }
  let start = 0
  for (const [x0, y0, dx, dy, pw, ph] of passes(h)) {
    const len = lineBytes(h, pw)
    unfilter(raw, start, ph, len, bpp)
    for (let r = 0; r < ph; r++) {
      const line = start + r * (len + 1) + 1
      const y = y0 + r * dy
      // Fast path: 8-bit RGBA rows of a plain image are already canonical.
      if (h.colour === 6 && h.depth === 8 && dx === 1) {
        pixels.set(raw.subarray(line, line + len), y * h.width * 4)
        continue
      }
      for (let i = 0; i < pw; i++) {
        let o = (y * h.width + x0 + i * dx) * px
        switch (h.colour) {
          case 3: {
            const p = 4 * sample(line, i)
            pixels[o] = rgba![p]!
            pixels[o + 1] = rgba![p + 1]!
            pixels[o + 2] = rgba![p + 2]!
            pixels[o + 3] = rgba![p + 3]!
            break
          }
          case 0: {
            const g = sample(line, i)
            const v = g * scale
            o = put(o, v)
            o = put(o, v)
            o = put(o, v)
            put(o, key && g === key[0] ? 0 : maxAlpha)
            break
          }
          case 4: {
            const g = sample(line, 2 * i)
            o = put(o, g)
            o = put(o, g)
            o = put(o, g)
            put(o, sample(line, 2 * i + 1))
            break
          }
          case 2: {
            const r0 = sample(line, 3 * i)
            const g0 = sample(line, 3 * i + 1)
            const b0 = sample(line, 3 * i + 2)
            o = put(o, r0)
            o = put(o, g0)
            o = put(o, b0)
            put(o, key && r0 === key[0] && g0 === key[1] && b0 === key[2] ? 0 : maxAlpha)
            break
          }
          default: {
            for (let c = 0; c < 4; c++) o = put(o, sample(line, 4 * i + c))
          }
        }
      }
    }
    start += ph * (len + 1)
  }
  return { width: h.width, height: h.height, depth: outDepth, pixels }
}
