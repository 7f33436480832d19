import type { StatementSync } from 'node:sqlite'
import type { JobRecord } from './ledger'
import { toRecord, type JobRow } from './job-row'

type Prepare = (sql: string) => StatementSync

// The history walked a chunk at a time, oldest first, for launch triage and rescan: whatever the
// history's size, one call reads at most a chunk, and the caller yields in between.

export interface JobChunk {
  jobs: JobRecord[]
  /** Where the next chunk starts; null after the last. */
  next: number | null
}

export const UNSAVED = "task_status = 'succeed' AND file IS NULL AND state <> 'expired'"
export const SAVED = 'file IS NOT NULL'

export function chunkOf(
  stmt: Prepare,
  where: string,
  after: number | null,
  limit: number,
): JobChunk {
  const size = Math.min(Math.max(Math.trunc(limit), 1), 5_000)
  const from = after ?? Number.MIN_SAFE_INTEGER
  // The partial indexes are ordered by created_at, then rowid: the same order as rowid alone.
  const rows = stmt(
    `SELECT rowid AS _rowid, * FROM jobs WHERE ${where} AND created_at >= ? AND rowid > ?
     ORDER BY created_at, rowid LIMIT ?`,
  ).all(Math.floor(from / 1000), from, size) as unknown as (JobRow & { _rowid: number })[]
  const next = rows.length === size ? rows[rows.length - 1]!._rowid : null
  return { jobs: rows.map(toRecord), next }
}

/** Every chunk at once: only for small histories. */
export function everyChunk(page: (after: number | null) => JobChunk): JobRecord[] {
  const out: JobRecord[] = []
  let after: number | null = null
  do {
    const chunk = page(after)
    out.push(...chunk.jobs)
    after = chunk.next
  } while (after !== null)
  return out
}
