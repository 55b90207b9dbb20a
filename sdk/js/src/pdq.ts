/**
 * PDQ fingerprints, exactly as `lineage_core::output::pdq` (and Meta's reference C++): the
 * same steps in the same order, in f32 (`Math.fround` after every operation), so that the
 * same RGB pixels give the same 256 bits and quality. Different JPEG or WebP decoders give
 * slightly different pixels, so fingerprints are always compared with a distance
 * threshold ({@link MATCH_DISTANCE}), never for equality.
 *
 * This package decodes PNG itself ({@link pngFingerprint}); for JPEG and WebP a caller
 * passes pixels it decoded ({@link fingerprint}).
 */

import { type Hex, toHex } from './bytes.js'
import { decodeCanonical } from './png.js'

const f = Math.fround

/** An image's PDQ hash (`0x` hex, 32 bytes, as receipts carry it) and quality (0 to 100). */
export interface Fingerprint {
  hash: Hex
  quality: number
}

/** Quality below which a fingerprint says too little (a flat or tiny image). */
export const MIN_QUALITY = 50

const MIN_SIDE = 5
const [R, G, B] = [f(0.299), f(0.587), f(0.114)]

/**
 * The fingerprint of a `width` x `height` image given as rows of pixels of `channels`
 * bytes (R, G, B first; alpha and anything after it ignored), or `null` when `pixels` is
 * not `width * height * channels` bytes or `channels < 3`. Sides under 5 pixels give the
 * zero hash with quality 0.
 */
export function fingerprint(width: number, height: number, channels: number, pixels: Uint8Array): Fingerprint | null {
  if (channels < 3 || width * height * channels !== pixels.length) return null
  if (width < MIN_SIDE || height < MIN_SIDE) return { hash: toHex(new Uint8Array(32)), quality: 0 }
  const luma = new Float32Array(width * height)
  for (let i = 0, p = 0; i < luma.length; i++, p += channels) {
    luma[i] = f(f(f(R * pixels[p]!) + f(G * pixels[p + 1]!)) + f(B * pixels[p + 2]!))
  }
  const a = new Float32Array(64 * 64)
  if (width === 64 && height === 64) {
    a.set(luma)
  } else {
    const scratch = new Float32Array(luma.length)
    const alongRows = Math.ceil(width / 128)
    const alongCols = Math.ceil(height / 128)
    for (let pass = 0; pass < 2; pass++) {
      for (let y = 0; y < height; y++) boxFilter(luma, scratch, y * width, 1, width, alongRows)
      for (let x = 0; x < width; x++) boxFilter(scratch, luma, x, width, height, alongCols)
    }
    for (let i = 0; i < 64; i++) {
      const y = Math.floor(((i + 0.5) * height) / 64)
      for (let j = 0; j < 64; j++) a[i * 64 + j] = luma[y * width + Math.floor(((j + 0.5) * width) / 64)]!
    }
  }
  const quality = qualityOf(a)
  const b = dct16(a)
  const median = torben(b)
  const hash = new Uint8Array(32)
  for (let k = 0; k < 256; k++) if (b[k]! > median) hash[31 - (k >> 3)]! |= 1 << (k & 7)
  return { hash: toHex(hash), quality }
}

/**
 * The fingerprint of a PNG, from the pixels of `png-pixels-v1` (a 16-bit sample's high
 * byte), as `lineage_core::output::decode`.
 *
 * @throws as {@link decodeCanonical}.
 */
export async function pngFingerprint(bytes: Uint8Array): Promise<Fingerprint> {
  const img = await decodeCanonical(bytes)
  const rgba =
    img.depth === 8 ? img.pixels : img.pixels.filter((_, i) => i % 2 === 0)
  return fingerprint(img.width, img.height, 4, rgba)!
}

/** One pass of the box filter: each output the mean of the `window` samples around it. */
function boxFilter(src: Float32Array, dst: Float32Array, start: number, stride: number, len: number, window: number): void {
  const half = Math.floor((window + 2) / 2)
  let sum = 0
  let size = 0
  let right = 0
  let left = 0
  let out = 0
  for (let i = 0; i < half - 1; i++) {
    sum = f(sum + src[start + right++ * stride]!)
    size++
  }
  for (let i = 0; i < window - half + 1; i++) {
    sum = f(sum + src[start + right++ * stride]!)
    size++
    dst[start + out++ * stride] = f(sum / size)
  }
  for (let i = 0; i < len - window; i++) {
    sum = f(sum + src[start + right++ * stride]!)
    sum = f(sum - src[start + left++ * stride]!)
    dst[start + out++ * stride] = f(sum / size)
  }
  for (let i = 0; i < half - 1; i++) {
    sum = f(sum - src[start + left++ * stride]!)
    size--
    dst[start + out++ * stride] = f(sum / size)
  }
}

function qualityOf(a: Float32Array): number {
  const step = (u: number, v: number) => Math.abs(Math.trunc(f(f(f(u - v) * 100) / 255)))
  let sum = 0
  for (let i = 0; i < 63; i++) for (let j = 0; j < 64; j++) sum += step(a[i * 64 + j]!, a[(i + 1) * 64 + j]!)
  for (let i = 0; i < 64; i++) for (let j = 0; j < 63; j++) sum += step(a[i * 64 + j]!, a[i * 64 + j + 1]!)
  return Math.min(100, Math.trunc(sum / 90))
}

let dct: Float32Array | undefined

/** The DCT basis rows 1 to 16 over 64 samples (16 x 64, row-major), in f32. */
export function dctMatrix(): Float32Array {
  if (dct) return dct
  const scale = f(Math.sqrt(2 / 64))
  dct = new Float32Array(16 * 64)
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) dct[i * 64 + j] = f(scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1)))
  }
  return dct
}

function dct16(a: Float32Array): Float32Array {
  const d = dctMatrix()
  const t = new Float32Array(16 * 64)
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let sum = 0
      for (let k = 0; k < 64; k++) sum = f(sum + f(d[i * 64 + k]! * a[k * 64 + j]!))
      t[i * 64 + j] = sum
    }
  }
  const b = new Float32Array(256)
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0
      for (let k = 0; k < 64; k++) sum = f(sum + f(t[i * 64 + k]! * d[j * 64 + k]!))
      b[i * 16 + j] = sum
    }
  }
  return b
}

/** Torben's median, as the reference (for an even count it may lie between the middle two). */
function torben(m: Float32Array): number {
  let min = m[0]!
  let max = m[0]!
  for (const v of m) {
    if (v < min) min = v
    if (v > max) max = v
  }
  const half = Math.ceil(m.length / 2)
  for (;;) {
    const guess = f(f(min + max) / 2)
    let less = 0
    let greater = 0
    let equal = 0
    let maxLt = min
    let minGt = max
    for (const v of m) {
      if (v < guess) {
        less++
        if (v > maxLt) maxLt = v
      } else if (v > guess) {
        greater++
        if (v < minGt) minGt = v
      } else {
        equal++
      }
    }
    if (less <= half && greater <= half) return less >= half ? maxLt : less + equal >= half ? guess : minGt
    if (less > greater) max = maxLt
    else min = minGt
  }
}
