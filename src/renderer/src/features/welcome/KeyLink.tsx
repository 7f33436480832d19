import { useT } from '../../i18n'

// Where a person gets a CometAPI key. A link with a target opens through the window's open
// handler in main, which hands https addresses to the system browser and opens nothing in the app.

export const KEY_PAGE = 'https://www.cometapi.com/console/token'

export function KeyLink(): React.JSX.Element {
  const t = useT()
  return (
    <a className="external" href={KEY_PAGE} target="_blank" rel="noreferrer">
      {t('onboard.getKey')}
      <span aria-hidden="true"> ↗</span>
      <span className="sr-only"> {t('onboard.opensBrowser')}</span>
    </a>
  )
}
