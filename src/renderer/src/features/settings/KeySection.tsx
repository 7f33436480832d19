import { useState } from 'react'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'
import { checkKey, type KeyCheck } from '../welcome/key-check'
import { KeyLink } from '../welcome/KeyLink'
import { KeyCheckResult } from './KeyCheckResult'
import { KeySummary } from './KeySummary'
import { NewKeyForm } from './NewKeyForm'

// The key in Settings: whether one is set (its last four characters at most), where it is kept,
// set, replace, remove and test it; the test's outcome stays beside the button, with its request id.

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
      <KeySummary keyStatus={key} />
      <NewKeyForm
        value={newKey}
        onChange={setNewKey}
        onSave={() => void keyAction(() => call(api().key.set({ key: newKey })))}
        replacing={key.set}
      />
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
