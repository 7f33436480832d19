import type { JobQuery, JobState } from './jobs'
import { JOB_STATES } from './jobs'
import {
  ASPECT_RATIOS,
  fieldsOf,
  formatFieldErrors,
  IMAGE_RULES,
  isHttpUrl,
  isVideoKind,
  validateRequest,
  VIDEO_KINDS,
} from './kling'
import { CONCURRENCY_MAX, LANGUAGES, sanitizeSettings, THEMES, type Settings } from './settings'
import type { Check, CreateInput, ExtendInput, InputBytes, RerunInput } from './contract'
import { TAKES_MAX } from './takes'

// How each call's input is checked before main sees it: one Check per input shape. The contract
// (contract.ts) names which call takes which; what a call answers is declared there too.

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const ok = <T>(value: T) => ({ ok: true as const, value })
const bad = (message: string) => ({ ok: false as const, message })

export const none: Check<void> = (input) =>
  input === undefined || input === null ? ok(undefined) : bad('this call takes no input')

export const jobId: Check<{ id: string }> = (input) =>
  isRecord(input) && typeof input.id === 'string' && /^[\w-]{1,64}$/.test(input.id)
    ? ok({ id: input.id })
    : bad('id must be a job id')

export const keyInput: Check<{ key: string }> = (input) => {
  if (!isRecord(input) || typeof input.key !== 'string') return bad('key must be text')
  const key = input.key.trim()
  // Printable ASCII only: anything else is no API key, and would break the Authorization header
  // in a way whose error text repeats the key.
  if (!/^[\x21-\x7e]{8,512}$/.test(key))
    return bad('key must be 8 to 512 letters, digits or symbols, without spaces')
  return ok({ key })
}

/** How many videos one library.facts call may ask about (the window asks a page at a time). */
export const FACTS_IDS_MAX = 500
export { TAKES_MAX }
/** How many videos one library.export may copy: a whole selection, so the folder is picked once. */
export const EXPORT_IDS_MAX = 5000

export const createInput: Check<CreateInput> = (input) => {
  if (!isRecord(input)) return bad('request must be an object')
  const takes = input.takes ?? 1
  if (typeof takes !== 'number' || !Number.isInteger(takes) || takes < 1 || takes > TAKES_MAX)
    return bad(`takes must be a whole number from 1 to ${TAKES_MAX}`)
  const kind = input.kind ?? 'text2video'
  if (!isVideoKind(kind)) return bad(`kind must be one of ${VIDEO_KINDS.join(', ')}`)
  // An extension names its parent by job id: tasks.extend, where main fills in the task's ids.
  if (kind === 'video-extend') return bad('an extension is made with tasks.extend')
  const over = overBudgetOf(input)
  if (!over.ok) return over
  const checked = validateRequest(kind, input.request)
  return checked.ok
    ? ok({ kind, request: checked.value, takes, ...(over.value ? { overBudget: true } : {}) })
    : bad(formatFieldErrors(checked.errors))
}

/** A list of job ids, at most `max` of them. */
function jobIdsUpTo(max: number): Check<{ ids: string[] }> {
  const message = `ids must be a list of up to ${max} job ids`
  return (input) => {
    if (!isRecord(input) || !Array.isArray(input.ids) || input.ids.length > max) return bad(message)
    const ids: string[] = []
    for (const id of input.ids) {
      const one = jobId({ id })
      if (!one.ok) return bad(message)
      ids.push(one.value.id)
    }
    return ok({ ids })
  }
}

export const factsIds = jobIdsUpTo(FACTS_IDS_MAX)
export const exportIds = jobIdsUpTo(EXPORT_IDS_MAX)

/** A poster frame the window captured itself (when main could not make one): JPEG bytes. */
export const posterInput: Check<{ id: string; bytes: Uint8Array }> = (input) => {
  const id = jobId(input)
  if (!id.ok) return id
  const bytes = (input as Record<string, unknown>).bytes
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0 || bytes.byteLength > 2_000_000)
    return bad('bytes must be a JPEG image of at most 2 MB')
  return ok({ id: id.value.id, bytes })
}

/** Every field any endpoint takes: what a rerun's changes may touch (main checks them per kind). */
const ANY_FIELD = new Set(VIDEO_KINDS.flatMap(fieldsOf))

/** A paid call's deliberate pass over a budget cap: absent or a boolean. */
function overBudgetOf(
  input: unknown,
): { ok: true; value: boolean } | { ok: false; message: string } {
  const v = isRecord(input) ? (input.overBudget ?? false) : false
  return typeof v === 'boolean' ? ok(v) : bad('overBudget must be true or false')
}

export const rerunInput: Check<RerunInput> = (input) => {
  const id = jobId(input)
  if (!id.ok) return id
  const over = overBudgetOf(input)
  if (!over.ok) return over
  const changes = (input as Record<string, unknown>).changes ?? {}
  if (!isRecord(changes) || Object.keys(changes).some((k) => !ANY_FIELD.has(k))) {
    return bad('changes must hold request fields only')
  }
  return ok({ id: id.value.id, changes, ...(over.value ? { overBudget: true } : {}) })
}

export const extendInput: Check<ExtendInput> = (input) => {
  const id = jobId(input)
  if (!id.ok) return id
  const over = overBudgetOf(input)
  if (!over.ok) return over
  const { id: _id, overBudget: _o, ...rest } = input as Record<string, unknown>
  const checked = validateRequest('video-extend', { task_id: '1', video_id: '1', ...rest })
  if (!checked.ok) return bad(formatFieldErrors(checked.errors))
  const { task_id: _t, video_id: _v, ...request } = checked.value
  if ('callback_url' in request || 'external_task_id' in request)
    return bad('an extension takes prompt, negative_prompt and cfg_scale only')
  return ok({ id: id.value.id, ...request, ...(over.value ? { overBudget: true } : {}) })
}

export const inputBytes: Check<InputBytes> = (input) => {
  if (!isRecord(input) || !(input.bytes instanceof Uint8Array))
    return bad('bytes must be the image data')
  if (input.bytes.byteLength > IMAGE_RULES.maxBytes)
    return bad(
      `image must be at most 10 MB (it has ${Math.round(input.bytes.byteLength / 104857.6) / 10} MB)`,
    )
  if (!['file', 'paste', 'frame'].includes(input.source as string))
    return bad('source must be file, paste or frame')
  const out: InputBytes = { bytes: input.bytes, source: input.source as InputBytes['source'] }
  if (input.jobId !== undefined) {
    const id = jobId({ id: input.jobId })
    if (!id.ok) return id
    out.jobId = id.value.id
  }
  if (input.at !== undefined) {
    if (typeof input.at !== 'number' || !Number.isFinite(input.at) || input.at < 0)
      return bad('at must be a time in seconds')
    out.at = input.at
  }
  return ok(out)
}

export const urlInput: Check<{ url: string }> = (input) =>
  isRecord(input) &&
  typeof input.url === 'string' &&
  input.url.length <= IMAGE_RULES.maxReferenceLength &&
  isHttpUrl(input.url)
    ? ok({ url: input.url })
    : bad('url must be an http(s) address')

/** The history file the window showed as damaged (app.startAfresh): a path, nothing more. */
export const historyFile: Check<{ file: string }> = (input) =>
  isRecord(input) &&
  typeof input.file === 'string' &&
  input.file.length > 0 &&
  input.file.length <= 4096 &&
  !input.file.includes('\0')
    ? ok({ file: input.file })
    : bad('file must be the path of the history')

export const favouriteInput: Check<{ id: string; favourite: boolean }> = (input) => {
  const id = jobId(input)
  if (!id.ok) return id
  const favourite = (input as Record<string, unknown>).favourite
  return typeof favourite === 'boolean'
    ? ok({ id: id.value.id, favourite })
    : bad('favourite must be true or false')
}

export const listInput: Check<JobQuery> = (input) => {
  if (input === undefined || input === null) return ok({})
  if (!isRecord(input)) return bad('query must be an object')
  const q: JobQuery = {}
  if (input.search !== undefined) {
    if (typeof input.search !== 'string' || input.search.length > 200)
      return bad('search must be text up to 200 characters')
    q.search = input.search
  }
  if (input.states !== undefined) {
    if (
      !Array.isArray(input.states) ||
      !input.states.every((s) => (JOB_STATES as readonly unknown[]).includes(s))
    ) {
      return bad(`states must be a list of ${JOB_STATES.join(', ')}`)
    }
    q.states = input.states as JobState[]
  }
  if (input.kind !== undefined) {
    if (!isVideoKind(input.kind)) return bad(`kind must be one of ${VIDEO_KINDS.join(', ')}`)
    q.kind = input.kind
  }
  if (input.parentJobId !== undefined) {
    const id = jobId({ id: input.parentJobId })
    if (!id.ok) return bad('parentJobId must be a job id')
    q.parentJobId = id.value.id
  }
  if (input.model !== undefined) {
    if (typeof input.model !== 'string') return bad('model must be text')
    q.model = input.model
  }
  if (input.aspectRatio !== undefined) {
    if (!(ASPECT_RATIOS as readonly unknown[]).includes(input.aspectRatio))
      return bad('aspectRatio is not an aspect ratio')
    q.aspectRatio = input.aspectRatio as string
  }
  for (const flag of ['favourite', 'sandbox'] as const) {
    if (input[flag] !== undefined) {
      if (typeof input[flag] !== 'boolean') return bad(`${flag} must be true or false`)
      q[flag] = input[flag]
    }
  }
  for (const n of ['since', 'until', 'limit', 'offset'] as const) {
    if (input[n] !== undefined) {
      const v = input[n]
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        return bad(`${n} must be a whole number`)
      q[n] = v
    }
  }
  return ok(q)
}

export const settingsPatch: Check<Partial<Settings>> = (input) => {
  if (!isRecord(input)) return bad('settings must be an object')
  const known = [
    'baseUrl',
    'libraryFolder',
    'concurrency',
    'defaults',
    'language',
    'theme',
    'notifications',
    'sandboxMode',
    'budget',
  ]
  const unknown = Object.keys(input).filter((k) => !known.includes(k))
  if (unknown.length > 0) return bad(`unknown setting(s): ${unknown.join(', ')}`)
  // Every given field must survive sanitising unchanged, or the patch is refused whole.
  const clean = sanitizeSettings(input)
  const patch: Partial<Settings> = {}
  for (const key of Object.keys(input) as (keyof Settings)[]) {
    if (JSON.stringify(clean[key]) !== JSON.stringify(input[key])) {
      const hint: Record<string, string> = {
        baseUrl: 'an https URL (http only on this computer), without a user name or password',
        libraryFolder: 'an absolute folder path',
        concurrency: `a whole number from 1 to ${CONCURRENCY_MAX}`,
        defaults: 'valid request options',
        language: LANGUAGES.join(', '),
        theme: THEMES.join(', '),
        notifications: 'true or false',
        sandboxMode: 'true or false',
        budget: `{ dailyUnits, monthlyUnits, pricePerUnit }: each null or a number above 0, and currency a three-letter code such as USD`,
      }
      return bad(`${key} must be ${hint[key]}`)
    }
    ;(patch as Record<string, unknown>)[key] = clean[key]
  }
  return ok(patch)
}
