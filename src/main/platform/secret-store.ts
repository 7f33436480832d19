import { join } from 'node:path'
import type { SecretStore } from '../secrets/secret-store'
import { openKeytarStore } from './keytar-store'
import { openSafeStorageStore } from './safe-storage-store'

/** The keychain when it answers; else safeStorage, with a warning the settings screen shows. */
export async function openSecretStore(dataDir: string): Promise<SecretStore> {
  const keychain = await openKeytarStore()
  if (keychain) return keychain
  const fallback = await openSafeStorageStore(join(dataDir, 'cometapi-key.enc'))
  if (fallback) return fallback
  // Neither: keep the key for this session only, and say so.
  let secret: string | null = null
  return {
    kind: 'memory',
    warning:
      'No keychain and no encryption are available: your API key is kept only until the app closes.',
    get: async () => secret,
    set: async (s) => {
      secret = s
    },
    clear: async () => {
      secret = null
    },
  }
}
