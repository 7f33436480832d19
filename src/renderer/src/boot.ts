import { api, call } from './api'
import { rescanLibrary } from './features/library/rescan'
import { takeFirstCalls } from './first-calls'
import { systemLanguage, useLanguage, type Language } from './i18n'
import { useApp } from './stores/app'
import { useJobs } from './stores/jobs'
import { LIVE_STATES } from '../../shared/jobs'
import type { Settings } from '../../shared/settings'

// Starts the page: one subscription to every event main sends, then the first data.

export function applyLook(settings: Settings): void {
  const language: Language = settings.language === 'system' ? systemLanguage() : settings.language
  useLanguage.getState().setLanguage(language)
  document.documentElement.dataset.theme = settings.theme
}

export async function boot(): Promise<void> {
  const a = api()
  const app = useApp.getState()
  const jobs = useJobs.getState()
  a.on('tasks.updated', (job) => useJobs.getState().apply(job))
  a.on('tasks.removed', ({ id }) => useJobs.getState().remove(id))
  a.on('download.progress', (p) => useJobs.getState().setProgress(p.jobId, p.received, p.total))
  a.on('settings.changed', (settings) => {
    useApp.getState().set({ settings })
    applyLook(settings)
  })
  a.on('key.changed', (key) => {
    useApp.getState().set({ key })
    void call(a.app.info()).then((info) => useApp.getState().set({ info }))
  })
  a.on('queue.changed', (queue) => useApp.getState().set({ queue }))
  // A notification may name a job the page has not loaded yet: fetch it before opening it.
  a.on('app.showJob', ({ id }) => {
    void call(a.tasks.get({ id }))
      .then((details) => {
        useJobs.getState().apply(details.job)
        useApp.getState().set({ view: 'library', selected: id })
      })
      .catch(() => useApp.getState().set({ view: 'library' }))
  })

  // The app menu's Rescan Library: the Library, and the rescan its button runs.
  a.on('app.rescanLibrary', () => {
    useApp.getState().set({ view: 'library' })
    void rescanLibrary()
  })

  // The first view waits only for what decides it: where main is (a history problem, sandbox),
  // the person's language and theme, and whether a key is set (the welcome screen); start.ts
  // sent those calls before the shell's code arrived (first-calls.ts). Nothing the person does
  // changes them before this point, and what main does meanwhile (jobs, the queue) is read
  // below, after the subscriptions. The queue's figures are kept whenever they arrive.
  const early = takeFirstCalls(a)
  const first = Promise.all([call(early.info), call(early.settings), call(early.key)])
  void call(a.queue.stats())
    .then((queue) => app.set({ queue }))
    .catch(() => {})
  const [info, settings, key] = await first
  applyLook(settings)
  app.set({ info, settings, key, ready: true })
  try {
    const live = await call(
      a.tasks.list({ states: [...LIVE_STATES, 'needs_attention'], limit: 500 }),
    )
    jobs.applyMany(live.jobs)
    await jobs.setQuery({})
  } finally {
    // Answered or not: the feed may now say it has nothing, rather than nothing at all.
    useJobs.setState({ firstListed: true })
  }
}
