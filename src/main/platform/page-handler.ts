import { promises as fs } from 'node:fs'
import { extname, isAbsolute, join, relative } from 'node:path'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import { APP_HOST, APP_SCHEME } from './page-origins'

// The app:// protocol: how the window gets the built page (out/renderer) from a real origin
// instead of file: (why: platform/page-origins.ts). A pure function of a Request, so it is tested
// with Request objects and, wrapped in a loopback HTTP server, in real Chromium. It serves files
// of the built page and nothing else: one host, no way out of the folder (dot segments, encoded
// slashes or backslashes, links that lead out), no folders, only the file types a built page has. The page
// itself carries its Content Security Policy as a header too. fs is read through its promises
// object at call time: in the packaged app Electron's asar support patches that object.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
}

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  })

/**
 * The path segments of an app://studio/ URL, decoded, or why there are none: 'bad' for a URL
 * that does not decode, 'none' for anything that is not a plain file of the page.
 */
export function pageSegments(url: string): string[] | 'bad' | 'none' {
  if (!URL.canParse(url)) return 'bad'
  const u = new URL(url)
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return 'none'
  if (u.username !== '' || u.password !== '') return 'none'
  const path = u.pathname === '/' ? 'index.html' : u.pathname.replace(/^\//, '')
  const segments: string[] = []
  for (const raw of path.split('/')) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return 'bad'
    }
    // Empty: a folder (trailing slash) or a doubled slash. The rest could leave the folder or
    // name something else on Windows (a drive, a stream).
    if (segment === '' || segment === '.' || segment === '..' || /[/\\:\0]/.test(segment))
      return 'none'
    segments.push(segment)
  }
  return segments
}

/** The file's real path if it lies inside `root`, links resolved on both sides; else null. */
async function realInside(root: string, file: string): Promise<string | null> {
  try {
    const [realRoot, real] = await Promise.all([fs.realpath(root), fs.realpath(file)])
    const rel = relative(realRoot, real)
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? real : null
  } catch {
    return null
  }
}

/** Answers one app:// request from the built page's folder, `root`. */
export async function handlePageRequest(request: Request, root: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return plain(405, 'method not allowed', { allow: 'GET, HEAD' })
  const segments = pageSegments(request.url)
  if (segments === 'bad') return plain(400, 'not a page URL')
  if (segments === 'none') return plain(404, 'not a file of the page')
  const file = join(root, ...segments)
  const type = TYPES[extname(file).toLowerCase()]
  if (!type) return plain(404, 'not a file type of the page')
  // A link in the folder must not lead out of it.
  const real = await realInside(root, file)
  if (real === null) return plain(404, 'not a file of the page')
  const info = await fs.stat(real).catch(() => null)
  if (!info?.isFile()) return plain(404, 'not a file of the page')
  const body = await fs.readFile(real)
  const headers: Record<string, string> = {
    'content-type': type,
    'content-length': String(body.byteLength),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  }
  if (type.startsWith('text/html')) headers['content-security-policy'] = CONTENT_SECURITY_POLICY
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers,
  })
}
