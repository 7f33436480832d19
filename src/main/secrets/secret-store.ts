// Where the CometAPI key lives. The app and the command line only ever see this port; the
// keychain (keytar) and Electron's safeStorage fallback implement it in platform/.

export interface SecretStore {
  /** 'keychain': the OS keychain; 'safe-storage': Electron-encrypted file; 'memory': tests. */
  readonly kind: 'keychain' | 'safe-storage' | 'memory'
  /** Shown to the person when the key is less protected than in a keychain. */
  readonly warning: string | null
  get(): Promise<string | null>
  set(secret: string): Promise<void>
  clear(): Promise<void>
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory'
  readonly warning = null
  constructor(private secret: string | null = null) {}
  async get(): Promise<string | null> {
    return this.secret
  }
  async set(secret: string): Promise<void> {
    this.secret = secret
  }
  async clear(): Promise<void> {
    this.secret = null
  }
}

/** What the renderer may know about the key: whether it is set, and its last four characters. */
export function describeKey(secret: string | null): { set: boolean; last4: string | null } {
  if (!secret) return { set: false, last4: null }
  return { set: true, last4: secret.length >= 8 ? secret.slice(-4) : null }
}
