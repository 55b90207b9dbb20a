/** Byte helpers: hex, CRC-32 (the PNG chunk checksum), EIP-55 addresses. */

import { keccak_256 } from '@noble/hashes/sha3'

/** A `0x`-prefixed hex string. */
export type Hex = `0x${string}`

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lowercase `0x` hex of `bytes`. */
export function toHex(bytes: Uint8Array): Hex {
  let s = '0x'
  for (const b of bytes) s += HEX[b]
  return s as Hex
}

/**
 * Bytes of a hex string with or without `0x`, of exactly `length` bytes when given;
 * `undefined` when it is not such a string.
 */
export function fromHex(hex: unknown, length?: number): Uint8Array | undefined {
  if (typeof hex !== 'string') return undefined
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) return undefined
  if (length !== undefined && body.length !== 2 * length) return undefined
  const out = new Uint8Array(body.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(body.slice(2 * i, 2 * i + 2), 16)
  return out
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (ISO 3309, as PNG chunks use) over `parts` in order. */
export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) c = CRC_TABLE[(c ^ p[i]!) & 0xff]! ^ (c >>> 8)
  }
  return (c ^ 0xffffffff) >>> 0
}

/** The EIP-55 checksummed form of a 20-byte address (what Rust's `Address` Display prints). */
export function checksumAddress(address: Hex): Hex {
  const lower = address.slice(2).toLowerCase()
  const hash = keccak_256(new TextEncoder().encode(lower))
  let out = '0x'
  for (let i = 0; i < lower.length; i++) {
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0xf
    out += nibble >= 8 ? lower[i]!.toUpperCase() : lower[i]
  }
  return out as Hex
}

/** Whether two byte arrays are equal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
