import {
  imagesOf,
  mapImages,
  parseInputRef,
  type FieldError,
  type ImageFacts,
  type RequestOf,
  type VideoKind,
} from '../../shared/kling'
import type { InputStore } from './input-store'

// From the stored request to the body on the wire: every input name (`input:<sha256>.png`) becomes
// the image's base64, only in the body being sent; URLs stay URLs. And the one image rule that
// spans fields: a mask has the pixel size of the image it masks (Kling's image-to-video docs).

/** Anything that can hand over an input's base64: an InputStore. */
export type Base64Of = Pick<InputStore, 'base64'>

/** The body to send for a stored request: inputs inline as base64, everything else as it was. */
export async function wireBody<K extends VideoKind>(
  kind: K,
  request: RequestOf[K] | Record<string, unknown>,
  inputs: Base64Of,
): Promise<RequestOf[K]> {
  const body = await mapImages(kind, request as Record<string, unknown>, (value, at) =>
    parseInputRef(value) ? inputs.base64(value, at) : Promise.resolve(value),
  )
  return body as unknown as RequestOf[K]
}

/** An image's facts by its request value; null when they are not known here (a URL). */
export type FactsOf = (value: string, field: string) => Promise<ImageFacts | null>

/** FactsOf for stored inputs; URLs are not fetched for this and come back unknown. */
export function factsFromStore(store: Pick<InputStore, 'factsOf'>): FactsOf {
  return (value, field) =>
    parseInputRef(value) ? store.factsOf(value, field) : Promise.resolve(null)
}

const MASK_AT = /^(static_mask|dynamic_masks\[\d+\]\.mask)$/

/**
 * The static mask and every dynamic mask must have the pixel size of `image`. Masks whose size
 * or whose image's size is unknown (URLs) are left to the service.
 */
export async function checkMasks(
  kind: VideoKind,
  request: RequestOf[VideoKind] | Record<string, unknown>,
  factsOf: FactsOf,
): Promise<FieldError[]> {
  const images = imagesOf(kind, request as Record<string, unknown>)
  const masks = images.filter(({ at }) => MASK_AT.test(at))
  const image = images.find(({ at }) => at === 'image')
  if (masks.length === 0 || image === undefined) return []
  const size = await factsOf(image.value, image.at)
  if (size === null) return []
  const errors: FieldError[] = []
  for (const { at, value } of masks) {
    const mask = await factsOf(value, at)
    if (mask === null || (mask.width === size.width && mask.height === size.height)) continue
    errors.push({
      field: at,
      message: `${at} must have the same size as image, ${size.width}x${size.height} pixels (it is ${mask.width}x${mask.height})`,
      rule: 'mask_size',
      params: {
        width: size.width,
        height: size.height,
        maskWidth: mask.width,
        maskHeight: mask.height,
      },
    })
  }
  return errors
}
