import { LIMITS } from '../../../../shared/kling'
import { useT } from '../../i18n'

// What an extension may say about its seconds: a prompt, a negative prompt and, if set, prompt
// adherence. All optional: left empty, the shot simply goes on.

export interface ExtendValues {
  prompt: string
  negative: string
  useCfg: boolean
  cfg: number
}

export function ExtendFields({
  value,
  onChange,
}: {
  value: ExtendValues
  onChange: (patch: Partial<ExtendValues>) => void
}): React.JSX.Element {
  const t = useT()
  return (
    <>
      <label className="field">
        <span className="label-row">
          {t('extend.prompt')}
          <span className="counter">
            {t('compose.count', { n: value.prompt.length, max: LIMITS.promptMax })}
          </span>
        </span>
        <textarea
          rows={3}
          maxLength={LIMITS.promptMax}
          value={value.prompt}
          placeholder={t('extend.promptPlaceholder')}
          onChange={(e) => onChange({ prompt: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="label-row">
          {t('compose.negative')}
          <span className="counter">
            {t('compose.count', { n: value.negative.length, max: LIMITS.negativePromptMax })}
          </span>
        </span>
        <textarea
          rows={2}
          maxLength={LIMITS.negativePromptMax}
          value={value.negative}
          placeholder={t('compose.negativePlaceholder')}
          onChange={(e) => onChange({ negative: e.target.value })}
        />
      </label>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={value.useCfg}
          onChange={(e) => onChange({ useCfg: e.target.checked })}
        />{' '}
        {t('compose.useCfg')}
      </label>
      {value.useCfg && (
        <label className="field slider-row">
          <span>{t('compose.cfg')}</span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={value.cfg}
            onChange={(e) => onChange({ cfg: Number(e.target.value) })}
          />
          <output>{value.cfg.toFixed(2)}</output>
        </label>
      )}
    </>
  )
}
