import { randomUUID } from 'node:crypto'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { LIVE_STATES, type JobQuery, type JobState } from '../../shared/jobs'
import type { ApiErrorInfo, KlingTask, VideoKind, VideoRequest } from '../../shared/kling'
import {
  newJobColumns,
  removeJob,
  savedJobColumns,
  writeJob,
  type NewJob,
  type SavedJob,
} from './job-insert'
import {
  patchColumns,
  toRecord,
  type JobEvent,
  type JobRecord,
  type JobRow,
  type RowPatch,
} from './job-row'
import { addInput, inputOf, type InputRecord } from './ledger-inputs'
import { addRoot, roots } from './ledger-roots'
import { explainList, listJobs, type ListPage, type ListSource } from './ledger-list'
import type { DriverKind } from './ledger-plan'
import { nextState, type JobPatch } from './lifecycle'
import { migrate } from './migrations'
import { chunkOf, SAVED, UNSAVED, type JobChunk } from './ledger-pages'
import { ensureTerms, termsBeginning } from './search-terms'
import { ensureSpend } from './spend-buckets'
import { durationsOf } from './ledger-durations'

// The history of every job, in SQLite (node:sqlite: no native module to rebuild). WAL mode lets
// the command line and the app share one file. A job is written before its create request, so a
// crash can never lose what the person asked for. Every call is bounded: nothing here reads the
// whole history (pages, counts kept by triggers, indexes per filter; see ledger-list.ts).

export { ftsQuery } from './ledger-search'
export type { JobEvent, JobRecord } from './job-row'
export type { InputRecord } from './ledger-inputs'
export type { ListPage } from './ledger-list'
export type { JobChunk } from './ledger-pages'
export type { DriverKind } from './ledger-plan'
export type { NewJob, SavedJob } from './job-insert'

const ENDED: readonly JobState[] = ['done', 'failed', 'expired']
const STATEMENT_CACHE = 500
/** A write's wait for another process once open (opening: 5 s); it blocks the event loop. */
export const WRITE_WAIT_MS = 1_000

export class Ledger {
  readonly db: DatabaseSync
  private readonly stmts = new Map<string, StatementSync>()
  private depth = 0
  /** Prepared statements by their SQL, cached: what the helper files get to run theirs. */
  readonly prepare = (sql: string): StatementSync => this.stmt(sql)
  /** One write transaction for the helper files (a call inside another joins it). */
  readonly transaction = <T>(fn: () => T): T => this.tx(fn)
  private readonly source: ListSource = {
    stmt: (sql) => this.stmt(sql),
    expand: (folded) => termsBeginning(this.prepare, folded),
  }

  constructor(
    /** The history's file, for readers of their own (the library's worker). */
    readonly path: string,
    private readonly now: () => number = Date.now,
    /** Read-only: no write, no lock (a history already at this schema; studio/history-open.ts). */
    options: { readOnly?: boolean } = {},
  ) {
    this.db = new DatabaseSync(path, { timeout: 5_000, readOnly: options.readOnly === true })
    if (options.readOnly) return
    try {
      this.db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;',
      )
      migrate(this.db)
      ensureTerms(this.db)
      ensureSpend(this.db)
      this.db.exec(`PRAGMA busy_timeout = ${WRITE_WAIT_MS}`)
    } catch (error) {
      // A history that cannot be opened is not held open: it may be moved aside next.
      this.db.close()
      throw error
    }
  }

  close(): void {
    this.db.close()
  }

  private stmt(sql: string): StatementSync {
    let s = this.stmts.get(sql)
    if (!s) {
      // List queries vary with their filters: a bounded cache, not one that grows for good.
      if (this.stmts.size >= STATEMENT_CACHE) this.stmts.clear()
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  /** The next revision: strictly increasing across every change, and across processes. */
  private bump(): number {
    const row = this.stmt(
      "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision' RETURNING value",
    ).get() as { value: number | string }
    return Number(row.value)
  }

  /** One write transaction; a call inside another joins it. */
  private tx<T>(fn: () => T): T {
    if (this.depth > 0) return fn()
    this.db.exec('BEGIN IMMEDIATE')
    this.depth++
    try {
      const result = fn()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      // SQLite has already rolled back after some failures (a full disk): its error is the one
      // to tell, not "no transaction is active". (No isTransaction: Node before 22.16 lacks it.)
      try {
        this.db.exec('ROLLBACK')
      } catch {
        // Nothing left to roll back.
      }
      throw error
    } finally {
      this.depth--
    }
  }

  private event(jobId: string, event: JobEvent): void {
    this.stmt(
      'INSERT INTO job_events (job_id, at, state, task_status, message) VALUES (?, ?, ?, ?, ?)',
    ).run(jobId, this.now(), event.state, event.taskStatus, event.message)
  }

  /** The rowid of a job made at `at`: created_at * 1000 + its place in that millisecond. */
  private slot(at: number): { rowid: number; createdAt: number } {
    for (let ms = Math.trunc(at); ; ms++) {
      const last = this.stmt(
        'SELECT rowid AS r FROM jobs WHERE rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT 1',
      ).get(ms * 1000, ms * 1000 + 999) as { r: number } | undefined
      if (!last) return { rowid: ms * 1000, createdAt: ms }
      // A full millisecond (a thousand jobs): the next one takes it; 1 ms later harms nobody.
      if (last.r < ms * 1000 + 999) return { rowid: last.r + 1, createdAt: ms }
    }
  }

  /** A new job, queued: written before anything is sent. */
  create(input: NewJob): JobRecord {
    const id = input.id ?? randomUUID()
    return this.tx(() => {
      const revision = this.bump()
      const { rowid, createdAt } = this.slot(input.createdAt ?? this.now())
      writeJob(this.prepare, { ...newJobColumns(input, id, createdAt), rowid, revision })
      this.event(id, { state: 'queued', taskStatus: null, message: '' })
      return this.get(id)!
    })
  }

  /**
   * The takes of one Generate: all written in one transaction, or none. `guard` runs first in
   * that transaction (a budget check that must see every other process's jobs) and may throw.
   */
  createAll(inputs: NewJob[], guard?: () => void): JobRecord[] {
    return this.tx(() => {
      guard?.()
      return inputs.map((input) => this.create(input))
    })
  }

  get(id: string): JobRecord | null {
    const row = this.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined
    return row ? toRecord(row) : null
  }

  byExternalId(externalTaskId: string): JobRecord | null {
    const row = this.stmt('SELECT * FROM jobs WHERE external_task_id = ?').get(externalTaskId) as
      JobRow | undefined
    return row ? toRecord(row) : null
  }

  byTaskId(taskId: string): JobRecord | null {
    const row = this.stmt('SELECT * FROM jobs WHERE task_id = ? ORDER BY rowid LIMIT 1').get(
      taskId,
    ) as JobRow | undefined
    return row ? toRecord(row) : null
  }

  /** A job named by its job id, the service's task id or its external task id. */
  resolve(ref: string): JobRecord | null {
    return this.get(ref) ?? this.byTaskId(ref) ?? this.byExternalId(ref)
  }

  /** The extensions of a job, oldest first. */
  children(jobId: string): JobRecord[] {
    const rows = this.stmt('SELECT * FROM jobs WHERE parent_job_id = ? ORDER BY rowid').all(
      jobId,
    ) as unknown as JobRow[]
    return rows.map(toRecord)
  }

  /**
   * The one writer of a job's columns: sets what the patch names (undefined leaves a column,
   * null clears it), bumps the revision, and appends the event to the job's history if given.
   */
  update(id: string, patch: JobPatch, event?: JobEvent): JobRecord {
    return this.write(id, patch, event)
  }

  private write(id: string, patch: RowPatch, event?: JobEvent): JobRecord {
    const columns = patchColumns(patch)
    return this.tx(() => {
      if (columns.length === 0 && !event) {
        const job = this.get(id)
        if (!job) throw new Error(`no job ${id}`)
        return job
      }
      const revision = this.bump()
      const sets = columns.map(([c]) => `${c} = ?`).join(', ')
      const done = this.stmt(
        `UPDATE jobs SET ${sets}${sets ? ', ' : ''}updated_at = ?, revision = ? WHERE id = ?`,
      ).run(...columns.map(([, v]) => v), this.now(), revision, id)
      if (done.changes === 0) throw new Error(`no job ${id}`)
      if (event) this.event(id, event)
      return this.get(id)!
    })
  }

  /** Moves a job to a new state; records the change in its history. */
  setState(
    id: string,
    state: JobState,
    changes: { message?: string; error?: ApiErrorInfo | null } = {},
  ): JobRecord {
    return this.tx(() => {
      const job = this.get(id)
      if (!job) throw new Error(`no job ${id}`)
      const patch: RowPatch = { state, error: changes.error ?? null }
      if (changes.message !== undefined) patch.statusMessage = changes.message
      if (ENDED.includes(state) && job.finishedAt === null) patch.finishedAt = this.now()
      const message = changes.message ?? changes.error?.message ?? ''
      return this.write(id, patch, { state, taskStatus: null, message })
    })
  }

  /**
   * Records what the service said about the task (the lifecycle decides what it means). Returns
   * null when nothing changed, so a poll that learns nothing costs no write and no event.
   */
  applyTask(id: string, task: KlingTask): JobRecord | null {
    const job = this.get(id)
    if (!job) throw new Error(`no job ${id}`)
    const change = nextState(job, { type: 'answered', task }, this.now())
    return change ? this.write(id, change.patch, change.event) : null
  }

  setSaved(id: string, file: string, bytes: number): JobRecord {
    return this.write(
      id,
      { file, bytes, state: 'done' },
      { state: 'done', taskStatus: 'succeed', message: '' },
    )
  }

  /** Records the API address the create was sent to: lookups and resends go there. */
  setBaseUrl(id: string, url: string): JobRecord {
    return this.write(id, { baseUrl: url })
  }

  /** For a job whose file vanished from disk: it needs downloading again. */
  clearFile(id: string): JobRecord {
    return this.write(id, { file: null, bytes: null })
  }

  setFavourite(id: string, favourite: boolean): JobRecord {
    return this.write(id, { favourite })
  }

  /**
   * Rebuilds one finished job from a sidecar (the library folder is the backup of the history).
   * Returns false when the ledger already knew it.
   */
  importSaved(entry: SavedJob): boolean {
    // Checked in the same write: a sidecar never re-points a job the history already has.
    return this.tx(() => {
      if (this.get(entry.id) ?? this.byExternalId(entry.externalTaskId)) return false
      const revision = this.bump()
      const { rowid, createdAt } = this.slot(entry.createdAt)
      writeJob(this.prepare, { ...savedJobColumns(entry, createdAt, this.now()), rowid, revision })
      const message = 'rebuilt from the library folder'
      this.event(entry.id, { state: 'done', taskStatus: 'succeed', message })
      return true
    })
  }

  /** Remembers a library folder this history saves into (kept for good: its videos stay). */
  addLibraryRoot(path: string): void {
    addRoot(this.prepare, path, this.now())
  }

  libraryRoots(): string[] {
    return roots(this.prepare)
  }

  remove(id: string): void {
    this.tx(() => {
      this.bump()
      removeJob(this.prepare, id)
    })
  }

  /**
   * Drops a job still waiting in line (queued: nothing of it is on the service) with its events,
   * in one transaction. A step writes `creating` before it sends: if it came first, the job stays;
   * if it comes after, it finds no job and sends nothing. Not dropped: the job as it stands.
   */
  removeQueued(id: string): { removed: true } | { removed: false; job: JobRecord | null } {
    return this.removeIn(id, ['queued'])
  }

  /** Drops a job with its events only if it is in one of these states, read in the same write. */
  removeIn(
    id: string,
    states: readonly JobState[],
  ): { removed: true } | { removed: false; job: JobRecord | null } {
    return this.tx(() => {
      const job = this.get(id)
      if (!job || !states.includes(job.state)) return { removed: false, job }
      this.remove(id)
      return { removed: true }
    })
  }

  /** Records an input image (see ledger-inputs.ts). */
  addInput(meta: InputRecord): InputRecord {
    return addInput(this.prepare, meta)
  }

  input(sha256: string): InputRecord | null {
    return inputOf(this.prepare, sha256)
  }

  /** Every job that is not finished, oldest first: what a restart must pick up again. */
  live(): JobRecord[] {
    const rows = this.stmt(
      `SELECT * FROM jobs WHERE state IN (${LIVE_STATES.map(() => '?').join(', ')}) ORDER BY rowid`,
    ).all(...LIVE_STATES) as unknown as JobRow[]
    return rows.map(toRecord)
  }

  /** Finished jobs whose video is not on disk (yet, or any more), a chunk at a time. */
  unsavedPage(after: number | null = null, limit = 500): JobChunk {
    return chunkOf(this.prepare, UNSAVED, after, limit)
  }

  /** Jobs whose video is saved in the library, a chunk at a time (launch triage walks these). */
  savedPage(after: number | null = null, limit = 500): JobChunk {
    return chunkOf(this.prepare, SAVED, after, limit)
  }

  /**
   * A page of the library, newest first, with its total (a lower bound when totalIsEstimate).
   * `driver` forces where the page is read from (tests, the bench); results never depend on it.
   */
  list(query: JobQuery = {}, driver?: DriverKind): ListPage {
    return listJobs(this.source, query, driver)
  }

  /** Where list would read this query from, and its SQL (the bench, EXPLAIN QUERY PLAN). */
  explainList(query: JobQuery): { driver: DriverKind; sql: string } {
    return explainList(this.source, query)
  }

  history(id: string): ({ at: number } & JobEvent)[] {
    const rows = this.stmt(
      'SELECT at, state, task_status, message FROM job_events WHERE job_id = ? ORDER BY id',
    ).all(id) as { at: number; state: string; task_status: string | null; message: string }[]
    return rows.map((r) => ({
      at: r.at,
      state: r.state as JobState,
      taskStatus: r.task_status,
      message: r.message,
    }))
  }

  /** Seconds from create to succeed of finished real tasks like this one, newest first. */
  durations(kind: VideoKind, request: VideoRequest, limit = 200): number[] {
    return durationsOf(this.prepare, kind, request, limit)
  }

  revision(): number {
    const row = this.stmt("SELECT value FROM meta WHERE key = 'revision'").get() as {
      value: string | number
    }
    return Number(row.value)
  }
}
