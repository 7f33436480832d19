import type { JobTrouble } from '../../shared/contract'
import { isLive, type Job, type JobState } from '../../shared/jobs'
import type { DurationEstimate } from '../kling/poll-policy'
import { systemClock, type Clock } from './clock'
import type { JobRecord, Ledger } from './ledger'
import type { NewJobInput, TrackerEvent, TrackerOptions } from './tracker-options'
import { accepts, scopeOf } from './tracker-options'
import { nextState, type LifecycleEvent } from './lifecycle'
import { PollTiming } from './poll-timing'
import { ClaimLost, EngineClaims } from './engine-claims'
import { Scheduler } from './scheduler'
import { runStep, stepDeps, type StepDeps } from './step-choice'
import { StepTroubles } from './step-trouble'
import { newMemory, type JobMemory, type Next, type StepContext } from './steps/step'
import { Worker } from './worker'

// The engine: runs every job to its end. It picks the step a job's state calls for (submit, poll,
// fetch-video), records what the step reports through the pure lifecycle into the ledger, tells
// the window, and hands the step's "what next" to the scheduler. The ledger alone is enough to
// pick everything up again after a crash. Several processes may run engines on one history: a
// job is worked only by the worker (process) holding its claim (engine-claims.ts), and every
// write of a step is refused once that claim has gone to another process. A step that fails here
// (the history locked, its disk full) is tried again ever later, the window told why meanwhile.

export { RESULT_LIFETIME_MS } from './steps/fetch-video'

export type { NewJobInput, TrackerEvent, TrackerOptions }

/** States in which a job holds one of the service's slots. */
const HOLDS: readonly JobState[] = ['creating', 'submitted', 'processing']

/** States an engine works a job in: the live ones, and an unconfirmed create (looked up). */
const worked = (job: Job): boolean => isLive(job.state) || job.state === 'needs_attention'

export class Tracker {
  private readonly ledger: Ledger
  private readonly clock: Clock
  private readonly random: () => number
  private readonly scheduler: Scheduler
  private readonly memory = new Map<string, JobMemory>()
  private readonly timing: PollTiming
  private readonly own = new Set<string>()
  private readonly abort = new AbortController()
  private readonly worker: Worker
  private readonly claims: EngineClaims
  private readonly steps: StepDeps
  private readonly troubles: StepTroubles
  private stopped = false

  constructor(private readonly options: TrackerOptions) {
    this.ledger = options.ledger
    this.clock = options.clock ?? systemClock
    this.random = options.random ?? Math.random
    const { ledger, clock, random } = this
    this.timing = new PollTiming({ ledger, clock, random, pollScale: options.pollScale ?? 1 })
    this.worker =
      options.worker ??
      new Worker({ ledger: this.ledger, role: 'engine', clock: this.clock, log: options.log })
    this.claims = new EngineClaims({
      ledger: this.ledger,
      worker: this.worker,
      clock: this.clock,
      wants: (job) => !this.stopped && this.sameAddress(job) && worked(job),
      taken: (job) => this.take(job),
      log: options.log,
    })
    this.steps = stepDeps(options, this.worker)
    this.troubles = new StepTroubles(options, random, () => this.clock.now())
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
    return this.own.has(job.id) || accepts(this.options, job)
  }

  private memoryOf(jobId: string): JobMemory {
    let m = this.memory.get(jobId)
    if (!m) this.memory.set(jobId, (m = newMemory()))
    return m
  }

  /**
   * Records an event: the lifecycle decides, the ledger stores, the window is told. Only while
   * this worker holds the job's claim, read in the same write (ClaimLost otherwise): so the write
   * of `creating`, which comes before any create is sent, is never made by two processes.
   */
  private apply(job: JobRecord, event: LifecycleEvent): JobRecord {
    const change = nextState(job, event, this.clock.now())
    if (!change) {
      // Nothing to write, yet what follows (a create sent again) must still be ours to do.
      this.claims.check(job.id)
      return job
    }
    const next = this.claims.guard(job.id, () =>
      this.ledger.update(job.id, change.patch, change.event),
    )
    this.options.emit({ type: 'job', job: next })
    if (!isLive(next.state)) this.options.emit({ type: 'finished', job: next })
    // Slots follow states: held while on the service, free once it downloads, ends or waits.
    if (HOLDS.includes(next.state)) this.scheduler.hold(next.id)
    else if (next.state !== 'queued') this.scheduler.release(next.id)
    if (next.state === 'downloading' && job.state !== 'downloading') this.timing.forget()
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

  /** Picks up every unfinished job (a new session, a crash), then any another process leaves. */
  start(): void {
    for (const job of this.ledger.live()) if (this.mine(job)) this.take(job)
    // A create that could not be confirmed is looked up again: lookups are free.
    for (const job of this.ledger.list({ states: ['needs_attention'], limit: 500 }).jobs) {
      if (this.mine(job)) this.take(job)
    }
    if ((this.options.scope ?? 'all') === 'all')
      this.claims.scanUnclaimed(
        scopeOf(this.options),
        (job) => this.mine(job) && !this.scheduler.knows(job.id),
      )
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
    // Claimed in the same write that adds them: no other process ever starts on them.
    const jobs = this.ledger.transaction(() => {
      const made = this.ledger.createAll(
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
      for (const job of made) this.claims.claim(job.id)
      return made
    })
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
    this.letGo(jobId)
    this.memory.delete(jobId)
    this.own.delete(jobId)
  }

  /** Done with a job here: no timer, no slot, no claim. */
  private letGo(jobId: string): void {
    this.scheduler.forget(jobId)
    this.claims.release(jobId)
    this.troubles.settle(jobId)
  }

  /** A live process works the job: no slot, no timer here; the claims look at it again later. */
  private elsewhere(jobId: string): void {
    this.scheduler.forget(jobId)
    this.claims.elsewhere(jobId)
    this.troubles.settle(jobId)
  }

  /**
   * A step's claim: ours (true), or the live owner's, or the job is gone. A job taken over from
   * a dead process rejoins the line, or holds its slot, as its state calls for.
   */
  private claimFor(job: JobRecord): boolean {
    const wasAway = this.claims.isAway(job.id)
    const claim = this.claims.claim(job.id)
    if (claim !== 'ours') {
      if (claim === 'gone') this.letGo(job.id)
      else this.elsewhere(job.id)
      return false
    }
    if (!wasAway) return true
    if (job.state === 'queued' && !this.scheduler.tryHold(job.id)) {
      this.scheduler.admit(job.id)
      return false
    }
    if (HOLDS.includes(job.state)) this.scheduler.hold(job.id)
    return true
  }

  /** One step of a job's life, chosen by its state in the ledger. */
  private async step(jobId: string): Promise<void> {
    let next: Next
    // Everything in the try: the claim's own write may be the one the history refuses, and so
    // may the read of past durations that spaces the next query.
    try {
      const ctx = this.begin(jobId)
      if (!ctx) return
      next = await runStep(ctx, this.steps)
      if ('poll' in next) next = { after: this.timing.delay(ctx.job, ctx.memory) }
      this.troubles.settle(jobId)
    } catch (error) {
      next = this.failed(jobId, error)
    }
    if (this.stopped || 'stop' in next) return
    if ('end' in next) this.letGo(jobId)
    else if ('after' in next) this.scheduler.schedule(jobId, next.after)
  }

  /** What a job's next step works with; null when there is none to run here now. */
  private begin(jobId: string): StepContext | null {
    const job = this.ledger.get(jobId)
    if (!job || this.stopped || !this.sameAddress(job) || !worked(job)) {
      if (!this.stopped) this.letGo(jobId)
      return null
    }
    if (!this.claimFor(job)) return null
    if (job.state === 'queued' && this.scheduler.paused) {
      // Waiting out a refusal while the queue was paused: back in line, the slot given up.
      this.scheduler.release(jobId)
      this.scheduler.admit(jobId)
      return null
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
    return ctx
  }

  /**
   * A step that threw. Gone meanwhile (cancelled through another connection before the step
   * wrote `creating`: that write found no job, so nothing was sent), or taken over by another
   * process (this one stalled past the stale limit): nothing left to do here. Otherwise (a write
   * the history refused, say) tried again ever later, the window told why. The job's state in the
   * ledger picks that step: a create that may have gone out is looked up, never sent again.
   */
  private failed(jobId: string, error: unknown): Next {
    if (this.gone(jobId)) this.letGo(jobId)
    else if (error instanceof ClaimLost) this.elsewhere(jobId)
    else if (!this.stopped) return { after: this.troubles.failed(jobId, error) }
    return { stop: true }
  }

  /** Whether the job left the history (a history that cannot be read says nothing of that). */
  private gone(jobId: string): boolean {
    try {
      return !this.ledger.get(jobId)
    } catch {
      return false
    }
  }

  /** Jobs whose step failed here and waits to be tried again, by id. */
  troublesNow(): Record<string, JobTrouble> {
    return this.troubles.all()
  }

  /** The typical duration of tasks like this one, learnt from this machine's history. */
  estimate(job: Job): DurationEstimate {
    return this.timing.estimate(job)
  }

  // -------------------------------------------------------------------------------------------
  // Controls

  /** Ask about a task now, whatever the schedule says (a job waiting in line keeps waiting). */
  recheck(jobId: string): void {
    let job = this.ledger.get(jobId)
    if (!job || !this.sameAddress(job) || job.state === 'queued') return
    // A job another process works is asked about by that process.
    if (!this.claimFor(job)) return
    if (job.state === 'expired' || (job.taskStatus === 'succeed' && !job.saved))
      job = this.apply(job, { type: 'refetch' })
    if (worked(job)) this.scheduler.schedule(jobId, 0)
    else this.claims.release(jobId)
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
    // Another process fetches it: the job as it stands.
    if (!this.claimFor(job)) return job
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

  /** Stops every step (a download under way is left to resume), then lets every job go. */
  async stop(): Promise<void> {
    this.stopped = true
    this.abort.abort()
    await this.scheduler.stop()
    this.claims.stop()
    this.troubles.stop()
    if (!this.options.worker) this.worker.stop()
  }
}
