import { useState } from 'react'
import { DEFAULT_MODEL, findModel, modelsFor } from '../../../../shared/kling'
import { useT } from '../../i18n'
import { useDraft } from '../../stores/draft'
import { modelFacts } from './model-facts'
import { recommendedModel, SERVER_DEFAULT_LABEL } from './model-choice'
import type { ComposeKind } from './slots'

// The model: the named versions documented for this kind, each with what it takes, "server
// default" (the model the service uses then, said by name), or a name typed by hand.

const OTHER = '__other__'

interface Props {
  kind: ComposeKind
  value: string
  onChange(model: string): void
  describedBy?: string
  invalid?: boolean
}

export function ModelPicker({ kind, value, onChange, describedBy, invalid }: Props) {
  const t = useT()
  const listed = modelsFor(kind)
  const known = findModel(value.trim() || undefined)
  // "Another name" stays chosen while typing, even once the name typed is one the table knows.
  const [other, setOther] = useState(false)
  const typing = other || (value.trim() !== '' && !known)
  const unlisted = known && value !== '' && !listed.includes(known) ? known : null
  const recommended = recommendedModel(kind)
  const shown = known ?? (value.trim() === '' ? findModel(DEFAULT_MODEL) : undefined)
  const facts = typing && !known ? t('create.facts.unknown') : shown && modelFacts(shown, kind, t)
  const selected = typing ? OTHER : value
  // Said once the kind changed under a model that does not make it, until a model is picked.
  const displaced = useDraft((s) => s.displaced)
  const labelOf = (name: string) => findModel(name)?.label ?? name

  return (
    <div className="field model-field">
      <label htmlFor="model">{t('compose.model')}</label>
      <select
        id="model"
        value={selected}
        aria-describedby={['model-facts', describedBy].filter(Boolean).join(' ')}
        aria-invalid={invalid || undefined}
        onChange={(e) => {
          const next = e.target.value
          setOther(next === OTHER)
          if (next !== OTHER) onChange(next)
        }}
      >
        {listed.map((m) => (
          <option key={m.name} value={m.name}>
            {m.label}
            {m.name === recommended ? ` (${t('create.model.recommended')})` : ''} —{' '}
            {modelFacts(m, kind, t)}
          </option>
        ))}
        {unlisted && (
          <option value={unlisted.name}>
            {t('create.model.unlisted', { model: unlisted.label })}
          </option>
        )}
        <option value="">{t('create.model.serverDefault', { model: SERVER_DEFAULT_LABEL })}</option>
        <option value={OTHER}>{t('create.model.other')}</option>
      </select>
      {typing && (
        <>
          <label htmlFor="model-custom" className="sr-only">
            {t('create.model.name')}
          </label>
          <input
            id="model-custom"
            type="text"
            className="mono"
            value={value}
            placeholder={t('create.model.name')}
            spellCheck={false}
            onChange={(e) => onChange(e.target.value)}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
          />
        </>
      )}
      <p id="model-facts" className="help">
        {facts}
      </p>
      {displaced && (
        <p className="help" role="status">
          {t('create.model.switched', {
            from: labelOf(displaced.from),
            to: labelOf(displaced.to),
          })}
        </p>
      )}
    </div>
  )
}
