import { useState } from 'react'
import { ApiError } from '../../api'
import { useT } from '../../i18n'
import { useDraft } from '../../stores/draft'
import { bringImage, type AddInput } from './image-input'
import type { SlotStatus } from './ImageSlots'
import { imageErrorText } from './messages'
import type { SlotKey } from './slots'

// Images on their way into slots: each slot says "checking" while main reads it, then shows the
// image, or main's refusal in the person's language (with the request id when there is one).

export function useSlotInputs(add?: AddInput) {
  const t = useT()
  const [status, setStatus] = useState<Partial<Record<SlotKey, SlotStatus>>>({})
  const mark = (slot: SlotKey, s: SlotStatus) => setStatus((all) => ({ ...all, [slot]: s }))

  const bring = async (slot: SlotKey, file: Blob, source: 'file' | 'paste') => {
    mark(slot, { busy: true })
    try {
      const image = await bringImage(file, source, add)
      useDraft.getState().setImage(slot, image)
      mark(slot, {})
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'input.input_unreadable'
      const message = error instanceof Error ? error.message : String(error)
      let text = imageErrorText(t, code, message)
      if (error instanceof ApiError && error.requestId)
        text += ` (${t('error.requestId', { id: error.requestId })})`
      mark(slot, { error: text })
    }
  }

  const remove = (slot: SlotKey) => {
    useDraft.getState().setImage(slot, null)
    mark(slot, {})
  }

  return { status, bring, remove }
}
