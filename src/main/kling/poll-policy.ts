// When to ask about a task next. Queries are free but each one costs a round trip, and the only
// way to learn that a task finished is to ask; the time between the server finishing and the app
// knowing (detection latency) is what a person feels.
//
// A query spaced Δ after the previous one catches a finish in between Δ/2 late on average, and a
// task that is still running costs 1/Δ queries per second. Minimising E[latency] + λ·E[queries]
// pointwise gives Δ(t) = c / sqrt(hazard(t)), hazard being the chance per second that a task still
// running at t finishes now: ask often where finishes are likely, rarely where they are not. The
// policy lays its queries out at that density, integrating it forward from now so that a long step
// out of a quiet stretch cannot leap over the place where finishes begin. On top of the optimum it
// keeps a few guard rails a person notices: a fixed early grid (moderation failures), a cap on the
// interval where most tasks finish (so the slow tail of latency stays short, not just its mean),
// and a steady pace past the estimate's far tail.
//
// Pure: the same state always gives the same delay, except for the jitter of error backoff, whose
// randomness is passed in.

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
  /** Nor later than this while nothing goes wrong, so a surprise is noticed within it. */
  ceilingMs: number
  /** c in Δ = c / sqrt(hazard per second), in seconds; trades latency against queries. */
  hazardScale: number
  /** Share of tasks that fail early (content moderation) and the window they fail in. */
  earlyFailureRate: number
  earlyWindowMs: number
  /** Interval inside the early window; the optimum alone (about 5 s) leaves failures 2.5 s late. */
  earlyIntervalMs: number
  /**
   * From this quantile of the estimate on, never slower than bulkIntervalMs: the optimum would
   * stretch the sparse lower tail to 6-10 s steps, and those late catches are what sets the p95.
   */
  bulkFromQuantile: number
  bulkIntervalMs: number
  /** Past this quantile the estimate is no longer trusted: ask at a steady pace instead. */
  tailQuantile: number
  /** The steady pace; the caller owns the overall timeout, so the policy never gives up. */
  tailIntervalMs: number
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
  ceilingMs: 30_000,
  hazardScale: 0.4,
  earlyFailureRate: 0.1,
  earlyWindowMs: 20_000,
  earlyIntervalMs: 4_000,
  bulkFromQuantile: 0.05,
  bulkIntervalMs: 5_000,
  tailQuantile: 0.99,
  tailIntervalMs: 12_000,
  errorBaseMs: 2_000,
  errorMaxMs: 60_000,
  retryAfterMaxMs: 300_000,
  random: Math.random,
}

// Abramowitz and Stegun 7.1.26 (error below 1.5e-7): plenty for spacing queries.
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1
  const a = Math.abs(x)
  const t = 1 / (1 + 0.3275911 * a)
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-a * a)
  return sign * y
}

export const normalCdf = (z: number): number => 0.5 * (1 + erf(z / Math.SQRT2))
const normalPdf = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)

// Bisection keeps this dependency-free and exact enough; it runs twice per call.
function normalQuantile(p: number): number {
  let lo = -8
  let hi = 8
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2
    if (normalCdf(mid) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v))

// A corrupt learnt estimate (zero spread, negative median) must not break polling.
function usable(estimate: DurationEstimate | undefined): DurationEstimate {
  if (
    estimate === undefined ||
    !(estimate.medianSeconds > 0 && Number.isFinite(estimate.medianSeconds)) ||
    !(estimate.spread > 0 && Number.isFinite(estimate.spread))
  )
    return DEFAULT_ESTIMATE
  return { ...estimate, spread: clamp(estimate.spread, 0.05, 2) }
}

/** Chance per second that a task still running at `seconds` finishes now. */
export function hazardAt(
  seconds: number,
  estimate: DurationEstimate = DEFAULT_ESTIMATE,
  options: Readonly<PollPolicyOptions> = DEFAULT_POLICY,
): number {
  const t = Math.max(seconds, 1e-3)
  const early = clamp(options.earlyFailureRate, 0, 1)
  const window = options.earlyWindowMs / 1000
  const z = Math.log(t / estimate.medianSeconds) / estimate.spread
  const density =
    (1 - early) * (normalPdf(z) / (estimate.spread * t)) + (t < window ? early / window : 0)
  const survival = (1 - early) * (1 - normalCdf(z)) + early * Math.max(0, 1 - t / window)
  return survival > 1e-12 ? density / survival : 0
}

/** What the schedule would wait at `seconds` if the hazard there held for the whole step. */
function localIntervalS(
  seconds: number,
  estimate: DurationEstimate,
  options: Readonly<PollPolicyOptions>,
  bulkFrom: number,
  tailFrom: number,
): number {
  const floor = options.floorMs / 1000
  const ceiling = Math.max(floor, options.ceilingMs / 1000)
  if (seconds >= tailFrom) return clamp(options.tailIntervalMs / 1000, floor, ceiling)
  const h = hazardAt(seconds, estimate, options)
  let interval = h > 0 ? options.hazardScale / Math.sqrt(h) : ceiling
  if (seconds < options.earlyWindowMs / 1000)
    interval = Math.min(interval, options.earlyIntervalMs / 1000)
  if (seconds >= bulkFrom) interval = Math.min(interval, options.bulkIntervalMs / 1000)
  return clamp(interval, floor, ceiling)
}

const STEP_S = 0.25

/** The delay, in seconds, after which one query's worth of the schedule's density has passed. */
function scheduledDelayS(
  seconds: number,
  estimate: DurationEstimate,
  options: Readonly<PollPolicyOptions>,
): number {
  const floor = options.floorMs / 1000
  const ceiling = Math.max(floor, options.ceilingMs / 1000)
  const bulkFrom =
    estimate.medianSeconds * Math.exp(estimate.spread * normalQuantile(options.bulkFromQuantile))
  const tailFrom =
    estimate.medianSeconds * Math.exp(estimate.spread * normalQuantile(options.tailQuantile))
  let mass = 0
  let x = seconds
  let delay = ceiling
  while (x - seconds < ceiling) {
    const rate = 1 / localIntervalS(x + STEP_S / 2, estimate, options, bulkFrom, tailFrom)
    if (mass + rate * STEP_S >= 1) {
      delay = x + (1 - mass) / rate - seconds
      break
    }
    mass += rate * STEP_S
    x += STEP_S
  }
  // Early failures stop at the end of their window, and the density with them: without a query
  // right there, a step taken just before would stretch far into the quiet stretch and catch the
  // last moderation failures late.
  const windowEnd = options.earlyWindowMs / 1000
  if (seconds < windowEnd && seconds + delay > windowEnd)
    delay = Math.min(delay, Math.max(windowEnd - seconds, floor))
  return clamp(delay, floor, ceiling)
}

/** Milliseconds to wait before the next query of a task. */
export function nextPollDelayMs(
  state: PollState,
  overrides: Partial<PollPolicyOptions> = {},
): number {
  const options: PollPolicyOptions = { ...DEFAULT_POLICY, ...overrides }
  const estimate = usable(state.estimate)
  const seconds = Number.isFinite(state.elapsedMs) ? Math.max(0, state.elapsedMs) / 1000 : 0
  let delay = scheduledDelayS(seconds, estimate, options) * 1000

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
