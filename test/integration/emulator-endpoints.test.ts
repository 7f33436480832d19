import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/main/emulator/server'
import {
  createPathOf,
  EXTENSION_SECONDS,
  queryPathOf,
  type VideoKind,
} from '../../src/shared/kling'
import { AUTH, emulators } from '../fixtures/emulator'
import { gif, png } from '../fixtures/images'

// Every endpoint of the registry against the emulator over plain loopback HTTP: each kind reaches
// a result of the shape it asked for (checked with ffprobe), images are checked from their bytes,
// and video-extend names a parent that may be extended. emulator.test.ts covers the rest.

const emulator = emulators()

interface Video {
  id: string
  url: string
  duration: string
}
interface Task {
  task_id: string
  task_status: string
  task_info: { external_task_id?: string; parent_video?: Video }
  task_result: { videos?: Video[] }
  final_unit_deduction?: string
}
interface Answer {
  status: number
  code: number
  message: string
  data: Task
}

async function create(e: Emulator, kind: VideoKind, body: unknown): Promise<Answer> {
  const res = await fetch(`${e.url}${createPathOf(kind)}`, {
    method: 'POST',
    headers: AUTH,
    body: JSON.stringify(body),
  })
  return { status: res.status, ...((await res.json()) as Omit<Answer, 'status'>) }
}

async function query(e: Emulator, kind: VideoKind, id: string): Promise<Answer> {
  const res = await fetch(`${e.url}${queryPathOf(kind, id)}`, { headers: AUTH })
  return { status: res.status, ...((await res.json()) as Omit<Answer, 'status'>) }
}

/** Creates a task and waits until it has finished; throws if the create was refused. */
async function finished(e: Emulator, kind: VideoKind, body: unknown): Promise<Task> {
  const created = await create(e, kind, body)
  if (created.status !== 200) throw new Error(`${kind} refused: ${created.message}`)
  for (let i = 0; i < 400; i++) {
    const { data } = await query(e, kind, created.data.task_id)
    if (data.task_status === 'succeed' || data.task_status === 'failed') return data
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`task ${created.data.task_id} never finished`)
}

const videoOf = (task: Task): Video => task.task_result.videos![0]!

/** Width, height and seconds of a result, from ffprobe on the downloaded file. */
async function probe(url: string): Promise<{ width: number; height: number; seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'emu-kinds-'))
  try {
    const file = join(dir, 'v.mp4')
    await writeFile(file, Buffer.from(await (await fetch(url)).arrayBuffer()))
    const { stdout } = await promisify(execFile)('ffprobe', [
      ...['-v', 'error', '-show_entries', 'stream=width,height:format=duration'],
      ...['-of', 'json', file],
    ])
    const info = JSON.parse(stdout) as {
      streams: { width: number; height: number }[]
      format: { duration: string }
    }
    const { width, height } = info.streams[0]!
    return { width, height, seconds: Number(info.format.duration) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const SQUARE = b64(png(400, 400))
const TALL = b64(png(360, 640))
const trajectories = [0, 9].map((v) => ({ x: v, y: v }))

// Images by URL: a loopback server with a few paths.
let images: Server
let imageBase = ''
beforeAll(async () => {
  const files: Record<string, Buffer> = {
    '/tall.png': png(360, 640),
    '/huge.png': png(400, 400, { padTo: 11 * 1024 * 1024 }),
  }
  images = createServer((req, res) => {
    if (req.url === '/hang') return // never answers
    const body = files[req.url ?? '']
    if (!body) return void res.writeHead(404).end('no such image')
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body)
  })
  await new Promise<void>((r) => images.listen(0, '127.0.0.1', r))
  imageBase = `http://127.0.0.1:${(images.address() as { port: number }).port}`
})
afterAll(() => {
  images.closeAllConnections()
  images.close()
})

// text2video's shapes are checked in emulator.test.ts.
describe('emulator endpoints: every kind reaches a result of its shape', () => {
  it('image2video from a 9:16 image gives a 9:16 clip of the requested duration', async () => {
    const e = await emulator()
    const task = await finished(e, 'image2video', { image: TALL, duration: '10' })
    expect(task.task_status).toBe('succeed')
    expect(videoOf(task).duration).toBe('10')
    const clip = await probe(videoOf(task).url)
    expect(clip.width * 16).toBe(clip.height * 9)
    expect(clip.seconds).toBeCloseTo(10, 0)
  })

  it('image2video takes its image by URL too', async () => {
    const e = await emulator()
    const task = await finished(e, 'image2video', { image: `${imageBase}/tall.png` })
    expect(task.task_status).toBe('succeed')
    const clip = await probe(videoOf(task).url)
    expect(clip.width * 16).toBe(clip.height * 9)
  })

  it('multi-image2video follows its aspect_ratio and duration', async () => {
    const e = await emulator()
    const task = await finished(e, 'multi-image2video', {
      prompt: 'the two of them',
      image_list: [{ image: SQUARE }, { image: TALL }, { image: SQUARE }],
      aspect_ratio: '2:3',
      model_name: 'kling-v1-6',
    })
    expect(task.task_status).toBe('succeed')
    expect(task.final_unit_deduction).toBe('2')
    const clip = await probe(videoOf(task).url)
    expect(clip.width * 3).toBe(clip.height * 2)
    expect(clip.seconds).toBeCloseTo(5, 0)
  })

  it('video-extend makes a longer clip of its parent shape, naming the parent', async () => {
    const e = await emulator()
    const parent = await finished(e, 'text2video', { prompt: 'tall', aspect_ratio: '9:16' })
    const pv = videoOf(parent)
    const created = await create(e, 'video-extend', { task_id: parent.task_id, video_id: pv.id })
    expect(created.status).toBe(200)
    expect(created.data.task_info.parent_video).toEqual(pv)
    const task = await finished(e, 'video-extend', {
      task_id: parent.task_id,
      video_id: pv.id,
      prompt: 'and then',
    })
    expect(task.task_status).toBe('succeed')
    expect(task.task_info.parent_video).toEqual(pv)
    expect(videoOf(task).duration).toBe(String(5 + EXTENSION_SECONDS))
    expect(task.final_unit_deduction).toBe('1')
    const clip = await probe(videoOf(task).url)
    const before = await probe(pv.url)
    expect(clip.seconds).toBeGreaterThan(before.seconds + 4)
    expect(clip.width * 16).toBe(clip.height * 9)
    expect(e.tasks().at(-1)).toMatchObject({ kind: 'video-extend', parent_task_id: parent.task_id })
    expect(e.tasks()[0]).toMatchObject({ kind: 'text2video', parent_task_id: null })
  })

  it('an extension of an extension grows again, up to the longest sample (15 s)', async () => {
    const e = await emulator()
    let task = await finished(e, 'text2video', { prompt: 'start', model_name: 'kling-v1-6' })
    const lengths: string[] = []
    for (let i = 0; i < 3; i++) {
      const v = videoOf(task)
      task = await finished(e, 'video-extend', { task_id: task.task_id, video_id: v.id })
      expect(task.task_status).toBe('succeed')
      lengths.push(videoOf(task).duration)
    }
    expect(lengths).toEqual(['10', '15', '15'])
    expect((await probe(videoOf(task).url)).seconds).toBeCloseTo(15, 0)
  })
})

describe('emulator endpoints: routes', () => {
  it('finds a task only under its own kind, by task id or external id', async () => {
    const e = await emulator()
    const t = await create(e, 'text2video', { prompt: 'x', external_task_id: 'ks-t2v' })
    const i = await create(e, 'image2video', { image: SQUARE, external_task_id: 'ks-i2v' })
    expect((await query(e, 'text2video', 'ks-t2v')).data.task_id).toBe(t.data.task_id)
    expect((await query(e, 'image2video', 'ks-i2v')).data.task_id).toBe(i.data.task_id)
    for (const [kind, id] of [
      ['image2video', t.data.task_id],
      ['image2video', 'ks-t2v'],
      ['text2video', i.data.task_id],
      ['video-extend', i.data.task_id],
    ] as const) {
      const wrong = await query(e, kind, id)
      expect([wrong.status, wrong.code]).toEqual([404, 1202])
    }
  })

  it('answers an unknown kind with an HTML page and a wrong method with 1202', async () => {
    const e = await emulator()
    const unknown = await fetch(`${e.url}/kling/v1/videos/image2audio`, {
      method: 'POST',
      headers: AUTH,
      body: '{}',
    })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/html/)
    const method = await fetch(`${e.url}${createPathOf('multi-image2video')}`, { headers: AUTH })
    expect(((await method.json()) as { code: number }).code).toBe(1202)
    const post = await fetch(`${e.url}${queryPathOf('video-extend', '123')}`, {
      method: 'POST',
      headers: AUTH,
      body: '{}',
    })
    expect(((await post.json()) as { code: number }).code).toBe(1202)
  })

  it.each(['image2video', 'multi-image2video', 'video-extend'] as const)(
    'applies the fault plan and the key check to %s',
    async (kind) => {
      const faulty = await emulator({ faultRate: 1, faultKinds: ['rate_limit'] })
      const res = await create(faulty, kind, {})
      expect([res.status, res.code]).toEqual([429, 1302])
      const keyed = await emulator({ key: 'sk-right' })
      expect((await create(keyed, kind, {})).status).toBe(401)
    },
  )

  it('delivers callbacks for an image2video task', async () => {
    const received: string[] = []
    const hook = createServer((req, res) => {
      let text = ''
      req.on('data', (c: Buffer) => (text += c.toString()))
      req.on('end', () => {
        received.push((JSON.parse(text) as Task).task_status)
        res.end('ok')
      })
    })
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
    try {
      const e = await emulator()
      const port = (hook.address() as { port: number }).port
      await finished(e, 'image2video', { image: SQUARE, callback_url: `http://127.0.0.1:${port}` })
      for (let i = 0; i < 200 && received.length < 2; i++)
        await new Promise((r) => setTimeout(r, 10))
      expect(received).toEqual(['processing', 'succeed'])
    } finally {
      hook.close()
    }
  })
})

describe('emulator endpoints: image rules, from the bytes', () => {
  const refused = async (kind: VideoKind, body: unknown, message: RegExp) => {
    const e = await emulator()
    const answer = await create(e, kind, body)
    expect([answer.status, answer.code]).toEqual([400, 1201])
    expect(answer.message).toMatch(message)
    expect(e.tasks()).toEqual([])
  }

  it('refuses a tiny image', () =>
    refused('image2video', { image: b64(png(100, 100)) }, /image must be at least 300x300 pixels/))

  it('refuses bytes that are no image, and a GIF', async () => {
    const text = b64(Buffer.from('this is not an image at all, just words'.padEnd(48, '.')))
    await refused('image2video', { image: text }, /image must be a JPG or PNG image/)
    await refused('image2video', { image: b64(gif(400, 400)) }, /must be a JPG or PNG image/)
  })

  it('refuses a data: prefix', () =>
    refused('image2video', { image: `data:image/png;base64,${SQUARE}` }, /"data:" prefix/))

  it('refuses an aspect ratio of 3:1', () =>
    refused('image2video', { image: b64(png(900, 300)) }, /image must have an aspect ratio/))

  it('refuses a mask of another size than its image', async () => {
    await refused(
      'image2video',
      { image: SQUARE, static_mask: b64(png(500, 400)) },
      /static_mask must be the size of image \(400x400/,
    )
    await refused(
      'image2video',
      { image: SQUARE, dynamic_masks: [{ mask: b64(png(400, 300)), trajectories }] },
      /dynamic_masks\[0\]\.mask must be the size of image/,
    )
  })

  it('accepts masks of the image size', async () => {
    const e = await emulator()
    const task = await finished(e, 'image2video', {
      image: SQUARE,
      static_mask: SQUARE,
      dynamic_masks: [{ mask: SQUARE, trajectories }],
    })
    expect(task.task_status).toBe('succeed')
    // The shared unit table: kling-v1 std 5 s, whatever the masks.
    expect(task.final_unit_deduction).toBe('1')
  })

  it('refuses a URL that cannot be read, and one over 10 MB', async () => {
    await refused('image2video', { image: `${imageBase}/gone.png` }, /image url could not be read/)
    await refused(
      'multi-image2video',
      { prompt: 'p', image_list: [{ image: SQUARE }, { image: `${imageBase}/huge.png` }] },
      /image_list\[1\]\.image must be at most 10 MB/,
    )
  })

  it('gives up on a URL that does not answer in time', async () => {
    const e = await emulator({ imageFetchTimeoutMs: 200 })
    const answer = await create(e, 'image2video', { image: `${imageBase}/hang` })
    expect([answer.status, answer.code]).toEqual([400, 1201])
    expect(answer.message).toMatch(/image url could not be read/)
  })

  it('refuses image_tail with camera_control', () =>
    refused(
      'image2video',
      { image: SQUARE, image_tail: SQUARE, camera_control: { type: 'forward_up' } },
      /image_tail and camera_control cannot be used together/,
    ))

  it('refuses an image_list of 1 or 5 images', async () => {
    const list = (n: number) => Array.from({ length: n }, () => ({ image: SQUARE }))
    await refused('multi-image2video', { prompt: 'p', image_list: list(1) }, /it has 1/)
    await refused('multi-image2video', { prompt: 'p', image_list: list(5) }, /it has 5/)
  })
})

describe('emulator endpoints: which parent video-extend may name', () => {
  const extend = async (e: Emulator, task_id: string, video_id: string) => {
    const answer = await create(e, 'video-extend', { task_id, video_id })
    expect([answer.status, answer.code]).toEqual([400, 1201])
    return answer.message
  }

  it('refuses a parent that does not exist', async () => {
    const e = await emulator()
    expect(await extend(e, '123456789', '987654321')).toMatch(
      /the parent task 123456789 cannot be extended: no such task/,
    )
  })

  it('refuses a parent that has not finished, or failed', async () => {
    const slow = await emulator({ timeScale: 1 })
    const { data } = await create(slow, 'text2video', { prompt: 'slow' })
    expect(await extend(slow, data.task_id, '1')).toMatch(/cannot be extended: it has not finished/)
    const e = await emulator()
    const failed = await finished(e, 'text2video', { prompt: 'please [fail]' })
    expect(await extend(e, failed.task_id, '1')).toMatch(/cannot be extended: it failed/)
  })

  it('refuses a video_id of another task', async () => {
    const e = await emulator()
    const a = await finished(e, 'text2video', { prompt: 'a' })
    const b = await finished(e, 'text2video', { prompt: 'b' })
    expect(await extend(e, a.task_id, videoOf(b).id)).toMatch(
      new RegExp(`video_id ${videoOf(b).id} does not belong to task ${a.task_id}`),
    )
  })

  it('refuses a parent made by a model that cannot be extended', async () => {
    const e = await emulator()
    const t = await finished(e, 'text2video', { prompt: 'a', model_name: 'kling-v2-master' })
    expect(await extend(e, t.task_id, videoOf(t).id)).toMatch(
      /cannot be extended: model kling-v2-master is not extension-compatible/,
    )
    const i = await finished(e, 'image2video', { image: SQUARE, model_name: 'kling-v2-6' })
    expect(await extend(e, i.task_id, videoOf(i).id)).toMatch(/kling-v2-6 is not extension/)
  })

  it('refuses a parent whose result has expired (resultLifetimeMs; 30 service days by default)', async () => {
    const e = await emulator({ resultLifetimeMs: 1 })
    const t = await finished(e, 'text2video', { prompt: 'old' })
    await new Promise((r) => setTimeout(r, 5))
    expect(await extend(e, t.task_id, videoOf(t).id)).toMatch(/cannot be extended: .*has expired/)
    const fresh = await emulator() // timeScale 1000: results live 30 days / 1000, about 43 minutes
    const i = await finished(fresh, 'image2video', { image: SQUARE })
    const body = { task_id: i.task_id, video_id: videoOf(i).id }
    expect((await create(fresh, 'video-extend', body)).status).toBe(200)
  })
})
