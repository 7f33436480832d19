import { createPath, queryPath, type EndpointDef } from './endpoint'
import { DURATIONS, isRecord, validateBody, type Checked, type FieldError } from './fields'
import { IMAGE2VIDEO, type Image2VideoRequest } from './image2video'
import { findModel } from './models'
import { imageForm, IMAGE_RULES } from './images'
import { MULTI_IMAGE2VIDEO, type MultiImage2VideoRequest } from './multi-image2video'
import { TEXT2VIDEO, type Text2VideoRequest } from './text2video'
import { VIDEO_EXTEND, type VideoExtendRequest } from './video-extend'

// The registry: every Kling video endpoint the app speaks, in one place. Adding one means a file
// beside this one and a line in each of the two tables below.

export const ENDPOINTS = {
  text2video: TEXT2VIDEO,
  image2video: IMAGE2VIDEO,
  'multi-image2video': MULTI_IMAGE2VIDEO,
  'video-extend': VIDEO_EXTEND,
} as const satisfies Record<string, EndpointDef>

export interface RequestOf {
  text2video: Text2VideoRequest
  image2video: Image2VideoRequest
  'multi-image2video': MultiImage2VideoRequest
  'video-extend': VideoExtendRequest
}

export type VideoKind = keyof typeof ENDPOINTS
/** Any request read field by field, for views that show whatever a job's kind has. */
export type AnyRequest = Partial<
  Text2VideoRequest & Image2VideoRequest & MultiImage2VideoRequest & VideoExtendRequest
>
export type VideoRequest = RequestOf[VideoKind]
export const VIDEO_KINDS = Object.keys(ENDPOINTS) as VideoKind[]

export function isVideoKind(value: unknown): value is VideoKind {
  return typeof value === 'string' && Object.hasOwn(ENDPOINTS, value)
}

export function endpointOf(kind: VideoKind): EndpointDef<VideoKind> {
  return ENDPOINTS[kind]
}

export const createPathOf = (kind: VideoKind): string => createPath(kind)
export const queryPathOf = (kind: VideoKind, id: string): string => queryPath(kind, id)

/** The kind a path of the API names (for the emulator): create path or query path alike. */
export function kindOfAction(action: string): VideoKind | null {
  return isVideoKind(action) ? action : null
}

// ---------------------------------------------------------------------------------------------
// Images inside a body

/** Every image of a body with where it sits ("image_list[1].image"). */
export function imagesOf(
  kind: VideoKind,
  body: Record<string, unknown>,
): { at: string; value: string }[] {
  const out: { at: string; value: string }[] = []
  for (const path of ENDPOINTS[kind].imagePaths) {
    const [list, field] = path.split('[].') as [string, string | undefined]
    if (field === undefined) {
      if (typeof body[list] === 'string') out.push({ at: list, value: body[list] })
      continue
    }
    const items = body[list]
    if (!Array.isArray(items)) continue
    items.forEach((item, i) => {
      if (isRecord(item) && typeof item[field] === 'string')
        out.push({ at: `${list}[${i}].${field}`, value: item[field] })
    })
  }
  return out
}

/** A copy of the body with every image replaced by what `map` makes of it. */
export async function mapImages<T extends Record<string, unknown>>(
  kind: VideoKind,
  body: T,
  map: (value: string, at: string) => Promise<string>,
): Promise<T> {
  const out: Record<string, unknown> = structuredClone(body)
  for (const path of ENDPOINTS[kind].imagePaths) {
    const [list, field] = path.split('[].') as [string, string | undefined]
    if (field === undefined) {
      if (typeof out[list] === 'string') out[list] = await map(out[list], list)
      continue
    }
    const items = out[list]
    if (!Array.isArray(items)) continue
    for (const [i, item] of items.entries()) {
      if (isRecord(item) && typeof item[field] === 'string')
        item[field] = await map(item[field], `${list}[${i}].${field}`)
    }
  }
  return out as T
}

// ---------------------------------------------------------------------------------------------
// Validation

export interface ValidateOptions {
  /**
   * 'stored' (the default): what the app keeps and passes around, images named by input or URL.
   * 'wire': the body as sent to the service, images inline as base64 or by URL.
   */
  form?: 'stored' | 'wire'
}

export type ValidationResult<K extends VideoKind = VideoKind> = Checked<RequestOf[K]>

/** Checks a create request of one kind against every documented rule of its endpoint. */
export function validateRequest<K extends VideoKind>(
  kind: K,
  input: unknown,
  options: ValidateOptions = {},
): ValidationResult<K> {
  const checked = validateBody(input, ENDPOINTS[kind].body)
  const errors: FieldError[] = checked.ok ? [] : [...checked.errors]
  if (isRecord(input) && !errors.some((e) => e.field === 'duration')) {
    const d = input.duration
    durationRule(kind, { ...input, duration: typeof d === 'number' ? String(d) : d }, errors)
  }
  if (!checked.ok || errors.length > 0) return { ok: false, errors }
  for (const { at, value } of imagesOf(kind, checked.value)) {
    const form = imageForm(value)
    if (options.form === 'wire' ? form === 'input' : form === 'inline') {
      errors.push({
        field: at,
        message:
          options.form === 'wire'
            ? `${at} must be sent as base64 or a URL`
            : `${at} must be an image file, a URL or a frame of a library video, not inline data (at most ${IMAGE_RULES.maxReferenceLength} characters)`,
        rule: 'image_value',
      })
    }
  }
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, value: checked.value as unknown as RequestOf[K] }
}

/**
 * 5 and 10 s everywhere; other whole seconds only where the model table lists them for the model
 * named (kling-v3: 3 to 15), or for a model the table does not know (the service decides).
 */
function durationRule(kind: VideoKind, body: Record<string, unknown>, errors: FieldError[]): void {
  const d = body.duration
  if (typeof d !== 'string' || (DURATIONS as readonly string[]).includes(d)) return
  const model = findModel(typeof body.model_name === 'string' ? body.model_name : undefined)
  if (!model || model.kinds[kind]?.durations.includes(d)) return
  errors.push({
    field: 'duration',
    message: `duration must be one of ${DURATIONS.join(', ')} for ${model.name} (kling-v3 takes 3 to 15)`,
    rule: 'one_of',
    params: { allowed: DURATIONS.join(', ') },
  })
}

/** Every field name of a kind's body, for the contract's "changes hold request fields only". */
export function fieldsOf(kind: VideoKind): string[] {
  return Object.keys(ENDPOINTS[kind].body.fields)
}
