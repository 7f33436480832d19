import { taskData } from './envelopes'
import type { EmulatedTask } from './task-store'

// callback_url, as the service uses it: the bare task object POSTed at each status change.

interface CallbackDeps {
  later: (ms: number, fn: () => void) => void
  baseUrl: () => string
  log: (line: string) => void
}

/**
 * Pushes the bare task object to callback_url at each status change, as the service does.
 * Delivery is best effort: a callback is a hint, never the truth, so failures are only logged.
 */
export function deliverCallbacks(task: EmulatedTask, url: string, deps: CallbackDeps): void {
  const push = (at: number) => {
    deps.later(at, () => {
      const body = JSON.stringify(taskData(task, task.createdAt + at, deps.baseUrl()))
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(5_000),
      })
        .then(async (res) => {
          await res.body?.cancel()
          task.callbackDeliveries++
        })
        .catch((error: unknown) =>
          deps.log(
            `callback to ${url} failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
    })
  }
  push(task.processingAfterMs)
  push(task.endsAfterMs)
}
