import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { systemClock, type Clock } from './clock'
import {
  claimJob,
  heartbeat,
  holdsClaim,
  isStale,
  liveWorkers,
  ownerOf,
  pidAlive,
  registerWorker,
  releaseJob,
  unclaimedAddresses,
  unclaimedJobs,
  unregisterWorker,
  workerRow,
  type Claim,
  type ClaimsLedger,
  type JobScope,
  type Liveness,
  type UnclaimedPage,
  type WorkerRow,
} from './ledger-claims'

// The presence of one process in the history: registered when it starts, a heartbeat every few
// seconds on the engine's clock, gone when it stops (its claims with it). The app has one for all
// its engines; each command line has its own. The engine asks it for the claim of a job before
// every step (see ledger-claims.ts).

/** A worker whose heartbeat is older than this is dead: its jobs are taken over. */
export const STALE_MS = 30_000
/** How often a worker says it is alive: several beats fit in the stale limit. */
export const HEARTBEAT_MS = 5_000

export interface WorkerOptions {
  ledger: ClaimsLedger
  /** What the process is: 'app', 'cli resume', 'cli generate', ... */
  role: string
  clock?: Clock
  pid?: number
  host?: string
  pidAlive?: (pid: number) => boolean
  staleMs?: number
  heartbeatMs?: number
  log?: (line: string) => void
}

export class Worker {
  readonly id = randomUUID()
  private readonly row: WorkerRow
  private readonly clock: Clock
  private timer: unknown = null
  private stopped = false
  /** When this worker last wrote its heartbeat. */
  private lastBeat: number
  /** Until then, no worker is judged dead by its heartbeat (see liveness). */
  private graceUntil = 0

  constructor(private readonly o: WorkerOptions) {
    this.clock = o.clock ?? systemClock
    const now = this.clock.now()
    this.row = {
      id: this.id,
      pid: o.pid ?? process.pid,
      host: o.host ?? hostname(),
      role: o.role,
      startedAt: now,
      heartbeatAt: now,
    }
    this.lastBeat = now
    registerWorker(o.ledger, this.row, this.liveness())
    this.schedule()
  }

  get role(): string {
    return this.row.role
  }

  /**
   * How this worker judges others now. Having missed beats of its own, it was asleep or stalled,
   * and so, often, were the others (a computer waking up): it says it is alive at once, and for
   * one stale limit judges nobody dead by heartbeat, so they have time to say so too.
   */
  private liveness(): Liveness {
    const now = this.clock.now()
    const staleMs = this.o.staleMs ?? STALE_MS
    if (!this.stopped && now - this.lastBeat > staleMs / 2) {
      this.graceUntil = now + staleMs
      this.write(now)
    }
    return {
      now,
      staleMs: now < this.graceUntil ? Number.POSITIVE_INFINITY : staleMs,
      host: this.row.host,
      pidAlive: this.o.pidAlive ?? pidAlive,
    }
  }

  private write(now: number): void {
    try {
      heartbeat(this.o.ledger, this.row, now)
      this.lastBeat = now
    } catch (error) {
      // A history closed under it (its process is ending): nothing to beat for any more.
      if ((error as NodeJS.ErrnoException).code === 'ERR_INVALID_STATE') this.stopped = true
      // A busy history: the next beat tries again, well within the stale limit.
      else
        this.o.log?.(`worker heartbeat: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = this.clock.setTimeout(() => this.beat(), this.o.heartbeatMs ?? HEARTBEAT_MS)
    // A heartbeat alone must not keep a command line running.
    ;(this.timer as { unref?: () => void } | null)?.unref?.()
  }

  /** Says this worker is alive (also on its own every HEARTBEAT_MS). */
  beat(): void {
    if (this.stopped) return
    // Through liveness: a beat that comes late also opens the grace after a sleep.
    const { now } = this.liveness()
    if (this.lastBeat !== now) this.write(now)
    this.schedule()
  }

  /** Makes the job this worker's: free, already ours, or taken over from a dead worker. */
  claim(jobId: string): Claim {
    return claimJob(this.o.ledger, jobId, this.id, this.liveness())
  }

  /** Whether the claim is still ours (call inside the write it guards). */
  holds(jobId: string): boolean {
    return holdsClaim(this.o.ledger, jobId, this.id)
  }

  release(jobId: string): void {
    releaseJob(this.o.ledger, jobId, this.id)
  }

  /** The live worker working a job, if any (this one included). */
  ownerOf(jobId: string): WorkerRow | null {
    return ownerOf(this.o.ledger, jobId, this.liveness())
  }

  /** Whether a worker (by id) is alive: a partial download of a live worker is never touched. */
  isLive(workerId: string): boolean {
    if (workerId === this.id) return !this.stopped
    const row = workerRow(this.o.ledger, workerId)
    return row !== null && !isStale(row, this.liveness())
  }

  /** A page of the jobs of a scope that no live worker holds (free, or left by a dead one). */
  unclaimed(scope: JobScope, after: number | null = null): UnclaimedPage {
    return unclaimedJobs(this.o.ledger, this.liveness(), scope, after)
  }

  /** Where jobs of a scope that no live worker holds were sent, apart from the `known` addresses. */
  unclaimedAddresses(scope: JobScope, known: readonly string[]): string[] {
    return unclaimedAddresses(this.o.ledger, this.liveness(), scope, known)
  }

  /** The ids of every live worker (this one included while it runs). */
  liveIds(): Set<string> {
    const ids = new Set(liveWorkers(this.o.ledger, this.liveness()).map((w) => w.id))
    if (!this.stopped) ids.add(this.id)
    return ids
  }

  /** This process ends: gone from the history, every job it held free for others at once. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    try {
      unregisterWorker(this.o.ledger, this.id)
    } catch (error) {
      // A closed history: the row stays and dies with its heartbeat (the pid check sees it at once).
      this.o.log?.(`worker stop: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}
