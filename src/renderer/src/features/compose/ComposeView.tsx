import { useEffect, useRef, useState } from 'react'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useDraft } from '../../stores/draft'
import { AdvancedPanel } from './AdvancedPanel'
import { composeState } from './compose-state'
import { FieldError } from './FieldError'
import { GenerateBar } from './GenerateBar'
import { ImageSlots } from './ImageSlots'
import { KindTabs } from './KindTabs'
import { localizeFieldError } from './messages'
import { ModelPicker } from './ModelPicker'
import { OptionsPanel } from './OptionsPanel'
import { PresetsPanel } from './PresetsPanel'
import { PromptFields } from './PromptFields'
import { useGenerate } from './use-generate'
import { usePaste } from './use-paste'
import { useSlotInputs } from './use-slot-inputs'
import './compose.css'

// The composer of the Create workspace: a narrow panel whose body scrolls above a foot that
// stays in view (takes, cost, Generate). The draft lives in the draft store, so it survives
// another view and a restart; what is invalid is said inline and never sent.

export function ComposeView(): React.JSX.Element {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const draft = useDraft()
  const { kind, form, images, takes, update } = draft
  const [touched, setTouched] = useState(false)
  const slots = useSlotInputs()
  const generate = useGenerate()
  const onPaste = usePaste((slot, file, source) => void slots.bring(slot, file, source))
  const formRef = useRef<HTMLFormElement>(null)
  const s = composeState(draft, touched, t)

  useEffect(() => {
    // A draft never started takes Settings' defaults (model included) once they are known.
    if (settings) useDraft.getState().start(settings.defaults)
  }, [settings])

  const submit = () => {
    setTouched(true)
    if (s.checked.ok) return void generate.send(kind, s.checked.value, takes)
    // Take the person to the first problem, even inside a folded section.
    setTimeout(() => {
      const bad = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')
      for (let d = bad?.closest('details'); d; d = d.parentElement?.closest('details'))
        d.open = true
      bad?.focus()
    }, 0)
  }

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
      <div className="composer-head">
        <h1 id="compose-title" tabIndex={-1}>
          {t('compose.title')}
        </h1>
        <button
          type="button"
          className="ghost small"
          title={t('create.newDraftHelp')}
          onClick={() => {
            useDraft.getState().reset(settings?.defaults ?? {})
            setTouched(false)
          }}
        >
          {t('create.newDraft')}
        </button>
      </div>
      <form
        ref={formRef}
        className="composer-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <div className="composer-body">
          <KindTabs kind={kind} onChange={draft.setKind} />
          <ImageSlots
            kind={kind}
            images={images}
            status={slots.status}
            errors={s.slotErrors}
            off={s.slotsOff}
            onFile={(slot, file, source) => void slots.bring(slot, file, source)}
            onRemove={slots.remove}
          />
          <PromptFields
            form={form}
            update={update}
            help={s.help}
            required={kind !== 'image2video'}
          />
          <ModelPicker
            kind={kind}
            value={form.model}
            onChange={(model) => update({ model })}
            describedBy={s.help.describedBy('model_name')}
            invalid={s.help.error('model_name') !== null}
          />
          <FieldError help={s.help} field="model_name" />
          {s.warnings.length > 0 && (
            <ul className="warnings" aria-label={t('compose.warning')}>
              {s.warnings.map((w) => (
                <li key={w.field + (w.rule ?? '')}>{localizeFieldError(w, t)}</li>
              ))}
            </ul>
          )}
          <OptionsPanel
            kind={kind}
            form={form}
            update={update}
            caps={s.caps}
            help={s.help}
            cameraOff={s.cameraOff}
          />
          <PresetsPanel form={form} replace={(next) => useDraft.setState({ form: next })} />
          <AdvancedPanel form={form} update={update} help={s.help} />
        </div>
        <GenerateBar
          takes={takes}
          setTakes={draft.setTakes}
          estimate={s.estimate}
          busy={generate.busy}
        />
      </form>
    </section>
  )
}
