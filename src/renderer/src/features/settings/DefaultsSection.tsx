import { ASPECT_RATIOS, DURATIONS, MODES } from '../../../../shared/kling'
import type { Settings } from '../../../../shared/settings'
import { useT } from '../../i18n'
import { saveSettings } from './save'

// The Defaults card of Settings: the aspect ratio, duration and mode new videos start from, each
// either one of the service's values or the service's own default.

export function DefaultsSection({ settings }: { settings: Settings }): React.JSX.Element {
  const t = useT()
  const defaults = settings.defaults
  const save = (patch: Partial<Settings['defaults']>) =>
    void saveSettings({ defaults: { ...defaults, ...patch } }, t)
  return (
    <section className="card form-grid" aria-labelledby="defaults-title">
      <h2 id="defaults-title" className="span">
        {t('settings.defaults')}
      </h2>
      <label htmlFor="default-aspect">{t('compose.aspect')}</label>
      <select
        id="default-aspect"
        value={defaults.aspect_ratio ?? ''}
        onChange={(e) => save({ aspect_ratio: (e.target.value || undefined) as never })}
      >
        <option value="">{t('compose.serverDefault')}</option>
        {ASPECT_RATIOS.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <label htmlFor="default-duration">{t('compose.duration')}</label>
      <select
        id="default-duration"
        value={defaults.duration ?? ''}
        onChange={(e) => save({ duration: (e.target.value || undefined) as never })}
      >
        <option value="">{t('compose.serverDefault')}</option>
        {DURATIONS.map((d) => (
          <option key={d} value={d}>
            {t('compose.seconds', { n: d })}
          </option>
        ))}
      </select>
      <label htmlFor="default-mode">{t('compose.mode')}</label>
      <select
        id="default-mode"
        value={defaults.mode ?? ''}
        onChange={(e) => save({ mode: (e.target.value || undefined) as never })}
      >
        <option value="">{t('compose.serverDefault')}</option>
        {MODES.map((m) => (
          <option key={m} value={m}>
            {t(m === 'std' ? 'compose.mode.std' : 'compose.mode.pro')}
          </option>
        ))}
      </select>
    </section>
  )
}
