import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { INCOMING_DIR, Library } from '../../src/main/library/library'
import { mp4Flaw } from '../../src/main/library/mp4-facts'
import { videoFileName } from '../../src/main/library/names'
import { readSidecar, sidecarFor } from '../../src/main/library/sidecar'
import { finishedJob, stepper } from '../fixtures/fetch-step'
import { asRoot, canMount, leaveRoom, onTmpfs } from '../fixtures/tmpfs'

// Saving where this computer says no: a real full disk (a small tmpfs, where the test may mount
// one), a read-only folder, a file where a folder should be, a folder name of 300 characters. Each
// is said as what it is, naming the folder, fails the job at once (no retry until the person
// acts) and leaves nothing false behind. Also: a full disk while writing a sidecar keeps the
// video and leaves no temporary file; two jobs with one task id never share a file.

const sample = await readFile(resolve('resources/samples/16x9-5s.mp4'))
let server: Server
let url: string
let hits = 0
let dir: string

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++
    // /chunked: no length announced, so only writing can find the disk full.
    const headers = req.url === '/chunked.mp4' ? {} : { 'content-length': String(sample.length) }
    res.writeHead(200, { 'content-type': 'video/mp4', ...headers })
    res.end(sample)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(() => new Promise((r) => server.close(r)))
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-local-'))
  hits = 0
  return () => rm(dir, { recursive: true, force: true })
})

const library = (root: string) =>
  new Library({ root, download: { attempts: 3, backoff: { baseMs: 1, maxMs: 2 } } })

const jobAt = (path = '/v.mp4', over: Parameters<typeof finishedJob>[0] = {}) =>
  finishedJob({ video: { id: 'v', url: `${url}${path}`, duration: '5' }, ...over })

async function listing(root: string): Promise<string[]> {
  const top = await readdir(root).catch(() => [] as string[])
  const parts = await readdir(join(root, INCOMING_DIR)).catch(() => [] as string[])
  return [...top.filter((n) => n !== INCOMING_DIR), ...parts.map((n) => `${INCOMING_DIR}/${n}`)]
}

/** A real 64 KB disk at `at` for the length of `body`, with only `room` bytes (whole pages) free. */
function onSmallDisk<T>(at: string, room: number, body: () => Promise<T>): Promise<T> {
  return onTmpfs(at, { size: '64k' }, async () => {
    await mkdir(join(at, INCOMING_DIR))
    leaveRoom(at, room)
    return body()
  })
}

const pages = (n: number) => Math.ceil(n / 4096) * 4096

describe('a full disk', () => {
  it.skipIf(!canMount)(
    'a video that cannot fit is refused before writing, and not retried',
    async () => {
      const root = join(dir, 'library')
      await onSmallDisk(root, 8192, async () => {
        const s = stepper(jobAt(), library(root))
        expect(await s.step()).toEqual({ end: true })
        expect(s.ctx.job.state).toBe('failed')
        expect(s.ctx.job.error).toMatchObject({ kind: 'download', code: 'local_disk_full' })
        expect(s.ctx.job.error!.message).toMatch(
          new RegExp(
            `The disk holding ${root} is full: the video needs 27.1 KB and 8.2 KB is free`,
          ),
        )
        expect(s.ctx.job.error!.message).toMatch(/Download again/)
        expect(hits).toBe(1)
        expect(await listing(root)).toEqual(['filler'])
      })
    },
  )

  it.skipIf(!canMount)(
    'a disk that fills while writing: said as such, partial removed',
    async () => {
      const root = join(dir, 'library')
      await onSmallDisk(root, 8192, async () => {
        const s = stepper(jobAt('/chunked.mp4'), library(root))
        expect(await s.step()).toEqual({ end: true })
        expect(s.ctx.job.error).toMatchObject({ code: 'local_disk_full' })
        expect(s.ctx.job.error!.message).toMatch(/is full: free some space there/)
        expect(s.ctx.job.error!.message).not.toMatch(/could not reach the server/)
        expect(hits).toBe(1)
        expect(await listing(root)).toEqual(['filler'])
      })
    },
  )

  it.skipIf(!canMount)(
    'full while writing the sidecar: the video stays, no temporary file, not fetched again',
    async () => {
      const root = join(dir, 'library')
      await onSmallDisk(root, pages(sample.length), async () => {
        const lib = library(root)
        const s = stepper(jobAt(), lib)
        expect(await s.step()).toEqual({ end: true })
        expect(s.ctx.job.state).toBe('done')
        const video = s.ctx.job.file!
        expect(await mp4Flaw(video)).toBeNull()
        expect(await listing(root)).toEqual(['filler', basename(video)].sort())
        // Asked again (a retry, a relaunch): the file in place is taken, nothing downloaded.
        const again = await lib.adopt(s.ctx.job)
        expect(again).toMatchObject({ file: video, sidecarError: expect.stringMatching(/ENOSPC/) })
        expect(hits).toBe(1)
        expect(await listing(root)).toEqual(['filler', basename(video)].sort())
        // Room again: the sidecar is written at the next save (or flush) ...
        await rm(join(root, 'filler'))
        expect(await lib.flushSidecars()).toBe(0)
        const sidecar = video.replace(/\.mp4$/, '.json')
        expect(readSidecar(await readFile(sidecar, 'utf8'))?.job.id).toBe(s.ctx.job.id)
        // ... or, after a relaunch (nothing remembered), when the saved jobs are walked.
        await rm(sidecar)
        expect(await library(root).ensureSidecar(s.ctx.job, video, sample.length)).toBe(true)
        expect(readSidecar(await readFile(sidecar, 'utf8'))?.job.id).toBe(s.ctx.job.id)
        expect(await listing(root)).toEqual([basename(sidecar), basename(video)])
      })
    },
  )
})

describe('a folder that cannot be written', () => {
  async function refused(root: string, code: string, words: RegExp) {
    const s = stepper(jobAt(), library(root))
    expect(await s.step()).toEqual({ end: true })
    expect(s.ctx.job.state).toBe('failed')
    expect(s.ctx.job.taskStatus).toBe('succeed')
    expect(s.ctx.job.error).toMatchObject({ kind: 'download', code })
    expect(s.ctx.job.error!.message).toMatch(words)
    expect(s.ctx.job.error!.message).toMatch(/Download again/)
    // Refused before anything was asked of the server.
    expect(hits).toBe(0)
  }

  it.skipIf(!canMount && asRoot)('read-only', async () => {
    const at = join(dir, 'ro')
    await mkdir(at)
    if (canMount) {
      await onTmpfs(at, { size: '4k', readOnly: true }, () =>
        refused(join(at, 'library'), 'local_read_only', /on a read-only disk/),
      )
    } else {
      // Not root: permission bits hold.
      await chmod(at, 0o555)
      try {
        await refused(join(at, 'library'), 'local_not_allowed', /may not write in/)
      } finally {
        await chmod(at, 0o755)
      }
    }
  })

  it('a file where the folder should be', async () => {
    await writeFile(join(dir, 'afile'), 'x')
    await refused(
      join(dir, 'afile', 'library'),
      'local_not_a_folder',
      /afile\/library cannot be used/,
    )
  })

  it('a folder name of 300 characters', async () => {
    const root = join(dir, 'x'.repeat(300))
    await refused(root, 'local_name_too_long', /too long for this disk/)
  })
})

describe('names of one job', () => {
  it('a task id of 300 characters still saves, under a name the disk takes', async () => {
    const root = join(dir, 'library')
    const s = stepper(jobAt('/v.mp4', { taskId: '7'.repeat(300) }), library(root))
    await s.step()
    expect(s.ctx.job.state).toBe('done')
    expect(Buffer.byteLength(basename(s.ctx.job.file!))).toBeLessThanOrEqual(255)
  })

  it('two jobs with one task id: two files; deleting one leaves the other whole', async () => {
    const root = join(dir, 'library')
    const lib = library(root)
    const a = stepper(jobAt('/v.mp4', { id: 'aaaaaaaa-1' }), lib)
    const b = stepper(jobAt('/v.mp4', { id: 'bbbbbbbb-2' }), lib)
    await a.step()
    await b.step()
    expect(a.ctx.job.file).not.toBe(b.ctx.job.file)
    await lib.remove(a.ctx.job.file!, (p) => rm(p))
    expect(await listing(root)).toEqual([
      basename(b.ctx.job.file!).replace(/\.mp4$/, '.json'),
      basename(b.ctx.job.file!),
    ])
    expect(await mp4Flaw(b.ctx.job.file!)).toBeNull()
  })

  it('a video left under the earlier name is taken only with its own job’s sidecar', async () => {
    const root = join(dir, 'library')
    await mkdir(root)
    const mine = jobAt()
    const legacy = join(root, videoFileName(mine.createdAt, 'a heron at dawn', mine.taskId!))
    await writeFile(legacy, sample)
    // Another job's (same task id, a gateway's doing): not ours to take.
    const other = { ...mine, id: 'other-job' }
    await writeFile(
      legacy.replace(/\.mp4$/, '.json'),
      JSON.stringify(sidecarFor(other, basename(legacy), 1)),
    )
    const lib = library(root)
    expect(await lib.adopt(mine)).toBeNull()
    await writeFile(
      legacy.replace(/\.mp4$/, '.json'),
      JSON.stringify(sidecarFor(mine, basename(legacy), 1)),
    )
    expect(await lib.adopt(mine)).toMatchObject({ file: legacy, sidecarError: null })
    expect(hits).toBe(0)
  })
})
