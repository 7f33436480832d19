import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { seededRandom } from '../../src/shared/seeded-random'
import { startEmulator } from '../../src/main/emulator/server'
import { KlingClient } from '../../src/main/kling/client'
import { INCOMING_DIR, Library } from '../../src/main/library/library'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker } from '../../src/main/tasks/tracker'

// npm run soak: 100 jobs through the core against an emulator that faults 30% of requests; the
// process running them is killed at 10 random moments and started again each time. At the end:
// every job done, exactly one task per job, every file complete, nothing temporary left.

const JOBS = 100
const KILLS = 10

async function worker(dataDir: string, baseUrl: string): Promise<void> {
  const ledger = new Ledger(join(dataDir, 'history.db'))
  const tracker = new Tracker({
    ledger,
    library: new Library({
      root: join(dataDir, 'library'),
      download: { backoff: { baseMs: 50, maxMs: 500 } },
    }),
    client: new KlingClient({
      baseUrl,
      apiKey: 'soak',
      requestTimeoutMs: 3_000,
      backoff: { baseMs: 50, maxMs: 500 },
    }),
    emit: () => {},
    concurrency: 10,
    requestsPerSecond: 40,
    burst: 20,
    pollScale: 60,
    requeueBackoff: { baseMs: 100, maxMs: 1_000 },
  })
  // Jobs are written before anything is sent; after a kill the ledger already holds them.
  for (let i = 0; i < JOBS; i++) {
    if (!ledger.byExternalId(`ks-soak-${i}`))
      tracker.enqueue({ request: { prompt: `Soak scene ${i}` }, externalTaskId: `ks-soak-${i}` })
  }
  tracker.start()
  await tracker.idle()
  await tracker.stop()
  ledger.close()
}

function runWorker(
  self: string,
  dataDir: string,
  url: string,
  killAfterMs: number | null,
): Promise<'killed' | number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [self, '--worker', dataDir, url], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    let killed = false
    const timer =
      killAfterMs === null
        ? null
        : setTimeout(() => ((killed = true), child.kill('SIGKILL')), killAfterMs)
    child.once('exit', (code) => {
      if (timer) clearTimeout(timer)
      done(killed ? 'killed' : (code ?? -1))
    })
  })
}

async function driver(): Promise<number> {
  const self = fileURLToPath(import.meta.url)
  const dataDir = await mkdtemp(join(tmpdir(), 'kling-soak-'))
  // Slow enough (a 3-minute task takes 3 s) that ten kills land while work is under way.
  const emulator = await startEmulator({ timeScale: 60, faultRate: 0.3, seed: 2026, slowMs: 400 })
  const random = seededRandom(7)
  const started = Date.now()
  let failures = 0
  const check = (ok: boolean, what: string) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}`)
    if (!ok) failures++
  }
  try {
    let kills = 0
    while (kills < KILLS) {
      const outcome = await runWorker(
        self,
        dataDir,
        emulator.url,
        200 + Math.floor(random() * 2_500),
      )
      if (outcome === 'killed') kills++
      else if (outcome !== 0) throw new Error(`worker exited with ${outcome}`)
      else break
    }
    const last = await runWorker(self, dataDir, emulator.url, null)
    if (last !== 0) throw new Error(`final worker exited with ${String(last)}`)

    const ledger = new Ledger(join(dataDir, 'history.db'))
    const jobs = ledger.list({ limit: 500 }).jobs
    ledger.close()
    const tasks = emulator.tasks()
    const sample = await readFile(resolve('resources/samples/16x9-5s.mp4'))
    let valid = 0
    for (const job of jobs) {
      if (!job.file) continue
      const bytes = await readFile(job.file).catch(() => Buffer.alloc(0))
      if (Buffer.compare(bytes, sample) === 0) valid++
    }
    const library = join(dataDir, 'library')
    const leftovers = [
      ...(await readdir(join(library, INCOMING_DIR)).catch(() => [] as string[])),
      ...(await readdir(library)).filter((n) => /\.(part|tmp)$/.test(n)),
    ]
    console.log(
      `\nsoak: ${jobs.length} jobs, ${kills} kills, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    )
    check(jobs.length === JOBS, `jobs recorded: ${jobs.length} of ${JOBS}`)
    check(
      jobs.every((j) => j.state === 'done'),
      `jobs done: ${jobs.filter((j) => j.state === 'done').length}`,
    )
    check(tasks.length === JOBS, `tasks created: ${tasks.length} (must equal jobs)`)
    check(
      new Set(tasks.map((t) => t.external_task_id)).size === tasks.length,
      'one task per external id',
    )
    check(valid === JOBS, `files complete and valid: ${valid}`)
    check(leftovers.length === 0, `temporary files left: ${leftovers.length}`)
    check(kills === KILLS, `kills: ${kills} of ${KILLS}`)
  } finally {
    await emulator.close()
    await rm(dataDir, { recursive: true, force: true })
  }
  console.log(failures === 0 ? '\nsoak passed' : `\nsoak FAILED (${failures})`)
  return failures === 0 ? 0 : 1
}

const at = process.argv.indexOf('--worker')
if (at >= 0) {
  await worker(process.argv[at + 1]!, process.argv[at + 2]!)
} else {
  process.exitCode = await driver()
}
