import type { Job } from '../../src/shared/jobs'
import { useJobs } from '../../src/renderer/src/stores/jobs'

// The library's store as after its first pages arrived: these jobs, the first `loaded` of them in
// the grid's order, `total` slots (a lower bound when `estimate`), no facts asked yet; the first
// page counts as loaded when all are (or when said).

export interface LibrarySeed {
  loaded?: number
  total?: number
  estimate?: boolean
  firstPageDone?: boolean
}

export function seedLibrary(jobs: Job[], seed: LibrarySeed = {}): void {
  const loaded = seed.loaded ?? jobs.length
  const total = seed.total ?? jobs.length
  const estimate = seed.estimate ?? false
  const firstPageDone = seed.firstPageDone ?? loaded === total
  const ids: (string | undefined)[] = new Array<string | undefined>(total)
  jobs.slice(0, loaded).forEach((j, i) => (ids[i] = j.id))
  useJobs.setState({
    byId: Object.fromEntries(jobs.map((j) => [j.id, j])),
    ids,
    total,
    totalIsEstimate: estimate,
    sort: 'newest',
    query: {},
    loadedPages: firstPageDone ? { 0: 'done' } : {},
    progress: {},
    facts: {},
    factsAsked: {},
  })
}
