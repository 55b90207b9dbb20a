/**
 * Reads {@link ChainFacts} for a receipt through a viem client (the provider a dapp
 * already has), as `lineage_chain::Client::output_facts`. Only `readContract`,
 * `getBlockNumber`, `getChainId`, `getTransactionReceipt` and `getLogs` are called; viem
 * itself is a peer dependency and is not bundled.
 */

import { keccak_256 } from '@noble/hashes/sha3'
import type { PublicClient } from 'viem'
import { lineageRegistryAbi } from './abi.js'
import { type Hex, toHex } from './bytes.js'
import { ChainMismatchError, ChainReadError, UnknownStatusError } from './errors.js'
import type { Receipt } from './receipt.js'
import {
  ATTESTATION_STATUSES,
  type AttestationStatus,
  type BaseFact,
  type ChainFacts,
  DATASET_STATUSES,
  type DatasetFact,
  type DatasetStatus,
  type TrainingKind,
  trainingKind,
} from './verdict.js'

/** The client methods this package calls: any viem public client has them. */
export type LineageClient = Pick<
  PublicClient,
  'readContract' | 'getBlockNumber' | 'getChainId' | 'getTransactionReceipt' | 'getLogs'
>

/** The most bases followed, as the Rust client (`MAX_BASES`). */
export const MAX_BASES = 8

const ZERO32 = `0x${'0'.repeat(64)}`
let anchoredTopic: Hex | undefined
/** topic0 of `OutputsAnchored(bytes32,uint256,bytes32,uint64,string)`. */
function outputsAnchoredTopic(): Hex {
  anchoredTopic ??= toHex(keccak_256(new TextEncoder().encode('OutputsAnchored(bytes32,uint256,bytes32,uint64,string)')))
  return anchoredTopic
}

/** Options of {@link readChainFacts}. */
export interface ReadOptions {
  /**
   * The block to read at; default the latest, read once (bypassing viem's block number
   * cache, which would pin reads to a block seconds old) so every fact is of one block.
   */
  blockNumber?: bigint
}

async function read<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (cause) {
    throw new ChainReadError(what, { cause })
  }
}

function attestationStatus(raw: number): AttestationStatus {
  const s = ATTESTATION_STATUSES[raw]
  if (s === undefined) throw new UnknownStatusError('attestation', raw)
  return s
}

function datasetStatus(raw: number): DatasetStatus {
  const s = DATASET_STATUSES[raw]
  if (s === undefined) throw new UnknownStatusError('dataset', raw)
  return s
}

/**
 * Checks the client serves the receipt's chain.
 *
 * @throws {ChainMismatchError} it serves another chain.
 * @throws {ChainReadError} the chain id could not be read.
 */
export async function checkChain(client: LineageClient, receipt: Receipt): Promise<void> {
  const served = await read('the chain id', () => client.getChainId())
  if (served !== receipt.chainId) throw new ChainMismatchError(receipt.chainId, served)
}

/**
 * What the chain says about the output a receipt is for: its batch as anchored, the
 * model's status and training kind (`attestation(modelId).kind`: 1 proven, 2 declared;
 * `training` is left out for any other code), its datasets' and bases' statuses, and the
 * anchoring's confirmations.
 * Call {@link checkChain} first (`verifyImage` does).
 *
 * @throws {ChainReadError} a read failed.
 * @throws {UnknownStatusError} a status the registry's enums do not have.
 */
export async function readChainFacts(client: LineageClient, receipt: Receipt, options: ReadOptions = {}): Promise<ChainFacts> {
  const head = options.blockNumber ?? (await read('the block number', () => client.getBlockNumber({ cacheTime: 0 })))
  const address = receipt.registry
  const at = { address, abi: lineageRegistryAbi, blockNumber: head } as const
  const modelId = receipt.modelId

  const count = await read('outputBatchCount', () =>
    client.readContract({ ...at, functionName: 'outputBatchCount', args: [modelId] }),
  )
  let batch: ChainFacts['batch'] = null
  if (BigInt(receipt.batchIndex) < count) {
    const b = await read('outputBatch', () =>
      client.readContract({ ...at, functionName: 'outputBatch', args: [modelId, BigInt(receipt.batchIndex)] }),
    )
    batch = { root: b.root, count: Number(b.count) }
  }
  const status = attestationStatus(
    await read('attestationStatus', () => client.readContract({ ...at, functionName: 'attestationStatus', args: [modelId] })),
  )
  const datasets: DatasetFact[] = []
  const bases: BaseFact[] = []
  let training: TrainingKind | undefined
  if (status !== 'none') {
    const record = await read('attestation', () => client.readContract({ ...at, functionName: 'attestation', args: [modelId] }))
    training = trainingKind(Number(record.kind))
    let next: Hex = record.baseModelId
    while (next !== ZERO32) {
      if (bases.length === MAX_BASES) {
        throw new ChainReadError(`the bases of model ${modelId} (more than ${MAX_BASES})`)
      }
      const id = next
      const raw = await read('attestationStatus', () => client.readContract({ ...at, functionName: 'attestationStatus', args: [id] }))
      const base = await read('attestation', () => client.readContract({ ...at, functionName: 'attestation', args: [id] }))
      bases.push({ modelId: id, status: attestationStatus(raw) })
      next = base.baseModelId
    }
    for (const id of record.datasetIds) {
      const d = await read('dataset', () => client.readContract({ ...at, functionName: 'dataset', args: [id] }))
      datasets.push({ id, status: datasetStatus(d.status) })
    }
  }
  const confirmations = batch ? await anchoredConfirmations(client, receipt, head) : null
  return { batch, attestation: status, ...(training && { training }), datasets, bases, confirmations }
}

/**
 * Confirmations of the batch's `OutputsAnchored` event: found through the receipt's
 * `anchorTx` (checked to hold that event from the registry), else by a log query.
 */
async function anchoredConfirmations(client: LineageClient, receipt: Receipt, head: bigint): Promise<number | null> {
  const event = lineageRegistryAbi.find((x) => x.type === 'event' && x.name === 'OutputsAnchored')!
  const args = { modelId: receipt.modelId, batchIndex: BigInt(receipt.batchIndex) }
  let block: bigint | null = null
  try {
    const tx = await client.getTransactionReceipt({ hash: receipt.anchorTx })
    const index = `0x${BigInt(receipt.batchIndex).toString(16).padStart(64, '0')}`
    const log = tx.logs.find(
      (l) =>
        l.address.toLowerCase() === receipt.registry &&
        l.topics[0]?.toLowerCase() === outputsAnchoredTopic() &&
        l.topics[1]?.toLowerCase() === receipt.modelId &&
        l.topics[2]?.toLowerCase() === index,
    )
    if (log) block = tx.blockNumber
  } catch {
    // Not found on this node (or pruned): ask for the event instead.
  }
  if (block === null) {
    const logs = await read('OutputsAnchored logs', () =>
      client.getLogs({ address: receipt.registry, event, args, fromBlock: 0n, toBlock: head }),
    )
    block = logs[0]?.blockNumber ?? null
  }
  if (block === null) return null
  return block > head ? 1 : Number(head - block + 1n)
}
