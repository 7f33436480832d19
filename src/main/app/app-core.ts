import { dirname, join } from 'node:path'
import type { AppInfo, Handlers } from '../../shared/contract'
import { resolveLanguage } from '../../shared/language'
import type { Emulator, EmulatorOptions } from '../emulator/server'
import type { InputStore } from '../inputs'
import type { FetchLike } from '../kling/http'
import type { Library } from '../library/library'
import type { MediaDeps } from '../library/media-handler'
import { PosterStore, POSTERS_DIR } from '../library/posters'
import type { SecretStore } from '../secrets/secret-store'
import type { SettingsStore } from '../settings/settings-store'
import { inputStoreFor, wireFor } from '../studio/wire'
import type { Ledger } from '../tasks/ledger'
import { changeSource } from '../tasks/ledger-changes'
import { LedgerReader } from '../tasks/ledger-reader'
import type { DesktopActions } from './desktop'
import { InputsService } from './inputs-service'
import { JobService } from './jobs'
import { KeyService } from './keys'
import { LedgerWatch } from './ledger-watch'
import { LibraryService } from './library-service'
import { Runner, type EmitFn } from './runner'
import { SettingsService } from './settings-service'
import { SpendService } from './spend-service'

// Everything the window can ask for, as plain Node services, one per group of the contract (keys,
// settings, jobs, queue, library, inputs, app), composed here. The ipc layer binds them to the
// contract; the browser tests bind them to HTTP. Electron-only acts come in as DesktopActions.

export { publicJob, type DesktopActions } from './desktop'

export interface AppCoreOptions {
  ledger: Ledger
  library: Library
  secrets: SecretStore
  settings: SettingsStore
  actions: DesktopActions
  emit: EmitFn
  startEmulator: (options: EmulatorOptions) => Promise<Emulator>
  info: { version: string; platform: string }
  /** Input images; kept in the library's Inputs folder unless given. */
  inputs?: InputStore
  /** The OS's preferred languages, for settings that follow the system (notifications). */
  systemLanguages?: () => readonly string[]
  /** Where videos go when settings name no folder (the library's first root when not given). */
  defaultLibraryFolder?: string
  fetch?: FetchLike
  /** Where the page loads saved videos from (the browser tests serve them over http). */
  mediaBase?: string
  /** Prefix of poster frame URLs (media://poster/ in the app; the browser tests serve their own). */
  posterBase?: string
  /** Where poster frames are kept: a posters folder beside the history file unless given. */
  postersFolder?: string
  /** The ffmpeg that makes poster frames ("ffmpeg" on PATH unless given); null: the window makes them. */
  ffmpeg?: string | null
  /** Sandbox tasks run this many times faster than real ones, so a try takes seconds. */
  sandboxTimeScale?: number
  /** The built list worker (out/main/list-worker.js): library queries off the main thread. */
  listWorker?: string
  log?: (line: string) => void
}

export class AppCore {
  readonly keys: KeyService
  readonly runner: Runner
  readonly library: LibraryService
  private readonly jobs: JobService
  private readonly spend: SpendService
  private readonly settingsService: SettingsService
  private readonly inputs: InputsService
  private readonly reader: LedgerReader
  private readonly watch: LedgerWatch
  private unwatchSettings = () => {}

  constructor(private readonly o: AppCoreOptions) {
    // Other processes' changes to the history reach the window through the watch; what the
    // services below tell the window themselves goes through its tap, so it is not told twice.
    this.watch = new LedgerWatch({
      source: changeSource(o.ledger.prepare),
      emit: o.emit,
      log: o.log,
    })
    o = { ...o, emit: this.watch.tap(o.emit) }
    o.ledger.addLibraryRoot(o.library.root)
    const language = () => resolveLanguage(o.settings.get().language, o.systemLanguages?.() ?? [])
    const inputs = o.inputs ?? inputStoreFor(o.ledger, () => o.library.root)
    this.keys = new KeyService({
      secrets: o.secrets,
      settings: o.settings,
      emit: o.emit,
      fetch: o.fetch,
    })
    const key = () => this.keys.current()
    this.runner = new Runner({ ...o, wire: wireFor(inputs), key, language })
    this.reader = new LedgerReader(o.ledger, o.listWorker ?? null, o.log)
    this.spend = new SpendService({ ledger: o.ledger, settings: o.settings })
    this.jobs = new JobService({
      spend: this.spend,
      ledger: o.ledger,
      reader: this.reader,
      runner: this.runner,
      emit: o.emit,
      inputs,
    })
    this.settingsService = new SettingsService({
      ...o,
      runner: this.runner,
      key,
      language,
      defaultLibraryFolder: o.defaultLibraryFolder ?? o.library.root,
    })
    const posters = new PosterStore({
      folder: o.postersFolder ?? join(dirname(o.ledger.path), POSTERS_DIR),
      videoFor: (id) => o.ledger.get(id)?.file ?? null,
      ffmpeg: o.ffmpeg,
    })
    this.library = new LibraryService({ ...o, posters, inputs, runner: this.runner })
    this.inputs = new InputsService({ inputs, actions: o.actions, fetch: o.fetch })
  }

  /** Loads the key and starts tracking every unfinished job; once, at launch. */
  async start(): Promise<void> {
    this.reader.open()
    await this.keys.load()
    await this.runner.start()
    this.watch.start()
    this.unwatchSettings = this.settingsService.watchOthers()
  }

  suspend(): void {
    this.runner.suspend()
  }

  wake(): void {
    this.runner.wake()
  }

  async stop(): Promise<void> {
    this.unwatchSettings()
    await Promise.all([this.runner.stop(), this.reader.close(), this.watch.stop()])
  }

  private info(): AppInfo {
    const sandbox = this.runner.sandboxState()
    return {
      ...this.o.info,
      sandbox: sandbox.on,
      sandboxReason: sandbox.reason,
      libraryFolder: this.o.library.root,
      mediaBase: this.o.mediaBase ?? 'media://video/',
      posterBase: this.o.posterBase ?? 'media://poster/',
    }
  }

  handlers(): Handlers {
    const queue = (paused?: boolean) => {
      const stats = this.runner.stats()
      this.o.emit('queue.changed', stats)
      return paused === undefined ? stats : { ...stats, paused }
    }
    return {
      ...this.keys.handlers(),
      ...this.settingsService.handlers(),
      ...this.jobs.handlers(),
      ...this.library.handlers(),
      ...this.inputs.handlers(),
      ...this.spend.handlers(),
      'queue.pause': () => (this.runner.pause(), queue(true)),
      'queue.resume': () => (this.runner.resume(), queue()),
      'queue.stats': () => this.runner.stats(),
      // Sandbox follows from whether a key is set: answered once the keychain has been read.
      'app.info': async () => (await this.keys.loaded(), this.info()),
    }
  }

  mediaRoots(): string[] {
    return this.library.mediaRoots()
  }

  /** What the media protocol serves (videos and posters), for the app and the browser tests. */
  mediaDeps(): MediaDeps {
    return this.library.mediaDeps()
  }

  fileFor(jobId: string): string | null {
    return this.library.fileFor(jobId)
  }
}
