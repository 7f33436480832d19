import { isHttpUrl, type FieldCheck, type FieldError } from './fields'

// Images as request fields. The service takes a public URL or raw base64 (no "data:" prefix):
// JPG/JPEG or PNG, at most 10 MB, at least 300 px on each side, aspect ratio between 1:2.5 and
// 2.5:1 (CometAPI's and Kling's image-to-video pages agree; docs/kling-api.md).
//
// Inside the app an image is named, never inlined: `input:<sha256>.<png|jpg>` points to a copy
// kept in the library by content hash, so the history and the sidecars stay small. Main turns a
// name into base64 only in the request it sends ("wire" form).

export const IMAGE_RULES = {
  formats: ['jpeg', 'png'] as const,
  maxBytes: 10 * 1024 * 1024,
  minSide: 300,
  /** Width / height: from 1:2.5 to 2.5:1. */
  minAspect: 1 / 2.5,
  maxAspect: 2.5,
  /** A URL or an input name is short; megabytes of base64 only ever travel in the wire form. */
  maxReferenceLength: 2048,
} as const

export type ImageFormat = (typeof IMAGE_RULES.formats)[number]

export interface ImageFacts {
  format: ImageFormat | 'other'
  bytes: number
  width: number
  height: number
}

const INPUT_REF = /^input:([0-9a-f]{64})\.(png|jpg)$/

export function inputRef(sha256: string, format: ImageFormat): string {
  return `input:${sha256}.${format === 'png' ? 'png' : 'jpg'}`
}

export function parseInputRef(value: string): { sha256: string; ext: 'png' | 'jpg' } | null {
  const m = INPUT_REF.exec(value)
  return m ? { sha256: m[1]!, ext: m[2] as 'png' | 'jpg' } : null
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

export function looksLikeBase64(value: string): boolean {
  return value.length >= 16 && value.length % 4 === 0 && BASE64.test(value)
}

/** Every rule of the list above that these facts break, each naming its rule and figures. */
export function checkImageFacts(facts: ImageFacts, field: string): FieldError[] {
  const errors: FieldError[] = []
  const r = IMAGE_RULES
  if (facts.format === 'other') {
    errors.push({ field, message: `${field} must be a JPG or PNG image`, rule: 'image_format' })
    return errors
  }
  if (facts.bytes > r.maxBytes) {
    const mb = Math.round((facts.bytes / 1024 / 1024) * 10) / 10
    errors.push({
      field,
      message: `${field} must be at most 10 MB (it has ${mb} MB)`,
      rule: 'image_bytes',
      params: { max: 10, size: mb },
    })
  }
  if (Math.min(facts.width, facts.height) < r.minSide) {
    errors.push({
      field,
      message: `${field} must be at least ${r.minSide}x${r.minSide} pixels (it is ${facts.width}x${facts.height})`,
      rule: 'image_pixels',
      params: { min: r.minSide, width: facts.width, height: facts.height },
    })
  }
  const aspect = facts.width / facts.height
  if (facts.height > 0 && (aspect < r.minAspect - 1e-9 || aspect > r.maxAspect + 1e-9)) {
    errors.push({
      field,
      message: `${field} must have an aspect ratio between 1:2.5 and 2.5:1 (it is ${facts.width}x${facts.height})`,
      rule: 'image_aspect',
      params: { width: facts.width, height: facts.height },
    })
  }
  return errors
}

/**
 * An image field: an input name, an http(s) URL, or raw base64. Which of these a caller may use
 * is decided by the form being checked (see endpoints.ts): base64 only in the wire form.
 */
export const image: FieldCheck = (value, field, errors) => {
  if (typeof value !== 'string' || value.trim() === '') {
    errors.push({ field, message: `${field} must be an image`, rule: 'image_missing' })
    return undefined
  }
  if (/^data:/i.test(value)) {
    errors.push({
      field,
      message: `${field} must be raw base64 without a "data:" prefix, or a URL`,
      rule: 'image_data_prefix',
    })
    return undefined
  }
  if (parseInputRef(value)) return value
  if (value.length <= IMAGE_RULES.maxReferenceLength && isHttpUrl(value)) return value
  if (looksLikeBase64(value)) return value
  errors.push({
    field,
    message: `${field} must be an image file, an http(s) URL or base64 image data`,
    rule: 'image_value',
  })
  return undefined
}

export type ImageForm = 'inline' | 'input' | 'url'

export function imageForm(value: string): ImageForm {
  if (parseInputRef(value)) return 'input'
  if (isHttpUrl(value) && value.length <= IMAGE_RULES.maxReferenceLength) return 'url'
  return 'inline'
}
