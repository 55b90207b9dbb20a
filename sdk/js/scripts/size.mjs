#!/usr/bin/env node
// Prints the size of the package as a browser bundle would carry it: esbuild bundles
// dist/index.js (run `npm run build` first) minified for the browser, viem left external
// (a peer dependency the page already has), then gzip at level 9.
//   node scripts/size.mjs [--max-gzip BYTES]   exit 1 when the gzipped size is over BYTES
import { build } from 'esbuild'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const result = await build({
  entryPoints: [path.join(root, 'dist', 'index.js')],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  external: ['viem'],
  write: false,
  metafile: true,
})
const code = result.outputFiles[0].contents
const gzip = gzipSync(code, { level: 9 }).length
const inputs = Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)
const byPackage = {}
for (const [file, { bytesInOutput }] of inputs) {
  const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  const key = m ? m[1] : '@lineage/verify'
  byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput
}
console.log(`@lineage/verify bundle (esbuild --minify, browser, viem external): ${code.length} B minified, ${gzip} B gzipped`)
for (const [pkg, n] of Object.entries(byPackage).sort((a, b) => b[1] - a[1])) console.log(`  ${pkg}: ${n} B minified`)
const i = process.argv.indexOf('--max-gzip')
if (i > 0) {
  const max = Number(process.argv[i + 1])
  if (!(gzip <= max)) {
    console.error(`size: ${gzip} B gzipped is over the ${max} B budget`)
    process.exit(1)
  }
}
