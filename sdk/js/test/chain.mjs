// A real chain for the tests: a fresh anvil with the contracts deployed by the real
// script/Deploy.s.sol (forge), two datasets registered and certified, a model attested with
// the committed demo proof through the real demo verifier, and a batch of three outputs
// anchored (a PNG from the conformance vectors and two other files), with the PNG's receipt.
//
// Needs the native anvil and forge on PATH (`source script/env.sh` after
// script/bootstrap.sh; script/test.sh does both).
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPublicClient, createWalletClient, encodeAbiParameters, http, keccak256, parseEventLogs, toBytes } from 'viem'
import { foundry } from 'viem/chains'
import { crc32 } from '../dist/bytes.js'
import { contentHash } from '../dist/index.js'

export const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const vectors = path.join(root, 'crates', 'core', 'tests', 'vectors')
export const registryAbi = JSON.parse(fs.readFileSync(path.join(root, 'crates', 'chain', 'abi', 'LineageRegistry.json'), 'utf8'))

/** `name` on PATH, never a node_modules/.bin wrapper (Foundry's always exit 0). */
export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name)
    if (p.includes(`node_modules${path.sep}.bin`)) continue
    if (fs.existsSync(p)) return p
  }
  return null
}

export const anvilBin = which('anvil')
export const forgeBin = which('forge')

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** `png` with an uncompressed iTXt receipt chunk holding `json` right before IEND. */
export function embed(png, json) {
  const data = new Uint8Array([...toBytes('lineage-receipt'), 0, 0, 0, 0, 0, ...toBytes(json)])
  const type = toBytes('iTXt')
  const chunk = new Uint8Array(12 + data.length)
  const view = new DataView(chunk.buffer)
  view.setUint32(0, data.length)
  chunk.set(type, 4)
  chunk.set(data, 8)
  view.setUint32(8 + data.length, crc32(type, data))
  const iend = png.length - 12
  return new Uint8Array([...png.subarray(0, iend), ...chunk, ...png.subarray(iend)])
}

/** The batch tree's root and each leaf's proof (OutputMerkle's convention). */
export function tree(leaves) {
  const node = (a, b) => keccak256(new Uint8Array([...toBytes(a), ...toBytes(b)]))
  const zero = `0x${'0'.repeat(64)}`
  const levels = [leaves]
  while (levels.at(-1).length > 1) {
    const l = levels.at(-1)
    const next = []
    for (let i = 0; i < l.length; i += 2) next.push(node(l[i], l[i + 1] ?? zero))
    levels.push(next)
  }
  const proof = (index) => levels.slice(0, -1).map((level, k) => level[(index >> k) ^ 1] ?? zero)
  return { root: levels.at(-1)[0], proof }
}

/** Starts anvil, deploys and populates it; `stop()` kills anvil. */
export async function startWorld() {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const anvil = spawn(anvilBin, ['--port', String(port), '--silent'], { stdio: 'ignore' })
  const stop = () => anvil.kill()
  try {
    const client = createPublicClient({ chain: foundry, transport: http(url) })
    const wallet = createWalletClient({ chain: foundry, transport: http(url) })
    const started = Date.now()
    for (;;) {
      try {
        await client.getChainId()
        break
      } catch {
        assert.ok(Date.now() - started < 30_000, 'anvil did not start')
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    const deploy = spawnSync(forgeBin, ['script', 'script/Deploy.s.sol', '--rpc-url', url, '--broadcast', '--json'], {
      cwd: root,
      env: { ...process.env, FOUNDRY_SOLC: path.join(root, 'script', 'solc-shim.js') },
      encoding: 'utf8',
      timeout: 300_000,
    })
    assert.equal(deploy.status, 0, `forge script failed:\n${deploy.stdout}\n${deploy.stderr}`)
    // The script returns (deployer, owner, certifier, registry, vault, demo, standard).
    const returned = deploy.stdout
      .split('\n')
      .map((l) => {
        try {
          return JSON.parse(l)
        } catch {
          return null
        }
      })
      .find((v) => v?.returned)?.returned
    assert.ok(returned, 'forge script --json printed no return value')
    const registry = `0x${returned.slice(2 + 3 * 64 + 24, 2 + 4 * 64)}`
    const accounts = await client.request({ method: 'eth_accounts' })
    const send = async (from, functionName, args, gas) => {
      const hash = await wallet.writeContract({ account: from, address: registry, abi: registryAbi, functionName, args, gas, chain: foundry })
      const r = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 })
      assert.equal(r.status, 'success', `${functionName} reverted`)
      return r
    }

    // Datasets on the demo proof's roots, certified; the model attested with the demo proof.
    const proof = JSON.parse(fs.readFileSync(path.join(root, 'contracts', 'test', 'fixtures', 'demo-proof.json'), 'utf8'))
    const w = proof.instances.map((x) => BigInt(x))
    const creators = [accounts[5], accounts[6]].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
    await send(accounts[4], 'registerDataset', [w[12], 24n, 'ipfs://dataset-0', creators, [1n, 3n]])
    await send(accounts[4], 'registerDataset', [w[13], 24n, 'ipfs://dataset-1', [accounts[7]], [1n]])
    await send(accounts[0], 'certify', [1])
    await send(accounts[0], 'certify', [2])
    const request = {
      profileId: 1,
      datasetIds: [1, 2],
      counts: [Number(w[16]), Number(w[17])],
      trainRoot: w[20],
      licenseMask: w[21],
      nRecords: Number(w[22]),
      w0Hash: w[23],
      baseModelId: `0x${'0'.repeat(64)}`,
      wHash: w[24],
      hyperHash: w[25],
      accumulator: w.slice(0, 12),
    }
    await send(accounts[1], 'attest', [request, proof.proof], 1_500_000n)
    const modelId = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [accounts[1], w[24]]))

    // A batch of three outputs: a PNG and two other files.
    const png = new Uint8Array(fs.readFileSync(path.join(vectors, 'png', 'base.png')))
    const hashes = [await contentHash(png), await contentHash(toBytes('a text output')), await contentHash(toBytes('another'))]
    const t = tree(hashes.map((h) => h.hash))
    const anchored = await send(accounts[1], 'anchorOutputs', [modelId, t.root, 3n, 'ipfs://batch'])
    const [event] = parseEventLogs({ abi: registryAbi, logs: anchored.logs, eventName: 'OutputsAnchored' })
    const receipt = {
      version: 1,
      chainId: foundry.id,
      registry: registry.toLowerCase(),
      modelId,
      batchIndex: Number(event.args.batchIndex),
      batchRoot: t.root,
      batchCount: 3,
      leafIndex: 0,
      contentHash: hashes[0].hash,
      hashKind: hashes[0].kind,
      proof: t.proof(0),
      anchorTx: anchored.transactionHash,
      anchorBlock: Number(anchored.blockNumber),
    }
    return { url, port, client, accounts, registry, modelId, receipt, png, send, stop }
  } catch (e) {
    stop()
    throw e
  }
}
