import { useEffect, useState } from 'react'
import { useT } from './i18n'

// What the window shows before it knows enough to show a view, and while a view's code is still
// on its way. Neither may say anything that could turn out wrong: the start frame is the app's
// frame and its name (right whether the welcome screen or the Create workspace comes next, and
// the same in every language), the markup index.html paints before any script has run; a view
// on its way is blank space in the view's place, with a quiet word only if it takes a while.

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

/** How long a view may take to arrive before the area says it is loading. */
const QUIET_MS = 300

export function ViewPending(): React.JSX.Element {
  const t = useT()
  const [slow, setSlow] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), QUIET_MS)
    return () => clearTimeout(timer)
  }, [])
  return (
    <div className="view-pending">{slow && <p className="muted">{t('common.loading')}</p>}</div>
  )
}
