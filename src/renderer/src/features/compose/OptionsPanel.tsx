import { fieldsOf } from '../../../../shared/kling'
import { useT } from '../../i18n'
import { AspectField } from './AspectField'
import { CameraField } from './CameraField'
import { CfgField } from './CfgField'
import { DurationField } from './DurationField'
import type { FieldHelp } from './field-help'
import { FieldError } from './FieldError'
import type { ComposeForm } from './form'
import { durationsOf, refuses, type ModelCaps } from './model-choice'
import { ModeField } from './ModeField'
import { SoundField } from './SoundField'
import type { ComposeKind } from './slots'

// The options of a kind, folded, with what is set named on the fold: only the fields the kind
// has, each able to stay on "server default"; what the chosen model does not take is disabled,
// with the reason beside it.

interface Props {
  kind: ComposeKind
  form: ComposeForm
  update(patch: Partial<ComposeForm>): void
  caps: ModelCaps
  help: FieldHelp
  /** Why camera movement cannot be used now, or null. */
  cameraOff: string | null
}

export function OptionsPanel(props: Props): React.JSX.Element {
  const { kind, form, update, caps, help, cameraOff } = props
  const t = useT()
  const fields = new Set(fieldsOf(kind))
  const model = caps.model?.label ?? form.model
  const sound = caps.caps?.sound
  const summary = [
    fields.has('aspect_ratio') ? form.aspect : '',
    form.duration ? t('compose.seconds', { n: form.duration }) : '',
    form.mode ? t(`create.mode.${form.mode}`) : '',
  ]
    .filter(Boolean)
    .join(' · ')

  return (
    <details className="options">
      <summary>
        {t('compose.options')}
        {summary && <span className="summary-facts"> · {summary}</span>}
      </summary>
      {fields.has('aspect_ratio') && (
        <AspectField value={form.aspect} onChange={(aspect) => update({ aspect })} />
      )}
      <DurationField
        value={form.duration}
        offered={durationsOf(caps)}
        onChange={(duration) => update({ duration })}
        describedBy={help.describedBy('duration')}
      />
      <FieldError help={help} field="duration" />
      <ModeField
        value={form.mode}
        modes={caps.caps?.modes}
        model={model}
        onChange={(mode) => update({ mode })}
      />
      {fields.has('sound') && (
        <SoundField
          value={form.sound}
          off={refuses(caps, 'sound')}
          proOnly={sound?.length === 1 && sound[0] === 'pro'}
          model={model}
          onChange={(s) => update({ sound: s })}
        />
      )}
      {fields.has('cfg_scale') && (
        <CfgField
          use={form.useCfg}
          value={form.cfg}
          off={refuses(caps, 'cfg')}
          model={model}
          onUse={(useCfg) => update({ useCfg })}
          onChange={(cfg) => update({ cfg })}
        />
      )}
      {fields.has('camera_control') && (
        <CameraField form={form} update={update} help={help} off={cameraOff} />
      )}
    </details>
  )
}
