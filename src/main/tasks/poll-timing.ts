import type { Job } from '../../shared/jobs'
import { RETRY_AFTER_MAX_MS } from '../kling/http'
import { estimateFromDurations, nextPollDelayMs, type DurationEstimate } from '../kling/poll-policy'
import type { Clock } from './clock'
import type { JobRecord, Ledger } from './ledger'
import type { JobMemory } from './steps/step'

// When the engine asks about a running task next: the poll policy fed with how long tasks like it
// took on this machine (learnt from the history, kept until another task finishes) and what the
// server asked for.

/**
 * The newest durations an estimate is learnt from: enough to pin median and spread within a few
 * percent (what the policy's margin on late tasks allows for), few enough to follow the service
 * when it speeds up or slows down. The policy solves its schedule once per estimate and keeps it,
 * so a query costs a lookup; a finished task drops the estimates here, and the next query learns
 * again from one indexed read (usually landing on the plan already kept).
 */
export const LEARNT_DURATIONS = 200

export class PollTiming {
  private readonly estimates = new Map<string, DurationEstimate>()

  constructor(
    private readonly o: {
      ledger: Pick<Ledger, 'durations'>
      clock: Clock
      random: () => number
      /** Scales the policy's intervals (sandbox mode runs the emulator faster than real time). */
      pollScale: number
    },
  ) {}

  /** A task finished: what was learnt may change. */
  forget(): void {
    this.estimates.clear()
  }

  /** The typical duration of tasks like this one, learnt from this machine's history. */
  estimate(job: Job): DurationEstimate {
    const r = job.request as { model_name?: string; mode?: string; duration?: string }
    const key = `${job.kind}|${r.model_name ?? ''}|${r.mode ?? ''}|${r.duration ?? ''}`
    let estimate = this.estimates.get(key)
    if (!estimate) {
      estimate = estimateFromDurations(
        this.o.ledger.durations(job.kind, job.request, LEARNT_DURATIONS),
      )
      this.estimates.set(key, estimate)
    }
    return estimate
  }

  delay(job: JobRecord, m: JobMemory): number {
    const scale = this.o.pollScale
    const elapsedMs = (this.o.clock.now() - (job.submittedAt ?? job.createdAt)) * scale
    const delay = nextPollDelayMs(
      {
        elapsedMs,
        queries: m.queries,
        consecutiveErrors: m.errors,
        retryAfterMs: m.retryAfterMs,
        estimate: this.estimate(job),
      },
      { random: this.o.random },
    )
    // The policy's intervals are in service time; what the server asked for is in real time.
    return Math.max(delay / scale, Math.min(m.retryAfterMs ?? 0, RETRY_AFTER_MAX_MS))
  }
}
