import { useT } from '../../i18n'
import { ErrorLines } from '../../ui/Notice'
import { KeyLink } from './KeyLink'
import type { KeySetup } from './use-key-setup'

// The welcome screen's first path: paste a key, saved and then tested; what went wrong stays under
// the field, with its request id.

export function KeyForm({ setup }: { setup: KeySetup }): React.JSX.Element {
  const t = useT()
  const { key, setKey, stage, save, field } = setup
  const checking = stage.kind === 'checking'
  const problem = stage.kind === 'refused' || stage.kind === 'failed'

  return (
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
  )
}
