import { ApiError } from '../api'
import type { Notice } from '../stores/app'

/** Any failure as a notice, keeping the request id a person quotes to support. */
export function noticeFrom(error: unknown): Notice {
  if (error instanceof ApiError)
    return { kind: 'error', text: error.message, requestId: error.requestId, code: error.code }
  return { kind: 'error', text: error instanceof Error ? error.message : String(error) }
}
