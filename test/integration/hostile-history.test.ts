import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppCore } from '../../src/main/app/app-core'
import { recoveryHandlers } from '../../src/main/app/history-problem'
import { startEmulator } from '../../src/main/emulator/server'
import { Library } from '../../src/main/library/library'
import { LEDGER_FILE } from '../../src/main/paths'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { moveAside, openHistory, problemOf } from '../../src/main/studio/history-open'
import { Ledger } from '../../src/main/tasks/ledger'
import type { HistoryProblem } from '../../src/shared/contract'
import { bridgeTo, fakeDesktop } from '../fixtures/app-core'
import { runIn, type Run } from '../fixtures/cli'
import { canMount, leaveRoom, onTmpfs } from '../fixtures/tmpfs'

// A hostile history.db, met by the app's way of opening it (studio/history-open.ts, then the
// window of app/history-problem.ts, as main/index.ts composes them) and by the built command
// line: held by another process, on a full disk, cut in half, overwritten with random bytes.
// Each time the person is told which it is in one line (the window's problem; exit 7 on the
// command line), and nothing is lost: the file stays byte for byte, or is moved aside whole.
// The full disk is a real one (a tmpfs mounted for the test, which needs root); SQLite's
// max_page_count cannot stand in for it, since it binds only the connection that sets it.

const JOBS = 20
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-hostile-history-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A data folder with a real history of JOBS queued jobs, folded into the file (no log). */
function dataWithHistory(at: string): string {
  mkdirSync(at, { recursive: true })
  const file = join(at, LEDGER_FILE)
  const ledger = new Ledger(file)
  for (let i = 0; i < JOBS; i++)
    ledger.create({ request: { prompt: `a lighthouse at dusk ${i}` }, externalTaskId: `ks-${i}` })
  ledger.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  ledger.close()
  return file
}

/** The history's files on disk, with their bytes. */
function onDisk(file: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  for (const suffix of ['', '-wal'])
    if (existsSync(`${file}${suffix}`)) files.set(suffix, readFileSync(`${file}${suffix}`))
  return files
}

type Launch =
  | { problem: HistoryProblem; handlers: ReturnType<typeof recoveryHandlers>; relaunches: number[] }
  | { core: AppCore; ledger: Ledger }

/**
 * The app's launch over a data folder, as main/index.ts does it without Electron: the history
 * opened, the services started; a history problem met on the way opens the problem's window.
 * Anything else would end the app with "could not start": thrown here.
 */
async function launch(data: string): Promise<Launch> {
  const file = join(data, LEDGER_FILE)
  const settings = new JsonSettingsStore(join(data, 'config.json'))
  const recover = async (error: unknown): Promise<Launch> => {
    const problem = problemOf(error, file)
    if (!problem) throw error
    const relaunches: number[] = []
    const handlers = recoveryHandlers({
      problem,
      settings,
      info: { version: '0.0.0-test', platform: 'linux' },
      libraryFolder: join(data, 'library'),
      moveAside: (f) => moveAside(f),
      relaunch: () => void relaunches.push(1),
    })
    return { problem: (await handlers['app.info']()).historyProblem!, handlers, relaunches }
  }
  let ledger: Ledger
  try {
    ledger = openHistory(file)
  } catch (error) {
    return recover(error)
  }
  const core = new AppCore({
    ledger,
    library: new Library({ root: join(data, 'library') }),
    secrets: new MemorySecretStore(),
    settings,
    actions: fakeDesktop(),
    emit: () => {},
    startEmulator: (o) => startEmulator(o),
    info: { version: '0.0.0-test', platform: 'linux' },
    ffmpeg: null,
  })
  try {
    await core.start()
    return { core, ledger }
  } catch (error) {
    await core.stop().catch(() => {})
    ledger.close()
    return recover(error)
  }
}

/** What the person reads on a terminal: one line, saying which way, and exit 7. */
function expectOneLine(r: Run, said: RegExp): void {
  const where = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`
  expect.soft(r.code, where).toBe(7)
  expect.soft(r.stdout, where).toBe('')
  expect.soft(r.stderr.trimEnd().split('\n'), where).toHaveLength(1)
  expect.soft(r.stderr, where).toMatch(said)
}

const cli = (data: string, args: string[]) =>
  runIn(dir, [...args, '--data', data], {
    COMETAPI_KEY: 'sk-lTDWXSKhYEabbWpeOpFRvyVbs5idrN02QDzarvH62kbqDfXM',
    COMETAPI_BASE_URL: 'http://127.0.0.1:9',
  })

/**
 * The command lines a person would try: a write (generate) is refused in one line; a read (list)
 * too, unless the history can still be read (`reads`): then it lists every job, nothing lost.
 */
async function expectCliSays(data: string, said: RegExp, reads = false): Promise<void> {
  const [listed, generated] = await Promise.all([
    cli(data, ['list']),
    cli(data, ['generate', 'a harbour at dawn']),
  ])
  if (reads) {
    expect.soft(listed.code, listed.stderr).toBe(0)
    expect.soft(listed.stdout.trimEnd().split('\n')).toHaveLength(JOBS)
  } else expectOneLine(listed, said)
  expectOneLine(generated, said)
}

describe('a hostile history.db', () => {
  it.each([
    {
      name: 'cut in half',
      harm: (file: string) => truncateSync(file, Math.floor(readFileSync(file).length / 2)),
      said: /the file was cut short: \d+ of its \d+ bytes are there/,
    },
    {
      name: 'random bytes',
      harm: (file: string) => writeFileSync(file, randomBytes(64 * 1024)),
      said: /file is not a database/,
    },
  ])('$name: damaged, said so, moved aside whole on Start afresh', async ({ name, harm, said }) => {
    const data = join(dir, name.replace(/ /g, '-'))
    const file = dataWithHistory(data)
    harm(file)
    const before = onDisk(file)
    await expectCliSays(
      data,
      new RegExp(`^kling-studio: the history at ${file} is damaged \\(${said.source}`),
    )
    const app = await launch(data)
    if (!('problem' in app)) throw new Error('the app opened a damaged history')
    expect(app.problem).toMatchObject({ kind: 'damaged', file })
    expect(app.problem.message).toMatch(said)
    expect(() => app.handlers['tasks.create']({ request: { prompt: 'x' } })).toThrow(
      /cannot be opened/,
    )
    // Nothing lost: the same bytes, then the same bytes aside.
    expect(onDisk(file)).toEqual(before)
    app.handlers['app.startAfresh']({ file })
    expect(app.relaunches).toHaveLength(1)
    const aside = readdirSync(data).filter((n) => /^history\.damaged-.*\.db$/.test(n))
    expect(aside).toHaveLength(1)
    expect(onDisk(join(data, aside[0]!))).toEqual(before)
    // The relaunch: a new, empty history.
    const again = await launch(data)
    if (!('core' in again)) throw new Error(`relaunch: ${again.problem.message}`)
    expect(again.ledger.list().total).toBe(0)
    await again.core.stop()
    again.ledger.close()
  })

  it('held by another process: busy, said so, never moved, everything still there', async () => {
    const data = join(dir, 'locked')
    const file = dataWithHistory(data)
    const before = onDisk(file)
    const holder = new DatabaseSync(file)
    holder.exec('BEGIN EXCLUSIVE')
    holder.exec("INSERT INTO meta (key, value) VALUES ('held', 1)")
    try {
      // The command lines and the app wait out the same 5 s, side by side.
      const told = expectCliSays(
        data,
        /^kling-studio: the history at .* is busy: another process is holding it/,
        true,
      )
      const app = await launch(data)
      await told
      if (!('problem' in app)) throw new Error('the app opened a held history')
      expect(app.problem).toMatchObject({ kind: 'locked', file })
      expect(() => app.handlers['app.startAfresh']({ file })).toThrow(/not damaged: it stays/)
    } finally {
      holder.exec('ROLLBACK')
      holder.close()
    }
    expect(onDisk(file)).toEqual(before)
    expect(readdirSync(data).some((n) => n.includes('damaged'))).toBe(false)
    const ledger = openHistory(file, { readOnly: true })
    expect(ledger.list().total).toBe(JOBS)
    ledger.close()
  })
})

/** What the app tells the person: the problem's window, a refused Generate, or a failed start. */
async function appSays(data: string): Promise<string> {
  let app: Launch
  try {
    app = await launch(data)
  } catch (error) {
    return `could not start: ${(error as Error).message}`
  }
  if ('problem' in app) return `window: ${app.problem.kind}: ${app.problem.message}`
  try {
    const res = await bridgeTo(app.core).tasks.create({ request: { prompt: 'a harbour at dawn' } })
    return res.ok ? 'created' : `refused: ${res.error.message}`
  } finally {
    await app.core.stop()
    app.ledger.close()
  }
}

describe.skipIf(!canMount)('a history on a full disk (a real one: a small tmpfs)', () => {
  it.each([
    { name: 'no room at all', room: 0 },
    { name: 'room to read, none to write', room: 64 * 1024 },
  ])('$name: said to be full, in one line and in the window; nothing lost', async ({ room }) => {
    const at = join(dir, `disk-${room}`)
    await onTmpfs(at, { size: '16m', lazy: true }, async () => {
      const data = join(at, 'data')
      const file = dataWithHistory(data)
      leaveRoom(at, room)
      await expectCliSays(data, /^kling-studio: .*\bfull\b/i, room > 0)
      expect.soft(await appSays(data)).toMatch(/^(window|refused): .*\bfull\b/i)
      // Nothing lost: with room again, every job is there and the file is whole.
      rmSync(join(at, 'filler'))
      const ledger = openHistory(file, { readOnly: true })
      try {
        expect(ledger.list().total).toBe(JOBS)
        expect(ledger.db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
      } finally {
        ledger.close()
      }
    })
  })
})
