import type { Sound } from '../../../../shared/kling'
import { useT } from '../../i18n'
import { Segmented } from './Segmented'

// Sound on or off, for the models that make it: disabled, with the reason, on one that does not;
// a note where the model makes it in Professional mode only.

interface Props {
  value: Sound | ''
  /** The model is documented to make no sound: nothing is sent. */
  off: boolean
  proOnly: boolean
  model: string
  onChange(value: Sound | ''): void
}

export function SoundField({ value, off, proOnly, model, onChange }: Props): React.JSX.Element {
  const t = useT()
  const note = off
    ? t('create.soundOff', { model })
    : proOnly
      ? t('create.proOnly', { model })
      : null
  return (
    <>
      <Segmented<Sound | ''>
        name="sound"
        legend={t('create.sound')}
        value={off ? '' : value}
        onChange={onChange}
        describedBy={note ? 'sound-note' : undefined}
        options={[
          { value: '', label: t('compose.serverDefault') },
          { value: 'on', label: t('create.sound.on'), disabled: off },
          { value: 'off', label: t('create.sound.off'), disabled: off },
        ]}
      />
      {note && (
        <p id="sound-note" className="help">
          {note}
        </p>
      )}
    </>
  )
}
