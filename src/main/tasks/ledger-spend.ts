import type { StatementSync } from 'node:sqlite'
import { DEFAULT_MODEL, estimateUnits, type VideoKind } from '../../shared/kling'
import type { Budget } from '../../shared/settings'
import {
  buildSummary,
  checkBudget,
  localDay,
  localMidnight,
  periodStart,
  summaryStart,
  type BudgetVerdict,
  type Committed,
  type ModelSpend,
  type SpendBucket,
  type SpendSummary,
} from '../../shared/spend'

// Money in the history: what real tasks were charged (their final_unit_deduction), by local day
// and by model, and what a period has committed against a cap (charged, plus the estimates of
// its jobs on their way or finished without a reported charge). A time range is a rowid range
// (rowid = created_at * 1000 + n), so every query reads only its period. Sandbox jobs are free
// and never count.

interface SpendLedger {
  prepare: (sql: string) => StatementSync
}

/** The end of time for a range left open. */
const OPEN = Number.MAX_SAFE_INTEGER

const round = (n: number): number => Math.round(n * 100) / 100

/**
 * Jobs that may cost something not reported yet: waiting, sent, running, unconfirmed, or
 * finished (a task that succeeded is charged) without a final_unit_deduction. A failed task costs
 * none.
 */
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

/** Units charged by real tasks made from `fromMs` (until `untilMs`), by local day, oldest first. */
export function chargedByDay(
  ledger: SpendLedger,
  fromMs: number,
  untilMs: number = OPEN,
): SpendBucket[] {
  const rows = ledger
    .prepare(
      `SELECT date(created_at / 1000, 'unixepoch', 'localtime') AS start,
              total(CAST(units AS REAL)) AS units, count(*) AS tasks
       FROM jobs
       WHERE rowid >= ? AND rowid < ? AND sandbox = 0 AND units IS NOT NULL
       GROUP BY start ORDER BY start`,
    )
    .all(rowidOf(fromMs), rowidOf(untilMs)) as unknown as SpendBucket[]
  return rows.map((r) => ({ start: r.start, units: round(r.units), tasks: r.tasks }))
}

/**
 * Units charged by real tasks made in a range, by model, most first. An extension counts for the
 * model of the video it extends (its root's); a request without a model for the service's default.
 */
export function chargedByModel(
  ledger: SpendLedger,
  fromMs: number,
  untilMs: number = OPEN,
): ModelSpend[] {
  const rows = ledger
    .prepare(
      `WITH RECURSIVE walk (model, up, units, depth) AS (
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
       GROUP BY 1 ORDER BY units DESC, model`,
    )
    .all(rowidOf(fromMs), rowidOf(untilMs), DEFAULT_MODEL) as unknown as ModelSpend[]
  return rows.map((r) => ({ model: r.model, units: round(r.units), tasks: r.tasks }))
}

/**
 * What the real jobs made from `fromMs` have committed: units charged, plus the estimates of
 * those that may still cost something (see UNCHARGED_STATES); a job the table cannot price
 * counts in `unknown`.
 */
export function committedSince(ledger: SpendLedger, fromMs: number): Committed {
  const from = rowidOf(fromMs)
  const { charged } = ledger
    .prepare(
      `SELECT total(CAST(units AS REAL)) AS charged FROM jobs
       WHERE rowid >= ? AND sandbox = 0 AND units IS NOT NULL`,
    )
    .get(from) as { charged: number }
  const rows = ledger
    .prepare(
      `SELECT kind, request_json, parent_job_id FROM jobs
       WHERE rowid >= ? AND sandbox = 0 AND units IS NULL
         AND state IN (${UNCHARGED_STATES.map(() => '?').join(', ')})`,
    )
    .iterate(from, ...UNCHARGED_STATES) as Iterable<{
    kind: VideoKind
    request_json: string
    parent_job_id: string | null
  }>
  const roots = new Map<string, Record<string, unknown> | null>()
  let pending = 0
  let unknown = 0
  for (const row of rows) {
    const request = JSON.parse(row.request_json) as Record<string, unknown>
    const priced = pricedRequest(ledger, row.kind, request, row.parent_job_id, roots)
    const { units } = estimateUnits(row.kind, priced)
    if (units === null) unknown++
    else pending += units
  }
  return { charged: round(charged), pending: round(pending), unknown }
}

/**
 * A request as the unit table prices it: an extension carries `parent`, the model and mode of the
 * video at the root of its chain (what Kling prices an extension by). `cache` saves walking the
 * same chain twice.
 */
export function pricedRequest(
  ledger: SpendLedger,
  kind: VideoKind,
  request: object,
  parentJobId: string | null,
  cache: Map<string, Record<string, unknown> | null> = new Map(),
): object {
  if (kind !== 'video-extend' || parentJobId === null) return request
  let root = cache.get(parentJobId)
  if (root === undefined) {
    root = rootRequest(ledger, parentJobId)
    cache.set(parentJobId, root)
  }
  return root ? { ...request, parent: { model_name: root.model_name, mode: root.mode } } : request
}

/** The request of the job at the root of an extension chain (null: not in the history). */
function rootRequest(ledger: SpendLedger, jobId: string): Record<string, unknown> | null {
  const find = ledger.prepare('SELECT kind, request_json, parent_job_id FROM jobs WHERE id = ?')
  let id: string | null = jobId
  for (let depth = 0; id !== null && depth < 100; depth++) {
    const row = find.get(id) as
      { kind: string; request_json: string; parent_job_id: string | null } | undefined
    if (!row) return null
    if (row.kind !== 'video-extend') return JSON.parse(row.request_json) as Record<string, unknown>
    id = row.parent_job_id
  }
  return null
}

/** What today and this month have committed, at `now`. */
export function committedNow(
  ledger: SpendLedger,
  now: number,
): { day: Committed; month: Committed } {
  const today = localDay(now)
  return {
    day: committedSince(ledger, localMidnight(today)),
    month: committedSince(ledger, localMidnight(periodStart(today, 'month'))),
  }
}

/**
 * Whether a Generate of `adding` units (null: unknown) passes the caps, at `now`. Run inside the
 * write that adds its jobs (Ledger.createAll's guard), so two processes cannot both pass a cap.
 */
export function budgetVerdict(
  ledger: SpendLedger,
  budget: Budget,
  adding: number | null,
  now: number,
): BudgetVerdict {
  // Only the periods that have a cap are read (none: nothing at all).
  const none: Committed = { charged: 0, pending: 0, unknown: 0 }
  const today = localDay(now)
  const committed = {
    day: budget.dailyUnits === null ? none : committedSince(ledger, localMidnight(today)),
    month:
      budget.monthlyUnits === null
        ? none
        : committedSince(ledger, localMidnight(periodStart(today, 'month'))),
  }
  return checkBudget(committed, adding, budget)
}

/** One Generate as the caps see it: for an extension, the job it extends prices it. */
export interface GenerateCost {
  kind: VideoKind
  request: object
  takes: number
  parentJobId: string | null
}

/** The units one Generate would add by the table (null: unknown). */
export function unitsOf(ledger: SpendLedger, g: GenerateCost): number | null {
  return estimateUnits(g.kind, pricedRequest(ledger, g.kind, g.request, g.parentJobId), g.takes)
    .units
}

/** Whether one Generate passes the caps at `now` (the guard of the app and the command line). */
export function generateVerdict(
  ledger: SpendLedger,
  budget: Budget,
  g: GenerateCost,
  now: number,
): BudgetVerdict {
  return budgetVerdict(ledger, budget, unitsOf(ledger, g), now)
}

/** The spend view: the last 30 days, 12 weeks and 12 months, this month by model, the caps. */
export function spendSummary(ledger: SpendLedger, budget: Budget, now: number): SpendSummary {
  const today = localDay(now)
  const monthFrom = localMidnight(periodStart(today, 'month'))
  return buildSummary({
    today,
    days: chargedByDay(ledger, localMidnight(summaryStart(today))),
    byModel: chargedByModel(ledger, monthFrom),
    committed: committedNow(ledger, now),
    budget,
  })
}

/** The first rowid of a moment (ms), clamped so an open end stays a safe integer. */
function rowidOf(ms: number): number {
  return ms >= OPEN / 1000 ? OPEN : Math.trunc(ms) * 1000
}
