import { useEffect, type RefObject } from 'react'
import { create } from 'zustand'

// The window's modal dialogs (the player, Compare, Extend, the over-budget question), opened one
// way, and known in the order they opened. A modal dialog makes everything outside it inert and
// dims it: a notice raised while one is open (Copied, a failed export) would sit under its
// backdrop, unreadable and out of reach of the pointer, the keyboard and screen readers. The
// notice bar goes inside the topmost one instead (Notice.tsx).

interface Modals {
  /** Open modal dialogs, the topmost last. */
  open: HTMLDialogElement[]
}

export const useModals = create<Modals>(() => ({ open: [] }))

const without = (d: HTMLDialogElement) =>
  useModals.setState((s) => ({ open: s.open.filter((o) => o !== d) }))

/** The dialog a notice belongs in now: the topmost modal one, or none. */
export const useTopModal = (): HTMLDialogElement | null => useModals((s) => s.open.at(-1) ?? null)

/** The dialogs this hook opened as modals (a closed one leaves on its close event). */
const opened = new WeakSet<HTMLDialogElement>()

/**
 * Opens the dialog as a modal once it is in the document, and keeps it in `useModals` until it
 * closes or leaves. A browser without showModal (a test's DOM) leaves it as rendered, not modal.
 */
export function useModal(dialog: RefObject<HTMLDialogElement | null>): void {
  useEffect(() => {
    const d = dialog.current
    if (!d) return
    if (!d.open) {
      if (typeof d.showModal !== 'function') return
      d.showModal()
      opened.add(d)
      // Already open: an effect run again (StrictMode, a hot reload) registers it again, if modal.
    } else if (!opened.has(d)) return
    useModals.setState((s) => ({ open: [...s.open.filter((o) => o !== d), d] }))
    const closed = () => {
      opened.delete(d)
      without(d)
    }
    d.addEventListener('close', closed)
    return () => {
      d.removeEventListener('close', closed)
      without(d)
    }
  }, [dialog])
}
