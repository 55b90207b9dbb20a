// readChainFacts and verifyImage against a scripted client (no chain): the registry's
// `attestation(modelId).kind` read into `training` (1 proven, 2 declared, anything else
// unknown), and `policy.requireProvenTraining` through verifyImage. test/anvil.test.mjs
// reads a proven attestation's kind off a real registry.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  contentHash,
  DEFAULT_POLICY,
  readChainFacts,
  TRAINING_KIND_CODES,
  trainingKind,
  verifyImage,
} from '../dist/index.js'

const registry = `0x${'ab'.repeat(20)}`
const modelId = `0x${'11'.repeat(32)}`
const base = `0x${'22'.repeat(32)}`
const ZERO32 = `0x${'0'.repeat(64)}`
const file = new TextEncoder().encode('an output')

/** A receipt for `file` as the only output of batch 0 (root = its hash, no siblings). */
async function receiptFor() {
  const { hash, kind } = await contentHash(file)
  return {
    version: 1,
    chainId: 31337,
    registry,
    modelId,
    batchIndex: 0,
    batchRoot: hash,
    batchCount: 1,
    leafIndex: 0,
    contentHash: hash,
    hashKind: kind,
    proof: [],
    anchorTx: `0x${'33'.repeat(32)}`,
    anchorBlock: 10,
  }
}

/**
 * A client whose registry holds that batch, anchored at block 10 of 12, and model
 * `modelId` with `status` and `kind` on datasets 1 and 2 (both certified); with `baseKind`,
 * fine-tuned from `base` (valid) of that kind.
 */
function client({ root, status = 1, kind, baseKind }) {
  const attestations = {
    [modelId]: { kind, datasetIds: [1, 2], baseModelId: baseKind === undefined ? ZERO32 : base },
    [base]: { kind: baseKind, datasetIds: [1], baseModelId: ZERO32 },
  }
  const calls = []
  return {
    calls,
    getChainId: async () => 31337,
    getBlockNumber: async () => 12n,
    getTransactionReceipt: async () => {
      throw new Error('not found')
    },
    getLogs: async () => [{ blockNumber: 10n }],
    readContract: async ({ functionName, args }) => {
      calls.push(functionName)
      switch (functionName) {
        case 'outputBatchCount':
          return 1n
        case 'outputBatch':
          return { root, count: 1n }
        case 'attestationStatus':
          return args[0] === modelId ? status : 1
        case 'attestation':
          return attestations[args[0]]
        case 'dataset':
          return { status: 2 }
        default:
          throw new Error(`unexpected ${functionName}`)
      }
    },
  }
}

describe('readChainFacts: the training kind', () => {
  test('kind codes: 1 proven, 2 declared, anything else unknown', () => {
    assert.deepEqual(TRAINING_KIND_CODES, { proven: 1, declared: 2 })
    assert.deepEqual([0, 1, 2, 3, 255].map(trainingKind), [undefined, 'proven', 'declared', undefined, undefined])
  })

  for (const [kind, training] of [
    [1, 'proven'],
    [2, 'declared'],
  ]) {
    test(`attestation(modelId).kind ${kind}: training "${training}"`, async () => {
      const receipt = await receiptFor()
      const facts = await readChainFacts(client({ root: receipt.contentHash, kind }), receipt)
      assert.deepEqual(facts, {
        batch: { root: receipt.contentHash, count: 1 },
        attestation: 'valid',
        training,
        datasets: [
          { id: 1, status: 'certified' },
          { id: 2, status: 'certified' },
        ],
        bases: [],
        confirmations: 3,
      })
    })
  }

  for (const kind of [0, 3, 255]) {
    test(`an unknown kind ${kind}: no training (as the Rust facts leave it out)`, async () => {
      const receipt = await receiptFor()
      const facts = await readChainFacts(client({ root: receipt.contentHash, kind }), receipt)
      assert.equal('training' in facts, false, JSON.stringify(facts))
      assert.equal(facts.attestation, 'valid')
    })
  }

  test('no attestation: no training, and the record is not read', async () => {
    const receipt = await receiptFor()
    const c = client({ root: receipt.contentHash, status: 0, kind: 1 })
    const facts = await readChainFacts(c, receipt)
    assert.equal('training' in facts, false)
    assert.equal(facts.attestation, 'none')
    assert.ok(!c.calls.includes('attestation'), c.calls.join())
  })

  test("the training is the model's own kind, not its base's", async () => {
    const receipt = await receiptFor()
    const facts = await readChainFacts(client({ root: receipt.contentHash, kind: 1, baseKind: 2 }), receipt)
    assert.equal(facts.training, 'proven')
    assert.deepEqual(facts.bases, [{ modelId: base, status: 'valid' }])
  })
})

describe('verifyImage: policy.requireProvenTraining', () => {
  const codes = ['output.anchored', 'model.attested', 'model.training_declared', 'dataset.certified', 'dataset.certified']

  test('the default policy', () => {
    assert.deepEqual(DEFAULT_POLICY, { minConfirmations: 1, requireProvenTraining: false })
    assert.ok(Object.isFrozen(DEFAULT_POLICY))
  })

  test('declared training is valid by default', async () => {
    const receipt = await receiptFor()
    const v = await verifyImage(file, { client: client({ root: receipt.contentHash, kind: 2 }), receipt })
    assert.deepEqual([v.outcome, v.exitCode, v.codes], ['valid', 0, codes])
    assert.equal(v.checks[2].outcome, 'valid')
  })

  test('declared training under requireProvenTraining: model.training_declared invalid, exit 1', async () => {
    const receipt = await receiptFor()
    const policy = { minConfirmations: 1, requireProvenTraining: true }
    const v = await verifyImage(file, { client: client({ root: receipt.contentHash, kind: 2 }), receipt, policy })
    assert.deepEqual([v.outcome, v.exitCode, v.codes], ['invalid', 1, codes])
    assert.equal(v.checks[2].outcome, 'invalid')
    assert.match(v.checks[2].detail, /\(the policy requires proven training\)$/)
    assert.ok(v.checks.every((c, i) => i === 2 || c.outcome === 'valid'))
  })

  test('proven training passes requireProvenTraining', async () => {
    const receipt = await receiptFor()
    const policy = { minConfirmations: 1, requireProvenTraining: true }
    const v = await verifyImage(file, { client: client({ root: receipt.contentHash, kind: 1 }), receipt, policy })
    assert.deepEqual([v.outcome, v.codes[2]], ['valid', 'model.training_proven'])
  })

  test('an unknown kind: no training check, even under requireProvenTraining', async () => {
    const receipt = await receiptFor()
    const policy = { minConfirmations: 1, requireProvenTraining: true }
    const v = await verifyImage(file, { client: client({ root: receipt.contentHash, kind: 0 }), receipt, policy })
    assert.deepEqual([v.outcome, v.codes], ['valid', ['output.anchored', 'model.attested', 'dataset.certified', 'dataset.certified']])
  })
})
