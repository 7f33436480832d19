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
  deps = { roots: [root], fileFor: (id) => files[id] ?? null }
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

  it('parses only media://video/<id>', () => {
    expect(parseMediaUrl('media://video/abc-123')).toEqual({ kind: 'video', jobId: 'abc-123' })
    expect(parseMediaUrl('https://video/abc')).toBeNull()
    expect(parseMediaUrl('media://video/a/b')).toBeNull()
    expect(parseMediaUrl('not a url')).toBeNull()
  })
})
