import type { Budget } from '../../src/shared/settings'
import type { Committed, SpendBucket, SpendSummary } from '../../src/shared/spend'

// A spend summary as main answers spend.summary, built from what a test cares about: today is
// 2026-11-30 (a Monday), the last 30 days, 12 weeks and 12 months, oldest first.

export const TODAY = '2026-11-30'

const day = (offset: number): string => {
  const d = new Date(Date.UTC(2026, 10, 30 + offset))
  return d.toISOString().slice(0, 10)
}

export const NO_CAPS: Budget = {
  dailyUnits: null,
  monthlyUnits: null,
  pricePerUnit: null,
  currency: 'USD',
}

const idle: Committed = { charged: 0, pending: 0, unknown: 0 }

export function summaryOf(o: {
  day?: Partial<Committed>
  month?: Partial<Committed>
  /** Units charged on the last days, oldest first, ending today. */
  days?: number[]
  weeks?: number[]
  months?: number[]
  byModel?: SpendSummary['byModel']
  budget?: Partial<Budget>
}): SpendSummary {
  const fill = (values: number[] | undefined, count: number, start: (i: number) => string) => {
    const v = values ?? []
    return Array.from({ length: count }, (_, i): SpendBucket => {
      const units = v[i - (count - v.length)] ?? 0
      return { start: start(i), units, tasks: units > 0 ? Math.ceil(units / 1.5) : 0 }
    })
  }
  return {
    today: TODAY,
    days: fill(o.days, 30, (i) => day(i - 29)),
    weeks: fill(o.weeks, 12, (i) => day(7 * (i - 11))),
    months: fill(
      o.months,
      12,
      (i) => `${i < 1 ? 2025 : 2026}-${String(((i + 11) % 12) + 1).padStart(2, '0')}-01`,
    ),
    byModel: o.byModel ?? [],
    committed: { day: { ...idle, ...o.day }, month: { ...idle, ...o.month } },
    budget: { ...NO_CAPS, ...o.budget },
  }
}
