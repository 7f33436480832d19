import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Library } from '../../src/main/library/library'
import { job } from '../fixtures/job'

// Rescan trusts the folder, not every file in it: a sidecar only ever brings in the MP4 that
// stands beside it under its own name.

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

async function saved(id: string, name: string) {
  const file = join(dir, name)
  await copyFile(sample, file)
  const j = job({ id, taskId: '9', state: 'done', saved: true })
  await library.writeSidecar(j, file, 1)
  return { file, sidecar: join(dir, name.replace(/\.mp4$/, '.json')) }
}

describe('library scan', () => {
  it('finds a video beside its sidecar', async () => {
    await saved('ok-1', 'clip.mp4')
    expect((await library.scan()).map((e) => e.sidecar.job.id)).toEqual(['ok-1'])
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
