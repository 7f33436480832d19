import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CALLS, channelFor, EXPORT_IDS_MAX, FACTS_IDS_MAX } from '../../src/shared/contract'
import type { DesktopActions } from '../../src/main/app/desktop'
import { startEmulator } from '../../src/main/emulator/server'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { startHarness } from '../e2e/harness'
import { LibraryService } from '../../src/main/app/library-service'
import { InputStore } from '../../src/main/inputs/input-store'
import { exportVideos } from '../../src/main/library/export'
import { Library } from '../../src/main/library/library'
import { PosterStore } from '../../src/main/library/posters'
import { rescanLibrary } from '../../src/main/library/rescan'
import { readSidecar } from '../../src/main/library/sidecar'
import { inputStoreFor } from '../../src/main/studio/wire'
import { Ledger } from '../../src/main/tasks/ledger'
import { png } from '../fixtures/images'
import { canMount, onTmpfs } from '../fixtures/tmpfs'

// Exporting copies of saved videos with their sidecars and input images into a folder the person
// picks: real files, a real full disk (a tiny tmpfs, where the test may mount one), names never
// overwritten, and the folder opened as a library of its own afterwards.

const SAMPLES = resolve('resources/samples')

let dir: string
let ledger: Ledger
let library: Library
let out: string
let inputs: InputStore
const picks: { current: string; purpose: string | undefined }[] = []
let pick: string | null

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-export-'))
  ledger = new Ledger(join(dir, 'history.db'))
  library = new Library({ root: join(dir, 'library') })
  inputs = inputStoreFor(ledger, () => library.root)
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
  return new LibraryService({
    ledger,
    library,
    actions,
    emit: () => {},
    posters,
    inputs,
    runner: { cancel: (id) => ledger.removeQueued(id) },
  })
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

/** A saved job of another kind (its request naming stored inputs), its video a sample's copy. */
async function savedMade(
  name: string,
  kind: 'image2video' | 'multi-image2video',
  request: Record<string, unknown>,
): Promise<string> {
  const job = ledger.create({ kind, request: request as never, externalTaskId: `ks-${name}` })
  const file = join(library.root, `2026-11-24 1532 ${name} 8781${job.id.slice(0, 4)}.mp4`)
  await copyFile(join(SAMPLES, '16x9-5s.mp4'), file)
  ledger.setSaved(job.id, file, 1)
  return job.id
}

const put = (bytes: Buffer) => inputs.put(bytes, { source: 'file', origin: '/pictures/x.png' })

describe('input images travel with the videos', () => {
  it('an image-to-video export opens as a library elsewhere, its first frame with it', async () => {
    const frame = png(640, 360, { rgb: [200, 40, 40] })
    const stored = await put(frame)
    const id = await savedMade('lighthouse', 'image2video', {
      image: stored.ref,
      prompt: 'the lamp turns',
    })
    expect(await run([id])).toEqual({ folder: out, exported: 1, failed: [] })
    const name = stored.ref.slice('input:'.length)
    expect(await readFile(join(out, 'Inputs', name))).toEqual(frame)

    // Somewhere else: a history of its own, the export folder as its library, rebuilt by a rescan.
    const elsewhere = new Ledger(join(dir, 'elsewhere.db'))
    try {
      const theirs = new Library({ root: out })
      expect(await rescanLibrary(elsewhere, theirs)).toEqual({
        found: 1,
        added: 1,
        missing: 0,
        skipped: [],
        skippedCount: 0,
      })
      const back = elsewhere.get(id)!
      expect(back).toMatchObject({
        kind: 'image2video',
        state: 'done',
        request: { image: stored.ref, prompt: 'the lamp turns' },
        file: join(out, nameOf(id)),
      })
      // Its first frame is there, intact, for Try again or Continue: found by its name alone.
      const store = new InputStore({ root: () => theirs.root })
      expect(await store.bytes((back.request as { image: string }).image)).toEqual(frame)
    } finally {
      elsewhere.close()
    }
  })

  it('copies an image once for every video that used it, and skips an identical copy already there', async () => {
    const a = await put(png(400, 400, { rgb: [10, 200, 10] }))
    const b = await put(png(400, 400, { rgb: [10, 10, 200] }))
    const list = (...refs: string[]) => ({
      image_list: refs.map((image) => ({ image })),
      prompt: 'together',
    })
    const first = await savedMade('pair', 'multi-image2video', list(a.ref, b.ref))
    const second = await savedMade('again', 'multi-image2video', list(b.ref, a.ref))
    // b is already in the folder (an earlier export, say): the same bytes, so it is left alone.
    await mkdir(join(out, 'Inputs'), { recursive: true })
    await copyFile(b.file, join(out, 'Inputs', b.ref.slice('input:'.length)))
    expect(await run([first, second])).toEqual({ folder: out, exported: 2, failed: [] })
    expect((await readdir(join(out, 'Inputs'))).sort()).toEqual(
      [a.ref, b.ref].map((r) => r.slice('input:'.length)).sort(),
    )
    const scanned = await new Library({ root: out }).scan()
    expect(scanned.map((e) => e.sidecar.inputs.map((i) => i.file).sort())).toEqual([
      [`Inputs/${a.ref.slice(6)}`, `Inputs/${b.ref.slice(6)}`].sort(),
      [`Inputs/${a.ref.slice(6)}`, `Inputs/${b.ref.slice(6)}`].sort(),
    ])
  })

  it('never overwrites a different file of the same name, and says which image the video lacks', async () => {
    const stored = await put(png(500, 500))
    const id = await savedMade('clash', 'image2video', { image: stored.ref })
    const name = stored.ref.slice('input:'.length)
    await mkdir(join(out, 'Inputs'), { recursive: true })
    await writeFile(join(out, 'Inputs', name), 'not that image')
    const result = await run([id])
    expect(result.exported).toBe(1)
    expect(result.failed).toEqual([
      {
        id,
        message: `${nameOf(id)} was copied, but not every image it was made from: that folder already holds a different file named Inputs/${name}; it was left as it was`,
      },
    ])
    expect(await readFile(join(out, 'Inputs', name), 'utf8')).toBe('not that image')
    expect(await readFile(join(out, nameOf(id)))).toEqual(await readFile(ledger.get(id)!.file!))
  })

  it('reports an input image gone from this computer, and still copies the video', async () => {
    const stored = await put(png(300, 300))
    const id = await savedMade('lost', 'image2video', { image: stored.ref })
    await rm(stored.file)
    const result = await run([id])
    expect(result.exported).toBe(1)
    expect(result.failed).toEqual([
      {
        id,
        message: expect.stringMatching(
          /was copied, but not every image it was made from: Inputs\/.*\.png could not be copied: .*not in the library's Inputs folder/,
        ),
      },
    ])
    expect(await readdir(out)).toContain(nameOf(id))
  })
})

describe('a whole selection in one call', () => {
  it(`takes up to ${EXPORT_IDS_MAX} ids (the folder is picked once); library.facts stays at ${FACTS_IDS_MAX}`, async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `job-${i}`)
    const exportCheck = CALLS['library.export'].input
    const factsCheck = CALLS['library.facts'].input
    expect(exportCheck({ ids: ids(5000) })).toEqual({ ok: true, value: { ids: ids(5000) } })
    expect(exportCheck({ ids: ids(5001) })).toEqual({
      ok: false,
      message: 'ids must be a list of up to 5000 job ids',
    })
    expect(factsCheck({ ids: ids(500) }).ok).toBe(true)
    expect(factsCheck({ ids: ids(501) })).toEqual({
      ok: false,
      message: 'ids must be a list of up to 500 job ids',
    })

    const real = [await saved('one'), await saved('two')]
    const asked = [real[0]!, ...ids(4998), real[1]!]
    const checked = exportCheck({ ids: asked })
    if (!checked.ok) throw new Error(checked.message)
    const result = await run(checked.value.ids)
    expect(picks).toHaveLength(1)
    expect(result.exported).toBe(2)
    expect(result.failed).toHaveLength(4998)
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
      inputFileOf: (ref) => inputs.fileOf(ref),
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

  it.skipIf(!canMount)('on a real 64 KB disk', async () => {
    // 16x9-5s is about 27 KB, 16x9-15s about 53 KB, 2x3-5s about 23 KB.
    const ids = [
      await saved('first'),
      await saved('toolarge', '16x9-15s.mp4'),
      await saved('third', '2x3-5s.mp4'),
    ]
    await mkdir(out)
    await onTmpfs(out, { size: '64k' }, async () => {
      const result = await run(ids)
      expect(result.exported).toBe(2)
      expect(result.failed).toEqual([
        { id: ids[1], message: expect.stringMatching(/^The disk is full: .*toolarge/) },
      ])
      const names = await readdir(out)
      expect(names.filter((n) => n.includes('toolarge'))).toEqual([])
      expect(names.filter((n) => n.endsWith('.mp4'))).toHaveLength(2)
    })
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
