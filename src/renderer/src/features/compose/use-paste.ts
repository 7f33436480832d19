import { useDraft } from '../../stores/draft'
import { imageFileOf } from './image-input'
import { pasteTarget, type SlotKey } from './slots'

// Ctrl/Cmd+V anywhere in the composer: a pasted picture goes to the slot in focus, else the first
// empty one (a text-to-video draft becomes image-to-video for it). Text pasted into a text box
// stays text, even when the clipboard holds a picture too.

export function usePaste(bring: (slot: SlotKey, file: Blob, source: 'paste') => void) {
  return (event: React.ClipboardEvent) => {
    const file = imageFileOf(event.clipboardData)
    if (!file) return
    const target = event.target as HTMLElement
    if (target.matches('textarea, input') && event.clipboardData.getData('text/plain') !== '')
      return
    event.preventDefault()
    const draft = useDraft.getState()
    const kind = draft.kind === 'text2video' ? 'image2video' : draft.kind
    if (kind !== draft.kind) draft.setKind(kind)
    const focused = target.closest<HTMLElement>('[data-slot]')?.dataset.slot as SlotKey | undefined
    const slot = pasteTarget(kind, draft.images, focused ?? null)
    if (slot) bring(slot, file, 'paste')
  }
}
