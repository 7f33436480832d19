// When to ask about a task next. Queries are free but each one costs a round trip, and the only
// way to learn that a task finished is to ask; the time between the server finishing and the app
// knowing (detection latency) is what a person feels. The policy spends queries where a finish is
// likely: its interval is c / sqrt(hazard), the schedule that minimises queries for a given mean
// latency (Cauchy-Schwarz on E[latency] = E[interval]/2 against E[queries] = E[∫ dt/interval]).
// Pure: the same state always gives the same delay, except for the jitter of error backoff,
// whose randomness is passed in.

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
  /** Learnt from this machine's past tasks for this model, mode and duration. */
  estimate?: DurationEstimate
}

export interface PollPolicyOptions {
  floorMs: number
  ceilingMs: number
  /** Scales every interval: interval = scale / sqrt(hazard per second). */
  scale: number
  /** Share of tasks that fail early (content moderation) and the window they fail in. */
  earlyFailureRate: number
  earlyWindowMs: number
  /** Past the estimate's far tail, ask at this steady pace; the caller owns the overall timeout. */
  tailIntervalMs: number
  errorBaseMs: number
  errorMaxMs: number
  /** Only used for the jitter of error backoff. */
  random: () => number
}

/** Kling text-to-video: typically 2-5 minutes (kling-api.md), log-normal around 3 minutes. */
export const DEFAULT_ESTIMATE: DurationEstimate = { medianSeconds: 180, spread: 0.5, samples: 0 }

export const DEFAULT_POLICY: PollPolicyOptions = {
  floorMs: 1_000,
  ceilingMs: 30_000,
  scale: 0.38,
  earlyFailureRate: 0.1,
  earlyWindowMs: 20_000,
  tailIntervalMs: 12_000,
  errorBaseMs: 2_000,
  errorMaxMs: 60_000,
  random: Math.random,
}

// Abramowitz and Stegun 7.1.26: plenty for spacing queries.
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

const normalCdf = (z: number): number => 0.5 * (1 + erf(z / Math.SQRT2))
const normalPdf = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)

/** Chance per second that a task still running at t seconds finishes now. */
export function hazardAt(
  seconds: number,
  estimate: DurationEstimate,
  options: PollPolicyOptions,
): number {
  const t = Math.max(seconds, 0.01)
  const early = options.earlyFailureRate
  const window = options.earlyWindowMs / 1000
  const z = Math.log(t / estimate.medianSeconds) / estimate.spread
  const density =
    (1 - early) * (normalPdf(z) / (estimate.spread * t)) + (t < window ? early / window : 0)
  const survival = (1 - early) * (1 - normalCdf(z)) + early * Math.max(0, 1 - t / window)
  return survival > 1e-12 ? density / survival : 0
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

function intervalMs(
  seconds: number,
  estimate: DurationEstimate,
  options: PollPolicyOptions,
): number {
  const at = (s: number) => {
    const h = hazardAt(s, estimate, options)
    return h > 0 ? (options.scale / Math.sqrt(h)) * 1000 : options.ceilingMs
  }
  // Look ahead: a long step out of a quiet stretch must not leap over where finishes start.
  let interval = clamp(at(seconds), options.floorMs, options.ceilingMs)
  for (let i = 0; i < 3; i++) {
    const ahead = at(seconds + interval / 1000)
    interval = clamp(
      Math.min(interval, Math.max(ahead, (interval + ahead) / 2)),
      options.floorMs,
      options.ceilingMs,
    )
  }
  return interval
}

/** Milliseconds to wait before the next query of a task. */
export function nextPollDelayMs(
  state: PollState,
  overrides: Partial<PollPolicyOptions> = {},
): number {
  const options = { ...DEFAULT_POLICY, ...overrides }
  const estimate = state.estimate ?? DEFAULT_ESTIMATE
  const seconds = Math.max(0, state.elapsedMs) / 1000
  const farTail = estimate.medianSeconds * Math.exp(3 * estimate.spread)
  let delay =
    seconds > farTail
      ? Math.max(options.tailIntervalMs, intervalMs(seconds, estimate, options))
      : intervalMs(seconds, estimate, options)
  delay = clamp(delay, options.floorMs, options.ceilingMs)

  if (state.consecutiveErrors > 0) {
    const ceiling = Math.min(
      options.errorMaxMs,
      options.errorBaseMs * 2 ** (state.consecutiveErrors - 1),
    )
    const backoff = ceiling / 2 + (options.random() * ceiling) / 2
    delay = Math.max(delay, backoff)
  }
  if (state.retryAfterMs !== undefined) delay = Math.max(delay, state.retryAfterMs)
  return Math.round(delay)
}

/**
 * A log-normal fit of observed durations, shrunk towards the prior while there are few, so one
 * odd task cannot bend the schedule.
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
  const w = n / (n + priorWeight)
  const medianLog = w * mean + (1 - w) * Math.log(prior.medianSeconds)
  const spread = Math.sqrt(w * variance + (1 - w) * prior.spread ** 2)
  return { medianSeconds: Math.exp(medianLog), spread: clamp(spread, 0.05, 2), samples: n }
}
