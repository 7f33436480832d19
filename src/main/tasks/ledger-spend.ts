import type { StatementSync } from 'node:sqlite'
import { estimateUnits, type VideoKind } from '../../shared/kling'
import type { Budget } from '../../shared/settings'
import {
  buildSummary,
  checkBudget,
  localDay,
  localMidnight,
  periodStart,
  summaryStart,
  type BudgetVerdict,
  type Committed,
  type ModelSpend,
  type SpendBucket,
  type SpendSummary,
} from '../../shared/spend'
import { pricedRequest } from './job-price'
import {
  chargedAt,
  chargedDays,
  DAY,
  QUARTER_MS,
  rangeTotals,
  towards,
  type Totals,
} from './spend-buckets'

// Money in the history: what real tasks were charged (their final_unit_deduction), by local day
// and by model, and what a period has committed against a cap (charged, plus the estimates of
// its jobs on their way or finished without a reported charge). Everything but the jobs still on
// their way is read from the sums the triggers keep (spend-buckets.ts): a few rows per period,
// whatever the size of the history; those few are read by the state index, with the estimate
// each job was written with. Sandbox jobs are free and never count.

interface SpendLedger {
  prepare: (sql: string) => StatementSync
}

/** The end of time for a range left open. */
const OPEN = Number.MAX_SAFE_INTEGER

/** Two decimals (and never -0: a sum that came back to nothing is 0). */
const round = (n: number): number => Math.round(n * 100) / 100 + 0

/**
 * Jobs on their way that may cost something not reported yet: waiting, sent, running,
 * unconfirmed. Finished ones without a final_unit_deduction (done, expired: a task that
 * succeeded is charged) are in the buckets; a failed task costs none.
 */
const ON_THEIR_WAY = [
  'queued',
  'creating',
  'submitted',
  'processing',
  'downloading',
  'needs_attention',
] as const

/** A moment as the jobs table orders it (ms, whole), and null for an end left open. */
const whole = (ms: number): number => Math.trunc(ms)
const end = (ms: number): number | null => (ms >= OPEN / 1000 ? null : Math.trunc(ms))

const sumAll = (sums: Map<string, Totals>): Totals =>
  sums.get('') ?? { charged: 0, tasks: 0, unreported: 0, unknown: 0 }

/** Units charged by real tasks made from `fromMs` (until `untilMs`), by local day, oldest first. */
export function chargedByDay(
  ledger: SpendLedger,
  fromMs: number,
  untilMs: number = OPEN,
): SpendBucket[] {
  const from = whole(fromMs)
  const until = end(untilMs)
  const stop = until ?? Infinity
  if (stop <= from) return []
  // The UTC days holding a charge: only the local days they touch can hold one.
  const days = chargedDays(
    ledger.prepare,
    Math.floor(from / QUARTER_MS),
    until === null ? null : Math.ceil(until / QUARTER_MS / DAY) * DAY + DAY,
  )
  const spans = localSpans(days, from, stop)
  // A day's sums are the difference of the running sums at its two ends.
  const running = runningSums(
    ledger.prepare,
    days,
    spans.flatMap((s) => [s.a, s.b]),
  )
  const out: SpendBucket[] = []
  for (const { day, a, b } of spans) {
    const [at, to] = [running.get(a)!, running.get(b)!]
    const tasks = to.tasks - at.tasks
    if (tasks > 0) out.push({ start: day, units: round(to.charged - at.charged), tasks })
  }
  return out
}

/**
 * The local days, as [a, b) within [from, stop), that touch one of `days` (UTC days holding a
 * charge), in order: a walk from day to day on the local calendar that jumps over the stretches
 * none touches.
 */
function localSpans(
  days: { bucket: number }[],
  from: number,
  stop: number,
): { day: string; a: number; b: number }[] {
  const out: { day: string; a: number; b: number }[] = []
  let midnight = new Date(0)
  let next = 0
  const goTo = (at: Date) => {
    midnight = at
    next = new Date(at.getFullYear(), at.getMonth(), at.getDate() + 1).getTime()
  }
  const dayOf = (ms: number) => {
    const t = new Date(ms)
    goTo(new Date(t.getFullYear(), t.getMonth(), t.getDate()))
  }
  if (days.length > 0) dayOf(Math.max(from, days[0]!.bucket * QUARTER_MS))
  for (let i = 0; i < days.length;) {
    const start = days[i]!.bucket * QUARTER_MS
    const a = Math.max(from, midnight.getTime())
    if (start + DAY * QUARTER_MS <= a) i++
    else if (start >= next) dayOf(start)
    else {
      out.push({ day: localDay(midnight.getTime()), a, b: Math.min(stop, next) })
      if (next >= stop) break
      goTo(new Date(next))
    }
  }
  return out
}

/**
 * Charged units and tasks from the start of the first of `days` up to each of `moments`: the
 * whole UTC days before the UTC midnight nearest to it, plus the few buckets between that
 * midnight and it (see towards; read for every moment at once, one query a span), plus the jobs
 * of a part of a quarter when the moment is not on one.
 */
function runningSums(
  prepare: SpendLedger['prepare'],
  days: { bucket: number; charged: number; tasks: number }[],
  moments: number[],
): Map<number, { charged: number; tasks: number }> {
  // Running sums of the days: before[i] holds every day before days[i].
  const before = [{ charged: 0, tasks: 0 }]
  for (const d of days) {
    const last = before[before.length - 1]!
    before.push({ charged: last.charged + d.charged, tasks: last.tasks + d.tasks })
  }
  const plan = [...new Set(moments)].map((ms) => {
    const quarter = Math.floor(ms / QUARTER_MS)
    return { ms, quarter, ...towards(quarter) }
  })
  const found = chargedAt(
    prepare,
    plan.flatMap((p) => p.steps),
  )
  const out = new Map<number, { charged: number; tasks: number }>()
  for (const { ms, quarter, day, steps } of plan) {
    let lo = 0
    for (let hi = days.length; lo < hi;) {
      const mid = (lo + hi) >> 1
      if (days[mid]!.bucket < day) lo = mid + 1
      else hi = mid
    }
    const sums = { ...before[lo]! }
    for (const [sign, span, bucket] of steps) {
      const r = found(span, bucket)
      sums.charged += sign * (r?.charged ?? 0)
      sums.tasks += sign * (r?.tasks ?? 0)
    }
    if (ms > quarter * QUARTER_MS) {
      const part = sumAll(rangeTotals(prepare, quarter * QUARTER_MS, ms, false))
      sums.charged += part.charged
      sums.tasks += part.tasks
    }
    out.set(ms, sums)
  }
  return out
}

/**
 * Units charged by real tasks made in a range, by model, most first. An extension counts for the
 * model of the video it extends (its root's); a request without a model for the service's default.
 */
export function chargedByModel(
  ledger: SpendLedger,
  fromMs: number,
  untilMs: number = OPEN,
): ModelSpend[] {
  const until = end(untilMs)
  const from = whole(fromMs)
  if (until !== null && until <= from) return []
  const rows = [...rangeTotals(ledger.prepare, from, until, true)]
    .filter(([, s]) => s.tasks > 0)
    .sort(([ma, a], [mb, b]) => b.charged - a.charged || (ma < mb ? -1 : ma > mb ? 1 : 0))
  return rows.map(([model, s]) => ({ model, units: round(s.charged), tasks: s.tasks }))
}

/**
 * What the real jobs made from `fromMs` have committed: units charged, plus the estimates of
 * those that may still cost something (on their way, or finished without a reported charge); a
 * job the table cannot price counts in `unknown`.
 */
export function committedSince(ledger: SpendLedger, fromMs: number): Committed {
  const from = whole(fromMs)
  const kept = sumAll(rangeTotals(ledger.prepare, from, null, false))
  const live = ledger
    .prepare(
      `SELECT total(estimate) AS pending, count(*) - count(estimate) AS unknown
       FROM jobs INDEXED BY jobs_state
       WHERE state IN (${ON_THEIR_WAY.map(() => '?').join(', ')}) AND rowid >= ?
         AND sandbox = 0 AND units IS NULL`,
    )
    .get(...ON_THEIR_WAY, from * 1000) as { pending: number; unknown: number }
  return {
    charged: round(kept.charged),
    pending: round(kept.unreported + live.pending),
    unknown: kept.unknown + live.unknown,
  }
}

/** What today and this month have committed, at `now`. */
export function committedNow(
  ledger: SpendLedger,
  now: number,
): { day: Committed; month: Committed } {
  const today = localDay(now)
  return {
    day: committedSince(ledger, localMidnight(today)),
    month: committedSince(ledger, localMidnight(periodStart(today, 'month'))),
  }
}

/**
 * Whether a Generate of `adding` units (null: unknown) passes the caps, at `now`. Run inside the
 * write that adds its jobs (Ledger.createAll's guard), so two processes cannot both pass a cap.
 */
export function budgetVerdict(
  ledger: SpendLedger,
  budget: Budget,
  adding: number | null,
  now: number,
): BudgetVerdict {
  // Only the periods that have a cap are read (none: nothing at all).
  const none: Committed = { charged: 0, pending: 0, unknown: 0 }
  const today = localDay(now)
  const committed = {
    day: budget.dailyUnits === null ? none : committedSince(ledger, localMidnight(today)),
    month:
      budget.monthlyUnits === null
        ? none
        : committedSince(ledger, localMidnight(periodStart(today, 'month'))),
  }
  return checkBudget(committed, adding, budget)
}

/** One Generate as the caps see it: for an extension, the job it extends prices it. */
export interface GenerateCost {
  kind: VideoKind
  request: object
  takes: number
  parentJobId: string | null
}

/** The units one Generate would add by the table (null: unknown). */
export function unitsOf(ledger: SpendLedger, g: GenerateCost): number | null {
  const priced = pricedRequest(ledger.prepare, g.kind, g.request, g.parentJobId)
  return estimateUnits(g.kind, priced, g.takes).units
}

/** Whether one Generate passes the caps at `now` (the guard of the app and the command line). */
export function generateVerdict(
  ledger: SpendLedger,
  budget: Budget,
  g: GenerateCost,
  now: number,
): BudgetVerdict {
  return budgetVerdict(ledger, budget, unitsOf(ledger, g), now)
}

/** The spend view: the last 30 days, 12 weeks and 12 months, this month by model, the caps. */
export function spendSummary(ledger: SpendLedger, budget: Budget, now: number): SpendSummary {
  const today = localDay(now)
  const monthFrom = localMidnight(periodStart(today, 'month'))
  return buildSummary({
    today,
    days: chargedByDay(ledger, localMidnight(summaryStart(today))),
    byModel: chargedByModel(ledger, monthFrom),
    committed: committedNow(ledger, now),
    budget,
  })
}
