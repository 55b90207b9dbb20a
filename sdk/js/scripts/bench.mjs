#!/usr/bin/env node
// Times contentHash on 1-megapixel PNGs: by default a 1000 x 1000 8-bit RGBA one made here
// (smooth gradients plus noise, filter type 0, zlib level 6) and its Adam7 twin; or the
// PNG files named (e.g. the one `LINEAGE_BENCH_PNG_OUT=FILE cargo bench --workspace
// --bench output` writes, so Rust and JS time the same bytes). Prints the median and the
// minimum of 15 runs after 3 warm-ups, in Node, and with --browser also in headless
// Chromium (`chromium` on PATH; a page on 127.0.0.1 runs the bundled package). Run
// `npm run build` first.
//   node scripts/bench.mjs [--browser] [FILE.png ...]
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { deflateSync } from 'node:zlib'
import { contentHash } from '../dist/index.js'
import { crc32 } from '../dist/bytes.js'

const W = 1000
const H = 1000

function chunk(type, data) {
  const t = new TextEncoder().encode(type)
  const out = new Uint8Array(12 + data.length)
  const v = new DataView(out.buffer)
  v.setUint32(0, data.length)
  out.set(t, 4)
  out.set(data, 8)
  v.setUint32(8 + data.length, crc32(t, data))
  return out
}

function png(interlaced) {
  let seed = 1
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)
  const px = new Uint8Array(W * H * 4)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4
      px[i] = (x + (rand() & 7)) & 255
      px[i + 1] = (y + (rand() & 7)) & 255
      px[i + 2] = ((x ^ y) + (rand() & 3)) & 255
      px[i + 3] = 255
    }
  // Filter type 0 everywhere (the decoder's unfilter cost is not what varies by type).
  const rows = []
  const passes = interlaced
    ? [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]]
    : [[0, 0, 1, 1]]
  for (const [x0, y0, dx, dy] of passes) {
    if (x0 >= W || y0 >= H) continue
    for (let y = y0; y < H; y += dy) {
      const n = Math.ceil((W - x0) / dx)
      const row = new Uint8Array(1 + 4 * n)
      for (let k = 0, x = x0; x < W; x += dx, k++) row.set(px.subarray((y * W + x) * 4, (y * W + x) * 4 + 4), 1 + 4 * k)
      rows.push(row)
    }
  }
  const raw = Buffer.concat(rows)
  const ihdr = new Uint8Array(13)
  const v = new DataView(ihdr.buffer)
  v.setUint32(0, W)
  v.setUint32(4, H)
  ihdr.set([8, 6, 0, 0, interlaced ? 1 : 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ])
}

const RUNS = 15
const WARM = 3

const args = process.argv.slice(2)
const browser = args.includes('--browser')
const files = args.filter((a) => a !== '--browser')
const inputs = files.length
  ? files.map((f) => [path.basename(f), new Uint8Array(fs.readFileSync(f))])
  : [
      [`${W}x${H} RGBA8 plain`, png(false)],
      [`${W}x${H} RGBA8 adam7`, png(true)],
    ]

const summary = (times) => {
  const t = [...times].sort((a, b) => a - b)
  return `median ${t[Math.floor(t.length / 2)].toFixed(1)} ms, min ${t[0].toFixed(1)} ms`
}

for (const [name, bytes] of inputs) {
  const times = []
  for (let i = 0; i < WARM + RUNS; i++) {
    const t = performance.now()
    await contentHash(bytes)
    if (i >= WARM) times.push(performance.now() - t)
  }
  console.log(`contentHash, ${name} (${bytes.length} B), Node ${process.version}: ${summary(times)}`)
}

if (browser) {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
  const page = `import { contentHash } from './dist/index.js'
const out = []
for (const name of ${JSON.stringify(inputs.map(([n]) => n))}) {
  const bytes = new Uint8Array(await (await fetch('/image?' + encodeURIComponent(name))).arrayBuffer())
  const times = []
  for (let i = 0; i < ${WARM + RUNS}; i++) {
    const t = performance.now()
    await contentHash(bytes)
    if (i >= ${WARM}) times.push(performance.now() - t)
  }
  out.push({ name, size: bytes.length, times })
}
await fetch('/result', { method: 'POST', body: JSON.stringify({ out, ua: navigator.userAgent }) })`
  const script = (
    await build({
      stdin: { contents: page, resolveDir: root, sourcefile: 'bench-page.mjs', loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
    })
  ).outputFiles[0].contents
  const images = Object.fromEntries(inputs)
  let resolve
  const posted = new Promise((r) => (resolve = r))
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x')
    if (req.method === 'POST') {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => (res.end('ok'), resolve(JSON.parse(body))))
    } else if (u.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script type="module" src="/page.js"></script>')
    } else if (u.pathname === '/page.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script)
    } else if (u.pathname === '/image' && images[decodeURIComponent(u.search.slice(1))]) {
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(images[decodeURIComponent(u.search.slice(1))])
    } else res.writeHead(404).end()
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-bench-'))
  const chromium = spawn(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--user-data-dir=${profile}`, `http://127.0.0.1:${server.address().port}/`],
    { stdio: 'ignore', detached: true },
  )
  try {
    const got = await Promise.race([posted, new Promise((_, no) => setTimeout(() => no(new Error('Chromium posted nothing in 120 s')), 120_000))])
    const version = got.ua.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? got.ua
    for (const { name, size, times } of got.out) console.log(`contentHash, ${name} (${size} B), ${version}: ${summary(times)}`)
  } finally {
    try {
      process.kill(-chromium.pid, 'SIGKILL')
    } catch {}
    server.close()
    fs.rmSync(profile, { recursive: true, force: true })
  }
}
