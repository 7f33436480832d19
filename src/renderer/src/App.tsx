import { useEffect, useRef } from 'react'
import { CreateView } from './features/create/CreateView'
import { LibraryView } from './features/library/LibraryView'
import { QueueView } from './features/queue/QueueView'
import { SettingsView } from './features/settings/SettingsView'
import { WelcomeView, useWelcome } from './features/welcome/WelcomeView'
import { useT, type MessageKey } from './i18n'
import { useApp, type View } from './stores/app'
import { useJobs } from './stores/jobs'
import { NoticeBar } from './ui/Notice'

const VIEWS: { id: View; label: MessageKey }[] = [
  { id: 'compose', label: 'nav.compose' },
  { id: 'queue', label: 'nav.queue' },
  { id: 'library', label: 'nav.library' },
  { id: 'settings', label: 'nav.settings' },
]

export function App(): React.JSX.Element {
  const t = useT()
  const ready = useApp((s) => s.ready)
  const view = useApp((s) => s.view)
  const go = useApp((s) => s.go)
  const info = useApp((s) => s.info)
  const welcome = useWelcome()
  const liveCount = useJobs(
    (s) =>
      Object.values(s.byId).filter((j) =>
        ['queued', 'creating', 'submitted', 'processing', 'downloading'].includes(j.state),
      ).length,
  )
  const main = useRef<HTMLElement>(null)

  useEffect(() => {
    // Moving to another section puts the keyboard at its heading.
    main.current?.querySelector<HTMLElement>('h1')?.focus()
  }, [view, welcome.show])

  if (!ready) return <p className="loading">{t('common.loading')}</p>

  return (
    <div className="shell">
      <nav className="rail" aria-label={t('nav.label')}>
        <div className="brand" aria-hidden="true">
          <span className="logo">K</span>
        </div>
        <ul>
          {VIEWS.map((v) => (
            <li key={v.id}>
              <button
                type="button"
                className={view === v.id ? 'nav-item active' : 'nav-item'}
                aria-current={view === v.id ? 'page' : undefined}
                onClick={() => go(v.id)}
              >
                {t(v.label)}
                {v.id === 'queue' && liveCount > 0 && <span className="count">{liveCount}</span>}
              </button>
            </li>
          ))}
        </ul>
        {info?.sandbox && <span className="badge sandbox">{t('sandbox.badge')}</span>}
      </nav>
      <main ref={main} className="content">
        {info?.sandbox && !welcome.show && (
          <p className="banner">
            {t(info.sandboxReason === 'no_key' ? 'sandbox.noKey' : 'sandbox.chosen')}
          </p>
        )}
        {welcome.show ? (
          <WelcomeView onDone={welcome.dismiss} />
        ) : view === 'compose' ? (
          <CreateView />
        ) : view === 'queue' ? (
          <QueueView />
        ) : view === 'library' ? (
          <LibraryView />
        ) : (
          <SettingsView />
        )}
      </main>
      <NoticeBar />
    </div>
  )
}
