import type { KlingApiError } from './errors'

// The gateways that answer the Kling video paths, and how each says "here is your task", "no such
// task" and "no": kept as data, one row per thing a gateway does, each naming the published code it
// was read from (docs/kling-api.md, "Gateway dialects", is the same table for people). parse.ts
// reads every dialect; the emulator answers in each (src/main/emulator/envelopes.ts).

/** The dialects the emulator speaks and the parser reads. */
export const DIALECTS = ['kling', 'comet', 'new-api', 'one-hub'] as const
export type DialectName = (typeof DIALECTS)[number]

/** Where the relays this table was read from live, each at the commit that was read. */
export const SOURCES = {
  newApi:
    'https://github.com/QuantumNous/new-api/blob/5b86ce0d7001df96bb0f7d32446926c030addf6f/relay/relay_task.go',
  newApiDto:
    'https://github.com/QuantumNous/new-api/blob/5b86ce0d7001df96bb0f7d32446926c030addf6f/dto/task.go',
  newApiVideo:
    'https://github.com/QuantumNous/new-api/blob/5b86ce0d7001df96bb0f7d32446926c030addf6f/dto/openai_video.go',
  newApiStatus:
    'https://github.com/QuantumNous/new-api/blob/5b86ce0d7001df96bb0f7d32446926c030addf6f/model/task.go',
  newApiRequestId:
    'https://github.com/QuantumNous/new-api/blob/5b86ce0d7001df96bb0f7d32446926c030addf6f/common/constants.go',
  oneHub:
    'https://github.com/MartialBE/one-hub/blob/387f8bf16ed0d601fdede7ade378adb10aa1a35a/relay/task/kling/fetch.go',
  doneHub:
    'https://github.com/deanxv/done-hub/blob/42841b35bf3f687ef8b92dae7633b95384ca0c0b/relay/task/kling/fetch.go',
} as const

/** Top-level `code` values that mean success (compared as text). */
export const SUCCESS_CODES: readonly string[] = [
  // Kling's envelope, and CometAPI's pages for the Kling paths: the number 0.
  '0',
  // new-api dto.TaskResponse and one-hub types.TaskResponse: TaskSuccessCode = "success".
  'success',
]

/** Headers that carry the gateway's request id, in the order they are read. */
export const REQUEST_ID_HEADERS: readonly string[] = [
  'x-request-id',
  'request-id',
  // new-api common.RequestIdKey (and one-hub's logger.RequestIdKey): set on every answer.
  'x-oneapi-request-id',
]

/**
 * How deep Kling's task object may sit under `data`: new-api answers a query with its own task
 * record (dto.TaskDto) whose `data` is Kling's whole answer, so the task is at data.data.data.
 */
export const MAX_NESTING = 3

/** A gateway's own record's status words (wrapping Kling's task), as Kling's. */
export const RECORD_STATUS: Readonly<Record<string, string>> = {
  // new-api model.TaskStatus (and one-hub's, the same words).
  NOT_START: 'submitted',
  SUBMITTED: 'submitted',
  QUEUED: 'submitted',
  IN_PROGRESS: 'processing',
  SUCCESS: 'succeed',
  FAILURE: 'failed',
  // An older CometAPI page's wrapped shape.
  FAILED: 'failed',
  PROCESSING: 'processing',
}

/** new-api's answer to a create on the Kling paths: an OpenAI video object (dto.OpenAIVideo). */
export const VIDEO_OBJECT_STATUS: Readonly<Record<string, string>> = {
  queued: 'submitted',
  in_progress: 'processing',
  completed: 'succeed',
  failed: 'failed',
}

/**
 * An answer that says, in JSON, that the gateway holds no task under the id asked about. Anything
 * else (a web page, a 404 without such a code, a 400 about something else) is no proof of absence.
 */
export interface AbsenceRule {
  dialect: DialectName
  statuses: readonly number[]
  /** The business code, as text. */
  code: RegExp
  /** What the message must say; null: the code alone says it. */
  message: RegExp | null
  /**
   * Whether it also answers for an external_task_id. A relay that files tasks under the ids it
   * issued says "task_not_exist" for every external id, so its answer proves nothing about one.
   */
  coversExternalIds: boolean
  source: string
}

export const ABSENCE_RULES: readonly AbsenceRule[] = [
  // new-api: videoFetchByIDRespBodyBuilder looks the id up with model.GetByTaskId (user and
  // new-api's own task_id, nothing else) and answers a miss with
  // TaskErrorWrapperLocal(errors.New("task_not_exist"), "task_not_exist", 400).
  {
    dialect: 'new-api',
    statuses: [400],
    code: /^task_not_exist$/,
    message: null,
    coversExternalIds: false,
    source: SOURCES.newApi,
  },
  // one-hub and its fork done-hub: GetFetchByID looks the id up with model.GetTaskByTaskId
  // (Kling's task_id only; the external_task_id is not even forwarded) and answers a miss with
  // StringError(c, 404, "task_not_exist", "").
  {
    dialect: 'one-hub',
    statuses: [404],
    code: /^task_not_exist$/,
    message: null,
    coversExternalIds: false,
    source: `${SOURCES.oneHub} ${SOURCES.doneHub}`,
  },
  // Kling's own and CometAPI's: neither publishes its answer for an unknown id. Kept from before,
  // and what the emulator says: 404 with a business code and a message that names a missing task.
  {
    dialect: 'kling',
    statuses: [404],
    code: /^\d+$/,
    message: /\btask\b.*\b(not found|not exist|does not exist|no such)\b|\bno such task\b/i,
    coversExternalIds: true,
    source: 'unpublished: the emulator\u2019s answer (src/main/emulator/envelopes.ts)',
  },
]

/** The rule an error answer meets, if it says that no such task exists. */
export function absenceRule(
  status: number,
  code: string | null,
  message: string,
): AbsenceRule | null {
  return (
    ABSENCE_RULES.find(
      (r) =>
        r.statuses.includes(status) &&
        code !== null &&
        r.code.test(code) &&
        (r.message === null || r.message.test(message)),
    ) ?? null
  )
}

/** Whether a "no such task" also means that no task has this external_task_id. */
export function coversExternalIds(error: KlingApiError): boolean {
  if (error.kind !== 'not_found' || error.status === null) return false
  return absenceRule(error.status, error.code, error.message)?.coversExternalIds ?? false
}

/**
 * new-api passes an upstream refusal on as its message, verbatim: TaskErrorWrapper(fmt.Errorf("%s",
 * string(responseBody)), "fail_to_fetch_task", resp.StatusCode) in relay/relay_task.go. The
 * upstream's own code, message and request id, when the message is such a body.
 */
export function upstreamError(
  message: string,
): { code: string | null; message: string; requestId: string | null } | null {
  if (!/^\s*\{/.test(message)) return null
  let inner: unknown
  try {
    inner = JSON.parse(message)
  } catch {
    return null
  }
  if (typeof inner !== 'object' || inner === null) return null
  const o = inner as Record<string, unknown>
  const text = (v: unknown) =>
    typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null
  const said = text(o.message) ?? (typeof o.error === 'object' ? null : text(o.error))
  if (said === null) return null
  return { code: text(o.code), message: said, requestId: text(o.request_id) }
}
