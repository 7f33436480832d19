import type { InputBytes, InputInfo } from '../../../../shared/contract'
import { IMAGE_RULES } from '../../../../shared/kling'
import { api, ApiError, call } from '../../api'
import { thumbnailOf } from '../../ui/capture-frame'
import type { DraftImage } from './slots'

// An image the person brings (dropped, pasted, picked from a file) on its way to a slot: main
// reads, checks and keeps it and answers its name and facts; the window keeps only that and a
// small preview. What is plainly not a JPG or PNG, or too large to send, is refused here first.

export type AddInput = (input: InputBytes) => Promise<InputInfo>

export const addInput: AddInput = (input) => call(api().inputs.add(input))

const TYPES = ['image/png', 'image/jpeg']

/** A preview of an image file, or undefined where the window cannot decode it. */
export async function thumbnailOfBlob(blob: Blob): Promise<string | undefined> {
  if (typeof createImageBitmap !== 'function') return undefined
  try {
    // A bitmap, not an <img> on a blob: address, which the page's policy does not allow.
    const bitmap = await createImageBitmap(blob)
    try {
      return thumbnailOf(bitmap, bitmap.width, bitmap.height)
    } finally {
      bitmap.close()
    }
  } catch {
    return undefined
  }
}

/** Hands one file to main; a refusal is an ApiError whose code names the broken rule. */
export async function bringImage(
  file: Blob,
  source: InputBytes['source'],
  add: AddInput = addInput,
): Promise<DraftImage> {
  if (file.type !== '' && !TYPES.includes(file.type))
    throw new ApiError(
      'input.image_format',
      `image must be a JPG or PNG image (it is ${file.type})`,
    )
  if (file.size > IMAGE_RULES.maxBytes) {
    const mb = Math.round((file.size / 1024 / 1024) * 10) / 10
    throw new ApiError('input.image_bytes', `image must be at most 10 MB (it has ${mb} MB)`)
  }
  const bytes = new Uint8Array(await file.arrayBuffer())
  const info = await add({ bytes, source })
  const thumb = await thumbnailOfBlob(file)
  const { ref, width, height, format } = info
  return { ref, width, height, format, bytes: info.bytes, ...(thumb ? { thumb } : {}) }
}

/** The first image file a paste or a drop carries. */
export function imageFileOf(data: DataTransfer | null): File | null {
  if (!data) return null
  for (const file of Array.from(data.files ?? [])) if (file.type.startsWith('image/')) return file
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind === 'file' && item.type.startsWith('image/')) {
      const file = item.getAsFile()
      if (file) return file
    }
  }
  return null
}
