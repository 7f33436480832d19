import { useState } from 'react'
import { ASPECT_RATIOS, DURATIONS, MODES } from '../../../../shared/kling'
import { CONCURRENCY_MAX, isAbsoluteFolder, type Settings } from '../../../../shared/settings'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'

export function SettingsView(): React.JSX.Element {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const key = useApp((s) => s.key)
  const info = useApp((s) => s.info)
  const notify = useApp((s) => s.notify)
  const [newKey, setNewKey] = useState('')
  const [testing, setTesting] = useState(false)
  const [baseUrl, setBaseUrl] = useState(settings?.baseUrl ?? '')
  const [library, setLibrary] = useState(settings?.libraryFolder ?? info?.libraryFolder ?? '')

  if (!settings || !key) return <p>{t('common.loading')}</p>
  // Empty means the default folder; anything else must be a whole path.
  const libraryError = library.trim() !== '' && !isAbsoluteFolder(library.trim())

  const save = async (patch: Partial<Settings>) => {
    try {
      const next = await call(api().settings.update(patch))
      useApp.getState().set({ settings: next })
      // The folder in use is main's to say (the default when none is set).
      if ('libraryFolder' in patch) {
        const info = await call(api().app.info())
        useApp.getState().set({ info })
        setLibrary(next.libraryFolder ?? info.libraryFolder)
      }
      notify({ kind: 'info', text: t('settings.saved') })
    } catch (e) {
      notify(noticeFrom(e))
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
  const keyAction = async (action: () => Promise<unknown>) => {
    try {
      await action()
      setNewKey('')
      useApp
        .getState()
        .set({ key: await call(api().key.status()), info: await call(api().app.info()) })
    } catch (e) {
      notify(noticeFrom(e))
    }
  }
  const testKey = async () => {
    setTesting(true)
    try {
      const result = await call(api().key.test())
      notify({
        kind: result.valid ? 'info' : 'error',
        text: result.valid ? t('settings.keyWorks') : result.message,
        code: result.valid ? undefined : 'authentication',
        requestId: result.requestId ?? undefined,
      })
    } catch (e) {
      notify(noticeFrom(e))
    } finally {
      setTesting(false)
    }
  }
  const defaults = settings.defaults

  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        {t('settings.title')}
      </h1>

      <section className="card" aria-labelledby="key-title">
        <h2 id="key-title">{t('settings.key')}</h2>
        <p>
          {key.set
            ? key.last4
              ? t('settings.keySet', { last4: key.last4 })
              : t('settings.keySetNoHint')
            : t('settings.keyNone')}{' '}
          {key.set && t(`settings.keyStorage.${key.storage}`)}
        </p>
        {key.warning && <p className="warning">{key.warning}</p>}
        <form
          className="input-row"
          onSubmit={(e) => {
            e.preventDefault()
            void keyAction(() => call(api().key.set({ key: newKey })))
          }}
        >
          <label htmlFor="new-key" className="sr-only">
            {t('settings.newKey')}
          </label>
          <input
            id="new-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={t('settings.newKey')}
            value={newKey}
            onChange={(e) => setNewKey(e.target.value)}
          />
          <button type="submit" className="primary" disabled={newKey.trim().length < 8}>
            {key.set ? t('settings.replaceKey') : t('settings.saveKey')}
          </button>
        </form>
        {key.set && (
          <div className="button-row">
            <button type="button" onClick={() => void testKey()} disabled={testing}>
              {testing ? t('settings.testing') : t('settings.testKey')}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => void keyAction(() => call(api().key.clear()))}
            >
              {t('settings.removeKey')}
            </button>
          </div>
        )}
      </section>

      <section className="card form-grid" aria-label={t('settings.title')}>
        <label htmlFor="base-url">{t('settings.baseUrl')}</label>
        <div className="input-row">
          <input
            id="base-url"
            type="url"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
          />
          <button
            type="button"
            onClick={() => void save({ baseUrl })}
            disabled={baseUrl === settings.baseUrl}
          >
            {t('common.save')}
          </button>
        </div>
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
        <span />
        <label className="inline">
          <input
            type="checkbox"
            checked={settings.sandboxMode}
            onChange={(e) =>
              void save({ sandboxMode: e.target.checked }).then(() =>
                call(api().app.info()).then((i) => useApp.getState().set({ info: i })),
              )
            }
          />{' '}
          {t('settings.sandbox')}
        </label>
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
