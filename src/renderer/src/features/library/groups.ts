import type { Translate } from '../../i18n'

// The date groups of the library: Today, Yesterday, This week, then one per month. A job's group
// follows the time it was made, the time the library is ordered by.

export interface DayMarks {
  today: number
  yesterday: number
  /** Monday of this week (never later than yesterday). */
  week: number
}

export function dayMarks(now: number): DayMarks {
  const day = new Date(now)
  day.setHours(0, 0, 0, 0)
  const yesterday = new Date(day)
  yesterday.setDate(day.getDate() - 1)
  const monday = new Date(day)
  monday.setDate(day.getDate() - ((day.getDay() + 6) % 7))
  return {
    today: day.getTime(),
    yesterday: yesterday.getTime(),
    week: Math.min(monday.getTime(), yesterday.getTime()),
  }
}

/** A group key: today, yesterday, week or m:YYYY-MM. */
export function groupOf(at: number, marks: DayMarks): string {
  if (at >= marks.today) return 'today'
  if (at >= marks.yesterday) return 'yesterday'
  if (at >= marks.week) return 'week'
  const d = new Date(at)
  return `m:${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

export function groupLabel(group: string, t: Translate, language: string): string {
  if (group === 'today') return t('browse.today')
  if (group === 'yesterday') return t('browse.yesterday')
  if (group === 'week') return t('browse.thisWeek')
  const [year, month] = group.slice(2).split('-').map(Number)
  return new Intl.DateTimeFormat(language, { month: 'long', year: 'numeric' }).format(
    new Date(year!, month! - 1, 1),
  )
}
