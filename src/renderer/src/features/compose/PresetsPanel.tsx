import { useState } from 'react'
import { useT } from '../../i18n'
import {
  fromRequest,
  loadPresets,
  presetOptions,
  savePresets,
  type ComposeForm,
  type Preset,
} from './form'

// Named presets of options, folded: applying one keeps the prompt and the callback as typed.

interface Props {
  form: ComposeForm
  replace(form: ComposeForm): void
}

export function PresetsPanel({ form, replace }: Props): React.JSX.Element {
  const t = useT()
  const [presets, setPresets] = useState<Preset[]>(() => loadPresets())
  const [name, setName] = useState('')
  const keep = (next: Preset[]) => {
    setPresets(next)
    savePresets(next)
  }

  return (
    <details className="options presets">
      <summary>
        {t('compose.presets')}
        {presets.length > 0 && <span className="summary-facts"> · {presets.length}</span>}
      </summary>
      {presets.length === 0 && <p className="help">{t('compose.noPresets')}</p>}
      <ul className="plain">
        {presets.map((p) => (
          <li key={p.name} className="preset">
            <button
              type="button"
              className="preset-apply"
              title={p.name}
              onClick={() =>
                replace(
                  fromRequest(
                    { ...p.options, prompt: form.prompt, callback_url: form.callback || undefined },
                    form,
                  ),
                )
              }
              aria-label={`${t('compose.applyPreset')}: ${p.name}`}
            >
              {p.name}
            </button>
            <button
              type="button"
              className="ghost"
              aria-label={t('compose.deletePreset', { name: p.name })}
              onClick={() => keep(presets.filter((x) => x.name !== p.name))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="input-row">
        <label htmlFor="preset-name" className="sr-only">
          {t('compose.presetName')}
        </label>
        <input
          id="preset-name"
          type="text"
          placeholder={t('compose.presetName')}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button
          type="button"
          disabled={name.trim() === ''}
          onClick={() => {
            keep([
              ...presets.filter((x) => x.name !== name.trim()),
              { name: name.trim(), options: presetOptions(form) },
            ])
            setName('')
          }}
        >
          {t('compose.savePreset')}
        </button>
      </div>
    </details>
  )
}
