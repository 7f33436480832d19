import { normalDraw, seededRandom } from '../../shared/seeded-random'
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

export function sampleTasks(
  count: number,
  seed: number,
  { medianSeconds = 180, sigma = 0.5, earlyFailureRate = 0.1, earlyWindowSeconds = 20 } = {},
): ReplayTask[] {
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

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

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
      state.elapsedMs += Math.max(1, delayFor({ ...state }))
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
