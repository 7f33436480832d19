import { MODES, type Mode } from '../../../../shared/kling'
import { useT } from '../../i18n'
import { Segmented } from './Segmented'

// Standard or Professional (or the server's default); a mode the model is not documented in is
// disabled, with the reason as its tooltip.

interface Props {
  value: Mode | ''
  /** The modes the model takes (undefined: a model the table does not know, so all). */
  modes: readonly Mode[] | undefined
  model: string
  onChange(value: Mode | ''): void
}

export function ModeField({ value, modes, model, onChange }: Props): React.JSX.Element {
  const t = useT()
  return (
    <>
      <Segmented<Mode | ''>
        name="mode"
        legend={t('compose.mode')}
        value={value}
        onChange={onChange}
        describedBy="mode-help"
        options={[
          { value: '', label: t('compose.serverDefault') },
          ...MODES.map((m) => {
            const off = modes !== undefined && !modes.includes(m)
            return {
              value: m,
              label: t(`create.mode.${m}`),
              disabled: off && value !== m,
              title: off ? t('create.modeOff', { model }) : undefined,
            }
          }),
        ]}
      />
      <p id="mode-help" className="help">
        {t('create.modeHelp')}
      </p>
    </>
  )
}
