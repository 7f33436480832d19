import { useEffect, useMemo, useRef, useState } from 'react'
import {
  ASPECT_RATIOS,
  CAMERA_AXES,
  CAMERA_PRESETS,
  charCount,
  DURATIONS,
  findModel,
  LIMITS,
  MODEL_CATALOGUE,
  MODES,
  capabilityWarnings,
  validateRequest,
  type AspectRatio,
  type CameraAxis,
} from '../../../../shared/kling'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import {
  emptyForm,
  errorsByField,
  fromRequest,
  loadPresets,
  newExternalId,
  presetOptions,
  savePresets,
  toRequest,
  type ComposeForm,
  type Preset,
} from './form'
import { localizeFieldError } from './messages'

function ratioBox(ratio: AspectRatio): { width: number; height: number } {
  const [w, h] = ratio.split(':').map(Number) as [number, number]
  const scale = 28 / Math.max(w, h)
  return { width: Math.round(w * scale), height: Math.round(h * scale) }
}

/** Where each request field is edited, in the order the form shows them. */
const FIELD_INPUTS: Record<string, string> = {
  prompt: 'prompt',
  negative_prompt: 'negative',
  model_name: 'model',
  camera_control: 'amount',
  callback_url: 'callback',
  external_task_id: 'external',
}
const FIELD_ORDER = Object.keys(FIELD_INPUTS)

export function ComposeView(): React.JSX.Element {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const draft = useApp((s) => s.draft)
  const notify = useApp((s) => s.notify)
  // Edit and retry / Edit and generate arrive as a draft: the form starts from it.
  const [form, setForm] = useState<ComposeForm>(() =>
    draft
      ? { ...fromRequest(draft, emptyForm(settings?.defaults)), externalId: newExternalId() }
      : emptyForm(settings?.defaults),
  )
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [presets, setPresets] = useState<Preset[]>(() => loadPresets())
  const [presetName, setPresetName] = useState('')
  const options = useRef<HTMLDetailsElement>(null)
  const mac = useApp((s) => s.info?.platform === 'darwin')
  const byId = useJobs((s) => s.byId)

  useEffect(() => {
    if (draft) useApp.getState().set({ draft: null })
  }, [draft])

  const update = (patch: Partial<ComposeForm>) => setForm((f) => ({ ...f, ...patch }))
  const request = toRequest(form)
  const checked = validateRequest('text2video', request)
  const errors = checked.ok
    ? {}
    : errorsByField(checked.errors.map((e) => ({ ...e, message: localizeFieldError(e, t) })))
  const showErrors = touched || form.prompt !== ''
  const warnings = checked.ok ? capabilityWarnings('text2video', checked.value) : []
  const model = findModel(form.model || undefined)
  const cfgUnsupported = model !== undefined && !model.cfgScale

  const recent = useMemo(() => {
    const seen = new Set<string>()
    return Object.values(byId)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((j) => j.request.prompt ?? '')
      .filter((p) => p !== '' && !seen.has(p) && seen.add(p))
      .slice(0, 6)
  }, [byId])

  const submit = async () => {
    setTouched(true)
    if (!checked.ok) {
      // Take the person to the first problem, even inside the folded options.
      const first = FIELD_ORDER.find((f) => errors[f])
      const input = first ? document.getElementById(FIELD_INPUTS[first]!) : null
      if (input && options.current?.contains(input)) options.current.open = true
      setTimeout(() => input?.focus(), 0)
      return
    }
    if (busy) return
    setBusy(true)
    try {
      await call(api().tasks.create({ request: checked.value }))
      notify({ kind: 'info', text: t('compose.sent') })
      update({ externalId: newExternalId() })
      setTouched(false)
    } catch (error) {
      notify(noticeFrom(error))
    } finally {
      setBusy(false)
    }
  }

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      void submit()
    }
  }

  const fieldError = (field: string) =>
    showErrors && errors[field] ? (
      <p id={`err-${field}`} className="field-error">
        {errors[field]}
      </p>
    ) : null
  const describedBy = (field: string, ...more: string[]) =>
    [showErrors && errors[field] ? `err-${field}` : '', ...more].filter(Boolean).join(' ') ||
    undefined

  const promptCount = charCount(form.prompt)
  const negativeCount = charCount(form.negative)

  return (
    <section className="compose" aria-labelledby="compose-title" onKeyDown={onKeyDown}>
      <h1 id="compose-title" tabIndex={-1}>
        {t('compose.title')}
      </h1>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
        noValidate
      >
        <div className="field">
          <div className="label-row">
            <label htmlFor="prompt">{t('compose.prompt')}</label>
            <span
              id="prompt-count"
              className={promptCount > LIMITS.promptMax ? 'counter over' : 'counter'}
              aria-live="polite"
            >
              {t('compose.count', { n: promptCount, max: LIMITS.promptMax })}
            </span>
          </div>
          <textarea
            id="prompt"
            rows={5}
            value={form.prompt}
            placeholder={t('compose.promptPlaceholder')}
            onChange={(e) => update({ prompt: e.target.value })}
            aria-invalid={showErrors && errors.prompt ? true : undefined}
            aria-describedby={describedBy('prompt', 'prompt-count')}
          />
          {fieldError('prompt')}
        </div>
        <div className="field">
          <div className="label-row">
            <label htmlFor="negative">{t('compose.negative')}</label>
            <span
              id="negative-count"
              className={negativeCount > LIMITS.negativePromptMax ? 'counter over' : 'counter'}
            >
              {t('compose.count', { n: negativeCount, max: LIMITS.negativePromptMax })}
            </span>
          </div>
          <input
            id="negative"
            type="text"
            value={form.negative}
            placeholder={t('compose.negativePlaceholder')}
            onChange={(e) => update({ negative: e.target.value })}
            aria-invalid={showErrors && errors.negative_prompt ? true : undefined}
            aria-describedby={describedBy('negative_prompt', 'negative-count')}
          />
          {fieldError('negative_prompt')}
        </div>

        <details className="options" ref={options}>
          <summary>{t('compose.options')}</summary>
          <fieldset className="field">
            <legend>{t('compose.aspect')}</legend>
            <div className="ratio-row" role="radiogroup" aria-label={t('compose.aspect')}>
              <label className={form.aspect === '' ? 'ratio selected' : 'ratio'}>
                <input
                  type="radio"
                  name="aspect"
                  checked={form.aspect === ''}
                  onChange={() => update({ aspect: '' })}
                />
                <span className="ratio-label">{t('compose.serverDefault')}</span>
              </label>
              {ASPECT_RATIOS.map((r) => (
                <label key={r} className={form.aspect === r ? 'ratio selected' : 'ratio'}>
                  <input
                    type="radio"
                    name="aspect"
                    checked={form.aspect === r}
                    onChange={() => update({ aspect: r })}
                  />
                  <span className="ratio-shape" style={ratioBox(r)} aria-hidden="true" />
                  <span className="ratio-label">{r}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="field-row">
            <fieldset className="field">
              <legend>{t('compose.duration')}</legend>
              <div className="segmented">
                <label>
                  <input
                    type="radio"
                    name="duration"
                    checked={form.duration === ''}
                    onChange={() => update({ duration: '' })}
                  />
                  <span>{t('compose.serverDefault')}</span>
                </label>
                {DURATIONS.map((d) => (
                  <label key={d}>
                    <input
                      type="radio"
                      name="duration"
                      checked={form.duration === d}
                      onChange={() => update({ duration: d })}
                    />
                    <span>{t('compose.seconds', { n: d })}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset className="field">
              <legend>{t('compose.mode')}</legend>
              <div className="stack">
                <label>
                  <input
                    type="radio"
                    name="mode"
                    checked={form.mode === ''}
                    onChange={() => update({ mode: '' })}
                  />{' '}
                  {t('compose.serverDefault')}
                </label>
                {MODES.map((m) => (
                  <label key={m}>
                    <input
                      type="radio"
                      name="mode"
                      checked={form.mode === m}
                      onChange={() => update({ mode: m })}
                    />{' '}
                    {t(m === 'std' ? 'compose.mode.std' : 'compose.mode.pro')}
                  </label>
                ))}
              </div>
            </fieldset>
          </div>
          <div className="field">
            <label htmlFor="model">{t('compose.model')}</label>
            <input
              id="model"
              type="text"
              list="models"
              value={form.model}
              placeholder={t('compose.serverDefault')}
              onChange={(e) => update({ model: e.target.value })}
              aria-describedby={describedBy('model_name', 'model-help')}
              aria-invalid={showErrors && errors.model_name ? true : undefined}
            />
            <datalist id="models">
              {MODEL_CATALOGUE.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.label}
                </option>
              ))}
            </datalist>
            <p id="model-help" className="help">
              {t('compose.modelHelp')}
            </p>
            {fieldError('model_name')}
          </div>
          <div className="field">
            <label className="inline">
              <input
                type="checkbox"
                // Shown off while the model ignores it: nothing is sent, whatever was ticked.
                checked={form.useCfg && !cfgUnsupported}
                disabled={cfgUnsupported}
                onChange={(e) => update({ useCfg: e.target.checked })}
                aria-describedby={cfgUnsupported ? 'cfg-off' : undefined}
              />{' '}
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
                value={form.cfg}
                disabled={!form.useCfg || cfgUnsupported}
                onChange={(e) => update({ cfg: Number(e.target.value) })}
                aria-describedby={cfgUnsupported ? 'cfg-off' : undefined}
              />
              <output htmlFor="cfg">{form.cfg.toFixed(2)}</output>
            </div>
            {cfgUnsupported && (
              <p id="cfg-off" className="help">
                {t('compose.cfgOff', { model: model.name })}
              </p>
            )}
          </div>
          <fieldset className="field">
            <legend>{t('compose.camera')}</legend>
            <div className="stack">
              {(['none', ...CAMERA_PRESETS, 'simple'] as const).map((c) => (
                <label key={c}>
                  <input
                    type="radio"
                    name="camera"
                    checked={form.camera === c}
                    onChange={() => update({ camera: c })}
                  />{' '}
                  {t(`compose.camera.${c}`)}
                </label>
              ))}
            </div>
            {form.camera === 'simple' && (
              <div className="field-row">
                <div className="field">
                  <label htmlFor="axis">{t('compose.axis')}</label>
                  <select
                    id="axis"
                    value={form.axis}
                    onChange={(e) => update({ axis: e.target.value as CameraAxis })}
                  >
                    {CAMERA_AXES.map((a) => (
                      <option key={a} value={a}>
                        {t(`compose.axis.${a}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor="amount">{t('compose.amount')}</label>
                  <div className="slider-row">
                    <input
                      id="amount"
                      type="range"
                      min={-10}
                      max={10}
                      step={1}
                      value={form.amount}
                      onChange={(e) => update({ amount: Number(e.target.value) })}
                      aria-invalid={showErrors && errors.camera_control ? true : undefined}
                      aria-describedby={describedBy('camera_control')}
                    />
                    <output htmlFor="amount">{form.amount}</output>
                  </div>
                </div>
              </div>
            )}
            {fieldError('camera_control')}
          </fieldset>
          <div className="field">
            <label htmlFor="callback">{t('compose.callback')}</label>
            <input
              id="callback"
              type="url"
              value={form.callback}
              onChange={(e) => update({ callback: e.target.value })}
              aria-describedby={describedBy('callback_url', 'callback-help')}
              aria-invalid={showErrors && errors.callback_url ? true : undefined}
            />
            <p id="callback-help" className="help">
              {t('compose.callbackHelp')}
            </p>
            {fieldError('callback_url')}
          </div>
          <div className="field">
            <label htmlFor="external">{t('compose.external')}</label>
            <div className="input-row">
              <input
                id="external"
                type="text"
                className="mono"
                value={form.externalId}
                onChange={(e) => update({ externalId: e.target.value })}
                aria-describedby={describedBy('external_task_id', 'external-help')}
                aria-invalid={showErrors && errors.external_task_id ? true : undefined}
              />
              <button type="button" onClick={() => update({ externalId: newExternalId() })}>
                {t('compose.newId')}
              </button>
            </div>
            <p id="external-help" className="help">
              {t('compose.externalHelp')}
            </p>
            {fieldError('external_task_id')}
          </div>
        </details>

        {warnings.length > 0 && (
          <ul className="warnings" aria-label={t('compose.warning')}>
            {warnings.map((w) => (
              <li key={w.field}>{localizeFieldError(w, t)}</li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button
            type="submit"
            className="primary big"
            disabled={busy}
            aria-keyshortcuts="Control+Enter Meta+Enter"
          >
            {busy ? t('compose.generating') : t('compose.generate')}
          </button>
          <kbd>{mac ? t('compose.shortcutMac') : t('compose.shortcut')}</kbd>
        </div>
      </form>

      <div className="compose-side">
        <section aria-labelledby="presets-title">
          <h2 id="presets-title">{t('compose.presets')}</h2>
          {presets.length === 0 && <p className="help">{t('compose.noPresets')}</p>}
          <ul className="plain">
            {presets.map((p) => (
              <li key={p.name} className="preset">
                <button
                  type="button"
                  onClick={() =>
                    // A preset holds options only: the prompt and callback stay as typed.
                    setForm((f) =>
                      fromRequest(
                        { ...p.options, prompt: f.prompt, callback_url: f.callback || undefined },
                        f,
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
                  onClick={() => {
                    const next = presets.filter((x) => x.name !== p.name)
                    setPresets(next)
                    savePresets(next)
                  }}
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
              value={presetName}
              onChange={(e) => setPresetName(e.target.value)}
            />
            <button
              type="button"
              disabled={presetName.trim() === ''}
              onClick={() => {
                const next = [
                  ...presets.filter((x) => x.name !== presetName.trim()),
                  { name: presetName.trim(), options: presetOptions(form) },
                ]
                setPresets(next)
                savePresets(next)
                setPresetName('')
              }}
            >
              {t('compose.savePreset')}
            </button>
          </div>
        </section>
        {recent.length > 0 && (
          <section aria-labelledby="recent-title">
            <h2 id="recent-title">{t('compose.recent')}</h2>
            <ul className="plain recent">
              {recent.map((p) => (
                <li key={p}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => update({ prompt: p })}
                    title={p}
                  >
                    {p}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </section>
  )
}
