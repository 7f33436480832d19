import { describe, expect, it } from 'vitest'
import {
  DEFAULT_ESTIMATE,
  DEFAULT_POLICY,
  estimateFromDurations,
  hazardAt,
  nextPollDelayMs,
  type PollState,
} from '../../src/main/kling/poll-policy'
import { fixedInterval, replay, sampleTasks } from '../../src/main/kling/poll-replay'

const at = (seconds: number, extra: Partial<PollState> = {}) =>
  nextPollDelayMs({ elapsedMs: seconds * 1000, queries: 0, consecutiveErrors: 0, ...extra })

describe('nextPollDelayMs', () => {
  it('stays between the floor and the ceiling everywhere', () => {
    for (let s = 0; s < 4000; s += 7) {
      const d = at(s)
      expect(d).toBeGreaterThanOrEqual(DEFAULT_POLICY.floorMs)
      expect(d).toBeLessThanOrEqual(DEFAULT_POLICY.ceilingMs)
    }
  })

  it('is dense early (fast failures), sparse in the quiet stretch, dense again around the median', () => {
    const early = at(5)
    const quiet = at(35)
    const bulk = at(180)
    expect(early).toBeLessThan(8_000)
    expect(quiet).toBeGreaterThan(2 * early)
    expect(quiet).toBeGreaterThan(3 * bulk)
    expect(bulk).toBeLessThan(6_000)
  })

  it('does not leap from the quiet stretch over where finishes begin', () => {
    let t = 20
    while (t < 120) {
      const step = at(t) / 1000
      // Wherever finishes are likely, the next step is short enough to keep latency low.
      if (t + step > 100) expect(step).toBeLessThan(10)
      t += step
    }
  })

  it('settles at a steady pace far past the expected finish', () => {
    const late = at(180 * Math.exp(3 * 0.5) + 60)
    expect(late).toBeGreaterThanOrEqual(DEFAULT_POLICY.tailIntervalMs)
    expect(late).toBeLessThanOrEqual(DEFAULT_POLICY.ceilingMs)
  })

  it('is deterministic without errors', () => {
    const random = () => {
      throw new Error('random must not be used without errors')
    }
    expect(
      nextPollDelayMs({ elapsedMs: 90_000, queries: 3, consecutiveErrors: 0 }, { random }),
    ).toBe(at(90))
  })

  it('backs off exponentially on errors, with the injected jitter, up to a cap', () => {
    const delays = [1, 2, 3, 4, 8, 20].map((n) => at(180, { consecutiveErrors: n }))
    const mid = (n: number) =>
      nextPollDelayMs(
        { elapsedMs: 180_000, queries: 1, consecutiveErrors: n },
        { random: () => 0.5 },
      )
    // Never sooner than the schedule itself; beyond that, each error doubles the wait.
    expect(mid(1)).toBe(at(180))
    expect(mid(4)).toBeGreaterThan(mid(3))
    expect(mid(5)).toBe(2 * mid(4))
    expect(mid(20)).toBe(Math.round(DEFAULT_POLICY.errorMaxMs * 0.75))
    const low = nextPollDelayMs(
      { elapsedMs: 180_000, queries: 1, consecutiveErrors: 6 },
      { random: () => 0 },
    )
    const high = nextPollDelayMs(
      { elapsedMs: 180_000, queries: 1, consecutiveErrors: 6 },
      { random: () => 0.999 },
    )
    expect(high).toBeGreaterThan(low)
    expect(delays.every((d) => d <= DEFAULT_POLICY.errorMaxMs)).toBe(true)
  })

  it('honours Retry-After as a minimum', () => {
    expect(at(180, { retryAfterMs: 45_000, consecutiveErrors: 1 })).toBeGreaterThanOrEqual(45_000)
    expect(at(5, { retryAfterMs: 100 })).toBe(at(5))
  })

  it('follows a learnt estimate: a faster model is polled densely sooner', () => {
    const fast = { medianSeconds: 60, spread: 0.3, samples: 40 }
    const atFast = (s: number) =>
      nextPollDelayMs({ elapsedMs: s * 1000, queries: 0, consecutiveErrors: 0, estimate: fast })
    expect(atFast(60)).toBeLessThan(at(60))
    expect(atFast(60)).toBeLessThan(6_000)
  })

  it('hazard is a probability rate', () => {
    for (const s of [1, 10, 30, 100, 180, 400, 2000]) {
      const h = hazardAt(s, DEFAULT_ESTIMATE, DEFAULT_POLICY)
      expect(h).toBeGreaterThanOrEqual(0)
      expect(h).toBeLessThan(1)
    }
  })
})

describe('estimateFromDurations', () => {
  it('returns the prior when nothing is known', () => {
    expect(estimateFromDurations([])).toEqual(DEFAULT_ESTIMATE)
  })

  it('shrinks towards the prior with few samples and follows the data with many', () => {
    const one = estimateFromDurations([60])
    expect(one.medianSeconds).toBeGreaterThan(120)
    expect(one.samples).toBe(1)
    const many = estimateFromDurations(
      Array.from({ length: 400 }, (_, i) => 60 * Math.exp(0.2 * Math.sin(i))),
    )
    expect(many.medianSeconds).toBeGreaterThan(55)
    expect(many.medianSeconds).toBeLessThan(66)
    expect(many.spread).toBeLessThan(0.3)
  })

  it('ignores durations that are not positive numbers', () => {
    expect(estimateFromDurations([Number.NaN, -5, 0])).toEqual(DEFAULT_ESTIMATE)
  })
})

describe('replay (a pure simulation on a seeded sample)', () => {
  const tasks = sampleTasks(2_000, 7)

  it('fixed intervals give the textbook latencies', () => {
    expect(replay(tasks, fixedInterval(1_000)).meanLatencyS).toBeCloseTo(0.5, 1)
    expect(replay(tasks, fixedInterval(5_000)).meanLatencyS).toBeCloseTo(2.5, 0)
    expect(replay(tasks, fixedInterval(10_000)).meanLatencyS).toBeCloseTo(5, 0)
  })

  it('the policy detects finishes as fast as fixed 5 s polling with fewer queries', () => {
    const policy = replay(tasks, (s) => nextPollDelayMs(s))
    const fixed5 = replay(tasks, fixedInterval(5_000))
    expect(policy.meanLatencyS).toBeLessThanOrEqual(2.5)
    expect(policy.p95LatencyS).toBeLessThanOrEqual(5)
    expect(policy.queriesPerTask).toBeLessThan(fixed5.queriesPerTask)
    expect(policy.earlyFailureLatencyS).toBeLessThan(3.5)
  })

  it('the sample has the requested shape', () => {
    const early = tasks.filter((t) => t.failsEarly)
    expect(early.length / tasks.length).toBeCloseTo(0.1, 1)
    expect(early.every((t) => t.finishSeconds < 20)).toBe(true)
    const sorted = tasks
      .filter((t) => !t.failsEarly)
      .map((t) => t.finishSeconds)
      .sort((a, b) => a - b)
    expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThan(160)
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(200)
  })
})
