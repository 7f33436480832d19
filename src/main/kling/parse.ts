import type { KlingTask, KlingVideo } from '../../shared/kling'
import { classifyFailure, KlingApiError, parseRetryAfter } from './errors'

// Identifiers are opaque strings. Kling's are numeric-looking and above 2^53, so a gateway that
// sends one as a JSON number must not have its digits rounded by JSON.parse.
const ID_KEYS = new Set(['task_id', 'id', 'external_task_id', 'request_id'])

type ReviverContext = { source?: string } | undefined
type SourceReviver = (
  this: unknown,
  key: string,
  value: unknown,
  context: ReviverContext,
) => unknown

const keepIdDigits: SourceReviver = (key, value, context) => {
  if (typeof value === 'number' && ID_KEYS.has(key)) {
    // context.source is the literal text of the number (JSON.parse source text access).
    return context?.source ?? String(value)
  }
  return value
}

/** JSON.parse that keeps identifiers exact; throws SyntaxError like JSON.parse. */
export function parseJsonKeepingIds(text: string): unknown {
  // Runtimes without source text access get the digits quoted before parsing instead.
  const prepared = supportsSourceText
    ? text
    : text.replace(
        /("(?:task_id|id|external_task_id|request_id)"\s*:\s*)(-?\d+)(?=\s*[,}\]])/g,
        '$1"$2"',
      )
  return JSON.parse(prepared, keepIdDigits as Parameters<typeof JSON.parse>[1])
}

const supportsSourceText = (() => {
  let seen = false
  JSON.parse('1', ((_k: string, v: unknown, c: ReviverContext) => {
    seen = typeof c?.source === 'string'
    return v
  }) as Parameters<typeof JSON.parse>[1])
  return seen
})()

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function asId(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  if (typeof v === 'bigint') return v.toString()
  return null
}

/** Milliseconds; a value below 1e12 can only be seconds (it would be before 2001 in ms). */
export function toMillis(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return null
  return n < 1e12 ? Math.round(n * 1000) : Math.round(n)
}

// The older CometAPI wrapper reports its own status words.
const WRAPPED_STATUS: Record<string, string> = {
  SUCCESS: 'succeed',
  FAILURE: 'failed',
  FAILED: 'failed',
  IN_PROGRESS: 'processing',
  PROCESSING: 'processing',
  SUBMITTED: 'submitted',
  NOT_START: 'submitted',
  QUEUED: 'submitted',
}

/** The code of a "succeed" answer that carries no video: broken, but the task may be fine. */
export const NO_VIDEO_CODE = 'no_video'

function unreadable(
  message: string,
  requestId: string | null,
  status: number | null = null,
  code: string | null = null,
): KlingApiError {
  return new KlingApiError({ kind: 'unreadable_response', message, requestId, status, code })
}

function parseVideos(result: unknown, requestId: string | null): KlingVideo[] {
  if (!isRecord(result) || result.videos === undefined || result.videos === null) return []
  if (!Array.isArray(result.videos)) throw unreadable('task_result.videos is not a list', requestId)
  return result.videos.map((v, i) => {
    const url = isRecord(v) ? v.url : undefined
    if (!isRecord(v) || typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw unreadable(`task_result.videos[${i}] has no http(s) url`, requestId)
    }
    const duration =
      typeof v.duration === 'number'
        ? String(v.duration)
        : typeof v.duration === 'string'
          ? v.duration
          : ''
    const video: KlingVideo = { id: asId(v.id) ?? String(i), url, duration }
    if (typeof v.watermark_url === 'string') video.watermark_url = v.watermark_url
    return video
  })
}

/**
 * The `data` of a create or query answer (or the bare body of a callback) as a KlingTask.
 * Accepts the wrapped shape (`data.data`) and keeps unknown statuses verbatim.
 */
export function normaliseTask(data: unknown, requestId: string | null): KlingTask {
  if (!isRecord(data)) throw unreadable('the answer has no task data', requestId)
  let inner: Record<string, unknown> = data
  let wrappedStatus: string | null = null
  if (data.task_status === undefined && isRecord(data.data)) {
    inner = data.data
    wrappedStatus = typeof data.status === 'string' ? data.status : null
  }
  const taskId = asId(inner.task_id) ?? asId(data.task_id)
  if (taskId === null) throw unreadable('the answer has no task_id', requestId)
  let status: string | null =
    typeof inner.task_status === 'string' && inner.task_status !== '' ? inner.task_status : null
  if (status === null && wrappedStatus !== null)
    status = WRAPPED_STATUS[wrappedStatus.toUpperCase()] ?? wrappedStatus
  if (status === null) throw unreadable(`task ${taskId} has no task_status`, requestId)

  const info = isRecord(inner.task_info) ? inner.task_info : {}
  const videos = parseVideos(inner.task_result, requestId)
  if (status === 'succeed' && videos.length === 0) {
    // Success without a result is a broken answer, not a finished task: the caller asks again.
    throw unreadable(
      `task ${taskId} reported succeed but sent no video`,
      requestId,
      null,
      NO_VIDEO_CODE,
    )
  }
  const msg =
    typeof inner.task_status_msg === 'string' && inner.task_status_msg !== ''
      ? inner.task_status_msg
      : wrappedStatus !== null
        ? data.fail_reason
        : undefined
  const units = inner.final_unit_deduction
  return {
    task_id: taskId,
    task_status: status,
    task_status_msg: typeof msg === 'string' ? msg : '',
    external_task_id: asId(info.external_task_id),
    videos,
    created_at: toMillis(inner.created_at),
    updated_at: toMillis(inner.updated_at),
    final_unit_deduction:
      typeof units === 'string' || typeof units === 'number' ? String(units) : null,
    request_id: requestId,
  }
}

export interface RawResponse {
  status: number
  headers: { get(name: string): string | null }
  text: string
}

const REQUEST_ID_IN_TEXT = /request id:?\s*([\w.-]+)/i

function describeNonJson(res: RawResponse): string {
  const type = res.headers.get('content-type') ?? ''
  if (res.status >= 300 && res.status < 400) {
    const to = res.headers.get('location')
    return `the server redirected${to ? ` to ${to}` : ''} instead of answering; check the base URL`
  }
  if (/html/i.test(type) || /^\s*</.test(res.text)) {
    const title = /<title>([^<]{1,120})<\/title>/i.exec(res.text)?.[1]?.trim()
    return `the server answered with a web page${title ? ` ("${title}")` : ''} instead of JSON; check the base URL`
  }
  if (res.text.trim() === '') return 'the server sent an empty answer'
  return 'the server sent an answer that is not valid JSON'
}

/**
 * Reads any answer of the Kling endpoints: the success envelope, Kling's error envelope,
 * CometAPI's `{ error: {...} }`, or something that is not JSON at all. Returns the task or
 * throws a KlingApiError carrying status, code, message and request id.
 */
export function readTaskResponse(res: RawResponse): KlingTask {
  const headerId = res.headers.get('x-request-id') ?? res.headers.get('request-id')
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'))
  let body: unknown
  try {
    body = parseJsonKeepingIds(res.text)
  } catch {
    const message = describeNonJson(res)
    if (res.status >= 400) {
      // A web page is no word from the API: a 404 page says nothing about whether a task exists
      // (a wrong base URL, a proxy), so it must never count as "no such task".
      const kind = classifyFailure(res.status, null)
      return fail(
        kind === 'invalid_request' || kind === 'not_found' ? 'unreadable_response' : kind,
        `HTTP ${res.status}: ${message}`,
      )
    }
    throw unreadable(message, headerId, res.status)
  }
  if (!isRecord(body))
    throw unreadable('the answer is JSON but not an object', headerId, res.status)

  // CometAPI's own envelope.
  if (isRecord(body.error)) {
    const e = body.error
    const message =
      typeof e.message === 'string' && e.message !== '' ? e.message : `HTTP ${res.status}`
    const code = asId(e.code) ?? (typeof e.type === 'string' ? e.type : null)
    const requestId = asId(body.request_id) ?? REQUEST_ID_IN_TEXT.exec(message)?.[1] ?? headerId
    throw new KlingApiError({
      kind: classifyFailure(res.status >= 400 ? res.status : null, code, message),
      message: message.replace(/\s*\(request id:[^)]*\)\s*$/i, ''),
      status: res.status,
      code,
      requestId,
      retryAfterMs,
    })
  }

  const requestId = asId(body.request_id) ?? headerId
  const code = asId(body.code)
  const message = typeof body.message === 'string' ? body.message : ''
  if (res.status >= 400 || (code !== null && code !== '0')) {
    throw new KlingApiError({
      kind: classifyFailure(res.status >= 400 ? res.status : null, code, message),
      message: message !== '' ? message : `HTTP ${res.status}`,
      status: res.status,
      code,
      requestId,
      retryAfterMs,
    })
  }
  if (res.status >= 300) throw unreadable(describeNonJson(res), requestId, res.status)
  return normaliseTask(body.data, requestId)

  function fail(kind: KlingApiError['kind'], message: string): never {
    throw new KlingApiError({
      kind,
      message,
      status: res.status,
      requestId: headerId,
      retryAfterMs,
    })
  }
}
