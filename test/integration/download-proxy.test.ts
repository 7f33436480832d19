import { createServer, request, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { runIn } from '../fixtures/cli'

// The command line's downloads and a proxy (src/main/kling/node-get.ts): by default none, as Node's
// fetch had; with NODE_USE_ENV_PROXY=1 and HTTP_PROXY naming one, the video comes through it (the
// download then goes through Node's fetch, which honours the proxy). A real forwarding proxy on
// loopback counts what passes, and the saved file is compared byte for byte with the served one.

let dir: string
let emulator: Emulator
let proxy: Server
let proxyUrl: string
const seen: string[] = []
/** Bytes that came back from the servers through the proxy. */
let carried = 0

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-proxy-'))
  emulator = await startEmulator({ timeScale: 600, seed: 8 })
  // A forward proxy as real ones are: absolute-form requests passed on, and CONNECT tunnels
  // (Node's fetch tunnels even plain http through its proxy), counting what comes back through.
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const onward = request(req.url!, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.on('data', (chunk: Buffer) => (carried += chunk.length))
      answer.pipe(res)
    })
    onward.on('error', () => res.writeHead(502).end())
    req.pipe(onward)
  })
  proxy.on('connect', (req, client, head) => {
    seen.push(`CONNECT ${req.url}`)
    const [host, port] = req.url!.split(':')
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.on('data', (chunk: Buffer) => (carried += chunk.length))
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})
afterAll(async () => {
  await emulator.close()
  await new Promise<void>((r) => proxy.close(() => r()))
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  seen.splice(0)
  carried = 0
})

/** One generate to the end, saved to `out`; the command's result and the bytes served. */
async function generate(name: string, env: Record<string, string>) {
  const out = join(dir, `${name}.mp4`)
  const r = await runIn(dir, ['generate', `a heron, ${name}`, '--wait', '--out', out], {
    COMETAPI_KEY: 'sk-proxy-key-7d21',
    COMETAPI_BASE_URL: emulator.url,
    ...env,
  })
  expect(r.code, r.stderr).toBe(0)
  const task = emulator.tasks().find((t) => JSON.stringify(t.request).includes(name))!
  const served = Buffer.from(
    await (await fetch(`${emulator.url}/__emulator/videos/${task.task_id}.mp4`)).arrayBuffer(),
  )
  return { saved: await readFile(out), served }
}

describe('the command line and a proxy', () => {
  it('NODE_USE_ENV_PROXY=1 with HTTP_PROXY: the video comes through the proxy, whole', async () => {
    const { saved, served } = await generate('through', {
      NODE_USE_ENV_PROXY: '1',
      HTTP_PROXY: proxyUrl,
    })
    // Everything went through it, the video too (it is most of the bytes).
    expect(seen.length).toBeGreaterThan(0)
    expect(carried).toBeGreaterThan(served.length)
    expect(saved.equals(served)).toBe(true)
  }, 120_000)

  it('HTTP_PROXY alone (Node not told to use it): nothing goes through the proxy', async () => {
    const { saved, served } = await generate('direct', { HTTP_PROXY: proxyUrl })
    expect(seen).toEqual([])
    expect(saved.equals(served)).toBe(true)
  })
})
