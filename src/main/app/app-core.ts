import type {
  AppInfo,
  EventPayloads,
  EventName,
  KeyStatus,
  KeyTest,
  QueueStats,
} from '../../shared/contract'
import { homedir } from 'node:os'
import { parse, resolve } from 'node:path'
import type { Job } from '../../shared/jobs'
import { resolveLanguage } from '../../shared/language'
import {
  keyDestinationText,
  notificationFor,
  type ConfirmText,
  type NotificationText,
} from '../../shared/system-text'
import { formatFieldErrors, validateRequest, type Text2VideoRequest } from '../../shared/kling'
import type { Emulator, EmulatorOptions } from '../emulator/server'
import { KlingClient, newExternalTaskId } from '../kling/client'
import { KlingApiError } from '../kling/errors'
import type { FetchLike } from '../kling/http'
import { CallError, type Handlers } from '../ipc/register'
import type { Library } from '../library/library'
import { rescanLibrary } from '../library/rescan'
import { describeKey, type SecretStore } from '../secrets/secret-store'
import type { SettingsStore } from '../settings/settings-store'
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings'
import type { JobRecord, Ledger } from '../tasks/ledger'
import { Tracker, type TrackerEvent } from '../tasks/tracker'
import { triageUnsaved } from '../tasks/triage'

// Everything the window can ask for, as plain Node services: the ipc layer binds these to the
// contract, the browser tests bind them to a WebSocket. Electron-only acts (reveal in folder,
// drag, trash, notifications) come in as functions.

/** What only the desktop can do; the app passes Electron's, tests pass recorders. */
export interface DesktopActions {
  reveal(file: string): void
  open(file: string): Promise<void>
  startDrag(file: string): void
  trash(file: string): Promise<void>
  /** A system notification, already in the person's language. */
  notify(note: NotificationText): void
  /** The OS folder picker, opened at `current`; null when the person cancels. */
  chooseFolder(current: string): Promise<string | null>
  /** A question only main can ask (the page cannot answer it for the person); true to go on. */
  confirm(text: ConfirmText): Promise<boolean>
}

export interface AppCoreOptions {
  ledger: Ledger
  library: Library
  secrets: SecretStore
  settings: SettingsStore
  actions: DesktopActions
  emit: <E extends EventName>(event: E, payload: EventPayloads[E]) => void
  startEmulator: (options: EmulatorOptions) => Promise<Emulator>
  info: { version: string; platform: string }
  /** The OS's preferred languages, for settings that follow the system (notifications). */
  systemLanguages?: () => readonly string[]
  /** Where videos go when settings name no folder (the library's first root when not given). */
  defaultLibraryFolder?: string
  fetch?: FetchLike
  /** Where the page loads saved videos from (the browser tests serve them over http). */
  mediaBase?: string
  /** Sandbox tasks run this many times faster than real ones, so a try takes seconds. */
  sandboxTimeScale?: number
  log?: (line: string) => void
}

/** The job as the window may see it: no file path. */
export function publicJob(job: JobRecord): Job {
  const { file: _file, ...rest } = job
  return rest
}

export class AppCore {
  private real: Tracker | null = null
  private sandbox: Tracker | null = null
  private emulator: Emulator | null = null
  private emulatorStarting: Promise<Emulator> | null = null
  private keyCache: string | null = null

  private readonly defaultLibraryFolder: string

  constructor(private readonly o: AppCoreOptions) {
    this.defaultLibraryFolder = o.defaultLibraryFolder ?? o.library.root
    o.ledger.addLibraryRoot(o.library.root)
  }

  /** Starts tracking every unfinished job; call once at launch. */
  async start(): Promise<void> {
    this.keyCache = await this.o.secrets.get()
    const refetch = await triageUnsaved(
      this.o.ledger,
      this.o.library,
      Date.now(),
      (job) => !job.sandbox,
    )
    // Sandbox links died with the emulator of the last session: those results cannot come back.
    for (const job of this.o.ledger.unsaved())
      if (job.sandbox) this.o.ledger.setState(job.id, 'expired')
    await this.o.library.removeStrayParts(new Set(this.o.ledger.live().map((j) => j.id)))
    const real = this.trackerFor(false)
    for (const job of refetch.filter((j) => !j.sandbox)) real.retryDownload(job.id)
    real.start()
    if (this.o.ledger.live().some((j) => j.sandbox)) (await this.sandboxTracker()).start()
  }

  /** The system is going to sleep: no polling until wake. */
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

  private onTracker = (event: TrackerEvent): void => {
    if (event.type === 'job') this.o.emit('tasks.updated', publicJob(event.job))
    else if (event.type === 'progress') {
      this.o.emit('download.progress', {
        jobId: event.jobId,
        received: event.received,
        total: event.total,
      })
    } else if (event.type === 'finished') {
      if (!this.o.settings.get().notifications) return
      this.o.actions.notify(notificationFor(publicJob(event.job), this.language()))
    }
  }

  private trackerFor(sandbox: false): Tracker
  private trackerFor(sandbox: true, emulator: Emulator): Tracker
  private trackerFor(sandbox: boolean, emulator?: Emulator): Tracker {
    const existing = sandbox ? this.sandbox : this.real
    if (existing) return existing
    const settings = this.o.settings.get()
    const client = sandbox
      ? new KlingClient({ baseUrl: emulator!.url, apiKey: 'sandbox', fetch: this.o.fetch })
      : new KlingClient({
          baseUrl: settings.baseUrl,
          // Read at every request: a key replaced in settings applies at once.
          apiKey: () => this.keyCache ?? '',
          fetch: this.o.fetch,
        })
    const tracker = new Tracker({
      ledger: this.o.ledger,
      library: this.o.library,
      client,
      emit: this.onTracker,
      concurrency: settings.concurrency,
      accept: (job) => job.sandbox === sandbox,
      pollScale: sandbox ? (this.o.sandboxTimeScale ?? 30) : 1,
      log: this.o.log,
    })
    if (sandbox) this.sandbox = tracker
    else this.real = tracker
    return tracker
  }

  private async sandboxTracker(): Promise<Tracker> {
    if (this.sandbox) return this.sandbox
    this.emulatorStarting ??= this.o.startEmulator({
      port: 0,
      timeScale: this.o.sandboxTimeScale ?? 30,
    })
    this.emulator = await this.emulatorStarting
    return this.trackerFor(true, this.emulator)
  }

  /** Sandbox: chosen in settings, or forced while no key is set. */
  sandboxState(): { on: boolean; reason: AppInfo['sandboxReason'] } {
    if (this.o.settings.get().sandboxMode) return { on: true, reason: 'setting' }
    if (!this.keyCache) return { on: true, reason: 'no_key' }
    return { on: false, reason: null }
  }

  private async keyStatus(): Promise<KeyStatus> {
    return {
      ...describeKey(this.keyCache),
      storage: this.o.secrets.kind,
      warning: this.o.secrets.warning,
    }
  }

  private queueStats(): QueueStats {
    const real = this.real?.stats() ?? {
      running: 0,
      queued: 0,
      concurrency: this.o.settings.get().concurrency,
      paused: false,
    }
    const sand = this.sandbox?.stats()
    return {
      running: real.running + (sand?.running ?? 0),
      queued: real.queued + (sand?.queued ?? 0),
      concurrency: real.concurrency,
      paused: real.paused,
    }
  }

  private job(id: string): JobRecord {
    const job = this.o.ledger.get(id)
    if (!job) throw new CallError('not_found', `No job ${id}`)
    return job
  }

  private savedFile(id: string): string {
    const job = this.job(id)
    if (!job.file) throw new CallError('not_saved', 'This video is not saved on this computer yet')
    return job.file
  }

  async create(request: Text2VideoRequest): Promise<Job> {
    const { external_task_id: given, ...rest } = request
    const externalTaskId = given ?? newExternalTaskId()
    if (this.o.ledger.byExternalId(externalTaskId)) {
      throw new CallError('invalid_input', `external_task_id ${externalTaskId} was already used`)
    }
    const sandbox = this.sandboxState().on
    const tracker = sandbox ? await this.sandboxTracker() : this.trackerFor(false)
    const job = tracker.enqueue(rest, externalTaskId, { sandbox })
    return publicJob(job)
  }

  private language(): ReturnType<typeof resolveLanguage> {
    return resolveLanguage(this.o.settings.get().language, this.o.systemLanguages?.() ?? [])
  }

  /**
   * What the page may not decide alone: where the key is sent (the person confirms any address
   * but CometAPI's own, in a dialog of main's), and a library folder that is a whole disk or the
   * home folder (videos, sidecars and the trash would act on it).
   */
  private async checkSettingsPatch(patch: Partial<Settings>): Promise<void> {
    if (patch.baseUrl !== undefined && this.keyCache) {
      const next = new URL(patch.baseUrl)
      const current = new URL(this.o.settings.get().baseUrl).origin
      if (next.origin !== current && next.origin !== new URL(DEFAULT_SETTINGS.baseUrl).origin) {
        const host = next.host
        if (!(await this.o.actions.confirm(keyDestinationText(host, this.language())))) {
          throw new CallError('cancelled', `The API address was not changed to ${host}`)
        }
      }
    }
    if (patch.libraryFolder) {
      const folder = resolve(patch.libraryFolder)
      if (parse(folder).root === folder || folder === resolve(homedir())) {
        throw new CallError(
          'invalid_input',
          'libraryFolder must be a folder of its own, not a whole disk or the home folder',
        )
      }
    }
  }

  /** A query that tells a valid key from an invalid one and creates nothing. */
  async testKey(): Promise<KeyTest> {
    if (!this.keyCache) return { valid: false, message: 'No key is set', requestId: null }
    const client = new KlingClient({
      baseUrl: this.o.settings.get().baseUrl,
      apiKey: this.keyCache,
      fetch: this.o.fetch,
      queryAttempts: 2,
      requestTimeoutMs: 15_000,
    })
    try {
      await client.getTask(`ks-key-check-${Date.now()}`)
      return { valid: true, message: 'The key works', requestId: null }
    } catch (error) {
      if (!(error instanceof KlingApiError)) throw error
      if (error.kind === 'not_found')
        return { valid: true, message: 'The key works', requestId: error.requestId }
      if (error.kind === 'authentication') {
        return {
          valid: false,
          message: `The service refused this key: ${error.message}`,
          requestId: error.requestId,
        }
      }
      throw error
    }
  }

  handlers(): Handlers {
    return {
      'key.status': () => this.keyStatus(),
      'key.set': async ({ key }) => {
        await this.o.secrets.set(key)
        this.keyCache = key
        const status = await this.keyStatus()
        this.o.emit('key.changed', status)
        return status
      },
      'key.clear': async () => {
        await this.o.secrets.clear()
        this.keyCache = null
        const status = await this.keyStatus()
        this.o.emit('key.changed', status)
        return status
      },
      'key.test': () => this.testKey(),
      'settings.get': () => this.o.settings.get(),
      'settings.update': async (patch) => {
        await this.checkSettingsPatch(patch)
        const next = this.o.settings.update(patch)
        if (patch.concurrency !== undefined) {
          this.real?.setConcurrency(next.concurrency)
          this.sandbox?.setConcurrency(next.concurrency)
        }
        if (patch.libraryFolder !== undefined) {
          this.o.library.moveTo(next.libraryFolder ?? this.defaultLibraryFolder)
          this.o.ledger.addLibraryRoot(this.o.library.root)
        }
        if (patch.baseUrl !== undefined && this.real) {
          // The real tracker talks to the old address: rebuild it on the new one.
          const old = this.real
          this.real = null
          void old.stop().then(() => this.trackerFor(false).start())
        }
        this.o.emit('settings.changed', next)
        return next
      },
      'tasks.create': ({ request }) => this.create(request),
      'tasks.list': (query) => {
        const page = this.o.ledger.list(query)
        return { jobs: page.jobs.map(publicJob), total: page.total }
      },
      'tasks.get': ({ id }) => {
        const job = this.job(id)
        const tracker = job.sandbox ? this.sandbox : this.real
        const estimate = tracker?.estimate(job)
        return {
          job: publicJob(job),
          history: this.o.ledger.history(id),
          estimateSeconds:
            estimate && estimate.samples > 0 ? Math.round(estimate.medianSeconds) : null,
        }
      },
      'tasks.retryDownload': async ({ id }) => {
        const job = this.job(id)
        const tracker = job.sandbox ? await this.sandboxTracker() : this.trackerFor(false)
        const next = tracker.retryDownload(id)
        if (!next)
          throw new CallError('invalid_state', 'Only a finished task has a video to download')
        return publicJob(next)
      },
      'tasks.recheck': async ({ id }) => {
        const job = this.job(id)
        const tracker = job.sandbox ? await this.sandboxTracker() : this.trackerFor(false)
        tracker.recheck(id)
        return publicJob(this.job(id))
      },
      'tasks.resend': async ({ id }) => {
        const job = this.job(id)
        const tracker = job.sandbox ? await this.sandboxTracker() : this.trackerFor(false)
        if (!tracker.resend(id))
          throw new CallError('invalid_state', 'Only an unconfirmed request can be sent again')
        return publicJob(this.job(id))
      },
      'tasks.rerun': ({ id, changes }) => {
        const { external_task_id: _ignored, ...merged } = { ...this.job(id).request, ...changes }
        const checked = validateRequest(merged)
        if (!checked.ok) throw new CallError('invalid_input', formatFieldErrors(checked.errors))
        return this.create(checked.value)
      },
      'tasks.favourite': ({ id, favourite }) => {
        this.job(id)
        const job = this.o.ledger.setFavourite(id, favourite)
        this.o.emit('tasks.updated', publicJob(job))
        return publicJob(job)
      },
      'queue.pause': () => {
        this.real?.pauseQueue()
        this.sandbox?.pauseQueue()
        const stats = this.queueStats()
        this.o.emit('queue.changed', stats)
        return { ...stats, paused: true }
      },
      'queue.resume': () => {
        this.real?.resumeQueue()
        this.sandbox?.resumeQueue()
        const stats = this.queueStats()
        this.o.emit('queue.changed', stats)
        return stats
      },
      'queue.stats': () => this.queueStats(),
      'library.reveal': ({ id }) => this.o.actions.reveal(this.savedFile(id)),
      'library.open': ({ id }) => this.o.actions.open(this.savedFile(id)),
      'library.startDrag': ({ id }) => this.o.actions.startDrag(this.savedFile(id)),
      'library.delete': async ({ id }) => {
        const job = this.job(id)
        if (job.file)
          await this.o.library.remove(job.file, (p) => this.o.actions.trash(p), this.mediaRoots())
        this.o.ledger.remove(id)
      },
      'library.rescan': () => rescanLibrary(this.o.ledger, this.o.library),
      'library.chooseFolder': () => this.o.actions.chooseFolder(this.o.library.root),
      'app.info': () => {
        const sandbox = this.sandboxState()
        return {
          ...this.o.info,
          sandbox: sandbox.on,
          sandboxReason: sandbox.reason,
          libraryFolder: this.o.library.root,
          mediaBase: this.o.mediaBase ?? 'media://video/',
        }
      },
    }
  }

  /** What the media protocol may serve from: every library folder this history saved into. */
  mediaRoots(): string[] {
    return [...new Set([this.o.library.root, ...this.o.ledger.libraryRoots()])]
  }

  /** The file behind a job's video, for the media protocol (null: not saved). */
  fileFor(jobId: string): string | null {
    return this.o.ledger.get(jobId)?.file ?? null
  }
}
