import {
  formatFieldErrors,
  isFinalStatus,
  validateRequest,
  type KlingTask,
  type Text2VideoRequest,
} from '../../shared/kling'
import { isRetryable, KlingApiError } from './errors'
import {
  backoffDelay,
  sendRequest,
  sleep as defaultSleep,
  type BackoffOptions,
  type FetchLike,
} from './http'
import { readTaskResponse } from './parse'
import { nextPollDelayMs, type DurationEstimate, type PollState } from './poll-policy'

export const DEFAULT_BASE_URL = 'https://api.cometapi.com'
const TEXT2VIDEO_PATH = '/kling/v1/videos/text2video'

export interface KlingClientOptions {
  baseUrl?: string
  /** Read on every request, so a key changed in the keychain applies at once. */
  apiKey: string | (() => string | Promise<string>)
  fetch?: FetchLike
  requestTimeoutMs?: number
  /** Attempts for a status query (queries are free and safe to repeat). */
  queryAttempts?: number
  /** Attempts for a create, counting only those proven not to have created a task. */
  createAttempts?: number
  backoff?: BackoffOptions
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  now?: () => number
  /** Told about every retry, for status lines and logs. Never carries the key. */
  onRetry?: (event: RetryEvent) => void
  /** Makes the external_task_id of a create that has none. */
  newExternalTaskId?: () => string
}

export interface RetryEvent {
  what: string
  attempt: number
  delayMs: number
  error: KlingApiError
}

export interface CreateResult {
  task: KlingTask
  externalTaskId: string
  /** True when the task was found by its external id after an ambiguous failure. */
  reconciled: boolean
  /** POSTs sent, including those that provably created nothing. */
  posts: number
}

export interface WaitOptions {
  signal?: AbortSignal
  /** Give up (with a 'timeout' error; the task goes on) after this long. */
  timeoutMs?: number
  estimate?: DurationEstimate
  /** Called with every answer, so a caller can show and store each status. */
  onUpdate?: (task: KlingTask) => void
}

function isDuplicateExternalId(error: KlingApiError): boolean {
  return (
    error.kind === 'invalid_request' &&
    /external_task_id|duplicate|already exist/i.test(error.message)
  )
}

export function newExternalTaskId(): string {
  return `ks-${globalThis.crypto.randomUUID()}`
}

/**
 * The CometAPI Kling text-to-video client: create, query, wait. Plain Node: every dependency
 * (fetch, clock, sleep, randomness) comes in through the options.
 */
export class KlingClient {
  private readonly baseUrl: string
  private readonly fetch: FetchLike
  private readonly timeoutMs: number
  private readonly queryAttempts: number
  private readonly createAttempts: number
  private readonly backoff: BackoffOptions
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly random: () => number
  private readonly now: () => number

  constructor(private readonly options: KlingClientOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.timeoutMs = options.requestTimeoutMs ?? 30_000
    this.queryAttempts = options.queryAttempts ?? 6
    this.createAttempts = options.createAttempts ?? 5
    this.backoff = options.backoff ?? { baseMs: 1_000, maxMs: 30_000 }
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
  }

  private async headers(json: boolean): Promise<Record<string, string>> {
    const key =
      typeof this.options.apiKey === 'function' ? await this.options.apiKey() : this.options.apiKey
    if (!key) {
      throw new KlingApiError({
        kind: 'authentication',
        message: 'No CometAPI key is set',
        mayHaveReachedServer: false,
      })
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${key}`,
      Accept: 'application/json',
    }
    if (json) headers['Content-Type'] = 'application/json'
    return headers
  }

  private async once(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    body?: string,
    signal?: AbortSignal,
  ) {
    const res = await sendRequest({
      fetch: this.fetch,
      method,
      url: `${this.baseUrl}${path}`,
      headers: await this.headers(body !== undefined),
      body,
      timeoutMs: this.timeoutMs,
      signal,
      what,
    })
    return readTaskResponse(res)
  }

  private async pause(what: string, attempt: number, error: KlingApiError, signal?: AbortSignal) {
    const delayMs = backoffDelay(attempt, this.backoff, this.random, error.retryAfterMs)
    this.options.onRetry?.({ what, attempt, delayMs, error })
    await this.sleep(delayMs, signal)
  }

  /** A query, repeated on transient failures per CometAPI's retry guide. */
  private async query(
    path: string,
    what: string,
    signal?: AbortSignal,
    attempts = this.queryAttempts,
  ): Promise<KlingTask> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once('GET', path, what, undefined, signal)
      } catch (error) {
        if (!(error instanceof KlingApiError) || !isRetryable(error) || attempt >= attempts)
          throw error
        await this.pause(what, attempt, error, signal)
      }
    }
  }

  /** One task's status. `attempts: 1` leaves retrying to a caller that schedules its own. */
  getTask(
    taskId: string,
    options: { signal?: AbortSignal; attempts?: number } = {},
  ): Promise<KlingTask> {
    return this.query(
      `${TEXT2VIDEO_PATH}/${encodeURIComponent(taskId)}`,
      `Querying task ${taskId}`,
      options.signal,
      options.attempts,
    )
  }

  /**
   * Looks a task up by the external_task_id it was created with. Resolves null when the service
   * says there is no such task (best effort: CometAPI does not document this form).
   */
  async findByExternalId(
    externalTaskId: string,
    options: { signal?: AbortSignal; attempts?: number } = {},
  ): Promise<KlingTask | null> {
    try {
      const task = await this.query(
        `${TEXT2VIDEO_PATH}/${encodeURIComponent(externalTaskId)}`,
        `Looking up external id ${externalTaskId}`,
        options.signal,
        options.attempts,
      )
      // A gateway that echoes another task under this path has not found ours.
      if (
        task.external_task_id !== null &&
        task.external_task_id !== externalTaskId &&
        task.task_id !== externalTaskId
      ) {
        return null
      }
      return task
    } catch (error) {
      if (error instanceof KlingApiError && error.kind === 'not_found') return null
      throw error
    }
  }

  /**
   * Creates a task, never paying twice: the request carries an external_task_id, and a failure
   * that may have reached the server is reconciled by looking that id up before anything is
   * sent again. Resent only when the server provably has no such task; the server's uniqueness
   * rule on external_task_id guards even that resend.
   */
  async create(
    input: Text2VideoRequest,
    options: { signal?: AbortSignal } = {},
  ): Promise<CreateResult> {
    const checked = validateRequest(input)
    if (!checked.ok) {
      throw new KlingApiError({
        kind: 'invalid_request',
        message: formatFieldErrors(checked.errors),
        mayHaveReachedServer: false,
      })
    }
    const externalTaskId =
      checked.value.external_task_id ?? (this.options.newExternalTaskId ?? newExternalTaskId)()
    const body = JSON.stringify({ ...checked.value, external_task_id: externalTaskId })
    const what = 'Creating the task'
    for (let posts = 1; ; posts++) {
      let failure: KlingApiError
      try {
        const task = await this.once('POST', TEXT2VIDEO_PATH, what, body, options.signal)
        return { task, externalTaskId, reconciled: false, posts }
      } catch (error) {
        if (!(error instanceof KlingApiError)) throw error
        failure = error
      }
      // Cancelled by the caller: whoever cancelled holds the external id and reconciles later.
      if (failure.kind === 'aborted') throw failure

      // Resent blindly only when it cannot have created anything and is worth repeating: a
      // connection that never opened, or a 429 that is not about money. A missing key or a
      // request refused locally is final.
      const safeToResend =
        isRetryable(failure) && (!failure.mayHaveReachedServer || failure.kind === 'rate_limited')
      if (safeToResend) {
        if (posts >= this.createAttempts) throw failure
        await this.pause(what, posts, failure, options.signal)
        continue
      }
      if (!failure.mayHaveReachedServer) throw failure
      // The server refusing: a 3xx or 4xx, or any answer whose business code is final (a 500
      // "invalid_request", a 200 carrying 1102). A broken 2xx or a 5xx may hide a created task.
      const answeredDefinitively =
        (failure.status !== null && failure.status >= 300 && failure.status < 500) ||
        (failure.code !== null && !isRetryable(failure))
      if (answeredDefinitively && !isDuplicateExternalId(failure)) throw failure

      // The server may hold our task: look for it before anything else.
      let found: KlingTask | null
      try {
        found = await this.findByExternalId(externalTaskId, { signal: options.signal })
      } catch (lookupError) {
        throw this.ambiguous(externalTaskId, failure, lookupError)
      }
      if (found) return { task: found, externalTaskId, reconciled: true, posts }
      // The service answered that it holds no such task, so sending again cannot pay twice; the
      // same external id rides along, and its uniqueness rule refuses a late duplicate.
      if (isDuplicateExternalId(failure) || posts >= this.createAttempts) {
        throw this.ambiguous(externalTaskId, failure, null, posts)
      }
      await this.pause(what, posts, failure, options.signal)
    }
  }

  private ambiguous(
    externalTaskId: string,
    failure: KlingApiError,
    lookupError: unknown,
    posts = 1,
  ): KlingApiError {
    const lookup =
      lookupError instanceof KlingApiError
        ? ` Looking it up failed too: ${lookupError.describe()}.`
        : ''
    const sent =
      posts === 1
        ? 'It was not sent again'
        : `It was sent ${posts} times, each time only after the service said it held no such task`
    return new KlingApiError({
      kind: 'ambiguous_create',
      message:
        `The create request may have reached the server (${failure.message}), and no task with ` +
        `external id ${externalTaskId} could be confirmed.${lookup} ${sent}, so nothing is ` +
        `charged twice: check it later with "status --external-task-id ${externalTaskId}".`,
      status: failure.status,
      code: failure.code,
      requestId: failure.requestId,
      cause: failure,
    })
  }

  /**
   * Queries a task until it succeeds or fails, spacing queries by the poll policy. Transient
   * errors back off inside the policy; anything else ends the wait with that error.
   */
  async wait(taskId: string, options: WaitOptions = {}): Promise<KlingTask> {
    const started = this.now()
    let origin = started
    const state: PollState = {
      elapsedMs: 0,
      queries: 0,
      consecutiveErrors: 0,
      estimate: options.estimate,
    }
    for (;;) {
      try {
        const task = await this.once(
          'GET',
          `${TEXT2VIDEO_PATH}/${encodeURIComponent(taskId)}`,
          `Querying task ${taskId}`,
          undefined,
          options.signal,
        )
        if (state.queries === 0 && task.created_at !== null) {
          // Time since the server accepted the task drives the policy; trust the server's clock
          // only within a day, so a skewed clock cannot push the policy off its curve.
          const age = started - task.created_at
          if (age > 0 && age < 86_400_000) origin = started - age
        }
        state.queries++
        state.consecutiveErrors = 0
        state.retryAfterMs = undefined
        options.onUpdate?.(task)
        if (isFinalStatus(task.task_status)) return task
      } catch (error) {
        if (!(error instanceof KlingApiError) || !isRetryable(error)) throw error
        state.queries++
        state.consecutiveErrors++
        state.retryAfterMs = error.retryAfterMs ?? undefined
        this.options.onRetry?.({
          what: `Querying task ${taskId}`,
          attempt: state.consecutiveErrors,
          delayMs: 0,
          error,
        })
      }
      state.elapsedMs = this.now() - origin
      const waited = this.now() - started
      if (options.timeoutMs !== undefined && waited >= options.timeoutMs)
        throw this.waitTimeout(taskId, options.timeoutMs)
      let delay = nextPollDelayMs(state, { random: this.random })
      if (options.timeoutMs !== undefined)
        delay = Math.min(delay, Math.max(0, options.timeoutMs - waited))
      await this.sleep(delay, options.signal)
    }
  }

  private waitTimeout(taskId: string, timeoutMs: number): KlingApiError {
    return new KlingApiError({
      kind: 'timeout',
      message: `Task ${taskId} had not finished after ${Math.round(timeoutMs / 1000)} s; it goes on on the server, check it again later`,
    })
  }
}
