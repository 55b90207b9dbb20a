// verifyImage against a real chain (test/chain.mjs: anvil, the real deploy script, the demo
// proof): a valid output (its model's training read as proven), a tampered one, one without
// a receipt, one on another chain, one anchored too recently for the policy, and the same
// output once its model is revoked.
//
// Without the native anvil and forge on PATH it is skipped, unless LINEAGE_REQUIRE_ANVIL=1
// (script/test.sh sets it), where it fails.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parseEventLogs } from 'viem'
import { ChainMismatchError, contentHash, leafV2, pngFingerprint, readChainFacts, verifyImage } from '../dist/index.js'
import { anvilBin, embed, forgeBin, registryAbi, startWorld, tree, vectors } from './chain.mjs'

const missing = !anvilBin || !forgeBin
if (missing && process.env.LINEAGE_REQUIRE_ANVIL === '1') {
  throw new Error('LINEAGE_REQUIRE_ANVIL=1 but the native anvil or forge is not on PATH (source script/env.sh)')
}

describe('verifyImage on a real anvil', { skip: missing && 'the native anvil or forge is not on PATH' }, () => {
  let world
  let client
  let modelId
  let receipt
  let png

  before(async () => {
    world = await startWorld()
    ;({ client, modelId, receipt, png } = world)
  })

  after(() => world?.stop())

  test('an anchored output of an attested model is valid', async () => {
    const v = await verifyImage(embed(png, JSON.stringify(receipt)), { client })
    assert.equal(v.outcome, 'valid', JSON.stringify(v, null, 1))
    assert.equal(v.exitCode, 0)
    assert.deepEqual(v.codes, [
      'output.anchored',
      'model.attested',
      'model.training_proven',
      'dataset.certified',
      'dataset.certified',
    ])
    assert.deepEqual(v.checks.slice(3).map((c) => c.datasetId), [1, 2])
    assert.equal(v.modelId, modelId)
    assert.ok(v.confirmations >= 1, `confirmations ${v.confirmations}`)
  })

  test("the registry's attestation(modelId).kind 1 is read as training: proven", async () => {
    const facts = await readChainFacts(client, receipt)
    assert.equal(facts.training, 'proven')
    assert.equal(facts.attestation, 'valid')
  })

  test('a model with proven training passes a policy requiring it', async () => {
    const v = await verifyImage(png, { client, receipt, policy: { minConfirmations: 1, requireProvenTraining: true } })
    assert.equal(v.outcome, 'valid', JSON.stringify(v, null, 1))
    assert.equal(v.codes[2], 'model.training_proven')
  })

  test('a sidecar receipt does as well as an embedded one', async () => {
    const v = await verifyImage(png, { client, receipt: JSON.stringify(receipt, null, 2) })
    assert.equal(v.outcome, 'valid')
  })

  test('a tampered image is output.hash_mismatch', async () => {
    const other = new Uint8Array(fs.readFileSync(path.join(vectors, 'png', 'filter-none.png')))
    const v = await verifyImage(embed(other, JSON.stringify(receipt)), { client })
    assert.equal(v.outcome, 'invalid')
    assert.equal(v.codes[0], 'output.hash_mismatch')
  })

  test('no receipt: cannot tell', async () => {
    const v = await verifyImage(png, { client })
    assert.deepEqual([v.outcome, v.exitCode, v.codes], ['cannotTell', 2, ['output.unknown']])
  })

  test('a batch the registry does not have: output.unknown', async () => {
    const v = await verifyImage(png, { client, receipt: { ...receipt, batchIndex: 7 } })
    assert.equal(v.codes[0], 'output.unknown')
    assert.equal(v.outcome, 'cannotTell')
  })

  test('too few confirmations for the policy: output.unconfirmed', async () => {
    const v = await verifyImage(png, { client, receipt, policy: { minConfirmations: 1_000 } })
    assert.deepEqual(v.codes.slice(0, 2), ['output.anchored', 'output.unconfirmed'])
    assert.equal(v.outcome, 'cannotTell')
  })

  test('a receipt for another chain is a typed error, not a verdict', async () => {
    await assert.rejects(verifyImage(png, { client, receipt: { ...receipt, chainId: 1 } }), ChainMismatchError)
  })

  // Version 2: the leaf commits to the PNG's PDQ fingerprint; verifyImage recomputes it.
  async function anchorV2(png, anchoredFingerprint) {
    const c = await contentHash(png)
    const leaves = [leafV2(c.hash, anchoredFingerprint), c.hash]
    const t = tree(leaves)
    const r = await world.send(world.accounts[1], 'anchorOutputs', [modelId, t.root, 2n, 'ipfs://v2'])
    const [event] = parseEventLogs({ abi: registryAbi, logs: r.logs, eventName: 'OutputsAnchored' })
    return {
      ...receipt,
      version: 2,
      batchIndex: Number(event.args.batchIndex),
      batchRoot: t.root,
      batchCount: 2,
      leafIndex: 0,
      contentHash: c.hash,
      hashKind: c.kind,
      proof: t.proof(0),
      anchorTx: r.transactionHash,
      anchorBlock: Number(r.blockNumber),
      perceptualHash: anchoredFingerprint,
    }
  }
  const picture = (name) => new Uint8Array(fs.readFileSync(path.join(vectors, 'pdq', name)))

  test('a version-2 receipt: proven from its leaf, its fingerprint the image\'s own', async () => {
    const png = picture('picture-300x200-8.png')
    const own = (await pngFingerprint(png)).hash
    const v = await verifyImage(png, { client, receipt: await anchorV2(png, own) })
    assert.equal(v.outcome, 'valid', JSON.stringify(v, null, 1))
    assert.deepEqual(v.codes.slice(0, 2), ['output.anchored', 'output.fingerprint_match'])
    assert.deepEqual([v.checks[1].distance, v.perceptualHash], [0, own])
  })

  test("a publisher that anchored another picture's fingerprint: output.fingerprint_mismatch", async () => {
    const png = picture('picture-300x200-8.png')
    const other = (await pngFingerprint(picture('picture-257x129-8.png'))).hash
    const v = await verifyImage(png, { client, receipt: await anchorV2(png, other) })
    assert.equal(v.outcome, 'invalid', JSON.stringify(v, null, 1))
    assert.deepEqual(v.codes.slice(0, 2), ['output.anchored', 'output.fingerprint_mismatch'])
    assert.ok(v.checks[1].distance > 31, `distance ${v.checks[1].distance}`)
  })

  test('once the publisher revokes the model: model.revoked, invalid', async () => {
    await world.send(world.accounts[1], 'revokeAttestation', [modelId])
    const v = await verifyImage(embed(png, JSON.stringify(receipt)), { client })
    assert.equal(v.outcome, 'invalid')
    assert.deepEqual(v.codes.slice(0, 2), ['output.anchored', 'model.revoked'])
  })
})
