import { useEffect, useRef, useState } from 'react'
import { ApiError } from '../../api'
import { useT, type Translate } from '../../i18n'
import { useDraft } from '../../stores/draft'
import { bringImage, type AddInput } from './image-input'
import type { SlotStatus } from './ImageSlots'
import { imageErrorText } from './messages'
import { slotsOf, type ComposeKind, type SlotKey } from './slots'

// Images on their way into slots: each slot says "checking" while main reads it, then shows the
// image, or main's refusal in the person's language (with the request id when there is one).
// A check lands only if its slot is as it was when it started: not given another image since,
// not emptied, and the draft not switched to another kind or replaced (the draft's epoch).

type Statuses = Partial<Record<SlotKey, SlotStatus>>

/** Why Generate waits: an image still being checked, or one main refused that is still said. */
export type SlotBlock = 'checking' | 'refused'

export function blockOf(kind: ComposeKind, status: Statuses): SlotBlock | null {
  const of = slotsOf(kind).map((slot) => status[slot] ?? {})
  if (of.some((s) => s.busy)) return 'checking'
  return of.some((s) => s.error) ? 'refused' : null
}

/** Main's refusal of an image (or the window's own), with the request id when there is one. */
function refusalText(t: Translate, error: unknown): string {
  const code = error instanceof ApiError ? error.code : 'input.input_unreadable'
  const message = error instanceof Error ? error.message : String(error)
  const text = imageErrorText(t, code, message)
  return error instanceof ApiError && error.requestId
    ? `${text} (${t('error.requestId', { id: error.requestId })})`
    : text
}

export function useSlotInputs(add?: AddInput) {
  const t = useT()
  const [status, setStatus] = useState<Statuses>({})
  // The same, readable at once: a Ctrl+Enter in the frame of a drop sees the check started.
  const now = useRef<Statuses>({})
  // One count per slot, moved on by every bring and remove: only the newest check may land.
  const counts = useRef<Partial<Record<SlotKey, number>>>({})

  const mark = (slot: SlotKey, s: SlotStatus) => {
    now.current = { ...now.current, [slot]: s }
    setStatus(now.current)
  }
  const next = (slot: SlotKey) => (counts.current[slot] = (counts.current[slot] ?? 0) + 1)

  // Another kind or another draft: what was being checked or refused is no longer on screen.
  useEffect(
    () =>
      useDraft.subscribe((state, before) => {
        if (state.epoch === before.epoch) return
        now.current = {}
        setStatus({})
      }),
    [],
  )

  const bring = async (slot: SlotKey, file: Blob, source: 'file' | 'paste') => {
    const count = next(slot)
    const { epoch, images } = useDraft.getState()
    const held = images[slot]
    const current = () => {
      const d = useDraft.getState()
      return counts.current[slot] === count && d.epoch === epoch && d.images[slot] === held
    }
    mark(slot, { busy: true })
    try {
      const image = await bringImage(file, source, add)
      if (current()) useDraft.getState().setImage(slot, image)
    } catch (error) {
      if (current()) return mark(slot, { error: refusalText(t, error) })
    }
    // Landed or not, the slot no longer waits on this check (unless a newer one took over).
    if (counts.current[slot] === count && now.current[slot]?.busy) mark(slot, {})
  }

  const remove = (slot: SlotKey) => {
    next(slot)
    useDraft.getState().setImage(slot, null)
    mark(slot, {})
  }

  /** Goes on without the refused image: the slot keeps what it holds (the earlier image, or none). */
  const dismiss = (slot: SlotKey) => {
    next(slot)
    mark(slot, {})
  }

  /** Why Generate must wait for the images of this kind, read now (not from the last render). */
  const blockedNow = (kind: ComposeKind) => blockOf(kind, now.current)

  return { status, bring, remove, dismiss, blockedNow }
}
