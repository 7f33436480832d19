import type { Budget } from './settings'

// Money, as both sides see it: what was charged (the service's final_unit_deduction, the truth),
// what is on its way (the estimates of jobs sent or waiting, not charged yet), and the one rule
// that decides whether a Generate passes a cap. Main applies the rule in the same write as the
// new jobs (so two processes cannot both pass it); the window applies it first, to ask the person
// before anything is sent. Sandbox jobs are free and never count.

/** Units in one period (a local day, an ISO week from Monday, a calendar month). */
export interface SpendBucket {
  /** The period's first day, local (YYYY-MM-DD). */
  start: string
  /** Units charged (final_unit_deduction) by tasks made in the period. */
  units: number
  /** Tasks that reported a charge. */
  tasks: number
}

export interface ModelSpend {
  model: string
  units: number
  tasks: number
}

/** What a period has used against its cap: charged, plus estimates of what is on its way. */
export interface Committed {
  /** Units charged by tasks made in the period. */
  charged: number
  /** Estimated units of the period's jobs still waiting, running or unconfirmed. */
  pending: number
  /** Jobs on their way whose cost the table does not know (counted as 0 in pending). */
  unknown: number
}

export interface SpendSummary {
  /** The local day this summary was made on (YYYY-MM-DD). */
  today: string
  /** Charged units by local day, the last 30 days, oldest first (days without a charge: 0). */
  days: SpendBucket[]
  /** The last 12 weeks (Monday first), oldest first. */
  weeks: SpendBucket[]
  /** The last 12 months, oldest first. */
  months: SpendBucket[]
  /** Charged units this month, by model, most first. */
  byModel: ModelSpend[]
  /** Against the caps: today and this month. */
  committed: { day: Committed; month: Committed }
  budget: Budget
}

export type BudgetVerdict =
  | { ok: true }
  | {
      ok: false
      /** Which cap, or `unknown`: a cap is set and the table cannot price this request. */
      reason: 'daily' | 'monthly' | 'unknown'
      /** The cap that would be passed (units); null for `unknown`. */
      cap: number | null
      /** Units already charged or on their way in that period. */
      committed: number
      /** Units this Generate would add (null: unknown). */
      adding: number | null
    }

const round = (n: number): number => Math.round(n * 100) / 100

/**
 * Whether a Generate that adds `adding` units (null: unknown) stays within the caps. A cap is
 * passed only by going above it: at a cap of 10, ten 1-unit jobs go, the eleventh is stopped.
 * A request the table cannot price is stopped only when a cap is set (it could pass it).
 */
export function checkBudget(
  committed: { day: Committed; month: Committed },
  adding: number | null,
  budget: Pick<Budget, 'dailyUnits' | 'monthlyUnits'>,
): BudgetVerdict {
  const caps = [
    { reason: 'daily' as const, cap: budget.dailyUnits, used: committed.day },
    { reason: 'monthly' as const, cap: budget.monthlyUnits, used: committed.month },
  ]
  for (const { reason, cap, used } of caps) {
    if (cap === null) continue
    const sum = round(used.charged + used.pending)
    if (adding === null) return { ok: false, reason: 'unknown', cap: null, committed: sum, adding }
    if (round(sum + adding) > cap) return { ok: false, reason, cap, committed: sum, adding }
  }
  return { ok: true }
}

/** The sentence main refuses an over-budget create with (the window says it in its own words). */
export function overBudgetMessage(verdict: Exclude<BudgetVerdict, { ok: true }>): string {
  if (verdict.reason === 'unknown')
    return 'A spending cap is set and the cost of this request is unknown, so it could pass the cap. Confirm to send it anyway.'
  const period = verdict.reason === 'daily' ? "today's" : "this month's"
  return (
    `This would take about ${unitsText(verdict.adding)}; ${verdict.committed} of ${period} cap of ` +
    `${verdict.cap} units are already charged or on their way. Confirm to send it anyway, or raise the cap in Settings.`
  )
}

/** "1 unit", "3.5 units". */
export function unitsText(units: number | null): string {
  return `${units} unit${units === 1 ? '' : 's'}`
}

/** Units as money at the person's price (null: no price set). */
export function unitsAsMoney(
  units: number,
  budget: Pick<Budget, 'pricePerUnit' | 'currency'>,
): { amount: number; currency: string } | null {
  if (budget.pricePerUnit === null) return null
  return { amount: round(units * budget.pricePerUnit), currency: budget.currency }
}

// -------------------------------------------------------------------------------------------
// Periods. A day is a local calendar day (YYYY-MM-DD); weeks begin on Monday (ISO); months on
// the 1st. Arithmetic is on calendar dates, so a change of clocks never shifts a day.

export type SpendPeriod = 'day' | 'week' | 'month'

/** How many of each period the summary shows. */
export const SUMMARY_SPAN = { day: 30, week: 12, month: 12 } as const

const two = (n: number): string => String(n).padStart(2, '0')
const parts = (day: string): [number, number, number] => {
  const [y, m, d] = day.split('-').map(Number)
  return [y!, m!, d!]
}
const utcDay = (y: number, m: number, d: number): string =>
  new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10)

/** The local calendar day of a moment (ms). */
export function localDay(ms: number): string {
  const t = new Date(ms)
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}`
}

/** The moment (ms) a local calendar day begins. */
export function localMidnight(day: string): number {
  const [y, m, d] = parts(day)
  return new Date(y, m - 1, d).getTime()
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = parts(day)
  return utcDay(y, m, d + n)
}

/** The first day of the period that holds `day`. */
export function periodStart(day: string, period: SpendPeriod): string {
  const [y, m, d] = parts(day)
  if (period === 'day') return day
  if (period === 'month') return `${y}-${two(m)}-01`
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() // 0: Sunday
  return addDays(day, -((weekday + 6) % 7))
}

/** The first day of the period `n` periods after the one that begins on `start`. */
export function shiftPeriod(start: string, period: SpendPeriod, n: number): string {
  const [y, m] = parts(start)
  if (period === 'day') return addDays(start, n)
  if (period === 'week') return addDays(start, 7 * n)
  return utcDay(y, m + n, 1)
}

/** The first day of the oldest of the last `count` periods up to the one holding `today`. */
export function spanStart(today: string, period: SpendPeriod, count: number): string {
  return shiftPeriod(periodStart(today, period), period, -(count - 1))
}

/**
 * Charged days summed into periods, every period from the one holding `from` to the one holding
 * `to`, oldest first (a period without a charge: 0). Days outside from..to are left out.
 */
export function rollup(
  days: readonly SpendBucket[],
  from: string,
  to: string,
  period: SpendPeriod,
): SpendBucket[] {
  const sums = new Map<string, SpendBucket>()
  for (const day of days) {
    if (day.start < from || day.start > to) continue
    const key = periodStart(day.start, period)
    const sum = sums.get(key) ?? { start: key, units: 0, tasks: 0 }
    sums.set(key, { start: key, units: round(sum.units + day.units), tasks: sum.tasks + day.tasks })
  }
  const out: SpendBucket[] = []
  const last = periodStart(to, period)
  for (let s = periodStart(from, period); s <= last; s = shiftPeriod(s, period, 1))
    out.push(sums.get(s) ?? { start: s, units: 0, tasks: 0 })
  return out
}

/** The first day the summary needs charges from: the oldest of its days, weeks and months. */
export function summaryStart(today: string): string {
  const starts = (Object.keys(SUMMARY_SPAN) as SpendPeriod[]).map((p) =>
    spanStart(today, p, SUMMARY_SPAN[p]),
  )
  return starts.sort()[0]!
}

/** The summary from charged days since summaryStart(today) and the rest as read. */
export function buildSummary(input: {
  today: string
  days: readonly SpendBucket[]
  byModel: ModelSpend[]
  committed: { day: Committed; month: Committed }
  budget: Budget
}): SpendSummary {
  const { today, days } = input
  const last = (p: SpendPeriod) => rollup(days, spanStart(today, p, SUMMARY_SPAN[p]), today, p)
  return {
    today,
    days: last('day'),
    weeks: last('week'),
    months: last('month'),
    byModel: input.byModel,
    committed: input.committed,
    budget: input.budget,
  }
}
