import { lazy, type ComponentType } from 'react'

// Which code draws each view, fetched the first time the view is wanted: the page's first script
// holds only the shell, so the window shows before any view's code has arrived. The Create
// workspace (the usual first view) is asked for at start-up, beside the first calls to main; the
// others once the first view is up, so moving to one later does not wait for the disk.

/** A view drawn at once when its code is already in (no blank frame), else once it arrives. */
function view<M, P extends object>(load: () => Promise<M>, pick: (m: M) => ComponentType<P>) {
  let loaded: ComponentType<P> | null = null
  const fetch = () => load().then((m) => (loaded = pick(m)))
  const Component = lazy(() =>
    loaded
      ? // A thenable that answers at once: React takes the view without suspending.
        ({
          then: (done: (m: { default: ComponentType<P> }) => void) => done({ default: loaded! }),
        } as Promise<{ default: ComponentType<P> }>)
      : fetch().then((c) => ({ default: c })),
  )
  return { Component, load: () => void fetch().catch(() => {}) }
}

const create = view(
  () => import('./features/create/CreateView'),
  (m) => m.CreateView,
)
const welcome = view(
  () => import('./features/welcome/WelcomeView'),
  (m) => m.WelcomeView,
)
const queue = view(
  () => import('./features/queue/QueueView'),
  (m) => m.QueueView,
)
const library = view(
  () => import('./features/library/LibraryView'),
  (m) => m.LibraryView,
)
const spend = view(
  () => import('./features/spend/SpendView'),
  (m) => m.SpendView,
)
const settings = view(
  () => import('./features/settings/SettingsView'),
  (m) => m.SettingsView,
)
const problem = view(
  () => import('./features/history-problem/HistoryProblemView'),
  (m) => m.HistoryProblemView,
)

export const loadCreate = create.load
export const loadWelcome = welcome.load

/** The sections' code, fetched while the person looks at the first view. */
export function loadOtherViews(): void {
  for (const v of [queue, library, spend, settings]) v.load()
}

export const CreateView = create.Component
export const WelcomeView = welcome.Component
export const QueueView = queue.Component
export const LibraryView = library.Component
export const SpendView = spend.Component
export const SettingsView = settings.Component
export const HistoryProblemView = problem.Component
