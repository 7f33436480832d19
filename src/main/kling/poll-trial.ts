import { expectedStats, type ExpectedStats } from './poll-expected'
import {
  estimateFromDurations,
  nextPollDelayMs,
  type DurationEstimate,
  type PollState,
} from './poll-policy'
import {
  DEFAULT_DURATIONS,
  frontierAt,
  replay,
  sampleTasks,
  type FrontierPoint,
  type ReplayStats,
  type TaskDurations,
} from './poll-replay'

// One trial of the poll policy on a distribution of durations, as the app meets it: learn the
// estimate from earlier successful durations (the ledger's last 200), replay fresh tasks through
// the policy with that estimate, and compare with the exact optimum for the true distribution at
// the same mean latency. Used by the tests and the benchmark.

/** Medians of 120, 180 and 320 s by spreads of 0.3, 0.5 and 0.75; 10% early failures in 20 s. */
export const TRIAL_DISTRIBUTIONS: readonly Readonly<TaskDurations>[] = [120, 180, 320].flatMap(
  (medianSeconds) =>
    [0.3, 0.5, 0.75].map((sigma) => ({ ...DEFAULT_DURATIONS, medianSeconds, sigma })),
)

export interface TrialOptions {
  /** Seeds of the earlier durations the policy learns from, and of the fresh tasks. */
  learnSeed: number
  replaySeed: number
  /** Earlier durations (successful tasks only, as the ledger holds) and fresh tasks. */
  learnFrom: number
  tasks: number
  /** The optimum's grid (see optimalTradeoff). */
  gridSeconds: number
}

export interface Trial {
  estimate: DurationEstimate
  /** The replay of the fresh tasks, and the optimum at its mean latency. */
  replay: ReplayStats
  optimum: FrontierPoint
  /** Queries per task against the least any schedule needs at that latency. */
  queriesVsOptimum: number
  /** The same without sampling: the policy's exact expectations on the true distribution. */
  exact: ExpectedStats
  exactOptimum: FrontierPoint
  exactQueriesVsOptimum: number
}

export function trial(d: Readonly<TaskDurations>, options: Partial<TrialOptions> = {}): Trial {
  const o: TrialOptions = {
    learnSeed: 1,
    replaySeed: 2,
    learnFrom: 200,
    tasks: 10_000,
    gridSeconds: 0.1,
    ...options,
  }
  const earlier = sampleTasks(o.learnFrom, o.learnSeed, { ...d, earlyFailureRate: 0 })
  const estimate = estimateFromDurations(earlier.map((t) => t.finishSeconds))
  const policy = (state: PollState) => nextPollDelayMs({ ...state, estimate })
  const replayed = replay(sampleTasks(o.tasks, o.replaySeed, d), policy)
  const optimum = frontierAt(
    { meanLatencyS: replayed.meanLatencyS },
    { ...d, gridSeconds: o.gridSeconds },
  )
  const exact = expectedStats(policy, d)
  const exactOptimum = frontierAt(
    { meanLatencyS: exact.meanLatencyS },
    { ...d, gridSeconds: o.gridSeconds },
  )
  return {
    estimate,
    replay: replayed,
    optimum,
    queriesVsOptimum: replayed.queriesPerTask / optimum.bound,
    exact,
    exactOptimum,
    exactQueriesVsOptimum: exact.queriesPerTask / exactOptimum.bound,
  }
}
