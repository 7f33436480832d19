import { create } from 'zustand'
import { isLive, type Job, type JobQuery } from '../../../shared/jobs'
import { api, call } from '../api'

// Every job the page knows, by id. Updates arrive as events with a revision; an older revision
// than the one held is dropped, so events and list answers can race without going backwards.

export const PAGE = 200
/** How long a filtered library waits after state changes before asking main again. */
export const FILTERED_REFRESH_MS = 500
let refreshTimer: ReturnType<typeof setTimeout> | undefined

export interface JobsState {
  byId: Record<string, Job>
  /** The library's current query and the ids of its results, by position (sparse while loading). */
  query: JobQuery
  ids: (string | undefined)[]
  total: number
  loadedPages: Record<number, 'loading' | 'done'>
  progress: Record<string, { received: number; total: number | null }>
  apply(job: Job): void
  applyMany(jobs: Job[]): void
  remove(id: string): void
  setProgress(id: string, received: number, total: number | null): void
  /** Runs a query; the same one again only with `force` (after a rescan, say). */
  setQuery(query: JobQuery, force?: boolean): Promise<void>
  ensureRange(start: number, end: number): Promise<void>
  live(): Job[]
}

function fresher(held: Job | undefined, next: Job): boolean {
  return !held || next.revision > held.revision
}

export const useJobs = create<JobsState>((set, get) => ({
  byId: {},
  query: {},
  ids: [],
  total: 0,
  loadedPages: {},
  progress: {},
  apply(job) {
    const held = get().byId[job.id]
    if (!fresher(held, job)) return
    // A filtered view cannot tell by itself whether a job that changed state now belongs in it:
    // ask main again, once things settle.
    if (held?.state !== job.state && Object.keys(get().query).length > 0) {
      clearTimeout(refreshTimer)
      refreshTimer = setTimeout(() => {
        void get()
          .setQuery(get().query, true)
          .catch(() => {})
      }, FILTERED_REFRESH_MS)
    }
    set((s) => {
      const next: Partial<JobsState> = { byId: { ...s.byId, [job.id]: job } }
      // A new job of an unfiltered view goes to the top at once.
      if (!held && Object.keys(s.query).length === 0 && !s.ids.includes(job.id)) {
        next.ids = [job.id, ...s.ids]
        next.total = s.total + 1
      }
      return next
    })
  },
  applyMany(jobs) {
    set((s) => {
      const byId = { ...s.byId }
      for (const job of jobs) if (fresher(byId[job.id], job)) byId[job.id] = job
      return { byId }
    })
  },
  remove(id) {
    set((s) => {
      const { [id]: _gone, ...byId } = s.byId
      const ids = s.ids.filter((x) => x !== id)
      return { byId, ids, total: Math.max(0, s.total - (ids.length < s.ids.length ? 1 : 0)) }
    })
  },
  setProgress(id, received, total) {
    set((s) => ({ progress: { ...s.progress, [id]: { received, total } } }))
  },
  async setQuery(query, force = false) {
    // The same search again is no reason to empty the grid and load it anew.
    if (
      !force &&
      JSON.stringify(query) === JSON.stringify(get().query) &&
      get().loadedPages[0] === 'done'
    )
      return
    // Old results stay on screen until the new first page replaces them in one step.
    set({ query, loadedPages: { 0: 'loading' } })
    const res = await call(api().tasks.list({ ...query, limit: PAGE, offset: 0 }))
    if (get().query !== query) return
    get().applyMany(res.jobs)
    const ids: (string | undefined)[] = new Array<string | undefined>(res.total)
    res.jobs.forEach((j, i) => (ids[i] = j.id))
    set({ ids, total: res.total, loadedPages: { 0: 'done' } })
  },
  async ensureRange(start, end) {
    const first = Math.floor(Math.max(0, start) / PAGE)
    const last = Math.floor(Math.max(0, end) / PAGE)
    const query = get().query
    await Promise.all(
      Array.from({ length: last - first + 1 }, async (_, k) => {
        const page = first + k
        if (get().loadedPages[page]) return
        set((s) => ({ loadedPages: { ...s.loadedPages, [page]: 'loading' } }))
        const res = await call(api().tasks.list({ ...query, limit: PAGE, offset: page * PAGE }))
        if (get().query !== query) return // a newer search replaced this one
        get().applyMany(res.jobs)
        set((s) => {
          const ids = s.ids.slice()
          ids.length = Math.max(ids.length, res.total)
          res.jobs.forEach((j, i) => (ids[page * PAGE + i] = j.id))
          return { ids, total: res.total, loadedPages: { ...s.loadedPages, [page]: 'done' } }
        })
      }),
    )
  },
  live() {
    return Object.values(get().byId)
      .filter((j) => isLive(j.state) || j.state === 'needs_attention')
      .sort((a, b) => a.createdAt - b.createdAt)
  },
}))
