import { ASPECT_RATIOS, type AspectRatio } from '../../../../shared/kling'
import { useT } from '../../i18n'

// The aspect ratio as shapes, server default first: a grid of four columns that fits the panel.

function ratioBox(ratio: AspectRatio): { width: number; height: number } {
  const [w, h] = ratio.split(':').map(Number) as [number, number]
  const scale = 20 / Math.max(w, h)
  return { width: Math.round(w * scale), height: Math.round(h * scale) }
}

interface Props {
  value: AspectRatio | ''
  onChange(value: AspectRatio | ''): void
}

export function AspectField({ value, onChange }: Props): React.JSX.Element {
  const t = useT()
  return (
    <fieldset className="seg-field">
      <legend className="seg-legend">{t('compose.aspect')}</legend>
      <div className="ratios" role="radiogroup" aria-label={t('compose.aspect')}>
        {(['', ...ASPECT_RATIOS] as const).map((r) => (
          <label key={r || 'default'} className={value === r ? 'ratio on' : 'ratio'}>
            <input type="radio" name="aspect" checked={value === r} onChange={() => onChange(r)} />
            {r && <span className="ratio-shape" style={ratioBox(r)} aria-hidden="true" />}
            <span className="ratio-label">{r || t('compose.serverDefault')}</span>
          </label>
        ))}
      </div>
    </fieldset>
  )
}
