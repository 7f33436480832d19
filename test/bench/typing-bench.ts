import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startEmulator } from '../../src/main/emulator/server'
import { KlingClient } from '../../src/main/kling/client'
import { Library } from '../../src/main/library/library'
import { Ledger } from '../../src/main/tasks/ledger'
import { LedgerReader } from '../../src/main/tasks/ledger-reader'
import { Tracker } from '../../src/main/tasks/tracker'
import type { Reporter } from './ledger-bench'

// The main process as a person uses it on a big history: a search typed letter by letter (one
// library page per keystroke, answered as the app answers it: by the list worker, on a read
// connection of its own) while the engine tracks ten tasks against the emulator on the same
// history. Every ledger call on the main thread is timed, and the event loop's longest stall is
// the yardstick that catches anything else. The worker's own time per page is reported beside.

const TYPED = 'cinematic lantern at dusk'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

/** Wraps every method of the ledger so each call's duration is seen. */
function timeCalls(ledger: Ledger, seen: (name: string, ms: number) => void): void {
  const proto = Object.getPrototypeOf(ledger) as Record<string, unknown>
  for (const name of Object.getOwnPropertyNames(proto)) {
    const fn = proto[name]
    if (name === 'constructor' || typeof fn !== 'function') continue
    ;(ledger as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const t = performance.now()
      try {
        return (fn as (...a: unknown[]) => unknown).apply(ledger, args)
      } finally {
        seen(name, performance.now() - t)
      }
    }
  }
}

export async function typingBench(path: string, at: string, report: Reporter): Promise<void> {
  const emulator = await startEmulator({ timeScale: 300, seed: 4 })
  const dir = await mkdtemp(join(tmpdir(), 'kling-typing-'))
  const longest: number[] = []
  const stalls: number[] = []
  const pages: number[] = []
  let worstName = ''
  try {
    for (let run = 0; run < 3; run++) {
      const ledger = new Ledger(path)
      let worst = 0
      let measuring = true
      timeCalls(ledger, (name, ms) => {
        if (measuring && ms > worst) [worst, worstName] = [ms, name]
      })
      // As in the app: the list worker starts with the app, before any job moves.
      const reader = new LedgerReader(ledger, resolve('out/main/list-worker.js'))
      reader.open()
      await reader.list({ limit: 1 })
      const tracker = new Tracker({
        ledger,
        library: new Library({ root: join(dir, `library-${run}`) }),
        client: new KlingClient({ baseUrl: emulator.url, apiKey: 'bench' }),
        emit: () => {},
        concurrency: 10,
        pollScale: 300,
      })
      for (let i = 0; i < 10; i++)
        tracker.enqueue({
          request: { prompt: `typing ${run} ${i}` },
          externalTaskId: `ks-typing-${run}-${i}`,
        })
      const loop = monitorEventLoopDelay({ resolution: 2 })
      loop.enable()
      let slowestPage = 0
      for (let i = 1; i <= TYPED.length; i++) {
        const t = performance.now()
        await reader.list({ search: TYPED.slice(0, i), limit: 50 })
        slowestPage = Math.max(slowestPage, performance.now() - t)
        await new Promise((r) => setTimeout(r, 60))
      }
      loop.disable()
      // Closing at the end (a checkpoint of the log) is the app's quit, not part of typing.
      measuring = false
      pages.push(slowestPage)
      await reader.close()
      await tracker.stop()
      ledger.close()
      longest.push(worst)
      stalls.push(loop.max / 1e6)
    }
  } finally {
    await emulator.close()
    await rm(dir, { recursive: true, force: true })
  }
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`
  report.record(
    `main.typing_longest_ledger_call_ms_${at}`,
    median(longest),
    'ms',
    `on the main thread while "${TYPED}" is typed and 10 tasks are tracked; slowest: ${worstName}; median of 3 (${spread(longest)}); target ≤ 16 ms`,
  )
  report.record(
    `main.typing_slowest_page_ms_${at}`,
    median(pages),
    'ms',
    `the slowest keystroke's page, answered by the list worker; median of 3 (${spread(pages)})`,
  )
  report.record(
    `main.typing_event_loop_max_ms_${at}`,
    median(stalls),
    'ms',
    `the event loop's longest stall meanwhile; median of 3 (${spread(stalls)})`,
  )
}
