import { ApiError } from '../api'
import type { MessageKey, Translate } from '../i18n'
import type { Notice } from '../stores/app'

/** Any failure as a notice, keeping the request id a person quotes to support. */
export function noticeFrom(error: unknown): Notice {
  if (error instanceof ApiError)
    return { kind: 'error', text: error.message, requestId: error.requestId, code: error.code }
  return { kind: 'error', text: error instanceof Error ? error.message : String(error) }
}

/** Main speaks English: the sentence that says an error code in the person's language, if any. */
export function errorLead(t: Translate, code: string | null | undefined): string | null {
  if (!code) return null
  const key = `error.code.${code}` as MessageKey
  const text = t(key)
  return text === key ? null : text
}
