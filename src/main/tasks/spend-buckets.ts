import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { DEFAULT_MODEL } from '../../shared/kling'
import { priceUnpriced } from './job-price'

// The money of the history as sums kept by triggers, so no figure reads the jobs table: for each
// quarter hour (UTC) and price model, what real tasks were charged (final_unit_deduction) and how
// many, and for finished real tasks without a reported charge the sum of their estimates and how
// many the table cannot price. Every local midnight of every time zone in use falls on a quarter
// hour; the same sums are kept for longer spans up to a UTC day, so any range is a few rows of
// each (see pieces, towards). A row's quarter is its rowid's (rowid = created_at * 1000 + n), so
// a range of buckets is exactly the rowid range the jobs table would have been read by. Sandbox
// jobs and jobs neither charged nor finished (waiting, running, failed) are in no bucket.

type Prepare = (sql: string) => StatementSync

/** A quarter hour, in ms: the finest bucket. */
export const QUARTER_MS = 900_000
/**
 * The spans kept, in quarter hours: a quarter, half an hour, an hour, three hours, six hours, a
 * UTC day. Each divides the next; the local midnight of any zone is two or three of them away
 * from a UTC midnight (four at most: see towards).
 */
const SPANS = [1, 2, 4, 12, 24, 96] as const
/** A UTC day, in quarter hours: the largest span. */
export const DAY = 96
/** The end of time for a range of buckets left open. */
const OPEN_BUCKET = Number.MAX_SAFE_INTEGER

/** Sums of a range (by model, or all together under ''). */
export interface Totals {
  charged: number
  tasks: number
  unreported: number
  unknown: number
}

const FINISHED = `('done', 'expired')`
const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`

/** Whether a row (`old`, `new`, `jobs`) is in a bucket. */
const counted = (r: string) =>
  `(${r}.sandbox = 0 AND (${r}.units IS NOT NULL OR ${r}.state IN ${FINISHED}))`
/** Its model (a row an older release wrote, not priced yet, counts for its own meanwhile). */
const modelOf = (r: string) => `COALESCE(${r}.price_model, ${r}.model, ${sqlText(DEFAULT_MODEL)})`
/** floor(x / d) for integers of either sign (SQLite's division truncates). */
const floorDiv = (x: string, d: string) =>
  `(CASE WHEN ${x} >= 0 THEN ${x} / (${d}) ELSE (${x} + 1) / (${d}) - 1 END)`
/** The first quarter of the bucket of `span` quarters holding a row. */
const bucketOf = (r: string, span: string) =>
  `${floorDiv(`${r}.rowid`, `900000000 * ${span}`)} * ${span}`
/** What a row adds to its bucket: charged, tasks, unreported, unknown. */
const parts = (r: string) => [
  `CASE WHEN ${r}.units IS NOT NULL THEN CAST(${r}.units AS REAL) ELSE 0 END`,
  `(${r}.units IS NOT NULL)`,
  `CASE WHEN ${r}.units IS NULL THEN COALESCE(${r}.estimate, 0) ELSE 0 END`,
  `(${r}.units IS NULL AND ${r}.estimate IS NULL)`,
]

/** Adds (or takes away) a row in the bucket of every span. An emptied bucket is charged 0. */
function change(r: 'old' | 'new', sign: '' | '-'): string {
  return `INSERT INTO spend_buckets (span, bucket, model, charged, tasks, unreported, unknown)
    SELECT column1, ${bucketOf(r, 'column1')}, ${modelOf(r)}, ${parts(r)
      .map((p) => `${sign}(${p})`)
      .join(', ')}
    FROM (VALUES ${SPANS.map((s) => `(${s})`).join(', ')}) WHERE ${counted(r)}
    ON CONFLICT (span, bucket, model) DO UPDATE SET tasks = tasks + excluded.tasks,
      charged = CASE WHEN tasks + excluded.tasks = 0 THEN 0 ELSE charged + excluded.charged END,
      unreported = unreported + excluded.unreported, unknown = unknown + excluded.unknown;`
}

/** Whether an update moved a row in or out of a bucket or changed what it adds there. */
const moved = `(${counted('old')} OR ${counted('new')}) AND (old.units IS NOT new.units
  OR old.sandbox IS NOT new.sandbox OR old.estimate IS NOT new.estimate
  OR ${modelOf('old')} IS NOT ${modelOf('new')}
  OR (old.state IN ${FINISHED}) IS NOT (new.state IN ${FINISHED}))`

const TRIGGERS: [string, string][] = [
  [
    'jobs_spend_insert',
    `AFTER INSERT ON jobs WHEN ${counted('new')} BEGIN ${change('new', '')} END`,
  ],
  [
    'jobs_spend_delete',
    `AFTER DELETE ON jobs WHEN ${counted('old')} BEGIN ${change('old', '-')} END`,
  ],
  [
    'jobs_spend_update',
    `AFTER UPDATE OF units, state, sandbox, estimate, price_model, model ON jobs WHEN ${moved}
     BEGIN ${change('old', '-')} ${change('new', '')} END`,
  ],
]

/** Sums of the jobs themselves in a rowid range, by model: the same sums as a bucket's. */
const JOB_SUMS = `SELECT ${modelOf('jobs')} AS model, ${parts('jobs')
  .map(
    (p, i) =>
      `${i % 2 ? 'sum' : 'total'}(${p}) AS ${['charged', 'tasks', 'unreported', 'unknown'][i]}`,
  )
  .join(', ')}
  FROM jobs WHERE rowid >= ? AND rowid < ? AND ${counted('jobs')} GROUP BY 1`

/** Every bucket from the jobs: the quarters in one pass, each larger span from the quarters. */
const FILL = [
  `INSERT INTO spend_buckets (span, bucket, model, charged, tasks, unreported, unknown)
   SELECT 1, ${bucketOf('jobs', '1')}, ${modelOf('jobs')}, ${parts('jobs')
     .map((p, i) => `${i % 2 ? 'sum' : 'total'}(${p})`)
     .join(', ')}
   FROM jobs WHERE ${counted('jobs')} GROUP BY 2, 3`,
  ...SPANS.slice(1).map(
    (s) => `INSERT INTO spend_buckets (span, bucket, model, charged, tasks, unreported, unknown)
     SELECT ${s}, ${floorDiv('bucket', String(s))} * ${s}, model, total(charged), sum(tasks),
       total(unreported), sum(unknown)
     FROM spend_buckets WHERE span = 1 GROUP BY 2, 3`,
  ),
]

/**
 * The meta key that says the buckets were filled and the triggers made. The triggers live here,
 * not in a migration, as they must come after the pricing (in JS) of an old history: a release
 * that changes them or the spans (or moves rowids) renames this key, so every history fills
 * again.
 */
export const FLAG = 'spend_buckets'
const UNPRICED = 'WHERE price_model IS NULL'

/**
 * Prices and fills a history that has no buckets yet (one written before they existed), in one
 * transaction, then lets the triggers keep them; a history that has them gets only the jobs an
 * older release wrote since priced (none, usually: one lookup in a partial index).
 */
export function ensureSpend(db: DatabaseSync): void {
  const prepare = (sql: string) => db.prepare(sql)
  const flag = db.prepare(`SELECT value FROM meta WHERE key = '${FLAG}'`)
  if (flag.get() && !db.prepare(`SELECT 1 FROM jobs ${UNPRICED} LIMIT 1`).get()) return
  db.exec('BEGIN IMMEDIATE')
  try {
    if (flag.get()) priceUnpriced(prepare)
    else {
      for (const [name] of TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${name}`)
      db.exec('DROP INDEX IF EXISTS jobs_unpriced')
      priceUnpriced(prepare)
      db.exec('DELETE FROM spend_buckets')
      for (const sql of FILL) db.exec(sql)
      for (const [name, body] of TRIGGERS) db.exec(`CREATE TRIGGER ${name} ${body}`)
      db.exec(`CREATE INDEX jobs_unpriced ON jobs (created_at) ${UNPRICED}`)
      db.prepare(`INSERT INTO meta (key, value) VALUES ('${FLAG}', 1)`).run()
    }
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
}

/** The names of the triggers that keep the buckets (the bench drops them while it builds). */
export const SPEND_TRIGGERS = TRIGGERS.map(([name]) => name)

const ceilTo = (n: number, s: number) => Math.ceil(n / s) * s
const floorTo = (n: number, s: number) => Math.floor(n / s) * s

/**
 * The quarters [from, to) (to null: open) as ranges of whole buckets, one statement each: quarters
 * up to the first half hour, half hours up to the first hour, and so on up to days, then down
 * again at the end.
 */
function pieces(from: number, to: number | null): [number, number, number][] {
  const out: [number, number, number][] = []
  const end = to ?? Infinity
  let at = from
  const take = (span: number, until: number) => {
    if (until <= at) return
    out.push([span, at, until])
    at = until
  }
  for (let i = 0; i < SPANS.length - 1; i++)
    take(SPANS[i]!, Math.min(ceilTo(at, SPANS[i + 1]!), floorTo(end, SPANS[i]!)))
  if (to === null) take(DAY, OPEN_BUCKET)
  else for (let i = SPANS.length - 1; i >= 0; i--) take(SPANS[i]!, floorTo(to, SPANS[i]!))
  return out
}

const BUCKET_SUMS = `total(charged) AS charged, total(tasks) AS tasks,
  total(unreported) AS unreported, total(unknown) AS unknown
  FROM spend_buckets WHERE span = ? AND bucket >= ? AND bucket < ?`
const BY_MODEL = `SELECT model, ${BUCKET_SUMS} GROUP BY model`
const ALL_MODELS = `SELECT '' AS model, ${BUCKET_SUMS}`

/**
 * Sums of the real jobs made in [fromMs, untilMs) (untilMs null: open), by model or all under ''.
 * Whole quarters come from the buckets; the part of a quarter at an end that is not whole (a
 * moment that is not on a quarter hour) from the jobs of those few minutes.
 */
export function rangeTotals(
  prepare: Prepare,
  fromMs: number,
  untilMs: number | null,
  byModel: boolean,
): Map<string, Totals> {
  const sums = new Map<string, Totals>()
  const add = (rows: (Totals & { model: string })[]) => {
    for (const r of rows) {
      const key = byModel ? r.model : ''
      const s = sums.get(key) ?? { charged: 0, tasks: 0, unreported: 0, unknown: 0 }
      s.charged += r.charged
      s.tasks += r.tasks
      s.unreported += r.unreported
      s.unknown += r.unknown
      sums.set(key, s)
    }
  }
  const jobs = (a: number, b: number) => {
    if (b > a)
      add(prepare(JOB_SUMS).all(a * 1000, b * 1000) as unknown as (Totals & { model: string })[])
  }
  const first = Math.ceil(fromMs / QUARTER_MS)
  const last = untilMs === null ? null : Math.floor(untilMs / QUARTER_MS)
  if (last !== null && last <= first) {
    jobs(fromMs, untilMs!)
    return sums
  }
  jobs(fromMs, first * QUARTER_MS)
  for (const [span, a, b] of pieces(first, last)) {
    if (byModel) add(prepare(BY_MODEL).all(span, a, b) as unknown as (Totals & { model: string })[])
    else add([prepare(ALL_MODELS).get(span, a, b) as unknown as Totals & { model: string }])
  }
  if (last !== null) jobs(last * QUARTER_MS, untilMs!)
  return sums
}

/** A bucket added (+1) or taken away (-1): sign, span, first quarter. */
export type SignedBucket = [number, number, number]

/**
 * The shortest way from a UTC midnight to quarter `q` in whole buckets, each added or taken away:
 * from the day just below or above, through the multiple of each smaller span just below or
 * above q (17:00 UTC: the next midnight less six hours less an hour).
 */
export function towards(q: number): { day: number; steps: SignedBucket[] } {
  type Way = { day: number; at: number; steps: SignedBucket[] }
  let ways: Way[] = [floorTo(q, DAY), ceilTo(q, DAY)].map((day) => ({ day, at: day, steps: [] }))
  for (const span of [...SPANS].reverse().slice(1)) {
    ways = [floorTo(q, span), ceilTo(q, span)].map((to) => {
      const cost = (w: Way) => w.steps.length + Math.abs(to - w.at) / span
      const from = cost(ways[0]!) <= cost(ways[1]!) ? ways[0]! : ways[1]!
      const steps = [...from.steps]
      for (let at = from.at; at < to; at += span) steps.push([1, span, at])
      for (let at = from.at; at > to; at -= span) steps.push([-1, span, at - span])
      return { day: from.day, at: to, steps }
    })
  }
  return ways[0]!
}

const AT = `SELECT bucket, total(charged) AS charged, total(tasks) AS tasks FROM spend_buckets
  WHERE span = ? AND bucket IN (SELECT value FROM json_each(?)) GROUP BY bucket`

/** Charged units and tasks of many buckets at once (all models), one query a span. */
export function chargedAt(
  prepare: Prepare,
  buckets: SignedBucket[],
): (span: number, bucket: number) => { charged: number; tasks: number } | undefined {
  const wanted = new Map<number, Set<number>>()
  for (const [, span, bucket] of buckets) {
    const set = wanted.get(span) ?? new Set<number>()
    wanted.set(span, set.add(bucket))
  }
  // Keyed by bucket and span together: a bucket is a whole number far below 2^46.
  const found = new Map<number, { charged: number; tasks: number }>()
  for (const [span, set] of wanted) {
    const rows = prepare(AT).all(span, JSON.stringify([...set])) as unknown as {
      bucket: number
      charged: number
      tasks: number
    }[]
    for (const r of rows) found.set(r.bucket * 128 + span, r)
  }
  return (span, bucket) => found.get(bucket * 128 + span)
}

/** The UTC days (first quarter) in [fromQuarter, toQuarter) holding a charge, oldest first. */
export function chargedDays(
  prepare: Prepare,
  fromQuarter: number,
  toQuarter: number | null,
): { bucket: number; charged: number; tasks: number }[] {
  return prepare(
    `SELECT bucket, total(charged) AS charged, total(tasks) AS tasks FROM spend_buckets
     WHERE span = ${DAY} AND bucket >= ? AND bucket < ? GROUP BY bucket HAVING total(tasks) > 0
     ORDER BY bucket`,
  ).all(floorTo(fromQuarter, DAY), toQuarter ?? OPEN_BUCKET) as unknown as {
    bucket: number
    charged: number
    tasks: number
  }[]
}
