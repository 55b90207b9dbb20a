// The web page's in-browser verifier, bundled with @lineage/verify and viem into verify.js
// by sdk/js/scripts/page.mjs (do not edit verify.js). app.js loads it when a page needs it:
// the image is hashed and its receipt read here, and the chain is read over the RPC the
// indexer names (--page-rpc-url), as `lineage verify-image` reads it, or else taken from
// the facts the indexer serves. The image never leaves the page.
import {
  checkChain,
  contentHash,
  contentHashAs,
  DEFAULT_POLICY,
  isJpeg,
  isPng,
  isWebp,
  judge,
  LineageError,
  noReceipt,
  pngFingerprint,
  readChainFacts,
  readReceipt,
} from '@lineage/verify'
import { createClient, erc20Abi, http } from 'viem'
import { getBlockNumber, getChainId, getLogs, getTransactionReceipt, readContract } from 'viem/actions'

// The five reads @lineage/verify makes (its LineageClient), as viem's tree-shakable actions
// on a bare client: a public client would carry every action viem has into the bundle.
const clients = new Map()
function client(rpcUrl) {
  if (!clients.has(rpcUrl)) {
    const c = createClient({ transport: http(rpcUrl, { retryCount: 1 }) })
    clients.set(rpcUrl, {
      readContract: (args) => readContract(c, args),
      getBlockNumber: (args) => getBlockNumber(c, args),
      getChainId: () => getChainId(c),
      getTransactionReceipt: (args) => getTransactionReceipt(c, args),
      getLogs: (args) => getLogs(c, args),
    })
  }
  return clients.get(rpcUrl)
}

/**
 * Verifies an image's bytes in this page. `lookup(hash, kind)` gives the receipt of an
 * image that carries none (the page asks the indexer by content hash: only the hash leaves
 * the browser), or null; `factsOf(receipt)` gives the chain's facts about its batch and
 * model. Returns `{ source, verdict }`, `source` saying where the receipt came from:
 * "embedded", "index" or "none". A LineageError (a PNG that does not decode, a damaged
 * receipt, another chain, an RPC failure) is returned as `{ error }`: no verdict.
 */
export async function verifyWithFacts(bytes, lookup, factsOf) {
  try {
    const embeds = isPng(bytes) || isJpeg(bytes) || isWebp(bytes)
    let receipt = embeds ? readReceipt(bytes) : null
    let source = 'embedded'
    let file = null
    if (!receipt) {
      // By the format's kind, then (a JPEG or WebP anchored before jpeg-v1 and webp-v1) as bytes.
      file = await contentHash(bytes)
      receipt = await lookup(file.hash, file.kind)
      if (!receipt && file.kind !== 'bytes-v1' && !isPng(bytes)) {
        const asBytes = await contentHashAs(bytes, 'bytes-v1')
        receipt = await lookup(asBytes.hash, asBytes.kind)
      }
      source = receipt ? 'index' : 'none'
      if (!receipt) return { source, verdict: noReceipt(file) }
    }
    // Hashed as the receipt says: a JPEG anchored as bytes-v1 keeps verifying.
    if (file?.kind !== receipt.hashKind) file = await contentHashAs(bytes, receipt.hashKind)
    // A version-2 receipt's fingerprint against the image's own: a PNG's from its pixels;
    // a JPEG's or WebP's is not decoded here (`output.fingerprint_unchecked`).
    const own = receipt.perceptualHash && isPng(bytes) ? (await pngFingerprint(bytes)).hash : undefined
    return { source, verdict: judge(file, receipt, await factsOf(receipt), DEFAULT_POLICY, own) }
  } catch (e) {
    if (e instanceof LineageError) return { error: { code: e.code, message: e.message } }
    throw e
  }
}

/** {@link verifyWithFacts}, the chain read over `rpcUrl` as `lineage verify-image` reads it. */
export function verifyHere(bytes, rpcUrl, lookup) {
  const rpc = client(rpcUrl)
  return verifyWithFacts(bytes, lookup, async (receipt) => {
    await checkChain(rpc, receipt)
    return readChainFacts(rpc, receipt)
  })
}

/** An ERC-20's `symbol()` and `decimals()`, or null when the token does not answer them. */
export async function tokenInfo(rpcUrl, token) {
  const rpc = client(rpcUrl)
  try {
    const [symbol, decimals] = await Promise.all([
      rpc.readContract({ address: token, abi: erc20Abi, functionName: 'symbol' }),
      rpc.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' }),
    ])
    return { symbol: String(symbol), decimals: Number(decimals) }
  } catch {
    return null
  }
}
