import { useState } from 'react'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'

const DISMISSED = 'kling.welcome.done'

/** First run, with no key: paste a key, or try sandbox mode. */
export function useWelcome(): { show: boolean; dismiss: () => void } {
  const key = useApp((s) => s.key)
  const settings = useApp((s) => s.settings)
  const [done, setDone] = useState(() => localStorage.getItem(DISMISSED) === '1')
  const show = !done && !!key && !key.set && !settings?.sandboxMode
  return {
    show,
    dismiss: () => {
      localStorage.setItem(DISMISSED, '1')
      setDone(true)
    },
  }
}

export function WelcomeView({ onDone }: { onDone: () => void }): React.JSX.Element {
  const t = useT()
  const [key, setKey] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const go = useApp((s) => s.go)
  const notify = useApp((s) => s.notify)

  const saveKey = async (event: React.FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const status = await call(api().key.set({ key }))
      useApp.getState().set({ key: status })
      onDone()
      go('compose')
    } catch (e) {
      const notice = noticeFrom(e)
      setError(notice.text)
      notify(notice)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title" tabIndex={-1}>
        {t('welcome.title')}
      </h1>
      <p className="lead">{t('welcome.lead')}</p>
      <div className="welcome-paths">
        <form className="card" onSubmit={saveKey}>
          <h2>{t('welcome.keyTitle')}</h2>
          <p>{t('welcome.keyHelp')}</p>
          <label htmlFor="welcome-key">{t('welcome.keyLabel')}</label>
          <input
            id="welcome-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'welcome-key-error' : undefined}
          />
          {error && (
            <p id="welcome-key-error" className="field-error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy || key.trim().length < 8}>
            {t('welcome.saveKey')}
          </button>
        </form>
        <div className="card">
          <h2>{t('welcome.sandboxTitle')}</h2>
          <p>{t('welcome.sandboxHelp')}</p>
          <button
            type="button"
            className="primary"
            onClick={() => {
              onDone()
              go('compose')
            }}
          >
            {t('welcome.trySandbox')}
          </button>
        </div>
      </div>
    </section>
  )
}
