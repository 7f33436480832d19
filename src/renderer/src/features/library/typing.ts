// Whether a key press belongs to something else than the view it reached: a field being typed
// in (so `/` or `[` is just a character there), or a dialog opened over this one.

/** A field being typed in: an input, a text area, a select or editable text. */
export function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return (
    !!el &&
    typeof el.tagName === 'string' &&
    (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName.toUpperCase()))
  )
}

/** The key was pressed inside another <dialog> nested in `host` (its keys are its own). */
export function inNestedDialog(target: EventTarget | null, host: Element): boolean {
  const el = target as Element | null
  if (!el || typeof el.closest !== 'function') return false
  const dialog = el.closest('dialog')
  return dialog !== null && dialog !== host
}
