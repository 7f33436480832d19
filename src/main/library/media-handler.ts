import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { Readable } from 'node:stream'
import { isInside } from './library'
import { contentRange, parseRange } from './byte-range'

// The media:// protocol: how the page plays a saved video without ever naming a path. A pure
// function of a Request (so it is tested with Request objects): parse the URL, resolve the job's
// file, refuse anything outside the library, answer Range requests with 206.

export const MEDIA_SCHEME = 'media'

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
}

export interface MediaDeps {
  /** The library folders (the current one and any used before); nothing outside them is served. */
  roots: readonly string[]
  /** The file behind a job's video, or null when it has none. */
  fileFor(jobId: string): string | null
}

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  })

/** media://video/<jobId> */
export function parseMediaUrl(url: string): { kind: 'video'; jobId: string } | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.protocol !== `${MEDIA_SCHEME}:` || u.host !== 'video') return null
  let id: string
  try {
    id = decodeURIComponent(u.pathname.replace(/^\/+/, ''))
  } catch {
    return null
  }
  return /^[\w-]{1,64}$/.test(id) ? { kind: 'video', jobId: id } : null
}

export async function handleMediaRequest(request: Request, deps: MediaDeps): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return plain(405, 'method not allowed', { allow: 'GET, HEAD' })
  const target = parseMediaUrl(request.url)
  if (!target) return plain(400, 'not a media URL')
  const file = deps.fileFor(target.jobId)
  if (!file) return plain(404, 'no saved video for this job')
  let real: string
  try {
    real = await realpath(file)
  } catch {
    return plain(404, 'the video file is missing')
  }
  // Resolve links on both sides: a symlink in the library must not lead out of it.
  const roots = await Promise.all(deps.roots.map((r) => realpath(r).catch(() => null)))
  if (!roots.some((root) => root !== null && isInside(root, real)))
    return plain(403, 'outside the library')
  const info = await stat(real)
  if (!info.isFile()) return plain(404, 'not a file')
  const size = info.size
  const type = TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream'
  const range = parseRange(request.headers.get('range'), size)
  if (range.kind === 'unsatisfiable') {
    return new Response(null, {
      status: 416,
      headers: { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes' },
    })
  }
  const start = range.kind === 'partial' ? range.start : 0
  const end = range.kind === 'partial' ? range.end : size - 1
  const headers: Record<string, string> = {
    'content-type': type,
    'accept-ranges': 'bytes',
    'content-length': String(size === 0 ? 0 : end - start + 1),
    'cache-control': 'no-cache',
  }
  if (range.kind === 'partial') headers['content-range'] = contentRange(start, end, size)
  const status = range.kind === 'partial' ? 206 : 200
  if (request.method === 'HEAD' || size === 0) return new Response(null, { status, headers })
  const body = Readable.toWeb(createReadStream(real, { start, end })) as ReadableStream<Uint8Array>
  return new Response(body, { status, headers })
}
