import { imageSize } from 'image-size'
import type { ImageFacts } from '../../shared/kling'

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
