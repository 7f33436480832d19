import { CONCURRENCY_MAX, type Settings } from '../../../../shared/settings'
import { useT } from '../../i18n'
import { AddressField } from './AddressField'
import { LibraryFolderField } from './LibraryFolderField'
import { SandboxField } from './SandboxField'
import { saveSettings } from './save'

// The General card of Settings: where requests go, the library folder, how many videos are made
// at once, language, theme, notifications and sandbox mode. Every change applies at once.

export function GeneralSection({ settings }: { settings: Settings }): React.JSX.Element {
  const t = useT()
  const save = (patch: Partial<Settings>) => void saveSettings(patch, t)
  return (
    <section className="card form-grid" aria-labelledby="general-title">
      <h2 id="general-title" className="span">
        {t('prefs.general')}
      </h2>
      <AddressField />
      <LibraryFolderField />
      <label htmlFor="concurrency">{t('settings.concurrency')}</label>
      <select
        id="concurrency"
        value={settings.concurrency}
        onChange={(e) => save({ concurrency: Number(e.target.value) })}
      >
        {Array.from({ length: CONCURRENCY_MAX }, (_, i) => i + 1).map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <label htmlFor="language">{t('settings.language')}</label>
      <select
        id="language"
        value={settings.language}
        onChange={(e) => save({ language: e.target.value as Settings['language'] })}
      >
        <option value="system">{t('settings.language.system')}</option>
        <option value="en">English</option>
        <option value="id">Bahasa Indonesia</option>
      </select>
      <label htmlFor="theme">{t('settings.theme')}</label>
      <select
        id="theme"
        value={settings.theme}
        onChange={(e) => save({ theme: e.target.value as Settings['theme'] })}
      >
        <option value="system">{t('settings.theme.system')}</option>
        <option value="light">{t('settings.theme.light')}</option>
        <option value="dark">{t('settings.theme.dark')}</option>
      </select>
      <span />
      <label className="inline">
        <input
          type="checkbox"
          checked={settings.notifications}
          onChange={(e) => save({ notifications: e.target.checked })}
        />{' '}
        {t('settings.notifications')}
      </label>
      <SandboxField />
    </section>
  )
}
