import { fileURLToPath } from 'node:url'
import { IMAGE_LIST, isHttpUrl } from '../../shared/kling'
import { InputError } from './errors'
import type { InputStore } from './input-store'
import { readImageFile, type ImageRead } from './read-image'
import { readImageUrl, type UrlReadOptions } from './read-url'

// The command line's images: `--image FILE|URL`, `--image-tail FILE|URL`, `--images A,B[,C,D]`.
// An http(s) URL is fetched, anything else is a path. Every image is read and checked first, and
// only when all of them pass are they kept in the library, so a bad third image leaves nothing
// behind; the answer is the input names to put in the request.

export interface ImageFlags {
  image?: string
  imageTail?: string
  /** "a.png,b.jpg" (split at commas), or one value per repeated flag. */
  images?: string | readonly string[]
}

export interface PrepareOptions extends Omit<UrlReadOptions, 'field'> {
  store: Pick<InputStore, 'put'>
  /** What relative paths are relative to; the process's working folder unless given. */
  cwd?: string
}

export interface PreparedImages {
  image?: string
  image_tail?: string
  image_list?: { image: string }[]
}

/** "a.png, b.png" → ["a.png", "b.png"]. A URL with a comma in it needs a flag of its own. */
export function splitImageList(value: string | readonly string[]): string[] {
  const parts = typeof value === 'string' ? value.split(',') : value
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

const OTHER_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/** One `--image` value: an http(s) URL is fetched, a file: URL or anything else is a path. */
export async function readImageSource(
  value: string,
  field: string,
  options: Omit<PrepareOptions, 'store'> = {},
): Promise<ImageRead> {
  if (isHttpUrl(value)) return readImageUrl(value, { ...options, field })
  if (/^file:\/\//i.test(value)) {
    let path: string
    try {
      path = fileURLToPath(value)
    } catch {
      throw InputError.of(field, 'input_missing', `${field} is not a file address: ${value}`)
    }
    return readImageFile(path, { field, cwd: options.cwd })
  }
  if (OTHER_SCHEME.test(value)) {
    throw InputError.of(
      field,
      'url_unreadable',
      `${field} is an unreadable URL: ${value} (only http and https addresses can be read)`,
      { url: value, reason: 'scheme' },
    )
  }
  return readImageFile(value, { field, cwd: options.cwd })
}

export async function prepareImages(
  flags: ImageFlags,
  options: PrepareOptions,
): Promise<PreparedImages> {
  const wanted: { field: string; value: string }[] = []
  if (flags.image !== undefined) wanted.push({ field: 'image', value: flags.image })
  if (flags.imageTail !== undefined) wanted.push({ field: 'image_tail', value: flags.imageTail })
  const list = flags.images === undefined ? null : splitImageList(flags.images)
  if (list !== null) {
    if (list.length < IMAGE_LIST.min || list.length > IMAGE_LIST.max) {
      throw InputError.of(
        'image_list',
        'image_count',
        `image_list must hold ${IMAGE_LIST.min} to ${IMAGE_LIST.max} images (it has ${list.length})`,
        { min: IMAGE_LIST.min, max: IMAGE_LIST.max, count: list.length },
      )
    }
    list.forEach((value, i) => wanted.push({ field: `image_list[${i}].image`, value }))
  }
  const { store, ...readOptions } = options
  const read: ImageRead[] = []
  for (const { field, value } of wanted) read.push(await readImageSource(value, field, readOptions))

  const out: PreparedImages = {}
  for (const [i, { field }] of wanted.entries()) {
    const { ref } = await store.put(read[i]!.bytes, read[i]!.provenance, field)
    if (field === 'image') out.image = ref
    else if (field === 'image_tail') out.image_tail = ref
    else (out.image_list ??= []).push({ image: ref })
  }
  return out
}
