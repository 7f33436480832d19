import { mkdtemp, readdir, readFile, rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/main/emulator/server'
import { KlingClient } from '../../src/main/kling/client'
import { Library } from '../../src/main/library/library'
import { rescanLibrary } from '../../src/main/library/rescan'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker, type TrackerEvent } from '../../src/main/tasks/tracker'

// The ledger, tracker and library together, against the emulator over loopback: what the app
// and the command line run.

let dir: string
let emulator: Emulator | null = null
const open: { close(): void }[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-tracker-'))
})
afterEach(async () => {
  for (const o of open.splice(0)) o.close()
  await emulator?.close()
  emulator = null
  await rm(dir, { recursive: true, force: true })
})

async function setup(emulatorOptions: EmulatorOptions = {}, concurrency = 2) {
  emulator = await startEmulator({ timeScale: 600, seed: 3, ...emulatorOptions })
  const ledger = new Ledger(join(dir, 'ledger.db'))
  open.push(ledger)
  const library = new Library({
    root: join(dir, 'library'),
    download: { backoff: { baseMs: 5, maxMs: 20 } },
  })
  const client = new KlingClient({
    baseUrl: emulator.url,
    apiKey: 'k',
    requestTimeoutMs: 2_000,
    backoff: { baseMs: 5, maxMs: 20 },
  })
  const events: TrackerEvent[] = []
  const tracker = new Tracker({
    ledger,
    client,
    library,
    emit: (e) => events.push(e),
    concurrency,
    requestsPerSecond: 200,
    burst: 50,
    pollScale: 600,
    requeueBackoff: { baseMs: 10, maxMs: 50 },
  })
  return { ledger, library, client, tracker, events }
}

const views = async (e: Emulator) =>
  (await (await fetch(`${e.url}/__emulator/tasks`)).json()) as {
    external_task_id: string
    create_requests: number
  }[]

describe('Tracker', () => {
  it('runs queued jobs to saved videos, never more than the concurrency at once', async () => {
    const { ledger, tracker, events } = await setup({}, 2)
    const jobs = Array.from({ length: 5 }, (_, i) =>
      tracker.enqueue({
        request: { prompt: `scene ${i}`, aspect_ratio: '1:1' },
        externalTaskId: `ks-t-${i}`,
      }),
    )
    let maxRunning = 0
    const timer = setInterval(() => (maxRunning = Math.max(maxRunning, tracker.stats().running)), 5)
    await tracker.idle()
    clearInterval(timer)
    await tracker.stop()

    expect(maxRunning).toBeLessThanOrEqual(2)
    expect(maxRunning).toBeGreaterThan(0)
    for (const job of jobs) {
      const done = ledger.get(job.id)!
      expect(done.state).toBe('done')
      expect(done.saved).toBe(true)
      expect((await readFile(done.file!)).toString('latin1', 4, 8)).toBe('ftyp')
      expect(ledger.history(job.id).map((h) => h.state)).toEqual(
        expect.arrayContaining(['queued', 'creating', 'submitted', 'downloading', 'done']),
      )
    }
    const tasks = await views(emulator!)
    expect(tasks).toHaveLength(5)
    expect(tasks.every((t) => t.create_requests === 1)).toBe(true)

    // Revisions only ever grow, so a renderer can drop a stale update.
    const revisions = events
      .filter((e) => e.type === 'job')
      .map((e) => (e as { job: { revision: number } }).job.revision)
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions)
    expect(new Set(revisions).size).toBe(revisions.length)
    expect(events.filter((e) => e.type === 'finished')).toHaveLength(5)

    // Each video has a sidecar that names it, and no partial file is left anywhere.
    const names = await readdir(join(dir, 'library'))
    expect(names.filter((n) => n.endsWith('.mp4'))).toHaveLength(5)
    expect(names.filter((n) => n.endsWith('.json'))).toHaveLength(5)
    expect(await readdir(join(dir, 'library', '.incoming'))).toEqual([])
  })

  it('fails a content-policy task with its message, and keeps sandbox jobs apart', async () => {
    const { ledger, tracker } = await setup()
    const bad = tracker.enqueue({ request: { prompt: 'x [fail] y' }, externalTaskId: 'ks-bad' })
    const sandbox = tracker.enqueue({
      request: { prompt: 'a sandbox try' },
      externalTaskId: 'ks-sand',
      sandbox: true,
    })
    await tracker.idle()
    await tracker.stop()
    expect(ledger.get(bad.id)).toMatchObject({ state: 'failed', taskStatus: 'failed' })
    expect(ledger.get(bad.id)!.statusMessage).not.toBe('')
    const s = ledger.get(sandbox.id)!
    expect(s.sandbox).toBe(true)
    expect(s.file).toContain(join('library', 'Sandbox'))
    expect(ledger.list({ sandbox: false }).jobs.map((j) => j.id)).toEqual([bad.id])
  })

  it('survives faults on 30% of requests with exactly one task per job', async () => {
    const { ledger, tracker } = await setup({ faultRate: 0.3, seed: 17, slowMs: 300 }, 4)
    const jobs = Array.from({ length: 8 }, (_, i) =>
      tracker.enqueue({ request: { prompt: `faulty ${i}` }, externalTaskId: `ks-f-${i}` }),
    )
    await tracker.idle()
    await tracker.stop()
    for (const job of jobs) expect(ledger.get(job.id)!.state).toBe('done')
    const tasks = await views(emulator!)
    expect(tasks).toHaveLength(8)
    expect(new Set(tasks.map((t) => t.external_task_id)).size).toBe(8)
  })

  it('a job left in "creating" by a crash is looked up, not created again', async () => {
    const { ledger, client, library } = await setup()
    const job = ledger.create({
      request: { prompt: 'crashed mid-create' },
      externalTaskId: 'ks-crash',
    })
    ledger.setState(job.id, 'creating')
    // The POST reached the server before the crash.
    await client.videos.create('text2video', {
      prompt: 'crashed mid-create',
      external_task_id: 'ks-crash',
    })
    const tracker = new Tracker({
      ledger,
      client,
      library,
      emit: () => {},
      pollScale: 600,
      requestsPerSecond: 100,
    })
    tracker.start()
    await tracker.idle()
    await tracker.stop()
    expect(ledger.get(job.id)!.state).toBe('done')
    const [task] = await views(emulator!)
    expect(task!.create_requests).toBe(1)
  })

  it('a crash after the video was renamed into place does not fetch it again', async () => {
    const { ledger, tracker, client } = await setup()
    const job = tracker.enqueue({
      request: { prompt: 'a lighthouse at dusk' },
      externalTaskId: 'ks-adopt',
    })
    await tracker.idle()
    await tracker.stop()
    const done = ledger.get(job.id)!
    expect(done.state).toBe('done')
    // The state a crash between the rename and the history's write leaves behind.
    ledger.clearFile(job.id)
    ledger.setState(job.id, 'downloading')
    let fetches = 0
    const library = new Library({
      root: join(dir, 'library'),
      fetch: (input, init) => (fetches++, fetch(input, init)),
    })
    const again = new Tracker({ ledger, client, library, emit: () => {}, pollScale: 600 })
    again.start()
    await again.idle()
    await again.stop()
    const after = ledger.get(job.id)!
    expect(after.state).toBe('done')
    expect(after.file).toBe(done.file)
    expect(fetches).toBe(0)
  })

  it('the library folder alone rebuilds the history', async () => {
    const { ledger, tracker, library } = await setup()
    tracker.enqueue({
      request: { prompt: 'keep me safe', mode: 'pro' },
      externalTaskId: 'ks-keep-1',
    })
    tracker.enqueue({ request: { prompt: 'and me too' }, externalTaskId: 'ks-keep-2' })
    await tracker.idle()
    await tracker.stop()
    const summary = (jobs: { id: string; taskId: string | null; request: unknown }[]) =>
      jobs
        .map((j) => ({ id: j.id, taskId: j.taskId, request: j.request }))
        .sort((a, b) => a.id.localeCompare(b.id))
    const before = summary(ledger.list().jobs)

    const fresh = new Ledger(join(dir, 'rebuilt.db'))
    open.push(fresh)
    const result = await rescanLibrary(fresh, library)
    expect(result).toEqual({ found: 2, added: 2, missing: 0, skipped: [], skippedCount: 0 })
    const after = fresh.list().jobs
    expect(summary(after)).toEqual(before)
    expect(after.every((j) => j.state === 'done' && j.saved)).toBe(true)
    expect(fresh.list({ search: 'keep' }).jobs).toHaveLength(1)
    // A second scan adds nothing; a deleted file is noticed.
    expect((await rescanLibrary(fresh, library)).added).toBe(0)
    await unlink(after[0]!.file!)
    expect((await rescanLibrary(fresh, library)).missing).toBe(1)
  })

  it('pauses and resumes the queue, and suspends and wakes', async () => {
    const { ledger, tracker } = await setup()
    tracker.pauseQueue()
    const job = tracker.enqueue({ request: { prompt: 'wait for me' }, externalTaskId: 'ks-paused' })
    await new Promise((r) => setTimeout(r, 100))
    expect(ledger.get(job.id)!.state).toBe('queued')
    // Asleep, nothing moves even though the queue is open again.
    tracker.suspend()
    tracker.resumeQueue()
    const at = ledger.get(job.id)!.revision
    await new Promise((r) => setTimeout(r, 200))
    expect(ledger.get(job.id)!.revision).toBe(at)
    tracker.wake()
    await tracker.idle()
    await tracker.stop()
    expect(ledger.get(job.id)!.state).toBe('done')
  })
})
