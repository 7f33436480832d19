import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  estimateUnits,
  priceBasis,
  unitRowFor,
  type VideoKind,
  type VideoRequest,
} from '../../shared/kling'
import type { Budget } from '../../shared/settings'
import { checkBudget, unitsAsMoney, type BudgetVerdict, type Committed } from '../../shared/spend'
import { LEDGER_FILE } from '../paths'
import { Ledger } from '../tasks/ledger'
import { committedNow, generateVerdict, type GenerateCost } from '../tasks/ledger-spend'
import { readSettings, type CliContext } from './context'
import { EXIT, OverBudget } from './output'

// What a job would cost, for the command line: generate --dry-run (the checked request, its units
// from the published table (src/shared/kling/units.ts) with its sources, the money at the price
// set, and whether a cap would stop it; nothing is sent, nothing is written, no key is needed),
// and the cap check a generate or extend runs in the write that adds its job.

/**
 * The guard of a generate or extend: the caps of the settings' budget, checked against what
 * today and this month have committed in the history. None with --over-budget.
 */
export function budgetGuard(cx: CliContext, job: GenerateCost): (() => void) | undefined {
  if (cx.flags['over-budget'] === true) return undefined
  const { ledger, settings } = cx.studio()
  return () => {
    const verdict = generateVerdict(ledger, settings.get().budget, job, cx.io.now())
    if (!verdict.ok) throw new OverBudget(verdict)
  }
}

interface CapCheck {
  budget: Budget
  committed: { day: Committed; month: Committed }
  verdict: BudgetVerdict
}

/** The caps and what the history has committed, read without writing (no history: nothing). */
function capCheck(cx: CliContext, units: number | null): CapCheck {
  const budget = readSettings(cx.dataDir).budget
  const none: Committed = { charged: 0, pending: 0, unknown: 0 }
  let committed = { day: none, month: none }
  const file = join(cx.dataDir, LEDGER_FILE)
  if (existsSync(file)) {
    const ledger = new Ledger(file)
    try {
      committed = committedNow(ledger, cx.io.now())
    } finally {
      ledger.close()
    }
  }
  return { budget, committed, verdict: checkBudget(committed, units, budget) }
}

export function dryRun(cx: CliContext, kind: VideoKind, request: VideoRequest, takes = 1): number {
  const { io, json } = cx
  const basis = priceBasis(kind, request)
  const row = unitRowFor(kind, request)
  // Every take is a task of its own, charged as one (rounded as the caps count them).
  const { units, perTake: each } = estimateUnits(kind, request, takes)
  const caps = capCheck(cx, units)
  const money = units === null ? null : unitsAsMoney(units, caps.budget)
  if (json) {
    io.stdout(
      `${JSON.stringify({
        dry_run: true,
        kind,
        request,
        takes,
        priced_as: basis,
        units,
        money,
        sources: row ? row.sources.map((s) => ({ ...s, checked: row.checked })) : [],
        budget: caps.budget,
        committed: caps.committed,
        cap_check: caps.verdict,
      })}\n`,
    )
    return EXIT.done
  }
  const what = basis
    ? `${kind}, ${basis.model}${'model_name' in request ? '' : ' (the service default)'}, ${basis.mode}, ${basis.duration} s${basis.sound === 'on' ? ', with sound' : ''}`
    : kind
  const price = money ? ` (about ${money.amount} ${money.currency})` : ''
  const lines = [
    'Dry run: nothing was sent.',
    units === null
      ? `${what}: units unknown (no published price for this combination)`
      : `${what}${takes > 1 ? `, ${takes} takes of about ${each} each` : ''}: about ${units} unit${units === 1 ? '' : 's'}${price}`,
  ]
  for (const s of row?.sources ?? [])
    lines.push(`  source: ${s.title}, ${s.url} (read ${row!.checked})`)
  lines.push('What a task really costs is its final_unit_deduction, shown once it has finished.')
  lines.push(capLine(caps))
  io.stdout(`${lines.join('\n')}\n`)
  return EXIT.done
}

/** Whether a cap would stop the request, in one sentence. */
function capLine({ budget, committed, verdict }: CapCheck): string {
  if (budget.dailyUnits === null && budget.monthlyUnits === null)
    return 'No spending cap is set (kling-studio budget sets one).'
  const used = (c: Committed) => Math.round((c.charged + c.pending) * 100) / 100
  const parts = [
    budget.dailyUnits !== null ? `today ${used(committed.day)} of ${budget.dailyUnits}` : null,
    budget.monthlyUnits !== null
      ? `this month ${used(committed.month)} of ${budget.monthlyUnits}`
      : null,
  ].filter((p) => p !== null)
  const caps = `Caps: ${parts.join(', ')} units charged or on their way`
  if (verdict.ok) return `${caps}; this request stays within them.`
  if (verdict.reason === 'unknown')
    return `${caps}; its cost is unknown, so the cap would stop it (--over-budget sends it anyway).`
  const which = verdict.reason === 'daily' ? "today's" : "this month's"
  return `${caps}; it would pass ${which} cap and be stopped (--over-budget sends it anyway).`
}
