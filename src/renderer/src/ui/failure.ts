import type { Job } from '../../../shared/jobs'
import type { Translate } from '../i18n'
import { errorLead } from './errors'

// Why a job failed, in the person's words, by category, and what they can do about it.

export type FailureCategory =
  | 'content_policy'
  | 'credit'
  | 'key'
  | 'request'
  | 'busy'
  | 'unreachable'
  | 'service'
  | 'expired'
  | 'other'

export interface FailureInfo {
  category: FailureCategory
  /** One line in the person's language. */
  title: string
  /** The server's own words (key already scrubbed by main), for detail. */
  detail: string
  requestId: string | null
  /** Whether sending the same request again can help (false: Edit and retry instead). */
  retryable: boolean
}

/** Null for a job that has not failed. */
export function failureOf(job: Job, t: Translate): FailureInfo | null {
  if (job.state !== 'failed' && job.state !== 'expired' && job.state !== 'needs_attention')
    return null
  const kind = job.error?.kind ?? null
  const category: FailureCategory =
    job.state === 'expired' ? 'expired' : kind === 'content_policy' ? 'content_policy' : 'other'
  return {
    category,
    title: errorLead(t, kind) ?? t(`state.${job.state}`),
    detail: job.error?.message ?? job.statusMessage,
    requestId: job.error?.request_id ?? job.requestId,
    retryable: category !== 'content_policy',
  }
}
