import { isLive, type Job, type JobState } from '../../shared/jobs'
import type { VideoKind, VideoRequest } from '../../shared/kling'
import { RETRY_AFTER_MAX_MS, type BackoffOptions } from '../kling/http'
import { estimateFromDurations, nextPollDelayMs, type DurationEstimate } from '../kling/poll-policy'
import type { Videos } from '../kling/videos'
import type { Library } from '../library/library'
import { systemClock, type Clock } from './clock'
import type { JobRecord, Ledger } from './ledger'
import { nextState, type LifecycleEvent } from './lifecycle'
import { Scheduler } from './scheduler'
import { fetchVideo } from './steps/fetch-video'
import { poll } from './steps/poll'
import { newMemory, type JobMemory, type Next, type StepContext } from './steps/step'
import { submit } from './steps/submit'
import { plainWire } from './steps/wire'

// The engine: runs every job to its end. It picks the step a job's state calls for (submit, poll,
// fetch-video), records what the step reports through the pure lifecycle into the ledger, tells
// the window, and hands the step's "what next" to the scheduler. The ledger alone is enough to
// pick everything up again after a crash.

export { RESULT_LIFETIME_MS } from './steps/fetch-video'

export type TrackerEvent =
  | { type: 'job'; job: JobRecord }
  | { type: 'progress'; jobId: string; received: number; total: number | null }
  | { type: 'finished'; job: JobRecord }

export interface TrackerOptions {
  ledger: Ledger
  /** The client for one address: this engine works only jobs sent there (or not sent yet). */
  client: { baseUrl: string; videos: Pick<Videos, 'create' | 'get' | 'find'> }
  /** Whether it also takes jobs not sent anywhere yet (false: an earlier address's leftovers). */
  takesUnsent?: boolean
  /** Works jobs whatever address they were sent to (the sandbox's emulator, new every launch). */
  anyAddress?: boolean
  library: Pick<Library, 'save' | 'exists' | 'adopt'>
  emit: (event: TrackerEvent) => void
  /** The body a create sends (images inline); the default sends the stored request as it is. */
  wire?: (job: JobRecord) => Promise<Record<string, unknown>>
  clock?: Clock
  random?: () => number
  /** Tasks running on the service at once (Kling counts one slot per running task). */
  concurrency?: number
  /** The global request budget. */
  requestsPerSecond?: number
  burst?: number
  /** Waits after a 1303 (too many parallel tasks) or a create that never left. */
  requeueBackoff?: BackoffOptions
  /** Scales the poll policy's intervals (sandbox mode runs the emulator faster than real time). */
  pollScale?: number
  /**
   * 'all' runs every job in the ledger (the app, resume); 'own' only those this engine was given
   * (a command-line generate, which must not take over the app's jobs).
   */
  scope?: 'all' | 'own'
  /** With scope 'all': which jobs to take (the command line leaves the app's sandbox jobs alone). */
  accept?: (job: Job) => boolean
  log?: (line: string) => void
}

export interface NewJobInput {
  kind?: VideoKind
  request: VideoRequest
  externalTaskId: string
  sandbox?: boolean
  parentJobId?: string | null
  /** The takes of one Generate share it. */
  groupId?: string | null
}

/** States in which a job holds one of the service's slots. */
const HOLDS: readonly JobState[] = ['creating', 'submitted', 'processing']

export class Tracker {
  private readonly ledger: Ledger
  private readonly clock: Clock
  private readonly random: () => number
  private readonly scheduler: Scheduler
  private readonly memory = new Map<string, JobMemory>()
  private readonly estimates = new Map<string, DurationEstimate>()
  private readonly own = new Set<string>()
  private readonly abort = new AbortController()
  private stopped = false

  constructor(private readonly options: TrackerOptions) {
    this.ledger = options.ledger
    this.clock = options.clock ?? systemClock
    this.random = options.random ?? Math.random
    this.scheduler = new Scheduler({
      clock: this.clock,
      random: this.random,
      concurrency: options.concurrency ?? 3,
      requestsPerSecond: options.requestsPerSecond ?? 4,
      burst: options.burst ?? 8,
      run: (jobId) => this.step(jobId),
    })
  }

  /** A job is this engine's to work only at the address it was sent to. */
  private sameAddress(job: Job): boolean {
    if (this.options.anyAddress) return true
    if (job.baseUrl === null) return this.options.takesUnsent ?? true
    return job.baseUrl === this.options.client.baseUrl
  }

  private mine(job: Job): boolean {
    if (!this.sameAddress(job)) return false
    if (this.own.has(job.id)) return true
    return (this.options.scope ?? 'all') === 'all' && (this.options.accept?.(job) ?? true)
  }

  private memoryOf(jobId: string): JobMemory {
    let m = this.memory.get(jobId)
    if (!m) this.memory.set(jobId, (m = newMemory()))
    return m
  }

  /** Records an event: the lifecycle decides, the ledger stores, the window is told. */
  private apply(job: JobRecord, event: LifecycleEvent): JobRecord {
    const change = nextState(job, event, this.clock.now())
    if (!change) return job
    const next = this.ledger.update(job.id, change.patch, change.event)
    this.options.emit({ type: 'job', job: next })
    if (!isLive(next.state)) this.options.emit({ type: 'finished', job: next })
    // Slots follow states: held while on the service, free once it downloads, ends or waits.
    if (HOLDS.includes(next.state)) this.scheduler.hold(next.id)
    else if (next.state !== 'queued') this.scheduler.release(next.id)
    if (next.state === 'downloading' && job.state !== 'downloading') this.estimates.clear()
    return next
  }

  /** Takes a job into the engine as its state calls for. */
  private take(job: JobRecord): void {
    if (job.state === 'queued') this.scheduler.admit(job.id)
    else if (HOLDS.includes(job.state)) {
      this.scheduler.hold(job.id)
      this.scheduler.schedule(job.id, 0)
    } else if (job.state === 'downloading' || job.state === 'needs_attention') {
      this.scheduler.schedule(job.id, 0)
    }
  }

  /** Takes over one existing job (the command line's wait on a job it knows). */
  watch(jobId: string): void {
    this.own.add(jobId)
    const job = this.ledger.get(jobId)
    if (job) this.take(job)
  }

  /** Picks up every unfinished job from the ledger: the start of a session, or after a crash. */
  start(): void {
    for (const job of this.ledger.live()) if (this.mine(job)) this.take(job)
    // A create that could not be confirmed is looked up again: lookups are free.
    for (const job of this.ledger.list({ states: ['needs_attention'], limit: 500 }).jobs) {
      if (this.mine(job)) this.take(job)
    }
  }

  /** A new job: written to the ledger before anything is sent. */
  enqueue(input: NewJobInput): JobRecord {
    return this.enqueueAll([input])[0]!
  }

  /**
   * The takes of one Generate: every one written to the ledger (or none) before any is sent.
   * `guard` runs in the same write, before the jobs are added (the budget check), and may throw.
   */
  enqueueAll(inputs: NewJobInput[], guard?: () => void): JobRecord[] {
    const jobs = this.ledger.createAll(
      inputs.map((input) => ({
        kind: input.kind ?? 'text2video',
        request: input.request,
        externalTaskId: input.externalTaskId,
        sandbox: input.sandbox,
        parentJobId: input.parentJobId ?? null,
        groupId: input.groupId ?? null,
      })),
      guard,
    )
    for (const job of jobs) {
      this.own.add(job.id)
      this.options.emit({ type: 'job', job })
      this.scheduler.admit(job.id)
    }
    return jobs
  }

  /**
   * A job that left the ledger while waiting (cancelled): no timer, no slot, nothing remembered.
   * Its step, if one were ever to run, finds no job and sends nothing.
   */
  drop(jobId: string): void {
    this.scheduler.forget(jobId)
    this.memory.delete(jobId)
    this.own.delete(jobId)
  }

  /** One step of a job's life, chosen by its state in the ledger. */
  private async step(jobId: string): Promise<void> {
    const job = this.ledger.get(jobId)
    if (!job || this.stopped || !this.sameAddress(job)) {
      this.scheduler.forget(jobId)
      return
    }
    if (job.state === 'queued' && this.scheduler.paused) {
      // Waiting out a refusal while the queue was paused: back in line, the slot given up.
      this.scheduler.release(jobId)
      this.scheduler.admit(jobId)
      return
    }
    const ctx: StepContext = {
      job,
      memory: this.memoryOf(jobId),
      apply: (event) => (ctx.job = this.apply(ctx.job, event)),
      signal: this.abort.signal,
      random: this.random,
      now: () => this.clock.now(),
      claimSlot: () => this.scheduler.tryHold(jobId),
      baseUrl: this.options.client.baseUrl,
    }
    let next: Next
    try {
      next = await this.run(ctx)
    } catch (error) {
      // Removed meanwhile (cancelled through another connection before the step wrote
      // `creating`: that write found no job, so nothing was sent): nothing left to do.
      if (!this.ledger.get(jobId)) {
        this.scheduler.forget(jobId)
        return
      }
      // A step that throws (a ledger write failing, say) is tried again, not dropped.
      this.options.log?.(`job ${jobId}: ${error instanceof Error ? error.stack : String(error)}`)
      next = { after: 30_000 }
    }
    if (this.stopped || 'stop' in next) return
    if ('end' in next) this.scheduler.forget(jobId)
    else if ('after' in next) this.scheduler.schedule(jobId, next.after)
    else this.scheduler.schedule(jobId, this.pollDelay(ctx.job, ctx.memory))
  }

  private run(ctx: StepContext): Promise<Next> {
    const { client, library } = this.options
    const sending = {
      videos: client.videos,
      wire: this.options.wire ?? plainWire,
      requeueBackoff: this.options.requeueBackoff,
    }
    switch (ctx.job.state) {
      case 'queued':
      case 'creating':
        return submit(ctx, sending)
      case 'needs_attention':
        // A known task is asked about; an unconfirmed create is only ever looked up first.
        return ctx.job.taskId ? poll(ctx, client) : submit(ctx, sending)
      case 'submitted':
      case 'processing':
        return poll(ctx, client)
      case 'downloading':
        return fetchVideo(ctx, {
          videos: client.videos,
          library,
          onProgress: (jobId, p) => this.options.emit({ type: 'progress', jobId, ...p }),
        })
      default:
        return Promise.resolve({ end: true })
    }
  }

  /** The typical duration of tasks like this one, learnt from this machine's history. */
  estimate(job: Job): DurationEstimate {
    const r = job.request as { model_name?: string; mode?: string; duration?: string }
    const key = `${job.kind}|${r.model_name ?? ''}|${r.mode ?? ''}|${r.duration ?? ''}`
    let estimate = this.estimates.get(key)
    if (!estimate) {
      estimate = estimateFromDurations(this.ledger.durations(job.kind, job.request))
      this.estimates.set(key, estimate)
    }
    return estimate
  }

  private pollDelay(job: JobRecord, m: JobMemory): number {
    const scale = this.options.pollScale ?? 1
    const elapsedMs = (this.clock.now() - (job.submittedAt ?? job.createdAt)) * scale
    const delay = nextPollDelayMs(
      {
        elapsedMs,
        queries: m.queries,
        consecutiveErrors: m.errors,
        retryAfterMs: m.retryAfterMs,
        estimate: this.estimate(job),
      },
      { random: this.random },
    )
    // The policy's intervals are in service time; what the server asked for is in real time.
    return Math.max(delay / scale, Math.min(m.retryAfterMs ?? 0, RETRY_AFTER_MAX_MS))
  }

  // -------------------------------------------------------------------------------------------
  // Controls

  /** Ask about a task now, whatever the schedule says (a job waiting in line keeps waiting). */
  recheck(jobId: string): void {
    let job = this.ledger.get(jobId)
    if (!job || !this.sameAddress(job)) return
    if (job.state === 'expired' || (job.taskStatus === 'succeed' && !job.saved))
      job = this.apply(job, { type: 'refetch' })
    if (job.state === 'queued') return
    if (isLive(job.state) || job.state === 'needs_attention') this.scheduler.schedule(jobId, 0)
  }

  /**
   * The person chose to send an unconfirmed create again. It is still looked up first, and it
   * carries the same external id, which the service refuses to use twice.
   */
  resend(jobId: string): boolean {
    const job = this.ledger.get(jobId)
    if (!job || job.state !== 'needs_attention' || job.taskId || !this.sameAddress(job))
      return false
    this.memoryOf(jobId).resendAllowed = true
    this.scheduler.schedule(jobId, 0)
    return true
  }

  /** A finished job whose file is missing: fetch it again while its link may still live. */
  retryDownload(jobId: string): JobRecord | null {
    const job = this.ledger.get(jobId)
    if (!job || job.taskStatus !== 'succeed' || !this.sameAddress(job)) return null
    const next = this.apply(job, { type: 'refetch' })
    this.scheduler.schedule(jobId, 0)
    return next
  }

  pauseQueue(): void {
    this.scheduler.pause()
  }

  resumeQueue(): void {
    this.scheduler.resume()
  }

  get paused(): boolean {
    return this.scheduler.paused
  }

  setConcurrency(n: number): void {
    this.scheduler.setConcurrency(n)
  }

  suspend(): void {
    this.scheduler.suspend()
  }

  wake(): void {
    this.scheduler.wake()
  }

  /** Counts for the queue view: running on the service, waiting locally, the cap. */
  stats(): { running: number; queued: number; concurrency: number; paused: boolean } {
    const c = this.scheduler.counts()
    return { running: c.holding, queued: c.waiting, concurrency: c.concurrency, paused: c.paused }
  }

  /** Resolves when this engine has nothing left to do (the command line's resume and wait). */
  async idle(pollMs = 50): Promise<void> {
    const busy = () =>
      this.scheduler.stepsRunning > 0 || this.ledger.live().some((j) => this.mine(j))
    while (!this.stopped && busy()) {
      await new Promise<void>((r) => this.clock.setTimeout(r, pollMs))
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.abort.abort()
    await this.scheduler.stop()
  }
}
