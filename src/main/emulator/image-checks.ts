import {
  checkImageFacts,
  IMAGE_RULES,
  imagesOf,
  isHttpUrl,
  type FieldError,
  type ImageFacts,
  type VideoKind,
} from '../../shared/kling'
import { imageFacts } from '../inputs/image-facts'

// The image rules the service applies to what it receives, applied by the emulator to every
// image of a create body: base64 decoded, a URL fetched (briefly, at most 10 MB), then format,
// bytes, pixels and aspect from the bytes themselves, and masks the size of their image.

export type ImageCheck = { ok: true; facts: ImageFacts[] } | { ok: false; errors: FieldError[] }

class Unreadable extends Error {}

/** Why a fetch failed, in a few words: a timeout, or the cause's code or message. */
function why(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error)
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  const cause = error.cause instanceof Error ? (error.cause as Error & { code?: unknown }) : null
  if (typeof cause?.code === 'string') return cause.code
  return cause?.message ?? error.message
}

/** The bytes at a URL, stopping one byte past the cap; `size` counts what the server has. */
async function fetchImage(url: string, timeoutMs: number): Promise<ImageFacts> {
  let res: Response
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    throw new Unreadable(why(error, timeoutMs))
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel()
    throw new Unreadable(`HTTP ${res.status}`)
  }
  const declared = Number(res.headers.get('content-length') ?? NaN)
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      chunks.push(chunk)
      size += chunk.byteLength
      if (size > IMAGE_RULES.maxBytes) break
    }
  } catch (error) {
    throw new Unreadable(why(error, timeoutMs))
  }
  const facts = imageFacts(Buffer.concat(chunks))
  return { ...facts, bytes: Number.isFinite(declared) ? Math.max(declared, size) : size }
}

/** A mask must cover its image pixel for pixel. */
function maskErrors(byField: Map<string, ImageFacts>): FieldError[] {
  const image = byField.get('image')
  if (!image || image.format === 'other') return []
  const errors: FieldError[] = []
  for (const [at, mask] of byField) {
    if (at !== 'static_mask' && !/^dynamic_masks\[\d+\]\.mask$/.test(at)) continue
    if (mask.format === 'other') continue
    if (mask.width !== image.width || mask.height !== image.height) {
      errors.push({
        field: at,
        message: `${at} must be the size of image (${image.width}x${image.height} pixels; it is ${mask.width}x${mask.height})`,
        rule: 'mask_size',
        params: { width: image.width, height: image.height },
      })
    }
  }
  return errors
}

/** Reads one image of a body: its facts, or why it could not be read. */
async function readImage(
  at: string,
  value: string,
  timeoutMs: number,
): Promise<ImageFacts | FieldError> {
  if (!isHttpUrl(value)) return imageFacts(Buffer.from(value, 'base64'))
  try {
    return await fetchImage(value, timeoutMs)
  } catch (error) {
    if (!(error instanceof Unreadable)) throw error
    const message = `${at} url could not be read (${error.message})`
    return { field: at, message, rule: 'image_url' }
  }
}

/** Reads and checks every image of a body; the facts come back in the order imagesOf gives. */
export async function checkImages(
  kind: VideoKind,
  body: Record<string, unknown>,
  fetchTimeoutMs: number,
): Promise<ImageCheck> {
  const images = imagesOf(kind, body)
  const read = await Promise.all(images.map((i) => readImage(i.at, i.value, fetchTimeoutMs)))
  const errors: FieldError[] = []
  const byField = new Map<string, ImageFacts>()
  images.forEach(({ at }, i) => {
    const result = read[i]!
    if ('field' in result) return void errors.push(result)
    byField.set(at, result)
    errors.push(...checkImageFacts(result, at))
  })
  errors.push(...maskErrors(byField))
  return errors.length > 0 ? { ok: false, errors } : { ok: true, facts: [...byField.values()] }
}
