import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobTrouble } from '../../src/shared/contract'
import { seededRandom } from '../../src/shared/seeded-random'
import { Ledger } from '../../src/main/tasks/ledger'
import { STEP_RETRY, TROUBLE_TEXT } from '../../src/main/tasks/step-trouble'
import { Tracker, type TrackerEvent } from '../../src/main/tasks/tracker'
import { FakeClock } from '../fixtures/clock'
import { FakeService } from '../fixtures/fake-service'

// A step whose write the history refuses, on a real history file and a fake clock: another
// connection holds the write lock (BEGIN IMMEDIATE, as another program writing would), so the
// engine's write fails with SQLITE_BUSY once the busy wait runs out. The step is tried again
// ever later, the window told why and when; nothing is sent while the job cannot be written
// down; once the lock goes the job runs to its end and the trouble is cleared. A later trouble
// starts again from the shortest wait.

let dir: string
let file: string
let ledger: Ledger
let clock: FakeClock
let other: DatabaseSync

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-trouble-'))
  file = join(dir, 'history.db')
  clock = new FakeClock()
  ledger = new Ledger(file, clock.now)
  // The busy wait the app gives another writer (5 s of real time) cut short: the test's time is fake.
  ledger.db.exec('PRAGMA busy_timeout = 1')
  other = new DatabaseSync(file)
})
afterEach(async () => {
  if (other.isTransaction) other.exec('ROLLBACK')
  other.close()
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

/** Another program takes the history's write lock, and keeps it until `release`. */
const hold = () => other.exec('BEGIN IMMEDIATE')
const release = () => other.exec('ROLLBACK')

function engine(
  service: FakeService,
  events: { at: number; event: TrackerEvent }[],
  told: (event: TrackerEvent) => void = () => {},
): Tracker {
  return new Tracker({
    ledger,
    client: service,
    library: {
      save: async (job) => ({ file: `/lib/${job.id}.mp4`, bytes: 1 }),
      exists: async () => false,
      adopt: async () => null,
    },
    emit: (event) => {
      events.push({ at: clock.now(), event })
      told(event)
    },
    clock,
    random: seededRandom(42),
  })
}

type Told = { at: number; jobId: string; trouble: JobTrouble | null }
const troublesIn = (events: { at: number; event: TrackerEvent }[]): Told[] =>
  events.flatMap(({ at, event }) =>
    event.type === 'trouble' ? [{ at, jobId: event.jobId, trouble: event.trouble }] : [],
  )

describe('a step the history refuses', () => {
  it('a failed read of past durations (which spaces the next query) is a trouble too, not a job left for good', async () => {
    const service = new FakeService(clock, 60_000)
    const events: { at: number; event: TrackerEvent }[] = []
    const t = engine(service, events)
    const durations = ledger.durations.bind(ledger)
    let failures = 1
    ledger.durations = (...args: Parameters<typeof durations>) => {
      if (failures-- > 0)
        throw Object.assign(new Error('disk I/O error'), { code: 'ERR_SQLITE_ERROR', errcode: 10 })
      return durations(...args)
    }
    const job = t.enqueue({
      request: { prompt: 'durations unread' },
      externalTaskId: 'ks-durations',
    })
    await clock.advance(10 * 60_000)
    expect(ledger.get(job.id)!.state).toBe('done')
    expect(troublesIn(events).map((e) => e.trouble?.kind ?? null)).toEqual(['write', null])
    expect(service.creates).toBe(1)
    await t.stop()
  })

  it('is tried again ever later while the history is locked, then runs on and the trouble goes', async () => {
    const service = new FakeService(clock, 60_000)
    const events: { at: number; event: TrackerEvent }[] = []
    const t = engine(service, events)
    const job = t.enqueue({ request: { prompt: 'a locked history' }, externalTaskId: 'ks-locked' })
    hold()
    await clock.advance(4 * 60_000)

    const told = troublesIn(events)
    expect(told.length).toBeGreaterThanOrEqual(8)
    told.forEach(({ at, jobId, trouble }, i) => {
      expect(jobId).toBe(job.id)
      expect(trouble).toMatchObject({
        kind: 'locked',
        message: TROUBLE_TEXT.locked,
        attempts: i + 1,
      })
      // Full waits: each within its ceiling (1 s, 2 s, 4 s ... a minute at most), jittered.
      const ceiling = Math.min(STEP_RETRY.maxMs, STEP_RETRY.baseMs * 2 ** i)
      const wait = trouble!.retryAt - at
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2)
      expect(wait).toBeLessThanOrEqual(ceiling)
      // The next try came when it said.
      if (i > 0) expect(at).toBe(told[i - 1]!.trouble!.retryAt)
    })
    const waits = told.map(({ at, trouble }) => trouble!.retryAt - at)
    for (let i = 1; i < 6; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]!)
    // Nothing was sent: the job is written down (`creating`) before its create, and could not be.
    expect(service.creates).toBe(0)
    expect(ledger.get(job.id)!.state).toBe('queued')
    expect(t.troublesNow()).toEqual({ [job.id]: told.at(-1)!.trouble })

    release()
    await clock.advance(5 * 60_000)
    expect(ledger.get(job.id)!.state).toBe('done')
    expect(service.creates).toBe(1)
    const after = troublesIn(events).slice(told.length)
    // Cleared by the first step that went through (the send), long before the job's end.
    expect(after).toEqual([{ at: told.at(-1)!.trouble!.retryAt, jobId: job.id, trouble: null }])
    expect(t.troublesNow()).toEqual({})
    await t.stop()
  })

  it('starts again from the shortest wait after a step went through', async () => {
    const service = new FakeService(clock, 60_000)
    const events: { at: number; event: TrackerEvent }[] = []
    let phase: 'first' | 'second' = 'first'
    // In the second trouble, the lock goes as soon as the window has been told of it.
    const t = engine(service, events, (event) => {
      if (phase === 'second' && event.type === 'trouble' && event.trouble) release()
    })
    const job = t.enqueue({ request: { prompt: 'locked twice' }, externalTaskId: 'ks-twice' })
    hold()
    await clock.advance(20_000)
    const first = troublesIn(events)
    expect(first.at(-1)!.trouble!.attempts).toBeGreaterThanOrEqual(4)
    release()
    // Locked again as the task's success comes in: the write of `downloading` is refused.
    let locks = 0
    service.onGet = (status) => {
      if (status === 'succeed' && locks++ === 0) hold()
    }
    phase = 'second'
    events.length = 0
    await clock.advance(10 * 60_000)
    expect(ledger.get(job.id)!.state).toBe('done')
    const second = troublesIn(events)
    // Cleared once the first step went through, then one new trouble at its first try, cleared.
    expect(second.map((e) => e.trouble && e.trouble.attempts)).toEqual([null, 1, null])
    expect(second[1]!.trouble!.retryAt - second[1]!.at).toBeLessThanOrEqual(STEP_RETRY.baseMs)
    expect(service.creates).toBe(1)
    await t.stop()
  })
})
