import { useT } from '../../i18n'
import { KeyForm } from './KeyForm'
import { OtherPath } from './OtherPath'
import { useKeySetup } from './use-key-setup'
import './welcome.css'

// First run, with no key: paste a key (saved, then tested with the service before the person
// moves on), or try sandbox mode.

export function WelcomeView(): React.JSX.Element {
  const t = useT()
  const setup = useKeySetup()
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title" tabIndex={-1}>
        {t('welcome.title')}
      </h1>
      <p className="lead">{t('welcome.lead')}</p>
      <div className="welcome-paths">
        <KeyForm setup={setup} />
        <OtherPath setup={setup} />
      </div>
    </section>
  )
}
