#!/usr/bin/env node
// Times contentHash on a 1-megapixel (1000 x 1000) 8-bit RGBA PNG made here (smooth
// gradients plus noise, Paeth-filtered rows, zlib level 6), plus an Adam7 one, in Node.
// Prints the median and the minimum of 15 runs after 3 warm-ups. Run `npm run build` first.
//   node scripts/bench.mjs
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

for (const [name, bytes] of [['plain', png(false)], ['adam7', png(true)]]) {
  const times = []
  for (let i = 0; i < 18; i++) {
    const t = performance.now()
    await contentHash(bytes)
    if (i >= 3) times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  console.log(
    `contentHash, ${W}x${H} RGBA8 ${name} PNG (${bytes.length} B), Node ${process.version}: ` +
      `median ${times[7].toFixed(1)} ms, min ${times[0].toFixed(1)} ms`,
  )
}
