import { useT } from '../../i18n'
import { Segmented } from './Segmented'

// The duration, as the chosen model offers it: a segmented control for a few choices, a list
// for many (kling-v3: 3 to 15 s). A duration kept from another model stays shown, so its
// warning has something to point at.

interface Props {
  value: string
  offered: readonly string[]
  onChange(value: string): void
  describedBy?: string
}

export function DurationField({ value, offered, onChange, describedBy }: Props) {
  const t = useT()
  const choices = value && !offered.includes(value) ? [...offered, value] : offered
  if (choices.length <= 4)
    return (
      <Segmented
        name="duration"
        legend={t('compose.duration')}
        value={value}
        onChange={onChange}
        describedBy={describedBy}
        options={[
          { value: '', label: t('compose.serverDefault') },
          ...choices.map((d) => ({ value: d, label: t('compose.seconds', { n: d }) })),
        ]}
      />
    )
  return (
    <div className="field">
      <label htmlFor="duration" className="seg-legend">
        {t('compose.duration')}
      </label>
      <select
        id="duration"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
      >
        <option value="">{t('compose.serverDefault')}</option>
        {choices.map((d) => (
          <option key={d} value={d}>
            {t('compose.seconds', { n: d })}
          </option>
        ))}
      </select>
    </div>
  )
}
