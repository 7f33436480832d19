import type { SQLInputValue } from 'node:sqlite'
import type { Job, JobState } from '../../shared/jobs'
import type { ApiErrorInfo, VideoKind, VideoRequest } from '../../shared/kling'
import type { JobPatch } from './lifecycle'

// A job as a row of the jobs table and back: the one place that knows column names. The ledger
// writes through these; nothing else turns a row into a record or a change into SQL.

export interface JobRow {
  id: string
  external_task_id: string
  task_id: string | null
  state: string
  kind: string
  parent_job_id: string | null
  group_id: string | null
  base_url: string | null
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

/** A line of a job's history. */
export interface JobEvent {
  state: JobState
  taskStatus: string | null
  message: string
}

/** What the ledger itself may change beyond a lifecycle patch. */
export interface RowPatch extends JobPatch {
  favourite?: boolean
  baseUrl?: string | null
}

export function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    externalTaskId: row.external_task_id,
    taskId: row.task_id,
    state: row.state as JobState,
    kind: row.kind as VideoKind,
    parentJobId: row.parent_job_id,
    groupId: row.group_id,
    baseUrl: row.base_url,
    taskStatus: row.task_status,
    statusMessage: row.status_msg,
    request: JSON.parse(row.request_json) as VideoRequest,
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

/** The columns a patch sets, with their values: undefined leaves a column as it is. */
export function patchColumns(patch: RowPatch): [string, SQLInputValue][] {
  const out: [string, SQLInputValue][] = []
  const put = (column: string, value: SQLInputValue | undefined) => {
    if (value !== undefined) out.push([column, value])
  }
  put('state', patch.state)
  put('task_id', patch.taskId)
  put('task_status', patch.taskStatus)
  put('status_msg', patch.statusMessage)
  put('submitted_at', patch.submittedAt)
  put('finished_at', patch.finishedAt)
  put('units', patch.units)
  if (patch.error !== undefined)
    put('error_json', patch.error === null ? null : JSON.stringify(patch.error))
  if (patch.video !== undefined) {
    put('video_id', patch.video?.id ?? null)
    put('video_url', patch.video?.url ?? null)
    put('video_duration', patch.video?.duration ?? null)
  }
  put('request_id', patch.requestId)
  put('file', patch.file)
  put('bytes', patch.bytes)
  if (patch.favourite !== undefined) put('favourite', patch.favourite ? 1 : 0)
  put('base_url', patch.baseUrl)
  return out
}

/** The facets of a request the table keeps in columns of their own (to filter and search). */
export function requestColumns(request: VideoRequest): {
  prompt: string
  negative_prompt: string
  model: string | null
  aspect_ratio: string | null
} {
  // Not every kind has every field (an extension has no model, image-to-video no aspect ratio).
  const r = request as Partial<
    Record<'prompt' | 'negative_prompt' | 'model_name' | 'aspect_ratio', string>
  >
  return {
    prompt: r.prompt ?? '',
    negative_prompt: r.negative_prompt ?? '',
    model: r.model_name ?? null,
    aspect_ratio: r.aspect_ratio ?? null,
  }
}
