import type { SecretStore } from '../secrets/secret-store'

// The OS keychain through keytar: macOS Keychain, Windows Credential Manager, Secret Service on
// Linux. Plain Node (no electron), so the command line uses it too.

export const KEYCHAIN_SERVICE = 'Kling Studio'
export const KEYCHAIN_ACCOUNT = 'cometapi-key'

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

/**
 * A keychain-backed store, or null when keytar cannot load or the OS has no keychain (a Linux
 * session without Secret Service): the caller then falls back and tells the person.
 */
export async function openKeytarStore(account = KEYCHAIN_ACCOUNT): Promise<SecretStore | null> {
  let keytar: Keytar
  try {
    const mod = (await import('keytar')) as unknown as { default?: Keytar } & Keytar
    keytar = mod.default ?? mod
    // A read proves the keychain answers; a locked or missing Secret Service throws here.
    await keytar.getPassword(KEYCHAIN_SERVICE, account)
  } catch {
    return null
  }
  return {
    kind: 'keychain',
    warning: null,
    get: async () => (await keytar.getPassword(KEYCHAIN_SERVICE, account)) || null,
    set: (secret) => keytar.setPassword(KEYCHAIN_SERVICE, account, secret),
    clear: async () => {
      await keytar.deletePassword(KEYCHAIN_SERVICE, account)
    },
  }
}
