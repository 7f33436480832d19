import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { channelFor } from '../../src/shared/contract'
import type { DesktopActions } from '../../src/main/app/desktop'
import { startEmulator } from '../../src/main/emulator/server'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { startHarness } from '../e2e/harness'
import { LibraryService } from '../../src/main/app/library-service'
import { exportVideos } from '../../src/main/library/export'
import { Library } from '../../src/main/library/library'
import { PosterStore } from '../../src/main/library/posters'
import { readSidecar } from '../../src/main/library/sidecar'
import { Ledger } from '../../src/main/tasks/ledger'

// Exporting copies of saved videos with their sidecars into a folder the person picks: real files,
// a real full disk (a tiny tmpfs, where the test may mount one), names never overwritten.

const SAMPLES = resolve('resources/samples')

let dir: string
let ledger: Ledger
let library: Library
let out: string
const picks: { current: string; purpose: string | undefined }[] = []
let pick: string | null

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-export-'))
  ledger = new Ledger(join(dir, 'history.db'))
  library = new Library({ root: join(dir, 'library') })
  out = join(dir, 'exported')
  await mkdir(library.root, { recursive: true })
  picks.length = 0
  pick = out
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

/** A saved job whose video is a copy of a sample, under a library-style name. */
async function saved(prompt: string, sample = '16x9-5s.mp4'): Promise<string> {
  const job = ledger.create({ request: { prompt }, externalTaskId: `ks-${prompt}` })
  const file = join(library.root, `2026-11-24 1532 ${prompt} 8781${job.id.slice(0, 4)}.mp4`)
  await copyFile(join(SAMPLES, sample), file)
  ledger.setSaved(job.id, file, 1)
  return job.id
}

function service(): LibraryService {
  const actions = {
    chooseFolder: async (current: string, purpose?: string) => {
      picks.push({ current, purpose })
      return pick
    },
  } as unknown as DesktopActions
  const posters = new PosterStore({ folder: join(dir, 'posters'), videoFor: () => null })
  return new LibraryService({ ledger, library, actions, emit: () => {}, posters })
}

const run = (ids: string[]) => service().handlers()['library.export']({ ids })
const nameOf = (id: string) => ledger.get(id)!.file!.split(/[\\/]/).pop()!

describe('library.export', () => {
  it('copies each video with a sidecar naming it, holding no path of this computer', async () => {
    const a = await saved('sunrise')
    const b = await saved('harbour', '9x16-5s.mp4')
    const result = await run([a, b])
    expect(result).toEqual({ folder: out, exported: 2, failed: [] })
    expect(picks).toEqual([{ current: dir, purpose: 'export' }])
    for (const id of [a, b]) {
      const name = nameOf(id)
      expect(await readFile(join(out, name))).toEqual(await readFile(ledger.get(id)!.file!))
      const text = await readFile(join(out, name.replace(/\.mp4$/, '.json')), 'utf8')
      const sidecar = readSidecar(text)!
      expect(sidecar.video).toBe(name)
      expect(sidecar.job).toMatchObject({ id, request: { prompt: ledger.get(id)!.request.prompt } })
      expect(text).not.toContain(dir)
      expect(text).not.toContain(tmpdir())
    }
    // The folder is a library of its own: a scan there finds both.
    const scanned = await new Library({ root: out }).scan()
    expect(scanned.map((e) => e.sidecar.job.id).sort()).toEqual([a, b].sort())
  })

  it('never overwrites: a taken name becomes "name (2).mp4", and so on', async () => {
    const id = await saved('again')
    const name = nameOf(id)
    await mkdir(out)
    // Someone's own file of that name, already there.
    await writeFile(join(out, name), 'mine, keep it')
    await run([id])
    await run([id])
    const names = (await readdir(out)).sort()
    const stem = name.replace(/\.mp4$/, '')
    expect(names).toEqual(
      [name, `${stem} (2).json`, `${stem} (2).mp4`, `${stem} (3).json`, `${stem} (3).mp4`].sort(),
    )
    expect(await readFile(join(out, name), 'utf8')).toBe('mine, keep it')
    expect(readSidecar(await readFile(join(out, `${stem} (3).json`), 'utf8'))!.video).toBe(
      `${stem} (3).mp4`,
    )
  })

  it('reports a missing file, an unsaved job and an unknown id, and exports the rest', async () => {
    const gone = await saved('gone')
    await rm(ledger.get(gone)!.file!)
    const unsaved = ledger.create({ request: { prompt: 'later' }, externalTaskId: 'ks-later' }).id
    const good = await saved('fine')
    const result = await run([gone, unsaved, 'nobody', good])
    expect(result.exported).toBe(1)
    expect(result.failed).toEqual([
      { id: gone, message: expect.stringMatching(/missing from the library: .*gone/) },
      { id: unsaved, message: expect.stringMatching(/not saved/) },
      { id: 'nobody', message: 'No job nobody' },
    ])
    expect((await readdir(out)).sort()).toEqual(
      [nameOf(good), nameOf(good).replace(/\.mp4$/, '.json')].sort(),
    )
  })

  it('does nothing when the person cancels the folder picker', async () => {
    pick = null
    expect(await run([await saved('cancelled')])).toEqual({ folder: null, exported: 0, failed: [] })
  })

  it('refuses to export into the library folder itself', async () => {
    pick = library.root
    await expect(run([await saved('loop')])).rejects.toMatchObject({ code: 'invalid_input' })
  })
})

describe('a full disk', () => {
  it('fails the video that does not fit, removes its partial copy, and goes on', async () => {
    const ids = [await saved('small'), await saved('large', '16x9-15s.mp4'), await saved('next')]
    await mkdir(out)
    const large = nameOf(ids[1]!)
    const result = await exportVideos({
      folder: out,
      jobs: ids.map((id) => ({ id, job: ledger.get(id) })),
      // The disk fills half way through the large one.
      copy: async (from, to, mode) => {
        if (!to.endsWith(large)) return copyFile(from, to, mode)
        await writeFile(to, 'half a vid')
        throw Object.assign(new Error('ENOSPC: no space left on device, copyfile'), {
          code: 'ENOSPC',
        })
      },
    })
    expect(result.exported).toBe(2)
    expect(result.failed).toEqual([{ id: ids[1], message: expect.stringMatching(/disk is full/) }])
    expect((await readdir(out)).filter((n) => n.includes('large'))).toEqual([])
  })

  const canMount = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
    const probe = join(tmpdir(), `kling-mount-probe-${process.pid}`)
    try {
      execFileSync('mkdir', ['-p', probe])
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', probe], { stdio: 'ignore' })
      execFileSync('umount', [probe], { stdio: 'ignore' })
      return true
    } catch {
      return false
    } finally {
      execFileSync('rm', ['-rf', probe])
    }
  })()

  it.skipIf(!canMount)('on a real 64 KB disk', async () => {
    // 16x9-5s is about 27 KB, 16x9-15s about 53 KB, 2x3-5s about 23 KB.
    const ids = [
      await saved('first'),
      await saved('toolarge', '16x9-15s.mp4'),
      await saved('third', '2x3-5s.mp4'),
    ]
    await mkdir(out)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', out])
    try {
      const result = await run(ids)
      expect(result.exported).toBe(2)
      expect(result.failed).toEqual([
        { id: ids[1], message: expect.stringMatching(/^The disk is full: .*toolarge/) },
      ])
      const names = await readdir(out)
      expect(names.filter((n) => n.includes('toolarge'))).toEqual([])
      expect(names.filter((n) => n.endsWith('.mp4'))).toHaveLength(2)
    } finally {
      execFileSync('umount', [out])
    }
  })
})

describe("the browser tests' harness", () => {
  it('exports into the folder the test names, and cancels without one', async () => {
    const data = join(dir, 'harness')
    const file = join(data, 'library', 'clip.mp4')
    await mkdir(join(data, 'library'), { recursive: true })
    await copyFile(join(SAMPLES, '1x1-5s.mp4'), file)
    const seed = new Ledger(join(data, 'history.db'))
    const id = seed.create({ request: { prompt: 'harnessed' }, externalTaskId: 'ks-h' }).id
    seed.setSaved(id, file, 1)
    seed.close()
    const emulator = await startEmulator()
    for (const exportFolder of [out, undefined]) {
      const h = await startHarness({
        dataDir: data,
        emulator,
        secrets: new MemorySecretStore(),
        exportFolder,
      })
      try {
        const call = (name: 'library.export' | 'library.chooseFolder', input?: unknown) =>
          fetch(`${h.url}/__bridge/call/${channelFor(name)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', referer: `${h.url}/` },
            body: input === undefined ? '' : JSON.stringify(input),
          }).then((r) => r.json())
        expect(await call('library.export', { ids: [id] })).toEqual({
          ok: true,
          data: exportFolder
            ? { folder: out, exported: 1, failed: [] }
            : { folder: null, exported: 0, failed: [] },
        })
        // The library's own folder picker still answers "cancelled".
        expect(await call('library.chooseFolder')).toEqual({ ok: true, data: null })
      } finally {
        await h.close()
      }
    }
    await emulator.close()
    expect(await readdir(out)).toEqual(['clip.json', 'clip.mp4'])
  })
})
