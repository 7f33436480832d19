import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DownloadBody } from '../../src/main/kling/download-get'
import { downloadFile } from '../../src/main/kling/download'
import { KlingApiError } from '../../src/main/kling/errors'
import { MAX_REDIRECTS, nodeGet, nodeGetTrusting } from '../../src/main/kling/node-get'
import { slabSocket } from '../../src/main/kling/slab-socket'
import { serveFile } from '../fixtures/hostile-bodies'

// The command line's download transport (node:http over a socket reading into one reused buffer)
// against real servers on loopback, plain and TLS: bodies arrive byte for byte, each chunk's
// memory is given back once released, redirects are followed (Range kept) but not forever nor
// down from https to http, a body cut short or lying about its length is a dropped download that
// resumes with Range, and an abort ends the connection.

// A certificate for 127.0.0.1 made for this test alone (openssl, EC P-256, valid to 2126).
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgl7Ck+QVyv7KFwPqP
aYI2YgB+9TWaANuv6FArqq0ZNbehRANCAATTVCNFdmfZbAZvOwxNqu+ZALhgd+m7
JEIXALXmsexpvC7OQFhkOdhX9iJ/bKRvAGy0+fP/LdNfQ8YKqIy2E7mh
-----END PRIVATE KEY-----`
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUTHqaYivL26LQSMTyBGlsojOSDOcwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEzMDA5NDYzM1oYDzIxMjYxMTA2
MDk0NjMzWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATTVCNFdmfZbAZvOwxNqu+ZALhgd+m7JEIXALXmsexpvC7OQFhkOdhX
9iJ/bKRvAGy0+fP/LdNfQ8YKqIy2E7mho28wbTAdBgNVHQ4EFgQUJ+n39NOJ4d73
6zLXlledqHc62h4wHwYDVR0jBBgwFoAUJ+n39NOJ4d736zLXlledqHc62h4wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDRwAwRAIgV7yJ5XrRfASFl/Sa7vwW4eOKpwhTTaiCzTXHyU6WYZACIDqA
ZNDzRZXKQXG5L2WJIsLGsqOtk/NqMbokpHDAkvuh
-----END CERTIFICATE-----`

const sample = await readFile(resolve('resources/samples/16x9-5s.mp4'))
/** Several megabytes, so a body spans many socket reads (and many reuses of one buffer). */
const big = randomBytes(6 * 1024 * 1024)

let http: Server
let https: ReturnType<typeof createHttpsServer>
let raw: TcpServer
let base: string
let secure: string
let rawBase: string
let dir: string
/** The Range header each request to a path carried, in order. */
const ranges = new Map<string, (string | undefined)[]>()
/** Connections closed by the client before their answer ended, per path. */
const left = new Map<string, number>()

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '').split('?')[0]!
  ranges.set(path, [...(ranges.get(path) ?? []), req.headers.range])
  res.on('close', () => {
    if (!res.writableFinished) left.set(path, (left.get(path) ?? 0) + 1)
  })
  const hop = /^\/hop\/(\d+)$/.exec(path)
  if (path === '/big') serveFile(req, res, big)
  else if (path === '/video.mp4') serveFile(req, res, sample)
  else if (hop) {
    const n = Number(hop[1])
    // Relative at first, then absolute: both are followed.
    res.writeHead(n % 2 ? 302 : 307, { location: n === 0 ? `${base}/video.mp4` : `${n - 1}` })
    res.end()
  } else if (path === '/loop') res.writeHead(301, { location: '/loop' }).end()
  else if (path === '/down') res.writeHead(302, { location: `${base}/video.mp4` }).end()
  else if (path === '/cut.mp4') {
    // The first answer stops half way and hangs up; a resume is served as a CDN would.
    if (req.headers.range) return serveFile(req, res, sample)
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': sample.length })
    res.write(sample.subarray(0, 10_000), () => res.socket?.destroy())
  } else if (path === '/chunked') {
    // No length announced: the body comes in chunks, read through the parser.
    res.writeHead(200, { 'content-type': 'video/mp4' })
    for (let at = 0; at < big.length; at += 1024 * 1024)
      res.write(big.subarray(at, at + 1024 * 1024))
    res.end()
  } else if (path === '/long') {
    // Says one length, sends more on the same connection: the body is what was announced.
    res.socket!.end(
      `HTTP/1.1 200 OK\r\ncontent-length: ${sample.length}\r\n\r\n` +
        sample.toString('latin1') +
        'TRAILING GARBAGE',
      'latin1',
    )
  } else if (path === '/stall.mp4') {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': sample.length })
    res.write(sample.subarray(0, 1000))
  } else res.writeHead(404).end()
}

beforeAll(async () => {
  http = createServer(route)
  https = createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, route)
  // Announces more than it sends, then ends the connection cleanly (no reset).
  raw = createTcpServer((socket) => {
    socket.once('data', () => {
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: ${sample.length + 5000}\r\n\r\n`,
      )
      socket.end(sample)
    })
    socket.on('error', () => {})
  })
  await Promise.all(
    [http, https, raw].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))),
  )
  const port = (s: { address(): unknown }) => (s.address() as { port: number }).port
  base = `http://127.0.0.1:${port(http)}`
  secure = `https://127.0.0.1:${port(https)}`
  rawBase = `http://127.0.0.1:${port(raw)}`
})
afterAll(async () => {
  http.closeAllConnections()
  https.closeAllConnections()
  await Promise.all([http, https, raw].map((s) => new Promise((r) => s.close(r))))
})
beforeEach(async () => {
  ranges.clear()
  left.clear()
  dir = await mkdtemp(join(tmpdir(), 'kling-node-get-'))
  return () => rm(dir, { recursive: true, force: true })
})

const never = () => new AbortController().signal

/**
 * A whole body read, each chunk released as the drain does once it is written: how many bytes
 * came as the parser's own copies (freed outright on release: detached) and how many straight in
 * the socket's read memory, and how many distinct blocks of that memory were used.
 */
async function readAll(body: DownloadBody) {
  const copies: Buffer[] = []
  let parsed = 0
  let direct = 0
  let kept = 0
  const blocks = new Set<ArrayBufferLike>()
  for (let chunk = await body.read(); chunk !== null; chunk = await body.read()) {
    copies.push(Buffer.from(chunk))
    const size = chunk.byteLength
    body.release?.([chunk])
    if (chunk.byteLength === 0) parsed += size
    else if (chunk.byteOffset !== 0 || chunk.buffer.byteLength > size) {
      direct += size
      blocks.add(chunk.buffer)
    } else kept += size
  }
  return { bytes: Buffer.concat(copies), parsed, direct, kept, blocks: blocks.size }
}

describe('the node:http download transport', () => {
  it.each([
    ['plain http', () => base, nodeGet],
    ['TLS', () => secure, nodeGetTrusting({ ca: TEST_CERT })],
  ])(
    '%s: a body of many reads arrives byte for byte, read with no copy into memory reused',
    async (_, at, get) => {
      const answer = await get(`${at()}/big`, { headers: {}, signal: never() })
      expect(answer.status).toBe(200)
      expect(answer.header('Content-Length')).toBe(String(big.length))
      const { bytes, parsed, direct, kept, blocks } = await readAll(answer.body!)
      expect(bytes.equals(big)).toBe(true)
      // Past the read that held the headers, the body skips the parser and its copy...
      expect(direct).toBeGreaterThan(big.length * 0.9)
      expect(parsed + direct).toBe(big.length)
      expect(kept).toBe(0)
      // ...and its 6 MB go through two 2 MB blocks, each read into again once written.
      expect(blocks).toBeLessThanOrEqual(2)
    },
  )

  it('follows redirects, relative or not, and the Range header goes along', async () => {
    const answer = await nodeGet(`${base}/hop/4`, {
      headers: { Range: 'bytes=100-' },
      signal: never(),
    })
    expect(answer.status).toBe(206)
    expect((await readAll(answer.body!)).bytes.equals(sample.subarray(100))).toBe(true)
    expect(ranges.get('/video.mp4')).toEqual(['bytes=100-'])
    expect(ranges.get('/hop/0')).toEqual(['bytes=100-'])
  })

  it('a body of unannounced length comes through the parser, each copy freed when written', async () => {
    const answer = await nodeGet(`${base}/chunked`, { headers: {}, signal: never() })
    expect(answer.header('transfer-encoding')).toBe('chunked')
    const { bytes, parsed, direct } = await readAll(answer.body!)
    expect(bytes.equals(big)).toBe(true)
    expect(parsed).toBe(big.length)
    expect(direct).toBe(0)
  })

  it('a body read past the parser ends at its announced length, whatever follows it', async () => {
    const answer = await nodeGet(`${base}/long`, { headers: {}, signal: never() })
    const { bytes } = await readAll(answer.body!)
    expect(bytes.equals(sample)).toBe(true)
  })

  it(`gives up after ${MAX_REDIRECTS} redirects`, async () => {
    const error = await nodeGet(`${base}/loop`, { headers: {}, signal: never() }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(KlingApiError)
    expect(error).toMatchObject({ code: 'http', status: 301, mayHaveReachedServer: false })
    expect((error as Error).message).toMatch(/redirected more than 5 times/)
    expect(ranges.get('/loop')).toHaveLength(MAX_REDIRECTS + 1)
  })

  it('refuses a redirect from https down to plain http, and never asks the http address', async () => {
    const get = nodeGetTrusting({ ca: TEST_CERT })
    const error = await get(`${secure}/down`, { headers: {}, signal: never() }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'http', status: 302 })
    expect((error as Error).message).toMatch(/from https to plain http/)
    expect(ranges.get('/video.mp4')).toBeUndefined()
  })

  it('an unknown certificate is a network failure, not a download', async () => {
    const error = await downloadFile({
      url: `${secure}/video.mp4`,
      dest: join(dir, 'v.mp4'),
      attempts: 1,
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'network' })
    expect(ranges.get('/video.mp4')).toBeUndefined()
  })
})

describe('the socket reading into one reused buffer', () => {
  it('hands each read on in that buffer, and knows a view of it when it sees one', async () => {
    const { socket, holds } = slabSocket(new URL(`${rawBase}/x`))
    const reads: Uint8Array[] = []
    socket.on('data', (chunk: Uint8Array) => reads.push(chunk))
    socket.write('GET /x HTTP/1.1\r\nhost: x\r\n\r\n')
    await new Promise((r) => socket.once('end', r))
    expect(reads.length).toBeGreaterThan(0)
    // Every read is the same memory: whoever keeps one must copy it (node:http's parser does).
    expect(reads.every(holds)).toBe(true)
    expect(holds(Buffer.from(reads[0]!))).toBe(false)
  })
})

describe('downloadFile over it', () => {
  it('a connection that drops mid-body is resumed with Range; the file is exact', async () => {
    const dest = join(dir, 'cut.mp4')
    const result = await downloadFile({
      url: `${base}/cut.mp4`,
      dest,
      backoff: { baseMs: 1, maxMs: 2 },
    })
    expect(result).toMatchObject({ bytes: sample.length, resumes: 1 })
    expect((await readFile(dest)).equals(sample)).toBe(true)
    expect(ranges.get('/cut.mp4')).toEqual([undefined, 'bytes=10000-'])
  })

  it('a body shorter than its Content-Length, ended cleanly, is a dropped download', async () => {
    const error = await downloadFile({
      url: `${rawBase}/liar.mp4`,
      dest: join(dir, 'liar.mp4'),
      attempts: 1,
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'download', code: 'dropped' })
    expect((error as Error).message).toMatch(
      new RegExp(`${sample.length} of ${sample.length + 5000} bytes`),
    )
  })

  it('an abort ends the download as cancelled and closes the connection', async () => {
    const stop = new AbortController()
    const error = await downloadFile({
      url: `${base}/stall.mp4`,
      dest: join(dir, 'stall.mp4'),
      signal: stop.signal,
      onProgress: (p) => void (p.received > 0 && stop.abort()),
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'aborted' })
    await expect.poll(() => left.get('/stall.mp4')).toBe(1)
  })
})
