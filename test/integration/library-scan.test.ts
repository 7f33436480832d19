import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DesktopActions } from '../../src/main/app/desktop'
import { LibraryService } from '../../src/main/app/library-service'
import { InputStore } from '../../src/main/inputs/input-store'
import { Library } from '../../src/main/library/library'
import { PosterStore } from '../../src/main/library/posters'
import { Ledger } from '../../src/main/tasks/ledger'
import { job } from '../fixtures/job'

// Rescan trusts the folder, not every file in it: a sidecar only ever brings in the MP4 that
// stands beside it under its own name. And what the library says of its files (library.facts).

let dir: string
let library: Library
const sample = resolve('resources/samples/16x9-5s.mp4')

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-scan-'))
  library = new Library({ root: dir })
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function saved(id: string, name: string, groupId: string | null = null) {
  const file = join(dir, name)
  await copyFile(sample, file)
  const j = job({ id, taskId: '9', state: 'done', saved: true, groupId })
  await library.writeSidecar(j, file, 1)
  return { file, sidecar: join(dir, name.replace(/\.mp4$/, '.json')) }
}

describe('library scan', () => {
  it('finds a video beside its sidecar', async () => {
    await saved('ok-1', 'clip.mp4')
    expect((await library.scan()).map((e) => e.sidecar.job.id)).toEqual(['ok-1'])
  })

  it('keeps the takes of one Generate together through the sidecar, and drops a strange group id', async () => {
    await saved('take-1', 'a.mp4', 'g-7f3a')
    await saved('take-2', 'b.mp4', 'g-7f3a')
    const odd = await saved('take-3', 'c.mp4')
    const text = JSON.parse(await readFile(odd.sidecar, 'utf8'))
    text.job.groupId = '../../etc'
    await writeFile(odd.sidecar, JSON.stringify(text))
    const found = await library.scan()
    const groups = Object.fromEntries(found.map((e) => [e.sidecar.job.id, e.sidecar.job.groupId]))
    expect(groups).toEqual({ 'take-1': 'g-7f3a', 'take-2': 'g-7f3a', 'take-3': null })
  })

  it('ignores a sidecar that names another file, one that is not an MP4, or a strange id', async () => {
    const other = await saved('x-1', 'x.mp4')
    // Points at an executable beside it.
    const text = JSON.parse(await readFile(other.sidecar, 'utf8'))
    await writeFile(join(dir, 'payload.exe'), 'MZ not a video')
    await writeFile(other.sidecar, JSON.stringify({ ...text, video: 'payload.exe' }))
    // Named right, but not an MP4 inside.
    const fake = await saved('fake-1', 'fake.mp4')
    await writeFile(fake.file, 'not a video at all')
    // An id the media URL could not carry.
    const odd = await saved('../odd', 'odd.mp4')
    expect(odd.file).toBeTruthy()
    expect(await library.scan()).toEqual([])
  })
})

describe('library.facts', () => {
  it('reads each saved video from its file, and leaves out ids with no file', async () => {
    const ledger = new Ledger(join(dir, 'history.db'))
    try {
      const posters = new PosterStore({ folder: join(dir, 'posters'), videoFor: () => null })
      const facts = new LibraryService({
        ledger,
        library,
        actions: {} as DesktopActions,
        emit: () => {},
        posters,
        inputs: new InputStore({ root: () => library.root }),
        runner: { cancel: (id) => ledger.removeQueued(id) },
      }).handlers()['library.facts']
      const make = (prompt: string) =>
        ledger.create({ request: { prompt }, externalTaskId: `ks-${prompt}` }).id
      const [tall, gone, unsaved] = [make('tall'), make('gone'), make('unsaved')]
      const file = join(dir, 'tall clip.mp4')
      await copyFile(resolve('resources/samples/9x16-10s.mp4'), file)
      ledger.setSaved(tall, file, 1)
      ledger.setSaved(gone, join(dir, 'vanished.mp4'), 1)
      const answer = await facts({ ids: [tall, gone, unsaved, 'nobody'] })
      expect(answer).toEqual({
        [tall]: {
          width: 720,
          height: 1280,
          fps: 12,
          durationSeconds: 10,
          bytes: (await stat(file)).size,
          fileName: 'tall clip.mp4',
        },
      })
    } finally {
      ledger.close()
    }
  })
})
