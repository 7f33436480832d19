import {
  formatFieldErrors,
  imagesOf,
  isHttpUrl,
  isPlainSegment,
  isRecord,
  isVideoKind,
  LIMITS,
  parseInputRef,
  validateRequest,
  type VideoKind,
  type VideoRequest,
} from '../../shared/kling'
import {
  INPUTS_FOLDER,
  SIDECAR_FORMAT,
  SIDECAR_VERSION,
  type Sidecar,
  type SidecarInput,
} from './sidecar'

// A sidecar in the library folder is a file anyone could have written or copied in, so it is
// checked field by field before anything of it reaches the history: types, ranges and sizes, the
// request by the same rules a new request meets. The first field that fails is named, with why;
// the values themselves are never echoed back (they may be huge or hostile).

/** A sidecar larger than this is not read at all (ours are a few kilobytes). */
export const SIDECAR_MAX_BYTES = 256 * 1024
/** No job of this app is older than this. */
export const EARLIEST_TIME = Date.UTC(2020, 0, 1)
/** Times may run ahead of this computer's clock by this much (another computer's clock). */
export const CLOCK_SLACK_MS = 86_400_000
const JOB_ID = /^[\w-]{1,64}$/
const VIDEO_NAME_MAX = 255
const VIDEO_URL_MAX = 4096
const INPUTS_MAX = 8
const UNITS = /^\d{1,9}(?:\.\d{1,6})?$/
const SECONDS = /^(?:\d{1,5}(?:\.\d{1,6})?)?$/

export type SidecarCheck =
  | { ok: true; sidecar: Sidecar }
  /** `foreign`: valid JSON that is not a sidecar of this app at all (someone's own file). */
  | { ok: false; field: string; message: string; foreign?: boolean }

class Bad extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

function plainId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !JOB_ID.test(value))
    throw new Bad(field, `${field} must be an id of letters, digits, "-" or "_" (1 to 64)`)
  return value
}

function segment(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || !isPlainSegment(value, max))
    throw new Bad(
      field,
      `${field} must be an id without spaces, slashes or control characters, at most ${max} characters`,
    )
  return value
}

function optionalId(value: unknown, field: string): string | null {
  return value === undefined || value === null ? null : plainId(value, field)
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new Bad(field, `${field} must be true or false`)
  return value
}

function time(value: unknown, field: string, now: number): number {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < EARLIEST_TIME ||
    value > now + CLOCK_SLACK_MS
  )
    throw new Bad(field, `${field} must be a time in milliseconds from 2020-01-01 to tomorrow`)
  return value
}

function optionalTime(value: unknown, field: string, now: number): number | null {
  return value === undefined || value === null ? null : time(value, field, now)
}

/** Units charged: a finite decimal, kept as the text the service sent. */
function units(value: unknown): string | null {
  if (value === undefined || value === null) return null
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value
  if (typeof text !== 'string' || !UNITS.test(text) || !Number.isFinite(Number(text)))
    throw new Bad('job.units', 'job.units must be a finite number of units, or null')
  return text
}

function video(value: unknown): Sidecar['job']['video'] {
  if (value === undefined || value === null) return null
  if (!isRecord(value)) throw new Bad('job.video', 'job.video must be an object or null')
  const id = segment(value.id, 'job.video.id', LIMITS.taskIdMax)
  const url = value.url
  if (typeof url !== 'string' || url.length > VIDEO_URL_MAX || !isHttpUrl(url))
    throw new Bad(
      'job.video.url',
      `job.video.url must be an http(s) URL of at most ${VIDEO_URL_MAX} characters`,
    )
  const duration = value.duration
  if (typeof duration !== 'string' || !SECONDS.test(duration))
    throw new Bad('job.video.duration', 'job.video.duration must be seconds as text')
  return { id, url, duration }
}

function bytes(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new Bad('job.bytes', 'job.bytes must be a whole number of bytes, 0 or more')
  return value
}

/** The request, by the rules a new one meets; a followed task's unknown request as it was kept. */
function request(kind: VideoKind, value: unknown): VideoRequest {
  // A task followed from elsewhere (kling-studio wait ID) is kept with an empty prompt: only the
  // service knows what was asked.
  if (isRecord(value) && Object.keys(value).length === 1 && value.prompt === '')
    return { prompt: '' } as VideoRequest
  const checked = validateRequest(kind, value)
  if (!checked.ok) {
    // Each message begins with the field it names, inside the request.
    const named = checked.errors.map((e) => ({
      ...e,
      field: e.field === 'request' ? 'job.request' : `job.request.${e.field}`,
      message: e.field === 'request' ? `job.${e.message}` : `job.request.${e.message}`,
    }))
    throw new Bad(named[0]?.field ?? 'job.request', formatFieldErrors(named))
  }
  return checked.value
}

/** The video's file name: one plain name ending .mp4, never a path. */
function videoName(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length > VIDEO_NAME_MAX ||
    !/\.mp4$/i.test(value) ||
    /[/\\\p{Cc}]/u.test(value) ||
    value.startsWith('.')
  )
    throw new Bad(
      'video',
      `video must be the name of an MP4 file beside the sidecar (at most ${VIDEO_NAME_MAX} characters)`,
    )
  return value
}

function inputs(value: unknown, kind: VideoKind, req: VideoRequest): SidecarInput[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > INPUTS_MAX)
    throw new Bad('inputs', `inputs must be a list of at most ${INPUTS_MAX} images`)
  const images = imagesOf(kind, req as unknown as Record<string, unknown>)
  return value.map((item: unknown, i) => {
    const field = `inputs[${i}]`
    const ref = isRecord(item) && typeof item.ref === 'string' ? parseInputRef(item.ref) : null
    if (
      !isRecord(item) ||
      !ref ||
      item.file !== `${INPUTS_FOLDER}/${ref.sha256}.${ref.ext}` ||
      !images.some((im) => im.at === item.at && im.value === item.ref)
    )
      throw new Bad(
        field,
        `${field} must name an image of the request and its copy in ${INPUTS_FOLDER}/`,
      )
    return { at: item.at as string, ref: item.ref as string, file: item.file }
  })
}

function job(value: unknown, now: number): Sidecar['job'] {
  if (!isRecord(value)) throw new Bad('job', 'job must be an object')
  const kind = value.kind === undefined ? 'text2video' : value.kind
  if (!isVideoKind(kind))
    throw new Bad('job.kind', 'job.kind must be a kind of video this app makes')
  return {
    id: plainId(value.id, 'job.id'),
    kind,
    parentJobId: optionalId(value.parentJobId, 'job.parentJobId'),
    groupId: optionalId(value.groupId, 'job.groupId'),
    externalTaskId: segment(value.externalTaskId, 'job.externalTaskId', LIMITS.externalTaskIdMax),
    // Empty: the job had no task id when the sidecar was written (sidecarFor writes '' then).
    taskId: value.taskId === '' ? '' : segment(value.taskId, 'job.taskId', LIMITS.taskIdMax),
    request: request(kind, value.request),
    sandbox: flag(value.sandbox, 'job.sandbox'),
    favourite: flag(value.favourite, 'job.favourite'),
    createdAt: time(value.createdAt, 'job.createdAt', now),
    submittedAt: optionalTime(value.submittedAt, 'job.submittedAt', now),
    finishedAt: optionalTime(value.finishedAt, 'job.finishedAt', now),
    units: units(value.units),
    video: video(value.video),
    bytes: bytes(value.bytes),
  }
}

/**
 * A parsed sidecar, checked: the sidecar rebuilt from the checked fields only (nothing unchecked
 * is carried through), or the first field that fails and why. `now` bounds the times.
 */
export function checkSidecar(value: unknown, now: number): SidecarCheck {
  if (!isRecord(value) || value.format !== SIDECAR_FORMAT)
    return { ok: false, field: 'format', message: 'not a Kling Studio sidecar', foreign: true }
  try {
    const version = value.version
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
      throw new Bad('version', 'version must be a whole number from 1')
    if (version > SIDECAR_VERSION)
      throw new Bad('version', `written by a newer Kling Studio (sidecar version ${version})`)
    const name = videoName(value.video)
    const checked = job(value.job, now)
    const sidecar: Sidecar = {
      format: SIDECAR_FORMAT,
      version,
      video: name,
      job: checked,
      inputs: inputs(value.inputs, checked.kind, checked.request),
    }
    return { ok: true, sidecar }
  } catch (error) {
    if (error instanceof Bad) return { ok: false, field: error.field, message: error.message }
    throw error
  }
}
