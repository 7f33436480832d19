import { isLive, type Job, type JobState } from '../../shared/jobs'
import type { ApiErrorInfo, KlingTask, Text2VideoRequest } from '../../shared/kling'
import type { KlingClient } from '../kling/client'
import { isRetryable, KlingApiError } from '../kling/errors'
import { NO_VIDEO_CODE } from '../kling/parse'
import { backoffDelay, RETRY_AFTER_MAX_MS } from '../kling/http'
import { estimateFromDurations, nextPollDelayMs, type DurationEstimate } from '../kling/poll-policy'
import type { Library } from '../library/library'
import { systemClock, type Clock } from './clock'
import type { JobRecord, Ledger } from './ledger'
import { RequestBudget } from './request-budget'

// Runs every job to its end: a local queue capped at the configured concurrency, the create
// (reconciled, never re-sent blindly), polling under the poll policy and one global request
// budget, and the download the moment a task succeeds. Every change goes to the ledger first
// and is then emitted; the ledger alone is enough to pick everything up again after a crash.

export type TrackerEvent =
  | { type: 'job'; job: JobRecord }
  | { type: 'progress'; jobId: string; received: number; total: number | null }
  | { type: 'finished'; job: JobRecord }

export interface TrackerOptions {
  ledger: Ledger
  client: Pick<KlingClient, 'create' | 'getTask' | 'findByExternalId'>
  library: Pick<Library, 'save' | 'exists' | 'adopt'>
  emit: (event: TrackerEvent) => void
  clock?: Clock
  random?: () => number
  /** Tasks running on the service at once (Kling counts one slot per running task). */
  concurrency?: number
  /** The global request budget. */
  requestsPerSecond?: number
  burst?: number
  /** Waits after a 1303 (too many parallel tasks) or a create that never left. */
  requeueBackoff?: { baseMs: number; maxMs: number }
  /** Scales the poll policy's intervals (sandbox mode runs the emulator faster than real time). */
  pollScale?: number
  /**
   * 'all' runs every job in the ledger (the app, resume); 'own' only those this tracker was given
   * (a command-line generate, which must not take over the app's jobs).
   */
  scope?: 'all' | 'own'
  /** With scope 'all': which jobs to take (the command line leaves the app's sandbox jobs alone). */
  accept?: (job: Job) => boolean
  log?: (line: string) => void
}

/** Times an unconfirmed create is sent again unasked, each after a "no such task" answer. */
const AUTO_RESENDS_MAX = 3

/** How an unconfirmed create is looked up: soon at first, then every 10 minutes at most. */
const ATTENTION_LOOKUPS = { baseMs: 10_000, maxMs: 600_000 }

/** Result links live 30 days (kling-api.md); past that a missing file is expired, not broken. */
export const RESULT_LIFETIME_MS = 30 * 86_400_000

interface Slot {
  timer: unknown
  dueAt: number
  queries: number
  errors: number
  retryAfterMs?: number
  notFound: number
  /** "succeed" answers in a row that carried no video. */
  noVideo: number
  busy: boolean
}

function infoOf(error: unknown): ApiErrorInfo {
  if (error instanceof KlingApiError) return error.toInfo()
  return {
    kind: 'network',
    status: null,
    code: null,
    message: error instanceof Error ? error.message : String(error),
    request_id: null,
  }
}

export class Tracker {
  private readonly ledger: Ledger
  private readonly clock: Clock
  private readonly random: () => number
  private readonly budget: RequestBudget
  private readonly slots = new Map<string, Slot>()
  private readonly estimates = new Map<string, DurationEstimate>()
  private readonly inFlight = new Set<Promise<unknown>>()
  private concurrency: number
  private queuePaused = false
  private suspended = false
  private stopped = false
  private readonly own = new Set<string>()
  private readonly abort = new AbortController()
  /** Unconfirmed creates the person chose to send again. */
  private readonly resendAllowed = new Set<string>()
  /** Unconfirmed creates sent again without being asked, this session. */
  private readonly autoResends = new Map<string, number>()

  constructor(private readonly options: TrackerOptions) {
    this.ledger = options.ledger
    this.clock = options.clock ?? systemClock
    this.random = options.random ?? Math.random
    this.concurrency = Math.max(1, options.concurrency ?? 3)
    this.budget = new RequestBudget(options.requestsPerSecond ?? 4, options.burst ?? 8, () =>
      this.clock.now(),
    )
  }

  private log(line: string): void {
    this.options.log?.(line)
  }

  private changed(job: JobRecord | null): void {
    if (!job) return
    this.options.emit({ type: 'job', job })
    if (!isLive(job.state)) this.options.emit({ type: 'finished', job })
  }

  private mine(job: Job): boolean {
    if (this.own.has(job.id)) return true
    return (this.options.scope ?? 'all') === 'all' && (this.options.accept?.(job) ?? true)
  }

  /** Takes over one existing job (the command line's wait on a job it knows). */
  watch(jobId: string): void {
    this.own.add(jobId)
    const job = this.ledger.get(jobId)
    if (job && job.state !== 'queued') this.resumeJob(job)
    this.pump()
  }

  /** Picks up every unfinished job from the ledger: the start of a session, or after a crash. */
  start(): void {
    for (const job of this.ledger.live()) if (this.mine(job)) this.resumeJob(job)
    // A create that could not be confirmed is looked up again: lookups are free.
    for (const job of this.ledger.list({ states: ['needs_attention'], limit: 500 }).jobs) {
      if (this.mine(job)) this.schedule(job.id, 0)
    }
    this.pump()
  }

  private resumeJob(job: JobRecord): void {
    switch (job.state) {
      case 'queued':
        return
      case 'creating':
      case 'submitted':
      case 'processing':
      case 'downloading':
        this.schedule(job.id, 0)
        return
      default:
        return
    }
  }

  /** A new job: written to the ledger before anything is sent. */
  enqueue(
    request: Text2VideoRequest,
    externalTaskId: string,
    options: { sandbox?: boolean } = {},
  ): JobRecord {
    const job = this.ledger.create({ request, externalTaskId, sandbox: options.sandbox })
    this.own.add(job.id)
    this.changed(job)
    this.pump()
    return job
  }

  /** Jobs holding a slot on the service, counting queued ones already picked to start. */
  private running(): number {
    let n = 0
    // Only jobs this tracker runs: another process's jobs (a crashed one's, say) must not block
    // ours for ever. The app's tracker runs them all, so there the cap is the whole account's.
    for (const job of this.ledger.live()) {
      if (!this.mine(job)) continue
      if (job.state === 'creating' || job.state === 'submitted' || job.state === 'processing') n++
      else if (job.state === 'queued' && this.slots.has(job.id)) n++
    }
    return n
  }

  /** Starts queued jobs while there are free slots and the queue is not paused. */
  private pump(): void {
    if (this.stopped || this.suspended || this.queuePaused) return
    let free = this.concurrency - this.running()
    for (const job of this.ledger.live()) {
      if (free <= 0) break
      if (job.state !== 'queued' || this.slots.has(job.id) || !this.mine(job)) continue
      free--
      this.schedule(job.id, 0)
    }
  }

  private schedule(jobId: string, delayMs: number): void {
    if (this.stopped) return
    const existing = this.slots.get(jobId)
    const slot: Slot = existing ?? {
      timer: null,
      dueAt: 0,
      queries: 0,
      errors: 0,
      notFound: 0,
      noVideo: 0,
      busy: false,
    }
    if (slot.timer !== null) this.clock.clearTimeout(slot.timer)
    slot.dueAt = this.clock.now() + delayMs
    slot.timer = this.suspended
      ? null
      : this.clock.setTimeout(() => this.fire(jobId), Math.max(0, delayMs))
    this.slots.set(jobId, slot)
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise)
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => {})
    return promise
  }

  private fire(jobId: string): void {
    const slot = this.slots.get(jobId)
    if (!slot || this.stopped || this.suspended) return
    slot.timer = null
    if (slot.busy) return
    const token = this.budget.take()
    if (!token.ok) {
      this.schedule(jobId, token.waitMs + Math.floor(this.random() * 50))
      return
    }
    slot.busy = true
    void this.track(
      this.step(jobId, slot)
        .catch((error: unknown) =>
          this.log(`job ${jobId}: ${error instanceof Error ? error.stack : String(error)}`),
        )
        .finally(() => {
          slot.busy = false
        }),
    )
  }

  /** One step of a job's life, chosen by its state in the ledger. */
  private async step(jobId: string, slot: Slot): Promise<void> {
    const job = this.ledger.get(jobId)
    if (!job) {
      this.slots.delete(jobId)
      return
    }
    switch (job.state) {
      case 'queued':
      case 'creating':
        return this.create(job, slot)
      case 'needs_attention':
        // A known task is asked about; an unconfirmed create is only ever looked up.
        return job.taskId ? this.poll(job, slot) : this.create(job, slot)
      case 'submitted':
      case 'processing':
        return this.poll(job, slot)
      case 'downloading':
        return this.download(job, slot)
      default:
        this.slots.delete(jobId)
    }
  }

  private finish(jobId: string): void {
    const slot = this.slots.get(jobId)
    if (slot?.timer) this.clock.clearTimeout(slot.timer)
    this.slots.delete(jobId)
    this.pump()
  }

  private async create(job: JobRecord, slot: Slot): Promise<void> {
    const wasSent = job.state !== 'queued'
    // Unconfirmed: sent again only after the service answers that it holds no such task, a few
    // times at most; past that only the person may send it again (resend), and it is only looked
    // up until then.
    const auto = this.autoResends.get(job.id) ?? 0
    const lookOnly =
      job.state === 'needs_attention' && !this.resendAllowed.has(job.id) && auto >= AUTO_RESENDS_MAX
    let lookingUp = wasSent
    if (!wasSent) this.changed(this.ledger.setState(job.id, 'creating'))
    try {
      let task: KlingTask | null = null
      if (wasSent) {
        // This create may have reached the server before (a crash, a lost answer): look first.
        task = await this.options.client.findByExternalId(job.externalTaskId, {
          signal: this.abort.signal,
        })
      }
      lookingUp = false
      if (!task && lookOnly) {
        slot.errors++
        this.schedule(job.id, backoffDelay(slot.errors, ATTENTION_LOOKUPS, this.random))
        return
      }
      if (!task) {
        if (job.state === 'needs_attention' && !this.resendAllowed.delete(job.id))
          this.autoResends.set(job.id, auto + 1)
        const created = await this.options.client.create(
          { ...job.request, external_task_id: job.externalTaskId },
          { signal: this.abort.signal },
        )
        task = created.task
      }
      slot.errors = 0
      this.changed(this.ledger.applyTask(job.id, task))
      this.schedule(job.id, this.pollDelay(this.ledger.get(job.id)!, slot))
    } catch (error) {
      if (this.stopped) return
      const info = infoOf(error)
      const kind = info.kind
      if (kind === 'aborted') return
      // Worth trying again: a full account (1303), or a passing fault. A request refused before
      // it left (invalid, no key) is not, and must not hold a slot for ever.
      const retryLater =
        kind === 'too_many_tasks' || (error instanceof KlingApiError && isRetryable(error))
      if (retryLater && kind !== 'ambiguous_create') {
        // Nothing was created (or it is still unknown and safe to look up again): wait and retry.
        slot.errors++
        const delay = backoffDelay(
          slot.errors,
          this.options.requeueBackoff ?? { baseMs: 2_000, maxMs: 60_000 },
          this.random,
          error instanceof KlingApiError ? error.retryAfterMs : null,
        )
        this.changed(
          this.ledger.setState(job.id, wasSent ? job.state : 'creating', {
            message: info.message,
            error: info,
          }),
        )
        this.schedule(job.id, delay)
        return
      }
      // A lookup refused (a key being replaced, a gateway without that query form) says nothing
      // about a task that may exist and cost money: the person is asked, the job is not failed.
      if (kind === 'ambiguous_create' || lookingUp) {
        this.changed(
          this.ledger.setState(job.id, 'needs_attention', { message: info.message, error: info }),
        )
        slot.errors++
        // Keep looking it up, ever more slowly: it may yet appear, and lookups are free.
        this.schedule(job.id, backoffDelay(slot.errors, ATTENTION_LOOKUPS, this.random))
        return
      }
      this.changed(this.ledger.setState(job.id, 'failed', { message: info.message, error: info }))
      this.finish(job.id)
    }
  }

  private estimateFor(job: Job): DurationEstimate {
    const key = `${job.request.model_name ?? ''}|${job.request.mode ?? ''}|${job.request.duration ?? ''}`
    let estimate = this.estimates.get(key)
    if (!estimate) {
      estimate = estimateFromDurations(this.ledger.durations(job.request))
      this.estimates.set(key, estimate)
    }
    return estimate
  }

  /** The typical duration of tasks like this one, learnt from this machine's history. */
  estimate(job: Job): DurationEstimate {
    return this.estimateFor(job)
  }

  private pollDelay(job: JobRecord, slot: Slot): number {
    const scale = this.options.pollScale ?? 1
    const elapsedMs = (this.clock.now() - (job.submittedAt ?? job.createdAt)) * scale
    const delay = nextPollDelayMs(
      {
        elapsedMs,
        queries: slot.queries,
        consecutiveErrors: slot.errors,
        retryAfterMs: slot.retryAfterMs,
        estimate: this.estimateFor(job),
      },
      { random: this.random },
    )
    // The policy's intervals are in service time; what the server asked for is in real time.
    return Math.max(delay / scale, Math.min(slot.retryAfterMs ?? 0, RETRY_AFTER_MAX_MS))
  }

  private async poll(job: JobRecord, slot: Slot): Promise<void> {
    if (!job.taskId) {
      this.changed(this.ledger.setState(job.id, 'creating'))
      this.schedule(job.id, 0)
      return
    }
    let task: KlingTask
    try {
      task = await this.options.client.getTask(job.taskId, {
        signal: this.abort.signal,
        attempts: 1,
      })
    } catch (error) {
      if (this.stopped) return
      const info = infoOf(error)
      if (info.kind === 'aborted') return
      slot.queries++
      slot.errors++
      slot.retryAfterMs =
        error instanceof KlingApiError ? (error.retryAfterMs ?? undefined) : undefined
      if (info.kind === 'not_found' && ++slot.notFound >= 3) {
        this.changed(
          this.ledger.setState(job.id, 'failed', {
            message: `The service no longer knows task ${job.taskId}`,
            error: info,
          }),
        )
        this.finish(job.id)
        return
      }
      if (info.code === NO_VIDEO_CODE && ++slot.noVideo >= 3) {
        // kling-api.md: a succeed without a video is an error, not a success.
        this.changed(this.ledger.setState(job.id, 'failed', { message: info.message, error: info }))
        this.finish(job.id)
        return
      }
      // Show what is wrong, with its request id, while asking on: the first time, and when it
      // changes (not at every query).
      if (job.error?.message !== info.message) {
        this.changed(this.ledger.setState(job.id, job.state, { error: info }))
      }
      this.schedule(job.id, this.pollDelay(job, slot))
      return
    }
    slot.queries++
    slot.errors = 0
    slot.notFound = 0
    slot.noVideo = 0
    slot.retryAfterMs = undefined
    const updated = this.ledger.applyTask(job.id, task) ?? job
    this.changed(updated === job ? null : updated)
    if (updated.state === 'failed') {
      this.finish(job.id)
      return
    }
    if (updated.state === 'downloading') {
      this.estimates.clear()
      this.pump()
      this.schedule(job.id, 0)
      return
    }
    this.schedule(job.id, this.pollDelay(updated, slot))
  }

  private async download(job: JobRecord, slot: Slot): Promise<void> {
    if (job.file && (await this.options.library.exists(job.file))) {
      this.changed(this.ledger.setSaved(job.id, job.file, job.bytes ?? 0))
      this.finish(job.id)
      return
    }
    const adopted = await this.options.library.adopt(job)
    if (adopted) {
      this.changed(this.ledger.setSaved(job.id, adopted.file, adopted.bytes))
      this.finish(job.id)
      return
    }
    try {
      const saved = await this.options.library.save(job, {
        signal: this.abort.signal,
        onProgress: (p) => this.options.emit({ type: 'progress', jobId: job.id, ...p }),
      })
      this.changed(this.ledger.setSaved(job.id, saved.file, saved.bytes))
      this.finish(job.id)
    } catch (error) {
      if (this.stopped) return
      const info = infoOf(error)
      if (info.kind === 'aborted') return
      slot.errors++
      const finishedAt = job.finishedAt ?? job.updatedAt
      const linkGone =
        error instanceof KlingApiError && error.kind === 'download' && !error.mayHaveReachedServer
      if (linkGone && this.clock.now() - finishedAt > RESULT_LIFETIME_MS) {
        this.changed(
          this.ledger.setState(job.id, 'expired', { message: info.message, error: info }),
        )
        this.finish(job.id)
        return
      }
      if (linkGone && job.taskId) {
        // A fresh query may carry a freshly signed link.
        await this.options.client
          .getTask(job.taskId, { signal: this.abort.signal, attempts: 1 })
          .then((task) => this.changed(this.ledger.applyTask(job.id, task)))
          .catch(() => {})
      }
      this.changed(
        this.ledger.setState(job.id, 'downloading', { message: info.message, error: info }),
      )
      this.schedule(
        job.id,
        backoffDelay(slot.errors, { baseMs: 2_000, maxMs: 120_000 }, this.random),
      )
    }
  }

  // -------------------------------------------------------------------------------------------
  // Controls

  /** Ask about a task now, whatever the schedule says. */
  recheck(jobId: string): void {
    const job = this.ledger.get(jobId)
    if (!job) return
    if (job.state === 'expired' || (job.taskStatus === 'succeed' && !job.saved)) {
      this.changed(this.ledger.setState(jobId, 'downloading'))
    }
    const fresh = this.ledger.get(jobId)!
    if (isLive(fresh.state) || fresh.state === 'needs_attention') this.schedule(jobId, 0)
  }

  /**
   * The person chose to send an unconfirmed create again. It is still looked up first, and it
   * carries the same external id, which the service refuses to use twice.
   */
  resend(jobId: string): boolean {
    const job = this.ledger.get(jobId)
    if (!job || job.state !== 'needs_attention' || job.taskId) return false
    this.resendAllowed.add(jobId)
    this.schedule(jobId, 0)
    return true
  }

  /** A finished job whose file is missing: fetch it again while its link may still live. */
  retryDownload(jobId: string): JobRecord | null {
    const job = this.ledger.get(jobId)
    if (!job || job.taskStatus !== 'succeed') return null
    const next = this.ledger.setState(jobId, 'downloading')
    this.changed(next)
    this.schedule(jobId, 0)
    return next
  }

  pauseQueue(): void {
    this.queuePaused = true
  }

  resumeQueue(): void {
    this.queuePaused = false
    this.pump()
  }

  get paused(): boolean {
    return this.queuePaused
  }

  setConcurrency(n: number): void {
    this.concurrency = Math.max(1, Math.floor(n))
    this.pump()
  }

  /** The system is going to sleep: no timers fire until wake. */
  suspend(): void {
    this.suspended = true
    for (const slot of this.slots.values()) {
      if (slot.timer !== null) this.clock.clearTimeout(slot.timer)
      slot.timer = null
    }
  }

  /** Back from sleep: everything that came due while asleep is asked about at once. */
  wake(): void {
    if (!this.suspended) return
    this.suspended = false
    const now = this.clock.now()
    for (const [jobId, slot] of this.slots) this.schedule(jobId, Math.max(0, slot.dueAt - now))
    this.pump()
  }

  /** Counts for the queue view: running on the service, waiting locally, the cap. */
  stats(): { running: number; queued: number; concurrency: number; paused: boolean } {
    const live = this.ledger.live()
    const states = (s: JobState) => live.filter((j) => j.state === s).length
    return {
      running: states('creating') + states('submitted') + states('processing'),
      queued: states('queued'),
      concurrency: this.concurrency,
      paused: this.queuePaused,
    }
  }

  /** Resolves when no job is live any more (the command line's resume and wait). */
  async idle(pollMs = 50): Promise<void> {
    const busy = () => this.ledger.live().some((j) => this.mine(j)) || this.inFlight.size > 0
    while (!this.stopped && busy()) {
      await new Promise<void>((r) => this.clock.setTimeout(r, pollMs))
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.abort.abort()
    for (const slot of this.slots.values())
      if (slot.timer !== null) this.clock.clearTimeout(slot.timer)
    this.slots.clear()
    await Promise.allSettled([...this.inFlight])
  }
}
