import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { Readable } from 'node:stream'
import { isInside } from './library'
import { contentRange, parseRange } from './byte-range'

// The media:// protocol: how the page plays a saved video, and shows its poster frame, without
// ever naming a path. A pure function of a Request (so it is tested with Request objects): parse
// the URL, resolve the job's file, refuse anything outside its folders, answer Range requests with
// 206. It answers CORS for the app's own page only, so the page can draw a video's frames into a
// canvas and read them back (a poster, "use the last frame") without the canvas being tainted.

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
  /** Poster frames: their folder, and a job's poster file (made on demand; null: none yet). */
  posters?: { root: string; fileFor(jobId: string): Promise<string | null> }
  /**
   * Page origins that may read what is served: the app's page's one origin (app://studio, or
   * the dev server's in development: platform/page-origins.ts). A request from any other origin
   * gets no CORS header.
   */
  corsOrigins?: readonly string[]
}

export type MediaTarget = { kind: 'video' | 'poster'; jobId: string }

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  })

/** media://video/<jobId> or media://poster/<jobId> */
export function parseMediaUrl(url: string): MediaTarget | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.protocol !== `${MEDIA_SCHEME}:` || (u.host !== 'video' && u.host !== 'poster')) return null
  let id: string
  try {
    id = decodeURIComponent(u.pathname.replace(/^\/+/, ''))
  } catch {
    return null
  }
  return /^[\w-]{1,64}$/.test(id) ? { kind: u.host, jobId: id } : null
}

/** The CORS headers for this request: only for an origin of the app's page. */
function corsFor(request: Request, deps: MediaDeps): Record<string, string> {
  const origin = request.headers.get('origin')
  if (origin === null || !(deps.corsOrigins ?? []).includes(origin)) return { vary: 'origin' }
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'content-range, accept-ranges, content-length',
    vary: 'origin',
  }
}

/** A file that must lie inside one of `roots` (links resolved on both sides), or why not. */
async function resolveInside(
  file: string,
  roots: readonly string[],
): Promise<{ real: string; size: number } | { status: number; text: string }> {
  let real: string
  try {
    real = await realpath(file)
  } catch {
    return { status: 404, text: 'the file is missing' }
  }
  // Resolve links on both sides: a symlink in the library must not lead out of it.
  const resolved = await Promise.all(roots.map((r) => realpath(r).catch(() => null)))
  if (!resolved.some((root) => root !== null && isInside(root, real)))
    return { status: 403, text: 'outside the library' }
  const info = await stat(real).catch(() => null)
  if (!info?.isFile()) return { status: 404, text: 'not a file' }
  return { real, size: info.size }
}

/** The whole file, or the range asked for, or 416. */
function serve(request: Request, real: string, size: number, cors: Record<string, string>) {
  const type = TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream'
  const range = parseRange(request.headers.get('range'), size)
  if (range.kind === 'unsatisfiable') {
    return new Response(null, {
      status: 416,
      headers: { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes', ...cors },
    })
  }
  const start = range.kind === 'partial' ? range.start : 0
  const end = range.kind === 'partial' ? range.end : size - 1
  const headers: Record<string, string> = {
    'content-type': type,
    'accept-ranges': 'bytes',
    'content-length': String(size === 0 ? 0 : end - start + 1),
    'cache-control': 'no-cache',
    ...cors,
  }
  if (range.kind === 'partial') headers['content-range'] = contentRange(start, end, size)
  const status = range.kind === 'partial' ? 206 : 200
  if (request.method === 'HEAD' || size === 0) return new Response(null, { status, headers })
  const body = Readable.toWeb(createReadStream(real, { start, end })) as ReadableStream<Uint8Array>
  return new Response(body, { status, headers })
}

/** Where a target's file is, and the folders it must lie in; or why there is none. */
async function locate(
  target: MediaTarget,
  deps: MediaDeps,
): Promise<{ file: string; roots: readonly string[] } | string> {
  if (target.kind === 'video') {
    const file = deps.fileFor(target.jobId)
    return file ? { file, roots: deps.roots } : 'no saved video for this job'
  }
  if (!deps.posters) return 'no poster for this job'
  const file = await deps.posters.fileFor(target.jobId).catch(() => null)
  return file ? { file, roots: [deps.posters.root] } : 'no poster for this job'
}

export async function handleMediaRequest(request: Request, deps: MediaDeps): Promise<Response> {
  const cors = corsFor(request, deps)
  if (request.method === 'OPTIONS' && 'access-control-allow-origin' in cors) {
    // A preflight from the page (a fetch with a Range header).
    return new Response(null, {
      status: 204,
      headers: {
        ...cors,
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-allow-headers': 'range',
      },
    })
  }
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return plain(405, 'method not allowed', { allow: 'GET, HEAD' })
  const target = parseMediaUrl(request.url)
  if (!target) return plain(400, 'not a media URL')
  const found = await locate(target, deps)
  // A missing poster is asked for again once the window has captured one: never kept.
  if (typeof found === 'string') return plain(404, found, { 'cache-control': 'no-store', ...cors })
  const file = await resolveInside(found.file, found.roots)
  if ('status' in file) return plain(file.status, file.text, cors)
  return serve(request, file.real, file.size, cors)
}
