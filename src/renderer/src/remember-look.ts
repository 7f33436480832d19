import { LOOK_KEY, type Look } from '../../shared/first-look'
import { welcomeShows, useFirstRun } from './features/welcome/first-run'
import { useLanguage, type Language } from './i18n'
import { useApp, type AppState } from './stores/app'

// Keeps what index.html's first script reads back at the next start (shared/first-look.ts): the
// language and theme shown, and whether the window opens on Create as the picture draws it (a key,
// no sandbox). Written whenever one of them
// changes, once main has said enough to know; storage that refuses is no reason to fail.

/** What to remember, or null while main has not answered yet. */
export function lookOf(
  app: Pick<AppState, 'ready' | 'info' | 'settings' | 'key'>,
  language: Language,
  run: { done: boolean; holding: boolean },
): Look | null {
  if (!app.ready || !app.settings) return null
  return {
    language,
    theme: app.settings.theme,
    // Sandbox mode adds a banner and a badge the picture does not have: the plain frame then.
    create: !!app.info && !app.info.historyProblem && !app.info.sandbox && !welcomeShows(app, run),
  }
}

/** Starts remembering; returns the way to stop. */
export function rememberLook(storage: Storage = localStorage): () => void {
  let last = ''
  const write = () => {
    const look = lookOf(useApp.getState(), useLanguage.getState().language, useFirstRun.getState())
    const text = look && JSON.stringify(look)
    if (!text || text === last) return
    last = text
    try {
      storage.setItem(LOOK_KEY, text)
    } catch {
      // Full or refused: the next start shows the plain frame, nothing worse.
    }
  }
  const stops = [
    useApp.subscribe(write),
    useLanguage.subscribe(write),
    useFirstRun.subscribe(write),
  ]
  write()
  return () => stops.forEach((stop) => stop())
}
