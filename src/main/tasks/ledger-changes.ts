import type { StatementSync } from 'node:sqlite'
import { LIVE_STATES, type JobState } from '../../shared/jobs'
import { toRecord, type JobRecord, type JobRow } from './job-row'

// What changed in the history after a revision, whichever process changed it. Every write to a
// job stamps its row with the history's next revision (meta.revision, shared by every process
// on the file), so the jobs_revision index yields the rows changed since a revision in the order
// they changed, a bounded page at a time. A removed job leaves no row: a caller asks which of
// the jobs it follows are gone. Works on the ledger's connection or a read-only one of its own.

type Prepare = (sql: string) => StatementSync

export interface ChangePage {
  /** Jobs whose latest change is after the revision asked about, in the order of that change. */
  jobs: JobRecord[]
  /** The highest revision on this page (the one asked about when empty): the next page's start. */
  through: number
  /** The page was full: more may follow. */
  more: boolean
}

/** Where a watch reads changes (the history, or a test's spy around it). */
export interface ChangeSource {
  /** The history's revision: one row. */
  revision(): number
  /** Jobs changed after `after`, at most `limit` (see changesAfter). */
  changesAfter(after: number, limit: number): ChangePage
  /** Which of these job ids are no longer in the history. */
  missing(ids: readonly string[]): string[]
  /** Ids of jobs someone may still act on (live or needing attention), at most `limit`. */
  followed(limit: number): string[]
}

export const CHANGES_PAGE_MAX = 5_000
/** How many ids one `missing` call looks up. */
export const MISSING_CHUNK = 500
/** States whose jobs another process may still drop (cancel a queued job, say). */
export const FOLLOWED_STATES: readonly JobState[] = [...LIVE_STATES, 'needs_attention']

export function revisionOf(prepare: Prepare): number {
  const row = prepare("SELECT value FROM meta WHERE key = 'revision'").get() as
    { value: string | number } | undefined
  return Number(row?.value ?? 0)
}

/**
 * The jobs changed after a revision, oldest change first: an index range on jobs_revision. One
 * write bumps the revision once and stamps one row, so no two rows share a revision and paging on
 * `through` neither skips nor repeats a row.
 */
export function changesAfter(prepare: Prepare, after: number, limit = 200): ChangePage {
  const size = Math.min(Math.max(Math.trunc(limit), 1), CHANGES_PAGE_MAX)
  const rows = prepare(
    'SELECT * FROM jobs INDEXED BY jobs_revision WHERE revision > ? ORDER BY revision LIMIT ?',
  ).all(after, size) as unknown as JobRow[]
  const last = rows[rows.length - 1]
  return {
    jobs: rows.map(toRecord),
    through: last ? Number(last.revision) : after,
    more: rows.length === size,
  }
}

/** Which of these ids no job has any more: one primary-key lookup each, MISSING_CHUNK at a time. */
export function missingJobs(prepare: Prepare, ids: readonly string[]): string[] {
  const gone: string[] = []
  for (let i = 0; i < ids.length; i += MISSING_CHUNK) {
    const rows = prepare(
      `SELECT value AS id FROM json_each(?) AS asked
       WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.id = asked.value)`,
    ).all(JSON.stringify(ids.slice(i, i + MISSING_CHUNK))) as { id: string }[]
    for (const row of rows) gone.push(row.id)
  }
  return gone
}

/** Ids of jobs in FOLLOWED_STATES, oldest first, at most `limit` (the jobs_state index). */
export function followedIds(prepare: Prepare, limit: number): string[] {
  const marks = FOLLOWED_STATES.map(() => '?').join(', ')
  const rows = prepare(`SELECT id FROM jobs WHERE state IN (${marks}) ORDER BY rowid LIMIT ?`).all(
    ...FOLLOWED_STATES,
    Math.max(0, Math.trunc(limit)),
  ) as { id: string }[]
  return rows.map((r) => r.id)
}

/** A ChangeSource over a connection: `ledger.prepare`, or a read-only DatabaseSync's prepare. */
export function changeSource(prepare: Prepare): ChangeSource {
  return {
    revision: () => revisionOf(prepare),
    changesAfter: (after, limit) => changesAfter(prepare, after, limit),
    missing: (ids) => missingJobs(prepare, ids),
    followed: (limit) => followedIds(prepare, limit),
  }
}
