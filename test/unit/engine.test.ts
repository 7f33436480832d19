import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KlingTask } from '../../src/shared/kling'
import { KlingClient } from '../../src/main/kling/client'
import { KlingApiError } from '../../src/main/kling/errors'
import { backoffDelay, RETRY_AFTER_MAX_MS } from '../../src/main/kling/http'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker } from '../../src/main/tasks/tracker'
import { FakeClock } from '../fixtures/clock'

// A create is paid; a lookup is free. These pin down when a create may be sent again: only when
// it provably never arrived, or when the service answers (in JSON) that it holds no such task.
// A web page, a refusal, or a lookup that fails is never a reason to send again.

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const reset = () => {
  const error = new TypeError('fetch failed')
  ;(error as { cause?: unknown }).cause = Object.assign(new Error('socket hang up'), {
    code: 'ECONNRESET',
  })
  throw error
}
const created = (externalId: string) =>
  json(200, {
    code: 0,
    message: 'SUCCEED',
    request_id: 'rq-ok',
    data: {
      task_id: '878106242831892487',
      task_status: 'submitted',
      task_info: { external_task_id: externalId },
    },
  })

/** Scripted answers, in order, per method; records every request with its body. */
function server(script: { POST: (() => Response)[]; GET: (() => Response)[] }) {
  const calls: { method: string; url: string; body: string | null }[] = []
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    const method = init?.method ?? 'GET'
    calls.push({ method, url: String(url), body: (init?.body as string | undefined) ?? null })
    const next = script[method as 'POST' | 'GET'].shift()
    if (!next) throw new Error(`no answer scripted for ${method}`)
    return next()
  }
  const posts = () => calls.filter((c) => c.method === 'POST')
  return { fetch, calls, posts }
}

const client = (fetch: typeof globalThis.fetch, apiKey = 'sk-test-key') =>
  new KlingClient({ baseUrl: 'http://kling.test', apiKey, fetch, sleep: async () => {} })

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => e as KlingApiError,
  )

describe('client.create: when a create is sent again', () => {
  it('a lost answer, then a web page for the lookup: not sent again, the person is told', async () => {
    const s = server({
      POST: [reset],
      GET: [() => new Response('<html><title>404 Not Found</title></html>', { status: 404 })],
    })
    const error = await failureOf(client(s.fetch).create({ prompt: 'a heron' }))
    expect(error.kind).toBe('ambiguous_create')
    expect(error.message).toMatch(/It was not sent again/)
    expect(s.posts()).toHaveLength(1)
  })

  it('a lost answer, then "no such task" in JSON: sent again with the same external id', async () => {
    const s = server({
      POST: [reset, () => created('ks-fixed')],
      GET: [() => json(404, { code: 1202, message: 'task not found', request_id: 'rq-nf' })],
    })
    const result = await client(s.fetch).create({ prompt: 'a heron', external_task_id: 'ks-fixed' })
    expect(result.posts).toBe(2)
    const bodies = s.posts().map((c) => JSON.parse(c.body!).external_task_id)
    expect(bodies).toEqual(['ks-fixed', 'ks-fixed'])
    expect(s.calls.map((c) => c.method)).toEqual(['POST', 'GET', 'POST'])
  })

  it.each([
    [
      'a 500 whose code is invalid_request',
      () =>
        json(500, {
          error: {
            message: 'bad model (request id: rq-500)',
            type: 'comet_api_error',
            code: 'invalid_request',
          },
        }),
      'invalid_request',
    ],
    [
      'a 200 carrying 1102 (credits used up)',
      () => json(200, { code: 1102, message: 'credits used up', request_id: 'rq-1102' }),
      'insufficient_credit',
    ],
  ])('%s is final: one POST, no lookup', async (_name, answer, kind) => {
    const s = server({ POST: [answer], GET: [] })
    const error = await failureOf(client(s.fetch).create({ prompt: 'a heron' }))
    expect(error.kind).toBe(kind)
    expect(error.requestId).toMatch(/^rq-/)
    expect(s.calls).toHaveLength(1)
  })

  it('no key is final at once: nothing sent, no waiting', async () => {
    const waits: number[] = []
    const c = new KlingClient({
      baseUrl: 'http://kling.test',
      apiKey: '',
      fetch: async () => created('x'),
      sleep: async (ms) => void waits.push(ms),
    })
    expect((await failureOf(c.create({ prompt: 'a heron' }))).kind).toBe('authentication')
    expect(waits).toEqual([])
  })
})

/** A service the tracker talks to, scripted per call, on the fake clock. */
class ScriptedService {
  creates = 0
  finds = 0
  gets = 0
  find: () => Promise<KlingTask | null> = async () => null
  create: () => Promise<{ task: KlingTask }> = async () => {
    throw new KlingApiError({
      kind: 'ambiguous_create',
      message: 'lost',
      mayHaveReachedServer: true,
    })
  }
  get: () => Promise<KlingTask> = async () => this.task('processing')
  task(status: string, videos: KlingTask['videos'] = []): KlingTask {
    return {
      task_id: '42',
      task_status: status,
      task_status_msg: '',
      external_task_id: 'ks-1',
      videos,
      created_at: null,
      updated_at: null,
      final_unit_deduction: null,
      request_id: 'rq-task',
    }
  }
  readonly client = {
    create: async () => (
      this.creates++,
      { ...(await this.create()), externalTaskId: 'ks-1', reconciled: false, posts: 1 }
    ),
    findByExternalId: async () => (this.finds++, this.find()),
    getTask: async () => (this.gets++, this.get()),
  }
}

describe('tracker: unconfirmed creates and broken answers', () => {
  let dir: string
  let ledger: Ledger
  let clock: FakeClock
  let service: ScriptedService
  let tracker: Tracker

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kling-npt-'))
    ledger = new Ledger(join(dir, 'history.db'))
    clock = new FakeClock()
    service = new ScriptedService()
    tracker = new Tracker({
      ledger,
      client: service.client as never,
      library: {
        save: async () => ({ file: join(dir, 'v.mp4'), bytes: 1 }),
        exists: async () => false,
        adopt: async () => null,
      },
      emit: () => {},
      clock,
      random: () => 0.5,
      concurrency: 1,
    })
  })
  afterEach(async () => {
    await tracker.stop()
    ledger.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('sends an unconfirmed create again only a few times unasked, then only looks it up', async () => {
    const job = tracker.enqueue({ prompt: 'a heron' }, 'ks-1')
    await clock.advance(6 * 3_600_000)
    expect(ledger.get(job.id)!.state).toBe('needs_attention')
    // The first create, then three more, each after a lookup found nothing; then lookups only.
    expect(service.creates).toBe(4)
    expect(service.finds).toBeGreaterThan(10)
    const lookups = service.finds
    // The person chooses to send it again: one more create, after one more lookup.
    expect(tracker.resend(job.id)).toBe(true)
    await clock.advance(1_000)
    expect(service.creates).toBe(5)
    expect(service.finds).toBe(lookups + 1)
  })

  it('a refused lookup leaves a possibly paid create waiting for the person, not failed', async () => {
    const job = ledger.create({ request: { prompt: 'a heron' }, externalTaskId: 'ks-1' })
    ledger.setState(job.id, 'creating') // a crash after this: the POST may have left
    service.find = async () => {
      throw new KlingApiError({
        kind: 'authentication',
        status: 401,
        code: '1000',
        message: 'key being replaced',
        requestId: 'rq-401',
      })
    }
    tracker.start()
    await clock.advance(60_000)
    const after = ledger.get(job.id)!
    expect(after.state).toBe('needs_attention')
    expect(after.error?.request_id).toBe('rq-401')
    expect(service.creates).toBe(0)
  })

  it('a request refused before it left fails at once and frees its slot', async () => {
    service.create = async () => {
      throw new KlingApiError({
        kind: 'invalid_request',
        message: 'duration must be one of 5, 10',
        mayHaveReachedServer: false,
      })
    }
    const bad = tracker.enqueue({ prompt: 'a heron' }, 'ks-bad')
    await clock.advance(1_000)
    expect(ledger.get(bad.id)!.state).toBe('failed')
    service.create = async () => ({ task: service.task('submitted') })
    const good = tracker.enqueue({ prompt: 'an otter' }, 'ks-good')
    await clock.advance(1_000)
    expect(ledger.get(good.id)!.state).not.toBe('queued')
  })

  it('a succeed without a video, again and again, fails with the reason and request id', async () => {
    service.create = async () => ({ task: service.task('submitted') })
    service.get = async () => {
      throw new KlingApiError({
        kind: 'unreadable_response',
        code: 'no_video',
        status: null,
        message: 'task 42 reported succeed but sent no video',
        requestId: 'rq-nv',
      })
    }
    const job = tracker.enqueue({ prompt: 'a heron' }, 'ks-1')
    await clock.advance(10_000)
    // While it persists, the person sees what is wrong.
    const during = ledger.get(job.id)!
    expect(['submitted', 'failed']).toContain(during.state)
    expect(during.error?.request_id).toBe('rq-nv')
    await clock.advance(30 * 60_000)
    const after = ledger.get(job.id)!
    expect(after.state).toBe('failed')
    expect(after.statusMessage).toMatch(/no video/)
  })

  it('a web page instead of the API keeps a running task alive, with the problem shown', async () => {
    service.create = async () => ({ task: service.task('submitted') })
    service.get = async () => {
      throw new KlingApiError({
        kind: 'unreadable_response',
        status: 404,
        message: 'HTTP 404: the server answered with a web page',
        requestId: null,
      })
    }
    const job = tracker.enqueue({ prompt: 'a heron' }, 'ks-1')
    await clock.advance(60 * 60_000)
    const after = ledger.get(job.id)!
    expect(after.state).toBe('submitted')
    expect(after.error?.message).toMatch(/web page/)
    service.get = async () => service.task('processing')
    await clock.advance(60_000)
    expect(ledger.get(job.id)!.state).toBe('processing')
    expect(ledger.get(job.id)!.error).toBeNull()
  })
})

describe('backoff', () => {
  it('honours Retry-After, up to five minutes', () => {
    const backoff = { baseMs: 1_000, maxMs: 60_000 }
    expect(backoffDelay(1, backoff, () => 0, 12_000)).toBe(12_000)
    expect(backoffDelay(1, backoff, () => 0, 86_400_000)).toBe(RETRY_AFTER_MAX_MS)
    expect(backoffDelay(3, backoff, () => 1, null)).toBe(4_000)
  })
})
