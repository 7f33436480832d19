import { useEffect, useRef } from 'react'
import { api, call } from './api'
import { CreateView } from './features/create/CreateView'
import { HistoryProblemView } from './features/history-problem/HistoryProblemView'
import { LibraryView } from './features/library/LibraryView'
import { QueueView } from './features/queue/QueueView'
import { SettingsView } from './features/settings/SettingsView'
import { SPEND_VIEW } from './features/spend/navigation'
import { OverBudgetDialog } from './features/spend/OverBudgetDialog'
import { SpendView } from './features/spend/SpendView'
import { useWelcome } from './features/welcome/first-run'
import { WelcomeView } from './features/welcome/WelcomeView'
import { useT, type MessageKey } from './i18n'
import { StartFrame } from './StartFrame'
import { useApp, type View } from './stores/app'
import { useJobs } from './stores/jobs'
import { watchSpend } from './stores/spend'
import { ErrorBoundary } from './ui/ErrorBoundary'
import { NoticeBar } from './ui/Notice'

// The shell: the sections rail, the one main area, the notice bar, and the one over-budget
// question any paid action may ask. Until main has said enough to choose the first view, the
// start frame index.html painted stands in (StartFrame.tsx). While the welcome screen is up, the rail offers nothing that would lead past it.
// What was spent is kept current from the start (stores/spend.ts).

const VIEWS: { id: View; label: MessageKey }[] = [
  { id: 'compose', label: 'nav.compose' },
  { id: 'queue', label: 'nav.queue' },
  { id: 'library', label: 'nav.library' },
  { id: SPEND_VIEW, label: 'nav.spend' },
  { id: 'settings', label: 'nav.settings' },
]

/** Views that fill the main area's height and scroll inside themselves (columns, grids). */
const FULL_HEIGHT: ReadonlySet<View> = new Set<View>(['compose', 'library'])

const LIVE = ['queued', 'creating', 'submitted', 'processing', 'downloading']

function Rail({ locked }: { locked: boolean }): React.JSX.Element {
  const t = useT()
  const view = useApp((s) => s.view)
  const go = useApp((s) => s.go)
  const info = useApp((s) => s.info)
  const liveCount = useJobs(
    (s) => Object.values(s.byId).filter((j) => LIVE.includes(j.state)).length,
  )
  return (
    <nav className="rail" aria-label={t('nav.label')}>
      <div className="brand" aria-hidden="true">
        <span className="logo">K</span>
      </div>
      {locked && (
        <p className="rail-note" id="rail-locked">
          <strong>{t('onboard.setup')}</strong> {t('onboard.navLocked')}
        </p>
      )}
      <ul>
        {VIEWS.map((v) => {
          const current = !locked && view === v.id
          return (
            <li key={v.id}>
              <button
                type="button"
                className={current ? 'nav-item active' : 'nav-item'}
                aria-current={current ? 'page' : undefined}
                disabled={locked}
                aria-describedby={locked ? 'rail-locked' : undefined}
                onClick={() => go(v.id)}
              >
                {t(v.label)}
                {v.id === 'queue' && liveCount > 0 && <span className="count">{liveCount}</span>}
              </button>
            </li>
          )
        })}
      </ul>
      {/* During first run nothing runs yet: sandbox is what the person picks, not a state. */}
      {!locked && info?.sandbox && <span className="badge sandbox">{t('sandbox.badge')}</span>}
    </nav>
  )
}

function CurrentView({ welcome, view }: { welcome: boolean; view: View }): React.JSX.Element {
  if (welcome) return <WelcomeView />
  if (view === 'compose') return <CreateView />
  if (view === 'queue') return <QueueView />
  if (view === 'library') return <LibraryView />
  if (view === SPEND_VIEW) return <SpendView />
  return <SettingsView />
}

export function App(): React.JSX.Element {
  const t = useT()
  const ready = useApp((s) => s.ready)
  const view = useApp((s) => s.view)
  const info = useApp((s) => s.info)
  const sandboxChosen = useApp((s) => s.settings?.sandboxMode)
  const welcome = useWelcome()
  const main = useRef<HTMLElement>(null)

  useEffect(() => {
    // Moving to another section puts the keyboard at its heading.
    main.current?.querySelector<HTMLElement>('h1')?.focus()
  }, [ready, view, welcome.show])

  // A history main could not open: nothing runs, the window shows only that (and the way out).
  const problem = info?.historyProblem

  // The summary the spend view and the caps check read: fetched now, refreshed as jobs change.
  useEffect(() => (ready && !problem ? watchSpend() : undefined), [ready, problem])

  useEffect(() => {
    // Whether sandbox mode is on is main's to say: ask again whenever the choice changes.
    if (!ready || sandboxChosen === undefined) return
    void call(api().app.info())
      .then((next) => useApp.getState().set({ info: next }))
      .catch(() => {})
  }, [ready, sandboxChosen])

  if (!ready) return <StartFrame />
  if (problem) return <HistoryProblemView problem={problem} />

  const fill = !welcome.show && FULL_HEIGHT.has(view)
  const viewName = t(
    welcome.show ? 'onboard.setup' : (VIEWS.find((v) => v.id === view)?.label ?? 'nav.settings'),
  )
  return (
    <div className="shell">
      <Rail locked={welcome.show} />
      <main ref={main} className={fill ? 'content content-fill' : 'content'}>
        {info?.sandbox && !welcome.show && (
          <p className="banner">
            {t(info.sandboxReason === 'no_key' ? 'sandbox.noKey' : 'sandbox.chosen')}
          </p>
        )}
        {/* One boundary per view: a view that throws is replaced by a panel, the rest runs on. */}
        <ErrorBoundary key={welcome.show ? 'welcome' : view} name={viewName}>
          <CurrentView welcome={welcome.show} view={view} />
        </ErrorBoundary>
      </main>
      <NoticeBar />
      <OverBudgetDialog />
    </div>
  )
}
