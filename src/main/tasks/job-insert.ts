import type { Job } from '../../shared/jobs'
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { VideoKind, VideoRequest } from '../../shared/kling'
import { priceOf, repriceExtensions } from './job-price'
import { requestColumns } from './job-row'
import { addTerms } from './search-terms'

// The two ways a job enters the history, as the row each writes: a new job, queued before
// anything is sent; a finished one rebuilt from its sidecar in the library folder. The ledger adds
// rowid, created_at and revision (see Ledger.slot) and writes it with writeJob, which adds what
// the row is priced at (job-price.ts) and its search terms; removeJob is the way out.

export interface NewJob {
  /** Which endpoint; text-to-video when not said. */
  kind?: VideoKind
  request: VideoRequest
  externalTaskId: string
  sandbox?: boolean
  /** For an extension: the job it extends. */
  parentJobId?: string | null
  /** The takes of one Generate share it; null (the default) for a single take. */
  groupId?: string | null
  /** The API address, when already known. */
  baseUrl?: string | null
  /** For rebuilding history from sidecars: keep the original id and times. */
  id?: string
  createdAt?: number
}

/** A finished job as its sidecar in the library folder describes it. */
export type SavedJob = Pick<
  Job,
  | 'id'
  | 'externalTaskId'
  | 'request'
  | 'sandbox'
  | 'favourite'
  | 'createdAt'
  | 'submittedAt'
  | 'finishedAt'
  | 'units'
  | 'video'
> &
  Partial<Pick<Job, 'kind' | 'parentJobId' | 'groupId' | 'baseUrl'>> & {
    taskId: string
    file: string
    bytes: number
  }

type Columns = Record<string, SQLInputValue>
type Prepare = (sql: string) => StatementSync

export const INSERT_JOB = `INSERT INTO jobs (rowid, id, external_task_id, task_id, state, task_status, status_msg, kind,
    parent_job_id, group_id, base_url, request_json, prompt, negative_prompt, model, aspect_ratio, sandbox, favourite, created_at,
    submitted_at, finished_at, updated_at, units, video_id, video_url, video_duration, file, bytes, revision,
    estimate, price_model)
  VALUES (:rowid, :id, :external_task_id, :task_id, :state, :task_status, '', :kind, :parent_job_id, :group_id, :base_url,
    :request_json, :prompt, :negative_prompt, :model, :aspect_ratio, :sandbox, :favourite, :created_at,
    :submitted_at, :finished_at, :updated_at, :units, :video_id, :video_url, :video_duration, :file, :bytes, :revision,
    :estimate, :price_model)`

/**
 * Writes a job's row (newJobColumns or savedJobColumns, with rowid and revision) priced as the
 * history stands, re-prices the extensions waiting below it, and adds its search terms.
 */
export function writeJob(prepare: Prepare, columns: Columns): void {
  const price = priceOf(prepare, {
    kind: String(columns.kind),
    request: JSON.parse(String(columns.request_json)) as object,
    parent_job_id: columns.parent_job_id as string | null,
    model: columns.model as string | null,
  })
  prepare(INSERT_JOB).run({ ...columns, ...price })
  repriceExtensions(prepare, String(columns.id))
  addTerms(prepare, String(columns.prompt), String(columns.negative_prompt))
}

/** Removes a job and its events; the extensions below it are priced without it. */
export function removeJob(prepare: Prepare, id: string): void {
  prepare('DELETE FROM job_events WHERE job_id = ?').run(id)
  prepare('DELETE FROM jobs WHERE id = ?').run(id)
  repriceExtensions(prepare, id)
}

/** The row of a new job, queued; `at` is its creation time (and first update). */
export function newJobColumns(input: NewJob, id: string, at: number): Columns {
  return {
    ...requestColumns(input.request),
    id,
    external_task_id: input.externalTaskId,
    task_id: null,
    state: 'queued',
    task_status: null,
    kind: input.kind ?? 'text2video',
    parent_job_id: input.parentJobId ?? null,
    group_id: input.groupId ?? null,
    base_url: input.baseUrl ?? null,
    request_json: JSON.stringify(input.request),
    sandbox: input.sandbox ? 1 : 0,
    favourite: 0,
    created_at: at,
    submitted_at: null,
    finished_at: null,
    updated_at: at,
    units: null,
    video_id: null,
    video_url: null,
    video_duration: null,
    file: null,
    bytes: null,
  }
}

/** The row of a finished job rebuilt from its sidecar, its video saved. */
export function savedJobColumns(entry: SavedJob, createdAt: number, now: number): Columns {
  return {
    ...requestColumns(entry.request),
    id: entry.id,
    external_task_id: entry.externalTaskId,
    task_id: entry.taskId,
    state: 'done',
    task_status: 'succeed',
    kind: entry.kind ?? 'text2video',
    parent_job_id: entry.parentJobId ?? null,
    group_id: entry.groupId ?? null,
    base_url: entry.baseUrl ?? null,
    request_json: JSON.stringify(entry.request),
    sandbox: entry.sandbox ? 1 : 0,
    favourite: entry.favourite ? 1 : 0,
    created_at: createdAt,
    submitted_at: entry.submittedAt,
    finished_at: entry.finishedAt,
    updated_at: now,
    units: entry.units,
    video_id: entry.video?.id ?? null,
    video_url: entry.video?.url ?? null,
    video_duration: entry.video?.duration ?? null,
    file: entry.file,
    bytes: entry.bytes,
  }
}
