import { useT } from '../../i18n'
import { useDraft, type DraftState } from '../../stores/draft'
import { AdvancedPanel } from './AdvancedPanel'
import type { composeState } from './compose-state'
import { FieldError } from './FieldError'
import { ImageSlots } from './ImageSlots'
import { KindTabs } from './KindTabs'
import { localizeFieldError } from './messages'
import { ModelPicker } from './ModelPicker'
import { OptionsPanel } from './OptionsPanel'
import { PresetsPanel } from './PresetsPanel'
import { PromptFields } from './PromptFields'
import type { useSlotInputs } from './use-slot-inputs'

// The scrolling body of the composer, top to bottom: kind, images, prompt, model (with its
// warnings), options, presets and the folded advanced fields.

interface Props {
  draft: DraftState
  state: ReturnType<typeof composeState>
  slots: ReturnType<typeof useSlotInputs>
}

export function ComposeBody({ draft, state: s, slots }: Props): React.JSX.Element {
  const t = useT()
  const { kind, form, images, update } = draft
  return (
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
        onDismiss={slots.dismiss}
      />
      <PromptFields form={form} update={update} help={s.help} required={kind !== 'image2video'} />
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
      <AdvancedPanel form={form} takes={draft.takes} update={update} help={s.help} />
    </div>
  )
}
