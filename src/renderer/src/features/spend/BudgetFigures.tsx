import type { Budget } from '../../../../shared/settings'
import type { Committed } from '../../../../shared/spend'
import type { MessageKey, Translate } from '../../i18n'
import type { BudgetAsk } from './gate'
import { moneyText, unitsText } from './money'

// The figures behind an over-budget question, as a list of label and value: the cap, what the
// period has charged and has on its way, what this action adds, and where that would leave the
// period. Units always; money beside them when a price per unit is set.

type Period = 'day' | 'month'

const CAP: Record<Period, MessageKey> = { day: 'spend.cap.daily', month: 'spend.cap.monthly' }
const CHARGED: Record<Period, MessageKey> = {
  day: 'spend.charged.day',
  month: 'spend.charged.month',
}
const AFTER: Record<Period, MessageKey> = {
  day: 'spend.ask.after.day',
  month: 'spend.ask.after.month',
}
const ADDS: Record<BudgetAsk['action'], MessageKey> = {
  generate: 'spend.ask.adds.generate',
  extend: 'spend.ask.adds.extend',
  rerun: 'spend.ask.adds.rerun',
}

const round = (n: number): number => Math.round(n * 100) / 100

interface Props {
  ask: BudgetAsk
  budget: Budget | undefined
  committed: { day: Committed; month: Committed } | null
  t: Translate
  language: string
}

/** The periods the question is about: the cap refused, or every cap set. */
function periodsOf(ask: BudgetAsk, budget: Budget | undefined): Period[] {
  if (ask.verdict?.reason === 'daily') return ['day']
  if (ask.verdict?.reason === 'monthly') return ['month']
  return (['day', 'month'] as const).filter(
    (p) => (p === 'day' ? budget?.dailyUnits : budget?.monthlyUnits) != null,
  )
}

export function BudgetFigures({ ask, budget, committed, t, language }: Props): React.JSX.Element {
  const units = (n: number) => {
    const money = moneyText(n, budget, language)
    return money ? `${unitsText(t, n, language)} · ${money}` : unitsText(t, n, language)
  }
  const periods = periodsOf(ask, budget)
  const rows: [label: string, value: string, tone?: 'over'][] = []
  for (const p of periods) {
    const cap = (p === 'day' ? budget?.dailyUnits : budget?.monthlyUnits) ?? ask.verdict?.cap
    if (cap != null) rows.push([t(CAP[p]), units(cap)])
    const c = committed?.[p]
    if (c) {
      rows.push([t(CHARGED[p]), units(c.charged)])
      // On their way: said when there is any, with those whose cost is unknown.
      const unknown = c.unknown > 0 ? ` (${t('spend.pendingUnknown', { n: c.unknown })})` : ''
      if (c.pending > 0 || c.unknown > 0)
        rows.push([t('spend.pending'), units(c.pending) + unknown])
    }
  }
  rows.push([
    t(ADDS[ask.action]),
    ask.adding === null ? t('spend.unknownCost') : `≈ ${units(ask.adding)}`,
  ])
  const only = periods.length === 1 ? periods[0]! : null
  const cap = only && ((only === 'day' ? budget?.dailyUnits : budget?.monthlyUnits) ?? null)
  const used =
    ask.verdict && ask.verdict.reason !== 'unknown'
      ? ask.verdict.committed
      : only && committed
        ? round(committed[only].charged + committed[only].pending)
        : null
  if (only && cap != null && used !== null && ask.adding !== null) {
    const total = round(used + ask.adding)
    rows.push([t(AFTER[only]), units(total)])
    if (total > cap) rows.push([t('spend.ask.overBy'), units(round(total - cap)), 'over'])
  }
  return (
    <dl className="budget-figures">
      {rows.map(([label, value, tone]) => (
        <div key={label} className={tone ? `budget-figure ${tone}` : 'budget-figure'}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}
