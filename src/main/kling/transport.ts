import { isAllowedBaseUrl } from '../../shared/settings'
import type { KlingTask } from '../../shared/kling'
import { isRetryable, KlingApiError } from './errors'
import {
  backoffDelay,
  sendRequest,
  sleep as defaultSleep,
  type BackoffOptions,
  type FetchLike,
} from './http'
import { readTaskResponse } from './parse'
import { keyScrubber } from './scrub'

// The one way a request reaches the service: the key's destination rule, the Authorization
// header, a per-request timeout, the parser that turns any answer into a task or a typed error,
// and the retry of free, repeatable queries. A create is sent exactly once per call: whether it
// may be sent again is decided by the submit step (src/main/tasks/steps/submit.ts), nowhere else.
// Every task and error it hands back has been cleaned of the key it sent (scrub.ts).

export const DEFAULT_BASE_URL = 'https://api.cometapi.com'

export interface TransportOptions {
  baseUrl?: string
  /** Read on every request, so a key changed in the keychain applies at once. */
  apiKey: string | (() => string | Promise<string>)
  fetch?: FetchLike
  requestTimeoutMs?: number
  /** Attempts for a status query (queries are free and safe to repeat). */
  queryAttempts?: number
  backoff?: BackoffOptions
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  /** Told about every retry of a query, for status lines and logs. Never carries the key. */
  onRetry?: (event: RetryEvent) => void
}

export interface RetryEvent {
  what: string
  attempt: number
  delayMs: number
  error: KlingApiError
}

export interface QueryOptions {
  signal?: AbortSignal
  /** 1 leaves retrying to a caller that schedules its own (the engine). */
  attempts?: number
}

/** The key's one rule, for every source of an address: settings, --base-url, the environment. */
export function checkKeyDestination(baseUrl: string): void {
  if (!isAllowedBaseUrl(baseUrl)) {
    throw new KlingApiError({
      kind: 'invalid_request',
      code: 'base_url',
      message: `Refusing to send the API key to ${safeOrigin(baseUrl)}: the address must be https (plain http only on this computer) and carry no user name or password`,
      mayHaveReachedServer: false,
    })
  }
}

function safeOrigin(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return 'an address that is not a URL'
  }
}

export class Transport {
  readonly baseUrl: string
  private readonly fetch: FetchLike
  private readonly timeoutMs: number
  private readonly queryAttempts: number
  private readonly backoff: BackoffOptions
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly random: () => number

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.timeoutMs = options.requestTimeoutMs ?? 30_000
    this.queryAttempts = options.queryAttempts ?? 6
    this.backoff = options.backoff ?? { baseMs: 1_000, maxMs: 30_000 }
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
  }

  private async key(): Promise<string> {
    checkKeyDestination(this.baseUrl)
    const key =
      typeof this.options.apiKey === 'function' ? await this.options.apiKey() : this.options.apiKey
    if (!key) {
      throw new KlingApiError({
        kind: 'authentication',
        message: 'No CometAPI key is set',
        mayHaveReachedServer: false,
      })
    }
    return key
  }

  /**
   * One exchange: the task the service answered with, or a KlingApiError; either way with the key
   * removed, in any form, from every text the server sent back.
   */
  async once(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    body?: string,
    signal?: AbortSignal,
  ): Promise<KlingTask> {
    const key = await this.key()
    const scrub = keyScrubber(key)
    const headers: Record<string, string> = {
      Authorization: `Bearer ${key}`,
      Accept: 'application/json',
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    try {
      const res = await sendRequest({
        fetch: this.fetch,
        method,
        url: `${this.baseUrl}${path}`,
        headers,
        body,
        timeoutMs: this.timeoutMs,
        signal,
        what,
      })
      return scrub.task(readTaskResponse(res))
    } catch (error) {
      if (error instanceof KlingApiError) throw scrub.error(error)
      // Nothing else should arrive here; if it does, it must not carry the key on either.
      const said = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error)
      if (scrub.text(said) === said) throw error
      // eslint-disable-next-line preserve-caught-error -- its cause is what carries the key
      throw new Error(scrub.text(error instanceof Error ? error.message : said))
    }
  }

  /** A GET, repeated on transient failures per CometAPI's retry guide. */
  async query(path: string, what: string, options: QueryOptions = {}): Promise<KlingTask> {
    const attempts = options.attempts ?? this.queryAttempts
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once('GET', path, what, undefined, options.signal)
      } catch (error) {
        if (!(error instanceof KlingApiError) || !isRetryable(error) || attempt >= attempts)
          throw error
        const delayMs = backoffDelay(attempt, this.backoff, this.random, error.retryAfterMs)
        this.options.onRetry?.({ what, attempt, delayMs, error })
        await this.sleep(delayMs, options.signal)
      }
    }
  }
}
