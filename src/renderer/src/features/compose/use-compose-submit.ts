import { useState, type RefObject } from 'react'
import { useT } from '../../i18n'
import { useDraft } from '../../stores/draft'
import { composeState } from './compose-state'
import { useGenerate } from './use-generate'
import type { useSlotInputs } from './use-slot-inputs'

// What Generate (the button or Ctrl+Enter) does: nothing while an image is still being checked or
// was refused (the foot says why); else the draft as it is now against the shared rules, sent if
// it passes (asking first when it would pass a spending cap), or the person taken to the first
// problem. A Generate that went out starts the next one untouched: its problems are said once the
// person tries again.

/** Opens the folded sections around the first invalid control and puts the focus there. */
function showFirstProblem(form: HTMLFormElement | null): void {
  // After the render that marks the problems.
  setTimeout(() => {
    const bad = form?.querySelector<HTMLElement>('[aria-invalid="true"]')
    for (let d = bad?.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true
    bad?.focus()
  }, 0)
}

export function useComposeSubmit(
  formRef: RefObject<HTMLFormElement | null>,
  slots: Pick<ReturnType<typeof useSlotInputs>, 'blockedNow'>,
) {
  const t = useT()
  const [touched, setTouched] = useState(false)
  const generate = useGenerate()

  const submit = () => {
    setTouched(true)
    // Read now, not from the last render: a drop and Ctrl+Enter can come in one frame.
    const draft = useDraft.getState()
    if (slots.blockedNow(draft.kind)) return
    const { checked, estimate } = composeState(draft, true, t)
    if (!checked.ok) return showFirstProblem(formRef.current)
    void generate.send(draft.kind, checked.value, draft.takes, estimate.units).then((sent) => {
      if (sent) setTouched(false)
    })
  }

  return { touched, setTouched, submit, busy: generate.busy }
}
