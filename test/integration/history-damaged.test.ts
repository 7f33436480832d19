import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  CALLS,
  channelFor,
  type AppInfo,
  type CallName,
  type HistoryProblem,
} from '../../src/shared/contract'
import { Ledger } from '../../src/main/tasks/ledger'
import { SCHEMA_VERSION } from '../../src/main/tasks/migrations'
import { fake, fakeElectron, fakeElectronStore, fakeKeytar } from '../fixtures/fake-electron'

// A hostile history at launch: main/index.ts, the composition root, run against a fake electron
// module (fixtures/fake-electron.ts, as wiring.test.ts is), over a real history.db cut short,
// overwritten with random bytes, damaged in the middle, held by another connection's write
// transaction, or written by a newer app. Every time a window opens and app.info says what is
// wrong; Start afresh moves a damaged file aside (checked on disk, never deleted) and asks
// Electron to relaunch; a newer or held history is never moved. The next launch starts on a new,
// empty history.

vi.mock('electron', () => fakeElectron())
vi.mock('keytar', () => fakeKeytar())
vi.mock('electron-store', () => fakeElectronStore())

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

beforeEach(() => {
  fake.state.windows.length = 0
  fake.state.ipc.clear()
  fake.state.relaunches = 0
  fake.state.exits.length = 0
  fake.state.quits = 0
  fake.state.errorBoxes.length = 0
})

/** A data folder with a real history of `jobs` queued jobs, folded into the file (no log). */
async function dataDirWithHistory(jobs = 20): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kling-history-'))
  dirs.push(dir)
  const file = join(dir, 'userData', 'history.db')
  mkdirSync(join(dir, 'userData'), { recursive: true })
  const ledger = new Ledger(file)
  for (let i = 0; i < jobs; i++) {
    const prompt = `a lighthouse at dusk, take ${i} ${'with waves '.repeat(20)}`
    ledger.create({ request: { prompt }, externalTaskId: `ks-damaged-${i}` })
  }
  ledger.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  ledger.close()
  return { dir, file }
}

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe()
    if (value) return value
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** main/index.ts, launched afresh over this data folder, as a person double-clicking the app. */
async function launch(dir: string): Promise<void> {
  fake.state.dataDir = dir
  vi.resetModules()
  await import('../../src/main/index')
  await until(() => fake.state.windows.length > 0 && fake.state.ipc.has(channelFor('app.info')))
}

/** A call from the app's own page, as the window makes it. */
interface Reply {
  ok: boolean
  data?: unknown
  error?: { code: string; message: string }
}

async function ask(name: CallName, input?: unknown): Promise<Reply> {
  const page = fake.state.windows[0]!.loaded!
  const handler = fake.state.ipc.get(channelFor(name))!
  return (await handler({ senderFrame: { url: page, parent: null } }, input)) as never
}

async function problemShown(): Promise<HistoryProblem> {
  return until(async () => ((await ask('app.info')).data as AppInfo).historyProblem)
}

/** The history's files as they are on disk (the file, its log and index when there). */
function onDisk(file: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(`${file}${suffix}`)) files.set(suffix, readFileSync(`${file}${suffix}`))
  return files
}

/** Starts afresh on a damaged history: its files go aside as they were, and a relaunch. */
async function startAfresh(file: string): Promise<void> {
  const wrong = await ask('app.startAfresh', { file: `${file}.other` })
  expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  expect(fake.state.relaunches).toBe(0)
  const before = onDisk(file)
  const done = await ask('app.startAfresh', { file })
  expect(done.ok).toBe(true)
  expect(onDisk(file).size).toBe(0)
  const aside = readdirSync(join(file, '..')).filter((n) =>
    /^history\.damaged-\d{4}-\d{2}-\d{2}-\d{6}\.db$/.test(n),
  )
  expect(aside).toHaveLength(1)
  const after = onDisk(join(file, '..', aside[0]!))
  expect([...after.keys()]).toEqual([...before.keys()])
  for (const [suffix, bytes] of before) expect(after.get(suffix)!.equals(bytes)).toBe(true)
  expect(fake.state.relaunches).toBe(1)
  expect(fake.state.exits).toEqual([0])
}

describe('a history that cannot be opened, at launch', () => {
  it('cut short: a window says it is damaged; Start afresh sets it aside and relaunches', async () => {
    const { dir, file } = await dataDirWithHistory()
    truncateSync(file, Math.floor(readFileSync(file).length / 2))
    await launch(dir)
    expect(fake.state.windows).toHaveLength(1)
    // Every call has an answer (the page's start works); the services' ones are refused.
    const channels = Object.keys(CALLS).map((n) => channelFor(n as CallName))
    expect([...fake.state.ipc.keys()].sort()).toEqual(channels.sort())
    const problem = await problemShown()
    expect(problem).toMatchObject({ kind: 'damaged', file })
    expect(problem.message).toMatch(/cut short/)
    expect((await ask('settings.get')).ok).toBe(true)
    expect((await ask('tasks.list', {})).data).toEqual({ jobs: [], total: 0 })
    expect(await ask('tasks.create', { request: { prompt: 'x' } })).toMatchObject({
      ok: false,
      error: { code: 'history_unavailable' },
    })
    await startAfresh(file)

    // The relaunch: a new, empty history, the services back.
    fake.state.windows.length = 0
    fake.state.ipc.clear()
    await launch(dir)
    const info = await ask('app.info')
    expect(info.ok).toBe(true)
    expect((info.data as AppInfo).historyProblem).toBeUndefined()
    expect((await ask('tasks.list', {})).data).toMatchObject({ jobs: [], total: 0 })
    expect(existsSync(file)).toBe(true)
  })

  it('random bytes: damaged (not a database), set aside with its log on Start afresh', async () => {
    const { dir, file } = await dataDirWithHistory(0)
    const garbage = randomBytes(64 * 1024)
    writeFileSync(file, garbage)
    writeFileSync(`${file}-wal`, randomBytes(4096))
    await launch(dir)
    const problem = await problemShown()
    expect(problem).toEqual({ kind: 'damaged', message: 'file is not a database', file })
    await startAfresh(file)
    expect(readdirSync(join(dir, 'userData')).filter((n) => n.endsWith('.db-wal'))).toHaveLength(1)
  })

  it('damaged further in than the open reads: the services stop and the window shows it', async () => {
    const { dir, file } = await dataDirWithHistory(300)
    const bytes = readFileSync(file)
    const pages = bytes.length / 4096
    // Pages of jobs in the middle of the file overwritten; the first ones (schema, meta) intact.
    for (let p = Math.floor(pages / 2); p < Math.floor((pages * 3) / 4); p++)
      randomBytes(4096).copy(bytes, p * 4096)
    writeFileSync(file, bytes)
    await launch(dir)
    const problem = await problemShown()
    expect(problem).toMatchObject({ kind: 'damaged', file })
    expect(problem.message).toMatch(/malformed/)
    // The window came up with the services, then was reloaded on the problem.
    expect(fake.state.windows).toHaveLength(1)
    expect(fake.state.windows[0]!.reloads).toBe(1)
    await startAfresh(file)
  })

  it('held by another connection past the wait: busy, Try again relaunches, nothing moved', async () => {
    const { dir, file } = await dataDirWithHistory()
    const holder = new DatabaseSync(file)
    holder.exec('BEGIN EXCLUSIVE')
    holder.exec("INSERT INTO meta (key, value) VALUES ('held', 1)")
    try {
      await launch(dir)
      const problem = await problemShown()
      expect(problem).toMatchObject({ kind: 'locked', file })
      expect(problem.message).toMatch(/another process is holding it/)
      const refused = await ask('app.startAfresh', { file })
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
      expect(existsSync(file)).toBe(true)
      expect(fake.state.relaunches).toBe(0)
      expect((await ask('app.restart')).ok).toBe(true)
      expect(fake.state.relaunches).toBe(1)
    } finally {
      holder.exec('ROLLBACK')
      holder.close()
    }
  })

  it('written by a newer app: said, never moved aside; closing the window quits', async () => {
    const { dir, file } = await dataDirWithHistory()
    const db = new DatabaseSync(file)
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(SCHEMA_VERSION + 1)
    db.close()
    const before = readFileSync(file)
    await launch(dir)
    const problem = await problemShown()
    expect(problem).toMatchObject({ kind: 'newer', file })
    expect(problem.message).toContain(`schema ${SCHEMA_VERSION + 1}`)
    const refused = await ask('app.startAfresh', { file })
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(readdirSync(join(dir, 'userData')).some((n) => n.includes('damaged'))).toBe(false)
    expect(fake.state.relaunches).toBe(0)
    fake.state.windows[0]!.handlers.closed!()
    expect(fake.state.quits).toBe(1)
  })
})
