import type { StatementSync } from 'node:sqlite'
import { DEFAULT_MODEL, estimateUnits, type VideoKind } from '../../src/shared/kling'
import type { Budget } from '../../src/shared/settings'
import {
  buildSummary,
  localDay,
  localMidnight,
  periodStart,
  summaryStart,
  type Committed,
  type ModelSpend,
  type SpendBucket,
  type SpendSummary,
} from '../../src/shared/spend'

// The money figures as the release before this one made them: read from the jobs table at every
// call, every uncharged job's request parsed and priced, every extension walked to its root in
// SQL. Kept here, verbatim but for taking `prepare`, as the reference the kept sums must equal on
// the same history (spend-buckets.test.ts), with a brute-force recount of every bucket.

type Prepare = (sql: string) => StatementSync

const OPEN = Number.MAX_SAFE_INTEGER
const round = (n: number): number => Math.round(n * 100) / 100
const rowidOf = (ms: number): number => (ms >= OPEN / 1000 ? OPEN : Math.trunc(ms) * 1000)

const UNCHARGED_STATES = [
  'queued',
  'creating',
  'submitted',
  'processing',
  'downloading',
  'needs_attention',
  'done',
  'expired',
] as const

export function refByDay(prepare: Prepare, fromMs: number, untilMs = OPEN): SpendBucket[] {
  const rows = prepare(
    `SELECT date(created_at / 1000, 'unixepoch', 'localtime') AS start,
            total(CAST(units AS REAL)) AS units, count(*) AS tasks
     FROM jobs
     WHERE rowid >= ? AND rowid < ? AND sandbox = 0 AND units IS NOT NULL
     GROUP BY start ORDER BY start`,
  ).all(rowidOf(fromMs), rowidOf(untilMs)) as unknown as SpendBucket[]
  return rows.map((r) => ({ start: r.start, units: round(r.units), tasks: r.tasks }))
}

/** The walk of the release before: a job's model, or its chain's last one, by rowid range. */
const WALK = `WITH RECURSIVE walk (model, up, units, depth) AS (
   SELECT model, CASE WHEN kind = 'video-extend' THEN parent_job_id END,
          CAST(units AS REAL), 0
   FROM jobs WHERE rowid >= ? AND rowid < ? AND sandbox = 0 AND units IS NOT NULL
   UNION ALL
   SELECT p.model, CASE WHEN p.kind = 'video-extend' THEN p.parent_job_id END, w.units,
          w.depth + 1
   FROM walk w JOIN jobs p ON p.id = w.up
   WHERE w.up IS NOT NULL AND w.depth < 100
 )
 SELECT COALESCE(model, ?) AS model, total(units) AS units, count(*) AS tasks
 FROM walk w
 WHERE w.up IS NULL OR NOT EXISTS (SELECT 1 FROM jobs p WHERE p.id = w.up) OR w.depth >= 100
 GROUP BY 1 ORDER BY units DESC, model`

export function refByModel(prepare: Prepare, fromMs: number, untilMs = OPEN): ModelSpend[] {
  const rows = prepare(WALK).all(
    rowidOf(fromMs),
    rowidOf(untilMs),
    DEFAULT_MODEL,
  ) as unknown as ModelSpend[]
  return rows.map((r) => ({ model: r.model, units: round(r.units), tasks: r.tasks }))
}

export function refPriced(
  prepare: Prepare,
  kind: VideoKind,
  request: object,
  parentJobId: string | null,
): object {
  if (kind !== 'video-extend' || parentJobId === null) return request
  const find = prepare('SELECT kind, request_json, parent_job_id FROM jobs WHERE id = ?')
  let root: Record<string, unknown> | null = null
  let id: string | null = parentJobId
  for (let depth = 0; id !== null && depth < 100; depth++) {
    const row = find.get(id) as
      { kind: string; request_json: string; parent_job_id: string | null } | undefined
    if (!row) break
    if (row.kind !== 'video-extend') {
      root = JSON.parse(row.request_json) as Record<string, unknown>
      break
    }
    id = row.parent_job_id
  }
  return root ? { ...request, parent: { model_name: root.model_name, mode: root.mode } } : request
}

interface PricingRow {
  rowid: number
  kind: VideoKind
  request_json: string
  parent_job_id: string | null
}

export function refCommitted(prepare: Prepare, fromMs: number): Committed {
  const from = rowidOf(fromMs)
  const { charged } = prepare(
    `SELECT total(CAST(units AS REAL)) AS charged FROM jobs
     WHERE rowid >= ? AND sandbox = 0 AND units IS NOT NULL`,
  ).get(from) as { charged: number }
  const rows = prepare(
    `SELECT kind, request_json, parent_job_id FROM jobs
     WHERE rowid >= ? AND sandbox = 0 AND units IS NULL
       AND state IN (${UNCHARGED_STATES.map(() => '?').join(', ')})`,
  ).all(from, ...UNCHARGED_STATES) as unknown as PricingRow[]
  let pending = 0
  let unknown = 0
  for (const row of rows) {
    const request = JSON.parse(row.request_json) as object
    const { units } = estimateUnits(
      row.kind,
      refPriced(prepare, row.kind, request, row.parent_job_id),
    )
    if (units === null) unknown++
    else pending += units
  }
  return { charged: round(charged), pending: round(pending), unknown }
}

export function refSummary(prepare: Prepare, budget: Budget, now: number): SpendSummary {
  const today = localDay(now)
  const month = localMidnight(periodStart(today, 'month'))
  return buildSummary({
    today,
    days: refByDay(prepare, localMidnight(summaryStart(today))),
    byModel: refByModel(prepare, month),
    committed: {
      day: refCommitted(prepare, localMidnight(today)),
      month: refCommitted(prepare, month),
    },
    budget,
  })
}

export interface BucketSums {
  charged: number
  tasks: number
  unreported: number
  unknown: number
}

/**
 * Every bucket recounted from the jobs by the reference's own rules (its walk for the model, its
 * pricing for the estimate), keyed `span/bucket/model`.
 */
export function recount(prepare: Prepare): Map<string, BucketSums> {
  const out = new Map<string, BucketSums>()
  const jobs = prepare(
    `SELECT rowid, kind, request_json, parent_job_id, units FROM jobs
     WHERE sandbox = 0 AND (units IS NOT NULL OR state IN ('done', 'expired'))`,
  ).all() as unknown as (PricingRow & { units: string | null })[]
  for (const job of jobs) {
    const quarter = Math.floor(job.rowid / 900_000_000)
    const [{ model }] = prepare(WALK.replace('AND units IS NOT NULL', '')).all(
      job.rowid,
      job.rowid + 1,
      DEFAULT_MODEL,
    ) as [{ model: string }]
    const request = JSON.parse(job.request_json) as object
    const estimate = estimateUnits(
      job.kind,
      refPriced(prepare, job.kind, request, job.parent_job_id),
    ).units
    for (const span of [1, 2, 4, 12, 24, 96]) {
      const key = `${span}/${Math.floor(quarter / span) * span}/${model}`
      const s = out.get(key) ?? { charged: 0, tasks: 0, unreported: 0, unknown: 0 }
      if (job.units !== null) {
        s.charged += (prepare('SELECT CAST(? AS REAL) AS v').get(job.units) as { v: number }).v
        s.tasks++
      } else if (estimate === null) s.unknown++
      else s.unreported += estimate
      out.set(key, s)
    }
  }
  return out
}

/** The buckets as kept, leaving out the ones emptied again (keyed as recount). */
export function keptBuckets(prepare: Prepare): Map<string, BucketSums> {
  const rows = prepare('SELECT * FROM spend_buckets').all() as unknown as (BucketSums & {
    span: number
    bucket: number
    model: string
  })[]
  const out = new Map<string, BucketSums>()
  for (const r of rows) {
    if (r.tasks === 0 && r.unknown === 0 && Math.abs(r.unreported) < 1e-9) {
      if (r.charged !== 0) throw new Error(`an empty bucket charged ${r.charged}`)
      continue
    }
    const { charged, tasks, unreported, unknown } = r
    out.set(`${r.span}/${r.bucket}/${r.model}`, { charged, tasks, unreported, unknown })
  }
  return out
}
