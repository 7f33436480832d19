import { normalDraw, seededRandom } from '../../shared/seeded-random'
import {
  durationCdf,
  durationGrid,
  followSchedule,
  solveSchedule,
  type DurationGrid,
  type TaskDurations,
} from './poll-optimum'
import type { PollState } from './poll-policy'

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

export type { TaskDurations }

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
  /** Poll times are restricted to this grid (see optimalTradeoff for why 0.1 s is exact enough). */
  gridSeconds: number
  /**
   * Tasks still running here cost nothing more. By default where one task in a million is still
   * running (median·e^(4.75·sigma)), so the optimum ignores no measurable share of tasks.
   */
  horizonSeconds?: number
  /** Longest gap between queries considered: none by default, so the optimum is unconstrained. */
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

function tradeoffOptions(options: Partial<TradeoffOptions>): TradeoffOptions {
  return { ...DEFAULT_DURATIONS, gridSeconds: 0.1, maxIntervalSeconds: Infinity, ...options }
}

/**
 * The best any deterministic schedule can do on the exact duration distribution: the schedule
 * that minimises mean latency + lambda·queries per task, by dynamic programming over query times
 * (poll-optimum.ts). Sweeping lambda traces the frontier, which tells a policy's tuning what is
 * attainable at all: whatever (latency L, queries Q) a schedule with gaps up to
 * maxIntervalSeconds achieves, L + lambda·Q >= objective - gridSeconds (rounding its query times
 * up to the grid adds at most gridSeconds of latency and no query; ignoring tasks past the horizon
 * only lowers the bound). That bound is loose: around an optimal schedule, moving one query by δ
 * changes the cost by O(δ²), so the grid's optimum is the continuous one to a fraction of a
 * percent at 0.1 s (the tests compare it with a grid twice as fine).
 */
export function optimalTradeoff(lambda: number, options: Partial<TradeoffOptions> = {}): Tradeoff {
  const o = tradeoffOptions(options)
  return optimalOnGrid(lambda, o, gridOf(o))
}

function gridOf(o: TradeoffOptions): DurationGrid {
  const horizon =
    o.horizonSeconds ?? Math.max(o.earlyWindowSeconds, o.medianSeconds * Math.exp(4.75 * o.sigma))
  return durationGrid((t) => durationCdf(o, t), o.gridSeconds, horizon)
}

function optimalOnGrid(lambda: number, o: TradeoffOptions, grid: DurationGrid): Tradeoff {
  const maxSteps = Math.max(1, Math.round(o.maxIntervalSeconds / o.gridSeconds))
  const { next, cost } = solveSchedule(grid, { lambda, minSteps: 1, maxSteps })
  const outcome = followSchedule(grid, next)
  return {
    meanLatencyS: outcome.meanLatencyS,
    queriesPerTask: outcome.queriesPerTask,
    objective: cost[0]!,
    pollSeconds: outcome.pollSeconds,
  }
}

export interface FrontierPoint extends Tradeoff {
  /**
   * No schedule on the grid that meets the target has fewer queries per task (for a latency
   * target) or less mean latency (for a budget) than this: the best of the two lines
   * L + lambda·Q >= objective of the optima that bracket the target. Where the frontier is convex
   * it is within a hair of the schedule's own figure; where it is not (one query fewer in the
   * early window is a jump), it lies below every schedule, so a ratio against it errs against
   * whatever is compared. Narrowing the bracket past 1% of lambda moves it by under 0.01%.
   */
  bound: number
}

/**
 * The optimum at one point of the frontier: the least queries per task any schedule needs to keep
 * its mean latency within a target, or the least mean latency any schedule reaches within a query
 * budget. Mean latency rises and queries fall as lambda grows, so a bisection on lambda finds the
 * crossing; the schedule returned is the end of the final bracket that meets the target, and
 * `bound` what no schedule can beat there.
 */
export function frontierAt(
  target: { meanLatencyS: number } | { queriesPerTask: number },
  options: Partial<TradeoffOptions> = {},
): FrontierPoint {
  const o = tradeoffOptions(options)
  const grid = gridOf(o)
  const at = (lambda: number) => ({ lambda, t: optimalOnGrid(lambda, o, grid) })
  const byLatency = 'meanLatencyS' in target
  const goal = byLatency ? target.meanLatencyS : target.queriesPerTask
  const figure = (t: Tradeoff) => (byLatency ? t.meanLatencyS : t.queriesPerTask)
  // A latency target is met for small lambda (fast, expensive schedules), a budget for large.
  // Bracket the crossing by doubling from the slope the policy trades at (usually near it),
  // within [1e-4, 10]; then bisect.
  const lowSide = (p: { t: Tradeoff }) => figure(p.t) <= goal === byLatency
  let lo = at(0.07)
  let hi = lo
  if (lowSide(lo)) {
    while (lowSide(hi) && hi.lambda < 10) [lo, hi] = [hi, at(Math.min(10, hi.lambda * 2))]
    if (lowSide(hi)) lo = hi
  } else {
    while (!lowSide(lo) && lo.lambda > 1e-4) [hi, lo] = [lo, at(Math.max(1e-4, lo.lambda / 2))]
    if (!lowSide(lo)) hi = lo
  }
  if (!(figure(byLatency ? lo.t : hi.t) <= goal))
    throw new RangeError('no schedule within the searched range meets that target')
  while (hi.lambda / lo.lambda > 1.01) {
    const mid = at(Math.sqrt(lo.lambda * hi.lambda))
    if (lowSide(mid)) lo = mid
    else hi = mid
  }
  const line = ({ lambda, t }: typeof lo) =>
    byLatency ? (t.objective - goal) / lambda : t.objective - lambda * goal
  return { ...(byLatency ? lo.t : hi.t), bound: Math.max(line(lo), line(hi)) }
}
