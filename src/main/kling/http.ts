import { KlingApiError, networkError } from './errors'
import type { RawResponse } from './parse'

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
 * identifiers exact. Throws only KlingApiError: aborted, timeout or network.
 */
export async function sendRequest(opts: SendOptions): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
  try {
    const res = await opts.fetch(opts.url, {
      method: opts.method,
      headers: opts.headers,
      body: opts.body,
      signal,
      // A redirect from an API endpoint means a wrong base URL; following it would send the key on.
      redirect: 'manual',
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, text }
  } catch (error) {
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
