import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import {
  fetchGet,
  type DownloadAnswer,
  type DownloadBody,
  type DownloadGet,
  type GetOptions,
} from './download-get'
import { downloadFailure } from './download-errors'
import { slabSocket, type SlabSocket, type TlsTrust } from './slab-socket'

// A download's GET over node:http(s), the default outside the app: the body comes as the socket
// delivers it, without the web-stream layer of Node's fetch (which costs as much time again per
// chunk). Memory stays flat: the socket reads into one reused buffer (slab-socket.ts); a body of
// announced length then skips the parser and is read straight into blocks reused once written
// (read-blocks.ts), and a body of unknown length comes as the parser's copies, each given back as
// soon as it is on disk (`release`), not left for the garbage collector. Redirects are followed as fetch would (a
// signed link may point on to a CDN), at most MAX_REDIRECTS, never from https down to plain http.
// Proxies: none, as with Node's fetch before; when NODE_USE_ENV_PROXY=1 (or --use-env-proxy) and
// HTTP(S)_PROXY ask for one, the download goes through Node's fetch, which honours them.

export const MAX_REDIRECTS = 5
const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Bytes received but not yet read, past which the socket is paused (TCP then slows the sender). */
const HOLD = 1024 * 1024

/** Cleared for good if this Node's parser handed out the socket's own buffer. */
let slabs = true

const viaFetch = fetchGet((input, init) => globalThis.fetch(input, init))

export const nodeGet: DownloadGet = (url, options) =>
  envProxy() ? viaFetch(url, options) : getFollowing(url, options, {})

/** The same trusting the given certificates instead of the system's (a test's own server). */
export const nodeGetTrusting =
  (tls: TlsTrust): DownloadGet =>
  (url, options) =>
    getFollowing(url, options, tls)

async function getFollowing(url: string, options: GetOptions, tls: TlsTrust) {
  const first = new URL(url)
  let at = first
  for (let hop = 0; ; hop++) {
    if (at.protocol !== 'http:' && at.protocol !== 'https:')
      throw downloadFailure('http', `The video link is not a web address (${at.protocol})`)
    const { req, res, slab } = await send(at, options, tls)
    const status = res.statusCode ?? 0
    const location = res.headers.location
    if (!REDIRECTS.has(status) || !location) return answer(req, res, slab)
    req.destroy()
    if (hop >= MAX_REDIRECTS)
      throw downloadFailure('http', `The video link redirected more than ${MAX_REDIRECTS} times`, {
        status,
      })
    const next = new URL(location, at)
    if (next.protocol === 'http:' && first.protocol === 'https:')
      throw downloadFailure(
        'http',
        'The video link redirected from https to plain http; that was refused',
        { status },
      )
    at = next
  }
}

/** Whether Node was told to send requests through the proxy its environment names. */
function envProxy(env = process.env): boolean {
  const on =
    env.NODE_USE_ENV_PROXY === '1' ||
    process.execArgv.includes('--use-env-proxy') ||
    /--use-env-proxy\b/.test(env.NODE_OPTIONS ?? '')
  return on && !!(env.HTTP_PROXY || env.http_proxy || env.HTTPS_PROXY || env.https_proxy)
}

function send(url: URL, { headers, signal }: GetOptions, tls: TlsTrust) {
  return new Promise<{ req: ClientRequest; res: IncomingMessage; slab: SlabSocket | null }>(
    (resolve, reject) => {
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest
      // What Node's fetch sends beside the caller's headers: some servers want an agent named.
      const all = { accept: '*/*', 'user-agent': 'node', ...headers }
      const slab = slabs ? slabSocket(url, tls) : null
      // Its own connection (no agent: one request, then closed), else Node's global agent.
      const own = slab ? { createConnection: () => slab.socket } : { ...tls }
      const req = request(url, { method: 'GET', headers: all, signal, ...own }, (res) =>
        resolve({ req, res, slab }),
      )
      // Stays on for the life of the request: a later failure reaches the body through `res`.
      req.on('error', reject)
      req.end()
    },
  )
}

function answer(req: ClientRequest, res: IncomingMessage, slab: SlabSocket | null): DownloadAnswer {
  return {
    status: res.statusCode ?? 0,
    header: (name) => {
      const value = res.headers[name.toLowerCase()]
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
    },
    body: bodyOf(req, res, slab),
  }
}

/**
 * How long the body is when it may skip the parser (slab-socket.ts `direct`): a 200 or 206, not
 * chunked, a plain length. Anything else is read through the parser, as it comes.
 */
function directLength(res: IncomingMessage): number | null {
  const length = res.headers['content-length']
  const chunked = /chunked/i.test(String(res.headers['transfer-encoding'] ?? ''))
  if ((res.statusCode !== 200 && res.statusCode !== 206) || chunked) return null
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : null
}

/** The response's chunks, queued as they arrive (at most about HOLD unread) and read in turn. */
function bodyOf(req: ClientRequest, res: IncomingMessage, slab: SlabSocket | null): DownloadBody {
  const queue: Buffer[] = []
  let queued = 0
  let end: { error: unknown } | 'done' | null = null
  let wake: (() => void) | null = null
  const poke = () => {
    const w = wake
    wake = null
    w?.()
  }
  const stop = (error: unknown) => {
    end ??= { error }
    poke()
  }
  // With the length known, the body after the headers' read skips the parser; it ends with its
  // last byte (anything past it is not the body's) and stops the socket while HOLD waits unread.
  const length = slab ? directLength(res) : null
  let left = length ?? Infinity
  const flow = length === null ? res : req.socket!
  const push = (chunk: Buffer) => {
    if (end) return
    if (chunk.length > left) chunk = chunk.subarray(0, left)
    left -= chunk.length
    queue.push(chunk)
    if ((queued += chunk.length) >= HOLD) flow.pause()
    if (left === 0) {
      end = 'done'
      req.destroy()
    }
    poke()
  }
  res.on('data', (chunk: Buffer) => {
    if (end) return
    if (slab?.holds(chunk)) {
      // Its bytes would change under it: this attempt ends unwritten, the next reads plainly.
      slabs = false
      stop(new Error("this Node.js passes the socket's read buffer on; reading again without it"))
      req.destroy()
      return
    }
    push(chunk)
  })
  if (length !== null) {
    if (length === 0) end = 'done'
    slab!.direct(push)
  }
  res.on('end', () => {
    end ??= 'done'
    poke()
  })
  res.on('error', stop)
  res.on('close', () => stop(new Error('the connection closed before the body ended')))
  return {
    read: async () => {
      for (;;) {
        const chunk = queue.shift()
        if (chunk) {
          if ((queued -= chunk.length) < HOLD && flow.isPaused()) flow.resume()
          return chunk
        }
        if (end === 'done') return null
        if (end) throw end.error
        await new Promise<void>((r) => (wake = r))
      }
    },
    cancel: async () => {
      stop(new Error('cancelled'))
      req.destroy()
    },
    // A block's chunk goes back to its block; the parser's own copy is freed outright.
    release: (chunks) => chunks.forEach((chunk) => slab?.release(chunk) || giveBack(chunk)),
  }
}

/**
 * Frees a chunk's memory now (ArrayBuffer.prototype.transfer detaches it), when the chunk is its
 * buffer whole: the parser's own copy, which nothing else holds. A slice of a shared buffer (a
 * pooled one) is left alone.
 */
function giveBack(chunk: Uint8Array): void {
  const buffer = chunk.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }
  if (chunk.byteOffset !== 0 || chunk.byteLength !== buffer.byteLength || !buffer.transfer) return
  try {
    buffer.transfer(0)
  } catch {
    // Not detachable (Node marks some buffers so): the garbage collector frees it.
  }
}
