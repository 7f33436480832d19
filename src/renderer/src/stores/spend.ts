import { create } from 'zustand'
import type { SpendSummary } from '../../../shared/spend'
import { api, call } from '../api'
import { noticeFrom } from '../ui/errors'
import type { Notice } from './app'

// What was spent and what is on its way (main's spend.summary, read from the local history, so
// it answers offline too), held for the spend view and for the check before a paid action. It is
// fetched at start and again, once things settle, whenever a job changes or the caps do. A fetch
// that fails keeps the last summary and says why; an answer older than a later fetch is dropped.

/** How long after the last job change the summary is asked for again. */
export const SPEND_REFRESH_MS = 400

export interface SpendState {
  summary: SpendSummary | null
  /** Why the last fetch failed (null: it did not). */
  error: Notice | null
  loading: boolean
  /** Asks main now; answers the summary, or null when it could not be had. */
  refresh(): Promise<SpendSummary | null>
  /** Asks main once things settle: many job changes in a row make one fetch. */
  refreshSoon(): void
}

let timer: ReturnType<typeof setTimeout> | undefined
let asked = 0

export const useSpend = create<SpendState>((set, get) => ({
  summary: null,
  error: null,
  loading: false,
  async refresh() {
    clearTimeout(timer)
    const mine = ++asked
    set({ loading: true })
    try {
      // Inside the promise: a page without the call (an older main) fails here, not its caller.
      const summary = await Promise.resolve().then(() => call(api().spend.summary()))
      if (mine === asked) set({ summary, error: null, loading: false })
      return summary
    } catch (error) {
      if (mine === asked) set({ error: noticeFrom(error), loading: false })
      return null
    }
  },
  refreshSoon() {
    clearTimeout(timer)
    timer = setTimeout(() => void get().refresh(), SPEND_REFRESH_MS)
  },
}))

/**
 * Keeps the summary current: fetched now, and again after jobs change (main's tasks.updated and
 * tasks.removed) or the settings do (the caps). Answers the unsubscribe.
 */
export function watchSpend(): () => void {
  const a = api()
  const soon = () => useSpend.getState().refreshSoon()
  // A bridge without events (a page opened on its own) is only asked once.
  const offs =
    typeof a.on === 'function'
      ? [a.on('tasks.updated', soon), a.on('tasks.removed', soon), a.on('settings.changed', soon)]
      : []
  void useSpend.getState().refresh()
  return () => {
    clearTimeout(timer)
    for (const off of offs) off()
  }
}
