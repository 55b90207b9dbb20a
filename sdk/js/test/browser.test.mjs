// The package inside a page in real headless Chromium (Debian's `chromium`, as the
// indexer's page test uses; script/chromium.sh installs it), under a strict
// Content-Security-Policy: no inline script, no eval, no blob: workers, and connect-src
// naming only the page's own origin and the RPC. The page (esbuild bundles this package
// with viem) fetches a PNG with its receipt embedded, verifies it against a real anvil
// (test/chain.mjs) and posts the verdict back. With the RPC left out of connect-src the
// browser blocks the chain reads and the page gets a typed error instead: the policy is
// really enforced, and verification really goes through the RPC from the page.
//
// Skipped without chromium or the native anvil and forge, unless LINEAGE_REQUIRE_CHROMIUM=1
// or LINEAGE_REQUIRE_ANVIL=1 (script/test.sh sets both), where it fails.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { anvilBin, embed, forgeBin, startWorld, which } from './chain.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const chromium = which('chromium')
const missing = !chromium ? 'chromium is not on PATH (script/chromium.sh)' : !anvilBin || !forgeBin ? 'the native anvil or forge is not on PATH' : null
if (missing && (process.env.LINEAGE_REQUIRE_CHROMIUM === '1' || process.env.LINEAGE_REQUIRE_ANVIL === '1')) {
  throw new Error(`a browser test is required but ${missing}`)
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>verify</title>
<script type="module" src="/page.js"></script></head>
<body><pre id="out">verifying…</pre></body></html>`

// The page's script: no inline code, so the CSP needs no 'unsafe-inline'.
const SCRIPT = `
import { createPublicClient, http } from 'viem'
import { verifyImage, LineageError } from './dist/index.js'
const report = (body) => fetch('/result', { method: 'POST', body: JSON.stringify(body) })
try {
  const rpc = new URL(location.href).searchParams.get('rpc')
  const bytes = new Uint8Array(await (await fetch('/image.png')).arrayBuffer())
  const client = createPublicClient({ transport: http(rpc, { retryCount: 0 }) })
  const started = performance.now()
  const verdict = await verifyImage(bytes, { client })
  document.getElementById('out').textContent = JSON.stringify(verdict, null, 2)
  await report({ verdict, ms: performance.now() - started, secure: isSecureContext })
} catch (e) {
  await report({ error: e instanceof LineageError ? e.code : String(e), message: String(e && e.message) })
}
`

describe('verifyImage in headless Chromium under a strict CSP', { skip: missing ?? false }, () => {
  let world
  let script
  let image

  before(async () => {
    world = await startWorld()
    image = embed(world.png, JSON.stringify(world.receipt))
    const out = await build({
      stdin: { contents: SCRIPT, resolveDir: path.join(here, '..'), sourcefile: 'page.mjs', loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
    })
    script = out.outputFiles[0].contents
  })

  after(() => world?.stop())

  /** Serves the page under `csp`, opens it in Chromium, returns what the page posted. */
  async function run(csp) {
    let resolve
    const posted = new Promise((r) => (resolve = r))
    const server = http.createServer((req, res) => {
      const u = new URL(req.url, 'http://x')
      if (req.method === 'POST' && u.pathname === '/result') {
        let body = ''
        req.on('data', (d) => (body += d))
        req.on('end', () => {
          res.end('ok')
          resolve(JSON.parse(body))
        })
        return
      }
      const files = {
        '/': ['text/html', PAGE],
        '/page.js': ['text/javascript', script],
        '/image.png': ['image/png', image],
      }
      const file = files[u.pathname]
      if (!file) {
        res.writeHead(404).end()
        return
      }
      res.writeHead(200, { 'Content-Type': file[0], 'Content-Security-Policy': csp })
      res.end(file[1])
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${server.address().port}/?rpc=${encodeURIComponent(world.url)}`
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-chromium-'))
    const browser = spawn(
      chromium,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--user-data-dir=${profile}`, url],
      { stdio: 'ignore', detached: true },
    )
    let timer
    try {
      return await Promise.race([
        posted,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the page posted nothing in 60 s')), 60_000))),
      ])
    } finally {
      clearTimeout(timer)
      // The whole process group: Chromium's helpers must not outlive the test.
      try {
        process.kill(-browser.pid, 'SIGKILL')
      } catch {}
      server.close()
      fs.rmSync(profile, { recursive: true, force: true })
    }
  }

  const strict = (connect) =>
    `default-src 'none'; script-src 'self'; connect-src 'self' ${connect}; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

  test('the page verifies the image against the chain: valid', async (t) => {
    const got = await run(strict(world.url))
    assert.equal(got.error, undefined, got.message)
    assert.equal(got.secure, true)
    assert.equal(got.verdict.outcome, 'valid', JSON.stringify(got.verdict, null, 1))
    assert.deepEqual(got.verdict.codes, [
      'output.anchored',
      'model.attested',
      'model.training_proven',
      'dataset.certified',
      'dataset.certified',
    ])
    assert.equal(got.verdict.modelId, world.modelId)
    t.diagnostic(`in Chromium: verifyImage took ${got.ms.toFixed(1)} ms (hash, receipt, chain reads)`)
  })

  test('without the RPC in connect-src the browser blocks the chain reads: chain.read', async () => {
    const got = await run(strict(''))
    assert.equal(got.error, 'chain.read', got.message)
  })
})
