import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KlingApiError } from '../../src/main/kling/errors'
import { FakeClock } from '../fixtures/clock'
import { FakeService } from '../fixtures/fake-service'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker } from '../../src/main/tasks/tracker'

// The tracker's timing, on a fake clock: the global request budget, 1303 re-queueing, poll
// spacing, suspend and wake. Minutes of service time run in milliseconds.

let dir: string
let ledger: Ledger
let clock: FakeClock

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-clock-'))
  clock = new FakeClock()
  ledger = new Ledger(join(dir, 'history.db'), clock.now)
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

function tracker(
  service: FakeService,
  options: Partial<ConstructorParameters<typeof Tracker>[0]> = {},
): Tracker {
  return new Tracker({
    ledger,
    client: service,
    library: {
      save: async (job) => ({ file: `/lib/${job.id}.mp4`, bytes: 1 }),
      exists: async () => false,
      adopt: async () => null,
    },
    emit: () => {},
    clock,
    random: () => 0.5,
    ...options,
  })
}

describe('Tracker timing (fake clock)', () => {
  it('keeps 100 live tasks under one global request budget', async () => {
    const service = new FakeService(clock, 3_600_000)
    const t = tracker(service, { concurrency: 100, requestsPerSecond: 4, burst: 8 })
    for (let i = 0; i < 100; i++)
      t.enqueue({ request: { prompt: `batch ${i}` }, externalTaskId: `ks-b${i}` })
    await clock.advance(400_000)
    const start = service.calls[0]!.at
    // In every 10 s window, at most the burst plus 4 per second: polls and creates share it.
    for (let w = 0; w < 390_000; w += 1_000) {
      const n = service.calls.filter((c) => c.at >= start + w && c.at < start + w + 10_000).length
      expect(n).toBeLessThanOrEqual(8 + 40)
    }
    expect(service.calls.filter((c) => c.kind === 'create')).toHaveLength(100)
    await t.stop()
  })

  it('puts a 1303 (too many parallel tasks) back in line with backoff, without a lookup', async () => {
    const service = new FakeService(clock, 100_000)
    const busy = () =>
      new KlingApiError({
        kind: 'too_many_tasks',
        message: 'parallel task over resource pack limit',
        status: 429,
        code: '1303',
        requestId: 'r1303',
      })
    service.createFailures.push(busy(), busy())
    const t = tracker(service, { requeueBackoff: { baseMs: 5_000, maxMs: 60_000 } })
    const job = t.enqueue({ request: { prompt: 'wait your turn' }, externalTaskId: 'ks-1303' })
    await clock.advance(1_000)
    expect(ledger.get(job.id)).toMatchObject({
      state: 'queued',
      error: { code: '1303', request_id: 'r1303' },
    })
    await clock.advance(30_000)
    const creates = service.calls.filter((c) => c.kind === 'create')
    expect(creates.length).toBe(3)
    // A 1303 is a "no", not a maybe: nothing is looked up before it is sent again.
    expect(service.calls.filter((c) => c.kind === 'find')).toEqual([])
    expect(creates[1]!.at - creates[0]!.at).toBeGreaterThanOrEqual(2_500)
    expect(ledger.get(job.id)!.state).toBe('processing')
    expect(service.tasks.size).toBe(1)
    await t.stop()
  })

  it('notices a finish within seconds, with far fewer queries than fixed 1 s polling', async () => {
    const service = new FakeService(clock, 200_000)
    const t = tracker(service)
    const job = t.enqueue({ request: { prompt: 'one task' }, externalTaskId: 'ks-one' })
    await clock.advance(400_000)
    const finishedAt = service.tasks.get('1')!.created + 200_000
    const gets = service.calls.filter((c) => c.kind === 'get')
    const detected = gets.find((c) => c.at >= finishedAt)!
    expect(detected.at - finishedAt).toBeLessThanOrEqual(6_000)
    expect(gets.length).toBeLessThan(60)
    expect(ledger.get(job.id)!.state).toBe('done')
    // Dense early, sparse in the quiet stretch after the first 20 s.
    const gaps = gets.slice(1).map((c, i) => c.at - gets[i]!.at)
    expect(Math.max(...gaps)).toBeGreaterThan(10_000)
    await t.stop()
  })

  it('asks nothing while the system sleeps, and catches up on wake', async () => {
    const service = new FakeService(clock, 600_000)
    const t = tracker(service)
    t.enqueue({ request: { prompt: 'sleepy' }, externalTaskId: 'ks-sleep' })
    await clock.advance(60_000)
    t.suspend()
    const before = service.calls.length
    await clock.advance(300_000)
    expect(service.calls.length).toBe(before)
    t.wake()
    await clock.advance(10)
    expect(service.calls.length).toBe(before + 1)
    await t.stop()
  })
})
