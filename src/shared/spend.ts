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
    `This would take about ${verdict.adding} units; ${verdict.committed} of ${period} cap of ` +
    `${verdict.cap} units are already charged or on their way. Confirm to send it anyway, or raise the cap in Settings.`
  )
}

/** Units as money at the person's price (null: no price set). */
export function unitsAsMoney(
  units: number,
  budget: Pick<Budget, 'pricePerUnit' | 'currency'>,
): { amount: number; currency: string } | null {
  if (budget.pricePerUnit === null) return null
  return { amount: round(units * budget.pricePerUnit), currency: budget.currency }
}
