import { KEY_PAGE } from '../../../../shared/external-links'
import { useT } from '../../i18n'

// Where a person gets a CometAPI key. A link with a target opens through the window's open
// handler in main, which hands the app's own external pages (shared/external-links.ts) to the
// system browser and opens nothing in the app.

export { KEY_PAGE }

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
