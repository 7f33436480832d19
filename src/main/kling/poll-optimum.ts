// The best polling schedule for a known distribution of task durations, by dynamic programming
// over query times on a grid. One solver serves two callers: the poll policy (the learnt
// distribution, under the guard rails a person notices) and the replay's reference optimum (the
// true distribution, no rails), so what the policy does and what it is measured against are the
// same mathematics.
//
// State s: a query was just made at grid point s and the task was still running. Choosing the
// next query at u costs the latency of the tasks that finish in between (each waits until u),
// lambda for the query itself (paid by every task still running at s), and optionally a penalty
// for every task that waits more than `lateSteps` (the tail of latency). That cost w(s, u)
// satisfies the quadrangle inequality (for a <= b <= c <= d, w(a,c) + w(b,d) <= w(a,d) + w(b,c):
// latency and the late penalty are convex in the mass between the two queries), and the allowed
// steps form a band whose ends never move backwards, so the best next query never moves earlier
// as s moves later. The solver walks s downwards and searches u only up to the best u of s+1:
// about n times the typical gap instead of n times the longest one.

/** The shape of task durations: log-normal, plus a share that fails uniformly early on. */
export interface TaskDurations {
  medianSeconds: number
  /** The standard deviation of ln(duration). */
  sigma: number
  earlyFailureRate: number
  earlyWindowSeconds: number
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

/** P(T <= seconds) for durations of that shape. */
export function durationCdf(d: Readonly<TaskDurations>, seconds: number): number {
  if (!(seconds > 0)) return 0
  const early = Math.min(1, Math.max(0, d.earlyFailureRate))
  return (
    (1 - early) * normalCdf(Math.log(seconds / d.medianSeconds) / d.sigma) +
    early * Math.min(1, seconds / d.earlyWindowSeconds)
  )
}

/** The duration a share p of the log-normal part stays under (p in (0, 1)). */
export function durationQuantile(d: Readonly<TaskDurations>, p: number): number {
  // Bisection keeps this dependency-free; it runs once per schedule.
  let lo = -8
  let hi = 8
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2
    if (normalCdf(mid) < p) lo = mid
    else hi = mid
  }
  return d.medianSeconds * Math.exp(d.sigma * ((lo + hi) / 2))
}

/** P(T <= i·dt) and E[T; T <= i·dt] on a grid, so that costs between two queries are differences. */
export interface DurationGrid {
  dt: number
  /** Grid points; the last, n, is the horizon. */
  n: number
  F: Float64Array
  G: Float64Array
}

export function durationGrid(
  cdf: (seconds: number) => number,
  dt: number,
  horizonSeconds: number,
): DurationGrid {
  const n = Math.max(1, Math.round(horizonSeconds / dt))
  const F = new Float64Array(n + 1)
  const G = new Float64Array(n + 1)
  for (let i = 1; i <= n; i++) {
    F[i] = Math.max(F[i - 1]!, cdf(i * dt))
    // A finish inside a cell is counted at its middle: exact for a flat density, O(dt²) otherwise.
    G[i] = G[i - 1]! + (F[i]! - F[i - 1]!) * (i - 0.5) * dt
  }
  return { dt, n, F, G }
}

export interface ScheduleRules {
  /** Seconds of mean latency one query per task is worth. */
  lambda: number
  /** Shortest and longest step, in grid points. */
  minSteps: number
  maxSteps: number
  /** A grid point no step may cross (a query lands on it), and the longest step before it. */
  barrier?: number
  maxStepsBeforeBarrier?: number
  /** Tasks waiting more than lateSteps grid points cost latePenalty each, on top of the wait. */
  lateSteps?: number
  latePenalty?: number
}

export interface SolvedSchedule {
  /** next[s]: the best grid point for the next query, given one at s. next[n] = n. */
  next: Int32Array
  /** cost[s]: latency + lambda·queries (+ penalty) from s on, in unconditional units. */
  cost: Float64Array
}

/** The furthest grid point a step from s may reach. Never decreases as s grows. */
function reach(s: number, r: ScheduleRules, n: number): number {
  let hi = s + Math.max(r.minSteps, r.maxSteps)
  const b = r.barrier
  if (b !== undefined && s < b)
    hi = Math.max(s + r.minSteps, Math.min(b, s + (r.maxStepsBeforeBarrier ?? r.maxSteps)))
  return Math.min(n, hi)
}

export function solveSchedule(grid: DurationGrid, rules: ScheduleRules): SolvedSchedule {
  const { n, F, G, dt } = grid
  const lambda = rules.lambda
  const late = rules.lateSteps ?? n + 1
  const penalty = rules.latePenalty ?? 0
  const minSteps = Math.max(1, rules.minSteps)
  const next = new Int32Array(n + 1)
  const cost = new Float64Array(n + 1)
  next[n] = n
  for (let s = n - 1; s >= 0; s--) {
    const base = lambda * (1 - F[s]!)
    const lo = Math.min(n, s + minSteps)
    const hi = Math.max(lo, Math.min(reach(s, rules, n), next[s + 1]!))
    let best = Infinity
    let arg = hi
    for (let u = lo; u <= hi; u++) {
      let c = u * dt * (F[u]! - F[s]!) - (G[u]! - G[s]!) + cost[u]!
      if (u - late > s) c += penalty * (F[u - late]! - F[s]!)
      if (c < best) {
        best = c
        arg = u
      }
    }
    next[s] = arg
    cost[s] = best + base
  }
  return { next, cost }
}

export interface ScheduleOutcome {
  meanLatencyS: number
  queriesPerTask: number
  /** Share of all tasks that wait more than lateSteps grid points (0 without lateSteps). */
  lateShare: number
  /** Query times from 0 up to the horizon, in seconds. */
  pollSeconds: number[]
}

/** The exact expectations of following `next` from 0, on the grid's distribution. */
export function followSchedule(
  grid: DurationGrid,
  next: Int32Array,
  lateSteps = grid.n + 1,
): ScheduleOutcome {
  const { n, F, G, dt } = grid
  let latency = 0
  let queries = 0
  let lateShare = 0
  const pollSeconds: number[] = []
  for (let s = 0; s < n;) {
    const u = next[s]!
    latency += u * dt * (F[u]! - F[s]!) - (G[u]! - G[s]!)
    queries += 1 - F[s]!
    if (u - lateSteps > s) lateShare += F[u - lateSteps]! - F[s]!
    pollSeconds.push(u * dt)
    s = u
  }
  return { meanLatencyS: latency, queriesPerTask: queries, lateShare, pollSeconds }
}
