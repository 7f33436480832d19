import { useEffect, useRef } from 'react'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useDraft } from '../../stores/draft'
import { ComposeBody } from './ComposeBody'
import { ComposeHead } from './ComposeHead'
import { composeState } from './compose-state'
import { GenerateBar } from './GenerateBar'
import { useComposeSubmit } from './use-compose-submit'
import { usePaste } from './use-paste'
import { blockOf, useSlotInputs } from './use-slot-inputs'
import './compose.css'

// The composer of the Create workspace: a narrow panel whose body scrolls above a foot that
// stays in view (takes, cost, Generate). The draft lives in the draft store, so it survives
// another view and a restart; what is invalid is said inline and never sent, and nothing is
// sent while an image is still being checked or was refused.

export function ComposeView(): React.JSX.Element {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const draft = useDraft()
  const slots = useSlotInputs()
  const formRef = useRef<HTMLFormElement>(null)
  const { touched, setTouched, submit, busy } = useComposeSubmit(formRef, slots)
  const onPaste = usePaste((slot, file, source) => void slots.bring(slot, file, source))
  const s = composeState(draft, touched, t)

  useEffect(() => {
    // A draft never started takes Settings' defaults (model included) once they are known.
    if (settings) useDraft.getState().start(settings.defaults)
  }, [settings])

  return (
    <section
      className="composer"
      aria-labelledby="compose-title"
      onPaste={onPaste}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault()
          submit()
        }
      }}
    >
      <ComposeHead
        onNewDraft={() => {
          useDraft.getState().reset(settings?.defaults ?? {})
          setTouched(false)
        }}
      />
      <form
        ref={formRef}
        className="composer-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <ComposeBody draft={draft} state={s} slots={slots} />
        <GenerateBar
          takes={draft.takes}
          setTakes={draft.setTakes}
          estimate={s.estimate}
          busy={busy}
          blocked={blockOf(draft.kind, slots.status)}
        />
      </form>
    </section>
  )
}
