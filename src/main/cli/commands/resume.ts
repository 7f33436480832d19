import { isLive } from '../../../shared/jobs'
import { KlingApiError } from '../../kling/errors'
import type { JobRecord } from '../../tasks/ledger'
import { triageUnsaved } from '../../tasks/triage'
import { UsageError } from '../args'
import { CliContext } from '../context'
import { COMMON, parse } from '../flags'
import { describeJob, EXIT, jobJson, StatusLine, type CliIo } from '../output'
import { terminalText } from '../terminal-text'

// kling-studio resume: every unfinished job of the history to its end, and every missing video
// fetched while its link lives: what the app does at launch, without the window. Jobs another
// live process works (the app, another resume) are waited for, and taken over if it dies.

const DEFAULT_RESUME_TIMEOUT_MS = 2 * 3_600_000

export async function resume(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, { ...COMMON, timeout: { type: 'string' } }, 'resume')
  if (positionals.length > 0) throw new UsageError('resume takes no arguments')
  const cx = new CliContext(io, flags, signal, 'cli resume')
  const timeoutMs = cx.timeoutMs(DEFAULT_RESUME_TIMEOUT_MS)
  try {
    const { ledger, library } = cx.studio()
    const refetch = await triageUnsaved(ledger, library, io.now(), (job) => !job.sandbox)
    const pending = ledger.live().filter((j) => !j.sandbox)
    const attention = ledger.list({ states: ['needs_attention'], sandbox: false, limit: 500 }).jobs
    // Another process's partial download is left alone while it lives (the app, another resume).
    const liveJobs = new Set(ledger.live().map((j) => j.id))
    await library.removeStrayParts({
      liveJobs,
      liveWorkers: cx.worker().liveIds(),
      knownJob: (id) => ledger.get(id) !== null,
    })
    const touched = [...pending, ...refetch, ...attention].map((j) => j.id)
    if (touched.length === 0) {
      if (cx.json)
        io.stdout(`${JSON.stringify({ jobs: [], done: 0, failed: 0, needs_attention: 0 })}\n`)
      else io.stdout('Nothing to resume: every job has finished.\n')
      return EXIT.done
    }
    const client = await cx.client()
    // A job keeps the address it was sent to: jobs sent elsewhere are named, and left for a
    // resume at their own address.
    const elsewhere = [...pending, ...attention].filter(
      (j) => j.baseUrl && j.baseUrl !== client.baseUrl,
    )
    for (const address of new Set(elsewhere.map((j) => terminalText(j.baseUrl ?? ''))))
      io.stderr(
        `Jobs sent to ${address} are left for "kling-studio resume --base-url ${address}".\n`,
      )
    const left = new Set(elsewhere.map((j) => j.id))
    touched.splice(0, touched.length, ...touched.filter((id) => !left.has(id)))
    const line = new StatusLine(io, `Resuming ${touched.length} job(s):`)
    const engine = cx.engine(client, line, 'all')
    for (const job of refetch) engine.retryDownload(job.id)
    engine.start()
    if (!cx.json) sayWhoElse(cx, touched)
    const started = io.now()
    try {
      // A job that left the history meanwhile (cancelled or deleted in the app) is no longer ours.
      while (touched.some((id) => isLive(ledger.get(id)?.state ?? 'done'))) {
        if (signal?.aborted)
          throw new KlingApiError({
            kind: 'aborted',
            message: 'Stopped; run resume again to go on',
          })
        if (io.now() - started >= timeoutMs)
          throw new KlingApiError({
            kind: 'timeout',
            message: `Some jobs are still running: ${stillRunning(touched, ledger)}; run resume again later`,
          })
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      line.stop()
      await engine.stop()
    }
    const jobs = touched.flatMap((id) => ledger.get(id) ?? [])
    const gone = touched.length - jobs.length
    if (gone > 0 && !cx.json)
      io.stderr(
        `${gone} job(s) left the history while this ran (cancelled or deleted elsewhere).\n`,
      )
    const count = (s: string) => jobs.filter((j) => j.state === s).length
    if (cx.json) {
      io.stdout(
        `${JSON.stringify({
          jobs: jobs.map((j) => JSON.parse(jobJson(j, j.file ? { file: j.file } : {})) as unknown),
          done: count('done'),
          failed: count('failed'),
          needs_attention: count('needs_attention'),
        })}\n`,
      )
    } else for (const j of jobs) io.stdout(`${describeJob(j)}\n`)
    if (count('needs_attention') > 0) return EXIT.network
    if (count('failed') > 0) return EXIT.taskFailed
    return EXIT.done
  } finally {
    cx.close()
  }
}

/** Names the other live processes working some of these jobs: they are waited for, not redone. */
function sayWhoElse(cx: CliContext, jobIds: string[]): void {
  const worker = cx.worker()
  const others = new Map<string, { label: string; jobs: number }>()
  for (const id of jobIds) {
    const owner = worker.ownerOf(id)
    if (!owner || owner.id === worker.id) continue
    const label = terminalText(`${owner.role}, pid ${owner.pid}`)
    const entry = others.get(owner.id) ?? { label, jobs: 0 }
    entry.jobs++
    others.set(owner.id, entry)
  }
  for (const { label, jobs } of others.values())
    cx.io.stderr(
      `${jobs} job(s) are being worked by another process (${label}): waiting for it, and taking them over if it stops.\n`,
    )
}

/** The jobs a resume ran out of time for, a few by name: where each is, and why if it knows. */
function stillRunning(
  ids: readonly string[],
  ledger: { get(id: string): JobRecord | null },
): string {
  const live = ids.flatMap((id) => {
    const job = ledger.get(id)
    return job && isLive(job.state) ? [job] : []
  })
  const named = live.slice(0, 3).map((job) => {
    const why = job.error ? `: ${job.error.message}` : ''
    return terminalText(`${job.externalTaskId} (${job.state.replace('_', ' ')}${why})`)
  })
  const more = live.length > named.length ? ` and ${live.length - named.length} more` : ''
  return `${named.join('; ')}${more}`
}
