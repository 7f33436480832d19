import type { JobQuery, JobState } from '../../../../shared/jobs'

// The library's filters as the person sets them, and the query main answers for them. Coming
// back to the Library finds the filters as they were left (the query is kept in the store).

const DAY = 86_400_000

export interface Filters {
  text: string
  status: JobState | ''
  model: string
  aspect: string
  since: '' | 'day' | 'week' | 'month'
  favourites: boolean
}

export function toQuery(f: Filters, now: number): JobQuery {
  const q: JobQuery = {}
  if (f.text.trim()) q.search = f.text.trim()
  if (f.status) q.states = [f.status]
  if (f.model) q.model = f.model
  if (f.aspect) q.aspectRatio = f.aspect
  // Today means since midnight here; the others count whole days back.
  if (f.since === 'day') q.since = new Date(now).setHours(0, 0, 0, 0)
  else if (f.since) q.since = now - (f.since === 'week' ? 7 : 30) * DAY
  if (f.favourites) q.favourite = true
  return q
}

/** The filters a query came from (a date range cannot be told back: it starts empty). */
export function fromQuery(q: JobQuery): Filters {
  return {
    text: q.search ?? '',
    status: q.states?.length === 1 ? q.states[0]! : '',
    model: q.model ?? '',
    aspect: q.aspectRatio ?? '',
    since: '',
    favourites: q.favourite === true,
  }
}
