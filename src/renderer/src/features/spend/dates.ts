import type { SpendPeriod } from '../../../../shared/spend'

// A summary's periods named in the person's language: a day ("14 Nov"), a week by its Monday, a
// month ("Nov", or "November 2026" where there is room).

/** A local calendar day (YYYY-MM-DD) as a Date at its local midnight. */
export function dateOf(day: string): Date {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y!, (m ?? 1) - 1, d ?? 1)
}

/** A period's short name, for the chart's axis. */
export function shortLabel(start: string, period: SpendPeriod, language: string): string {
  const options: Intl.DateTimeFormatOptions =
    period === 'month' ? { month: 'short' } : { day: 'numeric', month: 'short' }
  return new Intl.DateTimeFormat(language, options).format(dateOf(start))
}

/** A period's full name, for tables and tooltips. */
export function longLabel(start: string, period: SpendPeriod, language: string): string {
  const options: Intl.DateTimeFormatOptions =
    period === 'month'
      ? { month: 'long', year: 'numeric' }
      : {
          weekday: period === 'day' ? 'short' : undefined,
          day: 'numeric',
          month: 'long',
          year: 'numeric',
        }
  return new Intl.DateTimeFormat(language, options).format(dateOf(start))
}
