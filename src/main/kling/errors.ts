import type { ApiErrorInfo, ApiErrorKind } from '../../shared/kling'

export interface KlingApiErrorInit {
  kind: ApiErrorKind
  message: string
  status?: number | null
  code?: string | null
  requestId?: string | null
  retryAfterMs?: number | null
  /**
   * Whether the request may have reached the server. For a create this is what separates a
   * failure that is safe to resend from one that must be reconciled first (never pay twice).
   */
  mayHaveReachedServer?: boolean
  cause?: unknown
}

/** Every failure of the Kling client, typed by kind, with what a person needs to quote it. */
export class KlingApiError extends Error {
  readonly kind: ApiErrorKind
  readonly status: number | null
  readonly code: string | null
  readonly requestId: string | null
  readonly retryAfterMs: number | null
  readonly mayHaveReachedServer: boolean

  constructor(init: KlingApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'KlingApiError'
    this.kind = init.kind
    this.status = init.status ?? null
    this.code = init.code ?? null
    this.requestId = init.requestId ?? null
    this.retryAfterMs = init.retryAfterMs ?? null
    this.mayHaveReachedServer = init.mayHaveReachedServer ?? true
  }

  toInfo(): ApiErrorInfo {
    return {
      kind: this.kind,
      status: this.status,
      code: this.code,
      message: this.message,
      request_id: this.requestId,
    }
  }

  /** One line for a person: what happened, and the request id to quote to support. */
  describe(): string {
    const parts = [this.message]
    const meta = [
      this.status !== null ? `HTTP ${this.status}` : null,
      this.code !== null ? `code ${this.code}` : null,
      this.requestId !== null ? `request id ${this.requestId}` : null,
    ].filter(Boolean)
    if (meta.length > 0) parts.push(`(${meta.join(', ')})`)
    return parts.join(' ')
  }
}

const MONEY_CODES = new Set(['1101', '1102'])

/**
 * Maps an HTTP status and a business code (Kling's numbers, or CometAPI's strings) to a kind.
 * The business code wins where it is known: Kling sends 429 for both "too many requests" and
 * "arrears", which call for opposite reactions.
 */
export function classifyFailure(
  status: number | null,
  code: string | null,
  message = '',
): ApiErrorKind {
  const n = code !== null && /^\d+$/.test(code) ? Number(code) : null
  if (n !== null) {
    if (n >= 1000 && n <= 1004) return 'authentication'
    if (n === 1100 || n === 1103 || n === 1304) return 'authentication'
    if (n === 1101 || n === 1102) return 'insufficient_credit'
    if (n === 1200 || n === 1201 || n === 1203) return 'invalid_request'
    if (n === 1202) return status === 404 ? 'not_found' : 'invalid_request'
    if (n === 1300 || n === 1301) return 'content_policy'
    if (n === 1302) return 'rate_limited'
    if (n === 1303) return 'too_many_tasks'
    if (n >= 5000 && n <= 5999) return 'server'
  }
  const text = `${code ?? ''} ${message}`.toLowerCase()
  if (/quota|credit|balance|insufficient|arrear/.test(text)) return 'insufficient_credit'
  if (code === 'invalid_request' || /invalid_request/.test(text)) return 'invalid_request'
  if (status === 401 || status === 403) return 'authentication'
  if (status === 404) return 'not_found'
  if (status === 429) return 'rate_limited'
  if (status === 400 || status === 422) return 'invalid_request'
  if (status !== null && status >= 500) return 'server'
  if (/not.?found|does not exist|no such task/.test(text)) return 'not_found'
  return 'invalid_request'
}

/**
 * CometAPI's guide: retry 429, 500, 503, 504, 524 and network errors; never 400, 401, 403, a 500
 * whose code is invalid_request, or a 429 about money. Only meaningful for requests that are safe
 * to repeat; creates go through reconciliation instead.
 */
export function isRetryable(error: KlingApiError): boolean {
  switch (error.kind) {
    case 'rate_limited':
      return !(error.code !== null && MONEY_CODES.has(error.code))
    case 'server':
      return error.status === null || [500, 502, 503, 504, 524].includes(error.status)
    case 'network':
    case 'timeout':
      return true
    case 'unreadable_response':
      // A garbled answer may be a passing proxy fault; a redirect is a wrong base URL.
      return error.status === null || error.status < 300 || error.status >= 500
    default:
      return false
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

// Error codes of connections that never opened: the server cannot have seen the request.
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])
const NEVER_SENT_CHROMIUM =
  /ERR_CONNECTION_REFUSED|ERR_NAME_NOT_RESOLVED|ERR_ADDRESS_UNREACHABLE|ERR_INTERNET_DISCONNECTED/

function errorCode(error: unknown): string | undefined {
  let e: unknown = error
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') return code
    e = e.cause
  }
  return undefined
}

/** A thrown fetch failure (Node's undici or Electron's net) as a typed network error. */
export function networkError(error: unknown, what: string): KlingApiError {
  const code = errorCode(error)
  // A header the runtime refuses is quoted in its error: never let the key ride along.
  const detail = (
    error instanceof Error
      ? error.cause instanceof Error
        ? error.cause.message
        : error.message
      : String(error)
  ).replace(/Bearer\s+\S+/gi, 'Bearer [key]')
  const neverSent = (code !== undefined && NEVER_SENT.has(code)) || NEVER_SENT_CHROMIUM.test(detail)
  return new KlingApiError({
    kind: 'network',
    message: `${what} failed: could not reach the server (${code ?? detail})`,
    code: code ?? null,
    mayHaveReachedServer: !neverSent,
    cause: error,
  })
}
