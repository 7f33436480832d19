import { COMMON_FIELDS, REQUIRED_PROMPT, type CommonRequest, type EndpointDef } from './endpoint'
import {
  ASPECT_RATIOS,
  camera,
  oneOf,
  SOUND,
  type AspectRatio,
  type CameraControl,
  type Sound,
} from './fields'

// POST /kling/v1/videos/text2video: a clip from a prompt alone.

export interface Text2VideoRequest extends CommonRequest {
  prompt: string
  aspect_ratio?: AspectRatio
  camera_control?: CameraControl
  sound?: Sound
}

export const TEXT2VIDEO = {
  kind: 'text2video',
  title: 'text-to-video',
  hasAspectRatio: true,
  imagePaths: [],
  body: {
    name: 'text-to-video',
    fields: {
      prompt: REQUIRED_PROMPT,
      negative_prompt: COMMON_FIELDS.negative_prompt,
      aspect_ratio: oneOf(ASPECT_RATIOS),
      duration: COMMON_FIELDS.duration,
      mode: COMMON_FIELDS.mode,
      model_name: COMMON_FIELDS.model_name,
      cfg_scale: COMMON_FIELDS.cfg_scale,
      camera_control: camera,
      sound: oneOf(SOUND),
      callback_url: COMMON_FIELDS.callback_url,
      external_task_id: COMMON_FIELDS.external_task_id,
    },
    required: ['prompt'],
  },
} as const satisfies EndpointDef<'text2video'>
