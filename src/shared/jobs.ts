import type { ApiErrorInfo, Text2VideoRequest } from './kling'

// A job is the app's record of one generation: written before any network call, so nothing the
// person asked for is lost, whatever happens to the process or the connection.

export const JOB_STATES = [
  'queued', // waiting locally for a free slot
  'creating', // the create request is (or may be) on its way; reconciled before any resend
  'submitted',
  'processing',
  'downloading',
  'done',
  'failed',
  'expired', // finished, but its video link lapsed before it was saved
  'needs_attention', // the create may have reached the server and could not be confirmed
] as const
export type JobState = (typeof JOB_STATES)[number]

export const LIVE_STATES: readonly JobState[] = [
  'queued',
  'creating',
  'submitted',
  'processing',
  'downloading',
]

export function isLive(state: JobState): boolean {
  return LIVE_STATES.includes(state)
}

/** A job as every side sees it. No file paths: the renderer names videos by job id. */
export interface Job {
  id: string
  externalTaskId: string
  taskId: string | null
  state: JobState
  /** The service's own word for the task's status, kept verbatim. */
  taskStatus: string | null
  statusMessage: string
  request: Text2VideoRequest
  sandbox: boolean
  favourite: boolean
  /** Local time the job was made (ms). */
  createdAt: number
  /** The service's created_at and the moment the task ended (ms). */
  submittedAt: number | null
  finishedAt: number | null
  updatedAt: number
  units: string | null
  error: ApiErrorInfo | null
  video: { id: string; url: string; duration: string } | null
  /** Whether the video is saved in the library. */
  saved: boolean
  bytes: number | null
  /** The request id of the service's last answer about this task, for support. */
  requestId: string | null
  revision: number
}

export interface JobQuery {
  search?: string
  states?: JobState[]
  model?: string
  aspectRatio?: string
  favourite?: boolean
  sandbox?: boolean
  since?: number
  until?: number
  limit?: number
  offset?: number
}

export interface JobPage {
  jobs: Job[]
  total: number
}
