import { create } from 'zustand'
import { useApp } from '../../stores/app'

// Whether the welcome screen is up. It shows while there is no key and sandbox mode was not
// chosen, until the person picks a path; and it stays up while a key just saved is being tested,
// though main already counts that key as set.

const DISMISSED = 'kling.welcome.done'

interface FirstRunState {
  /** The person picked a path once; the welcome screen does not come back. */
  done: boolean
  /** A key is being saved and tested: the screen stays until the test says what to do. */
  holding: boolean
  hold(on: boolean): void
  finish(): void
}

export const useFirstRun = create<FirstRunState>((set) => ({
  done: typeof localStorage !== 'undefined' && localStorage.getItem(DISMISSED) === '1',
  holding: false,
  hold: (holding) => set({ holding }),
  finish: () => {
    localStorage.setItem(DISMISSED, '1')
    set({ done: true, holding: false })
  },
}))

export function useWelcome(): { show: boolean; dismiss: () => void } {
  const key = useApp((s) => s.key)
  const sandboxChosen = useApp((s) => s.settings?.sandboxMode ?? false)
  const done = useFirstRun((s) => s.done)
  const holding = useFirstRun((s) => s.holding)
  const finish = useFirstRun((s) => s.finish)
  const show = !done && (holding || (!!key && !key.set && !sandboxChosen))
  return { show, dismiss: finish }
}
