import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { JobPage, JobQuery } from '../../shared/jobs'
import { toRecord, type JobRecord, type JobRow } from './job-row'
import {
  choosePlan,
  forcedPlan,
  type DriverKind,
  type Filter,
  type Plan,
  type SearchFacts,
} from './ledger-plan'
import { ftsQuery, searchShape, type Expand } from './ledger-search'

// Pages of the library, newest first, at any size of history. Rowid follows created_at, so
// "newest first" is ORDER BY rowid DESC, which the table, each filter's index (rowid order within
// a value) and the full-text index all stream: a page stops as soon as it is full. Where to read
// from is ledger-plan.ts's choice.
//
// A page's total costs no more than the page: exact from the kept counts when at most one filter
// applies and nothing is searched, otherwise the rows found by looking a little past the page,
// marked as a lower bound when there may be more.

export type CountedFacet = 'state' | 'model' | 'aspect_ratio' | 'favourite' | 'sandbox' | 'kind'

export interface ListSource {
  stmt(sql: string): StatementSync
  /** The terms a long search word is the prefix of (see ledger-search.ts). */
  expand?: Expand
}

/** How many jobs have one of these values of a facet ('all': every job), from the kept counts. */
function count(src: ListSource, facet: CountedFacet | 'all', values: SQLInputValue[]): number {
  if (facet === 'all')
    return (src.stmt("SELECT n FROM job_counts WHERE facet = 'all'").get() as { n: number }).n
  const row = src
    .stmt(
      'SELECT coalesce(sum(n), 0) AS n FROM job_counts WHERE facet = ? AND value IN (SELECT quote(value) FROM json_each(?))',
    )
    .get(facet, JSON.stringify(values)) as { n: number }
  return row.n
}

/** A page as main holds it: the shared JobPage with records, and the bound always said. */
export interface ListPage extends JobPage {
  jobs: JobRecord[]
  totalIsEstimate: boolean
}

/** How far past the page a total looks: far where a row costs little, one page elsewhere. */
const LOOKAHEAD_CHEAP = 1000
const PARENT_COUNT_CAP = 10_000
/** A search's matches are counted this far before planning; past it they are estimated. */
const PROBE = 2000
/** A word longer than the prefix indexes is taken to be in one job of eight (never counted). */
const LONG_WORD_SHARE = 1 / 8

const FACETS: [keyof JobQuery, CountedFacet, string][] = [
  ['states', 'state', 'jobs_state'],
  ['kind', 'kind', 'jobs_kind'],
  ['model', 'model', 'jobs_model'],
  ['aspectRatio', 'aspect_ratio', 'jobs_aspect'],
  ['favourite', 'favourite', 'jobs_favourite'],
  ['sandbox', 'sandbox', 'jobs_sandbox'],
]

function filtersOf(src: ListSource, query: JobQuery): Filter[] {
  const out: Filter[] = []
  for (const [key, facet, index] of FACETS) {
    const raw = query[key]
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) continue
    const values = (Array.isArray(raw) ? [...new Set(raw)] : [raw]).map((v) =>
      typeof v === 'boolean' ? (v ? 1 : 0) : (v as SQLInputValue),
    )
    out.push({ column: facet, index, values, count: count(src, facet, values) })
  }
  if (query.parentJobId !== undefined) {
    const { n } = src
      .stmt(
        'SELECT count(*) AS n FROM (SELECT 1 FROM jobs INDEXED BY jobs_parent WHERE parent_job_id = ? LIMIT ?)',
      )
      .get(query.parentJobId, PARENT_COUNT_CAP) as { n: number }
    out.push({
      column: 'parent_job_id',
      index: 'jobs_parent',
      values: [query.parentJobId],
      count: n,
    })
  }
  return out
}

/**
 * What the planner needs to know of a search. Its matches are counted (newest first, up to
 * PROBE) only when a filter makes the choice matter and the count is cheap (short words); past
 * PROBE, how far back those matches reach gives their density, history being spread over time.
 */
function searchFacts(
  src: ListSource,
  text: string,
  match: string,
  filters: Filter[],
  all: number,
): SearchFacts {
  const shape = searchShape(text, src.expand)
  if (!shape.short || filters.length === 0)
    return { ...shape, matches: shape.short ? all : all * LONG_WORD_SHARE }
  const probe = src
    .stmt(
      `SELECT count(*) AS n, min(r) AS lo FROM
         (SELECT rowid AS r FROM jobs_fts WHERE jobs_fts MATCH ? ORDER BY rowid DESC LIMIT ?)`,
    )
    .get(match, PROBE) as { n: number; lo: number | null }
  if (probe.n < PROBE) return { ...shape, matches: probe.n }
  const ends = src
    .stmt(
      `SELECT (SELECT rowid FROM jobs ORDER BY rowid LIMIT 1) AS first,
              (SELECT rowid FROM jobs ORDER BY rowid DESC LIMIT 1) AS last`,
    )
    .get() as { first: number; last: number }
  const reached = (ends.last - probe.lo!) / Math.max(ends.last - ends.first, 1)
  return { ...shape, matches: Math.min(all, PROBE / Math.max(reached, PROBE / all)) }
}

/** A filter as SQL: `column = ?` or `column IN (?, ...)`. */
const test = (f: Filter, alias: string) =>
  f.values.length === 1
    ? `${alias}.${f.column} = ?`
    : `${alias}.${f.column} IN (${f.values.map(() => '?').join(', ')})`

/**
 * The statement giving the rowids of matching jobs, newest first (LIMIT and OFFSET last). The
 * source is read in rowid order; every other filter is a seek in its own index (a semi-join on
 * rowid), the most selective first; the table itself is read only for the page's rows.
 */
function rowidQuery(
  plan: Plan,
  filters: Filter[],
  match: string | null,
  range: { lo: number | null; hi: number | null },
): { sql: string; args: SQLInputValue[] } {
  const from: string[] = []
  const where: string[] = []
  const args: SQLInputValue[] = []
  const whereArgs: SQLInputValue[] = []
  const fromFts = plan.driver === 'fts'
  const key = fromFts ? 'jobs_fts.rowid' : 'd.rowid'
  if (plan.driver === 'table') from.push('jobs AS d NOT INDEXED')
  else if (fromFts) from.push('jobs_fts')
  else from.push(`jobs AS d INDEXED BY ${plan.filter!.index}`)
  const inRow = plan.driver === 'table' ? filters : fromFts ? [] : [plan.filter!]
  const others = filters.filter((f) => !inRow.includes(f)).sort((a, b) => a.count - b.count)
  others.forEach((f, i) => {
    from.push(
      `CROSS JOIN jobs AS f${i} INDEXED BY ${f.index} ON f${i}.rowid = ${key} AND ${test(f, `f${i}`)}`,
    )
    args.push(...f.values)
  })
  if (plan.driver === 'index+fts-row') from.push('CROSS JOIN jobs_fts ON jobs_fts.rowid = d.rowid')
  if (match !== null && plan.driver !== 'index+fts-set') {
    where.push('jobs_fts MATCH ?')
    whereArgs.push(match)
  }
  for (const f of inRow) {
    where.push(test(f, 'd'))
    whereArgs.push(...f.values)
  }
  if (range.lo !== null) {
    where.push(`${key} >= ?`)
    whereArgs.push(range.lo)
  }
  if (range.hi !== null) {
    where.push(`${key} < ?`)
    whereArgs.push(range.hi)
  }
  if (match !== null && plan.driver === 'index+fts-set') {
    where.push('d.rowid IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?)')
    whereArgs.push(match)
  }
  const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''
  return {
    sql: `SELECT ${key} AS r FROM ${from.join(' ')}${clause} ORDER BY ${key} DESC LIMIT ? OFFSET ?`,
    args: [...args, ...whereArgs],
  }
}

function rowsOf(src: ListSource, rowids: number[]): JobRecord[] {
  if (rowids.length === 0) return []
  const rows = src
    .stmt('SELECT * FROM jobs WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid DESC')
    .all(JSON.stringify(rowids)) as unknown as JobRow[]
  return rows.map(toRecord)
}

const whole = (n: number | undefined, otherwise: number) =>
  n !== undefined && Number.isFinite(n) ? Math.trunc(n) : otherwise

/** A millisecond bound of created_at as a rowid bound (rowid = created_at * 1000 + n). */
const bound = (ms: number | undefined): number | null =>
  ms === undefined || !Number.isFinite(ms) ? null : Math.ceil(ms) * 1000

interface Prepared {
  limit: number
  offset: number
  /** The total is known from the counts alone. */
  counted: boolean
  /** Each row read is a match: no filter is checked beyond the source itself. */
  cheap: boolean
  total: number
  plan: Plan
  sql: string
  args: SQLInputValue[]
}

/** Everything about a query short of running it; null when nothing can match. */
function prepare(src: ListSource, query: JobQuery, force?: DriverKind): Prepared | null {
  const limit = Math.min(Math.max(whole(query.limit, 50), 1), 500)
  const offset = Math.max(whole(query.offset, 0), 0)
  const match = query.search ? ftsQuery(query.search, src.expand) : null
  if (query.search && match === null) return null
  const filters = filtersOf(src, query)
  if (filters.some((f) => f.count === 0)) return null
  const range = { lo: bound(query.since), hi: bound(query.until) }
  const all = count(src, 'all', [])
  const search = match === null ? null : searchFacts(src, query.search!, match, filters, all)
  const plan =
    (force && forcedPlan(force, filters, search)) ||
    choosePlan(filters, all, offset + limit * 2, search)
  const counted =
    match === null &&
    range.lo === null &&
    range.hi === null &&
    filters.length <= 1 &&
    query.parentJobId === undefined
  const total = counted ? (filters[0]?.count ?? all) : 0
  const cheap = filters.length === 0 || (plan.driver === 'index' && filters.length === 1)
  return { limit, offset, counted, cheap, total, plan, ...rowidQuery(plan, filters, match, range) }
}

/**
 * One page of the library. `force` picks the source instead of the planner (tests compare
 * every source against each other).
 */
export function listJobs(src: ListSource, query: JobQuery = {}, force?: DriverKind): ListPage {
  const p = prepare(src, query, force)
  if (!p) return { jobs: [], total: 0, totalIsEstimate: false }
  const lookahead = p.counted ? 0 : p.cheap ? LOOKAHEAD_CHEAP : p.limit
  const found = (
    src.stmt(p.sql).all(...p.args, p.limit + lookahead, p.offset) as { r: number }[]
  ).map((r) => r.r)
  const jobs = rowsOf(src, found.slice(0, p.limit))
  if (p.counted) return { jobs, total: p.total, totalIsEstimate: false }
  if (found.length === 0 && p.offset > 0) {
    // Past the end: how many there are, counting no further than the offset asked for.
    const { n } = src.stmt(`SELECT count(*) AS n FROM (${p.sql})`).get(...p.args, p.offset, 0) as {
      n: number
    }
    return { jobs, total: n, totalIsEstimate: false }
  }
  const total = p.offset + found.length
  return { jobs, total, totalIsEstimate: found.length === p.limit + lookahead }
}

/** The source the planner picks for a query, and its SQL (the bench; EXPLAIN QUERY PLAN). */
export function explainList(src: ListSource, query: JobQuery): { driver: DriverKind; sql: string } {
  const p = prepare(src, query)
  return p ? { driver: p.plan.driver, sql: p.sql } : { driver: 'table', sql: '' }
}
