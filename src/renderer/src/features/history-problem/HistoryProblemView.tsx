import { useEffect, useRef, useState } from 'react'
import type { HistoryProblem } from '../../../../shared/contract'
import { api, call } from '../../api'
import { useT, type MessageKey } from '../../i18n'
import './history-problem.css'

// The whole window when the history cannot be opened (main says so in app.info): what happened in
// the person's words, the file and SQLite's own detail, and the ways out this problem allows.
// Start afresh for a damaged file (set aside, never deleted, then a restart on a new history);
// Try again for one another process held or on a full disk; Quit always, and only Quit for a history from a newer
// app, which stays exactly as it is.

const TEXT: Record<HistoryProblem['kind'], { title: MessageKey; body: MessageKey }> = {
  damaged: { title: 'history.damaged.title', body: 'history.damaged.body' },
  locked: { title: 'history.locked.title', body: 'history.locked.body' },
  full: { title: 'history.full.title', body: 'history.full.body' },
  newer: { title: 'history.newer.title', body: 'history.newer.body' },
}

type Stage = { kind: 'idle' } | { kind: 'restarting' } | { kind: 'failed'; message: string }

export function HistoryProblemView({ problem }: { problem: HistoryProblem }): React.JSX.Element {
  const t = useT()
  const [stage, setStage] = useState<Stage>({ kind: 'idle' })
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])

  // On success main restarts the app: this page goes with it.
  const restart = (run: () => Promise<unknown>) => {
    setStage({ kind: 'restarting' })
    run().catch((error: unknown) =>
      setStage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    )
  }
  const busy = stage.kind === 'restarting'
  const text = TEXT[problem.kind]
  return (
    <main className="history-problem" aria-labelledby="history-problem-title">
      <div className="card attention history-problem-card">
        <h1 id="history-problem-title" ref={heading} tabIndex={-1}>
          {t(text.title)}
        </h1>
        <p>{t(text.body)}</p>
        {problem.kind === 'damaged' && <p>{t('history.damaged.afresh')}</p>}
        <p className="mono history-file">{t('history.file', { file: problem.file })}</p>
        {/* SQLite's and main's own words, English: for support, not in the way. */}
        <details className="history-detail">
          <summary>{t('history.technical')}</summary>
          <p className="detail">{t('history.detail', { message: problem.message })}</p>
        </details>
        {stage.kind === 'failed' && (
          <p role="alert" className="history-failed">
            {t('history.failed', { message: stage.message })}
          </p>
        )}
        <div className="button-row">
          {problem.kind === 'damaged' && (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => restart(() => call(api().app.startAfresh({ file: problem.file })))}
            >
              {t('history.startAfresh')}
            </button>
          )}
          {(problem.kind === 'locked' || problem.kind === 'full') && (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => restart(() => call(api().app.restart()))}
            >
              {t('history.tryAgain')}
            </button>
          )}
          {/* Main quits when this window closes. */}
          <button type="button" disabled={busy} onClick={() => window.close()}>
            {t('history.quit')}
          </button>
        </div>
        {busy && <p aria-live="polite">{t('history.restarting')}</p>}
      </div>
    </main>
  )
}
