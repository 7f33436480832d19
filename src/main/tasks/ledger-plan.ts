import type { SQLInputValue } from 'node:sqlite'

// Where a page of the library is read from. Every source yields rows newest first (rowid DESC),
// so a page stops as soon as it is full; what differs is how many rows each must look at before
// it has a page, and what looking at one costs. The per-value counts (exact, kept by triggers)
// and a short look at the search's own matches give those numbers; the cheapest source wins.
// The choice changes the speed, never the rows.

export type DriverKind = 'table' | 'index' | 'fts' | 'index+fts-row' | 'index+fts-set'

/** One filter of a query: a column, its index, the values it accepts and how many rows have them. */
export interface Filter {
  column: string
  index: string
  values: SQLInputValue[]
  count: number
}

/** A search as the planner sees it. */
export interface SearchFacts {
  /** Words in the query. */
  words: number
  /** Every word within the prefix indexes: a check of one row is a few index seeks. */
  short: boolean
  /** How many jobs it matches, or an estimate. */
  matches: number
}

export interface Plan {
  driver: DriverKind
  /** The filter whose index is read (index drivers). */
  filter?: Filter
  /** Estimated microseconds. */
  cost: number
}

/**
 * Microseconds per row on the bench's million-job history; only their ratios matter. A filter
 * other than the source is checked by a seek in its own index (narrow, well cached), never by
 * reading the row. A full-text match of a prefix longer than the prefix indexes makes FTS5 gather
 * every term it covers, whoever asks: checking one row costs the whole match, so such a search is
 * matched once, as a set, when it is not itself the source.
 */
const COST = {
  tableRow: 0.3,
  indexRow: 0.05,
  seekRow: 0.4,
  ftsRow: 0.2,
  ftsCheck: 50,
  ftsCheckWord: 15,
  ftsSetRow: 0.4,
  sortRow: 0.5,
}

const shareOf = (f: Filter, all: number) => Math.min(1, f.count / all)

/** The cheapest way to the first `need` rows of `all` jobs. */
export function choosePlan(
  filters: Filter[],
  all: number,
  need: number,
  search: SearchFacts | null,
): Plan {
  const n = Math.max(all, 1)
  const share = filters.reduce((s, f) => s * shareOf(f, n), 1)
  const found = search === null ? 1 : Math.min(1, Math.max(search.matches, 1) / n)
  const plans: Plan[] = []
  if (search === null)
    plans.push({ driver: 'table', cost: Math.min(n, need / share) * COST.tableRow })
  else {
    const seek = filters.length > 0 ? COST.seekRow : 0
    plans.push({ driver: 'fts', cost: Math.min(found * n, need / share) * (COST.ftsRow + seek) })
  }
  for (const f of filters) {
    // Read in rowid order from the index when it holds one value, else gathered and sorted.
    const single = f.values.length === 1
    const rest = share / shareOf(f, n)
    const rows = single ? Math.min(f.count, need / (rest * found)) : f.count
    const read = rows * (COST.indexRow + (filters.length > 1 ? COST.seekRow : 0))
    const sort = single ? 0 : f.count * COST.sortRow
    if (search === null) plans.push({ driver: 'index', filter: f, cost: read + sort })
    else if (search.short) {
      const check = rows * rest * (COST.ftsCheck + COST.ftsCheckWord * search.words)
      plans.push({ driver: 'index+fts-row', filter: f, cost: read + check + sort })
    } else {
      const set = found * n * COST.ftsSetRow
      plans.push({ driver: 'index+fts-set', filter: f, cost: set + f.count * COST.seekRow + sort })
    }
  }
  return cheapest(plans)
}

function cheapest(plans: Plan[]): Plan {
  return plans.reduce((best, p) => (p.cost < best.cost ? p : best))
}

/** The plan for a forced driver (tests compare every source), or the chosen one if it cannot apply. */
export function forcedPlan(
  force: DriverKind,
  filters: Filter[],
  search: SearchFacts | null,
): Plan | null {
  const filter = filters.reduce<Filter | undefined>(
    (best, f) => (best === undefined || f.count < best.count ? f : best),
    undefined,
  )
  const needsFilter = force.startsWith('index')
  const needsSearch = force.includes('fts')
  if ((needsFilter && !filter) || needsSearch !== (search !== null)) return null
  return { driver: force, filter, cost: 0 }
}
