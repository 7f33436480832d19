import type { Library } from '../library/library'
import type { Clock } from './clock'
import type { JobRecord } from './ledger'
import type { JobScope } from './ledger-claims'
import type { Worker } from './worker'

// One engine's side of the claims (ledger-claims.ts): the jobs it holds, the jobs another live
// process works (looked at again every few seconds, and taken in once their owner is gone), and
// the guard every write of a step passes: the claim is still this worker's, read in the same
// transaction as the write, so a process that stalled past the stale limit cannot send a create
// another process has taken over. An engine of the whole history (the app, resume) also takes in,
// every few seconds, jobs nobody works: left by a command line that ended or died after it began.

/** How often jobs another process works are looked at again (a read each, no write lock). */
export const AWAY_RECHECK_MS = 5_000
/** How often an engine of the whole history looks for jobs nobody works (one read). */
export const UNCLAIMED_SCAN_MS = 10_000

/** A step's write found the job's claim with another worker: the step stops, nothing written. */
export class ClaimLost extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is worked by another process now`)
    this.name = 'ClaimLost'
  }
}

export interface EngineClaimsOptions {
  ledger: { transaction<T>(fn: () => T): T; get(id: string): JobRecord | null }
  worker: Worker
  clock: Clock
  /** Whether the engine still wants this job (its address, not ended). */
  wants(job: JobRecord): boolean
  /** A job that became ours after its owner died: the engine takes it in as its state calls for. */
  taken(job: JobRecord): void
  log?: (line: string) => void
}

export class EngineClaims {
  private readonly held = new Set<string>()
  private readonly away = new Set<string>()
  private timer: unknown = null
  private scanTimer: unknown = null
  private scanning: { scope: JobScope; wanted: (job: JobRecord) => boolean } | null = null
  private stopped = false

  constructor(private readonly o: EngineClaimsOptions) {}

  /** Makes the job this worker's; 'elsewhere' when a live process works it, 'gone' when deleted. */
  claim(jobId: string): 'ours' | 'elsewhere' | 'gone' {
    const result = this.o.worker.claim(jobId)
    if (!result.ok) return result.owner ? 'elsewhere' : 'gone'
    if (result.from)
      this.o.log?.(
        `job ${jobId}: taken over from ${result.from.role} (pid ${result.from.pid} on ${result.from.host}), no longer alive`,
      )
    this.held.add(jobId)
    this.away.delete(jobId)
    return 'ours'
  }

  /** Another live process works the job: not worked here; looked at again every few seconds. */
  elsewhere(jobId: string): void {
    this.held.delete(jobId)
    if (this.stopped) return
    this.away.add(jobId)
    this.arm()
  }

  /** Whether the job waits for another process here. */
  isAway(jobId: string): boolean {
    return this.away.has(jobId)
  }

  /** The job ended here (or left the history): its claim goes, for anyone to take. */
  release(jobId: string): void {
    this.away.delete(jobId)
    if (!this.held.delete(jobId)) return
    try {
      this.o.worker.release(jobId)
    } catch (error) {
      this.o.log?.(`job ${jobId}: releasing its claim: ${String(error)}`)
    }
  }

  /** Runs a write only while the job's claim is this worker's, read in the same transaction. */
  guard<T>(jobId: string, write: () => T): T {
    return this.o.ledger.transaction(() => {
      this.check(jobId)
      return write()
    })
  }

  /** Throws ClaimLost unless the job's claim is this worker's (a plain read, for no write). */
  check(jobId: string): void {
    if (this.o.worker.holds(jobId)) return
    this.held.delete(jobId)
    throw new ClaimLost(jobId)
  }

  /**
   * Looks for jobs of `scope` nobody works every UNCLAIMED_SCAN_MS from now on (the scope is read
   * in SQL: address, mode), and takes in those `wanted` says are this engine's and it does not
   * know of yet.
   */
  scanUnclaimed(scope: JobScope, wanted: (job: JobRecord) => boolean): void {
    this.scanning = { scope, wanted }
    this.armScan()
  }

  private armScan(): void {
    if (this.scanTimer !== null || this.stopped || !this.scanning) return
    this.scanTimer = this.o.clock.setTimeout(() => {
      this.scanTimer = null
      this.scan()
      this.armScan()
    }, UNCLAIMED_SCAN_MS)
    ;(this.scanTimer as { unref?: () => void } | null)?.unref?.()
  }

  /** One look, page after page to the newest job: an old page never hides a newer one. */
  private scan(): void {
    const scanning = this.scanning
    if (!scanning) return
    try {
      let after: number | null = null
      do {
        const page = this.o.worker.unclaimed(scanning.scope, after)
        for (const jobId of page.ids) {
          if (this.stopped) return
          const job = this.o.ledger.get(jobId)
          if (!job || !this.o.wants(job) || !scanning.wanted(job)) continue
          if (this.claim(jobId) === 'ours') this.o.taken(job)
        }
        after = page.next
      } while (after !== null)
    } catch (error) {
      this.o.log?.(`looking for jobs nobody works: ${String(error)}`)
    }
  }

  private arm(): void {
    if (this.timer !== null || this.stopped || this.away.size === 0) return
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null
      this.sweep()
    }, AWAY_RECHECK_MS)
    // Waiting for another process must not keep a command line running on its own.
    ;(this.timer as { unref?: () => void } | null)?.unref?.()
  }

  /** Looks again at every job another process works: gone, ended, or taken over from a dead one. */
  private sweep(): void {
    for (const jobId of [...this.away]) {
      if (this.stopped) return
      const job = this.o.ledger.get(jobId)
      if (!job || !this.o.wants(job)) {
        this.away.delete(jobId)
        continue
      }
      try {
        const claim = this.claim(jobId)
        if (claim === 'ours') this.o.taken(job)
        else if (claim === 'gone') this.away.delete(jobId)
      } catch (error) {
        // A busy history: the next sweep asks again.
        this.o.log?.(`job ${jobId}: claiming: ${String(error)}`)
      }
    }
    this.arm()
  }

  /** The engine stops: nothing is looked at again, and every job it held is free for others. */
  stop(): void {
    this.stopped = true
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer)
    if (this.scanTimer !== null) this.o.clock.clearTimeout(this.scanTimer)
    this.timer = this.scanTimer = null
    this.away.clear()
    for (const jobId of [...this.held]) this.release(jobId)
  }
}

/** The library as this worker saves into it: partial files of its own, a dead worker's resumed. */
export function savingAs<L extends Pick<Library, 'save' | 'exists' | 'adopt'>>(
  worker: Worker,
  library: L,
): Pick<Library, 'save' | 'exists' | 'adopt'> {
  const owner = { id: worker.id, isLive: (id: string) => worker.isLive(id) }
  return {
    save: (job, o) => library.save(job, { ...o, owner }),
    exists: (file) => library.exists(file),
    adopt: (job) => library.adopt(job),
  }
}
