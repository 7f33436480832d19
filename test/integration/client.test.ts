import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KlingClient, type KlingClientOptions } from '../../src/main/kling/client'
import { downloadFile } from '../../src/main/kling/download'
import { KlingApiError } from '../../src/main/kling/errors'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type FaultKind,
} from '../../src/main/emulator/server'

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

describe('KlingClient against the emulator (real loopback HTTP)', () => {
  it('creates with the documented body, waits, and downloads a real MP4', async () => {
    const e = await emulator()
    const c = client(e)
    const created = await c.create({ prompt: 'A happy scene of a vacation on the beach.' })
    expect(created.task.task_id).toMatch(/^\d{18,}$/)
    expect(created.task.task_status).toBe('submitted')
    expect(created.externalTaskId).toMatch(/^ks-/)
    expect(created).toMatchObject({ reconciled: false, posts: 1 })

    const seen: string[] = []
    const done = await c.wait(created.task.task_id, {
      onUpdate: (t) => seen.push(t.task_status),
      timeoutMs: 20_000,
    })
    expect(done.task_status).toBe('succeed')
    expect(done.external_task_id).toBe(created.externalTaskId)
    expect(seen.at(-1)).toBe('succeed')
    expect(done.videos).toHaveLength(1)

    const dest = join(dir, 'beach.mp4')
    const result = await downloadFile({ url: done.videos[0]!.url, dest })
    const bytes = await readFile(dest)
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp')
    expect(result.bytes).toBe(bytes.length)
    expect(await readdir(dir)).not.toContain('beach.mp4.part')

    const [view] = await inspect(e)
    expect(view).toMatchObject({
      task_id: created.task.task_id,
      create_requests: 1,
      task_status: 'succeed',
    })
    expect(view!.query_requests).toBe(seen.length)
  })

  it('finds a task by its external id', async () => {
    const e = await emulator()
    const c = client(e)
    const created = await c.create({ prompt: 'lookup', external_task_id: 'ks-lookup-1' })
    const found = await c.findByExternalId('ks-lookup-1')
    expect(found?.task_id).toBe(created.task.task_id)
    expect(await c.findByExternalId('ks-nobody')).toBeNull()
  })

  it('reports a failed task with its message', async () => {
    const e = await emulator()
    const c = client(e)
    const created = await c.create({ prompt: 'something [fail] here' })
    const done = await c.wait(created.task.task_id, { timeoutMs: 20_000 })
    expect(done.task_status).toBe('failed')
    expect(done.task_status_msg).not.toBe('')
    expect(done.videos).toEqual([])
  })

  it('rejects an invalid request locally, before any network call', async () => {
    const e = await emulator()
    const err = await client(e)
      .create({ prompt: 'x', aspect_ratio: '5:4' as never })
      .catch((x: unknown) => x)
    expect(err).toBeInstanceOf(KlingApiError)
    expect((err as KlingApiError).kind).toBe('invalid_request')
    expect((err as KlingApiError).message).toMatch(/aspect_ratio/)
    expect(await inspect(e)).toEqual([])
  })

  it('a wrong key is an authentication error with a request id, not retried', async () => {
    for (const errorStyle of ['kling', 'comet'] as const) {
      const e = await emulator({ key: 'right-key', errorStyle })
      const err = (await client(e, { apiKey: 'wrong-key' })
        .create({ prompt: 'x' })
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
      .getTask('1')
      .catch((x: unknown) => x)) as KlingApiError
    expect(JSON.stringify(err.toInfo())).not.toContain('distinctive')
    expect(err.describe()).not.toContain('distinctive')
  })

  it('a duplicate external id is reconciled to the existing task, not created again', async () => {
    const e = await emulator()
    const c = client(e)
    const first = await c.create({ prompt: 'dup', external_task_id: 'ks-dup-1' })
    const second = await c.create({ prompt: 'dup', external_task_id: 'ks-dup-1' })
    expect(second.task.task_id).toBe(first.task.task_id)
    expect(second.reconciled).toBe(true)
    const tasks = await inspect(e)
    expect(tasks).toHaveLength(1)
  })

  describe('every fault kind: the job ends with exactly one task', () => {
    const kinds: FaultKind[] = [
      'rate_limit',
      'server_500',
      'server_503',
      'server_504',
      'reset_before_create',
      'reset_after_create',
      'slow',
      'malformed',
    ]
    it.each(kinds)('%s on half of the requests', async (kind) => {
      const e = await emulator({ faultRate: 0.5, faultKinds: [kind], seed: 11, slowMs: 400 })
      const c = client(e, { requestTimeoutMs: 250, createAttempts: 12, queryAttempts: 12 })
      const jobs = Array.from({ length: 6 }, (_, i) => `ks-${kind}-${i}`)
      const results = await Promise.all(
        jobs.map((id) => c.create({ prompt: `job ${id}`, external_task_id: id })),
      )
      const tasks = await inspect(e)
      expect(tasks).toHaveLength(jobs.length)
      for (const [i, id] of jobs.entries()) {
        const matching = tasks.filter((t) => t.external_task_id === id)
        expect(matching).toHaveLength(1)
        expect(results[i]!.task.task_id).toBe(matching[0]!.task_id)
      }
      // The faults really happened: creates were resent, or reconciled after a lost answer.
      expect(results.some((r) => r.reconciled || r.posts > 1)).toBe(true)
      if (kind === 'reset_after_create' || kind === 'malformed') {
        expect(results.some((r) => r.reconciled)).toBe(true)
      }
      const done = await Promise.all(
        results.map((r) => c.wait(r.task.task_id, { timeoutMs: 30_000 })),
      )
      expect(done.every((t) => t.task_status === 'succeed')).toBe(true)
    })

    it('a create whose answer is lost and whose lookup fails is not re-sent: the person is asked', async () => {
      const e = await emulator({ faultRate: 1, faultKinds: ['reset_after_create'] })
      const err = (await client(e, { queryAttempts: 2 })
        .create({ prompt: 'lost', external_task_id: 'ks-lost-1' })
        .catch((x: unknown) => x)) as KlingApiError
      expect(err.kind).toBe('ambiguous_create')
      expect(err.message).toContain('ks-lost-1')
      const tasks = await inspect(e)
      expect(tasks).toHaveLength(1)
      expect(tasks[0]!.create_requests).toBe(1)
    })

    it('rate limits honour Retry-After', async () => {
      const e = await emulator({ faultRate: 1, faultKinds: ['rate_limit'], retryAfterSeconds: 2 })
      const delays: number[] = []
      const err = (await client(e, {
        createAttempts: 3,
        sleep: async (ms) => {
          delays.push(ms)
        },
      })
        .create({ prompt: 'x' })
        .catch((x: unknown) => x)) as KlingApiError
      expect(err.kind).toBe('rate_limited')
      expect(delays).toHaveLength(2)
      expect(delays.every((d) => d >= 2000)).toBe(true)
      expect(await inspect(e)).toEqual([])
    })
  })

  it('a refused connection is safe to resend and ends as a network error', async () => {
    const server: Server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as { port: number }
    await new Promise<void>((r) => server.close(() => r()))
    let posts = 0
    const err = (await client(
      { url: `http://127.0.0.1:${port}` },
      {
        createAttempts: 3,
        fetch: (input, init) => {
          posts++
          return fetch(input, init)
        },
      },
    )
      .create({ prompt: 'x' })
      .catch((x: unknown) => x)) as KlingApiError
    expect(err.kind).toBe('network')
    expect(err.mayHaveReachedServer).toBe(false)
    expect(posts).toBe(3)
  })

  it('a slow answer past the request timeout is a timeout', async () => {
    const e = await emulator({ faultRate: 1, faultKinds: ['slow'], slowMs: 1000 })
    const err = (await client(e, { requestTimeoutMs: 100, queryAttempts: 2 })
      .getTask('1')
      .catch((x: unknown) => x)) as KlingApiError
    expect(err.kind).toBe('timeout')
  })

  it('wait stops at its timeout and on abort', async () => {
    const e = await emulator({ timeScale: 1 })
    const c = client(e)
    const created = await c.create({ prompt: 'slow task' })
    const timedOut = (await c
      .wait(created.task.task_id, { timeoutMs: 300 })
      .catch((x: unknown) => x)) as KlingApiError
    expect(timedOut.kind).toBe('timeout')
    expect(timedOut.message).toContain(created.task.task_id)

    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const aborted = (await c
      .wait(created.task.task_id, { signal: controller.signal })
      .catch((x: unknown) => x)) as KlingApiError
    expect(aborted.kind).toBe('aborted')
  })
})

describe('downloadFile', () => {
  it('resumes truncated downloads with Range and ends with the exact file', async () => {
    // Every video answer is cut off halfway; API answers are clean.
    const e = await emulator({ downloadFaultRate: 1 })
    const c = client(e)
    const created = await c.create({ prompt: 'resume me', aspect_ratio: '9:16', duration: '10' })
    const done = await c.wait(created.task.task_id, { timeoutMs: 20_000 })
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
