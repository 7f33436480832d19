import { imageSize } from 'image-size'
import { checkImageFacts, type ImageFacts } from '../../shared/kling'
import { InputError } from './errors'

// What an image is, read from its bytes (never from its name): format, size, pixels. image-size
// reads only the header, so a 10 MB image costs what its first kilobytes cost.

export function imageFacts(bytes: Uint8Array): ImageFacts {
  try {
    const info = imageSize(bytes)
    const format = info.type === 'png' ? 'png' : info.type === 'jpg' ? 'jpeg' : 'other'
    return { format, bytes: bytes.byteLength, width: info.width, height: info.height }
  } catch {
    return { format: 'other', bytes: bytes.byteLength, width: 0, height: 0 }
  }
}

/** The facts of an image that keeps every rule of IMAGE_RULES; an InputError naming each broken one. */
export function requireImage(bytes: Uint8Array, field: string): ImageFacts {
  const facts = imageFacts(bytes)
  const errors = checkImageFacts(facts, field)
  if (errors.length > 0) throw new InputError(errors)
  return facts
}
