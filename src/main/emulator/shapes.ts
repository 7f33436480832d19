import {
  DEFAULT_MODEL,
  ENDPOINTS,
  EXTENSION_SECONDS,
  type AnyRequest,
  type ImageFacts,
  type VideoKind,
} from '../../shared/kling'
import { LONGEST_SAMPLE_SECONDS, nearestRatio } from './samples'
import type { EmulatedTask, ResultShape } from './task-store'

// The clip a request makes, decided at create from what the request says about it: its aspect
// ratio and duration where the endpoint takes them, else the shape of its first image, else its
// parent's shape grown by EXTENSION_SECONDS (up to the longest sample, 15 s).

export function shapeOf(
  kind: VideoKind,
  request: AnyRequest,
  firstImage: ImageFacts | undefined,
  parent: EmulatedTask | null,
): ResultShape {
  const seconds = Number(request.duration ?? '5')
  if (parent) {
    const grown = Math.min(parent.shape.seconds + EXTENSION_SECONDS, LONGEST_SAMPLE_SECONDS)
    return { ratio: parent.shape.ratio, seconds: grown }
  }
  if (!ENDPOINTS[kind].hasAspectRatio && firstImage)
    return { ratio: nearestRatio(firstImage.width, firstImage.height), seconds }
  return { ratio: request.aspect_ratio ?? '16:9', seconds }
}

/** The model whose rules the result follows: an extension inherits its root parent's. */
export function modelOf(request: AnyRequest, parent: EmulatedTask | null): string {
  return parent ? parent.model : (request.model_name ?? DEFAULT_MODEL)
}
