import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Job } from '../../src/shared/jobs'
import { INCOMING_DIR, Library, parsePart } from '../../src/main/library/library'

// Partial downloads when several processes share one library: each worker writes a file of its
// own, a dead worker's partial of the job is resumed (only the bytes it lacks are fetched) and
// never a live one's, and the clean-up at launch removes only what no live process may write.

/** A real MP4 (a whole one: the library keeps nothing less), served with HTTP Range. */
const BODY = readFileSync(resolve('resources/samples/16x9-5s.mp4'))

let dir: string
let root: string
let ranges: (string | null)[]

const fetchVideo = async (_url: string, init: RequestInit): Promise<Response> => {
  const range = (init.headers as Record<string, string> | undefined)?.Range ?? null
  ranges.push(range)
  const from = range ? Number(/bytes=(\d+)-/.exec(range)![1]) : 0
  const part = BODY.subarray(from)
  return new Response(part, {
    status: range ? 206 : 200,
    headers: {
      'content-length': String(part.length),
      ...(range ? { 'content-range': `bytes ${from}-${BODY.length - 1}/${BODY.length}` } : {}),
    },
  })
}

const job = (id: string): Job =>
  ({
    id,
    kind: 'text2video',
    request: { prompt: 'parts' },
    externalTaskId: `ks-${id}`,
    taskId: `t-${id}`,
    state: 'downloading',
    sandbox: false,
    createdAt: 1_777_000_000_000,
    video: { id: 'v', url: 'https://cdn.example/v.mp4', duration: '5' },
  }) as unknown as Job

const incoming = () => join(root, INCOMING_DIR)
const names = async () => (await readdir(incoming()).catch(() => [] as string[])).sort()
const put = async (name: string, bytes: Buffer) => {
  await mkdir(incoming(), { recursive: true })
  await writeFile(join(incoming(), name), bytes)
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-parts-'))
  root = join(dir, 'library')
  ranges = []
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('partial downloads of several processes', () => {
  it('are named by job and worker', () => {
    expect(parsePart('job-1.worker-a.mp4.part')).toEqual({ jobId: 'job-1', workerId: 'worker-a' })
    expect(parsePart('job-1.mp4.part')).toEqual({ jobId: 'job-1', workerId: null })
    expect(parsePart('notes.txt')).toBeNull()
  })

  it('a dead worker’s partial is resumed, not fetched again; a live worker’s is left as it is', async () => {
    const library = new Library({ root, fetch: fetchVideo })
    await put('j1.dead.mp4.part', BODY.subarray(0, 1_000))
    await put('j1.live.mp4.part', BODY.subarray(0, 3_000))
    const live = new Set(['me', 'live'])
    const saved = await library.save(job('j1'), {
      owner: { id: 'me', isLive: (id) => live.has(id) },
    })
    expect(await readFile(saved.file)).toEqual(BODY)
    expect(ranges).toEqual(['bytes=1000-'])
    // The live worker's file is untouched; the dead one's was taken over (and ours renamed in).
    expect(await names()).toEqual(['j1.live.mp4.part'])
    expect((await stat(join(incoming(), 'j1.live.mp4.part'))).size).toBe(3_000)
  })

  it('two workers downloading one job write two files, each whole', async () => {
    const library = new Library({ root, fetch: fetchVideo })
    const live = () => true
    const [a, b] = await Promise.all([
      library.save(job('j2'), { owner: { id: 'wa', isLive: live } }),
      library.save(job('j2'), { owner: { id: 'wb', isLive: live } }),
    ])
    expect(a.file).toBe(b.file)
    expect(await readFile(a.file)).toEqual(BODY)
    expect(await names()).toEqual([])
  })

  it('the clean-up keeps what a live worker may write and a live job may resume, and nothing else', async () => {
    const library = new Library({ root, fetch: fetchVideo })
    const half = BODY.subarray(0, 100)
    await put('ended.live.mp4.part', half) // a live worker's, whatever its job: kept
    await put('running.dead.mp4.part', half) // a dead worker's, of a live job: kept for a takeover
    await put('running.mp4.part', half) // an older release's, of a live job: kept
    await put('ended.dead.mp4.part', half) // a dead worker's, of an ended job: removed
    await put('gone.mp4.part', half) // an older release's, of an ended job: removed
    await put('stray.tmp', half) // not a partial download at all: removed
    const removed = await library.removeStrayParts({
      liveWorkers: new Set(['live']),
      liveJobs: new Set(['running']),
    })
    expect(removed).toBe(3)
    expect(await names()).toEqual([
      'ended.live.mp4.part',
      'running.dead.mp4.part',
      'running.mp4.part',
    ])
  })
})
