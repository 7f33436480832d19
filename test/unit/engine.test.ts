import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KlingTask } from '../../src/shared/kling'
import { KlingApiError } from '../../src/main/kling/errors'
import { backoffDelay, RETRY_AFTER_MAX_MS } from '../../src/main/kling/http'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker } from '../../src/main/tasks/tracker'
import { AUTO_RESENDS, CREATE_POSTS } from '../../src/main/tasks/steps/submit'
import { FakeClock } from '../fixtures/clock'

// The engine around the submit step (whose rules test/unit/submit.test.ts pins down one by one):
// unconfirmed creates over hours of a fake clock, refused lookups, broken answers while polling.

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
    baseUrl: 'https://kling.test',
    videos: {
      create: async () => (this.creates++, (await this.create()).task),
      find: async () => (this.finds++, this.find()),
      get: async () => (this.gets++, this.get()),
    },
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
    const job = tracker.enqueue({ request: { prompt: 'a heron' }, externalTaskId: 'ks-1' })
    await clock.advance(6 * 3_600_000)
    expect(ledger.get(job.id)!.state).toBe('needs_attention')
    // Up to CREATE_POSTS creates, each after a lookup found nothing; then AUTO_RESENDS more from
    // needs_attention; then lookups only.
    expect(service.creates).toBe(CREATE_POSTS + AUTO_RESENDS)
    expect(service.finds).toBeGreaterThan(10)
    const lookups = service.finds
    // The person chooses to send it again: one more create, after one more lookup (and one after
    // it, since its answer too is lost).
    expect(tracker.resend(job.id)).toBe(true)
    await clock.advance(1_000)
    expect(service.creates).toBe(CREATE_POSTS + AUTO_RESENDS + 1)
    expect(service.finds).toBe(lookups + 2)
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
    const bad = tracker.enqueue({ request: { prompt: 'a heron' }, externalTaskId: 'ks-bad' })
    await clock.advance(1_000)
    expect(ledger.get(bad.id)!.state).toBe('failed')
    service.create = async () => ({ task: service.task('submitted') })
    const good = tracker.enqueue({ request: { prompt: 'an otter' }, externalTaskId: 'ks-good' })
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
    const job = tracker.enqueue({ request: { prompt: 'a heron' }, externalTaskId: 'ks-1' })
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
    const job = tracker.enqueue({ request: { prompt: 'a heron' }, externalTaskId: 'ks-1' })
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
