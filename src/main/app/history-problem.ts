import {
  CALLS,
  type AppInfo,
  type CallName,
  type Handlers,
  type HistoryProblem,
  type RootHandlers,
} from '../../shared/contract'
import type { SettingsStore } from '../settings/settings-store'
import { CallError } from './call-error'

// What the window can ask while the history cannot be opened (damaged, held by another process,
// or written by a newer app): who the app is (app.info, with the problem), the settings (for the
// person's language and look), empty answers where the page asks at its start, and the way out:
// Start afresh for a damaged history, Try again for a held one. Everything else is refused with
// history_unavailable: no job, key or library service runs. The window shows only the problem.

export interface RecoveryOptions {
  problem: HistoryProblem
  settings: SettingsStore
  info: { version: string; platform: string }
  libraryFolder: string
  /** Moves the damaged history aside, never deleting it; returns where it went. */
  moveAside: (file: string) => string
  /** Starts the app again (in Electron: app.relaunch, then app.exit). */
  relaunch: () => void
  log?: (line: string) => void
}

/** The calls about the app process in normal running: nothing is damaged, Try again restarts. */
export function rootHandlers(relaunch: () => void): RootHandlers {
  return {
    'app.startAfresh': () => {
      throw new CallError('invalid_state', 'the history opened fine: there is nothing to set aside')
    },
    'app.restart': () => relaunch(),
  }
}

export function recoveryHandlers(o: RecoveryOptions): Handlers & RootHandlers {
  const { problem } = o
  const refuse = () => {
    throw new CallError(
      'history_unavailable',
      `the history at ${problem.file} cannot be opened (${problem.message})`,
    )
  }
  const refusals = Object.fromEntries(
    (Object.keys(CALLS) as CallName[]).map((name) => [name, refuse]),
  ) as unknown as Handlers & RootHandlers
  const info: AppInfo = {
    ...o.info,
    sandbox: false,
    sandboxReason: null,
    libraryFolder: o.libraryFolder,
    mediaBase: 'media://video/',
    posterBase: 'media://poster/',
    historyProblem: problem,
  }
  return {
    ...refusals,
    'app.info': () => info,
    'settings.get': () => o.settings.get(),
    // What the page asks for at its start, answered empty: nothing runs.
    'key.status': () => ({ set: false, last4: null, storage: 'memory', warning: null }),
    'queue.stats': () => ({
      running: 0,
      queued: 0,
      concurrency: o.settings.get().concurrency,
      paused: true,
    }),
    'tasks.list': () => ({ jobs: [], total: 0 }),
    'app.startAfresh': ({ file }) => {
      if (problem.kind !== 'damaged')
        throw new CallError(
          'invalid_state',
          `the history is ${problem.kind}, not damaged: it stays`,
        )
      if (file !== problem.file)
        throw new CallError('invalid_input', `${file} is not the history shown as damaged`)
      let aside: string
      try {
        aside = o.moveAside(file)
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error)
        throw new CallError('move_failed', `${file} could not be moved aside: ${why}`)
      }
      o.log?.(`the damaged history was moved aside to ${aside}; starting on a new one`)
      o.relaunch()
    },
    'app.restart': () => o.relaunch(),
  }
}
