import type { Job, JobPage, JobQuery, JobState } from './jobs'
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
  type VideoKind,
  type VideoRequest,
} from './kling'
import { CONCURRENCY_MAX, LANGUAGES, sanitizeSettings, THEMES, type Settings } from './settings'

// Every call between the renderer and main, declared once: its name, how its input is checked,
// and what it answers. main binds these names to services (src/main/ipc), preload exposes them as
// window.api (src/shared/bridge.ts), and nothing else crosses.

export type Check<T> = (input: unknown) => { ok: true; value: T } | { ok: false; message: string }

export interface ErrorPayload {
  code: string
  message: string
  requestId?: string
}
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload }

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const ok = <T>(value: T) => ({ ok: true as const, value })
const bad = (message: string) => ({ ok: false as const, message })

const none: Check<void> = (input) =>
  input === undefined || input === null ? ok(undefined) : bad('this call takes no input')

const jobId: Check<{ id: string }> = (input) =>
  isRecord(input) && typeof input.id === 'string' && /^[\w-]{1,64}$/.test(input.id)
    ? ok({ id: input.id })
    : bad('id must be a job id')

const keyInput: Check<{ key: string }> = (input) => {
  if (!isRecord(input) || typeof input.key !== 'string') return bad('key must be text')
  const key = input.key.trim()
  // Printable ASCII only: anything else is no API key, and would break the Authorization header
  // in a way whose error text repeats the key.
  if (!/^[\x21-\x7e]{8,512}$/.test(key))
    return bad('key must be 8 to 512 letters, digits or symbols, without spaces')
  return ok({ key })
}

/** How many takes one Generate may make: each its own job and external id, one group. */
export const TAKES_MAX = 4

/** A create from the compose form: the kind, its request and how many takes (external ids made by main unless given). */
export interface CreateInput {
  kind?: VideoKind
  request: VideoRequest
  /** 1 to TAKES_MAX; 1 when left out. */
  takes?: number
}

const createInput: Check<CreateInput> = (input) => {
  if (!isRecord(input)) return bad('request must be an object')
  const takes = input.takes ?? 1
  if (typeof takes !== 'number' || !Number.isInteger(takes) || takes < 1 || takes > TAKES_MAX)
    return bad(`takes must be a whole number from 1 to ${TAKES_MAX}`)
  const kind = input.kind ?? 'text2video'
  if (!isVideoKind(kind)) return bad(`kind must be one of ${VIDEO_KINDS.join(', ')}`)
  // An extension names its parent by job id: tasks.extend, where main fills in the task's ids.
  if (kind === 'video-extend') return bad('an extension is made with tasks.extend')
  const checked = validateRequest(kind, input.request)
  return checked.ok
    ? ok({ kind, request: checked.value, takes })
    : bad(formatFieldErrors(checked.errors))
}

const jobIds: Check<{ ids: string[] }> = (input) => {
  if (!isRecord(input) || !Array.isArray(input.ids) || input.ids.length > 500)
    return bad('ids must be a list of up to 500 job ids')
  const ids: string[] = []
  for (const id of input.ids) {
    const one = jobId({ id })
    if (!one.ok) return bad('ids must be a list of up to 500 job ids')
    ids.push(one.value.id)
  }
  return ok({ ids })
}

/** A poster frame the window captured itself (when main could not make one): JPEG bytes. */
const posterInput: Check<{ id: string; bytes: Uint8Array }> = (input) => {
  const id = jobId(input)
  if (!id.ok) return id
  const bytes = (input as Record<string, unknown>).bytes
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0 || bytes.byteLength > 2_000_000)
    return bad('bytes must be a JPEG image of at most 2 MB')
  return ok({ id: id.value.id, bytes })
}

/** Every field any endpoint takes: what a rerun's changes may touch (main checks them per kind). */
const ANY_FIELD = new Set(VIDEO_KINDS.flatMap(fieldsOf))

const rerunInput: Check<{ id: string; changes: Partial<Record<string, unknown>> }> = (input) => {
  const id = jobId(input)
  if (!id.ok) return id
  const changes = (input as Record<string, unknown>).changes ?? {}
  if (!isRecord(changes) || Object.keys(changes).some((k) => !ANY_FIELD.has(k))) {
    return bad('changes must hold request fields only')
  }
  return ok({ id: id.value.id, changes })
}

/** An extension of a finished video: what to say about the seconds added, all optional. */
export interface ExtendInput {
  id: string
  prompt?: string
  negative_prompt?: string
  cfg_scale?: number
}

const extendInput: Check<ExtendInput> = (input) => {
  const id = jobId(input)
  if (!id.ok) return id
  const { id: _id, ...rest } = input as Record<string, unknown>
  const checked = validateRequest('video-extend', { task_id: '1', video_id: '1', ...rest })
  if (!checked.ok) return bad(formatFieldErrors(checked.errors))
  const { task_id: _t, video_id: _v, ...request } = checked.value
  if ('callback_url' in request || 'external_task_id' in request)
    return bad('an extension takes prompt, negative_prompt and cfg_scale only')
  return ok({ id: id.value.id, ...request })
}

/** What the window learns of an input image it handed over: its name and its facts. */
export interface InputInfo {
  ref: string
  format: 'jpeg' | 'png'
  width: number
  height: number
  bytes: number
}

export interface InputBytes {
  bytes: Uint8Array
  /** Dropped or pasted from outside, or a frame of a library video the window captured. */
  source: 'file' | 'paste' | 'frame'
  /** A frame's video and time, for its provenance. */
  jobId?: string
  at?: number
}

const inputBytes: Check<InputBytes> = (input) => {
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

const urlInput: Check<{ url: string }> = (input) =>
  isRecord(input) &&
  typeof input.url === 'string' &&
  input.url.length <= IMAGE_RULES.maxReferenceLength &&
  isHttpUrl(input.url)
    ? ok({ url: input.url })
    : bad('url must be an http(s) address')

const favouriteInput: Check<{ id: string; favourite: boolean }> = (input) => {
  const id = jobId(input)
  if (!id.ok) return id
  const favourite = (input as Record<string, unknown>).favourite
  return typeof favourite === 'boolean'
    ? ok({ id: id.value.id, favourite })
    : bad('favourite must be true or false')
}

const listInput: Check<JobQuery> = (input) => {
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

const settingsPatch: Check<Partial<Settings>> = (input) => {
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
      }
      return bad(`${key} must be ${hint[key]}`)
    }
    ;(patch as Record<string, unknown>)[key] = clean[key]
  }
  return ok(patch)
}

export interface KeyStatus {
  set: boolean
  last4: string | null
  /** Where it is kept: the OS keychain, or Electron's encrypted file. */
  storage: 'keychain' | 'safe-storage' | 'memory'
  warning: string | null
}

export interface KeyTest {
  valid: boolean
  message: string
  requestId: string | null
}

export interface AppInfo {
  version: string
  platform: string
  sandbox: boolean
  /** Why sandbox mode is on: chosen in settings, or no key yet. */
  sandboxReason: 'setting' | 'no_key' | null
  libraryFolder: string
  /** Prefix of a saved video's URL: media://video/ in the app (the browser tests serve their own). */
  mediaBase: string
  /** Prefix of a saved video's poster frame (a JPEG made once and cached): media://poster/ in the app. */
  posterBase: string
}

/** What a saved video file is, read from the file itself (null where the file does not say). */
export interface MediaFacts {
  width: number | null
  height: number | null
  fps: number | null
  durationSeconds: number | null
  bytes: number
  /** The file's name in the library folder. */
  fileName: string
}

/** What an export did: the folder chosen (null: cancelled) and each video's outcome. */
export interface ExportResult {
  folder: string | null
  exported: number
  failed: { id: string; message: string }[]
}

export interface QueueStats {
  running: number
  queued: number
  concurrency: number
  paused: boolean
}

export interface JobDetails {
  job: Job
  history: { at: number; state: JobState; taskStatus: string | null; message: string }[]
  /** Typical seconds to finish for jobs like this one, learnt here (null before any). */
  estimateSeconds: number | null
}

interface Call<I, O> {
  input: Check<I>
  /** Phantom: the answer's type, for the bridge. */
  output?: O
}
const call = <I, O>(input: Check<I>): Call<I, O> => ({ input })

export const CALLS = {
  'key.status': call<void, KeyStatus>(none),
  'key.set': call<{ key: string }, KeyStatus>(keyInput),
  'key.clear': call<void, KeyStatus>(none),
  'key.test': call<void, KeyTest>(none),
  'settings.get': call<void, Settings>(none),
  'settings.update': call<Partial<Settings>, Settings>(settingsPatch),
  /** One Generate: 1-4 takes, each its own job; several share a groupId. */
  'tasks.create': call<CreateInput, Job[]>(createInput),
  /** About 5 s more of a finished video: a new job whose parent is that video's job. */
  'tasks.extend': call<ExtendInput, Job>(extendInput),
  'tasks.list': call<JobQuery, JobPage>(listInput),
  'tasks.get': call<{ id: string }, JobDetails>(jobId),
  'tasks.retryDownload': call<{ id: string }, Job>(jobId),
  'tasks.recheck': call<{ id: string }, Job>(jobId),
  /** Sends an unconfirmed create again, with its own external id (looked up first). */
  'tasks.resend': call<{ id: string }, Job>(jobId),
  'tasks.rerun': call<{ id: string; changes: Partial<Record<string, unknown>> }, Job>(rerunInput),
  'tasks.favourite': call<{ id: string; favourite: boolean }, Job>(favouriteInput),
  /** Drops a job still waiting here (queued, never sent: nothing paid); refused once sending began. */
  'tasks.cancel': call<{ id: string }, void>(jobId),
  'queue.pause': call<void, QueueStats>(none),
  'queue.resume': call<void, QueueStats>(none),
  'queue.stats': call<void, QueueStats>(none),
  'library.reveal': call<{ id: string }, void>(jobId),
  'library.open': call<{ id: string }, void>(jobId),
  'library.startDrag': call<{ id: string }, void>(jobId),
  'library.delete': call<{ id: string }, void>(jobId),
  /** The facts of saved video files, read from the files (ids without a saved file are left out). */
  'library.facts': call<{ ids: string[] }, Record<string, MediaFacts>>(jobIds),
  /** Copies the videos (each with its sidecar) into a folder the person picks. */
  'library.export': call<{ ids: string[] }, ExportResult>(jobIds),
  /** Keeps a poster frame the window captured, for a video main could not make one of. */
  'library.setPoster': call<{ id: string; bytes: Uint8Array }, void>(posterInput),
  'library.rescan': call<void, { found: number; added: number; missing: number }>(none),
  /** The OS folder picker for the library folder: the folder chosen, or null if cancelled. */
  'library.chooseFolder': call<void, string | null>(none),
  /** An image the window holds (dropped, pasted, a captured frame), checked and kept by main. */
  'inputs.add': call<InputBytes, InputInfo>(inputBytes),
  /** An image at an address, fetched, checked and kept by main. */
  'inputs.fromUrl': call<{ url: string }, InputInfo>(urlInput),
  /** The OS file picker for an image: the image kept, or null if cancelled. */
  'inputs.chooseFile': call<void, InputInfo | null>(none),
  'app.info': call<void, AppInfo>(none),
} as const

export type CallName = keyof typeof CALLS
export type CallInput<N extends CallName> =
  (typeof CALLS)[N] extends Call<infer I, unknown> ? I : never
export type CallOutput<N extends CallName> =
  (typeof CALLS)[N] extends Call<unknown, infer O> ? O : never

/** What main binds to the contract: one function per call (src/main/app builds them). */
export type Handlers = {
  [N in CallName]: (input: CallInput<N>) => Promise<CallOutput<N>> | CallOutput<N>
}

export interface EventPayloads {
  'tasks.updated': Job
  /** A job left the history (deleted, or cancelled before it was sent). */
  'tasks.removed': { id: string }
  'download.progress': { jobId: string; received: number; total: number | null }
  'settings.changed': Settings
  'key.changed': KeyStatus
  'queue.changed': QueueStats
  /** A notification was clicked: bring this job into view. */
  'app.showJob': { id: string }
}
export type EventName = keyof EventPayloads
export const EVENTS: readonly EventName[] = [
  'tasks.updated',
  'tasks.removed',
  'download.progress',
  'settings.changed',
  'key.changed',
  'queue.changed',
  'app.showJob',
]

export const channelFor = (name: CallName): string => `kling:call:${name}`
export const eventChannelFor = (name: EventName): string => `kling:event:${name}`
