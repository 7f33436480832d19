import { ApiError } from '../api'
import type { MessageKey, Translate } from '../i18n'
import type { Notice } from '../stores/app'

// How a failure is said to a person: a sentence in their language for its code first, main's own
// (English) words as the detail, and the request id they quote to support.

/** Any failure as a notice, keeping the request id a person quotes to support. */
export function noticeFrom(error: unknown): Notice {
  if (error instanceof ApiError)
    return { kind: 'error', text: error.message, requestId: error.requestId, code: error.code }
  // Not from main: a fault in the page or the bridge itself.
  return {
    kind: 'error',
    text: error instanceof Error ? error.message : String(error),
    code: 'internal',
  }
}

/** Main speaks English: the sentence that says an error code in the person's language, if any. */
export function errorLead(t: Translate, code: string | null | undefined): string | null {
  if (!code) return null
  const key = `error.code.${code}` as MessageKey
  const text = t(key)
  return text === key ? null : text
}

export interface Explained {
  /** In the person's language, always. */
  lead: string
  /** Main's own words, when the lead does not already carry them. */
  detail: string | null
}

/** A failure with a code: its sentence and main's words, or (unknown code) both in one line. */
export function explain(t: Translate, code: string, message: string): Explained {
  const lead = errorLead(t, code)
  if (lead) return { lead, detail: message && message !== lead ? message : null }
  return { lead: t('error.generic', { message }), detail: null }
}

/** The service never answered: the address, the network or the service is down, not the key. */
export function isUnreachable(code: string): boolean {
  return code === 'network' || code === 'timeout'
}
