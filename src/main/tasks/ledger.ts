import { randomUUID } from 'node:crypto'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { ApiErrorInfo, KlingTask, Text2VideoRequest } from '../../shared/kling'
import { isLive, type Job, type JobQuery, type JobState } from '../../shared/jobs'
import { migrate } from './migrations'

// The history of every job, in SQLite (node:sqlite: no native module to rebuild). WAL mode lets
// the command line and the app share one file. A job is written before its create request, so a
// crash can never lose what the person asked for.

interface JobRow {
  id: string
  external_task_id: string
  task_id: string | null
  state: string
  task_status: string | null
  status_msg: string
  request_json: string
  sandbox: number
  favourite: number
  created_at: number
  submitted_at: number | null
  finished_at: number | null
  updated_at: number
  units: string | null
  error_json: string | null
  request_id: string | null
  video_id: string | null
  video_url: string | null
  video_duration: string | null
  file: string | null
  bytes: number | null
  revision: number
}

/** A job as main holds it: the shared Job plus where its video lives on disk. */
export interface JobRecord extends Job {
  file: string | null
}

export interface NewJob {
  request: Text2VideoRequest
  externalTaskId: string
  sandbox?: boolean
  /** For rebuilding history from sidecars: keep the original id and times. */
  id?: string
  createdAt?: number
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    externalTaskId: row.external_task_id,
    taskId: row.task_id,
    state: row.state as JobState,
    taskStatus: row.task_status,
    statusMessage: row.status_msg,
    request: JSON.parse(row.request_json) as Text2VideoRequest,
    sandbox: row.sandbox === 1,
    favourite: row.favourite === 1,
    createdAt: row.created_at,
    submittedAt: row.submitted_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    units: row.units,
    error: row.error_json ? (JSON.parse(row.error_json) as ApiErrorInfo) : null,
    video: row.video_url
      ? { id: row.video_id ?? '', url: row.video_url, duration: row.video_duration ?? '' }
      : null,
    saved: row.file !== null,
    bytes: row.bytes,
    file: row.file,
    requestId: row.request_id,
    revision: row.revision,
  }
}

/** Words of a search box as an FTS5 query: every word must match, each as a prefix. */
export function ftsQuery(text: string): string | null {
  const words = text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 16)
  if (words.length === 0) return null
  return words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' AND ')
}

export class Ledger {
  readonly db: DatabaseSync
  private readonly stmts = new Map<string, StatementSync>()

  constructor(
    path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.db = new DatabaseSync(path, { timeout: 5_000 })
    this.db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;',
    )
    migrate(this.db)
  }

  close(): void {
    this.db.close()
  }

  private stmt(sql: string): StatementSync {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  /** The next revision: strictly increasing across every change, and across processes. */
  private bump(): number {
    const row = this.stmt(
      "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision' RETURNING value",
    ).get() as {
      value: number | string
    }
    return Number(row.value)
  }

  private tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = fn()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  private event(jobId: string, state: JobState, taskStatus: string | null, message: string): void {
    this.stmt(
      'INSERT INTO job_events (job_id, at, state, task_status, message) VALUES (?, ?, ?, ?, ?)',
    ).run(jobId, this.now(), state, taskStatus, message)
  }

  create(input: NewJob): JobRecord {
    const id = input.id ?? randomUUID()
    const at = input.createdAt ?? this.now()
    return this.tx(() => {
      const revision = this.bump()
      this.stmt(
        `INSERT INTO jobs (id, external_task_id, state, status_msg, request_json, prompt, negative_prompt, model, aspect_ratio,
           sandbox, created_at, updated_at, revision)
         VALUES (?, ?, 'queued', '', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        input.externalTaskId,
        JSON.stringify(input.request),
        input.request.prompt,
        input.request.negative_prompt ?? '',
        input.request.model_name ?? null,
        input.request.aspect_ratio ?? null,
        input.sandbox ? 1 : 0,
        at,
        at,
        revision,
      )
      this.event(id, 'queued', null, '')
      return this.get(id)!
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
    const row = this.stmt('SELECT * FROM jobs WHERE task_id = ?').get(taskId) as JobRow | undefined
    return row ? toRecord(row) : null
  }

  /** Moves a job to a new state; records the change in its history. */
  setState(
    id: string,
    state: JobState,
    changes: { message?: string; error?: ApiErrorInfo | null } = {},
  ): JobRecord {
    return this.tx(() => {
      const revision = this.bump()
      this.stmt(
        `UPDATE jobs SET state = ?, status_msg = COALESCE(?, status_msg), error_json = ?, updated_at = ?, revision = ?,
           finished_at = CASE WHEN ? IN ('done', 'failed', 'expired') THEN COALESCE(finished_at, ?) ELSE finished_at END
         WHERE id = ?`,
      ).run(
        state,
        changes.message ?? null,
        changes.error ? JSON.stringify(changes.error) : null,
        this.now(),
        revision,
        state,
        this.now(),
        id,
      )
      this.event(id, state, null, changes.message ?? changes.error?.message ?? '')
      return this.get(id)!
    })
  }

  /**
   * Records what the service said about the task. Returns null when nothing changed, so a poll
   * that learns nothing new costs no write and no event.
   */
  applyTask(id: string, task: KlingTask): JobRecord | null {
    const job = this.get(id)
    if (!job) throw new Error(`no job ${id}`)
    const video = task.videos[0] ?? null
    let state: JobState = job.state
    if (task.task_status === 'failed') state = 'failed'
    else if (task.task_status === 'succeed') state = job.saved ? 'done' : 'downloading'
    else if (task.task_status === 'processing') state = 'processing'
    else if (!isLive(job.state) || job.state === 'queued' || job.state === 'creating')
      state = 'submitted'
    const same =
      job.taskId === task.task_id &&
      job.taskStatus === task.task_status &&
      job.state === state &&
      (job.video?.url ?? null) === (video?.url ?? null) &&
      job.statusMessage === task.task_status_msg
    if (same) return null
    return this.tx(() => {
      const revision = this.bump()
      const finished = state === 'failed' || task.task_status === 'succeed'
      this.stmt(
        `UPDATE jobs SET task_id = ?, task_status = ?, status_msg = ?, state = ?, submitted_at = COALESCE(?, submitted_at),
           finished_at = CASE WHEN ? THEN COALESCE(?, finished_at, ?) ELSE finished_at END,
           units = COALESCE(?, units), video_id = COALESCE(?, video_id), video_url = COALESCE(?, video_url),
           video_duration = COALESCE(?, video_duration), error_json = CASE WHEN ? = 'failed' THEN error_json ELSE NULL END,
           request_id = COALESCE(?, request_id), updated_at = ?, revision = ?
         WHERE id = ?`,
      ).run(
        task.task_id,
        task.task_status,
        task.task_status_msg,
        state,
        task.created_at,
        finished ? 1 : 0,
        task.updated_at,
        this.now(),
        task.final_unit_deduction,
        video?.id ?? null,
        video?.url ?? null,
        video?.duration ?? null,
        state,
        task.request_id,
        this.now(),
        revision,
        id,
      )
      if (job.taskStatus !== task.task_status || job.state !== state)
        this.event(id, state, task.task_status, task.task_status_msg)
      return this.get(id)!
    })
  }

  setSaved(id: string, file: string, bytes: number): JobRecord {
    return this.tx(() => {
      const revision = this.bump()
      this.stmt(
        "UPDATE jobs SET file = ?, bytes = ?, state = 'done', updated_at = ?, revision = ? WHERE id = ?",
      ).run(file, bytes, this.now(), revision, id)
      this.event(id, 'done', 'succeed', '')
      return this.get(id)!
    })
  }

  /**
   * Rebuilds one finished job from a sidecar (the library folder is the backup of the history).
   * Returns false when the ledger already knew it.
   */
  importSaved(entry: {
    id: string
    externalTaskId: string
    taskId: string
    request: Text2VideoRequest
    sandbox: boolean
    favourite: boolean
    createdAt: number
    submittedAt: number | null
    finishedAt: number | null
    units: string | null
    video: { id: string; url: string; duration: string } | null
    file: string
    bytes: number
  }): boolean {
    const known = this.get(entry.id) ?? this.byExternalId(entry.externalTaskId)
    if (known) {
      if (known.file !== entry.file) this.setSaved(known.id, entry.file, entry.bytes)
      return false
    }
    this.tx(() => {
      const revision = this.bump()
      this.stmt(
        `INSERT INTO jobs (id, external_task_id, task_id, state, task_status, status_msg, request_json, prompt, negative_prompt,
           model, aspect_ratio, sandbox, favourite, created_at, submitted_at, finished_at, updated_at, units,
           video_id, video_url, video_duration, file, bytes, revision)
         VALUES (?, ?, ?, 'done', 'succeed', '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        entry.id,
        entry.externalTaskId,
        entry.taskId,
        JSON.stringify(entry.request),
        entry.request.prompt,
        entry.request.negative_prompt ?? '',
        entry.request.model_name ?? null,
        entry.request.aspect_ratio ?? null,
        entry.sandbox ? 1 : 0,
        entry.favourite ? 1 : 0,
        entry.createdAt,
        entry.submittedAt,
        entry.finishedAt,
        this.now(),
        entry.units,
        entry.video?.id ?? null,
        entry.video?.url ?? null,
        entry.video?.duration ?? null,
        entry.file,
        entry.bytes,
        revision,
      )
      this.event(entry.id, 'done', 'succeed', 'rebuilt from the library folder')
    })
    return true
  }

  /** For a job whose file vanished from disk: it needs downloading again. */
  clearFile(id: string): JobRecord {
    return this.tx(() => {
      const revision = this.bump()
      this.stmt(
        'UPDATE jobs SET file = NULL, bytes = NULL, updated_at = ?, revision = ? WHERE id = ?',
      ).run(this.now(), revision, id)
      return this.get(id)!
    })
  }

  setFavourite(id: string, favourite: boolean): JobRecord {
    return this.tx(() => {
      const revision = this.bump()
      this.stmt('UPDATE jobs SET favourite = ?, updated_at = ?, revision = ? WHERE id = ?').run(
        favourite ? 1 : 0,
        this.now(),
        revision,
        id,
      )
      return this.get(id)!
    })
  }

  /** Remembers a library folder this history saves into (kept for good: its videos stay). */
  addLibraryRoot(path: string): void {
    this.stmt(
      'INSERT INTO library_roots (path, added_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
    ).run(path, Date.now())
  }

  libraryRoots(): string[] {
    return (
      this.stmt('SELECT path FROM library_roots ORDER BY added_at').all() as { path: string }[]
    ).map((r) => r.path)
  }

  remove(id: string): void {
    this.tx(() => {
      this.bump()
      this.stmt('DELETE FROM job_events WHERE job_id = ?').run(id)
      this.stmt('DELETE FROM jobs WHERE id = ?').run(id)
    })
  }

  /** Every job that is not finished, oldest first: what a restart must pick up again. */
  live(): JobRecord[] {
    const rows = this.stmt(
      "SELECT * FROM jobs WHERE state IN ('queued', 'creating', 'submitted', 'processing', 'downloading') ORDER BY created_at, rowid",
    ).all() as unknown as JobRow[]
    return rows.map(toRecord)
  }

  /** Finished jobs whose video is not on disk (yet, or any more). */
  unsaved(): JobRecord[] {
    const rows = this.stmt(
      "SELECT * FROM jobs WHERE task_status = 'succeed' AND file IS NULL AND state NOT IN ('expired') ORDER BY created_at",
    ).all() as unknown as JobRow[]
    return rows.map(toRecord)
  }

  saved(): JobRecord[] {
    return (
      this.stmt('SELECT * FROM jobs WHERE file IS NOT NULL').all() as unknown as JobRow[]
    ).map(toRecord)
  }

  list(query: JobQuery = {}): { jobs: JobRecord[]; total: number } {
    const where: string[] = []
    const args: (string | number | null)[] = []
    const match = query.search ? ftsQuery(query.search) : null
    if (query.search && match === null) return { jobs: [], total: 0 }
    if (match) {
      where.push('jobs.rowid IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?)')
      args.push(match)
    }
    if (query.states && query.states.length > 0) {
      where.push(`state IN (${query.states.map(() => '?').join(', ')})`)
      args.push(...query.states)
    }
    if (query.model !== undefined) {
      where.push('model = ?')
      args.push(query.model)
    }
    if (query.aspectRatio !== undefined) {
      where.push('aspect_ratio = ?')
      args.push(query.aspectRatio)
    }
    if (query.favourite !== undefined) {
      where.push('favourite = ?')
      args.push(query.favourite ? 1 : 0)
    }
    if (query.sandbox !== undefined) {
      where.push('sandbox = ?')
      args.push(query.sandbox ? 1 : 0)
    }
    if (query.since !== undefined) {
      where.push('created_at >= ?')
      args.push(query.since)
    }
    if (query.until !== undefined) {
      where.push('created_at < ?')
      args.push(query.until)
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500)
    const offset = Math.max(query.offset ?? 0, 0)
    const rows = this.stmt(
      `SELECT * FROM jobs ${clause} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`,
    ).all(...args, limit, offset) as unknown as JobRow[]
    const total = (
      this.stmt(`SELECT COUNT(*) AS n FROM jobs ${clause}`).get(...args) as { n: number }
    ).n
    return { jobs: rows.map(toRecord), total }
  }

  history(
    id: string,
  ): { at: number; state: JobState; taskStatus: string | null; message: string }[] {
    const rows = this.stmt(
      'SELECT at, state, task_status, message FROM job_events WHERE job_id = ? ORDER BY id',
    ).all(id) as {
      at: number
      state: string
      task_status: string | null
      message: string
    }[]
    return rows.map((r) => ({
      at: r.at,
      state: r.state as JobState,
      taskStatus: r.task_status,
      message: r.message,
    }))
  }

  /** Seconds from create to succeed of finished tasks like this one, newest first. */
  durations(request: Text2VideoRequest, limit = 200): number[] {
    const rows = this.stmt(
      `SELECT (finished_at - submitted_at) / 1000.0 AS seconds FROM jobs
       WHERE task_status = 'succeed' AND sandbox = 0 AND submitted_at IS NOT NULL AND finished_at > submitted_at
         AND COALESCE(model, '') = ? AND json_extract(request_json, '$.mode') IS ? AND json_extract(request_json, '$.duration') IS ?
       ORDER BY finished_at DESC LIMIT ?`,
    ).all(request.model_name ?? '', request.mode ?? null, request.duration ?? null, limit) as {
      seconds: number
    }[]
    return rows.map((r) => r.seconds)
  }

  revision(): number {
    return Number(
      (
        this.stmt("SELECT value FROM meta WHERE key = 'revision'").get() as {
          value: string | number
        }
      ).value,
    )
  }
}
