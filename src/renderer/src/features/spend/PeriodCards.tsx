import type { Budget } from '../../../../shared/settings'
import type { SpendSummary } from '../../../../shared/spend'
import { useLanguage, useT, type MessageKey } from '../../i18n'
import { moneyText, unitsText } from './money'

// Today, this week and this month side by side: units charged (and their money), what is on its
// way, and for a period with a cap how much of it is used, with what is charged and what is on
// its way told apart on the bar. The bar only draws what the sentence under it says.

interface Period {
  id: 'day' | 'week' | 'month'
  title: MessageKey
  charged: number
  /** Estimated units on their way (null: the summary does not say for this period). */
  pending: number | null
  unknown: number
  cap: number | null
  noCap: MessageKey
}

const round = (n: number): number => Math.round(n * 100) / 100

function periodsOf(summary: SpendSummary, budget: Budget): Period[] {
  const { day, month } = summary.committed
  return [
    {
      id: 'day',
      title: 'spend.today',
      ...day,
      cap: budget.dailyUnits,
      noCap: 'spend.noCap.daily',
    },
    {
      id: 'week',
      title: 'spend.thisWeek',
      charged: summary.weeks.at(-1)?.units ?? 0,
      pending: null,
      unknown: 0,
      cap: null,
      noCap: 'spend.noCap.week',
    },
    {
      id: 'month',
      title: 'spend.thisMonth',
      ...month,
      cap: budget.monthlyUnits,
      noCap: 'spend.noCap.monthly',
    },
  ]
}

function CapUse({ p, budget }: { p: Period; budget: Budget }): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const cap = p.cap!
  const used = round(p.charged + (p.pending ?? 0))
  const over = used > cap
  const share = (n: number) => `${Math.min(100, (n / cap) * 100)}%`
  const u = (n: number) => unitsText(t, n, language)
  const capMoney = moneyText(cap, budget, language)
  return (
    <>
      <div className={over ? 'cap-bar over' : 'cap-bar'} aria-hidden="true">
        <span className="cap-charged" style={{ width: share(p.charged) }} />
        <span className="cap-pending" style={{ width: share(Math.max(0, used - p.charged)) }} />
      </div>
      <p className={over ? 'cap-text over' : 'cap-text'}>
        {t('spend.capUse', { used: u(used), cap: capMoney ? `${u(cap)} (${capMoney})` : u(cap) })}
        {' · '}
        {over
          ? t('spend.capOver', { units: u(round(used - cap)) })
          : t('spend.capLeft', { units: u(round(cap - used)) })}
      </p>
    </>
  )
}

function PeriodCard({ p, budget }: { p: Period; budget: Budget }): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const money = moneyText(p.charged, budget, language)
  return (
    <section className="card spend-period" aria-labelledby={`spend-${p.id}-title`}>
      <h2 id={`spend-${p.id}-title`}>{t(p.title)}</h2>
      <p className="spend-figure">
        <span className="spend-big">{unitsText(t, p.charged, language)}</span>{' '}
        <span className="muted">{t('spend.chargedWord')}</span>
      </p>
      {money && <p className="spend-money">{money}</p>}
      {p.pending !== null && p.pending > 0 && (
        <p className="spend-pending">
          {t('spend.onTheirWay', { units: unitsText(t, p.pending, language) })}
        </p>
      )}
      {p.unknown > 0 && (
        <p className="spend-pending">{t('spend.onTheirWayUnknown', { n: p.unknown })}</p>
      )}
      {p.cap !== null ? <CapUse p={p} budget={budget} /> : <p className="muted">{t(p.noCap)}</p>}
    </section>
  )
}

export function PeriodCards({
  summary,
  budget,
}: {
  summary: SpendSummary
  budget: Budget
}): React.JSX.Element {
  return (
    <div className="spend-periods">
      {periodsOf(summary, budget).map((p) => (
        <PeriodCard key={p.id} p={p} budget={budget} />
      ))}
    </div>
  )
}
