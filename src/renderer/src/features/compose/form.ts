import {
  CAMERA_PRESETS,
  fieldsOf,
  type AnyRequest,
  type AspectRatio,
  type CameraAxis,
  type CameraPreset,
  type Duration,
  type FieldError,
  type Mode,
  type Sound,
  type Text2VideoRequest,
} from '../../../../shared/kling'
import type { DefaultOptions } from '../../../../shared/settings'
import { capsOf, refuses } from './model-choice'
import { imageFields, type ComposeKind, type DraftImages } from './slots'

// The compose form as plain data, one for every kind, and its mapping to a request of a kind: an
// option left on "server default" is left out, so the service's own default applies; a field the
// kind does not have is left out; a value the chosen model is documented to ignore is left out.

export interface ComposeForm {
  prompt: string
  negative: string
  aspect: AspectRatio | ''
  duration: Duration | ''
  mode: Mode | ''
  model: string
  useCfg: boolean
  cfg: number
  camera: 'none' | CameraPreset | 'simple'
  axis: CameraAxis
  amount: number
  sound: Sound | ''
  callback: string
  externalId: string
}

export const newExternalId = (): string => `ks-${crypto.randomUUID()}`

export function emptyForm(defaults: DefaultOptions = {}): ComposeForm {
  return {
    prompt: '',
    negative: defaults.negative_prompt ?? '',
    aspect: defaults.aspect_ratio ?? '',
    duration: defaults.duration ?? '',
    mode: defaults.mode ?? '',
    model: defaults.model_name ?? '',
    useCfg: false,
    cfg: 0.5,
    camera: 'none',
    axis: 'zoom',
    amount: 5,
    sound: '',
    callback: '',
    externalId: newExternalId(),
  }
}

/** Every field the form can fill, before the kind and the model have their say. */
function allFields(form: ComposeForm): Record<string, unknown> {
  const r: Record<string, unknown> = { prompt: form.prompt }
  if (form.negative.trim() !== '') r.negative_prompt = form.negative
  if (form.aspect) r.aspect_ratio = form.aspect
  if (form.duration) r.duration = form.duration
  if (form.mode) r.mode = form.mode
  if (form.model.trim() !== '') r.model_name = form.model.trim()
  if (form.useCfg) r.cfg_scale = form.cfg
  if (form.camera === 'simple')
    r.camera_control = { type: 'simple', config: { [form.axis]: form.amount } }
  else if (form.camera !== 'none') r.camera_control = { type: form.camera }
  if (form.sound) r.sound = form.sound
  if (form.callback.trim() !== '') r.callback_url = form.callback.trim()
  if (form.externalId.trim() !== '') r.external_task_id = form.externalId.trim()
  return r
}

/** The request of one kind the form and the images make (text-to-video unless told). */
export function toRequest(
  form: ComposeForm,
  kind: ComposeKind = 'text2video',
  images: DraftImages = {},
): Record<string, unknown> {
  const caps = capsOf(form.model, kind)
  const all = allFields(form)
  // A model documented to ignore it gets none: its control is disabled, so is its value.
  if (refuses(caps, 'cfg')) delete all.cfg_scale
  if (refuses(caps, 'sound')) delete all.sound
  // The prompt is optional for image-to-video: an empty one is left out there.
  if (kind === 'image2video' && form.prompt.trim() === '') delete all.prompt
  const allowed = new Set(fieldsOf(kind))
  const out: Record<string, unknown> = {}
  const withImages = { ...imageFields(kind, images, !refuses(caps, 'imageTail')), ...all }
  for (const [field, value] of Object.entries(withImages))
    if (allowed.has(field)) out[field] = value
  return out
}

/** A request (a re-run, a preset) back into the form. */
export function fromRequest(request: Partial<AnyRequest>, base: ComposeForm): ComposeForm {
  const form: ComposeForm = { ...base }
  if (request.prompt !== undefined) form.prompt = request.prompt
  form.negative = request.negative_prompt ?? ''
  form.aspect = request.aspect_ratio ?? ''
  form.duration = request.duration ?? ''
  form.mode = request.mode ?? ''
  form.model = request.model_name ?? ''
  form.useCfg = request.cfg_scale !== undefined
  form.cfg = request.cfg_scale ?? 0.5
  form.sound = request.sound ?? ''
  const camera = request.camera_control
  if (!camera) form.camera = 'none'
  else if (camera.type === 'simple') {
    form.camera = 'simple'
    const entry = Object.entries(camera.config ?? {}).find(([, v]) => v !== 0)
    if (entry) {
      form.axis = entry[0] as CameraAxis
      form.amount = entry[1] as number
    }
  } else if ((CAMERA_PRESETS as readonly string[]).includes(camera.type)) form.camera = camera.type
  form.callback = request.callback_url ?? ''
  return form
}

/** The first error for each field, keyed by the form's top-level field names. */
export function errorsByField(errors: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of errors) {
    const field = e.field.split('.')[0]!
    out[field] ??= e.message
  }
  return out
}

export interface Preset {
  name: string
  options: Partial<Text2VideoRequest>
}

const PRESETS_KEY = 'kling.presets'

export function loadPresets(storage: Storage = localStorage): Preset[] {
  try {
    const value = JSON.parse(storage.getItem(PRESETS_KEY) ?? '[]') as unknown
    // Stored by an older version, or edited by hand: keep only what has the right shape.
    return Array.isArray(value)
      ? (value as Preset[]).filter(
          (p) =>
            typeof p?.name === 'string' &&
            typeof p.options === 'object' &&
            p.options !== null &&
            !Array.isArray(p.options),
        )
      : []
  } catch {
    return []
  }
}

export function savePresets(presets: Preset[], storage: Storage = localStorage): void {
  storage.setItem(PRESETS_KEY, JSON.stringify(presets))
}

/** The options of a form worth keeping in a preset: everything but the prompt and the ids. */
export function presetOptions(form: ComposeForm): Partial<Text2VideoRequest> {
  const {
    prompt: _p,
    external_task_id: _e,
    callback_url: _c,
    ...options
  } = toRequest(form) as Partial<Text2VideoRequest>
  return options
}
