// The vocabulary of request fields and one checker per kind of field. Each endpoint declares its
// body as data (which fields, which are required, which exclude each other) over these checkers;
// validateBody applies such a declaration. The rules come from the endpoint docs collected in
// docs/kling-api.md (CometAPI's page where sources disagree).

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3'] as const
export type AspectRatio = (typeof ASPECT_RATIOS)[number]

/** The durations CometAPI documents for these endpoints; the model table says which model takes which. */
export const DURATIONS = ['5', '10'] as const
/** Whole seconds any model is documented to take (kling-v3: 3 to 15). */
export const DURATION_RANGE = { min: 3, max: 15 } as const
export type Duration = string

export const MODES = ['std', 'pro'] as const
export type Mode = (typeof MODES)[number]

export const SOUND = ['on', 'off'] as const
export type Sound = (typeof SOUND)[number]

export const CAMERA_PRESETS = [
  'down_back',
  'forward_up',
  'right_turn_forward',
  'left_turn_forward',
] as const
export type CameraPreset = (typeof CAMERA_PRESETS)[number]

export const CAMERA_AXES = ['horizontal', 'vertical', 'pan', 'tilt', 'roll', 'zoom'] as const
export type CameraAxis = (typeof CAMERA_AXES)[number]
export type CameraConfig = Partial<Record<CameraAxis, number>>

export type CameraControl = { type: 'simple'; config: CameraConfig } | { type: CameraPreset }

export const LIMITS = {
  promptMax: 500,
  negativePromptMax: 200,
  externalTaskIdMax: 128,
  modelNameMax: 64,
  callbackUrlMax: 2048,
  cameraMin: -10,
  cameraMax: 10,
  taskIdMax: 128,
} as const

export interface FieldError {
  field: string
  /** English, for the command line and logs. */
  message: string
  /** Which rule failed, with its figures, so the window can say it in the person's language. */
  rule?: string
  params?: Record<string, string | number>
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] }

/** Checks one field's value: the value to send, or undefined (with an error pushed, or to omit it). */
export type FieldCheck = (value: unknown, field: string, errors: FieldError[]) => unknown

export interface BodySpec {
  /** Named in errors: "is not a text-to-video field". */
  name: string
  /** Every field the body may hold, with its check, in the order they are sent. */
  fields: Readonly<Record<string, FieldCheck>>
  required: readonly string[]
  /** Rules across fields (documented exclusions), run once every field passed its own check. */
  rules?: (body: Record<string, unknown>, errors: FieldError[]) => void
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Characters as a person counts them (code points, so an emoji is one). */
export function charCount(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => e.message).join('; ')
}

/**
 * Checks a request body against a declaration: rejects unknown fields (a typo must never fall back
 * silently to a server default), requires the required ones, leaves out optional fields that are
 * undefined, null or empty text, then applies the cross-field rules.
 */
export function validateBody(input: unknown, spec: BodySpec): Checked<Record<string, unknown>> {
  if (!isRecord(input)) {
    return {
      ok: false,
      errors: [{ field: 'request', message: 'request must be a JSON object', rule: 'not_object' }],
    }
  }
  const errors: FieldError[] = []
  const allowed = Object.keys(spec.fields)
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) {
      errors.push({
        field: key,
        message: `${key} is not a ${spec.name} field (allowed: ${allowed.join(', ')})`,
        rule: 'unknown_field',
      })
    }
  }
  const out: Record<string, unknown> = {}
  for (const [field, check] of Object.entries(spec.fields)) {
    const value = input[field]
    if (value === undefined || value === null) {
      if (spec.required.includes(field))
        errors.push({ field, message: `${field} is required`, rule: 'required' })
      continue
    }
    const checked = check(value, field, errors)
    if (checked !== undefined) out[field] = checked
  }
  if (errors.length === 0) spec.rules?.(out, errors)
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out }
}

// ---------------------------------------------------------------------------------------------
// Checkers

export function text(min: number, max: number): FieldCheck {
  return (value, field, errors) => {
    if (typeof value !== 'string') {
      errors.push({ field, message: `${field} must be text`, rule: 'not_text' })
      return undefined
    }
    if (min > 0 && value.trim() === '') {
      errors.push({ field, message: `${field} must not be empty`, rule: 'empty' })
      return undefined
    }
    const n = charCount(value)
    if (n < min || n > max) {
      errors.push({
        field,
        message: `${field} must be ${min > 0 ? `${min} to ` : 'at most '}${max} characters (it has ${n})`,
        rule: 'length',
        params: { min, max, count: n },
      })
      return undefined
    }
    // An optional text left empty is left out, so the server's default applies.
    return value === '' ? undefined : value
  }
}

export function oneOf<T extends string>(allowed: readonly T[]): FieldCheck {
  return (value, field, errors) => {
    const s = typeof value === 'number' ? String(value) : value
    if (typeof s === 'string' && (allowed as readonly string[]).includes(s)) return s as T
    errors.push({
      field,
      message: `${field} must be one of ${allowed.join(', ')}`,
      rule: 'one_of',
      params: { allowed: allowed.join(', ') },
    })
    return undefined
  }
}

/** Whole seconds as the service wants them, a string: 5 and "5" alike become "5". */
export const duration: FieldCheck = (value, field, errors) => {
  const s = typeof value === 'number' ? String(value) : value
  const n = typeof s === 'string' && /^\d{1,2}$/.test(s) ? Number(s) : NaN
  if (n >= DURATION_RANGE.min && n <= DURATION_RANGE.max) return String(n)
  errors.push({
    field,
    message: `${field} must be one of ${DURATIONS.join(', ')} (or whole seconds from ${DURATION_RANGE.min} to ${DURATION_RANGE.max} for a model that takes them)`,
    rule: 'duration',
    params: { min: DURATION_RANGE.min, max: DURATION_RANGE.max, allowed: DURATIONS.join(', ') },
  })
  return undefined
}

export const modelName: FieldCheck = (value, field, errors) => {
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > LIMITS.modelNameMax ||
    /\s/.test(value)
  ) {
    errors.push({
      field,
      message: `${field} must be a model name without spaces, at most ${LIMITS.modelNameMax} characters (for example kling-v1-6)`,
      rule: 'model_name',
      params: { max: LIMITS.modelNameMax },
    })
    return undefined
  }
  return value
}

export const cfgScale: FieldCheck = (value, field, errors) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    errors.push({
      field,
      message: `${field} must be a number from 0 to 1`,
      rule: 'range',
      params: { min: 0, max: 1 },
    })
    return undefined
  }
  return value
}

export const callbackUrl: FieldCheck = (value, field, errors) => {
  if (typeof value !== 'string' || value.length > LIMITS.callbackUrlMax || !isHttpUrl(value)) {
    errors.push({ field, message: `${field} must be an http:// or https:// URL`, rule: 'url' })
    return undefined
  }
  return value
}

/**
 * An id that is safe as one segment of a URL path: the lookup puts it in the query path, so "."
 * or "a/b" would ask the server for some other resource, whose "not found" proves nothing.
 */
export function isPlainSegment(value: string, max: number): boolean {
  return (
    value.length > 0 &&
    value.length <= max &&
    value !== '.' &&
    value !== '..' &&
    // No white space, control characters, path or query separators, or escapes.
    /^[^\s\p{Cc}/\\?#%]+$/u.test(value)
  )
}

export const externalTaskId: FieldCheck = (value, field, errors) => {
  if (typeof value !== 'string' || !isPlainSegment(value, LIMITS.externalTaskIdMax)) {
    errors.push({
      field,
      message: `${field} must be non-empty text without spaces, slashes, "?", "#" or "%", not "." or "..", at most ${LIMITS.externalTaskIdMax} characters`,
      rule: 'external_id',
      params: { max: LIMITS.externalTaskIdMax },
    })
    return undefined
  }
  return value
}

/** A task or video id of the service (opaque digits; a JSON number's digits are kept as text). */
export const serviceId: FieldCheck = (value, field, errors) => {
  const s = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
  if (typeof s !== 'string' || !isPlainSegment(s, LIMITS.taskIdMax)) {
    errors.push({ field, message: `${field} must be an id of the service`, rule: 'service_id' })
    return undefined
  }
  return s
}

export { camera } from './camera'
