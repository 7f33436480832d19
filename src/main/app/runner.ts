import type {
  AppInfo,
  EventName,
  EventPayloads,
  JobTrouble,
  QueueStats,
} from '../../shared/contract'
import type { Job } from '../../shared/jobs'
import type { Language } from '../../shared/language'
import { isAllowedBaseUrl } from '../../shared/settings'
import { notificationFor } from '../../shared/system-text'
import type { Emulator, EmulatorOptions } from '../emulator/server'
import { KlingClient } from '../kling/client'
import type { FetchLike } from '../kling/http'
import type { Library } from '../library/library'
import type { SettingsStore } from '../settings/settings-store'
import { systemClock, type Clock } from '../tasks/clock'
import { UNCLAIMED_SCAN_MS } from '../tasks/engine-claims'
import type { JobRecord, Ledger } from '../tasks/ledger'
import { Tracker, type TrackerEvent } from '../tasks/tracker'
import { triageUnsaved, walk } from '../tasks/triage'
import { Worker } from '../tasks/worker'
import { publicJob, type DesktopActions } from './desktop'

// The engines the app runs: one for the API address in Settings (with the key from the keychain),
// one for each other address that still has jobs sent there (a job keeps its address: it is
// looked up and followed there, never re-sent elsewhere), and, while sandbox mode is on or no key
// is set, one for the built-in emulator. Which engine a job belongs to, and what the window hears
// of them, is decided here. The app is one worker in the history, shared by its engines: a job a
// command line works (resume, generate, wait) is left to it, and taken over if it dies; one a
// command line left at an address the app has no engine for gets one (looked for every ~10 s).
// A step that fails here (the history locked, its disk full) is told to the window as it happens
// (tasks.trouble) and is in every queue.stats answer, so a window opened later shows it too.

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
  /** The engines' and the worker's time: real unless a test fakes it. */
  clock?: Clock
  log?: (line: string) => void
}

/** An address as the transport writes it on the jobs sent there (no trailing slash). */
const normal = (address: string): string => address.replace(/\/+$/, '')

export class Runner {
  /**
   * One engine per address (as the transport writes it): the one in Settings (new jobs go there),
   * and others whose jobs were sent there (earlier settings, command lines with --base-url).
   */
  private readonly engines = new Map<string, Tracker>()
  private sandbox: Tracker | null = null
  private emulator: Emulator | null = null
  private emulatorStarting: Promise<Emulator> | null = null
  private paused = false
  private presence: Worker | null = null
  private readonly clock: Clock
  private scanTimer: unknown = null
  /** Addresses of jobs left behind that the key may not go to: told once, never followed. */
  private readonly refused = new Set<string>()
  private stopped = false

  constructor(private readonly o: RunnerOptions) {
    this.clock = o.clock ?? systemClock
  }

  /** This app in the history (registered at first use, gone at stop). */
  private worker(): Worker {
    const { ledger, log } = this.o
    this.presence ??= new Worker({ ledger, role: 'app', clock: this.clock, log })
    return this.presence
  }

  private address(): string {
    return this.o.settings.get().baseUrl
  }

  /** Starts tracking every unfinished job; once, at launch. */
  async start(): Promise<void> {
    const { ledger, library } = this.o
    const refetch = await triageUnsaved(ledger, library, Date.now(), (job) => !job.sandbox)
    // Sandbox links died with the emulator of the last session: those results cannot come back.
    for await (const job of walk((after) => ledger.unsavedPage(after)))
      if (job.sandbox) ledger.setState(job.id, 'expired')
    const live = ledger.live()
    // Partial downloads of a live process (a command line) are its own, whatever their job.
    const liveJobs = new Set(live.map((j) => j.id))
    await library.removeStrayParts({
      liveJobs,
      liveWorkers: this.worker().liveIds(),
      // Another history sharing this library folder: its recent parts are its own.
      knownJob: (id) => ledger.get(id) !== null,
    })
    const current = this.engine(this.address())
    for (const job of refetch.filter((j) => !j.sandbox))
      (await this.engineFor(job)).retryDownload(job.id)
    current.start()
    // Jobs sent to an earlier address stay with it: looked up and followed there, never re-sent elsewhere.
    const attention = ledger.list({ states: ['needs_attention'], sandbox: false, limit: 500 }).jobs
    for (const address of new Set([...live, ...attention].map((j) => j.baseUrl))) {
      if (
        address &&
        normal(address) !== normal(this.address()) &&
        !live.find((j) => j.sandbox && j.baseUrl === address)
      )
        this.engine(address).start()
    }
    if (live.some((j) => j.sandbox)) (await this.sandboxEngine()).start()
    this.followLeftBehind()
  }

  /**
   * From now on, every UNCLAIMED_SCAN_MS: real jobs nobody works (a command line sent them with
   * --base-url and ended or died) at an address the app has no engine for get one, which takes
   * them in as every engine of the whole history does, and follows them there with the app's
   * key. Not while no key is set (nothing could be asked there: they wait for one), nor at an
   * address the key may not go to.
   */
  private followLeftBehind(): void {
    if (this.stopped) return
    try {
      const known = [...this.engines.keys(), ...this.refused]
      const found = this.o.key() ? this.worker().unclaimedAddresses({ sandbox: false }, known) : []
      for (const address of found) {
        if (this.stopped) return
        if (!isAllowedBaseUrl(address)) {
          this.refused.add(address)
          this.o.log?.(`jobs left at ${address} are not followed: the key is never sent there`)
        } else this.engine(address).start()
      }
    } catch (error) {
      // A busy history: the next look asks again.
      this.o.log?.(`looking for jobs left at other addresses: ${String(error)}`)
    }
    this.scanTimer = this.clock.setTimeout(() => this.followLeftBehind(), UNCLAIMED_SCAN_MS)
    ;(this.scanTimer as { unref?: () => void } | null)?.unref?.()
  }

  /** Sandbox: chosen in settings, or forced while no key is set. */
  sandboxState(): { on: boolean; reason: AppInfo['sandboxReason'] } {
    if (this.o.settings.get().sandboxMode) return { on: true, reason: 'setting' }
    if (!this.o.key()) return { on: true, reason: 'no_key' }
    return { on: false, reason: null }
  }

  /** The engine a job belongs to (started on demand): the one of the address it was sent to. */
  async engineFor(job: Pick<Job, 'sandbox' | 'baseUrl'>): Promise<Tracker> {
    if (job.sandbox) return this.sandboxEngine()
    return this.engine(job.baseUrl ?? this.address())
  }

  /** The engine a job runs in now, if any: for estimates, without starting anything. */
  running(job: Pick<Job, 'sandbox' | 'baseUrl'>): Tracker | null {
    if (job.sandbox) return this.sandbox
    return this.engines.get(normal(job.baseUrl ?? this.address())) ?? null
  }

  private onEvent = (event: TrackerEvent): void => {
    if (event.type === 'job') this.o.emit('tasks.updated', publicJob(event.job))
    else if (event.type === 'progress') {
      const { jobId, received, total } = event
      this.o.emit('download.progress', { jobId, received, total })
    } else if (event.type === 'trouble') {
      this.o.emit('tasks.trouble', { jobId: event.jobId, trouble: event.trouble })
    } else if (event.type === 'finished' && this.o.settings.get().notifications) {
      this.o.actions.notify(notificationFor(publicJob(event.job), this.o.language()))
    }
  }

  private build(client: KlingClient, sandbox: boolean, takesUnsent: boolean): Tracker {
    // The emulator gets a new port each launch: sandbox jobs follow whichever one runs now.
    const settings = this.o.settings.get()
    const engine = new Tracker({
      ledger: this.o.ledger,
      library: this.o.library,
      client,
      takesUnsent,
      anyAddress: sandbox,
      wire: this.o.wire,
      emit: this.onEvent,
      concurrency: settings.concurrency,
      sandbox,
      pollScale: sandbox ? (this.o.sandboxTimeScale ?? 30) : 1,
      clock: this.clock,
      worker: this.worker(),
      log: this.o.log,
    })
    if (this.paused) engine.pauseQueue()
    return engine
  }

  /** The engine for an address; only the one in Settings takes jobs not sent anywhere yet. */
  private engine(address: string): Tracker {
    const existing = this.engines.get(normal(address))
    if (existing) return existing
    // Read at every request: a key replaced in settings applies at once.
    const client = new KlingClient({
      baseUrl: address,
      apiKey: () => this.o.key() ?? '',
      fetch: this.o.fetch,
    })
    const engine = this.build(client, false, normal(address) === normal(this.address()))
    this.engines.set(normal(address), engine)
    return engine
  }

  private async sandboxEngine(): Promise<Tracker> {
    if (this.sandbox) return this.sandbox
    this.emulatorStarting ??= this.o.startEmulator({
      port: 0,
      timeScale: this.o.sandboxTimeScale ?? 30,
    })
    this.emulator = await this.emulatorStarting
    this.sandbox ??= this.build(
      new KlingClient({ baseUrl: this.emulator.url, apiKey: 'sandbox', fetch: this.o.fetch }),
      true,
      true,
    )
    return this.sandbox
  }

  /**
   * The API address changed. Jobs already sent stay with the address they were sent to (an
   * engine keeps working them there); jobs not sent yet, and new ones, go to the new address.
   */
  async addressChanged(previous: string): Promise<void> {
    // Both are built again: the old address's no longer takes jobs not sent yet, and the new one's
    // (already running if jobs were sent there before) now does.
    for (const address of new Set([normal(previous), normal(this.address())])) {
      const old = this.engines.get(address)
      this.engines.delete(address)
      await this.retire(old)
    }
    this.engine(previous).start()
    this.engine(this.address()).start()
  }

  /**
   * Drops a job still waiting here (queued: nothing of it is on the service), and every engine
   * lets go of it. Not dropped (a step claimed it first, or it was sent long ago): the job as it
   * stands, null when there is no such job.
   */
  cancel(id: string): { removed: true } | { removed: false; job: JobRecord | null } {
    const result = this.o.ledger.removeQueued(id)
    if (result.removed) for (const e of this.all()) e.drop(id)
    return result
  }

  /** Stops an engine; what it showed of failing steps goes (the new one tells its own). */
  private async retire(engine: Tracker | undefined): Promise<void> {
    if (!engine) return
    const shown = Object.keys(engine.troublesNow())
    await engine.stop()
    for (const jobId of shown) this.o.emit('tasks.trouble', { jobId, trouble: null })
  }

  private all(): Tracker[] {
    return [...this.engines.values(), ...(this.sandbox ? [this.sandbox] : [])]
  }

  setConcurrency(n: number): void {
    for (const e of this.all()) e.setConcurrency(n)
  }

  pause(): void {
    this.paused = true
    for (const e of this.all()) e.pauseQueue()
  }

  resume(): void {
    this.paused = false
    for (const e of this.all()) e.resumeQueue()
  }

  stats(): QueueStats {
    const concurrency = this.o.settings.get().concurrency
    let running = 0
    let queued = 0
    const troubles: Record<string, JobTrouble> = {}
    for (const e of this.all()) {
      const s = e.stats()
      running += s.running
      queued += s.queued
      Object.assign(troubles, e.troublesNow())
    }
    return { running, queued, concurrency, paused: this.paused, troubles }
  }

  suspend(): void {
    for (const e of this.all()) e.suspend()
  }

  wake(): void {
    for (const e of this.all()) e.wake()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.scanTimer !== null) this.clock.clearTimeout(this.scanTimer)
    await Promise.all(this.all().map((e) => e.stop()))
    // Every job the app still held is free for a command line at once.
    this.presence?.stop()
    await this.emulator?.close()
  }
}
