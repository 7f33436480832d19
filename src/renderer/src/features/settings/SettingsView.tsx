import { useState } from 'react'
import { ASPECT_RATIOS, DURATIONS, MODES } from '../../../../shared/kling'
import { CONCURRENCY_MAX, isAbsoluteFolder, type Settings } from '../../../../shared/settings'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'
import { AddressField } from './AddressField'
import { KeySection } from './KeySection'
import { SandboxField } from './SandboxField'
import { saveSettings } from './save'
import './settings.css'

// Settings: the key, where requests go, the library folder, how the app runs and looks, and the
// options new videos start from. Every change applies at once.

export function SettingsView(): React.JSX.Element {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const key = useApp((s) => s.key)
  const info = useApp((s) => s.info)
  const notify = useApp((s) => s.notify)
  const [library, setLibrary] = useState(settings?.libraryFolder ?? info?.libraryFolder ?? '')

  if (!settings || !key) return <p>{t('common.loading')}</p>
  // Empty means the default folder; anything else must be a whole path.
  const libraryError = library.trim() !== '' && !isAbsoluteFolder(library.trim())

  const save = async (patch: Partial<Settings>) => {
    const saved = await saveSettings(patch, t)
    // The folder in use is main's to say (the default when none is set).
    if (saved && 'libraryFolder' in patch) {
      const now = useApp.getState()
      setLibrary(now.settings?.libraryFolder ?? now.info?.libraryFolder ?? '')
    }
  }
  const chooseFolder = async () => {
    try {
      const picked = await call(api().library.chooseFolder())
      if (picked) await save({ libraryFolder: picked })
    } catch (e) {
      notify(noticeFrom(e))
    }
  }
  const defaults = settings.defaults

  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        {t('settings.title')}
      </h1>

      <KeySection />

      <section className="card form-grid" aria-labelledby="general-title">
        <h2 id="general-title" className="span">
          {t('prefs.general')}
        </h2>
        <AddressField />
        <label htmlFor="library-folder">{t('settings.library')}</label>
        <div className="input-row">
          <input
            id="library-folder"
            type="text"
            value={library}
            onChange={(e) => setLibrary(e.target.value)}
            aria-describedby={libraryError ? 'library-error library-help' : 'library-help'}
            aria-invalid={libraryError ? true : undefined}
          />
          <button
            type="button"
            disabled={libraryError}
            onClick={() => void save({ libraryFolder: library.trim() || null })}
          >
            {t('common.save')}
          </button>
          <button type="button" onClick={() => void chooseFolder()}>
            {t('settings.chooseFolder')}
          </button>
        </div>
        {libraryError && (
          <p id="library-error" className="field-error under-control">
            {t('settings.libraryNotAbsolute', {
              example: info?.platform === 'win32' ? 'D:\\Videos\\Kling' : '/Users/ana/Movies/Kling',
            })}
          </p>
        )}
        <p id="library-help" className="help under-control">
          {t('settings.libraryHint')}
        </p>
        <label htmlFor="concurrency">{t('settings.concurrency')}</label>
        <select
          id="concurrency"
          value={settings.concurrency}
          onChange={(e) => void save({ concurrency: Number(e.target.value) })}
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
          onChange={(e) => void save({ language: e.target.value as Settings['language'] })}
        >
          <option value="system">{t('settings.language.system')}</option>
          <option value="en">English</option>
          <option value="id">Bahasa Indonesia</option>
        </select>
        <label htmlFor="theme">{t('settings.theme')}</label>
        <select
          id="theme"
          value={settings.theme}
          onChange={(e) => void save({ theme: e.target.value as Settings['theme'] })}
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
            onChange={(e) => void save({ notifications: e.target.checked })}
          />{' '}
          {t('settings.notifications')}
        </label>
        <SandboxField />
      </section>

      <section className="card form-grid" aria-labelledby="defaults-title">
        <h2 id="defaults-title" className="span">
          {t('settings.defaults')}
        </h2>
        <label htmlFor="default-aspect">{t('compose.aspect')}</label>
        <select
          id="default-aspect"
          value={defaults.aspect_ratio ?? ''}
          onChange={(e) =>
            void save({
              defaults: { ...defaults, aspect_ratio: (e.target.value || undefined) as never },
            })
          }
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
          onChange={(e) =>
            void save({
              defaults: { ...defaults, duration: (e.target.value || undefined) as never },
            })
          }
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
          onChange={(e) =>
            void save({ defaults: { ...defaults, mode: (e.target.value || undefined) as never } })
          }
        >
          <option value="">{t('compose.serverDefault')}</option>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {t(m === 'std' ? 'compose.mode.std' : 'compose.mode.pro')}
            </option>
          ))}
        </select>
      </section>
      {info && <p className="muted">{t('settings.about', { version: info.version })}</p>}
    </section>
  )
}
