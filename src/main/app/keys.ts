import type { Handlers, KeyStatus, KeyTest } from '../../shared/contract'
import type { EmitFn } from './runner'
import { KlingClient } from '../kling/client'
import { KlingApiError } from '../kling/errors'
import type { FetchLike } from '../kling/http'
import { describeKey, type SecretStore } from '../secrets/secret-store'
import type { SettingsStore } from '../settings/settings-store'

// The key: kept in the keychain, cached in main for requests, never sent to the window (which
// learns only whether one is set and its last four characters), and tested without creating
// anything.

export class KeyService {
  private cache: string | null = null
  private loading: Promise<void> | null = null
  /** Set or cleared here since the start: newer than what the keychain's first read gives. */
  private setHere = false

  constructor(
    private readonly o: {
      secrets: SecretStore
      settings: SettingsStore
      emit: EmitFn
      fetch?: FetchLike
    },
  ) {}

  /**
   * Reads the key from the keychain, once: every later call waits for that same read. The window
   * opens before the app has started, and its first calls (whether a key is set; sandbox, which
   * follows from that) wait for the read rather than answer "no key" while it is under way.
   */
  load(): Promise<void> {
    this.loading ??= this.o.secrets.get().then((key) => {
      if (!this.setHere) this.cache = key
    })
    return this.loading
  }

  /** Once the keychain has been read (or failed to be: what is known then is answered). */
  loaded(): Promise<void> {
    return this.load().catch(() => {})
  }

  current(): string | null {
    return this.cache
  }

  status(): KeyStatus {
    return {
      ...describeKey(this.cache),
      storage: this.o.secrets.kind,
      warning: this.o.secrets.warning,
    }
  }

  /** A query that tells a valid key from an invalid one and creates nothing. */
  async test(): Promise<KeyTest> {
    if (!this.cache) return { valid: false, message: 'No key is set', requestId: null }
    const client = new KlingClient({
      baseUrl: this.o.settings.get().baseUrl,
      apiKey: this.cache,
      fetch: this.o.fetch,
      queryAttempts: 2,
      requestTimeoutMs: 15_000,
    })
    try {
      await client.videos.get('text2video', `ks-key-check-${Date.now()}`)
      return { valid: true, message: 'The key works', requestId: null }
    } catch (error) {
      if (!(error instanceof KlingApiError)) throw error
      if (error.kind === 'not_found')
        return { valid: true, message: 'The key works', requestId: error.requestId }
      if (error.kind === 'authentication')
        return {
          valid: false,
          message: `The service refused this key: ${error.message}`,
          requestId: error.requestId,
        }
      throw error
    }
  }

  handlers(): Pick<Handlers, 'key.status' | 'key.set' | 'key.clear' | 'key.test'> {
    const changed = () => {
      const status = this.status()
      this.o.emit('key.changed', status)
      return status
    }
    return {
      'key.status': async () => (await this.loaded(), this.status()),
      'key.set': async ({ key }) => {
        await this.o.secrets.set(key)
        this.cache = key
        this.setHere = true
        return changed()
      },
      'key.clear': async () => {
        await this.o.secrets.clear()
        this.cache = null
        this.setHere = true
        return changed()
      },
      'key.test': () => this.test(),
    }
  }
}
