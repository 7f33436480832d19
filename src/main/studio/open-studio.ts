import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FetchLike } from '../kling/http'
import { KlingClient, type KlingClientOptions } from '../kling/client'
import type { InputStore } from '../inputs'
import { Library, type LibraryOptions } from '../library/library'
import { LEDGER_FILE, SETTINGS_FILE } from '../paths'
import { JsonSettingsStore, type SettingsStore } from '../settings/settings-store'
import type { Ledger } from '../tasks/ledger'
import { Tracker, type TrackerOptions } from '../tasks/tracker'
import { openHistory } from './history-open'
import { inputStoreFor, wireFor } from './wire'

// The core the app and the command line share: the history, the library, the settings, and the
// client and engine built over them. One place builds them, so both follow the same rules (where
// the key may go, where videos are saved, how a create is sent) and cannot drift apart. A history
// that cannot be used throws HistoryUnusable (history-open.ts), which says why in one line.

export interface StudioOptions {
  dataDir: string
  /** The library folder; the settings' folder, else `defaultLibrary`. */
  libraryRoot?: string
  defaultLibrary: string
  /** The app passes its electron-store settings; the command line reads the same JSON file. */
  settings?: SettingsStore
  /** Electron's net.fetch in the app (system proxy); global fetch elsewhere. */
  fetch?: FetchLike
  download?: LibraryOptions['download']
  now?: () => number
  /**
   * Only reads the history (list, status, spend): opened read-only when it is at this schema, so
   * it takes no lock and answers while another process writes. Its ledger refuses writes then.
   */
  readOnly?: boolean
}

export type EngineOptions = Omit<TrackerOptions, 'ledger' | 'library' | 'wire'>

export interface Studio {
  dataDir: string
  ledger: Ledger
  library: Library
  settings: SettingsStore
  /** Input images, kept in the library by content hash, with their provenance in the history. */
  inputs: InputStore
  /** A client for an address; the key goes only where the one destination rule allows. */
  client(options: KlingClientOptions): KlingClient
  /** An engine over this history and library (the app runs one per address, a command one). */
  engine(options: EngineOptions): Tracker
  close(): void
}

export function openStudio(o: StudioOptions): Studio {
  const dataDir = resolve(o.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const settings = o.settings ?? new JsonSettingsStore(join(dataDir, SETTINGS_FILE))
  const root = resolve(o.libraryRoot ?? settings.get().libraryFolder ?? o.defaultLibrary)
  const ledger = openHistory(join(dataDir, LEDGER_FILE), { now: o.now, readOnly: o.readOnly })
  // Videos saved here stay playable in the app, whatever its own folder is later (a reader saves
  // nothing, and writes nothing).
  if (!o.readOnly) ledger.addLibraryRoot(root)
  const library = new Library({ root, fetch: o.fetch, download: o.download })
  const inputs = inputStoreFor(ledger, () => library.root, o.now)
  const wire = wireFor(inputs)
  return {
    dataDir,
    ledger,
    library,
    settings,
    inputs,
    client: (options) => new KlingClient({ fetch: o.fetch, ...options }),
    engine: (options) => new Tracker({ ...options, ledger, library, wire }),
    close: () => ledger.close(),
  }
}
