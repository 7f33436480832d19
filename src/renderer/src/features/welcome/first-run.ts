import { create } from 'zustand'
import { useApp, type AppState } from '../../stores/app'

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

/** The rule itself: no key, sandbox not chosen, no path picked yet (or a new key on trial). */
export function welcomeShows(
  app: Pick<AppState, 'key' | 'settings'>,
  run: Pick<FirstRunState, 'done' | 'holding'>,
): boolean {
  const sandboxChosen = app.settings?.sandboxMode ?? false
  return !run.done && (run.holding || (!!app.key && !app.key.set && !sandboxChosen))
}

export function useWelcome(): { show: boolean; dismiss: () => void } {
  const key = useApp((s) => s.key)
  const settings = useApp((s) => s.settings)
  const done = useFirstRun((s) => s.done)
  const holding = useFirstRun((s) => s.holding)
  const finish = useFirstRun((s) => s.finish)
  return { show: welcomeShows({ key, settings }, { done, holding }), dismiss: finish }
}
