import { useT } from '../../i18n'

// Prompt adherence (cfg_scale): a tick to set it and a slider from 0 to 1. Shown off, with the
// reason, while the model is documented to ignore it; then nothing is sent, whatever was ticked.

interface Props {
  use: boolean
  value: number
  off: boolean
  model: string
  onUse(use: boolean): void
  onChange(value: number): void
}

export function CfgField({ use, value, off, model, onUse, onChange }: Props): React.JSX.Element {
  const t = useT()
  return (
    <div className="field">
      <label className="inline">
        <input
          type="checkbox"
          checked={use && !off}
          disabled={off}
          onChange={(e) => onUse(e.target.checked)}
          aria-describedby={off ? 'cfg-off' : undefined}
        />
        {t('compose.useCfg')}
      </label>
      <label htmlFor="cfg" className="sr-only">
        {t('compose.cfg')}
      </label>
      <div className="slider-row">
        <input
          id="cfg"
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={value}
          disabled={!use || off}
          onChange={(e) => onChange(Number(e.target.value))}
          aria-describedby={off ? 'cfg-off' : undefined}
        />
        <output htmlFor="cfg">{value.toFixed(2)}</output>
      </div>
      {off && (
        <p id="cfg-off" className="help">
          {t('compose.cfgOff', { model })}
        </p>
      )}
    </div>
  )
}
