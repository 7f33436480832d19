import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Runner } from '../../src/main/app/runner'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { KlingClient } from '../../src/main/kling/client'
import type { FetchLike } from '../../src/main/kling/http'
import { Library } from '../../src/main/library/library'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { UNCLAIMED_SCAN_MS } from '../../src/main/tasks/engine-claims'
import { Ledger } from '../../src/main/tasks/ledger'
import { plainWire } from '../../src/main/tasks/steps/wire'
import { Tracker } from '../../src/main/tasks/tracker'
import { Worker } from '../../src/main/tasks/worker'
import { FakeClock } from '../fixtures/clock'
import { emulators } from '../fixtures/emulator'

// A command line sends jobs to an address that is not the app's (`generate --base-url B`) and is
// killed before they finish, after the app started: the app's look for jobs nobody works finds
// them, starts an engine for B, and follows them there with its key: the create whose answer was
// lost is looked up at B, never sent again, and nothing goes to the app's own address A. Real
// loopback HTTP to two emulators; the app (a Runner, as AppCore builds it) on a fake clock, the
// command line as a second connection to the history with an engine and a worker of its own
// whose process is gone.

const emulator = emulators()
const KEY = 'sk-adopt-address-5757'

let dir: string
const closing: (() => Promise<void> | void)[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-adopt-address-'))
})
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close()
  await rm(dir, { recursive: true, force: true })
})

const pause = (ms = 10) => new Promise((r) => setTimeout(r, ms))

/** Waits, in real time, for a condition; `why` says what never came. */
async function until(check: () => boolean, why: () => string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (check()) return
    await pause(20)
  }
  throw new Error(why())
}

/** The pid of a process of this computer that has ended: a command line that was killed. */
function goneProcess(): number {
  const run = spawnSync(process.execPath, ['-e', ''])
  return run.pid!
}

/** The app's engines on the history, as AppCore builds them, sending to `address` with `key`. */
async function openApp(clock: FakeClock, address: string, key: () => string | null) {
  const ledger = new Ledger(join(dir, 'history.db'), clock.now)
  const settings = new JsonSettingsStore(join(dir, 'config.json'))
  settings.update({ baseUrl: address })
  const requests: string[] = []
  const fetchApi: FetchLike = (url, init) => {
    requests.push(`${init.method ?? 'GET'} ${url}`)
    return fetch(url, init)
  }
  const runner = new Runner({
    ledger,
    library: new Library({ root: join(dir, 'library') }),
    settings,
    actions: { notify: () => {} },
    emit: () => {},
    startEmulator: (o) => startEmulator({ ...o, timeScale: 600 }),
    wire: plainWire,
    key,
    language: () => 'en',
    fetch: fetchApi,
    clock,
    sandboxTimeScale: 600,
  })
  await runner.start()
  closing.push(
    () => ledger.close(),
    () => runner.stop(),
  )
  return { runner, ledger, settings, requests }
}

/**
 * `kling-studio generate --base-url <b>`: its own connection, worker and engine (scope 'own'),
 * on a clock that never moves once it has sent (no heartbeat, no step: it was killed). The create
 * of `unanswered` reaches B, and its answer never comes back.
 */
async function commandLine(b: Emulator, externalIds: string[], unanswered: string) {
  const clock = new FakeClock()
  const ledger = new Ledger(join(dir, 'history.db'), clock.now)
  const worker = new Worker({ ledger, role: 'cli generate', clock, pid: goneProcess() })
  const lost: FetchLike = async (url, init) => {
    const res = await fetch(url, init)
    if (init.method !== 'POST' || !String(init.body).includes(`"${unanswered}"`)) return res
    await res.text()
    return new Promise((_, reject) =>
      init.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }),
    )
  }
  const engine = new Tracker({
    ledger,
    client: new KlingClient({ baseUrl: b.url, apiKey: KEY, fetch: lost }),
    library: {
      save: async () => ({ file: join(dir, 'never.mp4'), bytes: 0 }),
      exists: async () => false,
      adopt: async () => null,
    },
    emit: () => {},
    clock,
    scope: 'own',
    sandbox: false,
    worker,
  })
  closing.push(
    () => ledger.close(),
    () => worker.stop(),
    () => engine.stop(),
  )
  const jobs = engine.enqueueAll(
    externalIds.map((id) => ({ request: { prompt: `left at B: ${id}` }, externalTaskId: id })),
  )
  await clock.advance(0)
  return { jobs, ledger, worker }
}

/** What an emulator holds for an external id: how many tasks, and their create requests. */
function holding(e: Emulator, externalTaskId: string): { tasks: number; creates: number } {
  const mine = e.tasks().filter((t) => t.external_task_id === externalTaskId)
  return { tasks: mine.length, creates: mine.reduce((n, t) => n + t.create_requests, 0) }
}

describe('a command line killed with jobs at an address the app has no engine for', () => {
  it('leaves them to the app, which follows them there: looked up, never sent again', async () => {
    const a = await emulator({ timeScale: 50_000, seed: 41, key: KEY })
    const b = await emulator({ timeScale: 50_000, seed: 42, key: KEY })
    const clock = new FakeClock()
    const app = await openApp(clock, a.url, () => KEY)
    expect(app.runner.running({ sandbox: false, baseUrl: b.url })).toBeNull()

    const cli = await commandLine(b, ['ks-left-answered', 'ks-left-lost'], 'ks-left-lost')
    const [answered, lost] = cli.jobs
    const state = (id: string) => app.ledger.get(id)!
    // Both creates reached B; one answer came back (submitted), the other never did (creating).
    await until(
      () => b.tasks().length === 2 && state(answered!.id).state === 'submitted',
      () => `the command line never sent both: ${JSON.stringify(b.tasks())}`,
    )
    expect(state(lost!.id)).toMatchObject({ state: 'creating', baseUrl: b.url, taskId: null })
    expect(state(answered!.id).baseUrl).toBe(b.url)

    // The app's next look finds them, with their owner gone: an engine for B takes them in.
    await clock.advance(UNCLAIMED_SCAN_MS)
    expect(app.runner.running({ sandbox: false, baseUrl: b.url })).not.toBeNull()
    const claims = app.ledger.prepare('SELECT job_id, worker_id FROM job_claims').all() as {
      job_id: string
      worker_id: string
    }[]
    expect(claims.map((c) => c.job_id).sort()).toEqual([answered!.id, lost!.id].sort())
    expect(claims.every((c) => c.worker_id !== cli.worker.id)).toBe(true)

    for (let i = 0; i < 1_000; i++) {
      if ([answered!, lost!].every((j) => state(j.id).state === 'done')) break
      await clock.advance(1_000)
      await pause()
    }
    for (const j of [answered!, lost!])
      expect(state(j.id)).toMatchObject({ state: 'done', saved: true, baseUrl: b.url })
    expect(state(lost!.id).taskId).toBe(
      b.tasks().find((t) => t.external_task_id === 'ks-left-lost')!.task_id,
    )
    // One task and one create each, at B, from the command line; the app sent no create at all.
    expect(holding(b, 'ks-left-answered')).toEqual({ tasks: 1, creates: 1 })
    expect(holding(b, 'ks-left-lost')).toEqual({ tasks: 1, creates: 1 })
    expect(a.tasks()).toEqual([])
    expect(app.requests.filter((r) => r.startsWith('POST'))).toEqual([])
    expect(app.requests.filter((r) => r.includes(a.url))).toEqual([])
    // The lost answer was found by its external id, at B.
    expect(app.requests).toContain(`GET ${b.url}/kling/v1/videos/text2video/ks-left-lost`)
  })

  it('once Settings move to that address, its engine also takes the jobs not sent yet', async () => {
    const a = await emulator({ timeScale: 50_000, seed: 45, key: KEY })
    const b = await emulator({ timeScale: 50_000, seed: 46, key: KEY })
    const clock = new FakeClock()
    const app = await openApp(clock, a.url, () => KEY)
    const cli = await commandLine(b, ['ks-before-move'], 'none')
    await until(
      () => app.ledger.get(cli.jobs[0]!.id)!.state === 'submitted',
      () => 'the command line never sent its job',
    )
    await clock.advance(UNCLAIMED_SCAN_MS)
    expect(app.runner.running({ sandbox: false, baseUrl: b.url })).not.toBeNull()
    // A job waiting in line, not sent anywhere yet; then the person moves the app to B.
    const waiting = app.ledger.create({ request: { prompt: 'waiting' }, externalTaskId: 'ks-wait' })
    app.settings.update({ baseUrl: b.url })
    await app.runner.addressChanged(a.url)
    for (let i = 0; i < 1_000; i++) {
      if ([cli.jobs[0]!, waiting].every((j) => app.ledger.get(j.id)!.state === 'done')) break
      await clock.advance(1_000)
      await pause()
    }
    for (const j of [cli.jobs[0]!, waiting])
      expect(app.ledger.get(j.id)).toMatchObject({ state: 'done', baseUrl: b.url })
    expect(holding(b, 'ks-wait')).toEqual({ tasks: 1, creates: 1 })
    expect(holding(b, 'ks-before-move')).toEqual({ tasks: 1, creates: 1 })
    expect(a.tasks()).toEqual([])
  })

  it('waits for a key, and never follows jobs to an address the key may not go to', async () => {
    const a = await emulator({ timeScale: 50_000, seed: 43, key: KEY })
    const b = await emulator({ timeScale: 50_000, seed: 44, key: KEY })
    const clock = new FakeClock()
    let key: string | null = null
    const app = await openApp(clock, a.url, () => key)
    const cli = await commandLine(b, ['ks-wait-for-key'], 'none')
    await until(
      () => app.ledger.get(cli.jobs[0]!.id)!.state === 'submitted',
      () => 'the command line never sent its job',
    )
    // Left by an older version, say, at a plain-http address of another computer.
    const far = app.ledger.create({
      request: { prompt: 'far' },
      externalTaskId: 'ks-far',
      baseUrl: 'http://far.example',
    })
    app.ledger.setState(far.id, 'submitted')

    await clock.advance(3 * UNCLAIMED_SCAN_MS)
    expect(app.runner.running({ sandbox: false, baseUrl: b.url })).toBeNull()
    expect(app.requests).toEqual([])
    key = KEY
    await clock.advance(UNCLAIMED_SCAN_MS)
    expect(app.runner.running({ sandbox: false, baseUrl: b.url })).not.toBeNull()
    expect(app.runner.running({ sandbox: false, baseUrl: 'http://far.example' })).toBeNull()
    for (let i = 0; i < 1_000 && app.ledger.get(cli.jobs[0]!.id)!.state !== 'done'; i++) {
      await clock.advance(1_000)
      await pause()
    }
    expect(app.ledger.get(cli.jobs[0]!.id)!.state).toBe('done')
    expect(app.ledger.get(far.id)!.state).toBe('submitted')
    expect(app.requests.filter((r) => r.includes('far.example'))).toEqual([])
    expect(holding(b, 'ks-wait-for-key')).toEqual({ tasks: 1, creates: 1 })
  })
})
