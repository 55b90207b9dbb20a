/** One call from image bytes to a verdict, as `lineage verify-image`. */

import type { Hex } from './bytes.js'
import { type LineageClient, checkChain, readChainFacts } from './chain.js'
import { contentHash, contentHashAs } from './hash.js'
import { isJpeg } from './jpeg.js'
import { fingerprint, pngFingerprint } from './pdq.js'
import { isPng } from './png.js'
import { parseReceipt, type Receipt, readReceipt } from './receipt.js'
import { isWebp } from './webp.js'
import { DEFAULT_POLICY, judge, noReceipt, type Policy, type Verdict } from './verdict.js'

/** Decoded pixels: `height` rows of `width` pixels of `channels` bytes (R, G, B first). */
export interface Pixels {
  width: number
  height: number
  channels: number
  data: Uint8Array
}

/** Options of {@link verifyImage}. */
export interface VerifyOptions {
  /** A viem public client on the receipt's chain. */
  client: LineageClient
  /**
   * The receipt when it is not embedded in the image: a parsed one, or a sidecar's JSON
   * text or bytes. Default: the receipt embedded in the PNG, JPEG or WebP.
   */
  receipt?: Receipt | string | Uint8Array
  /**
   * How strict the verdict is: `minConfirmations` (fewer give `output.unconfirmed`) and
   * `requireProvenTraining` (a model with declared training is then invalid,
   * `model.training_declared`). Default {@link DEFAULT_POLICY}: `{ minConfirmations: 1,
   * requireProvenTraining: false }`.
   */
  policy?: Policy
  /** The block to read at; default the latest. */
  blockNumber?: bigint
  /**
   * The image's pixels, for the fingerprint check of a version-2 receipt on a JPEG or a
   * WebP, which this package does not decode (a PNG it decodes itself). Without them that
   * check is `output.fingerprint_unchecked`.
   */
  pixels?: Pixels
}

/**
 * Verifies an output file: its receipt (given, or embedded in the PNG, JPEG or WebP), its
 * content hash under the kind the receipt names,
 * the chain's facts about its batch, model (status and training kind), datasets and
 * bases, the fingerprint a version-2 receipt anchors against the image's own (a PNG's
 * from its pixels, a JPEG's or WebP's from `options.pixels`), and the verdict, with the
 * same shape and codes as `lineage verify-image --json`'s
 * `verdict`. A file without a receipt gets `output.unknown` (cannot tell). An invalid
 * output is a verdict, not an error; a thrown {@link LineageError} means no verdict could
 * be reached (a PNG that does not decode, a damaged receipt, another chain, an RPC
 * failure): cannot tell.
 */
export async function verifyImage(bytes: Uint8Array, options: VerifyOptions): Promise<Verdict> {
  const given = options.receipt
  const embeds = isPng(bytes) || isJpeg(bytes) || isWebp(bytes)
  const receipt =
    given === undefined
      ? embeds
        ? readReceipt(bytes)
        : null
      : typeof given === 'string' || given instanceof Uint8Array
        ? parseReceipt(given)
        : given
  if (!receipt) return noReceipt(await contentHash(bytes))
  // The kind the receipt names, not the format's: a JPEG anchored as bytes-v1 keeps verifying.
  const file = await contentHashAs(bytes, receipt.hashKind)
  await checkChain(options.client, receipt)
  const facts = await readChainFacts(
    options.client,
    receipt,
    options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber },
  )
  return judge(file, receipt, facts, options.policy ?? DEFAULT_POLICY, await ownFingerprint(bytes, receipt, options))
}

/** The image's own fingerprint when the receipt anchors one and the pixels are at hand. */
async function ownFingerprint(bytes: Uint8Array, receipt: Receipt, options: VerifyOptions): Promise<Hex | undefined> {
  if (receipt.perceptualHash === undefined) return undefined
  const p = options.pixels
  if (p) return fingerprint(p.width, p.height, p.channels, p.data)?.hash
  return isPng(bytes) ? (await pngFingerprint(bytes)).hash : undefined
}
