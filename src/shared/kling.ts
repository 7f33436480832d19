// The Kling text-to-video vocabulary, shared by main, preload, renderer, the emulator and the
// command line. Plain TypeScript: no Node built-ins, no electron, so every side can import it.
// Every rule here comes from ../shared/kling-api.md (CometAPI's page where sources disagree).

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3'] as const
export type AspectRatio = (typeof ASPECT_RATIOS)[number]

export const DURATIONS = ['5', '10'] as const
export type Duration = (typeof DURATIONS)[number]

export const MODES = ['std', 'pro'] as const
export type Mode = (typeof MODES)[number]

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
} as const

/** The body of `POST /kling/v1/videos/text2video`. An option left out gets the server's default. */
export interface Text2VideoRequest {
  prompt: string
  negative_prompt?: string
  aspect_ratio?: AspectRatio
  duration?: Duration
  mode?: Mode
  model_name?: string
  cfg_scale?: number
  camera_control?: CameraControl
  callback_url?: string
  external_task_id?: string
}

export const REQUEST_FIELDS = [
  'prompt',
  'negative_prompt',
  'aspect_ratio',
  'duration',
  'mode',
  'model_name',
  'cfg_scale',
  'camera_control',
  'callback_url',
  'external_task_id',
] as const satisfies readonly (keyof Text2VideoRequest)[]

/** The statuses the service documents. Anything else is kept verbatim and treated as running. */
export const TASK_STATUSES = ['submitted', 'processing', 'succeed', 'failed'] as const
export type KnownTaskStatus = (typeof TASK_STATUSES)[number]

export function isFinalStatus(status: string): status is 'succeed' | 'failed' {
  return status === 'succeed' || status === 'failed'
}

export interface KlingVideo {
  id: string
  url: string
  /** Seconds, as the service sends it: a string, possibly fractional ("5.1"). */
  duration: string
  watermark_url?: string
}

/** A task as the app understands it, whatever shape the gateway answered in. */
export interface KlingTask {
  /** Opaque: numeric-looking ids exceed 2^53, so never a number. */
  task_id: string
  task_status: string
  task_status_msg: string
  external_task_id: string | null
  videos: KlingVideo[]
  /** Unix time in milliseconds (a gateway that sends seconds is converted). */
  created_at: number | null
  updated_at: number | null
  final_unit_deduction: string | null
  request_id: string | null
}

/** What kind of failure an API call ended in; the renderer and the command line show these. */
export const API_ERROR_KINDS = [
  'authentication',
  'insufficient_credit',
  'rate_limited',
  'too_many_tasks',
  'invalid_request',
  'content_policy',
  'not_found',
  'server',
  'network',
  'timeout',
  'unreadable_response',
  'ambiguous_create',
  'aborted',
  'download',
] as const
export type ApiErrorKind = (typeof API_ERROR_KINDS)[number]

/** A failure as it crosses process boundaries (IPC, --json output): plain data, never a class. */
export interface ApiErrorInfo {
  kind: ApiErrorKind
  status: number | null
  code: string | null
  message: string
  request_id: string | null
}

// ---------------------------------------------------------------------------------------------
// Validation

export interface FieldError {
  field: string
  /** English, for the command line and logs. */
  message: string
  /** Which rule failed, with its figures, so the window can say it in the person's language. */
  rule?: string
  params?: Record<string, string | number>
}

export type ValidationResult =
  { ok: true; value: Text2VideoRequest } | { ok: false; errors: FieldError[] }

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Characters as a person counts them (code points, so an emoji is one). */
export function charCount(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

function validateCamera(value: unknown, errors: FieldError[]): CameraControl | undefined {
  const field = 'camera_control'
  if (!isRecord(value)) {
    errors.push({
      field,
      message: `${field} must be an object with a "type"`,
      rule: 'camera_object',
    })
    return undefined
  }
  const unknownKeys = Object.keys(value).filter((k) => k !== 'type' && k !== 'config')
  if (unknownKeys.length > 0) {
    errors.push({
      field,
      message: `${field} has unknown field(s): ${unknownKeys.join(', ')}`,
      rule: 'unknown_fields',
      params: { fields: unknownKeys.join(', ') },
    })
    return undefined
  }
  const { type, config } = value
  if (typeof type === 'string' && (CAMERA_PRESETS as readonly string[]).includes(type)) {
    if (config !== undefined) {
      errors.push({
        field: `${field}.config`,
        message: `${field}.config must be left out for the preset "${type}" (only "simple" takes a config)`,
        rule: 'camera_preset_config',
        params: { preset: type },
      })
      return undefined
    }
    return { type: type as CameraPreset }
  }
  if (type !== 'simple') {
    errors.push({
      field: `${field}.type`,
      message: `${field}.type must be "simple" or one of ${CAMERA_PRESETS.join(', ')}`,
      rule: 'one_of',
      params: { allowed: ['simple', ...CAMERA_PRESETS].join(', ') },
    })
    return undefined
  }
  if (!isRecord(config)) {
    errors.push({
      field: `${field}.config`,
      message: `${field}.config is required for type "simple": one of ${CAMERA_AXES.join(', ')} set to a non-zero number from ${LIMITS.cameraMin} to ${LIMITS.cameraMax}`,
      rule: 'camera_config_required',
      params: { min: LIMITS.cameraMin, max: LIMITS.cameraMax },
    })
    return undefined
  }
  const out: CameraConfig = {}
  let nonZero = 0
  let bad = false
  for (const key of Object.keys(config)) {
    if (!(CAMERA_AXES as readonly string[]).includes(key)) {
      errors.push({
        field: `${field}.config.${key}`,
        message: `${field}.config.${key} is not a camera axis (allowed: ${CAMERA_AXES.join(', ')})`,
        rule: 'camera_axis',
        params: { axis: key },
      })
      bad = true
      continue
    }
    const n = config[key]
    if (
      typeof n !== 'number' ||
      !Number.isFinite(n) ||
      n < LIMITS.cameraMin ||
      n > LIMITS.cameraMax
    ) {
      errors.push({
        field: `${field}.config.${key}`,
        message: `${field}.config.${key} must be a number from ${LIMITS.cameraMin} to ${LIMITS.cameraMax}`,
        rule: 'range',
        params: { min: LIMITS.cameraMin, max: LIMITS.cameraMax },
      })
      bad = true
      continue
    }
    out[key as CameraAxis] = n
    if (n !== 0) nonZero++
  }
  if (bad) return undefined
  if (nonZero !== 1) {
    errors.push({
      field: `${field}.config`,
      message: `${field}.config must have exactly one non-zero axis (found ${nonZero})`,
      rule: 'camera_one_axis',
      params: { found: nonZero },
    })
    return undefined
  }
  // Send all six axes, zeros included: that is the documented shape of a simple config.
  const full = Object.fromEntries(CAMERA_AXES.map((a) => [a, out[a] ?? 0])) as CameraConfig
  return { type: 'simple', config: full }
}

function validateEnum<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
  errors: FieldError[],
): T | undefined {
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

function validateText(
  field: string,
  value: unknown,
  { min, max }: { min: number; max: number },
  errors: FieldError[],
): string | undefined {
  if (typeof value !== 'string') {
    errors.push({ field, message: `${field} must be text`, rule: 'not_text' })
    return undefined
  }
  const n = charCount(value)
  if (min > 0 && value.trim() === '') {
    errors.push({ field, message: `${field} must not be empty`, rule: 'empty' })
    return undefined
  }
  if (n < min || n > max) {
    errors.push({
      field,
      message: `${field} must be ${min > 0 ? `${min} to ` : 'at most '}${max} characters (it has ${n})`,
      rule: 'length',
      params: { min, max, count: n },
    })
    return undefined
  }
  return value
}

/**
 * Checks a create request against every documented rule. Accepts `duration` as a number too
 * (5 -> "5"); leaves out optional fields that are undefined; rejects unknown fields, so a typo
 * never silently falls back to a server default.
 */
export function validateRequest(input: unknown): ValidationResult {
  const errors: FieldError[] = []
  if (!isRecord(input)) {
    return {
      ok: false,
      errors: [{ field: 'request', message: 'request must be a JSON object', rule: 'not_object' }],
    }
  }
  for (const key of Object.keys(input)) {
    if (!(REQUEST_FIELDS as readonly string[]).includes(key)) {
      errors.push({
        field: key,
        message: `${key} is not a text-to-video field (allowed: ${REQUEST_FIELDS.join(', ')})`,
        rule: 'unknown_field',
      })
    }
  }
  const out: Partial<Text2VideoRequest> = {}
  const has = (k: string) => input[k] !== undefined && input[k] !== null

  if (!has('prompt'))
    errors.push({ field: 'prompt', message: 'prompt is required', rule: 'required' })
  else {
    const v = validateText('prompt', input.prompt, { min: 1, max: LIMITS.promptMax }, errors)
    if (v !== undefined) out.prompt = v
  }
  if (has('negative_prompt')) {
    const v = validateText(
      'negative_prompt',
      input.negative_prompt,
      { min: 0, max: LIMITS.negativePromptMax },
      errors,
    )
    if (v !== undefined && v !== '') out.negative_prompt = v
  }
  if (has('aspect_ratio')) {
    const v = validateEnum('aspect_ratio', input.aspect_ratio, ASPECT_RATIOS, errors)
    if (v) out.aspect_ratio = v
  }
  if (has('duration')) {
    const v = validateEnum('duration', input.duration, DURATIONS, errors)
    if (v) out.duration = v
  }
  if (has('mode')) {
    const v = validateEnum('mode', input.mode, MODES, errors)
    if (v) out.mode = v
  }
  if (has('model_name')) {
    const v = input.model_name
    if (
      typeof v !== 'string' ||
      v.trim() === '' ||
      v.length > LIMITS.modelNameMax ||
      /\s/.test(v)
    ) {
      errors.push({
        field: 'model_name',
        message: `model_name must be a model name without spaces, at most ${LIMITS.modelNameMax} characters (for example ${MODEL_CATALOGUE[0]!.name})`,
        rule: 'model_name',
        params: { max: LIMITS.modelNameMax },
      })
    } else out.model_name = v
  }
  if (has('cfg_scale')) {
    const v = input.cfg_scale
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      errors.push({
        field: 'cfg_scale',
        message: 'cfg_scale must be a number from 0 to 1',
        rule: 'range',
        params: { min: 0, max: 1 },
      })
    } else out.cfg_scale = v
  }
  if (has('camera_control')) {
    const v = validateCamera(input.camera_control, errors)
    if (v) out.camera_control = v
  }
  if (has('callback_url')) {
    const v = input.callback_url
    if (typeof v !== 'string' || v.length > LIMITS.callbackUrlMax || !isHttpUrl(v)) {
      errors.push({
        field: 'callback_url',
        message: 'callback_url must be an http:// or https:// URL',
        rule: 'url',
      })
    } else out.callback_url = v
  }
  if (has('external_task_id')) {
    const v = input.external_task_id
    if (
      typeof v !== 'string' ||
      v.trim() === '' ||
      v.length > LIMITS.externalTaskIdMax ||
      /\s/.test(v)
    ) {
      errors.push({
        field: 'external_task_id',
        message: `external_task_id must be non-empty text without spaces, at most ${LIMITS.externalTaskIdMax} characters`,
        rule: 'external_id',
        params: { max: LIMITS.externalTaskIdMax },
      })
    } else out.external_task_id = v
  }
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, value: out as Text2VideoRequest }
}

export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => e.message).join('; ')
}

// ---------------------------------------------------------------------------------------------
// Model catalogue: data, because the list changes. A name not listed here is still accepted.

export interface ModelInfo {
  name: string
  label: string
  /** Whether cfg_scale has an effect (Kling: not on v2.x and later). */
  cfgScale: boolean
  /** Whether camera_control is documented for text-to-video (Kling: kling-v1, std, 5 s only). */
  cameraControl: boolean
  modes: readonly Mode[]
  durations: readonly Duration[]
  note?: string
}

export const DEFAULT_MODEL = 'kling-v1'

export const MODEL_CATALOGUE: readonly ModelInfo[] = [
  {
    name: 'kling-v1',
    label: 'Kling 1.0',
    cfgScale: true,
    cameraControl: true,
    modes: MODES,
    durations: DURATIONS,
    note: 'The service default. Camera control only in std mode, 5 s.',
  },
  {
    name: 'kling-v1-6',
    label: 'Kling 1.6',
    cfgScale: true,
    cameraControl: false,
    modes: MODES,
    durations: DURATIONS,
  },
  {
    name: 'kling-v2-master',
    label: 'Kling 2.0 Master',
    cfgScale: false,
    cameraControl: false,
    modes: MODES,
    durations: DURATIONS,
  },
  {
    name: 'kling-v2-1-master',
    label: 'Kling 2.1 Master',
    cfgScale: false,
    cameraControl: false,
    modes: MODES,
    durations: DURATIONS,
  },
  {
    name: 'kling-v2-5-turbo',
    label: 'Kling 2.5 Turbo',
    cfgScale: false,
    cameraControl: false,
    modes: MODES,
    durations: DURATIONS,
  },
  {
    name: 'kling-v2-6',
    label: 'Kling 2.6',
    cfgScale: false,
    cameraControl: false,
    modes: MODES,
    durations: DURATIONS,
    note: 'Adds sound on Kling itself; not part of this endpoint.',
  },
  {
    name: 'kling-v3',
    label: 'Kling 3',
    cfgScale: false,
    cameraControl: false,
    modes: MODES,
    durations: DURATIONS,
    note: 'Adds sound and other durations on Kling itself; not part of this endpoint.',
  },
]

export function findModel(name: string | undefined): ModelInfo | undefined {
  return MODEL_CATALOGUE.find((m) => m.name === (name ?? DEFAULT_MODEL))
}

/**
 * Options the chosen model is documented not to support. Warnings, not errors: the catalogue
 * may be stale and the gateway may know better.
 */
export function modelWarnings(request: Partial<Text2VideoRequest>): FieldError[] {
  const model = findModel(request.model_name)
  if (!model) return []
  const warnings: FieldError[] = []
  if (request.cfg_scale !== undefined && !model.cfgScale) {
    warnings.push({
      field: 'cfg_scale',
      message: `${model.name} is documented to ignore cfg_scale`,
      rule: 'cfg_ignored',
      params: { model: model.name },
    })
  }
  if (request.camera_control !== undefined) {
    if (!model.cameraControl) {
      warnings.push({
        field: 'camera_control',
        message: `camera control is documented for text-to-video only on kling-v1, not ${model.name}`,
        rule: 'camera_unsupported',
        params: { model: model.name },
      })
    } else if ((request.mode ?? 'std') !== 'std' || (request.duration ?? '5') !== '5') {
      warnings.push({
        field: 'camera_control',
        message: `camera control on ${model.name} is documented only for std mode and 5 seconds`,
        rule: 'camera_std5',
        params: { model: model.name },
      })
    }
  }
  return warnings
}
