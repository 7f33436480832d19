import { IMAGE_RULES, isHttpUrl } from '../../shared/kling'
import { KlingApiError, networkError } from '../kling/errors'
import type { FetchLike } from '../kling/http'
import { InputError, pastTheCap, tooManyBytes } from './errors'
import { requireImage } from './image-facts'
import type { ImageRead } from './read-image'

// An image at an http(s) URL, read the way the service would have to: a bounded fetch (a timeout
// over the whole exchange, at most 10 MB, reading stops past the cap), redirects followed by hand
// so none leads to another scheme, and a page that is not an image (a 404, a login page) refused
// as an unreadable URL with its status, before anything is stored or sent.

export interface UrlReadOptions {
  /** Node's global fetch unless given (Electron's net.fetch fits too). */
  fetch?: FetchLike
  /** For the whole exchange, body included (10 MB at 2 Mbit/s takes 40 s); 60 s unless given. */
  timeoutMs?: number
  signal?: AbortSignal
  /** The request field named in errors; "image" unless given. */
  field?: string
  /** Redirects followed (each to http or https only); 5 unless given. */
  maxRedirects?: number
}

const HTML_TYPES = /^\s*(text\/html|application\/xhtml\+xml)/i
const HTML_START = /^\s*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i

/** A URL as recorded and quoted: never with a user name or password in it. */
export function originOf(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.href
  } catch {
    return url
  }
}

function unreadable(
  field: string,
  url: string,
  detail: string,
  params: Record<string, string | number>,
  cause?: unknown,
): InputError {
  const shown = originOf(url)
  return InputError.of(
    field,
    'url_unreadable',
    `${field} is an unreadable URL: ${shown} (${detail})`,
    { url: shown, ...params },
    cause,
  )
}

export async function readImageUrl(url: string, options: UrlReadOptions = {}): Promise<ImageRead> {
  const field = options.field ?? 'image'
  if (!isHttpUrl(url)) {
    throw unreadable(field, url, 'only http and https addresses can be read', { reason: 'scheme' })
  }
  const asked = new URL(url)
  if (asked.username !== '' || asked.password !== '') {
    throw unreadable(field, url, 'an address with a user name or password is not read', {
      reason: 'credentials',
    })
  }
  const timeoutMs = options.timeoutMs ?? 60_000
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  const failed = (error: unknown): Error => {
    if (error instanceof InputError || error instanceof KlingApiError) return error
    if (options.signal?.aborted) {
      return new KlingApiError({
        kind: 'aborted',
        message: 'Reading the image was cancelled',
        cause: error,
      })
    }
    if (timeout.aborted) {
      const s = Math.round(timeoutMs / 100) / 10
      return unreadable(field, url, `no answer within ${s} s`, { reason: 'timeout' }, error)
    }
    const code = networkError(error, 'Reading the image').code
    // Never quote a user name or password that a message of the runtime may carry.
    const said = (error instanceof Error ? error.message : String(error)).replace(
      /\/\/[^/\s@]*@/g,
      '//',
    )
    const detail = code ?? said
    return unreadable(field, url, `could not connect: ${detail}`, { reason: 'network' }, error)
  }
  try {
    const res = await fetchFollowing(url, field, options, signal)
    const bytes = await readBody(res, url, field)
    const facts = requireImage(bytes, field)
    return { bytes, facts, provenance: { source: 'url', origin: originOf(url) } }
  } catch (error) {
    throw failed(error)
  }
}

/** GET with redirects followed by hand: only to http(s), at most `maxRedirects` of them. */
async function fetchFollowing(
  url: string,
  field: string,
  options: UrlReadOptions,
  signal: AbortSignal,
): Promise<Response> {
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const maxRedirects = options.maxRedirects ?? 5
  let current = url
  for (let hops = 0; ; hops++) {
    const res = await fetchFn(current, {
      method: 'GET',
      headers: { Accept: 'image/png, image/jpeg, */*;q=0.1' },
      redirect: 'manual',
      signal,
    })
    // A fetch that hides redirects (opaque) leaves nothing to check the next address against.
    if (res.type === 'opaqueredirect' || res.status === 0) {
      throw unreadable(field, url, 'it redirects to an address that cannot be checked', {
        reason: 'redirect',
      })
    }
    if (res.status < 300 || res.status >= 400) return res
    await res.body?.cancel().catch(() => undefined)
    const location = res.headers.get('location')
    if (location === null) {
      throw unreadable(field, url, `HTTP ${res.status}`, { status: res.status, reason: 'status' })
    }
    let next: URL
    try {
      next = new URL(location, current)
    } catch {
      throw unreadable(
        field,
        url,
        `HTTP ${res.status}, redirects to an address that is not valid`,
        {
          status: res.status,
          reason: 'redirect',
        },
      )
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw unreadable(
        field,
        url,
        `HTTP ${res.status}, redirects to a ${next.protocol} address, which is not followed`,
        { status: res.status, reason: 'redirect' },
      )
    }
    if (next.username !== '' || next.password !== '') {
      throw unreadable(
        field,
        url,
        `HTTP ${res.status}, redirects to an address with a user name or password`,
        { status: res.status, reason: 'redirect' },
      )
    }
    if (hops + 1 > maxRedirects) {
      throw unreadable(field, url, `more than ${maxRedirects} redirects`, {
        status: res.status,
        reason: 'redirects',
      })
    }
    current = next.href
  }
}

/** The body of a 2xx answer that is not a web page, read up to the 10 MB cap and no further. */
async function readBody(res: Response, url: string, field: string): Promise<Buffer> {
  const status = res.status
  if (status < 200 || status >= 300) {
    await res.body?.cancel().catch(() => undefined)
    throw unreadable(field, url, `HTTP ${status}`, { status, reason: 'status' })
  }
  const webPage = () =>
    unreadable(field, url, `HTTP ${status}, a web page, not an image`, { status, reason: 'html' })
  if (HTML_TYPES.test(res.headers.get('content-type') ?? '')) {
    await res.body?.cancel().catch(() => undefined)
    throw webPage()
  }
  const max = IMAGE_RULES.maxBytes
  const length = res.headers.get('content-length')
  if (length !== null && /^\d+$/.test(length) && Number(length) > max) {
    await res.body?.cancel().catch(() => undefined)
    throw tooManyBytes(field, Number(length))
  }
  const chunks: Uint8Array[] = []
  let total = 0
  if (res.body) {
    const reader = res.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > max) {
        await reader.cancel().catch(() => undefined)
        throw pastTheCap(field)
      }
      chunks.push(value)
    }
  }
  const bytes = Buffer.concat(chunks, total)
  // A page served under another type ("application/octet-stream", none at all).
  if (HTML_START.test(bytes.subarray(0, 256).toString('latin1'))) throw webPage()
  return bytes
}
