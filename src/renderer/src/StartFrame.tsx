import { useT } from './i18n'

// What the window shows before it knows enough to show a view. It may say nothing that could turn
// out wrong: the app's frame and its name (right whether the welcome screen or the Create
// workspace comes next, and the same in every language), the markup index.html paints before
// any script has run.

/**
 * Kept in step with the frame in index.html (and styled by its inline rules until the stylesheet
 * is in), so taking over from it changes nothing on screen.
 */
export function StartFrame(): React.JSX.Element {
  const t = useT()
  return (
    <div className="shell start-frame">
      <div className="rail" aria-hidden="true">
        <div className="brand">
          <span className="logo">K</span>
        </div>
      </div>
      <main className="content">
        <h1>{t('app.title')}</h1>
      </main>
    </div>
  )
}
