import { COMMON_FIELDS, type CommonRequest, type EndpointDef } from './endpoint'
import {
  camera,
  isRecord,
  oneOf,
  SOUND,
  type CameraControl,
  type FieldCheck,
  type FieldError,
  type Sound,
} from './fields'
import { image } from './images'

// POST /kling/v1/videos/image2video: a clip that starts from an image (the first frame), and may
// end on another (image_tail). The prompt is optional. A static mask (white = frozen, the image's
// size), up to six dynamic masks with a trajectory each, and camera control are the other ways to
// steer it; the last frame, the masks and camera control exclude each other (docs/kling-api.md).

export interface DynamicMask {
  mask: string
  trajectories: { x: number; y: number }[]
}

export interface Image2VideoRequest extends CommonRequest {
  image: string
  image_tail?: string
  static_mask?: string
  dynamic_masks?: DynamicMask[]
  camera_control?: CameraControl
  sound?: Sound
}

export const DYNAMIC_MASKS_MAX = 6
/** Points of one trajectory (Kling's image-to-video docs: 2 to 77). */
export const TRAJECTORY_POINTS = { min: 2, max: 77 } as const

const point = (v: unknown): v is { x: number; y: number } =>
  isRecord(v) &&
  Object.keys(v).every((k) => k === 'x' || k === 'y') &&
  Number.isInteger(v.x) &&
  Number.isInteger(v.y) &&
  (v.x as number) >= 0 &&
  (v.y as number) >= 0

const dynamicMasks: FieldCheck = (value, field, errors) => {
  if (!Array.isArray(value) || value.length < 1 || value.length > DYNAMIC_MASKS_MAX) {
    errors.push({
      field,
      message: `${field} must be a list of 1 to ${DYNAMIC_MASKS_MAX} masks`,
      rule: 'list_length',
      params: { min: 1, max: DYNAMIC_MASKS_MAX },
    })
    return undefined
  }
  const out: DynamicMask[] = []
  value.forEach((item, i) => {
    const at = `${field}[${i}]`
    const t = isRecord(item) ? item.trajectories : undefined
    const mask = isRecord(item) ? image(item.mask, `${at}.mask`, errors) : undefined
    if (
      !Array.isArray(t) ||
      t.length < TRAJECTORY_POINTS.min ||
      t.length > TRAJECTORY_POINTS.max ||
      !t.every(point)
    ) {
      errors.push({
        field: `${at}.trajectories`,
        message: `${at}.trajectories must be ${TRAJECTORY_POINTS.min} to ${TRAJECTORY_POINTS.max} points {x, y} in whole pixels`,
        rule: 'trajectory',
        params: { min: TRAJECTORY_POINTS.min, max: TRAJECTORY_POINTS.max },
      })
      return
    }
    if (typeof mask === 'string') out.push({ mask, trajectories: t.map(({ x, y }) => ({ x, y })) })
  })
  return out.length === value.length ? out : undefined
}

/** The last frame, the masks and camera control: at most one of these three ways to steer. */
function oneWayToSteer(body: Record<string, unknown>, errors: FieldError[]): void {
  const ways = [
    body.image_tail !== undefined ? 'image_tail' : null,
    body.static_mask !== undefined || body.dynamic_masks !== undefined ? 'masks' : null,
    body.camera_control !== undefined ? 'camera_control' : null,
  ].filter((w): w is string => w !== null)
  if (ways.length > 1) {
    errors.push({
      field: ways[1] === 'masks' ? 'static_mask' : ways[1]!,
      message: `${ways.join(' and ')} cannot be used together: a last frame, masks and camera control exclude each other`,
      rule: 'exclusive',
      params: { fields: ways.join(', ') },
    })
  }
}

export const IMAGE2VIDEO = {
  kind: 'image2video',
  title: 'image-to-video',
  hasAspectRatio: false,
  imagePaths: ['image', 'image_tail', 'static_mask', 'dynamic_masks[].mask'],
  body: {
    name: 'image-to-video',
    fields: {
      image,
      image_tail: image,
      prompt: COMMON_FIELDS.prompt,
      negative_prompt: COMMON_FIELDS.negative_prompt,
      duration: COMMON_FIELDS.duration,
      mode: COMMON_FIELDS.mode,
      model_name: COMMON_FIELDS.model_name,
      cfg_scale: COMMON_FIELDS.cfg_scale,
      static_mask: image,
      dynamic_masks: dynamicMasks,
      camera_control: camera,
      sound: oneOf(SOUND),
      callback_url: COMMON_FIELDS.callback_url,
      external_task_id: COMMON_FIELDS.external_task_id,
    },
    required: ['image'],
    rules: oneWayToSteer,
  },
} as const satisfies EndpointDef<'image2video'>
