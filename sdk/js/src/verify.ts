/** One call from image bytes to a verdict, as `lineage verify-image`. */

import { type LineageClient, checkChain, readChainFacts } from './chain.js'
import { contentHash, contentHashAs } from './hash.js'
import { isJpeg } from './jpeg.js'
import { isPng } from './png.js'
import { parseReceipt, type Receipt, readReceipt } from './receipt.js'
import { isWebp } from './webp.js'
import { DEFAULT_POLICY, judge, noReceipt, type Policy, type Verdict } from './verdict.js'

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
}

/**
 * Verifies an output file: its receipt (given, or embedded in the PNG, JPEG or WebP), its
 * content hash under the kind the receipt names,
 * the chain's facts about its batch, model (status and training kind), datasets and
 * bases, and the verdict, with the same shape and codes as `lineage verify-image --json`'s
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
  return judge(file, receipt, facts, options.policy ?? DEFAULT_POLICY)
}
