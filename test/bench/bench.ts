import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startEmulator } from '../../src/main/emulator/server'
import { KlingClient } from '../../src/main/kling/client'
import { Library } from '../../src/main/library/library'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker } from '../../src/main/tasks/tracker'
import { downloadBench } from './download-bench'
import { ledgerBench, type Reporter } from './ledger-bench'
import { pollBench } from './poll-bench'
import { rendererBench } from './renderer-bench'

// npm run bench [-- --quick]: every figure measured in this run, next to what it is compared
// with; ratios where the machine's speed would otherwise decide. Prints a table and writes
// bench-results.json (one flat object of named figures).

const quick = process.argv.includes('--quick')
const results: Record<string, number | string | null> = {}
const rows: [string, string, string][] = []

function record(key: string, value: number | null, unit: string, note = ''): void {
  results[key] = value === null ? null : Math.round(value * 1000) / 1000
  rows.push([key, value === null ? 'n/a' : `${results[key]} ${unit}`, note])
}

const report: Reporter = {
  record,
  row: (label, value, note = '') => rows.push([label, value, note]),
}

/** The median of a few figures. */
function mid(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

// Main process under load -------------------------------------------------------------------------
async function mainBench(dir: string): Promise<void> {
  const count = 200
  const emulator = await startEmulator({ timeScale: 20, seed: 3 })
  const ledger = new Ledger(join(dir, 'load.db'))
  const tracker = new Tracker({
    ledger,
    library: new Library({ root: join(dir, 'load-library') }),
    client: new KlingClient({ baseUrl: emulator.url, apiKey: 'bench' }),
    emit: () => {},
    concurrency: count,
    requestsPerSecond: 50,
    burst: 50,
    pollScale: 20,
  })
  for (let i = 0; i < count; i++)
    tracker.enqueue({ request: { prompt: `load ${i}` }, externalTaskId: `ks-load-${i}` })
  const histogram = monitorEventLoopDelay({ resolution: 5 })
  histogram.enable()
  await new Promise((r) => setTimeout(r, quick ? 5_000 : 12_000))
  histogram.disable()
  const live = ledger.live().length
  await tracker.stop()
  ledger.close()
  await emulator.close()
  record(
    'main.event_loop_p99_ms',
    histogram.percentile(99) / 1e6,
    'ms',
    `${count} tasks tracked (${live} still live at the end); target < 20 ms`,
  )
}

// Enqueueing a batch at the app's own limits -----------------------------------------------------
/** Main-thread time to enqueue 1,000 jobs through the engine, beside 1,000 bare ledger inserts. */
async function enqueueBench(dir: string): Promise<void> {
  const count = 1_000
  const emulator = await startEmulator({ timeScale: 600, seed: 5 })
  const engineMs: number[] = []
  const bareMs: number[] = []
  const p99s: number[] = []
  try {
    for (let run = 0; run < 3; run++) {
      const bare = new Ledger(join(dir, `bare-${run}.db`))
      let t = performance.now()
      for (let i = 0; i < count; i++)
        bare.create({ request: { prompt: `bare ${i}` }, externalTaskId: `ks-bare-${run}-${i}` })
      bareMs.push(performance.now() - t)
      bare.close()

      const ledger = new Ledger(join(dir, `enqueue-${run}.db`))
      // The app's own defaults: 3 at once, 4 requests a second, bursts of 8.
      const tracker = new Tracker({
        ledger,
        library: new Library({ root: join(dir, `enqueue-library-${run}`) }),
        client: new KlingClient({ baseUrl: emulator.url, apiKey: 'bench' }),
        emit: () => {},
        pollScale: 600,
      })
      const histogram = monitorEventLoopDelay({ resolution: 5 })
      histogram.enable()
      t = performance.now()
      for (let i = 0; i < count; i++)
        tracker.enqueue({ request: { prompt: `batch ${i}` }, externalTaskId: `ks-q-${run}-${i}` })
      engineMs.push(performance.now() - t)
      await new Promise((r) => setTimeout(r, quick ? 2_000 : 5_000))
      histogram.disable()
      p99s.push(histogram.percentile(99) / 1e6)
      await tracker.stop()
      ledger.close()
    }
  } finally {
    await emulator.close()
  }
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`
  record(
    'main.enqueue_1000_ms',
    mid(engineMs),
    'ms',
    `median of 3 (${spread(engineMs)}); 1,000 bare ledger inserts: ${mid(bareMs).toFixed(0)} ms (${spread(bareMs)}); target < 500 ms`,
  )
  record(
    'main.enqueue_event_loop_p99_ms',
    mid(p99s),
    'ms',
    `while 1,000 queued jobs start at 3 at once; median of 3 (${spread(p99s)}); target < 20 ms`,
  )
}

const dir = await mkdtemp(join(tmpdir(), 'kling-bench-'))
try {
  pollBench(report) // polling (test/bench/poll-bench.ts)
  // Before the big histories grow this process: its memory growth is the download's own.
  await downloadBench(dir, report) // test/bench/download-bench.ts
  await ledgerBench(dir, quick, report) // the history at scale (test/bench/ledger-bench.ts)
  await rendererBench(dir, report) // test/bench/renderer-bench.ts
  await mainBench(dir)
  await enqueueBench(dir)
} finally {
  await rm(dir, { recursive: true, force: true })
}
results['machine'] =
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`
results['mode'] = quick ? 'quick' : 'full'
await writeFile('bench-results.json', `${JSON.stringify(results, null, 2)}\n`)
const width = Math.max(...rows.map((r) => r[0].length))
console.log(`\nKling Studio benchmarks (${quick ? 'quick' : 'full'}) on ${results.machine}\n`)
for (const [k, v, note] of rows) console.log(`${k.padEnd(width)}  ${v.padEnd(28)} ${note}`)
console.log('\nwritten: bench-results.json')
