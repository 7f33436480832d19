import { useEffect, useRef, useState } from 'react'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'
import { ErrorLines } from '../../ui/Notice'
import { useFirstRun } from './first-run'
import { checkKey } from './key-check'
import { KeyLink } from './KeyLink'
import './welcome.css'

// First run, with no key: paste a key (saved, then tested with the service before the person
// moves on), or try sandbox mode.

type Stage =
  | { kind: 'idle' }
  | { kind: 'checking' }
  /** The service refused the key: it was forgotten, and another is needed. */
  | { kind: 'refused'; message: string; requestId: string | null }
  /** Nobody could tell: the key is kept, and the person may go on. */
  | { kind: 'unchecked'; code: string; message: string; requestId: string | null }
  /** Saving it failed before any test (a malformed key, a keychain that refused). */
  | { kind: 'failed'; code: string; message: string; requestId: string | null }

export function WelcomeView(): React.JSX.Element {
  const t = useT()
  const [key, setKey] = useState('')
  const [stage, setStage] = useState<Stage>({ kind: 'idle' })
  const go = useApp((s) => s.go)
  const notify = useApp((s) => s.notify)
  const { hold, finish } = useFirstRun()
  const field = useRef<HTMLInputElement>(null)
  const onward = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    // Where the person acts next: the field for another key, or the way on.
    if (stage.kind === 'refused' || stage.kind === 'failed') field.current?.focus()
    if (stage.kind === 'unchecked') onward.current?.focus()
  }, [stage])

  const enter = () => {
    finish()
    go('compose')
  }

  const test = async () => {
    setStage({ kind: 'checking' })
    const result = await checkKey(api())
    if (result.kind === 'works') {
      enter()
      notify({ kind: 'info', text: t('onboard.works') })
    } else if (result.kind === 'refused') {
      // A key the service refused is no key: forget it, so the app stays as it was.
      await call(api().key.clear())
        .then((status) => useApp.getState().set({ key: status }))
        .catch(() => {})
      setStage(result)
    } else {
      setStage(result)
    }
  }

  const save = async (event: React.FormEvent) => {
    event.preventDefault()
    // Main counts the key as set at once; the screen stays until the test has spoken.
    hold(true)
    setStage({ kind: 'checking' })
    try {
      const status = await call(api().key.set({ key }))
      useApp.getState().set({ key: status })
    } catch (e) {
      const n = noticeFrom(e)
      setStage({
        kind: 'failed',
        code: n.code ?? 'internal',
        message: n.text,
        requestId: n.requestId ?? null,
      })
      return
    }
    // The page holds the key no longer than it takes to hand it over.
    setKey('')
    await test()
  }

  const checking = stage.kind === 'checking'
  const problem = stage.kind === 'refused' || stage.kind === 'failed'

  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title" tabIndex={-1}>
        {t('welcome.title')}
      </h1>
      <p className="lead">{t('welcome.lead')}</p>
      <div className="welcome-paths">
        <form className="card" onSubmit={save} aria-busy={checking || undefined}>
          <h2>{t('welcome.keyTitle')}</h2>
          <p>{t('welcome.keyHelp')}</p>
          <p>
            <KeyLink />
          </p>
          <label htmlFor="welcome-key">{t('welcome.keyLabel')}</label>
          <input
            ref={field}
            id="welcome-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            disabled={checking}
            aria-invalid={problem || undefined}
            aria-describedby={problem ? 'welcome-key-error welcome-key-help' : 'welcome-key-help'}
          />
          <p id="welcome-key-help" className="help">
            {t('onboard.keyNeverShown')}
          </p>
          {problem && (
            <p id="welcome-key-error" className="field-error" role="alert">
              <ErrorLines
                code={stage.kind === 'failed' ? stage.code : undefined}
                lead={stage.kind === 'refused' ? t('onboard.refused') : undefined}
                message={stage.message}
                requestId={stage.requestId}
              />
            </p>
          )}
          {checking && (
            <p className="muted" role="status">
              {t('onboard.checking')}
            </p>
          )}
          <button type="submit" className="primary" disabled={checking || key.trim().length < 8}>
            {t('welcome.saveKey')}
          </button>
        </form>
        {stage.kind === 'unchecked' ? (
          <div className="card attention" role="alert" aria-labelledby="welcome-unchecked">
            <h2 id="welcome-unchecked">{t('onboard.uncheckedTitle')}</h2>
            <p>
              <ErrorLines code={stage.code} message={stage.message} requestId={stage.requestId} />
            </p>
            <p>{t('onboard.unchecked')}</p>
            <div className="button-row">
              <button ref={onward} type="button" className="primary" onClick={enter}>
                {t('onboard.continue')}
              </button>
              <button type="button" onClick={() => void test()}>
                {t('onboard.retry')}
              </button>
            </div>
          </div>
        ) : (
          <div className="card">
            <h2>{t('welcome.sandboxTitle')}</h2>
            <p>{t('welcome.sandboxHelp')}</p>
            <button type="button" className="primary" disabled={checking} onClick={enter}>
              {t('welcome.trySandbox')}
            </button>
          </div>
        )}
      </div>
    </section>
  )
}
