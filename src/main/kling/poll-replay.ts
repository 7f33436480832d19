import { normalDraw, seededRandom } from '../../shared/seeded-random'
import { normalCdf, type PollState } from './poll-policy'

// Replays task durations through a polling schedule, so a policy can be compared with fixed
// intervals on the same tasks without waiting for any. Used by tests and by the benchmark.

export interface ReplayTask {
  finishSeconds: number
  failsEarly: boolean
}

export interface ReplayStats {
  meanLatencyS: number
  p95LatencyS: number
  earlyFailureLatencyS: number
  queriesPerTask: number
}

/** The shape of task durations: log-normal, plus a share that fails uniformly early on. */
export interface TaskDurations {
  medianSeconds: number
  sigma: number
  earlyFailureRate: number
  earlyWindowSeconds: number
}

export const DEFAULT_DURATIONS: Readonly<TaskDurations> = {
  medianSeconds: 180,
  sigma: 0.5,
  earlyFailureRate: 0.1,
  earlyWindowSeconds: 20,
}

export function sampleTasks(
  count: number,
  seed: number,
  options: Partial<TaskDurations> = {},
): ReplayTask[] {
  const { medianSeconds, sigma, earlyFailureRate, earlyWindowSeconds } = {
    ...DEFAULT_DURATIONS,
    ...options,
  }
  const random = seededRandom(seed)
  const tasks: ReplayTask[] = []
  for (let i = 0; i < count; i++) {
    if (random() < earlyFailureRate) {
      tasks.push({ finishSeconds: random() * earlyWindowSeconds, failsEarly: true })
      continue
    }
    tasks.push({
      finishSeconds: medianSeconds * Math.exp(sigma * normalDraw(random)),
      failsEarly: false,
    })
  }
  return tasks
}

export const fixedInterval =
  (ms: number) =>
  (_state: PollState): number =>
    ms

// Nearest rank: the smallest latency that at least p of the tasks do not exceed.
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return sorted[index]!
}

/**
 * Polls each task from elapsed 0 (the first query after the first delay) until the first query
 * at or after its finish; the latency is that query's time minus the finish.
 */
export function replay(
  tasks: readonly ReplayTask[],
  delayFor: (state: PollState) => number,
): ReplayStats {
  const latencies: number[] = []
  let early = 0
  let earlyCount = 0
  let queries = 0
  for (const task of tasks) {
    const state: PollState = { elapsedMs: 0, queries: 0, consecutiveErrors: 0 }
    const finishMs = task.finishSeconds * 1000
    for (;;) {
      const delay = delayFor({ ...state })
      // A schedule that stands still would spin here for ever.
      if (!(delay > 0) || !Number.isFinite(delay))
        throw new RangeError(`delay must be a positive number of ms, got ${delay}`)
      state.elapsedMs += delay
      state.queries++
      if (state.elapsedMs >= finishMs) break
    }
    queries += state.queries
    const latency = (state.elapsedMs - finishMs) / 1000
    latencies.push(latency)
    if (task.failsEarly) {
      early += latency
      earlyCount++
    }
  }
  latencies.sort((a, b) => a - b)
  return {
    meanLatencyS: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    p95LatencyS: percentile(latencies, 0.95),
    earlyFailureLatencyS: earlyCount > 0 ? early / earlyCount : 0,
    queriesPerTask: queries / Math.max(1, tasks.length),
  }
}

export interface TradeoffOptions extends TaskDurations {
  /** Poll times are restricted to this grid; any schedule loses at most this much by rounding. */
  gridSeconds: number
  /** Tasks still running here cost nothing more: far beyond any realistic tail. */
  horizonSeconds: number
  /** Longest gap between queries considered. */
  maxIntervalSeconds: number
}

export interface Tradeoff {
  meanLatencyS: number
  queriesPerTask: number
  /** meanLatencyS + lambda·queriesPerTask, the least any schedule on the grid achieves. */
  objective: number
  /** The schedule's query times, in seconds since the task was created. */
  pollSeconds: number[]
}

/**
 * The best any deterministic schedule can do on the exact duration distribution: the schedule
 * that minimises mean latency + lambda·queries per task, by dynamic programming over query times.
 * Sweeping lambda traces the frontier, which tells a policy's tuning what is attainable at all:
 * whatever (latency L, queries Q) a schedule with gaps up to maxIntervalSeconds achieves,
 * L + lambda·Q >= objective - gridSeconds (rounding its query times up to the grid adds at most
 * gridSeconds of latency and no query; ignoring tasks past the horizon only lowers the bound).
 */
export function optimalTradeoff(lambda: number, options: Partial<TradeoffOptions> = {}): Tradeoff {
  const o: TradeoffOptions = {
    ...DEFAULT_DURATIONS,
    gridSeconds: 0.1,
    horizonSeconds: 1500,
    maxIntervalSeconds: 120,
    ...options,
  }
  const dt = o.gridSeconds
  const n = Math.round(o.horizonSeconds / dt)
  const maxSteps = Math.max(1, Math.round(o.maxIntervalSeconds / dt))
  const cdf = (t: number): number =>
    t <= 0
      ? 0
      : (1 - o.earlyFailureRate) * normalCdf(Math.log(t / o.medianSeconds) / o.sigma) +
        o.earlyFailureRate * Math.min(1, t / o.earlyWindowSeconds)
  // F[i] = P(T <= i·dt) and G[i] = E[T; T <= i·dt], so that the latency of finishes between two
  // grid points is a difference of prefix sums.
  const F = new Float64Array(n + 1)
  const G = new Float64Array(n + 1)
  for (let i = 1; i <= n; i++) {
    F[i] = cdf(i * dt)
    G[i] = G[i - 1]! + (F[i]! - F[i - 1]!) * (i - 0.5) * dt
  }
  const cost = new Float64Array(n + 1)
  const next = new Int32Array(n + 1).fill(n)
  for (let s = n - 1; s >= 0; s--) {
    let best = Infinity
    const alive = 1 - F[s]!
    for (let u = s + 1; u <= Math.min(n, s + maxSteps); u++) {
      const c = u * dt * (F[u]! - F[s]!) - (G[u]! - G[s]!) + lambda * alive + cost[u]!
      if (c < best) {
        best = c
        next[s] = u
      }
    }
    cost[s] = best
  }
  let latency = 0
  let queries = 0
  const pollSeconds: number[] = []
  for (let s = 0; s < n;) {
    const u = next[s]!
    latency += u * dt * (F[u]! - F[s]!) - (G[u]! - G[s]!)
    queries += 1 - F[s]!
    pollSeconds.push(u * dt)
    s = u
  }
  return { meanLatencyS: latency, queriesPerTask: queries, objective: cost[0]!, pollSeconds }
}

/**
 * The optimum at one point of the frontier: the least queries per task any schedule needs to keep
 * its mean latency within a target, or the least mean latency any schedule reaches within a query
 * budget. Mean latency rises and queries fall as lambda grows, so a bisection on lambda finds the
 * crossing; the answer is the end of the final bracket that meets the target.
 */
export function frontierAt(
  target: { meanLatencyS: number } | { queriesPerTask: number },
  options: Partial<TradeoffOptions> = {},
): Tradeoff {
  const meets = (t: Tradeoff): boolean =>
    'meanLatencyS' in target
      ? t.meanLatencyS <= target.meanLatencyS
      : t.queriesPerTask <= target.queriesPerTask
  // A latency target is met for small lambda (fast, expensive schedules), a budget for large.
  const metBelow = 'meanLatencyS' in target
  let lo = { lambda: 1e-4, t: optimalTradeoff(1e-4, options) }
  let hi = { lambda: 10, t: optimalTradeoff(10, options) }
  if (!meets(metBelow ? lo.t : hi.t))
    throw new RangeError('no schedule within the searched range meets that target')
  while (hi.lambda / lo.lambda > 1.002) {
    const lambda = Math.sqrt(lo.lambda * hi.lambda)
    const mid = { lambda, t: optimalTradeoff(lambda, options) }
    if (meets(mid.t) === metBelow) lo = mid
    else hi = mid
  }
  return metBelow ? lo.t : hi.t
}
