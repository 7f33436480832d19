import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  handleMediaRequest,
  parseMediaUrl,
  type MediaDeps,
} from '../../src/main/library/media-handler'

let dir: string
let deps: MediaDeps
const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 7)])
const APP = 'http://localhost:5173'

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-media-'))
  const root = join(dir, 'library')
  await mkdir(root)
  await writeFile(join(root, 'clip.mp4'), bytes)
  await writeFile(join(dir, 'secret.mp4'), 'outside')
  await symlink(join(dir, 'secret.mp4'), join(root, 'link.mp4'))
  const files: Record<string, string> = {
    good: join(root, 'clip.mp4'),
    outside: join(dir, 'secret.mp4'),
    dotdot: join(root, '..', 'secret.mp4'),
    link: join(root, 'link.mp4'),
    gone: join(root, 'missing.mp4'),
    folder: root,
  }
  const posterRoot = join(dir, 'posters')
  await mkdir(posterRoot)
  await writeFile(join(posterRoot, 'good.jpg'), jpeg)
  await symlink(join(dir, 'secret.mp4'), join(posterRoot, 'link.jpg'))
  const posters: Record<string, string> = {
    good: join(posterRoot, 'good.jpg'),
    link: join(posterRoot, 'link.jpg'),
    video: join(root, 'clip.mp4'),
  }
  deps = {
    roots: [root],
    fileFor: (id) => files[id] ?? null,
    posters: {
      root: posterRoot,
      fileFor: async (id) => {
        if (id === 'broken') throw new Error('ffmpeg exploded')
        return posters[id] ?? null
      },
    },
    corsOrigins: [APP, 'file://'],
  }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const get = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  handleMediaRequest(new Request(url, { method, headers }), deps)

describe('media:// handler', () => {
  it('serves a whole video with its type and length', async () => {
    const res = await get('media://video/good')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('video/mp4')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(res.headers.get('content-length')).toBe('1000')
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), bytes)).toBe(0)
  })

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=-10', 990, 999],
    ['bytes=500-5000', 500, 999],
  ])('answers %s with 206 and the right slice', async (range, start, end) => {
    const res = await get('media://video/good', { range })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`)
    expect(res.headers.get('content-length')).toBe(String(end - start + 1))
    expect(
      Buffer.compare(Buffer.from(await res.arrayBuffer()), bytes.subarray(start, end + 1)),
    ).toBe(0)
  })

  it('answers an unsatisfiable range with 416', async () => {
    const res = await get('media://video/good', { range: 'bytes=1000-' })
    expect(res.status).toBe(416)
    expect(res.headers.get('content-range')).toBe('bytes */1000')
  })

  it('answers HEAD without a body', async () => {
    const res = await get('media://video/good', {}, 'HEAD')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe('1000')
    expect(await res.text()).toBe('')
  })

  it.each([
    ['a file outside the library', 'media://video/outside', 403],
    ['a path climbing out with ..', 'media://video/dotdot', 403],
    ['a symlink leading out', 'media://video/link', 403],
    ['a missing file', 'media://video/gone', 404],
    ['the library folder itself', 'media://video/folder', 403],
    ['an unknown job', 'media://video/nobody', 404],
    ['an encoded traversal', 'media://video/..%2F..%2Fetc%2Fpasswd', 400],
    ['another host', 'media://file/good', 400],
    ['a malformed escape', 'media://video/%E0%A4%A', 400],
  ])('refuses %s', async (_name, url, status) => {
    expect((await get(url)).status).toBe(status)
  })

  it('serves from every library folder the history has used, and nothing beside them', async () => {
    const earlier = join(dir, 'earlier-library')
    await mkdir(earlier, { recursive: true })
    await writeFile(join(earlier, 'old.mp4'), bytes)
    const files: Record<string, string> = {
      old: join(earlier, 'old.mp4'),
      outside: join(dir, 'secret.mp4'),
    }
    const fileFor = (id: string) => files[id] ?? null
    const request = (id: string) => new Request(`media://video/${id}`)
    const roots = [...deps.roots, join(dir, 'vanished'), earlier]
    expect((await handleMediaRequest(request('old'), { roots, fileFor })).status).toBe(200)
    expect((await handleMediaRequest(request('outside'), { roots, fileFor })).status).toBe(403)
    // Without that folder among the roots, the same file is out of bounds.
    expect((await handleMediaRequest(request('old'), { ...deps, fileFor })).status).toBe(403)
  })

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('media://video/good', {}, 'POST')).status).toBe(405)
  })

  it('parses only media://video/<id> and media://poster/<id>', () => {
    expect(parseMediaUrl('media://video/abc-123')).toEqual({ kind: 'video', jobId: 'abc-123' })
    expect(parseMediaUrl('media://poster/abc-123')).toEqual({ kind: 'poster', jobId: 'abc-123' })
    expect(parseMediaUrl('media://poster/a%2Fb')).toBeNull()
    expect(parseMediaUrl('https://video/abc')).toBeNull()
    expect(parseMediaUrl('media://video/a/b')).toBeNull()
    expect(parseMediaUrl('not a url')).toBeNull()
  })
})

describe('media://poster/', () => {
  it('serves a poster as a JPEG', async () => {
    const res = await get('media://poster/good')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/jpeg')
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), jpeg)).toBe(0)
  })

  it('answers 404, never kept, when there is no poster yet (the window then makes one)', async () => {
    const res = await get('media://poster/nobody')
    expect(res.status).toBe(404)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect((await get('media://poster/broken')).status).toBe(404)
  })

  it('serves nothing outside the posters folder, even by a link', async () => {
    expect((await get('media://poster/link')).status).toBe(403)
    // A video's own file is no poster.
    expect((await get('media://poster/video')).status).toBe(403)
  })

  it('has no posters when none are wired', async () => {
    const res = await handleMediaRequest(new Request('media://poster/good'), {
      roots: deps.roots,
      fileFor: deps.fileFor,
    })
    expect(res.status).toBe(404)
  })
})

describe('media:// CORS, for frames the page draws into a canvas', () => {
  it('allows the app page to read a video, whole or by range', async () => {
    const whole = await get('media://video/good', { origin: APP })
    expect(whole.headers.get('access-control-allow-origin')).toBe(APP)
    expect(whole.headers.get('vary')).toMatch(/origin/i)
    const part = await get('media://video/good', { origin: 'file://', range: 'bytes=0-9' })
    expect(part.status).toBe(206)
    expect(part.headers.get('access-control-allow-origin')).toBe('file://')
    expect(part.headers.get('access-control-expose-headers')).toMatch(/content-range/)
    const poster = await get('media://poster/good', { origin: APP })
    expect(poster.headers.get('access-control-allow-origin')).toBe(APP)
  })

  it.each([
    ['another origin', { origin: 'https://evil.example' }],
    ['a look-alike of the dev server', { origin: 'http://localhost:5173.evil.example' }],
    ['no origin at all', {}],
  ])('allows nothing to %s', async (_name, headers: Record<string, string>) => {
    const res = await get('media://video/good', headers)
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers a preflight from the app page only', async () => {
    const ok = await get('media://video/good', { origin: APP }, 'OPTIONS')
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP)
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/range/)
    const refused = await get('media://video/good', { origin: 'https://evil.example' }, 'OPTIONS')
    expect(refused.status).toBe(405)
  })
})

describe('media:// fuzz', () => {
  // A fixed seed: the same strange URLs every run.
  let seed = 20261124
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const pieces = [
    'good',
    'link',
    '..',
    '%2F',
    '%2e',
    '/',
    '\\',
    '%00',
    'video',
    'poster',
    '?',
    '#',
    '-',
    '%',
    'a',
  ]

  it('never serves anything but a known file for hundreds of made-up URLs', async () => {
    for (let i = 0; i < 400; i++) {
      const host = random() < 0.5 ? 'video' : 'poster'
      const path = Array.from(
        { length: 1 + Math.floor(random() * 5) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('')
      const url = `media://${host}/${path}`
      const res = await get(url)
      const known = parseMediaUrl(url)
      if (res.status === 200) expect(known).toEqual({ kind: host, jobId: 'good' })
      else expect([400, 403, 404]).toContain(res.status)
      await res.body?.cancel()
    }
  })
})
