// What the service says about a task, and how a failure crosses process boundaries. Shared by
// main, the renderer, the emulator and the command line: plain TypeScript, no Node built-ins.
// The shapes are those of the Kling endpoints as CometAPI relays them (docs/kling-api.md).

/** The statuses the service documents. Anything else is kept verbatim and treated as running. */
export const TASK_STATUSES = ['submitted', 'processing', 'succeed', 'failed'] as const
export type KnownTaskStatus = (typeof TASK_STATUSES)[number]

export function isFinalStatus(status: string): status is 'succeed' | 'failed' {
  return status === 'succeed' || status === 'failed'
}

export interface KlingVideo {
  id: string
  url: string
  /** Seconds, as the service sends it: a string, possibly fractional ("5.1"). */
  duration: string
  watermark_url?: string
}

/** A task as the app understands it, whatever shape the gateway answered in. */
export interface KlingTask {
  /** Opaque: numeric-looking ids exceed 2^53, so never a number. */
  task_id: string
  task_status: string
  task_status_msg: string
  external_task_id: string | null
  /** video-extend answers name the video they extended (task_info.parent_video). */
  parent_video?: { id: string; url: string; duration: string } | null
  videos: KlingVideo[]
  /** Unix time in milliseconds (a gateway that sends seconds is converted). */
  created_at: number | null
  updated_at: number | null
  final_unit_deduction: string | null
  request_id: string | null
}

/** What kind of failure an API call ended in; the renderer and the command line show these. */
export const API_ERROR_KINDS = [
  'authentication',
  'insufficient_credit',
  'rate_limited',
  'too_many_tasks',
  'invalid_request',
  'content_policy',
  'not_found',
  'server',
  'network',
  'timeout',
  'unreadable_response',
  'ambiguous_create',
  'aborted',
  'download',
] as const
export type ApiErrorKind = (typeof API_ERROR_KINDS)[number]

/** A failure as it crosses process boundaries (IPC, --json output): plain data, never a class. */
export interface ApiErrorInfo {
  kind: ApiErrorKind
  status: number | null
  code: string | null
  message: string
  request_id: string | null
}
