import { api, call } from '../api'
import { useJobs } from './jobs'

// Keeps the jobs store's troubles (steps main retries after they failed on this computer) as
// main holds them: each change comes as tasks.trouble, the whole list with queue.stats (asked at
// once, so a window opened later shows what is under way) and with every queue.changed. Watched
// while anything that shows troubles is on screen: each watcher adds one, the last one to leave
// ends the subscription, and the next first one asks for the whole list again.

let watchers = 0
let unwatch: (() => void) | null = null

/** Starts watching (once for all watchers); answers this watcher's stop. */
export function watchTroubles(): () => void {
  if (watchers++ === 0) unwatch = follow()
  let stopped = false
  return () => {
    if (stopped) return
    stopped = true
    if (--watchers > 0) return
    unwatch?.()
    unwatch = null
  }
}

function follow(): () => void {
  const a = api()
  const jobs = () => useJobs.getState()
  // What main tells from now on is newer than the list asked for below, whenever that answers.
  const told = new Set<string>()
  let whole = false
  let on = true
  // A bridge without events (a page opened on its own) only asks once.
  const offs =
    typeof a.on === 'function'
      ? [
          a.on('tasks.trouble', ({ jobId, trouble }) => {
            told.add(jobId)
            jobs().setTrouble(jobId, trouble)
          }),
          a.on('queue.changed', (stats) => {
            if (!stats.troubles) return
            whole = true
            jobs().setTroubles(stats.troubles)
          }),
        ]
      : []
  void Promise.resolve()
    .then(() => call(a.queue.stats()))
    .then((stats) => {
      if (on && !whole && stats.troubles) jobs().setTroubles(stats.troubles, told)
    })
    // No list (a main that keeps none, a history that could not be opened): nothing to show.
    .catch(() => {})
  return () => {
    on = false
    for (const off of offs) off()
  }
}
