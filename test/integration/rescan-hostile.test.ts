import { copyFile, mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DesktopActions } from '../../src/main/app/desktop'
import { LibraryService } from '../../src/main/app/library-service'
import { InputStore } from '../../src/main/inputs/input-store'
import { Library, SANDBOX_DIR } from '../../src/main/library/library'
import { PosterStore } from '../../src/main/library/posters'
import { rescanLibrary } from '../../src/main/library/rescan'
import { LEDGER_FILE } from '../../src/main/paths'
import { Ledger } from '../../src/main/tasks/ledger'
import type { Job, JobPage, JobQuery } from '../../src/shared/jobs'
import { runIn } from '../fixtures/cli'
import {
  HOSTILE_SKIPS,
  made,
  put as putIn,
  SAMPLE,
  skipsByFile as byFile,
  writeHostileSidecars,
} from '../fixtures/hostile-sidecars'

// A library folder with good sidecars and hostile ones, real files on disk: the rescan brings in
// the good ones, skips and names each bad one (which file, which field, why), never moves a job
// the history has to another file, and the command line's list and the window's store still work.

let dir: string
let root: string
let ledger: Ledger
let library: Library

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-rescan-hostile-'))
  root = join(dir, 'library')
  await mkdir(join(root, SANDBOX_DIR), { recursive: true })
  await mkdir(join(dir, 'data'), { recursive: true })
  ledger = new Ledger(join(dir, 'data', LEDGER_FILE))
  library = new Library({ root })
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

/** A video and its sidecar in the library (or `folder`), as the fixture writes them. */
const put = (name: string, j: Job, change?: Parameters<typeof putIn>[3], folder = root) =>
  putIn(folder, name, j, change)

function service(): LibraryService {
  return new LibraryService({
    ledger,
    library,
    actions: {} as DesktopActions,
    emit: () => {},
    posters: new PosterStore({ folder: join(dir, 'posters'), videoFor: () => null }),
    inputs: new InputStore({ root: () => library.root }),
    runner: { cancel: (id) => ledger.removeQueued(id) },
  })
}

describe('a rescan of a hostile library folder', () => {
  it('imports the good sidecars, skips and names each bad one, and never moves a known job', async () => {
    // A job the history has, rebuilt from its own sidecar by a first rescan.
    const known = made({ request: { prompt: 'the known one' } })
    const knownFile = await put('known', known)
    expect(await rescanLibrary(ledger, library)).toMatchObject({ found: 1, added: 1, skipped: [] })
    const knownBefore = ledger.get(known.id)!
    expect(knownBefore.file).toBe(knownFile)

    // Good ones, one of them a sandbox try.
    const good = made({ request: { prompt: 'lanterns on the river', mode: 'pro' } })
    await put('good', good)
    const sandbox = made({ sandbox: true })
    await put('tried', sandbox, () => {}, join(root, SANDBOX_DIR))

    // Hostile ones, each with a real MP4 beside it; the enormous one sparse, never read.
    await writeHostileSidecars(root, known)
    expect((await stat(join(root, 'enormous.json'))).size).toBe(300 * 1024 * 1024)

    const result = await service().handlers()['library.rescan']()
    expect(result).toMatchObject({ found: 3, added: 2, missing: 0, skippedCount: 8 })
    expect(byFile(result)).toEqual(HOSTILE_SKIPS)
    for (const s of result.skipped) {
      expect(s.message.length).toBeGreaterThan(0)
      // What was wrong, never the value itself.
      expect(s.message).not.toContain('ppppp')
    }

    // The known job keeps its own file; the good ones are in, each with its own.
    const knownAfter = ledger.get(known.id)!
    expect(knownAfter.file).toBe(knownFile)
    expect(knownAfter.revision).toBe(knownBefore.revision)
    expect(ledger.get(good.id)).toMatchObject({ state: 'done', file: join(root, 'good.mp4') })
    expect(ledger.get(sandbox.id)).toMatchObject({
      sandbox: true,
      file: join(root, SANDBOX_DIR, 'tried.mp4'),
    })
    expect(
      ledger
        .list()
        .jobs.map((j) => j.id)
        .sort(),
    ).toEqual([known.id, good.id, sandbox.id].sort())
    expect(ledger.get(good.id)!.bytes).toBe((await stat(join(root, 'good.mp4'))).size)

    // The window's store, fed the way the window is fed, and the date groups it shows.
    await windowStoreWorks(3)

    // The command line's list reads the same history.
    ledger.close()
    const listed = await runIn(dir, ['list']).finally(
      () => (ledger = new Ledger(join(dir, 'data', LEDGER_FILE))),
    )
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout).toContain('lanterns on the river')
    expect(listed.stdout).toContain('the known one')
  })

  it('lists at most 20 skipped sidecars and counts them all', async () => {
    for (let i = 0; i < 25; i++)
      await writeFile(join(root, `bad-${String(i).padStart(2, '0')}.json`), 'not json')
    const result = await rescanLibrary(ledger, library)
    expect(result.skippedCount).toBe(25)
    expect(result.skipped).toHaveLength(20)
    expect(result.skipped[0]!.file).toBe('bad-00.json')
  })

  it('finds a known job’s missing file again only where the app saves it, never elsewhere', async () => {
    const own = made()
    const ownName = library
      .pathFor(own)
      .slice(root.length + 1)
      .replace(/\.mp4$/, '')
    const file = await put(ownName, own)
    await rescanLibrary(ledger, library)
    // The video vanishes: the history marks it unsaved.
    await unlink(file)
    expect((await rescanLibrary(ledger, library)).missing).toBe(1)
    expect(ledger.get(own.id)!.file).toBeNull()
    // A copy under another name, claiming the job: refused.
    await put('look-alike', own)
    const refused = await rescanLibrary(ledger, library)
    expect(byFile(refused)['look-alike.json']).toEqual({ field: 'job.id', reason: 'known_job' })
    expect(ledger.get(own.id)!.file).toBeNull()
    // Put back where the app saved it (a backup restored): it is the job's own file again.
    await copyFile(SAMPLE, file)
    const restored = await rescanLibrary(ledger, library)
    expect(restored.skipped.map((s) => s.file)).toEqual(['look-alike.json'])
    expect(ledger.get(own.id)!.file).toBe(file)
    expect(JSON.parse(await readFile(join(root, 'look-alike.json'), 'utf8')).job.id).toBe(own.id)
  })
})

/** The parts of the window's code this test drives (loaded by path below). */
interface WindowParts {
  useJobs: {
    getState(): {
      setQuery(query: JobQuery, force?: boolean): Promise<void>
      total: number
      ids: (string | undefined)[]
      byId: Record<string, Job>
    }
  }
  dayMarks(now: number): unknown
  groupOf(at: number, marks: unknown): string
  groupLabel(group: string, t: (key: string) => string, language: string): string
}

/** The library's store as the window fills it (tasks.list), then each job's date group label. */
async function windowStoreWorks(expected: number): Promise<void> {
  // The window's modules are outside this project's type program (tsconfig.node.json), so they
  // are loaded by path and typed by hand above; vitest runs them as the window would.
  const renderer = resolve('src/renderer/src')
  const parts = {
    ...((await import(join(renderer, 'stores/jobs.ts'))) as Pick<WindowParts, 'useJobs'>),
    ...((await import(join(renderer, 'features/library/groups.ts'))) as Omit<
      WindowParts,
      'useJobs'
    >),
  }
  const list = async (query: JobQuery): Promise<{ ok: true; data: JobPage }> => ({
    ok: true,
    data: ledger.list(query),
  })
  const g = globalThis as { window?: unknown }
  const before = g.window
  g.window = { api: { tasks: { list } } }
  try {
    await parts.useJobs.getState().setQuery({}, true)
    const state = parts.useJobs.getState()
    expect(state.total).toBe(expected)
    const marks = parts.dayMarks(Date.now())
    for (const id of state.ids) {
      const held = state.byId[id!]!
      const group = parts.groupOf(held.createdAt, marks)
      expect(parts.groupLabel(group, (key) => key, 'id')).toBeTruthy()
      // A month far from now is named by Intl, as the grid names it.
      expect(
        parts.groupLabel(parts.groupOf(held.createdAt - 90 * 86_400_000, marks), (k) => k, 'en'),
      ).toMatch(/20\d\d/)
      expect(new Date(held.createdAt).toISOString()).toMatch(/^20\d\d-/)
    }
  } finally {
    g.window = before
  }
}
