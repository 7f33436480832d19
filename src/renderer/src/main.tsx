// Every view's styles in the one stylesheet, in the order the cascade was written for (views
// first, the window's own rules last). First, so nothing the shell imports comes before them.
import './features/compose/slots.css'
import './features/compose/compose.css'
import './features/compare/compare.css'
import './features/feed/feed.css'
import './features/library/library.css'
import './features/create/create.css'
import './features/history-problem/history-problem.css'
import './features/library/rescan-report.css'
import './features/settings/settings.css'
import './features/welcome/welcome.css'
import './ui/error-boundary.css'
import './styles.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { boot } from './boot'
import { rememberLook } from './remember-look'
import { useApp } from './stores/app'

// The shell's entry (start.ts brings it): the first calls to main go out at once. What index.html
// painted (the start frame, or the picture of the Create view: shared/first-look.ts) stays until
// main has answered them; the first render then replaces it with the live view in one step, with
// no empty frame between. Should those calls fail, the shell renders anyway: its start frame then
// replaces the picture, which must not stay up looking usable.

const started = boot()
rememberLook()
let shown = false
const show = () => {
  if (shown) return
  shown = true
  stop()
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}
const stop = useApp.subscribe((s) => s.ready && show())
started.catch(show)
