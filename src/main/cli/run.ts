import { copyFile, mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { isLive, type Job } from '../../shared/jobs'
import { validateRequest, type KlingTask } from '../../shared/kling'
import { DEFAULT_BASE_URL, newExternalTaskId, type KlingClient } from '../kling/client'
import { downloadFile } from '../kling/download'
import { KlingApiError } from '../kling/errors'
import { startEmulator } from '../emulator/server'
import type { JobRecord } from '../tasks/ledger'
import { Tracker } from '../tasks/tracker'
import { triageUnsaved } from '../tasks/triage'
import {
  describeFieldErrors,
  numberOrRaw,
  parseCameraFlag,
  parseDuration,
  parseNumberFlag,
  UsageError,
} from './args'
import { apiKeyFrom, baseUrlFrom, makeClient, openCore, readSettings, type Core } from './core'
import {
  describeJob,
  describeTask,
  errorJson,
  EXIT,
  exitCodeFor,
  jobJson,
  StatusLine,
  taskJson,
  type CliIo,
} from './output'
import { defaultDataDir } from '../paths'

const HELP = `kling-studio: Kling text-to-video through CometAPI, from the command line

Usage:
  kling-studio generate <prompt> [--negative-prompt T] [--aspect-ratio R] [--duration 5|10]
                        [--mode std|pro] [--model NAME] [--cfg-scale 0..1]
                        [--camera PRESET | --camera simple:AXIS=VALUE] [--callback-url URL]
                        [--external-task-id ID] [--wait] [--timeout 30m] [--out FILE] [--json]
  kling-studio status <task-id> [--json]
  kling-studio status --external-task-id ID [--json]
  kling-studio wait <task-id> [--timeout 30m] [--out FILE] [--json]
  kling-studio download <task-id> --out FILE [--json]
  kling-studio list [--search TEXT] [--limit N] [--json]
  kling-studio resume [--timeout 2h] [--json]
  kling-studio emulator [--port N] [--time-scale X] [--fault-rate X] [--seed N] [--key K]
                        [--download-kbps N]

Jobs are recorded in the app's history (KLING_STUDIO_DATA_DIR overrides its folder) and videos
saved in its library (--library DIR overrides the folder). The key comes from COMETAPI_KEY, or
else from the OS keychain where the app keeps it; the base URL from --base-url, COMETAPI_BASE_URL,
the app's settings, or ${DEFAULT_BASE_URL}.

Exit codes: 0 done, 1 the task failed, 2 bad usage or invalid input, 3 an API error,
4 network or timeout.
`

const COMMON = {
  json: { type: 'boolean' },
  'base-url': { type: 'string' },
  library: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

const WAITING = {
  ...COMMON,
  out: { type: 'string', short: 'o' },
  timeout: { type: 'string' },
} as const satisfies ParseArgsConfig['options']

const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000
const DEFAULT_RESUME_TIMEOUT_MS = 2 * 3_600_000

type Flags = Record<string, string | boolean | undefined>

function parse(
  args: string[],
  options: ParseArgsConfig['options'],
): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    })
    return { flags: values as Flags, positionals }
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

const str = (flags: Flags, name: string): string | undefined => {
  const v = flags[name]
  return typeof v === 'string' ? v : undefined
}

class Command {
  private core: Core | null = null

  constructor(
    readonly io: CliIo,
    readonly flags: Flags,
    readonly signal?: AbortSignal,
  ) {}

  get json(): boolean {
    return this.flags.json === true
  }

  open(): Core {
    this.core ??= openCore({ env: this.io.env, libraryFlag: str(this.flags, 'library') })
    return this.core
  }

  close(): void {
    this.core?.close()
  }

  baseUrl(): string {
    const settings = this.core?.settings ?? readSettings(defaultDataDir(this.io.env))
    return baseUrlFrom({ env: this.io.env, baseUrlFlag: str(this.flags, 'base-url') }, settings)
  }

  async client(): Promise<KlingClient> {
    const baseUrl = this.baseUrl()
    const key = await apiKeyFrom(this.io.env)
    return makeClient(baseUrl, key, (e) => {
      if (!this.json) this.io.stderr(`${e.what}: ${e.error.describe()}; retrying\n`)
    })
  }

  timeoutMs(fallback = DEFAULT_WAIT_TIMEOUT_MS): number {
    const raw = str(this.flags, 'timeout')
    return raw === undefined ? fallback : parseDuration('--timeout', raw)
  }

  printTask(task: KlingTask, extra: Record<string, unknown> = {}): void {
    if (this.json) this.io.stdout(`${taskJson(task, extra)}\n`)
    else {
      this.io.stdout(`${describeTask(task)}\n`)
      if (typeof extra.file === 'string') this.io.stdout(`Saved to ${extra.file}\n`)
    }
  }

  tracker(
    core: Core,
    client: KlingClient,
    line?: StatusLine,
    scope: 'own' | 'all' = 'own',
  ): Tracker {
    return new Tracker({
      ledger: core.ledger,
      library: core.library,
      client,
      scope,
      concurrency: core.settings.concurrency,
      // Sandbox jobs belong to the app's built-in emulator, which only the app runs.
      accept: (job) => !job.sandbox,
      emit: (event) => {
        if (!line) return
        if (event.type === 'job')
          line.update(
            event.job.state === 'creating' ? 'creating' : (event.job.taskStatus ?? event.job.state),
          )
        if (event.type === 'progress') {
          line.update(
            'downloading',
            event.total
              ? `${Math.floor((event.received / event.total) * 100)}%`
              : `${event.received} bytes`,
          )
        }
      },
    })
  }

  /** Runs the tracker until the job is no longer live (or `until` says so), or time runs out. */
  async follow(
    tracker: Tracker,
    jobId: string,
    timeoutMs: number,
    until: (job: Job) => boolean,
  ): Promise<JobRecord> {
    const ledger = this.open().ledger
    const started = this.io.now()
    try {
      for (;;) {
        const job = ledger.get(jobId)!
        if (until(job)) return job
        if (this.signal?.aborted) {
          throw new KlingApiError({
            kind: 'aborted',
            message: `Stopped waiting; job ${jobId} goes on (kling-studio resume picks it up)`,
          })
        }
        if (this.io.now() - started >= timeoutMs) {
          throw new KlingApiError({
            kind: 'timeout',
            message: `Task ${job.taskId ?? `of job ${jobId}`} had not finished after ${Math.round(timeoutMs / 1000)} s; it goes on, and "kling-studio resume" picks it up`,
          })
        }
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      await tracker.stop()
    }
  }

  /** The end of a generate or wait: the job as JSON or text, --out copied, the exit code. */
  async conclude(job: JobRecord, out: string | undefined): Promise<number> {
    if (
      job.state === 'needs_attention' ||
      (job.state === 'failed' && job.taskStatus !== 'failed' && job.error)
    ) {
      const error = job.error ?? {
        kind: 'ambiguous_create',
        status: null,
        code: null,
        message: job.statusMessage,
        request_id: null,
      }
      throw new KlingApiError({
        kind: error.kind,
        message: error.message,
        status: error.status,
        code: error.code,
        requestId: error.request_id,
      })
    }
    const extra: Record<string, unknown> = {}
    if (job.state === 'done' && job.file) {
      extra.library_file = job.file
      extra.file = job.file
      if (out) {
        const dest = resolve(out)
        await mkdir(dirname(dest), { recursive: true })
        await copyFile(job.file, dest)
        extra.file = dest
      }
    }
    if (this.json) this.io.stdout(`${jobJson(job, extra)}\n`)
    else {
      this.io.stdout(`${describeJob(job)}\n`)
      if (typeof extra.file === 'string') this.io.stdout(`Saved to ${extra.file}\n`)
    }
    if (job.state === 'failed') {
      if (!this.json)
        this.io.stderr(`The task failed${job.statusMessage ? `: ${job.statusMessage}` : ''}\n`)
      return EXIT.taskFailed
    }
    if (job.state === 'expired') return EXIT.api
    return EXIT.done
  }
}

async function generate(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, {
    ...WAITING,
    wait: { type: 'boolean' },
    'negative-prompt': { type: 'string' },
    'aspect-ratio': { type: 'string' },
    duration: { type: 'string' },
    mode: { type: 'string' },
    model: { type: 'string' },
    'cfg-scale': { type: 'string' },
    camera: { type: 'string' },
    'callback-url': { type: 'string' },
    'external-task-id': { type: 'string' },
  })
  if (positionals.length !== 1) throw new UsageError('generate takes exactly one prompt (quote it)')
  const cmd = new Command(io, flags, signal)
  const input: Record<string, unknown> = { prompt: positionals[0] }
  const set = (field: string, value: unknown) => {
    if (value !== undefined) input[field] = value
  }
  set('negative_prompt', str(flags, 'negative-prompt'))
  set('aspect_ratio', str(flags, 'aspect-ratio'))
  set('duration', str(flags, 'duration'))
  set('mode', str(flags, 'mode'))
  set('model_name', str(flags, 'model'))
  const cfg = str(flags, 'cfg-scale')
  set('cfg_scale', cfg === undefined ? undefined : numberOrRaw(cfg))
  const camera = str(flags, 'camera')
  set('camera_control', camera === undefined ? undefined : parseCameraFlag(camera))
  set('callback_url', str(flags, 'callback-url'))
  set('external_task_id', str(flags, 'external-task-id'))
  const checked = validateRequest(input)
  if (!checked.ok) throw new UsageError(describeFieldErrors(checked.errors))
  const out = str(flags, 'out')
  const timeoutMs = cmd.timeoutMs() // a bad --timeout is a usage error before anything is paid for
  const client = await cmd.client()

  try {
    const core = cmd.open()
    const { external_task_id: given, ...request } = checked.value
    const externalTaskId = given ?? newExternalTaskId()
    if (core.ledger.byExternalId(externalTaskId)) {
      throw new UsageError(
        `--external-task-id: external_task_id ${externalTaskId} was already used for a job in this history`,
      )
    }
    const line = new StatusLine(io, 'Generating')
    const tracker = cmd.tracker(core, client, line)
    const job = tracker.enqueue(request, externalTaskId)
    if (!cmd.json) io.stderr(`Job ${job.id} (external id ${externalTaskId})\n`)
    const waitForEnd = flags.wait === true || out !== undefined
    let final: JobRecord
    try {
      final = await cmd.follow(tracker, job.id, timeoutMs, (j) =>
        waitForEnd ? !isLive(j.state) : j.state !== 'queued' && j.state !== 'creating',
      )
    } finally {
      line.stop()
    }
    return await cmd.conclude(final, out)
  } finally {
    cmd.close()
  }
}

async function status(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, { ...COMMON, 'external-task-id': { type: 'string' } })
  const cmd = new Command(io, flags, signal)
  const external = str(flags, 'external-task-id')
  if ((external === undefined) === (positionals.length === 0) || positionals.length > 1) {
    throw new UsageError('status takes a task id, or --external-task-id ID')
  }
  const client = await cmd.client()
  let task: KlingTask | null
  if (external !== undefined) {
    task = await client.findByExternalId(external, { signal })
    if (!task)
      throw new KlingApiError({ kind: 'not_found', message: `No task has external id ${external}` })
  } else task = await client.getTask(positionals[0]!, { signal })
  cmd.printTask(task)
  return task.task_status === 'failed' ? EXIT.taskFailed : EXIT.done
}

async function wait(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, WAITING)
  if (positionals.length !== 1) throw new UsageError('wait takes one task id')
  const cmd = new Command(io, flags, signal)
  const timeoutMs = cmd.timeoutMs()
  const client = await cmd.client()
  const taskId = positionals[0]!
  const out = str(flags, 'out')
  try {
    const core = cmd.open()
    const known = core.ledger.byTaskId(taskId)
    if (known) {
      // A job of this history: follow it through the same tracker, so the library gets the video.
      const line = new StatusLine(io, `Task ${taskId}`)
      const tracker = cmd.tracker(core, client, line)
      if (known.taskStatus === 'succeed' && !known.saved) tracker.retryDownload(known.id)
      tracker.watch(known.id)
      let final: JobRecord
      try {
        final = await cmd.follow(tracker, known.id, timeoutMs, (j) => !isLive(j.state))
      } finally {
        line.stop()
      }
      return await cmd.conclude(final, out)
    }
  } finally {
    cmd.close()
  }
  // A task created elsewhere: follow it directly.
  const line = new StatusLine(io, `Task ${taskId}`)
  let final: KlingTask
  try {
    final = await client.wait(taskId, {
      timeoutMs,
      signal,
      onUpdate: (t) => line.update(t.task_status),
    })
    if (final.task_status === 'succeed' && out) {
      line.update('downloading')
      await saveDirect(final, out, signal)
    }
  } finally {
    line.stop()
  }
  cmd.printTask(final, final.task_status === 'succeed' && out ? { file: resolve(out) } : {})
  return final.task_status === 'failed' ? EXIT.taskFailed : EXIT.done
}

async function saveDirect(task: KlingTask, out: string, signal?: AbortSignal): Promise<string> {
  const video = task.videos[0]
  if (!video)
    throw new KlingApiError({
      kind: 'unreadable_response',
      message: `task ${task.task_id} has no video`,
    })
  const dest = resolve(out)
  await mkdir(dirname(dest), { recursive: true })
  await downloadFile({ url: video.url, dest, signal })
  return dest
}

async function download(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, { ...COMMON, out: { type: 'string', short: 'o' } })
  const out = str(flags, 'out')
  if (positionals.length !== 1 || !out)
    throw new UsageError('download takes one task id and --out FILE')
  const cmd = new Command(io, flags, signal)
  const task = await (await cmd.client()).getTask(positionals[0]!, { signal })
  if (task.task_status === 'failed') {
    cmd.printTask(task)
    return EXIT.taskFailed
  }
  if (task.task_status !== 'succeed') {
    throw new KlingApiError({
      kind: 'not_found',
      message: `Task ${task.task_id} is ${task.task_status}: there is no video yet (use "wait")`,
      requestId: task.request_id,
    })
  }
  const line = new StatusLine(io, `Task ${task.task_id}`)
  try {
    line.update('downloading')
    await saveDirect(task, out, signal)
  } finally {
    line.stop()
  }
  cmd.printTask(task, { file: resolve(out) })
  return EXIT.done
}

async function list(io: CliIo, args: string[]): Promise<number> {
  const { flags, positionals } = parse(args, {
    ...COMMON,
    search: { type: 'string' },
    limit: { type: 'string' },
  })
  if (positionals.length > 0) throw new UsageError('list takes no arguments (use --search TEXT)')
  const limit =
    parseNumberFlag('--limit', str(flags, 'limit'), { min: 1, max: 500, integer: true }) ?? 50
  const cmd = new Command(io, flags)
  try {
    const page = cmd.open().ledger.list({ search: str(flags, 'search'), limit })
    if (cmd.json) {
      io.stdout(
        `${JSON.stringify({ total: page.total, jobs: page.jobs.map((j) => JSON.parse(jobJson(j)) as unknown) })}\n`,
      )
    } else if (page.jobs.length === 0) io.stdout('No jobs.\n')
    else {
      for (const j of page.jobs) {
        const when = new Date(j.createdAt).toISOString().slice(0, 16).replace('T', ' ')
        const prompt =
          j.request.prompt.length > 60 ? `${j.request.prompt.slice(0, 59)}…` : j.request.prompt
        io.stdout(`${when}  ${j.state.padEnd(15)} ${(j.taskId ?? '-').padEnd(20)} ${prompt}\n`)
      }
      if (page.total > page.jobs.length)
        io.stdout(`(${page.jobs.length} of ${page.total}; --limit N for more)\n`)
    }
    return EXIT.done
  } finally {
    cmd.close()
  }
}

async function resume(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, { ...COMMON, timeout: { type: 'string' } })
  if (positionals.length > 0) throw new UsageError('resume takes no arguments')
  const cmd = new Command(io, flags, signal)
  const timeoutMs = cmd.timeoutMs(DEFAULT_RESUME_TIMEOUT_MS)
  try {
    const core = cmd.open()
    const { ledger, library } = core
    const refetch = await triageUnsaved(ledger, library, io.now(), (job) => !job.sandbox)
    const pending = ledger.live().filter((j) => !j.sandbox)
    const attention = ledger.list({ states: ['needs_attention'], sandbox: false, limit: 500 }).jobs
    await library.removeStrayParts(new Set(ledger.live().map((j) => j.id)))
    const touched = [...pending, ...refetch, ...attention].map((j) => j.id)
    if (touched.length === 0) {
      if (cmd.json)
        io.stdout(`${JSON.stringify({ jobs: [], done: 0, failed: 0, needs_attention: 0 })}\n`)
      else io.stdout('Nothing to resume: every job has finished.\n')
      return EXIT.done
    }
    const client = await cmd.client()
    const line = new StatusLine(io, `Resuming ${touched.length} job(s):`)
    const tracker = cmd.tracker(core, client, line, 'all')
    for (const job of refetch) tracker.retryDownload(job.id)
    tracker.start()
    const started = io.now()
    try {
      while (touched.some((id) => isLive(ledger.get(id)!.state))) {
        if (signal?.aborted)
          throw new KlingApiError({
            kind: 'aborted',
            message: 'Stopped; run resume again to go on',
          })
        if (io.now() - started >= timeoutMs) {
          throw new KlingApiError({
            kind: 'timeout',
            message: 'Some jobs are still running; run resume again later',
          })
        }
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      line.stop()
      await tracker.stop()
    }
    const jobs = touched.map((id) => ledger.get(id)!)
    const count = (s: string) => jobs.filter((j) => j.state === s).length
    if (cmd.json) {
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
    cmd.close()
  }
}

async function emulator(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags } = parse(args, {
    json: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    'time-scale': { type: 'string' },
    'fault-rate': { type: 'string' },
    seed: { type: 'string' },
    key: { type: 'string' },
    'download-kbps': { type: 'string' },
  })
  const kbps = parseNumberFlag('--download-kbps', str(flags, 'download-kbps'), {
    min: 1,
    max: 10_000_000,
  })
  const port = parseNumberFlag('--port', str(flags, 'port'), { min: 0, max: 65535, integer: true })
  const timeScale = parseNumberFlag('--time-scale', str(flags, 'time-scale'), {
    min: 0.001,
    max: 1_000_000,
  })
  const faultRate = parseNumberFlag('--fault-rate', str(flags, 'fault-rate'), { min: 0, max: 1 })
  const seed = parseNumberFlag('--seed', str(flags, 'seed'), {
    min: 0,
    max: 2 ** 32 - 1,
    integer: true,
  })
  const key = str(flags, 'key')
  if (key !== undefined && key.trim() === '') throw new UsageError('--key must not be empty')
  const host = str(flags, 'host') ?? '127.0.0.1'
  const server = await startEmulator({
    port,
    host,
    timeScale,
    faultRate,
    seed,
    key,
    downloadBytesPerSecond: kbps === undefined ? undefined : kbps * 1000,
  })
  io.stdout(
    flags.json === true
      ? `${JSON.stringify({ url: server.url })}\n`
      : `Kling emulator listening on ${server.url}\n`,
  )
  await new Promise<void>((done) => {
    if (signal?.aborted) done()
    signal?.addEventListener('abort', () => done(), { once: true })
  })
  await server.close()
  return EXIT.done
}

/** Runs one command line; resolves the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const [command, ...rest] = argv
  const json = rest.includes('--json')
  try {
    if (
      command === undefined ||
      command === 'help' ||
      command === '--help' ||
      command === '-h' ||
      rest.includes('--help') ||
      rest.includes('-h')
    ) {
      io.stdout(HELP)
      return command === undefined ? EXIT.usage : EXIT.done
    }
    switch (command) {
      case 'generate':
        return await generate(io, rest, signal)
      case 'status':
        return await status(io, rest, signal)
      case 'wait':
        return await wait(io, rest, signal)
      case 'download':
        return await download(io, rest, signal)
      case 'list':
        return await list(io, rest)
      case 'resume':
        return await resume(io, rest, signal)
      case 'emulator':
        return await emulator(io, rest, signal)
      default:
        throw new UsageError(`unknown command "${command}" (try --help)`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      if (json) {
        io.stdout(
          `${errorJson({ kind: 'invalid_request', status: null, code: null, message: error.message, request_id: null })}\n`,
        )
      }
      io.stderr(`kling-studio: ${error.message}\n`)
      return EXIT.usage
    }
    if (error instanceof KlingApiError) {
      if (json) io.stdout(`${errorJson(error.toInfo())}\n`)
      else io.stderr(`kling-studio: ${error.describe()}\n`)
      return exitCodeFor(error)
    }
    io.stderr(
      `kling-studio: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    return EXIT.api
  }
}
