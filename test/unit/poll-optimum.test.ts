import { describe, expect, it } from 'vitest'
import { expectedStats } from '../../src/main/kling/poll-expected'
import {
  durationCdf,
  durationGrid,
  durationQuantile,
  followSchedule,
  solveSchedule,
  type DurationGrid,
  type ScheduleRules,
} from '../../src/main/kling/poll-optimum'
import { DEFAULT_POLICY, nextPollDelayMs } from '../../src/main/kling/poll-policy'
import {
  DEFAULT_DURATIONS,
  fixedInterval,
  frontierAt,
  optimalTradeoff,
  replay,
  sampleTasks,
} from '../../src/main/kling/poll-replay'
import { planFor } from '../../src/main/kling/poll-schedule'

// The exact optimum the policy is measured against, and the policy's own plan built on it.

/** The same dynamic programme as solveSchedule, searching every allowed step: no pruning. */
function bruteForce(grid: DurationGrid, r: ScheduleRules): Float64Array {
  const { n, F, G, dt } = grid
  const cost = new Float64Array(n + 1)
  for (let s = n - 1; s >= 0; s--) {
    // Allowed: at least minSteps (unless the horizon is nearer), at most maxSteps, and before
    // the barrier at most maxStepsBeforeBarrier without crossing it (unless minSteps must).
    let hi = s + Math.max(r.minSteps, r.maxSteps)
    if (r.barrier !== undefined && s < r.barrier)
      hi = Math.max(s + r.minSteps, Math.min(r.barrier, s + r.maxStepsBeforeBarrier!))
    let best = Infinity
    for (let u = Math.min(n, s + r.minSteps); u <= Math.min(n, hi); u++) {
      let c = u * dt * (F[u]! - F[s]!) - (G[u]! - G[s]!) + cost[u]!
      if (r.lateSteps !== undefined && u - r.lateSteps > s)
        c += r.latePenalty! * (F[u - r.lateSteps]! - F[s]!)
      best = Math.min(best, c)
    }
    cost[s] = best + r.lambda * (1 - F[s]!)
  }
  return cost
}

describe('solveSchedule', () => {
  const d = { ...DEFAULT_DURATIONS, medianSeconds: 40, sigma: 0.6 }
  const grid = durationGrid((t) => durationCdf(d, t), 0.5, 200)

  it('finds the same optimum as a search of every step, under every rule', () => {
    const cases: ScheduleRules[] = [
      { lambda: 0.07, minSteps: 1, maxSteps: 400 },
      { lambda: 0.3, minSteps: 2, maxSteps: 60 },
      { lambda: 0.07, minSteps: 2, maxSteps: 60, barrier: 40, maxStepsBeforeBarrier: 8 },
      {
        lambda: 0.07,
        minSteps: 2,
        maxSteps: 60,
        barrier: 40,
        maxStepsBeforeBarrier: 8,
        lateSteps: 10,
        latePenalty: 5,
      },
    ]
    for (const rules of cases) {
      const fast = solveSchedule(grid, rules)
      const slow = bruteForce(grid, rules)
      for (let s = 0; s <= grid.n; s++) expect(fast.cost[s]).toBeCloseTo(slow[s]!, 9)
    }
  })

  it('follows its own plan for exactly the cost it promised', () => {
    const rules = { lambda: 0.1, minSteps: 2, maxSteps: 60, lateSteps: 10, latePenalty: 2 }
    const { next, cost } = solveSchedule(grid, rules)
    const out = followSchedule(grid, next, rules.lateSteps)
    expect(out.meanLatencyS + 0.1 * out.queriesPerTask + 2 * out.lateShare).toBeCloseTo(cost[0]!, 9)
    expect(out.pollSeconds.at(-1)).toBe(200)
  })

  it('prices late tasks: the higher the price, the fewer wait more than lateSteps', () => {
    const late = [0, 1, 4, 16].map((latePenalty) => {
      const rules = { lambda: 0.07, minSteps: 2, maxSteps: 400, lateSteps: 10, latePenalty }
      return followSchedule(grid, solveSchedule(grid, rules).next, 10).lateShare
    })
    for (let i = 1; i < late.length; i++) expect(late[i]).toBeLessThanOrEqual(late[i - 1]!)
    expect(late.at(-1)).toBeLessThan(late[0]! / 2)
  })
})

describe('the distribution', () => {
  it('mixes the log-normal with early failures, and its quantiles invert it', () => {
    expect(durationCdf(DEFAULT_DURATIONS, 0)).toBe(0)
    expect(durationCdf(DEFAULT_DURATIONS, 10)).toBeCloseTo(0.05, 4)
    expect(durationCdf(DEFAULT_DURATIONS, 180)).toBeCloseTo(0.1 + 0.9 * 0.5, 6)
    expect(durationCdf(DEFAULT_DURATIONS, 1e6)).toBeCloseTo(1, 6)
    const p95 = durationQuantile(DEFAULT_DURATIONS, 0.95)
    expect(p95).toBeCloseTo(180 * Math.exp(1.6449 * 0.5), 0)
  })
})

describe('the exact optimum', () => {
  it('is the continuous one: halving its grid or doubling its horizon changes nothing visible', () => {
    const at = (options: object) => frontierAt({ meanLatencyS: 2.3 }, options).bound
    const fine = at({ gridSeconds: 0.1 })
    expect(Math.abs(at({ gridSeconds: 0.2 }) / fine - 1)).toBeLessThan(5e-4)
    expect(Math.abs(at({ gridSeconds: 0.1, horizonSeconds: 4_000 }) / fine - 1)).toBeLessThan(1e-5)
  })

  it('bounds every schedule from below, and its own schedule meets the target', () => {
    const point = frontierAt({ meanLatencyS: 2.3 })
    expect(point.meanLatencyS).toBeLessThanOrEqual(2.3)
    expect(point.bound).toBeLessThanOrEqual(point.queriesPerTask)
    expect(point.bound).toBeGreaterThan(0.99 * point.queriesPerTask)
    // Any schedule: L + λQ >= objective at every λ, so fixed 5 s lies above the bound at its latency.
    const fixed = expectedStats(fixedInterval(5_000), DEFAULT_DURATIONS)
    expect(fixed.queriesPerTask).toBeGreaterThan(
      frontierAt({ meanLatencyS: fixed.meanLatencyS }).bound,
    )
    expect(optimalTradeoff(0.07).objective).toBeLessThanOrEqual(
      fixed.meanLatencyS + 0.07 * fixed.queriesPerTask,
    )
  })
})

describe('expectedStats', () => {
  const tasks = sampleTasks(10_000, 5)

  it('gives what a large replay measures, without its noise', () => {
    const fixed = expectedStats(fixedInterval(5_000), DEFAULT_DURATIONS)
    expect(fixed.meanLatencyS).toBeCloseTo(2.5, 2)
    expect(fixed.p95LatencyS).toBeCloseTo(4.75, 2)
    const policy = (s: Parameters<typeof nextPollDelayMs>[0]) => nextPollDelayMs(s)
    const exact = expectedStats(policy, DEFAULT_DURATIONS)
    const sampled = replay(tasks, policy)
    expect(sampled.meanLatencyS).toBeCloseTo(exact.meanLatencyS, 1)
    expect(sampled.p95LatencyS).toBeCloseTo(exact.p95LatencyS, 1)
    expect(sampled.queriesPerTask / exact.queriesPerTask).toBeGreaterThan(0.98)
    expect(sampled.queriesPerTask / exact.queriesPerTask).toBeLessThan(1.02)
  })
})

describe('the policy’s plan', () => {
  it('is kept per estimate: an estimate moved by less than 200 durations can tell is the same plan', () => {
    const estimate = { medianSeconds: 200, spread: 0.6, samples: 200 }
    const plan = planFor(estimate, DEFAULT_POLICY)
    expect(planFor({ ...estimate }, DEFAULT_POLICY)).toBe(plan)
    expect(planFor({ ...estimate, medianSeconds: 200.4, spread: 0.601 }, DEFAULT_POLICY)).toBe(plan)
    expect(planFor({ ...estimate, spread: 0.7 }, DEFAULT_POLICY)).not.toBe(plan)
    expect(planFor(estimate, { ...DEFAULT_POLICY, queryWorthS: 0.2 })).not.toBe(plan)
  })

  it('keeps few tasks late on what it learnt, for narrow and wide, fast and slow estimates', () => {
    for (const [medianSeconds, spread] of [
      [60, 0.3],
      [180, 0.5],
      [320, 0.75],
      [900, 1.2],
    ] as const) {
      const plan = planFor({ medianSeconds, spread, samples: 200 }, DEFAULT_POLICY)
      expect(plan.expected.lateShare).toBeLessThanOrEqual(DEFAULT_POLICY.lateShare)
      expect(plan.horizonMs).toBeGreaterThan(medianSeconds * 1000)
    }
  })
})
