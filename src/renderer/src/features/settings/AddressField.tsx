import { useState } from 'react'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import { ErrorLines } from '../../ui/Notice'
import { checkKey, type KeyCheck } from '../welcome/key-check'
import { KeyCheckResult } from './KeyCheckResult'
import { followedAt, sameAddress } from './sent-elsewhere'

// The API address, a row of the settings grid. Saving a new one tests the key there at once (a
// query that creates nothing), so an address that cannot be reached says so, and why, right away.
// Jobs already sent keep their address: how many are still followed at the old one is said under
// the field, and counts down as they finish.

type Outcome =
  | { kind: 'refused'; code: string; message: string; requestId: string | null }
  | { kind: 'checked'; result: KeyCheck; address: string }
  | { kind: 'checking' }

export function AddressField(): React.JSX.Element | null {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const keySet = useApp((s) => s.key?.set ?? false)
  const notify = useApp((s) => s.notify)
  const [address, setAddress] = useState(settings?.baseUrl ?? '')
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  /** The address before the last change saved here (null: none saved yet). */
  const [previous, setPrevious] = useState<string | null>(null)
  const followed = useJobs((s) => (previous ? followedAt(Object.values(s.byId), previous) : 0))
  if (!settings) return null

  const save = async () => {
    setOutcome(null)
    const before = settings.baseUrl
    try {
      const next = await call(api().settings.update({ baseUrl: address.trim() }))
      useApp.getState().set({ settings: next })
      setAddress(next.baseUrl)
      setPrevious(sameAddress(before, next.baseUrl) ? null : before)
      notify({ kind: 'info', text: t('settings.saved') })
      if (!keySet) return
      setOutcome({ kind: 'checking' })
      setOutcome({ kind: 'checked', result: await checkKey(api()), address: next.baseUrl })
    } catch (e) {
      const n = noticeFrom(e)
      // Declined in main's dialog, or not an address: the one in use stays, and so does the field.
      setOutcome({
        kind: 'refused',
        code: n.code ?? 'internal',
        message: n.text,
        requestId: n.requestId ?? null,
      })
    }
  }

  const described = ['address-help', outcome && outcome.kind !== 'checking' ? 'address-result' : '']
    .filter(Boolean)
    .join(' ')
  return (
    <>
      <label htmlFor="base-url">{t('settings.baseUrl')}</label>
      <div className="input-row">
        <input
          id="base-url"
          type="url"
          spellCheck={false}
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          aria-describedby={described}
          aria-invalid={outcome?.kind === 'refused' || undefined}
        />
        <button
          type="button"
          onClick={() => void save()}
          disabled={address.trim() === settings.baseUrl || outcome?.kind === 'checking'}
        >
          {t('common.save')}
        </button>
      </div>
      <p id="address-help" className="help under-control">
        {t('prefs.addressHelp')}
      </p>
      {previous && followed > 0 && (
        <p className="result address-followed under-control" role="status">
          {t(followed === 1 ? 'address.followedOne' : 'address.followed', {
            n: followed,
            address: previous,
          })}
        </p>
      )}
      {outcome?.kind === 'checking' && (
        <p className="help under-control" role="status">
          {t('settings.testing')}
        </p>
      )}
      {outcome?.kind === 'refused' && (
        <p id="address-result" className="result result-error under-control" role="alert">
          <strong className="lead-line">{t('prefs.addressRefused')}</strong>{' '}
          <ErrorLines code={outcome.code} message={outcome.message} requestId={outcome.requestId} />
        </p>
      )}
      {outcome?.kind === 'checked' && (
        <div className="under-control">
          <KeyCheckResult id="address-result" result={outcome.result} address={outcome.address} />
        </div>
      )}
    </>
  )
}
