import { create } from 'zustand'
import { checkBudget, localDay, type BudgetVerdict } from '../../../../shared/spend'
import { ApiError } from '../../api'
import { useApp } from '../../stores/app'
import { useSpend } from '../../stores/spend'

// The caps, before anything is paid for. A paid action (Generate, Extend, Generate again) first
// meets the window's own check (the shared rule, on the summary it holds and the caps in
// Settings); when that refuses, the person is asked, and only a deliberate "anyway" sends, marked
// overBudget. Main applies the same rule as it writes the jobs: when it refuses anyway (another
// window or the command line spent meanwhile), the summary is fetched again and the person is
// asked the same way. Cancelling sends nothing and leaves whatever the person wrote as it was.
// Sandbox videos are free, and never asked about.

export type PaidAction = 'generate' | 'extend' | 'rerun'
export type Refusal = Exclude<BudgetVerdict, { ok: true }>

/** One question to the person, shown by OverBudgetDialog. */
export interface BudgetAsk {
  /** A new question has a new id. */
  id: number
  /** The window's refusal; null when main refused and the window's summary still passes. */
  verdict: Refusal | null
  /** Units the action adds (null: unknown). */
  adding: number | null
  action: PaidAction
  /** Once only: true sends anyway, false sends nothing. */
  answer(proceed: boolean): void
}

export const useBudgetAsk = create<{ ask: BudgetAsk | null }>(() => ({ ask: null }))
let asked = 0

/**
 * The window's check as it stands: the caps in Settings against the summary held; null when caps
 * are set but no summary is held yet (it has to be fetched first).
 */
export function verdictNow(adding: number | null): BudgetVerdict | null {
  const { settings, info } = useApp.getState()
  const budget = settings?.budget
  // Sandbox videos are free: no cap applies to them.
  if (info?.sandbox || !budget) return { ok: true }
  if (budget.dailyUnits === null && budget.monthlyUnits === null) return { ok: true }
  const summary = useSpend.getState().summary
  // A summary made on another day (the window stayed open past midnight) counts the wrong day.
  if (!summary || summary.today !== localDay(Date.now())) return null
  return checkBudget(summary.committed, adding, budget)
}

/** The window's check, fetching the summary when none is held (without one, main decides). */
export async function budgetVerdict(adding: number | null): Promise<BudgetVerdict> {
  const now = verdictNow(adding)
  if (now) return now
  await useSpend.getState().refresh()
  return verdictNow(adding) ?? { ok: true }
}

/** Asks the person; answers whether to send anyway. */
function askPerson(ask: Omit<BudgetAsk, 'answer' | 'id'>): Promise<boolean> {
  // One question at a time: one still open is answered "no" first, so its caller is not left hanging.
  useBudgetAsk.getState().ask?.answer(false)
  return new Promise((resolve) => {
    let answered = false
    const answer = (proceed: boolean) => {
      if (answered) return
      answered = true
      if (useBudgetAsk.getState().ask?.answer === answer) useBudgetAsk.setState({ ask: null })
      resolve(proceed)
    }
    useBudgetAsk.setState({ ask: { ...ask, id: ++asked, answer } })
  })
}

const isOverBudget = (error: unknown): boolean =>
  error instanceof ApiError && error.code === 'over_budget'

/** Sends within the caps; when main refuses it as over budget, looks again and asks. */
async function sendChecked<T>(
  adding: number | null,
  action: PaidAction,
  send: (overBudget: boolean) => Promise<T>,
): Promise<T | null> {
  try {
    return await send(false)
  } catch (error) {
    if (!isOverBudget(error)) throw error
  }
  await useSpend.getState().refresh()
  const again = await budgetVerdict(adding)
  const verdict = again.ok ? null : again
  return (await askPerson({ verdict, adding, action })) ? send(true) : null
}

/**
 * Runs a paid call within the caps: `send(overBudget)` makes it. Answers the call's answer, or
 * null when the person chose not to pass a cap (nothing was sent). Other failures are thrown.
 * Within the caps (the usual case) the call is made at once, in the same tick as the click.
 */
export async function payWithinCaps<T>(
  adding: number | null,
  action: PaidAction,
  send: (overBudget: boolean) => Promise<T>,
): Promise<T | null> {
  const first = verdictNow(adding) ?? (await budgetVerdict(adding))
  if (first.ok) return sendChecked(adding, action, send)
  return (await askPerson({ verdict: first, adding, action })) ? send(true) : null
}
