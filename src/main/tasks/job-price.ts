import type { StatementSync } from 'node:sqlite'
import { DEFAULT_MODEL, estimateUnits, type VideoKind } from '../../shared/kling'

// What a job costs by the published table (jobs.estimate; null: the table cannot tell) and which
// model its charges count for (jobs.price_model), kept with the job so the money figures never
// parse a request (spend-buckets.ts). An extension is priced by the model and mode of the video at
// the root of its chain and counts for that root's model; so writing or removing a job re-prices
// the extensions below it, and each job's pair is what walking the history today would give.

type Prepare = (sql: string) => StatementSync

/** How far up an extension chain a walk goes (hand-made data with a loop stops there). */
const MAX_DEPTH = 100

export interface JobPrice {
  /** Units of one take by the table; null: unknown. */
  estimate: number | null
  /** The model the job is priced and grouped by. */
  price_model: string
}

/** What pricing reads of a job. */
export interface PricedJob {
  kind: string
  request: object
  parent_job_id: string | null
  /** The request's model_name as the model column keeps it. */
  model: string | null
}

type Roots = Map<string, Record<string, unknown> | null>

/**
 * A request as the unit table prices it: an extension carries `parent`, the model and mode of the
 * video at the root of its chain (what Kling prices an extension by). `cache` saves walking the
 * same chain twice.
 */
export function pricedRequest(
  prepare: Prepare,
  kind: VideoKind,
  request: object,
  parentJobId: string | null,
  cache: Roots = new Map(),
): object {
  if (kind !== 'video-extend' || parentJobId === null) return request
  let root = cache.get(parentJobId)
  if (root === undefined) {
    root = rootRequest(prepare, parentJobId)
    cache.set(parentJobId, root)
  }
  return root ? { ...request, parent: { model_name: root.model_name, mode: root.mode } } : request
}

/** The request of the job at the root of an extension chain (null: not in the history). */
function rootRequest(prepare: Prepare, jobId: string): Record<string, unknown> | null {
  const find = prepare('SELECT kind, request_json, parent_job_id FROM jobs WHERE id = ?')
  let id: string | null = jobId
  for (let depth = 0; id !== null && depth < MAX_DEPTH; depth++) {
    const row = find.get(id) as
      { kind: string; request_json: string; parent_job_id: string | null } | undefined
    if (!row) return null
    if (row.kind !== 'video-extend') return JSON.parse(row.request_json) as Record<string, unknown>
    id = row.parent_job_id
  }
  return null
}

/**
 * The model a job's charges count for: its own (the service's default when it names none), or for
 * an extension the model of the last job its chain reaches (the root, when it is still there).
 */
function priceModel(prepare: Prepare, job: PricedJob): string {
  const find = prepare('SELECT kind, model, parent_job_id FROM jobs WHERE id = ?')
  let model = job.model
  let up = job.kind === 'video-extend' ? job.parent_job_id : null
  for (let depth = 0; up !== null && depth < MAX_DEPTH; depth++) {
    const row = find.get(up) as
      { kind: string; model: string | null; parent_job_id: string | null } | undefined
    if (!row) break
    model = row.model
    up = row.kind === 'video-extend' ? row.parent_job_id : null
  }
  return model ?? DEFAULT_MODEL
}

/** A job's estimate and price model, as the history stands. */
export function priceOf(prepare: Prepare, job: PricedJob, cache?: Roots): JobPrice {
  const kind = job.kind as VideoKind
  const priced = pricedRequest(prepare, kind, job.request, job.parent_job_id, cache)
  return { estimate: estimateUnits(kind, priced).units, price_model: priceModel(prepare, job) }
}

interface Stored {
  r: number
  id: string
  kind: string
  request_json: string
  parent_job_id: string | null
  model: string | null
  estimate: number | null
  price_model: string | null
}

/**
 * Prices again the extensions below a job that was just written or removed (an extension may be
 * rebuilt from its sidecar before the video it extends). Usually one index lookup that finds none.
 */
export function repriceExtensions(prepare: Prepare, jobId: string): void {
  const children = prepare(
    `SELECT rowid AS r, id, kind, request_json, parent_job_id, model, estimate, price_model
     FROM jobs WHERE parent_job_id = ? AND kind = 'video-extend'`,
  )
  const update = prepare('UPDATE jobs SET estimate = ?, price_model = ? WHERE rowid = ?')
  const seen = new Set([jobId])
  const queue = [jobId]
  while (queue.length > 0) {
    for (const row of children.all(queue.shift()!) as unknown as Stored[]) {
      if (seen.has(row.id)) continue
      seen.add(row.id)
      queue.push(row.id)
      const request = JSON.parse(row.request_json) as object
      const price = priceOf(prepare, { ...row, request })
      if (price.estimate !== row.estimate || price.price_model !== row.price_model)
        update.run(price.estimate, price.price_model, row.r)
    }
  }
}

/** The fields of a request the unit table reads (priceBasis), as one JSON array ('': none). */
const BASIS = `COALESCE(CASE WHEN json_valid(request_json) THEN
  json_extract(request_json, '$.model_name', '$.mode', '$.duration', '$.sound', '$.parent') END, '')`
/** Jobs not priced yet whose price is their own (no chain to walk). */
const ALONE = `price_model IS NULL AND NOT (kind = 'video-extend' AND parent_job_id IS NOT NULL)`

/**
 * Prices every job that has no price model yet: a history written before prices were kept (a
 * million jobs in seconds), or rows an older release wrote since (found by a partial index).
 * Requests alike in what the table reads share one estimate, computed here once and written to
 * them all by one UPDATE; an extension of a job walks its chain. Returns how many were priced.
 */
export function priceUnpriced(prepare: Prepare, chunk = 5_000): number {
  prepare(
    `CREATE TEMP TABLE IF NOT EXISTS spend_prices (kind TEXT NOT NULL, basis TEXT NOT NULL,
       estimate REAL, PRIMARY KEY (kind, basis)) WITHOUT ROWID`,
  ).run()
  try {
    const add = prepare('INSERT INTO temp.spend_prices (kind, basis, estimate) VALUES (?, ?, ?)')
    // +kind: read through the partial index when there is one, never walk the kind index.
    const alike = prepare(
      `SELECT DISTINCT +kind AS kind, ${BASIS} AS basis FROM jobs WHERE ${ALONE}`,
    )
    for (const { kind, basis } of alike.all() as { kind: string; basis: string }[])
      add.run(kind, basis, basis === '' ? null : estimateOfBasis(kind, basis))
    const { changes } = prepare(
      `UPDATE jobs SET price_model = COALESCE(model, ?), estimate = (SELECT estimate
         FROM temp.spend_prices p WHERE p.kind = jobs.kind AND p.basis = ${BASIS})
       WHERE ${ALONE}`,
    ).run(DEFAULT_MODEL)
    return Number(changes) + priceChains(prepare, chunk)
  } finally {
    prepare('DROP TABLE temp.spend_prices').run()
  }
}

/** Prices the extensions of a job not priced yet, a chunk at a time (their roots cached). */
function priceChains(prepare: Prepare, chunk: number): number {
  const select = prepare(
    `SELECT rowid AS r, kind, parent_job_id, model, request_json FROM jobs
     WHERE kind = 'video-extend' AND parent_job_id IS NOT NULL AND price_model IS NULL
       AND rowid > ? ORDER BY rowid LIMIT ?`,
  )
  const update = prepare('UPDATE jobs SET estimate = ?, price_model = ? WHERE rowid = ?')
  const roots: Roots = new Map()
  let after = -Number.MAX_SAFE_INTEGER
  let priced = 0
  for (;;) {
    const rows = select.all(after, chunk) as unknown as Stored[]
    for (const row of rows) {
      const request = JSON.parse(row.request_json) as object
      const price = priceOf(prepare, { ...row, request }, roots)
      update.run(price.estimate, price.price_model, row.r)
      after = row.r
    }
    priced += rows.length
    if (rows.length < chunk) return priced
  }
}

/** The estimate of a request from the fields the table reads (BASIS). */
function estimateOfBasis(kind: string, basis: string): number | null {
  const [model_name, mode, duration, sound, parent] = JSON.parse(basis) as unknown[]
  const request = { model_name, mode, duration, sound, parent }
  return estimateUnits(kind as VideoKind, request).units
}
