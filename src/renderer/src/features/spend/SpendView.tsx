import { useEffect } from 'react'
import type { SpendSummary } from '../../../../shared/spend'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useSpend } from '../../stores/spend'
import { ErrorLines } from '../../ui/Notice'
import { ModelList } from './ModelList'
import { openCaps } from './navigation'
import { PeriodCards } from './PeriodCards'
import { SpendChart } from './SpendChart'

// Spending: what today, this week and this month have charged against the caps (with what is on
// its way), the last days, weeks or months as bars, and this month by model. Read from the history
// on this computer, so it answers offline. A new history says what will appear here.

/** Nothing charged in any period shown, and nothing on its way. */
export function isEmptySummary(s: SpendSummary): boolean {
  const none = (list: { units: number }[]) => list.every((b) => b.units === 0)
  const idle = (c: SpendSummary['committed']['day']) =>
    c.charged === 0 && c.pending === 0 && c.unknown === 0
  return (
    none(s.days) &&
    none(s.weeks) &&
    none(s.months) &&
    s.byModel.length === 0 &&
    idle(s.committed.day) &&
    idle(s.committed.month)
  )
}

function Failed({ stale }: { stale: boolean }): React.JSX.Element | null {
  const t = useT()
  const error = useSpend((s) => s.error)
  const loading = useSpend((s) => s.loading)
  if (!error) return null
  return (
    <div className="result result-error spend-error" role="alert">
      <p>
        <ErrorLines
          lead={t(stale ? 'spend.staleError' : 'spend.loadError')}
          message={error.text}
          requestId={error.requestId ?? null}
        />
      </p>
      <button type="button" disabled={loading} onClick={() => void useSpend.getState().refresh()}>
        {t('spend.retry')}
      </button>
    </div>
  )
}

export function SpendView(): React.JSX.Element {
  const t = useT()
  const summary = useSpend((s) => s.summary)
  const failed = useSpend((s) => s.error !== null)
  const settingsBudget = useApp((s) => s.settings?.budget)
  const sandbox = useApp((s) => s.info?.sandbox ?? false)
  const budget = settingsBudget ?? summary?.budget

  useEffect(() => {
    // Opening the view asks anew: what was spent elsewhere meanwhile shows at once.
    void useSpend.getState().refresh()
  }, [])

  return (
    <section className="spend" aria-labelledby="spend-title">
      <div className="view-head">
        <h1 id="spend-title" tabIndex={-1}>
          {t('spend.title')}
        </h1>
        <button type="button" onClick={openCaps}>
          {t('spend.changeCaps')}
        </button>
      </div>
      <p className="muted spend-lead">{t('spend.lead')}</p>
      {sandbox && <p className="banner">{t('spend.sandbox')}</p>}
      <Failed stale={summary !== null} />
      {!summary || !budget ? (
        !failed && <p>{t('common.loading')}</p>
      ) : (
        <>
          <PeriodCards summary={summary} budget={budget} />
          {isEmptySummary(summary) ? (
            <div className="card spend-empty">
              <h2>{t('spend.empty.title')}</h2>
              <p>{t('spend.empty.body')}</p>
            </div>
          ) : (
            <>
              <SpendChart summary={summary} budget={budget} />
              <ModelList models={summary.byModel} budget={budget} />
            </>
          )}
        </>
      )}
    </section>
  )
}
