import type { AnyRequest, RequestOf, VideoKind } from './endpoints'
import type { FieldError, Mode } from './fields'
import { findModel, type KindCapability, type ModelInfo } from './models'

// What the chosen model is documented not to take, from the model table (models.ts). Warnings,
// not errors: the table may be stale and the gateway may know better. A model not in the table
// gets none.

const warn = (field: string, rule: string, message: string, params: Record<string, string>) => ({
  field,
  message,
  rule,
  params,
})

/** cfg_scale, mode and duration against the model's entry. */
function basics(model: ModelInfo, caps: KindCapability, r: AnyRequest): FieldError[] {
  const name = model.name
  const out: FieldError[] = []
  if (r.cfg_scale !== undefined && !model.cfgScale)
    out.push(
      warn('cfg_scale', 'cfg_ignored', `${name} is documented to ignore cfg_scale`, {
        model: name,
      }),
    )
  if (r.mode !== undefined && !caps.modes.includes(r.mode))
    out.push(
      warn('mode', 'model_mode', `${name} is not documented in ${r.mode} mode`, {
        model: name,
        mode: r.mode,
      }),
    )
  if (r.duration !== undefined && !caps.durations.includes(r.duration)) {
    const allowed = caps.durations.join(', ')
    out.push(
      warn('duration', 'model_duration', `${name} takes ${allowed} seconds, not ${r.duration}`, {
        model: name,
        allowed,
      }),
    )
  }
  return out
}

/** A last frame, masks, sound and camera control: each only on some models, in some modes. */
function features(
  model: ModelInfo,
  caps: KindCapability,
  r: AnyRequest,
  kind: VideoKind,
): FieldError[] {
  const name = model.name
  const mode = r.mode ?? 'std'
  const out: FieldError[] = []
  const only = (field: string, modes: readonly Mode[] | undefined, what: string) => {
    if (!modes)
      out.push(
        warn(field, `${field}_unsupported`, `${what} is not documented on ${name}`, {
          model: name,
        }),
      )
    else if (!modes.includes(mode)) {
      const list = modes.join(', ')
      out.push(
        warn(field, `${field}_mode`, `${what} on ${name} is documented only in ${list} mode`, {
          model: name,
          modes: list,
        }),
      )
    }
  }
  if (r.image_tail !== undefined) only('image_tail', caps.imageTail, 'a last frame')
  if (r.static_mask !== undefined || r.dynamic_masks !== undefined)
    only('static_mask', caps.masks, 'masks')
  if (r.sound === 'on') only('sound', caps.sound, 'sound')
  const cam = caps.cameraControl
  if (r.camera_control === undefined) return out
  if (!cam && kind === 'text2video') {
    const message = `camera control is documented for text-to-video only on kling-v1, not ${name}`
    out.push(warn('camera_control', 'camera_unsupported', message, { model: name }))
  } else if (cam && (!cam.modes.includes(mode) || !cam.durations.includes(r.duration ?? '5'))) {
    const message = `camera control on ${name} is documented only for ${cam.modes.join(', ')} mode and ${cam.durations.join(', ')} seconds`
    out.push(warn('camera_control', 'camera_std5', message, { model: name }))
  }
  return out
}

/**
 * Every warning the table gives for a request of a kind. An extension is checked against its
 * parent's model by the caller (it carries none of its own).
 */
export function capabilityWarnings<K extends VideoKind>(
  kind: K,
  request: Partial<RequestOf[K]>,
): FieldError[] {
  const r = request as AnyRequest
  const model = findModel(r.model_name)
  if (!model) return []
  const caps = model.kinds[kind]
  if (!caps) {
    const message = `${model.name} is not documented for ${kind}`
    return [warn('model_name', 'model_kind', message, { model: model.name, kind })]
  }
  return [...basics(model, caps, r), ...features(model, caps, r, kind)]
}
