import type { Budget } from '../../../shared/settings'
import {
  addDays,
  localDay,
  localMidnight,
  rollup,
  spanStart,
  unitsAsMoney,
  type Committed,
  type SpendPeriod,
} from '../../../shared/spend'
import { chargedByDay, chargedByModel, committedNow } from '../../tasks/ledger-spend'
import { UsageError } from '../args'
import { CliContext } from '../context'
import { COMMON, parse, str } from '../flags'
import { EXIT, type CliIo } from '../output'
import { terminalText } from '../terminal-text'

// kling-studio spend: what real tasks were charged (their final_unit_deduction, as the service
// reported it), since a day, by local day, ISO week, month or model; the money at the price set;
// and the caps with what today and this month have committed (charged, plus the estimates of jobs
// on their way). Sandbox jobs are free and never count.

const OPTIONS = { ...COMMON, since: { type: 'string' }, by: { type: 'string' } } as const

const BY = ['day', 'week', 'month', 'model'] as const
type By = (typeof BY)[number]

/** How far back each table looks when --since is not given. */
const DEFAULT_SINCE: Record<By, string> = { day: '30d', week: '12w', month: '12m', model: '30d' }

/** --since: a day (YYYY-MM-DD), or the last N days, weeks (from Monday) or months. */
export function sinceDay(value: string, today: string): string {
  const m = /^(\d{1,4})([dwm])$/.exec(value)
  if (m) {
    const n = Number(m[1])
    if (n < 1) throw new UsageError(`--since ${value}: count at least 1`)
    if (m[2] === 'd') return addDays(today, -(n - 1))
    return spanStart(today, m[2] === 'w' ? 'week' : 'month', n)
  }
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null
  if (!day || addDays(day, 0) !== day)
    throw new UsageError(`--since must be a day (YYYY-MM-DD) or 7d, 4w, 3m (got "${value}")`)
  if (day > today) throw new UsageError(`--since ${value} is after today (${today})`)
  return day
}

interface Row {
  label: string
  units: number
  tasks: number
}

const round = (n: number): number => Math.round(n * 100) / 100

function table(title: string, rows: Row[], budget: Budget): string[] {
  const money = budget.pricePerUnit !== null
  const width = Math.max(title.length, ...rows.map((r) => r.label.length))
  const head = `${title.padEnd(width)}  ${'Units'.padStart(9)}  ${'Tasks'.padStart(6)}`
  const lines = [money ? `${head}  ${budget.currency.padStart(10)}` : head]
  for (const r of rows) {
    const line = `${r.label.padEnd(width)}  ${String(r.units).padStart(9)}  ${String(r.tasks).padStart(6)}`
    const m = unitsAsMoney(r.units, budget)
    lines.push(m ? `${line}  ${m.amount.toFixed(2).padStart(10)}` : line)
  }
  return lines
}

function capLines(budget: Budget, committed: { day: Committed; month: Committed }): string[] {
  const cap = (name: string, limit: number | null, c: Committed) => {
    const used = round(c.charged + c.pending)
    const unknown = c.unknown > 0 ? `, ${c.unknown} of unknown cost` : ''
    const detail = `${c.charged} charged, ${c.pending} on their way${unknown}`
    return limit === null
      ? `  ${name}: no cap (${used} units: ${detail})`
      : `  ${name}: ${used} of ${limit} units (${detail})`
  }
  const price =
    budget.pricePerUnit === null
      ? '  price: none set (kling-studio budget --price X --currency USD shows money)'
      : `  price: ${budget.pricePerUnit} ${budget.currency} a unit`
  return [
    'Caps (kling-studio budget changes them):',
    cap('today', budget.dailyUnits, committed.day),
    cap('this month', budget.monthlyUnits, committed.month),
    price,
  ]
}

export async function spend(io: CliIo, args: string[]): Promise<number> {
  const { flags, positionals } = parse(args, OPTIONS, 'spend')
  if (positionals.length > 0) throw new UsageError('spend takes no arguments (use --since)')
  const byFlag = str(flags, 'by') ?? 'day'
  if (!(BY as readonly string[]).includes(byFlag))
    throw new UsageError(`--by must be one of ${BY.join(', ')} (got "${byFlag}")`)
  const by = byFlag as By
  const now = io.now()
  const today = localDay(now)
  const since = sinceDay(str(flags, 'since') ?? DEFAULT_SINCE[by], today)
  const cx = new CliContext(io, flags)
  try {
    const { ledger, settings } = cx.studio()
    const budget = settings.get().budget
    const from = localMidnight(since)
    const days = chargedByDay(ledger, from)
    const models = chargedByModel(ledger, from)
    const committed = committedNow(ledger, now)
    const units = round(days.reduce((s, d) => s + d.units, 0))
    const tasks = days.reduce((s, d) => s + d.tasks, 0)
    const periods = by === 'model' ? null : rollup(days, since, today, by as SpendPeriod)
    if (cx.json) {
      const money = (u: number) => unitsAsMoney(u, budget)
      const summary = {
        since,
        today,
        by,
        units,
        tasks,
        money: money(units),
        // A first week or month that began before --since counts only from it: `from` says so.
        ...(periods
          ? {
              periods: periods.map((p) => ({
                ...p,
                ...(p.start < since ? { from: since } : {}),
                money: money(p.units),
              })),
            }
          : {}),
        models: models.map((m) => ({ ...m, money: money(m.units) })),
        committed,
        budget,
      }
      io.stdout(`${JSON.stringify(summary)}\n`)
      return EXIT.done
    }
    const m = unitsAsMoney(units, budget)
    const lines = [
      `Charged since ${since} (real tasks; the sandbox is free): ${units} units, ${tasks} task${tasks === 1 ? '' : 's'}${m ? `, ${m.amount.toFixed(2)} ${m.currency}` : ''}`,
      '',
    ]
    if (periods) {
      const title = by === 'week' ? 'Week of' : by === 'month' ? 'Month' : 'Day'
      const label = (start: string) =>
        `${by === 'month' ? start.slice(0, 7) : start}${start < since ? ` (from ${since})` : ''}`
      lines.push(
        ...table(
          title,
          periods.map((p) => ({ ...p, label: label(p.start) })),
          budget,
        ),
      )
      lines.push('')
    }
    if (models.length > 0 || by === 'model') {
      lines.push(
        ...table(
          'Model',
          // Model names are the history's words: made safe for a terminal.
          models.map((x) => ({ ...x, label: terminalText(x.model) })),
          budget,
        ),
      )
      lines.push('')
    }
    lines.push(...capLines(budget, committed))
    io.stdout(`${lines.join('\n')}\n`)
    return EXIT.done
  } finally {
    cx.close()
  }
}
