/**
 * The verdict on an output, from facts read off the chain and the recomputed hash, as
 * `lineage_core::output::verdict`. Pure: {@link readChainFacts} reads the chain, {@link judge}
 * decides. A verdict is data: nothing here throws.
 */

import { checksumAddress, type Hex } from './bytes.js'
import type { OutputHash } from './hash.js'
import { verifyProof } from './merkle.js'
import { type Receipt, receiptLeaf } from './receipt.js'

/** `ILineageRegistry.AttestationStatus`. */
export type AttestationStatus = 'none' | 'valid' | 'revoked' | 'tainted'
/** `ILineageRegistry.DatasetStatus`. */
export type DatasetStatus = 'none' | 'registered' | 'certified' | 'revoked'

/**
 * How a model's training is attested (`attestation(modelId).kind`): `proven`, re-executed
 * in the proof, whose weights come from that training on the proven training set; or
 * `declared`, its publisher's declaration, whose training set is proven and bound to the
 * model file's SHA-256 (the weights are not).
 */
export type TrainingKind = 'proven' | 'declared'

/** The contract's enum order (`None` = 0). */
export const ATTESTATION_STATUSES: readonly AttestationStatus[] = ['none', 'valid', 'revoked', 'tainted']
/** The contract's enum order (`None` = 0). */
export const DATASET_STATUSES: readonly DatasetStatus[] = ['none', 'registered', 'certified', 'revoked']
/** Each kind's code in the registry (`ProfileKinds`, `Attestation.kind`); 0 is no attestation. */
export const TRAINING_KIND_CODES: Readonly<Record<TrainingKind, number>> = { proven: 1, declared: 2 }

/** The kind of a registry `Attestation.kind` code; `undefined` for 0 (none) or a code this package does not know. */
export function trainingKind(code: number): TrainingKind | undefined {
  return code === TRAINING_KIND_CODES.proven ? 'proven' : code === TRAINING_KIND_CODES.declared ? 'declared' : undefined
}

/** The anchored batch as `outputBatch(modelId, batchIndex)` returns it. */
export interface OnChainBatch {
  root: Hex
  count: number
}

/** One dataset the model's attestation names, and its status now. */
export interface DatasetFact {
  id: number
  status: DatasetStatus
}

/** A model the receipt's model was fine-tuned from, and its status now. */
export interface BaseFact {
  modelId: Hex
  status: AttestationStatus
}

/** What the chain says about a receipt's batch and model. */
export interface ChainFacts {
  /** `outputBatch(modelId, batchIndex)`, or `null` when there is no such batch. */
  batch: OnChainBatch | null
  /** `attestationStatus(modelId)`. */
  attestation: AttestationStatus
  /**
   * `attestation(modelId).kind`: whether the model's training is proven or declared;
   * absent (or `undefined`) when unknown: no attestation, or a code this package does not
   * know. Then no `model.training_*` check is made.
   */
  training?: TrainingKind
  /** The attestation's datasets with their statuses, in slot order. */
  datasets: DatasetFact[]
  /** The model's bases, nearest first. */
  bases: BaseFact[]
  /** Confirmations of the anchoring, or `null` when unknown. */
  confirmations: number | null
}

/** How strict {@link judge} is. */
export interface Policy {
  /** Fewer confirmations than this give `output.unconfirmed`. Default 1. */
  minConfirmations: number
  /**
   * Refuse a model whose training is declared rather than proven: its
   * `model.training_declared` check is then invalid (exit 1) instead of valid. Default
   * false.
   */
  requireProvenTraining?: boolean
}

/** The default policy: `{ minConfirmations: 1, requireProvenTraining: false }`. */
export const DEFAULT_POLICY: Readonly<Required<Policy>> = Object.freeze({ minConfirmations: 1, requireProvenTraining: false })

/** The overall answer. */
export type Outcome = 'valid' | 'cannotTell' | 'invalid'

/** A stable verdict code. */
export type Code =
  | 'output.anchored'
  | 'output.hash_mismatch'
  | 'output.unknown'
  | 'output.proof_invalid'
  | 'output.unconfirmed'
  | 'output.fingerprint_match'
  | 'output.fingerprint_mismatch'
  | 'output.fingerprint_unchecked'
  | 'output.similar'
  | 'model.attested'
  | 'model.revoked'
  | 'model.tainted'
  | 'model.unknown'
  | 'model.training_proven'
  | 'model.training_declared'
  | 'dataset.certified'
  | 'dataset.revoked'
  | 'dataset.uncertified'
  | 'base.attested'
  | 'base.revoked'
  | 'base.tainted'
  | 'base.unknown'

/**
 * Each code's contribution to the outcome under the default policy
 * (`model.training_declared` is invalid under {@link Policy.requireProvenTraining}).
 */
export const CODE_OUTCOMES: Readonly<Record<Code, Outcome>> = {
  'output.anchored': 'valid',
  'output.hash_mismatch': 'invalid',
  'output.unknown': 'cannotTell',
  'output.proof_invalid': 'invalid',
  'output.unconfirmed': 'cannotTell',
  'output.fingerprint_match': 'valid',
  'output.fingerprint_mismatch': 'invalid',
  'output.fingerprint_unchecked': 'valid',
  'output.similar': 'cannotTell',
  'model.attested': 'valid',
  'model.revoked': 'invalid',
  'model.tainted': 'invalid',
  'model.unknown': 'cannotTell',
  'model.training_proven': 'valid',
  'model.training_declared': 'valid',
  'dataset.certified': 'valid',
  'dataset.revoked': 'invalid',
  'dataset.uncertified': 'cannotTell',
  'base.attested': 'valid',
  'base.revoked': 'invalid',
  'base.tainted': 'invalid',
  'base.unknown': 'cannotTell',
}

/** One check's result. */
export interface Check {
  code: Code
  outcome: Outcome
  /** The dataset concerned, for `dataset.*` codes. */
  datasetId?: number
  /** The base model concerned, for `base.*` codes. */
  baseModelId?: Hex
  /** The Hamming distance between two fingerprints, for `output.fingerprint_*` codes. */
  distance?: number
  /** A sentence for people; not stable, do not parse it. */
  detail: string
}

/** The verdict on one output: what `lineage verify-image --json` prints as `verdict`. */
export interface Verdict {
  outcome: Outcome
  /** Valid 0, invalid 1, cannot tell 2. */
  exitCode: 0 | 1 | 2
  codes: Code[]
  checks: Check[]
  contentHash: Hex
  hashKind: OutputHash['kind']
  /** The file's recomputed PDQ fingerprint, when the verifier computed one. */
  perceptualHash?: Hex
  chainId: number | null
  registry: Hex | null
  modelId: Hex | null
  batchIndex: number | null
  leafIndex: number | null
  anchorTx: Hex | null
  confirmations: number | null
}

const RANK: Record<Outcome, number> = { valid: 0, cannotTell: 1, invalid: 2 }
const EXIT: Record<Outcome, 0 | 1 | 2> = { valid: 0, invalid: 1, cannotTell: 2 }

/** The process exit code of an outcome, as the CLI: valid 0, invalid 1, cannot tell 2. */
export function exitCode(outcome: Outcome): 0 | 1 | 2 {
  return EXIT[outcome]
}

function check(code: Code, detail: string): Check {
  return { code, outcome: CODE_OUTCOMES[code], detail }
}

function fromChecks(file: OutputHash, checks: Check[]): Verdict {
  const outcome = checks.reduce<Outcome>(
    (worst, c) => (RANK[c.outcome] > RANK[worst] ? c.outcome : worst),
    checks.length ? 'valid' : 'cannotTell',
  )
  return {
    outcome,
    exitCode: EXIT[outcome],
    codes: checks.map((c) => c.code),
    checks,
    contentHash: file.hash,
    hashKind: file.kind,
    chainId: null,
    registry: null,
    modelId: null,
    batchIndex: null,
    leafIndex: null,
    anchorTx: null,
    confirmations: null,
  }
}

/** The verdict on a file without a receipt: `output.unknown`, cannot tell. */
export function noReceipt(file: OutputHash): Verdict {
  return fromChecks(file, [check('output.unknown', 'no receipt: neither embedded in the file nor in a sidecar')])
}

/** An anchored output found by its fingerprint (an indexer's similarity lookup). */
export interface Candidate {
  /** Bits between its anchored fingerprint and the file's. */
  distance: number
  modelId: Hex
  batchIndex: number
  leafIndex: number
  contentHash: Hex
}

/**
 * The verdict on a file with no receipt and no exact match whose fingerprint is near an
 * anchored output's: `output.similar`, cannot tell, naming that output's model, batch and
 * leaf. A fingerprint is evidence, not proof: never valid.
 */
export function similar(file: OutputHash, fingerprint: Hex, nearest: Candidate): Verdict {
  const c = check(
    'output.similar',
    `no receipt; the file's fingerprint is ${nearest.distance} bits from that of output ${nearest.leafIndex} of batch ${nearest.batchIndex} of model ${nearest.modelId} (content ${nearest.contentHash}): a lead, not a proof`,
  )
  return {
    ...fromChecks(file, [{ ...c, distance: nearest.distance }]),
    perceptualHash: fingerprint,
    modelId: nearest.modelId,
    batchIndex: nearest.batchIndex,
    leafIndex: nearest.leafIndex,
  }
}

const show = (h: OutputHash) => `${h.hash} (${h.kind})`

/**
 * Judges an output: `file` is its recomputed hash, `receipt` the receipt found with it,
 * `facts` what the chain says. The checks, in order: the output (`output.*`, against the
 * *anchored* root and count), the model (`model.attested` / `revoked` / `tainted` /
 * `unknown`, then, when `facts.training` says which, `model.training_proven` or
 * `model.training_declared`, invalid under `policy.requireProvenTraining`), each dataset
 * in slot order, each base nearest first. The outcome is the worst check's: invalid over
 * cannot tell over valid.
 */
export function judge(
  file: OutputHash,
  receipt: Receipt,
  facts: ChainFacts,
  policy: Policy = DEFAULT_POLICY,
  fingerprint?: Hex,
): Verdict {
  const checks: Check[] = []
  const claimed: OutputHash = { kind: receipt.hashKind, hash: receipt.contentHash }
  const registry = checksumAddress(receipt.registry)
  if (file.hash.toLowerCase() !== claimed.hash.toLowerCase() || file.kind !== claimed.kind) {
    checks.push(check('output.hash_mismatch', `the file hashes to ${show(file)} but the receipt is for ${show(claimed)}`))
  } else if (facts.batch) {
    const b = facts.batch
    if (verifyProof(b.root, receiptLeaf(receipt), receipt.leafIndex, b.count, receipt.proof)) {
      checks.push(
        check('output.anchored', `output ${receipt.leafIndex} of ${b.count} in batch ${receipt.batchIndex} (root ${b.root})`),
      )
      const c = facts.confirmations
      if (c !== null && c < policy.minConfirmations) {
        checks.push(check('output.unconfirmed', `${c} confirmations, ${policy.minConfirmations} required`))
      }
      if (receipt.perceptualHash !== undefined) checks.push(fingerprintCheck(receipt.perceptualHash, fingerprint))
    } else {
      checks.push(
        check(
          'output.proof_invalid',
          `the receipt's proof for output ${receipt.leafIndex} does not lead to batch ${receipt.batchIndex}'s anchored root ${b.root} (count ${b.count})`,
        ),
      )
    }
  } else {
    checks.push(
      check('output.unknown', `registry ${registry} has no batch ${receipt.batchIndex} for model ${receipt.modelId}`),
    )
  }

  const [code, detail]: [Code, string] =
    facts.attestation === 'valid'
      ? ['model.attested', "the model's attestation is valid"]
      : facts.attestation === 'revoked'
        ? ['model.revoked', "the publisher revoked the model's attestation"]
        : facts.attestation === 'tainted'
          ? facts.datasets.some((d) => d.status === 'revoked')
            ? ['model.tainted', 'a dataset the model was trained on has been revoked']
            : ['model.tainted', 'a base the model was fine-tuned from is revoked or was trained on a revoked dataset']
          : ['model.unknown', 'no attestation has this model id']
  checks.push(check(code, `${detail} (${receipt.modelId})`))
  if (facts.training === 'proven') {
    checks.push(check('model.training_proven', 'its training is proven: the proof re-executes it on the proven training set'))
  } else if (facts.training === 'declared') {
    const c = check(
      'model.training_declared',
      "its training is declared by its publisher, not proven; its training set is proven and bound to the model file's SHA-256",
    )
    if (policy.requireProvenTraining) {
      c.outcome = 'invalid'
      c.detail += ' (the policy requires proven training)'
    }
    checks.push(c)
  }

  for (const d of facts.datasets) {
    const [code, detail]: [Code, string] =
      d.status === 'certified'
        ? ['dataset.certified', 'certified']
        : d.status === 'revoked'
          ? ['dataset.revoked', 'certification revoked']
          : d.status === 'registered'
            ? ['dataset.uncertified', 'registered, never certified']
            : ['dataset.uncertified', 'not registered']
    const c = check(code, `dataset ${d.id}: ${detail}`)
    checks.push({ code: c.code, outcome: c.outcome, datasetId: d.id, detail: c.detail })
  }

  facts.bases.forEach((b, depth) => {
    const [code, detail]: [Code, string] =
      b.status === 'valid'
        ? ['base.attested', 'its attestation is valid']
        : b.status === 'revoked'
          ? ['base.revoked', 'its publisher revoked it']
          : b.status === 'tainted'
            ? ['base.tainted', 'it is tainted']
            : ['base.unknown', 'no attestation has this id']
    const which = depth === 0 ? 'fine-tuned from model' : `${depth + 1} levels up, fine-tuned from model`
    const c = check(code, `${which} ${b.modelId}: ${detail}`)
    checks.push({ code: c.code, outcome: c.outcome, baseModelId: b.modelId, detail: c.detail })
  })

  const verdict: Verdict = {
    ...fromChecks(file, checks),
    chainId: receipt.chainId,
    registry: receipt.registry,
    modelId: receipt.modelId,
    batchIndex: receipt.batchIndex,
    leafIndex: receipt.leafIndex,
    anchorTx: receipt.anchorTx,
    confirmations: facts.confirmations,
  }
  if (fingerprint !== undefined) verdict.perceptualHash = fingerprint
  return verdict
}

/** Bits that differ between two 32-byte `0x` hex strings. */
export function hammingDistance(a: string, b: string): number {
  let bits = 0
  for (let i = 2; i < 66; i += 8) {
    let x = (Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0
    while (x) {
      x &= x - 1
      bits++
    }
  }
  return bits
}

/** Distance at or below which two PDQ fingerprints are the same picture (ThreatExchange). */
export const MATCH_DISTANCE = 31

function fingerprintCheck(anchored: Hex, file: Hex | undefined): Check {
  if (file === undefined) {
    return check(
      'output.fingerprint_unchecked',
      `the anchored fingerprint ${anchored} was not checked: the image was not decoded`,
    )
  }
  const d = hammingDistance(anchored.toLowerCase(), file.toLowerCase())
  const c =
    d <= MATCH_DISTANCE
      ? check('output.fingerprint_match', `the file's fingerprint is ${d} bits from the anchored one (at most ${MATCH_DISTANCE})`)
      : check(
          'output.fingerprint_mismatch',
          `the anchored fingerprint ${anchored} is ${d} bits from the file's ${file} (more than ${MATCH_DISTANCE}): it describes another picture`,
        )
  return { ...c, distance: d }
}
