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

// The shell's entry (start.ts brings it): the first calls to main go out at once, and the shell
// takes over from the frame index.html painted.

void boot()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
