import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName, EventPayloads } from '../../src/shared/contract'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { KlingClient } from '../../src/main/kling/client'
import { Library } from '../../src/main/library/library'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker, type TrackerEvent } from '../../src/main/tasks/tracker'
import { must } from '../fixtures/app-core'
import { openStudio, type StudioUnderTest } from './takes-app'

// A history write refused at the worst moment, against the emulator over loopback on a history
// file: the create has reached the service and the engine cannot write down its answer (another
// connection holds the write lock). The job, still `creating` in the history, is looked up by its
// external id when the step is tried again: one create, never a second. And the app tells the
// window, as it happens (tasks.trouble) and in queue.stats for a window opened later.

let dir: string
let emulator: Emulator | null = null
const open: { close(): void }[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-step-trouble-'))
})
afterEach(async () => {
  for (const o of open.splice(0).reverse()) o.close()
  await emulator?.close()
  emulator = null
  await rm(dir, { recursive: true, force: true })
})

/** Another program's connection to the history, to take its write lock with. */
function otherConnection(file: string): DatabaseSync {
  const other = new DatabaseSync(file)
  open.push({ close: () => (other.isTransaction && other.exec('ROLLBACK'), other.close()) })
  return other
}

describe('a write refused after the create reached the service', () => {
  it('is recorded from the answer kept when tried again: no lookup, never created twice', async () => {
    emulator = await startEmulator({ timeScale: 600, seed: 5 })
    const file = join(dir, 'history.db')
    const ledger = new Ledger(file)
    open.push(ledger)
    // The busy wait (5 s in the app) cut short, so the refused write fails at once.
    ledger.db.exec('PRAGMA busy_timeout = 20')
    const other = otherConnection(file)
    const client = new KlingClient({ baseUrl: emulator.url, apiKey: 'sk-step-trouble-4455' })
    let creates = 0
    let finds = 0
    const videos = {
      // The create reaches the service; before its answer is written, another program locks.
      create: async (...args: Parameters<typeof client.videos.create>) => {
        creates++
        const task = await client.videos.create(...args)
        other.exec('BEGIN IMMEDIATE')
        return task
      },
      find: (...args: Parameters<typeof client.videos.find>) => (
        finds++,
        client.videos.find(...args)
      ),
      get: client.videos.get.bind(client.videos),
    }
    const events: TrackerEvent[] = []
    const tracker = new Tracker({
      ledger,
      client: { baseUrl: emulator.url, videos },
      library: new Library({ root: join(dir, 'library') }),
      emit: (event) => {
        events.push(event)
        // The lock goes once the window has been told.
        if (event.type === 'trouble' && event.trouble && other.isTransaction) other.exec('ROLLBACK')
      },
      pollScale: 600,
      requestsPerSecond: 100,
      stepRetry: { baseMs: 10, maxMs: 50 },
    })
    const job = tracker.enqueue({
      request: { prompt: 'answer lost to a lock' },
      externalTaskId: 'ks-lock',
    })
    await tracker.idle()
    await tracker.stop()

    expect(ledger.get(job.id)).toMatchObject({ state: 'done', saved: true })
    const told = events.flatMap((e) => (e.type === 'trouble' ? [e.trouble] : []))
    expect(told).toEqual([expect.objectContaining({ kind: 'locked', attempts: 1 }), null])
    expect(creates).toBe(1)
    // The answer came this session: it is recorded as it was, not looked up (a lookup may lag).
    expect(finds).toBe(0)
    const tasks = emulator.tasks()
    expect(tasks).toHaveLength(1)
    expect(tasks[0]).toMatchObject({ external_task_id: 'ks-lock', create_requests: 1 })
  })
})

describe('the app', () => {
  let studio: StudioUnderTest
  beforeEach(async () => {
    studio = await openStudio()
  })
  afterEach(async () => {
    await studio.close()
  })

  it('tells the window of a step the locked history refused, lists it in queue.stats, and clears it', async () => {
    const { api, ledger, events } = studio
    ledger.db.exec('PRAGMA busy_timeout = 20')
    await must(api.queue.pause())
    const [job] = await must(api.tasks.create({ request: { prompt: 'waits out a lock' } }))
    const other = otherConnection(ledger.path)
    other.exec('BEGIN IMMEDIATE')
    await must(api.queue.resume())
    const trouble = async () => {
      for (let i = 0; i < 500; i++) {
        const found = events.find((e) => e.name === 'tasks.trouble')
        if (found) return found.payload as EventPayloads['tasks.trouble']
        await new Promise((r) => setTimeout(r, 10))
      }
      throw new Error('no tasks.trouble')
    }
    const first = await trouble()
    expect(first).toEqual({
      jobId: job!.id,
      trouble: {
        kind: 'locked',
        message: 'The history is locked by another program',
        attempts: 1,
        retryAt: expect.any(Number),
      },
    })
    // A window opened now gets it with the queue's figures.
    const stats = await must(api.queue.stats())
    expect(stats.troubles?.[job!.id]).toMatchObject({ kind: 'locked' })
    other.exec('ROLLBACK')
    expect((await studio.until(job!.id, ['done', 'failed'])).state).toBe('done')
    const troubles = events.filter((e) => e.name === ('tasks.trouble' satisfies EventName))
    expect(troubles.at(-1)!.payload).toEqual({ jobId: job!.id, trouble: null })
    expect((await must(api.queue.stats())).troubles).toEqual({})
    expect(studio.emulator.tasks()).toMatchObject([{ create_requests: 1 }])
  })

  it('answers a call the history refuses with what is wrong with it, not as a fault of the app', async () => {
    const { api, ledger } = studio
    ledger.db.exec('PRAGMA busy_timeout = 20')
    await must(api.queue.pause())
    const [job] = await must(api.tasks.create({ request: { prompt: 'starred under a lock' } }))
    const other = otherConnection(ledger.path)
    other.exec('BEGIN IMMEDIATE')
    const locked = await api.tasks.favourite({ id: job!.id, favourite: true })
    expect(locked.ok).toBe(false)
    expect(!locked.ok && locked.error).toMatchObject({
      code: 'history_locked',
      message: expect.stringMatching(
        /^The history is locked by another program \(database is locked/,
      ),
    })
    other.exec('ROLLBACK')
    // Nothing lost: the same call goes through once the lock is gone.
    expect((await must(api.tasks.favourite({ id: job!.id, favourite: true }))).favourite).toBe(true)
  })
})
