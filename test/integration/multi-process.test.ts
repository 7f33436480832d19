import type { ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppCore } from '../../src/main/app/app-core'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/main/emulator/server'
import { verifyMp4 } from '../../src/main/kling/download'
import { Library } from '../../src/main/library/library'
import { LEDGER_FILE } from '../../src/main/paths'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { Ledger } from '../../src/main/tasks/ledger'
import { probe, startIn, type Run } from '../fixtures/cli'

// Several processes on one data folder, for real: two `kling-studio resume` (the built command
// line, each its own process) and the app's core (in this process), against one emulator with
// faults and slow downloads, over eight queued jobs. Every job is worked by one process at a time:
// each is done once, with exactly one create request, every video whole and no partial file
// left; and when one resume is killed (SIGKILL) in the middle of a download, the other takes its
// jobs over and finishes them whole. Needs `npx electron-vite build` first.

const KEY = 'sk-multi-process-4242'
const SAMPLE = resolve('resources/samples/16x9-5s.mp4')

let dir: string
let emulator: Emulator
let ledger: Ledger
let watcher: DatabaseSync
const children: ChildProcess[] = []

const data = () => join(dir, 'data')
const lib = () => join(dir, 'library')

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-multi-'))
})
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  watcher?.close()
  ledger?.close()
  await emulator?.close()
  await rm(dir, { recursive: true, force: true })
})

/**
 * The emulator, and eight unfinished jobs in a history on disk that nothing works yet: four
 * queued, four left `creating` by a crash before their create went out (each looked up first,
 * then sent: the path where two processes working one job would both send).
 */
async function setup(options: EmulatorOptions): Promise<string[]> {
  emulator = await startEmulator({ timeScale: 600, seed: 7, ...options })
  await mkdir(data(), { recursive: true })
  ledger = new Ledger(join(data(), LEDGER_FILE))
  const ids = Array.from({ length: 8 }, (_, i) => {
    const job = ledger.create({
      request: { prompt: `multi ${i}` },
      externalTaskId: `ks-multi-${i}`,
    })
    if (i % 2 === 1) ledger.setState(job.id, 'creating')
    return job.id
  })
  watcher = new DatabaseSync(join(data(), LEDGER_FILE), { readOnly: true, timeout: 5_000 })
  return ids
}

function resume(): { child: ChildProcess; done: Promise<Run> } {
  const run = startIn(dir, ['resume', '--json', '--timeout', '3m', '--library', lib()], {
    COMETAPI_KEY: KEY,
    COMETAPI_BASE_URL: emulator.url,
  })
  children.push(run.child)
  return run
}

async function startApp(): Promise<AppCore> {
  const settings = new JsonSettingsStore(join(dir, 'app-config.json'))
  settings.update({ baseUrl: emulator.url })
  const core = new AppCore({
    ledger,
    library: new Library({ root: lib() }),
    secrets: new MemorySecretStore(KEY),
    settings,
    actions: {
      reveal: () => {},
      open: async () => {},
      startDrag: () => {},
      trash: async () => {},
      notify: () => {},
      chooseImage: async () => null,
      chooseFolder: async () => null,
      confirm: async () => false,
    },
    emit: () => {},
    startEmulator,
    info: { version: 't', platform: 'linux' },
  })
  await core.start()
  return core
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 6_000; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`timed out waiting for ${what}`)
}

interface ClaimRow {
  job_id: string
  worker_id: string
  pid: number
  role: string
}

/** Who holds which job right now, as another reader of the history sees it. */
const claimsNow = () =>
  watcher
    .prepare(
      `SELECT c.job_id, c.worker_id, w.pid, w.role
       FROM job_claims c JOIN workers w ON w.id = c.worker_id`,
    )
    .all() as unknown as ClaimRow[]

/** Every worker seen holding each job, sampled while `running` is not settled. */
function sampleClaims(running: Promise<unknown>): Promise<Map<string, Map<string, ClaimRow>>> {
  const seen = new Map<string, Map<string, ClaimRow>>()
  let over = false
  void running.finally(() => (over = true))
  return (async () => {
    while (!over) {
      for (const row of claimsNow()) {
        const holders = seen.get(row.job_id) ?? new Map<string, ClaimRow>()
        holders.set(row.worker_id, row)
        seen.set(row.job_id, holders)
      }
      await new Promise((r) => setTimeout(r, 15))
    }
    return seen
  })()
}

let ids: string[] = []
const allDone = () => ids.every((id) => ledger.get(id)?.state === 'done')

/** Done once each, one create request each, every video whole, nothing partial left. */
async function expectEveryJobDoneOnceAndWhole(): Promise<void> {
  const sample = await readFile(SAMPLE)
  const tasks = emulator.tasks()
  expect(tasks).toHaveLength(ids.length)
  for (const id of ids) {
    const job = ledger.get(id)!
    expect(job.state).toBe('done')
    const task = tasks.find((t) => t.external_task_id === job.externalTaskId)!
    expect(task.task_id).toBe(job.taskId)
    expect(task.create_requests).toBe(1)
    // Whole: the size the emulator serves, the very bytes, an MP4 that ffprobe reads.
    const head = await fetch(job.video!.url, { method: 'HEAD' })
    expect((await stat(job.file!)).size).toBe(Number(head.headers.get('content-length')))
    expect(Buffer.compare(await readFile(job.file!), sample)).toBe(0)
    await verifyMp4(job.file!)
    expect((await probe(job.file!)).duration).toBeGreaterThan(4)
  }
  const names = await readdir(lib())
  expect(names.filter((n) => n.endsWith('.mp4'))).toHaveLength(ids.length)
  expect(names.filter((n) => /\.(part|tmp)$/.test(n))).toEqual([])
  expect(await readdir(join(lib(), '.incoming')).catch(() => [])).toEqual([])
}

describe('one worker per job across processes', () => {
  it('two resumes and the app on one data folder: each job worked by one of them, once', async () => {
    ids = await setup({
      faultRate: 0.15,
      faultKinds: ['reset_after_create', 'server_503', 'rate_limit', 'slow'],
      slowMs: 200,
      downloadBytesPerSecond: 20_000,
    })
    const first = resume()
    const second = resume()
    const core = await startApp()
    const ended = Promise.all([first.done, second.done])
    const sampled = sampleClaims(ended)
    const [a, b] = await ended
    expect(a.code, a.stderr).toBe(0)
    expect(b.code, b.stderr).toBe(0)
    await until('the app to see every job done', allDone)
    await core.stop()
    const holders = await sampled

    await expectEveryJobDoneOnceAndWhole()
    // Each job was held by one worker only, from its first step to its end; and the work was
    // shared, not done by one process while the others waited.
    for (const id of ids) expect([...(holders.get(id)?.keys() ?? [])]).toHaveLength(1)
    const rows = [...holders.values()].flatMap((h) => [...h.values()])
    expect(new Set(rows.map((r) => r.worker_id)).size).toBeGreaterThanOrEqual(2)
    for (const row of rows) expect(['cli resume', 'app']).toContain(row.role)
    // Everyone has left: no worker rows, no claims.
    expect(watcher.prepare('SELECT * FROM workers').all()).toEqual([])
    expect(claimsNow()).toEqual([])
  })

  it('a resume killed in the middle of a download: the other takes its jobs over, whole', async () => {
    ids = await setup({ downloadBytesPerSecond: 6_000 })
    const victim = resume()
    const other = resume()
    const sampled = sampleClaims(other.done)
    // Its worker, and its partial download growing in the library.
    let workerId = ''
    await until('the first resume to be downloading', async () => {
      const row = watcher.prepare('SELECT id FROM workers WHERE pid = ?').get(victim.child.pid!) as
        { id: string } | undefined
      if (!row) return false
      workerId = row.id
      const parts = await readdir(join(lib(), '.incoming')).catch(() => [] as string[])
      for (const name of parts.filter((n) => n.endsWith(`.${workerId}.mp4.part`)))
        if ((await stat(join(lib(), '.incoming', name)).catch(() => null))?.size) return true
      return false
    })
    const claimed = claimsNow()
      .filter((c) => c.worker_id === workerId)
      .map((c) => c.job_id)
    victim.child.kill('SIGKILL')
    const killed = await victim.done
    expect(killed.code).toBe(-1) // ended by the signal, not by itself
    // What it held and had not finished (the download under way among them).
    const held = claimed.filter((id) => ledger.get(id)!.state !== 'done')
    expect(held.length).toBeGreaterThan(0)

    const r = await other.done
    expect(r.code, r.stderr).toBe(0)
    const holders = await sampled
    await expectEveryJobDoneOnceAndWhole()
    // Every job the killed one held went to the other resume, which finished it.
    const survivor = [...holders.values()]
      .flatMap((h) => [...h.values()])
      .find((row) => row.pid === other.child.pid)!.worker_id
    for (const id of held) expect(holders.get(id)?.has(survivor)).toBe(true)
  })
})
