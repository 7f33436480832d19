import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { chromium } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { channelFor, type EventName } from '../../src/shared/contract'
import { startEmulator } from '../../src/main/emulator/server'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { startHarness } from '../e2e/harness'
import { CallError } from '../../src/main/app/call-error'
import type { DesktopActions } from '../../src/main/app/desktop'
import { LibraryService } from '../../src/main/app/library-service'
import { Library } from '../../src/main/library/library'
import { handleMediaRequest, type MediaDeps } from '../../src/main/library/media-handler'
import { imageFacts } from '../../src/main/inputs/image-facts'
import { InputStore } from '../../src/main/inputs/input-store'
import { isJpeg, PosterStore } from '../../src/main/library/posters'
import { Ledger } from '../../src/main/tasks/ledger'

// Poster frames: made once by a real ffmpeg (one run per video however many ask, two at most at
// once), or, without ffmpeg, captured by the window (a real Chromium drawing a video served by the
// media handler into a canvas, which CORS must leave untainted) and kept through library.setPoster.

const SAMPLE = resolve('resources/samples/16x9-5s.mp4')
const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const POSIX = process.platform !== 'win32'

let dir: string
let ledger: Ledger
let library: Library
const emitted: { event: EventName; payload: unknown }[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-posters-'))
  ledger = new Ledger(join(dir, 'history.db'))
  library = new Library({ root: join(dir, 'library') })
  await mkdir(library.root, { recursive: true })
  emitted.length = 0
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

/** A saved job whose video is a copy of `source`. */
async function savedJob(name: string, source = SAMPLE): Promise<string> {
  const file = join(library.root, `${name}.mp4`)
  await copyFile(source, file)
  const job = ledger.create({ request: { prompt: name }, externalTaskId: `ks-${name}` })
  ledger.setSaved(job.id, file, 1)
  return job.id
}

/**
 * An ffmpeg that writes down how many of it run at once (itself included), then runs the real
 * one: the log has one line per run.
 */
async function countingFfmpeg(): Promise<{ path: string; runs: () => Promise<number[]> }> {
  const running = join(dir, 'running')
  const log = join(dir, 'ffmpeg.log')
  await mkdir(running)
  const path = join(dir, 'ffmpeg-counting')
  await writeFile(
    path,
    [
      '#!/bin/sh',
      `touch "${running}/$$"`,
      `ls "${running}" | wc -l >> "${log}"`,
      'ffmpeg "$@"',
      'code=$?',
      `rm -f "${running}/$$"`,
      'exit $code',
      '',
    ].join('\n'),
  )
  await chmod(path, 0o755)
  const runs = async () =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => Number(l.trim()))
  return { path, runs }
}

function posterStore(ffmpeg: string | null): PosterStore {
  return new PosterStore({
    folder: join(dir, 'posters'),
    videoFor: (id) => ledger.get(id)?.file ?? null,
    ffmpeg,
  })
}

function service(posters: PosterStore, trashed: string[] = []): LibraryService {
  const actions = {
    trash: async (p: string) => void trashed.push(p),
  } as unknown as DesktopActions
  return new LibraryService({
    ledger,
    library,
    actions,
    emit: (event, payload) => emitted.push({ event, payload }),
    posters,
    inputs: new InputStore({ root: () => library.root }),
    runner: { cancel: (id) => ledger.removeQueued(id) },
  })
}

const mediaDeps = (s: LibraryService, corsOrigins: string[] = []): MediaDeps => ({
  ...s.mediaDeps(),
  corsOrigins,
})

async function poster(deps: MediaDeps, id: string): Promise<Response> {
  return handleMediaRequest(new Request(`media://poster/${id}`), deps)
}

describe.skipIf(!hasFfmpeg || !POSIX)('posters made by ffmpeg', () => {
  it('makes one 640 px JPEG per video, once, whoever asks at the same time', async () => {
    const ffmpeg = await countingFfmpeg()
    const posters = posterStore(ffmpeg.path)
    const id = await savedJob('one')
    const answers = await Promise.all(Array.from({ length: 5 }, () => posters.get(id)))
    expect(new Set(answers)).toEqual(new Set([posters.fileOf(id)]))
    expect(await ffmpeg.runs()).toHaveLength(1)
    const jpeg = await readFile(posters.fileOf(id))
    expect(isJpeg(jpeg)).toBe(true)
    expect(imageFacts(jpeg)).toMatchObject({ format: 'jpeg', width: 640, height: 360 })
    // Asked again later: the kept file, no new run.
    expect(await posters.get(id)).toBe(posters.fileOf(id))
    expect(await ffmpeg.runs()).toHaveLength(1)
    // Served at media://poster/<id>.
    const res = await poster(mediaDeps(service(posters)), id)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/jpeg')
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), jpeg)).toBe(0)
    // Nothing half-written is left beside it.
    expect(await readdir(posters.folder)).toEqual([`${id}.jpg`])
  })

  it('runs at most two ffmpeg at once for many videos', async () => {
    const ffmpeg = await countingFfmpeg()
    const posters = posterStore(ffmpeg.path)
    const ids = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => savedJob(n)))
    const files = await Promise.all(ids.map((id) => posters.get(id)))
    expect(files).toEqual(ids.map((id) => posters.fileOf(id)))
    const runs = await ffmpeg.runs()
    expect(runs).toHaveLength(6)
    expect(Math.max(...runs)).toBeLessThanOrEqual(2)
  })

  it('takes the first frame of a video shorter than half a second', async () => {
    const short = join(dir, 'short.mp4')
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=0.3'],
      ...['-pix_fmt', 'yuv420p', short],
    ])
    const posters = posterStore('ffmpeg')
    const id = await savedJob('short', short)
    expect(await posters.get(id)).toBe(posters.fileOf(id))
  })

  it('gives up on a file ffmpeg cannot read, once, and serves 404 for it', async () => {
    const ffmpeg = await countingFfmpeg()
    const posters = posterStore(ffmpeg.path)
    const junk = join(dir, 'junk.mp4')
    await writeFile(junk, 'not a video')
    const id = await savedJob('junk', junk)
    expect(await posters.get(id)).toBeNull()
    expect((await poster(mediaDeps(service(posters)), id)).status).toBe(404)
    expect(await ffmpeg.runs()).toHaveLength(1)
  })
})

describe('posters without ffmpeg: the window captures one', () => {
  it('answers 404, then serves the JPEG the window hands over', async () => {
    const posters = posterStore(join(dir, 'no-such-ffmpeg'))
    const s = service(posters)
    const id = await savedJob('windowed')
    expect((await poster(mediaDeps(s), id)).status).toBe(404)
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xdb]), Buffer.alloc(100, 1)])
    await s.handlers()['library.setPoster']({ id, bytes: jpeg })
    const res = await poster(mediaDeps(s), id)
    expect(res.status).toBe(200)
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), jpeg)).toBe(0)
  })

  it('refuses a poster that is no JPEG, or for a job with no saved video', async () => {
    const s = service(posterStore(null))
    const id = await savedJob('refusals')
    const unsaved = ledger.create({ request: { prompt: 'x' }, externalTaskId: 'ks-x' }).id
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const set = s.handlers()['library.setPoster']
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0])
    await expect(set({ id, bytes: png })).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(set({ id: unsaved, bytes: jpeg })).rejects.toMatchObject({ code: 'not_saved' })
    await expect(set({ id: 'nobody', bytes: jpeg })).rejects.toBeInstanceOf(CallError)
    expect(existsSync(join(dir, 'posters', `${id}.jpg`))).toBe(false)
  })

  it('deletes the poster with its job, and tells the window the job is gone', async () => {
    const posters = posterStore(null)
    const trashed: string[] = []
    const s = service(posters, trashed)
    const id = await savedJob('deleted')
    await s.handlers()['library.setPoster']({ id, bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) })
    expect(existsSync(posters.fileOf(id))).toBe(true)
    await s.handlers()['library.delete']({ id })
    expect(existsSync(posters.fileOf(id))).toBe(false)
    expect(ledger.get(id)).toBeNull()
    expect(trashed).toEqual([join(library.root, 'deleted.mp4')])
    expect(emitted).toEqual([{ event: 'tasks.removed', payload: { id } }])
  })
})

describe.skipIf(!existsSync(CHROMIUM))('a frame drawn by the page (real Chromium)', () => {
  let servers: Server[] = []
  let browser: Awaited<ReturnType<typeof chromium.launch>>

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--autoplay-policy=no-user-gesture-required',
      ],
    })
  })
  afterAll(async () => {
    await browser?.close()
  })
  afterEach(async () => {
    for (const s of servers) {
      s.closeAllConnections()
      await new Promise((r) => s.close(r))
    }
    servers = []
  })

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler)
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  /** The page (one origin) draws the video (another origin, through the media handler). */
  async function capture(corsOrigins: (page: string) => string[]) {
    const s = service(posterStore(null))
    const id = await savedJob('drawn')
    const page = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>frame</title>')
    })
    const media = await listen(async (req, res) => {
      const headers = new Headers()
      for (const h of ['range', 'origin']) {
        const v = req.headers[h]
        if (typeof v === 'string') headers.set(h, v)
      }
      const answer = await handleMediaRequest(
        new Request(`media://video/${req.url!.slice(1)}`, { method: req.method, headers }),
        mediaDeps(s, corsOrigins(page)),
      )
      res.writeHead(answer.status, Object.fromEntries(answer.headers))
      if (!answer.body) return void res.end()
      Readable.fromWeb(answer.body as NodeReadableStream).pipe(res)
    })
    const tab = await browser.newPage()
    await tab.goto(page)
    const result = await tab.evaluate(async (src) => {
      const video = document.createElement('video')
      video.crossOrigin = 'anonymous'
      video.muted = true
      video.src = src
      const loaded = await new Promise<boolean>((done) => {
        video.onloadeddata = () => done(true)
        video.onerror = () => done(false)
      })
      if (!loaded) return { drawn: false, error: 'the video did not load' }
      const canvas = document.createElement('canvas')
      canvas.width = video.videoWidth
      canvas.height = video.videoHeight
      canvas.getContext('2d')!.drawImage(video, 0, 0)
      try {
        const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/jpeg'))
        return { drawn: true, bytes: [...new Uint8Array(await blob!.arrayBuffer())] }
      } catch (error) {
        return { drawn: false, error: String(error) }
      }
    }, `${media}/${id}`)
    await tab.close()
    return { ...result, id, service: s }
  }

  it('reads back a frame of a video served for its origin, and keeps it as the poster', async () => {
    const result = await capture((page) => [page])
    expect(result.drawn).toBe(true)
    const bytes = Uint8Array.from(result.bytes!)
    expect(imageFacts(Buffer.from(bytes))).toMatchObject({ width: 1280, height: 720 })
    await result.service.handlers()['library.setPoster']({ id: result.id, bytes })
    const res = await poster(mediaDeps(result.service), result.id)
    expect(res.status).toBe(200)
  })

  it('cannot read a video served to some other origin', async () => {
    const result = await capture(() => ['http://elsewhere.example'])
    expect(result.drawn).toBe(false)
  })
})

describe("the browser tests' harness", () => {
  it('serves /poster/<id> through the media handler, and takes a poster over its JSON bridge', async () => {
    const data = join(dir, 'harness')
    const file = join(data, 'library', 'clip.mp4')
    await mkdir(join(data, 'library'), { recursive: true })
    await copyFile(SAMPLE, file)
    const seed = new Ledger(join(data, 'history.db'))
    const id = seed.create({ request: { prompt: 'harnessed' }, externalTaskId: 'ks-h' }).id
    seed.setSaved(id, file, 1)
    seed.close()
    const emulator = await startEmulator()
    const h = await startHarness({ dataDir: data, emulator, secrets: new MemorySecretStore() })
    try {
      const made = await fetch(`${h.url}/poster/${id}`)
      expect(made.status).toBe(hasFfmpeg ? 200 : 404)
      await made.body?.cancel()
      expect((await fetch(`${h.url}/poster/nobody`)).status).toBe(404)
      // As the browser bridge sends it: JSON, the bytes written out as an object.
      const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])
      const call = await fetch(`${h.url}/__bridge/call/${channelFor('library.setPoster')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', referer: `${h.url}/` },
        body: JSON.stringify({ id, bytes: jpeg }),
      })
      expect(await call.json()).toEqual({ ok: true })
      const kept = await fetch(`${h.url}/poster/${id}`)
      expect(kept.headers.get('content-type')).toBe('image/jpeg')
      expect(new Uint8Array(await kept.arrayBuffer())).toEqual(jpeg)
      expect(existsSync(join(data, 'posters', `${id}.jpg`))).toBe(true)
    } finally {
      await h.close()
      await emulator.close()
    }
  })
})
