import { constants } from 'node:fs'
import { access, copyFile, mkdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { isLive, type Job } from '../../shared/jobs'
import type { KlingTask } from '../../shared/kling'
import { sanitizeSettings } from '../../shared/settings'
import { readFileSync } from 'node:fs'
import type { KlingClient } from '../kling/client'
import { isBadFileCode } from '../kling/download-errors'
import { KlingApiError } from '../kling/errors'
import { defaultDataDir, defaultLibraryDir, libraryFolderProblem, SETTINGS_FILE } from '../paths'
import { openStudio, type Studio } from '../studio/open-studio'
import type { JobRecord } from '../tasks/ledger'
import type { Tracker } from '../tasks/tracker'
import { Worker } from '../tasks/worker'
import { apiKeyFrom, baseUrlFrom } from './address'
import { parseDuration, UsageError } from './args'
import { str, type Flags } from './flags'
import type { StatusLine } from './output'
import { terminalText } from './terminal-text'
import {
  CancelledElsewhere,
  describeJob,
  describeTask,
  EXIT,
  jobJson,
  taskJson,
  type CliIo,
} from './output'

// What every command works with: its flags, the shared studio (history, library, settings), a
// client for the one allowed address, an engine, and the way a command ends (JSON or text, --out
// copied, the exit code). A command that works jobs is a worker in the history (one per process):
// it works only jobs it holds the claim of, never one the app or another command line works. A
// command without a role of its own (list, status, spend) only reads: it opens the history
// read-only, taking no lock, so it answers at once while another process writes.

const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000
/** The role of a command that only reads the history; every command that writes names its own. */
const READER = 'cli'

/** How following several jobs ended: each as last seen (null: it left the history), and why early. */
export interface Followed {
  jobs: (JobRecord | null)[]
  stopped: KlingApiError | null
}

export class CliContext {
  private opened: Studio | null = null
  private presence: Worker | null = null

  constructor(
    readonly io: CliIo,
    readonly flags: Flags,
    readonly signal?: AbortSignal,
    /** What this process is, as others see it: 'cli resume', 'cli wait', ...; left out: a reader. */
    readonly role = READER,
  ) {}

  get json(): boolean {
    return this.flags.json === true
  }

  /** --data, else KLING_STUDIO_DATA_DIR, else the app's own folder. */
  get dataDir(): string {
    return str(this.flags, 'data') ?? defaultDataDir(this.io.env)
  }

  studio(): Studio {
    this.opened ??= openStudio({
      dataDir: this.dataDir,
      libraryRoot: this.libraryFlag(),
      defaultLibrary: defaultLibraryDir(this.io.env),
      readOnly: this.role === READER,
    })
    return this.opened
  }

  /** --library, refused (a usage error, exit 2) by the rule the app's settings use. */
  private libraryFlag(): string | undefined {
    const folder = str(this.flags, 'library')
    const problem = folder === undefined ? null : libraryFolderProblem(folder)
    if (problem)
      throw new UsageError(`--library ${folder} is refused: the library must be ${problem}`)
    return folder
  }

  /** This command in the history: registered at first use, gone (its claims with it) at close. */
  worker(): Worker {
    this.presence ??= new Worker({ ledger: this.studio().ledger, role: this.role })
    return this.presence
  }

  close(): void {
    this.presence?.stop()
    this.opened?.close()
  }

  /** The address, checked before anything (the key included) is read or paid for. */
  baseUrl(): string {
    const settings = this.opened?.settings.get() ?? readSettings(this.dataDir)
    return baseUrlFrom(str(this.flags, 'base-url'), this.io.env, settings)
  }

  async client(): Promise<KlingClient> {
    const baseUrl = this.baseUrl()
    const apiKey = await apiKeyFrom(this.io.env)
    if (!this.json && this.ownHistory() && isThisComputer(baseUrl)) {
      this.io.stderr(
        `warning: ${baseUrl} is on this computer (an emulator?), yet its jobs go into your own history and library; --data DIR keeps them apart\n`,
      )
    }
    return this.studio().client({
      baseUrl,
      apiKey,
      onRetry: (e) => {
        if (this.json) return
        // The error often names what failed already; say it once.
        const said = terminalText(e.error.describe())
        const line = said.startsWith(e.what) ? said : `${e.what}: ${said}`
        this.io.stderr(`${line}; retrying in ${Math.ceil(e.delayMs / 1000)} s\n`)
      },
    })
  }

  /** Whether this command works in the person's own history: no --data, no KLING_STUDIO_DATA_DIR. */
  ownHistory(): boolean {
    return str(this.flags, 'data') === undefined && !this.io.env.KLING_STUDIO_DATA_DIR
  }

  /**
   * The flags that name where this command worked (--data, --library, --base-url), to repeat in
   * a command it suggests, so that one finds the same history at the same address.
   */
  placeFlags(withLibrary: boolean): string[] {
    const words: string[] = []
    for (const name of withLibrary ? ['data', 'library', 'base-url'] : ['data', 'base-url']) {
      const value = str(this.flags, name)
      if (value !== undefined) words.push(`--${name}`, value)
    }
    return words
  }

  /**
   * --out, checked before anything is paid for: not a folder, its folder made and writable. The
   * copy is made at the end; a path that cannot take it must fail now, not after the task.
   */
  async checkOut(): Promise<string | undefined> {
    const out = str(this.flags, 'out')
    if (out === undefined) return undefined
    const dest = resolve(out)
    const info = await stat(dest).catch(() => null)
    if (info?.isDirectory())
      throw new UsageError(`--out ${out} is a folder; name the file to write`)
    try {
      await mkdir(dirname(dest), { recursive: true })
      await access(dirname(dest), constants.W_OK)
    } catch (error) {
      throw new UsageError(
        `--out ${out} cannot be written (${(error as NodeJS.ErrnoException).code ?? error})`,
      )
    }
    return out
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

  /** An engine over the studio, drawing its progress on a status line. */
  engine(client: KlingClient, line?: StatusLine, scope: 'own' | 'all' = 'own'): Tracker {
    const studio = this.studio()
    return studio.engine({
      client,
      scope,
      worker: this.worker(),
      concurrency: studio.settings.get().concurrency,
      // Sandbox jobs belong to the app's built-in emulator, which only the app runs.
      accept: (job) => !job.sandbox,
      sandbox: false,
      emit: (event) => {
        if (!line) return
        if (event.type === 'job')
          line.update(
            event.job.state === 'creating' ? 'creating' : (event.job.taskStatus ?? event.job.state),
          )
        if (event.type === 'trouble') line.trouble(event.jobId, event.trouble, this.json)
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

  /**
   * Runs the engine until `until` says so, or time runs out; the engine is stopped after. A job
   * that leaves the history meanwhile was cancelled elsewhere (the app's Cancel or Delete of a job
   * still waiting here; nothing removes one whose create went out): CancelledElsewhere.
   */
  async follow(
    engine: Tracker,
    jobId: string,
    timeoutMs: number,
    until: (job: Job) => boolean,
  ): Promise<JobRecord> {
    const { jobs, stopped } = await this.followAll(engine, [jobId], timeoutMs, ([j]) => until(j!))
    if (!jobs[0]) throw new CancelledElsewhere(jobId)
    if (stopped) throw stopped
    return jobs[0]
  }

  /**
   * The same for the takes of one Generate, until `enough` says so of those still in the history
   * (a take cancelled elsewhere is left out; the rest are followed on). Never throws for a take:
   * each comes back as last seen (null: it left the history), with why the following stopped
   * early, if it did (time ran out, Ctrl-C), for the caller to say after every take.
   */
  async followAll(
    engine: Tracker,
    jobIds: string[],
    timeoutMs: number,
    enough: (jobs: JobRecord[]) => boolean,
  ): Promise<Followed> {
    const ledger = this.studio().ledger
    const started = this.io.now()
    try {
      for (;;) {
        const jobs = jobIds.map((id) => ledger.get(id))
        const here = jobs.filter((j): j is JobRecord => j !== null)
        if (here.length === 0 || enough(here)) return { jobs, stopped: null }
        const going = here.filter((j) => isLive(j.state))
        const first = going[0] ?? here[0]!
        if (this.signal?.aborted) {
          const which =
            going.length <= 1
              ? `job ${first.id} goes on (kling-studio resume picks it up)`
              : `jobs ${going.map((j) => j.id).join(', ')} go on (kling-studio resume picks them up)`
          const stopped = new KlingApiError({
            kind: 'aborted',
            message: `Stopped waiting; ${which}`,
          })
          return { jobs, stopped }
        }
        if (this.io.now() - started >= timeoutMs)
          return { jobs, stopped: timedOut(first, first.id, timeoutMs) }
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      await engine.stop()
    }
  }

  /** The end of a generate, extend or wait: the job as JSON or text, --out copied, the exit code. */
  async conclude(job: JobRecord, out: string | undefined): Promise<number> {
    if (
      job.state === 'needs_attention' ||
      (job.state === 'failed' && job.taskStatus !== 'failed' && job.error)
    ) {
      const e = job.error
      throw new KlingApiError({
        kind: e?.kind ?? 'ambiguous_create',
        message: e?.message ?? job.statusMessage,
        status: e?.status ?? null,
        code: e?.code ?? null,
        requestId: e?.request_id ?? null,
        // A failure on this computer (disk full, a read-only folder) is no network error (exit 3).
        ...(e?.code?.startsWith('local_') ? { mayHaveReachedServer: false } : {}),
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
    // The service's message is in the job printed above: printed once, not again on stderr.
    if (job.state === 'failed') return EXIT.taskFailed
    if (job.state === 'expired') return EXIT.api
    return EXIT.done
  }
}

/**
 * The end of a wait that ran out: why the job has not finished when it knows (its last error: an
 * answer too large, a video cut short, a full disk), with that error's kind, request id and exit
 * code; a plain timeout otherwise. Either way the job goes on.
 */
function timedOut(job: JobRecord, jobId: string, timeoutMs: number): KlingApiError {
  const task = `Task ${job.taskId ?? `of job ${jobId}`}`
  const after = `had not finished after ${Math.round(timeoutMs / 1000)} s`
  const goesOn = 'it goes on, and "kling-studio resume" picks it up'
  const e = job.error
  if (!e) return new KlingApiError({ kind: 'timeout', message: `${task} ${after}; ${goesOn}` })
  return new KlingApiError({
    kind: e.kind,
    message: `${task} ${after}: ${e.message}; ${goesOn}`,
    status: e.status ?? null,
    code: e.code ?? null,
    requestId: e.request_id ?? job.requestId ?? null,
    // A file that came wrong, or a failure on this computer, is no network error (exit 3).
    ...(e.kind === 'download'
      ? { mayHaveReachedServer: !isBadFileCode(e.code) && !e.code?.startsWith('local_') }
      : {}),
  })
}

/** http to this computer: the emulator, or something else that is no CometAPI. */
function isThisComputer(baseUrl: string): boolean {
  const u = new URL(baseUrl)
  return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)
}

export function readSettings(dataDir: string) {
  try {
    return sanitizeSettings(JSON.parse(readFileSync(join(dataDir, SETTINGS_FILE), 'utf8')))
  } catch {
    return sanitizeSettings({})
  }
}
