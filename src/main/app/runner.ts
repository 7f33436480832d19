import type { AppInfo, EventName, EventPayloads, QueueStats } from '../../shared/contract'
import type { Job } from '../../shared/jobs'
import type { Language } from '../../shared/language'
import { notificationFor } from '../../shared/system-text'
import type { Emulator, EmulatorOptions } from '../emulator/server'
import { KlingClient } from '../kling/client'
import type { FetchLike } from '../kling/http'
import type { Library } from '../library/library'
import type { SettingsStore } from '../settings/settings-store'
import type { JobRecord, Ledger } from '../tasks/ledger'
import { Tracker, type TrackerEvent } from '../tasks/tracker'
import { triageUnsaved, walk } from '../tasks/triage'
import { publicJob, type DesktopActions } from './desktop'

// The engines the app runs: one for the API address in Settings (with the key from the keychain)
// and, while sandbox mode is on or no key is set, one for the built-in emulator. Everything about
// which engine a job belongs to, and what the window hears of them, is here.

export type EmitFn = <E extends EventName>(event: E, payload: EventPayloads[E]) => void

export interface RunnerOptions {
  ledger: Ledger
  library: Library
  settings: SettingsStore
  actions: Pick<DesktopActions, 'notify'>
  emit: EmitFn
  startEmulator: (options: EmulatorOptions) => Promise<Emulator>
  /** The body a create sends (images inline). */
  wire: (job: JobRecord) => Promise<Record<string, unknown>>
  key: () => string | null
  language: () => Language
  fetch?: FetchLike
  /** Sandbox tasks run this many times faster than real ones, so a try takes seconds. */
  sandboxTimeScale?: number
  log?: (line: string) => void
}

export class Runner {
  private real: Tracker | null = null
  private sandbox: Tracker | null = null
  private emulator: Emulator | null = null
  private emulatorStarting: Promise<Emulator> | null = null

  constructor(private readonly o: RunnerOptions) {}

  /** Starts tracking every unfinished job; once, at launch. */
  async start(): Promise<void> {
    const { ledger, library } = this.o
    const refetch = await triageUnsaved(ledger, library, Date.now(), (job) => !job.sandbox)
    // Sandbox links died with the emulator of the last session: those results cannot come back.
    for await (const job of walk((after) => ledger.unsavedPage(after)))
      if (job.sandbox) ledger.setState(job.id, 'expired')
    const live = ledger.live()
    await library.removeStrayParts(new Set(live.map((j) => j.id)))
    const real = this.engine(false)
    for (const job of refetch.filter((j) => !j.sandbox)) real.retryDownload(job.id)
    real.start()
    if (live.some((j) => j.sandbox)) (await this.sandboxEngine()).start()
  }

  /** Sandbox: chosen in settings, or forced while no key is set. */
  sandboxState(): { on: boolean; reason: AppInfo['sandboxReason'] } {
    if (this.o.settings.get().sandboxMode) return { on: true, reason: 'setting' }
    if (!this.o.key()) return { on: true, reason: 'no_key' }
    return { on: false, reason: null }
  }

  /** The engine a job belongs to (started on demand). */
  async engineFor(job: Pick<Job, 'sandbox'>): Promise<Tracker> {
    return job.sandbox ? this.sandboxEngine() : this.engine(false)
  }

  /** The engine a job runs in now, if any: for estimates, without starting anything. */
  running(job: Pick<Job, 'sandbox'>): Tracker | null {
    return job.sandbox ? this.sandbox : this.real
  }

  private onEvent = (event: TrackerEvent): void => {
    if (event.type === 'job') this.o.emit('tasks.updated', publicJob(event.job))
    else if (event.type === 'progress') {
      const { jobId, received, total } = event
      this.o.emit('download.progress', { jobId, received, total })
    } else if (event.type === 'finished' && this.o.settings.get().notifications) {
      this.o.actions.notify(notificationFor(publicJob(event.job), this.o.language()))
    }
  }

  private engine(sandbox: false): Tracker
  private engine(sandbox: true, emulator: Emulator): Tracker
  private engine(sandbox: boolean, emulator?: Emulator): Tracker {
    const existing = sandbox ? this.sandbox : this.real
    if (existing) return existing
    const settings = this.o.settings.get()
    const client = sandbox
      ? new KlingClient({ baseUrl: emulator!.url, apiKey: 'sandbox', fetch: this.o.fetch })
      : // Read at every request: a key replaced in settings applies at once.
        new KlingClient({
          baseUrl: settings.baseUrl,
          apiKey: () => this.o.key() ?? '',
          fetch: this.o.fetch,
        })
    const engine = new Tracker({
      ledger: this.o.ledger,
      library: this.o.library,
      client,
      wire: this.o.wire,
      emit: this.onEvent,
      concurrency: settings.concurrency,
      accept: (job) => job.sandbox === sandbox,
      pollScale: sandbox ? (this.o.sandboxTimeScale ?? 30) : 1,
      log: this.o.log,
    })
    if (sandbox) this.sandbox = engine
    else this.real = engine
    return engine
  }

  private async sandboxEngine(): Promise<Tracker> {
    if (this.sandbox) return this.sandbox
    this.emulatorStarting ??= this.o.startEmulator({
      port: 0,
      timeScale: this.o.sandboxTimeScale ?? 30,
    })
    this.emulator = await this.emulatorStarting
    return this.engine(true, this.emulator)
  }

  /** The API address changed: the real engine is rebuilt on the new one. */
  addressChanged(): void {
    if (!this.real) return
    const old = this.real
    this.real = null
    void old.stop().then(() => this.engine(false).start())
  }

  setConcurrency(n: number): void {
    this.real?.setConcurrency(n)
    this.sandbox?.setConcurrency(n)
  }

  pause(): void {
    this.real?.pauseQueue()
    this.sandbox?.pauseQueue()
  }

  resume(): void {
    this.real?.resumeQueue()
    this.sandbox?.resumeQueue()
  }

  stats(): QueueStats {
    const fallback = {
      running: 0,
      queued: 0,
      concurrency: this.o.settings.get().concurrency,
      paused: false,
    }
    const real = this.real?.stats() ?? fallback
    const sand = this.sandbox?.stats()
    return {
      running: real.running + (sand?.running ?? 0),
      queued: real.queued + (sand?.queued ?? 0),
      concurrency: real.concurrency,
      paused: real.paused,
    }
  }

  suspend(): void {
    this.real?.suspend()
    this.sandbox?.suspend()
  }

  wake(): void {
    this.real?.wake()
    this.sandbox?.wake()
  }

  async stop(): Promise<void> {
    await Promise.all([this.real?.stop(), this.sandbox?.stop()])
    await this.emulator?.close()
  }
}
