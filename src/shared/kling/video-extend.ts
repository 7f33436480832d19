import { COMMON_FIELDS, type CommonRequest, type EndpointDef } from './endpoint'
import { serviceId } from './fields'

// POST /kling/v1/videos/video-extend: about 4-5 s more of a finished clip. It names the parent by
// its task id and the id of its video (both required on CometAPI); the prompt is optional. Only
// some parents can be extended (a finished 5 s kling-v1 or v1-6 clip is the documented safe case),
// and only while the parent's result lives (30 days): the service answers 400 otherwise.

export interface VideoExtendRequest extends Omit<
  CommonRequest,
  'duration' | 'mode' | 'model_name'
> {
  task_id: string
  video_id: string
}

export const VIDEO_EXTEND = {
  kind: 'video-extend',
  title: 'video extension',
  hasAspectRatio: false,
  imagePaths: [],
  body: {
    name: 'video-extend',
    fields: {
      task_id: serviceId,
      video_id: serviceId,
      prompt: COMMON_FIELDS.prompt,
      negative_prompt: COMMON_FIELDS.negative_prompt,
      cfg_scale: COMMON_FIELDS.cfg_scale,
      callback_url: COMMON_FIELDS.callback_url,
      external_task_id: COMMON_FIELDS.external_task_id,
    },
    required: ['task_id', 'video_id'],
  },
} as const satisfies EndpointDef<'video-extend'>

/** Seconds an extension adds (the service documents "about 4-5 s"; the emulator adds this). */
export const EXTENSION_SECONDS = 5
