import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KlingClient, type KlingClientOptions } from '../../src/main/kling/client'
import { downloadFile } from '../../src/main/kling/download'
import { KlingApiError } from '../../src/main/kling/errors'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/main/emulator/server'
import type { VideoKind } from '../../src/shared/kling'

interface TaskView {
  task_id: string
  external_task_id: string | null
  task_status: string
  create_requests: number
  query_requests: number
}

const running: Emulator[] = []
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-client-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()))
})

async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ timeScale: 600, seed: 7, ...options })
  running.push(e)
  return e
}

async function inspect(e: Emulator): Promise<TaskView[]> {
  const res = await fetch(`${e.url}/__emulator/tasks`)
  return (await res.json()) as TaskView[]
}

/** A client with quick backoff, so fault tests take milliseconds rather than minutes. */
function client(e: { url: string }, extra: Partial<KlingClientOptions> = {}): KlingClient {
  return new KlingClient({
    baseUrl: e.url,
    apiKey: 'test-key',
    requestTimeoutMs: 2_000,
    backoff: { baseMs: 5, maxMs: 40 },
    sleep: (ms, signal) =>
      new Promise((r, j) => {
        const t = setTimeout(r, Math.min(ms, 50))
        signal?.addEventListener('abort', () => {
          clearTimeout(t)
          j(new KlingApiError({ kind: 'aborted', message: 'cancelled' }))
        })
      }),
    ...extra,
  })
}

/** Asks until the task ends: what the engine's poll step does, without its policy. */
async function finished(c: KlingClient, taskId: string, kind: VideoKind = 'text2video') {
  for (;;) {
    const t = await c.videos.get(kind, taskId)
    if (t.task_status === 'succeed' || t.task_status === 'failed') return t
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('KlingClient against the emulator (real loopback HTTP)', () => {
  it('creates with the documented body, follows it, and downloads a real MP4', async () => {
    const e = await emulator()
    const c = client(e)
    const created = await c.videos.create('text2video', {
      prompt: 'A happy scene of a vacation on the beach.',
      external_task_id: 'ks-beach',
    })
    expect(created.task_id).toMatch(/^\d{18,}$/)
    expect(created.task_status).toBe('submitted')
    const done = await finished(c, created.task_id)
    expect(done.task_status).toBe('succeed')
    expect(done.external_task_id).toBe('ks-beach')
    expect(done.videos).toHaveLength(1)

    const dest = join(dir, 'beach.mp4')
    const result = await downloadFile({ url: done.videos[0]!.url, dest })
    const bytes = await readFile(dest)
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp')
    expect(result.bytes).toBe(bytes.length)
    expect(await readdir(dir)).not.toContain('beach.mp4.part')
    const [view] = await inspect(e)
    expect(view).toMatchObject({
      task_id: created.task_id,
      create_requests: 1,
      task_status: 'succeed',
    })
  })

  it("sends a create exactly once, whatever happens: resending is the engine's decision", async () => {
    const e = await emulator({ faultRate: 1, faultKinds: ['server_503'] })
    let posts = 0
    const c = client(e, {
      fetch: (input, init) => {
        if (init.method === 'POST') posts++
        return fetch(input, init)
      },
    })
    const err = (await c.videos
      .create('text2video', { prompt: 'x' })
      .catch((x: unknown) => x)) as KlingApiError
    expect(err.kind).toBe('server')
    expect(posts).toBe(1)
  })

  it('finds a task by its external id, and says null only for a JSON "no such task"', async () => {
    const e = await emulator()
    const c = client(e)
    const created = await c.videos.create('text2video', {
      prompt: 'lookup',
      external_task_id: 'ks-lookup-1',
    })
    expect((await c.videos.find('text2video', 'ks-lookup-1'))?.task_id).toBe(created.task_id)
    expect(await c.videos.find('text2video', 'ks-nobody')).toBeNull()
    const page = (await client({ url: `${e.url}/not-the-api` })
      .videos.find('text2video', 'ks-nobody')
      .catch((x: unknown) => x)) as KlingApiError
    expect(page.kind).toBe('unreadable_response')
  })

  it('asks each endpoint at its own path', async () => {
    const e = await emulator()
    const c = client(e)
    const created = await c.videos.create('text2video', {
      prompt: 'own path',
      external_task_id: 'ks-own',
    })
    expect((await c.videos.get('text2video', created.task_id)).task_id).toBe(created.task_id)
    const elsewhere = (await c.videos
      .get('image2video', created.task_id)
      .catch((x: unknown) => x)) as KlingApiError
    expect(elsewhere.kind).toBe('not_found')
  })

  it('reports a failed task with its message', async () => {
    const e = await emulator()
    const c = client(e)
    const created = await c.videos.create('text2video', { prompt: 'something [fail] here' })
    const done = await finished(c, created.task_id)
    expect(done.task_status).toBe('failed')
    expect(done.task_status_msg).not.toBe('')
    expect(done.videos).toEqual([])
  })

  it('a wrong key is an authentication error with a request id, not retried', async () => {
    for (const errorStyle of ['kling', 'comet'] as const) {
      const e = await emulator({ key: 'right-key', errorStyle })
      const err = (await client(e, { apiKey: 'wrong-key' })
        .videos.create('text2video', { prompt: 'x' })
        .catch((x: unknown) => x)) as KlingApiError
      expect(err.kind).toBe('authentication')
      expect(err.status).toBe(401)
      expect(err.requestId).toBeTruthy()
      expect(await inspect(e)).toEqual([])
    }
  })

  it('never sends the key anywhere but the Authorization header', async () => {
    const e = await emulator({ key: 'sk-distinctive-9f3a' })
    const err = (await client(e, { apiKey: 'sk-wrong-distinctive-77' })
      .videos.get('text2video', '1')
      .catch((x: unknown) => x)) as KlingApiError
    expect(JSON.stringify(err.toInfo())).not.toContain('distinctive')
    expect(err.describe()).not.toContain('distinctive')
  })

  it.each([
    ['plain http off this computer', 'http://api.example.com'],
    ['a URL with a user name', 'https://user:pw@api.example.com'],
    ['a URL with a user name only', 'https://sk@api.example.com'],
  ])('refuses to send the key to %s, before any connection', async (_n, baseUrl) => {
    let fetched = 0
    const c = new KlingClient({
      baseUrl,
      apiKey: 'sk-secret',
      fetch: async () => (fetched++, new Response('{}')),
    })
    const err = (await c.videos.get('text2video', '1').catch((x: unknown) => x)) as KlingApiError
    expect(err.kind).toBe('invalid_request')
    expect(err.mayHaveReachedServer).toBe(false)
    expect(err.message).not.toContain('sk-secret')
    expect(fetched).toBe(0)
  })

  it('a refused connection is a network error that never reached the server', async () => {
    const server: Server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as { port: number }
    await new Promise<void>((r) => server.close(() => r()))
    const err = (await client({ url: `http://127.0.0.1:${port}` })
      .videos.create('text2video', { prompt: 'x' })
      .catch((x: unknown) => x)) as KlingApiError
    expect(err.kind).toBe('network')
    expect(err.mayHaveReachedServer).toBe(false)
  })

  it('queries retry passing faults and honour Retry-After', async () => {
    const e = await emulator({ faultRate: 1, faultKinds: ['rate_limit'], retryAfterSeconds: 2 })
    const delays: number[] = []
    const err = (await client(e, { queryAttempts: 3, sleep: async (ms) => void delays.push(ms) })
      .videos.get('text2video', '1')
      .catch((x: unknown) => x)) as KlingApiError
    expect(err.kind).toBe('rate_limited')
    expect(delays).toHaveLength(2)
    expect(delays.every((d) => d >= 2000)).toBe(true)
  })

  it('a slow answer past the request timeout is a timeout', async () => {
    const e = await emulator({ faultRate: 1, faultKinds: ['slow'], slowMs: 1000 })
    const err = (await client(e, { requestTimeoutMs: 100, queryAttempts: 2 })
      .videos.get('text2video', '1')
      .catch((x: unknown) => x)) as KlingApiError
    expect(err.kind).toBe('timeout')
  })
})

describe('downloadFile', () => {
  it('resumes truncated downloads with Range and ends with the exact file', async () => {
    // Every video answer is cut off halfway; API answers are clean.
    const e = await emulator({ downloadFaultRate: 1 })
    const c = client(e)
    const created = await c.videos.create('text2video', {
      prompt: 'resume me',
      aspect_ratio: '9:16',
      duration: '10',
    })
    const done = await finished(c, created.task_id)
    const dest = join(dir, 'resumed.mp4')
    const progress: number[] = []
    const result = await downloadFile({
      url: done.videos[0]!.url,
      dest,
      attempts: 200,
      backoff: { baseMs: 1, maxMs: 2 },
      onProgress: (p) => progress.push(p.received),
    })
    expect(result.resumes).toBeGreaterThan(3)
    const reference = await readFile(resolve('resources/samples/9x16-10s.mp4'))
    expect(Buffer.compare(await readFile(dest), reference)).toBe(0)
    expect(progress.at(-1)).toBe(reference.length)
    expect(await readdir(dir)).not.toContain('resumed.mp4.part')
  })

  it('an expired link is final and leaves no file', async () => {
    const e = await emulator()
    const dest = join(dir, 'expired.mp4')
    const err = (await downloadFile({ url: `${e.url}/__emulator/videos/0.mp4`, dest }).catch(
      (x: unknown) => x,
    )) as KlingApiError
    expect(err.kind).toBe('download')
    expect(err.status).toBe(404)
    await expect(stat(dest)).rejects.toThrow()
    await expect(stat(`${dest}.part`)).rejects.toThrow()
  })

  it('a file that is not an MP4 is refused and removed', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '27' })
      res.end('<html>Signed out</html>....')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as { port: number }
    const dest = join(dir, 'notvideo.mp4')
    try {
      const err = (await downloadFile({ url: `http://127.0.0.1:${port}/v.mp4`, dest }).catch(
        (x: unknown) => x,
      )) as KlingApiError
      expect(err.message).toMatch(/not an MP4/)
      await expect(stat(dest)).rejects.toThrow()
      await expect(stat(`${dest}.part`)).rejects.toThrow()
    } finally {
      server.close()
    }
  })
})
