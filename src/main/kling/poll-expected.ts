import { durationCdf, normalCdf, type TaskDurations } from './poll-optimum'
import type { PollState } from './poll-policy'

// What a polling schedule does on a known distribution of durations, computed exactly instead of
// sampled: the same figures as a replay of infinitely many tasks, so a comparison with the
// optimum (itself an expectation) carries no sampling noise. Used by tests and the benchmark.

export interface ExpectedStats {
  meanLatencyS: number
  /** The latency that 95% of tasks do not exceed. */
  p95LatencyS: number
  queriesPerTask: number
  /** The share of tasks noticed more than lateS after they finished. */
  lateShare: number
}

/** E[T; a < T <= b]: the durations between two queries, weighted by how likely they are. */
function partialMean(d: Readonly<TaskDurations>, a: number, b: number): number {
  const early = Math.min(1, Math.max(0, d.earlyFailureRate))
  const w = d.earlyWindowSeconds
  const lo = Math.min(Math.max(a, 0), w)
  const hi = Math.min(Math.max(b, 0), w)
  const uniform = early * ((hi * hi - lo * lo) / (2 * w))
  // For a log-normal, E[T; T <= x] = median·e^(σ²/2)·Φ(ln(x/median)/σ - σ).
  const s = d.sigma
  const upTo = (x: number) => (x <= 0 ? 0 : normalCdf(Math.log(x / d.medianSeconds) / s - s))
  return uniform + (1 - early) * d.medianSeconds * Math.exp((s * s) / 2) * (upTo(b) - upTo(a))
}

/**
 * Follows the schedule of an error-free task from 0 until all but one task in a million have
 * finished (durations median·e^(4.75σ)), and integrates latency and queries over the exact
 * distribution.
 */
export function expectedStats(
  delayFor: (state: PollState) => number,
  d: Readonly<TaskDurations>,
  lateS = 5,
): ExpectedStats {
  const end = Math.max(d.earlyWindowSeconds, d.medianSeconds * Math.exp(4.75 * d.sigma))
  const polls = [0]
  for (let ms = 0; ms / 1000 < end;) {
    const delay = delayFor({ elapsedMs: ms, queries: polls.length - 1, consecutiveErrors: 0 })
    if (!(delay > 0) || !Number.isFinite(delay))
      throw new RangeError(`delay must be a positive number of ms, got ${delay}`)
    ms += delay
    polls.push(ms / 1000)
  }
  const cdf = (t: number) => durationCdf(d, t)
  let latency = 0
  let queries = 0
  for (let k = 1; k < polls.length; k++) {
    const [a, b] = [polls[k - 1]!, polls[k]!]
    queries += 1 - cdf(a)
    latency += b * (cdf(b) - cdf(a)) - partialMean(d, a, b)
  }
  // P(latency > x): the finishes more than x before the query that notices them.
  const lateShare = (x: number) => {
    let share = 0
    for (let k = 1; k < polls.length; k++) {
      const [a, b] = [polls[k - 1]!, polls[k]!]
      if (b - x > a) share += cdf(b - x) - cdf(a)
    }
    return share
  }
  let lo = 0
  let hi = Math.max(...polls.map((t, k) => (k > 0 ? t - polls[k - 1]! : 0)))
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2
    if (lateShare(mid) > 0.05) lo = mid
    else hi = mid
  }
  return {
    meanLatencyS: latency,
    p95LatencyS: hi,
    queriesPerTask: queries,
    lateShare: lateShare(lateS),
  }
}
