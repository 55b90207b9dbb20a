/**
 * The keccak Merkle tree of an anchored batch, exactly as
 * `contracts/libraries/OutputMerkle.sol` and `lineage_core::output::merkle`: a leaf is the
 * 32-byte content hash (version 1) or {@link leafV2} of the content hash and the PDQ
 * fingerprint (version 2), nodes `keccak256(left || right)` ordered by position, odd levels
 * padded with one zero node, depth `ceil(log2 count)`.
 */

import { keccak_256 } from '@noble/hashes/sha3'
import { fromHex, type Hex, toHex } from './bytes.js'

/** The domain prefix of a version-2 leaf, `lineage.output.leaf.v2` and a NUL. */
export const LEAF_V2_DOMAIN = new TextEncoder().encode('lineage.output.leaf.v2\0')

/**
 * A version-2 leaf: `keccak256(LEAF_V2_DOMAIN || contentHash || perceptualHash)`
 * (`OutputMerkle.leafV2`); `null` when an input is not 32 bytes of hex.
 */
export function leafV2(contentHash: Hex, perceptualHash: Hex): Hex | null {
  const c = fromHex(contentHash, 32)
  const p = fromHex(perceptualHash, 32)
  if (!c || !p) return null
  const buf = new Uint8Array(LEAF_V2_DOMAIN.length + 64)
  buf.set(LEAF_V2_DOMAIN, 0)
  buf.set(c, LEAF_V2_DOMAIN.length)
  buf.set(p, LEAF_V2_DOMAIN.length + 32)
  return toHex(keccak_256(buf))
}

/** `ceil(log2(count))`, and 0 for 0 or 1 (`OutputMerkle.treeDepth`). */
export function treeDepth(count: number | bigint): number {
  let n = BigInt(count)
  if (n <= 1n) return 0
  n -= 1n
  let d = 0
  while (n > 0n) {
    n >>= 1n
    d++
  }
  return d
}

/**
 * The root that `leaf` at position `index` with siblings `proof` leads to, or `null` when
 * `index >= 2^proof.length` (where `OutputMerkle.computeRoot` reverts) or an input is not
 * 32 bytes of hex.
 */
export function computeRoot(leaf: Hex, index: number | bigint, proof: readonly Hex[]): Hex | null {
  const i = BigInt(index)
  if (i < 0n || i >> BigInt(proof.length) !== 0n) return null
  let acc = fromHex(leaf, 32)
  if (!acc) return null
  const buf = new Uint8Array(64)
  for (let level = 0; level < proof.length; level++) {
    const sibling = fromHex(proof[level], 32)
    if (!sibling) return null
    if ((i >> BigInt(level)) & 1n) {
      buf.set(sibling, 0)
      buf.set(acc, 32)
    } else {
      buf.set(acc, 0)
      buf.set(sibling, 32)
    }
    acc = keccak_256(buf)
  }
  return toHex(acc)
}

/**
 * Whether `leaf` is output `index` of the batch of `count` outputs with root `root`, with
 * the checks of `LineageRegistry.verifyOutput`: `index < count`, exactly
 * `treeDepth(count)` siblings, and the proof leading to `root`.
 */
export function verifyProof(
  root: Hex,
  leaf: Hex,
  index: number | bigint,
  count: number | bigint,
  proof: readonly Hex[],
): boolean {
  if (BigInt(index) >= BigInt(count) || proof.length !== treeDepth(count)) return false
  const computed = computeRoot(leaf, index, proof)
  return computed !== null && computed === toHex(fromHex(root, 32) ?? new Uint8Array(0))
}
