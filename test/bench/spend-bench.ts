import type { DatabaseSync } from 'node:sqlite'
import { DEFAULT_BUDGET } from '../../src/shared/settings'
import type { Ledger } from '../../src/main/tasks/ledger'
import { generateVerdict, spendSummary } from '../../src/main/tasks/ledger-spend'
import { ensureSpend, FLAG, SPEND_TRIGGERS } from '../../src/main/tasks/spend-buckets'
import { refSummary } from '../unit/spend-reference'
import type { Reporter } from './ledger-bench'

// The money figures on the bench's histories (ledger-bench.ts): the spend summary the window asks
// for after every job change (its days span a year) and the cap check that runs inside the write
// of every Generate, both at the end of the history; once per history, whether that summary is
// the one the release before made by scanning the jobs table (and how long that scan took); and
// the one-time pricing and fill of a history written before the sums existed.

const budget = { ...DEFAULT_BUDGET, dailyUnits: 1e6, monthlyUnits: 1e7 }

/** While the bench writes rows straight into SQLite, no trigger keeps the sums. */
export function unkeepSpend(db: DatabaseSync): void {
  for (const name of SPEND_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${name}`)
}

/** Prices and fills the sums as for a history from before them; returns how long it took (ms). */
export function refillSpend(db: DatabaseSync): number {
  db.prepare('DELETE FROM meta WHERE key = ?').run(FLAG)
  const t = performance.now()
  ensureSpend(db)
  return performance.now() - t
}

type Figure = { key: string; label: string; fn: (l: Ledger) => unknown }

/** The two figures, measured as ledger-bench measures its others (`now`: the history's end). */
export function spendFigures(now: number): Figure[] {
  const request = { prompt: 'a heron', model_name: 'kling-v1-6', mode: 'pro', duration: '5' }
  const generate = { kind: 'text2video' as const, request, takes: 2, parentJobId: null }
  return [
    {
      key: 'spend_summary_ms',
      label: 'spend summary (days of a year, by model, caps); target well under 20 ms',
      fn: (l) => spendSummary(l, budget, now),
    },
    {
      key: 'generate_verdict_ms',
      label: 'cap check of a Generate (today and this month); target well under 20 ms',
      fn: (l) => generateVerdict(l, budget, generate, now),
    },
  ]
}

/**
 * Whether the summary from the kept sums is the one a scan of the jobs table gives, at the time
 * of the newest job (returned: the `now` of the figures).
 */
export function reportScan(ledger: Ledger, at: string, report: Reporter): number {
  const now = ledger.list({ limit: 1 }).jobs[0]!.createdAt + 1
  const t = performance.now()
  const scanned = refSummary(ledger.prepare, budget, now)
  const scanMs = performance.now() - t
  const same = JSON.stringify(spendSummary(ledger, budget, now)) === JSON.stringify(scanned)
  report.row(
    `spend @${at}`,
    same ? 'same as a scan' : 'DIFFERS from a scan',
    `the summary by scanning the jobs table (the release before): ${scanMs.toFixed(0)} ms`,
  )
  return now
}
