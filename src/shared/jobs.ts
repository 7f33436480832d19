import type { ApiErrorInfo, VideoKind, VideoRequest } from './kling'

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
  /** Which endpoint made it (text2video, image2video, ...). */
  kind: VideoKind
  /** For an extension: the job whose video it extends. */
  parentJobId: string | null
  /** The takes of one Generate share this id (null: a single take, or made before takes). */
  groupId: string | null
  /** The API address the create was sent to; lookups and resends go there. Null: not sent yet. */
  baseUrl: string | null
  /** The service's own word for the task's status, kept verbatim. */
  taskStatus: string | null
  statusMessage: string
  /** Images are named (input:<sha256>.png or a URL), never inline. */
  request: VideoRequest
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
  kind?: VideoKind
  /** The extensions (children) of this job. */
  parentJobId?: string
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
  /** How many jobs match: the slots of the library's grid. */
  total: number
  /**
   * The total is a lower bound (a search, or several filters, on a large history): at least this
   * many match, maybe more. It is never more than there are; a later page may raise it.
   */
  totalIsEstimate?: boolean
}
