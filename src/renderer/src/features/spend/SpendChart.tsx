import { useState } from 'react'
import type { Budget } from '../../../../shared/settings'
import type { SpendBucket, SpendPeriod, SpendSummary } from '../../../../shared/spend'
import { useLanguage, useT, type MessageKey } from '../../i18n'
import { Segmented } from '../compose/Segmented'
import { longLabel, shortLabel } from './dates'
import { formatUnits, moneyText, unitsText } from './money'

// Units charged over time as bars (plain SVG): the last 30 days, 12 weeks or 12 months, the
// current one marked, and the cap of that period as a line where one is set. The picture is
// described in a sentence for screen readers, and every figure is in a table under it.

const PERIODS: { value: SpendPeriod; label: MessageKey; caption: MessageKey }[] = [
  { value: 'day', label: 'spend.chart.days', caption: 'spend.chart.caption.day' },
  { value: 'week', label: 'spend.chart.weeks', caption: 'spend.chart.caption.week' },
  { value: 'month', label: 'spend.chart.months', caption: 'spend.chart.caption.month' },
]
/** Every how many bars the axis names one (counted back from the current one). */
const LABEL_EVERY: Record<SpendPeriod, number> = { day: 7, week: 2, month: 1 }
const BAR = 10
const HEIGHT = 100

const STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]

/** A round top for the scale, a little above `value` (so a cap never sits on the frame). */
export function niceCeiling(value: number): number {
  const room = value * 1.1
  if (room <= 1) return 1
  const power = 10 ** Math.floor(Math.log10(room))
  for (const step of STEPS) if (Math.round(step * power * 100) / 100 >= room) return step * power
  return 10 * power
}

const round = (n: number): number => Math.round(n * 100) / 100

function bucketsOf(summary: SpendSummary, period: SpendPeriod): SpendBucket[] {
  return period === 'day' ? summary.days : period === 'week' ? summary.weeks : summary.months
}

function Bars(props: {
  buckets: SpendBucket[]
  top: number
  cap: number | null
  period: SpendPeriod
  describedBy: string
}): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const { buckets, top, cap, period } = props
  const y = (units: number) => HEIGHT - (units / top) * HEIGHT
  return (
    <svg
      className="chart-svg"
      role="img"
      aria-labelledby={props.describedBy}
      viewBox={`0 0 ${buckets.length * BAR} ${HEIGHT}`}
      preserveAspectRatio="none"
    >
      {[0, 0.5, 1].map((f) => (
        <line
          key={f}
          className="chart-grid"
          x1={0}
          x2={buckets.length * BAR}
          y1={HEIGHT * f}
          y2={HEIGHT * f}
          vectorEffect="non-scaling-stroke"
        />
      ))}
      {buckets.map((b, i) => {
        // A charge too small to see at this scale still shows as a sliver.
        const height = b.units > 0 ? Math.max(1.5, (b.units / top) * HEIGHT) : 0
        return (
          <rect
            key={b.start}
            className={i === buckets.length - 1 ? 'chart-bar current' : 'chart-bar'}
            x={i * BAR + 1.5}
            width={BAR - 3}
            y={HEIGHT - height}
            height={height}
          >
            <title>{`${longLabel(b.start, period, language)}: ${unitsText(t, b.units, language)}`}</title>
          </rect>
        )
      })}
      {cap !== null && cap <= top && (
        <line
          className="chart-cap"
          x1={0}
          x2={buckets.length * BAR}
          y1={y(cap)}
          y2={y(cap)}
          vectorEffect="non-scaling-stroke"
        />
      )}
    </svg>
  )
}

function FiguresTable(props: {
  buckets: SpendBucket[]
  period: SpendPeriod
  budget: Budget
}): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const priced = props.budget.pricePerUnit !== null
  return (
    <details className="chart-figures">
      <summary>{t('spend.chart.figures')}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">{t(`spend.chart.col.${props.period}`)}</th>
            <th scope="col">{t('spend.chart.col.units')}</th>
            {priced && <th scope="col">{t('spend.chart.col.money')}</th>}
            <th scope="col">{t('spend.chart.col.videos')}</th>
          </tr>
        </thead>
        <tbody>
          {[...props.buckets].reverse().map((b) => (
            <tr key={b.start}>
              <th scope="row">{longLabel(b.start, props.period, language)}</th>
              <td>{formatUnits(b.units, language)}</td>
              {priced && <td>{moneyText(b.units, props.budget, language)}</td>}
              <td>{b.tasks}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  )
}

export function SpendChart({
  summary,
  budget,
}: {
  summary: SpendSummary
  budget: Budget
}): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const [period, setPeriod] = useState<SpendPeriod>('day')
  const buckets = bucketsOf(summary, period)
  const cap = period === 'day' ? budget.dailyUnits : period === 'month' ? budget.monthlyUnits : null
  const top = niceCeiling(Math.max(0, ...buckets.map((b) => b.units), cap ?? 0))
  const total = round(buckets.reduce((sum, b) => sum + b.units, 0))
  const every = LABEL_EVERY[period]
  const caption = PERIODS.find((p) => p.value === period)!.caption
  return (
    <section className="card spend-chart" aria-labelledby="spend-chart-title">
      <div className="spend-card-head">
        <h2 id="spend-chart-title">{t('spend.chart.title')}</h2>
        <Segmented<SpendPeriod>
          name="spend-period"
          legend={t('spend.chart.show')}
          hideLegend
          value={period}
          onChange={setPeriod}
          options={PERIODS.map((p) => ({ value: p.value, label: t(p.label) }))}
        />
      </div>
      <p id="spend-chart-desc" className="muted">
        {t(caption, { n: buckets.length, total: unitsText(t, total, language) })}
        {cap !== null && ` ${t('spend.chart.capLine', { cap: unitsText(t, cap, language) })}`}
      </p>
      <div className="chart">
        <div className="chart-y" aria-hidden="true">
          <span>{formatUnits(top, language)}</span>
          <span>{formatUnits(top / 2, language)}</span>
          <span>0</span>
        </div>
        <div className="chart-plot">
          <Bars
            buckets={buckets}
            top={top}
            cap={cap}
            period={period}
            describedBy="spend-chart-desc"
          />
          {cap !== null && cap <= top && (
            <span
              className="chart-cap-label"
              aria-hidden="true"
              style={{ bottom: `${(cap / top) * 100}%` }}
            >
              {`${t(period === 'day' ? 'spend.cap.daily' : 'spend.cap.monthly')} ${formatUnits(cap, language)}`}
            </span>
          )}
        </div>
        <div
          className="chart-x"
          aria-hidden="true"
          style={{ gridTemplateColumns: `repeat(${buckets.length}, minmax(0, 1fr))` }}
        >
          {buckets.map((b, i) => (
            <span key={b.start}>
              {(buckets.length - 1 - i) % every === 0 ? shortLabel(b.start, period, language) : ''}
            </span>
          ))}
        </div>
      </div>
      <FiguresTable buckets={buckets} period={period} budget={budget} />
    </section>
  )
}
