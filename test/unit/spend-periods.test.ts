import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_BUDGET } from '../../src/shared/settings'
import {
  addDays,
  buildSummary,
  checkBudget,
  localDay,
  localMidnight,
  periodStart,
  rollup,
  shiftPeriod,
  spanStart,
  summaryStart,
  type Committed,
} from '../../src/shared/spend'

// The pure side of money: calendar days, ISO weeks from Monday, months, and charged days summed
// into them with every period present (zeros included), whatever the clocks do.

let tz: string | undefined
beforeEach(() => {
  tz = process.env.TZ
})
afterEach(() => {
  if (tz === undefined) delete process.env.TZ
  else process.env.TZ = tz
})

describe('calendar days', () => {
  it('a local day is the day where the person is, not in UTC', () => {
    const t = Date.UTC(2026, 10, 3, 17, 30) // 00:30 on Nov 4 in Jakarta (UTC+7)
    process.env.TZ = 'Asia/Jakarta'
    expect(localDay(t)).toBe('2026-11-04')
    process.env.TZ = 'UTC'
    expect(localDay(t)).toBe('2026-11-03')
  })

  it('local midnight across a change of clocks: a day of 23 hours is still one day', () => {
    process.env.TZ = 'America/New_York'
    // Clocks went forward on 2026-03-08.
    const start = localMidnight('2026-03-08')
    expect(localMidnight('2026-03-09') - start).toBe(23 * 3_600_000)
    expect(localDay(start)).toBe('2026-03-08')
    expect(localDay(localMidnight('2026-03-09') - 1)).toBe('2026-03-08')
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09')
  })

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
  })
})

describe('periods', () => {
  it('weeks begin on Monday (ISO)', () => {
    expect(periodStart('2026-11-30', 'week')).toBe('2026-11-30') // a Monday
    expect(periodStart('2026-12-06', 'week')).toBe('2026-11-30') // the Sunday after
    expect(periodStart('2026-12-01', 'week')).toBe('2026-11-30')
    expect(periodStart('2027-01-01', 'week')).toBe('2026-12-28') // across a year
  })

  it('months begin on the 1st; shifting a month crosses years', () => {
    expect(periodStart('2026-11-30', 'month')).toBe('2026-11-01')
    expect(shiftPeriod('2026-11-01', 'month', 2)).toBe('2027-01-01')
    expect(shiftPeriod('2026-01-01', 'month', -1)).toBe('2025-12-01')
    expect(spanStart('2026-11-30', 'month', 12)).toBe('2025-12-01')
    expect(spanStart('2026-11-30', 'week', 12)).toBe('2026-09-14')
    expect(spanStart('2026-11-30', 'day', 30)).toBe('2026-11-01')
  })

  it('the summary reads from the oldest start of its days, weeks and months', () => {
    expect(summaryStart('2026-11-30')).toBe('2025-12-01')
  })
})

describe('rollup', () => {
  const days = [
    { start: '2026-11-01', units: 1, tasks: 1 }, // Sunday: the week of Oct 26
    { start: '2026-11-02', units: 3.5, tasks: 1 }, // Monday
    { start: '2026-11-08', units: 0.6, tasks: 2 }, // Sunday
    { start: '2026-11-09', units: 2, tasks: 1 },
    { start: '2026-12-01', units: 10, tasks: 1 },
  ]

  it('by day: every day from..to, zeros included, outside days left out', () => {
    const out = rollup(days, '2026-11-02', '2026-11-09', 'day')
    expect(out.map((b) => b.start)).toEqual([
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
      '2026-11-06',
      '2026-11-07',
      '2026-11-08',
      '2026-11-09',
    ])
    expect(out.map((b) => b.units)).toEqual([3.5, 0, 0, 0, 0, 0, 0.6, 2])
  })

  it('by week: Monday to Sunday', () => {
    const out = rollup(days, '2026-11-01', '2026-11-30', 'week')
    expect(out).toEqual([
      { start: '2026-10-26', units: 1, tasks: 1 },
      { start: '2026-11-02', units: 4.1, tasks: 3 },
      { start: '2026-11-09', units: 2, tasks: 1 },
      { start: '2026-11-16', units: 0, tasks: 0 },
      { start: '2026-11-23', units: 0, tasks: 0 },
      { start: '2026-11-30', units: 0, tasks: 0 },
    ])
  })

  it('by month', () => {
    expect(rollup(days, '2026-10-01', '2026-12-31', 'month')).toEqual([
      { start: '2026-10-01', units: 0, tasks: 0 },
      { start: '2026-11-01', units: 7.1, tasks: 5 },
      { start: '2026-12-01', units: 10, tasks: 1 },
    ])
  })

  it('the summary: 30 days, 12 weeks, 12 months, oldest first, ending today', () => {
    const none: Committed = { charged: 0, pending: 0, unknown: 0 }
    const s = buildSummary({
      today: '2026-12-01',
      days,
      byModel: [],
      committed: { day: none, month: none },
      budget: DEFAULT_BUDGET,
    })
    expect(s.days).toHaveLength(30)
    expect(s.days[0]!.start).toBe('2026-11-02')
    expect(s.days.at(-1)).toEqual({ start: '2026-12-01', units: 10, tasks: 1 })
    expect(s.weeks).toHaveLength(12)
    expect(s.weeks.at(-1)!.start).toBe('2026-11-30')
    expect(s.weeks.at(-5)).toEqual({ start: '2026-11-02', units: 4.1, tasks: 3 })
    expect(s.months).toHaveLength(12)
    expect(s.months[0]!.start).toBe('2026-01-01')
    expect(s.months.at(-2)).toEqual({ start: '2026-11-01', units: 7.1, tasks: 5 })
  })
})

describe('checkBudget (the one rule)', () => {
  const used = (charged: number, pending = 0): Committed => ({ charged, pending, unknown: 0 })
  const caps = { dailyUnits: 10, monthlyUnits: null }

  it('at a cap of 10, the tenth unit passes and the eleventh does not', () => {
    expect(checkBudget({ day: used(9), month: used(9) }, 1, caps)).toEqual({ ok: true })
    expect(checkBudget({ day: used(7, 3), month: used(10) }, 1, caps)).toEqual({
      ok: false,
      reason: 'daily',
      cap: 10,
      committed: 10,
      adding: 1,
    })
  })
})
