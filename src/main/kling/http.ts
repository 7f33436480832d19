import { REQUEST_ID_HEADERS } from './dialects'
import { KlingApiError, networkError } from './errors'
import type { RawResponse } from './parse'

/**
 * An API answer longer than this is refused unread. A task answer is under 2 KB; a wrong address
 * (a file server, a hostile host) could otherwise fill the memory of the app.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024

/** The subset of fetch the client needs: Node's global fetch and Electron's net.fetch both fit. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

export interface SendOptions {
  fetch: FetchLike
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  signal?: AbortSignal
  /** Names the call in error messages ("Creating the task", "Querying task 123"). */
  what: string
}

/**
 * One HTTP exchange with a per-request timeout, answered as text so the parser can keep big
 * identifiers exact, and never longer than MAX_ANSWER_BYTES. Throws only KlingApiError: aborted,
 * timeout, network, or an unreadable_response for an answer past the cap.
 */
export async function sendRequest(opts: SendOptions): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  // Ends the exchange when an answer passes the size cap.
  const cap = new AbortController()
  const signal = AbortSignal.any([cap.signal, timeout, ...(opts.signal ? [opts.signal] : [])])
  try {
    const res = await opts.fetch(opts.url, {
      method: opts.method,
      headers: opts.headers,
      body: opts.body,
      signal,
      // A redirect from an API endpoint means a wrong base URL; following it would send the key on.
      redirect: 'manual',
    })
    const text = await readCapped(res, cap)
    return { status: res.status, headers: res.headers, text }
  } catch (error) {
    if (error instanceof KlingApiError) throw error
    if (opts.signal?.aborted) {
      throw new KlingApiError({
        kind: 'aborted',
        message: `${opts.what} was cancelled`,
        cause: error,
      })
    }
    if (timeout.aborted) {
      throw new KlingApiError({
        kind: 'timeout',
        message: `${opts.what} got no answer within ${Math.round(opts.timeoutMs / 1000)} s`,
        cause: error,
      })
    }
    throw networkError(error, opts.what)
  }
}

function tooLarge(res: Response): KlingApiError {
  const requestId =
    REQUEST_ID_HEADERS.map((h) => res.headers.get(h)).find((v) => v !== null && v !== '') ?? null
  return new KlingApiError({
    kind: 'unreadable_response',
    message: `the server sent an answer of more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB (a task answer is under 2 KB); check the API address`,
    status: res.status,
    requestId,
  })
}

/**
 * The body as text, read as it arrives and never past MAX_ANSWER_BYTES: a Content-Length that
 * announces more is refused before reading, and a body that runs past the cap (whatever its
 * Content-Length said) ends the exchange at once.
 */
async function readCapped(res: Response, cap: AbortController): Promise<string> {
  const refuse = (): never => {
    cap.abort()
    throw tooLarge(res)
  }
  const announced = Number(res.headers.get('content-length') ?? '')
  if (Number.isFinite(announced) && announced > MAX_ANSWER_BYTES) refuse()
  if (!res.body) return ''
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let size = 0
  let text = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return text + decoder.decode()
    size += value.byteLength
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => {})
      refuse()
    }
    text += decoder.decode(value, { stream: true })
  }
}

/** A sleep that ends early, with an 'aborted' error, when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new KlingApiError({ kind: 'aborted', message: 'cancelled' }))
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new KlingApiError({ kind: 'aborted', message: 'cancelled' }))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export interface BackoffOptions {
  baseMs: number
  maxMs: number
}

/** Exponential backoff with equal jitter, never shorter than what the server asked for. */
/** Retry-After is honoured up to this: a misread or hostile header must not park work for hours. */
export const RETRY_AFTER_MAX_MS = 300_000

export function backoffDelay(
  attempt: number,
  { baseMs, maxMs }: BackoffOptions,
  random: () => number,
  retryAfterMs: number | null = null,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2)
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, RETRY_AFTER_MAX_MS))
}
