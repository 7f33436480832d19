import { useState } from 'react'
import { api, call } from '../../api'
import type { KeyStatus } from '../../../../shared/contract'
import { useT, type Translate } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'
import { checkKey, type KeyCheck } from '../welcome/key-check'
import { KeyLink } from '../welcome/KeyLink'
import { KeyCheckResult } from './KeyCheckResult'

// The key in Settings: whether one is set (its last four characters at most), where it is kept,
// set, replace, remove and test it; the test's outcome stays beside the button, with its request id.

/** Main's warning about where the key is kept, in the person's language where it is a known one. */
function storageWarning(t: Translate, key: KeyStatus): string {
  if (key.storage === 'memory') return t('prefs.warnMemory')
  if (key.storage === 'safe-storage')
    return t(key.warning?.includes('basic_text') ? 'prefs.warnBasicText' : 'prefs.warnSafeStorage')
  return key.warning ?? ''
}

export function KeySection(): React.JSX.Element | null {
  const t = useT()
  const key = useApp((s) => s.key)
  const baseUrl = useApp((s) => s.settings?.baseUrl ?? '')
  const notify = useApp((s) => s.notify)
  const [newKey, setNewKey] = useState('')
  const [test, setTest] = useState<KeyCheck | 'testing' | null>(null)
  if (!key) return null

  const keyAction = async (action: () => Promise<unknown>) => {
    try {
      await action()
      setNewKey('')
      setTest(null)
      useApp
        .getState()
        .set({ key: await call(api().key.status()), info: await call(api().app.info()) })
    } catch (e) {
      notify(noticeFrom(e))
    }
  }
  const runTest = async () => {
    setTest('testing')
    setTest(await checkKey(api()))
  }

  return (
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
      {key.warning && <p className="warning">{storageWarning(t, key)}</p>}
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
      <div className="button-row">
        {key.set && (
          <>
            <button
              type="button"
              onClick={() => void runTest()}
              disabled={test === 'testing'}
              aria-describedby={test && test !== 'testing' ? 'key-test-result' : undefined}
            >
              {test === 'testing' ? t('settings.testing') : t('settings.testKey')}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => void keyAction(() => call(api().key.clear()))}
            >
              {t('settings.removeKey')}
            </button>
          </>
        )}
        <KeyLink />
      </div>
      {test && test !== 'testing' && (
        <KeyCheckResult id="key-test-result" result={test} address={baseUrl} />
      )}
    </section>
  )
}
