import type { Clock } from './clock'
import { RequestBudget } from './request-budget'

// When each job's next step runs, and how many run on the service at once. It knows job ids,
// timers and counts, nothing of what a step does: at most `concurrency` jobs hold a slot on the
// service (Kling counts one per running task), the rest wait in line in the order they came; every
// step takes a token from one global request budget, and steps that found none wait in one line,
// first come first served (otherwise a step due just as a token frees up would jump the line, and
// under a busy budget some jobs, creates say, could be starved for minutes); nothing fires while
// the system sleeps, and what came due meanwhile runs on wake. Its bookkeeping costs what a change needs (a set insert, a
// queue shift), never a walk over the history.

export interface SchedulerOptions {
  clock: Clock
  random: () => number
  concurrency: number
  requestsPerSecond: number
  burst: number
  /** One step of a job. The scheduler never runs two steps of the same job at once. */
  run: (jobId: string) => Promise<void>
}

interface Timer {
  handle: unknown
  dueAt: number
  busy: boolean
}

export class Scheduler {
  private readonly budget: RequestBudget
  private readonly timers = new Map<string, Timer>()
  /** Waiting for a slot, in arrival order (a Set keeps insertion order). */
  private readonly waiting = new Set<string>()
  /** Holding a slot: being created, or running on the service. */
  private readonly holding = new Set<string>()
  private readonly inFlight = new Set<Promise<unknown>>()
  /** Steps that came due when the budget had no token, in the order they came (one timer). */
  private readonly tokenLine = new Set<string>()
  private lineTimer: unknown = null
  private concurrency: number
  private queuePaused = false
  private suspended = false
  private stopped = false

  constructor(private readonly o: SchedulerOptions) {
    this.concurrency = Math.max(1, o.concurrency)
    this.budget = new RequestBudget(o.requestsPerSecond, o.burst, () => o.clock.now())
  }

  /** A job waits in line for a slot on the service. */
  admit(jobId: string): void {
    if (this.holding.has(jobId) || this.waiting.has(jobId)) return
    this.waiting.add(jobId)
    this.pump()
  }

  /** A job holds a slot (it is on the service, or was found so at launch). */
  hold(jobId: string): void {
    this.waiting.delete(jobId)
    this.holding.add(jobId)
  }

  /** The job no longer needs a slot (it downloads, ended, or waits for the person). */
  release(jobId: string): void {
    const had = this.holding.delete(jobId) || this.waiting.delete(jobId)
    if (had) this.pump()
  }

  /** The job is done with: no timer, no slot. */
  forget(jobId: string): void {
    const t = this.timers.get(jobId)
    if (t?.handle) this.o.clock.clearTimeout(t.handle)
    this.timers.delete(jobId)
    this.tokenLine.delete(jobId)
    this.release(jobId)
  }

  /** Takes a free slot for a job outside the line (an unconfirmed create sent again). */
  tryHold(jobId: string): boolean {
    if (this.holding.has(jobId)) return true
    if (this.queuePaused || this.holding.size >= this.concurrency) return false
    this.hold(jobId)
    return true
  }

  /** Runs the job's next step after `delayMs` (replacing any earlier timer of it). */
  schedule(jobId: string, delayMs: number): void {
    if (this.stopped) return
    this.tokenLine.delete(jobId)
    const t = this.timers.get(jobId) ?? { handle: null, dueAt: 0, busy: false }
    if (t.handle !== null) this.o.clock.clearTimeout(t.handle)
    t.dueAt = this.o.clock.now() + delayMs
    t.handle = this.suspended
      ? null
      : this.o.clock.setTimeout(() => this.fire(jobId), Math.max(0, delayMs))
    this.timers.set(jobId, t)
  }

  private pump(): void {
    if (this.stopped || this.suspended || this.queuePaused) return
    for (const jobId of this.waiting) {
      if (this.holding.size >= this.concurrency) break
      this.waiting.delete(jobId)
      this.holding.add(jobId)
      this.schedule(jobId, 0)
    }
  }

  private fire(jobId: string): void {
    const t = this.timers.get(jobId)
    if (!t || this.stopped || this.suspended) return
    t.handle = null
    // A step under way schedules its own next one when it ends.
    if (t.busy) return
    this.tokenLine.add(jobId)
    // Behind others waiting for a token: the line's timer serves them in order.
    if (this.tokenLine.size === 1) this.serveLine()
  }

  /** Hands out tokens to the line's steps, in order, while the budget has them. */
  private serveLine(): void {
    if (this.lineTimer !== null) this.o.clock.clearTimeout(this.lineTimer)
    this.lineTimer = null
    if (this.stopped || this.suspended) return
    for (const jobId of this.tokenLine) {
      const t = this.timers.get(jobId)
      if (!t || t.busy || t.handle !== null) {
        this.tokenLine.delete(jobId)
        continue
      }
      const token = this.budget.take()
      if (!token.ok) {
        this.lineTimer = this.o.clock.setTimeout(() => this.serveLine(), token.waitMs)
        return
      }
      this.tokenLine.delete(jobId)
      this.start(jobId, t)
    }
  }

  private start(jobId: string, t: Timer): void {
    t.busy = true
    const step = this.o.run(jobId).finally(() => {
      t.busy = false
    })
    this.inFlight.add(step)
    void step.finally(() => this.inFlight.delete(step)).catch(() => {})
  }

  setConcurrency(n: number): void {
    this.concurrency = Math.max(1, Math.floor(n))
    this.pump()
  }

  pause(): void {
    this.queuePaused = true
  }

  resume(): void {
    this.queuePaused = false
    this.pump()
  }

  get paused(): boolean {
    return this.queuePaused
  }

  /** The system is going to sleep: no timers fire until wake. */
  suspend(): void {
    this.suspended = true
    if (this.lineTimer !== null) this.o.clock.clearTimeout(this.lineTimer)
    this.lineTimer = null
    for (const t of this.timers.values()) {
      if (t.handle !== null) this.o.clock.clearTimeout(t.handle)
      t.handle = null
    }
  }

  /** Back from sleep: everything that came due while asleep runs at once. */
  wake(): void {
    if (!this.suspended) return
    this.suspended = false
    const now = this.o.clock.now()
    const line = [...this.tokenLine]
    for (const [jobId, t] of this.timers)
      if (!this.tokenLine.has(jobId)) this.schedule(jobId, Math.max(0, t.dueAt - now))
    this.pump()
    // Those already in line for a token keep their places.
    if (line.length > 0) this.serveLine()
  }

  counts(): { holding: number; waiting: number; concurrency: number; paused: boolean } {
    return {
      holding: this.holding.size,
      waiting: this.waiting.size,
      concurrency: this.concurrency,
      paused: this.queuePaused,
    }
  }

  /** Whether the job is in here at all: waiting, holding a slot, or with a step to come. */
  knows(jobId: string): boolean {
    return this.timers.has(jobId) || this.waiting.has(jobId) || this.holding.has(jobId)
  }

  /** Steps under way right now. */
  get stepsRunning(): number {
    return this.inFlight.size
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.lineTimer !== null) this.o.clock.clearTimeout(this.lineTimer)
    this.tokenLine.clear()
    for (const t of this.timers.values()) if (t.handle !== null) this.o.clock.clearTimeout(t.handle)
    this.timers.clear()
    await Promise.allSettled([...this.inFlight])
  }
}
