// Every conformance vector the Rust side writes (crates/core/tests/vectors, regenerated and
// checked for drift by `cargo test --workspace --test conformance`) must pass here.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  CODE_OUTCOMES,
  contentHash,
  contentHashAs,
  judge,
  leafV2,
  LineageError,
  noReceipt,
  parseReceipt,
  pngFingerprint,
  readReceipt,
  receiptLeaf,
  similar,
  verifyProof,
} from '../dist/index.js'

const dir = process.env.LINEAGE_VECTORS ??
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'crates', 'core', 'tests', 'vectors')
const load = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))
const bytes = (file) => new Uint8Array(fs.readFileSync(path.join(dir, file)))

/** The error's stable code, or a failure naming what was thrown instead. */
function codeOf(f) {
  try {
    return { value: f() }
  } catch (e) {
    if (!(e instanceof LineageError)) throw e
    return { error: e.code }
  }
}

// Twice: with the platform's DecompressionStream (the fast path) and without it (fflate).
for (const inflater of ['DecompressionStream', 'fflate']) {
  describe(`contentHash (${inflater})`, () => {
    const saved = globalThis.DecompressionStream
    before(() => {
      if (inflater === 'fflate') delete globalThis.DecompressionStream
      else assert.ok(saved, 'this runtime has no DecompressionStream')
    })
    after(() => {
      globalThis.DecompressionStream = saved
    })
    const { cases } = load('content-hash.json')
    assert.ok(cases.length >= 90, `only ${cases.length} content-hash vectors`)
    for (const c of cases) {
      test(`${c.file}${c.as ? ` as ${c.as}` : ''}: ${c.note}`, async () => {
        let got
        try {
          got = c.as ? await contentHashAs(bytes(c.file), c.as) : await contentHash(bytes(c.file))
        } catch (e) {
          if (!(e instanceof LineageError)) throw e
          assert.equal(e.code, c.error ?? 'no error', `${c.file} threw ${e.message}`)
          return
        }
        assert.equal(c.error, undefined, `${c.file} hashed to ${got.hash}, expected ${c.error}`)
        assert.deepEqual(got, { kind: c.kind, hash: c.hash })
      })
    }
  })
}

describe('readReceipt', () => {
  const { cases } = load('receipts.json')
  for (const c of cases) {
    test(`${c.file ?? c.sidecar}: ${c.note}`, () => {
      const got = c.sidecar
        ? codeOf(() => parseReceipt(fs.readFileSync(path.join(dir, c.sidecar), 'utf8')))
        : codeOf(() => readReceipt(bytes(c.file)))
      if (c.error) assert.deepEqual(got, { error: c.error })
      else assert.deepEqual(got, { value: c.receipt })
      if (c.leaf) assert.equal(receiptLeaf(got.value), c.leaf)
    })
  }
})

describe('verifyProof', () => {
  const { cases } = load('merkle.json')
  cases.forEach((c, i) => {
    test(`${i}: ${c.note} (index ${c.index} of ${c.count})`, () => {
      assert.equal(verifyProof(c.root, c.leaf, c.index, c.count, c.proof), c.valid)
    })
  })
})

describe('pngFingerprint', () => {
  const v = load('pdq.json')
  test('the DCT basis', async () => {
    const { dctMatrix } = await import('../dist/pdq.js')
    const table = dctMatrix()
    const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(table.buffer, table.byteOffset, table.byteLength))
    assert.equal(`0x${Buffer.from(digest).toString('hex')}`, v.dctSha256)
  })
  for (const c of v.cases) {
    test(c.file, async () => {
      assert.deepEqual(await pngFingerprint(bytes(c.file)), { hash: c.hash, quality: c.quality })
    })
  }
})

describe('leafV2', () => {
  load('merkle.json').leafV2.forEach((c, i) => {
    test(`${i}: ${c.contentHash.slice(0, 10)}…`, () => {
      assert.equal(leafV2(c.contentHash, c.perceptualHash), c.leaf)
    })
  })
})

describe('judge', () => {
  const v = load('verdicts.json')
  test('every code, with its outcome', () => {
    assert.deepEqual(
      Object.entries(CODE_OUTCOMES).map(([code, outcome]) => ({ code, outcome })).sort((a, b) => a.code.localeCompare(b.code)),
      [...v.codes].sort((a, b) => a.code.localeCompare(b.code)),
    )
    const seen = new Set([...v.cases, v.noReceipt, v.similar].flatMap((c) => c.verdict.codes))
    for (const { code } of v.codes) assert.ok(seen.has(code), `no vector yields ${code}`)
  })
  for (const c of v.cases) {
    test(c.name, () => {
      const receipt = parseReceipt(JSON.stringify(c.receipt))
      assert.deepEqual(judge(c.file, receipt, c.facts, c.policy, c.fingerprint ?? undefined), c.verdict)
    })
  }
  test('no receipt', () => {
    assert.deepEqual(noReceipt(v.noReceipt.file), v.noReceipt.verdict)
  })
  test('similar', () => {
    const { file, fingerprint, candidate, verdict } = v.similar
    assert.deepEqual(similar(file, fingerprint, candidate), verdict)
  })
})
