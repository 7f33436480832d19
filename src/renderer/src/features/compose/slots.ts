import { IMAGE_LIST, type AnyRequest, type VideoKind } from '../../../../shared/kling'

// The composer's image slots: which kind has which, how the images in them become request
// fields (by name, input:<sha>.png, never inline), and back, for a request loaded to edit.

/** The kinds the composer makes; an extension is made from the player. */
export type ComposeKind = Exclude<VideoKind, 'video-extend'>
export const COMPOSE_KINDS: readonly ComposeKind[] = [
  'text2video',
  'image2video',
  'multi-image2video',
]

export type FrameSlot = 'image' | 'image_tail'
export type ListSlot = `list.${0 | 1 | 2 | 3}`
export type SlotKey = FrameSlot | ListSlot

export const LIST_SLOTS: readonly ListSlot[] = ['list.0', 'list.1', 'list.2', 'list.3']

/** An image in a slot: its name in the library, its facts and a small preview that survives a restart. */
export interface DraftImage {
  ref: string
  width?: number
  height?: number
  bytes?: number
  format?: 'jpeg' | 'png'
  /** A JPEG data URL at most 160 px on its long side; absent for an image loaded by name only. */
  thumb?: string
}

export type DraftImages = Partial<Record<SlotKey, DraftImage>>

export function slotsOf(kind: ComposeKind): readonly SlotKey[] {
  if (kind === 'image2video') return ['image', 'image_tail']
  if (kind === 'multi-image2video') return LIST_SLOTS
  return []
}

/** The request field a slot fills, as validation names it. */
export function fieldOfSlot(slot: SlotKey): string {
  return slot.startsWith('list.') ? `image_list[${slot.slice(5)}].image` : slot
}

/** The slot a validation error is about ("image_list[2].image" is list.2; "image_list" is the list). */
export function slotOfField(field: string): SlotKey | 'list' | null {
  if (field === 'image' || field === 'image_tail') return field
  const item = /^image_list\[(\d)\]/.exec(field)
  if (item) return LIST_SLOTS[Number(item[1])] ?? 'list'
  return field === 'image_list' ? 'list' : null
}

/** The images of a kind as request fields; `tail` false leaves the last frame out. */
export function imageFields(
  kind: ComposeKind,
  images: DraftImages,
  tail = true,
): Partial<AnyRequest> {
  if (kind === 'image2video') {
    const out: Partial<AnyRequest> = {}
    if (images.image) out.image = images.image.ref
    if (tail && images.image_tail) out.image_tail = images.image_tail.ref
    return out
  }
  if (kind === 'multi-image2video') {
    const list = LIST_SLOTS.flatMap((s) => (images[s] ? [{ image: images[s].ref }] : []))
    return list.length > 0 ? { image_list: list } : {}
  }
  return {}
}

/** A loaded request's images, by name only (their previews are not at hand). */
export function imagesFromRequest(kind: VideoKind, request: Partial<AnyRequest>): DraftImages {
  const out: DraftImages = {}
  if (kind === 'image2video') {
    if (typeof request.image === 'string') out.image = { ref: request.image }
    if (typeof request.image_tail === 'string') out.image_tail = { ref: request.image_tail }
  } else if (kind === 'multi-image2video' && Array.isArray(request.image_list)) {
    request.image_list.slice(0, IMAGE_LIST.max).forEach((item, i) => {
      if (typeof item?.image === 'string') out[LIST_SLOTS[i]!] = { ref: item.image }
    })
  }
  return out
}

/** Where a pasted image goes: the slot in focus, else the first empty one, else the first. */
export function pasteTarget(
  kind: ComposeKind,
  images: DraftImages,
  focused: SlotKey | null,
): SlotKey | null {
  const slots = slotsOf(kind)
  if (focused && slots.includes(focused)) return focused
  return slots.find((s) => !images[s]) ?? slots[0] ?? null
}
