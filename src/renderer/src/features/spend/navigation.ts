import { create } from 'zustand'
import { useApp, type View } from '../../stores/app'

// Where money is looked at and set: the Spending view, and the caps in Settings (opened with the
// keyboard at the first cap, from the over-budget question or the Spending view).

/** The Spending view among the app's views. */
export const SPEND_VIEW: View = 'spend'

/** Set on the way to Settings: the Spending section takes the keyboard when it appears. */
export const useCapsFocus = create<{ focusCaps: boolean }>(() => ({ focusCaps: false }))

export function openSpending(): void {
  useApp.getState().go(SPEND_VIEW)
}

export function openCaps(): void {
  useCapsFocus.setState({ focusCaps: true })
  useApp.getState().go('settings')
}
