import { mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { sanitizeSettings, type Settings } from '../../shared/settings'
import { DEFAULT_BASE_URL, KlingClient, type RetryEvent } from '../kling/client'
import { Library } from '../library/library'
import { defaultDataDir, defaultLibraryDir, LEDGER_FILE, SETTINGS_FILE } from '../paths'
import { openKeytarStore } from '../platform/keytar-store'
import { Ledger } from '../tasks/ledger'
import { UsageError } from './args'

// The command line's view of the app's core: the same data folder, settings file, ledger,
// library and keychain entry, so jobs started here show up in the app's history and back.

export interface CoreOptions {
  env: Record<string, string | undefined>
  baseUrlFlag?: string
  libraryFlag?: string
}

export function readSettings(dataDir: string): Settings {
  try {
    return sanitizeSettings(JSON.parse(readFileSync(join(dataDir, SETTINGS_FILE), 'utf8')))
  } catch {
    return sanitizeSettings({})
  }
}

export function baseUrlFrom(options: CoreOptions, settings: Settings): string {
  const baseUrl =
    options.baseUrlFlag ?? options.env.COMETAPI_BASE_URL ?? settings.baseUrl ?? DEFAULT_BASE_URL
  try {
    const url = new URL(baseUrl)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http')
  } catch {
    throw new UsageError(`--base-url must be an http(s) URL (got "${baseUrl}")`)
  }
  return baseUrl
}

/** COMETAPI_KEY first; otherwise the key the app keeps in the OS keychain. */
export async function apiKeyFrom(env: Record<string, string | undefined>): Promise<string> {
  if (env.COMETAPI_KEY) return env.COMETAPI_KEY
  const store = await openKeytarStore()
  const key = store ? await store.get() : null
  if (key) return key
  throw new UsageError(
    'No API key: set COMETAPI_KEY, or save your CometAPI key in Kling Studio (Settings), which keeps it in the OS keychain',
  )
}

export function makeClient(
  baseUrl: string,
  apiKey: string,
  onRetry?: (e: RetryEvent) => void,
): KlingClient {
  return new KlingClient({ baseUrl, apiKey, onRetry })
}

export interface Core {
  dataDir: string
  settings: Settings
  ledger: Ledger
  library: Library
  close(): void
}

export function openCore(options: CoreOptions): Core {
  const dataDir = resolve(defaultDataDir(options.env))
  mkdirSync(dataDir, { recursive: true })
  const settings = readSettings(dataDir)
  const root = resolve(
    options.libraryFlag ?? settings.libraryFolder ?? defaultLibraryDir(options.env),
  )
  const ledger = new Ledger(join(dataDir, LEDGER_FILE))
  // Videos saved here by the command line stay playable in the app, whatever its own folder.
  ledger.addLibraryRoot(root)
  return { dataDir, settings, ledger, library: new Library({ root }), close: () => ledger.close() }
}
