import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { KlingApiError } from '../../src/main/kling/errors'
import { INCOMING_DIR, Library, type LibraryOptions } from '../../src/main/library/library'
import { mp4Flaw } from '../../src/main/library/mp4-facts'
import { finishedJob, stepper } from '../fixtures/fetch-step'
import { lieOn, pour, serveFile, withoutIndex } from '../fixtures/hostile-bodies'

// A hostile or broken video server on loopback, and the library saving from it: a body that never
// ends, a size announced past the cap, a trickle of a byte at a time, an attempt that outlives its
// deadline, a Content-Length that lies either way, an MP4 cut before its index, a page instead of
// a video. Each ends with a clear message, the right retry behaviour, and nothing false in the
// library. Limits are scaled down (1 MB cap, 300 ms windows) so it runs in moments; no assertion
// is about time.

const sample = await readFile(resolve('resources/samples/16x9-5s.mp4'))
const MAX = 1_000_000

const hits = new Map<string, number>()
let http: Server
let tcp: TcpServer
let base: string
let raw: string
let dir: string

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/good.mp4': (req, res) => serveFile(req, res, sample),
  '/endless.mp4': (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4' })
    res.write(sample.subarray(0, 32))
    pour(res, Buffer.alloc(64 * 1024), 0)
  },
  '/announced.mp4': (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(3_000_000_000) })
    res.flushHeaders()
  },
  '/trickle.mp4': (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(sample.length) })
    pour(res, Buffer.from([0]), 20)
  },
  '/steady.mp4': (_req, res) => {
    // Fast enough for the progress rule, endless enough to meet the deadline.
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(900_000) })
    pour(res, Buffer.alloc(2048), 5)
  },
  '/no-index.mp4': (req, res) => serveFile(req, res, withoutIndex(sample)),
  '/page.mp4': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<html><title>Sign in to the hotel wifi</title></html>')
  },
}

/** A server that lies about Content-Length, which Node's own server would not let it do. */
function lie(socket: Socket): void {
  socket.once('data', (head) => {
    const path = /^GET (\S+)/.exec(head.toString('latin1'))?.[1] ?? ''
    hits.set(path, (hits.get(path) ?? 0) + 1)
    // /short: announces more than it sends, then hangs up. /long: announces less than it sends.
    lieOn(socket, path === '/short.mp4' ? sample.length + 5000 : 20_000, sample)
  })
  socket.on('error', () => {})
}

beforeAll(async () => {
  http = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const route = routes[path]
    if (route) route(req, res)
    else res.writeHead(404).end()
  })
  tcp = createTcpServer(lie)
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`
  raw = `http://127.0.0.1:${(tcp.address() as { port: number }).port}`
})
afterAll(async () => {
  http.closeAllConnections()
  await new Promise((r) => http.close(r))
  await new Promise((r) => tcp.close(r))
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-hostile-'))
  hits.clear()
  return () => rm(dir, { recursive: true, force: true })
})

function library(over: Partial<NonNullable<LibraryOptions['download']>> = {}): Library {
  return new Library({
    root: join(dir, 'library'),
    download: {
      attempts: 2,
      backoff: { baseMs: 1, maxMs: 2 },
      idleTimeoutMs: 5_000,
      deadlineMs: 2_000,
      minProgress: { bytes: 4096, everyMs: 300 },
      maxBytes: MAX,
      ...over,
    },
  })
}

/** What the library folder holds: videos and sidecars, and partial downloads. */
async function contents(lib: Library) {
  const top = await readdir(lib.root).catch(() => [] as string[])
  const parts = await readdir(join(lib.root, INCOMING_DIR)).catch(() => [] as string[])
  return { kept: top.filter((n) => n !== INCOMING_DIR), parts }
}

/** One download step of a finished job whose video is at `url`. */
async function fetchFrom(url: string, over: Partial<NonNullable<LibraryOptions['download']>> = {}) {
  const lib = library(over)
  const s = stepper(finishedJob({ video: { id: 'v', url, duration: '5' } }), lib)
  const next = await s.step()
  return { lib, next, job: s.ctx.job, error: s.ctx.job.error }
}

describe('a hostile video server', () => {
  it('a good server: a whole MP4 and its sidecar, nothing partial left', async () => {
    const { lib, job } = await fetchFrom(`${base}/good.mp4`)
    expect(job.state).toBe('done')
    expect(await mp4Flaw(job.file!)).toBeNull()
    expect(Buffer.compare(await readFile(job.file!), sample)).toBe(0)
    const name = basename(job.file!)
    expect(name).toMatch(/^2026-11-2\d \d{4} a heron at dawn 878106242831892487 3f2a9c1e\.mp4$/)
    expect(await contents(lib)).toEqual({
      kept: [name.replace(/\.mp4$/, '.json'), name],
      parts: [],
    })
  })

  it('an endless body is stopped at the cap, not retried, and nothing is kept', async () => {
    const { lib, next, job, error } = await fetchFrom(`${base}/endless.mp4`)
    expect(error).toMatchObject({ kind: 'download', code: 'too_large' })
    expect(error!.message).toMatch(/sent more than 1 MB \(no Kling result is that large\); stopped/)
    expect(hits.get('/endless.mp4')).toBe(1)
    // A wrong file: asked for again later, much later than a dropped connection.
    expect(job.state).toBe('downloading')
    expect((next as { after: number }).after).toBeGreaterThanOrEqual(30_000)
    expect(await contents(lib)).toEqual({ kept: [], parts: [] })
  })

  it('a size announced past the cap is refused before a byte is written', async () => {
    const { lib, error } = await fetchFrom(`${base}/announced.mp4`)
    expect(error!.message).toMatch(/announced 3 GB, more than the 1 MB a video may be/)
    expect(hits.get('/announced.mp4')).toBe(1)
    expect(await contents(lib)).toEqual({ kept: [], parts: [] })
  })

  it('a trickle is cut, resumed once, and reported as too slow; its partial kept to resume', async () => {
    const { lib, job, error } = await fetchFrom(`${base}/trickle.mp4`)
    expect(error).toMatchObject({ kind: 'download', code: 'too_slow' })
    expect(error!.message).toMatch(/sent only \d+ bytes in 0\.3 s, too slow to finish/)
    expect(error!.message).not.toMatch(/could not reach the server/)
    expect(hits.get('/trickle.mp4')).toBe(2)
    expect(job.state).toBe('downloading')
    const { kept, parts } = await contents(lib)
    expect(kept).toEqual([])
    expect(parts).toHaveLength(1)
  })

  it('an attempt that outlives its deadline is cut with a message saying so', async () => {
    // Only the deadline can cut it: any progress at all counts.
    const { lib, error } = await fetchFrom(`${base}/steady.mp4`, {
      attempts: 1,
      minProgress: { bytes: 1, everyMs: 300 },
    })
    expect(error).toMatchObject({ code: 'too_slow' })
    expect(error!.message).toMatch(/did not finish within 2 s \([\d.]+ (KB|bytes) arrived\)/)
    expect((await contents(lib)).kept).toEqual([])
  })

  it('a body shorter than its Content-Length is retried, then reported as cut off', async () => {
    const { lib, job, error } = await fetchFrom(`${raw}/short.mp4`)
    expect(error).toMatchObject({ kind: 'download', code: 'dropped' })
    expect(error!.message).toMatch(/dropped after \d+ of 32135 bytes|ended early/)
    expect(hits.get('/short.mp4')).toBe(2)
    expect(job.state).toBe('downloading')
    expect((await contents(lib)).kept).toEqual([])
  })

  it('a Content-Length shorter than the video: the file is cut short, and refused', async () => {
    const { lib, error } = await fetchFrom(`${raw}/long.mp4`)
    expect(error).toMatchObject({ kind: 'download', code: 'mp4_truncated' })
    expect(error!.message).toMatch(/cut short .* it was not kept/)
    expect(hits.get('/long.mp4')).toBe(1)
    expect(await contents(lib)).toEqual({ kept: [], parts: [] })
  })

  it('an MP4 cut before its index is refused, not saved as a video', async () => {
    const { lib, error } = await fetchFrom(`${base}/no-index.mp4`)
    expect(error).toMatchObject({ kind: 'download', code: 'mp4_no_index' })
    expect(error!.message).toMatch(/only starts like an MP4/)
    expect(await contents(lib)).toEqual({ kept: [], parts: [] })
  })

  it('a web page instead of a video is refused', async () => {
    const { lib, error } = await fetchFrom(`${base}/page.mp4`)
    expect(error).toMatchObject({ kind: 'download', code: 'not_mp4' })
    expect(await contents(lib)).toEqual({ kept: [], parts: [] })
  })

  it('a server that is not there is a network error, still tried again', async () => {
    const { error, job } = await fetchFrom('http://127.0.0.1:1/v.mp4')
    expect(error).toMatchObject({ kind: 'network' })
    expect(job.state).toBe('downloading')
  })

  it('downloadFile alone throws the same typed failures', async () => {
    const lib = library()
    const err = (await lib
      .save(finishedJob({ video: { id: 'v', url: `${base}/page.mp4`, duration: '5' } }))
      .catch((e: unknown) => e)) as KlingApiError
    expect(err).toBeInstanceOf(KlingApiError)
    expect(err.code).toBe('not_mp4')
    await expect(stat(join(lib.root, INCOMING_DIR))).resolves.toBeTruthy()
  })
})
