import { useT } from '../../i18n'
import { ErrorLines } from '../../ui/Notice'
import type { KeySetup } from './use-key-setup'

// The welcome screen's second card: sandbox mode as the other way in; or, once a key was saved
// but nobody could tell whether it works, why not and the choice to go on anyway or test again.

export function OtherPath({ setup }: { setup: KeySetup }): React.JSX.Element {
  const t = useT()
  const { stage, enter, test, onward } = setup
  if (stage.kind === 'unchecked')
    return (
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
    )
  return (
    <div className="card">
      <h2>{t('welcome.sandboxTitle')}</h2>
      <p>{t('welcome.sandboxHelp')}</p>
      <button
        type="button"
        className="primary"
        disabled={stage.kind === 'checking'}
        onClick={enter}
      >
        {t('welcome.trySandbox')}
      </button>
    </div>
  )
}
