import type { KlingTask, KlingVideo } from '../../shared/kling'
import {
  absenceRule,
  MAX_NESTING,
  RECORD_STATUS,
  REQUEST_ID_HEADERS,
  SUCCESS_CODES,
  upstreamError,
  VIDEO_OBJECT_STATUS,
} from './dialects'
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

/** An answer nested deeper than this is refused unparsed: a task answer is about 5 levels deep. */
export const MAX_ANSWER_DEPTH = 64

/** Thrown by parseJsonKeepingIds for text nested deeper than MAX_ANSWER_DEPTH. */
export class AnswerTooDeepError extends SyntaxError {
  constructor() {
    super(`JSON nested more than ${MAX_ANSWER_DEPTH} levels deep`)
    this.name = 'AnswerTooDeepError'
  }
}

/**
 * Whether JSON text opens more than `max` objects or arrays at once: one linear pass over the
 * brackets outside strings, cheap enough to run before JSON.parse (whose cost on deep nesting is
 * not linear). Text that is not JSON gets an answer too; JSON.parse then refuses it.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash: the next character is escaped
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/**
 * JSON.parse that keeps identifiers exact; throws SyntaxError like JSON.parse, or an
 * AnswerTooDeepError (before parsing) for text nested deeper than MAX_ANSWER_DEPTH.
 */
export function parseJsonKeepingIds(text: string): unknown {
  if (nestsDeeperThan(text, MAX_ANSWER_DEPTH)) throw new AnswerTooDeepError()
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

/** A number of units as SQLite and Number both read it: digits, a point, an exponent; no sign. */
const UNITS = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * final_unit_deduction as text, only when it is a number of units (finite, 0 or more): a gateway
 * that sends "" or garbage has said nothing about the charge.
 */
export function unitsText(value: unknown): string | null {
  const text =
    typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  return UNITS.test(text) && Number.isFinite(Number(text)) ? text : null
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
 * The `data` of a create or query answer (or the bare body of a callback) as a KlingTask. A
 * gateway's own record may wrap Kling's task one or two levels down (dialects.ts): its status
 * words stand in for a missing task_status, and its task_id is the one to ask with.
 */
export function normaliseTask(data: unknown, requestId: string | null): KlingTask {
  if (!isRecord(data)) throw unreadable('the answer has no task data', requestId)
  const wrappers: Record<string, unknown>[] = []
  let inner: Record<string, unknown> = data
  while (inner.task_status === undefined && isRecord(inner.data) && wrappers.length < MAX_NESTING) {
    wrappers.push(inner)
    inner = inner.data
  }
  // new-api files a task under its own id, not Kling's: the outermost id is the one it knows.
  const taskId =
    wrappers.map((w) => asId(w.task_id)).find((id) => id !== null) ?? asId(inner.task_id)
  if (taskId === null) throw unreadable('the answer has no task_id', requestId)
  const record = wrappers.find((w) => typeof w.status === 'string')
  const recordStatus = typeof record?.status === 'string' ? record.status : null
  let status: string | null =
    typeof inner.task_status === 'string' && inner.task_status !== '' ? inner.task_status : null
  if (status === null && recordStatus !== null)
    status = RECORD_STATUS[recordStatus.toUpperCase()] ?? recordStatus
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
  // A record's fail_reason is a reason only for a failed task (new-api keeps the URL there too).
  const msg =
    typeof inner.task_status_msg === 'string' && inner.task_status_msg !== ''
      ? inner.task_status_msg
      : status === 'failed'
        ? record?.fail_reason
        : undefined
  return {
    task_id: taskId,
    task_status: status,
    task_status_msg: typeof msg === 'string' ? msg : '',
    external_task_id: asId(info.external_task_id),
    videos,
    created_at: toMillis(inner.created_at),
    updated_at: toMillis(inner.updated_at),
    final_unit_deduction: unitsText(inner.final_unit_deduction),
    request_id: requestId,
  }
}

/** new-api's answer to a create: an OpenAI video object, with no envelope (dialects.ts). */
function isVideoObject(body: Record<string, unknown>): boolean {
  return body.object === 'video' && asId(body.id) !== null && typeof body.status === 'string'
}

function fromVideoObject(body: Record<string, unknown>, requestId: string | null): KlingTask {
  const status = String(body.status)
  const metadata = isRecord(body.metadata) ? body.metadata : {}
  const error = isRecord(body.error) ? body.error : {}
  const seconds = typeof body.seconds === 'string' ? body.seconds : ''
  return normaliseTask(
    {
      task_id: asId(body.id),
      task_status: VIDEO_OBJECT_STATUS[status] ?? status,
      task_status_msg: typeof error.message === 'string' ? error.message : '',
      task_result:
        typeof metadata.url === 'string'
          ? { videos: [{ id: asId(body.id), url: metadata.url, duration: seconds }] }
          : {},
      created_at: body.created_at,
      updated_at: body.completed_at ?? body.created_at,
    },
    requestId,
  )
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

interface Said {
  code: string | null
  message: string
  requestId: string | null
}

/**
 * A refusal as a typed error. "No such task" only where the body says so in a way a dialect
 * documents (dialects.ts): a 404 without such a code (a proxy, a wrong path) proves nothing.
 */
function refusal(res: RawResponse, said: Said, retryAfterMs: number | null): KlingApiError {
  // A relay that passes the upstream's whole answer on as its message: read the upstream's.
  const upstream = upstreamError(said.message)
  const code = upstream?.code ?? said.code
  const message = upstream?.message ?? said.message
  let kind = classifyFailure(res.status >= 400 ? res.status : null, code, message)
  if (absenceRule(res.status, code, message)) kind = 'not_found'
  else if (kind === 'not_found') kind = code !== null ? 'invalid_request' : 'unreadable_response'
  return new KlingApiError({
    kind,
    message: message !== '' ? message : `HTTP ${res.status}`,
    status: res.status,
    code,
    requestId: said.requestId ?? upstream?.requestId ?? null,
    retryAfterMs,
  })
}

/**
 * Reads any answer of the Kling endpoints in every dialect (dialects.ts): the success envelope
 * with a numeric or a string code, a gateway's record around Kling's task, new-api's video object,
 * Kling's error envelope, the OpenAI-style `{ error: {...} }` of CometAPI and the relays, or
 * something that is not JSON at all. Returns the task or throws a KlingApiError carrying status,
 * code, message and request id.
 */
export function readTaskResponse(res: RawResponse): KlingTask {
  const headerId =
    REQUEST_ID_HEADERS.map((h) => res.headers.get(h)).find((v) => v !== null && v !== '') ?? null
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'))
  let body: unknown
  try {
    body = parseJsonKeepingIds(res.text)
  } catch (error) {
    if (error instanceof AnswerTooDeepError) {
      throw unreadable(
        `the server sent an answer nested more than ${MAX_ANSWER_DEPTH} levels deep (a task answer has about 5); check the API address`,
        headerId,
        res.status,
      )
    }
    const message = describeNonJson(res)
    if (res.status >= 400) {
      // A web page is no word from the API: a 404 page says nothing about whether a task exists
      // (a wrong base URL, a proxy), so it must never count as "no such task".
      const kind = classifyFailure(res.status, null)
      throw new KlingApiError({
        kind: kind === 'invalid_request' || kind === 'not_found' ? 'unreadable_response' : kind,
        message: `HTTP ${res.status}: ${message}`,
        status: res.status,
        requestId: headerId,
        retryAfterMs,
      })
    }
    throw unreadable(message, headerId, res.status)
  }
  if (!isRecord(body))
    throw unreadable('the answer is JSON but not an object', headerId, res.status)

  // The OpenAI-style envelope of CometAPI and the relays; the request id is inside the message.
  if (isRecord(body.error)) {
    const e = body.error
    const message =
      typeof e.message === 'string' && e.message !== '' ? e.message : `HTTP ${res.status}`
    throw refusal(
      res,
      {
        code: asId(e.code) ?? (typeof e.type === 'string' ? e.type : null),
        message: message.replace(/\s*\(request id:[^)]*\)\s*$/i, ''),
        requestId: asId(body.request_id) ?? REQUEST_ID_IN_TEXT.exec(message)?.[1] ?? headerId,
      },
      retryAfterMs,
    )
  }

  const requestId = asId(body.request_id) ?? headerId
  const code = asId(body.code)
  const message = typeof body.message === 'string' ? body.message : ''
  if (res.status >= 400 || (code !== null && !SUCCESS_CODES.includes(code)))
    throw refusal(res, { code, message, requestId }, retryAfterMs)
  if (res.status >= 300) throw unreadable(describeNonJson(res), requestId, res.status)
  if (code === null && body.data === undefined && isVideoObject(body))
    return fromVideoObject(body, requestId)
  return normaliseTask(body.data, requestId)
}
