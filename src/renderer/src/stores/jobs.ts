import { create } from 'zustand'
import { FACTS_IDS_MAX, type JobTrouble, type MediaFacts } from '../../../shared/contract'
import { isLive, type Job, type JobPage, type JobQuery } from '../../../shared/jobs'
import { api, call } from '../api'

// Every job the page knows, by id. Updates arrive as events with a revision; an older revision
// than the one held is dropped, so events and list answers can race without going backwards.
// Also the library's current query, its results by position, the facts of saved files, and the
// steps main retries after they failed on this computer (kept current by trouble-watch.ts).

export const PAGE = 200
/** How many ids one library.facts call may name (the contract's limit). */
export const FACTS_BATCH = FACTS_IDS_MAX
/** How long a filtered library waits after state changes before asking main again. */
export const FILTERED_REFRESH_MS = 500
let refreshTimer: ReturnType<typeof setTimeout> | undefined

/**
 * The library's order. Main pages newest first only; oldest first is the same pages read from
 * the end, which needs an exact total (not while the total is a lower bound).
 */
export type LibrarySort = 'newest' | 'oldest'

export interface JobsState {
  byId: Record<string, Job>
  /** The library's current query and the ids of its results, newest first (sparse while loading). */
  query: JobQuery
  ids: (string | undefined)[]
  total: number
  /** The total is a lower bound: at least this many match (a search on a large history). */
  totalIsEstimate: boolean
  sort: LibrarySort
  loadedPages: Record<number, 'loading' | 'done'>
  /** The history answered the page's first list at start (or failed to): "nothing yet" may show. */
  firstListed: boolean
  progress: Record<string, { received: number; total: number | null }>
  /** What each saved file is (resolution, length, size...), as main read it. */
  facts: Record<string, MediaFacts>
  /** Ids already asked about (answered or not), so a scroll never asks twice. */
  factsAsked: Record<string, true>
  /** Jobs whose step failed in main and waits to be tried again (main's memory, not the history). */
  troubles: Record<string, JobTrouble>
  /** One job's trouble as main told it; null: gone (a step went through). */
  setTrouble(id: string, trouble: JobTrouble | null): void
  /** Main's whole list; jobs in `keep` (told of since it was asked for) keep what they hold. */
  setTroubles(all: Record<string, JobTrouble>, keep?: ReadonlySet<string>): void
  apply(job: Job): void
  applyMany(jobs: Job[]): void
  remove(id: string): void
  setProgress(id: string, received: number, total: number | null): void
  /** Runs a query; the same one again only with `force` (after a rescan, say). */
  setQuery(query: JobQuery, force?: boolean): Promise<void>
  /** Loads the pages holding these positions (newest-first positions). */
  ensureRange(start: number, end: number): Promise<void>
  setSort(sort: LibrarySort): void
  /** The order in effect: oldest first falls back to newest while the total is a lower bound. */
  effectiveSort(): LibrarySort
  /** The id shown at a position of the library in its current order (undefined: not loaded). */
  idAt(position: number): string | undefined
  /** Where an id is shown in the current order (-1: not in the loaded results). */
  positionOf(id: string): number
  /** Loads the pages behind these positions of the current order. */
  ensurePositions(start: number, end: number): Promise<void>
  /** Asks main for the facts of saved files not asked about yet (in batches). */
  ensureFacts(ids: string[]): Promise<void>
  live(): Job[]
}

function fresher(held: Job | undefined, next: Job): boolean {
  return !held || next.revision > held.revision
}

/**
 * The total after one more page: an exact answer is the truth; a lower bound only ever raises
 * what is held (a later page may know of more), and keeps saying it is a bound.
 */
export function mergeTotal(
  held: { total: number; totalIsEstimate: boolean },
  page: Pick<JobPage, 'total' | 'totalIsEstimate'>,
): { total: number; totalIsEstimate: boolean } {
  if (!page.totalIsEstimate) return { total: page.total, totalIsEstimate: false }
  if (!held.totalIsEstimate && held.total >= page.total) return held
  return { total: Math.max(held.total, page.total), totalIsEstimate: true }
}

type GetJobs = () => JobsState
type SetJobs = (partial: Partial<JobsState> | ((s: JobsState) => Partial<JobsState>)) => void

/**
 * The facts held of a file that changed: none for a file saved or unsaved since; for a file saved
 * again (other bytes, a later update) they are asked for anew, the old ones shown meanwhile.
 */
function factsAfterUpdate(
  s: Pick<JobsState, 'facts' | 'factsAsked'>,
  held: Job | undefined,
  job: Job,
): Pick<JobsState, 'facts' | 'factsAsked'> | null {
  if (!held || !(s.factsAsked[job.id] || s.facts[job.id])) return null
  const { [job.id]: _a, ...factsAsked } = s.factsAsked
  if (held.saved !== job.saved) {
    const { [job.id]: _f, ...facts } = s.facts
    return { facts, factsAsked }
  }
  if (held.bytes !== job.bytes || held.updatedAt !== job.updatedAt)
    return { facts: s.facts, factsAsked }
  return null
}

/** The state with one job more (or newer). */
function withJob(s: JobsState, held: Job | undefined, job: Job): Partial<JobsState> {
  const next: Partial<JobsState> = { byId: { ...s.byId, [job.id]: job } }
  // A new job of an unfiltered view goes to the top at once. An older one not loaded here (another
  // process changed it: a favourite, a download again) is not new: it stays where it belongs.
  const newest = s.ids.length > 0 ? s.byId[s.ids[0]!]?.createdAt : undefined
  const isNew = newest === undefined || job.createdAt >= newest
  if (!held && isNew && Object.keys(s.query).length === 0 && !s.ids.includes(job.id)) {
    next.ids = [job.id, ...s.ids]
    next.total = s.total + 1
  }
  // A file saved again may be another file: its facts are asked for anew.
  return { ...next, ...factsAfterUpdate(s, held, job) }
}

/** The state with these jobs where they are newer than the ones held. */
function withJobs(s: JobsState, jobs: Job[]): Partial<JobsState> {
  const byId = { ...s.byId }
  let known = { facts: s.facts, factsAsked: s.factsAsked }
  for (const job of jobs) {
    if (!fresher(byId[job.id], job)) continue
    known = factsAfterUpdate(known, byId[job.id], job) ?? known
    byId[job.id] = job
  }
  return { byId, ...known }
}

/** The state without a job: not in the results, and nothing held about its file. */
function withoutJob(s: JobsState, id: string): Partial<JobsState> {
  const { [id]: _gone, ...byId } = s.byId
  const { [id]: _facts, ...facts } = s.facts
  const { [id]: _asked, ...factsAsked } = s.factsAsked
  const { [id]: _progress, ...progress } = s.progress
  const { [id]: _trouble, ...troubles } = s.troubles
  const ids = s.ids.filter((x) => x !== id)
  const total = Math.max(0, s.total - (ids.length < s.ids.length ? 1 : 0))
  return { byId, ids, total, facts, factsAsked, progress, troubles }
}

/**
 * A filtered view cannot tell by itself whether a job that changed state now belongs in it: main
 * is asked again, once things settle.
 */
function refreshFilteredSoon(get: GetJobs): void {
  if (Object.keys(get().query).length === 0) return
  clearTimeout(refreshTimer)
  refreshTimer = setTimeout(() => {
    void get()
      .setQuery(get().query, true)
      .catch(() => {})
  }, FILTERED_REFRESH_MS)
}

/** Runs a query: old results stay on screen until its first page replaces them in one step. */
async function runQuery(get: GetJobs, set: SetJobs, query: JobQuery): Promise<void> {
  set({ query, loadedPages: { 0: 'loading' } })
  const res = await call(api().tasks.list({ ...query, limit: PAGE, offset: 0 }))
  if (get().query !== query) return
  get().applyMany(res.jobs)
  const ids: (string | undefined)[] = new Array<string | undefined>(res.total)
  res.jobs.forEach((j, i) => (ids[i] = j.id))
  set({
    ids,
    total: res.total,
    totalIsEstimate: res.totalIsEstimate === true,
    loadedPages: { 0: 'done' },
  })
}

/** Loads one page of the library's current query into its positions. */
async function loadPage(get: GetJobs, set: SetJobs, page: number): Promise<void> {
  const query = get().query
  if (get().loadedPages[page]) return
  set((s) => ({ loadedPages: { ...s.loadedPages, [page]: 'loading' } }))
  const res = await Promise.resolve()
    .then(() => call(api().tasks.list({ ...query, limit: PAGE, offset: page * PAGE })))
    .catch((error: unknown) => {
      // Not loaded after all: the next look at these rows asks again.
      if (get().query === query)
        set((s) => {
          const { [page]: _failed, ...loadedPages } = s.loadedPages
          return { loadedPages }
        })
      throw error
    })
  if (get().query !== query) return // a newer search replaced this one
  get().applyMany(res.jobs)
  set((s) => {
    const merged = mergeTotal(s, res)
    const ids = s.ids.slice()
    ids.length = Math.max(ids.length, merged.total)
    res.jobs.forEach((j, i) => (ids[page * PAGE + i] = j.id))
    return { ids, ...merged, loadedPages: { ...s.loadedPages, [page]: 'done' } }
  })
}

/** Asks main for these files' facts, in batches; what it does not answer is no longer held. */
async function askFacts(set: SetJobs, wanted: string[]): Promise<void> {
  set((st) => ({
    factsAsked: { ...st.factsAsked, ...Object.fromEntries(wanted.map((id) => [id, true])) },
  }))
  for (let i = 0; i < wanted.length; i += FACTS_BATCH) {
    const ids = wanted.slice(i, i + FACTS_BATCH)
    // Facts are a nicety on a tile: a file main cannot read keeps the tile as it is.
    const answer = await Promise.resolve()
      .then(() => call(api().library.facts({ ids })))
      .catch(() => null)
    if (!answer) continue
    set((st) => {
      const facts = { ...st.facts, ...answer }
      for (const id of ids) if (!(id in answer)) delete facts[id]
      return { facts }
    })
  }
}

export const useJobs = create<JobsState>((set, get) => ({
  byId: {},
  query: {},
  ids: [],
  total: 0,
  totalIsEstimate: false,
  sort: 'newest',
  loadedPages: {},
  firstListed: false,
  progress: {},
  facts: {},
  factsAsked: {},
  troubles: {},
  setTrouble(id, trouble) {
    set((s) => {
      const { [id]: _held, ...troubles } = s.troubles
      return { troubles: trouble ? { ...troubles, [id]: trouble } : troubles }
    })
  },
  setTroubles(all, keep) {
    set((s) => {
      const troubles = { ...all }
      for (const id of keep ?? []) {
        if (s.troubles[id]) troubles[id] = s.troubles[id]
        else delete troubles[id]
      }
      return { troubles }
    })
  },
  apply(job) {
    const held = get().byId[job.id]
    if (!fresher(held, job)) return
    if (held?.state !== job.state) refreshFilteredSoon(get)
    set((s) => withJob(s, held, job))
  },
  applyMany(jobs) {
    set((s) => withJobs(s, jobs))
  },
  remove(id) {
    set((s) => withoutJob(s, id))
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
    await runQuery(get, set, query)
  },
  async ensureRange(start, end) {
    const first = Math.floor(Math.max(0, start) / PAGE)
    const last = Math.floor(Math.max(0, end) / PAGE)
    await Promise.all(
      Array.from({ length: last - first + 1 }, (_, k) => loadPage(get, set, first + k)),
    )
  },
  setSort(sort) {
    set({ sort })
  },
  effectiveSort() {
    const s = get()
    return s.sort === 'oldest' && !s.totalIsEstimate ? 'oldest' : 'newest'
  },
  idAt(position) {
    const s = get()
    if (position < 0 || position >= s.total) return undefined
    return s.ids[s.effectiveSort() === 'oldest' ? s.total - 1 - position : position]
  },
  positionOf(id) {
    const s = get()
    const at = s.ids.indexOf(id)
    if (at < 0 || at >= s.total) return -1
    return s.effectiveSort() === 'oldest' ? s.total - 1 - at : at
  },
  ensurePositions(start, end) {
    const s = get()
    if (s.effectiveSort() === 'newest') return s.ensureRange(start, end)
    return s.ensureRange(s.total - 1 - end, s.total - 1 - start)
  },
  async ensureFacts(ids) {
    const s = get()
    const wanted = [...new Set(ids)].filter((id) => !s.factsAsked[id] && s.byId[id]?.saved)
    if (wanted.length > 0) await askFacts(set, wanted)
  },
  live() {
    return Object.values(get().byId)
      .filter((j) => isLive(j.state) || j.state === 'needs_attention')
      .sort((a, b) => a.createdAt - b.createdAt)
  },
}))
