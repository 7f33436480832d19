import type { DurationEstimate, PollPolicyOptions } from './poll-policy'
import {
  durationCdf,
  durationGrid,
  durationQuantile,
  followSchedule,
  solveSchedule,
  type ScheduleOutcome,
  type ScheduleRules,
  type TaskDurations,
} from './poll-optimum'

// The poll policy's plan for one learnt estimate: the best schedule for the distribution it
// describes (plus the early failures), solved once and kept, so that each query afterwards only
// looks up where the next one goes. The plan is the optimum under the guard rails a person
// notices: a fixed early grid with a query where early failures stop, floor and ceiling on every
// step, and the tail of latency kept short (few tasks may wait more than lateMs). The last is a
// price on late tasks, raised until few enough are late on the learnt distribution; so a learnt
// narrow spread gets short steps only where its finishes are, and a wide one long steps where
// they are thin, instead of one fixed cap for every distribution.

export interface PollPlan {
  /** The plan's grid step: the policy's own, coarser only for very long estimates. */
  stepMs: number
  /** next[i]: the grid point of the next query, given one at grid point i. */
  next: Int32Array
  /** The plan ends here (the estimate's tailQuantile); past it, the steady tail pace. */
  horizonMs: number
  /** What the plan expects on the learnt distribution, and the price it put on late tasks. */
  expected: ScheduleOutcome
  latePenalty: number
}

/**
 * Grid points of one plan at most: a plan takes 2-20 ms for estimates of a few minutes, and up to
 * ~90 ms for slow ones (a median of 20 minutes or more), which get a grid up to 4 times coarser,
 * and past that a shorter plan (the steady tail pace after it). Plans are kept per estimate.
 */
const MAX_POINTS = 16_000
const MAX_COARSENING = 4
/** How far the price on late tasks is searched: raised ×4 at most this often, then bisected. */
const RAISES = 12
const BISECTIONS = 4

type PlanOptions = Pick<
  PollPolicyOptions,
  | 'gridMs'
  | 'floorMs'
  | 'ceilingMs'
  | 'queryWorthS'
  | 'earlyFailureRate'
  | 'earlyWindowMs'
  | 'earlyIntervalMs'
  | 'lateMs'
  | 'lateShare'
  | 'tailQuantile'
>

/** The optimum for one estimate, computed now. Use planFor, which keeps what it computed. */
export function buildPlan(estimate: DurationEstimate, o: Readonly<PlanOptions>): PollPlan {
  const learnt: TaskDurations = {
    medianSeconds: estimate.medianSeconds,
    sigma: estimate.spread,
    earlyFailureRate: o.earlyFailureRate,
    earlyWindowSeconds: o.earlyWindowMs / 1000,
  }
  const baseMs = Math.max(1, Math.round(o.gridMs))
  const trustedMs = Math.max(o.earlyWindowMs, durationQuantile(learnt, o.tailQuantile) * 1000)
  const stepMs = baseMs * Math.min(MAX_COARSENING, Math.ceil(trustedMs / (baseMs * MAX_POINTS)))
  const tailMs = Math.min(trustedMs, stepMs * MAX_POINTS)
  const grid = durationGrid((t) => durationCdf(learnt, t), stepMs / 1000, tailMs / 1000)
  const steps = (ms: number): number => Math.max(1, Math.floor(ms / stepMs))
  const rules: ScheduleRules = {
    lambda: o.queryWorthS,
    minSteps: Math.max(1, Math.ceil(o.floorMs / stepMs)),
    maxSteps: steps(Math.max(o.floorMs, o.ceilingMs)),
    barrier: Math.round(o.earlyWindowMs / stepMs),
    maxStepsBeforeBarrier: steps(o.earlyIntervalMs),
    lateSteps: Math.max(1, Math.round(o.lateMs / stepMs)),
  }
  const attempt = (latePenalty: number) => {
    const { next } = solveSchedule(grid, { ...rules, latePenalty })
    return { next, latePenalty, expected: followSchedule(grid, next, rules.lateSteps) }
  }
  const fits = (a: ReturnType<typeof attempt>) => a.expected.lateShare <= o.lateShare
  let best = attempt(0)
  if (!fits(best)) {
    // Fewer late tasks for a higher price: raise it until few enough are, then bisect between.
    let low = 0
    let high = attempt(1)
    for (let i = 0; i < RAISES && !fits(high); i++) {
      low = high.latePenalty
      high = attempt(high.latePenalty * 4)
    }
    for (let i = 0; i < BISECTIONS && fits(high); i++) {
      const mid = attempt(low > 0 ? Math.sqrt(low * high.latePenalty) : high.latePenalty / 4)
      if (fits(mid)) high = mid
      else low = mid.latePenalty
    }
    best = high
  }
  return { stepMs, horizonMs: grid.n * stepMs, ...best }
}

const plans = new Map<string, PollPlan>()
/** Estimates in use at once: one per kind of task a person runs, and a few left behind. */
const KEEP = 32

/**
 * The plan for an estimate, kept per estimate (its median to 1% and spread to 0.01, finer than
 * 200 durations can tell apart) and the options it depends on: a new finished task rarely moves
 * the estimate to another plan, and each query costs a lookup.
 */
export function planFor(estimate: DurationEstimate, o: Readonly<PlanOptions>): PollPlan {
  const medianStep = Math.round(Math.log(estimate.medianSeconds) * 100)
  const spreadStep = Math.max(1, Math.round(estimate.spread * 100))
  const key = [
    medianStep,
    spreadStep,
    o.gridMs,
    o.floorMs,
    o.ceilingMs,
    o.queryWorthS,
    o.earlyFailureRate,
    o.earlyWindowMs,
    o.earlyIntervalMs,
    o.lateMs,
    o.lateShare,
    o.tailQuantile,
  ].join('|')
  let plan = plans.get(key)
  if (plan) return plan
  const rounded = {
    medianSeconds: Math.exp(medianStep / 100),
    spread: spreadStep / 100,
    samples: 0,
  }
  plan = buildPlan(rounded, o)
  if (plans.size >= KEEP) plans.delete(plans.keys().next().value!)
  plans.set(key, plan)
  return plan
}
