import { isLive, type Job, type JobState } from '../../shared/jobs'
import type { ApiErrorInfo, KlingTask } from '../../shared/kling'
import { unitsText } from '../kling/parse'

// A job's life as a pure function: what a job becomes when something happens to it. The engine
// asks nextState, the ledger stores the answer; neither decides states on its own. Returning null
// means nothing changed, so a poll that learns nothing costs no write and no event.

export type LifecycleEvent =
  /** The create is about to be sent to this address: it may reach the server from now on. */
  | { type: 'sending'; baseUrl: string }
  /** The service answered with the task: a create, a lookup or a poll. */
  | { type: 'answered'; task: KlingTask }
  /** A refusal that cannot have created a task: back in line, sent again later without a lookup. */
  | { type: 'requeued'; error: ApiErrorInfo }
  /** A passing fault while sending or looking up: same state, the error shown. */
  | { type: 'retrying'; error: ApiErrorInfo }
  /** The create may have reached the server and could not be confirmed. */
  | { type: 'unconfirmed'; error: ApiErrorInfo }
  | { type: 'failed'; error: ApiErrorInfo | null; message?: string }
  /** A status query failed; the job goes on as it was. */
  | { type: 'query-failed'; error: ApiErrorInfo }
  | { type: 'download-failed'; error: ApiErrorInfo }
  | { type: 'expired'; error?: ApiErrorInfo }
  | { type: 'saved'; file: string; bytes: number }
  /** A finished job's video is wanted (again). */
  | { type: 'refetch' }
  /** A job with no task id is polled: it goes back to being created, looked up before any send. */
  | { type: 'no-task' }

/** The columns a change may write. */
export interface JobPatch {
  state?: JobState
  /** The address a create was sent to: its lookups and resends go there, nowhere else. */
  baseUrl?: string | null
  taskId?: string | null
  taskStatus?: string | null
  statusMessage?: string
  submittedAt?: number | null
  finishedAt?: number | null
  units?: string | null
  error?: ApiErrorInfo | null
  video?: { id: string; url: string; duration: string } | null
  requestId?: string | null
  file?: string | null
  bytes?: number | null
}

export interface Change {
  patch: JobPatch
  /** A line for the job's history, when its state or the service's status moved. */
  event?: { state: JobState; taskStatus: string | null; message: string }
}

type JobView = Pick<
  Job,
  | 'state'
  | 'taskId'
  | 'taskStatus'
  | 'statusMessage'
  | 'video'
  | 'saved'
  | 'finishedAt'
  | 'submittedAt'
  | 'units'
  | 'requestId'
  | 'error'
  | 'baseUrl'
>

const ENDED: readonly JobState[] = ['done', 'failed', 'expired']

/** A plain move to a state, as the history writes it: the error replaced, finished stamped once. */
function moveTo(
  job: JobView,
  state: JobState,
  now: number,
  error: ApiErrorInfo | null,
  message?: string,
): Change {
  const patch: JobPatch = { state, error }
  if (message !== undefined) patch.statusMessage = message
  if (ENDED.includes(state) && job.finishedAt === null) patch.finishedAt = now
  return { patch, event: { state, taskStatus: null, message: message ?? error?.message ?? '' } }
}

function answered(job: JobView, task: KlingTask, now: number): Change | null {
  const video = task.videos[0] ?? null
  let state: JobState = job.state
  if (task.task_status === 'failed') state = 'failed'
  else if (task.task_status === 'succeed') state = job.saved ? 'done' : 'downloading'
  else if (task.task_status === 'processing') state = 'processing'
  else if (!isLive(job.state) || job.state === 'queued' || job.state === 'creating')
    state = 'submitted'
  // A charge is the task's once it has ended: a running task's "0" would read as charged nothing.
  const ended = task.task_status === 'succeed' || task.task_status === 'failed'
  const units = ended ? (unitsText(task.final_unit_deduction) ?? job.units) : job.units
  const same =
    job.taskId === task.task_id &&
    units === job.units &&
    job.taskStatus === task.task_status &&
    job.state === state &&
    (job.video?.url ?? null) === (video?.url ?? null) &&
    job.statusMessage === task.task_status_msg
  if (same) return null
  const finished = state === 'failed' || task.task_status === 'succeed'
  const patch: JobPatch = {
    state,
    taskId: task.task_id,
    taskStatus: task.task_status,
    statusMessage: task.task_status_msg,
    submittedAt: task.created_at ?? job.submittedAt,
    finishedAt: finished ? (task.updated_at ?? job.finishedAt ?? now) : job.finishedAt,
    units,
    video: video ? { id: video.id, url: video.url, duration: video.duration } : job.video,
    error: state === 'failed' ? job.error : null,
    requestId: task.request_id ?? job.requestId,
  }
  const moved = job.taskStatus !== task.task_status || job.state !== state
  return moved
    ? { patch, event: { state, taskStatus: task.task_status, message: task.task_status_msg } }
    : { patch }
}

export function nextState(job: JobView, event: LifecycleEvent, now: number): Change | null {
  switch (event.type) {
    case 'sending': {
      if (job.state === 'creating' && job.baseUrl === event.baseUrl) return null
      const change = moveTo(job, 'creating', now, null)
      change.patch.baseUrl = event.baseUrl
      return change
    }
    case 'answered':
      return answered(job, event.task, now)
    case 'requeued':
      return moveTo(job, 'queued', now, event.error, event.error.message)
    case 'retrying':
      return moveTo(
        job,
        job.state === 'queued' ? 'creating' : job.state,
        now,
        event.error,
        event.error.message,
      )
    case 'unconfirmed':
      return moveTo(job, 'needs_attention', now, event.error, event.error.message)
    case 'failed':
      return moveTo(job, 'failed', now, event.error, event.message ?? event.error?.message)
    case 'query-failed':
      // Shown with its request id the first time, and when it changes: not at every query.
      if (job.error?.message === event.error.message) return null
      return {
        patch: { error: event.error },
        event: { state: job.state, taskStatus: null, message: event.error.message },
      }
    case 'download-failed':
      return moveTo(job, 'downloading', now, event.error, event.error.message)
    case 'expired':
      return moveTo(job, 'expired', now, event.error ?? null, event.error?.message)
    case 'saved':
      return {
        patch: { state: 'done', file: event.file, bytes: event.bytes, error: null },
        event: { state: 'done', taskStatus: 'succeed', message: '' },
      }
    case 'refetch':
      return moveTo(job, 'downloading', now, null)
    case 'no-task':
      return moveTo(job, 'creating', now, null)
  }
}
