import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probe, runIn, startEmulatorProcess, stopProcess } from '../fixtures/cli'
import { gif, jpeg, png, writeImage } from '../fixtures/images'

// The command line's image-to-video, multi-image and extend, as a person runs them against the
// emulator: playable clips of the right shape, an extension longer than its parent, lineage in
// `list`; every image rule refused before anything is sent; the key's one destination rule.

let dir: string
let emulator: { url: string; child: ChildProcess }
let images: Server
let imagesUrl: string
const env = () => ({ COMETAPI_KEY: 'cli-endpoint-key', COMETAPI_BASE_URL: emulator.url })
const run = (args: string[], extra: Record<string, string | undefined> = {}) =>
  runIn(dir, args, { ...env(), ...extra })

async function tasksOnServer(): Promise<{ kind: string }[]> {
  return (await (await fetch(`${emulator.url}/__emulator/tasks`)).json()) as { kind: string }[]
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cli-endpoints-'))
  emulator = await startEmulatorProcess(['--time-scale', '600', '--seed', '9'])
  // A web server of images, for --image URL: /portrait.png, /page (HTML), anything else 404.
  const portrait = png(540, 960)
  images = createServer((req, res) => {
    if (req.url === '/portrait.png') {
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end(portrait)
    } else if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html><title>Sign in</title></html>')
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((r) => images.listen(0, '127.0.0.1', r))
  imagesUrl = `http://127.0.0.1:${(images.address() as { port: number }).port}`
})
afterAll(async () => {
  images.close()
  await stopProcess(emulator.child)
  await rm(dir, { recursive: true, force: true })
})

describe('image-to-video and extend from the command line', () => {
  it('generate --image, then extend that job: two playable clips, the second longer, both listed with kind and lineage', async () => {
    const photo = await writeImage(dir, 'photo.png', png(960, 540))
    const a = join(dir, 'a.mp4')
    const first = await run([
      'generate',
      '--image',
      photo,
      'the waves roll in',
      '--wait',
      '--out',
      a,
      '--json',
    ])
    expect(first.code, first.stderr).toBe(0)
    const parent = JSON.parse(first.stdout) as { job_id: string; kind: string; task_status: string }
    expect(parent).toMatchObject({ kind: 'image2video', task_status: 'succeed' })
    const clipA = await probe(a)
    expect(clipA.width / clipA.height).toBeCloseTo(16 / 9, 1)

    const b = join(dir, 'b.mp4')
    const second = await run([
      'extend',
      parent.job_id,
      'the camera rises',
      '--wait',
      '--out',
      b,
      '--json',
    ])
    expect(second.code, second.stderr).toBe(0)
    const child = JSON.parse(second.stdout) as { kind: string; parent_job_id: string }
    expect(child).toMatchObject({ kind: 'video-extend', parent_job_id: parent.job_id })
    const clipB = await probe(b)
    expect(clipB.duration).toBeGreaterThan(clipA.duration + 3)

    const listed = await run(['list', '--json'])
    const jobs = (
      JSON.parse(listed.stdout) as {
        jobs: { job_id: string; kind: string; parent_job_id: string | null }[]
      }
    ).jobs
    expect(jobs.find((j) => j.job_id === parent.job_id)).toMatchObject({
      kind: 'image2video',
      parent_job_id: null,
    })
    expect(jobs.find((j) => j.kind === 'video-extend')).toMatchObject({
      parent_job_id: parent.job_id,
    })
    const text = await run(['list'])
    expect(text.stdout).toMatch(/video-extend .*↳ extends/)
  })

  it('an image by URL, and 2-4 reference images, make clips of the right shape', async () => {
    const byUrl = join(dir, 'url.mp4')
    const r = await run(['generate', '--image', `${imagesUrl}/portrait.png`, '--out', byUrl])
    expect(r.code, r.stderr).toBe(0)
    const clip = await probe(byUrl)
    expect(clip.width / clip.height).toBeCloseTo(9 / 16, 1)

    const a = await writeImage(dir, 'ref-a.jpg', jpeg(600, 600))
    const b = await writeImage(dir, 'ref-b.png', png(800, 600))
    const multi = join(dir, 'multi.mp4')
    const m = await run([
      'generate',
      'two friends',
      '--images',
      `${a},${b}`,
      '--aspect-ratio',
      '1:1',
      '--model',
      'kling-v1-6',
      '--out',
      multi,
    ])
    expect(m.code, m.stderr).toBe(0)
    const square = await probe(multi)
    expect(square.width).toBe(square.height)
  })
})

describe('bad images and combinations exit 2 naming the rule, and nothing is sent', () => {
  it.each([
    ['too small', () => writeImage(dir, 'small.png', png(200, 150)), 'image_pixels'],
    [
      'too large',
      () => writeImage(dir, 'large.png', png(400, 400, { padTo: 11 * 1024 * 1024 })),
      'image_bytes',
    ],
    ['wrong format', () => writeImage(dir, 'anim.gif', gif(400, 400)), 'image_format'],
    [
      'not an image at all',
      async () => (await writeFile(join(dir, 'notes.png'), 'hello'), join(dir, 'notes.png')),
      'image_format',
    ],
    ['a bad aspect ratio', () => writeImage(dir, 'wide.png', png(1200, 300)), 'image_aspect'],
    ['an unreadable URL (404)', async () => `${imagesUrl}/missing.png`, 'url_unreadable'],
    ['a web page instead of an image', async () => `${imagesUrl}/page`, 'url_unreadable'],
    ['a missing file', async () => join(dir, 'nowhere.png'), 'input_missing'],
  ])('%s', async (_name, make, rule) => {
    const before = (await tasksOnServer()).length
    const r = await run(['generate', '--image', await make(), 'a test'])
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.stderr).toContain('--image')
    expect(r.stderr).toContain(rule)
    expect((await tasksOnServer()).length).toBe(before)
  })

  it.each([
    [
      'a last frame with camera control',
      ['--image', 'IMG', '--image-tail', 'IMG', '--camera', 'down_back'],
      /cannot be used together/,
    ],
    ['one reference image', ['--images', 'IMG', 'p'], /2 to 4 images/],
    ['five reference images', ['--images', 'IMG,IMG,IMG,IMG,IMG', 'p'], /2 to 4 images/],
    ['--images with --image', ['--images', 'IMG,IMG', '--image', 'IMG', 'p'], /cannot be combined/],
    ['a last frame without a first', ['--image-tail', 'IMG', 'p'], /needs --image/],
    [
      'an aspect ratio for image-to-video',
      ['--image', 'IMG', '--aspect-ratio', '16:9'],
      /aspect_ratio is not a image-to-video field/,
    ],
  ])('%s', async (_name, args, message) => {
    const photo = await writeImage(dir, 'ok.png', png(640, 640))
    const before = (await tasksOnServer()).length
    const r = await run(['generate', ...args.map((a) => a.replaceAll('IMG', photo))])
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.stderr).toMatch(message)
    expect((await tasksOnServer()).length).toBe(before)
  })

  it('--out that names a folder is refused before anything is paid for', async () => {
    const before = (await tasksOnServer()).length
    const r = await run(['generate', 'a heron', '--out', dir])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--out .* is a folder/)
    expect((await tasksOnServer()).length).toBe(before)
  })

  it('wait on a task the service does not know ends there, and is not taken into the history', async () => {
    const r = await run(['wait', '999999999999999999', '--kind', 'image2video', '--json'])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { kind: 'not_found' } })
    const listed = JSON.parse((await run(['list', '--json'])).stdout) as {
      jobs: { task_id: string }[]
    }
    expect(listed.jobs.map((j) => j.task_id)).not.toContain('999999999999999999')
  })

  it('extend refuses a job that has no finished video, and an unknown id', async () => {
    const unknown = await run(['extend', 'no-such-job'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/no job or task no-such-job/)
  })
})

describe('where the key may go', () => {
  type Source = (url: string) => [string[], Record<string, string>]
  const flag: Source = (url) => [['--base-url', url], {}]
  const environment: Source = (url) => [[], { COMETAPI_BASE_URL: url }]
  it.each([
    ['--base-url', flag],
    ['COMETAPI_BASE_URL', environment],
  ])(
    'refuses a plain-http address off this computer from %s, before anything is sent',
    async (_n, source) => {
      for (const url of ['http://api.example.com', 'https://user@api.example.com']) {
        const [flags, extra] = source(url)
        const r = await run(['generate', 'a heron', ...flags], extra)
        expect(r.code).toBe(2)
        expect(r.stderr).toMatch(/refusing to send the API key/)
        expect(r.stderr).not.toContain('cli-endpoint-key')
      }
    },
  )
})
