import type { KlingTask } from '../../../shared/kling'
import type { ApiErrorInfo } from '../../../shared/kling'
import { KlingApiError } from '../../kling/errors'
import type { JobRecord } from '../ledger'
import type { LifecycleEvent } from '../lifecycle'

// What every step of a job shares: it is handed the job, a way to record what happened (written
// to the ledger and told to the window before the step goes on), and it answers with what should
// happen next. Steps decide; the engine schedules; the ledger stores.

export type Next =
  /** Run this job's next step after so many milliseconds. */
  | { after: number }
  /** Ask about the task when the poll policy says. */
  | { poll: true }
  /** Nothing more to do for this job. */
  | { end: true }
  /** Cancelled: leave the job as it is, for whoever runs it next. */
  | { stop: true }

/** What the engine remembers of a job for this session only (never written down). */
export interface JobMemory {
  queries: number
  /** Failed attempts in a row, for backoff. */
  errors: number
  retryAfterMs?: number
  /** Queries in a row answered "no such task". */
  notFound: number
  /** "succeed" answers in a row that carried no video. */
  noVideo: number
  /** Creates sent this session (each after proof that none had arrived). */
  posts: number
  /** Unconfirmed creates sent again unasked this session. */
  autoResends: number
  /** The person chose Send again. */
  resendAllowed: boolean
  /**
   * The service's answer to this session's create, kept until it is recorded: should recording
   * it fail (the history locked, its disk full), the next try records it again instead of asking
   * a lookup that may lag behind the create and then sending a second one.
   */
  answered?: KlingTask
}

export const newMemory = (): JobMemory => ({
  queries: 0,
  errors: 0,
  notFound: 0,
  noVideo: 0,
  posts: 0,
  autoResends: 0,
  resendAllowed: false,
})

export interface StepContext {
  job: JobRecord
  memory: JobMemory
  /** Records an event: the ledger first, then the window. Returns the job as it now stands. */
  apply(event: LifecycleEvent): JobRecord
  signal: AbortSignal
  random(): number
  now(): number
  /** Takes one of the service's slots for a create (true when the job holds one now). */
  claimSlot(): boolean
  /** Where this engine sends: the address a create is recorded with. */
  baseUrl: string
}

export function infoOf(error: unknown): ApiErrorInfo {
  if (error instanceof KlingApiError) return error.toInfo()
  // Not an answer of the service (an input image gone from disk, say): nothing reached it.
  return {
    kind: 'invalid_request',
    status: null,
    code: null,
    message: error instanceof Error ? error.message : String(error),
    request_id: null,
  }
}

export const isAborted = (error: unknown): boolean =>
  error instanceof KlingApiError && error.kind === 'aborted'
