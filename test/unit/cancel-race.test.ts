import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KlingTask } from '../../src/shared/kling'
import { KlingApiError } from '../../src/main/kling/errors'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker } from '../../src/main/tasks/tracker'
import { FakeClock } from '../fixtures/clock'

// Cancelling a waiting job against the engine claiming it at the same moment, on a real ledger
// and a fake clock: the ledger decides (a step writes `creating` before it sends; a cancel
// removes only a job still `queued`), so whichever comes first wins and no create is ever sent
// for a job that is gone. Cancel here is what the app's runner does: the ledger's removeQueued,
// then the engine drops the job.

const task = (ext: string, status = 'submitted'): KlingTask => ({
  task_id: `t-${ext}`,
  task_status: status,
  task_status_msg: '',
  external_task_id: ext,
  videos: [],
  created_at: null,
  updated_at: null,
  final_unit_deduction: null,
  request_id: 'rq-1',
})

let dir: string
let ledger: Ledger
let clock: FakeClock
let tracker: Tracker
/** External ids of every create sent, in order. */
let sent: string[]
let createAnswer: (ext: string) => Promise<KlingTask>
let log: string[]

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cancel-'))
  ledger = new Ledger(join(dir, 'history.db'))
  clock = new FakeClock()
  sent = []
  log = []
  createAnswer = async (ext) => task(ext)
  tracker = new Tracker({
    ledger,
    client: {
      baseUrl: 'https://kling.test',
      videos: {
        create: async (_kind: string, body: Record<string, unknown>) => {
          const ext = String(body.external_task_id)
          sent.push(ext)
          return createAnswer(ext)
        },
        find: async () => null,
        get: async (_kind: string, id: string) => task(id.slice(2), 'processing'),
      },
    } as never,
    library: {
      save: async () => ({ file: join(dir, 'v.mp4'), bytes: 1 }),
      exists: async () => false,
      adopt: async () => null,
    },
    emit: () => {},
    clock,
    random: () => 0.5,
    concurrency: 1,
    log: (line) => log.push(line),
  })
})
afterEach(async () => {
  await tracker.stop()
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

function cancel(id: string) {
  const result = ledger.removeQueued(id)
  if (result.removed) tracker.drop(id)
  return result
}

const enqueue = (ext: string) => tracker.enqueue({ request: { prompt: ext }, externalTaskId: ext })

describe('cancel against the scheduler', () => {
  it('a job given a slot whose step has not run yet is dropped, and its slot goes to the next', async () => {
    const a = enqueue('ks-a')
    // The scheduler gave it the one slot; its step is due but has not run: nothing sent yet.
    expect(tracker.stats()).toMatchObject({ running: 1, queued: 0 })
    expect(cancel(a.id)).toEqual({ removed: true })
    expect(tracker.stats()).toMatchObject({ running: 0, queued: 0 })
    const b = enqueue('ks-b')
    await clock.advance(60_000)
    expect(sent).toEqual(['ks-b'])
    expect(ledger.get(a.id)).toBeNull()
    expect(ledger.history(a.id)).toEqual([])
    expect(ledger.get(b.id)!.state).toBe('processing')
  })

  it('a job whose step has claimed it (written creating, its create on the way) is not dropped', async () => {
    let answer!: (t: KlingTask) => void
    createAnswer = () => new Promise((resolve) => (answer = resolve))
    const a = enqueue('ks-a')
    await clock.advance(0)
    expect(sent).toEqual(['ks-a'])
    const refused = cancel(a.id)
    expect(refused.removed).toBe(false)
    expect(!refused.removed && refused.job!.state).toBe('creating')
    answer(task('ks-a'))
    await clock.advance(60_000)
    expect(ledger.get(a.id)!.state).toBe('processing')
    expect(sent).toEqual(['ks-a'])
  })

  it('a job back in line after a definite refusal (1303: nothing created) can be dropped', async () => {
    createAnswer = async () => {
      throw new KlingApiError({
        kind: 'too_many_tasks',
        status: 429,
        code: '1303',
        message: 'parallel task over resource pack limit',
        requestId: 'rq-1303',
      })
    }
    const a = enqueue('ks-a')
    await clock.advance(0)
    expect(ledger.get(a.id)!.state).toBe('queued')
    // It waits out its backoff holding the one slot.
    expect(tracker.stats().running).toBe(1)
    expect(cancel(a.id)).toEqual({ removed: true })
    createAnswer = async (ext) => task(ext)
    enqueue('ks-b')
    await clock.advance(120_000)
    expect(sent).toEqual(['ks-a', 'ks-b'])
  })

  it('with the queue paused: the cancelled job is never sent after resume, the others are', async () => {
    tracker.pauseQueue()
    const a = enqueue('ks-a')
    enqueue('ks-b')
    expect(tracker.stats()).toMatchObject({ running: 0, queued: 2 })
    expect(cancel(a.id)).toEqual({ removed: true })
    expect(tracker.stats().queued).toBe(1)
    tracker.resumeQueue()
    await clock.advance(60_000)
    expect(sent).toEqual(['ks-b'])
  })

  it('removed through another connection between the step reading it and claiming it: nothing is sent', async () => {
    const other = new Ledger(ledger.path)
    try {
      const a = enqueue('ks-a')
      // The step reads the job as queued; another process removes it before the step writes
      // `creating`. The write finds no job, so the create is never sent.
      const read = ledger.get.bind(ledger)
      let armed = true
      ledger.get = (id: string) => {
        const job = read(id)
        if (armed && job?.state === 'queued') {
          armed = false
          expect(other.removeQueued(id)).toEqual({ removed: true })
        }
        return job
      }
      await clock.advance(0)
      expect(armed).toBe(false)
      expect(read(a.id)).toBeNull()
      // The engine let go of it at once, without an error, and never sent it.
      expect(tracker.stats()).toMatchObject({ running: 0, queued: 0 })
      expect(log).toEqual([])
      await clock.advance(120_000)
      expect(sent).toEqual([])
    } finally {
      other.close()
    }
  })

  it('refuses a job that was sent, and says so for one that is not there', () => {
    const a = ledger.create({ request: { prompt: 'x' }, externalTaskId: 'ks-a' })
    ledger.setState(a.id, 'needs_attention')
    const before = ledger.get(a.id)!
    const refused = ledger.removeQueued(a.id)
    expect(refused).toEqual({ removed: false, job: before })
    expect(ledger.get(a.id)).toEqual(before)
    expect(ledger.removeQueued('no-such-job')).toEqual({ removed: false, job: null })
  })
})
