import { TAKES_MAX } from '../../../../shared/contract'
import {
  ASPECT_RATIOS,
  CAMERA_AXES,
  CAMERA_PRESETS,
  isHttpUrl,
  MODES,
  parseInputRef,
  SOUND,
} from '../../../../shared/kling'
import { emptyForm, newExternalId, type ComposeForm } from './form'
import {
  COMPOSE_KINDS,
  LIST_SLOTS,
  type ComposeKind,
  type DraftImage,
  type DraftImages,
  type SlotKey,
} from './slots'

// The draft as it is kept in localStorage, and how a kept one is read back: storage is edited by
// hand, written by older versions or cut short, so every field is checked and a bad one dropped.

export interface DraftData {
  kind: ComposeKind
  form: ComposeForm
  images: DraftImages
  takes: number
  /** Each kind's model, so going to another kind and back keeps the choice made there. */
  models: Partial<Record<ComposeKind, string>>
  /** False until the draft took Settings' defaults: a new draft starts from them once. */
  started: boolean
}

export const DRAFT_KEY = 'kling.draft'
export const DRAFT_VERSION = 1
/** A preview larger than this is not one of ours: dropped rather than kept. */
const THUMB_MAX = 64_000
const SLOT_KEYS: readonly SlotKey[] = ['image', 'image_tail', ...LIST_SLOTS]

export function freshDraft(): DraftData {
  return { kind: 'text2video', form: emptyForm(), images: {}, takes: 1, models: {}, started: false }
}

export function keptPart(d: DraftData): DraftData {
  const { kind, form, images, takes, models, started } = d
  return { kind, form, images, takes, models, started }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The form fields that hold one of a few words ('' for server default). */
const CHOICES: Partial<Record<keyof ComposeForm, readonly string[]>> = {
  aspect: ['', ...ASPECT_RATIOS],
  mode: ['', ...MODES],
  sound: ['', ...SOUND],
  camera: ['none', 'simple', ...CAMERA_PRESETS],
  axis: CAMERA_AXES,
}

function readForm(value: unknown): ComposeForm {
  const form = emptyForm()
  if (!isObject(value)) return form
  const out = form as unknown as Record<string, unknown>
  for (const key of Object.keys(form) as (keyof ComposeForm)[]) {
    const v = value[key]
    if (typeof v !== typeof form[key]) continue
    const choices = CHOICES[key]
    if (choices && !choices.includes(v as string)) continue
    if (key === 'duration' && !/^(\d{1,2})?$/.test(v as string)) continue
    out[key] = v
  }
  // The id is kept as it was: a Generate sent just before a reload, and not yet confirmed, may
  // have gone out with it, and main tells so only for the same id (see use-generate.ts).
  if (form.externalId.trim() === '') form.externalId = newExternalId()
  return form
}

function readImage(value: unknown): DraftImage | undefined {
  if (!isObject(value) || typeof value.ref !== 'string') return undefined
  if (!parseInputRef(value.ref) && !isHttpUrl(value.ref)) return undefined
  const image: DraftImage = { ref: value.ref }
  for (const n of ['width', 'height', 'bytes'] as const)
    if (typeof value[n] === 'number' && Number.isFinite(value[n])) image[n] = value[n]
  if (value.format === 'png' || value.format === 'jpeg') image.format = value.format
  if (
    typeof value.thumb === 'string' &&
    value.thumb.length <= THUMB_MAX &&
    value.thumb.startsWith('data:image/jpeg;base64,')
  )
    image.thumb = value.thumb
  return image
}

/** A kept draft read back; whatever does not check out takes its fresh value. */
export function readDraft(value: unknown): DraftData {
  const d = freshDraft()
  if (!isObject(value)) return d
  if (COMPOSE_KINDS.includes(value.kind as ComposeKind)) d.kind = value.kind as ComposeKind
  d.form = readForm(value.form)
  if (isObject(value.images)) {
    for (const slot of SLOT_KEYS) {
      const image = readImage(value.images[slot])
      if (image) d.images[slot] = image
    }
  }
  const takes = value.takes
  if (typeof takes === 'number' && Number.isInteger(takes) && takes >= 1 && takes <= TAKES_MAX)
    d.takes = takes
  if (isObject(value.models)) {
    for (const kind of COMPOSE_KINDS)
      if (typeof value.models[kind] === 'string') d.models[kind] = value.models[kind]
  }
  d.started = value.started === true
  return d
}
