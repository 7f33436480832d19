import { COMMON_FIELDS, REQUIRED_PROMPT, type CommonRequest, type EndpointDef } from './endpoint'
import { ASPECT_RATIOS, isRecord, oneOf, type AspectRatio, type FieldCheck } from './fields'
import { image } from './images'

// POST /kling/v1/videos/multi-image2video: one clip from two to four reference images (a subject,
// a scene, a style), each under the same image rules; from kling-v1-6 on (docs/kling-api.md).

export interface MultiImage2VideoRequest extends CommonRequest {
  prompt: string
  image_list: { image: string }[]
  aspect_ratio?: AspectRatio
}

export const IMAGE_LIST = { min: 2, max: 4 } as const

const imageList: FieldCheck = (value, field, errors) => {
  if (!Array.isArray(value) || value.length < IMAGE_LIST.min || value.length > IMAGE_LIST.max) {
    errors.push({
      field,
      message: `${field} must hold ${IMAGE_LIST.min} to ${IMAGE_LIST.max} images (it has ${Array.isArray(value) ? value.length : 0})`,
      rule: 'image_count',
      params: {
        min: IMAGE_LIST.min,
        max: IMAGE_LIST.max,
        count: Array.isArray(value) ? value.length : 0,
      },
    })
    return undefined
  }
  const out = value.map((item, i) => {
    const at = `${field}[${i}].image`
    if (!isRecord(item) || Object.keys(item).some((k) => k !== 'image')) {
      errors.push({
        field: at,
        message: `${field}[${i}] must be { "image": ... }`,
        rule: 'image_item',
      })
      return undefined
    }
    const v = image(item.image, at, errors)
    return typeof v === 'string' ? { image: v } : undefined
  })
  return out.every((v) => v !== undefined) ? out : undefined
}

export const MULTI_IMAGE2VIDEO = {
  kind: 'multi-image2video',
  title: 'multi-image-to-video',
  hasAspectRatio: true,
  imagePaths: ['image_list[].image'],
  body: {
    name: 'multi-image-to-video',
    fields: {
      image_list: imageList,
      prompt: REQUIRED_PROMPT,
      negative_prompt: COMMON_FIELDS.negative_prompt,
      aspect_ratio: oneOf(ASPECT_RATIOS),
      duration: COMMON_FIELDS.duration,
      mode: COMMON_FIELDS.mode,
      model_name: COMMON_FIELDS.model_name,
      callback_url: COMMON_FIELDS.callback_url,
      external_task_id: COMMON_FIELDS.external_task_id,
    },
    required: ['image_list', 'prompt'],
  },
} as const satisfies EndpointDef<'multi-image2video'>
