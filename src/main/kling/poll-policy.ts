import { planFor } from './poll-schedule'

// When to ask about a task next. Queries are free but each one costs a round trip, and the only
// way to learn that a task finished is to ask; the time between the server finishing and the app
// knowing (detection latency) is what a person feels.
//
// The policy uses what it learnt whole: the estimate (median and spread of this machine's past
// durations, plus the early moderation failures) is a distribution, and for a distribution the best
// schedule can be computed outright. poll-schedule.ts solves it once per estimate by dynamic
// programming (poll-optimum.ts, the same solver the benchmark's exact optimum uses): the query
// times that minimise E[latency] + queryWorthS·E[queries], so queries crowd where the learnt
// finishes are dense, thin out where they are rare, and a step out of a quiet stretch lands where
// finishes begin. A narrow learnt spread gets short steps in a short bulk; a wide one longer steps
// over a long one. The guard rails a person notices are constraints of that optimisation, not
// caps laid over it: a fixed early grid ending with a query where early failures stop, a floor and
// a ceiling on every step, and the tail of latency: at most lateShare of the learnt tasks wait
// more than lateMs (the optimum puts a price on late tasks and raises it until that holds, which
// shortens steps only where the learnt finishes make them late). lateShare is 3%, not 5%, because
// an estimate from 200 durations is off by a few percent in median and spread: over 30 draws of
// 200 on each of nine distributions, the share truly late stayed within 4.6%. Past the estimate's
// tailQuantile the schedule is no longer trusted and asks at a steady pace.
//
// Each query then costs one lookup in the kept plan (see planFor for what keeps it). Pure: the
// same state always gives the same delay, except for the jitter of error backoff, whose randomness
// is passed in.

/** Typical durations of finished tasks, in log space (a log-normal fit). */
export interface DurationEstimate {
  medianSeconds: number
  /** The standard deviation of ln(duration). */
  spread: number
  /** How many observed durations the estimate rests on (0 for the prior). */
  samples: number
}

export interface PollState {
  /** Since the server accepted the task. */
  elapsedMs: number
  /** Queries already made for this task. */
  queries: number
  /** Failed queries in a row (network, timeout, 5xx, 429). */
  consecutiveErrors: number
  /** What the last 429 or 503 asked for, if anything. */
  retryAfterMs?: number
  /** Learnt from this machine's past successful tasks for this model, mode and duration. */
  estimate?: DurationEstimate
}

export interface PollPolicyOptions {
  /** No schedule ever asks sooner than this: a round trip has to fit in between. */
  floorMs: number
  /**
   * Nor later than this while nothing goes wrong, so a surprise (a failure after the early
   * window, a service that got faster than learnt) is noticed within it. The plan comes near it
   * only across the quiet stretch before a slow, narrow bulk, where the estimate expects almost no
   * finishes: there the unbounded optimum would wait up to 132 s in one step (median 320 s, spread
   * 0.3). 75 s costs that distribution about 2% more queries (1.04 x the optimum, within the 5%
   * target); 30 s would cost 8%, 60 s puts it over 5%.
   */
  ceilingMs: number
  /** Seconds of mean detection latency one query per task is worth: trades latency for queries. */
  queryWorthS: number
  /** Share of tasks that fail early (content moderation) and the window they fail in. */
  earlyFailureRate: number
  earlyWindowMs: number
  /** Longest step inside the early window; the optimum alone (about 5 s) leaves failures 2.5 s late. */
  earlyIntervalMs: number
  /**
   * The tail of latency: on the learnt distribution, at most lateShare of all tasks may be
   * noticed more than lateMs after they finish (a p95 of lateMs, with room for what 200
   * durations cannot tell).
   */
  lateMs: number
  lateShare: number
  /** Past this quantile the estimate is no longer trusted: ask at a steady pace instead. */
  tailQuantile: number
  /** The steady pace; the caller owns the overall timeout, so the policy never gives up. */
  tailIntervalMs: number
  /** The schedule's time step: query times are multiples of it. */
  gridMs: number
  /** Error backoff: full jitter in [0, min(max, base·2^(errors-1))), never sooner than the schedule. */
  errorBaseMs: number
  errorMaxMs: number
  /** Retry-After is honoured up to this; a misread date must not park a task for hours. */
  retryAfterMaxMs: number
  /** Only used for the jitter of error backoff. */
  random: () => number
}

/** Kling text-to-video: typically 2-5 minutes (docs/kling-api.md), log-normal around 3 minutes. */
export const DEFAULT_ESTIMATE: DurationEstimate = { medianSeconds: 180, spread: 0.5, samples: 0 }

export const DEFAULT_POLICY: Readonly<PollPolicyOptions> = {
  floorMs: 1_000,
  ceilingMs: 75_000,
  queryWorthS: 0.07,
  earlyFailureRate: 0.1,
  earlyWindowMs: 20_000,
  earlyIntervalMs: 4_000,
  lateMs: 5_000,
  lateShare: 0.03,
  tailQuantile: 0.999,
  tailIntervalMs: 12_000,
  gridMs: 250,
  errorBaseMs: 2_000,
  errorMaxMs: 60_000,
  retryAfterMaxMs: 300_000,
  random: Math.random,
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v))

// A corrupt learnt estimate (zero spread, negative median) must not break polling, nor an absurd
// one make the plan huge.
function usable(estimate: DurationEstimate | undefined): DurationEstimate {
  if (
    estimate === undefined ||
    !(estimate.medianSeconds > 0 && Number.isFinite(estimate.medianSeconds)) ||
    !(estimate.spread > 0 && Number.isFinite(estimate.spread))
  )
    return DEFAULT_ESTIMATE
  return {
    ...estimate,
    medianSeconds: clamp(estimate.medianSeconds, 1, 86_400),
    spread: clamp(estimate.spread, 0.05, 2),
  }
}

/** Milliseconds until the plan's next query, from `elapsedMs` on. */
function scheduledDelayMs(elapsedMs: number, estimate: DurationEstimate, o: PollPolicyOptions) {
  const floor = o.floorMs
  const ceiling = Math.max(floor, o.ceilingMs)
  const plan = planFor(estimate, o)
  if (elapsedMs >= plan.horizonMs) return clamp(o.tailIntervalMs, floor, ceiling)
  // Between grid points (a query that came back late), the plan goes on from the one before.
  const at = Math.floor(elapsedMs / plan.stepMs)
  return clamp(plan.next[at]! * plan.stepMs - elapsedMs, floor, ceiling)
}

/** Milliseconds to wait before the next query of a task. */
export function nextPollDelayMs(
  state: PollState,
  overrides: Partial<PollPolicyOptions> = {},
): number {
  const options: PollPolicyOptions = { ...DEFAULT_POLICY, ...overrides }
  const estimate = usable(state.estimate)
  const elapsedMs = Number.isFinite(state.elapsedMs) ? Math.max(0, state.elapsedMs) : 0
  let delay = scheduledDelayMs(elapsedMs, estimate, options)

  if (state.consecutiveErrors > 0) {
    const cap = Math.min(
      options.errorMaxMs,
      options.errorBaseMs * 2 ** Math.min(state.consecutiveErrors - 1, 30),
    )
    // Full jitter spreads the retries of many tasks that failed together; the schedule stays a
    // minimum because an error says nothing about whether the task has finished.
    delay = Math.max(delay, clamp(options.random(), 0, 1) * cap)
  }
  const retryAfter = state.retryAfterMs
  if (retryAfter !== undefined && Number.isFinite(retryAfter))
    delay = Math.max(delay, Math.min(retryAfter, options.retryAfterMaxMs))
  return Math.round(delay)
}

/**
 * A log-normal fit of observed durations of successful tasks, shrunk towards the prior while
 * there are few, so one odd task cannot bend the schedule. `priorWeight` is how many observations
 * the prior counts as.
 */
export function estimateFromDurations(
  seconds: readonly number[],
  prior: DurationEstimate = DEFAULT_ESTIMATE,
  priorWeight = 5,
): DurationEstimate {
  const logs = seconds.filter((s) => Number.isFinite(s) && s > 0).map((s) => Math.log(s))
  const n = logs.length
  if (n === 0) return prior
  const mean = logs.reduce((a, b) => a + b, 0) / n
  const variance =
    n > 1 ? logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : prior.spread ** 2
  const w = n / (n + Math.max(0, priorWeight))
  const medianLog = w * mean + (1 - w) * Math.log(prior.medianSeconds)
  const spread = Math.sqrt(w * variance + (1 - w) * prior.spread ** 2)
  return { medianSeconds: Math.exp(medianLog), spread: clamp(spread, 0.05, 2), samples: n }
}
